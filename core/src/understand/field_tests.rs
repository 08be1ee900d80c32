//! The reader on the field's words met in the second December round (each
//! first a corpus phrasing or a probe that read wrong): step-parents and
//! older siblings, a negation after the verb, not stopping, a conviction, a
//! parent's money, a same-sex couple, an orientation, mental ill health, a
//! question's "man", speaking a language. Written from situations, not from
//! the lexicon's own words.

use super::tests::{has_form, has_group, has_need, r};
use super::*;

#[test]
fn a_parents_partner_who_hits_the_speaker_makes_the_speaker_a_child() {
    // What a pupil says of a step-parent at home, as the pupil says it.
    for text in [
        "mammas kille slar mig",
        "min mammas nya kille slar mig nar hon jobbar",
        "mamma och hennes kille slar mig",
        "pappas sambo slar mig nar jag bor hos pappa",
        "pappa och hans tjej slar mig",
    ] {
        let x = r(text);
        assert!(x.roles.contains(&Role::Child), "{text}: {x:?}");
        assert!(has_group(&x, Group::Children), "{text}: {x:?}");
        // The mother named is not the person to route for.
        assert!(!has_group(&x, Group::Women), "{text}: {x:?}");
    }
    // Her own partner, said as hers, keeps the grown-up.
    for text in [
        "min kille slar mig",
        "min sambo slar mig och mamma vet inte",
    ] {
        let x = r(text);
        assert!(!x.roles.contains(&Role::Child), "{text}: {x:?}");
    }
}

#[test]
fn a_blow_denied_after_the_verb_is_no_form_but_what_he_does_stays() {
    // What a woman tells the district nurse, as the nurse notes it.
    let x = r("min sambo slar mig inte men han kontrollerar allt");
    assert_eq!(x.situation.forms & Form::Physical.bit(), 0, "{x:?}");
    assert!(x.situation.forms & Form::Psychological.bit() != 0, "{x:?}");
    let x = r("han slog inte men han tar alla pengar");
    assert_eq!(x.situation.forms & Form::Physical.bit(), 0, "{x:?}");
    // The negation goes with what follows: the blows happened.
    for text in [
        "han slar inte mig utan barnen",
        "han slar mig inte langre men jag ar radd",
        "han slog mig inte bara en gang",
        "han slar mig inte just nu men igar",
    ] {
        let x = r(text);
        assert!(
            x.situation.forms & Form::Physical.bit() != 0,
            "{text}: {x:?}"
        );
    }
}

#[test]
fn them_is_not_dementia() {
    // A teacher's note: "dem" (them) stems like "demens".
    let x = r("elev skickade nakenbilder till aldre kille som nu hotar sprida dem");
    assert!(!has_group(&x, Group::OlderPeople), "{x:?}");
    let x = r("han slog dem");
    assert!(!has_group(&x, Group::OlderPeople), "{x:?}");
    // The word itself, and its forms, still say it.
    for text in [
        "hon ar dement och sonen tar hennes pengar",
        "pappa har demens",
    ] {
        let x = r(text);
        assert!(has_group(&x, Group::OlderPeople), "{text}: {x:?}");
    }
}

#[test]
fn one_convicted_of_violence_who_wants_treatment_is_the_person() {
    // A probation officer's and a social worker's notes.
    for text in [
        "han ar domd for misshandel mot sin fru och vill ga i behandling",
        "klient domd for misshandel mot ex vill ga behandling",
        "han ar domd for olaga hot och vill ha behandling",
    ] {
        let x = r(text);
        assert!(x.roles.contains(&Role::UsesViolence), "{text}: {x:?}");
        assert!(!x.roles.contains(&Role::Subjected), "{text}: {x:?}");
    }
    // The wish of the one he hurt, or of the speaker he hurt, stays hers.
    for text in [
        "hon vill ha hjalp, han ar domd for misshandel mot henne",
        "han ar domd for misshandel mot mig och jag vill ha hjalp",
    ] {
        let x = r(text);
        assert!(!x.roles.contains(&Role::UsesViolence), "{text}: {x:?}");
    }
}

#[test]
fn a_grown_child_who_takes_a_parents_money_is_the_abuser() {
    // An older mother's own words; a home-care worker's note.
    let x = r("min son tar min pension och slar mig ibland");
    assert!(x.roles.contains(&Role::Subjected), "{x:?}");
    assert!(!x.roles.contains(&Role::Relative), "{x:?}");
    assert!(has_group(&x, Group::OlderPeople), "{x:?}");
    assert!(x.situation.forms & Form::Economic.bit() != 0, "{x:?}");
    let x = r("dottern tar pappans pension");
    assert!(!x.roles.contains(&Role::Child), "{x:?}");
    assert!(!has_group(&x, Group::Children), "{x:?}");
    assert!(has_group(&x, Group::OlderPeople), "{x:?}");
    // The parent of a victim stays the relative.
    let x = r("min dotter blir slagen och han tar hennes pengar");
    assert!(x.roles.contains(&Role::Relative), "{x:?}");
}

#[test]
fn a_same_sex_couple_said_plainly_is_read() {
    let x = r("min pojkvan slar mig, vi ar tva killar");
    assert!(has_group(&x, Group::Lgbtq), "{x:?}");
    assert!(has_group(&x, Group::Men), "{x:?}");
    assert!(!has_group(&x, Group::Women), "{x:?}");
    let x = r("min flickvan slar mig vi ar tva tjejer");
    assert!(has_group(&x, Group::Lgbtq), "{x:?}");
    assert!(has_group(&x, Group::Women), "{x:?}");
    // Two boys fighting in town are no couple.
    let x = r("tva killar brakade pa stan");
    assert!(!has_group(&x, Group::Lgbtq), "{x:?}");
}

#[test]
fn a_nurses_pat_is_a_patient() {
    let x = r("pat uppger att maken slar henne");
    assert!(x.roles.contains(&Role::Professional), "{x:?}");
    assert!(x.roles.contains(&Role::Subjected), "{x:?}");
}

#[test]
fn not_stopping_is_going_on() {
    // A friend's words: he does not stop; it is hers, and it happens.
    for text in [
        "han slutar inte sla henne",
        "han kan inte sluta kontrollera hennes telefon",
    ] {
        let x = r(text);
        assert!(!x.roles.contains(&Role::UsesViolence), "{text}: {x:?}");
        assert!(x.situation.forms != 0, "{text}: {x:?}");
    }
    // His own words: he wants to stop.
    for text in [
        "jag kan inte sluta kontrollera min flickvans telefon",
        "jag vill inte sla henne mer",
        "jag behover hjalp att inte sla",
    ] {
        let x = r(text);
        assert!(x.roles.contains(&Role::UsesViolence), "{text}: {x:?}");
    }
}

#[test]
fn the_pupil_who_tells_is_not_the_one_who_hits() {
    // A pupil's words passed on, with an older brother or a word Fyr does
    // not know for the one who hits.
    for text in [
        "elev berattar att storebror slar henne",
        "elev berattar att extrapappan slar henne",
        "eleven sager att fosterpappan slar henne",
    ] {
        let x = r(text);
        assert!(x.roles.contains(&Role::Child), "{text}: {x:?}");
        assert!(!has_group(&x, Group::Women), "{text}: {x:?}");
    }
}

#[test]
fn mental_ill_health_is_not_psychological_violence() {
    let x = r("hon har psykisk ohalsa och sambon slar henne");
    assert_eq!(x.situation.forms & Form::Psychological.bit(), 0, "{x:?}");
    assert!(x.situation.forms & Form::Physical.bit() != 0, "{x:?}");
    let x = r("kvinna med psykisk funktionsnedsattning blir slagen");
    assert!(has_group(&x, Group::Disabilities), "{x:?}");
    assert_eq!(x.situation.forms & Form::Psychological.bit(), 0, "{x:?}");
    // Psychological violence said as such stays.
    let x = r("han utsatter henne for psykiskt vald");
    assert!(x.situation.forms & Form::Psychological.bit() != 0, "{x:?}");
}

#[test]
fn a_family_that_does_not_accept_his_orientation_is_honour_and_hbtqi() {
    let x = r("familjen accepterar inte hans laggning och hotar honom");
    assert!(has_group(&x, Group::Lgbtq), "{x:?}");
    assert!(x.situation.forms & Form::Honour.bit() != 0, "{x:?}");
    let x = r("hon har sexuell laggning som familjen inte accepterar");
    assert!(has_group(&x, Group::Lgbtq), "{x:?}");
    // An orientation is no sexual violence.
    assert_eq!(x.situation.forms & Form::Sexual.bit(), 0, "{x:?}");
}

#[test]
fn a_questions_man_is_one_not_a_man() {
    for text in [
        "hur fragar man om vald",
        "var anmaler man vald",
        "vad sager man till en kvinna som blir slagen",
    ] {
        let x = r(text);
        assert!(!has_group(&x, Group::Men), "{text}: {x:?}");
    }
    let x = r("hur fragar man om vald");
    assert!(x.roles.contains(&Role::Professional), "{x:?}");
    // An employer asking about an employee is a worker asking too.
    let x = r("chef: medarbetare utsatt for vald av partner");
    assert!(x.roles.contains(&Role::Professional), "{x:?}");
    assert!(x.roles.contains(&Role::Subjected), "{x:?}");
    // A man named is a man.
    let x = r("en man blir slagen av sin fru");
    assert!(has_group(&x, Group::Men), "{x:?}");
}

#[test]
fn speaking_a_language_or_talking_of_something_is_no_one_to_talk_to() {
    for text in [
        "hon pratar bara nordsamiska",
        "hon vill prata arabiska",
        "han pratar bara om att doda henne",
    ] {
        let x = r(text);
        assert!(!has_need(&x, Need::TalkNow), "{text}: {x:?}");
    }
    let x = r("hon pratar bara nordsamiska");
    assert!(has_need(&x, Need::Interpretation), "{x:?}");
    for text in ["hon vill prata med nagon nu", "jag behover prata"] {
        let x = r(text);
        assert!(has_need(&x, Need::TalkNow), "{text}: {x:?}");
    }
}

#[test]
fn a_partner_who_decides_everything_is_control() {
    // How women describe control to a nurse or a teacher, as it is typed:
    // no word for violence, no threat, only who decides.
    for text in [
        "min sambo bestammer allt jag gor",
        "han bestammer over mig och vad jag far ha pa mig",
        "min man styr hela mitt liv",
        "jag ar gravid och han bestammer allt",
        "hennes pojkvan bestammer vem hon far traffa",
    ] {
        let x = r(text);
        assert!(has_form(&x, Form::Psychological), "{text}: {x:?}");
        assert!(x.roles.contains(&Role::Subjected), "{text}: {x:?}");
    }
    // Deciding together, or a decision about a time, is nobody's control.
    for text in [
        "vi bestammer tid for ett nytt besok",
        "hon styr sjalv over sin tid",
    ] {
        let x = r(text);
        assert!(!has_form(&x, Form::Psychological), "{text}: {x:?}");
    }
}

#[test]
fn pregnant_needs_care_when_her_body_was_hurt_not_for_control_alone() {
    // What a midwife, a nurse or a police officer notes, as typed.
    for text in [
        "hon ar gravid och han slog henne igar",
        "vecka 30, sambon har slagit henne sen hon blev med barn",
        "gravid och pojkvannen valdtog mig",
        "hon vantar barn och han sparkade henne",
    ] {
        let x = r(text);
        assert!(has_need(&x, Need::MedicalCare), "{text}: {x:?}");
    }
    for text in [
        "jag ar gravid och han bestammer allt",
        "hon ar gravid och han tar alla hennes pengar",
        "gravid, sambon hotar att kasta ut henne",
    ] {
        let x = r(text);
        assert!(!has_need(&x, Need::MedicalCare), "{text}: {x:?}");
        assert!(x.roles.contains(&Role::Subjected), "{text}: {x:?}");
    }
}

#[test]
fn what_was_done_long_ago_needs_no_care_tonight_what_was_done_yesterday_does() {
    // What a woman tells the social services on call, or a nurse notes.
    for text in [
        "han strypte mig forra aret och nu ar han arg igen",
        "hon blev strypt av exet for tva ar sedan",
        "han slog henne sa hon fick blamarken for flera ar sedan",
    ] {
        let x = r(text);
        assert!(!has_need(&x, Need::MedicalCare), "{text}: {x:?}");
        assert!(!has_need(&x, Need::AcuteDanger), "{text}: {x:?}");
        assert!(x.roles.contains(&Role::Subjected), "{text}: {x:?}");
    }
    for text in [
        "han strypte mig igar",
        "han strypte mig for tva ar sedan och igar igen",
        "hon har blamarken pa halsen, han strypte henne inatt",
    ] {
        let x = r(text);
        assert!(has_need(&x, Need::MedicalCare), "{text}: {x:?}");
    }
    // A threat for long ago is no danger now.
    let x = r("han hotade att doda henne for ett par ar sedan");
    assert!(!has_need(&x, Need::AcuteDanger), "{x:?}");
}
