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

/// The hub database of a test whose files live in `dir` (the hub secret
/// sits beside `dir/hub.db` on either backend). On PostgreSQL the first
/// call makes a fresh database and notes its URL in `dir`, so a hub
/// restarted on the same directory finds the same database.
pub fn target(dir: &Path) -> Target {
    let file = dir.join("hub.db");
    let Some(url) = pg_url() else {
        return Target::Sqlite(file);
    };
    let note = dir.join("test-postgres-url");
    let url = match std::fs::read_to_string(&note) {
        Ok(u) => u.trim().to_string(),
        Err(_) => {
            let name = format!("fyr_t_{}", hex::encode(rand::random::<[u8; 8]>()));
            let u = super::pg::create_database(&url, &name)
                .unwrap_or_else(|e| panic!("{ENV}: cannot make a test database: {e}"));
            std::fs::write(&note, &u).unwrap_or_else(|e| panic!("{}: {e}", note.display()));
            u
        }
    };
    Target::Postgres {
        url,
        secret_beside: file,
    }
}

/// Points a test hub at a fresh PostgreSQL database when `FYR_TEST_PG` is
/// set (all its tables, the console's too; only the hub secret stays beside
/// `cfg.db_path`); leaves SQLite otherwise.
pub fn apply(cfg: &mut crate::ServeConfig) {
    let dir = cfg.db_path.parent().unwrap_or(Path::new("."));
    if let Target::Postgres { url, .. } = target(dir) {
        cfg.postgres = Some(url);
    }
}
