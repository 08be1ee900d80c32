//! The compiled lexicon beside the store (`lexicon.bin`): a reopen reads
//! it; a damaged one, or one of another lexicon, is compiled again; a sync
//! that changes the lexicon is what the next open reads, never the old one.

use super::lexicon_cache;
use super::test_support::{all_records, next_version, open};
use crate::api::Fyr;
use crate::feed::{Record, RecordKind};
use crate::routing::{LexEntry, Lexicon, LexiconFile, LEXICON_ID};
use crate::search::SearchQuery;
use std::path::Path;

fn understood(f: &Fyr, text: &str) -> crate::understand::Understood {
    f.search_full(&SearchQuery {
        text: Some(text.into()),
        ..Default::default()
    })
    .unwrap()
    .understood
}

fn cache(dir: &Path) -> std::path::PathBuf {
    dir.join(lexicon_cache::FILE)
}

fn lexicon_record(f: &Fyr) -> Record {
    all_records(f)
        .into_iter()
        .find(|r| r.kind == RecordKind::Lexicon)
        .expect("the content has a lexicon")
}

/// The stored lexicon with one more entry: "blåbärssoppa" is danger now.
fn with_blueberry_soup(f: &Fyr) -> (Record, LexiconFile) {
    let mut file: LexiconFile = serde_json::from_str(&lexicon_record(f).body).unwrap();
    file.entries.push(LexEntry {
        words: vec!["blåbärssoppa".into()],
        groups: vec![],
        needs: vec!["acute_danger".into()],
        forms: vec![],
        cue: Some("danger".into()),
        abuser: false,
        language: None,
    });
    (Record::new(RecordKind::Lexicon, LEXICON_ID, &file), file)
}

#[test]
fn a_reopen_reads_the_compiled_lexicon() {
    let dir = tempfile::tempdir().unwrap();
    let f = open(dir.path());
    let first = understood(&f, "min man slar mig");
    assert!(first.roles.contains(&"subjected".to_string()), "{first:?}");
    let stored = lexicon_record(&f);
    drop(f);
    assert!(
        cache(dir.path()).exists(),
        "the first open keeps the compiled lexicon"
    );
    // Same reading after a reopen.
    let f = open(dir.path());
    assert_eq!(understood(&f, "min man slar mig"), first);
    drop(f);
    // What a reopen reads is the compiled file: one made (under the stored
    // lexicon's key) from a lexicon that knows the soup reads it.
    let f = open(dir.path());
    let (_, file) = with_blueberry_soup(&f);
    drop(f);
    let soup = Lexicon::from_json("test", &serde_json::to_string(&file).unwrap()).unwrap();
    lexicon_cache::save(&cache(dir.path()), &stored.body, &soup);
    let f = open(dir.path());
    assert!(understood(&f, "blåbärssoppa").danger);
}

/// The file is read ahead of knowing which lexicon is due (while device.db
/// opens): one compiled from another lexicon (a sync changed it and the
/// app stopped before writing the file again) is not what the open uses.
#[test]
fn a_compiled_lexicon_of_another_lexicon_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let f = open(dir.path());
    let first = understood(&f, "min man slar mig");
    let stored = lexicon_record(&f);
    let (soup_record, file) = with_blueberry_soup(&f);
    drop(f);
    let soup = Lexicon::from_json("test", &serde_json::to_string(&file).unwrap()).unwrap();
    lexicon_cache::save(&cache(dir.path()), &soup_record.body, &soup);
    assert!(lexicon_cache::load(&cache(dir.path()), &stored.body).is_none());
    let f = open(dir.path());
    assert!(
        !understood(&f, "blåbärssoppa").danger,
        "the stored lexicon, not the file's"
    );
    assert_eq!(understood(&f, "min man slar mig"), first);
    drop(f);
    assert!(
        lexicon_cache::load(&cache(dir.path()), &stored.body).is_some(),
        "compiled again from the stored lexicon"
    );
}

#[test]
fn a_damaged_compiled_lexicon_is_compiled_again() {
    let dir = tempfile::tempdir().unwrap();
    let f = open(dir.path());
    let first = understood(&f, "min man slar mig");
    let stored = lexicon_record(&f);
    drop(f);
    let path = cache(dir.path());
    let good = std::fs::read(&path).unwrap();
    for damage in [
        b"not a lexicon".to_vec(),
        good[..good.len() / 2].to_vec(),
        Vec::new(),
        {
            let mut x = good.clone();
            x[good.len() / 3] ^= 1;
            x
        },
    ] {
        std::fs::write(&path, &damage).unwrap();
        let f = open(dir.path());
        assert!(f.open_notices().is_empty(), "{:?}", f.open_notices());
        assert_eq!(understood(&f, "min man slar mig"), first);
        drop(f);
        assert!(
            lexicon_cache::load(&path, &stored.body).is_some(),
            "written again, sound"
        );
    }
    // A store whose directory cannot hold the file still opens and reads.
    std::fs::remove_file(&path).unwrap();
    std::fs::create_dir(&path).unwrap();
    let f = open(dir.path());
    assert_eq!(understood(&f, "min man slar mig"), first);
}

#[test]
fn a_synced_lexicon_is_what_the_next_open_reads() {
    let dir = tempfile::tempdir().unwrap();
    let f = open(dir.path());
    assert!(!understood(&f, "blåbärssoppa").danger);
    let (up, _) = with_blueberry_soup(&f);
    f.store()
        .apply(&next_version(&f), vec![up.clone()], vec![], false)
        .unwrap();
    assert!(understood(&f, "blåbärssoppa").danger, "at once");
    drop(f);
    let f = open(dir.path());
    assert!(understood(&f, "blåbärssoppa").danger, "after a reopen");
    assert!(lexicon_cache::load(&cache(dir.path()), &up.body).is_some());
}
