//! Fyr's directory → HSDS 3 (JSON and tabular).

use super::{hours, uuid_for, TIME_ZONE};
use crate::tables::area_cell;
use fyr_core::model::{Directory, Organization, PhoneKind, Service, ServiceArea};
use fyr_core::vocab::{AgencyKind, Lang};
use serde_json::{json, Map, Value};

/// A service's location may be exported: never for a confidential address,
/// never for a shelter whatever its flag says.
fn location_allowed(s: &Service, kind: Option<AgencyKind>) -> bool {
    !s.confidential_address
        && !matches!(
            kind,
            Some(AgencyKind::WomensShelter | AgencyKind::YoungWomensShelter)
        )
}

fn put(m: &mut Map<String, Value>, k: &str, v: impl Into<Value>) {
    m.insert(k.to_string(), v.into());
}

fn put_opt(m: &mut Map<String, Value>, k: &str, v: &Option<String>) {
    if let Some(v) = v.as_ref().filter(|v| !v.is_empty()) {
        put(m, k, v.clone());
    }
}

fn service_json(d: &Directory, s: &Service, org: Option<&Organization>) -> Map<String, Value> {
    let sid = uuid_for("service", &s.id);
    let kind = org.map(|o| o.agency_kind);
    let show_location = location_allowed(s, kind);
    let mut m = Map::new();
    put(&mut m, "id", sid.clone());
    put(
        &mut m,
        "organization_id",
        uuid_for("organization", &s.organization),
    );
    put(&mut m, "name", s.name.sv.clone());
    put(&mut m, "description", s.description.sv.clone());
    put_opt(&mut m, "url", &s.web);
    put_opt(&mut m, "email", &s.email);
    put(&mut m, "status", "active");
    if !s.groups.is_empty() {
        put(
            &mut m,
            "eligibility_description",
            s.groups
                .iter()
                .map(|g| g.label(Lang::Sv))
                .collect::<Vec<_>>()
                .join(", "),
        );
    }
    if let Some(v) = s.verified_on.filter(|_| !s.demo) {
        put(&mut m, "assured_date", v.format("%Y-%m-%d").to_string());
    }
    if s.demo {
        put(
            &mut m,
            "alert",
            "DEMO – påhittad post, nummer ur PTS:s fiktionsserie; ring aldrig (demo entry, never call)",
        );
    }
    // Phones.
    let phones: Vec<Value> = s
        .phones
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut pm = Map::new();
            put(&mut pm, "id", uuid_for("phone", &format!("{}:{i}", s.id)));
            put(&mut pm, "service_id", sid.clone());
            put(&mut pm, "number", p.number.clone());
            put(
                &mut pm,
                "type",
                match p.kind {
                    PhoneKind::Voice => "voice",
                    PhoneKind::Sms => "text",
                    PhoneKind::Chat => "chat",
                },
            );
            if let Some(l) = &p.label {
                put(&mut pm, "description", l.sv.clone());
                put_opt(&mut pm, "fyr_label_en", &l.en);
            }
            put(&mut pm, "fyr_kind", p.kind.id());
            put_opt(&mut pm, "fyr_hours", &p.hours);
            Value::Object(pm)
        })
        .collect();
    put(&mut m, "phones", phones);
    // Schedules: weekly rows of the hours.
    let mut attending: Vec<&str> = Vec::new();
    for p in &s.phones {
        let a = match p.kind {
            PhoneKind::Voice => "telefon (phone)",
            PhoneKind::Sms => "sms (text)",
            PhoneKind::Chat => "chatt (chat)",
        };
        if !attending.contains(&a) {
            attending.push(a);
        }
    }
    let schedules: Vec<Value> = hours::to_rows(&s.hours)
        .into_iter()
        .enumerate()
        .map(|(i, mut r)| {
            r.insert(
                "id".into(),
                json!(uuid_for("schedule", &format!("{}:{i}", s.id))),
            );
            r.insert("service_id".into(), json!(sid));
            if !attending.is_empty() {
                r.insert("attending_type".into(), json!(attending.join(", ")));
            }
            Value::Object(r)
        })
        .collect();
    put(&mut m, "schedules", schedules);
    // Service areas.
    let county_name = |code: &str| {
        d.municipalities
            .iter()
            .find(|m| m.county_code == code)
            .map(|m| m.county_name.clone())
            .unwrap_or_else(|| format!("län {code}"))
    };
    let areas: Vec<(String, String, &str, String)> = match &s.area {
        ServiceArea::National => vec![("SE".into(), "Sverige".into(), "national", "SE".into())],
        ServiceArea::County { code } => {
            vec![(
                format!("county:{code}"),
                county_name(code),
                "county",
                code.clone(),
            )]
        }
        ServiceArea::Municipalities { codes } => codes
            .iter()
            .map(|c| {
                let name = d
                    .municipalities
                    .iter()
                    .find(|m| &m.code == c)
                    .map(|m| format!("{} kommun", m.name))
                    .unwrap_or_else(|| format!("kommun {c}"));
                (c.clone(), name, "municipality", c.clone())
            })
            .collect(),
    };
    let areas: Vec<Value> = areas
        .into_iter()
        .map(|(key, name, kind, code)| {
            json!({
                "id": uuid_for("service_area", &format!("{}:{key}", s.id)),
                "service_id": sid,
                "name": name,
                "fyr_area_kind": kind,
                "fyr_code": code,
            })
        })
        .collect();
    put(&mut m, "service_areas", areas);
    put(
        &mut m,
        "languages",
        s.languages
            .iter()
            .map(|l| {
                json!({
                    "id": uuid_for("language", &format!("{}:{l}", s.id)),
                    "service_id": sid,
                    "code": l,
                })
            })
            .collect::<Vec<_>>(),
    );
    // Location: only where it may be shown.
    let mut sals = Vec::new();
    if let Some(loc) = s.location.as_ref().filter(|_| show_location) {
        if loc.address.is_some() || loc.lat.is_some() {
            let lid = uuid_for("location", &s.id);
            let mut l = Map::new();
            put(&mut l, "id", lid.clone());
            put(&mut l, "location_type", "physical");
            put(
                &mut l,
                "organization_id",
                uuid_for("organization", &s.organization),
            );
            put(&mut l, "name", s.name.sv.clone());
            if let Some(a) = &loc.address {
                put(&mut l, "description", format!("Besöksadress: {a}"));
                put(&mut l, "fyr_address", a.clone());
            }
            if let (Some(la), Some(lo)) = (loc.lat, loc.lon) {
                put(&mut l, "latitude", la);
                put(&mut l, "longitude", lo);
            }
            sals.push(json!({
                "id": uuid_for("service_at_location", &s.id),
                "service_id": sid,
                "location_id": lid,
                "location": Value::Object(l),
            }));
        }
    }
    put(&mut m, "service_at_locations", sals);
    // Extensions.
    put(&mut m, "fyr_id", s.id.clone());
    put_opt(&mut m, "fyr_name_en", &s.name.en);
    put_opt(&mut m, "fyr_description_en", &s.description.en);
    put(&mut m, "fyr_area", area_cell(&s.area));
    put(
        &mut m,
        "fyr_groups",
        s.groups.iter().map(|g| g.id()).collect::<Vec<_>>(),
    );
    put(
        &mut m,
        "fyr_needs",
        s.needs.iter().map(|g| g.id()).collect::<Vec<_>>(),
    );
    put(
        &mut m,
        "fyr_forms",
        s.forms.iter().map(|g| g.id()).collect::<Vec<_>>(),
    );
    put(&mut m, "fyr_hours", s.hours.clone());
    put(&mut m, "fyr_time_zone", TIME_ZONE);
    if let Ok(sch) = fyr_core::schedule::Schedule::parse(&s.hours) {
        let p = sch.parts();
        put(&mut m, "fyr_on_call", p.on_call);
        put(&mut m, "fyr_closed_on_holidays", p.closed_holidays);
    }
    put(&mut m, "fyr_confidential_address", !show_location);
    if let Some(mu) = s.location.as_ref().and_then(|l| l.municipality.clone()) {
        put(&mut m, "fyr_municipality", mu);
    }
    put(&mut m, "fyr_demo", s.demo);
    put(&mut m, "fyr_verified", s.verified());
    if let Some(v) = s.verified_on {
        put(&mut m, "fyr_verified_on", v.format("%Y-%m-%d").to_string());
    }
    put(&mut m, "fyr_source", s.source.clone());
    put(&mut m, "fyr_tags", s.tags.clone());
    m
}

fn organization_json(o: &Organization) -> Map<String, Value> {
    let mut m = Map::new();
    put(&mut m, "id", uuid_for("organization", &o.id));
    put(&mut m, "name", o.name.clone());
    put(&mut m, "description", o.role.sv.clone());
    put_opt(&mut m, "website", &o.website);
    put(&mut m, "fyr_id", o.id.clone());
    put(&mut m, "fyr_agency_kind", o.agency_kind.id());
    put(&mut m, "fyr_role_sv", o.role.sv.clone());
    put_opt(&mut m, "fyr_role_en", &o.role.en);
    m
}

/// The directory as one HSDS 3 JSON document (see the module documentation).
pub fn export_json(d: &Directory) -> Value {
    let orgs: Vec<Value> = d
        .organizations
        .iter()
        .map(|o| {
            let mut m = organization_json(o);
            let services: Vec<Value> = d
                .services
                .iter()
                .filter(|s| s.organization == o.id)
                .map(|s| Value::Object(service_json(d, s, Some(o))))
                .collect();
            put(&mut m, "services", services);
            Value::Object(m)
        })
        .collect();
    // A service whose organization is missing is still exported, under no organization.
    let orphans: Vec<Value> = d
        .services
        .iter()
        .filter(|s| !d.organizations.iter().any(|o| o.id == s.organization))
        .map(|s| Value::Object(service_json(d, s, None)))
        .collect();
    let mut top = json!({
        "hsds_version": "3.0",
        "description": "Fyr referral directory as Open Referral HSDS 3; fyr_* fields are Fyr's documented extensions",
        "organizations": orgs,
        "fyr_municipalities": d.municipalities,
    });
    if !orphans.is_empty() {
        top["fyr_services_without_organization"] = Value::Array(orphans);
    }
    top
}

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
            put(&mut x, "lat", m.lat);
            put(&mut x, "lon", m.lon);
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
