//! Key items and "not assessed", acute levels, red-flag texts, the override
//! picker, reading what older versions stored, and the content review of the
//! shipped checklists.

use super::tests::{answers, assert_reports, base, content_dir, item_mut, problems, shipped};
use super::*;
use crate::model::Text;
use serde_json::json;

// ---- validation ----

#[test]
fn a_checklist_without_key_items_is_refused_naming_the_file() {
    let mut c = base();
    c.key_items.clear();
    assert_reports(
        &c,
        "adult.toml: no key items: key_items must name the questions",
    );
}

#[test]
fn a_key_item_that_does_not_exist_is_refused_naming_the_item() {
    let mut c = base();
    c.key_items.push("telepathy".into());
    c.key_items.push("hit".into());
    let ps = problems(&c);
    assert!(
        ps.contains(
            &"adult.toml: item 'telepathy': key_items names an item that does not exist".into()
        ),
        "{ps:#?}"
    );
    assert!(
        ps.contains(&"adult.toml: item 'hit': named twice in key_items".into()),
        "{ps:#?}"
    );
    // The same through the TOML path.
    let text = super::tests::BASE.replace(
        "key_items = [\"hit\", \"strangled\"]",
        "key_items = [\"hit\", \"strangle\"]",
    );
    let errs = Checklist::from_toml("adult.toml", &text).unwrap_err();
    assert_eq!(
        errs[0].to_string(),
        "adult.toml: item 'strangle': key_items names an item that does not exist"
    );
}

#[test]
fn a_key_item_behind_a_question_that_is_not_key_is_refused() {
    let mut c = base();
    c.key_items = vec!["strangled".into()];
    assert_reports(
        &c,
        "adult.toml: item 'strangled': key item is shown only after 'hit', which must then be a key item too",
    );
}

#[test]
fn not_assessed_is_a_reserved_level_id() {
    let mut c = base();
    c.levels[0].id = NOT_ASSESSED.into();
    assert_reports(&c, "level 'not_assessed': the id is reserved");
}

#[test]
fn acute_levels_are_the_top_start_with_112_and_carry_a_24_7_line() {
    // A checklist for victims or perpetrators needs one.
    let mut c = base();
    c.levels[2].acute = false;
    assert_reports(
        &c,
        "adult.toml: no acute level: a screening checklist marks its top level(s) acute = true",
    );
    // A routine inquiry does not.
    c.kind = ChecklistKind::Routine;
    c.subject = Subject::Any;
    assert!(c.validate("adult.toml").is_ok(), "{:#?}", problems(&c));
    // Acute levels are the highest.
    let mut c = base();
    c.levels[1].acute = true;
    c.levels[2].acute = false;
    assert_reports(
        &c,
        "level 'acute' is above the acute level 'high' but not marked acute",
    );
    // Their first action says to call 112, in both languages.
    let mut c = base();
    c.levels[2].actions = vec![
        Text::new("Kontakta socialtjänsten.", "Contact social services."),
        Text::new("Ring 112.", "Call 112."),
    ];
    assert_reports(
        &c,
        "level 'acute': an acute level's first action must say to call 112",
    );
    c.levels[2].actions = vec![Text::new("Ring 112 nu.", "Contact social services.")];
    assert_reports(&c, "first action must say to call 112");
    // And a 24/7 line.
    let mut c = base();
    c.levels[2].include_24_7 = false;
    assert_reports(
        &c,
        "level 'acute': an acute level must set include_24_7 = true",
    );
}

#[test]
fn red_flag_text_needs_a_red_flag_and_swedish() {
    let mut c = base();
    item_mut(&mut c, "hit").red_flag_text = Some(Text::new("Slag", "Hit"));
    assert_reports(
        &c,
        "adult.toml: item 'hit': red_flag_text given without a red_flag",
    );
    let mut c = base();
    item_mut(&mut c, "strangled").red_flag_text = Some(Text::new("", "Strangled"));
    assert_reports(
        &c,
        "item 'strangled': red_flag_text: Swedish text (sv) is missing",
    );
    let mut c = base();
    item_mut(&mut c, "frequency").choices[0].red_flag_text = Some(Text::new("En gång", ""));
    assert_reports(
        &c,
        "item 'frequency': choice 'once': red_flag_text given without a red_flag",
    );
}

// ---- engine ----

#[test]
fn key_items_unanswered_give_not_assessed_with_the_missing_list() {
    let c = base();
    // "hit" answered yes shows "strangled" (a key item); "unknown" is not an answer.
    let e = evaluate(
        &c,
        &answers(&[("hit", Answer::Yes), ("strangled", Answer::Unknown)]),
        None,
    )
    .unwrap();
    assert_eq!(e.level, NOT_ASSESSED);
    assert!(e.not_assessed && !e.acute);
    assert_eq!(e.missing_key, ["strangled"]);
    assert_eq!(e.actions, not_assessed_actions());
    assert!(e.actions[0].sv.contains("112"));
    assert!(e.include_24_7);
    // The lowest level's referrals, so the person is not left without any.
    assert_eq!(e.referrals, c.levels[0].referrals);
    assert_eq!(
        missing_texts(&c, &e),
        [Text::new("Har hen tagit struptag på dig?", "")]
    );
}

#[test]
fn every_key_item_answered_low_gives_the_lowest_level() {
    let c = base();
    let e = evaluate(
        &c,
        &answers(&[("hit", Answer::Yes), ("strangled", Answer::No)]),
        None,
    )
    .unwrap();
    assert_eq!(e.level, "low");
    assert!(!e.not_assessed && e.missing_key.is_empty());
    assert_eq!(e.actions, c.levels[0].actions);
    // A key item hidden by an earlier answer is not missing.
    let e = evaluate(&c, &answers(&[("hit", Answer::No)]), None).unwrap();
    assert_eq!(e.level, "low");
    assert!(e.missing_key.is_empty());
    assert!(!e.visible.contains(&"strangled".to_string()));
}

#[test]
fn a_red_flag_with_key_items_missing_stands_as_a_floor() {
    let c = base();
    let e = evaluate(
        &c,
        &answers(&[("frequency", Answer::Choice("often".into()))]),
        None,
    )
    .unwrap();
    assert_eq!(e.level, "high");
    assert!(!e.not_assessed);
    assert_eq!(e.missing_key, ["hit"]);
    assert_eq!(e.actions, c.levels[1].actions);
    // Its text: the question and the chosen alternative.
    assert_eq!(e.red_flags[0].text, Text::new("Hur ofta? – Ofta", ""));
    let e = evaluate(
        &c,
        &answers(&[("hit", Answer::Yes), ("strangled", Answer::Yes)]),
        None,
    )
    .unwrap();
    assert_eq!(e.level, "acute");
    assert!(e.acute);
}

#[test]
fn red_flags_show_the_red_flag_text_when_there_is_one() {
    let mut c = base();
    item_mut(&mut c, "strangled").red_flag_text = Some(Text::new("Stryptag", "Strangulation"));
    item_mut(&mut c, "frequency").choices[2].red_flag_text =
        Some(Text::new("Våld ofta", "Frequent violence"));
    c.validate("adult.toml").unwrap();
    let e = evaluate(
        &c,
        &answers(&[
            ("hit", Answer::Yes),
            ("strangled", Answer::Yes),
            ("frequency", Answer::Choice("often".into())),
        ]),
        None,
    )
    .unwrap();
    let texts: Vec<&str> = e.red_flags.iter().map(|r| r.text.sv.as_str()).collect();
    assert_eq!(texts, ["Stryptag", "Våld ofta"]);
    assert_eq!(
        e.red_flags[0].shown(crate::vocab::Lang::En),
        "Strangulation"
    );
}

#[test]
fn the_override_list_offers_only_higher_levels() {
    let c = base();
    let ids = |e: &Evaluation| -> Vec<String> {
        override_levels(&c, e).into_iter().map(|l| l.id).collect()
    };
    let low = evaluate(
        &c,
        &answers(&[("hit", Answer::Yes), ("strangled", Answer::No)]),
        None,
    )
    .unwrap();
    assert_eq!(ids(&low), ["high", "acute"]);
    let top = override_levels(&c, &low);
    assert_eq!(top[0].label, Text::new("Hög", "High"));
    assert!(!top[0].acute && top[1].acute);
    let high = evaluate(
        &c,
        &answers(&[("frequency", Answer::Choice("often".into()))]),
        None,
    )
    .unwrap();
    assert_eq!(ids(&high), ["acute"]);
    let acute = evaluate(
        &c,
        &answers(&[("hit", Answer::Yes), ("strangled", Answer::Yes)]),
        None,
    )
    .unwrap();
    assert!(ids(&acute).is_empty());
    // Not assessed: every level but the lowest.
    let unknown = evaluate(&c, &Answers::new(), None).unwrap();
    assert_eq!(ids(&unknown), ["high", "acute"]);
    // Only the levels the policy names; none when overrides are not allowed.
    let mut limited = c.clone();
    limited.override_policy.levels = vec!["acute".into()];
    assert_eq!(
        override_levels(&limited, &low)
            .into_iter()
            .map(|l| l.id)
            .collect::<Vec<_>>(),
        ["acute"]
    );
    limited.override_policy.allowed = false;
    assert!(override_levels(&limited, &low).is_empty());
}

#[test]
fn an_override_from_not_assessed_may_not_give_the_lowest_level() {
    let c = base();
    let ov = |level: &str| Override {
        level: level.into(),
        reason: "Min bedömning".into(),
    };
    let err = evaluate(&c, &Answers::new(), Some(&ov("low"))).unwrap_err();
    assert_eq!(
        err,
        EngineError::OverrideLowestNotAssessed {
            level: "low".into(),
            missing: "hit".into()
        }
    );
    assert!(err
        .to_string()
        .contains("key questions are unanswered (hit)"));
    let e = evaluate(&c, &Answers::new(), Some(&ov("high"))).unwrap();
    assert_eq!(e.level, "high");
    assert!(e.override_used && !e.not_assessed);
    assert_eq!(
        e.missing_key,
        ["hit"],
        "still listed: the level is judgement"
    );
    assert_eq!(e.actions, c.levels[1].actions);
}

// ---- what older versions stored ----

#[test]
fn a_record_stored_before_subject_and_key_items_is_still_read() {
    let mut v: serde_json::Value = serde_json::from_str(&base().to_json()).unwrap();
    let obj = v.as_object_mut().unwrap();
    obj.remove("subject");
    obj.remove("key_items");
    obj["levels"][2].as_object_mut().unwrap().remove("acute");
    let text = v.to_string();
    // As a file or a new feed it is refused...
    let errs = Checklist::from_json("feed", &text).unwrap_err();
    assert!(errs[0].to_string().contains("missing field `subject`"));
    // ...but what the store already holds still opens, so an app update never
    // leaves a device without checklists until its next sync.
    let c = Checklist::from_stored_json("checklist adult", &text).unwrap();
    assert_eq!(c.subject, Subject::AdultVictim);
    assert!(c.key_items.is_empty());
    let e = evaluate(&c, &Answers::new(), None).unwrap();
    assert_eq!(e.level, "low", "no key items: the old behaviour");
    // Other problems are still refused.
    let mut bad = v.clone();
    bad["levels"][0]["id"] = json!("Low Level");
    assert!(Checklist::from_stored_json("checklist adult", &bad.to_string()).is_err());
    // A stored record in the current format is validated in full.
    let mut cur: serde_json::Value = serde_json::from_str(&base().to_json()).unwrap();
    cur["key_items"] = json!(["nope"]);
    let errs = Checklist::from_stored_json("checklist adult", &cur.to_string()).unwrap_err();
    assert!(errs[0].to_string().contains("'nope'"), "{errs:?}");
}

#[test]
fn subjects_of_legacy_records_follow_the_kind() {
    for (kind, subject) in [
        ("perpetrator", "perpetrator"),
        ("children", "child"),
        ("routine", "any"),
        ("honour", "adult_victim"),
        ("screening", "adult_victim"),
        ("other", "any"),
    ] {
        let mut v = json!({ "kind": kind });
        assert!(fill_legacy_subject(&mut v));
        assert_eq!(v["subject"], subject, "{kind}");
        assert!(!fill_legacy_subject(&mut v), "never overwrites");
    }
}

#[test]
fn a_result_sealed_before_these_fields_still_opens() {
    // An evaluation as an earlier version sealed it.
    let old = json!({
        "visible": ["hit"], "score": 0.0, "level": "low", "level_index": 0,
        "score_level": "low", "red_flags": [{"item": "hit", "level": "high"}],
        "unanswered": 1, "incomplete": true, "actions": [], "referrals": [],
        "include_24_7": false, "leads_to": [], "override_used": false
    });
    let e: Evaluation = serde_json::from_value(old).unwrap();
    assert!(!e.not_assessed && e.missing_key.is_empty() && !e.acute);
    assert_eq!(e.red_flags[0].text, Text::default());
}

// ---- the shipped checklists: content review ----

fn shipped_texts() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(content_dir()).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|x| x == "toml") {
            out.push((
                p.file_name().unwrap().to_string_lossy().into(),
                std::fs::read_to_string(&p).unwrap(),
            ));
        }
    }
    assert_eq!(out.len(), 6);
    out
}

#[test]
fn no_checklist_cites_the_repealed_social_services_act() {
    for (file, text) in shipped_texts() {
        for old in [
            "2001:453",
            "SoL 14 kap",
            "14 kap. 1 §",
            "ch. 14 s. 1",
            "SoL ch.",
        ] {
            assert!(!text.contains(old), "{file} still cites '{old}'");
        }
        // No chapter or section is cited at all: none is certain enough.
        assert!(!text.contains('§'), "{file} cites a section");
    }
}

#[test]
fn the_current_law_is_named_and_marked_for_the_regions_lawyer() {
    let all = load_dir(&content_dir()).unwrap();
    for c in &all {
        for level in &c.levels {
            for a in &level.actions {
                if a.sv.contains("2025:400") || a.sv.contains("1990:52") {
                    assert!(
                        a.sv.contains("bekräftas av regionens jurist"),
                        "{}: level '{}': {}",
                        c.id,
                        level.id,
                        a.sv
                    );
                    let en = a.en.as_deref().unwrap();
                    assert!(
                        en.contains("confirmed by the region's lawyer"),
                        "{}: {en}",
                        c.id
                    );
                }
            }
        }
    }
}

fn level_says(c: &Checklist, level: &str, needles: &[&str]) -> bool {
    c.level(level)
        .unwrap()
        .actions
        .iter()
        .any(|a| needles.iter().all(|n| a.sv.contains(n)))
}

#[test]
fn the_honour_acute_level_has_the_exit_ban_and_a_concern_report_for_under_18s() {
    let c = shipped("honour");
    let acute = c.levels.iter().rev().find(|l| l.acute).unwrap();
    assert_eq!(acute.id, "acute");
    assert!(acute.actions[0].sv.contains("112"));
    assert!(
        level_says(
            &c,
            "acute",
            &["utreseförbud", "LVU", "(1990:52)", "under 18"]
        ),
        "exit ban"
    );
    assert!(
        level_says(
            &c,
            "acute",
            &["under 18", "orosanmälan", "socialtjänstlagen (2025:400)"]
        ),
        "concern report for under-18s"
    );
    for level in ["concern", "high"] {
        assert!(
            level_says(&c, level, &["under 18", "orosanmälan"]),
            "{level}"
        );
    }
    assert!(acute
        .actions
        .iter()
        .any(|a| a.en.as_deref().unwrap().contains("exit ban")));
}

#[test]
fn the_adult_checklist_reports_concern_when_children_are_involved() {
    let c = shipped("adult-risk");
    for level in ["elevated", "high", "acute"] {
        assert!(
            level_says(&c, level, &["barn under 18", "orosanmälan", "(2025:400)"]),
            "{level}"
        );
    }
    // Whether there are children is a key question.
    assert!(c.is_key("children_count"));
}

#[test]
fn the_perpetrator_checklist_never_tells_of_a_report_unless_it_is_safe() {
    let c = shipped("perpetrator");
    for level in &c.levels {
        for a in &level.actions {
            let sv = a.sv.to_lowercase();
            assert!(
                !sv.contains("berätta för personen att du gör det"),
                "{}",
                a.sv
            );
            if sv.contains("anmälan") {
                assert!(
                    sv.contains("berätta inte") && sv.contains("säkert"),
                    "level '{}': a report without the safety condition: {}",
                    level.id,
                    a.sv
                );
                let en = a.en.as_deref().unwrap().to_lowercase();
                assert!(en.contains("do not tell") && en.contains("safe"), "{en}");
            }
        }
    }
    // The children's checklist says the same of the adults it may tell.
    let kids = shipped("children");
    assert!(kids
        .levels
        .iter()
        .flat_map(|l| &l.actions)
        .all(|a| { !a.sv.contains("Berätta för den vuxna att du gör en anmälan") }));
}

#[test]
fn every_shipped_checklist_has_key_items_acute_top_levels_and_red_flag_texts() {
    for c in load_dir(&content_dir()).unwrap() {
        assert!(c.example, "{}: still marked as an example", c.id);
        assert!(!c.key_items.is_empty(), "{}", c.id);
        if c.kind != ChecklistKind::Routine {
            let top = c.levels.last().unwrap();
            assert!(top.acute, "{}: top level not acute", c.id);
            assert!(top.actions[0].sv.contains("112"), "{}", c.id);
        }
        for item in c.items() {
            if item.red_flag.is_some() {
                assert!(
                    item.red_flag_text.as_ref().is_some_and(|t| t.en.is_some()),
                    "{}: item '{}' has a red flag without a display text",
                    c.id,
                    item.id
                );
            }
        }
        // Nothing answered: never the lowest level.
        let e = evaluate(&c, &Answers::new(), None).unwrap();
        assert!(e.not_assessed, "{}: {}", c.id, e.level);
        assert_ne!(e.level, c.levels[0].id);
    }
}
