//! Integration tests of the `fyr` binary: the CLI contract other tools rely on.
//! Every test uses its own data directory; nothing touches the network.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn fyr(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fyr"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("FYR_KEY")
        .output()
        .expect("run fyr")
}

/// `fyr … --json` as JSON; for `search`, its list (`hits`).
fn ok_json(dir: &Path, args: &[&str]) -> Value {
    let o = fyr(dir, args);
    assert!(
        o.status.success(),
        "fyr {args:?} failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "fyr {args:?}: not JSON ({e}): {}",
            String::from_utf8_lossy(&o.stdout)
        )
    });
    if args.first() == Some(&"search") {
        assert_eq!(v["emergency"]["number"], "112", "{v}");
        assert!(v["understood"].is_object(), "{v}");
        return v["hits"].clone();
    }
    v
}

/// Asserts exit code 2 and exactly one line on stderr that contains `needle`.
fn usage_error(dir: &Path, args: &[&str], needle: &str) {
    let o = fyr(dir, args);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "fyr {args:?}: {err}");
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "one line expected: {err}"
    );
    assert!(
        err.contains(needle),
        "fyr {args:?}: '{err}' does not name '{needle}'"
    );
}

fn ids(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|h| h["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn first_search_works_offline_from_the_bundled_content() {
    let d = tempfile::tempdir().unwrap();
    let v = ok_json(
        d.path(),
        &["search", "kvinnojour", "--kommun", "Ljungby", "--json"],
    );
    let hits = v.as_array().unwrap();
    assert!(!hits.is_empty());
    assert!(hits.iter().any(|h| h["agency_kind"] == "womens_shelter"));
    for h in hits {
        for k in [
            "id",
            "name",
            "organization",
            "agency_kind",
            "municipalities",
            "national",
            "groups",
            "needs",
            "forms",
            "phones",
            "open_now",
            "next_change",
            "distance_km",
            "verified",
            "demo",
        ] {
            assert!(h.get(k).is_some(), "{k} missing in {h}");
        }
        if h["demo"] == true {
            assert_eq!(h["verified"], false);
        }
    }
    // A 24/7 national line is always among the results when the filters allow one.
    assert!(hits
        .iter()
        .any(|h| h["national"] == true && h["open_now"] == true));
}

#[test]
fn words_without_swedish_letters_find_the_same() {
    let d = tempfile::tempdir().unwrap();
    let a = ok_json(d.path(), &["search", "våld", "--json", "--limit", "50"]);
    let b = ok_json(d.path(), &["search", "vald", "--json", "--limit", "50"]);
    assert_eq!(ids(&a), ids(&b));
    let c = ok_json(d.path(), &["search", "Ostersund", "--json"]);
    let e = ok_json(d.path(), &["search", "Östersund", "--json"]);
    assert_eq!(ids(&c), ids(&e));
    assert!(c.as_array().unwrap().iter().any(|h| h["municipalities"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m == "2380")));
    // A prefix as typed.
    let p = ok_json(d.path(), &["search", "kvinnoj", "--json"]);
    assert!(p
        .as_array()
        .unwrap()
        .iter()
        .any(|h| h["agency_kind"] == "womens_shelter"));
}

#[test]
fn every_municipality_resolves_with_and_without_swedish_letters() {
    let d = tempfile::tempdir().unwrap();
    let munis = ok_json(d.path(), &["municipalities", "--json"]);
    let munis = munis.as_array().unwrap();
    assert_eq!(munis.len(), 16);
    for m in munis {
        let code = m["code"].as_str().unwrap();
        let name = m["name"].as_str().unwrap();
        let plain: String = name
            .chars()
            .map(|c| match c {
                'å' | 'ä' => 'a',
                'Å' | 'Ä' => 'A',
                'ö' => 'o',
                'Ö' => 'O',
                c => c,
            })
            .collect();
        let by_code = ids(&ok_json(
            d.path(),
            &["search", "--kommun", code, "--json", "--limit", "100"],
        ));
        for spelling in [name.to_string(), plain.clone(), plain.to_uppercase()] {
            let got = ids(&ok_json(
                d.path(),
                &["search", "--kommun", &spelling, "--json", "--limit", "100"],
            ));
            assert_eq!(got, by_code, "{spelling}");
        }
        // Local services exist for each municipality.
        let v = ok_json(
            d.path(),
            &[
                "search",
                "--kommun",
                code,
                "--need",
                "child_protection",
                "--json",
                "--limit",
                "100",
            ],
        );
        assert!(
            v.as_array().unwrap().iter().any(|h| h["municipalities"]
                .as_array()
                .unwrap()
                .iter()
                .any(|c| c == code)),
            "{name}"
        );
    }
}

#[test]
fn open_now_follows_the_hours_holidays_and_on_call() {
    let d = tempfile::tempdir().unwrap();
    let show = |at: &str| {
        ok_json(
            d.path(),
            &["show", "ljungby-socialtjanst", "--at", at, "--json"],
        )
    };
    // Tuesday 10:00 in winter (UTC+1): open, closes 16:30 local = 15:30Z
    // (when the on-call service opens).
    let v = show("2026-11-24T10:00:00+01:00");
    assert_eq!(v["open_now"], true);
    assert_eq!(v["next_change"], "2026-11-24T15:30:00Z");
    // Christmas Eve (a Thursday in 2026): closed.
    assert_eq!(show("2026-12-24T10:00:00+01:00")["open_now"], false);
    // Ascension Day 2026 (14 May, a Thursday, summer time): closed.
    assert_eq!(show("2026-05-14T10:00:00+02:00")["open_now"], false);
    // The social services on call are on call that night.
    let v = ok_json(
        d.path(),
        &[
            "search",
            "--kommun",
            "Ljungby",
            "--open-now",
            "--at",
            "2026-12-24T23:30:00+01:00",
            "--json",
            "--limit",
            "100",
        ],
    );
    let got = ids(&v);
    assert!(got.contains(&"socialjour-ljungby".to_string()), "{got:?}");
    assert!(!got.contains(&"ljungby-socialtjanst".to_string()));
}

#[test]
fn distance_from_a_position() {
    let d = tempfile::tempdir().unwrap();
    let v = ok_json(
        d.path(),
        &[
            "search",
            "--near",
            "63.18,14.64",
            "--need",
            "child_protection",
            "--json",
            "--limit",
            "5",
        ],
    );
    // The nearest service with a place comes first among those with one
    // (a national line, with none, is first while the office is closed and
    // the on-call service not yet open: on weekdays 16:00-16:30 here).
    let first = v
        .as_array()
        .unwrap()
        .iter()
        .find(|h| !h["distance_km"].is_null())
        .unwrap();
    assert!(first["distance_km"].as_f64().unwrap() < 30.0, "{first}");
}

#[test]
fn show_gives_the_role_schedule_and_source() {
    let d = tempfile::tempdir().unwrap();
    let v = ok_json(d.path(), &["show", "kvinnofridslinjen", "--json"]);
    assert_eq!(v["phones"][0]["number"], "020-50 50 50");
    assert_eq!(v["national"], true);
    assert_eq!(v["verified"], true);
    assert!(v["role"].as_str().unwrap().len() > 10);
    assert!(v["verified_on"].is_string());
    assert!(v["source"].as_str().unwrap().contains("kvinnofridslinjen"));
    let human = fyr(d.path(), &["show", "kvinnofridslinjen"]);
    assert!(String::from_utf8_lossy(&human.stdout).contains("020-50 50 50"));
}

#[test]
fn shelters_never_show_an_address() {
    let d = tempfile::tempdir().unwrap();
    let v = ok_json(
        d.path(),
        &["search", "kvinnojour", "--json", "--limit", "100"],
    );
    for h in v
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["agency_kind"] == "womens_shelter")
    {
        let s = ok_json(d.path(), &["show", h["id"].as_str().unwrap(), "--json"]);
        assert_eq!(s["confidential_address"], true);
        assert!(s["address"].is_null());
    }
}

#[test]
fn bad_input_exits_2_with_one_line_naming_it() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    usage_error(p, &["search", "--kommun", "Atlantis"], "Atlantis");
    usage_error(p, &["search", "--group", "aliens"], "aliens");
    usage_error(p, &["search", "--need", "teleport"], "teleport");
    usage_error(p, &["search", "--form", "honor"], "honor");
    usage_error(p, &["search", "--at", "yesterday"], "yesterday");
    usage_error(p, &["search", "--near", "95,14"], "95,14");
    usage_error(p, &["search", "--near", "63.1,200"], "63.1,200");
    usage_error(p, &["show", "no-such-service"], "no-such-service");
    let o = fyr(p, &["search", "--no-such-flag"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn vocab_lists_ids_with_both_labels() {
    let d = tempfile::tempdir().unwrap();
    let v = ok_json(d.path(), &["vocab", "--json"]);
    for k in ["groups", "needs", "forms", "agency_kinds"] {
        for e in v[k].as_array().unwrap() {
            assert!(e["id"].is_string() && e["sv"].is_string() && e["en"].is_string());
        }
    }
    assert!(v["forms"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["id"] == "prostitution_trafficking"));
}

// ------------------------------------------------------------------ screening

fn write(dir: &Path, name: &str, v: &Value) -> String {
    let p = dir.join(name);
    std::fs::write(&p, serde_json::to_vec(v).unwrap()).unwrap();
    p.to_string_lossy().into()
}

#[test]
fn checklists_are_listed_and_defined() {
    let d = tempfile::tempdir().unwrap();
    let v = ok_json(d.path(), &["checklists", "--json"]);
    let list = v.as_array().unwrap();
    assert_eq!(
        list.len(),
        6,
        "six checklists, with prostitution and trafficking"
    );
    for c in list {
        for k in ["id", "version", "kind", "title_sv", "title_en"] {
            assert!(c.get(k).is_some());
        }
    }
    let c = ok_json(d.path(), &["checklist", "adult-risk", "--json"]);
    let levels: Vec<&str> = c["levels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["id"].as_str().unwrap())
        .collect();
    assert_eq!(levels.first(), Some(&"low"));
    for i in c["items"].as_array().unwrap() {
        for k in ["id", "text", "type", "weight", "red_flag", "show_if"] {
            assert!(i.get(k).is_some(), "{k} missing in {i}");
        }
    }
}

#[test]
fn a_screening_runs_end_to_end_and_leaves_nothing_readable() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    let note = "ANTECKNING-OM-PERSONEN-4711";
    let answers = write(
        p,
        "answers.json",
        &serde_json::json!({
            "answers": {"physical_violence": "yes", "strangulation": "yes", "threats_to_kill": "yes", "children_count": 2},
            "note": note
        }),
    );
    let v = ok_json(
        p,
        &[
            "screen",
            "adult-risk",
            "--answers",
            &answers,
            "--kommun",
            "Ljungby",
            "--at",
            "2026-11-24T22:00:00+01:00",
            "--json",
        ],
    );
    for k in [
        "session_id",
        "checklist",
        "version",
        "level",
        "score",
        "red_flags",
        "unanswered",
        "actions",
        "referrals",
    ] {
        assert!(v.get(k).is_some(), "{k} missing");
    }
    assert!(["high", "acute"].contains(&v["level"].as_str().unwrap()));
    assert!(v["red_flags"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["item"] == "strangulation"));
    assert!(v["unanswered"].as_u64().unwrap() > 0);
    let refs = v["referrals"].as_array().unwrap();
    assert!(
        refs[0]["national"] == true && refs[0]["open_now"] == true,
        "a 24/7 line first at high levels"
    );
    assert!(
        refs.iter().any(|r| r["municipalities"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m == "0781")),
        "local entries for Ljungby"
    );
    assert!(refs
        .iter()
        .all(|r| !r["phones"].as_array().unwrap().is_empty() || r["national"] == true));

    // One anonymous statistics record, nothing finer than the month.
    let out = ok_json(p, &["outbox", "--json"]);
    let out = out.as_array().unwrap();
    assert_eq!(out.len(), 1);
    let payload = out[0]["payload"].as_object().unwrap();
    let mut keys: Vec<&str> = payload.keys().map(|k| k.as_str()).collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "agency_kind",
            "checklist",
            "checklist_version",
            "level",
            "month",
            "municipality",
            "override_used"
        ]
    );
    assert_eq!(payload["month"], "2026-11");

    // Nothing about the person can be read from the files without the key.
    let sid = v["session_id"].as_str().unwrap();
    for entry in std::fs::read_dir(p).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().unwrap() == "answers.json" || path.file_name().unwrap() == "key" {
            continue;
        }
        let bytes = std::fs::read(&path).unwrap();
        let hay = String::from_utf8_lossy(&bytes);
        for needle in [
            note,
            "\"strangulation\":\"yes\"",
            "strangulation",
            "2026-11-24T21:00",
        ] {
            let content = ["directory.db", "lexicon.bin"];
            if needle == "strangulation" && content.iter().any(|f| path.file_name().unwrap() == *f)
            {
                // The checklist definition itself names its items, and the
                // compiled lexicon holds the word.
                continue;
            }
            assert!(
                !hay.contains(needle),
                "{} holds '{needle}' in clear",
                path.display()
            );
        }
    }
    // With the key, the device shows it.
    let list = ok_json(p, &["screenings", "--json"]);
    assert_eq!(list.as_array().unwrap().len(), 1);
    let shown = fyr(p, &["screenings", "show", sid]);
    assert!(String::from_utf8_lossy(&shown.stdout).contains(note));
    // With another key, nothing opens.
    let o = Command::new(env!("CARGO_BIN_EXE_fyr"))
        .args(["--data-dir"])
        .arg(p)
        .args(["screenings"])
        .env("FYR_KEY", "11".repeat(32))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("wrong key"));
    // Discard.
    assert!(fyr(p, &["screenings", "discard", sid]).status.success());
    assert!(ok_json(p, &["screenings", "--json"])
        .as_array()
        .unwrap()
        .is_empty());
}

#[test]
fn screening_input_errors_exit_2() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    usage_error(p, &["screen", "no-such-checklist"], "no-such-checklist");
    let bad_item = write(
        p,
        "a.json",
        &serde_json::json!({"answers": {"telepathy": "yes"}}),
    );
    usage_error(
        p,
        &["screen", "adult-risk", "--answers", &bad_item],
        "telepathy",
    );
    let bad_type = write(
        p,
        "b.json",
        &serde_json::json!({"answers": {"strangulation": 3}}),
    );
    usage_error(
        p,
        &["screen", "adult-risk", "--answers", &bad_type],
        "strangulation",
    );
    let no_reason = write(
        p,
        "c.json",
        &serde_json::json!({"answers": {}, "override": {"level": "high"}}),
    );
    usage_error(
        p,
        &["screen", "adult-risk", "--answers", &no_reason],
        "reason",
    );
    // Nothing was stored by the failed attempts.
    assert!(ok_json(p, &["screenings", "--json"])
        .as_array()
        .unwrap()
        .is_empty());
    assert!(ok_json(p, &["outbox", "--json"])
        .as_array()
        .unwrap()
        .is_empty());
}

#[test]
fn an_override_raises_the_level_with_a_reason() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    let f = write(
        p,
        "o.json",
        &serde_json::json!({"answers": {"physical_violence": "no"}, "override": {"level": "high", "reason": "Min bedömning"}}),
    );
    let v = ok_json(
        p,
        &[
            "screen",
            "adult-risk",
            "--answers",
            &f,
            "--kommun",
            "Växjö",
            "--json",
        ],
    );
    assert_eq!(v["level"], "high");
    assert_eq!(v["override_used"], true);
    let out = ok_json(p, &["outbox", "--json"]);
    assert_eq!(out[0]["payload"]["override_used"], true);
}

/// Runs `fyr` with `input` on its standard input (an interactive session driven by a pipe).
fn fyr_with_input(dir: &Path, args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_fyr"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("FYR_KEY")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

#[test]
fn interactive_screening_can_quit_and_resume() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    let o = fyr_with_input(p, &["screen", "routine", "--kommun", "Åre"], "nej\nq\n");
    assert!(o.status.success());
    let list = ok_json(p, &["screenings", "--json"]);
    let s = &list.as_array().unwrap()[0];
    assert_eq!(s["answered"], 1);
    assert!(s["completed_at"].is_null());
    let sid = s["session_id"].as_str().unwrap().to_string();
    // Resume: back, then answer everything with "nej", no override.
    let o = fyr_with_input(p, &["screen", "routine", "--resume", &sid], "b\n");
    assert!(o.status.success());
    // Five questions, all "nej"; then no override (empty line).
    let o = fyr_with_input(
        p,
        &["screen", "routine", "--resume", &sid],
        &format!("{}\n", "nej\n".repeat(5)),
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
    let list = ok_json(p, &["screenings", "--json"]);
    assert!(list[0]["completed_at"].is_string(), "{list}");
    assert_eq!(
        ok_json(p, &["outbox", "--json"]).as_array().unwrap().len(),
        1
    );
}

#[test]
fn completed_screenings_are_purged_after_the_retention_period() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    assert!(fyr(p, &["settings", "--retention-days", "7"])
        .status
        .success());
    let f = write(p, "a.json", &serde_json::json!({"answers": {}}));
    // One completed long ago, one now.
    ok_json(
        p,
        &[
            "screen",
            "routine",
            "--answers",
            &f,
            "--at",
            "2020-01-01T12:00:00Z",
            "--json",
        ],
    );
    ok_json(p, &["screen", "routine", "--answers", &f, "--json"]);
    let o = fyr(p, &["screenings", "purge"]);
    assert!(o.status.success());
    // (The one from 2020 may already have gone when the store was opened.)
    let left = ok_json(p, &["screenings", "--json"]);
    assert_eq!(left.as_array().unwrap().len(), 1);
}

#[test]
fn correction_reports_go_to_the_outbox_and_refuse_personal_data() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    let sid = "ljungby-socialtjanst";
    assert!(fyr(
        p,
        &[
            "report-error",
            sid,
            "--reason",
            "wrong_number",
            "--message",
            "Fel telefonnummer"
        ]
    )
    .status
    .success());
    for (msg, why) in [
        ("gäller 850709-1234", "personal identity number"),
        ("gäller 19121212 - 1212", "personal identity number"),
        ("gäller 121212 1212", "personal identity number"),
        ("gäller 121212–1212", "personal identity number"),
        ("gäller １２１２１２－１２１２", "personal identity number"),
        ("gäller 121212_1212", "personal identity number"),
        ("ring henne på 070-174 06 05", "phone number"),
        ("mejla anna.svensson@example.se", "e-mail address"),
    ] {
        usage_error(
            p,
            &["report-error", sid, "--reason", "other", "--message", msg],
            why,
        );
    }
    usage_error(
        p,
        &["report-error", sid, "--reason", "rude", "--message", "x"],
        "wrong_number, closed, moved, other",
    );
    let no_reason = fyr(p, &["report-error", sid, "--message", "x"]);
    assert_eq!(no_reason.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&no_reason.stderr).contains("--reason"));
    usage_error(
        p,
        &[
            "report-error",
            "nope",
            "--reason",
            "closed",
            "--message",
            "x",
        ],
        "nope",
    );
    let out = ok_json(p, &["outbox", "--json"]);
    assert_eq!(out.as_array().unwrap().len(), 1);
    assert_eq!(out[0]["kind"], "correction_report");
    let payload = &out[0]["payload"];
    let payload: serde_json::Value = match payload {
        serde_json::Value::String(s) => serde_json::from_str(s).unwrap(),
        v => v.clone(),
    };
    assert_eq!(payload["reason"], "wrong_number", "{out}");
    assert_eq!(payload["message"], "Fel telefonnummer", "{out}");
}

#[test]
fn a_village_finds_its_municipality() {
    let d = tempfile::tempdir().unwrap();
    let by_village = ids(&ok_json(
        d.path(),
        &[
            "search",
            "--kommun",
            "Funasdalen",
            "--json",
            "--limit",
            "100",
        ],
    ));
    let by_name = ids(&ok_json(
        d.path(),
        &[
            "search",
            "--kommun",
            "Härjedalen",
            "--json",
            "--limit",
            "100",
        ],
    ));
    assert_eq!(by_village, by_name);
    let v = ok_json(
        d.path(),
        &["search", "socialtjanst", "funasdalen", "--json"],
    );
    assert!(
        v.as_array().unwrap().iter().any(|h| h["municipalities"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m == "2361")),
        "{v}"
    );
}

#[test]
fn an_answer_to_an_item_the_other_answers_hide_is_dropped_not_fatal() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    // threat_with_means is shown only after a yes to threats_to_kill.
    let f = write(
        p,
        "h.json",
        &serde_json::json!({"answers": {"threats_to_kill": "no", "threat_with_means": "yes"}}),
    );
    let o = fyr(p, &["screen", "adult-risk", "--answers", &f, "--json"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("threat_with_means"),
        "the dropped answer is named"
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        v["red_flags"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["item"] != "threat_with_means"),
        "{v}"
    );
    let details = fyr(
        p,
        &["screenings", "show", v["session_id"].as_str().unwrap()],
    );
    assert!(!String::from_utf8_lossy(&details.stdout).contains("threat_with_means"));
}

/// A woman's words at 23:00 in Strömsund, typed by the district nurse: the
/// fixed 112 action, how the words were read, and her help first.
#[test]
fn search_prints_the_112_action_and_how_the_words_were_read() {
    let d = tempfile::tempdir().unwrap();
    let args = [
        "search",
        "min",
        "man",
        "slår",
        "mig",
        "--kommun",
        "Strömsund",
        "--at",
        "2026-02-10T23:00:00+01:00",
    ];
    let o = fyr(d.path(), &args);
    assert!(o.status.success());
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some("Akut fara? Ring 112"));
    assert_eq!(
        lines.next(),
        Some("Tolkat som: utsatt för våld · fysiskt våld")
    );
    let mut en = vec!["--lang", "en"];
    en.extend(args);
    let o = fyr(d.path(), &en);
    let out = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(
        out.starts_with(
            "Acute danger? Call 112\nUnderstood as: subjected to violence · physical violence\n"
        ),
        "{out}"
    );
    let mut j = args.to_vec();
    j.push("--json");
    let o = fyr(d.path(), &j);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["understood"]["roles"], serde_json::json!(["subjected"]));
    assert_eq!(v["understood"]["danger"], false);
    let top: Vec<&str> = v["hits"]
        .as_array()
        .unwrap()
        .iter()
        .take(3)
        .map(|h| h["agency_kind"].as_str().unwrap())
        .collect();
    assert!(!["police", "emergency"].contains(&top[0]), "{top:?}");
    assert!(top.contains(&"national_helpline"), "{top:?}");
    // Without the reading: searched again, the chip is gone.
    j.extend(["--without", "role:subjected"]);
    let o = fyr(d.path(), &j);
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["understood"]["roles"], serde_json::json!([]));
}
