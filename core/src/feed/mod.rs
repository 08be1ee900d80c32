//! Signed feeds: the content records, their digest, the signed manifest and
//! the snapshot/delta blobs. Shared by the hub (which writes them) and the
//! device (which verifies and applies them).
//!
//! Layout of a feed directory (any static web server or CDN can serve it):
//! - `manifest.json` — the signed manifest (see [`SignedManifest`]);
//! - `blobs/<sha256 hex>.gz` — immutable, content-addressed snapshot and delta blobs;
//! - `versions/<n>.json` — hub-side metadata of earlier versions (not needed by devices).
//!
//! The content digest (see [`digest`]) names a version's records in one
//! string the manifest signs; the device store recomputes it after every
//! apply, for the buckets the change touches (`store::digest`).

pub mod digest;
mod sign;
pub use sign::*;

use crate::model::Directory;
use base64::Engine;
use chrono::{DateTime, Utc};
use ed25519_dalek::{Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::Path;

/// The current manifest format.
pub const FORMAT: u32 = 1;
/// Manifests larger than this are refused before parsing.
pub const MAX_MANIFEST_BYTES: usize = 1 << 20;

/// The kind of a content record.
///
/// A kind this app does not know (a newer region's content) is
/// [`RecordKind::Other`]: a device keeps such records as they came (so its
/// content digest matches the manifest and deltas keep applying) and uses
/// none of them — forward compatibility; see [`crate::evolve`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum RecordKind {
    Municipality,
    Organization,
    Service,
    Checklist,
    HelpCard,
    /// The routing model (`content/routing.toml`), id `routing`.
    Routing,
    /// The lexicon (`content/lexicon.toml`), id `lexicon`.
    Lexicon,
    /// The one record naming where devices sync and whom they trust
    /// (see [`crate::distribution`]).
    Distribution,
    /// A kind this app does not know, by its name (interned: see
    /// [`RecordKind::other`]).
    Other(&'static str),
}

/// At most this many distinct unknown kind names are kept per process (the
/// names are interned for `Copy`); a feed with more is refused.
const MAX_OTHER_KINDS: usize = 64;

impl Serialize for RecordKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id())
    }
}

impl<'de> Deserialize<'de> for RecordKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
        RecordKind::known_or_other(&s).map_err(serde::de::Error::custom)
    }
}

impl RecordKind {
    pub const ALL: [RecordKind; 8] = [
        RecordKind::Municipality,
        RecordKind::Organization,
        RecordKind::Service,
        RecordKind::Checklist,
        RecordKind::HelpCard,
        RecordKind::Routing,
        RecordKind::Lexicon,
        RecordKind::Distribution,
    ];
    pub fn id(self) -> &'static str {
        match self {
            RecordKind::Municipality => "municipality",
            RecordKind::Organization => "organization",
            RecordKind::Service => "service",
            RecordKind::Checklist => "checklist",
            RecordKind::HelpCard => "help_card",
            RecordKind::Routing => "routing",
            RecordKind::Lexicon => "lexicon",
            RecordKind::Distribution => "distribution",
            RecordKind::Other(name) => name,
        }
    }
    pub fn parse(s: &str) -> Option<RecordKind> {
        RecordKind::ALL.into_iter().find(|k| k.id() == s)
    }

    /// A known kind, or [`RecordKind::Other`] for a well-formed name this
    /// app does not know (lowercase ASCII letters, digits and `_`, up to 64).
    pub fn known_or_other(s: &str) -> Result<RecordKind, String> {
        if let Some(k) = RecordKind::parse(s) {
            return Ok(k);
        }
        let ok = !s.is_empty()
            && s.len() <= 64
            && s.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
        if !ok {
            return Err(format!("{s:?} is not a record kind name"));
        }
        RecordKind::other(s)
    }

    fn other(s: &str) -> Result<RecordKind, String> {
        use std::sync::Mutex;
        static NAMES: Mutex<Vec<&'static str>> = Mutex::new(Vec::new());
        let mut names = NAMES.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(n) = names.iter().find(|n| **n == s) {
            return Ok(RecordKind::Other(n));
        }
        if names.len() >= MAX_OTHER_KINDS {
            return Err(format!(
                "record kind {s:?}: more than {MAX_OTHER_KINDS} unknown record kinds"
            ));
        }
        let n: &'static str = Box::leak(s.to_string().into_boxed_str());
        names.push(n);
        Ok(RecordKind::Other(n))
    }

    /// Is this a kind this app uses?
    pub fn is_known(self) -> bool {
        !matches!(self, RecordKind::Other(_))
    }
}

impl std::fmt::Display for RecordKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

/// One content record: a model object in its canonical JSON form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record {
    pub kind: RecordKind,
    pub id: String,
    /// Canonical JSON of the model object (serde_json of the model struct).
    pub body: String,
}

impl Record {
    pub fn new<T: Serialize>(kind: RecordKind, id: impl Into<String>, value: &T) -> Record {
        let body = serde_json::to_string(value).expect("model objects serialize to JSON");
        Record {
            kind,
            id: id.into(),
            body,
        }
    }

    /// A record from stored parts (e.g. a store row whose kind is text).
    pub fn from_parts(
        kind: &str,
        id: impl Into<String>,
        body: impl Into<String>,
    ) -> Result<Record, FeedError> {
        let kind = RecordKind::parse(kind)
            .ok_or_else(|| FeedError::Malformed(format!("unknown record kind {kind:?}")))?;
        Ok(Record {
            kind,
            id: id.into(),
            body: body.into(),
        })
    }

    /// sha256(kind id, 0, id, 0, body).
    pub fn hash(&self) -> [u8; 32] {
        record_hash(self.kind, &self.id, &self.body)
    }

    /// Deserializes the body into a model object.
    pub fn decode<T: serde::de::DeserializeOwned>(&self) -> Result<T, FeedError> {
        serde_json::from_str(&self.body)
            .map_err(|e| FeedError::Malformed(format!("record {} {}: {e}", self.kind, self.id)))
    }
}

/// sha256(kind id, 0, id, 0, body).
pub fn record_hash(kind: RecordKind, id: &str, body: &str) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(kind.id().as_bytes());
    h.update([0u8]);
    h.update(id.as_bytes());
    h.update([0u8]);
    h.update(body.as_bytes());
    h.finalize().into()
}

pub use digest::{content_digest, records_digest, SortedDigest};

/// The records of a directory (municipalities by code, organizations and services by id).
pub fn directory_records(d: &Directory) -> Vec<Record> {
    let mut out =
        Vec::with_capacity(d.municipalities.len() + d.organizations.len() + d.services.len());
    for m in &d.municipalities {
        out.push(Record::new(RecordKind::Municipality, m.code.clone(), m));
    }
    for o in &d.organizations {
        out.push(Record::new(RecordKind::Organization, o.id.clone(), o));
    }
    for s in &d.services {
        out.push(Record::new(RecordKind::Service, s.id.clone(), s));
    }
    out
}

/// Rebuilds a directory from records (checklist, help card and distribution records are skipped).
pub fn records_directory(records: &[Record]) -> Result<Directory, FeedError> {
    let mut d = Directory::default();
    for r in records {
        match r.kind {
            RecordKind::Municipality => d.municipalities.push(r.decode()?),
            RecordKind::Organization => d.organizations.push(r.decode()?),
            RecordKind::Service => d.services.push(r.decode()?),
            RecordKind::Checklist
            | RecordKind::HelpCard
            | RecordKind::Routing
            | RecordKind::Lexicon
            | RecordKind::Distribution
            | RecordKind::Other(_) => {}
        }
    }
    Ok(d)
}

/// A reference to an immutable, content-addressed blob.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobRef {
    /// Relative to the feed root. Left out of the manifest when it is the
    /// canonical `blobs/<sha256>.gz` (see [`BlobRef::rel_path`]).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub path: String,
    /// Hex sha256 of the blob's bytes (as stored, i.e. gzipped).
    pub sha256: String,
    pub size: u64,
    /// Bytes after gunzip: a device refuses to decompress more than this.
    /// 0 (left out) in manifests from before it was stated: the device's own
    /// limit applies.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub decoded_size: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl BlobRef {
    /// A reference at the canonical path `blobs/<sha256>.gz` (stored with an empty `path`).
    pub fn canonical(sha256: String, size: u64) -> BlobRef {
        BlobRef {
            path: String::new(),
            sha256,
            size,
            decoded_size: 0,
        }
    }

    /// The same reference stating its decompressed size.
    pub fn with_decoded_size(mut self, n: u64) -> BlobRef {
        self.decoded_size = n;
        self
    }

    /// The most a device gunzips for this blob: the stated size, else `limit`.
    pub fn decode_limit(&self, limit: u64) -> u64 {
        if self.decoded_size > 0 {
            self.decoded_size.min(limit)
        } else {
            limit
        }
    }
    /// The path relative to the feed root.
    pub fn rel_path(&self) -> String {
        if self.path.is_empty() {
            format!("blobs/{}.gz", self.sha256)
        } else {
            self.path.clone()
        }
    }
}

/// A delta from an earlier version to the manifest's version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeltaRef {
    pub from_version: u64,
    /// The digest of the from-version. The hub leaves it out to keep the
    /// manifest small (each costs ~36 bytes on the wire): the delta blob
    /// itself carries `from_digest`, and the device checks it before applying
    /// (falling back to the snapshot on a mismatch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_digest: Option<String>,
    pub blob: BlobRef,
}

/// What a feed version is. Signed as exact bytes inside [`SignedManifest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub feed_id: String,
    pub version: u64,
    pub created: DateTime<Utc>,
    pub expires: DateTime<Utc>,
    pub content_digest: String,
    pub record_count: u64,
    /// The device warns "data older than N days" past this.
    pub stale_after_days: u32,
    pub snapshot: BlobRef,
    /// The delta from the previous version (kept short: every device that is
    /// one version behind reads it with the manifest).
    #[serde(default)]
    pub deltas: Vec<DeltaRef>,
    /// Deltas from older versions, in a content-addressed blob holding a
    /// gzipped JSON array of [`DeltaRef`]; fetched only by devices further behind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub older_deltas: Option<BlobRef>,
}

/// The signed manifest file: the signature covers the exact manifest bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedManifest {
    /// The exact manifest JSON text (a JSON string inside the file; its
    /// UTF-8 bytes are what is signed). Kept as text rather than base64 so
    /// that gzip can compress it.
    pub manifest: String,
    /// Hex of the first 8 bytes of sha256(public key).
    pub key_id: String,
    /// Base64 ed25519 signature over the manifest bytes.
    pub signature: String,
}

/// A full snapshot blob (before gzip).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub feed_id: String,
    pub version: u64,
    pub records: Vec<Record>,
}

/// A record deletion in a delta.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordKey {
    pub kind: RecordKind,
    pub id: String,
}

/// A delta blob (before gzip).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delta {
    pub feed_id: String,
    pub from_version: u64,
    pub to_version: u64,
    pub from_digest: String,
    /// The digest after applying: always the signed manifest's
    /// `content_digest`, which the device checks after applying anyway. The
    /// hub leaves it out (it cost ~50 of a one-change update's bytes); a
    /// delta that states it must state that digest.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_digest: Option<String>,
    pub upserts: Vec<Record>,
    pub deletes: Vec<RecordKey>,
}

/// Why a feed, manifest or blob was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FeedError {
    #[error("manifest signature is not valid for key {key_id} (forged or tampered manifest)")]
    BadSignature { key_id: String },
    #[error("manifest is signed by unknown key {key_id}; it is not among the trusted keys")]
    UnknownKey { key_id: String },
    #[error("manifest is signed by key {key_id}, which the publisher has retired; refused, nothing was changed")]
    RetiredKey { key_id: String },
    #[error("rollback refused: the device has version {have}, the hub offers older version {got}")]
    Rollback { have: u64, got: u64 },
    #[error("version {version} offered with a different content digest than the one the device has (mix-and-match)")]
    VersionConflict { version: u64 },
    #[error("manifest expired at {expires} (stale or frozen feed)")]
    Expired { expires: DateTime<Utc> },
    #[error("feed mismatch: the device follows feed {expected}, the hub serves feed {got}")]
    FeedMismatch { expected: String, got: String },
    #[error("digest mismatch: expected {expected}, got {got}")]
    DigestMismatch { expected: String, got: String },
    #[error("body too large: over the limit of {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("unsupported manifest format {0}")]
    UnsupportedFormat(u32),
    #[error("malformed feed data: {0}")]
    Malformed(String),
    #[error("key file {path}: {reason}")]
    Key { path: String, reason: String },
}

/// Gzips the JSON of a blob.
pub fn encode_blob<T: Serialize>(value: &T) -> Vec<u8> {
    let json = serde_json::to_vec(value).expect("blob serializes");
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut enc, &json).expect("gzip to memory");
    enc.finish().expect("gzip to memory")
}

/// Gunzips and parses a blob, streaming (the decoded JSON is never held
/// whole), refusing more than `max_decoded` decompressed bytes.
pub fn decode_blob<T: serde::de::DeserializeOwned>(
    gz: &[u8],
    max_decoded: u64,
) -> Result<T, FeedError> {
    let mut r = Bounded {
        inner: flate2::read::GzDecoder::new(gz),
        left: max_decoded,
    };
    let v = serde_json::from_reader(&mut r).map_err(|e| match e.io_error_kind() {
        Some(std::io::ErrorKind::FileTooLarge) => FeedError::TooLarge { limit: max_decoded },
        Some(_) => FeedError::Malformed(format!("blob is not valid gzip: {e}")),
        None => FeedError::Malformed(format!("blob JSON: {e}")),
    })?;
    // Trailing bytes (and the gzip trailer's check) count too.
    std::io::copy(&mut r, &mut std::io::sink()).map_err(|e| match e.kind() {
        std::io::ErrorKind::FileTooLarge => FeedError::TooLarge { limit: max_decoded },
        _ => FeedError::Malformed(format!("blob is not valid gzip: {e}")),
    })?;
    Ok(v)
}

/// The decompressed size of a gzipped blob (for [`BlobRef::decoded_size`]).
pub fn gunzip_len(gz: &[u8]) -> Result<u64, FeedError> {
    std::io::copy(&mut flate2::read::GzDecoder::new(gz), &mut std::io::sink())
        .map_err(|e| FeedError::Malformed(format!("blob is not valid gzip: {e}")))
}

/// A reader that fails with `FileTooLarge` past `left` bytes.
struct Bounded<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n as u64 > self.left {
            return Err(std::io::Error::new(
                std::io::ErrorKind::FileTooLarge,
                "decompressed size over the limit",
            ));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

/// Computes the delta between two record sets.
pub fn diff(old: &[Record], new: &[Record]) -> (Vec<Record>, Vec<RecordKey>) {
    use std::collections::HashMap;
    let old_map: HashMap<(RecordKind, &str), &str> = old
        .iter()
        .map(|r| ((r.kind, r.id.as_str()), r.body.as_str()))
        .collect();
    let new_keys: std::collections::HashSet<(RecordKind, &str)> =
        new.iter().map(|r| (r.kind, r.id.as_str())).collect();
    let upserts = new
        .iter()
        .filter(|r| old_map.get(&(r.kind, r.id.as_str())) != Some(&r.body.as_str()))
        .cloned()
        .collect();
    let mut deletes: Vec<RecordKey> = old
        .iter()
        .filter(|r| !new_keys.contains(&(r.kind, r.id.as_str())))
        .map(|r| RecordKey {
            kind: r.kind,
            id: r.id.clone(),
        })
        .collect();
    deletes.sort_by(|a, b| (a.kind, &a.id).cmp(&(b.kind, &b.id)));
    (upserts, deletes)
}

#[cfg(test)]
mod tests;
