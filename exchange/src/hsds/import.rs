//! HSDS 3 (JSON in any of its published shapes, or tabular CSV) → Fyr's
//! content tables, with a report of what was mapped, dropped and why.

use super::{hours, TABULAR};
use crate::report::Report;
use crate::tables::{Fields, Origin, Row, Tables};
use crate::{Incoming, ReadError};
use fyr_core::content::{SWEDEN_LAT, SWEDEN_LON};
use fyr_core::text::fold;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

type Obj = Map<String, Value>;

fn s<'a>(o: &'a Obj, k: &str) -> &'a str {
    o.get(k)
        .and_then(Value::as_str)
        .map(str::trim)
        .unwrap_or("")
}

fn num(o: &Obj, k: &str) -> Option<f64> {
    match o.get(k)? {
        Value::Number(n) => n.as_f64(),
        Value::String(t) => t.trim().parse().ok(),
        _ => None,
    }
}

fn boolean(o: &Obj, k: &str) -> Option<bool> {
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
fn list(o: &Obj, k: &str) -> Option<Vec<String>> {
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

fn objs<'a>(o: &'a Obj, k: &str) -> Vec<&'a Obj> {
    o.get(k)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_object).collect())
        .unwrap_or_default()
}

/// A Fyr id from a name: folded to a-z, 0-9 and `-`.
fn slug(name: &str) -> String {
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
struct Gathered {
    orgs: Vec<Obj>,
    services: Vec<Obj>,
    municipalities: Vec<Obj>,
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

/// HSDS fields the mapping reads (others are reported as dropped).
const ORG_USED: &[&str] = &[
    "id",
    "name",
    "description",
    "website",
    "services",
    "__origin",
];
const SVC_USED: &[&str] = &[
    "id",
    "organization_id",
    "name",
    "description",
    "url",
    "email",
    "status",
    "phones",
    "schedules",
    "service_areas",
    "languages",
    "service_at_locations",
    "organization",
    "eligibility_description",
    "assured_date",
    "alert",
    "__origin",
];

fn dropped_fields(o: &Obj, used: &[&str]) -> Vec<String> {
    o.iter()
        .filter(|(k, v)| {
            !used.contains(&k.as_str())
                && !k.starts_with("fyr_")
                && match v {
                    Value::Null => false,
                    Value::String(t) => !t.trim().is_empty(),
                    Value::Array(a) => !a.is_empty(),
                    _ => true,
                }
        })
        .map(|(k, _)| k.clone())
        .collect()
}

fn origin(o: &Obj, name: &str, what: &str, n: usize) -> Origin {
    match s(o, "__origin").split_once('\u{0}') {
        Some((f, l)) => Origin {
            file: f.to_string(),
            row: l.parse().unwrap_or(0),
        },
        None => Origin {
            file: format!("{name} ({what} {n})"),
            row: n,
        },
    }
}

fn row(pairs: Vec<(&str, String)>, o: Origin) -> Row {
    Row {
        fields: pairs
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect::<Fields>(),
        origin: Some(o),
    }
}

/// A unique Fyr id: the `fyr_id` when given, else one made from the name.
fn fyr_id(o: &Obj, taken: &mut BTreeSet<String>, kind: &str, report: &mut Report) -> String {
    let given = s(o, "fyr_id");
    if !given.is_empty() {
        taken.insert(given.to_string());
        return given.to_string();
    }
    let base = {
        let b = slug(s(o, "name"));
        if b.is_empty() {
            format!("{kind}-{}", &s(o, "id").chars().take(8).collect::<String>())
        } else {
            b
        }
    };
    let mut id = base.clone();
    let mut n = 2;
    while taken.contains(&id) {
        id = format!("{base}-{n}");
        n += 1;
    }
    taken.insert(id.clone());
    report.check.push(format!(
        "{kind} '{}': Fyr id '{id}' made from the name (HSDS id {})",
        s(o, "name"),
        s(o, "id")
    ));
    id
}

fn map(name: &str, g: Gathered, mut report: Report, known: &Tables) -> Incoming {
    let mut t = Tables::default();
    for (i, m) in g.municipalities.iter().enumerate() {
        let loc = m.get("localities").map(|v| match v {
            Value::Array(a) => a
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(";"),
            Value::String(x) => x.clone(),
            _ => String::new(),
        });
        let f = |k: &str| match m.get(k) {
            Some(Value::Number(n)) => n.to_string(),
            Some(Value::String(x)) => x.clone(),
            _ => String::new(),
        };
        t.municipalities.push(row(
            vec![
                ("code", f("code")),
                ("name", f("name")),
                ("county_code", f("county_code")),
                ("county_name", f("county_name")),
                ("lat", f("lat")),
                ("lon", f("lon")),
                ("localities", loc.unwrap_or_default()),
            ],
            origin(m, name, "municipality", i + 1),
        ));
    }
    let munis: Vec<(String, String, String, String)> = known
        .municipalities
        .iter()
        .chain(&t.municipalities)
        .map(|r| {
            (
                r.get("code").to_string(),
                fold(r.get("name")),
                r.get("county_code").to_string(),
                fold(r.get("county_name")),
            )
        })
        .collect();
    let mut taken_orgs: BTreeSet<String> = known
        .organizations
        .iter()
        .map(|r| r.get("id").to_string())
        .collect();
    let mut taken_svcs: BTreeSet<String> = known
        .services
        .iter()
        .map(|r| r.get("id").to_string())
        .collect();
    // Organizations (and the services nested in them, and those nested in services).
    let mut org_ids: BTreeMap<String, (String, Option<String>)> = BTreeMap::new();
    let mut services: Vec<(Obj, Option<String>)> = Vec::new();
    let mut orgs = g.orgs;
    for svc in &g.services {
        if let Some(o) = svc.get("organization").and_then(Value::as_object) {
            if !orgs
                .iter()
                .any(|x| s(x, "id") == s(o, "id") && !s(o, "id").is_empty())
            {
                orgs.push(o.clone());
            }
        }
    }
    for (i, o) in orgs.iter().enumerate() {
        let hsds_id = s(o, "id").to_string();
        if !hsds_id.is_empty() && org_ids.contains_key(&hsds_id) {
            continue;
        }
        taken_orgs.remove(s(o, "fyr_id"));
        let id = fyr_id(o, &mut taken_orgs, "organization", &mut report);
        let what = format!("organization '{}'", s(o, "name"));
        let kind = s(o, "fyr_agency_kind").to_string();
        let kind = if kind.is_empty() {
            report.check.push(format!(
                "{what}: HSDS has no agency kind; set to 'other' — choose the right one (police, social_services, womens_shelter …)"
            ));
            "other".to_string()
        } else {
            kind
        };
        let role_sv = match s(o, "fyr_role_sv") {
            "" => s(o, "description").to_string(),
            r => r.to_string(),
        };
        if s(o, "fyr_role_sv").is_empty() && !role_sv.is_empty() {
            report.check.push(format!(
                "{what}: its description became the role (role_sv): describe the party's role in the work against violence"
            ));
        }
        let d = dropped_fields(o, ORG_USED);
        if !d.is_empty() {
            report.drop(
                what.clone(),
                format!("{}: HSDS fields Fyr does not carry", d.join(", ")),
            );
        }
        t.organizations.push(row(
            vec![
                ("id", id.clone()),
                ("name", s(o, "name").to_string()),
                ("agency_kind", kind.clone()),
                ("role_sv", role_sv),
                ("role_en", s(o, "fyr_role_en").to_string()),
                ("website", s(o, "website").to_string()),
            ],
            origin(o, name, "organization", i + 1),
        ));
        org_ids.insert(hsds_id, (id.clone(), Some(kind)));
        for svc in objs(o, "services") {
            services.push((svc.clone(), Some(id.clone())));
        }
    }
    for svc in g.services {
        services.push((svc, None));
    }
    let sweden = |la: f64, lo: f64| {
        (SWEDEN_LAT.0..=SWEDEN_LAT.1).contains(&la) && (SWEDEN_LON.0..=SWEDEN_LON.1).contains(&lo)
    };
    for (i, (svc, org)) in services.into_iter().enumerate() {
        let what = format!("service '{}'", s(&svc, "name"));
        let at = origin(&svc, name, "service", i + 1);
        let org = org.or_else(|| {
            org_ids
                .get(s(&svc, "organization_id"))
                .map(|x| x.0.clone())
                .or_else(|| {
                    svc.get("organization")
                        .and_then(Value::as_object)
                        .and_then(|o| org_ids.get(s(o, "id")).map(|x| x.0.clone()))
                })
        });
        let Some(org) = org else {
            report.fail(
                &at.file,
                Some(at.row),
                Some("organization_id"),
                Some(s(&svc, "name")),
                format!(
                    "{what}: its organization '{}' is not in the file",
                    s(&svc, "organization_id")
                ),
            );
            continue;
        };
        let kind = t
            .organizations
            .iter()
            .find(|r| r.get("id") == org)
            .map(|r| r.get("agency_kind").to_string())
            .unwrap_or_default();
        taken_svcs.remove(s(&svc, "fyr_id"));
        let id = fyr_id(&svc, &mut taken_svcs, "service", &mut report);
        let d = dropped_fields(&svc, SVC_USED);
        if !d.is_empty() {
            report.drop(
                what.clone(),
                format!("{}: HSDS fields Fyr does not carry", d.join(", ")),
            );
        }
        // Area.
        let area = match s(&svc, "fyr_area") {
            "" => {
                let mut codes: Vec<String> = Vec::new();
                let mut county = None;
                let mut national = false;
                for a in objs(&svc, "service_areas") {
                    let code = s(a, "fyr_code");
                    let n = fold(s(a, "name"));
                    let n = n
                        .trim_end_matches(" kommun")
                        .trim_end_matches("s lan")
                        .trim_end_matches(" lan")
                        .to_string();
                    if s(a, "fyr_area_kind") == "national" || n == "sverige" || n == "sweden" {
                        national = true;
                    } else if let Some(m) = munis
                        .iter()
                        .find(|m| m.0 == code || (!n.is_empty() && m.1 == n))
                    {
                        if s(a, "fyr_area_kind") == "county" {
                            county = Some(m.2.clone());
                        } else {
                            codes.push(m.0.clone());
                        }
                    } else if let Some(m) = munis.iter().find(|m| {
                        m.2 == code
                            || (!n.is_empty()
                                && m.3.trim_end_matches(" lan").trim_end_matches('s') == n)
                    }) {
                        county = Some(m.2.clone());
                    }
                }
                if national {
                    "SE".to_string()
                } else if let Some(c) = county {
                    format!("county:{c}")
                } else if !codes.is_empty() {
                    codes.join(";")
                } else {
                    let names: Vec<&str> = objs(&svc, "service_areas")
                        .iter()
                        .map(|a| s(a, "name"))
                        .collect();
                    report.check.push(format!(
                        "{what}: area not understood ({}); set to SE (all of Sweden) — correct it before verifying",
                        if names.is_empty() { "no service_areas".to_string() } else { format!("'{}'", names.join("', '")) }
                    ));
                    "SE".to_string()
                }
            }
            a => a.to_string(),
        };
        let groups = match list(&svc, "fyr_groups") {
            Some(g) if !g.is_empty() => g.join(";"),
            _ => {
                report.check.push(format!(
                    "{what}: HSDS has no target groups; set to 'everyone' — narrow them (women, children, people_who_use_violence …)"
                ));
                "everyone".to_string()
            }
        };
        // Hours.
        let mut sched: Vec<&Obj> = objs(&svc, "schedules");
        let sal = objs(&svc, "service_at_locations");
        for x in &sal {
            sched.extend(objs(x, "schedules"));
        }
        let mut seen_ids = BTreeSet::new();
        sched.retain(|x| s(x, "id").is_empty() || seen_ids.insert(s(x, "id").to_string()));
        let hours = match s(&svc, "fyr_hours") {
            "" if sched.is_empty() => String::new(),
            "" => hours::from_rows(&sched, &what, &mut report).unwrap_or_default(),
            h => h.to_string(),
        };
        // Languages.
        let mut languages: Vec<String> = Vec::new();
        for l in objs(&svc, "languages") {
            let c = s(l, "code").to_ascii_lowercase();
            if fyr_core::model::is_language_code(&c) {
                if !languages.contains(&c) {
                    languages.push(c);
                }
            } else {
                report.drop(
                    format!(
                        "{what} language '{}'",
                        if c.is_empty() { s(l, "name") } else { &c }
                    ),
                    "not an ISO 639-1 or 639-3 code",
                );
            }
        }
        // Location (never for a confidential address or a shelter).
        let shelter = matches!(kind.as_str(), "womens_shelter" | "young_womens_shelter");
        let confidential = boolean(&svc, "fyr_confidential_address").unwrap_or(false) || shelter;
        let loc = sal
            .iter()
            .find_map(|x| x.get("location").and_then(Value::as_object));
        let (mut address, mut lat, mut lon) = (String::new(), String::new(), String::new());
        let mut municipality = s(&svc, "fyr_municipality").to_string();
        if let Some(l) = loc {
            if confidential {
                report.drop(
                    format!("{what} location"),
                    "the address is confidential (a shelter): never stored",
                );
            } else {
                address = s(l, "fyr_address").to_string();
                let addr = objs(l, "addresses");
                if address.is_empty() {
                    if let Some(a) = addr.first() {
                        let parts: Vec<String> = [
                            s(a, "address_1").to_string(),
                            s(a, "address_2").to_string(),
                            format!("{} {}", s(a, "postal_code"), s(a, "city"))
                                .trim()
                                .to_string(),
                        ]
                        .into_iter()
                        .filter(|x| !x.is_empty())
                        .collect();
                        address = parts.join(", ");
                    }
                }
                if municipality.is_empty() {
                    let city = addr.first().map(|a| fold(s(a, "city"))).unwrap_or_default();
                    if let Some(m) = munis.iter().find(|m| !city.is_empty() && m.1 == city) {
                        municipality = m.0.clone();
                    }
                }
                match (num(l, "latitude"), num(l, "longitude")) {
                    (Some(a), Some(b)) if sweden(a, b) => {
                        lat = a.to_string();
                        lon = b.to_string();
                    }
                    (Some(a), Some(b)) => report.drop(
                        format!("{what} location coordinates"),
                        format!("{a}, {b} are outside Sweden"),
                    ),
                    _ => {}
                }
            }
        }
        // Phones.
        let mut phones_in: Vec<&Obj> = objs(&svc, "phones");
        for x in &sal {
            phones_in.extend(objs(x, "phones"));
        }
        let mut seen_numbers = BTreeSet::new();
        let mut n_phones = 0;
        for p in phones_in {
            let number: String = s(p, "number")
                .trim_matches(|c| c == '"' || c == '\'')
                .trim()
                .to_string();
            let kind = match s(p, "fyr_kind") {
                "" => match s(p, "type").to_ascii_lowercase().as_str() {
                    "voice" | "cell" | "" => Some("voice"),
                    "text" | "sms" => Some("sms"),
                    "chat" => Some("chat"),
                    _ => None,
                },
                k => Some(k),
            };
            let Some(kind) = kind else {
                report.drop(
                    format!("{what} phone {number}"),
                    format!("type '{}' is not a call, text or chat", s(p, "type")),
                );
                continue;
            };
            if !seen_numbers.insert((number.clone(), kind)) {
                continue;
            }
            if num(p, "extension").is_some() || !s(p, "extension").is_empty() {
                report.check.push(format!(
                    "{what} phone {number}: extension {} is not carried; add it to the label if callers need it",
                    p.get("extension").map(|v| v.to_string()).unwrap_or_default()
                ));
            }
            n_phones += 1;
            t.phones.push(row(
                vec![
                    ("service", id.clone()),
                    ("number", number),
                    ("kind", kind.to_string()),
                    ("label_sv", s(p, "description").to_string()),
                    ("label_en", s(p, "fyr_label_en").to_string()),
                    ("hours", s(p, "fyr_hours").to_string()),
                ],
                at.clone(),
            ));
        }
        if n_phones > 0 && hours.is_empty() {
            report
                .check
                .push(format!("{what}: phones but no hours Fyr can read"));
        }
        let demo = boolean(&svc, "fyr_demo").unwrap_or(false);
        let verified_on = s(&svc, "fyr_verified_on").to_string();
        if verified_on.is_empty() && !s(&svc, "assured_date").is_empty() {
            report.check.push(format!(
                "{what}: assured {} in the file; in Fyr it is unverified until a coordinator verifies it",
                s(&svc, "assured_date")
            ));
        }
        let source = match s(&svc, "fyr_source") {
            "" => {
                let url = s(&svc, "url");
                if url.is_empty() {
                    format!("HSDS import from {name}")
                } else {
                    format!("HSDS import from {name} ({url})")
                }
            }
            x => x.to_string(),
        };
        let yn = |b: bool| if b { "yes" } else { "no" }.to_string();
        t.services.push(row(
            vec![
                ("id", id),
                ("organization", org),
                ("name_sv", s(&svc, "name").to_string()),
                ("name_en", s(&svc, "fyr_name_en").to_string()),
                ("description_sv", s(&svc, "description").to_string()),
                ("description_en", s(&svc, "fyr_description_en").to_string()),
                ("area", area),
                ("groups", groups),
                (
                    "needs",
                    list(&svc, "fyr_needs").unwrap_or_default().join(";"),
                ),
                (
                    "forms",
                    list(&svc, "fyr_forms").unwrap_or_default().join(";"),
                ),
                ("languages", languages.join(";")),
                ("hours", hours),
                ("web", s(&svc, "url").to_string()),
                ("email", s(&svc, "email").to_string()),
                ("address", address),
                ("municipality", municipality),
                ("lat", lat),
                ("lon", lon),
                ("confidential_address", yn(confidential)),
                ("verified_on", verified_on),
                ("source", source),
                ("demo", yn(demo)),
                ("tags", list(&svc, "fyr_tags").unwrap_or_default().join(";")),
            ],
            at,
        ));
    }
    Incoming { tables: t, report }
}
