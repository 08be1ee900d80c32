//! Key generation and publishing of feed versions (what a version must
//! hold before it is signed: `publish/checks.rs`).

mod checks;
use checks::{check_distribution, check_records, check_signer_trusted_by};

use crate::{io_err, write_atomic, HubError};
use chrono::{DateTime, Duration, SubsecRound, Utc};
use ed25519_dalek::SigningKey;
use fyr_core::feed::{self, BlobRef, Delta, DeltaRef, Manifest, Record, Snapshot, FORMAT};
use indicatif::{ProgressBar, ProgressStyle};
use serde::{Deserialize, Serialize};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

/// Deltas are offered from at most this many earlier versions.
pub const MAX_DELTAS: usize = 5;

/// Writes `out/fyr-feed.key` (the 32-byte seed in hex, mode 0600) and
/// `out/fyr-feed.pub` (the public key in hex). Refuses to overwrite a key.
pub fn keygen(out: &Path) -> Result<(PathBuf, PathBuf), HubError> {
    keygen_named(out, "fyr-feed")
}

/// Writes `out/NAME.key` (owner-only) and `out/NAME.pub`, e.g. the root
/// keys `root-1` … on an offline machine, or the online `targets`,
/// `snapshot` and `timestamp` keys. Refuses to overwrite a key.
pub fn keygen_named(out: &Path, name: &str) -> Result<(PathBuf, PathBuf), HubError> {
    std::fs::create_dir_all(out).map_err(io_err(out))?;
    let key_path = out.join(format!("{name}.key"));
    let pub_path = out.join(format!("{name}.pub"));
    if key_path.exists() {
        return Err(HubError::Io {
            path: key_path.display().to_string(),
            source: std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                "a key already exists; not overwriting it",
            ),
        });
    }
    let key = SigningKey::generate(&mut rand::rngs::OsRng);
    let text = format!(
        "# Fyr feed signing key (ed25519 seed, hex). Keep secret.\n{}\n",
        hex::encode(key.to_bytes())
    );
    {
        use std::io::Write;
        let mut opts = std::fs::OpenOptions::new();
        opts.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            opts.mode(0o600);
        }
        let mut f = opts.open(&key_path).map_err(io_err(&key_path))?;
        f.write_all(text.as_bytes()).map_err(io_err(&key_path))?;
        f.sync_all().map_err(io_err(&key_path))?;
    }
    std::fs::write(
        &pub_path,
        format!("{}\n", hex::encode(key.verifying_key().as_bytes())),
    )
    .map_err(io_err(&pub_path))?;
    Ok((key_path, pub_path))
}

/// How to publish.
#[derive(Debug, Clone)]
pub struct PublishOptions {
    /// The manifest expires this many days after publishing (devices refuse it then).
    pub expires_days: u32,
    /// Devices warn "data older than N days" past this.
    pub stale_after_days: u32,
    /// Progress bars on stderr (only when it is a terminal).
    pub progress: bool,
    /// For an empty feed directory: continue from this version (e.g. the
    /// bundled content) so that devices holding it get a delta.
    pub base: Option<Snapshot>,
    /// The content digest devices hold for `base` (its manifest's, in the
    /// format it was published in: see `feed::digest`); computed when absent.
    pub base_digest: Option<String>,
    /// The publishing time (default: now).
    pub now: Option<DateTime<Utc>>,
    /// Deltas from at most this many earlier versions.
    pub max_deltas: usize,
}

impl Default for PublishOptions {
    fn default() -> Self {
        PublishOptions {
            expires_days: 90,
            stale_after_days: 60,
            progress: false,
            base: None,
            base_digest: None,
            now: None,
            max_deltas: MAX_DELTAS,
        }
    }
}

/// What a publish wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublishReport {
    pub feed_id: String,
    pub version: u64,
    pub content_digest: String,
    pub record_count: u64,
    pub snapshot_bytes: u64,
    /// (from_version, bytes) of each delta offered.
    pub deltas: Vec<(u64, u64)>,
    pub manifest_path: PathBuf,
    /// The content is the same as the previous version's (re-signed, e.g. to extend expiry).
    pub unchanged: bool,
}

/// Hub-side metadata of one version: `versions/<n>.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct VersionMeta {
    feed_id: String,
    version: u64,
    content_digest: String,
    record_count: u64,
    created: DateTime<Utc>,
    snapshot: BlobRef,
}

/// Publishes the next version with a key file; see [`publish_with`].
pub fn publish(
    content_records: Vec<Record>,
    key: &Path,
    feed: &Path,
    expires_days: u32,
    progress: bool,
) -> Result<PublishReport, HubError> {
    let key = feed::load_signing_key(key)?;
    publish_with(
        content_records,
        &key,
        feed,
        &PublishOptions {
            expires_days,
            progress,
            ..Default::default()
        },
    )
}

fn versions_dir(feed: &Path) -> PathBuf {
    feed.join("versions")
}

fn list_versions(feed: &Path) -> Result<Vec<VersionMeta>, HubError> {
    let dir = versions_dir(feed);
    let mut out = Vec::new();
    let rd = match std::fs::read_dir(&dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(io_err(&dir)(e)),
    };
    for ent in rd {
        let ent = ent.map_err(io_err(&dir))?;
        let p = ent.path();
        let Some(stem) = p.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if p.extension().is_none_or(|e| e != "json") || stem.parse::<u64>().is_err() {
            continue;
        }
        let bytes = std::fs::read(&p).map_err(io_err(&p))?;
        let meta: VersionMeta = serde_json::from_slice(&bytes).map_err(|e| HubError::FeedDir {
            path: p.display().to_string(),
            reason: format!("not a version record: {e}"),
        })?;
        out.push(meta);
    }
    out.sort_by_key(|m| m.version);
    Ok(out)
}

/// One published version, as listed in a feed directory's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VersionInfo {
    pub version: u64,
    pub content_digest: String,
    pub record_count: u64,
    pub created: DateTime<Utc>,
}

/// The versions of a feed directory, oldest first (empty when none yet).
pub fn version_history(feed: &Path) -> Result<Vec<VersionInfo>, HubError> {
    Ok(list_versions(feed)?
        .into_iter()
        .map(|m| VersionInfo {
            version: m.version,
            content_digest: m.content_digest,
            record_count: m.record_count,
            created: m.created,
        })
        .collect())
}

/// Reads the snapshot of an earlier version from a feed directory.
pub fn load_snapshot(feed: &Path, version: u64) -> Result<Snapshot, HubError> {
    let metas = list_versions(feed)?;
    let meta = metas
        .iter()
        .find(|m| m.version == version)
        .ok_or_else(|| HubError::FeedDir {
            path: feed.display().to_string(),
            reason: format!("no version {version}"),
        })?;
    read_snapshot(feed, meta)
}

fn read_snapshot(feed: &Path, meta: &VersionMeta) -> Result<Snapshot, HubError> {
    let p = feed.join(meta.snapshot.rel_path());
    let bytes = std::fs::read(&p).map_err(io_err(&p))?;
    if feed::sha256_hex(&bytes) != meta.snapshot.sha256 {
        return Err(HubError::FeedDir {
            path: p.display().to_string(),
            reason: "blob does not match its hash".into(),
        });
    }
    Ok(feed::decode_blob(&bytes, u64::MAX >> 1)?)
}

/// Writes a content-addressed blob (if not already there) and returns its reference.
fn write_blob(feed: &Path, bytes: &[u8]) -> Result<BlobRef, HubError> {
    let sha = feed::sha256_hex(bytes);
    let blob =
        BlobRef::canonical(sha, bytes.len() as u64).with_decoded_size(feed::gunzip_len(bytes)?);
    let path = feed.join(blob.rel_path());
    let present = std::fs::metadata(&path)
        .map(|m| m.len() == bytes.len() as u64)
        .unwrap_or(false);
    if !present {
        write_atomic(&path, bytes)?;
    }
    Ok(blob)
}

fn bar(progress: bool, len: u64, msg: &'static str) -> ProgressBar {
    if !progress || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::new(len);
    pb.set_style(
        ProgressStyle::with_template("{msg:24} [{bar:30}] {pos}/{len}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    pb.set_message(msg);
    pb
}

/// Publishes `content_records` as the next version of the feed in `feed`:
/// a snapshot, deltas from up to `max_deltas` earlier versions, the version
/// record and, last, the signed manifest; every file written atomically.
pub fn publish_with(
    mut records: Vec<Record>,
    key: &SigningKey,
    feed: &Path,
    opts: &PublishOptions,
) -> Result<PublishReport, HubError> {
    check_records(&records)?;
    // In a TUF repository root alone says who signs (checked by
    // `tuf::publish_metadata`); the distribution's keys are for feeds
    // that are not one yet.
    let is_tuf = crate::tuf::latest_root(feed)?.is_some();
    if !is_tuf {
        check_distribution(&records, key)?;
    }
    records.sort_by(|a, b| (a.kind, &a.id).cmp(&(b.kind, &b.id)));
    std::fs::create_dir_all(feed).map_err(io_err(feed))?;
    let _lock = PublishLock::take(feed)?;
    let now = opts.now.unwrap_or_else(Utc::now).trunc_subsecs(0);
    let mut versions = list_versions(feed)?;
    // Devices following this folder's feed trust only what its last version
    // names. (A `base` continued for the first time is the app's bundle: a
    // self-hoster continuing it with another key gives devices --trust-key.)
    if let (Some(last), false) = (versions.last(), is_tuf) {
        check_signer_trusted_by(&read_snapshot(feed, last)?, &records, key)?;
    }
    if versions.is_empty() {
        if let Some(base) = &opts.base {
            let mut base_records = base.records.clone();
            check_records(&base_records)?;
            base_records.sort_by(|a, b| (a.kind, &a.id).cmp(&(b.kind, &b.id)));
            let snap = Snapshot {
                feed_id: base.feed_id.clone(),
                version: base.version,
                records: base_records,
            };
            let blob = write_blob(feed, &feed::encode_blob(&snap))?;
            let meta = VersionMeta {
                feed_id: snap.feed_id.clone(),
                version: snap.version,
                content_digest: match &opts.base_digest {
                    Some(d) => {
                        let hashes = snap
                            .records
                            .iter()
                            .map(|r| (r.kind, r.id.as_str(), r.hash()));
                        let got = feed::digest::content_digest_like(d, hashes);
                        if got != *d {
                            return Err(HubError::Content(format!(
                                "the base version's digest is {d}, its records give {got}"
                            )));
                        }
                        got
                    }
                    None => feed::records_digest(&snap.records),
                },
                record_count: snap.records.len() as u64,
                created: now,
                snapshot: blob,
            };
            let p = versions_dir(feed).join(format!("{}.json", meta.version));
            write_atomic(
                &p,
                &serde_json::to_vec_pretty(&meta).expect("version meta serializes"),
            )?;
            versions.push(meta);
        }
    }
    let (feed_id, version) = match versions.last() {
        Some(last) => (last.feed_id.clone(), last.version + 1),
        None => {
            let id: [u8; 8] = rand::random();
            (hex::encode(id), 1)
        }
    };
    let digest = feed::records_digest(&records);
    // The last version's digest may be in format 1 (published before format
    // 2): compared in its own format, unchanged content stays unchanged.
    let unchanged = versions.last().is_some_and(|l| {
        l.content_digest
            == feed::digest::content_digest_like(
                &l.content_digest,
                records.iter().map(|r| (r.kind, r.id.as_str(), r.hash())),
            )
    });

    let pb = bar(opts.progress, 1, "writing snapshot");
    let snapshot = Snapshot {
        feed_id: feed_id.clone(),
        version,
        records,
    };
    let snap_blob = write_blob(feed, &feed::encode_blob(&snapshot))?;
    pb.finish_and_clear();

    let earlier: Vec<&VersionMeta> = versions.iter().rev().take(opts.max_deltas).collect();
    let pb = bar(opts.progress, earlier.len() as u64, "computing deltas");
    let mut deltas = Vec::new();
    for old in earlier {
        let old_snap = read_snapshot(feed, old)?;
        let (upserts, deletes) = feed::diff(&old_snap.records, &snapshot.records);
        let delta = Delta {
            feed_id: feed_id.clone(),
            from_version: old.version,
            to_version: version,
            from_digest: old.content_digest.clone(),
            to_digest: None,
            upserts,
            deletes,
        };
        let blob = write_blob(feed, &feed::encode_blob(&delta))?;
        deltas.push(DeltaRef {
            from_version: old.version,
            from_digest: None,
            blob,
        });
        pb.inc(1);
    }
    pb.finish_and_clear();

    // The delta from the previous version goes in the manifest; older ones in
    // a separate index blob, so the manifest stays small.
    let older = if deltas.len() > 1 {
        deltas.split_off(1)
    } else {
        Vec::new()
    };
    let older_deltas = if older.is_empty() {
        None
    } else {
        Some(write_blob(feed, &feed::encode_blob(&older))?)
    };
    let manifest = Manifest {
        format: FORMAT,
        feed_id: feed_id.clone(),
        version,
        created: now,
        expires: now + Duration::days(opts.expires_days as i64),
        content_digest: digest.clone(),
        record_count: snapshot.records.len() as u64,
        stale_after_days: opts.stale_after_days,
        snapshot: snap_blob.clone(),
        deltas: deltas.clone(),
        older_deltas,
    };
    let meta = VersionMeta {
        feed_id: feed_id.clone(),
        version,
        content_digest: digest.clone(),
        record_count: manifest.record_count,
        created: now,
        snapshot: snap_blob.clone(),
    };
    let vp = versions_dir(feed).join(format!("{version}.json"));
    write_atomic(
        &vp,
        &serde_json::to_vec_pretty(&meta).expect("version meta serializes"),
    )?;
    let manifest_path = feed.join("manifest.json");
    write_atomic(&manifest_path, &feed::sign_manifest(&manifest, key))?;
    Ok(PublishReport {
        feed_id,
        version,
        content_digest: digest,
        record_count: manifest.record_count,
        snapshot_bytes: snap_blob.size,
        deltas: deltas
            .iter()
            .chain(&older)
            .map(|d| (d.from_version, d.blob.size))
            .collect(),
        manifest_path,
        unchanged,
    })
}

/// Copies the current signed version of a feed for bundling in the app:
/// `out/manifest.json` and `out/snapshot.json.gz` (verify on the device with
/// `fyr_core::feed::verify_bundle`). A device holding it follows the same feed,
/// so its first sync is a delta.
pub fn export_bundle(feed: &Path, out: &Path) -> Result<(PathBuf, PathBuf), HubError> {
    let mp = feed.join("manifest.json");
    let manifest_bytes = std::fs::read(&mp).map_err(io_err(&mp))?;
    let signed: feed::SignedManifest =
        serde_json::from_slice(&manifest_bytes).map_err(|e| HubError::FeedDir {
            path: mp.display().to_string(),
            reason: format!("not a signed manifest: {e}"),
        })?;
    let m: Manifest = serde_json::from_str(&signed.manifest).map_err(|e| HubError::FeedDir {
        path: mp.display().to_string(),
        reason: format!("manifest: {e}"),
    })?;
    let sp = feed.join(m.snapshot.rel_path());
    let snap = std::fs::read(&sp).map_err(io_err(&sp))?;
    std::fs::create_dir_all(out).map_err(io_err(out))?;
    let (om, os) = (out.join("manifest.json"), out.join("snapshot.json.gz"));
    write_atomic(&os, &snap)?;
    write_atomic(&om, &manifest_bytes)?;
    // The TUF root and targets: a fresh install's trusted root, and the
    // signed length and hash of manifest.json.
    for name in ["root.json", "targets.json"] {
        let p = feed.join("metadata").join(name);
        if p.exists() {
            let b = std::fs::read(&p).map_err(io_err(&p))?;
            write_atomic(&out.join(name), &b)?;
        }
    }
    Ok((om, os))
}

/// One publisher at a time per feed directory: `feed/.publish.lock`, made
/// with create-new and removed when the publish ends (also on error).
struct PublishLock(PathBuf);

impl PublishLock {
    fn take(feed: &Path) -> Result<PublishLock, HubError> {
        let p = feed.join(".publish.lock");
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&p) {
            Ok(_) => Ok(PublishLock(p)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Err(HubError::FeedDir {
                path: feed.display().to_string(),
                reason: format!(
                    "another publish is running ({} exists; if no publish is running, a crashed one left it: remove it)",
                    p.display()
                ),
            }),
            Err(e) => Err(io_err(&p)(e)),
        }
    }
}

impl Drop for PublishLock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fyr_core::feed::RecordKind;

    #[test]
    fn keygen_makes_a_private_key_for_its_owner_only_and_publish_is_exclusive() {
        let dir = tempfile::tempdir().unwrap();
        let (k, p) = keygen(&dir.path().join("keys")).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(
                std::fs::metadata(&k).unwrap().permissions().mode() & 0o777,
                0o600
            );
        }
        let key = feed::load_signing_key(&k).unwrap();
        assert_eq!(feed::load_verifying_key(&p).unwrap(), key.verifying_key());
        assert!(
            keygen(&dir.path().join("keys")).is_err(),
            "never overwrites a key"
        );

        let feed_dir = dir.path().join("feed");
        let rec = Record {
            kind: RecordKind::Service,
            id: "s".into(),
            body: "{}".into(),
        };
        let r1 = publish(vec![rec.clone()], &k, &feed_dir, 30, false).unwrap();
        assert_eq!(r1.version, 1);
        let lock = PublishLock::take(&feed_dir).unwrap();
        let e = publish(vec![rec.clone()], &k, &feed_dir, 30, false).unwrap_err();
        assert!(e.to_string().contains("another publish"), "{e}");
        drop(lock);
        let r2 = publish(vec![rec.clone()], &k, &feed_dir, 30, false).unwrap();
        assert_eq!((r2.version, r2.unchanged), (2, true));
        let dup = publish(vec![rec.clone(), rec], &k, &feed_dir, 30, false).unwrap_err();
        assert!(dup.to_string().contains("service s"), "{dup}");
        assert!(!feed_dir.join(".publish.lock").exists());
    }
}
