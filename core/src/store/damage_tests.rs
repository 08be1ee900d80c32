//! Damage of each kind the audit used, through the facade with the real
//! bundled content: found at open or at any later query, repaired or kept
//! aside, never silently lost.

use crate::api::{Fyr, OpenOptions};
use crate::search::SearchQuery;
use crate::store::{device, DEVICE_FILE, DIRECTORY_FILE};
use crate::vocab::Lang;
use std::path::Path;

const PAGE: usize = 4096;

fn open(dir: &Path) -> Fyr {
    Fyr::open(OpenOptions {
        data_dir: dir.into(),
        key: Some([7; 32]),
        lang: Lang::Sv,
    })
    .unwrap()
}

fn overwrite_pages(path: &Path, first: usize, last: usize) {
    let mut b = std::fs::read(path).unwrap();
    assert!(b.len() >= last * PAGE, "{} bytes", b.len());
    for (i, x) in b[(first - 1) * PAGE..last * PAGE].iter_mut().enumerate() {
        *x = (i * 31 + 5) as u8;
    }
    std::fs::write(path, b).unwrap();
}

fn aside(dir: &Path, stem: &str) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .filter(|e| {
            let n = e.file_name().to_string_lossy().into_owned();
            n.starts_with(stem) && n.contains(".db.corrupt-") && !n.contains("-db-")
        })
        .count()
}

/// Whether a search for Kvinnofridslinjen by name finds it.
fn finds_the_line(f: &Fyr) -> bool {
    f.search(&SearchQuery {
        text: Some("Kvinnofridslinjen".into()),
        ..Default::default()
    })
    .unwrap()
    .iter()
    .any(|h| h.id == "kvinnofridslinjen")
}

fn kvinnofrid() -> SearchQuery {
    SearchQuery {
        text: Some("kvinnofrid".into()),
        ..Default::default()
    }
}

/// Pages 20–49 overwritten between runs: found at open (every page is
/// checked), rebuilt before the first search or show answers.
#[test]
fn directory_pages_damaged_between_runs_are_repaired_before_the_first_query() {
    for show in [false, true] {
        let d = tempfile::tempdir().unwrap();
        drop(open(d.path()));
        overwrite_pages(&d.path().join(DIRECTORY_FILE), 20, 49);
        let f = open(d.path());
        if show {
            let s = f.show("kvinnofridslinjen", None, None).unwrap();
            assert_eq!(s.hit.id, "kvinnofridslinjen");
        } else {
            let hits = f.search(&kvinnofrid()).unwrap();
            assert!(hits.iter().any(|h| h.id == "kvinnofridslinjen"));
        }
        let n = f.take_notices().join(" ");
        assert!(n.contains("damaged") && n.contains("rebuilt"), "{n}");
        assert!(f.take_notices().is_empty(), "each notice is given once");
        assert_eq!(aside(d.path(), "directory"), 1);
        drop(f);
        let f = open(d.path());
        assert!(f.open_notices().is_empty());
        assert!(!f.search(&kvinnofrid()).unwrap().is_empty());
    }
}

/// A byte flipped deep in the search index's text (bit rot: the file's size
/// and time as the app left them, so no reason for a full check) is not
/// looked for at open: the query whose word's postings lie in that chunk
/// finds it, the index is made again from the records (nothing is moved
/// aside) and that query answers from the new one.
/// A store of the bundled content whose index has a byte flipped in the
/// chunk of `kvinnofridslinjen`'s postings, the file's stamp as the app
/// left it.
fn text_index_flipped() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    drop(open(d.path()));
    let path = d.path().join(DIRECTORY_FILE);
    {
        let file = crate::store::test_support::index_file(d.path());
        let mut blob: Vec<u8> = std::fs::read(&file).unwrap();
        let ix = crate::search::index::FacetIndex::decode(blob.clone()).unwrap();
        // The word a person would type for the national line; its postings
        // lie past the dictionary, deep in the blob.
        let at = ix.text.postings_at("kvinnofridslinjen").unwrap();
        assert!(at > blob.len() / 2, "{at} of {}", blob.len());
        blob[at] ^= 0x04;
        assert!(
            crate::search::index::FacetIndex::decode(blob.clone()).is_ok(),
            "the open does not read that chunk"
        );
        std::fs::write(&file, blob).unwrap();
    }
    // As if the flash had changed the byte: the stamp is the file's.
    let dev = rusqlite::Connection::open(d.path().join(DEVICE_FILE)).unwrap();
    crate::store::check::record_stamp(&dev, &path).unwrap();
    drop(dev);
    d
}

#[test]
fn a_byte_flipped_deep_in_the_text_index_is_found_by_the_query_that_reads_it() {
    let d = text_index_flipped();
    let f = open(d.path());
    assert!(f.open_notices().is_empty(), "{:?}", f.open_notices());
    assert_eq!(aside(d.path(), "directory"), 0);
    assert!(finds_the_line(&f));
    let n = f.take_notices().join(" ");
    assert!(
        n.contains("made again") && n.contains("nothing was lost"),
        "{n}"
    );
    assert_eq!(aside(d.path(), "directory"), 0, "the records were whole");
    drop(f);
    let f = open(d.path());
    assert!(f.open_notices().is_empty());
    assert!(!f.search(&kvinnofrid()).unwrap().is_empty());
}

/// A sync that meets the damaged chunk before any query does (its change
/// moves entries, so the postings are copied) does not copy it: the index
/// is rebuilt from the records in the same transaction, and the query
/// then finds the national line with no damage left.
#[test]
fn a_sync_that_meets_a_damaged_text_chunk_rebuilds_the_index_from_the_records() {
    let d = text_index_flipped();
    let f = open(d.path());
    let mut pos = f.store().position().unwrap();
    pos.version += 1;
    pos.digest = String::new();
    f.store()
        .apply(
            &pos,
            vec![],
            vec![(
                crate::feed::RecordKind::Service,
                "kvinnojouren-alvesta".into(),
            )],
            false,
        )
        .unwrap();
    assert!(finds_the_line(&f));
    assert!(f.take_notices().is_empty(), "nothing was damaged any more");
    assert_eq!(aside(d.path(), "directory"), 0);
    assert_eq!(f.store().position().unwrap().version, pos.version);
}

/// Damage that appears while the app runs is caught at the query: every
/// page but the header overwritten under an open store whose page cache is
/// emptied, so the next search reads the damage from disk.
#[test]
fn directory_damage_appearing_while_open_is_repaired_at_the_next_query() {
    for show in [false, true] {
        let d = tempfile::tempdir().unwrap();
        let f = open(d.path());
        let pages = {
            let c = f.store().dir();
            c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
                .unwrap();
            c.pragma_update(None, "cache_size", 0).unwrap();
            c.execute_batch("PRAGMA shrink_memory").unwrap();
            std::fs::metadata(d.path().join(DIRECTORY_FILE))
                .unwrap()
                .len() as usize
                / PAGE
        };
        overwrite_pages(&d.path().join(DIRECTORY_FILE), 2, pages);
        if show {
            let s = f.show("kvinnofridslinjen", None, None).unwrap();
            assert_eq!(s.hit.id, "kvinnofridslinjen");
        } else {
            let hits = f.search(&kvinnofrid()).unwrap();
            assert!(hits.iter().any(|h| h.id == "kvinnofridslinjen"));
        }
        let n = f.take_notices().join(" ");
        assert!(n.contains("found damaged") && n.contains("rebuilt"), "{n}");
        assert_eq!(aside(d.path(), "directory"), 1);
    }
}

fn device_damage(damage: impl Fn(&Path)) {
    let d = tempfile::tempdir().unwrap();
    let f = open(d.path());
    device::enqueue(
        &f.store().dev(),
        "correction_report",
        &serde_json::json!({"x": 1}),
    )
    .unwrap();
    drop(f);
    damage(&d.path().join(DEVICE_FILE));
    let f = open(d.path());
    let n = f.open_notices().join(" ");
    assert!(n.contains("device store was damaged"), "{n}");
    assert_eq!(aside(d.path(), "device"), 1);
    assert!(!f.search(&kvinnofrid()).unwrap().is_empty());
    assert!(f.outbox().unwrap().is_empty(), "a fresh device store");
    f.report_error("kvinnofridslinjen", "closed", "fel öppettider")
        .unwrap();
    drop(f);
    // The fresh one is healthy: no notice the next time.
    assert!(open(d.path()).open_notices().is_empty());
}

/// Overwrites every page of device.db but the header under an open `Fyr`
/// whose page cache is emptied, so the next call reads the damage from disk.
fn damage_device_while_open(f: &Fyr, dir: &Path) {
    let pages = {
        let c = f.store().dev();
        c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .unwrap();
        c.pragma_update(None, "cache_size", 0).unwrap();
        c.execute_batch("PRAGMA shrink_memory").unwrap();
        std::fs::metadata(dir.join(DEVICE_FILE)).unwrap().len() as usize / PAGE
    };
    assert!(pages >= 2, "{pages} pages");
    overwrite_pages(&dir.join(DEVICE_FILE), 2, pages);
}

fn with_device_data(f: &Fyr) {
    let mut s = f.settings().unwrap();
    s.retention_days = 45;
    s.home_municipality = Some("Berg".into());
    f.set_settings(&s).unwrap();
    f.report_error("kvinnofridslinjen", "closed", "fel öppettider")
        .unwrap();
    f.start_screening("routine", None, chrono::Utc::now())
        .unwrap();
}

/// device.db damaged while the app runs (a phone process lives for days):
/// the first settings, outbox or status call after it is answered from a
/// fresh store, the damaged file is kept aside once, a notice says so, and
/// the fresh store takes writes that survive a restart, screenings included
/// (the key check is written again, so they are not locked next time).
#[test]
fn device_damage_appearing_while_open_is_repaired_at_the_next_call() {
    for first in ["settings", "outbox", "status"] {
        let d = tempfile::tempdir().unwrap();
        let f = open(d.path());
        with_device_data(&f);
        assert_eq!(f.outbox().unwrap().len(), 1);
        damage_device_while_open(&f, d.path());
        match first {
            "settings" => {
                let s = f.settings().unwrap();
                assert_eq!(s.retention_days, crate::api::DEFAULT_RETENTION_DAYS);
                assert_eq!(s.home_municipality, None);
            }
            "outbox" => assert!(f.outbox().unwrap().is_empty()),
            _ => {
                let st = f.status(chrono::Utc::now()).unwrap();
                assert_eq!(st.outbox_pending, 0);
            }
        }
        let n = f.take_notices().join(" ");
        assert!(
            n.contains("device store was damaged") && n.contains("kept as"),
            "{first}: {n}"
        );
        assert!(f.take_notices().is_empty(), "each notice is given once");
        assert_eq!(aside(d.path(), "device"), 1, "{first}");
        // Every other call works on the fresh store, without new damage found.
        assert!(f.outbox().unwrap().is_empty());
        assert!(f.screenings().unwrap().is_empty());
        f.status(chrono::Utc::now()).unwrap();
        with_device_data(&f);
        assert!(f.take_notices().is_empty(), "{first}");
        assert_eq!(aside(d.path(), "device"), 1, "repaired once");
        drop(f);
        let f = open(d.path());
        assert!(f.open_notices().is_empty(), "{:?}", f.open_notices());
        assert_eq!(f.settings().unwrap().retention_days, 45);
        assert_eq!(f.outbox().unwrap().len(), 1);
        assert_eq!(f.screening_lock().unwrap().map(|l| l.message), None);
        assert_eq!(f.screenings().unwrap().len(), 1);
    }
}

/// A write that is the first to meet the damage is not lost: it lands in
/// the fresh store and is there after a restart.
#[test]
fn a_write_that_meets_device_damage_lands_in_the_fresh_store() {
    let d = tempfile::tempdir().unwrap();
    let f = open(d.path());
    with_device_data(&f);
    damage_device_while_open(&f, d.path());
    f.report_error("kvinnofridslinjen", "moved", "ny adress")
        .unwrap();
    assert!(f
        .take_notices()
        .join(" ")
        .contains("device store was damaged"));
    drop(f);
    let f = open(d.path());
    assert!(f.open_notices().is_empty());
    let o = f.outbox().unwrap();
    assert_eq!(o.len(), 1);
    assert!(
        o[0].event.payload.to_string().contains("ny adress"),
        "{:?}",
        o[0].event.payload
    );
}

#[test]
fn an_empty_device_db_is_kept_aside() {
    device_damage(|p| std::fs::write(p, b"").unwrap());
}

#[test]
fn a_foreign_sqlite_file_as_device_db_is_kept_aside() {
    device_damage(|p| {
        std::fs::remove_file(p).unwrap();
        let c = rusqlite::Connection::open(p).unwrap();
        c.execute_batch("CREATE TABLE notes(body TEXT); INSERT INTO notes VALUES ('x');")
            .unwrap();
    });
}

#[test]
fn garbage_pages_in_device_db_are_kept_aside() {
    device_damage(|p| {
        let len = std::fs::metadata(p).unwrap().len() as usize;
        overwrite_pages(p, 2, len / PAGE);
    });
}

#[cfg(unix)]
#[test]
fn store_files_are_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let d = tempfile::tempdir().unwrap();
    let dir = d.path().join("data");
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    drop(open(&dir));
    assert_eq!(mode(&dir), 0o700);
    for f in [DIRECTORY_FILE, DEVICE_FILE] {
        assert_eq!(mode(&dir.join(f)), 0o600, "{f}");
    }
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(
        dir.join(DEVICE_FILE),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let f = open(&dir);
    assert_eq!(mode(&dir), 0o700, "tightened on open");
    for e in std::fs::read_dir(&dir).unwrap().flatten() {
        assert_eq!(mode(&e.path()), 0o600, "{}", e.path().display());
    }
    drop(f);
}

/// Damage in device.db that reading its tables does not meet (its list of
/// free pages): not looked for at every open (SQLite's full check runs only
/// with a reason), and found at open when there is a reason to check (here,
/// a write to the directory that did not finish).
#[test]
fn device_damage_only_a_full_check_sees_is_found_at_open_when_there_is_reason() {
    for unclean in [false, true] {
        let d = tempfile::tempdir().unwrap();
        let f = open(d.path());
        with_device_data(&f);
        {
            let c = f.store().dev();
            // Free pages: a long value written and removed.
            device::set_setting(&c, "scratch", Some(&"x".repeat(40_000))).unwrap();
            device::set_setting(&c, "scratch", None).unwrap();
            c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
                .unwrap();
            if unclean {
                crate::store::check::starting_write(&c).unwrap();
            }
        }
        drop(f);
        let path = d.path().join(DEVICE_FILE);
        let head = std::fs::read(&path).unwrap();
        let trunk = u32::from_be_bytes(head[32..36].try_into().unwrap()) as usize;
        assert!(trunk > 1, "device.db has free pages");
        overwrite_pages(&path, trunk, trunk);
        let f = open(d.path());
        let n = f.open_notices().join(" ");
        if unclean {
            assert!(n.contains("device store was damaged"), "{n}");
            assert!(n.contains("malformed"), "{n}");
            assert_eq!(aside(d.path(), "device"), 1);
        } else {
            assert!(n.is_empty(), "{n}");
            assert_eq!(f.settings().unwrap().retention_days, 45);
            assert_eq!(aside(d.path(), "device"), 0);
        }
    }
}
