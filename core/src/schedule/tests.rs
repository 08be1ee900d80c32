use super::*;
use chrono::TimeZone;
use proptest::prelude::*;

/// A Stockholm local time (earliest if ambiguous) as UTC.
fn local(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Stockholm
        .with_ymd_and_hms(y, mo, d, h, mi, 0)
        .earliest()
        .unwrap()
        .with_timezone(&Utc)
}

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

fn s(spec: &str) -> Schedule {
    Schedule::parse(spec).unwrap_or_else(|e| panic!("{e}"))
}

fn secs(t: DateTime<Utc>, n: i64) -> DateTime<Utc> {
    t + chrono::Duration::seconds(n)
}

const OFFICE: &str = "mon-fri 08:00-16:00";
const ONCALL: &str = "oncall: mon-thu 16:30-08:00; fri 16:30-mon 08:00; holidays 00:00-24:00";

#[test]
fn always_open() {
    for spec in ["24/7", " 24/7 ;", "daily 00:00-24:00", "oncall: 24/7"] {
        let sch = s(spec);
        assert!(sch.always_open(), "{spec}");
        assert!(sch.is_open(local(2026, 12, 24, 3, 0)));
        assert_eq!(sch.next_change(local(2026, 12, 24, 3, 0)), None);
    }
    assert!(!s("24/7; 2026-12-24 closed").always_open());
    assert!(!s("24/7; closed-holidays").always_open());
    assert!(!s("mon-sat 00:00-24:00").always_open());
    // Whole weeks made of pieces: nights past midnight and a span over
    // Sunday's midnight close the week; one minute missing does not.
    assert!(
        s("oncall: mon-fri 08:00-16:00; mon-thu 16:00-08:00; fri 16:00-mon 08:00").always_open()
    );
    assert!(s("daily 12:00-12:00").always_open());
    assert!(s("sun 12:00-sat 12:00; sat 11:00-sun 13:00").always_open());
    assert!(!s("mon-fri 08:00-16:00; mon-thu 16:01-08:00; fri 16:00-mon 08:00").always_open());
    assert!(!s("mon-sun 00:00-23:59").always_open());
    assert!(!s("24/7").on_call());
    assert!(s("oncall: 24/7").on_call());
    // 24/7 with a closed date: closed all that day, open again at midnight.
    let x = s("24/7; 2026-12-24 closed");
    assert!(x.is_open(local(2026, 12, 23, 23, 59)));
    assert!(!x.is_open(local(2026, 12, 24, 0, 0)));
    assert!(!x.is_open(local(2026, 12, 24, 23, 59)));
    assert!(x.is_open(local(2026, 12, 25, 0, 0)));
    assert_eq!(
        x.next_change(local(2026, 12, 23, 12, 0)),
        Some(local(2026, 12, 24, 0, 0))
    );
    assert_eq!(
        x.next_change(local(2026, 12, 24, 0, 0)),
        Some(local(2026, 12, 25, 0, 0))
    );
}

#[test]
fn boundaries_start_inclusive_end_exclusive() {
    let o = s(OFFICE);
    // Monday 2026-11-23 (CET, UTC+1).
    assert!(!o.is_open(secs(local(2026, 11, 23, 8, 0), -1)));
    assert!(o.is_open(local(2026, 11, 23, 8, 0)));
    assert!(o.is_open(secs(local(2026, 11, 23, 16, 0), -1)));
    assert!(!o.is_open(local(2026, 11, 23, 16, 0)));
    assert_eq!(local(2026, 11, 23, 8, 0), utc(2026, 11, 23, 7, 0));
    assert_eq!(
        o.next_change(local(2026, 11, 23, 7, 0)),
        Some(utc(2026, 11, 23, 7, 0))
    );
    assert_eq!(
        o.next_change(secs(local(2026, 11, 23, 8, 0), -1)),
        Some(local(2026, 11, 23, 8, 0))
    );
    assert_eq!(
        o.next_change(local(2026, 11, 23, 8, 0)),
        Some(local(2026, 11, 23, 16, 0))
    );
    assert_eq!(
        o.next_change(local(2026, 11, 23, 16, 0)),
        Some(local(2026, 11, 24, 8, 0))
    );
    // Friday evening -> Monday morning.
    assert_eq!(
        o.next_change(local(2026, 11, 27, 16, 0)),
        Some(local(2026, 11, 30, 8, 0))
    );
    assert!(!o.is_open(local(2026, 11, 28, 12, 0)));
    // Summer time: 08:00 CEST is 06:00 UTC.
    assert!(o.is_open(utc(2026, 6, 15, 6, 0)));
    assert!(!o.is_open(utc(2026, 6, 15, 5, 59)));
    // A 24:00 end and a mid-week list.
    let l = s("mon,wed,fri 20:00-24:00");
    assert!(l.is_open(local(2026, 11, 25, 23, 59)));
    assert!(!l.is_open(local(2026, 11, 26, 0, 0)));
    assert!(!l.is_open(local(2026, 11, 24, 21, 0)));
    assert_eq!(
        l.next_change(local(2026, 11, 25, 21, 0)),
        Some(local(2026, 11, 26, 0, 0))
    );
}

#[test]
fn dst_spring_2026_night_interval() {
    // 2026-03-29 02:00 CET -> 03:00 CEST (01:00 UTC).
    let n = s("daily 22:00-06:00");
    assert!(!n.is_open(utc(2026, 3, 28, 20, 59)));
    assert!(n.is_open(utc(2026, 3, 28, 21, 0))); // Sat 22:00 CET
    assert!(n.is_open(utc(2026, 3, 29, 0, 59))); // 01:59 CET
    assert!(n.is_open(utc(2026, 3, 29, 1, 0))); // 03:00 CEST
    assert!(n.is_open(utc(2026, 3, 29, 3, 59))); // 05:59 CEST
    assert!(!n.is_open(utc(2026, 3, 29, 4, 0))); // 06:00 CEST
    assert_eq!(
        n.next_change(utc(2026, 3, 28, 21, 30)),
        Some(utc(2026, 3, 29, 4, 0))
    );
    assert_eq!(
        n.next_change(utc(2026, 3, 28, 12, 0)),
        Some(utc(2026, 3, 28, 21, 0))
    );
    assert_eq!(
        n.next_change(utc(2026, 3, 29, 4, 0)),
        Some(utc(2026, 3, 29, 20, 0))
    ); // 22:00 CEST
       // Office hours the Monday after: 08:00 CEST = 06:00 UTC.
    assert_eq!(
        s(OFFICE).next_change(local(2026, 3, 27, 16, 0)),
        Some(utc(2026, 3, 30, 6, 0))
    );
    assert_eq!(local(2026, 3, 27, 16, 0), utc(2026, 3, 27, 15, 0));
}

#[test]
fn dst_autumn_2026_night_interval_and_repeated_hour() {
    // 2026-10-25 03:00 CEST -> 02:00 CET (01:00 UTC).
    let n = s("daily 22:00-06:00");
    assert!(n.is_open(utc(2026, 10, 24, 20, 0))); // Sat 22:00 CEST
    assert!(!n.is_open(utc(2026, 10, 24, 19, 59)));
    assert!(n.is_open(utc(2026, 10, 25, 0, 30))); // 02:30 CEST
    assert!(n.is_open(utc(2026, 10, 25, 1, 30))); // 02:30 CET
    assert!(n.is_open(utc(2026, 10, 25, 4, 59))); // 05:59 CET
    assert!(!n.is_open(utc(2026, 10, 25, 5, 0))); // 06:00 CET
    assert_eq!(
        n.next_change(utc(2026, 10, 24, 20, 0)),
        Some(utc(2026, 10, 25, 5, 0))
    );
    // An interval covering the repeated hour: 02:00 (first) to 03:00 (after the repeat).
    let r = s("sun 02:00-03:00");
    assert!(!r.is_open(utc(2026, 10, 24, 23, 59)));
    assert!(r.is_open(utc(2026, 10, 25, 0, 0)));
    assert!(r.is_open(utc(2026, 10, 25, 1, 30)));
    assert!(!r.is_open(utc(2026, 10, 25, 2, 0)));
    assert_eq!(
        r.next_change(utc(2026, 10, 24, 12, 0)),
        Some(utc(2026, 10, 25, 0, 0))
    );
    assert_eq!(
        r.next_change(utc(2026, 10, 25, 0, 0)),
        Some(utc(2026, 10, 25, 2, 0))
    );
}

#[test]
fn dst_2027_gap_and_ambiguous_boundaries() {
    // Spring 2027-03-28: 02:30 does not exist -> opens at 03:00 CEST (01:00 UTC).
    let g = s("sun 02:30-04:00");
    assert!(!g.is_open(utc(2027, 3, 28, 0, 59)));
    assert!(g.is_open(utc(2027, 3, 28, 1, 0)));
    assert!(g.is_open(utc(2027, 3, 28, 1, 59)));
    assert!(!g.is_open(utc(2027, 3, 28, 2, 0)));
    assert_eq!(
        g.next_change(utc(2027, 3, 28, 0, 0)),
        Some(utc(2027, 3, 28, 1, 0))
    );
    assert_eq!(
        g.next_change(utc(2027, 3, 28, 1, 0)),
        Some(utc(2027, 3, 28, 2, 0))
    );
    // Autumn 2027-10-31: 02:30-02:45 is the first pass only (earliest).
    let a = s("sun 02:30-02:45");
    assert!(a.is_open(utc(2027, 10, 31, 0, 30)));
    assert!(!a.is_open(utc(2027, 10, 31, 0, 45)));
    assert!(!a.is_open(utc(2027, 10, 31, 1, 30)));
    assert_eq!(
        a.next_change(utc(2027, 10, 31, 0, 0)),
        Some(utc(2027, 10, 31, 0, 30))
    );
    assert_eq!(
        a.next_change(utc(2027, 10, 31, 0, 30)),
        Some(utc(2027, 10, 31, 0, 45))
    );
    assert_eq!(
        a.next_change(utc(2027, 10, 31, 0, 45)),
        Some(utc(2027, 11, 7, 1, 30))
    );
    // Night interval across both 2027 transitions.
    let n = s("sat 22:00-06:00");
    assert!(n.is_open(utc(2027, 3, 28, 0, 30)));
    assert_eq!(
        n.next_change(utc(2027, 3, 27, 22, 0)),
        Some(utc(2027, 3, 28, 4, 0))
    );
    assert_eq!(
        n.next_change(utc(2027, 10, 30, 20, 0)),
        Some(utc(2027, 10, 31, 5, 0))
    );
    assert!(n.is_open(utc(2027, 10, 31, 1, 30)));
}

#[test]
fn on_call_across_midnight_weekend_and_holidays() {
    let c = s(ONCALL);
    assert!(c.on_call());
    assert!(!c.always_open());
    // Tue 2026-11-24.
    assert!(c.is_open(local(2026, 11, 24, 3, 0)));
    assert!(!c.is_open(local(2026, 11, 24, 8, 0)));
    assert!(!c.is_open(local(2026, 11, 24, 12, 0)));
    assert!(c.is_open(local(2026, 11, 24, 16, 30)));
    assert_eq!(
        c.next_change(local(2026, 11, 24, 12, 0)),
        Some(local(2026, 11, 24, 16, 30))
    );
    // Friday morning ends the Thursday night; the weekend span.
    assert!(c.is_open(local(2026, 11, 27, 7, 59)));
    assert!(!c.is_open(local(2026, 11, 27, 8, 0)));
    assert!(c.is_open(local(2026, 11, 28, 12, 0)));
    assert!(c.is_open(local(2026, 11, 29, 23, 0)));
    assert!(c.is_open(local(2026, 11, 30, 7, 59)));
    assert!(!c.is_open(local(2026, 11, 30, 8, 0)));
    assert_eq!(
        c.next_change(local(2026, 11, 27, 17, 0)),
        Some(local(2026, 11, 30, 8, 0))
    );
    // Kristi himmelsfärd (Thu 2026-05-14) all day; normal Friday after.
    assert!(c.is_open(local(2026, 5, 14, 12, 0)));
    assert!(c.is_open(local(2026, 5, 15, 7, 0)));
    assert!(!c.is_open(local(2026, 5, 15, 12, 0)));
    assert!(!c.is_open(local(2026, 5, 13, 12, 0)));
    assert_eq!(
        c.next_change(local(2026, 5, 13, 12, 0)),
        Some(local(2026, 5, 13, 16, 30))
    );
    assert_eq!(
        c.next_change(local(2026, 5, 13, 16, 30)),
        Some(local(2026, 5, 15, 8, 0))
    );
    // Midsommarafton is an eve: covered.
    assert!(c.is_open(local(2026, 6, 19, 12, 0)));
    // Christmas: Thu 24 .. Sat 26, weekend, ends Mon 28 08:00.
    assert_eq!(
        c.next_change(local(2026, 12, 24, 10, 0)),
        Some(local(2026, 12, 28, 8, 0))
    );
    assert_eq!(
        c.status(local(2026, 11, 24, 3, 0), Lang::Sv).text,
        "Jour nu · slutar 08:00"
    );
    assert_eq!(
        c.status(local(2026, 11, 24, 3, 0), Lang::En).text,
        "On call now · ends 08:00"
    );
    assert_eq!(
        c.status(local(2026, 11, 24, 12, 0), Lang::Sv).text,
        "Ingen jour nu · börjar 16:30"
    );
}

#[test]
fn closed_holidays_drops_intervals_starting_on_holidays() {
    let o = s("mon-fri 08:00-16:00; closed-holidays");
    assert!(o.is_open(local(2026, 5, 13, 10, 0)));
    assert!(!o.is_open(local(2026, 5, 14, 10, 0))); // Kristi himmelsfärdsdag (Thu)
    assert!(o.is_open(local(2026, 5, 15, 10, 0)));
    assert!(!o.is_open(local(2026, 12, 24, 10, 0))); // julafton (Thu)
    assert!(!o.is_open(local(2026, 6, 19, 10, 0))); // midsommarafton (Fri)
    assert!(!o.is_open(local(2026, 4, 6, 10, 0))); // annandag påsk
    assert!(o.is_open(local(2026, 12, 23, 10, 0)));
    assert_eq!(
        o.next_change(local(2026, 5, 13, 16, 0)),
        Some(local(2026, 5, 15, 8, 0))
    );
    assert_eq!(
        o.next_change(local(2026, 12, 23, 16, 0)),
        Some(local(2026, 12, 28, 8, 0))
    );
    // Without closed-holidays the Thursday is an ordinary day.
    assert!(s(OFFICE).is_open(local(2026, 5, 14, 10, 0)));
    // An interval begun the day before a holiday still runs to its end.
    let n = s("mon-fri 20:00-02:00; closed-holidays");
    assert!(n.is_open(local(2026, 5, 13, 23, 0)));
    assert!(n.is_open(local(2026, 5, 14, 1, 59)));
    assert!(!n.is_open(local(2026, 5, 14, 2, 0)));
    assert!(!n.is_open(local(2026, 5, 14, 21, 0)));
    assert!(!n.is_open(local(2026, 5, 15, 1, 0)));
    assert!(n.is_open(local(2026, 5, 15, 21, 0)));
    assert_eq!(
        n.next_change(local(2026, 5, 14, 1, 0)),
        Some(local(2026, 5, 14, 2, 0))
    );
    assert_eq!(
        n.next_change(local(2026, 5, 14, 2, 0)),
        Some(local(2026, 5, 15, 20, 0))
    );
}

#[test]
fn dated_exceptions() {
    let o = s("mon-fri 08:00-16:00; 2026-12-23 closed; 2026-12-30 10:00-14:00");
    assert!(!o.is_open(local(2026, 12, 23, 10, 0)));
    assert!(o.is_open(local(2026, 12, 22, 10, 0)));
    assert!(!o.is_open(local(2026, 12, 30, 9, 0)));
    assert!(o.is_open(local(2026, 12, 30, 10, 0)));
    assert!(!o.is_open(local(2026, 12, 30, 14, 0)));
    assert!(o.is_open(local(2026, 12, 29, 9, 0)));
    assert_eq!(
        o.next_change(local(2026, 12, 22, 16, 0)),
        Some(local(2026, 12, 24, 8, 0))
    );
    assert_eq!(
        o.next_change(local(2026, 12, 30, 7, 0)),
        Some(local(2026, 12, 30, 10, 0))
    );
    // A closed date drops an overnight interval starting that day only.
    let n = s("mon-fri 20:00-02:00; 2026-11-25 closed");
    assert!(n.is_open(local(2026, 11, 25, 1, 0)));
    assert!(!n.is_open(local(2026, 11, 25, 21, 0)));
    assert!(!n.is_open(local(2026, 11, 26, 1, 0)));
    // An exception on a Sunday with no other rules; nothing after it.
    let x = s("2026-11-29 10:00-12:00");
    assert!(x.is_open(local(2026, 11, 29, 10, 0)));
    assert!(!x.is_open(local(2026, 11, 29, 12, 0)));
    assert_eq!(
        x.next_change(local(2026, 11, 28, 0, 0)),
        Some(local(2026, 11, 29, 10, 0))
    );
    assert_eq!(x.next_change(local(2026, 11, 29, 12, 0)), None);
    assert_eq!(
        x.next_change(local(2026, 11, 10, 0, 0)),
        None,
        "beyond 14 days"
    );
    // An overnight exception.
    let y = s("2026-11-29 22:00-02:00");
    assert!(y.is_open(local(2026, 11, 30, 1, 0)));
    assert!(!y.is_open(local(2026, 11, 30, 2, 0)));
    // An exception replaces the holiday rule on its date.
    let h = s("oncall: holidays 00:00-24:00; 2026-12-24 12:00-24:00");
    assert!(!h.is_open(local(2026, 12, 24, 10, 0)));
    assert!(h.is_open(local(2026, 12, 24, 13, 0)));
    assert!(h.is_open(local(2026, 12, 25, 10, 0)));
}

#[test]
fn parse_errors_name_spec_and_problem() {
    let cases = [
        ("mox-fri 08:00-16:00", "unknown day 'mox'"),
        ("mon 25:00-26:00", "bad time '25:00'"),
        ("mon 08:60-09:00", "bad time '08:60'"),
        ("mon-fri", "missing time range"),
        ("mon-fri 08:00", "missing time range"),
        ("holidays", "missing time range"),
        ("garbage", "unrecognised rule 'garbage'"),
        (
            "mon-fri 08:00-16:00; what is this",
            "unrecognised rule 'what is this'",
        ),
        ("", "no rules"),
        ("oncall:", "no rules"),
        ("mon 24:00-08:00", "24:00 is only allowed as an end"),
        ("2026-13-01 closed", "bad date '2026-13-01'"),
        (
            "2026-12-24 open",
            "expected 'closed' or HH:MM-HH:MM after the date, got 'open'",
        ),
        ("mon-fri 16:30-mon 08:00", "single start day"),
        ("fri 16:30-xyz 08:00", "unknown day 'xyz'"),
        ("mon 8-16", "bad time '8'"),
    ];
    for (spec, problem) in cases {
        let e = Schedule::parse(spec).expect_err(spec);
        assert_eq!(e.spec, spec);
        assert!(e.problem.contains(problem), "{spec}: {}", e.problem);
        assert_eq!(e.to_string(), format!("bad hours '{spec}': {}", e.problem));
    }
}

#[test]
fn parse_is_tolerant_of_case_whitespace_and_dashes() {
    assert_eq!(
        s("  MON - FRI 08:00 - 16:00 ;  Closed-Holidays ; "),
        s("mon-fri 08:00-16:00;closed-holidays")
    );
    assert_eq!(s("mån–fre 8.00–16.00"), s("mon-fri 08:00-16:00"));
    assert_eq!(s("Fri 16:30 - Mon 08:00"), s("fri 16:30-mon 08:00"));
    assert_eq!(s("mon , wed,fri 08:00-16:00"), s("mon,wed,fri 08:00-16:00"));
    assert!(s("OnCall: mon 08:00-09:00").on_call());
    // Wrapping day range.
    let w = s("fri-mon 10:00-11:00");
    assert!(w.is_open(local(2026, 11, 29, 10, 30)));
    assert!(w.is_open(local(2026, 11, 30, 10, 30)));
    assert!(!w.is_open(local(2026, 11, 25, 10, 30)));
}

#[test]
fn display_is_canonical_and_round_trips() {
    assert_eq!(
        s("  MON - FRI 08:00 - 16:00 ;  Closed-Holidays ; ").to_string(),
        "mon-fri 08:00-16:00; closed-holidays"
    );
    assert_eq!(
        s(ONCALL).to_string(),
        "oncall: mon-thu 16:30-08:00; fri 16:30-mon 08:00; holidays 00:00-24:00"
    );
    assert_eq!(
        s("mån,ons,fre,lör 8.00-9.30").to_string(),
        "mon,wed,fri-sat 08:00-09:30"
    );
    assert_eq!(s("Daily 00:00-24:00").to_string(), "daily 00:00-24:00");
    for spec in PROP_SPECS.iter().chain(&[
        "24/7",
        "2026-12-24 closed; 2026-12-31 10:00-12:00",
        "fri-mon 10:00-11:00",
    ]) {
        let a = s(spec);
        let b: Schedule = a.to_string().parse().unwrap();
        assert_eq!(a, b, "{spec}");
    }
}

#[test]
fn describe_lines() {
    let o = s("mon-fri 08:00-16:00; sat 10:00-14:00; closed-holidays");
    assert_eq!(
        o.describe(Lang::Sv),
        [
            "mån–fre 08:00–16:00",
            "lör 10:00–14:00",
            "Stängt helgdagar och helgaftnar"
        ]
    );
    assert_eq!(
        o.describe(Lang::En),
        [
            "Mon–Fri 08:00–16:00",
            "Sat 10:00–14:00",
            "Closed on public holidays and eves"
        ]
    );
    assert_eq!(s("24/7").describe(Lang::Sv), ["Dygnet runt"]);
    assert_eq!(s("24/7").describe(Lang::En), ["Open 24/7"]);
    assert_eq!(
        s(ONCALL).describe(Lang::Sv),
        [
            "mån–tor 16:30–08:00",
            "fre 16:30–mån 08:00",
            "Helgdagar och helgaftnar 00:00–24:00"
        ]
    );
    assert_eq!(
        s("mon,wed,fri 09:00-10:00").describe(Lang::Sv),
        ["mån, ons, fre 09:00–10:00"]
    );
    assert_eq!(
        s("daily 09:00-10:00").describe(Lang::En),
        ["Daily 09:00–10:00"]
    );
    assert_eq!(
        s("2026-12-24 closed; 2026-12-31 10:00-12:00").describe(Lang::Sv),
        ["2026-12-24 stängt", "2026-12-31 10:00–12:00"]
    );
}

#[test]
fn status_texts() {
    let o = s(OFFICE);
    let st = o.status(local(2026, 11, 23, 10, 0), Lang::Sv);
    assert!(st.open);
    assert_eq!(st.next_change, Some(local(2026, 11, 23, 16, 0)));
    assert_eq!(st.text, "Öppet nu · stänger 16:00");
    assert_eq!(
        o.status(local(2026, 11, 23, 10, 0), Lang::En).text,
        "Open now · closes 16:00"
    );
    assert_eq!(
        o.status(local(2026, 11, 28, 10, 0), Lang::Sv).text,
        "Stängt · öppnar mån 08:00"
    );
    assert_eq!(
        o.status(local(2026, 11, 28, 10, 0), Lang::En).text,
        "Closed · opens Mon 08:00"
    );
    assert_eq!(
        o.status(local(2026, 11, 23, 6, 0), Lang::Sv).text,
        "Stängt · öppnar 08:00"
    );
    // Local time in summer (16:00 CEST = 14:00 UTC).
    assert_eq!(
        o.status(local(2026, 6, 15, 10, 0), Lang::En).text,
        "Open now · closes 16:00"
    );
    let a = s("24/7").status(local(2026, 6, 15, 10, 0), Lang::Sv);
    assert_eq!(
        (a.open, a.next_change, a.text.as_str()),
        (true, None, "Öppet dygnet runt")
    );
    assert_eq!(
        s("24/7").status(local(2026, 6, 15, 10, 0), Lang::En).text,
        "Open 24/7"
    );
    assert_eq!(
        s("2026-11-29 10:00-12:00")
            .status(local(2026, 11, 29, 13, 0), Lang::En)
            .text,
        "Closed"
    );
}

#[test]
fn moment_is_shared_between_schedules() {
    let specs = [
        OFFICE,
        ONCALL,
        "24/7",
        "mon-fri 08:00-16:00; closed-holidays",
        "daily 22:00-06:00",
    ];
    let mut t = utc(2026, 3, 27, 0, 0);
    while t < utc(2026, 4, 8, 0, 0) {
        let m = Moment::new(t);
        assert_eq!(m.at(), t);
        for spec in specs {
            let sch = s(spec);
            assert_eq!(sch.is_open_at(&m), sch.is_open(t), "{spec} at {t}");
        }
        t += chrono::Duration::minutes(37);
    }
    assert!(Moment::new(local(2026, 12, 24, 12, 0)).is_holiday());
    assert_eq!(
        Moment::new(utc(2026, 12, 31, 23, 30)).local_date(),
        NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()
    );
}

const PROP_SPECS: [&str; 9] = [
    OFFICE,
    ONCALL,
    "mon-fri 08:00-16:00; sat 10:00-14:00; closed-holidays; 2026-12-23 closed; 2027-01-07 10:00-12:00",
    "daily 22:00-06:00",
    "sun 02:30-02:45; sun 02:00-03:00",
    "sun 02:15-03:30; wed 12:00-12:01",
    "mon-fri 20:00-02:00; closed-holidays; holidays 10:00-11:00",
    "24/7; 2026-12-24 closed; 2027-06-25 closed",
    "fri 16:30-fri 16:00",
];

proptest! {
    #[test]
    fn is_open_flips_exactly_at_next_change(
        idx in 0usize..PROP_SPECS.len(),
        // 2025-12-01 .. 2028-01-01, seconds, biased to DST weekends now and then.
        secs_off in 0i64..(760 * 86_400),
        dst in 0usize..5,
    ) {
        let base = match dst {
            1 => utc(2026, 3, 27, 0, 0),
            2 => utc(2026, 10, 23, 0, 0),
            3 => utc(2027, 3, 26, 0, 0),
            4 => utc(2027, 10, 29, 0, 0),
            _ => utc(2025, 12, 1, 0, 0),
        };
        let at = base + chrono::Duration::seconds(if dst == 0 { secs_off } else { secs_off % (4 * 86_400) });
        let sch = s(PROP_SPECS[idx]);
        let now = sch.is_open(at);
        match sch.next_change(at) {
            Some(t) => {
                prop_assert!(t > at);
                prop_assert!(t <= at + chrono::Duration::days(14));
                prop_assert_eq!(sch.is_open(t - chrono::Duration::seconds(1)), now);
                prop_assert_ne!(sch.is_open(t), now);
                // No flip in between (sampled every 7 minutes).
                let mut x = at;
                while x < t {
                    prop_assert_eq!(sch.is_open(x), now, "flip at {} before next_change {}", x, t);
                    x += chrono::Duration::minutes(7);
                }
            }
            None => {
                let mut x = at;
                while x < at + chrono::Duration::days(14) {
                    prop_assert_eq!(sch.is_open(x), now);
                    x += chrono::Duration::minutes(53);
                }
            }
        }
    }
}

fn hm(m: u32) -> String {
    format!("{:02}:{:02}", m / 60, m % 60)
}

/// A random rule in the schedule syntax; times on a 5-minute grid, biased
/// towards the DST hour.
fn rule_strategy() -> impl Strategy<Value = String> {
    let time = prop_oneof![(0u32..288).prop_map(|i| i * 5), (120u32..181)];
    let end = prop_oneof![(0u32..=288).prop_map(|i| i * 5), (120u32..181)];
    prop_oneof![
        (1u8..128, time.clone(), end.clone()).prop_map(|(mask, a, b)| {
            let days: Vec<&str> = (0..7)
                .filter(|d| mask & (1 << d) != 0)
                .map(|d| DAYS_EN[d])
                .collect();
            format!("{} {}-{}", days.join(","), hm(a), hm(b))
        }),
        (0usize..7, time.clone(), 0usize..7, end.clone()).prop_map(|(a, t, b, u)| format!(
            "{} {}-{} {}",
            DAYS_EN[a],
            hm(t),
            DAYS_EN[b],
            hm(u)
        )),
        (time.clone(), end.clone()).prop_map(|(a, b)| format!("holidays {}-{}", hm(a), hm(b))),
        Just("closed-holidays".to_string()),
        (0i64..40, proptest::option::of((time, end))).prop_map(|(off, hours)| {
            let d = NaiveDate::from_ymd_opt(2026, 10, 10).unwrap() + chrono::Duration::days(off);
            match hours {
                None => format!("{d} closed"),
                Some((a, b)) => format!("{d} {}-{}", hm(a), hm(b)),
            }
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn generated_schedules_flip_exactly_at_next_change(
        rules in proptest::collection::vec(rule_strategy(), 1..5),
        // Around the 2026 autumn and 2027 spring transitions, and Christmas.
        base in prop_oneof![Just(utc(2026, 10, 22, 0, 0)), Just(utc(2027, 3, 25, 0, 0)), Just(utc(2026, 12, 20, 0, 0))],
        offset in 0i64..(6 * 86_400),
    ) {
        let spec = rules.join("; ");
        let sch = s(&spec);
        let again: Schedule = sch.to_string().parse().unwrap();
        prop_assert_eq!(&again, &sch);
        let at = base + chrono::Duration::seconds(offset);
        let now = sch.is_open(at);
        let end = sch.next_change(at).unwrap_or(at + chrono::Duration::days(14));
        if let Some(t) = sch.next_change(at) {
            prop_assert_eq!(sch.is_open(t - chrono::Duration::seconds(1)), now, "{} at {}", spec, t);
            prop_assert_ne!(sch.is_open(t), now, "{} at {}", spec, t);
        }
        let mut x = at;
        while x < end {
            prop_assert_eq!(sch.is_open(x), now, "{}: flip at {} before {}", spec, x, end);
            x += chrono::Duration::minutes(5);
        }
    }
}
