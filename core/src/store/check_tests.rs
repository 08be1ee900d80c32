//! The "reason to check" rule: directory.db is checked whole at open only
//! after a write that did not finish, a change from outside, or a week; a
//! damaged page no query has met is then found at open and repaired.

use super::check::{self, Reason, CHECKED_KEY};
use super::{device, DEVICE_FILE, DIRECTORY_FILE};
use crate::api::{Fyr, OpenOptions};
use crate::search::SearchQuery;
use crate::vocab::Lang;
use rusqlite::Connection;
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

fn dev(dir: &Path) -> Connection {
    Connection::open(dir.join(DEVICE_FILE)).unwrap()
}

fn reason(dir: &Path) -> Option<Reason> {
    check::reason(&dev(dir), &dir.join(DIRECTORY_FILE), chrono::Utc::now()).unwrap()
}

/// A leaf page of `blocks` holding only blocks of services (never read at
/// open: open reads the position, the index and the routing and lexicon
/// records).
fn a_page_of_services(path: &Path) -> usize {
    let c = Connection::open(path).unwrap();
    let kinds: Vec<String> = c
        .prepare("SELECT kind FROM blocks ORDER BY id")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let pages: std::collections::HashMap<String, (usize, usize, bool)> = c
        .prepare("SELECT path, pageno, ncell, pagetype FROM dbstat WHERE name = 'blocks'")
        .unwrap()
        .query_map([], |r| {
            let t: String = r.get(3)?;
            Ok((
                r.get::<_, String>(0)?,
                (
                    r.get::<_, i64>(1)? as usize,
                    r.get::<_, i64>(2)? as usize,
                    t == "leaf",
                ),
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    // In rowid order: the rows are on the leaves (an interior page of a
    // rowid table holds keys only).
    fn walk(
        path: &str,
        pages: &std::collections::HashMap<String, (usize, usize, bool)>,
        kinds: &[String],
        at: &mut usize,
        found: &mut Option<usize>,
    ) {
        let (page, n, leaf) = pages[path];
        if leaf {
            let rows = &kinds[*at..*at + n];
            if rows.iter().all(|k| k == "service") && *at > 0 && *at + n < kinds.len() {
                *found = Some(page);
            }
            *at += n;
            return;
        }
        for i in 0..=n {
            walk(&format!("{path}{i:03x}/"), pages, kinds, at, found);
        }
    }
    let (mut at, mut found) = (0, None);
    walk("/", &pages, &kinds, &mut at, &mut found);
    assert_eq!(at, kinds.len(), "every record visited");
    found.expect("a page holding only services")
}

/// Overwrites one page as slow damage of the flash would: the file's size
/// and modification time stay as they were.
fn rot_page(path: &Path, page: usize) {
    let mtime = std::fs::metadata(path).unwrap().modified().unwrap();
    let mut b = std::fs::read(path).unwrap();
    for (i, x) in b[(page - 1) * PAGE..page * PAGE].iter_mut().enumerate() {
        *x = (i * 31 + 5) as u8;
    }
    std::fs::write(path, b).unwrap();
    let f = std::fs::OpenOptions::new().write(true).open(path).unwrap();
    f.set_modified(mtime).unwrap();
}

#[test]
fn a_clean_reopen_is_not_checked_whole_and_the_weekly_check_finds_rotten_pages() {
    let d = tempfile::tempdir().unwrap();
    drop(open(d.path()));
    assert_eq!(reason(d.path()), None, "a clean store needs no check");
    let path = d.path().join(DIRECTORY_FILE);
    rot_page(&path, a_page_of_services(&path));
    assert_eq!(reason(d.path()), None, "rot changes neither size nor time");

    // Not checked at open: the damage is not met yet, and open says nothing.
    let f = open(d.path());
    assert!(f.open_notices().is_empty(), "{:?}", f.open_notices());
    drop(f);

    // Eight days later the weekly check finds it at open.
    let week_ago = chrono::Utc::now() - chrono::Duration::days(8);
    device::set_sync_meta(&dev(d.path()), CHECKED_KEY, Some(&week_ago.to_rfc3339())).unwrap();
    assert_eq!(reason(d.path()), Some(Reason::Scheduled));
    let f = open(d.path());
    let n = f.open_notices().join(" ");
    assert!(n.contains("weekly check") && n.contains("rebuilt"), "{n}");
    let hits = f
        .search(&SearchQuery {
            text: Some("kvinnofrid".into()),
            ..Default::default()
        })
        .unwrap();
    assert!(hits.iter().any(|h| h.id == "kvinnofridslinjen"));
    drop(f);
    // Checked and whole: the next open is quiet and needs no check.
    assert_eq!(reason(d.path()), None);
    assert!(open(d.path()).open_notices().is_empty());
}

#[test]
fn after_a_write_that_did_not_finish_a_damaged_page_is_found_at_open() {
    let d = tempfile::tempdir().unwrap();
    drop(open(d.path()));
    let path = d.path().join(DIRECTORY_FILE);
    // What an apply records before it writes; a crash leaves it so.
    check::starting_write(&dev(d.path())).unwrap();
    rot_page(&path, a_page_of_services(&path));
    assert_eq!(reason(d.path()), Some(Reason::Unclean));
    let f = open(d.path());
    let n = f.open_notices().join(" ");
    assert!(
        n.contains("last write did not finish") && n.contains("rebuilt"),
        "{n}"
    );
    drop(f);
    assert_eq!(reason(d.path()), None);
}

#[test]
fn a_file_changed_outside_the_app_or_never_checked_is_checked() {
    let d = tempfile::tempdir().unwrap();
    drop(open(d.path()));
    let path = d.path().join(DIRECTORY_FILE);
    let f = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
    f.set_modified(std::time::SystemTime::now() + std::time::Duration::from_secs(5))
        .unwrap();
    assert_eq!(reason(d.path()), Some(Reason::Changed));
    drop(open(d.path()));
    assert_eq!(reason(d.path()), None, "checked whole and recorded");

    device::set_sync_meta(&dev(d.path()), CHECKED_KEY, None).unwrap();
    assert_eq!(reason(d.path()), Some(Reason::Never));
    // A store whose device.db was replaced has no record either.
    std::fs::remove_file(d.path().join(DEVICE_FILE)).unwrap();
    drop(open(d.path()));
    assert_eq!(reason(d.path()), None);
}

#[test]
fn an_apply_records_a_clean_stamp() {
    let d = tempfile::tempdir().unwrap();
    let f = open(d.path());
    let pos = f.store().position().unwrap();
    f.store()
        .apply(
            &super::ContentPosition {
                version: pos.version + 1,
                digest: String::new(),
                ..pos
            },
            vec![],
            vec![(crate::feed::RecordKind::Service, "kvinnofridslinjen".into())],
            false,
        )
        .unwrap();
    assert_eq!(reason(d.path()), None, "an apply that finished is clean");
    drop(f);
    assert_eq!(reason(d.path()), None, "closing writes nothing more");
}
