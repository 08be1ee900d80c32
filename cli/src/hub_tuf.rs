//! `fyr hub root sign`, `fyr hub timestamp` and the TUF keys of `fyr hub
//! publish`: the feed as a TUF repository (`fyr_hub::tuf`). Root keys stay
//! on an offline machine; the hub holds only the online targets, snapshot
//! and timestamp keys, and cannot change who is trusted.

use crate::hub::hub_failure;
use crate::{CmdResult, Failure};
use clap::Args;
use ed25519_dalek::SigningKey;
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct RootArgs {
    /// Only `sign`: build the next root and sign it.
    #[arg(value_parser = ["sign"])]
    action: String,
    /// The feed folder (its metadata/ holds every N.root.json; carry it to
    /// the offline machine and back).
    #[arg(long, value_name = "DIR")]
    feed: PathBuf,
    /// Root public keys (repeat; default: the current root's).
    #[arg(long, value_name = "FILE")]
    root_pub: Vec<PathBuf>,
    /// Signatures of root keys needed (at least 2; default: the current root's).
    #[arg(long, value_name = "N")]
    threshold: Option<u64>,
    /// The targets (publishing) public key; a new one rotates it.
    #[arg(long, value_name = "FILE")]
    targets_pub: Option<PathBuf>,
    /// The snapshot public key.
    #[arg(long, value_name = "FILE")]
    snapshot_pub: Option<PathBuf>,
    /// The timestamp public key.
    #[arg(long, value_name = "FILE")]
    timestamp_pub: Option<PathBuf>,
    /// Root private keys to sign with (repeat): a threshold of the previous
    /// root's and of the new root's.
    #[arg(long, value_name = "FILE", required = true)]
    key: Vec<PathBuf>,
    /// Root expires after this many days.
    #[arg(long, value_name = "N", default_value_t = 365)]
    expires_days: i64,
}

#[derive(Args)]
pub struct TimestampArgs {
    #[arg(long, value_name = "DIR")]
    feed: PathBuf,
    /// The timestamp key.
    #[arg(long, value_name = "FILE")]
    key: PathBuf,
}

fn signing(p: &Path, what: &str) -> Result<SigningKey, Failure> {
    fyr_core::feed::load_signing_key(p).map_err(|e| Failure::usage(format!("{what}: {e}")))
}

fn public(p: &Path, what: &str) -> Result<ed25519_dalek::VerifyingKey, Failure> {
    fyr_core::feed::load_verifying_key(p).map_err(|e| Failure::usage(format!("{what}: {e}")))
}

pub fn root(a: RootArgs) -> CmdResult {
    let current = fyr_hub::tuf::current_root(&a.feed).map_err(hub_failure)?;
    let mut spec = match &current {
        Some(r) => fyr_hub::tuf::RootSpec::of(r),
        None => fyr_hub::tuf::RootSpec {
            root_keys: Vec::new(),
            root_threshold: 2,
            targets_keys: Vec::new(),
            snapshot_keys: Vec::new(),
            timestamp_keys: Vec::new(),
            expires_days: a.expires_days,
        },
    };
    spec.expires_days = a.expires_days;
    if !a.root_pub.is_empty() {
        spec.root_keys = a
            .root_pub
            .iter()
            .map(|p| public(p, "--root-pub"))
            .collect::<Result<_, _>>()?;
    }
    if let Some(t) = a.threshold {
        spec.root_threshold = t;
    }
    if let Some(p) = &a.targets_pub {
        spec.targets_keys = vec![public(p, "--targets-pub")?];
    }
    if let Some(p) = &a.snapshot_pub {
        spec.snapshot_keys = vec![public(p, "--snapshot-pub")?];
    }
    if let Some(p) = &a.timestamp_pub {
        spec.timestamp_keys = vec![public(p, "--timestamp-pub")?];
    }
    let signers = a
        .key
        .iter()
        .map(|p| signing(p, "--key"))
        .collect::<Result<Vec<_>, _>>()?;
    let v = fyr_hub::tuf::sign_root(&a.feed, &spec, &signers, chrono::Utc::now())
        .map_err(hub_failure)?;
    println!(
        "root version {v} signed: {}/metadata/{v}.root.json (threshold {} of {} root keys)",
        a.feed.display(),
        spec.root_threshold,
        spec.root_keys.len()
    );
    if current.is_some() {
        println!("publish (or fyr hub timestamp) next, so devices see it within their next sync");
    }
    Ok(())
}

pub fn timestamp(a: TimestampArgs) -> CmdResult {
    let key = signing(&a.key, "--key")?;
    fyr_hub::tuf::refresh_timestamp(&a.feed, &key, chrono::Utc::now()).map_err(hub_failure)?;
    println!(
        "timestamp re-signed (valid {} day)",
        fyr_hub::tuf::TIMESTAMP_DAYS
    );
    Ok(())
}

/// The snapshot and timestamp keys of a publish: required once the feed
/// has a TUF root, refused before.
pub fn online_keys(
    feed: &Path,
    _targets: &SigningKey,
    snapshot: Option<PathBuf>,
    timestamp: Option<PathBuf>,
) -> Result<Option<(SigningKey, SigningKey)>, Failure> {
    let has_root = fyr_hub::tuf::latest_root(feed)
        .map_err(hub_failure)?
        .is_some();
    match (has_root, snapshot, timestamp) {
        (false, None, None) => Ok(None),
        (false, _, _) => Err(Failure::usage(
            "the feed has no TUF root yet: sign one first (fyr hub root sign)",
        )),
        (true, Some(s), Some(t)) => Ok(Some((
            signing(&s, "--snapshot-key")?,
            signing(&t, "--timestamp-key")?,
        ))),
        (true, _, _) => Err(Failure::usage(
            "the feed is a TUF repository: give --snapshot-key and --timestamp-key",
        )),
    }
}
