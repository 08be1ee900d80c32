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

pub mod holidays;

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

/// Everything about an instant the schedule checks need, computed once per
/// search query and shared by all schedules checked for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Moment {
    at: DateTime<Utc>,
    date: NaiveDate,
    /// `date.num_days_from_ce()`.
    day: i32,
    /// 0 = Monday.
    weekday: u8,
    /// Minute of the local day used for comparisons (see the module doc).
    minute: u16,
    /// Bit k: the date k days before `date` is a public holiday or eve (k = 0..8).
    closed_days: u8,
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

fn at_minute(date: NaiveDate, minutes: u32) -> NaiveDateTime {
    let d = date + Days::new(u64::from(minutes / DAY));
    let m = minutes % DAY;
    d.and_hms_opt(m / 60, m % 60, 0).expect("valid time")
}

/// The instant of a local wall-clock time: earliest if ambiguous, the first
/// instant after the gap if it does not exist.
fn local_to_utc(date: NaiveDate, minutes: u32) -> DateTime<Utc> {
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

const DAYS_EN: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const DAYS_SV: [&str; 7] = ["mån", "tis", "ons", "tor", "fre", "lör", "sön"];
const DAYS_EN_CAP: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

fn parse_day(s: &str) -> Option<u8> {
    DAYS_EN
        .iter()
        .position(|d| *d == s)
        .or_else(|| DAYS_SV.iter().position(|d| *d == s))
        .map(|i| i as u8)
}

fn parse_days(s: &str) -> Result<u8, String> {
    if s == "daily" {
        return Ok(0x7f);
    }
    let mut mask = 0u8;
    for item in s.split(',') {
        let day = |t: &str| parse_day(t).ok_or_else(|| format!("unknown day '{t}'"));
        if let Some((a, b)) = item.split_once('-') {
            let (a, b) = (day(a)?, day(b)?);
            let mut d = a;
            loop {
                mask |= 1 << d;
                if d == b {
                    break;
                }
                d = (d + 1) % 7;
            }
        } else {
            mask |= 1 << day(item)?;
        }
    }
    Ok(mask)
}

/// `H:MM` / `HH:MM` (or `.`) to a minute of day; `24:00` only if `end`.
fn parse_time(s: &str, end: bool) -> Result<u16, String> {
    let bad = || format!("bad time '{s}'");
    let (h, m) = s.split_once([':', '.']).ok_or_else(bad)?;
    if h.is_empty()
        || h.len() > 2
        || m.len() != 2
        || !h.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if h == 24 && m == 0 {
        return if end {
            Ok(24 * 60)
        } else {
            Err(format!("bad time '{s}': 24:00 is only allowed as an end"))
        };
    }
    if h > 23 || m > 59 {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

fn parse_range(s: &str) -> Result<(u16, u16), String> {
    let (a, b) = s
        .split_once('-')
        .ok_or_else(|| format!("missing time range (HH:MM-HH:MM), got '{s}'"))?;
    Ok((parse_time(a, false)?, parse_time(b, true)?))
}

fn looks_like_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10 && b[4] == b'-' && b[7] == b'-' && b[..4].iter().all(u8::is_ascii_digit)
}

fn parse_rule(rule: &str) -> Result<Rule, String> {
    let tokens: Vec<&str> = rule.split(' ').collect();
    let in_rule = |p: String| format!("{p} in rule '{rule}'");
    match tokens.as_slice() {
        ["24/7"] => Ok(Rule::Always),
        ["closed-holidays"] | ["closed", "holidays"] => Ok(Rule::ClosedHolidays),
        ["holidays"] => Err(in_rule("missing time range".into())),
        ["holidays", range] => {
            let (start, end) = parse_range(range).map_err(in_rule)?;
            Ok(Rule::Holidays { start, end })
        }
        [date, rest @ ..] if looks_like_date(date) => {
            let date = NaiveDate::parse_from_str(date, "%Y-%m-%d")
                .map_err(|_| in_rule(format!("bad date '{date}'")))?;
            match rest {
                ["closed"] => Ok(Rule::Dated { date, hours: None }),
                [word] if !word.contains('-') => Err(in_rule(format!(
                    "expected 'closed' or HH:MM-HH:MM after the date, got '{word}'"
                ))),
                [range] => Ok(Rule::Dated {
                    date,
                    hours: Some(parse_range(range).map_err(in_rule)?),
                }),
                [] => Err(in_rule("missing time range or 'closed'".into())),
                _ => Err(in_rule(
                    "expected 'closed' or HH:MM-HH:MM after the date".into(),
                )),
            }
        }
        [days] => {
            parse_days(days).map_err(|_| format!("unrecognised rule '{rule}'"))?;
            Err(in_rule("missing time range".into()))
        }
        [_, _, ..] if !rule.bytes().any(|b| b.is_ascii_digit()) => {
            Err(format!("unrecognised rule '{rule}'"))
        }
        [days, range] => {
            let days = parse_days(days).map_err(in_rule)?;
            let (start, end) = parse_range(range).map_err(in_rule)?;
            Ok(Rule::Days { days, start, end })
        }
        [day, from_to, to] => {
            let from_day = parse_day(day).ok_or_else(|| {
                in_rule(if parse_days(day).is_ok() {
                    "a span across days needs a single start day".into()
                } else {
                    format!("unknown day '{day}'")
                })
            })?;
            let (from, to_day) = from_to
                .split_once('-')
                .ok_or_else(|| in_rule("expected <day> HH:MM-<day> HH:MM".into()))?;
            let from = parse_time(from, false).map_err(in_rule)?;
            let to_day =
                parse_day(to_day).ok_or_else(|| in_rule(format!("unknown day '{to_day}'")))?;
            let to = parse_time(to, true).map_err(in_rule)?;
            Ok(Rule::Span {
                from_day,
                from,
                to_day,
                to,
            })
        }
        _ => Err(format!("unrecognised rule '{rule}'")),
    }
}

/// Lower-cases, unifies dashes and collapses whitespace (none around `-` and `,`).
fn normalize(rule: &str) -> String {
    let r = rule.to_lowercase().replace(['–', '—'], "-");
    let mut r = r.split_whitespace().collect::<Vec<_>>().join(" ");
    for (from, to) in [(" -", "-"), ("- ", "-"), (" ,", ","), (", ", ",")] {
        while r.contains(from) {
            r = r.replace(from, to);
        }
    }
    r
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
        let mut covered = vec![false; WEEK as usize];
        for w in &s.weekly {
            let start = u32::from(w.day) * DAY + u32::from(w.iv.start);
            for i in 0..u32::from(w.iv.len) {
                covered[((start + i) % WEEK) as usize] = true;
            }
        }
        s.full_week = covered.iter().all(|c| *c);
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
    pub fn next_change(&self, at: DateTime<Utc>) -> Option<DateTime<Utc>> {
        if self.always_open() {
            return None;
        }
        let today = at.with_timezone(&Stockholm).date_naive();
        let limit = at + chrono::Duration::days(LOOKAHEAD_DAYS);
        let mut candidates = Vec::new();
        let mut push = |date: NaiveDate, iv: Interval| {
            let start = u32::from(iv.start);
            candidates.push(local_to_utc(date, start));
            candidates.push(local_to_utc(date, start + u32::from(iv.len)));
        };
        for off in -8..=LOOKAHEAD_DAYS + 1 {
            let Some(date) = today.checked_add_signed(chrono::Duration::days(off)) else {
                continue;
            };
            let wd = date.weekday().num_days_from_monday() as u8;
            for w in self.weekly.iter().filter(|w| w.day == wd) {
                push(date, w.iv);
            }
            for iv in &self.holiday_ivs {
                push(date, *iv);
            }
            let day = date.num_days_from_ce();
            for e in self.exceptions.iter().filter(|e| e.day == day) {
                // A closed day still ends/starts intervals at its midnight.
                push(
                    date,
                    e.iv.unwrap_or(Interval {
                        start: 0,
                        len: DAY as u16,
                    }),
                );
            }
            if self.closed_holidays {
                push(
                    date,
                    Interval {
                        start: 0,
                        len: DAY as u16,
                    },
                );
            }
        }
        candidates.retain(|c| *c > at && *c <= limit);
        candidates.sort_unstable();
        candidates.dedup();
        let now = self.is_open(at);
        candidates.into_iter().find(|c| self.is_open(*c) != now)
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

/// The canonical form of the spec (lower case, no extra spaces, rules in
/// the order written); parsing it gives an equal schedule.
impl fmt::Display for Schedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.on_call {
            f.write_str("oncall: ")?;
        }
        let hm = |m: u16| format!("{:02}:{:02}", m / 60, m % 60);
        for (i, rule) in self.rules.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            match *rule {
                Rule::Always => f.write_str("24/7")?,
                Rule::Days { days, start, end } => {
                    let days = if days == 0x7f {
                        "daily".to_string()
                    } else {
                        describe_days(days, false)
                            .to_lowercase()
                            .replace('–', "-")
                            .replace(", ", ",")
                    };
                    write!(f, "{days} {}-{}", hm(start), hm(end))?
                }
                Rule::Span {
                    from_day,
                    from,
                    to_day,
                    to,
                } => write!(
                    f,
                    "{} {}-{} {}",
                    DAYS_EN[from_day as usize],
                    hm(from),
                    DAYS_EN[to_day as usize],
                    hm(to)
                )?,
                Rule::Holidays { start, end } => write!(f, "holidays {}-{}", hm(start), hm(end))?,
                Rule::ClosedHolidays => f.write_str("closed-holidays")?,
                Rule::Dated { date, hours: None } => write!(f, "{date} closed")?,
                Rule::Dated {
                    date,
                    hours: Some((a, b)),
                } => write!(f, "{date} {}-{}", hm(a), hm(b))?,
            }
        }
        Ok(())
    }
}

impl std::str::FromStr for Schedule {
    type Err = ScheduleError;
    fn from_str(s: &str) -> Result<Schedule, ScheduleError> {
        Schedule::parse(s)
    }
}

fn hhmm(m: u16) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

fn hours(start: u16, end: u16) -> String {
    format!("{}–{}", hhmm(start), hhmm(end))
}

fn describe_days(mask: u8, sv: bool) -> String {
    if mask == 0x7f {
        return (if sv { "dagligen" } else { "Daily" }).to_string();
    }
    let names = if sv { DAYS_SV } else { DAYS_EN_CAP };
    let mut parts = Vec::new();
    let mut d = 0;
    while d < 7 {
        if mask & (1 << d) == 0 {
            d += 1;
            continue;
        }
        let start = d;
        while d + 1 < 7 && mask & (1 << (d + 1)) != 0 {
            d += 1;
        }
        parts.push(if d > start {
            format!("{}–{}", names[start], names[d])
        } else {
            names[start].to_string()
        });
        d += 1;
    }
    parts.join(", ")
}

/// "16:00" if `t` is on the same local date as `now`, "mån 08:00" within a
/// week, "24/12 08:00" beyond.
fn when(now: DateTime<Utc>, t: DateTime<Utc>, lang: Lang) -> String {
    let now = now.with_timezone(&Stockholm);
    let t = t.with_timezone(&Stockholm);
    let time = format!("{:02}:{:02}", t.hour(), t.minute());
    let days = (t.date_naive() - now.date_naive()).num_days();
    let wd = t.weekday().num_days_from_monday() as usize;
    match days {
        0 => time,
        1..=6 => format!(
            "{} {time}",
            if lang == Lang::Sv {
                DAYS_SV[wd]
            } else {
                DAYS_EN_CAP[wd]
            }
        ),
        _ => format!("{}/{} {time}", t.day(), t.month()),
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
