//! When directory.db is checked whole (`PRAGMA quick_check`) at open.
//!
//! Checking every page costs tens of milliseconds on a national directory,
//! so it is not done at every open. Damage is still found: at the query that
//! meets it ([`super::Store::with_dir`] rebuilds and answers again), and by a
//! full check at open when there is a reason to expect damage:
//!
//! * **unclean** — a write of ours was cut short (an apply, an import or an
//!   index rebuild did not record that it finished: a crash, a killed
//!   process or a power cut while writing);
//! * **changed** — the file's size or modification time is not what our last
//!   write left (something else wrote to it, a backup was restored, …);
//! * **never** — nothing recorded yet (a store from an older app, or a fresh
//!   device.db after damage);
//! * **scheduled** — the last full check is more than [`CHECK_EVERY_DAYS`]
//!   days old (slow damage of the flash that changes neither).
//!
//! What was recorded lives in device.db's `sync_meta` under the keys below,
//! so that damage of directory.db cannot erase it.
//!
//! device.db is small: every open reads each of its tables whole, and a
//! reason to check directory.db whole is one to check device.db whole too
//! ([`quick_check`]: its indexes and free pages, which reading the tables
//! does not meet).

use crate::error::{Error, Result};
use chrono::{DateTime, Utc};
use rusqlite::Connection;
use std::path::Path;

/// A full check at least this often.
pub const CHECK_EVERY_DAYS: i64 = 7;
/// directory.db's size and modification time after our last finished write;
/// removed while a write is under way.
pub const STAMP_KEY: &str = "directory_stamp";
/// When directory.db was last checked whole (RFC 3339).
pub const CHECKED_KEY: &str = "directory_checked_at";

/// Why directory.db is checked whole at this open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    Never,
    Unclean,
    Changed,
    Scheduled,
}

impl Reason {
    pub fn describe(self) -> &'static str {
        match self {
            Reason::Never => "first check of this store",
            Reason::Unclean => "checked because the last write did not finish",
            Reason::Changed => "checked because the file was changed outside the app",
            Reason::Scheduled => "weekly check",
        }
    }
}

/// directory.db's write-ahead log, beside it.
fn wal_path(path: &Path) -> std::path::PathBuf {
    path.with_extension("db-wal")
}

/// Size and modification time (nanoseconds) of `path` and of its write-ahead
/// log (an apply leaves its pages there, moved into the file at close or by
/// a later apply that finds the log past [`WAL_KEEP`]), as text.
pub fn file_stamp(path: &Path) -> Option<String> {
    let one = |p: &Path| -> Option<String> {
        let m = std::fs::metadata(p).ok()?;
        let t = m
            .modified()
            .ok()?
            .duration_since(std::time::UNIX_EPOCH)
            .ok()?;
        Some(format!("{}:{}", m.len(), t.as_nanos()))
    };
    // An empty log is no log (SQLite removes it at close).
    let wal = std::fs::metadata(wal_path(path))
        .is_ok_and(|m| m.len() > 0)
        .then(|| one(&wal_path(path)))
        .flatten()
        .unwrap_or_default();
    Some(format!("{}/{wal}", one(path)?))
}

fn get(dev: &Connection, key: &str) -> Result<Option<String>> {
    super::device::get_sync_meta(dev, key)
}

/// Whether directory.db at `path` must be checked whole now, and why.
pub fn reason(dev: &Connection, path: &Path, now: DateTime<Utc>) -> Result<Option<Reason>> {
    let checked = get(dev, CHECKED_KEY)?
        .and_then(|t| DateTime::parse_from_rfc3339(&t).ok())
        .map(|t| t.with_timezone(&Utc));
    let Some(checked) = checked else {
        return Ok(Some(Reason::Never));
    };
    let Some(stamp) = get(dev, STAMP_KEY)? else {
        return Ok(Some(Reason::Unclean));
    };
    if file_stamp(path).as_deref() != Some(stamp.as_str()) {
        return Ok(Some(Reason::Changed));
    }
    if now.signed_duration_since(checked) > chrono::Duration::days(CHECK_EVERY_DAYS)
        || checked > now + chrono::Duration::days(1)
    {
        return Ok(Some(Reason::Scheduled));
    }
    Ok(None)
}

/// Called before a write to directory.db: until [`finished_write`], an
/// interrupted write is a reason to check.
pub fn starting_write(dev: &Connection) -> Result<()> {
    super::device::set_sync_meta(dev, STAMP_KEY, None)
}

/// Called after a write to directory.db committed: records the stamp of the
/// file and its WAL. The WAL is not moved into the file here (that wrote a
/// national index twice at every sync): at close ([`closing`]), before a
/// later change that finds it grown ([`bound_wal`]), or by SQLite's own
/// checkpoints during a large write, before its stamp.
pub fn finished_write(_dir: &Connection, dev: &Connection, path: &Path) -> Result<()> {
    record_stamp(dev, path)
}

/// Called before a change is written to directory.db: a write-ahead log
/// grown past [`WAL_KEEP`] is moved into the file and emptied first. A
/// phone keeps the store small (the log would otherwise grow to SQLite's
/// own limit of a thousand pages, 4 MB), and one change in a few pays the
/// checkpoint (the log and the file synced, the emptied log's new header
/// synced by the write that follows) instead of every change.
pub fn bound_wal(dir: &Connection, path: &Path) -> Result<()> {
    if std::fs::metadata(wal_path(path)).is_ok_and(|m| m.len() > WAL_KEEP) {
        dir.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    }
    Ok(())
}

/// The write-ahead log of directory.db a change may find and add to
/// (bytes): three changes of one service (about 33 KB each); the fourth
/// adds to it, the fifth empties it first.
pub const WAL_KEEP: u64 = 100 * 1024;

/// Called when the store closes: moves the WAL into the file and records
/// the stamp again, so that a clean close is not taken for a change from
/// outside at the next open. Nothing is recorded when a write of ours did
/// not finish (no stamp): the next open checks.
pub fn closing(dir: &Connection, dev: &Connection, path: &Path) -> Result<()> {
    let Some(before) = get(dev, STAMP_KEY)? else {
        return Ok(());
    };
    if file_stamp(path).as_deref() != Some(before.as_str()) {
        return Ok(());
    }
    dir.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    record_stamp(dev, path)
}

/// Records directory.db's stamp as our last write left it.
pub fn record_stamp(dev: &Connection, path: &Path) -> Result<()> {
    match file_stamp(path) {
        Some(s) => super::device::set_sync_meta(dev, STAMP_KEY, Some(&s)),
        None => Ok(()),
    }
}

/// Records that directory.db was found whole at `now`.
pub fn checked(dev: &Connection, now: DateTime<Utc>) -> Result<()> {
    super::device::set_sync_meta(dev, CHECKED_KEY, Some(&now.to_rfc3339()))
}

/// Every page of the store file `file` (directory.db or device.db) open on
/// `c`: SQLite's check of its tables, indexes and free pages.
pub fn quick_check(c: &Connection, file: &str) -> Result<()> {
    let check: String = c.query_row("PRAGMA quick_check", [], |r| r.get(0))?;
    if check != "ok" {
        return Err(Error::Damaged(format!(
            "{file} is malformed ({})",
            first_finding(&check)
        )));
    }
    Ok(())
}

/// The first finding of SQLite's check, on one line and short: a notice
/// names the damage, it does not list every page.
fn first_finding(check: &str) -> String {
    const MOST: usize = 120;
    let line = check
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with("***"))
        .unwrap_or("no detail");
    match line.char_indices().nth(MOST) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line.to_string(),
    }
}

#[cfg(test)]
mod finding_tests {
    use super::first_finding;

    #[test]
    fn a_check_report_becomes_one_short_line() {
        let report =
            "*** in database main ***\nPage 7: btree page has a wrong parent\nPage 9: never used\n";
        assert_eq!(
            first_finding(report),
            "Page 7: btree page has a wrong parent"
        );
        let long = format!("Tree 4 page 4 cell 0: {}", "x".repeat(300));
        let one = first_finding(&long);
        assert!(
            !one.contains('\n') && one.chars().count() == 121 && one.ends_with('…'),
            "{one}"
        );
        assert_eq!(first_finding("\n"), "no detail");
    }
}
