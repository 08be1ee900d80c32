//! The CLI's screening key: `FYR_KEY` (64 hex digits), else `<data dir>/key`.
//!
//! The directory never depends on it: a missing, malformed or wrong key only
//! locks screenings (exit 1, one line naming the problem and the way forward:
//! `fyr screenings reset-key`). A new key file is written silently only when
//! device.db holds no sealed screening it would hide.

use crate::Failure;
use fyr_core::Fyr;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Why the CLI has no usable key, for the one-line message (set at open).
static KEY_PROBLEM: OnceLock<String> = OnceLock::new();

/// The way forward, appended to every "screenings are locked" failure.
pub const WAY_FORWARD: &str = "search, show and sync still work; to start over with a new key (the old screenings are kept aside, unreadable, and purged after the retention period) run `fyr screenings reset-key`";

pub fn key_file(data_dir: &Path) -> PathBuf {
    data_dir.join("key")
}

fn parse(s: &str, from: &str) -> Result<[u8; 32], String> {
    hex::decode(s.trim())
        .ok()
        .and_then(|b| <[u8; 32]>::try_from(b).ok())
        .ok_or_else(|| format!("{from} is not a key (64 hex digits)"))
}

/// The key as given (`FYR_KEY`, else the key file): `Ok(None)` when there is
/// none, `Err(why)` when the one given is unusable.
pub fn given_key(data_dir: &Path) -> Result<Option<[u8; 32]>, String> {
    if let Ok(k) = std::env::var("FYR_KEY") {
        return parse(&k, "FYR_KEY").map(Some);
    }
    let path = key_file(data_dir);
    match std::fs::read_to_string(&path) {
        Ok(s) => parse(&s, &format!("the key file {}", path.display())).map(Some),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(format!("cannot read the key file {}: {e}", path.display())),
    }
}

/// After `Fyr::open`: on a device with no key file and no sealed screening,
/// makes a key file and starts using it; otherwise records why screenings
/// are locked, for the message.
pub fn settle(
    fyr: &Fyr,
    data_dir: &Path,
    given: Result<Option<[u8; 32]>, String>,
) -> Result<(), Failure> {
    let problem = match given {
        Ok(Some(_)) => match fyr.screening_lock()? {
            None => return Ok(()),
            Some(_) if std::env::var("FYR_KEY").is_ok() => {
                "FYR_KEY is not the key this device's screenings were sealed with (wrong key)".to_string()
            }
            Some(_) => format!(
                "the key file {} is not the key this device's screenings were sealed with (wrong key)",
                key_file(data_dir).display()
            ),
        },
        Ok(None) => {
            if fyr.sealed_sessions()? == 0 {
                let key = write_new_key(data_dir)?;
                fyr.reset_screening_key(key, chrono::Utc::now())?;
                return Ok(());
            }
            format!(
                "the key file {} is missing and device.db holds {} sealed screening(s); no new key was written over them",
                key_file(data_dir).display(),
                fyr.sealed_sessions()?
            )
        }
        Err(why) => why,
    };
    let _ = KEY_PROBLEM.set(problem);
    Ok(())
}

/// The one line for a "screenings are locked" failure.
pub fn locked_message(core_message: &str) -> String {
    match KEY_PROBLEM.get() {
        Some(p) => format!("screenings are locked: {p}; {WAY_FORWARD}"),
        None => format!("{core_message}; {WAY_FORWARD}"),
    }
}

/// A new random key in the key file (owner-only); an existing key file is
/// kept as `key.old-<time>`.
pub fn write_new_key(data_dir: &Path) -> Result<[u8; 32], Failure> {
    let path = key_file(data_dir);
    if path.exists() {
        let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
        let old = data_dir.join(format!("key.old-{stamp}"));
        std::fs::rename(&path, &old)
            .map_err(|e| Failure::failed(format!("cannot move the old key file aside: {e}")))?;
    }
    let key: [u8; 32] = rand::random();
    write_private(&path, hex::encode(key).as_bytes())?;
    Ok(key)
}

pub fn write_private(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    use std::io::Write;
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let mut f = o
        .open(path)
        .map_err(|e| Failure::failed(format!("cannot create {}: {e}", path.display())))?;
    f.write_all(bytes)
        .map_err(|e| Failure::failed(format!("cannot write {}: {e}", path.display())))?;
    f.sync_all().ok();
    Ok(())
}
