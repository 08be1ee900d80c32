//! The core's data-dependent messages for the apps (`fyr_core::present::
//! messages`): enrollment results, report reasons, retention bounds, app
//! languages, error texts and bidi-safe numbers. Kept apart from lib.rs so
//! the facade file stays one concern.

use crate::convert::{self, AppLanguage, ReportReason, RetentionBounds, SearchForm};
use crate::{guard, FyrCore, FyrError};
use fyr_core::present::messages as m;

pub use fyr_core::ErrorKind;

#[uniffi::export]
impl FyrCore {
    /// After `enroll`: which county and agency kind this phone reports for,
    /// in words (never the codes), in the store's language.
    pub fn enrollment_message(&self, enrollment: fyr_core::enroll::Enrollment) -> String {
        m::enrollment_result(&enrollment.county, &enrollment.agency_kind, self.lang)
    }

    /// The reasons a correction report may give, with labels, in order.
    pub fn report_reasons(&self) -> Vec<ReportReason> {
        m::report_reasons(self.lang)
            .into_iter()
            .map(|(id, label)| ReportReason {
                id: id.into(),
                label: label.into(),
            })
            .collect()
    }

    /// The limits of `Settings.retention_days` (the core refuses others) and
    /// the field's hint.
    pub fn retention_bounds(&self) -> RetentionBounds {
        RetentionBounds {
            min_days: m::RETENTION_MIN_DAYS,
            max_days: m::RETENTION_MAX_DAYS,
            hint: m::retention_hint(self.lang),
        }
    }

    /// What the user reads for an error of `kind` (the exception's message
    /// is technical: log it, never show it alone).
    pub fn error_text(&self, kind: ErrorKind) -> String {
        m::error_text(kind, self.lang).to_string()
    }

    /// A scheduled sync's next due time, by the core's one sync policy
    /// (RFC 3339): the same as `status().nextCheck`, cheaper.
    pub fn next_check(&self) -> Result<String, FyrError> {
        guard("next_check", || {
            self.inner
                .next_check(chrono::Utc::now())
                .map(convert::rfc3339)
                .map_err(convert::error)
        })
    }
}

/// The languages the app speaks ("sv" Svenska, "en" English), in order: the
/// Settings picker and the phone-locale fallback use this list.
#[uniffi::export]
pub fn app_languages() -> Vec<AppLanguage> {
    m::APP_LANGUAGES
        .iter()
        .map(|(id, name)| AppLanguage {
            id: (*id).into(),
            name: (*name).into(),
        })
        .collect()
}

/// The app language for a phone locale ("sv-SE" → "sv", "ar" → "en"): the
/// locale's language when the app speaks it, else English.
#[uniffi::export]
pub fn app_language_for_locale(locale: String) -> String {
    let primary = locale
        .trim()
        .split(['-', '_'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    m::APP_LANGUAGES
        .iter()
        .find(|(id, _)| *id == primary)
        .map(|(id, _)| (*id).to_string())
        .unwrap_or_else(|| "en".into())
}

/// The filter button's label for the search form in `lang`: the word, with
/// how many filters are on (needs, groups, forms, open now, near me) when any
/// is. Needs no store, so it is safe while drawing.
#[uniffi::export]
pub fn filters_label(form: SearchForm, lang: String) -> String {
    let lang = crate::convert::lang(&lang).unwrap_or(fyr_core::vocab::Lang::En);
    m::filters_label(form.active_filters(), lang)
}

/// `number` as one left-to-right unit for display in any text direction
/// (Unicode isolate); copy and dial the number without it.
#[uniffi::export]
pub fn display_number(number: String) -> String {
    fyr_core::present::display_number(&number)
}

/// `text` with every number in it isolated left to right.
#[uniffi::export]
pub fn isolate_numbers(text: String) -> String {
    fyr_core::present::isolate_numbers(&text)
}
