//! The field scenarios of tests/scenarios/ through the `fyr` binary, as a
//! user runs it: a fresh data directory, no configuration, no network.

use fyr_core::checklist::{AnswerType, Checklist};
use fyr_core::scenario::{check, load_dir, Scenario, Shown};
use fyr_core::vocab::AgencyKind;
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;

fn root() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn fyr_json(dir: &Path, args: &[String]) -> Value {
    let o = Command::new(env!("CARGO_BIN_EXE_fyr"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env("FYR_KEY", "22".repeat(32))
        .output()
        .expect("run fyr");
    assert!(
        o.status.success(),
        "fyr {args:?} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!("fyr {args:?}: not JSON ({e})");
    })
}

fn shown(v: &Value) -> Shown {
    Shown {
        id: v["id"].as_str().unwrap().to_string(),
        agency_kind: serde_json::from_value::<AgencyKind>(v["agency_kind"].clone()).unwrap(),
        national: v["national"].as_bool().unwrap(),
        open_now: v["open_now"].as_bool() == Some(true),
        reachable: v["reachable"].as_bool().unwrap(),
    }
}

/// The answers file for a screening scenario: every item of the checklist
/// (the CLI answers those left shown).
fn answers(s: &Scenario, checklist: &str) -> Value {
    let path = root().join(format!("content/checklists/{checklist}.toml"));
    let text = std::fs::read_to_string(&path).unwrap();
    let c = Checklist::from_toml(&path.display().to_string(), &text).unwrap();
    let mut map = serde_json::Map::new();
    for sec in &c.sections {
        for item in &sec.items {
            let v = match item.answer_type {
                AnswerType::Choice => json!(s
                    .choices
                    .get(&item.id)
                    .cloned()
                    .unwrap_or_else(|| item.choices[0].id.clone())),
                AnswerType::Number => json!(s.numbers.get(&item.id).copied().unwrap_or(0.0)),
                _ => json!(if s.yes.contains(&item.id) {
                    "yes"
                } else {
                    "no"
                }),
            };
            map.insert(item.id.clone(), v);
        }
    }
    json!({ "answers": map })
}

fn run(dir: &Path, s: &Scenario) -> Vec<Shown> {
    let mut args: Vec<String> = Vec::new();
    if let Some(c) = &s.checklist {
        let file = dir.join(format!("{}.json", s.id));
        std::fs::write(&file, answers(s, c).to_string()).unwrap();
        args.extend(["screen".into(), c.clone(), "--answers".into()]);
        args.push(file.display().to_string());
    } else {
        args.push("search".into());
        if let Some(t) = &s.text {
            args.extend(t.split_whitespace().map(str::to_string));
        }
        for (flag, ids) in [
            ("--group", &s.groups),
            ("--need", &s.needs),
            ("--form", &s.forms),
        ] {
            for id in ids {
                args.extend([flag.to_string(), id.clone()]);
            }
        }
        if let Some(l) = &s.language {
            args.extend(["--language".into(), l.clone()]);
        }
    }
    args.extend([
        "--kommun".into(),
        s.municipality.clone(),
        "--at".into(),
        s.at.clone(),
        "--json".into(),
    ]);
    let v = fyr_json(dir, &args);
    let list = if s.checklist.is_some() {
        v["referrals"].as_array().unwrap().clone()
    } else {
        v["hits"].as_array().unwrap().clone()
    };
    list.iter().map(shown).collect()
}

#[test]
fn every_field_scenario_through_the_fyr_binary() {
    let scenarios = load_dir(&root().join("tests/scenarios")).unwrap();
    assert!(scenarios.len() >= 40);
    let d = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for (file, s) in &scenarios {
        if let Err(e) = check(s, &run(d.path(), s)) {
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
