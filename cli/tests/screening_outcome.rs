//! `fyr screen --answers` as field staff meet it: key questions left
//! unanswered give "not assessed" with what is missing — never the lowest
//! level — and red flags are shown as text. Each test uses its own data
//! directory (a fresh install: no configuration, no network).

use serde_json::{json, Value};
use std::path::Path;
use std::process::{Command, Output};

fn fyr(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fyr"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("FYR_KEY")
        .output()
        .expect("run fyr")
}

fn ok(dir: &Path, args: &[&str]) -> String {
    let o = fyr(dir, args);
    assert!(
        o.status.success(),
        "fyr {args:?} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

fn ok_json(dir: &Path, args: &[&str]) -> Value {
    let out = ok(dir, args);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}"))
}

fn answers_file(dir: &Path, v: &Value) -> String {
    let p = dir.join("answers.json");
    std::fs::write(&p, serde_json::to_vec(v).unwrap()).unwrap();
    p.to_string_lossy().into()
}

/// 22:00 on julafton in Krokom: nothing local is open.
const AT: &str = "2026-12-24T22:00:00+01:00";

#[test]
fn key_questions_unanswered_give_not_assessed_with_what_is_missing() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    // Four of 22 questions answered, none of them a key question; danger_now
    // is "vet ej".
    let f = answers_file(
        p,
        &json!({"answers": {"physical_violence": "yes", "escalation": "no", "injuries": "no", "danger_now": "unknown"}}),
    );
    let v = ok_json(
        p,
        &[
            "screen",
            "adult-risk",
            "--answers",
            &f,
            "--kommun",
            "Krokom",
            "--at",
            AT,
            "--json",
        ],
    );
    assert_eq!(v["level"], "not_assessed");
    assert_eq!(v["not_assessed"], true);
    assert_eq!(
        v["level_label"],
        "Bedömning ej möjlig – nyckelfrågor saknar svar"
    );
    assert_eq!(v["acute"], false);
    let missing: Vec<&str> = v["missing_key"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["id"].as_str().unwrap())
        .collect();
    for id in [
        "strangulation",
        "threats_to_kill",
        "fear_for_life",
        "danger_now",
    ] {
        assert!(
            missing.contains(&id),
            "{id} not listed as missing: {missing:?}"
        );
    }
    assert!(v["missing_key"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["text"].as_str().unwrap().ends_with('?')));
    assert!(v["actions"][0].as_str().unwrap().contains("112"));
    assert!(!v["referrals"].as_array().unwrap().is_empty());
    // The statistics record carries not_assessed as its level, nothing more.
    let out = ok_json(p, &["outbox", "--json"]);
    let payload = out[0]["payload"].as_object().unwrap();
    assert_eq!(payload["level"], "not_assessed");
    assert_eq!(payload.len(), 7, "{payload:?}");
}

#[test]
fn the_text_output_never_says_no_raised_risk_with_key_questions_unanswered() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    let f = answers_file(p, &json!({"answers": {"physical_violence": "yes"}}));
    let out = ok(
        p,
        &[
            "screen",
            "adult-risk",
            "--answers",
            &f,
            "--kommun",
            "Krokom",
            "--at",
            AT,
        ],
    );
    assert!(!out.contains("Ingen förhöjd risk framkom"), "{out}");
    assert!(out.contains("Bedömning ej möjlig"), "{out}");
    assert!(out.contains("Nyckelfrågor utan svar"), "{out}");
    assert!(out.contains("Är du i fara just nu"), "{out}");
    // In English too.
    let out = ok(
        p,
        &[
            "--lang",
            "en",
            "screen",
            "adult-risk",
            "--answers",
            &f,
            "--at",
            AT,
        ],
    );
    assert!(out.contains("Not assessed"), "{out}");
    assert!(!out.contains("No raised risk found"), "{out}");
}

#[test]
fn every_key_question_answered_no_gives_the_lowest_level() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    let f = answers_file(
        p,
        &json!({"answers": {
            "strangulation": "no", "threats_to_kill": "no", "weapon_used": "no",
            "children_count": 0, "fear_for_life": "no", "danger_now": "no"
        }}),
    );
    let v = ok_json(
        p,
        &[
            "screen",
            "adult-risk",
            "--answers",
            &f,
            "--at",
            AT,
            "--json",
        ],
    );
    assert_eq!(v["level"], "low");
    assert_eq!(v["level_label"], "Ingen förhöjd risk framkom");
    assert_eq!(v["not_assessed"], false);
    assert!(v["missing_key"].as_array().unwrap().is_empty());
    // Other questions are still unanswered: incomplete, but assessed.
    assert_eq!(v["incomplete"], true);
}

#[test]
fn a_red_flag_with_key_questions_missing_stands_as_a_floor_and_is_shown_as_text() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    let f = answers_file(p, &json!({"answers": {"danger_now": "yes"}}));
    let v = ok_json(
        p,
        &[
            "screen",
            "adult-risk",
            "--answers",
            &f,
            "--at",
            AT,
            "--json",
        ],
    );
    assert_eq!(v["level"], "acute", "a red flag is never hidden");
    assert_eq!(v["not_assessed"], false);
    assert_eq!(v["acute"], true);
    assert!(!v["missing_key"].as_array().unwrap().is_empty());
    assert_eq!(
        v["red_flags"][0],
        json!({"item": "danger_now", "level": "acute", "text": "I fara nu"})
    );
    assert!(v["actions"][0].as_str().unwrap().starts_with("Ring 112"));
    let out = ok(p, &["screen", "adult-risk", "--answers", &f, "--at", AT]);
    assert!(out.contains("minst Akut fara"), "{out}");
    assert!(out.contains("  - I fara nu"), "{out}");
    assert!(!out.contains("danger_now →"), "{out}");
}

#[test]
fn an_override_to_the_lowest_level_is_refused_while_key_questions_are_unanswered() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    let f = answers_file(
        p,
        &json!({"answers": {"physical_violence": "no"}, "override": {"level": "low", "reason": "Verkar lugnt"}}),
    );
    let o = fyr(p, &["screen", "adult-risk", "--answers", &f, "--at", AT]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("key questions are unanswered"), "{err}");
    assert!(err.contains("strangulation"), "{err}");
    // Nothing was kept: no session, no statistics record.
    assert!(ok_json(p, &["screenings", "--json"])
        .as_array()
        .unwrap()
        .is_empty());
    assert!(ok_json(p, &["outbox", "--json"])
        .as_array()
        .unwrap()
        .is_empty());
    // Raising to a higher level works.
    let f = answers_file(
        p,
        &json!({"answers": {"physical_violence": "no"}, "override": {"level": "elevated", "reason": "Min bedömning"}}),
    );
    let v = ok_json(
        p,
        &[
            "screen",
            "adult-risk",
            "--answers",
            &f,
            "--at",
            AT,
            "--json",
        ],
    );
    assert_eq!(v["level"], "elevated");
    assert_eq!(v["override_used"], true);
    assert_eq!(v["not_assessed"], false);
}
