//! The enrollment endpoint's limit on wrong codes, per client, kept in the
//! hub database so that a restart forgets nothing.
//!
//! The client is the address [`crate::proxy::TrustedProxies::client`] finds
//! (behind a trusted proxy, the forwarded address), counted per
//! [`crate::proxy::rate_key`] (IPv4 address, IPv6 /64). Only failures count
//! — a malformed, wrong, used or expired code — so a nurse whose code works
//! is never slowed by her own earlier typos, and one client's failures never
//! touch another's allowance. There is deliberately no limit "in all": with
//! 70-bit codes guessing is hopeless at any rate the hub can answer (10^6
//! guesses against 1,000 open codes hit one with odds about 10^-15), while a
//! shared limit would let 20 addresses lock every new phone out.
//!
//! A row holds the keyed hash of the client key (HMAC under the hub secret,
//! never the address), the start of its window and the failures in it; rows
//! whose window is over are deleted whenever a failure is recorded.

use crate::db::Sql;
use crate::enroll::{init, keyed, secret, EnrollError};
use chrono::{DateTime, Utc};

/// Failures allowed per client and window.
#[derive(Debug, Clone, Copy)]
pub struct EnrollLimit {
    pub failures: u32,
    pub window_secs: i64,
}

impl Default for EnrollLimit {
    /// 10 wrong codes per client per 10 minutes.
    fn default() -> Self {
        EnrollLimit {
            failures: 10,
            window_secs: 600,
        }
    }
}

pub const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS enroll_failures (
        client TEXT PRIMARY KEY,
        window_start INTEGER NOT NULL,
        failures INTEGER NOT NULL
    ) WITHOUT ROWID;";

fn client_hash(conn: &impl Sql, client: &str) -> Result<String, EnrollError> {
    Ok(keyed(&secret(conn)?, "client", client))
}

impl EnrollLimit {
    /// Whether `client` may try a code now: `Err(seconds to wait)` when it
    /// has used up its failures in the current window.
    pub fn check(
        &self,
        conn: &impl Sql,
        client: &str,
        now: DateTime<Utc>,
    ) -> Result<Result<(), u64>, EnrollError> {
        init(conn)?;
        let row: Option<(i64, i64)> = match conn.row(
            "SELECT window_start, failures FROM enroll_failures WHERE client = $1",
            &[client_hash(conn, client)?.into()],
        )? {
            Some(r) => Some((r.int(0)?, r.int(1)?)),
            None => None,
        };
        let now = now.timestamp();
        Ok(match row {
            Some((start, n)) if now < start + self.window_secs && n >= i64::from(self.failures) => {
                Err((start + self.window_secs - now).max(1) as u64)
            }
            _ => Ok(()),
        })
    }

    /// Counts a failed attempt of `client` (and forgets windows that are over).
    pub fn record_failure(
        &self,
        conn: &impl Sql,
        client: &str,
        now: DateTime<Utc>,
    ) -> Result<(), EnrollError> {
        init(conn)?;
        let h = client_hash(conn, client)?;
        let now = now.timestamp();
        // In the database, so every hub instance on it counts the same
        // failures; the upsert is one atomic statement on both backends.
        conn.in_transaction(|tx| -> Result<(), EnrollError> {
            tx.exec(
                "DELETE FROM enroll_failures WHERE window_start <= $1",
                &[(now - self.window_secs).into()],
            )?;
            tx.exec(
                "INSERT INTO enroll_failures (client, window_start, failures) VALUES ($1, $2, 1)
                 ON CONFLICT (client) DO UPDATE SET failures = enroll_failures.failures + 1",
                &[h.as_str().into(), now.into()],
            )?;
            Ok(())
        })?;
        conn.checkpoint();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    #[test]
    fn failures_count_per_client_and_survive_reopening() {
        let dir = tempfile::tempdir().unwrap();
        let target = crate::db::testing::target(dir.path());
        let lim = EnrollLimit {
            failures: 3,
            window_secs: 600,
        };
        let now = Utc::now();
        {
            let c = crate::db::Db::open(&target).unwrap();
            for _ in 0..3 {
                assert_eq!(lim.check(&c, "198.51.100.7", now).unwrap(), Ok(()));
                lim.record_failure(&c, "198.51.100.7", now).unwrap();
            }
            let wait = lim.check(&c, "198.51.100.7", now).unwrap().unwrap_err();
            assert!((599..=600).contains(&wait), "{wait}");
            // Another client is untouched.
            assert_eq!(lim.check(&c, "198.51.100.8", now).unwrap(), Ok(()));
        }
        // A restart (a new connection on the same file) remembers.
        let c = crate::db::Db::open(&target).unwrap();
        assert!(lim.check(&c, "198.51.100.7", now).unwrap().is_err());
        // The address itself is not stored.
        let stored = c
            .row("SELECT client FROM enroll_failures", &[])
            .unwrap()
            .unwrap()
            .text(0)
            .unwrap();
        assert!(!stored.contains("198.51"));
        // The window ends; the old row is dropped at the next failure.
        let later = now + Duration::seconds(601);
        assert_eq!(lim.check(&c, "198.51.100.7", later).unwrap(), Ok(()));
        lim.record_failure(&c, "198.51.100.8", later).unwrap();
        let rows = c
            .row("SELECT COUNT(*) FROM enroll_failures", &[])
            .unwrap()
            .unwrap()
            .int(0)
            .unwrap();
        assert_eq!(rows, 1);
    }
}
