//! Opening hours and on-call periods, evaluated in Europe/Stockholm local time.
//!
//! A schedule is a string of rules separated by `;` (whitespace-tolerant,
//! case-insensitive). This syntax is a contract used by content files:
//!
//! | rule | meaning |
//! | --- | --- |
//! | `24/7` | always open |
//! | `<days> HH:MM-HH:MM` | days `mon`…`sun`, ranges `mon-fri`, lists `mon,wed,fri`, `daily`; end <= start runs past midnight; `24:00` allowed as an end |
//! | `<day> HH:MM-<day> HH:MM` | a span across days, e.g. `fri 16:30-mon 08:00` |
//! | `holidays HH:MM-HH:MM` | open on public holidays and the three eves |
//! | `closed-holidays` | weekly intervals that *start* on a public holiday or eve are dropped |
//! | `YYYY-MM-DD closed`, `YYYY-MM-DD HH:MM-HH:MM` | dated exception: replaces everything starting on that date |
//!
//! A leading `oncall:` marks an on-call schedule ([`Schedule::on_call`]).
//! Swedish day names (`mån`…`sön`), `.` as time separator and en dashes are
//! accepted too.
//!
//! ## Time semantics
//! Every interval starts on a local date at a local wall-clock time and ends
//! at a wall-clock time a whole number of minutes later on the clock (so
//! `22:00-06:00` covers the whole night even when the night is 7 or 9 hours
//! long). A boundary that does not exist (spring-forward gap) is the first
//! instant after the gap; an ambiguous one (fall-back) is the earliest of the
//! two. [`Moment`] makes this exact by giving the repeated hour's second pass
//! the wall-clock minute just before the repeat ends.

mod describe;
mod moment;
use moment::local_to_utc;
pub use moment::Moment;
pub mod holidays;
mod parse;
use describe::*;
use parse::*;

use crate::vocab::Lang;
use chrono::{
    DateTime, Datelike, Days, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Timelike, Utc,
};
use chrono_tz::Europe::Stockholm;
use std::fmt;

const DAY: u32 = 1440;
const WEEK: u32 = 7 * DAY;
const LOOKAHEAD_DAYS: i64 = 14;

/// A parse error: the whole spec and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleError {
    pub spec: String,
    pub problem: String,
}

impl fmt::Display for ScheduleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "bad hours '{}': {}", self.spec, self.problem)
    }
}

impl std::error::Error for ScheduleError {}

/// An interval starting on some local date: `start` minutes after its
/// midnight, lasting `len` wall-clock minutes (1..=one week).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Interval {
    start: u16,
    len: u16,
}

impl Interval {
    /// From a start and end minute of day; end <= start runs into the next day.
    fn daily(start: u16, end: u16) -> Interval {
        let len = if end > start {
            end - start
        } else {
            end + DAY as u16 - start
        };
        Interval { start, len }
    }
    /// Whether `elapsed` wall minutes since the start date's midnight fall inside.
    #[inline]
    fn covers(self, elapsed: u32) -> bool {
        elapsed.wrapping_sub(u32::from(self.start)) < u32::from(self.len)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Weekly {
    /// 0 = Monday.
    day: u8,
    iv: Interval,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Exception {
    /// `NaiveDate::num_days_from_ce`.
    day: i32,
    iv: Option<Interval>,
}

/// A rule as written, kept for [`Schedule::describe`].
#[derive(Debug, Clone, PartialEq, Eq)]
enum Rule {
    Always,
    /// Bit 0 = Monday.
    Days {
        days: u8,
        start: u16,
        end: u16,
    },
    Span {
        from_day: u8,
        from: u16,
        to_day: u8,
        to: u16,
    },
    Holidays {
        start: u16,
        end: u16,
    },
    ClosedHolidays,
    Dated {
        date: NaiveDate,
        hours: Option<(u16, u16)>,
    },
}

/// A weekly interval of [`ScheduleParts`]: starts on `day` (0 = Monday) at
/// `start` minutes after midnight and lasts `minutes` (up to a week).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeeklyPart {
    pub day: u8,
    pub start: u16,
    pub minutes: u16,
}

/// What a schedule says, as plain data ([`Schedule::parts`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScheduleParts {
    pub on_call: bool,
    pub weekly: Vec<WeeklyPart>,
    /// Open on public holidays and eves: (start, end) minutes of day; end <= start runs past midnight.
    pub holidays: Vec<(u16, u16)>,
    /// Weekly intervals starting on a public holiday or eve are dropped.
    pub closed_holidays: bool,
    /// Dated exceptions: closed (None) or open (start, end) that day.
    pub dated: Vec<(NaiveDate, Option<(u16, u16)>)>,
}

/// A parsed schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    rules: Vec<Rule>,
    on_call: bool,
    weekly: Vec<Weekly>,
    holiday_ivs: Vec<Interval>,
    closed_holidays: bool,
    /// Sorted by day.
    exceptions: Vec<Exception>,
    /// The weekly intervals cover the whole week.
    full_week: bool,
}

/// Whether weekly intervals together cover every minute of the week: the
/// intervals (one past Sunday's midnight split in two) in order of start,
/// each starting no later than the ones before reach.
fn covers_week(weekly: &[Weekly]) -> bool {
    let mut ivs: Vec<(u32, u32)> = Vec::with_capacity(weekly.len() + 1);
    for w in weekly {
        let start = u32::from(w.day) * DAY + u32::from(w.iv.start);
        let end = start + u32::from(w.iv.len);
        if end > WEEK {
            ivs.push((start, WEEK));
            ivs.push((0, end - WEEK));
        } else {
            ivs.push((start, end));
        }
    }
    ivs.sort_unstable();
    let mut reach = 0;
    for (start, end) in ivs {
        if start > reach {
            return false;
        }
        reach = reach.max(end);
    }
    reach >= WEEK
}

impl Schedule {
    pub fn parse(spec: &str) -> Result<Schedule, ScheduleError> {
        let err = |problem: String| ScheduleError {
            spec: spec.to_string(),
            problem,
        };
        let trimmed = spec.trim();
        let (on_call, body) = match trimmed.get(..7) {
            Some(p) if p.eq_ignore_ascii_case("oncall:") => (true, &trimmed[7..]),
            _ => (false, trimmed),
        };
        let mut rules = Vec::new();
        for raw in body.split(';') {
            let rule = normalize(raw);
            if !rule.is_empty() {
                rules.push(parse_rule(&rule).map_err(err)?);
            }
        }
        if rules.is_empty() {
            return Err(err("no rules".into()));
        }
        let mut s = Schedule {
            rules,
            on_call,
            weekly: Vec::new(),
            holiday_ivs: Vec::new(),
            closed_holidays: false,
            exceptions: Vec::new(),
            full_week: false,
        };
        for rule in &s.rules {
            match *rule {
                Rule::Always => s.weekly.extend((0..7).map(|day| Weekly {
                    day,
                    iv: Interval {
                        start: 0,
                        len: DAY as u16,
                    },
                })),
                Rule::Days { days, start, end } => {
                    s.weekly
                        .extend((0..7).filter(|d| days & (1 << d) != 0).map(|day| Weekly {
                            day,
                            iv: Interval::daily(start, end),
                        }))
                }
                Rule::Span {
                    from_day,
                    from,
                    to_day,
                    to,
                } => {
                    let a = u32::from(from_day) * DAY + u32::from(from);
                    let b = u32::from(to_day) * DAY + u32::from(to);
                    let len = (b + WEEK - a) % WEEK;
                    let len = if len == 0 { WEEK } else { len };
                    s.weekly.push(Weekly {
                        day: from_day,
                        iv: Interval {
                            start: from,
                            len: len as u16,
                        },
                    });
                }
                Rule::Holidays { start, end } => s.holiday_ivs.push(Interval::daily(start, end)),
                Rule::ClosedHolidays => s.closed_holidays = true,
                Rule::Dated { date, hours } => s.exceptions.push(Exception {
                    day: date.num_days_from_ce(),
                    iv: hours.map(|(a, b)| Interval::daily(a, b)),
                }),
            }
        }
        s.exceptions.sort_by_key(|e| e.day);
        s.full_week = covers_week(&s.weekly);
        Ok(s)
    }

    /// No hours at all: never open (a service reachable only by website or
    /// e-mail is information, not a place that is open).
    pub fn never() -> Schedule {
        Schedule {
            rules: Vec::new(),
            on_call: false,
            weekly: Vec::new(),
            holiday_ivs: Vec::new(),
            closed_holidays: false,
            exceptions: Vec::new(),
            full_week: false,
        }
    }

    /// Parses hours; empty hours are [`Schedule::never`].
    pub fn parse_or_never(spec: &str) -> Result<Schedule, ScheduleError> {
        if spec.trim().is_empty() {
            Ok(Schedule::never())
        } else {
            Schedule::parse(spec)
        }
    }

    /// When the current state (open or closed) ends, ready to display
    /// ("08:00", "mån 08:00", "24/12 08:00"); None when it never changes.
    pub fn change_text(&self, at: DateTime<Utc>, lang: Lang) -> Option<String> {
        self.next_change(at).map(|t| when(at, t, lang))
    }

    /// Open around the clock: the weekly rules cover the whole week and there
    /// are no dated exceptions and no `closed-holidays`.
    pub fn always_open(&self) -> bool {
        self.full_week && self.exceptions.is_empty() && !self.closed_holidays
    }

    pub fn on_call(&self) -> bool {
        self.on_call
    }

    /// The schedule as plain parts, for exchange formats (Open Referral
    /// HSDS weekly rows): one definition of the hours syntax, read by
    /// `fyr-exchange` rather than parsed again there.
    pub fn parts(&self) -> ScheduleParts {
        ScheduleParts {
            on_call: self.on_call,
            weekly: self
                .weekly
                .iter()
                .map(|w| WeeklyPart {
                    day: w.day,
                    start: w.iv.start,
                    minutes: w.iv.len,
                })
                .collect(),
            holidays: self
                .holiday_ivs
                .iter()
                .map(|iv| (iv.start, (iv.start + iv.len) % DAY as u16))
                .collect(),
            closed_holidays: self.closed_holidays,
            dated: self
                .rules
                .iter()
                .filter_map(|r| match r {
                    Rule::Dated { date, hours } => Some((*date, *hours)),
                    _ => None,
                })
                .collect(),
        }
    }

    pub fn is_open(&self, at: DateTime<Utc>) -> bool {
        self.is_open_at(&Moment::new(at))
    }

    #[inline]
    fn has_exception(&self, day: i32) -> bool {
        !self.exceptions.is_empty()
            && self
                .exceptions
                .binary_search_by_key(&day, |e| e.day)
                .is_ok()
    }

    /// Whether the schedule is open at `m`: no allocation, a few comparisons
    /// per rule.
    pub fn is_open_at(&self, m: &Moment) -> bool {
        if self.full_week && !self.closed_holidays && self.exceptions.is_empty() {
            return true;
        }
        let minute = u32::from(m.minute);
        let weekday = u32::from(m.weekday);
        for w in &self.weekly {
            // Days back to the most recent start date of this weekday at or before now.
            let mut k = (weekday + 7 - u32::from(w.day)) % 7;
            if k == 0 && minute < u32::from(w.iv.start) {
                k = 7;
            }
            if w.iv.covers(k * DAY + minute)
                && !(self.closed_holidays && m.closed_days & (1 << k) != 0)
                && !self.has_exception(m.day - k as i32)
            {
                return true;
            }
        }
        for iv in &self.holiday_ivs {
            for k in 0..2u32 {
                if m.closed_days & (1 << k) != 0
                    && iv.covers(k * DAY + minute)
                    && !self.has_exception(m.day - k as i32)
                {
                    return true;
                }
            }
        }
        if !self.exceptions.is_empty() {
            let from = self.exceptions.partition_point(|e| e.day < m.day - 1);
            for e in self.exceptions[from..]
                .iter()
                .take_while(|e| e.day <= m.day)
            {
                if let Some(iv) = e.iv {
                    if iv.covers((m.day - e.day) as u32 * DAY + minute) {
                        return true;
                    }
                }
            }
        }
        false
    }

    /// The first instant after `at` where open/closed flips, looking at most
    /// 14 days ahead; `None` if always open or no flip in that window.
    ///
    /// Every boundary is listed as a local wall-clock time (no time-zone
    /// work), sorted, and turned into an instant only from `at`'s own local
    /// time on, one at a time until the first that flips: local to instant
    /// (`local_to_utc`: earliest when ambiguous, after the gap when missing)
    /// never goes backwards, so the instants come in the same order, and a
    /// boundary before `at`'s local time is at or before `at`. The days up
    /// to tomorrow are listed first (an interval that started up to a week
    /// back may end in them); the later ones only when no flip comes before
    /// the day after tomorrow, where every later day's boundaries lie.
    pub fn next_change(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if self.always_open() {
            return None;
        }
        let local = at.with_timezone(&Stockholm).naive_local();
        let from = local - chrono::Duration::minutes(1);
        let today = local.date();
        let limit = at + chrono::Duration::days(LOOKAHEAD_DAYS);
        let now = self.is_open(at);
        // (wall-clock time, its date, minutes from that date's midnight).
        let mut boundaries: Vec<(NaiveDateTime, NaiveDate, u32)> = Vec::with_capacity(32);
        let mut last = at;
        let mut first_day = -8;
        for end_day in [2, LOOKAHEAD_DAYS + 2] {
            for off in first_day..end_day {
                let Some(date) = today.checked_add_signed(chrono::Duration::days(off)) else {
                    continue;
                };
                self.boundaries_of(date, |iv| {
                    let start = u32::from(iv.start);
                    for m in [start, start + u32::from(iv.len)] {
                        let wall = moment::at_minute(date, m);
                        if wall >= from {
                            boundaries.push((wall, date, m));
                        }
                    }
                });
            }
            first_day = end_day;
            boundaries.sort_unstable_by_key(|b| b.0);
            let known = match today.checked_add_signed(chrono::Duration::days(end_day)) {
                Some(d) if end_day <= LOOKAHEAD_DAYS => {
                    let cut = d.and_hms_opt(0, 0, 0).expect("midnight");
                    boundaries.partition_point(|b| b.0 < cut)
                }
                _ => boundaries.len(),
            };
            for (_, date, m) in boundaries.drain(..known) {
                let t = local_to_utc(date, m);
                if t <= last {
                    continue;
                }
                if t > limit {
                    return None;
                }
                if self.is_open(t) != now {
                    return Some(t);
                }
                last = t;
            }
        }
        None
    }

    /// Each interval that starts on `date` (a closed day or a dated
    /// exception as the whole day: it still ends and starts intervals at
    /// its midnights).
    fn boundaries_of(&self, date: NaiveDate, mut f: impl FnMut(Interval)) {
        let whole = Interval {
            start: 0,
            len: DAY as u16,
        };
        let wd = date.weekday().num_days_from_monday() as u8;
        for w in self.weekly.iter().filter(|w| w.day == wd) {
            f(w.iv);
        }
        for iv in &self.holiday_ivs {
            f(*iv);
        }
        if !self.exceptions.is_empty() {
            let day = date.num_days_from_ce();
            for e in self.exceptions.iter().filter(|e| e.day == day) {
                f(e.iv.unwrap_or(whole));
            }
        }
        if self.closed_holidays {
            f(whole);
        }
    }

    /// Open/closed now, the next change and a one-line text for people.
    pub fn status(&self, at: DateTime<Utc>, lang: Lang) -> OpenStatus {
        let sv = lang == Lang::Sv;
        if self.always_open() {
            let text = match (self.on_call, sv) {
                (false, true) => "Öppet dygnet runt",
                (false, false) => "Open 24/7",
                (true, true) => "Jour dygnet runt",
                (true, false) => "On call 24/7",
            };
            return OpenStatus {
                open: true,
                next_change: None,
                text: text.into(),
            };
        }
        let open = self.is_open(at);
        let next_change = self.next_change(at);
        let (state, verb) = match (open, self.on_call, sv) {
            (true, false, true) => ("Öppet nu", "stänger"),
            (true, false, false) => ("Open now", "closes"),
            (false, false, true) => ("Stängt", "öppnar"),
            (false, false, false) => ("Closed", "opens"),
            (true, true, true) => ("Jour nu", "slutar"),
            (true, true, false) => ("On call now", "ends"),
            (false, true, true) => ("Ingen jour nu", "börjar"),
            (false, true, false) => ("Not on call now", "starts"),
        };
        let text = match next_change {
            Some(t) => format!("{state} · {verb} {}", when(at, t, lang)),
            None => state.to_string(),
        };
        OpenStatus {
            open,
            next_change,
            text,
        }
    }

    /// One human-readable line per rule, in the order written.
    pub fn describe(&self, lang: Lang) -> Vec<String> {
        let sv = lang == Lang::Sv;
        let day = |d: u8| {
            if sv {
                DAYS_SV[d as usize]
            } else {
                DAYS_EN_CAP[d as usize]
            }
        };
        self.rules
            .iter()
            .map(|rule| match *rule {
                Rule::Always => (if sv { "Dygnet runt" } else { "Open 24/7" }).to_string(),
                Rule::Days { days, start, end } => {
                    format!("{} {}", describe_days(days, sv), hours(start, end))
                }
                Rule::Span {
                    from_day,
                    from,
                    to_day,
                    to,
                } => {
                    format!(
                        "{} {}–{} {}",
                        day(from_day),
                        hhmm(from),
                        day(to_day),
                        hhmm(to)
                    )
                }
                Rule::Holidays { start, end } => {
                    let what = if sv {
                        "Helgdagar och helgaftnar"
                    } else {
                        "Public holidays and eves"
                    };
                    format!("{what} {}", hours(start, end))
                }
                Rule::ClosedHolidays => (if sv {
                    "Stängt helgdagar och helgaftnar"
                } else {
                    "Closed on public holidays and eves"
                })
                .to_string(),
                Rule::Dated { date, hours: None } => {
                    format!("{date} {}", if sv { "stängt" } else { "closed" })
                }
                Rule::Dated {
                    date,
                    hours: Some((a, b)),
                } => format!("{date} {}", hours(a, b)),
            })
            .collect()
    }
}

/// Open or closed at an instant, when that changes, and a line for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenStatus {
    pub open: bool,
    pub next_change: Option<DateTime<Utc>>,
    pub text: String,
}

#[cfg(test)]
mod tests;
