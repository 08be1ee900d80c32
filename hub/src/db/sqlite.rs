//! The SQLite side of [`super::Sql`], on a `rusqlite::Connection`.

use super::{dialect, Backend, DbError, Row, Sql, Val};
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::Connection;
use std::path::Path;
use std::sync::OnceLock;

impl rusqlite::ToSql for Val {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(ToSqlOutput::Borrowed(match self {
            Val::Null => ValueRef::Null,
            Val::Int(v) => ValueRef::Integer(*v),
            Val::Text(s) => ValueRef::Text(s.as_bytes()),
            Val::Blob(b) => ValueRef::Blob(b),
        }))
    }
}

fn val(v: ValueRef<'_>) -> Result<Val, DbError> {
    Ok(match v {
        ValueRef::Null => Val::Null,
        ValueRef::Integer(i) => Val::Int(i),
        ValueRef::Text(t) => Val::Text(
            std::str::from_utf8(t)
                .map_err(|e| DbError::Type(e.to_string()))?
                .to_string(),
        ),
        ValueRef::Blob(b) => Val::Blob(b.to_vec()),
        ValueRef::Real(r) => return Err(DbError::Type(format!("unexpected real {r}"))),
    })
}

impl Sql for Connection {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }
    fn exec(&self, sql: &str, params: &[Val]) -> Result<u64, DbError> {
        let mut st = self.prepare_cached(&dialect::placeholders(sql, Backend::Sqlite))?;
        Ok(st.execute(rusqlite::params_from_iter(params))? as u64)
    }
    fn rows(&self, sql: &str, params: &[Val]) -> Result<Vec<Row>, DbError> {
        let mut st = self.prepare_cached(&dialect::placeholders(sql, Backend::Sqlite))?;
        let n = st.column_count();
        let mut rows = st.query(rusqlite::params_from_iter(params))?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let mut row = Vec::with_capacity(n);
            for i in 0..n {
                row.push(val(r.get_ref(i)?)?);
            }
            out.push(Row(row));
        }
        Ok(out)
    }
    fn batch(&self, sql: &str) -> Result<(), DbError> {
        Ok(self.execute_batch(sql)?)
    }
    /// The file beside the database (`<db>.secret`); an in-memory database
    /// (tests) gets one secret per process.
    fn secret(&self) -> Result<[u8; 32], DbError> {
        match self.path().filter(|p| !p.is_empty()) {
            Some(p) => {
                crate::files::hub_secret(Path::new(p)).map_err(|e| DbError::Secret(e.to_string()))
            }
            None => {
                static MEMORY: OnceLock<[u8; 32]> = OnceLock::new();
                Ok(*MEMORY.get_or_init(rand::random))
            }
        }
    }
    fn ensure_schema(&self) -> Result<(), DbError> {
        super::schema::create(self)
    }
    fn checkpoint(&self) {
        crate::events::checkpoint(self)
    }
}
