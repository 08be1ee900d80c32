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

/// The store's position one version on, as a sync of a change without a
/// digest to check gives it.
pub fn next_version(f: &Fyr) -> super::ContentPosition {
    let pos = f.store().position().unwrap();
    super::ContentPosition {
        version: pos.version + 1,
        digest: String::new(),
        ..pos
    }
}

/// The ids of a search for `text` (up to 200).
pub fn ids(f: &Fyr, text: &str) -> Vec<String> {
    f.search(&crate::search::SearchQuery {
        text: Some(text.into()),
        limit: 200,
        ..Default::default()
    })
    .unwrap()
    .into_iter()
    .map(|h| h.id)
    .collect()
}

/// What a worker would type for the shelters, by id.
pub fn shelters(f: &Fyr) -> Vec<String> {
    ids(f, "kvinnojour")
}

/// After a reopen: no notice, and the synced version `to` (without
/// Alvesta's shelter) answers.
pub fn kept(f: &Fyr, to: &super::ContentPosition) {
    assert!(f.open_notices().is_empty(), "{:?}", f.open_notices());
    assert_eq!(f.store().position().unwrap().version, to.version);
    let ids = shelters(f);
    assert!(ids.contains(&"kvinnojouren-ljungby".to_string()), "{ids:?}");
    assert!(
        !ids.contains(&"kvinnojouren-alvesta".to_string()),
        "{ids:?}"
    );
}
