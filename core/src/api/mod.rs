//! The facade: `Fyr` is everything a shell (CLI, Android, iOS) calls. It owns
//! the store and the in-memory search index; it is `Send + Sync`.

use crate::error::{Error, Result};
use crate::keys::{KeyState, LockReason};
use crate::model::Municipality;
use crate::search::{self, SearchQuery, SearchResult, ServiceDetail, ServiceHit};
use crate::store::{device, Bundle, BundleSource, ContentPosition, Store};
use crate::sync;
use crate::vocab::{AgencyKind, Lang};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::sync::RwLock;

pub const DEFAULT_RETENTION_DAYS: u32 = 30;

/// How to open the store.
#[derive(Debug, Clone)]
pub struct OpenOptions {
    pub data_dir: PathBuf,
    /// The 32-byte key that seals screening sessions (from the platform
    /// keystore; for the CLI a key file or `FYR_KEY`). Without it the
    /// directory works but screenings cannot be stored.
    pub key: Option<[u8; 32]>,
    pub lang: Lang,
}

/// Device settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    pub lang: Lang,
    /// SCB code of the user's home municipality.
    pub home_municipality: Option<String>,
    /// The user's own agency kind (goes into anonymous statistics).
    pub agency_kind: Option<AgencyKind>,
    /// Days a completed screening is kept before it is purged.
    pub retention_days: u32,
}

/// What `fyr status` shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Status {
    pub feed_id: String,
    pub content_version: u64,
    pub content_created: Option<DateTime<Utc>>,
    pub content_age_days: Option<i64>,
    pub stale_after_days: Option<u32>,
    /// "Data older than N days" when the content is older than the publisher's threshold.
    pub stale_warning: Option<String>,
    /// The last sync's outcome: `{result, at, version, error?, requests, bytes_received, …}`.
    pub last_sync: Option<serde_json::Value>,
    pub last_success: Option<DateTime<Utc>>,
    /// After a failure: when the shell should try again (backoff with jitter, Retry-After honoured).
    pub next_attempt: Option<DateTime<Utc>>,
    pub failures: u32,
    pub hub: Option<String>,
    pub outbox_pending: u64,
    pub outbox_quarantined: u64,
    /// Set when screenings cannot be used (no key, or a wrong one): why, and
    /// the way forward. The directory works either way.
    pub screenings_locked: Option<crate::keys::ScreeningLock>,
    /// Sessions set aside by a key reset: unreadable, purged after the retention period.
    pub unreadable_screenings: u64,
    /// Why the outbox was not sent at the last sync (not enrolled, revoked,
    /// refused), if it was not.
    pub upload_blocked: Option<sync::UploadBlocked>,
    /// The same in words, in the store's language, with what to do.
    pub upload_note: Option<String>,
    /// How often to look for a new version (the signed content's
    /// `check_interval_hours`), for the shell's scheduler after a success.
    pub check_interval_hours: Option<u32>,
    /// How many directory entries are demo entries (invented, their numbers
    /// from PTS's fiction range, never offered as calls). A build for the
    /// field should have none; the start screen says so while there are.
    #[serde(default)]
    pub demo_entries: u64,
    /// When a scheduled sync is next due (`sync::policy::next_check`): the
    /// shell wakes up then; a scheduled sync before it is refused at once.
    pub next_check: DateTime<Utc>,
    /// The signed content asks for a newer app (`min_app_version`): what to
    /// tell the user, in the store's language.
    pub app_update: Option<String>,
}

/// How to sync: what is not given is taken from what was kept after the first use.
#[derive(Debug, Clone, Default)]
pub struct SyncOptions {
    pub hub: Option<String>,
    /// Files holding the publisher's public key (hex), e.g. `fyr-feed.pub`.
    pub trust_key_files: Vec<PathBuf>,
    /// The same as hex strings.
    pub trusted_keys_hex: Vec<String>,
    /// The device's upload token (from [`Fyr::enroll`]), kept by the shell
    /// and given to every sync; without one the outbox stays and the report
    /// says "not enrolled".
    pub token: Option<String>,
    /// Who asked: the user (runs at once) or the shell's scheduler (runs
    /// only when due, see `sync::policy`).
    pub trigger: sync::policy::SyncTrigger,
}

pub struct Fyr {
    pub(crate) store: Store,
    pub(crate) key: RwLock<KeyState>,
    lang: Lang,
    /// One sync at a time per open store: a phone's periodic and "sync now"
    /// work (or a CLI and a test) never pull or push at once; the second
    /// waits for the first and then runs (usually "unchanged").
    sync_lock: tokio::sync::Mutex<()>,
    /// How sync and enrollment reach the hub: the app's own transport on a
    /// phone ([`Fyr::set_transport`]); without one, the reqwest transport
    /// where the core is built with `http`.
    transport: RwLock<Option<sync::SharedTransport>>,
}

impl Fyr {
    /// Opens the store with the bundled default content as the first-start
    /// content, and as what a directory store found damaged later is rebuilt
    /// from. Never fails because of the key: see [`crate::keys`].
    pub fn open(o: OpenOptions) -> Result<Fyr> {
        Self::open_with_source(o, crate::bundle::compiled_source())
    }

    /// As [`Fyr::open`] with another bundle (tests, benchmarks).
    pub fn open_with_source(o: OpenOptions, source: BundleSource) -> Result<Fyr> {
        Self::finish_open(o.clone(), Store::open_rebuildable(&o.data_dir, source)?)
    }

    /// As [`Fyr::open`] with another first-start bundle that borrows (tests,
    /// benchmarks): device.db damage is repaired at any query as always, but
    /// directory.db damage found after open is reported, not rebuilt, as
    /// there is no bundle to rebuild from later. Shells that ship their own
    /// bundle use [`Fyr::open_with_source`], which repairs both.
    pub fn open_with_bundle(o: OpenOptions, bundle: &dyn Fn() -> Result<Bundle>) -> Result<Fyr> {
        Self::finish_open(o.clone(), Store::open(&o.data_dir, bundle)?)
    }

    fn finish_open(o: OpenOptions, store: Store) -> Result<Fyr> {
        let mut fyr = Fyr {
            store,
            key: RwLock::new(KeyState::Locked(LockReason::NoKey)),
            lang: o.lang,
            sync_lock: tokio::sync::Mutex::new(()),
            transport: RwLock::new(None),
        };
        let state = fyr.initial_key_state(o.key)?;
        *fyr.key.get_mut().unwrap_or_else(|p| p.into_inner()) = state;
        fyr.purge_screenings(Utc::now())?;
        Ok(fyr)
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Messages from opening the store that the user must see (e.g. a damaged
    /// store rebuilt, and what was lost).
    pub fn open_notices(&self) -> Vec<String> {
        self.store.notices()
    }

    /// Notices not yet taken, including damage found and repaired after
    /// open (a directory store rebuilt in the middle of a search).
    pub fn take_notices(&self) -> Vec<String> {
        self.store.take_notices()
    }

    // ---------------------------------------------------------------- settings

    pub fn settings(&self) -> Result<Settings> {
        self.store.with_dev(|c| {
            let get = |k: &str| device::get_setting(c, k);
            Ok(Settings {
                lang: get("lang")?
                    .and_then(|l| Lang::parse(&l))
                    .unwrap_or(self.lang),
                home_municipality: get("home_municipality")?,
                agency_kind: get("agency_kind")?.and_then(|k| AgencyKind::parse(&k)),
                retention_days: get("retention_days")?
                    .and_then(|d| d.parse().ok())
                    .unwrap_or(DEFAULT_RETENTION_DAYS),
            })
        })
    }

    pub fn set_settings(&self, s: &Settings) -> Result<()> {
        if let Some(m) = &s.home_municipality {
            self.municipality(m)?;
        }
        if s.retention_days == 0 || s.retention_days > 3650 {
            return Err(Error::invalid(format!(
                "retention must be 1–3650 days, got {}",
                s.retention_days
            )));
        }
        let home = match &s.home_municipality {
            Some(m) => Some(self.municipality(m)?.code),
            None => None,
        };
        self.store.with_dev(|c| {
            device::set_setting(c, "lang", Some(s.lang.id()))?;
            device::set_setting(c, "home_municipality", home.as_deref())?;
            device::set_setting(c, "agency_kind", s.agency_kind.map(|k| k.id()))?;
            device::set_setting(c, "retention_days", Some(&s.retention_days.to_string()))?;
            Ok(())
        })
    }

    // --------------------------------------------------------------- directory

    /// The result list of a search.
    pub fn search(&self, q: &SearchQuery) -> Result<Vec<ServiceHit>> {
        self.store
            .with_dir(|c, ix| search::search(c, ix, q, self.lang))
    }

    /// A search with how the text was understood and the fixed 112 action
    /// (what the CLI prints and the apps show as chips above the list).
    pub fn search_full(&self, q: &SearchQuery) -> Result<SearchResult> {
        self.store
            .with_dir(|c, ix| search::search_full(c, ix, q, self.lang))
    }

    pub fn show(
        &self,
        id: &str,
        at: Option<DateTime<Utc>>,
        near: Option<(f64, f64)>,
    ) -> Result<ServiceDetail> {
        self.store
            .with_dir(|c, ix| search::show(c, ix, id, at, near, self.lang))
    }

    pub fn municipalities(&self) -> Vec<Municipality> {
        self.store.index().municipalities.clone()
    }

    /// A municipality by name in any spelling or by SCB code; the error names the bad value.
    pub fn municipality(&self, s: &str) -> Result<Municipality> {
        let ix = self.store.index();
        search::resolve_municipality(&ix.municipalities, s)
            .cloned()
            .ok_or_else(|| Error::invalid(format!("unknown municipality '{s}'")))
    }

    pub fn vocabulary() -> crate::vocab::Vocabulary {
        crate::vocab::vocabulary()
    }

    pub fn position(&self) -> Result<ContentPosition> {
        self.store.position()
    }

    // ------------------------------------------------------------------ outbox

    pub fn outbox(&self) -> Result<Vec<device::OutboxEntry>> {
        self.store.with_dev(|c| device::outbox_all(c))
    }

    /// Puts a correction report about a service into the outbox: a reason
    /// (`wrong_number`, `closed`, `moved`, `other`) and a short text about
    /// the service, never a person. Text with an identity number, a phone
    /// number or an e-mail address is refused ([`crate::privacy`]; the hub
    /// checks the same again).
    pub fn report_error(&self, service_id: &str, reason: &str, message: &str) -> Result<String> {
        let (reason, message) = crate::privacy::check_correction(reason, message)
            .map_err(|e| Error::invalid(e.to_string()))?;
        // The service must exist.
        self.show(service_id, None, None)?;
        let pos = self.store.position()?;
        // Who reports, as coarsely as a statistic: the user's home
        // municipality and agency kind from the settings (null when unset).
        let settings = self.settings()?;
        let payload = serde_json::json!({
            "service_id": service_id,
            "reason": reason.id(),
            "message": message,
            "content_version": pos.version,
            "municipality": settings.home_municipality,
            "agency_kind": settings.agency_kind.map(|k| k.id()),
        });
        self.store
            .with_dev(|c| device::enqueue(c, "correction_report", &payload))
    }

    // ------------------------------------------------------------------ status

    pub fn status(&self, now: DateTime<Utc>) -> Result<Status> {
        let st = sync::sync_status(&self.store, now).map_err(sync_error)?;
        let (pending, quarantined) = self.store.with_dev(|c| device::outbox_counts(c))?;
        let stale_warning = match (st.stale, st.stale_after_days, st.content_age_days) {
            (true, Some(n), Some(a)) => Some(match self.lang {
                Lang::Sv => format!(
                    "Uppgifterna är äldre än {n} dagar ({a} dagar) – synka när du har täckning"
                ),
                Lang::En => {
                    format!("Data older than {n} days ({a} days) – sync when you have coverage")
                }
            }),
            _ => None,
        };
        let screenings_locked = self.screening_lock()?;
        let dist = self.distribution()?;
        let next_check = sync::policy::next_check(
            &st,
            sync::policy::check_interval_hours(dist.as_ref().map(|d| d.check_interval_hours)),
            now,
        );
        let (last_sync, hub, unreadable) = self.store.with_dev(|c| {
            Ok((
                device::get_sync_meta(c, sync::meta::LAST_RESULT)?,
                device::get_sync_meta(c, sync::meta::HUB)?,
                device::aside_sessions(c)?.len() as u64,
            ))
        })?;
        Ok(Status {
            feed_id: st.feed_id,
            content_version: st.version,
            content_created: st.content_created,
            content_age_days: st.content_age_days,
            stale_after_days: st.stale_after_days,
            stale_warning,
            last_sync: last_sync.and_then(|s| serde_json::from_str(&s).ok()),
            last_success: st.last_success,
            next_attempt: st.next_attempt,
            failures: st.failures,
            check_interval_hours: dist.as_ref().map(|d| d.check_interval_hours),
            next_check,
            app_update: crate::evolve::app_update_notice(
                dist.as_ref().and_then(|d| d.min_app_version.as_deref()),
                self.lang,
            ),
            hub: hub.or(dist.map(|d| d.hub_url)),
            outbox_pending: pending,
            outbox_quarantined: quarantined,
            screenings_locked,
            unreadable_screenings: unreadable,
            upload_note: st.upload_blocked.as_ref().map(|b| b.describe(self.lang)),
            upload_blocked: st.upload_blocked,
            demo_entries: self
                .store
                .index()
                .entries
                .iter()
                .filter(|e| e.flags & crate::search::index::FLAG_DEMO != 0)
                .count() as u64,
        })
    }

    /// The distribution settings of the content this device holds (where it
    /// syncs, whom it trusts), if the content has them.
    pub fn distribution(&self) -> Result<Option<crate::distribution::Distribution>> {
        let recs = self.store.records(crate::feed::RecordKind::Distribution)?;
        crate::distribution::Distribution::from_records(&recs)
            .map_err(|e| Error::Content(format!("the distribution settings are damaged: {e}")))
    }

    // --------------------------------------------------------------- transport

    /// Sets how sync and enrollment reach the hub (the phones: the
    /// platform's HTTPS, through the FFI).
    pub fn set_transport(&self, t: std::sync::Arc<dyn sync::Transport>) {
        *self.transport.write().unwrap_or_else(|p| p.into_inner()) = Some(sync::SharedTransport(t));
    }

    fn transport(&self) -> Option<sync::SharedTransport> {
        self.transport
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    // -------------------------------------------------------------- enrollment

    /// Enrolls this device for uploads with a one-time code from the
    /// coordinator, typed (`7K3QD-M2XWA-9RT44`) or scanned (`fyr-enroll:CODE@URL`).
    /// The hub is the payload's URL, else `hub`, else the one this device
    /// syncs with. Returns the device's own upload token: the shell keeps it
    /// (keystore, keychain, a 0600 file) and passes it to every sync; the
    /// core does not store it. A revoked state from an earlier token is cleared.
    pub async fn enroll(
        &self,
        input: &str,
        hub: Option<&str>,
    ) -> Result<crate::enroll::Enrollment> {
        let (code, from_payload) =
            crate::enroll::parse_input(input).map_err(Error::InvalidInput)?;
        let hub_url = match from_payload.or(hub.map(str::to_string)) {
            Some(h) => h,
            None => {
                let kept = self
                    .store
                    .with_dev(|c| device::get_sync_meta(c, sync::meta::HUB))?;
                match kept.or(self.distribution()?.map(|d| d.hub_url)) {
                    Some(h) => h,
                    None => {
                        return Err(Error::invalid(
                            "no hub is known to enroll with: scan the QR code or give the hub's address",
                        ))
                    }
                }
            }
        };
        // RFC 6761: .invalid never resolves (the repository's placeholder).
        if url::Url::parse(&hub_url)
            .ok()
            .and_then(|u| u.host_str().map(|h| h.ends_with(".invalid")))
            .unwrap_or(false)
        {
            return Err(Error::invalid(format!(
                "this build names the placeholder hub {hub_url}: scan the QR code (it carries the hub's address) or give the hub's address"
            )));
        }
        let transport = match self.transport() {
            Some(t) => t.0,
            None => {
                sync::default_transport(std::time::Duration::from_secs(15)).map_err(sync_error)?
            }
        };
        let e = crate::enroll::enroll_with(&*transport, &hub_url, &code)
            .await
            .map_err(|e| match e {
                crate::enroll::EnrollError::Code(m) => Error::InvalidInput(m),
                e => Error::Sync(e.to_string()),
            })?;
        self.store.with_dev(|c| {
            device::set_sync_meta(c, sync::meta::REVOKED_TOKEN, None)?;
            device::set_sync_meta(c, sync::meta::UPLOAD_BLOCKED, None)
        })?;
        Ok(e)
    }

    /// [`Fyr::enroll`] on a runtime of its own, for callers that are not async.
    pub fn enroll_blocking(
        &self,
        input: &str,
        hub: Option<&str>,
    ) -> Result<crate::enroll::Enrollment> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::Internal(format!("cannot start the runtime: {e}")))?;
        rt.block_on(self.enroll(input, hub))
    }

    // -------------------------------------------------------------------- sync

    /// The sync configuration: given values are checked and kept for next
    /// time; missing ones come from what was kept.
    pub fn sync_config(&self, o: &SyncOptions) -> Result<sync::SyncConfig> {
        if !o.trusted_keys_hex.is_empty() {
            let keys = o
                .trusted_keys_hex
                .iter()
                .map(|k| crate::feed::parse_verifying_key(k).map(|k| hex::encode(k.as_bytes())))
                .collect::<std::result::Result<Vec<_>, _>>()
                .map_err(|e| Error::invalid(format!("trusted key: {e}")))?;
            self.store.with_dev(|c| {
                device::set_sync_meta(c, sync::meta::TRUSTED_KEYS, Some(&keys.join(",")))
            })?;
        }
        sync::configure(
            &self.store,
            &self.store.data_dir().join("sync-work"),
            o.hub.as_deref(),
            &o.trust_key_files,
            o.token.as_deref(),
        )
        .map_err(sync_error)
    }

    /// One sync: pull signed content, push the outbox. The shell decides
    /// when (coverage, schedule); this decides what. Cancel with `cancel`.
    pub async fn sync(
        &self,
        o: &SyncOptions,
        cancel: &sync::CancelToken,
    ) -> Result<sync::SyncReport> {
        use sync::policy::{Decision, SyncTrigger};
        let _one_at_a_time = match o.trigger {
            // Single flight: a scheduled call while a sync runs is not needed.
            SyncTrigger::Scheduled => match self.sync_lock.try_lock() {
                Ok(guard) => guard,
                Err(_) => {
                    return Err(Error::NotYet {
                        at: Utc::now() + chrono::Duration::minutes(1),
                        running: true,
                    })
                }
            },
            // The user's call waits for the running one; waiting ends when
            // this one is cancelled.
            SyncTrigger::User => tokio::select! {
                guard = self.sync_lock.lock() => guard,
                _ = cancel.cancelled() => return Err(sync_error(sync::SyncError::Cancelled)),
            },
        };
        let now = Utc::now();
        if let Decision::NotYet { at } = sync::policy::decide(o.trigger, self.next_check(now)?, now)
        {
            return Err(Error::NotYet { at, running: false });
        }
        let mut cfg = self.sync_config(o)?;
        cfg.transport = self.transport();
        sync::sync(&self.store, &cfg, cancel)
            .await
            .map_err(sync_error)
    }

    /// When a scheduled sync is next due (see `sync::policy`).
    pub fn next_check(&self, now: DateTime<Utc>) -> Result<DateTime<Utc>> {
        let st = sync::sync_status(&self.store, now).map_err(sync_error)?;
        let signed = self.distribution()?.map(|d| d.check_interval_hours);
        Ok(sync::policy::next_check(
            &st,
            sync::policy::check_interval_hours(signed),
            now,
        ))
    }

    /// [`Fyr::sync`] on a runtime of its own, for callers that are not async.
    pub fn sync_blocking(
        &self,
        o: &SyncOptions,
        cancel: &sync::CancelToken,
    ) -> Result<sync::SyncReport> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::Internal(format!("cannot start the sync runtime: {e}")))?;
        rt.block_on(self.sync(o, cancel))
    }
}

/// Maps a sync error: a bad setting is the caller's input to fix.
pub fn sync_error(e: sync::SyncError) -> Error {
    match e {
        sync::SyncError::Config(m) => Error::InvalidInput(m),
        other => Error::Sync(other.to_string()),
    }
}

#[cfg(test)]
mod tests;
