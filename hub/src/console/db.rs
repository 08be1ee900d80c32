//! The console's tables in the hub's database (SQLite or PostgreSQL, the
//! same statements spelled by [`dialect::ddl`]), created and upgraded by
//! numbered migrations recorded in `console_schema` on either backend, so
//! they never clash with the device-facing tables' own schema handling.
//!
//! `user` is a reserved word in PostgreSQL: every statement spells the
//! column `"user"` (the same column in SQLite).

use crate::db::{dialect, Backend, Db, DbError, Sql, Target};
use crate::HubError;

/// Each entry is applied once, in order, inside a transaction.
const MIGRATIONS: &[&str] = &[
    // 1: accounts, sessions, audit, the working directory, publishing,
    //    the correction queue and the follow-up indicators.
    r#"CREATE TABLE console_users (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL,
        county TEXT,
        hash TEXT NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0,
        created TEXT NOT NULL
    );
    CREATE TABLE console_sessions (
        token_hash TEXT PRIMARY KEY,
        "user" TEXT NOT NULL,
        csrf TEXT NOT NULL,
        created INTEGER NOT NULL,
        seen INTEGER NOT NULL
    );
    CREATE TABLE console_login_failures (key TEXT NOT NULL, at INTEGER NOT NULL);
    CREATE INDEX console_login_failures_key ON console_login_failures(key, at);
    CREATE TABLE console_audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        "user" TEXT NOT NULL,
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
        "user" TEXT NOT NULL,
        how TEXT NOT NULL
    );
    CREATE TABLE console_versions (
        version INTEGER PRIMARY KEY,
        feed_id TEXT NOT NULL,
        "user" TEXT NOT NULL,
        at TEXT NOT NULL,
        rows TEXT NOT NULL,
        files TEXT NOT NULL
    );
    CREATE TABLE console_corrections (
        event_id TEXT PRIMARY KEY,
        state TEXT NOT NULL,
        note TEXT NOT NULL,
        "user" TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE TABLE console_indicators (
        county TEXT NOT NULL,
        quarter TEXT NOT NULL,
        kind TEXT NOT NULL,
        value INTEGER NOT NULL,
        "user" TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (county, quarter, kind)
    );"#,
    // 2: drafts (who changed a service since it was published, whether it
    //    is ready, and the service as published, to hold it back) and
    //    failed logins per account and per address.
    r#"CREATE TABLE console_drafts (
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
    );"#,
    // 3: a login attempt is counted from its start (so parallel guesses
    //    all count), by a nonce that its outcome then settles; `at` is in
    //    milliseconds from now on (rows in seconds fall out of the window).
    r#"ALTER TABLE console_login_failures ADD COLUMN attempt TEXT;
    CREATE INDEX console_login_failures_attempt ON console_login_failures(attempt);"#,
    // 4: an uploaded import file waiting for its confirmation, with the
    //    report shown (JSON), so the confirmation may reach any hub.
    r#"CREATE TABLE console_uploads (
        token_hash TEXT PRIMARY KEY,
        "user" TEXT NOT NULL,
        name TEXT NOT NULL,
        body BLOB NOT NULL,
        report TEXT NOT NULL,
        created INTEGER NOT NULL
    );"#,
    // 5: the confirmation after a redirect, in the session's row (sealed
    //    with a key from the session's cookie), so any hub shows it.
    "ALTER TABLE console_sessions ADD COLUMN flash TEXT;",
];

/// Any constant, the same in every instance: serialises the console's
/// migrations when hub instances start together on one PostgreSQL.
const MIGRATION_LOCK: i64 = 0x0066_7972_5f63_6f6e;

/// Opens the hub database (its device-facing tables made as the hub makes
/// them) and applies the console's migrations.
pub fn open(target: &Target) -> Result<Db, HubError> {
    let db = Db::open(target)?;
    migrate(&db).map_err(|e| db.err(e))?;
    Ok(db)
}

/// Applies the migrations `db` has not had yet, each in a transaction.
pub fn migrate(db: &Db) -> Result<(), DbError> {
    let b = db.backend();
    db.batch("CREATE TABLE IF NOT EXISTS console_schema (version INTEGER NOT NULL)")?;
    for (i, sql) in MIGRATIONS.iter().enumerate() {
        let v = i as i64 + 1;
        db.in_transaction(|d| -> Result<(), DbError> {
            if b == Backend::Postgres {
                d.batch(&format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))?;
            }
            let have = d
                .row("SELECT COALESCE(MAX(version), 0) FROM console_schema", &[])?
                .map_or(Ok(0), |r| r.int(0))?;
            if v > have {
                d.batch(&dialect::ddl(sql, b))?;
                d.exec(
                    "INSERT INTO console_schema (version) VALUES ($1)",
                    &[v.into()],
                )?;
            }
            Ok(())
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::db::Sql;

    #[test]
    fn migrations_apply_once() {
        let dir = tempfile::tempdir().unwrap();
        let t = crate::db::testing::target(dir.path());
        drop(super::open(&t).unwrap());
        let c = super::open(&t).unwrap();
        let n = c
            .row("SELECT COUNT(*) FROM console_schema", &[])
            .unwrap()
            .unwrap()
            .int(0)
            .unwrap();
        assert_eq!(n, super::MIGRATIONS.len() as i64);
    }
}
