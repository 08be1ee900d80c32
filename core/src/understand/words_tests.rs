//! The reader on the words field staff type: definite forms, typos,
//! compounds, short forms, English, languages and the signs of each form
//! of violence.

use super::tests::{has_group, has_need, r, r_drop};
use super::*;

/// A neuter noun's definite form is read by its base (the stemmer keeps
/// "-et"); only the last word may be a word still being typed, so a whole
/// word before others is not read as the start of a longer one.
#[test]
fn definite_forms_are_read_and_only_the_last_word_is_half_typed() {
    use crate::vocab::Need;
    let x = r("han bryter mot kontaktförbudet igen");
    assert!(has_need(&x, Need::LegalSupport), "{x:?}");
    let x = r("behöver kontakt med socialjouren för barnen");
    assert!(!has_need(&x, Need::LegalSupport), "{x:?}");
    assert!(!has_need(&x, Need::PoliceReport), "{x:?}");
    // Half-typed at the end: still read.
    let x = r("hon vill ha kontaktförb");
    assert!(has_need(&x, Need::LegalSupport), "{x:?}");
}

/// A word that begins a phrase of the lexicon is not split as a compound
/// ("nowhere to go" is not "now" + "here").
#[test]
fn a_word_that_begins_a_phrase_is_not_split() {
    use crate::vocab::Need;
    let x = r("my husband hits me and i have nowhere to go");
    assert!(has_need(&x, Need::ProtectedHousing), "{x:?}");
    assert!(!x.situation.danger(), "{x:?}");
}

/// Swedish "hit" (here) is not English "hits": "han ska komma hit" reads
/// no violence; "he hits me" still does.
#[test]
fn here_is_not_hits() {
    use crate::vocab::Form;
    let x = r("hon är rädd att han ska komma hit ikväll");
    assert_eq!(x.situation.forms & Form::Physical.bit(), 0, "{x:?}");
    let x = r("my husband hits me");
    assert_ne!(x.situation.forms & Form::Physical.bit(), 0, "{x:?}");
}

/// Being kept from one's family and having one's accounts watched are
/// read as the control they are.
#[test]
fn isolation_and_watched_accounts_are_read() {
    use crate::vocab::Form;
    let x = r("hon får inte träffa sin familj längre");
    assert_ne!(x.situation.forms & Form::Psychological.bit(), 0, "{x:?}");
    let x = r("han loggar in på hennes mejl och facebook");
    assert_ne!(x.situation.forms & Form::Digital.bit(), 0, "{x:?}");
}

/// The languages people in the two counties speak are read as the
/// language and a need of an interpreter, also as "-talande".
#[test]
fn more_languages_are_read() {
    use crate::vocab::Need;
    for (t, code) in [
        ("kvinna från ukraina, mannen slår, hon kan bara ryska", "ru"),
        ("arabisktalande kvinna misshandlad", "ar"),
        ("hon talar bara polska", "pl"),
        ("kurdiska, behöver tolk", "ku"),
    ] {
        let x = r(t);
        assert_eq!(x.language.as_deref(), Some(code), "{t}: {x:?}");
        assert!(has_need(&x, Need::Interpretation), "{t}: {x:?}");
    }
}

/// Nowhere to stay, an assault, and the English a guest or a seasonal
/// worker in Åre types.
#[test]
fn nowhere_to_stay_an_assault_and_english_are_read() {
    use crate::vocab::{Form, Need};
    for t in [
        "hon har ingenstans att ta vägen",
        "hon är här på semester och har ingen stans att bo",
        "vart kan hon ta vägen på julafton",
    ] {
        let x = r(t);
        assert!(has_need(&x, Need::ProtectedHousing), "{t}: {x:?}");
    }
    let x = r("turist blev överfallen av sin pojkvän på hotellet");
    assert_ne!(x.situation.forms & Form::Physical.bit(), 0, "{x:?}");
    assert!(x.roles.contains(&Role::Subjected), "{x:?}");
    let x = r("he is choking her");
    assert_ne!(x.situation.forms & Form::Physical.bit(), 0, "{x:?}");
    assert!(r("my girlfriend is scared of her ex, he is outside")
        .situation
        .danger());
}

/// The police's and the clinics' short words: "msg" (målsägande) is the
/// person subjected, a BUP patient is a child; "natten" is not "nätet".
#[test]
fn the_police_and_the_clinics_short_words() {
    use crate::vocab::Form;
    let x = r("msg vill ha skyddat boende");
    assert!(x.roles.contains(&Role::Subjected), "{x:?}");
    let x = r("bup patient berättar om våld hemma");
    assert!(has_group(&x, Group::Children), "{x:?}");
    let x = r("någon att prata med mitt i natten");
    assert_eq!(x.situation.forms & Form::Digital.bit(), 0, "{x:?}");
}

/// A worker's question about the duty to report is a concern for a child
/// asked by a professional.
#[test]
fn the_duty_to_report_is_a_workers_concern_for_a_child() {
    use crate::vocab::Need;
    let x = r("har jag anmälningsplikt när en elev berättar");
    assert!(has_need(&x, Need::ChildProtection), "{x:?}");
    assert!(x.roles.contains(&Role::Professional), "{x:?}");
}

/// A knife held to her, a threat sent on an app, a hunting rifle at home.
#[test]
fn weapons_and_apps_are_read() {
    use crate::vocab::Form;
    let x = r("hon har fått en kniv mot halsen");
    assert_ne!(x.situation.forms & Form::Physical.bit(), 0, "{x:?}");
    assert!(!x.situation.danger(), "{x:?}");
    let x = r("exet skickar hot via snapchat");
    assert_ne!(x.situation.forms & Form::Digital.bit(), 0, "{x:?}");
    assert!(r("han står med jaktgeväret nu").situation.danger());
}

/// Drugged at a party is read as sexual violence; being forced to take
/// drugs is not read as that.
#[test]
fn drugged_is_not_drugs() {
    use crate::vocab::Form;
    let x = r("hon blev drogad på festen");
    assert_ne!(x.situation.forms & Form::Sexual.bit(), 0, "{x:?}");
    let x = r("han tvingar henne att ta droger");
    assert_eq!(x.situation.forms & Form::Sexual.bit(), 0, "{x:?}");
}

/// The honour-related signs a school or a clinic meets: being sent to the
/// home country, genital cutting by its everyday name, a partner forbidden.
#[test]
fn honour_related_signs_are_read() {
    use crate::vocab::Form;
    for t in [
        "flicka 16 rädd att skickas till hemlandet",
        "kvinnlig omskärelse",
        "han får inte ha en flickvän för familjen",
    ] {
        let x = r(t);
        assert_ne!(x.situation.forms & Form::Honour.bit(), 0, "{t}: {x:?}");
    }
    let x = r("brodern vaktar henne hela tiden");
    assert_ne!(x.situation.forms & Form::Psychological.bit(), 0, "{x:?}");
}

/// A pension taken is economic violence; a wheelchair user or a deaf woman
/// is read as a person with a disability.
#[test]
fn pensions_and_disabilities_are_read() {
    use crate::vocab::Form;
    let x = r("hemtjänsten misstänker att sonen tar pensionen");
    assert_ne!(x.situation.forms & Form::Economic.bit(), 0, "{x:?}");
    for t in [
        "rullstolsburen kvinna, partnern tar hennes hjälpmedel",
        "döv kvinna utsatt för våld",
    ] {
        assert!(has_group(&r(t), Group::Disabilities), "{t}");
    }
}

/// A six-letter word one letter from a lexicon word is a word of its own
/// ("kollar" is not "killar"): her boyfriend is not read as a young man
/// subjected to violence.
#[test]
fn a_short_word_is_not_taken_for_a_typo() {
    let x = r("min kille är svartsjuk och kollar min mobil");
    assert!(!has_group(&x, Group::Men), "{x:?}");
    // A longer typo still is one.
    let x = r("hon blev misshandlat av sin sambo");
    assert!(x.roles.contains(&Role::Subjected), "{x:?}");
}

/// A worker's "berättar" is telling, not violence: a typo is matched on a
/// stem only when the lexicon's stem is long enough to be a word of its own
/// ("berätt" is one edit from "beat", the stem of "beaten").
#[test]
fn telling_is_not_a_typo_of_beating() {
    for t in [
        "berättar",
        "elev berattar",
        "hon berättade igår",
        "student berättar om sin mamma",
    ] {
        let x = super::tests::r(t);
        assert_eq!(x.situation.forms, 0, "{t}: {x:?}");
    }
    // A typo of an inflected word is still read.
    let x = super::tests::r("han missandlade henne");
    assert_ne!(x.situation.forms, 0, "{x:?}");
}

/// Everyday words are not a language: "polisen" is not "polish" (one edit
/// between their stems), "därifrån" not Dari and "från".
#[test]
fn the_police_and_there_are_not_languages() {
    for t in [
        "ring polisen",
        "polisens utredning",
        "hon kommer inte därifrån",
        "han gick harifran",
    ] {
        let x = super::tests::r(t);
        assert_eq!(x.language, None, "{t}: {x:?}");
        assert_eq!(
            x.situation.needs & crate::vocab::Need::Interpretation.bit(),
            0,
            "{t}: {x:?}"
        );
    }
    let x = super::tests::r("hon talar bara polska");
    assert_eq!(x.language.as_deref(), Some("pl"), "{x:?}");
}

/// A last word the directory knows whole is not one still being typed:
/// "behöver behandling" is care, not half of "behandlingsprogram" (and so
/// not a person who uses violence); a half word still is.
#[test]
fn a_whole_last_word_is_not_half_of_a_longer_one() {
    let lex = crate::routing::embedded_lexicon().unwrap();
    let known = |w: &str| ["behandling", "behandl"].contains(&w);
    let x = crate::understand::read(&lex, &known, "misshandlad kvinna behöver behandling", &[]);
    assert!(
        !x.roles.contains(&crate::vocab::Role::UsesViolence),
        "{x:?}"
    );
    assert!(x.roles.contains(&crate::vocab::Role::Subjected), "{x:?}");
    let x = crate::understand::read(&lex, &known, "kontaktförb", &[]);
    assert_ne!(x.situation.needs, 0, "{x:?}");
}

/// Sexual abuse of a child as it is told: touching at night, an adult's
/// sexual messages to a pupil (the adult is not the person; the pupil is a
/// child, and the police are asked for), grooming and extortion with images.
#[test]
fn sexual_abuse_of_a_child_as_it_is_told() {
    use crate::vocab::{Form, Group, Need};
    for t in [
        "elev berättar att styvpappa tar på henne på natten",
        "en vuxen man skickar sexuella meddelanden till en elev på snapchat",
        "tjej 13 blir utpressad med nakenbilder",
        "sextortion elev",
    ] {
        let x = super::tests::r(t);
        assert_ne!(x.situation.forms & Form::Sexual.bit(), 0, "{t}: {x:?}");
        assert_ne!(x.situation.groups & Group::Children.bit(), 0, "{t}: {x:?}");
        assert_eq!(x.situation.groups & Group::Men.bit(), 0, "{t}: {x:?}");
    }
    let x = super::tests::r("en vuxen man skickar sexuella meddelanden till en elev");
    assert!(has_need(&x, Need::PoliceReport), "{x:?}");
}

/// What a negation reaches is not looked for in the directory ("vill inte
/// till kvinnojouren" does not name the shelter); fleeing is a place to
/// sleep.
#[test]
fn a_negated_name_is_not_looked_for_and_fleeing_is_a_place_to_sleep() {
    let x = super::tests::r("hon vill inte till kvinnojouren");
    assert!(x.rest.iter().all(|w| !w.starts_with("kvinnojour")), "{x:?}");
    let x = super::tests::r("kvinnojouren i strömsund");
    assert!(x.rest.iter().any(|w| w.starts_with("kvinnojour")), "{x:?}");
    let x = super::tests::r("hon har flytt till oss med barnen mitt i natten");
    assert_ne!(
        x.situation.needs & crate::vocab::Need::ProtectedHousing.bit(),
        0,
        "{x:?}"
    );
    assert!(x.roles.contains(&crate::vocab::Role::Subjected), "{x:?}");
}

/// Someone close asking in English is a relative, not the one subjected.
#[test]
fn a_friend_asking_in_english_is_a_relative() {
    let x = super::tests::r("my friend is being abused by her husband what do i do");
    assert!(x.roles.contains(&crate::vocab::Role::Relative), "{x:?}");
}

/// Two words the directory knows only written together are read as one
/// ("kvinno jour"); words it knows apart stay apart.
#[test]
fn two_words_the_directory_knows_together_are_one() {
    let x = r("nummer till kvinno jour");
    assert!(x.words.iter().any(|w| w == "kvinnojour"), "{x:?}");
    assert!(!x.words.iter().any(|w| w == "jour"), "{x:?}");
    // "relaterade" is known, "heders relaterade" is not one word known.
    let x = r("heders relaterade");
    assert!(!x.words.iter().any(|w| w.starts_with("hedersrel")), "{x:?}");
}

/// What a negation reaches is not looked for, and not counted for
/// relevance: it is a service she does not want.
#[test]
fn a_negated_service_word_is_unwanted() {
    let x = r("hon vill inte att soc kopplas in");
    assert!(x.unwanted.iter().any(|w| w == "soc"), "{x:?}");
    assert!(!x.words.iter().any(|w| w == "soc"), "{x:?}");
    assert!(!x.rest.iter().any(|w| w == "soc"), "{x:?}");
    let x = r("hon vill till soc");
    assert!(x.unwanted.is_empty(), "{x:?}");
}

/// Text mostly in another script asks for an interpreter (the language is
/// not guessed); a Swedish name with å/ä/ö does not; English that says so
/// does too.
#[test]
fn another_script_or_no_swedish_asks_for_an_interpreter() {
    use crate::vocab::Need;
    let tolk = |t: &str| has_need(&r(t), Need::Interpretation);
    assert!(tolk("زوجي يضربني"));
    assert!(tolk("муж бьёт меня"));
    assert!(!tolk("Åsa är rädd för sin man"));
    assert!(!tolk("Şükran blev slagen av sin man"));
    assert!(tolk("my husband beat me and I dont speak swedish"));
    assert_eq!(r("زوجي يضربني").language, None);
    // The chip can be removed.
    let x = r_drop("زوجي يضربني", &["need:interpretation"]);
    assert!(!has_need(&x, Need::Interpretation));
}

/// The agreements' words for violence against women are a woman subjected
/// to violence.
#[test]
fn the_agreements_words_are_a_woman_subjected() {
    let x = r("kvinnomisshandel");
    assert!(has_group(&x, crate::vocab::Group::Women), "{x:?}");
    assert!(x.situation.forms != 0, "{x:?}");
    assert!(has_group(
        &r("mans vald mot kvinnor"),
        crate::vocab::Group::Women
    ));
}

/// Homeless, or asking for somewhere to live, is a place to sleep.
#[test]
fn homeless_or_wanting_a_place_to_live_is_a_place_to_sleep() {
    use crate::vocab::Need;
    for t in [
        "hemlös kvinna utsatt for vald",
        "kvinna med beroende och vald i relationen vill ha boende",
    ] {
        assert!(has_need(&r(t), Need::ProtectedHousing), "{t}");
    }
}

/// A nationality or a language named as people write it is the language
/// and an interpreter: a German tourist, a Romanian woman.
#[test]
fn nationalities_name_the_language() {
    use crate::vocab::Need;
    for (t, l) in [
        (
            "turist i funasdalen, tysk kvinna, mannen har slagit henne",
            "de",
        ),
        ("rumansk kvinna tvingas salja sex", "ro"),
        ("polsk kvinna slagen av sin sambo", "pl"),
    ] {
        let x = r(t);
        assert_eq!(x.language.as_deref(), Some(l), "{t}: {x:?}");
        assert!(has_need(&x, Need::Interpretation), "{t}");
    }
}
