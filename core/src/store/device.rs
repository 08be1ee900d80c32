//! device.db: settings, encrypted screening sessions, the outbox and sync
//! bookkeeping. Sessions are opaque sealed blobs under random ids (see
//! `crypto`): nothing about a person, the answers or their timing is stored
//! in clear. `secure_delete` zeroes what is deleted.

use super::{open_conn, schema};
use crate::error::{Error, Result};
use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The tables a device store has; a file with other tables is not ours.
const TABLES: &[&str] = &[
    "settings",
    "sessions",
    "outbox",
    "sync_meta",
    "sessions_aside",
];

/// Opens device.db. Damage of any kind is `Error::Damaged` (the caller keeps
/// the file aside and makes a fresh one): an empty (0-byte) file that once
/// was a store, a foreign SQLite file, a missing table, malformed pages.
/// Opens a device.db this process just created (empty is expected).
pub fn open_new(path: &Path) -> Result<Connection> {
    let mut c = open_conn(path)?;
    c.pragma_update(None, "secure_delete", "ON")?;
    schema::migrate(&mut c, schema::DEVICE_MIGRATIONS, "device.db")?;
    Ok(c)
}

pub fn open(path: &Path) -> Result<Connection> {
    if std::fs::metadata(path)
        .map(|m| m.len() == 0)
        .unwrap_or(false)
    {
        return Err(Error::Damaged("device.db is empty (0 bytes)".into()));
    }
    let mut c = open_conn(path)?;
    c.pragma_update(None, "secure_delete", "ON")?;
    let tables: Vec<String> = c
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        )?
        .query_map([], |r| r.get(0))?
        .collect::<std::result::Result<_, _>>()?;
    let foreign: Vec<&str> = tables
        .iter()
        .map(String::as_str)
        .filter(|t| !TABLES.contains(t))
        .collect();
    if !foreign.is_empty() {
        return Err(Error::Damaged(format!(
            "device.db is not a Fyr device store (it has tables {})",
            foreign.join(", ")
        )));
    }
    if schema::version(&c)? == 0 && !tables.is_empty() {
        return Err(Error::Damaged(
            "device.db has Fyr tables but no schema version".into(),
        ));
    }
    schema::migrate(&mut c, schema::DEVICE_MIGRATIONS, "device.db")?;
    // Every table read whole (a count visits each of its pages), in one
    // statement and transaction, so that damage is found at open and not
    // in the middle of a screening; a missing table is named by SQLite's
    // own message. SQLite's full check (`check::quick_check`) is left for
    // when there is a reason to expect damage (`check::reason`).
    let tx = c.unchecked_transaction()?;
    let counts = TABLES
        .iter()
        .map(|t| format!("(SELECT count(*) FROM {t})"))
        .collect::<Vec<_>>()
        .join(", ");
    c.query_row(&format!("SELECT {counts}"), [], |r| r.get::<_, i64>(0))
        .map_err(|e| Error::Damaged(format!("device.db tables: {e}")))?;
    drop(tx);
    Ok(c)
}

// Settings and sync bookkeeping are read many times a session (eight
// settings at every open): their statements are kept prepared.

pub fn get_setting(c: &Connection, key: &str) -> Result<Option<String>> {
    Ok(
        c.prepare_cached("SELECT value FROM settings WHERE key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()?,
    )
}

pub fn set_setting(c: &Connection, key: &str, value: Option<&str>) -> Result<()> {
    match value {
        Some(v) => c.execute(
            "INSERT INTO settings(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2",
            params![key, v],
        )?,
        None => c.execute("DELETE FROM settings WHERE key = ?1", [key])?,
    };
    Ok(())
}

pub fn get_sync_meta(c: &Connection, key: &str) -> Result<Option<String>> {
    Ok(
        c.prepare_cached("SELECT value FROM sync_meta WHERE key = ?1")?
            .query_row([key], |r| r.get(0))
            .optional()?,
    )
}

pub fn set_sync_meta(c: &Connection, key: &str, value: Option<&str>) -> Result<()> {
    match value {
        Some(v) => c.execute(
            "INSERT INTO sync_meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2",
            params![key, v],
        )?,
        None => c.execute("DELETE FROM sync_meta WHERE key = ?1", [key])?,
    };
    Ok(())
}

// ---- sessions (sealed blobs) ----

pub fn put_session(c: &Connection, id: &str, blob: &[u8]) -> Result<()> {
    c.execute(
        "INSERT INTO sessions(id, blob) VALUES (?1, ?2) ON CONFLICT(id) DO UPDATE SET blob = ?2",
        params![id, blob],
    )?;
    Ok(())
}

pub fn get_session(c: &Connection, id: &str) -> Result<Option<Vec<u8>>> {
    Ok(
        c.query_row("SELECT blob FROM sessions WHERE id = ?1", [id], |r| {
            r.get(0)
        })
        .optional()?,
    )
}

pub fn all_sessions(c: &Connection) -> Result<Vec<(String, Vec<u8>)>> {
    let mut st = c.prepare("SELECT id, blob FROM sessions ORDER BY id")?;
    let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

pub fn delete_session(c: &Connection, id: &str) -> Result<bool> {
    Ok(c.execute("DELETE FROM sessions WHERE id = ?1", [id])? > 0)
}

pub fn session_count(c: &Connection) -> Result<u64> {
    Ok(c.query_row("SELECT count(*) FROM sessions", [], |r| r.get::<_, i64>(0))? as u64)
}

/// A sealed session set aside after a key reset: kept, unreadable, purged
/// after the retention period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AsideSession {
    pub session_id: String,
    pub set_aside_at: chrono::DateTime<chrono::Utc>,
}

/// Moves every sealed session aside (one transaction); returns how many.
pub fn set_sessions_aside(c: &mut Connection, at: chrono::DateTime<chrono::Utc>) -> Result<usize> {
    let tx = c.transaction()?;
    let n = tx.execute(
        "INSERT OR REPLACE INTO sessions_aside(id, blob, set_aside_at) SELECT id, blob, ?1 FROM sessions",
        [at.to_rfc3339()],
    )?;
    tx.execute("DELETE FROM sessions", [])?;
    tx.commit()?;
    Ok(n)
}

pub fn aside_sessions(c: &Connection) -> Result<Vec<AsideSession>> {
    let mut st =
        c.prepare("SELECT id, set_aside_at FROM sessions_aside ORDER BY set_aside_at, id")?;
    let rows: Vec<(String, String)> = st
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<std::result::Result<_, _>>()?;
    rows.into_iter()
        .map(|(id, at)| {
            let at = chrono::DateTime::parse_from_rfc3339(&at)
                .map_err(|e| Error::Damaged(format!("set-aside session {id}: bad time: {e}")))?;
            Ok(AsideSession {
                session_id: id,
                set_aside_at: at.with_timezone(&chrono::Utc),
            })
        })
        .collect()
}

/// Deletes set-aside sessions set aside before `before`; returns how many.
pub fn purge_aside(c: &Connection, before: chrono::DateTime<chrono::Utc>) -> Result<usize> {
    let old: Vec<String> = aside_sessions(c)?
        .into_iter()
        .filter(|a| a.set_aside_at < before)
        .map(|a| a.session_id)
        .collect();
    for id in &old {
        c.execute("DELETE FROM sessions_aside WHERE id = ?1", [id])?;
    }
    Ok(old.len())
}

/// Pushes deleted pages out of the WAL into the (zeroed) main file.
pub fn checkpoint(c: &Connection) -> Result<()> {
    c.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
    Ok(())
}

// ---- outbox ----

/// An event waiting to be sent, exactly as it will be sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutboxEvent {
    pub event_id: String,
    pub kind: String,
    pub payload: serde_json::Value,
}

/// An outbox row with its bookkeeping.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OutboxEntry {
    #[serde(flatten)]
    pub event: OutboxEvent,
    pub attempts: u32,
    /// Why the hub rejected it, when it is set aside.
    pub quarantined: Option<String>,
}

pub fn new_event_id() -> String {
    let b: [u8; 16] = rand::random();
    hex::encode(b)
}

pub fn enqueue(c: &Connection, kind: &str, payload: &serde_json::Value) -> Result<String> {
    let id = new_event_id();
    c.execute(
        "INSERT INTO outbox(event_id, kind, payload) VALUES (?1, ?2, ?3)",
        params![id, kind, serde_json::to_string(payload)?],
    )?;
    Ok(id)
}

fn row_entry(r: &rusqlite::Row) -> rusqlite::Result<(String, String, String, u32, Option<String>)> {
    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
}

fn to_entry(t: (String, String, String, u32, Option<String>)) -> Result<OutboxEntry> {
    Ok(OutboxEntry {
        event: OutboxEvent {
            event_id: t.0,
            kind: t.1,
            payload: serde_json::from_str(&t.2)?,
        },
        attempts: t.3,
        quarantined: t.4,
    })
}

/// Everything in the outbox, oldest first, quarantined events included.
pub fn outbox_all(c: &Connection) -> Result<Vec<OutboxEntry>> {
    let mut st = c.prepare(
        "SELECT event_id, kind, payload, attempts, quarantined FROM outbox ORDER BY seq",
    )?;
    let rows = st
        .query_map([], row_entry)?
        .collect::<std::result::Result<Vec<_>, _>>()?;
    rows.into_iter().map(to_entry).collect()
}

/// The next batch to send: oldest first, quarantined events excluded.
pub fn outbox_batch(c: &Connection, max: usize) -> Result<Vec<OutboxEvent>> {
    let mut st = c.prepare(
        "SELECT event_id, kind, payload, attempts, quarantined FROM outbox
         WHERE quarantined IS NULL ORDER BY seq LIMIT ?1",
    )?;
    let rows = st
        .query_map([max as i64], row_entry)?
        .collect::<std::result::Result<Vec<_>, _>>()?;
    rows.into_iter()
        .map(|t| to_entry(t).map(|e| e.event))
        .collect()
}

pub fn outbox_attempted(c: &Connection, ids: &[String]) -> Result<()> {
    let mut st =
        c.prepare_cached("UPDATE outbox SET attempts = attempts + 1 WHERE event_id = ?1")?;
    for id in ids {
        st.execute([id])?;
    }
    Ok(())
}

/// Removes events the hub has acknowledged.
pub fn outbox_ack(c: &mut Connection, ids: &[String]) -> Result<()> {
    let tx = c.transaction()?;
    {
        let mut st = tx.prepare_cached("DELETE FROM outbox WHERE event_id = ?1")?;
        for id in ids {
            st.execute([id])?;
        }
    }
    tx.commit()?;
    Ok(())
}

pub fn outbox_quarantine(c: &Connection, id: &str, reason: &str) -> Result<()> {
    c.execute(
        "UPDATE outbox SET quarantined = ?2 WHERE event_id = ?1",
        params![id, reason],
    )?;
    Ok(())
}

pub fn outbox_counts(c: &Connection) -> Result<(u64, u64)> {
    Ok(c.query_row(
        "SELECT count(*) FILTER (WHERE quarantined IS NULL), count(*) FILTER (WHERE quarantined IS NOT NULL) FROM outbox",
        [],
        |r| Ok((r.get::<_, i64>(0)? as u64, r.get::<_, i64>(1)? as u64)),
    )?)
}
