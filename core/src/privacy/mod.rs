//! What may leave the device as free text, and correction-report reasons.
//!
//! A correction report is about a service, never about a person. The device
//! checks it before queueing ([`crate::Fyr::report_error`]) and the hub checks
//! it again on arrival, both with [`check_correction`]: one definition.
//!
//! Refused: Swedish personal identity numbers and coordination numbers in
//! every common spelling (`19121212-1212`, `19121212 - 1212`, `121212 1212`,
//! `121212–1212` with any dash, `121212_1212`, `121212,1212`, `121212:1212`,
//! `+` for the over-100s), phone numbers (`070-174 06 05`, `+46 70 174 06
//! 05`, `0046…`, `46 70…` and `70 174 06 05` without + or 0,
//! `070:174:06:05`, `070,174,06,05`), all in the decimal digits of any
//! script (Arabic-Indic `٠٧٠`, Persian `۰۷۰`, full-width `０７０`, Devanagari …:
//! [`digits`]), and e-mail addresses, also spelled out (`anna(at)example.se`,
//! `anna [at] example dot se`: [`email`]). Ordinary service text passes:
//! times (`08:00-16:00`, `8.30`), hour and year ranges, dates, years,
//! `112`, `114 14`, postcodes ([`numbers`]). Names and street addresses
//! cannot be recognised reliably; the reporting screens say not to write them.

use std::fmt;

mod digits;
mod email;
mod numbers;
#[cfg(test)]
mod props;

/// At most this many characters of free text in a correction report.
pub const MAX_MESSAGE_CHARS: usize = 500;

/// Why a service entry is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CorrectionReason {
    WrongNumber,
    Closed,
    Moved,
    Other,
}

impl CorrectionReason {
    pub const ALL: [CorrectionReason; 4] = [
        CorrectionReason::WrongNumber,
        CorrectionReason::Closed,
        CorrectionReason::Moved,
        CorrectionReason::Other,
    ];

    /// The id sent to the hub: `wrong_number`, `closed`, `moved`, `other`.
    pub fn id(self) -> &'static str {
        match self {
            CorrectionReason::WrongNumber => "wrong_number",
            CorrectionReason::Closed => "closed",
            CorrectionReason::Moved => "moved",
            CorrectionReason::Other => "other",
        }
    }

    /// Parses an id (also with `-` for `_` and in any case).
    pub fn parse(s: &str) -> Option<CorrectionReason> {
        let s = s.trim().to_ascii_lowercase().replace('-', "_");
        CorrectionReason::ALL.into_iter().find(|r| r.id() == s)
    }

    /// The label the apps show for it.
    pub fn ui_text(self) -> crate::present::UiText {
        use crate::present::UiText;
        match self {
            CorrectionReason::WrongNumber => UiText::ReportReasonWrongNumber,
            CorrectionReason::Closed => UiText::ReportReasonClosed,
            CorrectionReason::Moved => UiText::ReportReasonMoved,
            CorrectionReason::Other => UiText::ReportReasonOther,
        }
    }

    /// The ids, for messages: `wrong_number, closed, moved, other`.
    pub fn ids() -> String {
        CorrectionReason::ALL.map(CorrectionReason::id).join(", ")
    }
}

impl fmt::Display for CorrectionReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// Personal data found in a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Found {
    IdentityNumber,
    PhoneNumber,
    Email,
}

impl Found {
    pub fn describe(self) -> &'static str {
        match self {
            Found::IdentityNumber => "a personal identity number",
            Found::PhoneNumber => "a phone number",
            Found::Email => "an e-mail address",
        }
    }
}

/// Why a correction report is refused; the message says why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    UnknownReason(String),
    Empty,
    TooLong(usize),
    Personal(Found),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::UnknownReason(r) => write!(
                f,
                "unknown reason {r:?}: use one of {}",
                CorrectionReason::ids()
            ),
            Refusal::Empty => f.write_str("the correction message is empty"),
            Refusal::TooLong(n) => write!(
                f,
                "the correction message has {n} characters; at most {MAX_MESSAGE_CHARS} are allowed"
            ),
            Refusal::Personal(found) => write!(
                f,
                "the correction message seems to contain {}; reports go to the county and must \
                 never identify anyone — describe only what is wrong with the entry \
                 (the coordinator checks numbers and addresses at the source)",
                found.describe()
            ),
        }
    }
}

impl std::error::Error for Refusal {}

/// Checks a correction report; returns the reason and the trimmed message.
pub fn check_correction(
    reason: &str,
    message: &str,
) -> Result<(CorrectionReason, String), Refusal> {
    let r = CorrectionReason::parse(reason).ok_or_else(|| Refusal::UnknownReason(reason.into()))?;
    let message = message.trim();
    if message.is_empty() {
        return Err(Refusal::Empty);
    }
    let n = message.chars().count();
    if n > MAX_MESSAGE_CHARS {
        return Err(Refusal::TooLong(n));
    }
    if let Some(found) = find_personal_data(message) {
        return Err(Refusal::Personal(found));
    }
    Ok((r, message.to_string()))
}

/// The first kind of personal data a free text seems to contain.
pub fn find_personal_data(s: &str) -> Option<Found> {
    if email::has_email(s) {
        return Some(Found::Email);
    }
    numbers::find_number(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(s: &str) -> Option<Found> {
        find_personal_data(s)
    }

    #[test]
    fn identity_numbers_in_every_spelling() {
        for s in [
            "19121212-1212",
            "191212121212",
            "1212121212",
            "121212-1212",
            "121212+1212",
            "ring 19121212 - 1212 om detta",
            "121212 1212",
            "121212–1212",
            "121212—1212",
            "121212‑1212",
            "121212−1212",
            "121212_1212",
            "１２１２１２－１２１２",
            "１９１２１２１２１２１２",
            "19 121212-1212",
            "12 12 12 - 12 12",
            "Anna, 850709-1234, ringde",
            "samordningsnummer 701063-2391",
            "20121212 1212",
        ] {
            assert_eq!(found(s), Some(Found::IdentityNumber), "{s}");
        }
    }

    #[test]
    fn phone_numbers_and_email() {
        for s in [
            "ring 070-174 06 05",
            "0701740605",
            "+46 70 174 06 05",
            "+46701740605",
            "0046 70 174 06 05",
            "020-50 50 50",
            "(0470) 12 34 56",
            "０７０－１７４ ０６ ０５",
        ] {
            assert_eq!(found(s), Some(Found::PhoneNumber), "{s}");
        }
        for s in [
            "anna.svensson@example.se",
            "skriv till a@b.se",
            "x＠example．se",
        ] {
            assert_eq!(found(s), Some(Found::Email), "{s}");
        }
    }

    #[test]
    fn service_texts_pass() {
        for s in [
            "Mottagningen har flyttat till nya lokaler",
            "öppettider 08:00-16:00 mån-fre",
            "Stängt sedan 2026-03-01",
            "Ring 112 vid fara, 114 14 annars, 1177 för vård",
            "BRIS 116 111",
            "Numret går till fel växel",
            "version 1.2.3",
            "Telefontid kl. 8.00–16.30",
            "e-post finns på webbplatsen @kommunen",
        ] {
            assert_eq!(found(s), None, "{s}");
        }
    }

    #[test]
    fn corrections_are_checked_with_a_reason() {
        let (r, m) = check_correction("wrong_number", "  Numret går till fel växel ").unwrap();
        assert_eq!(
            (r, m.as_str()),
            (CorrectionReason::WrongNumber, "Numret går till fel växel")
        );
        assert_eq!(
            check_correction("Moved", "x").unwrap().0,
            CorrectionReason::Moved
        );
        let e = check_correction("rude", "x").unwrap_err();
        assert!(
            e.to_string().contains("wrong_number, closed, moved, other"),
            "{e}"
        );
        assert_eq!(
            check_correction("closed", "  ").unwrap_err(),
            Refusal::Empty
        );
        assert_eq!(
            check_correction("other", &"å".repeat(501)).unwrap_err(),
            Refusal::TooLong(501)
        );
        let e = check_correction("other", "gäller 121212–1212").unwrap_err();
        assert!(e.to_string().contains("personal identity number"), "{e}");
        let e = check_correction("other", "maila anna@example.se").unwrap_err();
        assert!(e.to_string().contains("e-mail"), "{e}");
    }
}
