//! A small hand-made directory for unit tests.

use crate::model::*;
use crate::vocab::{AgencyKind, Form, Group, Need};

fn muni(
    code: &str,
    name: &str,
    county: &str,
    county_name: &str,
    lat: f64,
    lon: f64,
) -> Municipality {
    Municipality {
        code: code.into(),
        name: name.into(),
        county_code: county.into(),
        county_name: county_name.into(),
        lat,
        lon,
        localities: vec![],
    }
}

fn org(id: &str, name: &str, kind: AgencyKind) -> Organization {
    Organization {
        id: id.into(),
        name: name.into(),
        agency_kind: kind,
        role: Text::new("Roll", "Role"),
        website: None,
    }
}

#[allow(clippy::too_many_arguments)]
fn svc(
    id: &str,
    org: &str,
    name: &str,
    desc: &str,
    area: ServiceArea,
    groups: &[Group],
    needs: &[Need],
    hours: &str,
    phone: &str,
    demo: bool,
) -> Service {
    Service {
        id: id.into(),
        organization: org.into(),
        name: Text::new(name, ""),
        description: Text::new(desc, ""),
        area,
        groups: groups.to_vec(),
        needs: needs.to_vec(),
        forms: Form::ALL.to_vec(),
        languages: vec!["sv".into(), "en".into()],
        phones: vec![Phone {
            number: phone.into(),
            kind: PhoneKind::Voice,
            label: None,
            hours: None,
        }],
        web: None,
        email: None,
        hours: hours.into(),
        location: None,
        confidential_address: false,
        verified_on: if demo {
            None
        } else {
            Some(chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap())
        },
        source: if demo { "demo".into() } else { "test".into() },
        demo,
        tags: vec![],
    }
}

pub fn directory() -> Directory {
    let munis = |c: &[&str]| ServiceArea::Municipalities {
        codes: c.iter().map(|s| s.to_string()).collect(),
    };
    Directory {
        municipalities: vec![
            muni("0780", "Växjö", "07", "Kronobergs län", 56.8777, 14.8091),
            muni("0781", "Ljungby", "07", "Kronobergs län", 56.8332, 13.9408),
            muni("2380", "Östersund", "23", "Jämtlands län", 63.1792, 14.6357),
        ],
        organizations: vec![
            org(
                "kvinnofridslinjen",
                "Kvinnofridslinjen",
                AgencyKind::NationalHelpline,
            ),
            org(
                "ljungby-kommun",
                "Ljungby kommun",
                AgencyKind::SocialServices,
            ),
            org(
                "ostersund-kommun",
                "Östersunds kommun",
                AgencyKind::SocialServices,
            ),
            org(
                "kvinnojour-ljungby",
                "Kvinnojouren Ljungby",
                AgencyKind::WomensShelter,
            ),
            org(
                "barnahus-kronoberg",
                "Barnahus Kronoberg",
                AgencyKind::Barnahus,
            ),
        ],
        services: vec![
            svc(
                "kvinnofridslinjen",
                "kvinnofridslinjen",
                "Kvinnofridslinjen",
                "Nationell stödtelefon för kvinnor utsatta för våld",
                ServiceArea::National,
                &[Group::Women],
                &[Need::TalkNow, Need::AcuteDanger],
                "24/7",
                "020-50 50 50",
                false,
            ),
            svc(
                "ljungby-socialtjanst",
                "ljungby-kommun",
                "Socialtjänsten Ljungby",
                "Stöd vid våld i nära relation och orosanmälan",
                munis(&["0781"]),
                &[Group::Everyone],
                &[Need::ChildProtection, Need::Counselling],
                "mon-fri 08:00-16:00; closed-holidays",
                "070-174 06 10",
                true,
            ),
            svc(
                "ljungby-kvinnojour",
                "kvinnojour-ljungby",
                "Kvinnojouren Ljungby",
                "Skyddat boende och samtalsstöd",
                munis(&["0781", "0780"]),
                &[Group::Women, Group::Children],
                &[Need::ProtectedHousing, Need::TalkNow],
                "24/7",
                "070-174 06 11",
                true,
            ),
            svc(
                "ostersund-socialtjanst",
                "ostersund-kommun",
                "Socialtjänsten Östersund",
                "Stöd vid våld i nära relation",
                munis(&["2380"]),
                &[Group::Everyone],
                &[Need::ChildProtection, Need::Counselling],
                "mon-fri 08:00-16:00; closed-holidays",
                "070-174 06 12",
                true,
            ),
            svc(
                "barnahus-kronoberg",
                "barnahus-kronoberg",
                "Barnahus Kronoberg",
                "Samverkan kring barn som utsatts för brott",
                ServiceArea::County { code: "07".into() },
                &[Group::Children],
                &[Need::ChildProtection, Need::LegalSupport],
                "mon-fri 08:00-16:00; closed-holidays",
                "070-174 06 13",
                true,
            ),
        ],
    }
}

/// A fresh install in a temporary folder whose first-start content is
/// `records` at `position` (Swedish, no screening key).
#[cfg(test)]
pub(crate) fn open_with(
    records: Vec<crate::feed::Record>,
    position: crate::store::ContentPosition,
) -> (tempfile::TempDir, crate::api::Fyr) {
    let d = tempfile::tempdir().unwrap();
    let f = crate::api::Fyr::open_with_bundle(
        crate::api::OpenOptions {
            data_dir: d.path().into(),
            key: None,
            lang: crate::vocab::Lang::Sv,
        },
        &|| {
            Ok(crate::store::Bundle {
                position: position.clone(),
                records: records.clone(),
            })
        },
    )
    .unwrap();
    (d, f)
}
