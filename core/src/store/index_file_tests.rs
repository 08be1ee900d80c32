//! The search index's own file (`store::index_file`): read in place, kept
//! in step with the records by its generation, and rebuilt from the records
//! (never taken for damage) when it is missing or not the records'.

use super::test_support::{index_file, kept, open, shelters};
use super::ContentPosition;
use crate::feed::RecordKind;

/// A sync of a whole version without one shelter (synced content the
/// bundle does not have): the index is written whole into a new file.
fn synced(d: &std::path::Path) -> ContentPosition {
    let f = open(d);
    let to = super::test_support::next_version(&f);
    let rest: Vec<_> = super::test_support::all_records(&f)
        .into_iter()
        .filter(|r| r.id != "kvinnojouren-alvesta")
        .collect();
    f.store().apply(&to, rest, vec![], true).unwrap();
    to
}

/// A reopened store reads its entries where they lie in the file, and a
/// delta's edit in place (replayed at the next open) keeps them there.
#[test]
fn a_reopened_store_reads_its_entries_in_place() {
    let d = tempfile::tempdir().unwrap();
    let before = shelters(&open(d.path()));
    let f = open(d.path());
    assert!(f.store().index().entries.is_mapped());
    assert_eq!(shelters(&f), before);
    // An edit of one service's hours: a delta, replayed in place.
    let every = super::test_support::all_records(&f);
    let r = every
        .iter()
        .find(|r| r.kind == RecordKind::Service && r.id == "kvinnojouren-ljungby")
        .unwrap();
    let mut s: crate::model::Service = r.decode().unwrap();
    s.hours = "mon-fri 09:00-15:00".into();
    let to = super::test_support::next_version(&f);
    f.store()
        .apply(
            &to,
            vec![crate::feed::Record::new(
                RecordKind::Service,
                s.id.clone(),
                &s,
            )],
            vec![],
            false,
        )
        .unwrap();
    drop(f);
    let f = open(d.path());
    assert!(f.store().index().entries.is_mapped());
    // The same shelters; their order may differ, as Ljungby's new hours
    // make it open or closed now depending on when the test runs.
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    assert_eq!(sorted(shelters(&f)), sorted(before));
    let hit = f.show("kvinnojouren-ljungby", None, None).unwrap();
    assert!(format!("{hit:?}").contains("09:00"), "{hit:?}");
}

/// The file deleted (a cleaner, a backup restored without it): the index
/// is made again from the records at open, with nothing lost and nothing
/// to tell.
#[test]
fn a_missing_index_file_is_rebuilt_from_the_records() {
    let d = tempfile::tempdir().unwrap();
    let to = synced(d.path());
    std::fs::remove_file(index_file(d.path())).unwrap();
    kept(&open(d.path()), &to);
    assert!(index_file(d.path()).exists());
}

/// A file that is not the records' (an older one put back, or one written
/// by a change that did not commit): its generation differs, and the index
/// is made again from the records rather than answering from the old one.
#[test]
fn an_index_file_of_another_generation_is_not_used() {
    let d = tempfile::tempdir().unwrap();
    drop(open(d.path()));
    let old = std::fs::read(index_file(d.path())).unwrap();
    let to = synced(d.path());
    assert_ne!(std::fs::read(index_file(d.path())).unwrap(), old);
    std::fs::write(index_file(d.path()), &old).unwrap();
    kept(&open(d.path()), &to);
}
