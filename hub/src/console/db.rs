//! The console's tables in the hub's SQLite database, created and upgraded
//! by numbered migrations (recorded in `console_schema`, so they never clash
//! with the event tables' own schema handling).

use crate::HubError;
use rusqlite::Connection;
use std::path::Path;

/// Each entry is applied once, in order, inside a transaction.
const MIGRATIONS: &[&str] = &[
    // 1: accounts, sessions, audit, the working directory, publishing,
    //    the correction queue and the follow-up indicators.
    "CREATE TABLE console_users (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL,
        county TEXT,
        hash TEXT NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0,
        created TEXT NOT NULL
    );
    CREATE TABLE console_sessions (
        token_hash TEXT PRIMARY KEY,
        user TEXT NOT NULL,
        csrf TEXT NOT NULL,
        created INTEGER NOT NULL,
        seen INTEGER NOT NULL
    );
    CREATE TABLE console_login_failures (key TEXT NOT NULL, at INTEGER NOT NULL);
    CREATE INDEX console_login_failures_key ON console_login_failures(key, at);
    CREATE TABLE console_audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        user TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        before TEXT,
        after TEXT
    );
    CREATE TABLE console_rows (
        file TEXT NOT NULL,
        key TEXT NOT NULL,
        ord INTEGER NOT NULL,
        fields TEXT NOT NULL,
        retired TEXT,
        PRIMARY KEY (file, key)
    );
    CREATE TABLE console_files (path TEXT PRIMARY KEY, text TEXT NOT NULL);
    CREATE TABLE console_verifications (
        id INTEGER PRIMARY KEY,
        service TEXT NOT NULL,
        date TEXT NOT NULL,
        user TEXT NOT NULL,
        how TEXT NOT NULL
    );
    CREATE TABLE console_versions (
        version INTEGER PRIMARY KEY,
        feed_id TEXT NOT NULL,
        user TEXT NOT NULL,
        at TEXT NOT NULL,
        rows TEXT NOT NULL,
        files TEXT NOT NULL
    );
    CREATE TABLE console_corrections (
        event_id TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        note TEXT NOT NULL,
        user TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE TABLE console_indicators (
        county TEXT NOT NULL,
        quarter TEXT NOT NULL,
        kind TEXT NOT NULL,
        value INTEGER NOT NULL,
        user TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (county, quarter, kind)
    );",
    // 2: drafts (who changed a service since it was published, whether it
    //    is ready, and the service as published, to hold it back) and
    //    failed logins per account and per address.
    "CREATE TABLE console_drafts (
        service TEXT PRIMARY KEY,
        owner TEXT NOT NULL,
        ready INTEGER NOT NULL,
        base TEXT,
        at TEXT NOT NULL
    );
    CREATE TABLE console_pending (
        id TEXT PRIMARY KEY,
        path TEXT NOT NULL,
        body BLOB NOT NULL,
        created INTEGER NOT NULL
    );",
];

pub(crate) fn db_err(path: &Path) -> impl Fn(rusqlite::Error) -> HubError + '_ {
    move |e| HubError::Db {
        path: path.display().to_string(),
        reason: e.to_string(),
    }
}

/// Opens the hub database (creating the event tables as the hub does) and
/// applies the console's migrations.
pub fn open(path: &Path) -> Result<Connection, HubError> {
    let mut conn = crate::events::open_db(path)?;
    migrate(&mut conn).map_err(db_err(path))?;
    Ok(conn)
}

fn migrate(conn: &mut Connection) -> rusqlite::Result<()> {
    conn.execute_batch("CREATE TABLE IF NOT EXISTS console_schema (version INTEGER NOT NULL)")?;
    let have: i64 = conn.query_row(
        "SELECT COALESCE(MAX(version), 0) FROM console_schema",
        [],
        |r| r.get(0),
    )?;
    for (i, sql) in MIGRATIONS.iter().enumerate() {
        let v = i as i64 + 1;
        if v <= have {
            continue;
        }
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.execute("INSERT INTO console_schema (version) VALUES (?1)", [v])?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn migrations_apply_once() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("hub.db");
        drop(super::open(&p).unwrap());
        let c = super::open(&p).unwrap();
        let n: i64 = c
            .query_row("SELECT COUNT(*) FROM console_schema", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, super::MIGRATIONS.len() as i64);
    }
}
