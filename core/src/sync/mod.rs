//! Device sync: pulls signed feed updates from a hub and pushes the outbox.
//!
//! Pull: a conditional manifest request (If-None-Match with the stored ETag);
//! the manifest's signature verified against the trusted keys; rollback,
//! mix-and-match (same version, other digest), freeze (expired manifest) and
//! feed mismatch refused; the delta from the current version (or the snapshot)
//! downloaded with its size bounded by the manifest and a hard limit while
//! streaming, resumed with `Range` after an interruption (the partial bytes are
//! kept in `work_dir/<sha256>.part`), its sha256 verified, and applied by the
//! store in one transaction that verifies the resulting content digest.
//! On any error the current data is untouched.
//!
//! Every sync ends: an overall deadline ([`SyncConfig::deadline`]), a
//! minimum transfer rate on every body, pulled or pushed
//! ([`SyncConfig::min_rate`]), a time limit for each response head; a
//! Retry-After is parsed safely and the next-attempt hint is never more than
//! [`MAX_RETRY_AFTER`] ahead. Uploads never follow a redirect; the feed
//! follows one only within the hub's origin. A 304 counts only as the
//! answer to a conditional request, and a blob is gunzipped (streaming) no
//! further than the size its signed manifest states.
//!
//! Push: the outbox in batches, the event ids as idempotency keys; an event
//! leaves the outbox only once the hub acknowledged it (accepted or duplicate);
//! an event the hub rejects as invalid is quarantined and never blocks others.

mod blobs;
mod configure;
#[cfg(feature = "http")]
pub mod http;
pub mod memory;
mod net;
pub mod policy;
mod pull;
mod push;
pub mod sqlite;
pub mod transport;
pub mod tuf;

use blobs::*;
pub use configure::configure;
use net::*;
use pull::*;
use push::*;

use crate::feed::{
    self, BlobRef, Delta, DeltaRef, FeedError, Manifest, Record, RecordKind, Snapshot,
};
use chrono::{DateTime, Utc};
use ed25519_dalek::VerifyingKey;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::Duration;
pub use transport::{
    default_transport, HttpHeader, HttpLimits, HttpRequest, HttpResponse, SendFuture,
    SharedTransport, Transport, TransportError,
};
/// The URL type of [`SyncConfig::hub`].
pub use url::Url;

/// Meta keys the sync keeps in the store.
pub mod meta {
    pub const ETAG: &str = "sync.etag";
    pub const ETAG_VERSION: &str = "sync.etag_version";
    pub const LAST_ATTEMPT: &str = "sync.last_attempt";
    /// A JSON object: `{result: "updated" | "unchanged" | "failed" |
    /// "cancelled", at, version, error?, requests, bytes_received, bytes_sent,
    /// uploaded, quarantined}`.
    pub const LAST_RESULT: &str = "last_result";
    /// RFC3339 time of the last successful sync.
    pub const LAST_SUCCESS: &str = "last_success";
    /// RFC3339 time of the next attempt after a failure (absent after a success).
    pub const NEXT_ATTEMPT: &str = "next_attempt";
    pub const FAILURES: &str = "sync.failures";
    pub const CONTENT_CREATED: &str = "feed.created";
    pub const CONTENT_EXPIRES: &str = "feed.expires";
    pub const STALE_AFTER_DAYS: &str = "feed.stale_after_days";
    /// The hub's base URL, kept after first use.
    pub const HUB: &str = "sync.hub";
    /// A TUF root given with `--trust-key root.json`, kept (the initial
    /// trusted root; the store then keeps the chain it walked).
    pub const TRUST_ROOT: &str = "sync.trust_root";
    /// Trusted public keys (hex, comma-separated), kept after first use.
    pub const TRUSTED_KEYS: &str = "sync.trusted_keys";
    /// A device token kept by versions before enrollment (read, never written:
    /// the shell keeps the token now and passes it to every sync).
    pub const TOKEN: &str = "sync.token";
    /// Why the outbox could not be sent at the last sync (JSON of
    /// [`super::UploadBlocked`]), absent when it could.
    pub const UPLOAD_BLOCKED: &str = "upload.blocked";
    /// sha256 (hex) of a token the hub said is revoked: not used again.
    pub const REVOKED_TOKEN: &str = "upload.revoked_token";
}

/// Why the outbox was not sent; the pull may still have worked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum UploadBlocked {
    /// The device has no upload token: enroll it with a code from the coordinator.
    NotEnrolled,
    /// The hub revoked this device's token (e.g. a lost phone): enroll again.
    Revoked,
    /// The hub refused the upload (unknown token, or another refusal).
    Refused { message: String },
}

impl UploadBlocked {
    /// One line for people, in Swedish or English, with what to do.
    pub fn describe(&self, lang: crate::vocab::Lang) -> String {
        use crate::vocab::Lang;
        match (self, lang) {
            (UploadBlocked::NotEnrolled, Lang::Sv) => "enheten är inte registrerad för uppladdning: be din samordnare om en kod och registrera enheten (Inställningar i appen, fyr enroll KOD i terminalen)".into(),
            (UploadBlocked::NotEnrolled, Lang::En) => "this device is not enrolled for uploads: ask your coordinator for a code and enroll it (Settings in the app, fyr enroll CODE in the terminal)".into(),
            (UploadBlocked::Revoked, Lang::Sv) => "hubben har återkallat enhetens registrering: be din samordnare om en ny kod".into(),
            (UploadBlocked::Revoked, Lang::En) => "the hub has revoked this device's enrollment: ask your coordinator for a new code".into(),
            (UploadBlocked::Refused { message }, Lang::Sv) => format!("hubben tog inte emot uppladdningen: {message}"),
            (UploadBlocked::Refused { message }, Lang::En) => format!("the hub refused the upload: {message}"),
        }
    }
}

/// Where the device is in the feed. `created` and `stale_after_days` come
/// from the manifest of the version being applied (so the store can keep them
/// in the same transaction as the content); they are informational and may be
/// empty/0 in a position the store reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct FeedPosition {
    pub feed_id: String,
    pub version: u64,
    pub digest: String,
    /// When the version was published (RFC3339), "" when unknown.
    #[serde(default)]
    pub created: String,
    /// The publisher's "data older than N days" threshold, 0 when unknown.
    #[serde(default)]
    pub stale_after_days: u32,
}

/// An event waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxEvent {
    pub event_id: String,
    /// "screening_stat" or "correction_report".
    pub kind: String,
    pub payload: serde_json::Value,
}

/// The device store as seen by sync. The SQLite store implements it; see
/// [`memory::MemStore`] for an in-memory one.
pub trait SyncStore: Send + Sync {
    fn position(&self) -> Result<FeedPosition, SyncError>;
    /// Applies a delta (or, with `replace_all`, a full snapshot) in one
    /// transaction; verifies the resulting digest equals `to.digest` before
    /// commit, else rolls back with [`SyncError::DigestMismatch`].
    fn apply(
        &self,
        to: &FeedPosition,
        upserts: Vec<Record>,
        deletes: Vec<(RecordKind, String)>,
        replace_all: bool,
    ) -> Result<(), SyncError>;
    /// Oldest first, excluding quarantined events.
    fn outbox_batch(&self, max: usize) -> Result<Vec<OutboxEvent>, SyncError>;
    fn outbox_ack(&self, ids: &[String]) -> Result<(), SyncError>;
    fn outbox_quarantine(&self, id: &str, reason: &str) -> Result<(), SyncError>;
    /// Events waiting (not quarantined).
    fn outbox_pending(&self) -> Result<u64, SyncError>;
    /// The distribution record of the content the store holds, if any.
    fn distribution(&self) -> Result<Option<crate::distribution::Distribution>, SyncError>;
    fn get_meta(&self, key: &str) -> Result<Option<String>, SyncError>;
    fn set_meta(&self, key: &str, value: Option<&str>) -> Result<(), SyncError>;
}

/// Why a sync failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SyncError {
    #[error("{0}")]
    Feed(#[from] FeedError),
    #[error("network error: {0}")]
    Network(String),
    #[error("hub answered HTTP {status} for {url}")]
    Http { status: u16, url: String },
    #[error("hub is overloaded; retry later")]
    Overloaded { retry_after: Option<Duration> },
    #[error("hub refused the device token (HTTP 401); check --token")]
    Unauthorized,
    #[error("the hub has revoked this device's token (HTTP 410); enroll again")]
    Revoked,
    #[error(
        "content digest after apply is {got}, the manifest says {expected}; nothing was changed"
    )]
    DigestMismatch { expected: String, got: String },
    #[error("store error: {0}")]
    Store(String),
    #[error("file error: {0}")]
    Io(String),
    #[error("sync cancelled")]
    Cancelled,
    /// A missing or bad setting (hub URL, trusted key, token): the caller's to fix.
    #[error("{0}")]
    Config(String),
}

impl SyncError {
    /// The hub's Retry-After hint, if any.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            SyncError::Overloaded { retry_after } => *retry_after,
            _ => None,
        }
    }
}

/// How to reach the hub and whom to trust.
#[derive(Debug, Clone)]
pub struct SyncConfig {
    /// The hub base URL; uploads go to `<hub>/v1/events`.
    pub hub: Url,
    /// The feed folder (where `manifest.json` is); `None`: `<hub>/feed/`.
    pub feed: Option<Url>,
    /// Other copies of the feed, tried in order when `feed` cannot be reached.
    pub mirrors: Vec<Url>,
    /// The TUF root trusted before the store keeps one (the bundle's, or
    /// `--trust-root`): when set, the pull runs the TUF client workflow and
    /// root alone says who is trusted ([`tuf`]); `trusted_keys` is then unused.
    pub tuf_root: Option<Vec<u8>>,
    /// Without a TUF root: manifests signed by any of these keys are
    /// accepted (a hub that is not yet a TUF repository, `--trust-key`).
    pub trusted_keys: Vec<VerifyingKey>,
    /// Manifests signed by these are refused as retired, even if also trusted.
    pub retired_keys: Vec<VerifyingKey>,
    /// Bearer device token for uploads; without one the outbox is not pushed.
    pub token: Option<String>,
    /// Hard limit on any single download, in bytes.
    pub max_bytes: u64,
    /// Where partial downloads are kept between attempts.
    pub work_dir: PathBuf,
    /// Events per upload batch.
    pub batch_size: usize,
    /// Connect and read timeout.
    pub timeout: Duration,
    /// When a blob download is cut off after making progress, resume it with
    /// `Range` at once this many times within the same sync (later syncs
    /// resume from the saved bytes anyway).
    pub download_retries: u32,
    /// The whole sync (pull and push) ends after this, whatever the hub does;
    /// a partial download is kept and resumed next time.
    pub deadline: Duration,
    /// A body (download or upload) slower than this many bytes per second,
    /// measured over each `rate_window`, is cut off. 0 turns the check off.
    pub min_rate: u64,
    pub rate_window: Duration,
    /// The most a blob is gunzipped to when its manifest does not state its
    /// decompressed size (when it does, that size is the limit).
    pub max_decoded_bytes: u64,
    /// How requests are sent: the app's own transport on a phone; `None`
    /// takes the reqwest one where the core is built with `http` (the CLI,
    /// the hub's tests), and is an error without it.
    pub transport: Option<SharedTransport>,
}

/// The longest a hub can make a device wait (Retry-After), and the furthest
/// ahead a next-attempt hint ever is.
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(24 * 3600);

impl SyncConfig {
    pub fn new(hub: Url, trusted_keys: Vec<VerifyingKey>, work_dir: PathBuf) -> SyncConfig {
        SyncConfig {
            hub,
            feed: None,
            mirrors: Vec::new(),
            tuf_root: None,
            trusted_keys,
            retired_keys: Vec::new(),
            token: None,
            max_bytes: 64 << 20,
            work_dir,
            batch_size: 100,
            timeout: Duration::from_secs(30),
            download_retries: 3,
            deadline: Duration::from_secs(10 * 60),
            min_rate: 256,
            rate_window: Duration::from_secs(30),
            max_decoded_bytes: 64 << 20,
            transport: None,
        }
    }

    /// The feed folder: `feed`, else `<hub>/feed/`.
    pub fn feed_base(&self) -> Url {
        match &self.feed {
            Some(f) => f.clone(),
            None => self.hub.join("feed/").unwrap_or_else(|_| self.hub.clone()),
        }
    }
}

/// Whether the content changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum SyncResult {
    Updated,
    #[default]
    Unchanged,
}

/// What one sync did; bytes are counted on the wire (bodies and header sizes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SyncReport {
    pub result: SyncResult,
    pub version: u64,
    pub requests: u32,
    pub bytes_received: u64,
    pub bytes_sent: u64,
    pub uploaded: u32,
    pub quarantined: u32,
    /// The delta's from-version, or None when a snapshot (or nothing) was applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delta_from: Option<u64>,
    /// Events still waiting in the outbox after this sync.
    #[serde(default)]
    pub pending: u64,
    /// Why the outbox was not sent, when it was not (the pull may have worked).
    #[serde(default)]
    pub upload_blocked: Option<UploadBlocked>,
}

/// Cancels a running sync promptly; the data is left untouched.
#[derive(Debug, Clone)]
pub struct CancelToken {
    tx: std::sync::Arc<tokio::sync::watch::Sender<bool>>,
}

impl Default for CancelToken {
    fn default() -> Self {
        CancelToken::new()
    }
}

impl CancelToken {
    pub fn new() -> CancelToken {
        CancelToken {
            tx: std::sync::Arc::new(tokio::sync::watch::channel(false).0),
        }
    }
    pub fn cancel(&self) {
        self.tx.send_replace(true);
    }
    pub fn is_cancelled(&self) -> bool {
        *self.tx.borrow()
    }
    pub async fn cancelled(&self) {
        let mut rx = self.tx.subscribe();
        let _ = rx.wait_for(|v| *v).await;
    }
}

/// A Retry-After value: delta-seconds or an HTTP date, capped at
/// [`MAX_RETRY_AFTER`]; `None` for anything else (or a time in the past).
pub fn parse_retry_after(v: &str, now: DateTime<Utc>) -> Option<Duration> {
    let v = v.trim();
    let d = if !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()) {
        // Any number of digits: past u64 it is just "very long".
        Duration::from_secs(v.parse::<u64>().unwrap_or(u64::MAX))
    } else {
        let at = DateTime::parse_from_rfc2822(v).ok()?.with_timezone(&Utc);
        (at - now).to_std().ok()?
    };
    Some(d.min(MAX_RETRY_AFTER))
}

pub use policy::next_attempt;

/// What the shells show.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SyncStatus {
    pub feed_id: String,
    pub version: u64,
    pub content_created: Option<DateTime<Utc>>,
    pub content_age_days: Option<i64>,
    pub stale_after_days: Option<u32>,
    /// "data older than N days" applies.
    pub stale: bool,
    pub last_attempt: Option<DateTime<Utc>>,
    pub last_success: Option<DateTime<Utc>>,
    pub last_result: Option<String>,
    pub last_error: Option<String>,
    pub next_attempt: Option<DateTime<Utc>>,
    pub failures: u32,
    /// Why the outbox was not sent at the last sync, if it was not.
    pub upload_blocked: Option<UploadBlocked>,
}

fn meta_time(store: &dyn SyncStore, key: &str) -> Result<Option<DateTime<Utc>>, SyncError> {
    Ok(store
        .get_meta(key)?
        .and_then(|s| DateTime::parse_from_rfc3339(&s).ok())
        .map(|t| t.with_timezone(&Utc)))
}

/// The sync status from the store's meta.
pub fn sync_status(store: &dyn SyncStore, now: DateTime<Utc>) -> Result<SyncStatus, SyncError> {
    let pos = store.position()?;
    let created = DateTime::parse_from_rfc3339(&pos.created)
        .ok()
        .map(|t| t.with_timezone(&Utc))
        .or(meta_time(store, meta::CONTENT_CREATED)?);
    let stale_after: Option<u32> = if pos.stale_after_days > 0 {
        Some(pos.stale_after_days)
    } else {
        store
            .get_meta(meta::STALE_AFTER_DAYS)?
            .and_then(|s| s.parse().ok())
    };
    let age = created.map(|c| (now - c).num_days());
    let last: Option<serde_json::Value> = store
        .get_meta(meta::LAST_RESULT)?
        .and_then(|s| serde_json::from_str(&s).ok());
    let field = |k: &str| {
        last.as_ref()
            .and_then(|v| v.get(k))
            .and_then(|v| v.as_str())
            .map(str::to_string)
    };
    Ok(SyncStatus {
        feed_id: pos.feed_id,
        version: pos.version,
        content_created: created,
        content_age_days: age,
        stale_after_days: stale_after,
        stale: matches!((age, stale_after), (Some(a), Some(n)) if a > n as i64),
        last_attempt: meta_time(store, meta::LAST_ATTEMPT)?,
        last_success: meta_time(store, meta::LAST_SUCCESS)?,
        last_result: field("result"),
        last_error: field("error"),
        // A hint kept by an older version may be absurd: never more than a day ahead.
        next_attempt: meta_time(store, meta::NEXT_ATTEMPT)?
            .map(|t| t.min(now + chrono::Duration::seconds(MAX_RETRY_AFTER.as_secs() as i64))),
        failures: store
            .get_meta(meta::FAILURES)?
            .and_then(|s| s.parse().ok())
            .unwrap_or(0),
        upload_blocked: store
            .get_meta(meta::UPLOAD_BLOCKED)?
            .and_then(|s| serde_json::from_str(&s).ok()),
    })
}

/// [`sync`] on a current-thread tokio runtime of its own, for callers that
/// are not async (the CLI, the FFI).
pub fn sync_blocking(
    store: &dyn SyncStore,
    cfg: &SyncConfig,
    cancel: &CancelToken,
) -> Result<SyncReport, SyncError> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| SyncError::Io(format!("cannot start the sync runtime: {e}")))?;
    rt.block_on(sync(store, cfg, cancel))
}

/// Runs one sync: pull, then push. Records the outcome (last result, next
/// attempt after a failure) in the store's meta.
pub async fn sync(
    store: &dyn SyncStore,
    cfg: &SyncConfig,
    cancel: &CancelToken,
) -> Result<SyncReport, SyncError> {
    let now = Utc::now();
    store.set_meta(meta::LAST_ATTEMPT, Some(&now.to_rfc3339()))?;
    let mut report = SyncReport::default();
    let res = if cancel.is_cancelled() {
        Err(SyncError::Cancelled)
    } else {
        tokio::select! {
            biased;
            _ = cancel.cancelled() => Err(SyncError::Cancelled),
            r = run(store, cfg, cancel, &mut report) => r,
        }
    };
    // However a request ended, a sync cancelled meanwhile was cancelled.
    let res = match res {
        Err(_) if cancel.is_cancelled() => Err(SyncError::Cancelled),
        r => r,
    };
    let done = Utc::now();
    if !matches!(res, Err(SyncError::Cancelled)) {
        report.pending = store.outbox_pending()?;
        let blocked = report
            .upload_blocked
            .as_ref()
            .map(|b| serde_json::to_string(b).expect("serializes"));
        store.set_meta(meta::UPLOAD_BLOCKED, blocked.as_deref())?;
    }
    let outcome = |result: &str, error: Option<String>| {
        serde_json::json!({
            "result": result,
            "at": done.to_rfc3339(),
            "version": report.version,
            "error": error,
            "requests": report.requests,
            "bytes_received": report.bytes_received,
            "bytes_sent": report.bytes_sent,
            "uploaded": report.uploaded,
            "quarantined": report.quarantined,
            "pending": report.pending,
            "upload_blocked": report.upload_blocked,
        })
        .to_string()
    };
    match &res {
        Ok(()) => {
            let label = match report.result {
                SyncResult::Updated => "updated",
                SyncResult::Unchanged => "unchanged",
            };
            store.set_meta(meta::LAST_RESULT, Some(&outcome(label, None)))?;
            store.set_meta(meta::LAST_SUCCESS, Some(&done.to_rfc3339()))?;
            store.set_meta(meta::FAILURES, None)?;
            store.set_meta(meta::NEXT_ATTEMPT, None)?;
        }
        Err(SyncError::Cancelled) => {
            store.set_meta(meta::LAST_RESULT, Some(&outcome("cancelled", None)))?;
        }
        Err(e) => {
            let failures: u32 = store
                .get_meta(meta::FAILURES)?
                .and_then(|s| s.parse::<u32>().ok())
                .unwrap_or(0)
                .saturating_add(1);
            store.set_meta(
                meta::LAST_RESULT,
                Some(&outcome("failed", Some(e.to_string()))),
            )?;
            store.set_meta(meta::FAILURES, Some(&failures.to_string()))?;
            let next = next_attempt(failures, e.retry_after(), done);
            store.set_meta(meta::NEXT_ATTEMPT, Some(&next.to_rfc3339()))?;
        }
    }
    res.map(|()| report)
}

async fn run(
    store: &dyn SyncStore,
    cfg: &SyncConfig,
    cancel: &CancelToken,
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    let own;
    let transport: &dyn Transport = match &cfg.transport {
        Some(t) => &*t.0,
        None => {
            own = default_transport(cfg.timeout)?;
            &*own
        }
    };
    let mut net = Net {
        transport,
        cancel,
        cfg,
        report,
        deadline: std::time::Instant::now() + cfg.deadline,
        last_exchange: Duration::ZERO,
        prefetched: Default::default(),
    };
    if let Some(root) = &cfg.tuf_root {
        // The TUF client tries the origin, then each mirror, itself.
        let pulled = tuf::pull(store, cfg, &mut net, root.clone()).await;
        let pushed = push(store, cfg, &mut net).await;
        pulled?;
        return pushed;
    }
    let mut pulled = pull(store, cfg, &cfg.feed_base(), &mut net).await;
    // The same signed feed from a mirror when the feed cannot be reached.
    for m in &cfg.mirrors {
        match &pulled {
            Err(SyncError::Network(_)) | Err(SyncError::Http { .. }) => {
                pulled = pull(store, cfg, m, &mut net).await;
            }
            _ => break,
        }
    }
    let pushed = push(store, cfg, &mut net).await;
    pulled?;
    pushed
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod transport_tests;
