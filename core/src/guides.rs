//! Guides compiled into the core from `content/guides/`: the confidentiality
//! card per agency kind (what may be shared with whom and when, marked for
//! legal review) and the counties' agreements with their period of validity.
//!
//! They are not (yet) a record kind of the signed feed: a change ships with
//! the next app version. Validation runs at first use and in the tests, and
//! names the file and the card.

use crate::api::Fyr;
use crate::error::{Error, Result};
use crate::model::Text;
use crate::vocab::{AgencyKind, Lang};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The confidentiality cards' file, compiled in.
pub const CONFIDENTIALITY: (&str, &str) = (
    "content/guides/confidentiality.toml",
    include_str!("../../content/guides/confidentiality.toml"),
);
/// The agreements' file, compiled in.
pub const AGREEMENTS: (&str, &str) = (
    "content/guides/agreements.toml",
    include_str!("../../content/guides/agreements.toml"),
);
/// The two files as JSON (build.rs converts them): what the library parses,
/// so a phone carries no TOML parser. The tests check both read the same.
const CONFIDENTIALITY_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/confidentiality.json"));
const AGREEMENTS_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/agreements.json"));

/// One card as content.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfidentialityCard {
    pub agency_kind: AgencyKind,
    /// Other agency kinds that use this card (emergency care: healthcare's).
    #[serde(default)]
    pub covers: Vec<AgencyKind>,
    /// True until the region's lawyer has checked the card.
    pub legal_review: bool,
    pub title: Text,
    pub points: Vec<Text>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CardsFile {
    card: Vec<ConfidentialityCard>,
}

/// A card ready to show, in the user's language.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ConfidentialityView {
    /// The agency kind id the card is for ("healthcare").
    pub agency_kind: String,
    /// Its label ("Hälso- och sjukvård").
    pub agency_label: String,
    pub title: String,
    pub points: Vec<String>,
    /// "Ska granskas av regionens jurist" while not legally reviewed.
    pub legal_review_note: Option<String>,
}

/// Parses and checks the confidentiality cards: every card has a Swedish
/// title and points, no agency kind has two cards, and the kinds the
/// agreements name (healthcare, school, social services, police, the
/// Church) all have one.
#[cfg(feature = "authoring")]
pub fn parse_confidentiality((file, text): (&str, &str)) -> Result<Vec<ConfidentialityCard>> {
    let f: CardsFile =
        toml::from_str(text).map_err(|e| Error::Content(format!("{file}: {}", e.message())))?;
    check_cards(file, f)
}

/// The compiled-in cards, checked as [`parse_confidentiality`] checks them.
pub fn confidentiality_cards() -> Result<Vec<ConfidentialityCard>> {
    let file = CONFIDENTIALITY.0;
    let f: CardsFile = serde_json::from_str(CONFIDENTIALITY_JSON)
        .map_err(|e| Error::Content(format!("{file}: {e}")))?;
    check_cards(file, f)
}

fn check_cards(file: &str, f: CardsFile) -> Result<Vec<ConfidentialityCard>> {
    let mut problems = Vec::new();
    let mut seen: Vec<AgencyKind> = Vec::new();
    for c in &f.card {
        let kind = c.agency_kind.id();
        if c.title.sv.trim().is_empty() || c.points.is_empty() {
            problems.push(format!(
                "{file}: card '{kind}': a Swedish title and points are needed"
            ));
        }
        if c.points.iter().any(|p| p.sv.trim().is_empty()) {
            problems.push(format!("{file}: card '{kind}': an empty point"));
        }
        for k in std::iter::once(c.agency_kind).chain(c.covers.iter().copied()) {
            if seen.contains(&k) {
                problems.push(format!(
                    "{file}: card '{kind}': agency kind '{}' has two cards",
                    k.id()
                ));
            }
            seen.push(k);
        }
    }
    for k in REQUIRED_KINDS {
        if !seen.contains(k) {
            problems.push(format!("{file}: no card for '{}'", k.id()));
        }
    }
    if problems.is_empty() {
        Ok(f.card)
    } else {
        Err(Error::Content(problems.join("; ")))
    }
}

/// The agency kinds that must have a confidentiality card.
pub const REQUIRED_KINDS: &[AgencyKind] = &[
    AgencyKind::Healthcare,
    AgencyKind::SchoolHealth,
    AgencyKind::SocialServices,
    AgencyKind::Police,
    AgencyKind::Church,
];

/// The card for an agency kind (its own or one that covers it), shown in `lang`.
pub fn confidentiality_view(
    cards: &[ConfidentialityCard],
    kind: AgencyKind,
    lang: Lang,
) -> Option<ConfidentialityView> {
    let c = cards
        .iter()
        .find(|c| c.agency_kind == kind || c.covers.contains(&kind))?;
    Some(ConfidentialityView {
        agency_kind: c.agency_kind.id().to_string(),
        agency_label: c.agency_kind.label(lang).to_string(),
        title: c.title.get(lang).to_string(),
        points: c.points.iter().map(|p| p.get(lang).to_string()).collect(),
        legal_review_note: c.legal_review.then(|| {
            match lang {
                Lang::Sv => "Ska granskas av regionens jurist – ersätter inte din verksamhets rutin",
                Lang::En => "To be reviewed by the region's lawyer – does not replace your organization's routine",
            }
            .to_string()
        }),
    })
}

/// A county's agreement and its period of validity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Agreement {
    pub county_code: String,
    pub county_name: String,
    pub name: String,
    pub valid_from: NaiveDate,
    pub valid_to: NaiveDate,
    /// Where the dates come from (the agreement's own words).
    pub source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AgreementsFile {
    agreement: Vec<Agreement>,
}

/// Parses the agreements: a two-digit county code each, one per county, and
/// a period that ends after it starts.
#[cfg(feature = "authoring")]
pub fn parse_agreements((file, text): (&str, &str)) -> Result<Vec<Agreement>> {
    let f: AgreementsFile =
        toml::from_str(text).map_err(|e| Error::Content(format!("{file}: {}", e.message())))?;
    check_agreements(file, f)
}

fn check_agreements(file: &str, f: AgreementsFile) -> Result<Vec<Agreement>> {
    let mut problems = Vec::new();
    for (i, a) in f.agreement.iter().enumerate() {
        if a.county_code.len() != 2 || !a.county_code.bytes().all(|b| b.is_ascii_digit()) {
            problems.push(format!(
                "{file}: agreement {}: county_code must be two digits",
                i + 1
            ));
        }
        if a.valid_to <= a.valid_from {
            problems.push(format!(
                "{file}: agreement '{}': valid_to must be after valid_from",
                a.county_code
            ));
        }
        if f.agreement[..i]
            .iter()
            .any(|b| b.county_code == a.county_code)
        {
            problems.push(format!(
                "{file}: county '{}' has two agreements",
                a.county_code
            ));
        }
    }
    if problems.is_empty() {
        Ok(f.agreement)
    } else {
        Err(Error::Content(problems.join("; ")))
    }
}

/// An agreement that ends within `within_days` of `today` (or has ended), with
/// the days left (negative once it has ended).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EndingAgreement {
    pub agreement: Agreement,
    pub days_left: i64,
}

/// The agreements ending within `within_days` of `today`, soonest first.
pub fn agreements_ending(
    agreements: &[Agreement],
    today: NaiveDate,
    within_days: i64,
) -> Vec<EndingAgreement> {
    let mut out: Vec<EndingAgreement> = agreements
        .iter()
        .map(|a| EndingAgreement {
            agreement: a.clone(),
            days_left: (a.valid_to - today).num_days(),
        })
        .filter(|e| e.days_left <= within_days)
        .collect();
    out.sort_by_key(|e| e.days_left);
    out
}

/// The compiled-in agreements.
pub fn agreements() -> Result<Vec<Agreement>> {
    let file = AGREEMENTS.0;
    let f: AgreementsFile = serde_json::from_str(AGREEMENTS_JSON)
        .map_err(|e| Error::Content(format!("{file}: {e}")))?;
    check_agreements(file, f)
}

impl Fyr {
    /// The confidentiality card for an agency kind (the user's own after a
    /// screening; a service's on its page), `None` when there is none.
    pub fn confidentiality(&self, kind: AgencyKind) -> Result<Option<ConfidentialityView>> {
        let cards = confidentiality_cards()?;
        Ok(confidentiality_view(&cards, kind, self.lang()))
    }

    /// The confidentiality card for a service's agency kind (from its page).
    pub fn service_confidentiality(&self, service_id: &str) -> Result<Option<ConfidentialityView>> {
        let d = self.show(service_id, None, None)?;
        self.confidentiality(d.hit.agency_kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_cards_cover_every_agreement_party_and_are_marked_for_legal_review() {
        let cards = parse_confidentiality(CONFIDENTIALITY).unwrap();
        for k in REQUIRED_KINDS {
            let v = confidentiality_view(&cards, *k, Lang::Sv).unwrap();
            assert!(!v.points.is_empty());
            assert!(
                v.legal_review_note.as_deref().unwrap().contains("jurist"),
                "{}",
                k.id()
            );
        }
        // Emergency care and the on-call team use their kind's card.
        let v = confidentiality_view(&cards, AgencyKind::EmergencyCare, Lang::En).unwrap();
        assert_eq!(v.agency_kind, "healthcare");
        let v = confidentiality_view(&cards, AgencyKind::SocialServicesOnCall, Lang::Sv).unwrap();
        assert_eq!(v.agency_kind, "social_services");
        assert!(confidentiality_view(&cards, AgencyKind::Other, Lang::Sv).is_none());
        // The Church: confession is absolute; no statutory duty, but should report.
        let church = confidentiality_view(&cards, AgencyKind::Church, Lang::Sv).unwrap();
        let all = church.points.join(" ");
        assert!(
            all.contains("absolut tystnadsplikt")
                && all.contains("ingen lagstadgad anmälningsskyldighet")
        );
        // No card cites the repealed social services act.
        for c in &cards {
            for p in &c.points {
                assert!(!p.sv.contains("2001:453"));
            }
        }
    }

    #[test]
    fn the_compiled_in_guides_read_as_their_toml_sources() {
        // What the phone parses (build.rs's JSON) is what was authored.
        assert_eq!(
            confidentiality_cards().unwrap(),
            parse_confidentiality(CONFIDENTIALITY).unwrap()
        );
        assert_eq!(agreements().unwrap(), parse_agreements(AGREEMENTS).unwrap());
    }

    #[test]
    fn bad_cards_are_refused_naming_file_and_card() {
        let file = "content/guides/confidentiality.toml";
        let text = CONFIDENTIALITY.1.replacen(
            "agency_kind = \"police\"",
            "agency_kind = \"healthcare\"",
            1,
        );
        let e = parse_confidentiality((file, &text))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("card 'healthcare': agency kind 'healthcare' has two cards"),
            "{e}"
        );
        assert!(e.contains("no card for 'police'"), "{e}");
        let e = parse_confidentiality((file, "[[card]]\nagency_kind = \"polis\"\n"))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with(file), "{e}");
    }

    #[test]
    fn agreements_end_as_the_agreements_say_and_are_flagged_within_60_days() {
        let a = agreements().unwrap();
        let end = |c: &str| a.iter().find(|x| x.county_code == c).unwrap().valid_to;
        assert_eq!(end("23"), NaiveDate::from_ymd_opt(2026, 12, 7).unwrap());
        assert_eq!(end("07"), NaiveDate::from_ymd_opt(2026, 12, 31).unwrap());
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        // Today (2026-12-03): both within 60 days, Jämtland first (4 days left).
        let e = agreements_ending(&a, d("2026-12-03"), 60);
        assert_eq!(e.len(), 2);
        assert_eq!(
            (e[0].agreement.county_code.as_str(), e[0].days_left),
            ("23", 4)
        );
        assert_eq!(
            (e[1].agreement.county_code.as_str(), e[1].days_left),
            ("07", 28)
        );
        // 61 days before Kronoberg's end: only Jämtland's (then 37 days left).
        let e = agreements_ending(&a, d("2026-10-31"), 60);
        assert_eq!(e.len(), 1);
        // The day after Jämtland's end: it has ended (negative days).
        let e = agreements_ending(&a, d("2026-12-08"), 60);
        assert_eq!(e[0].days_left, -1);
        // Long before: nothing.
        assert!(agreements_ending(&a, d("2026-06-01"), 60).is_empty());
        // A period that ends before it starts is refused.
        let bad =
            AGREEMENTS
                .1
                .replacen("valid_to = \"2026-12-31\"", "valid_to = \"2023-01-01\"", 1);
        assert!(parse_agreements(("a.toml", &bad)).is_err());
    }
}
