//! The field scenarios of tests/scenarios/ through the core: a fresh install
//! with the bundled content, no configuration, no network.

use chrono::{DateTime, Utc};
use fyr_core::scenario::{check, load_dir, Scenario, Shown};
use fyr_core::search::SearchQuery;
use fyr_core::vocab::{Form, Group, Lang, Need};
use fyr_core::{Fyr, OpenOptions};

fn dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/scenarios")
}

fn open(d: &std::path::Path) -> Fyr {
    Fyr::open(OpenOptions {
        data_dir: d.into(),
        key: Some([9u8; 32]),
        lang: Lang::Sv,
    })
    .unwrap()
}

fn run(f: &Fyr, s: &Scenario) -> Vec<Shown> {
    let at: DateTime<Utc> = DateTime::parse_from_rfc3339(&s.at)
        .unwrap_or_else(|e| panic!("scenario '{}': bad time {}: {e}", s.id, s.at))
        .with_timezone(&Utc);
    if let Some(c) = &s.checklist {
        let mut view = f.start_screening(c, Some(&s.municipality), at).unwrap();
        let mut guard = 0;
        while let Some(item) = view.next_item.clone() {
            guard += 1;
            assert!(guard < 200, "scenario '{}': screening does not end", s.id);
            let mut answer = s.answer_for(&item.id);
            if item.answer_type == "choice" && answer == "no" {
                answer = "1".into();
            }
            if item.answer_type == "number" && answer == "no" {
                answer = "0".into();
            }
            view = f
                .answer_text(&view.session_id, &item.id, &answer, at)
                .unwrap_or_else(|e| panic!("scenario '{}': item {}: {e}", s.id, item.id));
        }
        let out = f
            .complete_screening(&view.session_id, None, None, at)
            .unwrap();
        return out.referrals.iter().map(Shown::from).collect();
    }
    let q = SearchQuery {
        text: s.text.clone(),
        municipality: Some(s.municipality.clone()),
        groups: s
            .groups
            .iter()
            .map(|g| Group::parse(g).unwrap_or_else(|| panic!("{}: group {g}", s.id)))
            .collect(),
        needs: s
            .needs
            .iter()
            .map(|g| Need::parse(g).unwrap_or_else(|| panic!("{}: need {g}", s.id)))
            .collect(),
        forms: s
            .forms
            .iter()
            .map(|g| Form::parse(g).unwrap_or_else(|| panic!("{}: form {g}", s.id)))
            .collect(),
        language: s.language.clone(),
        at: Some(at),
        ..Default::default()
    };
    f.search(&q).unwrap().iter().map(Shown::from).collect()
}

#[test]
fn every_field_scenario_gets_the_right_help_first() {
    let scenarios = load_dir(&dir()).unwrap();
    assert!(scenarios.len() >= 40, "only {} scenarios", scenarios.len());
    let d = tempfile::tempdir().unwrap();
    let f = open(d.path());
    let mut failures = Vec::new();
    let mut ids = std::collections::HashSet::new();
    for (file, s) in &scenarios {
        assert!(
            ids.insert(s.id.clone()),
            "{file}: scenario id '{}' twice",
            s.id
        );
        let list = run(&f, s);
        if std::env::var_os("FYR_SCENARIO_PRINT").is_some() {
            let top: Vec<String> = list
                .iter()
                .take(4)
                .map(|h| format!("{}{}", h.id, if h.open_now { "*" } else { "" }))
                .collect();
            eprintln!("{:40} {}", s.id, top.join(", "));
        }
        if let Err(e) = check(s, &list) {
            failures.push(format!("{file}: {e}"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} scenarios fail:\n{}",
        failures.len(),
        scenarios.len(),
        failures.join("\n")
    );
}

#[test]
fn the_suite_covers_what_the_field_meets() {
    let scenarios: Vec<Scenario> = load_dir(&dir()).unwrap().into_iter().map(|x| x.1).collect();
    let d = tempfile::tempdir().unwrap();
    let munis = open(d.path()).municipalities();
    let mut codes = std::collections::HashSet::new();
    let mut counties = std::collections::HashSet::new();
    for s in &scenarios {
        let m = fyr_core::search::resolve_municipality(&munis, &s.municipality)
            .unwrap_or_else(|| panic!("scenario '{}': unknown municipality", s.id));
        codes.insert(m.code.clone());
        counties.insert(m.county_code.clone());
    }
    assert!(codes.len() >= 12, "only {} municipalities", codes.len());
    assert_eq!(counties.len(), 2, "both counties");
    let at = |prefix: &str| scenarios.iter().any(|s| s.at.starts_with(prefix));
    assert!(at("2026-12-24T22"), "julafton 22:00");
    assert!(at("2026-06-19"), "midsommarafton");
    assert!(at("2026-12-31"), "nyårsafton");
    assert!(at("2026-03-29"), "the spring DST night");
    assert!(at("2026-10-25"), "the autumn DST night");
    assert!(
        scenarios.iter().any(|s| s.checklist.is_some()),
        "a screening"
    );
    assert!(
        scenarios.iter().any(|s| s.language.is_some()),
        "another language"
    );
    for topic in [
        "children",
        "young_people",
        "older_people",
        "men",
        "people_who_use_violence",
        "honour",
        "prostitution_trafficking",
        "sexual",
        "night",
        "weekend",
        "lgbtq",
    ] {
        assert!(
            scenarios
                .iter()
                .any(|s| s.covers.iter().any(|c| c == topic)),
            "no scenario covers {topic}"
        );
    }
    // Every shipped checklist is completed in at least one scenario.
    let checklists = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/checklists");
    for e in std::fs::read_dir(&checklists).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "toml") {
            let id = p.file_stem().unwrap().to_string_lossy().to_string();
            assert!(
                scenarios
                    .iter()
                    .any(|s| s.checklist.as_deref() == Some(id.as_str())),
                "no scenario completes the checklist '{id}'"
            );
        }
    }
    // The national lines the field is pointed to are each asked for by name.
    for line in [
        "valj-att-sluta",
        "rfsl-stodmottagning",
        "nationella-stodtelefonen-heder",
        "skatteverket-skyddade-personuppgifter",
        "jourhavande-prast",
    ] {
        assert!(
            scenarios
                .iter()
                .any(|s| s.expect_services.iter().any(|x| x == line)),
            "no scenario expects the national line '{line}'"
        );
    }
}
