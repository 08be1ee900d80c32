//! Login throttling that slows a guesser without locking the owner out.
//!
//! Failed logins are counted per account and per client address (behind a
//! trusted reverse proxy, the forwarded client; IPv6 by its /64) over 15
//! minutes. The first 3 cost nothing; after that each further attempt must
//! wait 1, 2, 4, 8 … seconds after the last failure — at most 30 seconds per
//! account (so the owner, from any address, always gets in after half a
//! minute however many guesses arrive) and at most 5 minutes per address
//! (so one address guessing at many accounts is slowed hard). While a wait
//! runs, attempts are answered 429 with `Retry-After` and no password is
//! checked, so they neither count nor reveal anything. A successful login
//! clears its account's failures.

//!
//! The counts live in the database (`console_login_failures`), so hub
//! instances on one PostgreSQL count each other's failures. An attempt is
//! counted from its start ([`begin`], in one transaction with the check, so
//! guesses sent in parallel, to one hub or several, all count) and settled
//! when its password has been checked: a failure's delay runs from the end
//! of the attempt ([`failed`]), a success takes its marks away
//! ([`succeeded`]). Times are in milliseconds: in whole seconds a 1-second
//! delay ran out at the next second boundary, however soon that was, so a
//! fourth guess could get through free (`csrf_sessions_roles_and_login_limits`
//! counted 4 free failures on a slow run).

use crate::db::{Backend, Db, DbError, Sql, Val};

pub const WINDOW_SECS: i64 = 15 * 60;
/// Failures without any delay.
pub const FREE_FAILURES: i64 = 3;
pub const ACCOUNT_CAP_SECS: i64 = 30;
pub const ADDRESS_CAP_SECS: i64 = 300;
/// Any constant, the same in every instance: serialises check-and-count.
const THROTTLE_LOCK: i64 = 0x0066_7972_5f6c_6f67;

/// The delay (seconds) after `n` failures in the window.
pub fn delay(n: i64, cap: i64) -> i64 {
    if n <= FREE_FAILURES {
        0
    } else {
        (1i64 << (n - FREE_FAILURES - 1).min(20)).min(cap)
    }
}

/// Milliseconds to wait for `key` at `now_ms`.
fn wait_for(db: &Db, key: &str, cap: i64, now_ms: i64) -> Result<i64, DbError> {
    let r = db.row(
        "SELECT COUNT(*), MAX(at) FROM console_login_failures WHERE key = $1 AND at >= $2",
        &[key.into(), (now_ms - WINDOW_SECS * 1000).into()],
    )?;
    let (n, last) = match r {
        Some(r) => (r.int(0)?, r.int(1).ok()),
        None => (0, None),
    };
    Ok(last.map_or(0, |l| (l + delay(n, cap) * 1000 - now_ms).max(0)))
}

pub fn account_key(name: &str) -> String {
    format!("user:{name}")
}

pub fn address_key(ip: &str) -> String {
    format!("addr:{ip}")
}

/// Whole seconds to wait, for `Retry-After` (a part second counts whole).
pub fn secs(ms: i64) -> i64 {
    (ms + 999) / 1000
}

/// Checks whether this account may be tried from this address now
/// (`now_ms`) and, if so, counts the attempt under `attempt` (a nonce) in
/// the same transaction. `Ok(0)`: go ahead; otherwise milliseconds to wait
/// (nothing counted).
pub fn begin(db: &Db, name: &str, ip: &str, attempt: &str, now_ms: i64) -> Result<i64, DbError> {
    db.in_transaction(|d| {
        if d.backend() == Backend::Postgres {
            d.batch(&format!("SELECT pg_advisory_xact_lock({THROTTLE_LOCK})"))?;
        }
        d.exec(
            "DELETE FROM console_login_failures WHERE at < $1",
            &[(now_ms - WINDOW_SECS * 1000).into()],
        )?;
        let wait = wait_for(d, &account_key(name), ACCOUNT_CAP_SECS, now_ms)?.max(wait_for(
            d,
            &address_key(ip),
            ADDRESS_CAP_SECS,
            now_ms,
        )?);
        if wait == 0 {
            for k in [account_key(name), address_key(ip)] {
                d.exec(
                    "INSERT INTO console_login_failures (key, at, attempt) VALUES ($1, $2, $3)",
                    &[k.into(), now_ms.into(), attempt.into()],
                )?;
            }
        }
        Ok(wait)
    })
}

/// The attempt failed: its delay runs from now.
pub fn failed(db: &Db, attempt: &str, now_ms: i64) -> Result<(), DbError> {
    db.exec(
        "UPDATE console_login_failures SET at = $2 WHERE attempt = $1",
        &[attempt.into(), now_ms.into()],
    )?;
    Ok(())
}

/// The attempt succeeded: its account's failures are cleared, and the
/// attempt no longer counts against its address.
pub fn succeeded(db: &Db, name: &str, attempt: &str) -> Result<(), DbError> {
    db.exec(
        "DELETE FROM console_login_failures WHERE key = $1 OR attempt = $2",
        &[account_key(name).into(), Val::from(attempt)],
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_grow_and_stay_capped() {
        let d: Vec<i64> = (1..=12).map(|n| delay(n, ACCOUNT_CAP_SECS)).collect();
        assert_eq!(d, [0, 0, 0, 1, 2, 4, 8, 16, 30, 30, 30, 30]);
        assert_eq!(delay(1000, ADDRESS_CAP_SECS), ADDRESS_CAP_SECS);
    }

    #[test]
    fn a_short_delay_lasts_its_full_second_and_parallel_guesses_count() {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::console::db::open(&crate::db::testing::target(dir.path())).unwrap();
        // Four failures from one address, the last at 12.9 s: the next try
        // at 13.0 s (a new second) still waits, 900 ms.
        let t = 1_800_000_012_900i64;
        for i in 0..4 {
            let a = format!("a{i}");
            let end = t - 300 + i * 100;
            assert_eq!(begin(&db, "vera", "192.0.2.7", &a, end - 50).unwrap(), 0);
            failed(&db, &a, end).unwrap();
        }
        assert_eq!(begin(&db, "vera", "192.0.2.7", "a4", t + 100).unwrap(), 900);
        assert_eq!(secs(900), 1);
        // Guesses sent at once: each is counted when it starts, before any
        // password is checked, so the fifth at the same moment waits.
        let t2 = t + 10 * 60 * 1000 * 2;
        for i in 0..4 {
            assert_eq!(
                begin(&db, "otto", "198.51.100.9", &format!("p{i}"), t2).unwrap(),
                0
            );
        }
        assert!(begin(&db, "otto", "198.51.100.9", "p4", t2).unwrap() > 0);
        // The owner's success clears the account, and its own mark.
        succeeded(&db, "otto", "p3").unwrap();
        let n = db
            .row(
                "SELECT COUNT(*) FROM console_login_failures WHERE key LIKE 'user:otto'",
                &[],
            )
            .unwrap()
            .unwrap()
            .int(0)
            .unwrap();
        assert_eq!(n, 0);
    }
}
