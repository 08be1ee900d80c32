//! Help cards: a short card a member of staff shows the person in front of
//! them, in the language that person reads best — it is not your fault;
//! help is free and can be anonymous; the national line that answers around
//! the clock, with interpreters; 112 in danger.
//!
//! Cards are content (`content/help-cards/<lang>.toml`, record kind
//! `help_card`, signed and synced like the directory). Validation refuses a
//! card whose text direction is wrong for a known right-to-left (or
//! left-to-right) language, one without Kvinnofridslinjen or 112, and any
//! number — in the list or in the text — that is not one of the verified
//! national numbers. A translation carries `reviewed = false` until a native
//! speaker has checked it for a region; the apps show that mark.

use crate::api::Fyr;
#[cfg(feature = "authoring")]
use crate::content::{normalize_number, NATIONAL_NUMBERS};
use crate::error::{Error, Result};
use crate::feed::{Record, RecordKind};
use crate::present::tel_digits;
use crate::vocab::Lang;
use serde::{Deserialize, Serialize};
#[cfg(feature = "authoring")]
use std::collections::HashSet;
#[cfg(feature = "authoring")]
use std::path::Path;

/// Every card for women must give these: Kvinnofridslinjen (around the
/// clock, with interpreters) and 112. Other audiences: [`Audience::required_numbers`].
pub const REQUIRED_NUMBERS: &[&str] = &["020-50 50 50", "112"];

/// Languages written right to left: Arabic, Persian, Dari, Urdu, Pashto,
/// Hebrew, Sorani.
pub const RTL_LANGS: &[&str] = &["ar", "fa", "prs", "ur", "ps", "he", "ckb"];
/// Languages known to be written left to right (a card in one of them
/// marked `rtl` is refused, too).
pub const LTR_LANGS: &[&str] = &[
    "sv", "en", "so", "ti", "uk", "ru", "fi", "smi", "se", "bs", "hr", "sr", "pl", "tr", "es",
    "de", "fr", "am", "ku", "kmr", "sma", "sme", "smj",
];
/// The order languages are listed in: Swedish and English first, then the
/// languages the agreements' regions meet most, then any other by id.
/// Finnish and South Sami (national minority languages; Jämtland's Sami
/// administrative area) after the languages of newcomers.
const ORDER: &[&str] = &["sv", "en", "ar", "so", "ti", "prs", "fa", "uk", "fi", "sma"];

/// Which way the text runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum TextDirection {
    Ltr,
    Rtl,
}

/// A number on a card, with its label in the card's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelpNumber {
    pub number: String,
    pub label: String,
}

/// A help card as content (the record's canonical JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HelpCard {
    /// BCP 47 language id ("ar", "prs" for Dari); also the record id.
    pub lang: String,
    /// The language's name in itself ("العربية").
    pub name: String,
    pub name_sv: String,
    pub name_en: String,
    pub direction: TextDirection,
    /// Checked by a native speaker for a region. Swedish, the source, is.
    pub reviewed: bool,
    pub version: u32,
    /// Whom the card is for (women when absent).
    #[serde(default, skip_serializing_if = "Audience::is_women")]
    pub audience: Audience,
    pub title: String,
    /// Short sentences, in order.
    pub points: Vec<String>,
    pub numbers: Vec<HelpNumber>,
}

impl HelpCard {
    /// The record id: `<lang>` for the women's card, `<lang>.<audience>` else.
    pub fn record_id(&self) -> String {
        match self.audience {
            Audience::Women => self.lang.clone(),
            a => format!("{}.{}", self.lang, a.id()),
        }
    }
}

/// The TOML file: `reviewed` must be written out for every translation.
#[cfg(feature = "authoring")]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HelpCardFile {
    lang: String,
    name: String,
    name_sv: String,
    name_en: String,
    direction: TextDirection,
    reviewed: Option<bool>,
    version: u32,
    #[serde(default)]
    audience: Audience,
    title: String,
    points: Vec<String>,
    numbers: Vec<HelpNumber>,
}

/// A language a card exists in, for the language picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct HelpCardLanguage {
    pub lang: String,
    /// The name in the language itself ("العربية", "Soomaali").
    pub name: String,
    /// The name in the user's language ("Arabiska" / "Arabic").
    pub label: String,
    pub direction: TextDirection,
    pub reviewed: bool,
    /// Whom the cards in this language are for: "women" (this entry's card),
    /// then "children", "men", "people_who_use_violence" where they exist.
    pub audiences: Vec<String>,
}

/// A number on the card, ready to tap.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct HelpCardNumber {
    /// As written, to copy ("020-50 50 50").
    pub number: String,
    /// To show: the number as one left-to-right unit (Unicode isolate), so
    /// right-to-left text never reverses its groups.
    pub display: String,
    /// In the card's language, numbers in it isolated.
    pub label: String,
    /// "tel:020505050", "tel:112".
    pub uri: String,
}

/// A card ready to show: the text in the card's language and direction, and
/// in the user's language the mark that the translation is not reviewed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct HelpCardView {
    pub lang: String,
    /// Whom the card is for: "women", "children", "men", "people_who_use_violence".
    pub audience: String,
    pub name: String,
    pub direction: TextDirection,
    pub reviewed: bool,
    pub version: u32,
    pub title: String,
    pub points: Vec<String>,
    pub numbers: Vec<HelpCardNumber>,
    /// "Översättningen är ännu inte granskad …" when not reviewed.
    pub not_reviewed_notice: Option<String>,
}

#[cfg(feature = "authoring")]
fn lang_id_ok(s: &str) -> bool {
    let mut parts = s.split('-');
    let primary = parts.next().unwrap_or_default();
    (2..=3).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_lowercase())
        && parts.all(|p| (2..=4).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Unicode decimal digits (Arabic-Indic, Persian) read as ASCII digits, so a
/// number written in them is checked too.
#[cfg(feature = "authoring")]
fn ascii_digit(c: char) -> Option<char> {
    match c {
        '0'..='9' => Some(c),
        '\u{660}'..='\u{669}' => char::from_digit(c as u32 - 0x660, 10),
        '\u{6f0}'..='\u{6f9}' => char::from_digit(c as u32 - 0x6f0, 10),
        _ => None,
    }
}

/// The phone-number-like runs of a text: digits with spaces or hyphens
/// between them, at least three digits.
#[cfg(feature = "authoring")]
fn numbers_in(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut run = String::new();
    let mut pending_sep = false;
    let flush = |run: &mut String, out: &mut Vec<String>| {
        if run.chars().filter(char::is_ascii_digit).count() >= 3 {
            out.push(run.clone());
        }
        run.clear();
    };
    for c in text.chars() {
        if let Some(d) = ascii_digit(c) {
            if pending_sep {
                run.push(' ');
            }
            pending_sep = false;
            run.push(d);
        } else if (c == ' ' || c == '-' || c == '\u{a0}') && !run.is_empty() && !pending_sep {
            pending_sep = true;
        } else {
            flush(&mut run, &mut out);
            pending_sep = false;
        }
    }
    flush(&mut run, &mut out);
    out
}

#[cfg(feature = "authoring")]
fn is_national(number: &str) -> bool {
    let n = normalize_number(number);
    NATIONAL_NUMBERS.iter().any(|x| normalize_number(x) == n)
}

/// Parses and validates one card file; errors name the file and the problem.
#[cfg(feature = "authoring")]
pub fn from_toml(file: &str, text: &str) -> std::result::Result<HelpCard, Vec<String>> {
    let f: HelpCardFile =
        toml::from_str(text).map_err(|e| vec![format!("{file}: {}", e.message())])?;
    if let Some(u) = crate::evolve::unknown_toml_fields::<HelpCardFile>(text).first() {
        return Err(vec![format!("{file}: unknown field `{u}`")]);
    }
    let mut errs = Vec::new();
    let mut err = |m: String| errs.push(format!("{file}: {m}"));
    if !lang_id_ok(&f.lang) {
        err(format!(
            "lang '{}' is not a language id (e.g. ar, so, prs)",
            f.lang
        ));
    }
    let stem = Path::new(file)
        .file_stem()
        .map(|s| s.to_string_lossy().to_string())
        .unwrap_or_default();
    let want_stem = match f.audience {
        Audience::Women => f.lang.clone(),
        a => format!("{}.{}", f.lang, a.id()),
    };
    if stem != want_stem {
        let whom = match f.audience {
            Audience::Women => String::new(),
            a => format!(" for {}", a.id()),
        };
        err(format!(
            "the file of lang '{}'{whom} must be named {want_stem}.toml",
            f.lang
        ));
    }
    for (what, v) in [
        ("name", &f.name),
        ("name_sv", &f.name_sv),
        ("name_en", &f.name_en),
        ("title", &f.title),
    ] {
        if v.trim().is_empty() {
            err(format!("{what} is empty"));
        }
    }
    let primary = f.lang.split('-').next().unwrap_or_default();
    match f.direction {
        TextDirection::Ltr if RTL_LANGS.contains(&primary) => err(format!(
            "'{}' is written right to left: direction must be \"rtl\"",
            f.lang
        )),
        TextDirection::Rtl if LTR_LANGS.contains(&primary) => err(format!(
            "'{}' is written left to right: direction must be \"ltr\"",
            f.lang
        )),
        _ => {}
    }
    let reviewed = match (f.reviewed, f.lang == "sv") {
        (Some(r), _) => r,
        (None, true) => true,
        (None, false) => {
            err("reviewed is missing: a translation says `reviewed = false` until a native speaker has checked it".into());
            false
        }
    };
    if f.version == 0 {
        err("version must be 1 or more".into());
    }
    if f.points.is_empty() {
        err("points is empty: the card says nothing".into());
    }
    for (i, p) in f.points.iter().enumerate() {
        if p.trim().is_empty() {
            err(format!("point {} is empty", i + 1));
        }
    }
    for n in &f.numbers {
        if !is_national(&n.number) {
            err(format!(
                "the number '{}' is not one of the verified national numbers ({})",
                n.number,
                NATIONAL_NUMBERS.join(", ")
            ));
        }
        if n.label.trim().is_empty() {
            err(format!("the number '{}' has no label", n.number));
        }
    }
    for forbidden in f.audience.forbidden_numbers() {
        let no = normalize_number(forbidden);
        if f.numbers.iter().any(|n| normalize_number(&n.number) == no)
            || std::iter::once(&f.title)
                .chain(&f.points)
                .any(|t| numbers_in(t).iter().any(|n| normalize_number(n) == no))
        {
            err(format!(
                "a card for {} must not give {forbidden}: that line is for women",
                f.audience.id()
            ));
        }
    }
    for required in f.audience.required_numbers() {
        let want = normalize_number(required);
        if !f
            .numbers
            .iter()
            .any(|n| normalize_number(&n.number) == want)
        {
            err(format!(
                "the national number {required} is missing from numbers"
            ));
        }
    }
    for text in std::iter::once(&f.title).chain(&f.points) {
        for n in numbers_in(text) {
            if !is_national(&n) {
                err(format!(
                    "the text gives the number '{n}', which is not one of the verified national numbers"
                ));
            }
        }
    }
    // The Swedish source is held to what the translations follow: a promise
    // ("free", "anonymous") only beside the line that makes it, and for the
    // people subjected to violence the line that the call shows in the
    // phone's call list (whoever checks the phone sees it).
    if f.lang == "sv" {
        for p in &f.points {
            if let Some(w) = promise_without_a_line(p, &f.numbers) {
                err(format!(
                    "the point '{p}' promises '{w}' without naming the line that promises it"
                ));
            }
        }
        if f.audience.is_subjected() && !f.points.iter().any(|p| p.contains("samtalslista")) {
            err("no point says that the call shows in the phone's call list (samtalslista)".into());
        }
    }
    if !errs.is_empty() {
        return Err(errs);
    }
    Ok(HelpCard {
        lang: f.lang,
        name: f.name,
        name_sv: f.name_sv,
        name_en: f.name_en,
        direction: f.direction,
        reviewed,
        version: f.version,
        audience: f.audience,
        title: f.title,
        points: f.points,
        numbers: f.numbers,
    })
}

/// Validates a set of cards (one per language, Swedish among them) from
/// `(file name, text)` pairs.
#[cfg(feature = "authoring")]
pub fn parse_set(files: &[(String, String)]) -> std::result::Result<Vec<HelpCard>, Vec<String>> {
    let mut errs = Vec::new();
    let mut cards: Vec<HelpCard> = Vec::new();
    let mut seen = HashSet::new();
    for (name, text) in files {
        match from_toml(name, text) {
            Ok(c) => {
                if !seen.insert(c.record_id()) {
                    errs.push(format!(
                        "{name}: a second card for lang '{}' ({})",
                        c.lang,
                        c.audience.id()
                    ));
                }
                cards.push(c);
            }
            Err(e) => errs.extend(e),
        }
    }
    if errs.is_empty() && !files.is_empty() && !seen.contains("sv") {
        errs.push("help-cards: the Swedish card (sv.toml) is missing".into());
    }
    if errs.is_empty() {
        sort(&mut cards);
        Ok(cards)
    } else {
        Err(errs)
    }
}

fn rank(lang: &str) -> (usize, String) {
    (
        ORDER.iter().position(|l| *l == lang).unwrap_or(ORDER.len()),
        lang.to_string(),
    )
}

fn sort(cards: &mut [HelpCard]) {
    cards.sort_by_key(|c| (rank(&c.lang), c.audience as u8));
}

/// `dir/*.toml` (a missing folder is no cards).
#[cfg(feature = "authoring")]
pub fn load_dir(dir: &Path) -> std::result::Result<Vec<HelpCard>, Vec<String>> {
    if !dir.exists() {
        return Ok(Vec::new());
    }
    let shown = dir.display().to_string();
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| vec![format!("{shown}: cannot read directory: {e}")])?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    let mut files = Vec::new();
    for p in paths {
        let name = p.display().to_string();
        let text =
            std::fs::read_to_string(&p).map_err(|e| vec![format!("{name}: cannot read: {e}")])?;
        files.push((name, text));
    }
    parse_set(&files)
}

/// The records of validated cards (id = lang, or lang.audience).
pub fn records(cards: &[HelpCard]) -> Vec<Record> {
    cards
        .iter()
        .map(|c| Record::new(RecordKind::HelpCard, c.record_id(), c))
        .collect()
}

fn view(c: HelpCard, lang: Lang) -> HelpCardView {
    HelpCardView {
        numbers: c
            .numbers
            .iter()
            .filter_map(|n| {
                Some(HelpCardNumber {
                    uri: format!("tel:{}", tel_digits(&n.number)?),
                    number: n.number.clone(),
                    display: crate::present::display_number(&n.number),
                    label: crate::present::isolate_numbers(&n.label),
                })
            })
            .collect(),
        not_reviewed_notice: (!c.reviewed).then(|| {
            crate::present::ui_text(crate::present::UiText::HelpCardNotReviewed, lang).to_string()
        }),
        audience: c.audience.id().to_string(),
        lang: c.lang,
        name: c.name,
        direction: c.direction,
        reviewed: c.reviewed,
        version: c.version,
        // Numbers inside the text are isolated too (bidi.rs).
        title: crate::present::isolate_numbers(&c.title),
        points: c
            .points
            .iter()
            .map(|p| crate::present::isolate_numbers(p))
            .collect(),
    }
}

impl Fyr {
    fn help_cards(&self) -> Result<Vec<HelpCard>> {
        let mut cards = self
            .store
            .records(RecordKind::HelpCard)?
            .iter()
            .map(|r| r.decode::<HelpCard>())
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| Error::Storage(format!("a stored help card is damaged: {e}")))?;
        sort(&mut cards);
        Ok(cards)
    }

    /// The languages a help card exists in, Swedish and English first.
    pub fn help_card_languages(&self) -> Result<Vec<HelpCardLanguage>> {
        let lang = self.lang();
        let cards = self.help_cards()?;
        let audiences = |l: &str| -> Vec<String> {
            cards
                .iter()
                .filter(|c| c.lang == l)
                .map(|c| c.audience.id().to_string())
                .collect()
        };
        Ok(cards
            .iter()
            .filter(|c| c.audience == Audience::Women)
            .cloned()
            .map(|c| HelpCardLanguage {
                audiences: audiences(&c.lang),
                label: match lang {
                    Lang::Sv => c.name_sv,
                    Lang::En => c.name_en,
                },
                lang: c.lang,
                name: c.name,
                direction: c.direction,
                reviewed: c.reviewed,
            })
            .collect())
    }

    /// The card in `lang` (its id, e.g. "ar"; case and spaces ignored).
    pub fn help_card(&self, lang: &str) -> Result<HelpCardView> {
        self.help_card_for(lang, Audience::Women)
    }

    /// The card in `lang` for an audience (children, men, people who use
    /// violence; women is [`Fyr::help_card`]).
    pub fn help_card_for(&self, lang: &str, audience: Audience) -> Result<HelpCardView> {
        let want = lang.trim().to_ascii_lowercase();
        let cards = self.help_cards()?;
        let known: Vec<String> = cards
            .iter()
            .filter(|c| c.audience == audience)
            .map(|c| c.lang.clone())
            .collect();
        cards
            .into_iter()
            .find(|c| c.lang.to_ascii_lowercase() == want && c.audience == audience)
            .map(|c| view(c, self.lang()))
            .ok_or_else(|| {
                Error::NotFound(format!(
                    "no help card in '{lang}' for {} (there are: {})",
                    audience.id(),
                    known.join(", ")
                ))
            })
    }
}

mod audience;
#[cfg(feature = "authoring")]
use audience::promise_without_a_line;
pub use audience::Audience;

#[cfg(test)]
mod tests;
