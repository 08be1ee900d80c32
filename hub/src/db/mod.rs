//! The hub's database layer: one interface ([`Sql`]) over SQLite (the
//! embedded default, `rusqlite`) and PostgreSQL (the `postgres` client, for
//! several hub instances on one replicated database).
//!
//! SQL is written once, in the dialect both accept: `$1`-style placeholders
//! (rewritten to `?1` for SQLite, [`dialect`]), `INSERT … ON CONFLICT … DO
//! NOTHING`/`DO UPDATE`, `TEXT`/`INTEGER`/`BLOB` columns in the schema
//! (mapped to `BIGINT`/`BYTEA` for PostgreSQL, [`dialect::ddl`]). Values go
//! in and come out as [`Val`]; a row is a `Vec<Val>` ([`Row`]).
//!
//! The device-facing tables (events, enrollment codes, devices, the
//! enrollment limit) are created by [`schema`] on both backends with the
//! same statements. The `postgres` client is synchronous and lives on a
//! thread of its own ([`pg::PgConn`]), so it may be called from anywhere,
//! as the SQLite connection always was.

pub mod dialect;
pub mod pg;
pub mod pool;
pub mod schema;
pub mod sqlite;
pub mod testing;

use crate::HubError;
use std::path::{Path, PathBuf};

/// A value bound to or read from a statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Null,
    Int(i64),
    Text(String),
    Blob(Vec<u8>),
}

impl From<i64> for Val {
    fn from(v: i64) -> Val {
        Val::Int(v)
    }
}
impl From<u32> for Val {
    fn from(v: u32) -> Val {
        Val::Int(v.into())
    }
}
impl From<bool> for Val {
    fn from(v: bool) -> Val {
        Val::Int(v.into())
    }
}
impl From<&str> for Val {
    fn from(v: &str) -> Val {
        Val::Text(v.to_string())
    }
}
impl From<String> for Val {
    fn from(v: String) -> Val {
        Val::Text(v)
    }
}
impl From<&String> for Val {
    fn from(v: &String) -> Val {
        Val::Text(v.clone())
    }
}
impl From<Vec<u8>> for Val {
    fn from(v: Vec<u8>) -> Val {
        Val::Blob(v)
    }
}
impl<T: Into<Val>> From<Option<T>> for Val {
    fn from(v: Option<T>) -> Val {
        v.map_or(Val::Null, Into::into)
    }
}

/// One result row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row(pub Vec<Val>);

impl Row {
    fn col(&self, i: usize) -> Result<&Val, DbError> {
        self.0
            .get(i)
            .ok_or_else(|| DbError::Type(format!("no column {i}")))
    }
    pub fn int(&self, i: usize) -> Result<i64, DbError> {
        match self.col(i)? {
            Val::Int(v) => Ok(*v),
            v => Err(DbError::Type(format!(
                "column {i}: expected an integer, got {v:?}"
            ))),
        }
    }
    pub fn text(&self, i: usize) -> Result<String, DbError> {
        match self.col(i)? {
            Val::Text(v) => Ok(v.clone()),
            v => Err(DbError::Type(format!(
                "column {i}: expected text, got {v:?}"
            ))),
        }
    }
    pub fn opt_text(&self, i: usize) -> Result<Option<String>, DbError> {
        match self.col(i)? {
            Val::Null => Ok(None),
            _ => self.text(i).map(Some),
        }
    }
    pub fn blob(&self, i: usize) -> Result<Vec<u8>, DbError> {
        match self.col(i)? {
            Val::Blob(v) => Ok(v.clone()),
            v => Err(DbError::Type(format!(
                "column {i}: expected bytes, got {v:?}"
            ))),
        }
    }
}

/// What went wrong in the database.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("{0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{0}")]
    Postgres(#[from] postgres::Error),
    #[error("{0}")]
    Type(String),
    #[error("hub secret: {0}")]
    Secret(String),
}

/// Which database a connection speaks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Statements on a hub database. Implemented by [`Db`] (either backend)
/// and by a plain `rusqlite::Connection`.
pub trait Sql {
    fn backend(&self) -> Backend;
    /// Runs one statement; the number of rows changed.
    fn exec(&self, sql: &str, params: &[Val]) -> Result<u64, DbError>;
    /// Runs one query; all its rows.
    fn rows(&self, sql: &str, params: &[Val]) -> Result<Vec<Row>, DbError>;
    /// Runs statements without parameters.
    fn batch(&self, sql: &str) -> Result<(), DbError>;
    /// The hub secret (HMAC key for enrollment codes and client keys).
    fn secret(&self) -> Result<[u8; 32], DbError>;
    /// Makes sure the device-facing tables exist (a no-op on a [`Db`],
    /// whose [`Db::open`] made them).
    fn ensure_schema(&self) -> Result<(), DbError>;
    /// SQLite: moves the write-ahead log into the file
    /// ([`crate::events::checkpoint`]); PostgreSQL: nothing.
    fn checkpoint(&self) {}

    /// The first row, if any.
    fn row(&self, sql: &str, params: &[Val]) -> Result<Option<Row>, DbError> {
        Ok(self.rows(sql, params)?.into_iter().next())
    }

    /// Runs `f` in one transaction (SQLite: `BEGIN IMMEDIATE`, so two
    /// processes on one file never deadlock upgrading a read lock);
    /// commits on `Ok`, rolls back on `Err`.
    fn in_transaction<T, E: From<DbError>>(
        &self,
        f: impl FnOnce(&Self) -> Result<T, E>,
    ) -> Result<T, E>
    where
        Self: Sized,
    {
        self.batch(match self.backend() {
            Backend::Sqlite => "BEGIN IMMEDIATE",
            Backend::Postgres => "BEGIN",
        })?;
        match f(self) {
            Ok(v) => {
                if let Err(e) = self.batch("COMMIT") {
                    let _ = self.batch("ROLLBACK");
                    return Err(e.into());
                }
                Ok(v)
            }
            Err(e) => {
                let _ = self.batch("ROLLBACK");
                Err(e)
            }
        }
    }
}

/// Where the hub keeps its data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An SQLite file; the hub secret is the file beside it (`<db>.secret`).
    Sqlite(PathBuf),
    /// A PostgreSQL database (`postgres://…`); the hub secret is read from
    /// (or made at) `secret_beside`'s `.secret` file, which every instance
    /// must share (it never goes into the database, so a dump of the
    /// database cannot reverse the keyed client hashes).
    Postgres { url: String, secret_beside: PathBuf },
}

impl Target {
    /// `postgres://…` or `postgresql://…` is PostgreSQL; anything else a
    /// file path.
    pub fn parse(s: &str, secret_beside: &Path) -> Target {
        if is_postgres_url(s) {
            Target::Postgres {
                url: s.to_string(),
                secret_beside: secret_beside.to_path_buf(),
            }
        } else {
            Target::Sqlite(PathBuf::from(s))
        }
    }

    /// The database as named in messages (a URL without its password).
    pub fn label(&self) -> String {
        match self {
            Target::Sqlite(p) => p.display().to_string(),
            Target::Postgres { url, .. } => pg::redact(url),
        }
    }

    /// The path whose `.secret` file holds the hub secret.
    pub fn secret_path(&self) -> &Path {
        match self {
            Target::Sqlite(p) => p,
            Target::Postgres { secret_beside, .. } => secret_beside,
        }
    }
}

/// Whether `s` names a PostgreSQL database.
pub fn is_postgres_url(s: &str) -> bool {
    s.starts_with("postgres://") || s.starts_with("postgresql://")
}

enum Inner {
    Sqlite(rusqlite::Connection),
    Postgres(pg::PgConn),
}

/// An open hub database of either backend, its tables made.
pub struct Db {
    inner: Inner,
    secret: [u8; 32],
    label: String,
}

impl Db {
    /// Opens (creating) the hub database with its device-facing tables and
    /// reads (or makes) the hub secret.
    pub fn open(target: &Target) -> Result<Db, HubError> {
        let label = target.label();
        let secret = crate::files::hub_secret(target.secret_path())?;
        let inner = match target {
            Target::Sqlite(path) => Inner::Sqlite(crate::events::open_db(path)?),
            Target::Postgres { url, .. } => {
                let c = pg::PgConn::connect(url).map_err(|e| HubError::Db {
                    path: label.clone(),
                    reason: e.to_string(),
                })?;
                schema::create(&c).map_err(|e| HubError::Db {
                    path: label.clone(),
                    reason: e.to_string(),
                })?;
                Inner::Postgres(c)
            }
        };
        Ok(Db {
            inner,
            secret,
            label,
        })
    }

    /// The database as named in messages.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The SQLite connection, when this is SQLite.
    pub fn sqlite(&self) -> Option<&rusqlite::Connection> {
        match &self.inner {
            Inner::Sqlite(c) => Some(c),
            Inner::Postgres(_) => None,
        }
    }

    /// A [`HubError`] naming this database.
    pub fn err(&self, e: impl std::fmt::Display) -> HubError {
        HubError::Db {
            path: self.label.clone(),
            reason: e.to_string(),
        }
    }
}

impl Sql for Db {
    fn backend(&self) -> Backend {
        match &self.inner {
            Inner::Sqlite(_) => Backend::Sqlite,
            Inner::Postgres(_) => Backend::Postgres,
        }
    }
    fn exec(&self, sql: &str, params: &[Val]) -> Result<u64, DbError> {
        match &self.inner {
            Inner::Sqlite(c) => c.exec(sql, params),
            Inner::Postgres(c) => c.exec(sql, params),
        }
    }
    fn rows(&self, sql: &str, params: &[Val]) -> Result<Vec<Row>, DbError> {
        match &self.inner {
            Inner::Sqlite(c) => c.rows(sql, params),
            Inner::Postgres(c) => c.rows(sql, params),
        }
    }
    fn batch(&self, sql: &str) -> Result<(), DbError> {
        match &self.inner {
            Inner::Sqlite(c) => c.batch(sql),
            Inner::Postgres(c) => c.batch(sql),
        }
    }
    fn secret(&self) -> Result<[u8; 32], DbError> {
        Ok(self.secret)
    }
    fn ensure_schema(&self) -> Result<(), DbError> {
        Ok(())
    }
    fn checkpoint(&self) {
        if let Inner::Sqlite(c) = &self.inner {
            crate::events::checkpoint(c)
        }
    }
}
