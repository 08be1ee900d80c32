//! The PostgreSQL side of [`super::Sql`], on the synchronous `postgres`
//! client, kept on a thread of its own ([`PgConn`]).

use super::{Backend, DbError, Row, Sql, Val};
use bytes::BytesMut;
use postgres::types::{to_sql_checked, IsNull, ToSql, Type};
use postgres::{Client, NoTls, Statement};
use std::collections::HashMap;
use std::sync::{mpsc, Mutex};

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
        other => {
            return Err(DbError::Type(format!(
                "column {i}: unsupported type {other}"
            )))
        }
    };
    Ok(v.unwrap_or(Val::Null))
}

type Job = Box<dyn FnOnce(&mut Worker) + Send>;

/// The client and its prepared statements, owned by the connection's thread.
struct Worker {
    url: String,
    client: Client,
    prepared: HashMap<String, Statement>,
}

impl Worker {
    /// After the server closed the connection (a restart, a fail-over to
    /// the replica, an administrator), the next call connects again. The
    /// call that met the closed connection has failed already: it was
    /// answered with an error and nothing of it was committed.
    fn reconnect_if_closed(&mut self) {
        if self.client.is_closed() {
            if let Ok(c) = Client::connect(&self.url, NoTls) {
                self.client = c;
                self.prepared.clear();
            }
        }
    }

    fn statement(&mut self, sql: &str) -> Result<Statement, DbError> {
        if let Some(s) = self.prepared.get(sql) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(sql)?;
        if self.prepared.len() > 256 {
            self.prepared.clear();
        }
        self.prepared.insert(sql.to_string(), s.clone());
        Ok(s)
    }
}

/// One PostgreSQL connection. The synchronous client runs a small runtime
/// of its own and must not be called from inside an async task (the
/// console's handlers are async and call the database directly), so the
/// client lives on a thread of its own and each call is handed to it: one
/// channel hop, small beside the network round trip.
pub struct PgConn {
    jobs: Mutex<mpsc::Sender<Job>>,
}

impl PgConn {
    pub fn connect(url: &str) -> Result<PgConn, DbError> {
        let (jobs, rx) = mpsc::channel::<Job>();
        let (ready_tx, ready) = mpsc::channel();
        let url = url.to_string();
        std::thread::Builder::new()
            .name("fyr-postgres".into())
            .spawn(move || {
                let client = match Client::connect(&url, NoTls) {
                    Ok(c) => {
                        let _ = ready_tx.send(Ok(()));
                        c
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                        return;
                    }
                };
                let mut w = Worker {
                    url,
                    client,
                    prepared: HashMap::new(),
                };
                // Ends when the PgConn (the sender) is dropped.
                for job in rx {
                    w.reconnect_if_closed();
                    job(&mut w);
                }
            })
            .map_err(|e| DbError::Type(format!("cannot start the database thread: {e}")))?;
        ready
            .recv()
            .map_err(|_| DbError::Type("the database thread ended".into()))??;
        Ok(PgConn {
            jobs: Mutex::new(jobs),
        })
    }

    fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Worker) -> Result<T, DbError> + Send + 'static,
    ) -> Result<T, DbError> {
        let (tx, rx) = mpsc::sync_channel(1);
        let job: Job = Box::new(move |w| {
            let _ = tx.send(f(w));
        });
        self.jobs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .send(job)
            .map_err(|_| DbError::Type("the database connection is gone".into()))?;
        rx.recv()
            .map_err(|_| DbError::Type("the database connection is gone".into()))?
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
        let (sql, params) = (sql.to_string(), params.to_vec());
        self.run(move |w| {
            let st = w.statement(&sql)?;
            Ok(w.client.execute(&st, &refs(&params))?)
        })
    }
    fn rows(&self, sql: &str, params: &[Val]) -> Result<Vec<Row>, DbError> {
        let (sql, params) = (sql.to_string(), params.to_vec());
        self.run(move |w| {
            let st = w.statement(&sql)?;
            let rows = w.client.query(&st, &refs(&params))?;
            rows.iter()
                .map(|r| {
                    (0..r.len())
                        .map(|i| val(r, i))
                        .collect::<Result<_, _>>()
                        .map(Row)
                })
                .collect()
        })
    }
    fn batch(&self, sql: &str) -> Result<(), DbError> {
        let sql = sql.to_string();
        self.run(move |w| Ok(w.client.batch_execute(&sql)?))
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
    if !name
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    {
        return Err(DbError::Type(format!("bad database name {name:?}")));
    }
    PgConn::connect(url)?.batch(&format!("CREATE DATABASE {name}"))?;
    Ok(with_dbname(url, name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hub_connects_again_after_the_server_dropped_it() {
        // Only with a PostgreSQL server (FYR_TEST_PG; scripts/test.sh).
        let Some(_) = crate::db::testing::pg_url() else {
            return;
        };
        let dir = tempfile::tempdir().unwrap();
        let target = crate::db::testing::target(dir.path());
        let hub = crate::db::Db::open(&target).unwrap();
        let admin = crate::db::Db::open(&target).unwrap();
        let pid = hub
            .row("SELECT pg_backend_pid()", &[])
            .unwrap()
            .unwrap()
            .int(0)
            .unwrap();
        // What a fail-over does to the hub's connection.
        admin
            .row("SELECT pg_terminate_backend($1)", &[pid.into()])
            .unwrap();
        // The call that meets the closed connection may fail; the next works.
        let ok = (0..3).any(|_| {
            std::thread::sleep(std::time::Duration::from_millis(50));
            hub.row("SELECT COUNT(*) FROM events", &[]).is_ok()
        });
        assert!(ok, "the hub never reconnected");
        let again = hub
            .row("SELECT pg_backend_pid()", &[])
            .unwrap()
            .unwrap()
            .int(0)
            .unwrap();
        assert_ne!(again, pid);
    }

    #[test]
    fn urls_are_redacted_and_renamed() {
        assert_eq!(
            redact("postgres://fyr:hemligt@127.0.0.1:5432/hub"),
            "postgres://fyr:***@127.0.0.1:5432/hub"
        );
        assert_eq!(
            redact("postgres://fyr@127.0.0.1/hub"),
            "postgres://fyr@127.0.0.1/hub"
        );
        assert_eq!(
            with_dbname(
                "postgres://fyr@127.0.0.1:5433/postgres?sslmode=disable",
                "t1"
            ),
            "postgres://fyr@127.0.0.1:5433/t1?sslmode=disable"
        );
        assert_eq!(
            with_dbname("postgresql://fyr@127.0.0.1:5433", "t1"),
            "postgresql://fyr@127.0.0.1:5433/t1"
        );
    }
}
