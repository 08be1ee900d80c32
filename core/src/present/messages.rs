//! Messages built from data, in the app's language: the screenings lock,
//! enrollment results, outbox rows, session states, override and report
//! reason labels, the retention bounds, the "not yet" of a scheduled sync and
//! a user's line for each kind of error. The shells show these as they are;
//! none of them is put together in Kotlin or Swift.

use super::bidi::display_number;
use super::strings::UiText;
use crate::error::ErrorKind;
use crate::keys::LockReason;
use crate::privacy::CorrectionReason;
use crate::vocab::{AgencyKind, Lang};

/// The fewest and most days completed screenings may be kept (Settings).
pub const RETENTION_MIN_DAYS: u32 = 1;
pub const RETENTION_MAX_DAYS: u32 = 3650;

/// The languages the app itself speaks, each named in itself, in order.
pub const APP_LANGUAGES: &[(&str, &str)] = &[("sv", "Svenska"), ("en", "English")];

fn pick(lang: Lang, sv: String, en: String) -> String {
    match lang {
        Lang::Sv => sv,
        Lang::En => en,
    }
}

/// Why screenings are locked, that search works, and the way forward.
pub fn screenings_locked(reason: LockReason, sealed: u64, lang: Lang) -> String {
    let n = display_number(&sealed.to_string());
    match (reason, lang) {
        (LockReason::NoKey, Lang::Sv) => format!(
            "Bedömningarna är låsta: telefonen har ingen nyckel för dem ({n} sparade). Sök fungerar som vanligt. En ny nyckel lägger de sparade bedömningarna åt sidan, oläsbara, tills lagringstiden raderar dem."
        ),
        (LockReason::NoKey, Lang::En) => format!(
            "Screenings are locked: this phone has no key for them ({n} saved). Search works as usual. A new key sets the saved screenings aside, unreadable, until the retention period deletes them."
        ),
        (LockReason::WrongKey, Lang::Sv) => format!(
            "Bedömningarna är låsta: nyckeln öppnar inte de sparade bedömningarna ({n} st). Sök fungerar som vanligt. En ny nyckel lägger dem åt sidan, oläsbara, tills lagringstiden raderar dem."
        ),
        (LockReason::WrongKey, Lang::En) => format!(
            "Screenings are locked: the key does not open the saved screenings ({n}). Search works as usual. A new key sets them aside, unreadable, until the retention period deletes them."
        ),
    }
}

/// A county's name by its code ("07", "23"), else the text as the hub gave it.
fn county_name(county: &str) -> String {
    match county.trim() {
        "07" => "Kronobergs län".into(),
        "23" => "Jämtlands län".into(),
        other => other.into(),
    }
}

/// After enrolling: which county and agency kind the phone now reports for,
/// in words (never codes or ids).
pub fn enrollment_result(county: &str, agency_kind: &str, lang: Lang) -> String {
    let county = county_name(county);
    let agency = AgencyKind::parse(agency_kind.trim())
        .map(|k| k.label(lang).to_string())
        .unwrap_or_else(|| agency_kind.trim().to_string());
    pick(
        lang,
        format!("Telefonen är ansluten: {county}, {agency}. Anonym statistik och felrapporter skickas när telefonen har täckning."),
        format!("This phone is enrolled: {county}, {agency}. Anonymous statistics and correction reports are sent when the phone has coverage."),
    )
}

/// One outbox row: what it is and where it stands (never the payload JSON).
pub fn outbox_row(kind: &str, attempts: u32, quarantined: bool, lang: Lang) -> String {
    let what = match (kind, lang) {
        ("screening_stat", Lang::Sv) => "Anonym statistik från en bedömning",
        ("screening_stat", Lang::En) => "Anonymous statistics from a screening",
        ("correction_report", Lang::Sv) => "Felrapport om en tjänst",
        ("correction_report", Lang::En) => "Correction report about a service",
        (_, Lang::Sv) => "Meddelande till hubben",
        (_, Lang::En) => "Message to the hub",
    };
    let state = match (quarantined, attempts, lang) {
        (true, _, _) => UiText::OutboxRejected.get(lang).to_string(),
        (false, 0, Lang::Sv) => "väntar på täckning".into(),
        (false, 0, Lang::En) => "waiting for coverage".into(),
        (false, n, Lang::Sv) => format!("{n} försök, försöker igen"),
        (false, n, Lang::En) => format!("{n} attempt(s), will retry"),
    };
    format!("{what} · {state}")
}

/// A session's state in words ("in_progress", "completed").
pub fn session_state(state: &str, lang: Lang) -> &'static str {
    match state {
        "completed" => UiText::StateCompleted.get(lang),
        _ => UiText::StateInProgress.get(lang),
    }
}

/// A level's label in the app's language, from a checklist's sv/en labels.
pub fn level_label<'a>(sv: &'a str, en: &'a str, lang: Lang) -> &'a str {
    match lang {
        Lang::Sv => sv,
        Lang::En => en,
    }
}

/// The reasons a correction report may give, with their labels, in order.
pub fn report_reasons(lang: Lang) -> Vec<(&'static str, &'static str)> {
    CorrectionReason::ALL
        .iter()
        .map(|r| (r.id(), r.ui_text().get(lang)))
        .collect()
}

/// The retention field's hint: "1–3650 dagar".
pub fn retention_hint(lang: Lang) -> String {
    pick(
        lang,
        format!("{RETENTION_MIN_DAYS}–{RETENTION_MAX_DAYS} dagar"),
        format!("{RETENTION_MIN_DAYS}–{RETENTION_MAX_DAYS} days"),
    )
}

/// The filter button: "Filter", or "Filter (3)" with how many filters are on.
/// `active` counts the search's need, group and form filters, open now and
/// near me (text and place are not filters); both shells pass their query's
/// counts, so the label never differs between them.
pub fn filters_label(active: usize, lang: Lang) -> String {
    let word = UiText::Filters.get(lang);
    if active == 0 {
        word.to_string()
    } else {
        format!("{word} ({})", display_number(&active.to_string()))
    }
}

/// A service page's provenance line: "Kontrollerad 2025-03-01 · källa" (the
/// date isolated for right-to-left text), or only the source when the entry
/// was never checked; empty when there is neither.
pub fn verified_line(verified_on: Option<&str>, source: &str, lang: Lang) -> String {
    let source = source.trim();
    let checked = verified_on
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map(|d| format!("{} {}", UiText::VerifiedOn.get(lang), display_number(d)));
    match (checked, source.is_empty()) {
        (Some(c), false) => format!("{c} · {source}"),
        (Some(c), true) => c,
        (None, false) => source.to_string(),
        (None, true) => String::new(),
    }
}

/// What the user reads for an error of `kind` (the technical message goes
/// to the log, never as the only text on screen).
pub fn error_text(kind: ErrorKind, lang: Lang) -> &'static str {
    match kind {
        ErrorKind::InvalidInput | ErrorKind::Content => UiText::ErrorInvalid.get(lang),
        ErrorKind::NotFound => UiText::ErrorNotFound.get(lang),
        ErrorKind::Storage => UiText::ErrorStorage.get(lang),
        ErrorKind::Crypto => UiText::ErrorCrypto.get(lang),
        ErrorKind::ScreeningsLocked => UiText::ErrorLocked.get(lang),
        ErrorKind::Sync => UiText::ErrorSync.get(lang),
        ErrorKind::NotYet => UiText::SyncNotYet.get(lang),
        ErrorKind::Internal => UiText::SomethingWentWrong.get(lang),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_message_is_in_the_app_language_and_says_search_works() {
        let sv = screenings_locked(LockReason::NoKey, 3, Lang::Sv);
        assert!(sv.contains("Sök fungerar"), "{sv}");
        assert!(sv.contains("\u{2066}3\u{2069} sparade"), "{sv}");
        let en = screenings_locked(LockReason::WrongKey, 1, Lang::En);
        assert!(
            en.contains("Search works") && en.contains("does not open"),
            "{en}"
        );
    }

    #[test]
    fn enrollment_names_the_county_and_agency_in_words() {
        let m = enrollment_result("23", "social_services", Lang::Sv);
        assert!(m.contains("Jämtlands län"), "{m}");
        assert!(!m.contains("23") && !m.contains("social_services"), "{m}");
        let en = enrollment_result("07", "police", Lang::En);
        assert!(en.contains("Kronobergs län"), "{en}");
        assert!(en.contains("Police") && !en.contains("police"), "{en}");
    }

    #[test]
    fn outbox_rows_never_show_json() {
        let r = outbox_row("correction_report", 0, false, Lang::Sv);
        assert_eq!(r, "Felrapport om en tjänst · väntar på täckning");
        let q = outbox_row("screening_stat", 2, true, Lang::En);
        assert_eq!(
            q,
            "Anonymous statistics from a screening · Rejected by the hub"
        );
    }

    #[test]
    fn the_filter_button_counts_what_is_on() {
        assert_eq!(filters_label(0, Lang::Sv), "Filter");
        assert_eq!(filters_label(3, Lang::En), "Filters (\u{2066}3\u{2069})");
    }

    #[test]
    fn the_verified_line_names_the_check_and_the_source_in_the_app_language() {
        let sv = verified_line(Some("2025-03-01"), "kommunens webbplats", Lang::Sv);
        assert_eq!(
            sv,
            "Kontrollerad \u{2066}2025-03-01\u{2069} · kommunens webbplats"
        );
        assert_eq!(verified_line(None, "  ", Lang::En), "");
        assert_eq!(verified_line(Some(""), "site", Lang::En), "site");
        assert!(verified_line(Some("2025-03-01"), "", Lang::En).starts_with("Checked "));
    }

    #[test]
    fn every_error_kind_and_state_has_words() {
        for k in [
            ErrorKind::InvalidInput,
            ErrorKind::NotFound,
            ErrorKind::Storage,
            ErrorKind::Crypto,
            ErrorKind::ScreeningsLocked,
            ErrorKind::Sync,
            ErrorKind::Content,
            ErrorKind::NotYet,
            ErrorKind::Internal,
        ] {
            for lang in [Lang::Sv, Lang::En] {
                assert!(!error_text(k, lang).is_empty());
            }
        }
        assert_eq!(session_state("completed", Lang::Sv), "Avslutad");
        assert_eq!(
            report_reasons(Lang::En)[0],
            ("wrong_number", "Wrong number")
        );
        assert_eq!(retention_hint(Lang::Sv), "1–3650 dagar");
    }
}
