//! Damage in the search index's file met by a query, in a store that has
//! synced past its bundle: the index is made again from the stored
//! records, so the synced version stays (before, the whole directory was
//! rebuilt from the bundle and the sync was lost until the next one).

use super::test_support::{all_records, index_file, next_version, open, shelters};
use crate::api::Fyr;
use crate::search::index::FacetIndex;
use crate::store::{DEVICE_FILE, DIRECTORY_FILE};

/// A store synced to a version without Alvesta's shelter, whose index file
/// then has `flip`'s byte changed (bit rot: the file's stamp as the app
/// left it, so nothing makes the open check it); the version synced.
fn synced_then_flipped(d: &std::path::Path, flip: impl Fn(&FacetIndex, &mut [u8])) -> u64 {
    let f = open(d);
    let to = next_version(&f);
    let rest: Vec<_> = all_records(&f)
        .into_iter()
        .filter(|r| r.id != "kvinnojouren-alvesta")
        .collect();
    f.store().apply(&to, rest, vec![], true).unwrap();
    drop(f);
    let file = index_file(d);
    let mut blob = std::fs::read(&file).unwrap();
    let ix = FacetIndex::decode(blob.clone()).unwrap();
    flip(&ix, &mut blob);
    std::fs::write(&file, blob).unwrap();
    let dev = rusqlite::Connection::open(d.join(DEVICE_FILE)).unwrap();
    crate::store::check::record_stamp(&dev, &d.join(DIRECTORY_FILE)).unwrap();
    to.version
}

/// What a worker types for the national line, by its name.
fn the_line(f: &Fyr) -> Vec<String> {
    super::test_support::ids(f, "kvinnofridslinjen")
}

fn repaired_and_kept(f: &Fyr, version: u64) {
    let n = f.take_notices().join(" ");
    assert!(
        n.contains("made again") && n.contains("nothing was lost"),
        "{n}"
    );
    assert_eq!(f.store().position().unwrap().version, version);
    let s = shelters(f);
    assert!(s.contains(&"kvinnojouren-ljungby".to_string()), "{s:?}");
    assert!(!s.contains(&"kvinnojouren-alvesta".to_string()), "{s:?}");
}

/// The national line's entry, a bit of its groups flipped in the file: the
/// open reads no entry, the search that ranks it meets the damage, and
/// answers from the index made again.
#[test]
fn a_damaged_entry_met_by_a_search_remakes_the_index_and_keeps_the_sync() {
    let d = tempfile::tempdir().unwrap();
    let version = synced_then_flipped(d.path(), |ix, blob| {
        let (at, len) = crate::search::codec::entries_at(blob);
        let line = ix
            .entries
            .iter()
            .position(|e| e.kind == crate::vocab::AgencyKind::NationalHelpline as u8)
            .unwrap();
        blob[at.start + line * len] ^= 0x01;
    });
    let f = open(d.path());
    assert!(f.open_notices().is_empty(), "{:?}", f.open_notices());
    assert!(!f.store().index().damaged(), "the open reads no entry");
    assert!(the_line(&f).contains(&"kvinnofridslinjen".to_string()));
    repaired_and_kept(&f, version);
    assert!(!f.store().index().damaged());
    // Made again on disk too: the next start meets nothing.
    drop(f);
    let f = open(d.path());
    assert!(the_line(&f).contains(&"kvinnofridslinjen".to_string()));
    assert!(f.take_notices().is_empty());
}

/// The same for a byte of the text index, in the chunk the search's word
/// lies in.
#[test]
fn a_damaged_text_chunk_met_by_a_search_remakes_the_index_and_keeps_the_sync() {
    let d = tempfile::tempdir().unwrap();
    let version = synced_then_flipped(d.path(), |ix, blob| {
        let at = ix.text.postings_at("kvinnofridslinjen").unwrap();
        blob[at] ^= 0x04;
    });
    let f = open(d.path());
    assert!(f.open_notices().is_empty(), "{:?}", f.open_notices());
    assert!(the_line(&f).contains(&"kvinnofridslinjen".to_string()));
    repaired_and_kept(&f, version);
}
