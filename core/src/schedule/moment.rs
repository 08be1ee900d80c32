//! An instant as the schedule checks need it (local date, minute of the
//! week, holiday and eve), computed once per query; local wall-clock times
//! to instants across the DST changes.

use super::*;

/// Everything about an instant the schedule checks need, computed once per
/// search query and shared by all schedules checked for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moment {
    pub(super) at: DateTime<Utc>,
    pub(super) date: NaiveDate,
    /// `date.num_days_from_ce()`.
    pub(super) day: i32,
    /// 0 = Monday.
    pub(super) weekday: u8,
    /// Minute of the local day used for comparisons (see the module doc).
    pub(super) minute: u16,
    /// Bit k: the date k days before `date` is a public holiday or eve (k = 0..8).
    pub(super) closed_days: u8,
}

impl Moment {
    pub fn new(at: DateTime<Utc>) -> Moment {
        let naive = at.with_timezone(&Stockholm).naive_local();
        let date = naive.date();
        let mut minute = (naive.hour() * 60 + naive.minute()) as u16;
        if let LocalResult::Ambiguous(a, b) = Stockholm.from_local_datetime(&naive) {
            if at > a.min(b).with_timezone(&Utc) {
                // Second pass through a repeated hour: every boundary in the
                // repeat maps to its first pass and so already lies behind us,
                // every later one ahead. Compare as the last minute of the repeat.
                let mut m = u32::from(minute) + 1;
                while m < DAY
                    && matches!(
                        Stockholm.from_local_datetime(&at_minute(date, m)),
                        LocalResult::Ambiguous(..)
                    )
                {
                    m += 1;
                }
                minute = (m - 1) as u16;
            }
        }
        let mut closed_days = 0u8;
        let mut easter_year = (date.year(), holidays::easter_sunday(date.year()));
        for k in 0..8u8 {
            let Some(d) = date.checked_sub_days(Days::new(u64::from(k))) else {
                break;
            };
            if d.year() != easter_year.0 {
                easter_year = (d.year(), holidays::easter_sunday(d.year()));
            }
            if holidays::holiday_on_with(d, easter_year.1).is_some() {
                closed_days |= 1 << k;
            }
        }
        Moment {
            at,
            date,
            day: date.num_days_from_ce(),
            weekday: date.weekday().num_days_from_monday() as u8,
            minute,
            closed_days,
        }
    }

    /// The instant.
    pub fn at(&self) -> DateTime<Utc> {
        self.at
    }
    /// The local (Europe/Stockholm) date.
    pub fn local_date(&self) -> NaiveDate {
        self.date
    }
    /// Whether the local date is a public holiday or one of the three eves.
    pub fn is_holiday(&self) -> bool {
        self.closed_days & 1 != 0
    }
}

pub(super) fn at_minute(date: NaiveDate, minutes: u32) -> NaiveDateTime {
    let d = date + Days::new(u64::from(minutes / DAY));
    let m = minutes % DAY;
    d.and_hms_opt(m / 60, m % 60, 0).expect("valid time")
}

/// The instant of a local wall-clock time: earliest if ambiguous, the first
/// instant after the gap if it does not exist.
pub(super) fn local_to_utc(date: NaiveDate, minutes: u32) -> DateTime<Utc> {
    let mut naive = at_minute(date, minutes);
    for _ in 0..=DAY {
        match Stockholm.from_local_datetime(&naive) {
            LocalResult::Single(t) => return t.with_timezone(&Utc),
            LocalResult::Ambiguous(a, b) => return a.min(b).with_timezone(&Utc),
            LocalResult::None => naive += chrono::Duration::minutes(1),
        }
    }
    unreachable!("a time-zone gap longer than a day")
}
