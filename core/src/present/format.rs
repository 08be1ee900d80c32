//! Numbers, distances, counters and relative times as the user reads them:
//! a decimal comma in Swedish, a point in English.

use crate::vocab::Lang;
use chrono::{DateTime, Utc};

/// `x` with `decimals` decimals in the language's style: "2,3" (sv), "2.3" (en).
pub fn decimal(x: f64, decimals: usize, lang: Lang) -> String {
    let s = format!("{x:.decimals$}");
    match lang {
        Lang::Sv => s.replace('.', ","),
        Lang::En => s,
    }
}

/// A distance ready to show: "850 m" under a kilometre (rounded to 10 m),
/// "2,3 km" / "2.3 km" under ten kilometres, whole kilometres beyond.
/// `approximate` (the distance is to the municipality's centre, e.g. for a
/// shelter, whose position is never stored) prefixes "ca" / "approx.".
/// `None` for a distance that is not a finite, non-negative number.
pub fn distance_text(km: f64, approximate: bool, lang: Lang) -> Option<String> {
    if !km.is_finite() || km < 0.0 {
        return None;
    }
    let metres = ((km * 1000.0) / 10.0).round() * 10.0;
    let tenths = (km * 10.0).round() / 10.0;
    let plain = if metres < 1000.0 {
        format!("{} m", metres.max(10.0) as u64)
    } else if tenths < 10.0 {
        format!("{} km", decimal(tenths, 1, lang))
    } else {
        format!("{} km", km.round() as u64)
    };
    Some(if approximate {
        match lang {
            Lang::Sv => format!("ca {plain}"),
            Lang::En => format!("approx. {plain}"),
        }
    } else {
        plain
    })
}

/// What was typed into a number field, read as a number: "3", "3,5"
/// (Swedish), "3.5", "1 200" (spaces, also no-break spaces, as thousands
/// separators), "-2". `None` for anything else — words, two separators,
/// "NaN", "inf", an empty field.
pub fn parse_number(text: &str) -> Option<f64> {
    let t: String = text
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '\u{a0}' | '\u{202f}'))
        .collect();
    let body = t
        .strip_prefix('-')
        .or_else(|| t.strip_prefix('+'))
        .or_else(|| t.strip_prefix('\u{2212}'))
        .unwrap_or(&t);
    if body.is_empty()
        || !body
            .chars()
            .all(|c| c.is_ascii_digit() || c == ',' || c == '.')
        || body.chars().filter(|c| *c == ',' || *c == '.').count() > 1
        || !body.chars().any(|c| c.is_ascii_digit())
    {
        return None;
    }
    let negative = t.starts_with('-') || t.starts_with('\u{2212}');
    let v: f64 = body.replace(',', ".").parse().ok()?;
    let v = if negative { -v } else { v };
    v.is_finite().then_some(v)
}

/// "Fråga 3 av 12" / "Question 3 of 12".
pub fn question_counter(position: u32, total: u32, lang: Lang) -> String {
    match lang {
        Lang::Sv => format!("Fråga {position} av {total}"),
        Lang::En => format!("Question {position} of {total}"),
    }
}

/// The counter of a screening in progress: the item shown now is number
/// `answered + 1`; with no item left (every shown item answered) the last
/// one. The total is the items shown so far (later items may appear
/// depending on the answers), never less than the position.
pub fn screening_counter(answered: usize, visible: usize, has_next: bool, lang: Lang) -> String {
    let position = if has_next {
        answered + 1
    } else {
        answered.max(1)
    };
    let total = visible.max(position);
    question_counter(position as u32, total as u32, lang)
}

/// How long ago `then` was, or how soon it is, seen from `now`: "nyss" /
/// "just now" within a minute, then whole minutes, hours (under a day) and
/// days, counted in elapsed time (a DST night changes nothing): "för 3
/// timmar sedan" / "3 hours ago"; in the future "om 5 minuter" / "in 5
/// minutes", "nu" / "now" within a minute.
pub fn relative_time(then: DateTime<Utc>, now: DateTime<Utc>, lang: Lang) -> String {
    let secs = (now - then).num_seconds();
    let future = secs < 0;
    let s = secs.unsigned_abs();
    if s < 60 {
        return match (future, lang) {
            (false, Lang::Sv) => "nyss",
            (false, Lang::En) => "just now",
            (true, Lang::Sv) => "nu",
            (true, Lang::En) => "now",
        }
        .to_string();
    }
    let (n, unit) = if s < 3600 {
        (s / 60, Unit::Minute)
    } else if s < 86_400 {
        (s / 3600, Unit::Hour)
    } else {
        (s / 86_400, Unit::Day)
    };
    let amount = unit.amount(n, lang);
    match (future, lang) {
        (false, Lang::Sv) => format!("för {amount} sedan"),
        (false, Lang::En) => format!("{amount} ago"),
        (true, Lang::Sv) => format!("om {amount}"),
        (true, Lang::En) => format!("in {amount}"),
    }
}

#[derive(Clone, Copy)]
enum Unit {
    Minute,
    Hour,
    Day,
}

impl Unit {
    fn amount(self, n: u64, lang: Lang) -> String {
        let one = n == 1;
        let word = match (self, lang, one) {
            (Unit::Minute, Lang::Sv, true) => "minut",
            (Unit::Minute, Lang::Sv, false) => "minuter",
            (Unit::Hour, Lang::Sv, true) => "timme",
            (Unit::Hour, Lang::Sv, false) => "timmar",
            (Unit::Day, Lang::Sv, true) => "dag",
            (Unit::Day, Lang::Sv, false) => "dagar",
            (Unit::Minute, Lang::En, true) => "minute",
            (Unit::Minute, Lang::En, false) => "minutes",
            (Unit::Hour, Lang::En, true) => "hour",
            (Unit::Hour, Lang::En, false) => "hours",
            (Unit::Day, Lang::En, true) => "day",
            (Unit::Day, Lang::En, false) => "days",
        };
        format!("{n} {word}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn distances_in_each_language() {
        let d = |km, approx, lang| distance_text(km, approx, lang).unwrap();
        assert_eq!(d(2.345, false, Lang::Sv), "2,3 km");
        assert_eq!(d(2.345, false, Lang::En), "2.3 km");
        assert_eq!(d(0.853, false, Lang::Sv), "850 m");
        assert_eq!(d(0.0, false, Lang::Sv), "10 m");
        assert_eq!(d(123.6, false, Lang::Sv), "124 km");
        // Rounding never shows "1000 m" or "10,0 km".
        assert_eq!(d(0.9996, false, Lang::Sv), "1,0 km");
        assert_eq!(d(9.96, false, Lang::Sv), "10 km");
        assert_eq!(d(9.94, false, Lang::En), "9.9 km");
        // To the municipality's centre: approximate.
        assert_eq!(d(2.345, true, Lang::Sv), "ca 2,3 km");
        assert_eq!(d(0.42, true, Lang::En), "approx. 420 m");
        assert_eq!(d(57.2, true, Lang::En), "approx. 57 km");
        assert_eq!(distance_text(f64::NAN, false, Lang::Sv), None);
        assert_eq!(distance_text(-1.0, false, Lang::Sv), None);
    }

    #[test]
    fn decimal_comma_in_swedish() {
        assert_eq!(decimal(3.25, 1, Lang::Sv), "3,2");
        assert_eq!(decimal(3.5, 2, Lang::En), "3.50");
    }

    #[test]
    fn numbers_as_typed() {
        assert_eq!(parse_number(" 3,5 "), Some(3.5));
        assert_eq!(parse_number("3.5"), Some(3.5));
        assert_eq!(parse_number("2"), Some(2.0));
        assert_eq!(parse_number("1 200"), Some(1200.0));
        assert_eq!(parse_number("1\u{a0}200,5"), Some(1200.5));
        assert_eq!(parse_number("-2,5"), Some(-2.5));
        assert_eq!(parse_number(",5"), Some(0.5));
        for bad in [
            "", " ", "två", "NaN", "inf", "1,2,3", "1.200,5", "3,5 km", ",", "-", "1e5",
        ] {
            assert_eq!(parse_number(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn question_counters() {
        assert_eq!(question_counter(3, 12, Lang::Sv), "Fråga 3 av 12");
        assert_eq!(question_counter(3, 12, Lang::En), "Question 3 of 12");
        assert_eq!(screening_counter(2, 8, true, Lang::Sv), "Fråga 3 av 8");
        assert_eq!(screening_counter(0, 5, true, Lang::Sv), "Fråga 1 av 5");
        assert_eq!(screening_counter(6, 6, false, Lang::Sv), "Fråga 6 av 6");
        // A follow-up item appeared: the total grows, never below the position.
        assert_eq!(screening_counter(5, 5, true, Lang::En), "Question 6 of 6");
        assert_eq!(screening_counter(0, 0, false, Lang::Sv), "Fråga 1 av 1");
    }

    #[test]
    fn relative_times_at_the_instants_that_matter() {
        let now = at("2026-02-10T12:00:00Z");
        let ago = |s: &str, lang| relative_time(at(s), now, lang);
        assert_eq!(ago("2026-02-10T12:00:00Z", Lang::Sv), "nyss");
        assert_eq!(ago("2026-02-10T11:59:01Z", Lang::Sv), "nyss");
        assert_eq!(ago("2026-02-10T11:59:00Z", Lang::Sv), "för 1 minut sedan");
        assert_eq!(
            ago("2026-02-10T11:15:00Z", Lang::Sv),
            "för 45 minuter sedan"
        );
        assert_eq!(ago("2026-02-10T11:15:00Z", Lang::En), "45 minutes ago");
        assert_eq!(
            ago("2026-02-10T11:00:01Z", Lang::Sv),
            "för 59 minuter sedan"
        );
        assert_eq!(ago("2026-02-10T11:00:00Z", Lang::Sv), "för 1 timme sedan");
        assert_eq!(ago("2026-02-10T09:00:00Z", Lang::Sv), "för 3 timmar sedan");
        assert_eq!(ago("2026-02-10T09:00:00Z", Lang::En), "3 hours ago");
        assert_eq!(ago("2026-02-09T12:00:01Z", Lang::Sv), "för 23 timmar sedan");
        assert_eq!(ago("2026-02-09T12:00:00Z", Lang::Sv), "för 1 dag sedan");
        assert_eq!(ago("2026-02-06T11:00:00Z", Lang::Sv), "för 4 dagar sedan");
        assert_eq!(ago("2026-02-06T11:00:00Z", Lang::En), "4 days ago");
        // In the future (the next attempt).
        assert_eq!(ago("2026-02-10T12:00:30Z", Lang::Sv), "nu");
        assert_eq!(ago("2026-02-10T12:00:30Z", Lang::En), "now");
        assert_eq!(ago("2026-02-10T12:05:30Z", Lang::Sv), "om 5 minuter");
        assert_eq!(ago("2026-02-10T12:01:00Z", Lang::En), "in 1 minute");
        assert_eq!(ago("2026-02-10T14:00:00Z", Lang::Sv), "om 2 timmar");
        assert_eq!(ago("2026-02-12T12:00:00Z", Lang::En), "in 2 days");
    }

    #[test]
    fn relative_times_across_midnight_and_dst() {
        // 23:50 to 00:10 on New Year's night (Stockholm time): 20 minutes.
        let then = at("2026-12-31T23:50:00+01:00");
        let now = at("2027-01-01T00:10:00+01:00");
        assert_eq!(relative_time(then, now, Lang::Sv), "för 20 minuter sedan");
        // The spring DST night: 01:30 CET to 03:30 CEST is one hour.
        let then = at("2026-03-29T01:30:00+01:00");
        let now = at("2026-03-29T03:30:00+02:00");
        assert_eq!(relative_time(then, now, Lang::Sv), "för 1 timme sedan");
        // The autumn night: 02:30 CEST to 02:30 CET is one hour too.
        let then = at("2026-10-25T02:30:00+02:00");
        let now = at("2026-10-25T02:30:00+01:00");
        assert_eq!(relative_time(then, now, Lang::En), "1 hour ago");
        // Julafton evening to juldagen morning.
        let then = Utc.with_ymd_and_hms(2026, 12, 24, 21, 0, 0).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 12, 25, 7, 0, 0).unwrap();
        assert_eq!(relative_time(then, now, Lang::Sv), "för 10 timmar sedan");
    }
}
