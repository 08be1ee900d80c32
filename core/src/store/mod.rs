//! The on-device store: two SQLite files in the data directory.
//!
//! - `directory.db` — content (records) and its search index. Replaceable: if
//!   it is corrupt it is moved aside and rebuilt from the bundled default.
//! - `device.db` — settings, encrypted screening sessions and the outbox: what
//!   only this device has. If it is corrupt it is moved aside (kept, not
//!   deleted) and a fresh one is made; the notice says what could not be kept.
//!
//! Both use WAL. Content changes (a bundled import, a snapshot or a delta from
//! sync) are applied in one transaction whose resulting content digest is
//! verified before commit, so a crash leaves the old or the new version,
//! never a mix.

pub mod device;
pub mod directory;
pub mod schema;

use crate::error::{Error, Result};
use crate::feed::{Record, RecordKind};
use crate::search::index::FacetIndex;
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

pub use directory::ContentPosition;

pub const DIRECTORY_FILE: &str = "directory.db";
pub const DEVICE_FILE: &str = "device.db";

/// Content to start from: the bundled default, compiled into the binary.
pub struct Bundle {
    pub position: ContentPosition,
    pub records: Vec<Record>,
}

pub struct Store {
    data_dir: PathBuf,
    dir: Mutex<Connection>,
    dev: Mutex<Connection>,
    index: RwLock<Arc<FacetIndex>>,
    notices: Vec<String>,
}

/// A crash injection point for tests: with `FYR_FAILPOINT=<name>` in the
/// environment the process aborts there, as a power cut would.
pub fn failpoint(name: &str) {
    if let Ok(v) = std::env::var("FYR_FAILPOINT") {
        if v == name {
            eprintln!("failpoint {name}: aborting");
            std::process::abort();
        }
    }
}

fn is_corruption(e: &Error) -> bool {
    match e {
        Error::Sqlite(rusqlite::Error::SqliteFailure(f, _)) => matches!(
            f.code,
            rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase
        ),
        Error::Storage(m) => m.contains("damaged"),
        _ => false,
    }
}

/// Moves a damaged file (and its WAL/SHM) aside; returns where it went.
fn move_aside(path: &Path) -> Result<PathBuf> {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let to = path.with_extension(format!("db.corrupt-{stamp}"));
    std::fs::rename(path, &to)?;
    for ext in ["db-wal", "db-shm"] {
        let p = path.with_extension(ext);
        if p.exists() {
            let _ = std::fs::rename(
                &p,
                to.with_extension(format!(
                    "{}-{ext}",
                    to.extension().unwrap().to_string_lossy()
                )),
            );
        }
    }
    Ok(to)
}

fn open_conn(path: &Path) -> Result<Connection> {
    let c = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    c.busy_timeout(std::time::Duration::from_secs(5))?;
    c.pragma_update(None, "journal_mode", "WAL")?;
    c.pragma_update(None, "synchronous", "NORMAL")?;
    Ok(c)
}

impl Store {
    /// Opens (creating if needed) the store in `data_dir`. A first start, or a
    /// directory store found corrupt, imports `bundled()`.
    pub fn open(data_dir: &Path, bundled: &dyn Fn() -> Result<Bundle>) -> Result<Store> {
        std::fs::create_dir_all(data_dir).map_err(|e| {
            Error::Storage(format!(
                "cannot create data directory {}: {e}",
                data_dir.display()
            ))
        })?;
        let mut notices = Vec::new();

        let dir_path = data_dir.join(DIRECTORY_FILE);
        let (dir, index) = match directory::open(&dir_path, bundled) {
            Ok(v) => v,
            Err(e) if is_corruption(&e) => {
                let lost = directory::describe_damaged(&dir_path);
                let aside = move_aside(&dir_path)?;
                let v = directory::open(&dir_path, bundled)?;
                let pos = directory::position(&v.0)?;
                notices.push(format!(
                    "The directory store was damaged ({e}) and was rebuilt from the bundled content (version {}). {lost} The damaged file was kept as {}.",
                    pos.version,
                    aside.display()
                ));
                v
            }
            Err(e) => return Err(e),
        };

        let dev_path = data_dir.join(DEVICE_FILE);
        let dev = match device::open(&dev_path) {
            Ok(c) => c,
            Err(e) if is_corruption(&e) => {
                let aside = move_aside(&dev_path)?;
                notices.push(format!(
                    "The device store was damaged ({e}): a new one was made. Settings, screenings in progress and unsent statistics or reports in it could not be read; the damaged file was kept as {}.",
                    aside.display()
                ));
                device::open(&dev_path)?
            }
            Err(e) => return Err(e),
        };
        Ok(Store {
            data_dir: data_dir.to_path_buf(),
            dir: Mutex::new(dir),
            dev: Mutex::new(dev),
            index: RwLock::new(Arc::new(index)),
            notices,
        })
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// What happened at open that the user must be told (a rebuilt store …).
    pub fn notices(&self) -> &[String] {
        &self.notices
    }

    pub fn dir(&self) -> MutexGuard<'_, Connection> {
        self.dir.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn dev(&self) -> MutexGuard<'_, Connection> {
        self.dev.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn index(&self) -> Arc<FacetIndex> {
        self.index.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn position(&self) -> Result<ContentPosition> {
        directory::position(&self.dir())
    }

    /// Applies a content change in one transaction: upserts and deletes (or a
    /// full replacement), the search index rebuilt, the resulting digest
    /// checked against `to.digest` before commit.
    pub fn apply(
        &self,
        to: &ContentPosition,
        upserts: Vec<Record>,
        deletes: Vec<(RecordKind, String)>,
        replace_all: bool,
    ) -> Result<()> {
        let mut conn = self.dir();
        let ix = directory::apply(&mut conn, to, upserts, deletes, replace_all)?;
        *self.index.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(ix);
        Ok(())
    }

    pub fn records(&self, kind: RecordKind) -> Result<Vec<Record>> {
        directory::records(&self.dir(), kind)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::fixture;

    fn bundle() -> Result<Bundle> {
        let records = crate::feed::directory_records(&fixture::directory());
        let digest = crate::feed::records_digest(&records);
        Ok(Bundle {
            position: ContentPosition {
                feed_id: "t".into(),
                version: 1,
                digest,
                ..Default::default()
            },
            records,
        })
    }

    fn count(s: &Store) -> usize {
        s.index().entries.len()
    }

    #[test]
    fn first_start_imports_the_bundle_and_reopens_from_the_index_blob() {
        let d = tempfile::tempdir().unwrap();
        let s = Store::open(d.path(), &bundle).unwrap();
        assert_eq!(count(&s), 5);
        assert!(s.notices().is_empty());
        drop(s);
        let s = Store::open(d.path(), &|| panic!("must not import again")).unwrap();
        assert_eq!(count(&s), 5);
        assert_eq!(s.position().unwrap().version, 1);
    }

    #[test]
    fn a_damaged_directory_store_is_rebuilt_and_says_what_was_lost() {
        let d = tempfile::tempdir().unwrap();
        let s = Store::open(d.path(), &bundle).unwrap();
        let pos = s.position().unwrap();
        s.apply(
            &ContentPosition {
                version: 7,
                digest: String::new(),
                ..pos
            },
            vec![],
            vec![(RecordKind::Service, "ljungby-kvinnojour".into())],
            false,
        )
        .unwrap();
        assert_eq!(count(&s), 4);
        drop(s);
        let p = d.path().join(DIRECTORY_FILE);
        let mut bytes = std::fs::read(&p).unwrap();
        for b in bytes.iter_mut().take(100) {
            *b = 0x5a;
        }
        std::fs::write(&p, bytes).unwrap();
        let s = Store::open(d.path(), &bundle).unwrap();
        assert_eq!(count(&s), 5, "rebuilt from the bundle");
        let n = s.notices().join(" ");
        assert!(n.contains("rebuilt from the bundled content"), "{n}");
        assert!(std::fs::read_dir(d.path()).unwrap().any(|e| e
            .unwrap()
            .file_name()
            .to_string_lossy()
            .contains("corrupt")));
    }

    #[test]
    fn a_damaged_device_store_is_kept_aside_and_replaced() {
        let d = tempfile::tempdir().unwrap();
        let s = Store::open(d.path(), &bundle).unwrap();
        device::enqueue(&s.dev(), "correction_report", &serde_json::json!({"x": 1})).unwrap();
        drop(s);
        std::fs::write(d.path().join(DEVICE_FILE), vec![7u8; 8192]).unwrap();
        let s = Store::open(d.path(), &bundle).unwrap();
        assert!(s.notices().join(" ").contains("device store was damaged"));
        assert!(device::outbox_all(&s.dev()).unwrap().is_empty());
        assert_eq!(count(&s), 5, "the directory is untouched");
    }

    #[test]
    fn a_digest_mismatch_changes_nothing() {
        let d = tempfile::tempdir().unwrap();
        let s = Store::open(d.path(), &bundle).unwrap();
        let before = s.position().unwrap();
        let bad = ContentPosition {
            version: 2,
            digest: "00".repeat(32),
            ..before.clone()
        };
        let e = s
            .apply(
                &bad,
                vec![],
                vec![(RecordKind::Service, "kvinnofridslinjen".into())],
                false,
            )
            .unwrap_err();
        assert!(e.to_string().contains("digest mismatch"), "{e}");
        assert_eq!(s.position().unwrap(), before);
        assert_eq!(count(&s), 5);
        assert_eq!(s.records(RecordKind::Service).unwrap().len(), 5);
    }
}
