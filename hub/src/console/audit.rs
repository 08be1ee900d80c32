//! The audit log: every change made through the console or the user
//! commands — who, when, what, before and after — readable and exportable
//! (CSV) by admins.

use crate::db::{Db, DbError, Sql};
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
    conn: &Db,
    user: &str,
    action: &str,
    target: &str,
    before: Option<&Value>,
    after: Option<&Value>,
) -> Result<(), DbError> {
    conn.exec(
        r#"INSERT INTO console_audit (at, "user", action, target, before, after) VALUES ($1, $2, $3, $4, $5, $6)"#,
        &[
            chrono::Utc::now()
                .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
                .into(),
            user.into(),
            action.into(),
            target.into(),
            before.map(Value::to_string).into(),
            after.map(Value::to_string).into(),
        ],
    )?;
    Ok(())
}

/// The newest `limit` entries, newest first.
pub(crate) fn list(conn: &Db, limit: i64) -> Result<Vec<AuditEntry>, DbError> {
    conn.rows(
        r#"SELECT id, at, "user", action, target, COALESCE(before, ''), COALESCE(after, '') FROM console_audit ORDER BY id DESC LIMIT $1"#,
        &[limit.into()],
    )?
    .into_iter()
    .map(|r| {
        Ok(AuditEntry {
            id: r.int(0)?,
            at: r.text(1)?,
            user: r.text(2)?,
            action: r.text(3)?,
            target: r.text(4)?,
            before: r.text(5)?,
            after: r.text(6)?,
        })
    })
    .collect()
}

/// The whole log as CSV, oldest first.
pub(crate) fn csv(conn: &Db) -> Result<String, DbError> {
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
