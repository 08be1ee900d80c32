//! The device-facing tables, made by the same statements on both backends:
//! the events ([`crate::events::SCHEMA`]), the enrollment codes and devices
//! ([`crate::enroll::TABLES`]) and the enrollment limit
//! ([`crate::enroll_limit::SCHEMA`]), spelled for the backend by
//! [`super::dialect::ddl`].
//!
//! On PostgreSQL the statements run in one transaction under an advisory
//! lock, so hub instances starting together on one database do not race
//! each other's `CREATE TABLE IF NOT EXISTS`.

use super::{dialect, Backend, DbError, Sql};

/// Any constant, the same in every instance: the lock that serialises
/// schema changes.
const SCHEMA_LOCK: i64 = 0x0066_7972_5f68_7562;

pub fn create<S: Sql>(db: &S) -> Result<(), DbError> {
    match db.backend() {
        Backend::Postgres => db.in_transaction(|d| {
            d.batch(&format!("SELECT pg_advisory_xact_lock({SCHEMA_LOCK})"))?;
            statements(d)
        }),
        // SQLite: the statements are idempotent and the file is locked per
        // statement; no transaction needed.
        Backend::Sqlite => statements(db),
    }
}

fn statements<S: Sql>(db: &S) -> Result<(), DbError> {
    let b = db.backend();
    for s in [
        crate::events::SCHEMA,
        crate::enroll::TABLES,
        crate::enroll_limit::SCHEMA,
    ] {
        db.batch(&dialect::ddl(s, b))?;
    }
    // Codes of the earlier format (a plain sha256, no prefix) can never
    // match again: show them as expired.
    let now = chrono::Utc::now()
        .format("%Y-%m-%dT%H:%M:%S+00:00")
        .to_string();
    db.exec(
        "UPDATE enroll_codes SET expires = $1
          WHERE used IS NULL AND code_hash NOT LIKE 'hmac-sha256:%' AND expires > $1",
        &[now.into()],
    )?;
    Ok(())
}
