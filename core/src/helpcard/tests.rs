use super::*;
use crate::api::OpenOptions;

const GOOD: &str = r#"
lang = "ar"
name = "العربية"
name_sv = "Arabiska"
name_en = "Arabic"
direction = "rtl"
reviewed = false
version = 1
title = "لست وحدك"
points = ["ليس الذنب ذنبك.", "اتصل بالرقم 112."]
numbers = [
  { number = "020-50 50 50", label = "Kvinnofridslinjen" },
  { number = "112", label = "112" },
]
"#;

fn errors(file: &str, text: &str) -> String {
    from_toml(file, text).unwrap_err().join("\n")
}

#[test]
fn a_good_card_parses() {
    let c = from_toml("help-cards/ar.toml", GOOD).unwrap();
    assert_eq!(c.direction, TextDirection::Rtl);
    assert!(!c.reviewed);
    assert_eq!(c.numbers.len(), 2);
}

#[test]
fn a_wrong_direction_for_a_known_language_is_refused() {
    let e = errors(
        "help-cards/ar.toml",
        &GOOD.replace(r#"direction = "rtl""#, r#"direction = "ltr""#),
    );
    assert!(
        e.contains("help-cards/ar.toml: 'ar' is written right to left: direction must be \"rtl\""),
        "{e}"
    );
    for lang in ["fa", "prs"] {
        let t = GOOD
            .replace(r#"lang = "ar""#, &format!("lang = \"{lang}\""))
            .replace(r#"direction = "rtl""#, r#"direction = "ltr""#);
        let e = errors(&format!("help-cards/{lang}.toml"), &t);
        assert!(e.contains("right to left"), "{lang}: {e}");
    }
    let t = GOOD.replace(r#"lang = "ar""#, r#"lang = "uk""#);
    let e = errors("help-cards/uk.toml", &t);
    assert!(e.contains("'uk' is written left to right"), "{e}");
    // An unknown direction value is a parse error naming the file.
    let e = errors(
        "help-cards/ar.toml",
        &GOOD.replace(r#"direction = "rtl""#, r#"direction = "up""#),
    );
    assert!(e.starts_with("help-cards/ar.toml: "), "{e}");
}

#[test]
fn a_missing_national_number_is_refused() {
    let t = GOOD.replace(
        r#"  { number = "020-50 50 50", label = "Kvinnofridslinjen" },
"#,
        "",
    );
    let e = errors("help-cards/ar.toml", &t);
    assert!(
        e.contains("the national number 020-50 50 50 is missing from numbers"),
        "{e}"
    );
    let t = GOOD.replace(
        r#"  { number = "112", label = "112" },
"#,
        "",
    );
    assert!(errors("help-cards/ar.toml", &t).contains("the national number 112 is missing"));
}

#[test]
fn a_number_outside_the_safe_national_list_is_refused() {
    // In the list: a one-digit typo of Kvinnofridslinjen, and a demo number.
    let t = GOOD.replace(
        r#"{ number = "112", label = "112" },"#,
        r#"{ number = "112", label = "112" },
  { number = "020-50 50 05", label = "typo" },
  { number = "070-174 06 05", label = "demo" },"#,
    );
    let e = errors("help-cards/ar.toml", &t);
    assert!(
        e.contains("the number '020-50 50 05' is not one of the verified national numbers"),
        "{e}"
    );
    assert!(e.contains("'070-174 06 05'"), "{e}");
    // In the text, also in Arabic-Indic digits.
    let t = GOOD.replace("اتصل بالرقم 112.", "اتصل بالرقم 020-50 50 05.");
    let e = errors("help-cards/ar.toml", &t);
    assert!(
        e.contains("the text gives the number '020 50 50 05'"),
        "{e}"
    );
    let t = GOOD.replace("اتصل بالرقم 112.", "اتصل بالرقم ١١٣.");
    let e = errors("help-cards/ar.toml", &t);
    assert!(e.contains("the text gives the number '113'"), "{e}");
    // ١١٢ is 112: allowed.
    let t = GOOD.replace("اتصل بالرقم 112.", "اتصل بالرقم ١١٢.");
    assert!(from_toml("help-cards/ar.toml", &t).is_ok());
}

#[test]
fn a_translation_must_say_whether_it_is_reviewed() {
    let t = GOOD.replace("reviewed = false\n", "");
    let e = errors("help-cards/ar.toml", &t);
    assert!(e.contains("reviewed is missing"), "{e}");
    // Swedish is the source: reviewed unless it says otherwise.
    let sv = GOOD
        .replace(r#"lang = "ar""#, r#"lang = "sv""#)
        .replace(r#"direction = "rtl""#, r#"direction = "ltr""#)
        .replace("reviewed = false\n", "")
        .replace(
            "اتصل بالرقم 112.",
            "Samtalet syns i telefonens samtalslista. Ring 112.",
        );
    assert!(from_toml("help-cards/sv.toml", &sv).unwrap().reviewed);
}

#[test]
fn other_mistakes_name_the_file_and_the_field() {
    let e = errors("help-cards/so.toml", GOOD);
    assert!(
        e.contains("help-cards/so.toml: the file of lang 'ar' must be named ar.toml"),
        "{e}"
    );
    let e = errors(
        "help-cards/ar.toml",
        &GOOD.replace(
            r#"points = ["ليس الذنب ذنبك.", "اتصل بالرقم 112."]"#,
            "points = []",
        ),
    );
    assert!(e.contains("points is empty"), "{e}");
    let e = errors(
        "help-cards/ar.toml",
        &GOOD.replace("version = 1", "version = 0"),
    );
    assert!(e.contains("version must be 1 or more"), "{e}");
    let e = errors("help-cards/ar.toml", &format!("{GOOD}\ncolour = \"red\"\n"));
    assert!(e.contains("colour"), "{e}");
    let e = errors(
        "help-cards/ar.toml",
        &GOOD.replace(r#"name = "العربية""#, r#"name = " ""#),
    );
    assert!(e.contains("name is empty"), "{e}");
}

#[test]
fn a_set_needs_swedish_and_one_card_per_language() {
    let files = vec![("help-cards/ar.toml".to_string(), GOOD.to_string())];
    let e = parse_set(&files).unwrap_err().join("\n");
    assert!(e.contains("the Swedish card (sv.toml) is missing"), "{e}");
    let files = vec![
        ("help-cards/ar.toml".to_string(), GOOD.to_string()),
        ("x/ar.toml".to_string(), GOOD.to_string()),
    ];
    let e = parse_set(&files).unwrap_err().join("\n");
    assert!(e.contains("x/ar.toml: a second card for lang 'ar'"), "{e}");
}

#[test]
fn the_bundled_cards_are_valid_and_complete() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/help-cards");
    let cards = load_dir(&dir).unwrap_or_else(|e| panic!("{}", e.join("\n")));
    let women: Vec<&str> = cards
        .iter()
        .filter(|c| c.audience == Audience::Women)
        .map(|c| c.lang.as_str())
        .collect();
    assert_eq!(
        women,
        ["sv", "en", "ar", "so", "ti", "prs", "fa", "uk", "fi", "sma"]
    );
    // Swedish, the source, exists for every audience.
    for a in Audience::ALL {
        assert!(
            cards.iter().any(|c| c.lang == "sv" && c.audience == a),
            "no Swedish card for {}",
            a.id()
        );
    }
    for c in &cards {
        let id = c.record_id();
        let rtl = ["ar", "prs", "fa"].contains(&c.lang.as_str());
        assert_eq!(c.direction == TextDirection::Rtl, rtl, "{id}");
        // Only Swedish, the source, is reviewed (South Sami and Finnish too
        // are marked not reviewed).
        assert_eq!(c.reviewed, c.lang == "sv", "{id}");
        let text = c.points.join(" ");
        assert!(text.contains("112"), "{id}: 112");
        match c.audience {
            Audience::Women => {
                assert!(text.contains("020-50 50 50"), "{id}: the national line");
                assert!(text.contains("Kvinnofridslinjen"), "{id}");
            }
            Audience::Children => assert!(text.contains("116 111"), "{id}: Bris"),
            Audience::Men => {
                assert!(text.contains("116 006"), "{id}: Brottsofferjouren");
                assert!(!text.contains("020-50 50 50"), "{id}");
            }
            Audience::PeopleWhoUseViolence => assert!(!text.contains("020-50 50 50"), "{id}"),
        }
    }
}

const SV_MEN: &str = r#"
lang = "sv"
audience = "men"
name = "Svenska"
name_sv = "Svenska"
name_en = "Swedish"
direction = "ltr"
version = 1
title = "Du är inte ensam"
points = [
  "Brottsofferjourens stödlinje 116 006: stödet är kostnadsfritt och du kan vara anonym.",
  "Samtalet syns i telefonens samtalslista.",
  "Är du i fara nu? Ring 112.",
]
numbers = [
  { number = "116 006", label = "Brottsofferjouren" },
  { number = "112", label = "Vid fara" },
]
"#;

#[test]
fn each_audience_gets_its_own_lines_and_never_the_womens_line_for_men() {
    let c = from_toml("help-cards/sv.men.toml", SV_MEN).unwrap();
    assert_eq!(
        (c.audience, c.record_id().as_str()),
        (Audience::Men, "sv.men")
    );
    // A men's card that sends to Kvinnofridslinjen is refused, in the list
    // or in the text.
    let bad = SV_MEN.replace(
        r#"{ number = "112", label = "Vid fara" },"#,
        r#"{ number = "112", label = "Vid fara" }, { number = "020-50 50 50", label = "K" },"#,
    );
    let e = errors("help-cards/sv.men.toml", &bad);
    assert!(
        e.contains("a card for men must not give 020-50 50 50"),
        "{e}"
    );
    let bad = SV_MEN.replace("Ring 112.", "Ring 112 eller 020-50 50 50.");
    assert!(errors("help-cards/sv.men.toml", &bad).contains("must not give 020-50 50 50"));
    // Without its own line (116 006) it is refused.
    let bad = SV_MEN.replace(
        r#"{ number = "116 006", label = "Brottsofferjouren" },"#,
        "",
    );
    let e = errors("help-cards/sv.men.toml", &bad);
    assert!(e.contains("the national number 116 006 is missing"), "{e}");
    // A children's card needs Bris.
    let kids = SV_MEN
        .replace(r#"audience = "men""#, r#"audience = "children""#)
        .replace("116 006", "116 111");
    assert!(from_toml("help-cards/sv.children.toml", &kids).is_ok());
    let e = errors(
        "help-cards/sv.children.toml",
        &kids.replace(
            r#"{ number = "116 111", label = "Brottsofferjouren" },"#,
            "",
        ),
    );
    assert!(e.contains("116 111 is missing"), "{e}");
    // The file is named after the language and the audience.
    let e = errors("help-cards/sv.toml", SV_MEN);
    assert!(e.contains("must be named sv.men.toml"), "{e}");
    // An unknown audience names the field.
    let e = errors(
        "help-cards/sv.men.toml",
        &SV_MEN.replace(r#"audience = "men""#, r#"audience = "dogs""#),
    );
    assert!(e.contains("dogs"), "{e}");
}

#[test]
fn the_swedish_source_promises_only_what_the_line_promises_and_names_the_call_list() {
    // "Help is free" for every help is a promise no card can make.
    let bad = SV_MEN.replace(
        r#"  "Samtalet syns"#,
        r#"  "Hjälpen är gratis. Du kan vara anonym.",
  "Samtalet syns"#,
    );
    let e = errors("help-cards/sv.men.toml", &bad);
    assert!(
        e.contains("promises 'gratis' without naming the line that promises it"),
        "{e}"
    );
    // 112 is not a line that promises anonymity.
    let bad = SV_MEN.replace("Ring 112.", "Ring 112, anonymt.");
    assert!(errors("help-cards/sv.men.toml", &bad).contains("promises 'anonym'"));
    // The call list line is required of a card for people subjected to violence…
    let bad = SV_MEN.replace(
        "Samtalet syns i telefonens samtalslista.",
        "Du är välkommen.",
    );
    let e = errors("help-cards/sv.men.toml", &bad);
    assert!(e.contains("the call shows in the phone's call list"), "{e}");
    // …not of one for people who use violence.
    let pwuv = bad
        .replace(
            r#"audience = "men""#,
            r#"audience = "people_who_use_violence""#,
        )
        .replace(
            "Brottsofferjourens stödlinje 116 006: stödet är kostnadsfritt och du kan vara anonym.",
            "Socialtjänsten kan hjälpa dig att sluta.",
        )
        .replace(
            r#"{ number = "116 006", label = "Brottsofferjouren" },"#,
            "",
        );
    from_toml("help-cards/sv.people_who_use_violence.toml", &pwuv)
        .unwrap_or_else(|e| panic!("{e:?}"));
    // Translations follow the source and are not held to Swedish words.
    let en = SV_MEN
        .replace(r#"lang = "sv""#, "lang = \"en\"\nreviewed = false")
        .replace(
            "Samtalet syns i telefonens samtalslista.",
            "The call shows in the call list.",
        );
    assert!(from_toml("help-cards/en.men.toml", &en).is_ok());
}

fn open(lang: Lang) -> (tempfile::TempDir, Fyr) {
    let d = tempfile::tempdir().unwrap();
    let f = Fyr::open(OpenOptions {
        data_dir: d.path().into(),
        key: None,
        lang,
    })
    .unwrap();
    (d, f)
}

#[test]
fn a_fresh_install_has_every_card_offline() {
    let (_d, f) = open(Lang::Sv);
    let langs = f.help_card_languages().unwrap();
    assert_eq!(langs.len(), 10);
    let sv = langs.iter().find(|l| l.lang == "sv").unwrap();
    assert_eq!(
        sv.audiences,
        ["women", "children", "men", "people_who_use_violence"]
    );
    let sma = langs.iter().find(|l| l.lang == "sma").unwrap();
    assert!(!sma.reviewed && sma.audiences == ["women"]);
    // The cards for other audiences, offline too.
    let men = f.help_card_for("sv", Audience::Men).unwrap();
    let uris: Vec<&str> = men.numbers.iter().map(|n| n.uri.as_str()).collect();
    assert_eq!(
        (men.audience.as_str(), uris),
        ("men", vec!["tel:116006", "tel:112"])
    );
    let kids = f.help_card_for("en", Audience::Children).unwrap();
    assert!(kids.numbers.iter().any(|n| n.uri == "tel:116111"));
    let e = f.help_card_for("ar", Audience::Children).unwrap_err();
    assert_eq!(e.kind(), crate::ErrorKind::NotFound);
    assert!(
        e.to_string().contains("for children (there are: sv, en)"),
        "{e}"
    );
    let ar = langs.iter().find(|l| l.lang == "ar").unwrap();
    assert_eq!(
        (ar.name.as_str(), ar.label.as_str()),
        ("العربية", "Arabiska")
    );
    assert_eq!(ar.direction, TextDirection::Rtl);
    let card = f.help_card("AR ").unwrap();
    assert_eq!(card.direction, TextDirection::Rtl);
    assert!(!card.reviewed);
    assert_eq!(
        card.not_reviewed_notice.as_deref(),
        Some("Översättningen är ännu inte granskad av en modersmålstalare.")
    );
    let uris: Vec<&str> = card.numbers.iter().map(|n| n.uri.as_str()).collect();
    assert_eq!(uris, ["tel:020505050", "tel:112"]);
    let sv = f.help_card("sv").unwrap();
    assert!(sv.reviewed && sv.not_reviewed_notice.is_none());
    let e = f.help_card("de").unwrap_err();
    assert_eq!(e.kind(), crate::ErrorKind::NotFound);
    assert!(
        e.to_string().contains("'de'") && e.to_string().contains("ar, so"),
        "{e}"
    );
    let (_d, f) = open(Lang::En);
    let langs = f.help_card_languages().unwrap();
    assert_eq!(langs[2].label, "Arabic");
    assert_eq!(
        f.help_card("so").unwrap().not_reviewed_notice.as_deref(),
        Some("This translation has not yet been reviewed by a native speaker.")
    );
}

/// Kvinnofridslinjen's languages and interpreter offer read the same in the
/// directory, on the help cards and in search: it speaks Swedish and English
/// and brings an interpreter into the call for any other language (need
/// `interpretation`; it is not an authority in routing's `interpreter` list).
#[test]
fn kvinnofridslinjen_offers_the_same_languages_everywhere() {
    let dir = crate::content::embedded_directory().unwrap();
    let kfl = dir
        .services
        .iter()
        .find(|s| s.id == "kvinnofridslinjen")
        .unwrap();
    assert_eq!(kfl.languages, ["sv", "en"]);
    assert!(kfl.needs.contains(&crate::vocab::Need::Interpretation));
    assert!(
        kfl.description.sv.contains("svenska eller engelska")
            && kfl.description.sv.contains("tolk")
    );
    let cards =
        load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/help-cards")).unwrap();
    let card = |l: &str| {
        cards
            .iter()
            .find(|c| c.lang == l && c.audience == Audience::Women)
            .unwrap()
            .points
            .join(" ")
    };
    let sv = card("sv");
    assert!(
        sv.contains("svenska eller engelska") && sv.contains("tolk"),
        "{sv}"
    );
    let en = card("en");
    assert!(
        en.contains("Swedish or English") && en.contains("interpreter"),
        "{en}"
    );
    // A search in a language nobody in the directory speaks still gives it.
    let (_d, f) = open(Lang::Sv);
    for lang in ["so", "ti", "sma"] {
        let hits = f
            .search(&crate::search::SearchQuery {
                language: Some(lang.into()),
                municipality: Some("Berg".into()),
                ..Default::default()
            })
            .unwrap();
        assert!(
            hits.iter().take(5).any(|h| h.id == "kvinnofridslinjen"),
            "{lang}: {:?}",
            hits.iter().take(5).map(|h| &h.id).collect::<Vec<_>>()
        );
    }
}
