//! Fyr's directory → HSDS 3 tabular: the tables (one CSV each, the columns
//! HSDS names with their Frictionless types) and `datapackage.json`, made
//! from the same JSON objects as the JSON export.

use super::export::{export_json, put};
use fyr_core::model::Directory;
use serde_json::{json, Map, Value};

/// A tabular table: (file, HSDS object, columns as (name, Frictionless type)).
pub type TabularTable = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

/// The tabular form's tables.
pub const TABULAR: &[TabularTable] = &[
    (
        "organizations.csv",
        "organization",
        &[
            ("id", "string"),
            ("name", "string"),
            ("alternate_name", "string"),
            ("description", "string"),
            ("email", "string"),
            ("website", "string"),
            ("tax_status", "string"),
            ("tax_id", "string"),
            ("year_incorporated", "number"),
            ("legal_status", "string"),
            ("logo", "string"),
            ("uri", "string"),
            ("parent_organization_id", "string"),
            ("fyr_id", "string"),
            ("fyr_agency_kind", "string"),
            ("fyr_role_sv", "string"),
            ("fyr_role_en", "string"),
        ],
    ),
    (
        "services.csv",
        "service",
        &[
            ("id", "string"),
            ("organization_id", "string"),
            ("program_id", "string"),
            ("name", "string"),
            ("alternate_name", "string"),
            ("description", "string"),
            ("url", "string"),
            ("email", "string"),
            ("status", "string"),
            ("interpretation_services", "string"),
            ("application_process", "string"),
            ("fees_description", "string"),
            ("wait_time", "string"),
            ("fees", "string"),
            ("accreditations", "string"),
            ("eligibility_description", "string"),
            ("minimum_age", "number"),
            ("maximum_age", "number"),
            ("assured_date", "date"),
            ("assurer_email", "string"),
            ("licenses", "string"),
            ("alert", "string"),
            ("last_modified", "datetime"),
            ("fyr_id", "string"),
            ("fyr_name_en", "string"),
            ("fyr_description_en", "string"),
            ("fyr_area", "string"),
            ("fyr_groups", "string"),
            ("fyr_needs", "string"),
            ("fyr_forms", "string"),
            ("fyr_hours", "string"),
            ("fyr_time_zone", "string"),
            ("fyr_on_call", "boolean"),
            ("fyr_closed_on_holidays", "boolean"),
            ("fyr_confidential_address", "boolean"),
            ("fyr_municipality", "string"),
            ("fyr_demo", "boolean"),
            ("fyr_verified", "boolean"),
            ("fyr_verified_on", "date"),
            ("fyr_source", "string"),
            ("fyr_tags", "string"),
        ],
    ),
    (
        "phones.csv",
        "phone",
        &[
            ("id", "string"),
            ("location_id", "string"),
            ("service_id", "string"),
            ("organization_id", "string"),
            ("contact_id", "string"),
            ("service_at_location_id", "string"),
            ("number", "string"),
            ("extension", "number"),
            ("type", "string"),
            ("description", "string"),
            ("fyr_kind", "string"),
            ("fyr_label_en", "string"),
            ("fyr_hours", "string"),
        ],
    ),
    (
        "schedules.csv",
        "schedule",
        &[
            ("id", "string"),
            ("service_id", "string"),
            ("location_id", "string"),
            ("service_at_location_id", "string"),
            ("valid_from", "date"),
            ("valid_to", "date"),
            ("dtstart", "date"),
            ("timezone", "number"),
            ("until", "date"),
            ("count", "number"),
            ("wkst", "string"),
            ("freq", "string"),
            ("interval", "number"),
            ("byday", "string"),
            ("byweekno", "string"),
            ("bymonthday", "string"),
            ("byyearday", "string"),
            ("description", "string"),
            ("opens_at", "time"),
            ("closes_at", "time"),
            ("schedule_link", "string"),
            ("attending_type", "string"),
            ("notes", "string"),
            ("fyr_time_zone", "string"),
            ("fyr_on_call", "boolean"),
            ("fyr_closed_on_holidays", "boolean"),
            ("fyr_holidays", "boolean"),
            ("fyr_closed", "boolean"),
        ],
    ),
    (
        "service_areas.csv",
        "service_area",
        &[
            ("id", "string"),
            ("service_id", "string"),
            ("name", "string"),
            ("description", "string"),
            ("extent", "string"),
            ("extent_type", "string"),
            ("uri", "string"),
            ("fyr_area_kind", "string"),
            ("fyr_code", "string"),
        ],
    ),
    (
        "languages.csv",
        "language",
        &[
            ("id", "string"),
            ("service_id", "string"),
            ("location_id", "string"),
            ("phone_id", "string"),
            ("name", "string"),
            ("code", "string"),
            ("note", "string"),
        ],
    ),
    (
        "locations.csv",
        "location",
        &[
            ("id", "string"),
            ("location_type", "string"),
            ("url", "string"),
            ("organization_id", "string"),
            ("name", "string"),
            ("alternate_name", "string"),
            ("description", "string"),
            ("transportation", "string"),
            ("latitude", "number"),
            ("longitude", "number"),
            ("external_identifier", "string"),
            ("external_identifier_type", "string"),
            ("fyr_address", "string"),
        ],
    ),
    (
        "service_at_location.csv",
        "service_at_location",
        &[
            ("id", "string"),
            ("service_id", "string"),
            ("location_id", "string"),
            ("description", "string"),
        ],
    ),
    (
        "fyr_municipalities.csv",
        "fyr_municipality",
        &[
            ("code", "string"),
            ("name", "string"),
            ("county_code", "string"),
            ("county_name", "string"),
            ("lat", "number"),
            ("lon", "number"),
            ("localities", "string"),
        ],
    ),
];

fn cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::Array(a) => a.iter().map(cell).collect::<Vec<_>>().join(";"),
        Value::Object(_) => String::new(),
    }
}

/// The `datapackage.json` of the tabular form (Frictionless Data Package).
pub fn datapackage() -> Value {
    let resources: Vec<Value> = TABULAR
        .iter()
        .map(|(file, obj, cols)| {
            json!({
                "name": file.trim_end_matches(".csv"),
                "path": file,
                "profile": "tabular-data-resource",
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "description": if obj.starts_with("fyr_") { "Fyr extension: the municipalities Fyr knows".to_string() } else { format!("HSDS 3 {obj}, with Fyr's fyr_* extension columns") },
                "schema": {
                    "fields": cols.iter().map(|(n, t)| {
                        let mut f = json!({"name": n, "type": t});
                        if *n == "id" || n.ends_with("_id") { f["format"] = json!("uuid"); }
                        f
                    }).collect::<Vec<_>>(),
                    "primaryKey": if obj.starts_with("fyr_") { "code" } else { "id" },
                },
            })
        })
        .collect();
    json!({
        "name": "fyr-directory-hsds",
        "title": "Fyr referral directory (Open Referral HSDS 3, tabular)",
        "profile": "tabular-data-package",
        "resources": resources,
    })
}

/// The directory as HSDS 3 tabular files: one CSV per table and `datapackage.json`.
pub fn export_tabular(d: &Directory) -> Vec<(String, Vec<u8>)> {
    let doc = export_json(d);
    let mut rows: Vec<Vec<&Map<String, Value>>> = vec![Vec::new(); TABULAR.len()];
    let idx = |f: &str| TABULAR.iter().position(|t| t.0 == f).unwrap_or(0);
    let empty = Vec::new();
    let arr = |m: &Map<String, Value>, k: &str| -> Vec<Value> {
        m.get(k)
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let _ = arr;
    let orgs = doc["organizations"].as_array().unwrap_or(&empty);
    let orphans = doc
        .get("fyr_services_without_organization")
        .and_then(Value::as_array)
        .unwrap_or(&empty);
    let mut services: Vec<&Map<String, Value>> = Vec::new();
    for o in orgs.iter().filter_map(Value::as_object) {
        rows[idx("organizations.csv")].push(o);
        for s in o
            .get("services")
            .and_then(Value::as_array)
            .unwrap_or(&empty)
            .iter()
            .filter_map(Value::as_object)
        {
            services.push(s);
        }
    }
    services.extend(orphans.iter().filter_map(Value::as_object));
    let munis: Vec<Map<String, Value>> = d
        .municipalities
        .iter()
        .map(|m| {
            let mut x = Map::new();
            put(&mut x, "code", m.code.clone());
            put(&mut x, "name", m.name.clone());
            put(&mut x, "county_code", m.county_code.clone());
            put(&mut x, "county_name", m.county_name.clone());
            put(&mut x, "lat", fyr_core::model::coord::round(m.lat));
            put(&mut x, "lon", fyr_core::model::coord::round(m.lon));
            put(&mut x, "localities", m.localities.join(";"));
            x
        })
        .collect();
    for s in &services {
        rows[idx("services.csv")].push(s);
        for (k, f) in [
            ("phones", "phones.csv"),
            ("schedules", "schedules.csv"),
            ("service_areas", "service_areas.csv"),
            ("languages", "languages.csv"),
            ("service_at_locations", "service_at_location.csv"),
        ] {
            for x in s
                .get(k)
                .and_then(Value::as_array)
                .unwrap_or(&empty)
                .iter()
                .filter_map(Value::as_object)
            {
                rows[idx(f)].push(x);
                if let Some(l) = x.get("location").and_then(Value::as_object) {
                    rows[idx("locations.csv")].push(l);
                }
            }
        }
    }
    for m in &munis {
        rows[idx("fyr_municipalities.csv")].push(m);
    }
    let mut out = Vec::new();
    for (i, (file, _, cols)) in TABULAR.iter().enumerate() {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        let _ = w.write_record(cols.iter().map(|c| c.0));
        for r in &rows[i] {
            let _ = w.write_record(
                cols.iter()
                    .map(|(c, _)| r.get(*c).map(cell).unwrap_or_default()),
            );
        }
        out.push((file.to_string(), w.into_inner().unwrap_or_default()));
    }
    out.push((
        "datapackage.json".into(),
        serde_json::to_vec_pretty(&datapackage()).unwrap_or_default(),
    ));
    out
}
