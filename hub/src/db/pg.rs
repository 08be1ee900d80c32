//! The PostgreSQL side of [`super::Sql`], on the synchronous `postgres`
//! client (it runs its own small runtime; the hub calls it only from
//! blocking threads, never from an async task).

use super::{Backend, DbError, Row, Sql, Val};
use bytes::BytesMut;
use postgres::types::{to_sql_checked, IsNull, ToSql, Type};
use postgres::{Client, NoTls, Statement};
use std::cell::RefCell;
use std::collections::HashMap;

impl ToSql for Val {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Val::Null => Ok(IsNull::Yes),
            Val::Int(v) => match *ty {
                Type::INT2 => i16::try_from(*v)?.to_sql(ty, out),
                Type::INT4 => i32::try_from(*v)?.to_sql(ty, out),
                Type::BOOL => (*v != 0).to_sql(ty, out),
                _ => v.to_sql(ty, out),
            },
            Val::Text(s) => s.as_str().to_sql(ty, out),
            Val::Blob(b) => b.as_slice().to_sql(ty, out),
        }
    }
    fn accepts(_: &Type) -> bool {
        true
    }
    to_sql_checked!();
}

fn val(r: &postgres::Row, i: usize) -> Result<Val, DbError> {
    let ty = r.columns()[i].type_().clone();
    let v = match ty {
        Type::INT8 => r.try_get::<_, Option<i64>>(i)?.map(Val::Int),
        Type::INT4 => r.try_get::<_, Option<i32>>(i)?.map(|v| Val::Int(v.into())),
        Type::INT2 => r.try_get::<_, Option<i16>>(i)?.map(|v| Val::Int(v.into())),
        Type::BOOL => r.try_get::<_, Option<bool>>(i)?.map(|v| Val::Int(v.into())),
        Type::BYTEA => r.try_get::<_, Option<Vec<u8>>>(i)?.map(Val::Blob),
        Type::TEXT | Type::VARCHAR | Type::BPCHAR | Type::NAME => {
            r.try_get::<_, Option<String>>(i)?.map(Val::Text)
        }
        other => return Err(DbError::Type(format!("column {i}: unsupported type {other}"))),
    };
    Ok(v.unwrap_or(Val::Null))
}

/// One PostgreSQL connection with its prepared statements.
pub struct PgConn {
    client: RefCell<Client>,
    prepared: RefCell<HashMap<String, Statement>>,
}

impl PgConn {
    pub fn connect(url: &str) -> Result<PgConn, DbError> {
        Ok(PgConn {
            client: RefCell::new(Client::connect(url, NoTls)?),
            prepared: RefCell::new(HashMap::new()),
        })
    }

    fn statement(&self, sql: &str) -> Result<Statement, DbError> {
        if let Some(s) = self.prepared.borrow().get(sql) {
            return Ok(s.clone());
        }
        let s = self.client.borrow_mut().prepare(sql)?;
        let mut p = self.prepared.borrow_mut();
        if p.len() > 256 {
            p.clear();
        }
        p.insert(sql.to_string(), s.clone());
        Ok(s)
    }
}

fn refs(params: &[Val]) -> Vec<&(dyn ToSql + Sync)> {
    params.iter().map(|p| p as &(dyn ToSql + Sync)).collect()
}

impl Sql for PgConn {
    fn backend(&self) -> Backend {
        Backend::Postgres
    }
    fn exec(&self, sql: &str, params: &[Val]) -> Result<u64, DbError> {
        let st = self.statement(sql)?;
        Ok(self.client.borrow_mut().execute(&st, &refs(params))?)
    }
    fn rows(&self, sql: &str, params: &[Val]) -> Result<Vec<Row>, DbError> {
        let st = self.statement(sql)?;
        let rows = self.client.borrow_mut().query(&st, &refs(params))?;
        rows.iter()
            .map(|r| (0..r.len()).map(|i| val(r, i)).collect::<Result<_, _>>().map(Row))
            .collect()
    }
    fn batch(&self, sql: &str) -> Result<(), DbError> {
        Ok(self.client.borrow_mut().batch_execute(sql)?)
    }
    fn secret(&self) -> Result<[u8; 32], DbError> {
        Err(DbError::Secret(
            "a bare PostgreSQL connection has no secret; open a Db".into(),
        ))
    }
    fn ensure_schema(&self) -> Result<(), DbError> {
        Ok(())
    }
}

/// The URL without its password, for messages.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    match rest.split_once('@') {
        Some((userinfo, host)) if userinfo.contains(':') => {
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{scheme}://{user}:***@{host}")
        }
        _ => url.to_string(),
    }
}

/// The same server and user with another database name.
pub fn with_dbname(url: &str, name: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
    let (authority, tail) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    let query = tail.find('?').map(|i| &tail[i..]).unwrap_or("");
    format!("{scheme}://{authority}/{name}{query}")
}

/// Makes a new, empty database on the server `url` points at (tests and
/// the load benchmark: each gets its own) and returns its URL.
pub fn create_database(url: &str, name: &str) -> Result<String, DbError> {
    if !name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
        return Err(DbError::Type(format!("bad database name {name:?}")));
    }
    let mut c = Client::connect(url, NoTls)?;
    c.batch_execute(&format!("CREATE DATABASE {name}"))?;
    Ok(with_dbname(url, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_redacted_and_renamed() {
        assert_eq!(
            redact("postgres://fyr:hemligt@127.0.0.1:5432/hub"),
            "postgres://fyr:***@127.0.0.1:5432/hub"
        );
        assert_eq!(redact("postgres://fyr@127.0.0.1/hub"), "postgres://fyr@127.0.0.1/hub");
        assert_eq!(
            with_dbname("postgres://fyr@127.0.0.1:5433/postgres?sslmode=disable", "t1"),
            "postgres://fyr@127.0.0.1:5433/t1?sslmode=disable"
        );
        assert_eq!(
            with_dbname("postgresql://fyr@127.0.0.1:5433", "t1"),
            "postgresql://fyr@127.0.0.1:5433/t1"
        );
    }
}
