//! Reading a schedule's text: days (Swedish and English), times, ranges,
//! dates and the rules they make.

use super::*;

pub(super) const DAYS_EN: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
pub(super) const DAYS_SV: [&str; 7] = ["mån", "tis", "ons", "tor", "fre", "lör", "sön"];
pub(super) const DAYS_EN_CAP: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

pub(super) fn parse_day(s: &str) -> Option<u8> {
    DAYS_EN
        .iter()
        .position(|d| *d == s)
        .or_else(|| DAYS_SV.iter().position(|d| *d == s))
        .map(|i| i as u8)
}

pub(super) fn parse_days(s: &str) -> Result<u8, String> {
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
pub(super) fn parse_time(s: &str, end: bool) -> Result<u16, String> {
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

pub(super) fn parse_range(s: &str) -> Result<(u16, u16), String> {
    let (a, b) = s
        .split_once('-')
        .ok_or_else(|| format!("missing time range (HH:MM-HH:MM), got '{s}'"))?;
    Ok((parse_time(a, false)?, parse_time(b, true)?))
}

pub(super) fn looks_like_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10 && b[4] == b'-' && b[7] == b'-' && b[..4].iter().all(u8::is_ascii_digit)
}

pub(super) fn parse_rule(rule: &str) -> Result<Rule, String> {
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
pub(super) fn normalize(rule: &str) -> String {
    let r = rule.to_lowercase().replace(['–', '—'], "-");
    let mut r = r.split_whitespace().collect::<Vec<_>>().join(" ");
    for (from, to) in [(" -", "-"), ("- ", "-"), (" ,", ","), (", ", ",")] {
        while r.contains(from) {
            r = r.replace(from, to);
        }
    }
    r
}
