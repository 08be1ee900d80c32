//! The index in pieces: a sync that changes a few services writes a small
//! delta row, not the whole index; the deltas are replayed at open and
//! merged into the blob every few syncs; a damaged delta is found at open
//! and repaired like any damage. Record bodies are stored in compressed
//! blocks, and a store an older app wrote (one row a record) still opens.

use super::{ContentPosition, DIRECTORY_FILE};
use crate::api::Fyr;
use crate::feed::{Record, RecordKind};
use crate::model::Service;
use crate::search::SearchQuery;
use chrono::{TimeZone, Utc};
use rusqlite::Connection;
use std::path::Path;

use super::test_support::open;

fn raw(dir: &Path) -> Connection {
    Connection::open(dir.join(DIRECTORY_FILE)).unwrap()
}

fn blob_and_deltas(dir: &Path) -> (Vec<u8>, i64) {
    let c = raw(dir);
    let blob = std::fs::read(super::test_support::index_file(dir)).unwrap();
    let n = c
        .query_row("SELECT count(*) FROM index_delta", [], |r| r.get(0))
        .unwrap();
    (blob, n)
}

fn ids(f: &Fyr, text: &str) -> Vec<String> {
    f.search(&SearchQuery {
        text: Some(text.into()),
        limit: 200,
        at: Some(Utc.with_ymd_and_hms(2026, 12, 24, 21, 0, 0).unwrap()),
        ..Default::default()
    })
    .unwrap()
    .into_iter()
    .map(|h| h.id)
    .collect()
}

/// A coordinator's week: each sync rewords one service so it is found by
/// what someone in need would type.
fn reworded(f: &Fyr, i: usize) -> Record {
    let services = f.store().records(RecordKind::Service).unwrap();
    let r = &services[(i * 7 + 3) % services.len()];
    let mut s: Service = r.decode().unwrap();
    s.description.sv.push_str(&format!(
        " Nu även mottagning för anhöriga i {}.",
        PLACES[i % PLACES.len()]
    ));
    Record::new(RecordKind::Service, s.id.clone(), &s)
}

/// Places far from the two counties (no entry names them).
const PLACES: &[&str] = &[
    "Kiruna",
    "Haparanda",
    "Visby",
    "Ystad",
    "Gällivare",
    "Arjeplog",
    "Pajala",
    "Sorsele",
    "Överkalix",
    "Jokkmokk",
    "Vilhelmina",
    "Malmberget",
];

fn next(f: &Fyr) -> ContentPosition {
    let p = f.store().position().unwrap();
    ContentPosition {
        version: p.version + 1,
        digest: String::new(),
        ..p
    }
}

#[test]
fn a_sync_of_one_service_writes_a_delta_not_the_index_and_a_reopen_replays_it() {
    let d = tempfile::tempdir().unwrap();
    drop(open(d.path()));
    let (blob0, n0) = blob_and_deltas(d.path());
    assert_eq!(n0, 0, "a fresh store has its index whole");

    let mut merged = false;
    let mut changed = Vec::new();
    for i in 0..(super::directory::MERGE_AFTER as usize + 2) {
        let f = open(d.path());
        let up = reworded(&f, i);
        changed.push(up.id.clone());
        f.store().apply(&next(&f), vec![up], vec![], false).unwrap();
        drop(f);
        let (blob, n) = blob_and_deltas(d.path());
        if blob == blob0 {
            assert_eq!(n as usize, i + 1, "one small row per sync");
        } else {
            merged = true;
            assert!(n < super::directory::MERGE_AFTER, "merged: {n} left");
        }
        // Reopened (deltas replayed on the blob), the change is found.
        let f = open(d.path());
        assert!(f.open_notices().is_empty(), "{:?}", f.open_notices());
        let place = PLACES[i % PLACES.len()];
        let found = ids(&f, place);
        assert!(found.contains(&changed[i]), "sync {i}: {place} {found:?}");
        assert!(ids(&f, "kiruna").contains(&changed[0]));
    }
    assert!(merged, "the blob is written whole every few syncs");

    // The same content loaded as one snapshot answers the same.
    answers_as_loaded_whole(
        &open(d.path()),
        &[
            "kvinnojour",
            "anhöriga",
            "skyddat boende",
            "polis",
            "ostersund",
        ],
        "",
    );
}

/// `f`'s records loaded whole into a fresh store answer each of `queries`
/// with the same services in the same order.
fn answers_as_loaded_whole(f: &Fyr, queries: &[&str], label: &str) {
    let all: Vec<Record> = RecordKind::ALL
        .iter()
        .flat_map(|k| f.store().records(*k).unwrap())
        .collect();
    let e = tempfile::tempdir().unwrap();
    let g = open(e.path());
    g.store().apply(&next(f), all, vec![], true).unwrap();
    for q in queries {
        assert_eq!(ids(f, q), ids(&g, q), "{label}: {q}");
    }
}

/// A week of small syncs, replayed at the next open: services reworded
/// twice, one sync after the other and with others between (the later
/// wording is what is found), a new service in
/// between (every entry after it moves), one taken away. The reopened store
/// answers as the same content loaded whole does; so does one whose delta
/// rows were written before they carried the services' organizations.
#[test]
fn deltas_that_edit_add_and_remove_replay_as_the_content_loaded_whole() {
    for older_rows in [false, true] {
        let d = tempfile::tempdir().unwrap();
        let f = open(d.path());
        let services = f.store().records(RecordKind::Service).unwrap();
        let reword = |f: &Fyr, r: &Record, place: &str| {
            let mut s: Service = r.decode().unwrap();
            s.description.sv = format!("Mottagning för anhöriga i {place}.");
            f.store()
                .apply(
                    &next(f),
                    vec![Record::new(RecordKind::Service, s.id.clone(), &s)],
                    vec![],
                    false,
                )
                .unwrap();
        };
        let (a, b) = (&services[5], &services[services.len() - 4]);
        reword(&f, a, "Kiruna");
        reword(&f, b, "Visby");
        reword(&f, b, "Sorsele");
        // A new service, its id between the others'.
        let mut fresh: Service = services[2].decode().unwrap();
        fresh.id = format!("{}-jour", services[2].id);
        fresh.description.sv = "Jourtelefon för den som bor i Pajala.".into();
        let added = Record::new(RecordKind::Service, fresh.id.clone(), &fresh);
        f.store()
            .apply(&next(&f), vec![added], vec![], false)
            .unwrap();
        reword(&f, a, "Haparanda");
        let gone = services[9].id.clone();
        f.store()
            .apply(
                &next(&f),
                vec![],
                vec![(RecordKind::Service, gone.clone())],
                false,
            )
            .unwrap();
        drop(f);
        let (_, n) = blob_and_deltas(d.path());
        assert_eq!(n, 6, "six small rows, none merged yet");
        if older_rows {
            let c = raw(d.path());
            let rows: Vec<(i64, String)> = c
                .prepare("SELECT seq, body FROM index_delta")
                .unwrap()
                .query_map([], |r| Ok((r.get(0)?, super::body::column(r, 1)?)))
                .unwrap()
                .map(Result::unwrap)
                .collect();
            for (seq, json) in rows {
                let mut v: serde_json::Value = serde_json::from_str(&json).unwrap();
                assert!(
                    v.as_object_mut().unwrap().remove("orgs").is_some()
                        || json.contains("\"added\":[]")
                );
                c.execute(
                    "UPDATE index_delta SET body = ?1 WHERE seq = ?2",
                    rusqlite::params![super::body::pack(&v.to_string()), seq],
                )
                .unwrap();
            }
        }
        let f = open(d.path());
        assert!(f.open_notices().is_empty(), "{:?}", f.open_notices());
        assert!(ids(&f, "haparanda").contains(&a.id), "{older_rows}");
        assert!(
            !ids(&f, "kiruna").contains(&a.id),
            "{older_rows}: the earlier wording"
        );
        assert!(ids(&f, "sorsele").contains(&b.id));
        assert!(
            !ids(&f, "visby").contains(&b.id),
            "{older_rows}: the earlier wording"
        );
        assert!(ids(&f, "pajala").contains(&fresh.id));
        assert!(!ids(&f, "kvinnojour").contains(&gone));
        answers_as_loaded_whole(
            &f,
            &[
                "kvinnojour",
                "anhöriga",
                "jourtelefon",
                "polis",
                "ostersund",
                "barn",
            ],
            &format!("older rows {older_rows}"),
        );
    }
}

/// A delta row that does not decode is damage in the index, not in the
/// records: the index is made again from them at open, and the synced
/// version (with its change) is kept.
#[test]
fn a_damaged_delta_is_found_at_open_and_the_index_made_again_from_the_records() {
    let d = tempfile::tempdir().unwrap();
    let f = open(d.path());
    let up = reworded(&f, 0);
    let to = next(&f);
    f.store()
        .apply(&to, vec![up.clone()], vec![], false)
        .unwrap();
    let after = ids(&f, "kvinnojour");
    drop(f);
    raw(d.path())
        .execute("UPDATE index_delta SET body = x'01ffffffff'", [])
        .unwrap();
    let f = open(d.path());
    let n = f.open_notices().join(" ");
    assert!(
        n.contains("made again from the stored content") && n.contains("nothing was lost"),
        "{n}"
    );
    assert_eq!(f.store().position().unwrap().version, to.version);
    assert_eq!(ids(&f, "kvinnojour"), after);
    assert_eq!(
        super::test_support::all_records(&f)
            .into_iter()
            .find(|r| r.kind == up.kind && r.id == up.id),
        Some(up)
    );
    // Repaired for good: the next open has nothing to tell.
    drop(f);
    assert!(open(d.path()).open_notices().is_empty());
}

/// The index file is used where it lies (its terms and postings are not
/// decoded at open), so its checksum is what finds damage there: a byte
/// changed in the postings, or the file cut short, is found at open and the
/// index made again from the records (a synced version is kept), and the
/// same words find the same services.
#[test]
fn a_damaged_index_file_is_found_at_open_and_made_again_from_the_records() {
    for damage in ["flip", "cut"] {
        let d = tempfile::tempdir().unwrap();
        let (to, before) = {
            let f = open(d.path());
            let up = reworded(&f, 1);
            let to = next(&f);
            f.store().apply(&to, vec![up], vec![], false).unwrap();
            (to, ids(&f, "kvinnojour"))
        };
        assert!(!before.is_empty());
        let (mut blob, _) = blob_and_deltas(d.path());
        match damage {
            // Well inside the text index (the postings follow the terms).
            "flip" => {
                let at = blob.len() * 3 / 4;
                blob[at] ^= 0x24;
            }
            _ => blob.truncate(blob.len() - 100),
        }
        std::fs::write(super::test_support::index_file(d.path()), blob).unwrap();
        let f = open(d.path());
        let n = f.open_notices().join(" ");
        assert!(
            n.contains("made again from the stored content"),
            "{damage}: {n}"
        );
        assert_eq!(f.store().position().unwrap().version, to.version);
        assert_eq!(ids(&f, "kvinnojour"), before, "{damage}");
    }
}

#[test]
fn bodies_are_stored_in_compressed_blocks_and_a_store_from_before_blocks_still_opens() {
    let d = tempfile::tempdir().unwrap();
    let f = open(d.path());
    let every = super::test_support::all_records(&f);
    let pos = f.store().position().unwrap();
    drop(f);
    let c = raw(d.path());
    let (stored, blocks): (i64, i64) = c
        .query_row(
            "SELECT sum(length(body)), count(*) FROM blocks WHERE kind = 'service'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    let services: Vec<&Record> = every
        .iter()
        .filter(|r| r.kind == RecordKind::Service)
        .collect();
    let plain: usize = services.iter().map(|r| r.body.len()).sum();
    assert!(
        (blocks as usize) < services.len() / 3,
        "{blocks} blocks for {} services",
        services.len()
    );
    assert!(
        (stored as usize) < plain / 3,
        "compressed {stored} of {plain} bytes of services"
    );
    // What an app before schema v6 wrote: one row a record, services as
    // text (older still), the rest compressed one by one.
    c.execute_batch(
        "DROP TABLE records; DROP TABLE blocks;
         CREATE TABLE records(
            kind TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, hash BLOB NOT NULL,
            PRIMARY KEY(kind, id)) WITHOUT ROWID;
         CREATE INDEX records_bucket ON records(substr(hash, 1, 1), kind, id, hash);
         CREATE TABLE facet_index(id INTEGER PRIMARY KEY CHECK (id = 1), blob BLOB NOT NULL);
         PRAGMA user_version = 5;",
    )
    .unwrap();
    {
        let mut st = c
            .prepare("INSERT INTO records(kind, id, body, hash) VALUES (?1, ?2, ?3, ?4)")
            .unwrap();
        for r in &every {
            let body = if r.kind == RecordKind::Service {
                rusqlite::types::Value::Text(r.body.clone())
            } else {
                rusqlite::types::Value::Blob(super::body::pack(&r.body))
            };
            st.execute(rusqlite::params![r.kind.id(), r.id, body, &r.hash()[..]])
                .unwrap();
        }
    }
    drop(c);
    let f = open(d.path());
    assert!(f.open_notices().is_empty(), "{:?}", f.open_notices());
    assert_eq!(super::test_support::all_records(&f), every);
    assert_eq!(f.store().position().unwrap(), pos);
    let hits = ids(&f, "kvinnojour");
    assert!(!hits.is_empty());
    let at = Some(Utc.with_ymd_and_hms(2026, 12, 24, 21, 0, 0).unwrap());
    assert!(f.show(&hits[0], at, None).is_ok());
    // The digest's buckets still agree with the records: the next version
    // applies as a change, and its digest is checked.
    let mut next = every.clone();
    let i = next
        .iter()
        .position(|r| r.kind == RecordKind::Service)
        .unwrap();
    let mut s: Service = next[i].decode().unwrap();
    s.description.sv.push_str(" Öppet även i jul.");
    next[i] = Record::new(RecordKind::Service, s.id.clone(), &s);
    let to = ContentPosition {
        version: pos.version + 1,
        digest: crate::feed::records_digest(&next),
        ..pos
    };
    f.store()
        .apply(&to, vec![next[i].clone()], vec![], false)
        .unwrap();
    drop(f);
    let c = raw(d.path());
    let old: i64 = c
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'records_v5'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(old, 0, "the old rows are gone once moved");
}

/// A phone that syncs a change a day without closing the app: the
/// write-ahead log never keeps more than a few changes (it is moved into
/// the file before the change that finds it grown), every change is found,
/// each apply leaves a clean stamp, and a reopen finds all of them with no
/// check and no notice.
#[test]
fn many_changes_in_one_open_keep_the_write_ahead_log_small_and_lose_nothing() {
    let d = tempfile::tempdir().unwrap();
    let f = open(d.path());
    let wal = d.path().join(format!("{DIRECTORY_FILE}-wal"));
    let dev = || Connection::open(d.path().join(super::DEVICE_FILE)).unwrap();
    let mut changed = Vec::new();
    let mut largest = 0;
    for i in 0..12 {
        let up = reworded(&f, i);
        changed.push(up.id.clone());
        f.store().apply(&next(&f), vec![up], vec![], false).unwrap();
        let len = std::fs::metadata(&wal).map_or(0, |m| m.len());
        largest = largest.max(len);
        assert!(
            len <= super::check::WAL_KEEP + 64 * 1024,
            "change {i}: the write-ahead log is {len} bytes"
        );
        let reason = super::check::reason(&dev(), &d.path().join(DIRECTORY_FILE), Utc::now());
        assert_eq!(reason.unwrap(), None, "change {i} left a clean stamp");
        assert!(
            ids(&f, PLACES[i % PLACES.len()]).contains(&changed[i]),
            "change {i}"
        );
    }
    assert!(largest > 0, "the changes went through the write-ahead log");
    drop(f);
    let f = open(d.path());
    assert!(f.open_notices().is_empty(), "{:?}", f.open_notices());
    for (i, id) in changed.iter().enumerate() {
        assert!(
            ids(&f, PLACES[i % PLACES.len()]).contains(id),
            "after reopen: change {i}"
        );
    }
}
