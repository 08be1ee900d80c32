//! Test support: which database a test's hub uses. With `FYR_TEST_PG` set
//! to a PostgreSQL server URL (`scripts/test.sh` starts one on 127.0.0.1),
//! each call makes a fresh database on it; without it, an SQLite file in
//! the test's directory. Small and without dependencies of its own, so the
//! hub's own unit tests and the integration tests share it.

use super::Target;
use std::path::Path;

/// The environment variable naming the PostgreSQL server for tests.
pub const ENV: &str = "FYR_TEST_PG";

/// The server URL when the tests run against PostgreSQL.
pub fn pg_url() -> Option<String> {
    std::env::var(ENV).ok().filter(|u| !u.trim().is_empty())
}

/// A fresh hub database for a test whose files live in `dir` (the hub
/// secret sits beside `dir/hub.db` on either backend).
pub fn target(dir: &Path) -> Target {
    let file = dir.join("hub.db");
    match pg_url() {
        None => Target::Sqlite(file),
        Some(url) => {
            let name = format!("fyr_t_{}", hex::encode(rand::random::<[u8; 8]>()));
            let url = super::pg::create_database(&url, &name)
                .unwrap_or_else(|e| panic!("{ENV}: cannot make a test database: {e}"));
            Target::Postgres {
                url,
                secret_beside: file,
            }
        }
    }
}
