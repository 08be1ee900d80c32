//! The on-device store: two SQLite files in the data directory.
//!
//! - `directory.db` — content (records) and its search index. Replaceable: if
//!   it is corrupt it is moved aside and rebuilt from the bundled default.
//! - `device.db` — settings, encrypted screening sessions and the outbox: what
//!   only this device has. If it is corrupt it is moved aside (kept, not
//!   deleted) and a fresh one is made; the notice says what could not be kept.
//!
//! Damage is handled whenever it is found: at open, and at any later query
//! too (`Store::with_dir`, `Store::with_dev`). Files are owner-only on unix
//! (0600, the data directory 0700), set on creation and tightened on open.
//!
//! Both use WAL. Content changes (a bundled import, a snapshot or a delta from
//! sync) are applied in one transaction whose resulting content digest is
//! verified before commit, so a crash leaves the old or the new version,
//! never a mix.

pub mod blocks;
pub mod body;
pub mod check;
pub mod device;
pub mod digest;
pub mod directory;
pub mod index_file;
mod lexicon_cache;
pub mod reindex;
mod repair;
mod routing_state;
pub mod schema;
mod source;

use crate::error::{Error, Result};
use crate::feed::{Record, RecordKind};
use crate::search::index::FacetIndex;
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};

pub use directory::ContentPosition;

pub const DIRECTORY_FILE: &str = "directory.db";
pub const DEVICE_FILE: &str = "device.db";

pub use source::{Bundle, BundleSource, Peek};

pub struct Store {
    data_dir: PathBuf,
    dir: Mutex<Connection>,
    dev: Mutex<Connection>,
    index: RwLock<Arc<FacetIndex>>,
    notices: Mutex<Vec<String>>,
    rebuild_from: Option<BundleSource>,
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

/// SQLITE_CORRUPT / SQLITE_NOTADB, or damage found by our own checks.
pub fn is_corruption(e: &Error) -> bool {
    match e {
        Error::Sqlite(rusqlite::Error::SqliteFailure(f, _)) => matches!(
            f.code,
            rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase
        ),
        Error::Damaged(_) => true,
        // A damaged record body (`body::column`).
        Error::Sqlite(rusqlite::Error::FromSqlConversionFailure(_, _, e)) => {
            e.downcast_ref::<Error>().is_some_and(is_corruption)
        }
        _ => false,
    }
}

/// Owner-only permissions (unix): `mode` on `path` if it exists.
#[cfg(unix)]
fn restrict(path: &Path, mode: u32) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    match std::fs::metadata(path) {
        Ok(m) if m.permissions().mode() & 0o777 != mode => {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).map_err(|e| {
                Error::Storage(format!("cannot make {} owner-only: {e}", path.display()))
            })
        }
        _ => Ok(()),
    }
}

#[cfg(not(unix))]
fn restrict(_path: &Path, _mode: u32) -> Result<()> {
    Ok(())
}

/// Creates `path` empty and owner-only if it does not exist, so that SQLite
/// (which gives its -wal and -shm files the main file's mode) never makes a
/// world-readable file; tightens an existing one and its -wal/-shm.
fn prepare_file(path: &Path) -> Result<()> {
    if !path.exists() {
        let mut o = std::fs::OpenOptions::new();
        o.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            o.mode(0o600);
        }
        match o.open(path) {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => {
                return Err(Error::Storage(format!(
                    "cannot create {}: {e}",
                    path.display()
                )))
            }
        }
    }
    restrict(path, 0o600)?;
    for ext in ["db-wal", "db-shm"] {
        restrict(&path.with_extension(ext), 0o600)?;
    }
    Ok(())
}

/// Creates the data directory (0700 on unix) or tightens an existing one.
pub fn prepare_data_dir(data_dir: &Path) -> Result<()> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        b.mode(0o700);
    }
    b.create(data_dir).map_err(|e| {
        Error::Storage(format!(
            "cannot create data directory {}: {e}",
            data_dir.display()
        ))
    })?;
    restrict(data_dir, 0o700)
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

/// A transaction for reads only (dropped, it ends: nothing to commit), or
/// None when `c` is in one already. Reads in one transaction take SQLite's
/// file locks once (a statement on its own takes and drops them: a handful
/// of system calls each) and see one snapshot.
pub fn read_transaction(c: &Connection) -> Result<Option<rusqlite::Transaction<'_>>> {
    if !c.is_autocommit() {
        return Ok(None);
    }
    Ok(Some(c.unchecked_transaction()?))
}

fn open_conn(path: &Path) -> Result<Connection> {
    let c = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    // Plans do not depend on the values bound: the bundled SQLite (built
    // with STAT4) otherwise prepares a statement with a bound range
    // (`first <= ?2`, every record's block) again at each use.
    c.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )?;
    c.busy_timeout(std::time::Duration::from_secs(5))?;
    c.pragma_update(None, "journal_mode", "WAL")?;
    c.pragma_update(None, "synchronous", "NORMAL")?;
    Ok(c)
}

/// Moves a damaged device.db aside and makes a fresh one; returns it and the
/// notice that says what could not be kept. The one way device damage is
/// handled, at open and at any later query ([`Store::with_dev`]).
fn replace_device(path: &Path, cause: &Error) -> Result<(Connection, String)> {
    let aside = move_aside(path)?;
    prepare_file(path)?;
    let c = device::open_new(path)?;
    Ok((c, format!(
        "The device store was damaged ({cause}): a new one was made. Settings, screenings and unsent statistics or reports in it could not be read; the damaged file was kept as {}.",
        aside.display()
    )))
}

impl Store {
    /// Opens (creating if needed) the store in `data_dir`. A first start, or a
    /// directory store found corrupt, imports `bundled()`.
    pub fn open(data_dir: &Path, bundled: &dyn Fn() -> Result<Bundle>) -> Result<Store> {
        Self::open_inner(data_dir, bundled, None, None)
    }

    /// As [`Store::open`], and a directory store found damaged later, at any
    /// query, is rebuilt from `source` too (see [`Store::with_dir`]).
    pub fn open_rebuildable(data_dir: &Path, source: BundleSource) -> Result<Store> {
        let peek = source.peek.clone();
        let load = source.load.clone();
        Self::open_inner(data_dir, &*load, peek.as_deref(), Some(source))
    }

    fn open_inner(
        data_dir: &Path,
        bundled: &dyn Fn() -> Result<Bundle>,
        peek: Option<&(dyn Fn() -> Option<(String, u64)> + Send + Sync)>,
        rebuild_from: Option<BundleSource>,
    ) -> Result<Store> {
        // The helper thread readies itself on the other core while this
        // one opens the store (a first query shares its hits with it).
        crate::par::warm(body::warm);
        prepare_data_dir(data_dir)?;
        let mut notices = Vec::new();
        // The compiled lexicon is read on the other core while device.db
        // is opened (checked against the stored content's at its use).
        let dir_path = data_dir.join(DIRECTORY_FILE);
        let lexicon = lexicon_cache::load_ahead(&dir_path);

        // device.db first: it records whether directory.db needs a full check.
        let dev_path = data_dir.join(DEVICE_FILE);
        let fresh = !dev_path.exists();
        let opened = if fresh {
            prepare_file(&dev_path).and_then(|_| device::open_new(&dev_path))
        } else {
            prepare_file(&dev_path).and_then(|_| device::open(&dev_path))
        };
        // Damage found at open (reading it, or its full check below): the
        // file kept aside and a fresh one made, with a notice.
        let replaced = |e: Error, notices: &mut Vec<String>| -> Result<Connection> {
            if !is_corruption(&e) {
                return Err(e);
            }
            let (c, notice) = replace_device(&dev_path, &e)?;
            notices.push(notice);
            Ok(c)
        };
        let mut dev = match opened {
            Ok(c) => c,
            Err(e) => replaced(e, &mut notices)?,
        };

        let now = chrono::Utc::now();
        let reason = check::reason(&dev, &dir_path, now).unwrap_or(Some(check::Reason::Never));
        // A reason to check directory.db whole is one to check device.db
        // whole too (a fresh one has nothing to find).
        if reason.is_some() && !fresh {
            if let Err(e) = check::quick_check(&dev, DEVICE_FILE) {
                // (Closed before the file is moved.)
                drop(dev);
                dev = replaced(e, &mut notices)?;
            }
        }
        prepare_file(&dir_path)?;
        let mut wrote = false;
        let mut before_write = || -> Result<()> {
            if !wrote {
                check::starting_write(&dev)?;
                wrote = true;
            }
            Ok(())
        };
        let opened = directory::open(
            &dir_path,
            lexicon,
            bundled,
            peek,
            reason.is_some(),
            &mut before_write,
            &mut notices,
        );
        let (dir, index) = match opened {
            Ok(v) => v,
            Err(e) if is_corruption(&e) => {
                before_write()?;
                let was = directory::damaged_position(&dir_path);
                let aside = move_aside(&dir_path)?;
                prepare_file(&dir_path)?;
                let v = directory::open(
                    &dir_path,
                    None,
                    bundled,
                    peek,
                    false,
                    &mut before_write,
                    &mut Vec::new(),
                )?;
                let pos = directory::position(&v.0)?;
                let lost = directory::describe_loss(was.as_ref(), &pos);
                let why = match reason {
                    Some(r) => format!(", found at open: {}", r.describe()),
                    None => String::new(),
                };
                notices.push(format!(
                    "The directory store was damaged ({e}{why}) and was rebuilt from the bundled content (version {}). {lost} The damaged file was kept as {}.",
                    pos.version,
                    aside.display()
                ));
                v
            }
            Err(e) => return Err(e),
        };
        if reason.is_some() || wrote {
            // Checked whole, or written whole by us just now: this is the
            // file as our last write left it.
            check::finished_write(&dir, &dev, &dir_path)?;
            check::checked(&dev, now)?;
        }
        for f in [&dir_path, &dev_path] {
            prepare_file(f)?;
        }
        Ok(Store {
            data_dir: data_dir.to_path_buf(),
            dir: Mutex::new(dir),
            dev: Mutex::new(dev),
            index: RwLock::new(Arc::new(index)),
            notices: Mutex::new(notices),
            rebuild_from,
        })
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// What the user must be told (a store rebuilt at open or later …).
    pub fn notices(&self) -> Vec<String> {
        self.notices
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// The notices not yet taken (each is given once).
    pub fn take_notices(&self) -> Vec<String> {
        std::mem::take(&mut *self.notices.lock().unwrap_or_else(|p| p.into_inner()))
    }

    pub fn dir(&self) -> MutexGuard<'_, Connection> {
        self.dir.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `f` on device.db. If SQLite reports damage (at any query, not
    /// only at open) the damaged file is moved aside, a fresh one is made, a
    /// notice is added and `f` runs once more on the fresh file, so a read is
    /// answered from it and a write lands in it (never reported done while
    /// lost). The lock is held throughout, so one damage is repaired once.
    pub fn with_dev<T>(&self, mut f: impl FnMut(&mut Connection) -> Result<T>) -> Result<T> {
        let mut c = self.dev();
        match f(&mut c) {
            Err(e) if is_corruption(&e) => {
                let path = self.data_dir.join(DEVICE_FILE);
                // Close the damaged file before moving it.
                drop(std::mem::replace(&mut *c, Connection::open_in_memory()?));
                let (fresh, notice) = match replace_device(&path, &e) {
                    Ok(v) => v,
                    Err(re) => {
                        // Never leave the in-memory stand-in: writes to it
                        // would look done and be lost.
                        if let Ok(old) = device::open(&path) {
                            *c = old;
                        }
                        return Err(Error::Storage(format!(
                            "the device store is damaged ({e}) and could not be replaced: {re}"
                        )));
                    }
                };
                *c = fresh;
                self.notices
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(notice);
                f(&mut c)
            }
            r => r,
        }
    }

    /// The device connection as it is, with no repair: prefer
    /// [`Store::with_dev`].
    pub fn dev(&self) -> MutexGuard<'_, Connection> {
        self.dev.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn index(&self) -> Arc<FacetIndex> {
        self.index.read().unwrap_or_else(|p| p.into_inner()).clone()
    }

    pub fn position(&self) -> Result<ContentPosition> {
        self.with_dir(|c, _| directory::position(c))
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
        self.with_dev(|d| check::starting_write(d))?;
        let mut conn = self.dir();
        check::bound_wal(&conn, &self.data_dir.join(DIRECTORY_FILE))?;
        let current = self.index();
        let ix = directory::apply(&mut conn, to, upserts, deletes, replace_all, Some(&current))?;
        *self.index.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(ix);
        self.finished_write(&conn)
    }

    /// After a write to directory.db committed (see [`check`]).
    fn finished_write(&self, dir: &Connection) -> Result<()> {
        let path = self.data_dir.join(DIRECTORY_FILE);
        self.with_dev(|d| check::finished_write(dir, d, &path))
    }

    pub fn records(&self, kind: RecordKind) -> Result<Vec<Record>> {
        self.with_dir(|c, _| directory::records(c, kind))
    }
}

impl Drop for Store {
    /// A clean close: the WAL moved into directory.db and its stamp recorded
    /// (see [`check::closing`]); a failure here only costs a full check at
    /// the next open.
    fn drop(&mut self) {
        let path = self.data_dir.join(DIRECTORY_FILE);
        let dir = self.dir.lock().unwrap_or_else(|p| p.into_inner());
        let dev = self.dev.lock().unwrap_or_else(|p| p.into_inner());
        let _ = check::closing(&dir, &dev, &path);
    }
}

#[cfg(test)]
mod check_tests;
#[cfg(test)]
mod damage_tests;
#[cfg(test)]
mod delta_tests;
#[cfg(test)]
mod index_damage_tests;
#[cfg(test)]
mod index_file_tests;
#[cfg(test)]
mod lexicon_cache_tests;
#[cfg(test)]
mod reindex_tests;
#[cfg(test)]
mod test_support;

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
        // Reopened by the same app: its bundle is the store's version, not
        // imported again.
        let s = Store::open(d.path(), &bundle).unwrap();
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
