//! A schedule in words: its rules written back (`Display`), the days and
//! hours as a person reads them, and when something happens next.

use super::*;

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

pub(super) fn hhmm(m: u16) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

pub(super) fn hours(start: u16, end: u16) -> String {
    format!("{}–{}", hhmm(start), hhmm(end))
}

pub(super) fn describe_days(mask: u8, sv: bool) -> String {
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
pub(super) fn when(now: DateTime<Utc>, t: DateTime<Utc>, lang: Lang) -> String {
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
