//! A synthetic national-scale directory: 290 municipalities in 21 counties,
//! about 69 services each plus national lines — 20,000 services in all.

use fyr_core::model::*;
use fyr_core::vocab::{AgencyKind, Form, Group, Need};
use rand::{rngs::StdRng, Rng, SeedableRng};

const PRE: &[&str] = &[
    "Ål", "Väx", "Ljung", "Öster", "Strand", "Berg", "Hälle", "Sjö", "Mål", "Kung", "Älv", "Hög",
    "Lind", "Tå", "Fors",
];
const SUF: &[&str] = &[
    "by", "sund", "å", "holm", "köping", "hamn", "vik", "dal", "ryd", "sjö", "fors", "näs", "ås",
    "mo", "torp", "stad", "berga", "vall", "bo", "red",
];

const KINDS: &[(AgencyKind, &str, &str)] = &[
    (
        AgencyKind::SocialServices,
        "Socialtjänsten",
        "Stöd till dig som utsatts för våld i nära relation, orosanmälan om barn",
    ),
    (
        AgencyKind::SocialServicesOnCall,
        "Socialjouren",
        "Socialjour kvällar, nätter och helger vid akut våld",
    ),
    (
        AgencyKind::Police,
        "Polisen",
        "Polisanmälan och akut hjälp vid brott",
    ),
    (
        AgencyKind::Healthcare,
        "Vårdcentralen",
        "Vård och dokumentation av skador efter våld",
    ),
    (
        AgencyKind::WomensShelter,
        "Kvinnojouren",
        "Skyddat boende och samtalsstöd för kvinnor och barn",
    ),
    (
        AgencyKind::YoungWomensShelter,
        "Tjejjouren",
        "Chatt och samtal för tjejer och unga",
    ),
    (
        AgencyKind::VictimSupport,
        "Brottsofferjouren",
        "Stöd till brottsoffer och vittnen i rättsprocessen",
    ),
    (
        AgencyKind::PerpetratorProgramme,
        "Stöd för dig som utövar våld",
        "Behandling för våldsutövare som vill sluta",
    ),
    (
        AgencyKind::Church,
        "Svenska kyrkan",
        "Samtal med präst eller diakon med tystnadsplikt",
    ),
    (
        AgencyKind::SchoolHealth,
        "Elevhälsan",
        "Elevhälsa och kurator för barn och unga",
    ),
];

const HOURS: &[&str] = &[
    "mon-fri 08:00-16:00; closed-holidays",
    "mon-thu 08:00-16:30; fri 08:00-15:00; closed-holidays",
    "oncall: mon-thu 16:30-08:00; fri 15:00-mon 08:00; holidays 00:00-24:00",
    "24/7",
    "mon-fri 09:00-21:00; sat-sun 10:00-14:00",
    "mon,wed,fri 13:00-19:00",
];

pub fn directory(n_services: usize, seed: u64) -> Directory {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut munis = Vec::new();
    let mut names = std::collections::HashSet::new();
    'outer: for county in 1..=21u32 {
        for i in 0..14u32 {
            if munis.len() == 290 {
                break 'outer;
            }
            let mut name;
            loop {
                name = format!(
                    "{}{}",
                    PRE[rng.gen_range(0..PRE.len())],
                    SUF[rng.gen_range(0..SUF.len())]
                );
                if rng.gen_bool(0.3) {
                    name = format!(
                        "{} {}",
                        ["Norra", "Södra", "Östra", "Västra"][rng.gen_range(0..4)],
                        name
                    );
                }
                if names.insert(name.clone()) {
                    break;
                }
            }
            munis.push(Municipality {
                code: format!("{county:02}{:02}", 10 + i),
                name,
                county_code: format!("{county:02}"),
                county_name: format!("Län {county:02}"),
                lat: 55.5 + rng.gen_range(0.0..12.0),
                lon: 12.0 + rng.gen_range(0.0..10.0),
                localities: vec![],
            });
        }
    }
    let mut orgs = Vec::new();
    let mut services = Vec::new();
    for k in 0..20 {
        orgs.push(Organization {
            id: format!("nat-{k}"),
            name: format!("Nationell stödlinje {k}"),
            agency_kind: AgencyKind::NationalHelpline,
            role: Text::new("Nationell stödlinje", "National helpline"),
            website: None,
        });
        services.push(service(
            &mut rng,
            format!("nat-{k}"),
            format!("nat-{k}"),
            format!("Nationell stödlinje {k} om våld"),
            "Stödtelefon dygnet runt för våldsutsatta".into(),
            ServiceArea::National,
            if k < 5 {
                "24/7"
            } else {
                HOURS[k % HOURS.len()]
            },
            None,
        ));
    }
    let per = (n_services - services.len()).div_ceil(munis.len());
    'fill: for m in &munis {
        for (i, (kind, kname, desc)) in KINDS.iter().enumerate() {
            orgs.push(Organization {
                id: format!("{}-{i}", m.code),
                name: format!("{kname} {}", m.name),
                agency_kind: *kind,
                role: Text::new(*desc, ""),
                website: None,
            });
        }
        for j in 0..per {
            if services.len() >= n_services {
                break 'fill;
            }
            let i = j % KINDS.len();
            let (_, kname, desc) = KINDS[i];
            let area = if j % 17 == 16 {
                ServiceArea::County {
                    code: m.county_code.clone(),
                }
            } else {
                ServiceArea::Municipalities {
                    codes: vec![m.code.clone()],
                }
            };
            let hours = HOURS[rng.gen_range(0..HOURS.len())];
            let loc = Some((
                m.lat + rng.gen_range(-0.1..0.1),
                m.lon + rng.gen_range(-0.1..0.1),
            ));
            services.push(service(
                &mut rng,
                format!("{}-{j}", m.code),
                format!("{}-{i}", m.code),
                format!("{kname} {} {}", m.name, j / KINDS.len() + 1),
                format!("{desc} i {}", m.name),
                area,
                hours,
                if i == 4 { None } else { loc },
            ));
        }
    }
    Directory {
        municipalities: munis,
        organizations: orgs,
        services,
    }
}

#[allow(clippy::too_many_arguments)]
fn service(
    rng: &mut StdRng,
    id: String,
    org: String,
    name: String,
    desc: String,
    area: ServiceArea,
    hours: &str,
    loc: Option<(f64, f64)>,
) -> Service {
    let groups: Vec<Group> = Group::ALL
        .iter()
        .copied()
        .filter(|_| rng.gen_bool(0.35))
        .collect();
    let needs: Vec<Need> = Need::ALL
        .iter()
        .copied()
        .filter(|_| rng.gen_bool(0.35))
        .collect();
    let forms: Vec<Form> = Form::ALL
        .iter()
        .copied()
        .filter(|_| rng.gen_bool(0.35))
        .collect();
    let mut langs = vec!["sv".to_string()];
    for l in ["en", "ar", "so", "fa", "ti", "uk"] {
        if rng.gen_bool(0.2) {
            langs.push(l.into());
        }
    }
    Service {
        id,
        organization: org,
        name: Text::new(name, ""),
        description: Text::new(desc, "Synthetic benchmark entry"),
        area,
        groups: if groups.is_empty() {
            vec![Group::Everyone]
        } else {
            groups
        },
        needs: if needs.is_empty() {
            vec![Need::Counselling]
        } else {
            needs
        },
        forms,
        languages: langs,
        phones: vec![Phone {
            number: format!("070-174 06 {:02}", rng.gen_range(5..100)),
            kind: PhoneKind::Voice,
            label: None,
            hours: None,
        }],
        web: None,
        email: None,
        hours: hours.into(),
        location: loc.map(|(lat, lon)| Location {
            address: None,
            municipality: None,
            lat: Some(lat),
            lon: Some(lon),
        }),
        confidential_address: loc.is_none(),
        verified_on: None,
        source: "synthetic".into(),
        demo: true,
        tags: vec!["våld".into(), "stöd".into()],
    }
}
