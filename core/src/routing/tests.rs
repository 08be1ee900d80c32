use super::*;

fn model(extra: &str) -> String {
    format!("id = \"routing\"\nversion = 1\n{extra}\n[[line]]\nservice = \"sos-alarm-112\"\n")
}

#[test]
fn the_embedded_model_and_lexicon_are_valid() {
    let r = embedded_routing().unwrap();
    assert!(r.line_services().any(|s| s == "kvinnofridslinjen"));
    let l = embedded_lexicon().unwrap();
    assert!(l.folded_words().contains(&"manniskohandel".to_string()));
}

#[test]
fn the_compiled_in_json_reads_as_the_authored_toml() {
    // A phone parses build.rs's JSON; the TOML is what coordinators write
    // and what the unknown-field check reads. Both must give the same model.
    let from_toml = Routing::from_toml(EMBEDDED_ROUTING.0, EMBEDDED_ROUTING.1).unwrap();
    assert_eq!(embedded_routing().unwrap(), from_toml);
    let from_toml = Lexicon::from_toml(EMBEDDED_LEXICON.0, EMBEDDED_LEXICON.1).unwrap();
    assert_eq!(embedded_lexicon().unwrap(), from_toml);
}

/// The lexicon's words are analyzed at build time (build.rs, with the
/// analyzer's own source): what a phone compiles at open must be what
/// analyzing every word now gives.
#[test]
fn the_lexicon_analyzed_at_build_time_is_the_lexicon_analyzed_now() {
    let file: lexicon::LexiconFile = serde_json::from_str(EMBEDDED_LEXICON_JSON).unwrap();
    let now = Lexicon::compile_analyzing("lexicon", file.clone()).unwrap();
    assert_eq!(embedded_lexicon().unwrap(), now);
    // A lexicon that came by sync: words reordered, one changed, one new
    // (none of them in the build's table in that order, some not at all).
    let mut synced = file;
    synced.entries.reverse();
    synced.entries[0]
        .words
        .push("Kvinnofridsjouren i Östersund".into());
    synced.entries[1].words[0] = "våldsutsatt sambo".into();
    let fast = Lexicon::compile("lexicon record", synced.clone()).unwrap();
    let now = Lexicon::compile_analyzing("lexicon record", synced).unwrap();
    assert_eq!(fast, now);
    assert!(fast
        .folded_words()
        .contains(&"kvinnofridsjouren i ostersund".to_string()));
}

#[test]
fn validation_names_the_rule_and_the_unknown_id() {
    let text = model(
        "[[rule]]\nid = \"kids\"\nwhen = { groups = [\"kids\"] }\nprimary = [\"schol_health\"]\nout_of_place_offering = [\"hugs\"]\n",
    );
    let e = Routing::from_toml("content/routing.toml", &text).unwrap_err();
    let msgs: Vec<String> = e.iter().map(|e| e.to_string()).collect();
    for want in [
        "content/routing.toml: rule 'kids': when.groups: unknown group 'kids'",
        "content/routing.toml: rule 'kids': primary: unknown agency kind 'schol_health'",
        "content/routing.toml: rule 'kids': out_of_place_offering: unknown need 'hugs'",
    ] {
        assert!(msgs.iter().any(|m| m == want), "{want} not in {msgs:#?}");
    }
    // A line for an unknown service, and a last line with a condition.
    let r = Routing::from_toml("r.toml", &model("")).unwrap();
    let e = r.check_services("r.toml", &|_| None);
    assert_eq!(
        e[0].to_string(),
        "r.toml: line 'sos-alarm-112': unknown service 'sos-alarm-112' (not in the directory)"
    );
    let e = r.check_services("r.toml", &|_| {
        Some(LineService {
            national: true,
            ..Default::default()
        })
    });
    assert!(e[0].problem.contains("no phone"));
    // 112 as a line only in danger now: the model's line without a condition is refused.
    let e = r.check_services("r.toml", &|_| {
        Some(LineService {
            national: true,
            phone: true,
            emergency: true,
        })
    });
    assert!(
        e[0].problem.contains("emergency number"),
        "{}",
        e[0].problem
    );
    let danger = "id = \"routing\"\nversion = 1\n[[line]]\nservice = \"sos-alarm-112\"\nwhen = { needs = [\"acute_danger\"] }\nfirst = true\n[[line]]\nservice = \"kvinnofridslinjen\"\n";
    let r = Routing::from_toml("r.toml", danger).unwrap();
    let e = r.check_services("r.toml", &|id| {
        Some(LineService {
            national: true,
            phone: true,
            emergency: id == "sos-alarm-112",
        })
    });
    assert!(e.is_empty(), "{e:?}");
    let text = "id = \"routing\"\nversion = 1\n[[line]]\nservice = \"bris\"\nwhen = { groups = [\"children\"] }\n";
    let e = Routing::from_toml("r.toml", text).unwrap_err();
    assert!(e[0]
        .to_string()
        .contains("one line without 'when' must fit every person"));
    let e = Routing::from_toml("r.toml", "id = \"routing\"\nversion = 1\n").unwrap_err();
    assert!(e[0].problem.contains("no [[line]]"));
    let e = Routing::from_toml(
        "r.toml",
        &model("[[subject]]\nsubject = \"victim\"\ngroups = [\"women\"]\n"),
    )
    .unwrap_err();
    assert!(e[0]
        .to_string()
        .contains("subject 'victim': unknown subject 'victim'"));
    let e = Routing::from_toml("r.toml", &model("colour = 1")).unwrap_err();
    assert!(e[0].problem.contains("not a valid routing model"));
}

#[test]
fn lexicon_validation_names_the_entry() {
    let e = Lexicon::from_toml(
        "content/lexicon.toml",
        "id = \"lexicon\"\nversion = 1\n[[entry]]\nwords = [\"heder\"]\nforms = [\"honor\"]\n",
    )
    .unwrap_err();
    assert_eq!(
        e[0].to_string(),
        "content/lexicon.toml: entry 'heder': forms: unknown form 'honor'"
    );
}

#[test]
fn defaults_give_way_but_conditional_out_of_place_holds() {
    let r = embedded_routing().unwrap();
    let adult = r.route(&Situation::new(&[], &[Need::Counselling], &[]));
    assert_eq!(
        adult.fit(AgencyKind::SchoolHealth as u8, 0, 0),
        Fit::OutOfPlace
    );
    // A perpetrator service is a social services unit: out of place by what it offers.
    assert_eq!(
        adult.fit(
            AgencyKind::SocialServices as u8,
            Need::PerpetratorProgramme.bit(),
            0
        ),
        Fit::OutOfPlace
    );
    assert_eq!(
        adult.fit(AgencyKind::SocialServices as u8, 0, 0),
        Fit::Primary
    );
    let child = r.route(&Situation::new(
        &[Group::Children],
        &[Need::Counselling],
        &[],
    ));
    assert_ne!(
        child.fit(AgencyKind::SchoolHealth as u8, 0, 0),
        Fit::OutOfPlace
    );
    let perp = r.route(&Situation::new(
        &[Group::PeopleWhoUseViolence],
        &[Need::Counselling],
        &[],
    ));
    // Counselling wants women's shelters, but not for a person who uses violence.
    assert_eq!(
        perp.fit(AgencyKind::WomensShelter as u8, 0, 0),
        Fit::OutOfPlace
    );
    assert_eq!(
        perp.fit(
            AgencyKind::SocialServices as u8,
            Need::PerpetratorProgramme.bit(),
            0
        ),
        Fit::Primary
    );
    // A children's service is out of place in an adult's list, in place for a child.
    let kids = Group::Children.bit() | Group::YoungPeople.bit();
    assert_eq!(
        adult.fit(AgencyKind::SocialServices as u8, 0, kids),
        Fit::OutOfPlace
    );
    assert_eq!(
        child.fit(AgencyKind::SocialServices as u8, 0, kids),
        Fit::Primary
    );
    let sexual = r.route(&Situation::new(&[], &[], &[Form::Sexual]));
    assert_eq!(
        sexual.fit(AgencyKind::EmergencyCare as u8, 0, 0),
        Fit::Primary
    );
    let honour = r.route(&Situation::new(&[], &[], &[Form::Honour]));
    assert_eq!(
        honour.fit(AgencyKind::EmergencyCare as u8, 0, 0),
        Fit::OutOfPlace
    );
    assert_eq!(honour.fit(AgencyKind::HonourTeam as u8, 0, 0), Fit::Primary);
}

/// The compiled lexicon's lookups: every one-word phrase is found by its
/// word and by its stem, every longer one by its first stem with the
/// longest first, and words that are not in it are not known.
#[test]
fn every_phrase_is_found_by_its_keys() {
    let l = embedded_lexicon().unwrap();
    for p in 0..l.phrases.len() {
        let n = l.phrases[p].len;
        if n == 1 {
            assert!(l.singles(l.word(p, 0)).any(|q| q == p), "{}", l.word(p, 0));
            assert!(l.singles(l.stem(p, 0)).any(|q| q == p), "{}", l.stem(p, 0));
            assert!(l.knows(l.word(p, 0)));
        } else {
            let found: Vec<usize> = l.multis(l.stem(p, 0)).collect();
            assert!(found.contains(&p), "{}", l.word(p, 0));
            let lens: Vec<usize> = found.iter().map(|&q| l.phrases[q].len).collect();
            assert!(lens.windows(2).all(|w| w[0] >= w[1]), "{lens:?}");
        }
    }
    for w in ["", "xyzzy", "kvinnojourerna-x", "tandlakare"] {
        assert!(!l.knows(w), "{w}");
    }
}

/// A grown-up subjected to violence who names her children: the children's
/// own services stay in the list but are never her primary help, and the
/// line that always answers is hers, not the children's. A child keeps the
/// children's services first and the children's line.
#[test]
fn a_grown_up_naming_her_children_is_helped_first_as_a_grown_up() {
    use crate::vocab::Role;
    let r = embedded_routing().unwrap();
    let kids = Group::Children.bit() | Group::YoungPeople.bit();
    let helpline = AgencyKind::NationalHelpline as u8;
    let mut mother = Situation::new(&[Group::Children], &[], &[Form::Psychological]);
    mother.roles = Role::Subjected.bit();
    let route = r.route(&mother);
    assert_eq!(route.fit(helpline, 0, kids), Fit::Secondary);
    assert_eq!(route.fit(helpline, 0, 0), Fit::Primary);
    assert_eq!(
        route.fit(AgencyKind::SocialServicesOnCall as u8, 0, 0),
        Fit::Primary
    );
    assert_eq!(
        r.lines_for(&mother).next(),
        Some(("kvinnofridslinjen", false))
    );

    let mut child = Situation::new(&[Group::Children], &[], &[Form::Physical]);
    child.roles = Role::Child.bit();
    let route = r.route(&child);
    assert_eq!(route.fit(helpline, 0, kids), Fit::Primary);
    assert_eq!(r.lines_for(&child).next(), Some(("bris-116111", false)));
}

/// A teacher about a young pupil who wants to die, or a child hit at home:
/// after Bris (closed before 14:00) the line is 1177, which answers anyone,
/// not the women's line. A young person subjected to violence keeps it.
#[test]
fn a_worker_about_a_young_child_without_violence_gets_1177_after_bris() {
    use crate::vocab::{Need, Role};
    let r = embedded_routing().unwrap();
    let mut pupil = Situation::new(&[Group::Children], &[Need::SuicidePrevention], &[]);
    pupil.roles = Role::Professional.bit();
    let mut threatened = Situation::new(&[Group::Children], &[], &[Form::Psychological]);
    threatened.roles = Role::Child.bit();
    let ids = |s: &Situation| {
        r.lines_for(s)
            .map(|(id, _)| id.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(ids(&threatened)[..2], ["bris-116111", "vardguiden-1177"]);
    // A girl of 15 who is hit keeps the lines she had: Bris, then the
    // women's line.
    let mut girl = Situation::new(
        &[Group::Children, Group::YoungPeople],
        &[],
        &[Form::Physical],
    );
    girl.roles = Role::Child.bit();
    assert_eq!(ids(&girl)[..2], ["bris-116111", "kvinnofridslinjen"]);
    // The pupil: Bris (a number to give the child), then 1177 when Bris is
    // closed.
    assert_eq!(ids(&pupil)[..2], ["bris-116111", "vardguiden-1177"]);
}

/// `after_serving_only` makes a service for those groups only at most
/// secondary, whether it was primary by its kind or by what it offers; it
/// never lifts a service, and a service for everyone is untouched.
#[test]
fn after_serving_only_lowers_only_services_for_those_groups_only() {
    let r = Routing::from_toml(
        "test.toml",
        &model(
            r#"
[[rule]]
id = "a"
when = { groups = ["women"] }
primary = ["social_services"]
secondary = ["police"]
primary_offering = ["counselling"]
after_serving_only = ["children"]
"#,
        ),
    )
    .unwrap();
    let route = r.route(&Situation::new(&[Group::Women], &[], &[]));
    let (soc, police, church) = (
        AgencyKind::SocialServices as u8,
        AgencyKind::Police as u8,
        AgencyKind::Church as u8,
    );
    let kids = Group::Children.bit();
    let kids_and_women = kids | Group::Women.bit();
    assert_eq!(route.fit(soc, 0, kids), Fit::Secondary);
    assert_eq!(route.fit(soc, 0, kids_and_women), Fit::Primary);
    assert_eq!(route.fit(soc, 0, 0), Fit::Primary);
    assert_eq!(route.fit(police, 0, kids), Fit::Secondary);
    assert_eq!(
        route.fit(church, Need::Counselling.bit(), kids),
        Fit::Secondary
    );
    assert_eq!(route.fit(church, Need::Counselling.bit(), 0), Fit::Primary);
    assert_eq!(route.fit(church, 0, kids), Fit::Neutral);
    // An unknown group is named.
    let e = Routing::from_toml(
        "test.toml",
        &model("[[rule]]\nid = \"b\"\nafter_serving_only = [\"kids\"]\n"),
    )
    .unwrap_err();
    assert!(format!("{e:?}").contains("after_serving_only"), "{e:?}");
}

/// A man's list holds no service for women only (Kvinnofridslinjen), also
/// when he is young and the children's rule keeps the children's services
/// in place: each group is kept in place on its own.
#[test]
fn a_service_for_women_only_is_out_of_place_for_a_man() {
    use crate::vocab::Role;
    let r = embedded_routing().unwrap();
    let helpline = AgencyKind::NationalHelpline as u8;
    let (women, kids) = (
        Group::Women.bit(),
        Group::Children.bit() | Group::YoungPeople.bit(),
    );
    let mut young_man = Situation::new(&[Group::Men, Group::YoungPeople], &[], &[Form::Physical]);
    young_man.roles = Role::Subjected.bit();
    let route = r.route(&young_man);
    assert_eq!(route.fit(helpline, 0, women), Fit::OutOfPlace);
    assert_ne!(route.fit(helpline, 0, kids), Fit::OutOfPlace);
    let mut woman = Situation::new(&[Group::Women], &[], &[Form::Physical]);
    woman.roles = Role::Subjected.bit();
    assert_eq!(r.route(&woman).fit(helpline, 0, women), Fit::Primary);
}

/// `out_of_place_offering_only` puts a service that offers nothing but
/// those needs out of place (an interpreter service in a list for bruises),
/// leaves one that offers more (Kvinnofridslinjen's interpreted calls), and
/// in a default gives way to a rule that wants the need.
#[test]
fn out_of_place_offering_only_takes_only_single_purpose_services() {
    let r = Routing::from_toml(
        "test.toml",
        &model(
            r#"
[[rule]]
id = "defaults"
out_of_place_offering_only = ["interpretation"]

[[rule]]
id = "care"
when = { needs = ["medical_care"] }
primary = ["healthcare"]

[[rule]]
id = "interpreter"
when = { needs = ["interpretation"] }
primary_offering = ["interpretation"]
"#,
        ),
    )
    .unwrap();
    let health = AgencyKind::Healthcare as u8;
    let (tolk, both) = (
        Need::Interpretation.bit(),
        Need::Interpretation.bit() | Need::TalkNow.bit(),
    );
    let care = r.route(&Situation::new(&[], &[Need::MedicalCare], &[]));
    assert_eq!(care.fit(health, tolk, 0), Fit::OutOfPlace);
    assert_eq!(care.fit(health, both, 0), Fit::Primary);
    assert_eq!(care.fit(health, Need::MedicalCare.bit(), 0), Fit::Primary);
    let asked = r.route(&Situation::new(
        &[],
        &[Need::MedicalCare, Need::Interpretation],
        &[],
    ));
    assert_eq!(asked.fit(health, tolk, 0), Fit::Primary);
    let e = Routing::from_toml(
        "test.toml",
        &model("[[rule]]\nid = \"b\"\nout_of_place_offering_only = [\"sign\"]\n"),
    )
    .unwrap_err();
    assert!(
        e.iter().any(|x| x.problem.contains("unknown need 'sign'")),
        "{e:?}"
    );
}

/// A situation that names only an interpreter (text in another script) is
/// still one that names nothing else: the first help for anyone, and the
/// interpreter.
#[test]
fn only_an_interpreter_named_is_the_nothing_named_help() {
    use crate::vocab::Need;
    let r = embedded_routing().unwrap();
    let s = Situation::new(&[], &[Need::Interpretation], &[]);
    let route = r.route(&s);
    for k in [
        AgencyKind::SocialServices,
        AgencyKind::SocialServicesOnCall,
        AgencyKind::WomensShelter,
        AgencyKind::NationalHelpline,
    ] {
        assert_eq!(route.fit(k as u8, 0, 0), Fit::Primary, "{k:?}");
    }
    // With a form named, the nothing-named rule no longer applies.
    let s = Situation::new(&[], &[Need::Interpretation], &[Form::Physical]);
    assert_eq!(
        r.route(&s).fit(AgencyKind::WomensShelter as u8, 0, 0),
        Fit::Neutral
    );
}
