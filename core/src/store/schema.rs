//! Versioned schemas of the two SQLite files, with forward migrations.
//!
//! `directory.db` holds content only (records + search index): it can always
//! be rebuilt from the bundled default or the next sync. `device.db` holds what
//! only this device has: settings, encrypted screening sessions, the outbox.
//! Each file's version is `PRAGMA user_version`; migrations run in one
//! transaction each, in order, and a file newer than this code is refused.

use crate::error::{Error, Result};
use rusqlite::Connection;

/// Migrations of directory.db; index i migrates from version i to i+1.
pub const DIRECTORY_MIGRATIONS: &[&str] = &[
    // v1: content records, one row per municipality/organization/service/checklist.
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
     CREATE TABLE records(
        kind TEXT NOT NULL, id TEXT NOT NULL, body TEXT NOT NULL, hash BLOB NOT NULL,
        PRIMARY KEY(kind, id)) WITHOUT ROWID;",
    // v2: the search index: service rowids and the compact index blob
    // (facets and a folded-text term index, see search::index).
    "CREATE TABLE svc(rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE);
     CREATE TABLE facet_index(id INTEGER PRIMARY KEY CHECK (id = 1), blob BLOB NOT NULL);
     INSERT INTO meta(key, value) VALUES ('index_stale', '1')
        ON CONFLICT(key) DO UPDATE SET value = '1';",
    // v3: reachability (a website alone is never open) is part of the index:
    // rebuild it.
    "INSERT INTO meta(key, value) VALUES ('index_stale', '1')
        ON CONFLICT(key) DO UPDATE SET value = '1';",
    // v4: the index in pieces: the blob is the base, each incremental apply
    // adds a small delta row replayed at open (see store::directory), merged
    // into the blob every few applies. Record bodies are compressed from now
    // on (store::body); text bodies of older apps are read as they are.
    "CREATE TABLE index_delta(seq INTEGER PRIMARY KEY, body BLOB NOT NULL);",
    // v5: the content digest by bucket (feed::digest format 2): a bucket's
    // records found by the first byte of their hash, the 256 bucket digests
    // kept, so an apply computes only the buckets it touches (store::digest).
    // Empty until the first apply after this migration computes them all.
    // The index holds the hash too, in key order within a bucket, so a
    // bucket is read from the index alone, in the digest's order.
    "CREATE INDEX records_bucket ON records(substr(hash, 1, 1), kind, id, hash);
     CREATE TABLE digest_bucket(b INTEGER PRIMARY KEY, d BLOB NOT NULL);",
    // v6: record bodies in compressed blocks (store::blocks), each known by
    // its kind and its smallest id; `records` keeps each record's hash,
    // keyed by its digest bucket (the hash's first byte) so a bucket is read
    // from the table itself. The rows of v5 wait in `records_v5` until the
    // open that follows moves them into blocks (`blocks::convert_v5`: it
    // needs the code that inflates them).
    "DROP INDEX records_bucket;
     ALTER TABLE records RENAME TO records_v5;
     CREATE TABLE records(
        b INTEGER NOT NULL, kind TEXT NOT NULL, id TEXT NOT NULL, hash BLOB NOT NULL,
        PRIMARY KEY(b, kind, id)) WITHOUT ROWID;
     CREATE TABLE blocks(
        id INTEGER PRIMARY KEY, kind TEXT NOT NULL, first TEXT NOT NULL, body BLOB NOT NULL);
     CREATE UNIQUE INDEX blocks_range ON blocks(kind, first);",
    // v7: the search index in a file of its own, read where it lies
    // (store::index_file); the blob and its deltas go, and the index is
    // rebuilt from the records at this open.
    "DROP TABLE facet_index;
     DELETE FROM index_delta;
     INSERT INTO meta(key, value) VALUES ('index_stale', '1')
        ON CONFLICT(key) DO UPDATE SET value = '1';",
];

/// Migrations of device.db; index i migrates from version i to i+1.
pub const DEVICE_MIGRATIONS: &[&str] = &[
    // v1: settings, encrypted sessions, outbox.
    "CREATE TABLE settings(key TEXT PRIMARY KEY, value TEXT NOT NULL);
     CREATE TABLE sessions(id TEXT PRIMARY KEY, blob BLOB NOT NULL);
     CREATE TABLE outbox(
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        event_id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, payload TEXT NOT NULL);",
    // v2: quarantine for events the hub rejects, and sync bookkeeping.
    "ALTER TABLE outbox ADD COLUMN quarantined TEXT;
     ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
     CREATE TABLE sync_meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);",
    // v3: sealed sessions set aside after a key reset (unreadable; purged
    // after the retention period).
    "CREATE TABLE sessions_aside(id TEXT PRIMARY KEY, blob BLOB NOT NULL, set_aside_at TEXT NOT NULL);",
];

pub fn version(conn: &Connection) -> Result<usize> {
    let v: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    Ok(v as usize)
}

/// Does the file have a table of this name?
pub fn has_table(c: &Connection, name: &str) -> Result<bool> {
    Ok(c.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
        [name],
        |r| r.get::<_, i64>(0),
    )? > 0)
}

/// Fills `table`, which must be empty, through a temporary twin (its own
/// definition, read from the file): `fill` inserts the rows into the table
/// it is given the name of, and one `INSERT … SELECT *` copies them over.
/// SQLite copies into an empty table as a bulk load (its transfer
/// optimisation): the pages of a `WITHOUT ROWID` table and of a unique
/// index are filled whole, not split as the rows come (about an eighth
/// smaller; a load writes each such table once).
pub fn fill_packed(
    c: &Connection,
    table: &str,
    fill: impl FnOnce(&str) -> Result<()>,
) -> Result<()> {
    let sql: String = c.query_row(
        "SELECT sql FROM main.sqlite_master WHERE type = 'table' AND name = ?1",
        [table],
        |r| r.get(0),
    )?;
    let twin = format!("{table}_load");
    let head = format!("CREATE TABLE {table}(");
    let Some(columns) = sql.strip_prefix(&head) else {
        return Err(Error::Storage(format!(
            "the table {table} is not defined as this app expects: {sql}"
        )));
    };
    c.execute_batch(&format!(
        "DROP TABLE IF EXISTS temp.{twin}; CREATE TEMP TABLE {twin}({columns}"
    ))?;
    let filled = fill(&format!("temp.{twin}")).and_then(|()| {
        c.execute_batch(&format!(
            "INSERT INTO main.{table} SELECT * FROM temp.{twin}"
        ))?;
        Ok(())
    });
    c.execute_batch(&format!("DROP TABLE temp.{twin}"))?;
    filled
}

/// Brings `conn` to the latest version; returns the version it started from.
pub fn migrate(conn: &mut Connection, migrations: &[&str], what: &str) -> Result<usize> {
    let from = version(conn)?;
    if from > migrations.len() {
        return Err(Error::Storage(format!(
            "{what} has schema version {from}, newer than this app knows ({}); update the app",
            migrations.len()
        )));
    }
    for (i, sql) in migrations.iter().enumerate().skip(from) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_files_reach_the_latest_version() {
        let mut c = Connection::open_in_memory().unwrap();
        assert_eq!(
            migrate(&mut c, DIRECTORY_MIGRATIONS, "directory").unwrap(),
            0
        );
        assert_eq!(version(&c).unwrap(), DIRECTORY_MIGRATIONS.len());
        let mut d = Connection::open_in_memory().unwrap();
        migrate(&mut d, DEVICE_MIGRATIONS, "device").unwrap();
        assert_eq!(version(&d).unwrap(), DEVICE_MIGRATIONS.len());
        // Idempotent.
        assert_eq!(
            migrate(&mut d, DEVICE_MIGRATIONS, "device").unwrap(),
            DEVICE_MIGRATIONS.len()
        );
    }

    #[test]
    fn upgrades_a_v1_device_store_keeping_its_data() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("device.db");
        {
            let mut c = Connection::open(&path).unwrap();
            migrate(&mut c, &DEVICE_MIGRATIONS[..1], "device").unwrap();
            c.execute(
                "INSERT INTO outbox(event_id, kind, payload) VALUES ('e1', 'screening_stat', '{}')",
                [],
            )
            .unwrap();
            c.execute("INSERT INTO sessions(id, blob) VALUES ('s1', x'0102')", [])
                .unwrap();
        }
        let mut c = Connection::open(&path).unwrap();
        assert_eq!(migrate(&mut c, DEVICE_MIGRATIONS, "device").unwrap(), 1);
        let (id, attempts, q): (String, i64, Option<String>) = c
            .query_row(
                "SELECT event_id, attempts, quarantined FROM outbox",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .unwrap();
        assert_eq!((id.as_str(), attempts, q), ("e1", 0, None));
        let n: i64 = c
            .query_row("SELECT count(*) FROM sessions", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1);
        c.execute("INSERT INTO sync_meta(key, value) VALUES ('etag', 'x')", [])
            .unwrap();
    }

    #[test]
    fn upgrades_a_v1_directory_store_and_marks_the_index_stale() {
        let mut c = Connection::open_in_memory().unwrap();
        migrate(&mut c, &DIRECTORY_MIGRATIONS[..1], "directory").unwrap();
        c.execute(
            "INSERT INTO records VALUES ('service', 's1', '{}', x'00')",
            [],
        )
        .unwrap();
        migrate(&mut c, DIRECTORY_MIGRATIONS, "directory").unwrap();
        let stale: String = c
            .query_row(
                "SELECT value FROM meta WHERE key = 'index_stale'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(stale, "1");
        // The v1 row waits for the open that moves it into a block.
        let n: i64 = c
            .query_row("SELECT count(*) FROM records_v5", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 1);
    }

    #[test]
    fn refuses_a_store_from_a_newer_app() {
        let mut c = Connection::open_in_memory().unwrap();
        c.pragma_update(None, "user_version", 99).unwrap();
        let e = migrate(&mut c, DEVICE_MIGRATIONS, "device.db").unwrap_err();
        assert!(e.to_string().contains("newer than this app"), "{e}");
    }
}
