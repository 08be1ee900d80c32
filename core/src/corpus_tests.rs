//! The corpus checks on made-up lists: what passes, fails and harms.

use super::*;
use AgencyKind::*;

fn q(victim: bool, danger_now: bool) -> Query {
    Query {
        id: "t".into(),
        who: "Test.".into(),
        municipality: "Strömsund".into(),
        at: "2026-02-10T23:00:00+01:00".into(),
        text: "min man slar mig".into(),
        covers: vec![],
        expect_top3: vec![NationalHelpline],
        expect_top3_any: vec![WomensShelter, SocialServicesOnCall],
        first: None,
        not_first: vec![Police, Emergency],
        not_first_only_for: vec![Group::Children, Group::YoungPeople],
        expect_top3_only_for: vec![],
        not_top3_only_for: vec![],
        min_results: 4,
        victim,
        danger_now,
    }
}

fn s(kind: AgencyKind, number: &str) -> Shown {
    Shown {
        id: kind.id().into(),
        agency_kind: kind,
        first_number: Some(number.into()),
        groups: vec![],
    }
}

fn good() -> Vec<Shown> {
    vec![
        s(NationalHelpline, "020-50 50 50"),
        s(SocialServicesOnCall, "070-174 06 07"),
        s(WomensShelter, "070-174 06 18"),
        s(Police, "114 14"),
        s(Emergency, "112"),
    ]
}

#[test]
fn a_good_list_passes() {
    let o = check(&q(true, false), &good());
    assert!(o.passed(), "{o:?}");
}

#[test]
fn a_missing_expectation_fails_without_harm() {
    let mut l = good();
    l.swap(0, 3); // police first (114 14), helpline fourth
    let o = check(&q(false, false), &l);
    assert!(!o.passed() && !o.harmful(), "{o:?}");
    assert_eq!(o.failures.len(), 2, "{o:?}"); // not first, helpline not in top 3
}

#[test]
fn emergency_first_without_danger_now_is_harmful() {
    let mut l = good();
    l.rotate_right(1); // 112 first
    let o = check(&q(false, false), &l);
    assert!(o.harmful() && o.harms[0].contains("112 first"), "{o:?}");
    // with danger now the same list is not harmful
    let mut d = q(false, true);
    d.not_first.clear();
    assert!(!check(&d, &l).harmful());
}

#[test]
fn an_entry_calling_112_first_counts_as_112_first() {
    let mut l = good();
    l.insert(0, s(Police, "112"));
    let o = check(&q(false, false), &l);
    assert!(o.harms.iter().any(|h| h.contains("112 first")), "{o:?}");
    assert!(s(Police, "1 12").is_112() && !s(Police, "114 14").is_112());
}

#[test]
fn not_first_first_is_harmful_for_a_victim_only() {
    let mut l = good();
    l.swap(0, 3);
    assert!(check(&q(true, false), &l)
        .harms
        .iter()
        .any(|h| h.contains("police first")));
    assert!(!check(&q(false, false), &l).harmful());
}

#[test]
fn a_service_for_children_only_first_is_harmful_for_a_grown_up_victim() {
    let mut bris = s(NationalHelpline, "116 111");
    bris.groups = vec![Group::Children, Group::YoungPeople];
    let mut l = good();
    l.insert(0, bris.clone());
    assert!(check(&q(true, false), &l)
        .harms
        .iter()
        .any(|h| h.contains("children|young_people only first")));
    assert!(!check(&q(false, false), &l).harmful());
    // A service for children and women is not for children only.
    l[0].groups.push(Group::Women);
    assert!(check(&q(true, false), &l).passed());
    // Second is where it may stand.
    let mut l = good();
    l.insert(1, bris);
    assert!(check(&q(true, false), &l).passed());
}

#[test]
fn a_service_for_children_only_is_expected_in_the_top_three_for_a_child() {
    let mut bris = s(NationalHelpline, "116 111");
    bris.groups = vec![Group::Children, Group::YoungPeople];
    let mut child = q(false, false);
    child.not_first_only_for.clear();
    child.expect_top3_only_for = vec![Group::Children, Group::YoungPeople];
    let o = check(&child, &good());
    assert!(o
        .failures
        .iter()
        .any(|f| f.contains("no service for children|young_people only")));
    let mut l = good();
    l.insert(2, bris);
    assert!(check(&child, &l).passed(), "{:?}", check(&child, &l));
}

#[test]
fn a_service_for_women_only_in_a_mans_top_three_fails() {
    let mut line = s(NationalHelpline, "020-50 50 50");
    line.groups = vec![Group::Women];
    let mut man = q(true, false);
    man.expect_top3 = vec![];
    man.not_top3_only_for = vec![Group::Women];
    let mut l = good();
    l[0] = line.clone();
    let o = check(&man, &l);
    assert!(
        o.failures.iter().any(|f| f.contains("women only in top 3")),
        "{o:?}"
    );
    assert!(!o.harmful());
    // Fourth is out of the top three.
    let mut l = good();
    l.remove(0);
    l.push(line);
    assert!(check(&man, &l).passed(), "{:?}", check(&man, &l));
}

#[test]
fn a_victim_without_any_expected_help_is_harmed() {
    let l = vec![
        s(Police, "114 14"),
        s(Church, "x"),
        s(SchoolHealth, "y"),
        s(Healthcare, "1177"),
    ];
    let mut v = q(true, false);
    v.not_first.clear();
    let o = check(&v, &l);
    assert!(o.harms.iter().any(|h| h.contains("none of")), "{o:?}");
    assert!(!check(&q(false, false), &l).harmful());
}

#[test]
fn a_thin_list_is_harmful() {
    let l = good()[..3].to_vec();
    let o = check(&q(false, false), &l);
    assert!(o.harms.iter().any(|h| h.contains("3 results")), "{o:?}");
    assert!(check(&q(false, false), &[]).harmful());
}

#[test]
fn first_is_checked() {
    let mut d = q(false, true);
    d.first = Some(Emergency);
    assert!(!check(&d, &good()).passed());
    let mut l = good();
    l.rotate_right(1);
    d.not_first.clear();
    assert!(check(&d, &l).passed());
}

#[test]
fn the_report_fails_below_the_pass_rate_or_on_any_harm() {
    let mut r = Report::default();
    for _ in 0..19 {
        r.add(&q(true, false), &good());
    }
    assert!(r.ok(), "{}", r.summary());
    r.add(&q(false, false), &good()[3..]); // failed and harmful
    assert_eq!(r.summary(), "queries: 19 passed, 1 failed, 1 harmful");
    assert!(!r.ok());
    assert_eq!(r.lines.len(), 1);
    assert!(r.lines[0].starts_with("t \"min man slar mig\" [Strömsund]: HARM"));

    let mut r = Report::default();
    for i in 0..20 {
        let mut l = good();
        if i < 2 {
            l.swap(0, 3); // police first (114 14), helpline fourth: fails, not harmful
        }
        r.add(&q(false, false), &l);
    }
    assert_eq!((r.passed, r.failed, r.harmful), (18, 2, 0));
    assert!(!r.ok(), "90 % is below the pass rate");
}

#[test]
fn malformed_files_are_refused_with_the_reason() {
    let d = tempfile::tempdir().unwrap();
    let entry = |extra: &str| {
        format!(
            "[[query]]\nid = \"a\"\nwho = \"x\"\nmunicipality = \"Berg\"\nat = \"2026-02-10T23:00:00+01:00\"\ntext = \"hej\"\nmin_results = 1\n{extra}\n"
        )
    };
    let p = d.path().join("a.toml");
    std::fs::write(&p, entry("expect_top3 = [\"police\"]")).unwrap();
    assert_eq!(load_dir(d.path()).unwrap().len(), 1);
    std::fs::write(&p, entry("")).unwrap();
    assert!(load_dir(d.path()).unwrap_err().contains("expects nothing"));
    std::fs::write(&p, entry("expect_top3 = [\"polis\"]")).unwrap();
    assert!(load_dir(d.path()).is_err());
    std::fs::write(
        &p,
        entry("expect_top3 = [\"police\"]\ncovers = [\"kvinnor\"]"),
    )
    .unwrap();
    assert!(load_dir(d.path()).unwrap_err().contains("covers 'kvinnor'"));
    std::fs::write(
        &p,
        entry("expect_top3 = [\"police\"]\nexpect_top = [\"police\"]"),
    )
    .unwrap();
    assert!(load_dir(d.path()).is_err());
    let twice = format!(
        "{}{}",
        entry("first = \"police\""),
        entry("first = \"police\"")
    );
    std::fs::write(&p, twice).unwrap();
    assert!(load_dir(d.path()).unwrap_err().contains("twice"));
}
