use super::*;
use crate::model::Text;
use crate::vocab::{Group, Need};
use proptest::prelude::*;
use serde_json::json;

pub(super) const BASE: &str = r#"
id = "adult"
version = 2
kind = "screening"
subject = "adult_victim"
key_items = ["hit", "strangled"]
title = { sv = "Bedömning", en = "Assessment" }
description = { sv = "Beskrivning", en = "Description" }
example = true
notice = { sv = "Exempel skrivet av Fyr-teamet", en = "Example by the Fyr team" }

[instrument]
name = "Fyr-exempel"
publisher = "Fyr-teamet"
licensed = false

[[levels]]
id = "low"
label = { sv = "Låg", en = "Low" }
actions = [{ sv = "Ge information om stöd.", en = "Give information about support." }]
referrals = [{ needs = ["counselling"], groups = ["women"] }]

[[levels]]
id = "high"
label = { sv = "Hög", en = "High" }
actions = [{ sv = "Gör en säkerhetsplan." }]
referrals = [{ needs = ["protected_housing"] }]
leads_to = "children"

[[levels]]
id = "acute"
label = { sv = "Akut", en = "Acute" }
actions = [{ sv = "Ring 112." }]
referrals = [{ needs = ["acute_danger"] }]
include_24_7 = true
acute = true

[scoring]
method = "weighted_sum"
thresholds = [{ level = "high", min_score = 3 }, { level = "acute", min_score = 6 }]

[override]
allowed = true
requires_reason = true

[[sections]]
id = "violence"
title = { sv = "Våld" }

[[sections.items]]
id = "hit"
text = { sv = "Har du blivit slagen?", en = "Have you been hit?" }
type = "yes_no"
weight = 1

[[sections.items]]
id = "strangled"
text = { sv = "Har hen tagit struptag på dig?" }
type = "yes_no"
weight = 2
red_flag = "acute"
show_if = { item = "hit", equals = "yes" }

[[sections.items]]
id = "frequency"
text = { sv = "Hur ofta?" }
type = "choice"
choices = [
  { id = "once", label = { sv = "En gång" }, weight = 0 },
  { id = "sometimes", label = { sv = "Ibland" }, weight = 1 },
  { id = "often", label = { sv = "Ofta" }, weight = 2, red_flag = "high" },
]

[[sections]]
id = "household"
title = { sv = "Hushållet" }

[[sections.items]]
id = "children"
text = { sv = "Hur många barn bor hemma?" }
type = "number"
min = 0
max = 20

[[sections.items]]
id = "children_witness"
text = { sv = "Har barnen sett eller hört våldet?" }
type = "yes_no"
weight = 1
show_if = { item = "children", at_least = 1 }
leads_to = "children"
"#;

pub(super) fn base() -> Checklist {
    Checklist::from_toml("adult.toml", BASE).unwrap_or_else(|e| panic!("{e:?}"))
}

pub(super) fn answers(pairs: &[(&str, Answer)]) -> Answers {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.clone()))
        .collect()
}

/// The problems reported for `c`, as display strings.
pub(super) fn problems(c: &Checklist) -> Vec<String> {
    c.validate("adult.toml")
        .unwrap_err()
        .iter()
        .map(|e| e.to_string())
        .collect()
}

pub(super) fn assert_reports(c: &Checklist, needle: &str) {
    let ps = problems(c);
    assert!(
        ps.iter().any(|p| p.contains(needle)),
        "expected a problem containing {needle:?}, got {ps:#?}"
    );
}

pub(super) fn item_mut<'a>(c: &'a mut Checklist, id: &str) -> &'a mut Item {
    c.sections
        .iter_mut()
        .flat_map(|s| s.items.iter_mut())
        .find(|i| i.id == id)
        .unwrap()
}

// ---- format ----

#[test]
fn parses_toml_and_round_trips_as_json() {
    let c = base();
    assert_eq!(c.kind, ChecklistKind::Screening);
    assert_eq!(
        c.items().map(|i| i.id.as_str()).collect::<Vec<_>>(),
        [
            "hit",
            "strangled",
            "frequency",
            "children",
            "children_witness"
        ]
    );
    assert_eq!(c.item("frequency").unwrap().choices.len(), 3);
    assert_eq!(c.level_index("acute"), Some(2));
    assert_eq!(c.level_index("none"), None);
    assert_eq!(
        c.levels[0].referrals[0],
        ReferralQuery {
            needs: vec![Need::Counselling],
            groups: vec![Group::Women],
            forms: vec![]
        }
    );
    assert!(matches!(c.scoring, Scoring::WeightedSum { .. }));
    assert!(c.override_policy.allowed);
    let json = c.to_json();
    let again = Checklist::from_json("feed.json", &json).unwrap();
    assert_eq!(again, c);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["scoring"]["method"], "weighted_sum");
    assert_eq!(v["sections"][0]["items"][0]["type"], "yes_no");
    assert_eq!(v["override"]["allowed"], true);
}

#[test]
fn subject_is_required_and_validated() {
    let c = base();
    assert_eq!(c.subject, Subject::AdultVictim);
    let v: serde_json::Value = serde_json::from_str(&c.to_json()).unwrap();
    assert_eq!(v["subject"], "adult_victim");
    for s in Subject::ALL {
        assert_eq!(Subject::parse(s.id()), Some(s));
        assert_eq!(serde_json::to_value(s).unwrap(), s.id());
    }
    // Missing: refused, naming the file and the field.
    let errs = Checklist::from_toml(
        "adult.toml",
        &BASE.replace("subject = \"adult_victim\"\n", ""),
    )
    .unwrap_err();
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert!(
        errs[0]
            .to_string()
            .starts_with("adult.toml: invalid checklist: missing field `subject`"),
        "{}",
        errs[0]
    );
    // Unknown: refused, naming the value and the allowed ones.
    let errs = Checklist::from_toml(
        "adult.toml",
        &BASE.replace("subject = \"adult_victim\"", "subject = \"victim\""),
    )
    .unwrap_err();
    let shown = errs[0].to_string();
    assert!(
        shown.starts_with("adult.toml: invalid checklist: unknown variant `victim`")
            && shown.contains("adult_victim"),
        "{shown}"
    );
    // The same from a feed (JSON).
    let mut v = v;
    v.as_object_mut().unwrap().remove("subject");
    let errs = Checklist::from_value("feed:checklist/adult", v).unwrap_err();
    assert!(
        errs[0].to_string().contains("missing field `subject`"),
        "{}",
        errs[0]
    );
}

#[test]
fn subject_must_fit_the_kind() {
    let mut c = base();
    c.subject = Subject::Perpetrator;
    assert_reports(
        &c,
        "adult.toml: subject 'perpetrator' does not fit kind 'screening'",
    );
    c.kind = ChecklistKind::Perpetrator;
    assert!(c.validate("adult.toml").is_ok());
    c.subject = Subject::AdultVictim;
    assert_reports(&c, "subject 'adult_victim' does not fit kind 'perpetrator'");
    c.kind = ChecklistKind::Children;
    assert_reports(&c, "subject 'adult_victim' does not fit kind 'children'");
    c.subject = Subject::Child;
    assert!(c.validate("adult.toml").is_ok());
    c.kind = ChecklistKind::Other;
    for s in Subject::ALL {
        c.subject = s;
        assert!(c.validate("adult.toml").is_ok(), "{s:?}");
    }
}

#[test]
fn shipped_checklists_name_their_subject() {
    let all = load_dir(&content_dir()).unwrap();
    let subject = |id: &str| all.iter().find(|c| c.id == id).unwrap().subject;
    assert_eq!(subject("routine"), Subject::Any);
    assert_eq!(subject("adult-risk"), Subject::AdultVictim);
    assert_eq!(subject("children"), Subject::Child);
    assert_eq!(subject("perpetrator"), Subject::Perpetrator);
    // A young person is taken on to the children's checklist (subject child).
    assert_eq!(subject("honour"), Subject::AdultVictim);
}

#[test]
fn example_notice_is_shown() {
    let mut c = base();
    assert_eq!(c.notice_text().unwrap().sv, "Exempel skrivet av Fyr-teamet");
    c.notice = None;
    assert!(c
        .notice_text()
        .unwrap()
        .sv
        .contains("ersätts av det instrument regionen har beslutat om"));
    c.example = false;
    assert_eq!(c.notice_text(), None);
}

#[test]
fn answers_file_format() {
    let a: Answers = serde_json::from_value(json!({"hit": "yes", "strangled": "no", "x": "unknown", "frequency": "often", "children": 2})).unwrap();
    assert_eq!(a["hit"], Answer::Yes);
    assert_eq!(a["strangled"], Answer::No);
    assert_eq!(a["x"], Answer::Unknown);
    assert_eq!(a["frequency"], Answer::Choice("often".into()));
    assert_eq!(a["children"], Answer::Number(2.0));
    let back = serde_json::to_value(&a).unwrap();
    assert_eq!(back["frequency"], "often");
    assert_eq!(back["children"], 2.0);
    assert!(serde_json::from_value::<Answer>(json!(true)).is_err());
}

#[test]
fn parse_answer_checks_the_type_and_names_the_item() {
    let c = base();
    let hit = c.item("hit").unwrap();
    assert_eq!(parse_answer(hit, &json!("yes")), Ok(Answer::Yes));
    assert_eq!(parse_answer(hit, &json!("unknown")), Ok(Answer::Unknown));
    assert_eq!(
        parse_answer(hit, &json!(3)).unwrap_err(),
        "item 'hit' expects yes/no/unknown, got 3"
    );
    assert_eq!(
        parse_answer(hit, &json!("often")).unwrap_err(),
        "item 'hit' expects yes/no/unknown, got \"often\""
    );
    assert_eq!(
        parse_answer(hit, &json!(true)).unwrap_err(),
        "item 'hit' expects yes/no/unknown, got true"
    );
    let freq = c.item("frequency").unwrap();
    assert_eq!(
        parse_answer(freq, &json!("often")),
        Ok(Answer::Choice("often".into()))
    );
    assert_eq!(
        parse_answer(freq, &json!("never")).unwrap_err(),
        "item 'frequency' expects one of once/sometimes/often/unknown, got \"never\""
    );
    assert!(parse_answer(freq, &json!("yes"))
        .unwrap_err()
        .contains("item 'frequency'"));
    let kids = c.item("children").unwrap();
    assert_eq!(parse_answer(kids, &json!(2)), Ok(Answer::Number(2.0)));
    assert_eq!(
        parse_answer(kids, &json!(21)).unwrap_err(),
        "item 'children' expects a number from 0 to 20, got 21"
    );
    assert!(parse_answer(kids, &json!("yes"))
        .unwrap_err()
        .starts_with("item 'children' expects a number from 0 to 20 or unknown"));
}

#[test]
fn answers_file_is_read_against_the_checklist() {
    let c = base();
    let a = parse_answers_json(&c, &json!({"answers": {"hit": "yes", "frequency": "often", "children": 1, "strangled": "unknown"}})).unwrap();
    assert_eq!(a.len(), 4);
    assert_eq!(a["frequency"], Answer::Choice("often".into()));
    let mut errs = parse_answers_json(
        &c,
        &json!({"answers": {"hit": 3, "weapon": "yes", "frequency": "never"}}),
    )
    .unwrap_err();
    errs.sort();
    assert_eq!(
        errs,
        [
            "item 'frequency' expects one of once/sometimes/often/unknown, got \"never\"",
            "item 'hit' expects yes/no/unknown, got 3",
            "item 'weapon' is not in checklist 'adult'",
        ]
    );
    assert!(parse_answers_json(&c, &json!({"hit": "yes"})).is_err());
}

#[test]
fn typed_answers_accept_swedish_and_english() {
    let c = base();
    let hit = c.item("hit").unwrap();
    assert_eq!(parse_answer_text(hit, " Ja "), Ok(Answer::Yes));
    assert_eq!(parse_answer_text(hit, "n"), Ok(Answer::No));
    assert_eq!(parse_answer_text(hit, "vet ej"), Ok(Answer::Unknown));
    assert_eq!(
        parse_answer_text(hit, "kanske").unwrap_err(),
        "item 'hit' expects yes/no/unknown, got \"kanske\""
    );
    assert!(parse_answer_text(hit, "")
        .unwrap_err()
        .contains("got nothing"));
    let freq = c.item("frequency").unwrap();
    assert_eq!(
        parse_answer_text(freq, "3"),
        Ok(Answer::Choice("often".into()))
    );
    assert_eq!(
        parse_answer_text(freq, "Once"),
        Ok(Answer::Choice("once".into()))
    );
    assert!(parse_answer_text(freq, "4").is_err());
    let kids = c.item("children").unwrap();
    assert_eq!(parse_answer_text(kids, "2"), Ok(Answer::Number(2.0)));
    assert_eq!(parse_answer_text(kids, "1,5"), Ok(Answer::Number(1.5)));
    assert!(parse_answer_text(kids, "21")
        .unwrap_err()
        .contains("from 0 to 20"));
    assert!(parse_answer_text(kids, "två").is_err());
}

#[test]
fn a_new_version_supersedes_an_older_one_of_the_same_id() {
    let old = base();
    let mut new = base();
    assert!(!new.supersedes(&old));
    new.version = 3;
    assert!(new.supersedes(&old));
    assert!(!old.supersedes(&new));
    new.id = "other".into();
    assert!(!new.supersedes(&old));
}

// ---- validation: each rule ----

#[test]
fn error_display_names_file_and_item() {
    let e = ChecklistError::new(
        "content/checklists/adult.toml",
        Some("weapon".into()),
        "show_if refers to later item 'threats'".into(),
    );
    assert_eq!(
        e.to_string(),
        "content/checklists/adult.toml: item 'weapon': show_if refers to later item 'threats'"
    );
    let e = ChecklistError::new("a.toml", None, "version must be at least 1, got 0".into());
    assert_eq!(e.to_string(), "a.toml: version must be at least 1, got 0");
}

#[test]
fn rejects_duplicate_ids() {
    let mut c = base();
    let dup = c.sections[0].items[0].clone();
    c.sections[1].items.push(dup);
    assert_reports(&c, "adult.toml: item 'hit': duplicate item id");

    let mut c = base();
    let s = c.sections[0].clone();
    c.sections.push(s);
    assert_reports(&c, "section 'violence': duplicate section id");

    let mut c = base();
    let l = c.levels[0].clone();
    c.levels.push(l);
    assert_reports(&c, "level 'low': duplicate level id");

    let mut c = base();
    let ch = item_mut(&mut c, "frequency").choices[0].clone();
    item_mut(&mut c, "frequency").choices.push(ch);
    assert_reports(&c, "item 'frequency': choice 'once': duplicate choice id");
}

#[test]
fn rejects_show_if_to_later_unknown_or_mismatched_items() {
    let mut c = base();
    item_mut(&mut c, "hit").show_if = Some(ShowIf {
        item: "frequency".into(),
        equals: Some("often".into()),
        at_least: None,
    });
    assert_reports(
        &c,
        "adult.toml: item 'hit': show_if refers to later item 'frequency'",
    );

    let mut c = base();
    item_mut(&mut c, "strangled").show_if = Some(ShowIf {
        item: "ghost".into(),
        equals: Some("yes".into()),
        at_least: None,
    });
    assert_reports(
        &c,
        "item 'strangled': show_if refers to unknown item 'ghost'",
    );

    let mut c = base();
    item_mut(&mut c, "strangled").show_if = Some(ShowIf {
        item: "hit".into(),
        equals: Some("often".into()),
        at_least: None,
    });
    assert_reports(&c, "item 'hit' is yes/no, cannot equal 'often'");

    let mut c = base();
    item_mut(&mut c, "children_witness").show_if = Some(ShowIf {
        item: "hit".into(),
        equals: None,
        at_least: Some(1.0),
    });
    assert_reports(&c, "at_least needs a number item");

    let mut c = base();
    item_mut(&mut c, "children_witness").show_if = Some(ShowIf {
        item: "children".into(),
        equals: None,
        at_least: None,
    });
    assert_reports(&c, "exactly one of 'equals' and 'at_least'");
}

#[test]
fn rejects_unknown_levels() {
    let mut c = base();
    item_mut(&mut c, "strangled").red_flag = Some("extreme".into());
    assert_reports(
        &c,
        "item 'strangled': red_flag names unknown level 'extreme'",
    );

    let mut c = base();
    item_mut(&mut c, "frequency").choices[2].red_flag = Some("extreme".into());
    assert_reports(
        &c,
        "item 'frequency': choice 'often': red_flag names unknown level 'extreme'",
    );

    let mut c = base();
    c.scoring = Scoring::WeightedSum {
        thresholds: vec![Threshold {
            level: "medium".into(),
            min_score: 2.0,
        }],
    };
    assert_reports(&c, "threshold names unknown level 'medium'");

    let mut c = base();
    c.override_policy.levels = vec!["highest".into()];
    assert_reports(&c, "override: names unknown level 'highest'");
}

#[test]
fn rejects_missing_swedish_text() {
    let mut c = base();
    c.title.sv = "  ".into();
    item_mut(&mut c, "hit").text = Text {
        sv: String::new(),
        en: Some("Hit?".into()),
    };
    item_mut(&mut c, "frequency").choices[0].label.sv.clear();
    c.levels[1].actions[0].sv.clear();
    c.sections[1].title.sv.clear();
    let ps = problems(&c);
    for needle in [
        "adult.toml: title: Swedish text (sv) is missing",
        "item 'hit': text: Swedish text (sv) is missing",
        "item 'frequency': choice 'once': label: Swedish text (sv) is missing",
        "level 'high': action 1: Swedish text (sv) is missing",
        "section 'household': title: Swedish text (sv) is missing",
    ] {
        assert!(
            ps.iter().any(|p| p.contains(needle)),
            "{needle} not in {ps:#?}"
        );
    }
}

#[test]
fn rejects_unordered_thresholds() {
    let mut c = base();
    c.scoring = Scoring::WeightedSum {
        thresholds: vec![
            Threshold {
                level: "high".into(),
                min_score: 5.0,
            },
            Threshold {
                level: "acute".into(),
                min_score: 5.0,
            },
        ],
    };
    assert_reports(
        &c,
        "thresholds out of order: 'acute' needs min_score 5 greater than 5 of 'high'",
    );

    let mut c = base();
    c.scoring = Scoring::CountYes {
        thresholds: vec![
            Threshold {
                level: "acute".into(),
                min_score: 2.0,
            },
            Threshold {
                level: "high".into(),
                min_score: 4.0,
            },
        ],
    };
    assert_reports(&c, "thresholds out of order: 'high' comes after 'acute'");
}

#[test]
fn rejects_a_level_without_outcome() {
    let mut c = base();
    c.levels[1].actions.clear();
    c.levels[1].referrals.clear();
    assert_reports(
        &c,
        "level 'high': has no outcome (neither actions nor referrals)",
    );
}

#[test]
fn rejects_unknown_vocabulary_and_reports_every_bad_id() {
    let text = BASE
        .replace(
            r#"needs = ["counselling"], groups = ["women"]"#,
            r#"needs = ["counseling", "talk_now"], groups = ["wimmin"], forms = ["verbal"]"#,
        )
        .replace(r#"needs = ["protected_housing"]"#, r#"needs = ["shelter"]"#);
    let errs: Vec<String> = Checklist::from_toml("adult.toml", &text)
        .unwrap_err()
        .iter()
        .map(|e| e.to_string())
        .collect();
    assert_eq!(
        errs,
        [
            "adult.toml: level 'low': referral 1: unknown need 'counseling'",
            "adult.toml: level 'low': referral 1: unknown group 'wimmin'",
            "adult.toml: level 'low': referral 1: unknown form 'verbal'",
            "adult.toml: level 'high': referral 1: unknown need 'shelter'",
            "adult.toml: level 'high': referral 1 is empty (no needs, groups or forms)",
        ]
    );
}

#[test]
fn rejects_choice_item_without_choices() {
    let mut c = base();
    item_mut(&mut c, "frequency").choices.clear();
    assert_reports(&c, "item 'frequency': choice item has no choices");
}

#[test]
fn rejects_reserved_choice_ids() {
    let mut c = base();
    item_mut(&mut c, "frequency").choices[0].id = "unknown".into();
    assert_reports(
        &c,
        "choice 'unknown': the ids yes, no and unknown are reserved",
    );
}

#[test]
fn rejects_number_with_min_above_max() {
    let mut c = base();
    item_mut(&mut c, "children").min = Some(5.0);
    item_mut(&mut c, "children").max = Some(2.0);
    assert_reports(&c, "item 'children': min 5 is greater than max 2");
}

#[test]
fn rejects_leads_to_itself() {
    let mut c = base();
    c.levels[1].leads_to = Some("adult".into());
    item_mut(&mut c, "hit").leads_to = Some("adult".into());
    let ps = problems(&c);
    assert!(
        ps.contains(
            &"adult.toml: level 'high': leads_to points to the checklist itself".to_string()
        ),
        "{ps:#?}"
    );
    assert!(
        ps.contains(&"adult.toml: item 'hit': leads_to points to the checklist itself".to_string()),
        "{ps:#?}"
    );
}

#[test]
fn a_licensed_instrument_names_its_licence() {
    let mut c = base();
    let inst = c.instrument.as_mut().unwrap();
    inst.licensed = true;
    inst.license = None;
    assert_reports(
        &c,
        "adult.toml: instrument: a licensed instrument must name its license",
    );
}

#[test]
fn rejects_version_below_one() {
    let mut c = base();
    c.version = 0;
    assert_reports(&c, "adult.toml: version must be at least 1, got 0");
}

#[test]
fn reports_all_errors_not_just_the_first() {
    let mut c = base();
    c.version = -1;
    c.levels[0].actions.clear();
    c.levels[0].referrals.clear();
    item_mut(&mut c, "frequency").choices.clear();
    item_mut(&mut c, "children").min = Some(9.0);
    item_mut(&mut c, "children").max = Some(1.0);
    assert_eq!(problems(&c).len(), 4, "{:#?}", problems(&c));
}

#[test]
fn toml_syntax_and_shape_errors_name_the_file() {
    let errs = Checklist::from_toml("bad.toml", "id = ").unwrap_err();
    assert!(
        errs[0].to_string().starts_with("bad.toml: not valid TOML"),
        "{}",
        errs[0]
    );
    let errs = Checklist::from_toml(
        "bad.toml",
        &BASE.replace("type = \"number\"", "type = \"slider\""),
    )
    .unwrap_err();
    assert!(errs[0].to_string().contains("slider"), "{}", errs[0]);
}

#[test]
fn unknown_fields_and_bad_shapes_name_the_item_or_level() {
    let text = BASE
        .replace(
            "red_flag = \"acute\"\nshow_if",
            "red_flags = \"acute\"\nshow_if",
        )
        .replace("include_24_7 = true", "include_247 = true");
    let errs: Vec<String> = Checklist::from_toml("adult.toml", &text)
        .unwrap_err()
        .iter()
        .map(|e| e.to_string())
        .collect();
    assert_eq!(errs.len(), 2, "{errs:#?}");
    assert!(
        errs[0].starts_with("adult.toml: level 'acute': unknown field `include_247`"),
        "{errs:#?}"
    );
    assert!(
        errs[1].starts_with("adult.toml: item 'strangled': unknown field `red_flags`"),
        "{errs:#?}"
    );
    let errs = Checklist::from_toml(
        "adult.toml",
        &BASE.replace("method = \"weighted_sum\"", "method = \"average\""),
    )
    .unwrap_err();
    assert_eq!(errs.len(), 1);
    assert!(
        errs[0]
            .to_string()
            .starts_with("adult.toml: invalid checklist: unknown variant `average`"),
        "{}",
        errs[0]
    );
    let errs =
        Checklist::from_toml("adult.toml", &BASE.replace("version = 2", "versio = 2")).unwrap_err();
    assert!(errs[0].to_string().contains("versio"), "{}", errs[0]);
}

#[test]
fn set_validation_checks_leads_to_targets_and_duplicate_ids() {
    let c = base();
    let errs = validate_set(&[("adult.toml".into(), c.clone())]).unwrap_err();
    let shown: Vec<String> = errs.iter().map(|e| e.to_string()).collect();
    assert!(
        shown.contains(
            &"adult.toml: level 'high': leads_to names unknown checklist 'children'".to_string()
        ),
        "{shown:#?}"
    );
    assert!(shown.contains(
        &"adult.toml: item 'children_witness': leads_to names unknown checklist 'children'"
            .to_string()
    ));
    let mut kids = c.clone();
    kids.id = "children".into();
    kids.levels[1].leads_to = None;
    item_mut(&mut kids, "children_witness").leads_to = None;
    assert!(validate_set(&[
        ("adult.toml".into(), c.clone()),
        ("children.toml".into(), kids.clone())
    ])
    .is_ok());
    let errs =
        validate_set(&[("a.toml".into(), kids.clone()), ("b.toml".into(), kids)]).unwrap_err();
    assert_eq!(
        errs[0].to_string(),
        "b.toml: checklist id 'children' is also used by a.toml"
    );
}

// ---- engine ----

#[test]
fn no_answers_is_not_assessed_and_everything_unanswered() {
    let c = base();
    let e = evaluate(&c, &Answers::new(), None).unwrap();
    assert_eq!(e.level, NOT_ASSESSED);
    assert!(e.not_assessed);
    assert_eq!(e.missing_key, ["hit"]);
    assert_eq!(e.level_index, 0);
    assert_eq!(e.visible, ["hit", "frequency", "children"]);
    assert_eq!(e.unanswered, 3);
    assert!(e.incomplete);
    assert_eq!(e.actions, not_assessed_actions());
    assert!(e.include_24_7 && !e.override_used && !e.acute);
    assert!(e.leads_to.is_empty());
    // The key question answered no: the lowest level, with its own outcome.
    let e = evaluate(&c, &answers(&[("hit", Answer::No)]), None).unwrap();
    assert_eq!(e.level, "low");
    assert!(!e.not_assessed && e.missing_key.is_empty());
    assert_eq!(e.actions, c.levels[0].actions);
    assert!(!e.include_24_7);
}

#[test]
fn score_reaches_thresholds() {
    let c = base();
    let a = answers(&[
        ("hit", Answer::Yes),
        ("strangled", Answer::No),
        ("frequency", Answer::Choice("sometimes".into())),
        ("children", Answer::Number(0.0)),
    ]);
    let e = evaluate(&c, &a, None).unwrap();
    assert_eq!(e.score, 2.0);
    assert_eq!(e.level, "low");
    assert!(!e.incomplete);
    let a = answers(&[
        ("hit", Answer::Yes),
        ("children", Answer::Number(2.0)),
        ("children_witness", Answer::Yes),
        ("frequency", Answer::Choice("sometimes".into())),
    ]);
    let e = evaluate(&c, &a, None).unwrap();
    assert_eq!(e.score, 3.0);
    assert_eq!(e.level, "high");
    assert_eq!(e.score_level, "high");
    assert_eq!(
        e.referrals,
        vec![ReferralQuery {
            needs: vec![Need::ProtectedHousing],
            ..Default::default()
        }]
    );
    // The level's and the answer's leads_to, without repeats.
    assert_eq!(e.leads_to, ["children"]);
    assert_eq!(e.unanswered, 1); // strangled
}

#[test]
fn red_flags_lift_the_level_whatever_the_score() {
    let c = base();
    let e = evaluate(
        &c,
        &answers(&[("hit", Answer::Yes), ("strangled", Answer::Yes)]),
        None,
    )
    .unwrap();
    assert_eq!(e.score, 3.0);
    assert_eq!(e.score_level, "high");
    assert_eq!(e.level, "acute");
    assert_eq!(
        e.red_flags,
        vec![RedFlagHit {
            item: "strangled".into(),
            level: "acute".into(),
            // No red_flag_text: the question is shown, never the id.
            text: Text::new("Har hen tagit struptag på dig?", ""),
        }]
    );
    assert!(e.include_24_7);
    let e = evaluate(
        &c,
        &answers(&[("frequency", Answer::Choice("often".into()))]),
        None,
    )
    .unwrap();
    assert_eq!((e.score_level.as_str(), e.level.as_str()), ("low", "high"));
}

#[test]
fn hidden_answers_are_dropped() {
    let c = base();
    // "strangled" is only shown after a yes to "hit".
    let e = evaluate(
        &c,
        &answers(&[("hit", Answer::No), ("strangled", Answer::Yes)]),
        None,
    )
    .unwrap();
    assert_eq!(e.level, "low");
    assert!(e.red_flags.is_empty());
    assert!(!e.visible.contains(&"strangled".to_string()));
    let e = evaluate(
        &c,
        &answers(&[
            ("children", Answer::Number(0.0)),
            ("children_witness", Answer::Yes),
        ]),
        None,
    )
    .unwrap();
    assert_eq!(e.score, 0.0);
    assert!(e.leads_to.is_empty());
}

#[test]
fn unknown_items_and_wrong_types_are_errors() {
    let c = base();
    assert_eq!(
        evaluate(&c, &answers(&[("weapon", Answer::Yes)]), None)
            .unwrap_err()
            .to_string(),
        "checklist 'adult' has no item 'weapon'"
    );
    assert_eq!(
        evaluate(&c, &answers(&[("hit", Answer::Number(3.0))]), None)
            .unwrap_err()
            .to_string(),
        "item 'hit' expects yes/no/unknown, got 3"
    );
    assert!(matches!(
        evaluate(
            &c,
            &answers(&[("frequency", Answer::Choice("never".into()))]),
            None
        ),
        Err(EngineError::WrongAnswer(_))
    ));
    assert!(matches!(
        evaluate(&c, &answers(&[("children", Answer::Number(-1.0))]), None),
        Err(EngineError::WrongAnswer(_))
    ));
}

#[test]
fn override_raises_with_a_reason_and_never_lowers() {
    let c = base();
    let ov = |level: &str, reason: &str| Override {
        level: level.into(),
        reason: reason.into(),
    };
    let e = evaluate(
        &c,
        &Answers::new(),
        Some(&ov("high", "Hon är mycket rädd.")),
    )
    .unwrap();
    assert_eq!(
        (e.level.as_str(), e.score_level.as_str(), e.override_used),
        ("high", "low", true)
    );
    assert_eq!(e.actions, c.levels[1].actions);
    let flagged = answers(&[("hit", Answer::Yes), ("strangled", Answer::Yes)]);
    assert_eq!(
        evaluate(&c, &flagged, Some(&ov("high", "skäl"))),
        Err(EngineError::OverrideLowers {
            level: "high".into(),
            computed: "acute".into()
        })
    );
    assert!(matches!(
        evaluate(&c, &Answers::new(), Some(&ov("max", "skäl"))),
        Err(EngineError::UnknownLevel { .. })
    ));
    assert_eq!(
        evaluate(&c, &Answers::new(), Some(&ov("high", "  "))),
        Err(EngineError::OverrideWithoutReason("high".into()))
    );
    let mut strict = c.clone();
    strict.override_policy.allowed = false;
    assert!(matches!(
        evaluate(&strict, &Answers::new(), Some(&ov("high", "skäl"))),
        Err(EngineError::OverrideNotAllowed(_))
    ));
    let mut no_reason = c.clone();
    no_reason.override_policy.requires_reason = false;
    assert_eq!(
        evaluate(&no_reason, &Answers::new(), Some(&ov("acute", "")))
            .unwrap()
            .level,
        "acute"
    );
}

#[test]
fn count_yes_scoring() {
    let mut c = base();
    c.scoring = Scoring::CountYes {
        thresholds: vec![Threshold {
            level: "high".into(),
            min_score: 2.0,
        }],
    };
    let e = evaluate(
        &c,
        &answers(&[
            ("hit", Answer::Yes),
            ("frequency", Answer::Choice("sometimes".into())),
            ("children", Answer::Number(3.0)),
        ]),
        None,
    )
    .unwrap();
    assert_eq!(e.score, 2.0);
    assert_eq!(e.level, "high");
    let e = evaluate(
        &c,
        &answers(&[
            ("hit", Answer::Yes),
            ("strangled", Answer::No),
            ("frequency", Answer::Choice("once".into())),
        ]),
        None,
    )
    .unwrap();
    assert_eq!((e.score, e.level.as_str()), (1.0, "low"));
}

#[test]
fn unknown_counts_as_unanswered() {
    let c = base();
    let e = evaluate(
        &c,
        &answers(&[
            ("hit", Answer::Unknown),
            ("frequency", Answer::Unknown),
            ("children", Answer::Number(1.0)),
        ]),
        None,
    )
    .unwrap();
    assert_eq!(
        e.visible,
        ["hit", "frequency", "children", "children_witness"]
    );
    assert_eq!(e.unanswered, 3);
}

// ---- properties ----

/// A generated checklist of yes/no items with non-negative weights, random
/// red flags and show_if links to earlier items.
fn arb_checklist() -> impl Strategy<Value = Checklist> {
    let item = (
        0u8..5,
        proptest::option::of(0usize..3),
        proptest::option::of((any::<prop::sample::Index>(), any::<bool>())),
    );
    (prop::collection::vec(item, 1..10), 0u8..4, 1u8..4).prop_map(|(items, t1, step)| {
        let mut c = base();
        c.sections.truncate(1);
        c.key_items = vec!["q0".into()];
        c.levels[1].leads_to = None;
        c.scoring = Scoring::WeightedSum {
            thresholds: vec![
                Threshold {
                    level: "high".into(),
                    min_score: f64::from(t1),
                },
                Threshold {
                    level: "acute".into(),
                    min_score: f64::from(t1 + step),
                },
            ],
        };
        let levels = ["low", "high", "acute"];
        c.sections[0].items = items
            .iter()
            .enumerate()
            .map(|(i, (w, flag, show))| Item {
                id: format!("q{i}"),
                text: Text::new(format!("Fråga {i}"), ""),
                help: None,
                answer_type: AnswerType::YesNo,
                choices: vec![],
                min: None,
                max: None,
                weight: f64::from(*w),
                red_flag: flag.map(|l| levels[l].to_string()),
                red_flag_text: None,
                show_if: match show {
                    Some((idx, eq)) if i > 0 => Some(ShowIf {
                        item: format!("q{}", idx.index(i)),
                        equals: Some(if *eq { "yes" } else { "no" }.into()),
                        at_least: None,
                    }),
                    _ => None,
                },
                leads_to: None,
            })
            .collect();
        c.validate("gen.toml").unwrap();
        c
    })
}

fn arb_case() -> impl Strategy<Value = (Checklist, Vec<u8>)> {
    arb_checklist().prop_flat_map(|c| {
        let n = c.items().count();
        (Just(c), prop::collection::vec(0u8..4, n))
    })
}

/// 0 = no answer, 1 = yes, 2 = no, 3 = unknown.
fn to_answers(c: &Checklist, codes: &[u8]) -> Answers {
    c.items()
        .zip(codes)
        .filter_map(|(item, code)| {
            let a = match code {
                1 => Answer::Yes,
                2 => Answer::No,
                3 => Answer::Unknown,
                _ => return None,
            };
            Some((item.id.clone(), a))
        })
        .collect()
}

proptest! {
    #[test]
    fn adding_a_yes_never_lowers_the_level((c, codes) in arb_case(), pick in any::<prop::sample::Index>()) {
        // Items shown on a yes only: a yes can then reveal items, never hide any.
        let mut c = c;
        for item in c.sections[0].items.iter_mut() {
            if let Some(show) = item.show_if.as_mut() {
                show.equals = Some("yes".into());
            }
        }
        let a = to_answers(&c, &codes);
        let before = evaluate(&c, &a, None).unwrap();
        let target = c.sections[0].items[pick.index(codes.len())].id.clone();
        prop_assume!(!matches!(a.get(&target), Some(Answer::Yes | Answer::No)));
        let mut more = a.clone();
        more.insert(target, Answer::Yes);
        let after = evaluate(&c, &more, None).unwrap();
        prop_assert!(after.level_index >= before.level_index);
        prop_assert!(after.score >= before.score);
    }

    #[test]
    fn a_yes_to_an_item_nothing_depends_on_never_lowers((c, codes) in arb_case(), pick in any::<prop::sample::Index>()) {
        let a = to_answers(&c, &codes);
        let before = evaluate(&c, &a, None).unwrap();
        let target = c.sections[0].items[pick.index(codes.len())].id.clone();
        prop_assume!(!c.items().any(|i| i.show_if.as_ref().is_some_and(|s| s.item == target)));
        prop_assume!(!matches!(a.get(&target), Some(Answer::Yes)));
        let mut more = a.clone();
        more.insert(target, Answer::Yes);
        let after = evaluate(&c, &more, None).unwrap();
        prop_assert!(after.level_index >= before.level_index);
    }

    #[test]
    fn hidden_answers_change_nothing((c, codes) in arb_case()) {
        let a = to_answers(&c, &codes);
        let e = evaluate(&c, &a, None).unwrap();
        let visible_only: Answers = a.iter().filter(|(k, _)| e.visible.contains(k)).map(|(k, v)| (k.clone(), v.clone())).collect();
        prop_assert_eq!(evaluate(&c, &visible_only, None).unwrap(), e);
    }

    #[test]
    fn red_flags_are_a_floor((c, codes) in arb_case()) {
        let e = evaluate(&c, &to_answers(&c, &codes), None).unwrap();
        prop_assert!(e.level_index >= c.level_index(&e.score_level).unwrap());
        for hit in &e.red_flags {
            prop_assert!(e.level_index >= c.level_index(&hit.level).unwrap());
            prop_assert!(e.visible.contains(&hit.item));
        }
    }

    #[test]
    fn an_override_never_lowers((c, codes) in arb_case(), lvl in 0usize..3) {
        let a = to_answers(&c, &codes);
        let plain = evaluate(&c, &a, None).unwrap();
        let ov = Override { level: c.levels[lvl].id.clone(), reason: "bedömning".into() };
        match evaluate(&c, &a, Some(&ov)) {
            Ok(e) => {
                prop_assert!(e.level_index >= plain.level_index);
                prop_assert_eq!(e.level_index, lvl);
                prop_assert!(e.override_used);
            }
            Err(EngineError::OverrideLowers { .. }) => prop_assert!(lvl < plain.level_index),
            // "No raised risk" is never given with key questions unanswered.
            Err(EngineError::OverrideLowestNotAssessed { .. }) => prop_assert!(lvl == 0 && plain.not_assessed),
            Err(other) => prop_assert!(false, "unexpected {other}"),
        }
    }

    #[test]
    fn the_lowest_level_never_stands_with_key_items_unanswered((c, codes) in arb_case()) {
        let a = to_answers(&c, &codes);
        let e = evaluate(&c, &a, None).unwrap();
        let key_known = a.get("q0").is_some_and(Answer::is_known);
        prop_assert_eq!(e.missing_key.is_empty(), key_known);
        if !key_known {
            prop_assert_ne!(e.level.as_str(), "low");
        }
        prop_assert_eq!(e.not_assessed, e.level == NOT_ASSESSED);
        prop_assert_eq!(e.not_assessed, !key_known && e.level_index == 0);
        // The override picker offers exactly the levels an override may reach.
        for choice in override_levels(&c, &e) {
            let ov = Override { level: choice.id.clone(), reason: "bedömning".into() };
            prop_assert!(evaluate(&c, &a, Some(&ov)).is_ok(), "{}", choice.id);
        }
        for l in &c.levels {
            if !override_levels(&c, &e).iter().any(|x| x.id == l.id) {
                let ov = Override { level: l.id.clone(), reason: "bedömning".into() };
                let raised = evaluate(&c, &a, Some(&ov)).map(|x| x.level_index > e.level_index || (e.not_assessed && !x.not_assessed));
                prop_assert!(!matches!(raised, Ok(true)), "{} is reachable but not offered", l.id);
            }
        }
    }

    #[test]
    fn evaluation_is_deterministic((c, codes) in arb_case()) {
        let a = to_answers(&c, &codes);
        let one = evaluate(&c, &a, None).unwrap();
        let two = evaluate(&c.clone(), &a.clone(), None).unwrap();
        prop_assert_eq!(serde_json::to_string(&one).unwrap(), serde_json::to_string(&two).unwrap());
        prop_assert_eq!(one, two);
    }

    #[test]
    fn unanswered_plus_answered_is_visible((c, codes) in arb_case()) {
        let a = to_answers(&c, &codes);
        let e = evaluate(&c, &a, None).unwrap();
        let answered = e.visible.iter().filter(|id| a.get(*id).is_some_and(Answer::is_known)).count();
        prop_assert_eq!(e.unanswered + answered, e.visible.len());
        prop_assert_eq!(e.incomplete, e.unanswered > 0);
    }
}

// ---- the shipped checklists ----

pub(super) fn content_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/checklists")
}

#[test]
fn every_shipped_checklist_validates() {
    let all = load_dir(&content_dir()).unwrap_or_else(|errs| {
        panic!(
            "{}",
            errs.iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
                .join("\n")
        )
    });
    let ids: Vec<&str> = all.iter().map(|c| c.id.as_str()).collect();
    for id in ["routine", "adult-risk", "children", "honour", "perpetrator"] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    for c in &all {
        let inst = c
            .instrument
            .as_ref()
            .unwrap_or_else(|| panic!("{}: no [instrument]", c.id));
        if c.example {
            // The team's examples say so, in both languages, and claim no licence.
            let notice = c
                .notice
                .as_ref()
                .unwrap_or_else(|| panic!("{} has no notice", c.id));
            assert!(
                notice.sv.contains("Fyr-teamet") && notice.sv.contains("ersätts"),
                "{}",
                c.id
            );
            assert!(notice.en.is_some(), "{}", c.id);
            assert!(
                !inst.licensed,
                "{}: the team's examples are not licensed instruments",
                c.id
            );
        } else {
            // A region's adopted instrument names its licence.
            assert!(
                inst.licensed && inst.license.is_some(),
                "{}: not an example, so a licensed instrument",
                c.id
            );
        }
        assert!(c.title.en.is_some(), "{}: English title", c.id);
        for item in c.items() {
            assert!(
                item.text.en.is_some(),
                "{}: item '{}' lacks English",
                c.id,
                item.id
            );
        }
        for level in &c.levels {
            assert!(level.label.en.is_some());
            assert!(
                level.actions.iter().all(|a| a.en.is_some()),
                "{}: level '{}' action lacks English",
                c.id,
                level.id
            );
        }
        // JSON round trip, as feeds carry them.
        assert_eq!(&Checklist::from_json("feed", &c.to_json()).unwrap(), c);
    }
}

pub(super) fn shipped(id: &str) -> Checklist {
    load_dir(&content_dir())
        .unwrap()
        .into_iter()
        .find(|c| c.id == id)
        .unwrap()
}

#[test]
fn routine_inquiry_leads_on_to_the_adult_screening() {
    let c = shipped("routine");
    let mut a = Answers::new();
    for item in c.items() {
        if item.answer_type == AnswerType::YesNo {
            a.insert(item.id.clone(), Answer::No);
        }
    }
    let e = evaluate(&c, &a, None).unwrap();
    assert!(e.leads_to.is_empty());
    assert_eq!(e.level, "none");
    // Having children counts for nothing by itself (weight 0 under count_yes).
    a.insert("children_at_home".into(), Answer::Yes);
    let e = evaluate(&c, &a, None).unwrap();
    assert_eq!((e.score, e.level.as_str()), (0.0, "none"));
    assert!(e.visible.contains(&"children_exposed".to_string()));
    let first = c.items().next().unwrap().id.clone();
    a.insert(first, Answer::Yes);
    let e = evaluate(&c, &a, None).unwrap();
    assert!(
        e.leads_to.contains(&"adult-risk".to_string()),
        "{:?}",
        e.leads_to
    );
}

#[test]
fn adult_screening_red_flags_reach_acute_with_112_and_a_24_7_line() {
    let c = shipped("adult-risk");
    assert_eq!(
        c.levels.iter().map(|l| l.id.as_str()).collect::<Vec<_>>(),
        ["low", "elevated", "high", "acute"]
    );
    let acute = c.level("acute").unwrap();
    assert!(acute.include_24_7);
    assert!(acute.actions.iter().any(|t| t.sv.contains("112")));
    assert!(acute
        .referrals
        .iter()
        .any(|q| q.needs.contains(&Need::ProtectedHousing)));
    // Nothing answered: not assessed. Fear for one's life alone: at least high.
    assert_eq!(
        evaluate(&c, &Answers::new(), None).unwrap().level,
        NOT_ASSESSED
    );
    let flagged: Vec<&Item> = c
        .items()
        .filter(|i| i.red_flag.is_some() && i.show_if.is_none())
        .collect();
    assert!(flagged.len() >= 3);
    for item in flagged {
        let e = evaluate(&c, &answers(&[(&item.id, Answer::Yes)]), None).unwrap();
        assert!(
            e.level_index >= c.level_index("high").unwrap(),
            "{} only reached {}",
            item.id,
            e.level
        );
    }
    // Every yes: acute.
    let mut all_yes: Answers = c
        .items()
        .filter(|i| i.answer_type == AnswerType::YesNo)
        .map(|i| (i.id.clone(), Answer::Yes))
        .collect();
    let e = evaluate(&c, &all_yes, None).unwrap();
    assert_eq!(e.level, "acute");
    // The children questions only show when there are children.
    assert!(!e.visible.contains(&"children_exposed".to_string()));
    // Several perpetrators in the family lead on to honour; no children, no children's checklist.
    assert_eq!(e.leads_to, ["honour"], "{:?}", e.leads_to);
    all_yes.insert("children_count".into(), Answer::Number(2.0));
    let e = evaluate(&c, &all_yes, None).unwrap();
    assert!(
        e.leads_to.contains(&"children".to_string()),
        "{:?}",
        e.leads_to
    );
}

#[test]
fn children_checklist_ends_in_the_duty_to_report() {
    let c = shipped("children");
    for level in &c.levels {
        let says_report = level
            .actions
            .iter()
            .any(|t| t.sv.contains("orosanmälan") && t.sv.contains("socialtjänstlagen (2025:400)"));
        let asks_child_protection = level
            .referrals
            .iter()
            .any(|q| q.needs.contains(&Need::ChildProtection));
        if level.id != c.levels[0].id {
            assert!(says_report && asks_child_protection, "level '{}'", level.id);
        }
    }
    let all_yes: Answers = c
        .items()
        .filter(|i| i.answer_type == AnswerType::YesNo)
        .map(|i| (i.id.clone(), Answer::Yes))
        .collect();
    let e = evaluate(&c, &all_yes, None).unwrap();
    assert_eq!(e.level_index, c.levels.len() - 1);
    assert!(e
        .referrals
        .iter()
        .any(|q| q.needs.contains(&Need::ChildProtection)));
}

#[test]
fn perpetrator_checklist_refers_to_programmes_and_acute_risk_to_police() {
    let c = shipped("perpetrator");
    let low = evaluate(&c, &Answers::new(), None).unwrap();
    assert!(low
        .referrals
        .iter()
        .any(|q| q.needs.contains(&Need::PerpetratorProgramme)));
    let top = c.levels.last().unwrap();
    assert!(top
        .referrals
        .iter()
        .any(|q| q.needs.contains(&Need::AcuteDanger)));
    assert!(top.actions.iter().any(|t| t.sv.contains("112")));
}

#[test]
fn honour_checklist_refers_to_honour_support() {
    let c = shipped("honour");
    assert_eq!(c.kind, ChecklistKind::Honour);
    assert!(c.levels.iter().skip(1).all(|l| l
        .referrals
        .iter()
        .any(|q| q.needs.contains(&Need::HonourSupport))));
}

// ---- issue 16: checklist safety ----

fn all_sv(c: &Checklist, level: &str) -> String {
    let l = c.levels.iter().find(|l| l.id == level).unwrap();
    l.actions
        .iter()
        .map(|a| a.sv.clone())
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn honour_levels_that_mention_a_report_warn_never_to_tell_the_family() {
    let c = shipped("honour");
    for l in &c.levels {
        let text = all_sv(&c, &l.id);
        if text.contains("orosanmälan") {
            assert!(
                text.contains(super::validate::HONOUR_DO_NOT_TELL),
                "{}",
                l.id
            );
        }
    }
    // The rule fails a level that lacks the warning.
    let mut bad = c.clone();
    let high = bad.levels.iter_mut().find(|l| l.id == "high").unwrap();
    high.actions
        .retain(|a| !a.sv.starts_with(super::validate::HONOUR_DO_NOT_TELL));
    let e = super::validate::validate(&bad, "honour.toml").unwrap_err();
    assert!(
        e.iter().any(|e| e
            .to_string()
            .contains("level 'high': it mentions a concern report")),
        "{e:?}"
    );
    // A report named only in one role's text still needs the warning for
    // everyone, and a warning only in a role's text is not enough.
    let mut role_only = c.clone();
    let lvl = role_only
        .levels
        .iter_mut()
        .find(|l| l.id == "high")
        .unwrap();
    let warning = lvl
        .actions
        .iter()
        .find(|a| a.sv.starts_with(super::validate::HONOUR_DO_NOT_TELL))
        .cloned()
        .unwrap();
    lvl.actions.retain(|a| {
        let s = a.sv.to_lowercase();
        let warning = a.sv.starts_with(super::validate::HONOUR_DO_NOT_TELL);
        let report =
            s.contains("orosanmäl") || (s.contains("anmäl") && s.contains("socialtjänsten"));
        !(warning || report)
    });
    lvl.role_actions.push(RoleAction {
        agency_kinds: vec![crate::vocab::AgencyKind::SchoolHealth],
        text: Text {
            sv: "Gör en orosanmälan till socialtjänsten genast.".into(),
            en: Some("Make a concern report to social services at once.".into()),
        },
    });
    lvl.role_actions.push(RoleAction {
        agency_kinds: vec![crate::vocab::AgencyKind::SchoolHealth],
        text: warning,
    });
    let e = super::validate::validate(&role_only, "honour.toml").unwrap_err();
    assert!(
        e.iter().any(|e| e
            .to_string()
            .contains("level 'high': it mentions a concern report")),
        "{e:?}"
    );
    // Other kinds are not held to the honour rule.
    let mut other = bad.clone();
    other.kind = ChecklistKind::Screening;
    other.subject = Subject::AdultVictim;
    let e = super::validate::validate(&other, "x.toml");
    assert!(e.as_ref().map_or_else(
        |e| e
            .iter()
            .all(|e| !e.to_string().contains("concern report (orosanmälan)")),
        |_| true
    ));
}

#[test]
fn honour_asks_about_fgm_identity_siblings_child_marriage_and_passports() {
    let c = shipped("honour");
    for id in [
        "fgm",
        "identity_punished",
        "siblings_at_risk",
        "married_as_child",
        "passport_held",
    ] {
        assert!(c.items().any(|i| i.id == id), "{id}");
    }
    let high = all_sv(&c, "high");
    assert!(high.contains("ambassad"), "embassy help for adults");
    assert!(high.contains("Skatteverket") && all_sv(&c, "acute").contains("Skatteverket"));
    // A child marriage is a red flag (high) on its own.
    let e = evaluate(&c, &answers(&[("married_as_child", Answer::Yes)]), None).unwrap();
    assert!(
        e.level_index >= c.level_index("high").unwrap(),
        "{}",
        e.level
    );
}

#[test]
fn adult_threat_to_kill_and_firearms_are_red_flags_on_their_own() {
    let c = shipped("adult-risk");
    for id in ["threats_to_kill", "firearm_access", "locked_in"] {
        let e = evaluate(&c, &answers(&[(id, Answer::Yes)]), None).unwrap();
        assert!(
            e.level_index >= c.level_index("high").unwrap(),
            "{id}: {}",
            e.level
        );
    }
    let e = evaluate(&c, &answers(&[("family_perpetrators", Answer::Yes)]), None).unwrap();
    assert!(e.leads_to.contains(&"honour".to_string()));
    let acute = all_sv(&c, "acute");
    assert!(
        acute.contains("din egen och kollegornas säkerhet"),
        "worker safety"
    );
    for l in ["high", "acute"] {
        let t = all_sv(&c, l);
        assert!(
            t.contains("Kriminalvården") && t.contains("friges"),
            "{l}: release notice"
        );
        assert!(t.contains("Skatteverket"), "{l}: protected personal data");
    }
    assert!(
        all_sv(&c, "low").contains("inte till kvinnojour")
            || all_sv(&c, "low").contains("tar inte emot män")
    );
}

#[test]
fn a_concern_report_for_a_child_is_made_genast_never_i_dag() {
    for id in [
        "adult-risk",
        "children",
        "honour",
        "perpetrator",
        "exploitation",
    ] {
        let c = shipped(id);
        for l in &c.levels {
            for a in &l.actions {
                if a.sv.contains("orosanmälan till socialtjänsten") && !a.sv.starts_with("Kom ihåg")
                {
                    assert!(
                        !a.sv.contains("i dag")
                            && (a.sv.contains("genast") || a.sv.contains("omedelbart")),
                        "{id}/{}: {}",
                        l.id,
                        a.sv
                    );
                }
            }
        }
    }
}

#[test]
fn the_perpetrator_checklist_never_passes_support_through_the_perpetrator_or_suggests_couples_talks(
) {
    let c = shipped("perpetrator");
    for l in &c.levels {
        for a in &l.actions {
            assert!(!a.sv.contains("att lämna vidare"), "{}: {}", l.id, a.sv);
            assert!(
                !a.en.as_deref().unwrap_or("").contains("to pass on"),
                "{}",
                l.id
            );
        }
    }
    let concern = all_sv(&c, "concern");
    assert!(concern.contains("Skicka aldrig stödnummer"));
    assert!(concern.contains("Föreslå aldrig parsamtal"));
}

#[test]
fn the_church_is_told_its_own_duty_and_confession_stays_absolute() {
    for id in ["children", "honour", "exploitation"] {
        let c = shipped(id);
        let notes: Vec<&RoleAction> = c
            .levels
            .iter()
            .flat_map(|l| l.role_actions.iter())
            .collect();
        assert!(!notes.is_empty(), "{id}");
        for n in notes {
            assert_eq!(n.agency_kinds, [crate::vocab::AgencyKind::Church]);
            assert!(n.text.sv.contains("ingen lagstadgad anmälningsskyldighet"));
            assert!(n.text.sv.contains("absolut tystnadsplikt"));
        }
    }
}

#[test]
fn the_exploitation_checklist_refers_to_social_services_first_and_never_to_confront() {
    let c = shipped("exploitation");
    assert_eq!(c.subject, Subject::AdultVictim);
    let signs = all_sv(&c, "signs");
    assert!(signs.starts_with("Kontakta socialtjänsten först"));
    assert!(signs.contains("samordnare") && signs.contains("polis"));
    assert!(signs.contains("Konfrontera aldrig"));
    // Someone else holding the passport is a sign on its own; threats are high; held: acute.
    let e = evaluate(&c, &answers(&[("passport_held", Answer::Yes)]), None).unwrap();
    assert!(
        e.level_index >= c.level_index("signs").unwrap(),
        "{}",
        e.level
    );
    let e = evaluate(&c, &answers(&[("threatened", Answer::Yes)]), None).unwrap();
    assert!(
        e.level_index >= c.level_index("high").unwrap(),
        "{}",
        e.level
    );
    let e = evaluate(&c, &answers(&[("danger_now", Answer::Yes)]), None).unwrap();
    assert_eq!(e.level, "acute");
    let e = evaluate(&c, &answers(&[("under_18", Answer::Yes)]), None).unwrap();
    assert!(e.leads_to.contains(&"children".to_string()));
}
