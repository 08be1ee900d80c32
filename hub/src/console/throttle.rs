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

use rusqlite::{params, Connection};

pub const WINDOW_SECS: i64 = 15 * 60;
/// Failures without any delay.
pub const FREE_FAILURES: i64 = 3;
pub const ACCOUNT_CAP_SECS: i64 = 30;
pub const ADDRESS_CAP_SECS: i64 = 300;

/// The delay after `n` failures in the window.
pub fn delay(n: i64, cap: i64) -> i64 {
    if n <= FREE_FAILURES {
        0
    } else {
        (1i64 << (n - FREE_FAILURES - 1).min(20)).min(cap)
    }
}

fn wait_for(conn: &Connection, key: &str, cap: i64, now: i64) -> i64 {
    let (n, last): (i64, Option<i64>) = conn
        .query_row(
            "SELECT COUNT(*), MAX(at) FROM console_login_failures WHERE key = ?1 AND at >= ?2",
            params![key, now - WINDOW_SECS],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap_or((0, None));
    last.map_or(0, |l| (l + delay(n, cap) - now).max(0))
}

pub fn account_key(name: &str) -> String {
    format!("user:{name}")
}

pub fn address_key(ip: &str) -> String {
    format!("addr:{ip}")
}

/// Seconds to wait before this account may be tried from this address.
pub fn wait(conn: &Connection, name: &str, ip: &str, now: i64) -> i64 {
    let _ = conn.execute(
        "DELETE FROM console_login_failures WHERE at < ?1",
        [now - WINDOW_SECS],
    );
    wait_for(conn, &account_key(name), ACCOUNT_CAP_SECS, now).max(wait_for(
        conn,
        &address_key(ip),
        ADDRESS_CAP_SECS,
        now,
    ))
}

pub fn failed(conn: &Connection, name: &str, ip: &str, now: i64) {
    for k in [account_key(name), address_key(ip)] {
        let _ = conn.execute(
            "INSERT INTO console_login_failures (key, at) VALUES (?1, ?2)",
            params![k, now],
        );
    }
}

pub fn succeeded(conn: &Connection, name: &str) {
    let _ = conn.execute(
        "DELETE FROM console_login_failures WHERE key = ?1",
        [account_key(name)],
    );
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
}
