//! What may leave the device as free text, and correction-report reasons.
//!
//! A correction report is about a service, never about a person. The device
//! checks it before queueing ([`crate::Fyr::report_error`]) and the hub checks
//! it again on arrival, both with [`check_correction`]: one definition.
//!
//! Refused: Swedish personal identity numbers and coordination numbers in
//! every common spelling (`19121212-1212`, `19121212 - 1212`, `121212 1212`,
//! `121212–1212` with any dash, `121212_1212`, `+` for the over-100s,
//! full-width digits), phone numbers (`070-174 06 05`, `+46 70 174 06 05`,
//! `0046…`) and e-mail addresses. Names and street addresses cannot be
//! recognised reliably; the reporting screens say not to write them.

use std::fmt;

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
    if has_email(s) {
        return Some(Found::Email);
    }
    digit_sequences(s).iter().find_map(classify)
}

/// A digit from ASCII or full-width digits.
fn digit(c: char) -> Option<u8> {
    match c {
        '0'..='9' => Some(c as u8 - b'0'),
        '\u{FF10}'..='\u{FF19}' => Some((c as u32 - 0xFF10) as u8),
        _ => None,
    }
}

/// Characters people put between digit groups: spaces of every width, every
/// dash and minus, `_`, `+`, `.`, `/`, brackets.
fn separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '-' | '_' | '+' | '.' | '/' | '(' | ')' | '\u{2010}'
                ..='\u{2015}'
                    | '\u{2212}'
                    | '\u{FE58}'
                    | '\u{FE63}'
                    | '\u{FF0B}'
                    | '\u{FF0D}'
                    | '\u{FF3F}'
                    | '\u{FF0E}'
                    | '\u{FF0F}'
                    | '\u{00AD}'
                    | '\u{200B}'
        )
}

/// Digit groups that follow each other with at most three separator
/// characters in between, plus whether `+` came right before the first.
#[derive(Debug, Default)]
struct Sequence {
    groups: Vec<Vec<u8>>,
    plus: bool,
}

fn digit_sequences(s: &str) -> Vec<Sequence> {
    let mut out = Vec::new();
    let mut cur = Sequence::default();
    let mut group: Vec<u8> = Vec::new();
    let mut gap = 0usize;
    let mut pending_plus = false;
    let flush = |cur: &mut Sequence, group: &mut Vec<u8>, out: &mut Vec<Sequence>| {
        if !group.is_empty() {
            cur.groups.push(std::mem::take(group));
        }
        if !cur.groups.is_empty() {
            out.push(std::mem::take(cur));
        }
    };
    for c in s.chars() {
        if let Some(d) = digit(c) {
            if cur.groups.is_empty() && group.is_empty() {
                cur.plus = pending_plus;
            }
            group.push(d);
            gap = 0;
            pending_plus = false;
        } else if matches!(c, '+' | '\u{FF0B}') && group.is_empty() {
            // A plus not right after a digit starts an international number.
            flush(&mut cur, &mut group, &mut out);
            pending_plus = true;
            gap = 0;
        } else if separator(c) && (!group.is_empty() || !cur.groups.is_empty()) && gap < 3 {
            if !group.is_empty() {
                cur.groups.push(std::mem::take(&mut group));
            }
            gap += 1;
        } else {
            flush(&mut cur, &mut group, &mut out);
            pending_plus = false;
            gap = 0;
        }
    }
    flush(&mut cur, &mut group, &mut out);
    out
}

fn luhn(d: &[u8]) -> bool {
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &x)| {
            let x = x as u32;
            if i % 2 == 1 {
                let y = x * 2;
                if y > 9 {
                    y - 9
                } else {
                    y
                }
            } else {
                x
            }
        })
        .sum();
    sum % 10 == 0
}

/// YYMMDD (day + 60 for a coordination number) is a possible date.
fn date_ok(d: &[u8]) -> bool {
    let month = d[2] * 10 + d[3];
    let day = d[4] * 10 + d[5];
    let day = if day > 60 { day - 60 } else { day };
    (1..=12).contains(&month) && (1..=31).contains(&day)
}

/// Identity number or phone number. An identity number is a run of whole
/// digit groups holding a possible date in 10 or 12 digits, in the usual
/// shapes (`YYMMDD-NNNN`, `YYYYMMDD-NNNN`, ten or twelve digits in a row) or
/// in any other grouping with a valid check digit.
fn classify(seq: &Sequence) -> Option<Found> {
    let lens: Vec<usize> = seq.groups.iter().map(Vec::len).collect();
    let mut canonical = false;
    let mut other = false;
    for a in 0..lens.len() {
        let mut total = 0;
        for b in a..lens.len() {
            total += lens[b];
            if total > 12 {
                break;
            }
            if total != 10 && total != 12 {
                continue;
            }
            let digits: Vec<u8> = seq.groups[a..=b].concat();
            let ten = if total == 12 {
                if !matches!(digits[0] * 10 + digits[1], 18..=20) {
                    continue;
                }
                &digits[2..]
            } else {
                &digits[..]
            };
            if !date_ok(ten) {
                continue;
            }
            match &lens[a..=b] {
                [12] | [6, 4] | [8, 4] | [2, 6, 4] | [2, 8] => canonical = true,
                [10] => other = true,
                _ if luhn(ten) => other = true,
                _ => {}
            }
        }
    }
    if canonical {
        Some(Found::IdentityNumber)
    } else if is_phone(seq) {
        // Also when a phone number happens to read as a date.
        Some(Found::PhoneNumber)
    } else if other {
        Some(Found::IdentityNumber)
    } else {
        None
    }
}

fn is_phone(seq: &Sequence) -> bool {
    let all: Vec<u8> = seq.groups.concat();
    let n = all.len();
    if seq.plus {
        // International: +46 70 174 06 05.
        return (8..=15).contains(&n);
    }
    if all.starts_with(&[0, 0]) {
        return (10..=17).contains(&n);
    }
    // National: a leading 0 and 7–10 more digits (020-50 50 50, 070-174 06 05).
    all.first() == Some(&0) && (8..=11).contains(&n)
}

fn has_email(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    let word = |c: char| c.is_alphanumeric() || "._%+-".contains(c);
    for (i, &c) in chars.iter().enumerate() {
        if c != '@' && c != '\u{FF20}' {
            continue;
        }
        let local = i > 0 && word(chars[i - 1]);
        let domain: String = chars[i + 1..]
            .iter()
            .take_while(|&&c| word(c) || c == '\u{FF0E}')
            .collect();
        let domain = domain.trim_end_matches(['.', '\u{FF0E}']);
        let dotted = domain
            .split(['.', '\u{FF0E}'])
            .filter(|p| !p.is_empty())
            .count()
            >= 2;
        if local && dotted {
            return true;
        }
    }
    false
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
