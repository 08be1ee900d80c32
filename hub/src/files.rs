//! The hub's own files on disk: the database (and SQLite's `-wal`/`-shm`
//! beside it) owner-only, and the hub secret.
//!
//! **The hub secret** is 32 random bytes (hex) in `<database>.secret`, mode
//! 0600, created on first use. It keys the HMAC-SHA256 under which enrollment
//! codes (and the enrollment rate limit's client keys) are stored. It lives
//! in a file *beside* the database, not in it, so that a copy of the
//! database alone (a backup, an `sqlite3 .backup`, a file lifted from a
//! disk image of the data volume) does not let anyone test guesses of the
//! unused codes offline: without the secret every guess needs the hub.
//! Losing the file costs little: unused codes and the rate limit's counts no
//! longer match (a coordinator issues new codes); device tokens are not
//! keyed by it (256 random bits are safe under a plain sha256), so enrolled
//! phones keep working.

use crate::HubError;
use std::path::{Path, PathBuf};

/// `<db>-wal` and `<db>-shm`, as SQLite names them.
fn sidecars(db: &Path) -> [PathBuf; 2] {
    ["-wal", "-shm"].map(|s| {
        let mut p = db.as_os_str().to_owned();
        p.push(s);
        PathBuf::from(p)
    })
}

/// Where the hub secret of a database lives: `<db>.secret`.
pub fn secret_path(db: &Path) -> PathBuf {
    let mut p = db.as_os_str().to_owned();
    p.push(".secret");
    PathBuf::from(p)
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> HubError + '_ {
    move |e| HubError::Db {
        path: path.display().to_string(),
        reason: e.to_string(),
    }
}

/// Owner-only (0600) if the file exists.
#[cfg(unix)]
fn restrict(path: &Path) -> Result<(), HubError> {
    use std::os::unix::fs::PermissionsExt;
    match std::fs::metadata(path) {
        Ok(m) if m.permissions().mode() & 0o777 != 0o600 => {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600)).map_err(io(path))
        }
        _ => Ok(()),
    }
}

#[cfg(not(unix))]
fn restrict(_path: &Path) -> Result<(), HubError> {
    Ok(())
}

/// Creates `path` exclusively, owner-only, with `contents`.
fn create_owner_only(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let mut f = o.open(path)?;
    f.write_all(contents)?;
    f.sync_all()
}

/// Before SQLite opens the hub database: creates it empty and 0600 when
/// missing (SQLite gives its -wal and -shm the main file's mode), and
/// tightens an existing database and its -wal/-shm to 0600.
pub fn prepare_db(db: &Path) -> Result<(), HubError> {
    if !db.exists() {
        match create_owner_only(db, b"") {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(io(db)(e)),
        }
    }
    restrict(db)?;
    for p in sidecars(db) {
        restrict(&p)?;
    }
    Ok(())
}

/// The hub secret for a database: read from `<db>.secret`, created (32
/// random bytes, 0600) when missing. A file that is not 64 hex digits is an
/// error naming it, never silently replaced.
pub fn hub_secret(db: &Path) -> Result<[u8; 32], HubError> {
    let path = secret_path(db);
    let read = |path: &Path| -> Result<[u8; 32], HubError> {
        let text = std::fs::read_to_string(path).map_err(io(path))?;
        let mut out = [0u8; 32];
        hex::decode_to_slice(text.trim(), &mut out).map_err(|_| HubError::Db {
            path: path.display().to_string(),
            reason: "the hub secret must be 64 hex digits (move the file aside to make a new one; \
                     unused enrollment codes then stop working)"
                .into(),
        })?;
        Ok(out)
    };
    if path.exists() {
        restrict(&path)?;
        return read(&path);
    }
    let secret: [u8; 32] = rand::random();
    match create_owner_only(&path, format!("{}\n", hex::encode(secret)).as_bytes()) {
        Ok(()) => Ok(secret),
        // Another process made it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => read(&path),
        Err(e) => Err(io(&path)(e)),
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn the_database_and_the_secret_are_owner_only_and_the_secret_is_stable() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("hub.db");
        prepare_db(&db).unwrap();
        assert_eq!(mode(&db), 0o600);
        // A database someone made world-readable is tightened, -wal too.
        std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
        let wal = dir.path().join("hub.db-wal");
        std::fs::write(&wal, b"").unwrap();
        std::fs::set_permissions(&wal, std::fs::Permissions::from_mode(0o644)).unwrap();
        prepare_db(&db).unwrap();
        assert_eq!((mode(&db), mode(&wal)), (0o600, 0o600));
        let s = hub_secret(&db).unwrap();
        assert_eq!(mode(&secret_path(&db)), 0o600);
        assert_eq!(hub_secret(&db).unwrap(), s);
        std::fs::write(secret_path(&db), "not hex").unwrap();
        let e = hub_secret(&db).unwrap_err().to_string();
        assert!(
            e.contains("64 hex digits") && e.contains("hub.db.secret"),
            "{e}"
        );
    }
}
