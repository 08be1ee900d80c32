//! HSDS 3 → Fyr's content tables: the mapping of what the import gathered
//! (organizations, services and what hangs on them) into rows, with the
//! report of what was mapped, dropped and why.

use super::hours;
use super::import::{boolean, list, num, objs, s, slug, Gathered, Obj};
use crate::report::Report;
use crate::tables::{Fields, Origin, Row, Tables};
use crate::Incoming;
use fyr_core::content::{SWEDEN_LAT, SWEDEN_LON};
use fyr_core::text::fold;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

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

pub(super) fn map(name: &str, g: Gathered, mut report: Report, known: &Tables) -> Incoming {
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
                ("lat", crate::tables::coord_cell(&f("lat"))),
                ("lon", crate::tables::coord_cell(&f("lon"))),
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
                        lat = fyr_core::model::coord::text(a);
                        lon = fyr_core::model::coord::text(b);
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
