//! HSDS 3 (JSON in any of its published shapes, or tabular CSV) → Fyr's
//! content tables, with a report of what was mapped, dropped and why.

use super::mapping::map;
use super::TABULAR;
use crate::report::Report;
use crate::tables::Tables;
use crate::{Incoming, ReadError};
use fyr_core::text::fold;
use serde_json::{Map, Value};
use std::collections::BTreeMap;

pub(super) type Obj = Map<String, Value>;

pub(super) fn s<'a>(o: &'a Obj, k: &str) -> &'a str {
    o.get(k)
        .and_then(Value::as_str)
        .map(str::trim)
        .unwrap_or("")
}

pub(super) fn num(o: &Obj, k: &str) -> Option<f64> {
    match o.get(k)? {
        Value::Number(n) => n.as_f64(),
        Value::String(t) => t.trim().parse().ok(),
        _ => None,
    }
}

pub(super) fn boolean(o: &Obj, k: &str) -> Option<bool> {
    match o.get(k)? {
        Value::Bool(b) => Some(*b),
        Value::String(t) => match t.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "ja" | "1" => Some(true),
            "false" | "no" | "nej" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// A list field: a JSON array of strings, or a `;`-separated cell.
pub(super) fn list(o: &Obj, k: &str) -> Option<Vec<String>> {
    match o.get(k)? {
        Value::Array(a) => Some(
            a.iter()
                .filter_map(Value::as_str)
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty())
                .collect(),
        ),
        Value::String(t) => Some(
            t.split(';')
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty())
                .collect(),
        ),
        _ => None,
    }
}

pub(super) fn objs<'a>(o: &'a Obj, k: &str) -> Vec<&'a Obj> {
    o.get(k)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_object).collect())
        .unwrap_or_default()
}

/// A Fyr id from a name: folded to a-z, 0-9 and `-`.
pub(super) fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in fold(name).chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out: String = out.trim_end_matches('-').chars().take(60).collect();
    out.trim_end_matches('-').to_string()
}

/// The input gathered into organizations (each with its services) and
/// services without a nested organization.
#[derive(Default)]
pub(super) struct Gathered {
    pub(super) orgs: Vec<Obj>,
    pub(super) services: Vec<Obj>,
    pub(super) municipalities: Vec<Obj>,
}

fn classify(v: &Value, g: &mut Gathered, report: &mut Report, name: &str) {
    match v {
        Value::Array(a) => a.iter().for_each(|x| classify(x, g, report, name)),
        Value::Object(o) => {
            if let Some(orgs) = o.get("organizations").and_then(Value::as_array) {
                orgs.iter().for_each(|x| classify(x, g, report, name));
                for k in ["fyr_services_without_organization"] {
                    if let Some(a) = o.get(k).and_then(Value::as_array) {
                        g.services
                            .extend(a.iter().filter_map(Value::as_object).cloned());
                    }
                }
                g.municipalities
                    .extend(objs(o, "fyr_municipalities").into_iter().cloned());
            } else if let Some(c) = o.get("contents") {
                classify(c, g, report, name);
            } else if o.keys().any(|k| k.ends_with(".csv")) {
                let mut tables: BTreeMap<String, Vec<Obj>> = BTreeMap::new();
                for (k, v) in o {
                    tables.insert(
                        k.clone(),
                        v.as_array()
                            .map(|a| a.iter().filter_map(Value::as_object).cloned().collect())
                            .unwrap_or_default(),
                    );
                }
                assemble(tables, g, report);
            } else if o.contains_key("service") && o.get("service").is_some_and(Value::is_object) {
                // A service at a location: the service, with this location.
                let mut svc = o["service"].as_object().cloned().unwrap_or_default();
                let mut sal = o.clone();
                sal.remove("service");
                svc.insert(
                    "service_at_locations".into(),
                    Value::Array(vec![Value::Object(sal)]),
                );
                g.services.push(svc);
            } else if o.contains_key("status") || o.contains_key("organization_id") {
                g.services.push(o.clone());
            } else if o.contains_key("services")
                || (o.contains_key("name")
                    && o.contains_key("description")
                    && ![
                        "location_type",
                        "version",
                        "taxonomy_id",
                        "parent_id",
                        "link_entity",
                    ]
                    .iter()
                    .any(|k| o.contains_key(*k)))
            {
                g.orgs.push(o.clone());
            } else {
                let what = if o.contains_key("location_type") {
                    "a location on its own"
                } else if o.contains_key("openapi_url") {
                    "the API's description (version, profile)"
                } else if o.contains_key("version")
                    || o.contains_key("taxonomy_id")
                    || o.contains_key("parent_id")
                {
                    "a taxonomy or taxonomy term"
                } else {
                    "an object that is no organization or service"
                };
                report.drop(
                    format!(
                        "{name}: {}",
                        o.get("name").and_then(Value::as_str).unwrap_or("(no name)")
                    ),
                    format!("{what}: Fyr carries organizations and their services"),
                );
            }
        }
        _ => report.drop(name.to_string(), "not an HSDS object or list"),
    }
}

/// Nests tabular rows (file → rows) into organizations and services.
fn assemble(mut t: BTreeMap<String, Vec<Obj>>, g: &mut Gathered, report: &mut Report) {
    let take = |t: &mut BTreeMap<String, Vec<Obj>>, f: &str| t.remove(f).unwrap_or_default();
    let by = |rows: Vec<Obj>, k: &str| -> BTreeMap<String, Vec<Obj>> {
        let mut m: BTreeMap<String, Vec<Obj>> = BTreeMap::new();
        for r in rows {
            m.entry(s(&r, k).to_string()).or_default().push(r);
        }
        m
    };
    let orgs = take(&mut t, "organizations.csv");
    let services = take(&mut t, "services.csv");
    let mut phones = by(take(&mut t, "phones.csv"), "service_id");
    let mut schedules = by(take(&mut t, "schedules.csv"), "service_id");
    let mut areas = by(take(&mut t, "service_areas.csv"), "service_id");
    let mut langs = by(take(&mut t, "languages.csv"), "service_id");
    let mut sals = by(take(&mut t, "service_at_location.csv"), "service_id");
    let locations: BTreeMap<String, Obj> = take(&mut t, "locations.csv")
        .into_iter()
        .map(|l| (s(&l, "id").to_string(), l))
        .collect();
    let mut addresses = by(take(&mut t, "addresses.csv"), "location_id");
    g.municipalities
        .extend(take(&mut t, "fyr_municipalities.csv"));
    for (f, rows) in &t {
        if !rows.is_empty() && f != "datapackage.json" {
            report.drop(
                f.clone(),
                format!("{} row(s): Fyr has no place for this table", rows.len()),
            );
        }
    }
    for mut svc in services {
        let id = s(&svc, "id").to_string();
        let put = |svc: &mut Obj, k: &str, v: Option<Vec<Obj>>| {
            svc.insert(
                k.into(),
                Value::Array(
                    v.unwrap_or_default()
                        .into_iter()
                        .map(Value::Object)
                        .collect(),
                ),
            );
        };
        put(&mut svc, "phones", phones.remove(&id));
        put(&mut svc, "schedules", schedules.remove(&id));
        put(&mut svc, "service_areas", areas.remove(&id));
        put(&mut svc, "languages", langs.remove(&id));
        let sal: Vec<Obj> = sals
            .remove(&id)
            .unwrap_or_default()
            .into_iter()
            .map(|mut x| {
                if let Some(mut l) = locations.get(s(&x, "location_id")).cloned() {
                    let a = addresses.remove(s(&l, "id")).unwrap_or_default();
                    l.insert(
                        "addresses".into(),
                        Value::Array(a.into_iter().map(Value::Object).collect()),
                    );
                    x.insert("location".into(), Value::Object(l));
                }
                x
            })
            .collect();
        put(&mut svc, "service_at_locations", Some(sal));
        g.services.push(svc);
    }
    for (k, rows) in phones.into_iter().chain(schedules) {
        report.drop(
            format!("{} row(s) for service_id '{k}'", rows.len()),
            "no service with that id in services.csv",
        );
    }
    g.orgs.extend(orgs);
}

/// Reads an HSDS tabular export (CSV files, `datapackage.json` optional).
pub fn import_tabular(
    label: &str,
    files: &[(String, Vec<u8>)],
    known: &Tables,
) -> Result<Incoming, ReadError> {
    let mut report = Report {
        source: label.to_string(),
        ..Report::default()
    };
    let mut tables: BTreeMap<String, Vec<Obj>> = BTreeMap::new();
    for (name, bytes) in files {
        let base = name
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(name)
            .to_ascii_lowercase();
        if !base.ends_with(".csv") {
            continue;
        }
        let (text, _) = crate::sheets::decode(bytes);
        let rows = crate::sheets::csv_rows(&base, &text, &mut report);
        let mut it = rows.into_iter();
        let Some((_, header)) = it.next() else {
            continue;
        };
        let types: BTreeMap<&str, &str> = TABULAR
            .iter()
            .find(|t| t.0 == base)
            .map(|t| t.2.iter().copied().collect())
            .unwrap_or_default();
        let mut out = Vec::new();
        for (line, cells) in it {
            let mut o = Obj::new();
            for (h, c) in header.iter().zip(cells) {
                let h = h.trim().trim_start_matches('\u{feff}');
                if c.trim().is_empty() {
                    continue;
                }
                let v = match types.get(h).copied() {
                    Some("number") => c
                        .trim()
                        .parse::<f64>()
                        .ok()
                        .and_then(serde_json::Number::from_f64)
                        .map(Value::Number)
                        .unwrap_or(Value::String(c)),
                    _ => Value::String(c),
                };
                o.insert(h.to_string(), v);
            }
            o.insert(
                "__origin".into(),
                Value::String(format!("{base}\u{0}{line}")),
            );
            out.push(o);
        }
        tables.insert(base, out);
    }
    if !tables.contains_key("services.csv") && !tables.contains_key("organizations.csv") {
        return Err(ReadError(format!(
            "{label}: no services.csv or organizations.csv: not an HSDS tabular export"
        )));
    }
    let mut g = Gathered::default();
    assemble(tables, &mut g, &mut report);
    Ok(map(label, g, report, known))
}

/// Reads HSDS 3 JSON: Fyr's export, an organization or service (full or
/// package), a list page (`contents`), a service at location, or the
/// tabular JSON form (`{"services.csv": [...]}`).
pub fn import_json(name: &str, v: &Value, known: &Tables) -> Incoming {
    let mut report = Report {
        source: name.to_string(),
        ..Report::default()
    };
    let mut g = Gathered::default();
    classify(v, &mut g, &mut report, name);
    map(name, g, report, known)
}
