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

pub mod memory;
pub mod policy;
pub mod sqlite;
pub mod tuf;

use crate::feed::{
    self, BlobRef, Delta, DeltaRef, FeedError, Manifest, Record, RecordKind, Snapshot,
};
use chrono::{DateTime, Utc};
use ed25519_dalek::VerifyingKey;
use futures_util::StreamExt;
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::StatusCode;
/// The URL type of [`SyncConfig::hub`].
pub use reqwest::Url;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::Duration;
use tokio::io::AsyncWriteExt;

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

fn parse_base_url(what: &str, text: &str) -> Result<Url, SyncError> {
    let mut url = Url::parse(text.trim())
        .map_err(|e| SyncError::Config(format!("{what} {text:?} is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(SyncError::Config(format!(
            "{what} {text:?} must be an http or https URL"
        )));
    }
    if !url.path().ends_with('/') {
        let p = format!("{}/", url.path());
        url.set_path(&p);
    }
    Ok(url)
}

/// Builds the sync configuration. Where to sync and whom to trust come from
/// the distribution record of the content the device holds (the bundled
/// version on a fresh install), unless the caller overrides them
/// (`fyr sync --hub URL --trust-key FILE`): a given hub or key files are
/// validated and kept, and a kept override wins over the content until the
/// data directory is reset. The token is never kept by the core (the shell
/// keeps it); without one given, a token kept by an older version is used.
/// Partial downloads go to `work_dir`.
pub fn configure(
    store: &dyn SyncStore,
    work_dir: &std::path::Path,
    hub: Option<&str>,
    trust_key_files: &[std::path::PathBuf],
    token: Option<&str>,
) -> Result<SyncConfig, SyncError> {
    let dist = match store.distribution() {
        Ok(d) => d,
        Err(e) => {
            return Err(SyncError::Config(format!(
                "the distribution settings in the content are damaged ({e}); give --hub and --trust-key"
            )))
        }
    };
    let (url, feed, mirrors) = if let Some(h) = hub {
        let url = parse_base_url("--hub", h)?;
        store.set_meta(meta::HUB, Some(url.as_str()))?;
        let feed = url
            .join("feed/")
            .map_err(|e| SyncError::Config(e.to_string()))?;
        (url, feed, Vec::new())
    } else if let Some(kept) = store.get_meta(meta::HUB)? {
        let url = parse_base_url("the kept hub", &kept)?;
        let feed = url
            .join("feed/")
            .map_err(|e| SyncError::Config(e.to_string()))?;
        (url, feed, Vec::new())
    } else if let Some(d) = &dist {
        let url = parse_base_url("distribution hub_url", &d.hub_url)?;
        // RFC 6761: .invalid never resolves. Say so instead of trying.
        if url.host_str().is_some_and(|h| h.ends_with(".invalid")) {
            return Err(SyncError::Config(format!(
                "the content names the placeholder hub {url}: this build was not set up for a region; give --hub URL and --trust-key FILE, or publish content with the region's distribution.toml"
            )));
        }
        let feed = parse_base_url("distribution feed_url", &d.feed_url)?;
        let mirrors = d
            .mirrors
            .iter()
            .map(|m| parse_base_url("distribution mirror", m))
            .collect::<Result<Vec<_>, _>>()?;
        (url, feed, mirrors)
    } else {
        return Err(SyncError::Config(
            "no hub is configured: the content names none; give --hub URL".into(),
        ));
    };
    // A TUF root given (a root.json as --trust-key), kept, or bundled:
    // root alone says who is trusted.
    let mut given_root = None;
    for p in trust_key_files {
        let bytes = std::fs::read(p)
            .map_err(|e| SyncError::Config(format!("--trust-key {}: {e}", p.display())))?;
        if bytes.trim_ascii_start().starts_with(b"{") {
            crate::update::trusted::TrustedSet::new(&bytes, Utc::now()).map_err(|e| {
                SyncError::Config(format!(
                    "--trust-key {}: not a valid TUF root: {e}",
                    p.display()
                ))
            })?;
            given_root = Some(bytes);
        }
    }
    if let Some(root) = &given_root {
        let text = String::from_utf8_lossy(root).into_owned();
        store.set_meta(meta::TRUST_ROOT, Some(&text))?;
        store.set_meta(meta::TRUSTED_KEYS, None)?;
    }
    let tuf_root = match given_root {
        Some(r) => Some(r),
        None if !trust_key_files.is_empty() => None,
        // Publisher keys kept from an earlier --trust-key (a hub that is not
        // a TUF repository) stay the trust until a root is given.
        None if store
            .get_meta(meta::TRUSTED_KEYS)?
            .is_some_and(|k| !k.trim().is_empty()) =>
        {
            None
        }
        None => {
            let given = store.get_meta(meta::TRUST_ROOT)?;
            tuf::adopt_bundled_root(
                store,
                crate::bundle::BUNDLE_ROOT,
                crate::bundle::bundled_feed_id().as_deref(),
                given.as_deref().map(str::as_bytes),
            )?;
            given
                .or(store.get_meta(&format!("{}root", tuf::keys::PREFIX))?)
                .map(String::into_bytes)
                .or_else(|| {
                    // The bundle's root, for content of the bundle's feed.
                    let pos = store.position().ok()?;
                    (Some(pos.feed_id) == crate::bundle::bundled_feed_id())
                        .then(|| crate::bundle::BUNDLE_ROOT.to_vec())
                })
        }
    };
    if let Some(root) = tuf_root {
        let mut cfg = SyncConfig::new(url, Vec::new(), work_dir.to_path_buf());
        cfg.feed = Some(feed);
        cfg.mirrors = mirrors;
        cfg.tuf_root = Some(root);
        cfg.token = check_token(store, token)?;
        return Ok(cfg);
    }
    let kept_keys = store.get_meta(meta::TRUSTED_KEYS)?.unwrap_or_default();
    let (keys, retired): (Vec<VerifyingKey>, Vec<VerifyingKey>) = if !trust_key_files.is_empty() {
        let keys = trust_key_files
            .iter()
            .map(|p| {
                feed::load_verifying_key(p)
                    .map_err(|e| SyncError::Config(format!("--trust-key: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let hex_keys: Vec<String> = keys.iter().map(|k| hex::encode(k.as_bytes())).collect();
        store.set_meta(meta::TRUSTED_KEYS, Some(&hex_keys.join(",")))?;
        (keys, Vec::new())
    } else if !kept_keys.trim().is_empty() {
        let keys = kept_keys
            .split(',')
            .filter(|k| !k.trim().is_empty())
            .map(feed::parse_verifying_key)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| {
                SyncError::Config(format!(
                    "the kept trusted keys are damaged ({e}); give --trust-key FILE"
                ))
            })?;
        (keys, Vec::new())
    } else if let Some(d) = &dist {
        let t = d.trust();
        (t.accepted, t.retired)
    } else {
        return Err(SyncError::Config(
            "no trusted key is configured: the content names none; give --trust-key FILE (the publisher's fyr-feed.pub)".into(),
        ));
    };
    if keys.is_empty() {
        return Err(SyncError::Config(
            "no trusted key is configured: give --trust-key FILE (the publisher's fyr-feed.pub)"
                .into(),
        ));
    }
    let token = check_token(store, token)?;
    let mut cfg = SyncConfig::new(url, keys, work_dir.to_path_buf());
    cfg.feed = Some(feed);
    cfg.mirrors = mirrors;
    cfg.retired_keys = retired;
    cfg.token = token;
    Ok(cfg)
}

fn check_token(store: &dyn SyncStore, token: Option<&str>) -> Result<Option<String>, SyncError> {
    Ok(match token {
        Some(t)
            if t.trim().is_empty() || t.chars().any(|c| c.is_whitespace() || c.is_control()) =>
        {
            return Err(SyncError::Config(
                "--token must be one word without spaces".into(),
            ))
        }
        Some(t) => Some(t.to_string()),
        None => store.get_meta(meta::TOKEN)?,
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
            r = tokio::time::timeout(cfg.deadline, run(store, cfg, &mut report)) => {
                r.unwrap_or_else(|_| Err(SyncError::Network(format!(
                    "the sync did not finish within its deadline of {} s; it stopped and resumes next time",
                    cfg.deadline.as_secs()
                ))))
            }
        }
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
    report: &mut SyncReport,
) -> Result<(), SyncError> {
    let same_origin = reqwest::redirect::Policy::custom(move |a| {
        if a.previous().len() >= 5 {
            a.error("too many redirects")
        } else if a.previous().first().map(|u| u.origin()) != Some(a.url().origin()) {
            let to = a.url().to_string();
            a.error(format!(
                "the feed was redirected to another origin ({to}); refused"
            ))
        } else {
            a.follow()
        }
    });
    let build = |policy| {
        reqwest::Client::builder()
            .connect_timeout(cfg.timeout)
            .read_timeout(cfg.timeout)
            .redirect(policy)
            .build()
            .map_err(|e| SyncError::Network(e.to_string()))
    };
    let client = build(same_origin)?;
    let upload = build(reqwest::redirect::Policy::none())?;
    let mut net = Net {
        client,
        upload,
        cfg,
        report,
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

struct Net<'a> {
    /// For the feed: redirects within the hub's origin only.
    client: reqwest::Client,
    /// For uploads: never follows a redirect.
    upload: reqwest::Client,
    cfg: &'a SyncConfig,
    report: &'a mut SyncReport,
    /// Blobs that came in the origin's update pack, by `blobs/<sha>.gz`
    /// (verified against the manifest like a download).
    prefetched: std::collections::HashMap<String, Vec<u8>>,
}

/// Cuts off a body that runs slower than the minimum rate: at the end of
/// each window, fewer than `min_rate × window` bytes ends the transfer.
struct Rate {
    min: u64,
    window: Duration,
    start: tokio::time::Instant,
    bytes: u64,
}

impl Rate {
    fn new(cfg: &SyncConfig) -> Rate {
        Rate {
            min: cfg.min_rate,
            window: cfg.rate_window.max(Duration::from_millis(100)),
            start: tokio::time::Instant::now(),
            bytes: 0,
        }
    }

    /// The next chunk of `s`, or an error when the transfer is too slow.
    async fn next<S, T>(&mut self, s: &mut S) -> Result<Option<reqwest::Result<T>>, SyncError>
    where
        S: futures_util::Stream<Item = reqwest::Result<T>> + Unpin,
        T: AsRef<[u8]>,
    {
        if self.min == 0 {
            return Ok(s.next().await);
        }
        loop {
            let elapsed = self.start.elapsed();
            if elapsed >= self.window {
                let need = (self.min as f64 * self.window.as_secs_f64()) as u64;
                if self.bytes < need {
                    return Err(SyncError::Network(format!(
                        "the transfer ran slower than {} bytes/s ({} bytes in {:.0} s); it stopped and resumes next time",
                        self.min,
                        self.bytes,
                        elapsed.as_secs_f64()
                    )));
                }
                self.start = tokio::time::Instant::now();
                self.bytes = 0;
                continue;
            }
            if let Ok(item) = tokio::time::timeout(self.window - elapsed, s.next()).await {
                if let Some(Ok(c)) = &item {
                    self.bytes += c.as_ref().len() as u64;
                }
                return Ok(item);
            }
        }
    }
}

fn head_size(headers: &HeaderMap) -> u64 {
    headers
        .iter()
        .map(|(k, v)| (k.as_str().len() + 2 + v.len() + 2) as u64)
        .sum()
}

impl Net<'_> {
    /// Sends a request, counting the request's bytes (request line, headers
    /// including the ones hyper adds, body) and the response head.
    async fn send(&mut self, req: reqwest::RequestBuilder) -> Result<reqwest::Response, SyncError> {
        let req = req.build().map_err(|e| SyncError::Network(e.to_string()))?;
        let url = req.url();
        let path_len = url.path().len() + url.query().map(|q| q.len() + 1).unwrap_or(0);
        let host_len = url.host_str().unwrap_or("").len()
            + url.port().map(|p| p.to_string().len() + 1).unwrap_or(0);
        let body_len = req
            .body()
            .and_then(|b| b.as_bytes())
            .map(|b| b.len())
            .unwrap_or(0) as u64;
        let mut sent = (req.method().as_str().len() + 1 + path_len + 11) as u64; // "GET /p HTTP/1.1\r\n"
        sent += head_size(req.headers()) + (6 + host_len + 2) as u64 + 2; // host header, blank line
        if !req.headers().contains_key(reqwest::header::ACCEPT) {
            sent += 13; // "accept: */*\r\n"
        }
        if body_len > 0 {
            sent += body_len + 16 + body_len.to_string().len() as u64 + 2; // content-length
        }
        self.report.requests += 1;
        self.report.bytes_sent += sent;
        // The response head must come within the timeout, plus the time the
        // request body may take at the minimum rate.
        let head_limit =
            self.cfg.timeout + Duration::from_secs(body_len / self.cfg.min_rate.max(1));
        let client = if req.method() == reqwest::Method::GET {
            &self.client
        } else {
            &self.upload
        };
        let resp = tokio::time::timeout(head_limit, client.execute(req))
            .await
            .map_err(|_| {
                SyncError::Network(format!(
                    "the hub did not answer within {} s",
                    head_limit.as_secs()
                ))
            })?
            .map_err(|e| SyncError::Network(describe(&e)))?;
        let status_line = 9 + 3 + 1 + resp.status().canonical_reason().unwrap_or("").len() + 2;
        self.report.bytes_received += status_line as u64 + head_size(resp.headers()) + 2;
        Ok(resp)
    }

    /// Reads a whole body, refusing more than `limit` bytes while streaming.
    async fn body(&mut self, resp: reqwest::Response, limit: u64) -> Result<Vec<u8>, SyncError> {
        if resp.content_length().is_some_and(|n| n > limit) {
            return Err(FeedError::TooLarge { limit }.into());
        }
        let mut out = Vec::new();
        let mut stream = resp.bytes_stream();
        let mut rate = Rate::new(self.cfg);
        while let Some(chunk) = rate.next(&mut stream).await? {
            let chunk = chunk.map_err(|e| SyncError::Network(describe(&e)))?;
            self.report.bytes_received += chunk.len() as u64;
            if out.len() as u64 + chunk.len() as u64 > limit {
                return Err(FeedError::TooLarge { limit }.into());
            }
            out.extend_from_slice(&chunk);
        }
        Ok(out)
    }
}

fn describe(e: &reqwest::Error) -> String {
    use std::error::Error;
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(inner) = src {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        src = inner.source();
    }
    s
}

fn http_error(resp: &reqwest::Response) -> SyncError {
    let status = resp.status();
    if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
        return SyncError::Unauthorized;
    }
    if status == StatusCode::GONE {
        return SyncError::Revoked;
    }
    if status == StatusCode::SERVICE_UNAVAILABLE || status == StatusCode::TOO_MANY_REQUESTS {
        let retry_after = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|s| parse_retry_after(s, Utc::now()));
        return SyncError::Overloaded { retry_after };
    }
    SyncError::Http {
        status: status.as_u16(),
        url: resp.url().to_string(),
    }
}

fn feed_url(feed: &Url, rel: &str) -> Result<Url, SyncError> {
    feed.join(rel)
        .map_err(|e| SyncError::Feed(FeedError::Malformed(format!("bad URL {rel}: {e}"))))
}

async fn pull(
    store: &dyn SyncStore,
    cfg: &SyncConfig,
    feed: &Url,
    net: &mut Net<'_>,
) -> Result<(), SyncError> {
    let pos = store.position()?;
    net.report.version = pos.version;
    let url = feed_url(feed, "manifest.json")?;
    let mut req = net
        .client
        .get(url)
        .header(reqwest::header::ACCEPT_ENCODING, "gzip");
    let etag_version = store.get_meta(meta::ETAG_VERSION)?;
    let mut conditional = false;
    if etag_version.as_deref() == Some(pos.version.to_string().as_str()) {
        if let Some(etag) = store.get_meta(meta::ETAG)? {
            if let Ok(v) = HeaderValue::from_str(&etag) {
                req = req.header(reqwest::header::IF_NONE_MATCH, v);
                conditional = true;
            }
        }
    }
    let resp = net.send(req).await?;
    if resp.status() == StatusCode::NOT_MODIFIED && !conditional {
        return Err(FeedError::Malformed(
            "the hub answered 304 Not Modified to a request that was not conditional".into(),
        )
        .into());
    }
    if resp.status() == StatusCode::NOT_MODIFIED {
        // The same manifest as before: still refuse it once it has expired
        // (a frozen feed must not look healthy).
        if let Some(expires) = meta_time(store, meta::CONTENT_EXPIRES)? {
            if expires <= Utc::now() {
                return Err(FeedError::Expired { expires }.into());
            }
        }
        return Ok(());
    }
    if !resp.status().is_success() {
        return Err(http_error(&resp));
    }
    let etag = resp
        .headers()
        .get(reqwest::header::ETAG)
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let gz = resp
        .headers()
        .get(reqwest::header::CONTENT_ENCODING)
        .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"gzip"));
    let limit = (feed::MAX_MANIFEST_BYTES as u64).min(cfg.max_bytes);
    let mut bytes = net.body(resp, limit).await?;
    if gz {
        use std::io::Read;
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .take(limit + 1)
            .read_to_end(&mut out)
            .map_err(|e| FeedError::Malformed(format!("manifest gzip: {e}")))?;
        if out.len() as u64 > limit {
            return Err(FeedError::TooLarge { limit }.into());
        }
        bytes = out;
    }
    let manifest = feed::verify_manifest_trust(&bytes, &cfg.trusted_keys, &cfg.retired_keys)?;
    accept_manifest(store, cfg, feed, net, &pos, manifest, etag).await
}

/// Checks a trusted manifest against the device's position (feed, rollback,
/// mix-and-match, expiry) and applies the version it names.
async fn accept_manifest(
    store: &dyn SyncStore,
    cfg: &SyncConfig,
    feed: &Url,
    net: &mut Net<'_>,
    pos: &FeedPosition,
    manifest: Manifest,
    etag: Option<String>,
) -> Result<(), SyncError> {
    // A device still on the content bundled with the app (it never synced)
    // may adopt another feed signed by a trusted key — a region's own feed;
    // it then takes that feed's snapshot. Once it follows a feed, it stays.
    let adopt = crate::bundle::is_bundled_position(&pos.feed_id, pos.version)
        && manifest.feed_id != pos.feed_id;
    if adopt {
        feed::check_manifest(&manifest, "", 0, "", Utc::now())?;
    } else {
        feed::check_manifest(
            &manifest,
            &pos.feed_id,
            pos.version,
            &pos.digest,
            Utc::now(),
        )?;
    }
    let to = FeedPosition {
        feed_id: manifest.feed_id.clone(),
        version: manifest.version,
        digest: manifest.content_digest.clone(),
        created: manifest.created.to_rfc3339(),
        stale_after_days: manifest.stale_after_days,
    };
    if adopt || manifest.version > pos.version || pos.digest.is_empty() {
        apply_version(store, cfg, feed, net, pos, &manifest, &to).await?;
        // Partial downloads left from earlier attempts are of no further use.
        remove_all_parts(cfg);
        net.report.result = SyncResult::Updated;
        net.report.version = manifest.version;
    }
    store.set_meta(meta::CONTENT_CREATED, Some(&manifest.created.to_rfc3339()))?;
    store.set_meta(meta::CONTENT_EXPIRES, Some(&manifest.expires.to_rfc3339()))?;
    store.set_meta(
        meta::STALE_AFTER_DAYS,
        Some(&manifest.stale_after_days.to_string()),
    )?;
    store.set_meta(meta::ETAG, etag.as_deref())?;
    store.set_meta(meta::ETAG_VERSION, Some(&manifest.version.to_string()))?;
    Ok(())
}

async fn apply_version(
    store: &dyn SyncStore,
    cfg: &SyncConfig,
    feed: &Url,
    net: &mut Net<'_>,
    pos: &FeedPosition,
    m: &Manifest,
    to: &FeedPosition,
) -> Result<(), SyncError> {
    let eligible = |d: &DeltaRef| {
        d.from_version == pos.version
            && d.from_digest.as_ref().is_none_or(|f| *f == pos.digest)
            && pos.feed_id == m.feed_id
            && !pos.digest.is_empty()
    };
    let mut delta_ref = m.deltas.iter().find(|d| eligible(d)).cloned();
    // Further behind: the older deltas are listed in an index blob.
    if delta_ref.is_none()
        && pos.feed_id == m.feed_id
        && !pos.digest.is_empty()
        && pos.version < m.version
    {
        if let Some(index) = &m.older_deltas {
            let bytes = fetch_blob_resuming(cfg, feed, net, index).await?;
            remove_part(cfg, index);
            let older: Vec<DeltaRef> =
                feed::decode_blob(&bytes, index.decode_limit(feed::MAX_MANIFEST_BYTES as u64))?;
            delta_ref = older.into_iter().find(|d| eligible(d));
        }
    }
    let mut delta = None;
    if let Some(d) = &delta_ref {
        let bytes = fetch_blob_resuming(cfg, feed, net, &d.blob).await?;
        let dl: Delta = feed::decode_blob(&bytes, d.blob.decode_limit(cfg.max_decoded_bytes))
            .inspect_err(|_| remove_part(cfg, &d.blob))?;
        if dl.feed_id != m.feed_id
            || dl.from_version != pos.version
            || dl.to_version != m.version
            || dl.to_digest != m.content_digest
        {
            remove_part(cfg, &d.blob);
            return Err(FeedError::Malformed(format!(
                "delta blob {} does not match the manifest (feed {}, {} -> {})",
                d.blob.sha256, dl.feed_id, dl.from_version, dl.to_version
            ))
            .into());
        }
        remove_part(cfg, &d.blob);
        // A delta from another content of the same version number cannot be
        // applied; the snapshot can.
        if dl.from_digest == pos.digest {
            delta = Some(dl);
        }
    }
    let refuse = |reason: String| -> SyncError {
        FeedError::Malformed(format!(
            "version {} refused whole, the device keeps version {}: {reason}",
            m.version, pos.version
        ))
        .into()
    };
    if let Some(dl) = delta {
        crate::evolve::validate_records(&dl.upserts).map_err(refuse)?;
        let deletes = dl.deletes.into_iter().map(|k| (k.kind, k.id)).collect();
        store.apply(to, dl.upserts, deletes, false)?;
        net.report.delta_from = Some(pos.version);
    } else {
        let bytes = fetch_blob_resuming(cfg, feed, net, &m.snapshot).await?;
        let snap: Snapshot =
            feed::decode_blob(&bytes, m.snapshot.decode_limit(cfg.max_decoded_bytes))
                .inspect_err(|_| remove_part(cfg, &m.snapshot))?;
        if snap.feed_id != m.feed_id
            || snap.version != m.version
            || snap.records.len() as u64 != m.record_count
        {
            remove_part(cfg, &m.snapshot);
            return Err(FeedError::Malformed(format!(
                "snapshot blob {} does not match the manifest (feed {}, version {}, {} records)",
                m.snapshot.sha256,
                snap.feed_id,
                snap.version,
                snap.records.len()
            ))
            .into());
        }
        if let Err(reason) = crate::evolve::validate_records(&snap.records) {
            remove_part(cfg, &m.snapshot);
            return Err(refuse(reason));
        }
        store.apply(to, snap.records, Vec::new(), true)?;
        remove_part(cfg, &m.snapshot);
    }
    Ok(())
}

fn part_path(cfg: &SyncConfig, blob: &BlobRef) -> Result<PathBuf, SyncError> {
    if blob.sha256.len() != 64 || !blob.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(
            FeedError::Malformed(format!("blob hash {:?} is not a sha256", blob.sha256)).into(),
        );
    }
    Ok(cfg
        .work_dir
        .join(format!("{}.part", blob.sha256.to_ascii_lowercase())))
}

fn remove_all_parts(cfg: &SyncConfig) {
    if let Ok(rd) = std::fs::read_dir(&cfg.work_dir) {
        for ent in rd.flatten() {
            let p = ent.path();
            if p.extension().is_some_and(|e| e == "part") {
                let _ = std::fs::remove_file(&p);
            }
        }
    }
}

fn remove_part(cfg: &SyncConfig, blob: &BlobRef) {
    if let Ok(p) = part_path(cfg, blob) {
        let _ = std::fs::remove_file(p);
    }
}

/// [`fetch_blob`], resumed at once (up to `download_retries` times) when the
/// connection drops after some bytes arrived.
async fn fetch_blob_resuming(
    cfg: &SyncConfig,
    feed: &Url,
    net: &mut Net<'_>,
    blob: &BlobRef,
) -> Result<Vec<u8>, SyncError> {
    let mut left = cfg.download_retries;
    loop {
        let mut progressed = false;
        match fetch_blob(cfg, feed, net, blob, &mut progressed).await {
            Err(SyncError::Network(_)) if progressed && left > 0 => left -= 1,
            r => return r,
        }
    }
}

/// Downloads a blob into `work_dir/<sha>.part`, resuming from what is there,
/// bounded by the manifest's size and the hard limit; verifies its sha256.
/// Sets `interrupted_with_progress` when the body was cut off after new bytes
/// were saved.
async fn fetch_blob(
    cfg: &SyncConfig,
    feed: &Url,
    net: &mut Net<'_>,
    blob: &BlobRef,
    interrupted_with_progress: &mut bool,
) -> Result<Vec<u8>, SyncError> {
    if blob.size > cfg.max_bytes {
        return Err(FeedError::TooLarge {
            limit: cfg.max_bytes,
        }
        .into());
    }
    // From the origin's update pack: used when it is what the manifest
    // names (length and sha256); otherwise downloaded as usual.
    if let Some(bytes) = net.prefetched.remove(&blob.rel_path()) {
        if bytes.len() as u64 == blob.size
            && feed::sha256_hex(&bytes).eq_ignore_ascii_case(&blob.sha256)
        {
            return Ok(bytes);
        }
    }
    let part = part_path(cfg, blob)?;
    let io = |e: std::io::Error| SyncError::Io(format!("{}: {e}", part.display()));
    tokio::fs::create_dir_all(&cfg.work_dir).await.map_err(io)?;
    let mut have = tokio::fs::metadata(&part)
        .await
        .map(|m| m.len())
        .unwrap_or(0);
    if have > blob.size {
        tokio::fs::remove_file(&part).await.map_err(io)?;
        have = 0;
    }
    if have < blob.size {
        let url = feed_url(feed, &blob.rel_path())?;
        let mut req = net.client.get(url);
        if have > 0 {
            req = req.header(reqwest::header::RANGE, format!("bytes={have}-"));
        }
        let resp = net.send(req).await?;
        let status = resp.status();
        let append = if status == StatusCode::PARTIAL_CONTENT && have > 0 {
            let ok = resp
                .headers()
                .get(reqwest::header::CONTENT_RANGE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.starts_with(&format!("bytes {have}-")));
            if !ok {
                let _ = tokio::fs::remove_file(&part).await;
                return Err(FeedError::Malformed(
                    "hub answered a range request with another range".into(),
                )
                .into());
            }
            true
        } else if status == StatusCode::OK {
            false
        } else if status == StatusCode::RANGE_NOT_SATISFIABLE {
            let _ = tokio::fs::remove_file(&part).await;
            return Err(SyncError::Http {
                status: 416,
                url: resp.url().to_string(),
            });
        } else {
            return Err(http_error(&resp));
        };
        if !append {
            have = 0;
        }
        let remaining = blob.size - have;
        if resp.content_length().is_some_and(|n| n > remaining) {
            let _ = tokio::fs::remove_file(&part).await;
            return Err(FeedError::TooLarge { limit: blob.size }.into());
        }
        let mut file = if append {
            tokio::fs::OpenOptions::new()
                .append(true)
                .open(&part)
                .await
                .map_err(io)?
        } else {
            tokio::fs::File::create(&part).await.map_err(io)?
        };
        let mut got = have;
        let mut stream = resp.bytes_stream();
        let mut rate = Rate::new(cfg);
        loop {
            let next = match rate.next(&mut stream).await {
                Ok(n) => n,
                Err(e) => {
                    let _ = file.flush().await;
                    return Err(e);
                }
            };
            let Some(chunk) = next else { break };
            let chunk = match chunk {
                Ok(c) => c,
                Err(e) => {
                    let _ = file.flush().await;
                    *interrupted_with_progress = got > have;
                    return Err(SyncError::Network(format!(
                        "download of {} interrupted after {got} of {} bytes (will resume): {}",
                        blob.rel_path(),
                        blob.size,
                        describe(&e)
                    )));
                }
            };
            net.report.bytes_received += chunk.len() as u64;
            if got + chunk.len() as u64 > blob.size {
                drop(file);
                let _ = tokio::fs::remove_file(&part).await;
                return Err(FeedError::TooLarge { limit: blob.size }.into());
            }
            file.write_all(&chunk).await.map_err(io)?;
            got += chunk.len() as u64;
        }
        file.flush().await.map_err(io)?;
        file.sync_all().await.map_err(io)?;
        if got < blob.size {
            return Err(SyncError::Network(format!(
                "download of {} truncated at {got} of {} bytes (will resume)",
                blob.rel_path(),
                blob.size
            )));
        }
    }
    let bytes = tokio::fs::read(&part).await.map_err(io)?;
    let sha = feed::sha256_hex(&bytes);
    if !sha.eq_ignore_ascii_case(&blob.sha256) {
        let _ = tokio::fs::remove_file(&part).await;
        return Err(FeedError::DigestMismatch {
            expected: blob.sha256.clone(),
            got: sha,
        }
        .into());
    }
    Ok(bytes)
}

#[derive(Deserialize)]
struct EventsResponse {
    #[serde(default)]
    accepted: Vec<String>,
    #[serde(default)]
    duplicate: Vec<String>,
    #[serde(default)]
    rejected: Vec<Rejected>,
}

#[derive(Deserialize)]
struct Rejected {
    event_id: String,
    reason: String,
}

async fn push(store: &dyn SyncStore, cfg: &SyncConfig, net: &mut Net<'_>) -> Result<(), SyncError> {
    let Some(token) = cfg.token.as_deref() else {
        if store.outbox_pending()? > 0 {
            net.report.upload_blocked = Some(UploadBlocked::NotEnrolled);
        }
        return Ok(());
    };
    let token_hash = feed::sha256_hex(token.as_bytes());
    if store.get_meta(meta::REVOKED_TOKEN)?.as_deref() == Some(token_hash.as_str()) {
        // Told once; not tried again until the device is enrolled anew.
        net.report.upload_blocked = Some(UploadBlocked::Revoked);
        return Ok(());
    }
    let url = cfg
        .hub
        .join("v1/events")
        .map_err(|e| SyncError::Network(e.to_string()))?;
    let mut batch_size = cfg.batch_size.max(1);
    loop {
        let batch = store.outbox_batch(batch_size)?;
        if batch.is_empty() {
            return Ok(());
        }
        let ids: std::collections::HashSet<&str> =
            batch.iter().map(|e| e.event_id.as_str()).collect();
        let body =
            serde_json::to_vec(&serde_json::json!({ "events": batch })).expect("events serialize");
        let req = net
            .upload
            .post(url.clone())
            .bearer_auth(token)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body);
        let resp = net.send(req).await?;
        let status = resp.status();
        if status.is_redirection() {
            let to = resp
                .headers()
                .get(reqwest::header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("?")
                .to_string();
            return Err(SyncError::Network(format!(
                "the hub redirected the upload (HTTP {}) to {to}; uploads never follow a redirect, nothing was sent there",
                status.as_u16()
            )));
        }
        if status == StatusCode::PAYLOAD_TOO_LARGE {
            let _ = net.body(resp, 64 << 10).await;
            if batch.len() > 1 {
                batch_size = (batch.len() / 2).max(1);
                continue;
            }
            store.outbox_quarantine(
                &batch[0].event_id,
                "the hub refused the event as too large (HTTP 413)",
            )?;
            net.report.quarantined += 1;
            continue;
        }
        if !status.is_success() {
            let blocked = match http_error(&resp) {
                SyncError::Revoked => {
                    store.set_meta(meta::REVOKED_TOKEN, Some(&token_hash))?;
                    UploadBlocked::Revoked
                }
                SyncError::Unauthorized => UploadBlocked::Refused {
                    message: format!(
                        "the hub does not accept this device's token (HTTP {})",
                        status.as_u16()
                    ),
                },
                SyncError::Http { status, .. } if (400..500).contains(&status) => {
                    UploadBlocked::Refused {
                        message: format!("HTTP {status}"),
                    }
                }
                e => return Err(e),
            };
            net.report.upload_blocked = Some(blocked);
            return Ok(());
        }
        let bytes = net.body(resp, 16 << 20).await?;
        let answer: EventsResponse = serde_json::from_slice(&bytes).map_err(|e| {
            SyncError::Network(format!("hub's answer to an upload is not understood: {e}"))
        })?;
        let acked: Vec<String> = answer
            .accepted
            .into_iter()
            .chain(answer.duplicate)
            .filter(|id| ids.contains(id.as_str()))
            .collect();
        store.outbox_ack(&acked)?;
        net.report.uploaded += acked.len() as u32;
        let mut quarantined = 0;
        for r in answer
            .rejected
            .iter()
            .filter(|r| ids.contains(r.event_id.as_str()))
        {
            store.outbox_quarantine(&r.event_id, &r.reason)?;
            quarantined += 1;
        }
        net.report.quarantined += quarantined;
        if acked.is_empty() && quarantined == 0 {
            return Err(SyncError::Network(
                "the hub acknowledged none of the uploaded events".into(),
            ));
        }
    }
}

#[cfg(test)]
mod tests;
