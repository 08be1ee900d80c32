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

pub(super) fn put(m: &mut Map<String, Value>, k: &str, v: impl Into<Value>) {
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
                put(&mut l, "latitude", fyr_core::model::coord::round(la));
                put(&mut l, "longitude", fyr_core::model::coord::round(lo));
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
