//! The sync policy, one definition for every shell: when a sync is due, the
//! backoff after a failure, and what a call that comes too early gets.
//!
//! * **When.** Never synced: now. After a success: the last success plus the
//!   signed content's `check_interval_hours` ([`DEFAULT_CHECK_INTERVAL_HOURS`]
//!   when the content has no distribution settings). After a failure: the
//!   backoff's next attempt ([`next_attempt`]), never before the hub's
//!   `Retry-After`.
//! * **Enforced.** A sync the shell starts on its own ([`SyncTrigger::Scheduled`]:
//!   a periodic job, the app coming to the front, the network coming back)
//!   before that time ends at once with "not yet" and the time, without any
//!   network. Only the user's own request ([`SyncTrigger::User`]: "Sync now",
//!   `fyr sync`) goes ahead early.
//! * **Single flight.** One sync per store at a time (`Fyr::sync` holds a
//!   lock). A scheduled call while one runs gets "not yet" at once; a user's
//!   call waits for the running one and then runs (usually "unchanged"). A
//!   shell never cancels a running sync to start another.
//!
//! The shells only schedule: they ask `Status::next_check` when to wake up
//! and call sync with the trigger that woke them.

use chrono::{DateTime, Duration as ChronoDuration, Utc};
use std::time::Duration;

use super::{SyncStatus, MAX_RETRY_AFTER};

/// How often content is looked for when the signed content does not say.
pub const DEFAULT_CHECK_INTERVAL_HOURS: u32 = 6;

/// Who asked for a sync.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum SyncTrigger {
    /// The user asked (a button, a command): runs even before the next check.
    #[default]
    User,
    /// The shell's scheduler or an event (start, network back): runs only
    /// when due.
    Scheduled,
}

/// Whether to sync now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Run,
    /// Not before `at`; nothing was done.
    NotYet {
        at: DateTime<Utc>,
    },
}

/// When to try again after `failures` consecutive failures: exponential
/// backoff from 30 s doubling up to 6 h, with jitter (a random point in the
/// upper half of the interval), and never before the hub's Retry-After; never
/// more than [`MAX_RETRY_AFTER`] ahead.
pub fn next_attempt(
    failures: u32,
    retry_after: Option<Duration>,
    now: DateTime<Utc>,
) -> DateTime<Utc> {
    use rand::Rng;
    let exp = failures.saturating_sub(1).min(20);
    let base = (30u64 << exp).min(6 * 3600);
    let jittered = if base > 1 {
        rand::thread_rng().gen_range(base / 2..=base)
    } else {
        base
    };
    let secs = jittered
        .max(retry_after.map(|d| d.as_secs()).unwrap_or(0))
        .min(MAX_RETRY_AFTER.as_secs());
    now + ChronoDuration::seconds(secs as i64)
}

/// The check interval to use: the signed content's, else the default.
pub fn check_interval_hours(signed: Option<u32>) -> u32 {
    signed
        .filter(|h| *h > 0)
        .unwrap_or(DEFAULT_CHECK_INTERVAL_HOURS)
}

/// When the next sync is due. After a failure the backoff's next attempt;
/// after a success the last success plus `interval_hours`; never synced (or
/// nothing known): `now`. A time further ahead than the interval (a clock
/// set back) is brought back to `now + interval`.
pub fn next_check(status: &SyncStatus, interval_hours: u32, now: DateTime<Utc>) -> DateTime<Utc> {
    let interval = ChronoDuration::hours(interval_hours.max(1) as i64);
    let due = match (status.failures, status.next_attempt, status.last_success) {
        (f, Some(at), _) if f > 0 => at,
        (_, _, Some(ok)) => ok + interval,
        _ => now,
    };
    let cap = (now + interval).max(
        status
            .next_attempt
            .filter(|_| status.failures > 0)
            .unwrap_or(now),
    );
    due.min(cap)
}

/// Whether a sync started by `trigger` runs at `now` given the next check.
pub fn decide(trigger: SyncTrigger, next_check: DateTime<Utc>, now: DateTime<Utc>) -> Decision {
    match trigger {
        SyncTrigger::User => Decision::Run,
        SyncTrigger::Scheduled if now >= next_check => Decision::Run,
        SyncTrigger::Scheduled => Decision::NotYet { at: next_check },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn status() -> SyncStatus {
        SyncStatus {
            feed_id: "f".into(),
            version: 1,
            content_created: None,
            content_age_days: None,
            stale_after_days: None,
            stale: false,
            last_attempt: None,
            last_success: None,
            last_result: None,
            last_error: None,
            next_attempt: None,
            failures: 0,
            upload_blocked: None,
        }
    }

    #[test]
    fn a_fresh_install_syncs_at_once() {
        let now = at("2026-12-24T22:00:00Z");
        let due = next_check(&status(), 6, now);
        assert_eq!(due, now);
        assert_eq!(decide(SyncTrigger::Scheduled, due, now), Decision::Run);
    }

    #[test]
    fn after_a_success_the_signed_interval_governs_a_scheduled_sync() {
        let now = at("2026-12-24T22:00:00Z");
        let mut s = status();
        s.last_success = Some(at("2026-12-24T20:00:00Z"));
        // Jämtland's content says every 12 hours: the app coming back at
        // 22:00 (process start, network back) does nothing until 08:00.
        let due = next_check(&s, check_interval_hours(Some(12)), now);
        assert_eq!(due, at("2026-12-25T08:00:00Z"));
        assert_eq!(
            decide(SyncTrigger::Scheduled, due, now),
            Decision::NotYet { at: due }
        );
        // "Sync now" still goes.
        assert_eq!(decide(SyncTrigger::User, due, now), Decision::Run);
        // Without signed settings: six hours.
        assert_eq!(
            next_check(&s, check_interval_hours(None), now),
            at("2026-12-25T02:00:00Z")
        );
    }

    #[test]
    fn after_a_failure_the_backoff_and_retry_after_govern() {
        let now = at("2026-03-29T01:30:00Z"); // the night clocks go forward
        let mut s = status();
        s.last_success = Some(at("2026-03-28T01:00:00Z"));
        s.failures = 3;
        s.next_attempt = Some(at("2026-03-29T05:00:00Z")); // a hub's Retry-After
        let due = next_check(&s, 6, now);
        assert_eq!(due, at("2026-03-29T05:00:00Z"));
        assert!(matches!(
            decide(SyncTrigger::Scheduled, due, now),
            Decision::NotYet { .. }
        ));
        assert_eq!(
            decide(SyncTrigger::Scheduled, due, at("2026-03-29T05:00:00Z")),
            Decision::Run
        );
    }

    #[test]
    fn a_clock_set_back_does_not_park_the_sync_for_long() {
        // Last success recorded in the future (the phone's clock was wrong).
        let now = at("2026-06-01T12:00:00Z");
        let mut s = status();
        s.last_success = Some(at("2027-06-01T12:00:00Z"));
        assert_eq!(next_check(&s, 6, now), at("2026-06-01T18:00:00Z"));
    }

    #[test]
    fn backoff_grows_and_honours_retry_after() {
        let now = Utc::now();
        for _ in 0..20 {
            let first = next_attempt(1, None, now) - now;
            assert!((15..=30).contains(&first.num_seconds()), "{first}");
            let late = next_attempt(30, None, now) - now;
            assert!(
                (3 * 3600..=6 * 3600).contains(&late.num_seconds()),
                "{late}"
            );
        }
        let hub = next_attempt(1, Some(Duration::from_secs(7200)), now) - now;
        assert_eq!(hub.num_seconds(), 7200);
        let capped = next_attempt(1, Some(Duration::from_secs(10 * 86400)), now) - now;
        assert_eq!(capped.num_seconds(), MAX_RETRY_AFTER.as_secs() as i64);
        assert_eq!(check_interval_hours(Some(0)), DEFAULT_CHECK_INTERVAL_HOURS);
    }
}
