//! The reader on danger now and on what the text says did not happen:
//! negation, a worker's "akut" and "pågår", "just nu", threats.

use super::tests::{has_need, r};

/// A nurse's note that it is not acute is not danger now: "ej akut" is how
/// a journal says it, and 112 first would be wrong. Danger said plainly in
/// another clause still is.
#[test]
fn not_acute_is_not_danger_now() {
    for t in [
        "ej akut, kvinna rädd för sin man",
        "inte akut men hon är rädd för exet",
        "ingen akut fara men hon behöver stöd",
        "inget akut lage, men hon ar radd",
        "hon är inte i akut fara just nu",
        "inte längre akut, han har åkt",
        "not an emergency but she is scared of her husband",
    ] {
        let x = r(t);
        assert!(!x.situation.danger(), "{t}: {x:?}");
    }
    for t in [
        "inte rädd för sig själv men han står utanför dörren nu",
        "hon är inte säker, han försöker ta sig in",
    ] {
        let x = r(t);
        assert!(x.situation.danger(), "{t}: {x:?}");
    }
}

/// What the text says did not happen is not read as a form or a need;
/// what it says did happen is ("han har inte slagit henne men hon får
/// inte pengar" keeps the economic control out of the negated clause).
#[test]
fn what_did_not_happen_is_not_read() {
    use crate::vocab::{Form, Need};
    let x = r("han har inte slagit henne men hotar henne hela tiden");
    assert_eq!(x.situation.forms & Form::Physical.bit(), 0, "{x:?}");
    assert_ne!(x.situation.forms & Form::Psychological.bit(), 0, "{x:?}");
    let x = r("hon vill inte polisanmäla men behöver någonstans att bo");
    assert!(!has_need(&x, Need::PoliceReport), "{x:?}");
    assert!(has_need(&x, Need::ProtectedHousing), "{x:?}");
    // A phrase that holds the negation is read whole.
    let x = r("hon vågar inte åka hem ikväll");
    assert!(has_need(&x, Need::ProtectedHousing), "{x:?}");
    // The negation stops at the clause: the blow is read.
    let x = r("inte rädd men han slog henne igår");
    assert_ne!(x.situation.forms & Form::Physical.bit(), 0, "{x:?}");
}

/// What a person does not have or may not do is often the sign itself: a
/// negation before it takes nothing away.
#[test]
fn what_she_may_not_have_is_still_read() {
    use crate::vocab::{Form, Need};
    let x = r("hon har inga egna pengar, han tar hela lönen");
    assert_ne!(x.situation.forms & Form::Economic.bit(), 0, "{x:?}");
    for t in [
        "kan inte prata svenska, mannen slår henne",
        "hon pratar inte så bra svenska",
    ] {
        let x = r(t);
        assert!(has_need(&x, Need::Interpretation), "{t}: {x:?}");
    }
}

/// A threat to kill said plainly is psychological violence, and danger now
/// only with a word for now.
#[test]
fn a_plain_threat_to_kill_is_read() {
    use crate::vocab::Form;
    let x = r("han har sagt att han ska döda henne om hon går");
    assert_ne!(x.situation.forms & Form::Psychological.bit(), 0, "{x:?}");
    assert!(!x.situation.danger(), "{x:?}");
    let x = r("han säger att han kommer döda mig nu");
    assert!(x.situation.danger(), "{x:?}");
}

/// "akut" and "pågår" about a need or a case are a worker's words, not
/// danger now; about violence they still are.
#[test]
fn an_urgent_need_or_an_ongoing_case_is_not_danger_now() {
    use crate::vocab::Need;
    for t in [
        "utredning pågår, mamma och barn utsatta",
        "pågående ärende om våld i nära relation",
        "barnavårdsutredning pågår",
        "akut behov av skyddat boende",
        "akut boende för kvinna och barn",
        "hon har det akut med ekonomin",
    ] {
        let x = r(t);
        assert!(!x.situation.danger(), "{t}: {x:?}");
    }
    let x = r("akut boende för kvinna och barn");
    assert!(has_need(&x, Need::ProtectedHousing), "{x:?}");
    for t in [
        "våld pågår hos grannen",
        "pågående misshandel i lägenheten",
        "akut",
    ] {
        assert!(r(t).situation.danger(), "{t}");
    }
}

/// "just nu" is danger now with violence in the text, never by itself;
/// injuries that were life-threatening last year are not danger now.
#[test]
fn right_now_is_danger_only_with_violence() {
    for t in [
        "just nu bor hon hos sin mamma",
        "hon har det tufft just nu med exet",
        "hon fick livshotande skador förra året",
    ] {
        let x = r(t);
        assert!(!x.situation.danger(), "{t}: {x:?}");
    }
    for t in [
        "han slår henne just nu",
        "hon blir slagen just nu",
        "he is hitting her right now",
    ] {
        assert!(r(t).situation.danger(), "{t}");
    }
}

/// Thoughts of suicide, as a nurse, a teacher or the woman herself says
/// them, are a need of care that can assess the risk, and not danger now by
/// themselves; his threat to take his own life, or hers, is a threat
/// against her; a worker's note that there are none takes the need back.
#[test]
fn thoughts_of_suicide_and_threats_to_take_a_life() {
    use crate::vocab::{Form, Need};
    let suicide = |t: &str| has_need(&r(t), Need::SuicidePrevention);
    for t in [
        "hon säger att hon inte orkar leva längre",
        "jag vill inte leva mer",
        "orkar inte leva langre",
        "han slog mig igår och nu vill jag inte leva",
        "elev har skrivit att hon vill dö",
        "pat med suicidtankar efter misshandel",
        "har tankar pa att ta livet av mig",
        "hon har självmordstankar, maken kontrollerar allt",
        "my client says she wants to die",
    ] {
        assert!(suicide(t), "{t}: {:?}", r(t));
        assert!(!r(t).situation.danger(), "{t}: {:?}", r(t));
    }
    for t in [
        "inga suicidtankar, sambon slår henne",
        "hon har inte självmordstankar men är rädd för exet",
        "han hotar att ta livet av sig om jag lämnar honom",
        "exet sa att han ska ta livet av mig",
    ] {
        assert!(!suicide(t), "{t}: {:?}", r(t));
    }
    for t in [
        "han hotar att ta livet av sig om jag lämnar honom",
        "exet sa att han ska ta livet av mig",
        "maken har hotat att ta livet av henne",
    ] {
        let x = r(t);
        assert_ne!(
            x.situation.forms & Form::Psychological.bit(),
            0,
            "{t}: {x:?}"
        );
        assert!(!x.situation.danger(), "{t}: {x:?}");
    }
    // With a word for now, a threat to kill is danger now.
    assert!(r("han står här nu och säger att han ska ta livet av mig")
        .situation
        .danger());
}

/// Strangling and smothering, however it is told, is care as well as
/// support (a doctor should see her even with no marks); someone who cannot
/// breathe now is danger now, one who could not breathe yesterday is not.
#[test]
fn strangling_is_care_and_breath_now_is_danger() {
    use crate::vocab::{Form, Need};
    for t in [
        "sambon tog stryptag på henne ikväll, inga synliga märken",
        "han strop mig igar",
        "maken tog henne om halsen så hon inte kunde andas",
        "pojkvannen tryckte en kudde over hennes ansikte inatt",
        "patient says her husband choked her last week",
        "exet höll för munnen på mig",
    ] {
        let x = r(t);
        assert!(has_need(&x, Need::MedicalCare), "{t}: {x:?}");
        assert_ne!(x.situation.forms & Form::Physical.bit(), 0, "{t}: {x:?}");
        assert!(!x.situation.danger(), "{t}: {x:?}");
        assert!(x.roles.contains(&super::Role::Subjected), "{t}: {x:?}");
    }
    for t in [
        "han strypte henne, hon kan inte andas",
        "hon kan knappt andas efter att han tog henne om halsen",
    ] {
        assert!(r(t).situation.danger(), "{t}: {:?}", r(t));
    }
}

/// Danger now as a neighbour or a caller tells it, without the word for
/// danger: screams heard now, a whisper because he is there, a woman locked
/// in the bathroom. What was heard on Saturday is not danger now.
#[test]
fn danger_now_as_a_neighbour_or_a_caller_tells_it() {
    for t in [
        "grannen hor skrik och smallar fran lagenheten bredvid",
        "kvinna ringer och viskar att han är hemma",
        "hon har last in sig i badrummet",
        "hon kan inte prata nu, han är hemma",
        "han har kört iväg med barnen full",
        "det luktar gas och han hotar att tända på",
    ] {
        assert!(r(t).situation.danger(), "{t}: {:?}", r(t));
    }
    for t in [
        "grannen hörde skrik i lördags",
        "granne hor brak och skrik varje helg",
        "hon låste in sig i badrummet igår",
        "han hotade att bränna ner huset förra året",
        "hon kan inte prata svenska, mannen slår henne",
    ] {
        assert!(!r(t).situation.danger(), "{t}: {:?}", r(t));
    }
    // "slagit sönder" is something broken, not a son.
    let x = r("han har slagit sönder telefonen");
    assert!(
        x.situation.groups & crate::vocab::Group::Children.bit() == 0,
        "{x:?}"
    );
}

/// He is near only when he is the one near: the same words about her, her
/// mother or the labour market are not danger now.
#[test]
fn he_is_near_only_when_he_is_the_one_near() {
    for t in [
        "han sitter i bilen utanfor och vantar pa henne",
        "exet star utanfor",
        "nagon bankar pa dorren",
        "my ex is outside",
        "polisen kommer inte forran om tva timmar, han ar pa vag tillbaka",
    ] {
        assert!(r(t).situation.danger(), "{t}");
    }
    for t in [
        "hon ar pa vag hit till mottagningen",
        "hon star utanfor arbetsmarknaden och har inga pengar",
        "mamma sitter utanfor i bilen och vantar pa mig",
        "exet star utanfor jobbet varje dag",
    ] {
        assert!(!r(t).situation.danger(), "{t}");
    }
}

#[test]
fn a_knife_in_his_hand_or_a_door_kicked_in_is_danger_now() {
    // What a woman or her friend types on julafton night.
    for text in [
        "han har en kniv och ar full",
        "hon har lasat in sig pa toaletten och han sparkar pa dorren",
        "han sparkar pa dorren",
        "han star med en kniv i koket",
    ] {
        let x = r(text);
        assert!(x.situation.danger(), "{text}: {x:?}");
    }
    // Told of before, as a habit, or denied: no danger now.
    for text in [
        "han hade en kniv forra veckan",
        "han har ingen kniv",
        "han brukar sparka pa dorren nar han ar full",
    ] {
        let x = r(text);
        assert!(!x.situation.danger(), "{text}: {x:?}");
    }
}

#[test]
fn a_threat_for_tonight_or_him_there_threatening_is_danger_now() {
    for text in [
        "hon har fatt ett sms att han ska komma och doda henne ikvall",
        "hon ringer fran en toalett pa festen, exet ar dar och hotar",
    ] {
        let x = r(text);
        assert!(x.situation.danger(), "{text}: {x:?}");
    }
    // Tonight without a threat, or threats told of before.
    for text in [
        "hon vill ha skyddat boende ikvall",
        "han har hotat henne manga ganger men ikvall ar hon hos sin mamma",
        "han hotade henne igar",
    ] {
        let x = r(text);
        assert!(!x.situation.danger(), "{text}: {x:?}");
    }
}
