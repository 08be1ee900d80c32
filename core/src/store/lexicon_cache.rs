//! The compiled lexicon kept beside directory.db (`lexicon.bin`): a cold
//! start reads it instead of parsing the lexicon's JSON and compiling it
//! (the largest part of opening the store after the index itself).
//!
//! It is derived data, keyed by the lexicon's JSON and this build's
//! analyzer ([`crate::routing::analyzer_fingerprint`]): another lexicon
//! (a sync that changed it), another app version, a damaged or foreign
//! file all read as a miss, and the lexicon is compiled from its source and
//! the file written again (best effort: a store that cannot write it still
//! works, only slower to open).

use crate::routing::Lexicon;
use rusqlite::Connection;
use std::path::{Path, PathBuf};

pub(super) const FILE: &str = "lexicon.bin";

/// The cache's path for a directory store's connection (beside its file).
pub(super) fn path_for(c: &Connection) -> Option<PathBuf> {
    let db = c.path().filter(|p| !p.is_empty())?;
    Some(Path::new(db).with_file_name(FILE))
}

/// The key of a lexicon's JSON as this build compiles it.
pub(super) fn key(json: &str) -> u64 {
    let a = crc32fast::hash(json.as_bytes()) as u64;
    let mut h = crc32fast::Hasher::new();
    h.update(&(json.len() as u64).to_le_bytes());
    h.update(&crate::routing::analyzer_fingerprint().to_le_bytes());
    (a << 32) | h.finalize() as u64
}

/// The compiled lexicon of `json` kept at `path`, if there is a sound one.
pub(super) fn load(path: &Path, json: &str) -> Option<Lexicon> {
    read(path, Some(key(json))).map(|(_, l)| l)
}

/// The compiled lexicon at `path` and its key, if it is sound and kept
/// under `want` (any key when None). The file is mapped, not read into
/// fresh memory: its 100 KB are pages the system already caches, and the
/// decode copies out what it keeps.
fn read(path: &Path, want: Option<u64>) -> Option<(u64, Lexicon)> {
    let file = std::fs::File::open(path).ok()?;
    // SAFETY: the file is only ever replaced whole by a rename (`save`),
    // never written in place, so the mapped bytes do not change while the
    // map lives (until the decode below returns).
    let b = unsafe { memmap2::Mmap::map(&file) }.ok()?;
    Lexicon::from_bytes_keyed(&b, want)
}

/// The compiled lexicon beside the directory store at `db`, read on the
/// helper thread from now, before the lexicon it must be (the stored
/// content's) is known: a cold start reads it while device.db is opened.
pub(super) struct Ahead(crate::par::Ahead<Option<(u64, Lexicon)>>);

/// Begins reading the compiled lexicon beside `db` (None: there is none).
pub(super) fn load_ahead(db: &Path) -> Option<Ahead> {
    let path = db.with_file_name(FILE);
    path.exists()
        .then(|| Ahead(crate::par::ahead(move || read(&path, None))))
}

impl Ahead {
    /// The lexicon read, if it is the one kept under `want` (the [`key`]
    /// of the stored lexicon's JSON, as [`load`] of it).
    pub(super) fn take(self, want: u64) -> Option<Lexicon> {
        self.0.take().filter(|(k, _)| *k == want).map(|(_, l)| l)
    }
}

/// Keeps `lex`, compiled from `json`, at `path` (written aside and renamed
/// over: a reader never sees half a file; errors are ignored).
pub(super) fn save(path: &Path, json: &str, lex: &Lexicon) {
    use std::io::Write;
    let tmp = path.with_extension("bin.tmp");
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        // As private as the store's other files.
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let wrote = o
        .open(&tmp)
        .and_then(|mut f| f.write_all(&lex.to_bytes(key(json))))
        .and_then(|_| std::fs::rename(&tmp, path));
    if wrote.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}
