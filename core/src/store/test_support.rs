//! What the store's tests share: a fresh install's open and every record.

use crate::api::{Fyr, OpenOptions};
use crate::feed::{Record, RecordKind};
use crate::vocab::Lang;

/// `Fyr::open` on `dir` as a fresh install does: the compiled-in bundle, no
/// screening key, Swedish.
pub fn open(dir: &std::path::Path) -> Fyr {
    Fyr::open(OpenOptions {
        data_dir: dir.into(),
        key: None,
        lang: Lang::Sv,
    })
    .unwrap()
}

/// Every record the store holds, kind by kind.
pub fn all_records(f: &Fyr) -> Vec<Record> {
    RecordKind::ALL
        .iter()
        .flat_map(|k| f.store().records(*k).unwrap())
        .collect()
}

/// An empty directory.db in memory at the latest schema.
pub fn empty_directory() -> rusqlite::Connection {
    let mut c = rusqlite::Connection::open_in_memory().unwrap();
    super::schema::migrate(&mut c, super::schema::DIRECTORY_MIGRATIONS, "directory.db").unwrap();
    c
}

/// The search index file of the store in `dir` (`store::index_file`).
pub fn index_file(dir: &std::path::Path) -> std::path::PathBuf {
    super::index_file::path_of(&dir.join(super::DIRECTORY_FILE))
}
