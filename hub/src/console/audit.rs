//! The audit log: every change made through the console or the user
//! commands — who, when, what, before and after — readable and exportable
//! (CSV) by admins.

use rusqlite::{params, Connection};
use serde::Serialize;
use serde_json::Value;

#[derive(Debug, Clone, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: String,
    pub user: String,
    pub action: String,
    pub target: String,
    pub before: String,
    pub after: String,
}

/// Appends one entry.
pub(crate) fn record(
    conn: &Connection,
    user: &str,
    action: &str,
    target: &str,
    before: Option<&Value>,
    after: Option<&Value>,
) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO console_audit (at, user, action, target, before, after) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            user,
            action,
            target,
            before.map(Value::to_string),
            after.map(Value::to_string)
        ],
    )?;
    Ok(())
}

/// The newest `limit` entries, newest first.
pub(crate) fn list(conn: &Connection, limit: i64) -> rusqlite::Result<Vec<AuditEntry>> {
    let mut st = conn.prepare(
        "SELECT id, at, user, action, target, COALESCE(before, ''), COALESCE(after, '') FROM console_audit ORDER BY id DESC LIMIT ?1",
    )?;
    let v = st
        .query_map([limit], |r| {
            Ok(AuditEntry {
                id: r.get(0)?,
                at: r.get(1)?,
                user: r.get(2)?,
                action: r.get(3)?,
                target: r.get(4)?,
                before: r.get(5)?,
                after: r.get(6)?,
            })
        })?
        .collect();
    v
}

/// The whole log as CSV, oldest first.
pub(crate) fn csv(conn: &Connection) -> rusqlite::Result<String> {
    let mut rows = list(conn, i64::MAX)?;
    rows.reverse();
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(["id", "at", "user", "action", "target", "before", "after"]);
    for e in rows {
        let _ = w.write_record([
            e.id.to_string(),
            e.at,
            e.user,
            e.action,
            e.target,
            e.before,
            e.after,
        ]);
    }
    Ok(String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default())
}
