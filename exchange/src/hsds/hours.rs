//! Fyr's hours syntax ⇄ HSDS `schedule` objects (RFC 5545-style weekly rows).
//!
//! Out: every weekly interval becomes rows of `freq=WEEKLY`, `byday`,
//! `opens_at`, `closes_at` (split at midnight, `24:00` for the end of a day),
//! open-on-holidays and dated exceptions become rows of their own
//! (`valid_from`/`valid_to` for a date), and what HSDS cannot say is in
//! `fyr_*` fields: `fyr_time_zone` (IANA, since HSDS's numeric `timezone` is
//! wrong half the year in Sweden), `fyr_on_call`, `fyr_closed_on_holidays`,
//! `fyr_holidays`, `fyr_closed`. The exact hours also travel in the service's
//! `fyr_hours`, which an import prefers.
//!
//! In: weekly rows with `byday`, `opens_at` and `closes_at` become
//! `mon,tue 10:00-18:00` rules; anything else is reported.

use super::TIME_ZONE;
use crate::report::Report;
use fyr_core::schedule::Schedule;
use serde_json::{json, Map, Value};

const RRULE_DAYS: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
const FYR_DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const DAY: u16 = 1440;

/// A time of day as HSDS writes it (`HH:MM:SS`); the end of a day is `23:59:59`.
fn hm(m: u16) -> String {
    if m >= DAY {
        return "23:59:59".into();
    }
    format!("{:02}:{:02}:00", m / 60, m % 60)
}

/// A time for a description, `HH:MM` (`24:00` for the end of a day).
fn short(m: u16) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// HSDS schedule rows for Fyr hours (empty hours: none). Each row gets
/// `extra` (ids, attending_type) merged in by the caller.
pub fn to_rows(hours: &str) -> Vec<Map<String, Value>> {
    let Ok(s) = Schedule::parse(hours) else {
        return Vec::new();
    };
    let p = s.parts();
    let mut out: Vec<Map<String, Value>> = Vec::new();
    let base = |m: &mut Map<String, Value>| {
        m.insert("fyr_time_zone".into(), json!(TIME_ZONE));
        if p.on_call {
            m.insert("fyr_on_call".into(), json!(true));
        }
        if p.closed_holidays {
            m.insert("fyr_closed_on_holidays".into(), json!(true));
        }
    };
    // Split the weekly intervals at midnight: (day, start, end) with end in 1..=1440.
    let mut segs: Vec<(u8, u16, u16)> = Vec::new();
    for w in &p.weekly {
        // An interval within 24 hours stays one row (closes_at before
        // opens_at runs past midnight, as Fyr reads it); a longer span is
        // split at midnight.
        if w.minutes < DAY || (w.minutes == DAY && w.start == 0) {
            segs.push((w.day, w.start, w.start + w.minutes));
            continue;
        }
        let (mut day, mut start, mut left) = (w.day, w.start, w.minutes);
        while left > 0 {
            let take = left.min(DAY - start);
            segs.push((day, start, start + take));
            left -= take;
            day = (day + 1) % 7;
            start = 0;
        }
    }
    let mut groups: Vec<((u16, u16), Vec<u8>)> = Vec::new();
    for (d, a, b) in segs {
        match groups.iter_mut().find(|g| g.0 == (a, b)) {
            Some(g) => {
                if !g.1.contains(&d) {
                    g.1.push(d)
                }
            }
            None => groups.push(((a, b), vec![d])),
        }
    }
    for ((a, b), mut days) in groups {
        days.sort();
        let mut m = Map::new();
        m.insert("freq".into(), json!("WEEKLY"));
        m.insert(
            "byday".into(),
            json!(days
                .iter()
                .map(|d| RRULE_DAYS[*d as usize])
                .collect::<Vec<_>>()
                .join(",")),
        );
        m.insert("opens_at".into(), json!(hm(a)));
        m.insert(
            "closes_at".into(),
            json!(if b > DAY { hm(b - DAY) } else { hm(b) }),
        );
        let mut desc = format!(
            "{} {}–{}",
            days.iter()
                .map(|d| FYR_DAYS[*d as usize])
                .collect::<Vec<_>>()
                .join(","),
            short(a),
            short(if b > DAY { b - DAY } else { b })
        );
        if p.on_call {
            desc = format!("Jour (on call): {desc}");
        }
        if p.closed_holidays {
            desc.push_str("; stängt på helgdagar och aftnar (closed on public holidays and eves)");
        }
        m.insert("description".into(), json!(desc));
        base(&mut m);
        out.push(m);
    }
    for (a, b) in &p.holidays {
        let mut m = Map::new();
        m.insert("opens_at".into(), json!(hm(*a)));
        m.insert(
            "closes_at".into(),
            json!(if *b == 0 { hm(DAY) } else { hm(*b) }),
        );
        m.insert(
            "description".into(),
            json!("Öppet på helgdagar och aftnar (open on public holidays and eves)"),
        );
        m.insert("fyr_holidays".into(), json!(true));
        base(&mut m);
        out.push(m);
    }
    for (date, hours) in &p.dated {
        let mut m = Map::new();
        let d = date.format("%Y-%m-%d").to_string();
        m.insert("valid_from".into(), json!(d));
        m.insert("valid_to".into(), json!(d));
        m.insert("dtstart".into(), json!(d));
        match hours {
            Some((a, b)) => {
                m.insert("opens_at".into(), json!(hm(*a)));
                m.insert(
                    "closes_at".into(),
                    json!(if *b == 0 { hm(DAY) } else { hm(*b) }),
                );
                m.insert(
                    "description".into(),
                    json!(format!("{d}: {}–{}", short(*a), short(*b))),
                );
            }
            None => {
                m.insert("description".into(), json!(format!("{d}: stängt (closed)")));
                m.insert("fyr_closed".into(), json!(true));
            }
        }
        base(&mut m);
        out.push(m);
    }
    out
}

fn time(v: Option<&Value>) -> Option<String> {
    let s = v?.as_str()?.trim();
    let mut it = s.split(':');
    let h: u16 = it.next()?.trim().parse().ok()?;
    let m: u16 = it.next().unwrap_or("0").trim().parse().ok()?;
    if h > 24 || m > 59 {
        return None;
    }
    // 23:59 (and 23:59:59) is how many systems write the end of a day.
    if h == 23 && m == 59 {
        return Some("24:00".into());
    }
    Some(format!("{h:02}:{m:02}"))
}

fn truthy(v: Option<&Value>) -> bool {
    match v {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => {
            matches!(s.trim().to_ascii_lowercase().as_str(), "true" | "yes" | "1")
        }
        Some(Value::Number(n)) => n.as_f64().is_some_and(|x| x != 0.0),
        _ => false,
    }
}

/// Fyr hours from HSDS schedule objects; what cannot be carried is reported
/// under `what` (e.g. "service 'Community Counselling'").
pub fn from_rows(rows: &[&Map<String, Value>], what: &str, report: &mut Report) -> Option<String> {
    let mut rules: Vec<String> = Vec::new();
    let mut on_call = false;
    let mut closed_holidays = false;
    for (i, r) in rows.iter().enumerate() {
        let here = format!("{what} schedule {}", i + 1);
        on_call |= truthy(r.get("fyr_on_call"));
        closed_holidays |= truthy(r.get("fyr_closed_on_holidays"));
        let opens = time(r.get("opens_at"));
        let closes = time(r.get("closes_at"));
        let valid_from = r.get("valid_from").and_then(Value::as_str).map(str::trim);
        let valid_to = r.get("valid_to").and_then(Value::as_str).map(str::trim);
        if truthy(r.get("fyr_holidays")) {
            if let (Some(a), Some(b)) = (&opens, &closes) {
                rules.push(format!("holidays {a}-{b}"));
                continue;
            }
        }
        let single_date = match (valid_from, valid_to) {
            (Some(a), Some(b)) if a == b && !a.is_empty() => Some(a.to_string()),
            _ => None,
        };
        if let Some(d) = &single_date {
            if truthy(r.get("fyr_closed")) {
                rules.push(format!("{d} closed"));
                continue;
            }
            if r.get("byday")
                .and_then(Value::as_str)
                .is_none_or(|s| s.trim().is_empty())
            {
                if let (Some(a), Some(b)) = (&opens, &closes) {
                    rules.push(format!("{d} {a}-{b}"));
                    continue;
                }
            }
        }
        let freq = r
            .get("freq")
            .and_then(Value::as_str)
            .unwrap_or("")
            .trim()
            .to_ascii_uppercase();
        let byday = r.get("byday").and_then(Value::as_str).unwrap_or("").trim();
        if !(freq.is_empty() || freq == "WEEKLY") {
            report.drop(
                here,
                format!("freq {freq}: only weekly schedules are carried (Fyr's hours are weekly)"),
            );
            continue;
        }
        let (Some(a), Some(b)) = (opens, closes) else {
            report.drop(here, "no opens_at/closes_at: nothing Fyr can show as hours");
            continue;
        };
        let mut days = Vec::new();
        let mut bad = None;
        for d in byday.split(',').map(str::trim).filter(|d| !d.is_empty()) {
            match RRULE_DAYS.iter().position(|x| x.eq_ignore_ascii_case(d)) {
                Some(k) => days.push(FYR_DAYS[k]),
                None => bad = Some(d.to_string()),
            }
        }
        if let Some(d) = bad {
            report.drop(
                here,
                format!("byday '{d}' (a monthly position) cannot be carried as weekly hours"),
            );
            continue;
        }
        let days = if days.is_empty() {
            report
                .check
                .push(format!("{here}: no byday; read as every day {a}-{b}"));
            "daily".to_string()
        } else {
            days.join(",")
        };
        rules.push(format!("{days} {a}-{b}"));
        for f in [
            "byweekno",
            "bymonthday",
            "byyearday",
            "count",
            "until",
            "interval",
        ] {
            if let Some(v) = r.get(f).filter(|v| !v.is_null() && v.as_str() != Some("")) {
                if f == "interval" && v.as_f64() == Some(1.0) {
                    continue;
                }
                report.drop(
                    format!("{here} {f}"),
                    format!("'{v}' is not carried: Fyr's hours repeat every week"),
                );
            }
        }
        if valid_from.is_some_and(|s| !s.is_empty()) || valid_to.is_some_and(|s| !s.is_empty()) {
            report.check.push(format!(
                "{here}: valid {}–{} is not carried: Fyr's weekly hours have no end date; check they still hold",
                valid_from.unwrap_or(""),
                valid_to.unwrap_or("")
            ));
        }
        if let Some(tz) = r.get("timezone").filter(|v| !v.is_null()) {
            report.drop(
                format!("{here} timezone"),
                format!("numeric offset {tz} dropped: hours are read in Swedish time (Europe/Stockholm)"),
            );
        }
    }
    if rules.is_empty() {
        return None;
    }
    if closed_holidays {
        rules.push("closed-holidays".into());
    }
    let hours = format!(
        "{}{}",
        if on_call { "oncall: " } else { "" },
        rules.join("; ")
    );
    match Schedule::parse(&hours) {
        Ok(_) => Some(hours),
        Err(e) => {
            report.drop(format!("{what} schedules"), format!("{e}"));
            None
        }
    }
}
