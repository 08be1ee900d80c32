//! `fyr-ffi`: the one library the Fyr apps load. It exposes `fyr-core` to
//! Kotlin and Swift through uniffi (proc-macros, no UDL).
//!
//! Design rules:
//! - Flat, FFI-friendly types: vocabulary values travel as their stable
//!   snake_case ids (with labels in the store's language next to them), instants
//!   as RFC 3339 strings, coordinates as plain `f64`.
//! - One public error, [`FyrError`], that becomes a sealed Kotlin exception
//!   class (`FyrException.NotFound`, …) and a Swift `Error` enum, each with a
//!   readable message.
//! - No panic crosses the boundary: every call runs under `catch_unwind` and a
//!   panic becomes [`FyrError::Internal`]. The crate keeps `panic = "unwind"`.
//! - No logic lives here: every answer comes from `fyr_core::Fyr`. This layer
//!   only converts types.
//! - The app carries the transport ([`HttpTransport`], set once with
//!   [`FyrCore::set_transport`]): TLS is the platform's, the library links
//!   no HTTP client.
//! - Sync is `async` and cancellable: the shell creates a [`SyncHandle`],
//!   passes it to [`FyrCore::sync`] and may call [`SyncHandle::cancel`] from any
//!   thread (Android's `WorkManager` stop, iOS's BGTask expiration handler).
//!   Cancelling the Kotlin coroutine / Swift task also cancels the core's sync.

uniffi::setup_scaffolding!();

mod convert;
mod messages;
mod records;
mod screening;
mod transport;

use chrono::Utc;
use fyr_core::sync::CancelToken;
use fyr_core::vocab::Lang;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

pub use convert::*;
pub use transport::{HttpTransport, TransportFailure};

/// The one error type of the bindings. Kotlin sees `FyrException` with one
/// subclass per variant; Swift sees `FyrError`. The message is readable and
/// names the bad value where there is one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
#[uniffi(flat_error)]
pub enum FyrError {
    /// An id that does not exist: a service, checklist, session or item.
    #[error("{message}")]
    NotFound { message: String },
    /// Bad input: an unknown municipality, vocabulary id, answer or date.
    #[error("{message}")]
    InvalidInput { message: String },
    /// The on-device store failed (disk full, unreadable file, migration).
    #[error("{message}")]
    Storage { message: String },
    /// Encryption failed: a sealed record that does not authenticate.
    #[error("{message}")]
    Crypto { message: String },
    /// Screenings are locked: no key, or a key that does not open this
    /// device's sealed screenings. The directory keeps working; the way
    /// forward is `reset_screening_key` (see `Status.screenings_locked`).
    #[error("{message}")]
    ScreeningsLocked { message: String },
    /// A sync failed: hub unreachable, bad signature, rollback, expired feed…
    #[error("{message}")]
    Sync { message: String },
    /// The caller cancelled a sync (not a failure to show as one).
    #[error("{message}")]
    Cancelled { message: String },
    /// A bug: a panic in the core, caught before it could abort the app.
    #[error("{message}")]
    Internal { message: String },
    /// A scheduled sync before it was due, or while another runs: nothing
    /// was done and no network used. Not a failure: schedule the next try
    /// at `next_check()`. The user's "Sync now" never gets this.
    #[error("{message}")]
    NotYet { message: String },
}

impl FyrError {
    pub(crate) fn invalid(message: impl Into<String>) -> FyrError {
        FyrError::InvalidInput {
            message: message.into(),
        }
    }
}

fn cancelled() -> FyrError {
    FyrError::Cancelled {
        message: "sync cancelled".into(),
    }
}

/// Runs `f`, turning a panic into [`FyrError::Internal`].
pub(crate) fn guard<T>(what: &str, f: impl FnOnce() -> Result<T, FyrError>) -> Result<T, FyrError> {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(payload) => Err(FyrError::Internal {
            message: format!("internal error in {what}: {}", panic_text(&payload)),
        }),
    }
}

fn panic_text(payload: &Box<dyn std::any::Any + Send>) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic".to_string()
    }
}

/// An open Fyr store. Thread-safe: one instance per app, shared by the UI and
/// the background sync. Close it with `close()` (Kotlin `use { }`) or let
/// Swift's ARC release it.
#[derive(uniffi::Object)]
pub struct FyrCore {
    pub(crate) inner: Arc<fyr_core::Fyr>,
    pub(crate) lang: Lang,
}

/// A handle to cancel a running sync from any thread.
#[derive(uniffi::Object)]
pub struct SyncHandle {
    token: CancelToken,
}

#[uniffi::export]
impl SyncHandle {
    #[uniffi::constructor]
    pub fn new() -> Arc<SyncHandle> {
        Arc::new(SyncHandle {
            token: CancelToken::new(),
        })
    }

    /// Asks the sync to stop as soon as it can; it then fails with
    /// `FyrError::Cancelled` and leaves the store as it was before (or fully
    /// updated, never a mix). Calling it twice is harmless.
    pub fn cancel(&self) {
        self.token.cancel();
    }

    pub fn is_cancelled(&self) -> bool {
        self.token.is_cancelled()
    }
}

/// Cancels the token when dropped unless disarmed: when Kotlin cancels the
/// coroutine (or Swift the task), uniffi drops our future, and the sync
/// running on its own thread must stop too.
struct CancelOnDrop {
    token: Option<CancelToken>,
}

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        if let Some(t) = self.token.take() {
            t.cancel();
        }
    }
}

impl FyrCore {
    /// A core search result in the app's language.
    fn result(&self, r: fyr_core::search::SearchResult) -> SearchResult {
        SearchResult {
            emergency: r.emergency,
            understood: r.understood,
            hits: r
                .hits
                .into_iter()
                .map(|h| convert::hit(h, self.lang))
                .collect(),
        }
    }
}

#[uniffi::export]
impl FyrCore {
    /// Opens (or creates) the store in `data_dir`. `key_hex` is the 32-byte
    /// store key as 64 hex digits, held by the platform keystore; `lang` is
    /// "sv" or "en" (labels and texts in results).
    #[uniffi::constructor]
    pub fn open(
        data_dir: String,
        key_hex: Option<String>,
        lang: String,
    ) -> Result<Arc<FyrCore>, FyrError> {
        guard("open", || {
            let opts = convert::open_options(&data_dir, key_hex.as_deref(), &lang)?;
            let lang = opts.lang;
            let inner = fyr_core::Fyr::open(opts).map_err(convert::error)?;
            Ok(Arc::new(FyrCore {
                inner: Arc::new(inner),
                lang,
            }))
        })
    }

    /// Opens the store like [`FyrCore::open`], but with the bundled first-start
    /// content taken from `bundle_dir` (manifest.json, snapshot.json.gz,
    /// publisher.pub, as `fyr hub export-bundle` writes them plus the key),
    /// verified exactly like the compiled-in bundle. For tests and for
    /// builds that ship a region's own bundle; apps normally call `open`.
    #[uniffi::constructor]
    pub fn open_with_bundle(
        data_dir: String,
        key_hex: Option<String>,
        lang: String,
        bundle_dir: String,
    ) -> Result<Arc<FyrCore>, FyrError> {
        guard("open_with_bundle", || {
            let opts = convert::open_options(&data_dir, key_hex.as_deref(), &lang)?;
            let lang = opts.lang;
            let dir = std::path::PathBuf::from(&bundle_dir);
            // Damage found after open is repaired from the same bundle.
            let inner = fyr_core::Fyr::open_with_source(opts, fyr_core::bundle::dir_source(dir))
                .map_err(convert::error)?;
            Ok(Arc::new(FyrCore {
                inner: Arc::new(inner),
                lang,
            }))
        })
    }

    /// Notices from opening that the user must see, e.g. that a damaged store
    /// was rebuilt from the bundled content and what was lost.
    pub fn open_notices(&self) -> Vec<String> {
        guard("open_notices", || Ok(self.inner.open_notices())).unwrap_or_default()
    }

    pub fn settings(&self) -> Result<Settings, FyrError> {
        guard("settings", || {
            self.inner
                .settings()
                .map(convert::settings_out)
                .map_err(convert::error)
        })
    }

    pub fn set_settings(&self, settings: Settings) -> Result<(), FyrError> {
        guard("set_settings", || {
            let s = convert::settings_in(&settings)?;
            self.inner.set_settings(&s).map_err(convert::error)
        })
    }

    /// Searches the directory offline. Every filter of the CLI is here.
    pub fn search(&self, query: SearchQuery) -> Result<Vec<ServiceHit>, FyrError> {
        guard("search", || {
            let q = convert::search_query(&query)?;
            let hits = self.inner.search(&q).map_err(convert::error)?;
            Ok(hits
                .into_iter()
                .map(|h| convert::hit(h, self.lang))
                .collect())
        })
    }

    /// Searches and returns, beside the list, how the text was understood
    /// (chips the user can remove: put a chip's `key` into
    /// `SearchQuery.without` and search again) and the fixed emergency action
    /// to show above the list whatever the query.
    pub fn search_full(&self, query: SearchQuery) -> Result<SearchResult, FyrError> {
        guard("search_full", || {
            let q = convert::search_query(&query)?;
            let r = self.inner.search_full(&q).map_err(convert::error)?;
            Ok(self.result(r))
        })
    }

    /// Searches what the search screen's form says: the words trimmed, the
    /// home municipality from the settings when the form picks none, the
    /// position only while "near me" is on, filters as sets, 30 results
    /// unless the form says otherwise. Both apps search through this, so the
    /// rules are the core's (`fyr_core::form`).
    pub fn search_form(&self, form: SearchForm) -> Result<SearchResult, FyrError> {
        guard("search_form", || {
            let r = self.inner.search_form(&form).map_err(convert::error)?;
            Ok(self.result(r))
        })
    }

    /// One service in full; `at` (RFC 3339) for the open-now state, default
    /// now; `near` for the distance.
    pub fn show(
        &self,
        id: String,
        at: Option<String>,
        near: Option<GeoPoint>,
    ) -> Result<ServiceDetail, FyrError> {
        guard("show", || {
            let at = convert::instant(at.as_deref())?;
            let near = convert::point(near)?;
            self.inner
                .show(&id, at, near)
                .map(|d| convert::detail(d, self.lang))
                .map_err(convert::error)
        })
    }

    pub fn municipalities(&self) -> Result<Vec<Municipality>, FyrError> {
        guard("municipalities", || {
            Ok(self
                .inner
                .municipalities()
                .into_iter()
                .map(convert::municipality)
                .collect())
        })
    }

    /// What waits to be sent, exactly as it would be sent.
    pub fn outbox(&self) -> Result<Vec<OutboxEntry>, FyrError> {
        guard("outbox", || {
            Ok(self
                .inner
                .outbox()
                .map_err(convert::error)?
                .into_iter()
                .map(|e| convert::outbox_entry(e, self.lang))
                .collect())
        })
    }

    /// Puts a correction report about a service into the outbox; returns its
    /// event id. `reason` is `wrong_number`, `closed`, `moved` or `other`;
    /// text with an identity number, a phone number or an e-mail address is
    /// refused (InvalidInput, saying why).
    pub fn report_error(
        &self,
        service_id: String,
        reason: String,
        message: String,
    ) -> Result<String, FyrError> {
        guard("report_error", || {
            self.inner
                .report_error(&service_id, &reason, &message)
                .map_err(convert::error)
        })
    }

    /// Content version and age, stale warning, last sync, next attempt, outbox size.
    pub fn status(&self) -> Result<Status, FyrError> {
        guard("status", || {
            self.inner
                .status(Utc::now())
                .map(convert::status)
                .map_err(convert::error)
        })
    }

    /// Sets how sync and enrollment reach the hub: the app's HTTPS (call it
    /// once after opening; a sync or enrollment without it fails with
    /// `InvalidInput` naming the missing transport).
    pub fn set_transport(&self, transport: Arc<dyn HttpTransport>) {
        self.inner
            .set_transport(Arc::new(transport::Foreign(transport)));
    }

    /// Enrolls this device for uploads with a one-time code from the
    /// coordinator, typed (`7K3QD-M2XWA-9RT44`, case, spaces and dashes forgiven)
    /// or scanned (`fyr-enroll:CODE@URL`). Returns the device's upload token:
    /// the shell keeps it in the Android Keystore / iOS Keychain and passes it
    /// as `SyncOptions.token` to every sync; the core does not store it.
    /// A mistyped code is `InvalidInput`; a wrong, used or expired one, or an
    /// unreachable hub, is `Sync` with a message to show.
    pub async fn enroll(&self, code: String) -> Result<Enrollment, FyrError> {
        let core = Arc::clone(&self.inner);
        let (tx, rx) = tokio::sync::oneshot::channel();
        let spawned = std::thread::Builder::new()
            .name("fyr-enroll".into())
            .spawn(move || {
                let result = guard("enroll", || {
                    core.enroll_blocking(&code, None).map_err(convert::error)
                });
                let _ = tx.send(result);
            });
        if let Err(e) = spawned {
            return Err(FyrError::Internal {
                message: format!("cannot start the enroll thread: {e}"),
            });
        }
        rx.await.unwrap_or_else(|_| {
            Err(FyrError::Internal {
                message: "the enroll thread ended without a result".into(),
            })
        })
    }

    /// The status screen's lines, ready to show: data version and age, the
    /// last sync (relative to now), a failure and the next attempt, the
    /// outbox. Warnings carry `Tone.WARNING`.
    pub fn status_lines(&self) -> Result<Vec<StatusLine>, FyrError> {
        guard("status_lines", || {
            let now = Utc::now();
            let s = self.inner.status(now).map_err(convert::error)?;
            Ok(fyr_core::present::status_lines(&s, now, self.lang))
        })
    }

    /// A user-facing string in the store's language.
    pub fn text(&self, id: UiText) -> String {
        fyr_core::present::ui_text(id, self.lang).to_string()
    }

    /// The vocabularies (agency kinds, groups, needs, forms) with labels in
    /// the store's language, for filter chips and the settings' pickers.
    pub fn vocabulary_labels(&self) -> VocabLabels {
        fyr_core::vocab::labels(self.lang)
    }

    /// The language the store was opened with ("sv" or "en").
    pub fn lang(&self) -> String {
        self.lang.id().to_string()
    }

    /// An instant (RFC 3339) relative to now, in the store's language:
    /// "för 3 timmar sedan", "om 5 minuter", "nyss".
    pub fn relative_time(&self, instant: String) -> Result<String, FyrError> {
        guard("relative_time", || {
            let t = convert::instant(Some(&instant))?.expect("an instant was given");
            Ok(fyr_core::present::relative_time(t, Utc::now(), self.lang))
        })
    }

    /// The languages a help card exists in (Swedish and English first), each
    /// with its name in itself, its name in the store's language, its text
    /// direction and whether a native speaker has reviewed it.
    pub fn help_card_languages(&self) -> Result<Vec<HelpCardLanguage>, FyrError> {
        guard("help_card_languages", || {
            self.inner.help_card_languages().map_err(convert::error)
        })
    }

    /// The help card in `lang` (e.g. "ar"): title, points and numbers (with
    /// `tel:` URIs) in that language and direction; `notReviewedNotice` in
    /// the store's language when no native speaker has reviewed it yet.
    pub fn help_card(&self, lang: String) -> Result<HelpCardView, FyrError> {
        guard("help_card", || {
            self.inner.help_card(&lang).map_err(convert::error)
        })
    }

    /// The help card in `lang` for an audience: "women" (the same as
    /// `help_card`), "children" (Bris), "men" (Brottsofferjouren, never a
    /// women's shelter), "people_who_use_violence". The audiences a language
    /// has are in `help_card_languages`' `audiences`; an unknown audience is
    /// `InvalidInput`, a missing card `NotFound`.
    pub fn help_card_for(&self, lang: String, audience: String) -> Result<HelpCardView, FyrError> {
        guard("help_card_for", || {
            let a = fyr_core::helpcard::Audience::parse(&audience).ok_or_else(|| {
                convert::error(fyr_core::Error::invalid(format!(
                    "unknown help card audience '{audience}' (women, children, men, people_who_use_violence)"
                )))
            })?;
            self.inner.help_card_for(&lang, a).map_err(convert::error)
        })
    }

    /// The confidentiality card for an agency kind id (e.g. "healthcare",
    /// "church"): what may be shared with whom and when, with the mark that
    /// it awaits the region's legal review. `None` for a kind without a card;
    /// an unknown id is `InvalidInput`.
    pub fn confidentiality(
        &self,
        agency_kind: String,
    ) -> Result<Option<fyr_core::guides::ConfidentialityView>, FyrError> {
        guard("confidentiality", || {
            let kind = fyr_core::vocab::AgencyKind::parse(&agency_kind).ok_or_else(|| {
                FyrError::InvalidInput {
                    message: format!("unknown agency kind '{agency_kind}'"),
                }
            })?;
            self.inner.confidentiality(kind).map_err(convert::error)
        })
    }

    /// The confidentiality card of a service's agency kind, from its page.
    pub fn service_confidentiality(
        &self,
        service_id: String,
    ) -> Result<Option<fyr_core::guides::ConfidentialityView>, FyrError> {
        guard("service_confidentiality", || {
            self.inner
                .service_confidentiality(&service_id)
                .map_err(convert::error)
        })
    }

    /// Pulls the signed feed and pushes the outbox. With empty options the
    /// hub and the trusted keys come from the distribution settings in the
    /// signed content (the bundled version on a fresh install); `hub_url` and
    /// `trusted_keys` override them (and are kept). Pass the enrollment token
    /// in `token` on every sync; without one the report's `upload_blocked`
    /// says "not_enrolled" and the outbox stays. Cancel with `handle.cancel()` or by cancelling the
    /// coroutine/task; either way the sync ends with `FyrError::Cancelled`.
    pub async fn sync(
        &self,
        options: SyncOptions,
        handle: Arc<SyncHandle>,
    ) -> Result<SyncReport, FyrError> {
        let token = handle.token.clone();
        if token.is_cancelled() {
            return Err(cancelled());
        }
        let opts = convert::sync_options(&options);
        let mut on_drop = CancelOnDrop {
            token: Some(token.clone()),
        };
        let core = Arc::clone(&self.inner);
        let lang = self.lang;
        let (tx, rx) = tokio::sync::oneshot::channel();
        // The sync runs on its own thread with its own runtime: the future of
        // the core need not be `Send`, and the foreign executor that polls us
        // is never blocked.
        let spawned = std::thread::Builder::new()
            .name("fyr-sync".into())
            .spawn(move || {
                let result = guard("sync", || {
                    core.sync_blocking(&opts, &token)
                        .map(|r| convert::sync_report(r, lang))
                        .map_err(convert::error)
                });
                let _ = tx.send(result);
            });
        if let Err(e) = spawned {
            return Err(FyrError::Internal {
                message: format!("cannot start the sync thread: {e}"),
            });
        }
        let result = rx.await.unwrap_or_else(|_| {
            Err(FyrError::Internal {
                message: "the sync thread ended without a result".into(),
            })
        });
        on_drop.token = None;
        match result {
            // However the core words it, a sync that failed after the caller
            // cancelled it was cancelled.
            Err(_) if handle.token.is_cancelled() => Err(cancelled()),
            r => r,
        }
    }
}

/// The vocabularies (agency kinds, groups, needs, forms): ids with sv/en labels.
#[uniffi::export]
pub fn vocabulary() -> Vocabulary {
    convert::vocabulary()
}

/// What was typed into a number field as a number: "3", "3,5", "3.5",
/// "1 200"; none for anything else (words, "NaN", two separators).
#[uniffi::export]
pub fn parse_number(text: String) -> Option<f64> {
    fyr_core::present::parse_number(&text)
}

/// A user-facing string of the apps in `lang` ("sv" or "en"); usable before a
/// store is open (e.g. on the screen that says the store could not be opened).
#[uniffi::export]
pub fn ui_text(id: UiText, lang: String) -> Result<String, FyrError> {
    let lang = convert::lang(&lang)?;
    Ok(fyr_core::present::ui_text(id, lang).to_string())
}

#[cfg(test)]
mod tests;
