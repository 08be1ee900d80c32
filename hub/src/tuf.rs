//! The feed as a TUF repository (The Update Framework 1.0), written next to
//! the feed version it describes, as static files a CDN or mirror can serve:
//!
//! - `metadata/N.root.json` — every root ever signed, kept forever, so a
//!   device offline through any number of rotations walks the chain; root
//!   names the keys (and thresholds) of all four roles and is signed
//!   offline by a threshold of root keys ([`sign_root`]);
//! - `metadata/N.targets.json` — the signed content: `manifest.json` and
//!   every blob it references, as target files with length and sha256
//!   (online targets key, the hub's publishing key);
//! - `metadata/N.snapshot.json` and `metadata/timestamp.json` — online
//!   keys; the timestamp expires after a day ([`TIMESTAMP_DAYS`]), so a
//!   frozen feed is noticed within a day ([`refresh_timestamp`] re-signs it);
//! - `targets/<sha256>.manifest.json`, `targets/blobs/<sha256>.<sha256>.gz`
//!   — consistent-snapshot names (hard links to the feed's files).

use crate::{io_err, write_atomic, HubError};
use chrono::{DateTime, Duration, SubsecRound, Utc};
use ed25519_dalek::{SigningKey, VerifyingKey};
use fyr_core::update::metadata::{self as md, Key, TargetFile};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The timestamp's lifetime: a feed whose timestamp is not re-signed is
/// refused as frozen after this.
pub const TIMESTAMP_DAYS: i64 = 1;
/// Root's lifetime (re-sign offline before it ends).
pub const ROOT_DAYS: i64 = 365;
/// The root threshold the hub insists on.
pub const MIN_ROOT_THRESHOLD: u64 = 2;

fn meta_dir(feed: &Path) -> PathBuf {
    feed.join("metadata")
}

fn tuf_err(what: &str, e: impl std::fmt::Display) -> HubError {
    HubError::Content(format!("{what}: {e}"))
}

/// The roles' keys and thresholds for a new root.
#[derive(Debug, Clone)]
pub struct RootSpec {
    pub root_keys: Vec<VerifyingKey>,
    pub root_threshold: u64,
    pub targets_keys: Vec<VerifyingKey>,
    pub snapshot_keys: Vec<VerifyingKey>,
    pub timestamp_keys: Vec<VerifyingKey>,
    pub expires_days: i64,
}

/// The latest root in a feed's repository (version and bytes), if any.
pub fn latest_root(feed: &Path) -> Result<Option<(u64, Vec<u8>)>, HubError> {
    let dir = meta_dir(feed);
    let mut best = None;
    let rd = match std::fs::read_dir(&dir) {
        Ok(rd) => rd,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(io_err(&dir)(e)),
    };
    for ent in rd.flatten() {
        let name = ent.file_name().to_string_lossy().to_string();
        if let Some(v) = name
            .strip_suffix(".root.json")
            .and_then(|v| v.parse::<u64>().ok())
        {
            if best.is_none_or(|b| v > b) {
                best = Some(v);
            }
        }
    }
    match best {
        None => Ok(None),
        Some(v) => {
            let p = dir.join(format!("{v}.root.json"));
            Ok(Some((v, std::fs::read(&p).map_err(io_err(&p))?)))
        }
    }
}

/// The trusted root of a feed (verified against itself).
pub fn current_root(feed: &Path) -> Result<Option<md::Root>, HubError> {
    match latest_root(feed)? {
        None => Ok(None),
        Some((_, bytes)) => {
            let env = md::Envelope::parse("root", &bytes).map_err(|e| tuf_err("root", e))?;
            Ok(Some(env.root().map_err(|e| tuf_err("root", e))?))
        }
    }
}

fn role_keys(root: &md::Root, role: &str) -> Vec<VerifyingKey> {
    root.roles[role]
        .keyids
        .iter()
        .filter_map(|id| root.keys.get(id))
        .filter(|k| k.keytype == "ed25519")
        .filter_map(|k| fyr_core::feed::parse_verifying_key(&k.keyval.public).ok())
        .collect()
}

impl RootSpec {
    /// The spec of an existing root (to change one role and keep the rest).
    pub fn of(root: &md::Root) -> RootSpec {
        RootSpec {
            root_keys: role_keys(root, "root"),
            root_threshold: root.roles["root"].threshold,
            targets_keys: role_keys(root, "targets"),
            snapshot_keys: role_keys(root, "snapshot"),
            timestamp_keys: role_keys(root, "timestamp"),
            expires_days: ROOT_DAYS,
        }
    }
}

/// Builds, signs and writes the next root (`metadata/N.root.json` and
/// `metadata/root.json`) with the given root private keys. Refused unless
/// it is signed by a threshold of the previous root's root keys and of its
/// own, the root threshold is at least [`MIN_ROOT_THRESHOLD`] and every
/// role has a key. Returns the new version.
pub fn sign_root(
    feed: &Path,
    spec: &RootSpec,
    signers: &[SigningKey],
    now: DateTime<Utc>,
) -> Result<u64, HubError> {
    if spec.root_threshold < MIN_ROOT_THRESHOLD
        || (spec.root_keys.len() as u64) < spec.root_threshold
    {
        return Err(HubError::Content(format!(
            "root: a threshold of at least {MIN_ROOT_THRESHOLD} of the root keys is needed (threshold {}, {} keys)",
            spec.root_threshold,
            spec.root_keys.len()
        )));
    }
    for (role, keys) in [
        ("targets", &spec.targets_keys),
        ("snapshot", &spec.snapshot_keys),
        ("timestamp", &spec.timestamp_keys),
    ] {
        if keys.is_empty() {
            return Err(HubError::Content(format!("root: no {role} key")));
        }
        if keys.iter().any(|k| spec.root_keys.contains(k)) {
            return Err(HubError::Content(format!(
                "root: a root key may not also be the {role} key (root keys stay offline)"
            )));
        }
    }
    let prev = latest_root(feed)?;
    let version = prev.as_ref().map(|p| p.0 + 1).unwrap_or(1);
    let mut keys = BTreeMap::new();
    let mut role = |ks: &[VerifyingKey], threshold: u64| {
        let ids: Vec<String> = ks
            .iter()
            .map(|k| {
                let key = Key::ed25519(k);
                let id = key.key_id();
                keys.insert(id.clone(), key);
                id
            })
            .collect();
        json!({ "keyids": ids, "threshold": threshold })
    };
    let roles = json!({
        "root": role(&spec.root_keys, spec.root_threshold),
        "targets": role(&spec.targets_keys, 1),
        "snapshot": role(&spec.snapshot_keys, 1),
        "timestamp": role(&spec.timestamp_keys, 1),
    });
    let signed = json!({
        "_type": "root",
        "spec_version": md::SPEC_VERSION,
        "version": version,
        "expires": md::tuf_time(now.trunc_subsecs(0) + Duration::days(spec.expires_days)),
        "consistent_snapshot": true,
        "keys": keys,
        "roles": roles,
    });
    let refs: Vec<&SigningKey> = signers.iter().collect();
    let bytes = md::sign(&signed, &refs);
    // The same checks a device makes.
    let check = match &prev {
        Some((_, old)) => fyr_core::update::trusted::TrustedSet::new(old, now)
            .and_then(|mut t| t.update_root(&bytes)),
        None => fyr_core::update::trusted::TrustedSet::new(&bytes, now).map(|_| ()),
    };
    check.map_err(|e| {
        HubError::Content(format!(
            "root version {version} would be refused by devices: {e} (sign with a threshold of the previous root's keys and of the new root's keys)"
        ))
    })?;
    let dir = meta_dir(feed);
    let p = dir.join(format!("{version}.root.json"));
    if p.exists() {
        return Err(HubError::Content(format!("{} exists", p.display())));
    }
    write_atomic(&p, &bytes)?;
    write_atomic(&dir.join("root.json"), &bytes)?;
    Ok(version)
}

/// The online keys that sign a publish.
pub struct OnlineKeys<'a> {
    pub targets: &'a SigningKey,
    pub snapshot: &'a SigningKey,
    pub timestamp: &'a SigningKey,
}

fn check_role_key(root: &md::Root, role: &str, key: &SigningKey) -> Result<(), HubError> {
    if !role_keys(root, role).contains(&key.verifying_key()) {
        return Err(HubError::Content(format!(
            "the {role} key {} is not root version {}'s {role} key: sign a new root that names it first (fyr hub root sign)",
            fyr_core::feed::key_id(&key.verifying_key()),
            root.common.version
        )));
    }
    Ok(())
}

fn read_version(feed: &Path, name: &str) -> u64 {
    std::fs::read(meta_dir(feed).join(name))
        .ok()
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
        .and_then(|v| v["signed"]["version"].as_u64())
        .unwrap_or(0)
}

fn link_or_copy(from: &Path, to: &Path) -> Result<(), HubError> {
    if to.exists() {
        return Ok(());
    }
    if let Some(p) = to.parent() {
        std::fs::create_dir_all(p).map_err(io_err(p))?;
    }
    if std::fs::hard_link(from, to).is_err() {
        let b = std::fs::read(from).map_err(io_err(from))?;
        write_atomic(to, &b)?;
    }
    Ok(())
}

/// Publishes the TUF metadata of a content version published from the
/// console: in a TUF repository the online snapshot and timestamp keys lie
/// beside the targets key file (`snapshot.key`, `timestamp.key`, as
/// `scripts/publish-bundle.sh` keeps them). Root keys never do: the console
/// publishes content (targets), never who is trusted. `check` runs before
/// the content is written, so a missing or wrong key publishes nothing.
pub fn console_metadata(
    feed: &Path,
    targets: &SigningKey,
    key_file: &Path,
    check: bool,
    now: DateTime<Utc>,
) -> Result<(), HubError> {
    if latest_root(feed)?.is_none() {
        return Ok(());
    }
    let dir = key_file.parent().unwrap_or(Path::new("."));
    let load = |name: &str| {
        let p = dir.join(name);
        fyr_core::feed::load_signing_key(&p).map_err(|e| {
            HubError::Content(format!(
                "the feed is a TUF repository: the online {name} is needed beside the publishing key ({}): {e}",
                p.display()
            ))
        })
    };
    let (s, t) = (load("snapshot.key")?, load("timestamp.key")?);
    let keys = OnlineKeys {
        targets,
        snapshot: &s,
        timestamp: &t,
    };
    if check {
        check_online_keys(feed, &keys)
    } else {
        publish_metadata(
            feed,
            &keys,
            crate::PublishOptions::default().expires_days,
            now,
        )
        .map(|_| ())
    }
}

/// Refuses online keys that are not the ones the current root names
/// (before anything is written).
pub fn check_online_keys(feed: &Path, keys: &OnlineKeys<'_>) -> Result<(), HubError> {
    let root = current_root(feed)?.ok_or_else(|| {
        HubError::Content("the feed has no root: sign one first (fyr hub root sign)".into())
    })?;
    check_role_key(&root, "targets", keys.targets)?;
    check_role_key(&root, "snapshot", keys.snapshot)?;
    check_role_key(&root, "timestamp", keys.timestamp)
}

/// Writes targets, snapshot and timestamp for the feed's current
/// `manifest.json` (after [`crate::publish_with`]), with the online keys
/// root names. Returns the targets version.
pub fn publish_metadata(
    feed: &Path,
    keys: &OnlineKeys<'_>,
    expires_days: u32,
    now: DateTime<Utc>,
) -> Result<u64, HubError> {
    let root = current_root(feed)?.ok_or_else(|| {
        HubError::Content(format!(
            "{} has no root: sign one first (fyr hub root sign)",
            meta_dir(feed).display()
        ))
    })?;
    check_role_key(&root, "targets", keys.targets)?;
    check_role_key(&root, "snapshot", keys.snapshot)?;
    check_role_key(&root, "timestamp", keys.timestamp)?;
    let now = now.trunc_subsecs(0);
    let mp = feed.join("manifest.json");
    let manifest_bytes = std::fs::read(&mp).map_err(io_err(&mp))?;
    let manifest = fyr_core::feed::parse_signed_manifest(&manifest_bytes)
        .map_err(|e| tuf_err("manifest.json", e))?;
    let mut targets = BTreeMap::new();
    let custom = json!({ "feed_id": manifest.feed_id, "version": manifest.version });
    let mt = TargetFile::of(&manifest_bytes, Some(custom));
    let tdir = feed.join("targets");
    link_or_copy(
        &mp,
        &tdir.join(format!("{}.manifest.json", mt.hashes["sha256"])),
    )?;
    targets.insert("manifest.json".to_string(), mt);
    // The blobs (snapshot and deltas) are not listed: the manifest, a
    // target whose length and sha256 targets.json signs, names each by its
    // sha256 and size, and a device checks both before it reads one. A
    // change thus costs a targets file of one entry, whatever the history.
    let dir = meta_dir(feed);
    let tv = read_version(feed, "targets.json") + 1;
    let expires = md::tuf_time(now + Duration::days(expires_days as i64));
    let targets_md = md::sign(
        &json!({
            "_type": "targets",
            "spec_version": md::SPEC_VERSION,
            "version": tv,
            "expires": expires,
            "targets": targets,
        }),
        &[keys.targets],
    );
    write_atomic(&dir.join(format!("{tv}.targets.json")), &targets_md)?;
    write_atomic(&dir.join("targets.json"), &targets_md)?;
    write_snapshot_and_timestamp(feed, keys.snapshot, keys.timestamp, tv, &expires, now)?;
    Ok(tv)
}

fn write_snapshot_and_timestamp(
    feed: &Path,
    snapshot_key: &SigningKey,
    timestamp_key: &SigningKey,
    targets_version: u64,
    expires: &str,
    now: DateTime<Utc>,
) -> Result<(), HubError> {
    let dir = meta_dir(feed);
    let sv = read_version(feed, "snapshot.json") + 1;
    let snap = md::sign(
        &json!({
            "_type": "snapshot",
            "spec_version": md::SPEC_VERSION,
            "version": sv,
            "expires": expires,
            "meta": { "targets.json": { "version": targets_version } },
        }),
        &[snapshot_key],
    );
    write_atomic(&dir.join(format!("{sv}.snapshot.json")), &snap)?;
    write_atomic(&dir.join("snapshot.json"), &snap)?;
    write_timestamp(feed, timestamp_key, sv, &snap, now)
}

fn write_timestamp(
    feed: &Path,
    key: &SigningKey,
    snapshot_version: u64,
    snapshot_bytes: &[u8],
    now: DateTime<Utc>,
) -> Result<(), HubError> {
    let tsv = read_version(feed, "timestamp.json") + 1;
    let ts = md::sign(
        &json!({
            "_type": "timestamp",
            "spec_version": md::SPEC_VERSION,
            "version": tsv,
            "expires": md::tuf_time(now + Duration::days(TIMESTAMP_DAYS)),
            "meta": { "snapshot.json": {
                "version": snapshot_version,
                "length": snapshot_bytes.len(),
                "hashes": { "sha256": md::sha256_hex(snapshot_bytes) },
            } },
        }),
        &[key],
    );
    write_atomic(&meta_dir(feed).join("timestamp.json"), &ts)
}

/// Re-signs the timestamp (daily, e.g. from cron): the feed stays fresh
/// without a publish. Only the timestamp key is needed.
pub fn refresh_timestamp(
    feed: &Path,
    timestamp_key: &SigningKey,
    now: DateTime<Utc>,
) -> Result<(), HubError> {
    let root = current_root(feed)?
        .ok_or_else(|| HubError::Content("the feed has no root: sign one first".into()))?;
    check_role_key(&root, "timestamp", timestamp_key)?;
    let p = meta_dir(feed).join("snapshot.json");
    let snap = std::fs::read(&p).map_err(io_err(&p))?;
    let sv = read_version(feed, "snapshot.json");
    write_timestamp(feed, timestamp_key, sv, &snap, now.trunc_subsecs(0))
}

/// After a root rotates the snapshot or targets key, the metadata they
/// sign must be re-signed: a publish does it; this re-signs the current
/// targets content with the (new) online keys without a new feed version.
pub fn resign(
    feed: &Path,
    keys: &OnlineKeys<'_>,
    expires_days: u32,
    now: DateTime<Utc>,
) -> Result<u64, HubError> {
    publish_metadata(feed, keys, expires_days, now)
}
