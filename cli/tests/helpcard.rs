//! `fyr help-card`: a fresh data directory, no network, no configuration —
//! every card is there from the bundled content.

use serde_json::Value;
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

fn stdout(o: &Output) -> String {
    assert!(
        o.status.success(),
        "failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout.clone()).unwrap()
}

#[test]
fn the_arabic_card_on_a_fresh_install() {
    let d = tempfile::tempdir().unwrap();
    let out = stdout(&fyr(d.path(), &["help-card", "ar"]));
    assert!(
        out.starts_with("[Översättningen är ännu inte granskad av en modersmålstalare.]"),
        "{out}"
    );
    assert!(out.contains("لست وحدك"), "{out}");
    assert!(out.contains("020-50 50 50  Kvinnofridslinjen"), "{out}");
    assert!(out.contains("\n112  "), "{out}");

    let v: Value =
        serde_json::from_slice(&fyr(d.path(), &["help-card", "ar", "--json"]).stdout).unwrap();
    assert_eq!(v["lang"], "ar");
    assert_eq!(v["direction"], "rtl");
    assert_eq!(v["reviewed"], false);
    let uris: Vec<&str> = v["numbers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["uri"].as_str().unwrap())
        .collect();
    assert_eq!(uris, ["tel:020505050", "tel:112"]);
    assert_eq!(v["points"].as_array().unwrap().len(), 4);
}

#[test]
fn the_languages_and_an_unknown_one() {
    let d = tempfile::tempdir().unwrap();
    let out = stdout(&fyr(d.path(), &["--lang", "en", "help-card"]));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 10, "{out}");
    assert_eq!(
        lines[0],
        "sv   Svenska (Swedish) · also --for children, men, people_who_use_violence"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("sma  Åarjelsaemien (South Sami) · not reviewed")),
        "{out}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("prs  دری (Dari) · right to left · not reviewed")),
        "{out}"
    );
    let v: Value = serde_json::from_slice(&fyr(d.path(), &["help-card", "--json"]).stdout).unwrap();
    let langs: Vec<&str> = v
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["lang"].as_str().unwrap())
        .collect();
    assert_eq!(
        langs,
        ["sv", "en", "ar", "so", "ti", "prs", "fa", "uk", "fi", "sma"]
    );

    let o = fyr(d.path(), &["help-card", "klingon"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("no help card in 'klingon'"), "{err}");
}

#[test]
fn cards_for_children_men_and_people_who_use_violence() {
    let d = tempfile::tempdir().unwrap();
    let out = stdout(&fyr(d.path(), &["help-card", "sv", "--for", "men"]));
    assert!(out.contains("116 006  Brottsofferjouren"), "{out}");
    assert!(!out.contains("020-50 50 50"), "{out}");
    assert!(out.contains("samtalslista"), "{out}");
    let out = stdout(&fyr(d.path(), &["help-card", "en", "--for", "children"]));
    assert!(out.contains("116 111  Bris"), "{out}");
    let v: Value = serde_json::from_slice(
        &fyr(
            d.path(),
            &[
                "help-card",
                "sv",
                "--for",
                "people-who-use-violence",
                "--json",
            ],
        )
        .stdout,
    )
    .unwrap();
    assert_eq!(v["audience"], "people_who_use_violence");
    // An unknown audience and a missing card are wrong arguments: exit 2.
    let o = fyr(d.path(), &["help-card", "sv", "--for", "dogs"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("unknown audience 'dogs'"));
    let o = fyr(d.path(), &["help-card", "ar", "--for", "men"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("no help card in 'ar' for men (there are: sv, en)"),
        "{err}"
    );
}
