//! Swedish public holidays (allmänna helgdagar) and the three eves that
//! services treat as holidays, computed for any year from the rules in
//! lagen (1989:253) om allmänna helgdagar — no tables.
//!
//! ## Why not the `holidays_se` crate
//! `holidays_se` 1.0.0 was checked (its source read, its Easter compared with
//! `computus` for every year 1583–4099: no difference). It was not taken
//! because it pulls in `chrono-tz` 0.6 — a second, unfiltered copy of the
//! time-zone tables next to our filtered 0.10 — and is built on chrono's
//! deprecated `Date<Tz>`; and its `next_upcoming_holiday`/`day_kind` walk the
//! holidays in a fixed order that is wrong in years where pingstdagen falls
//! after nationaldagen (e.g. 2038: for 5 June it answers pingstdagen 13 June
//! instead of nationaldagen 6 June). Here Easter comes from `computus`
//! (1583–9999; outside that the same Gregorian algorithm is evaluated
//! proleptically), and the rest follows from the statute's rules.

use chrono::{Datelike, Days, NaiveDate, Weekday};

/// Whether a day is a public holiday (helgdag) or an eve (helgafton) that is
/// treated as one by "closed on public holidays and their eves".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HolidayKind {
    PublicHoliday,
    Eve,
}

/// One holiday on one date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Holiday {
    pub date: NaiveDate,
    pub kind: HolidayKind,
    pub name_sv: &'static str,
    pub name_en: &'static str,
}

#[derive(Clone, Copy)]
enum Rule {
    /// A fixed month and day.
    Fixed(u32, u32),
    /// Days after Easter Sunday (negative: before).
    Easter(i64),
    /// The first given weekday on or after month/day.
    WeekdayFrom(Weekday, u32, u32),
}

use HolidayKind::{Eve, PublicHoliday};

/// The 13 public holidays and 3 eves, in calendar order for a typical year.
const DEFS: [(Rule, HolidayKind, &str, &str); 16] = [
    (
        Rule::Fixed(1, 1),
        PublicHoliday,
        "Nyårsdagen",
        "New Year's Day",
    ),
    (
        Rule::Fixed(1, 6),
        PublicHoliday,
        "Trettondedag jul",
        "Epiphany",
    ),
    (
        Rule::Easter(-2),
        PublicHoliday,
        "Långfredagen",
        "Good Friday",
    ),
    (Rule::Easter(0), PublicHoliday, "Påskdagen", "Easter Sunday"),
    (
        Rule::Easter(1),
        PublicHoliday,
        "Annandag påsk",
        "Easter Monday",
    ),
    (Rule::Fixed(5, 1), PublicHoliday, "Första maj", "May Day"),
    (
        Rule::Easter(39),
        PublicHoliday,
        "Kristi himmelsfärdsdag",
        "Ascension Day",
    ),
    (
        Rule::Easter(49),
        PublicHoliday,
        "Pingstdagen",
        "Whit Sunday",
    ),
    (
        Rule::Fixed(6, 6),
        PublicHoliday,
        "Nationaldagen",
        "National Day of Sweden",
    ),
    (
        Rule::WeekdayFrom(Weekday::Fri, 6, 19),
        Eve,
        "Midsommarafton",
        "Midsummer Eve",
    ),
    (
        Rule::WeekdayFrom(Weekday::Sat, 6, 20),
        PublicHoliday,
        "Midsommardagen",
        "Midsummer Day",
    ),
    (
        Rule::WeekdayFrom(Weekday::Sat, 10, 31),
        PublicHoliday,
        "Alla helgons dag",
        "All Saints' Day",
    ),
    (Rule::Fixed(12, 24), Eve, "Julafton", "Christmas Eve"),
    (
        Rule::Fixed(12, 25),
        PublicHoliday,
        "Juldagen",
        "Christmas Day",
    ),
    (
        Rule::Fixed(12, 26),
        PublicHoliday,
        "Annandag jul",
        "Boxing Day",
    ),
    (Rule::Fixed(12, 31), Eve, "Nyårsafton", "New Year's Eve"),
];

/// Easter Sunday (Gregorian) of `year`; `None` only where chrono cannot
/// represent the date.
pub fn easter_sunday(year: i32) -> Option<NaiveDate> {
    if let Ok(d) = computus::gregorian(year) {
        return NaiveDate::from_ymd_opt(d.year, d.month, d.day);
    }
    // Outside computus's 1583–9999: the same anonymous Gregorian algorithm,
    // with Euclidean division so it also holds for years <= 0.
    let y = i64::from(year);
    let a = y.rem_euclid(19);
    let b = y.div_euclid(100);
    let c = y.rem_euclid(100);
    let d = b.div_euclid(4);
    let e = b.rem_euclid(4);
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32)
}

fn date_of(rule: Rule, year: i32, easter: Option<NaiveDate>) -> Option<NaiveDate> {
    match rule {
        Rule::Fixed(m, d) => NaiveDate::from_ymd_opt(year, m, d),
        Rule::Easter(off) => {
            let e = easter?;
            if off >= 0 {
                e.checked_add_days(Days::new(off as u64))
            } else {
                e.checked_sub_days(Days::new(off.unsigned_abs()))
            }
        }
        Rule::WeekdayFrom(wd, m, d) => {
            let from = NaiveDate::from_ymd_opt(year, m, d)?;
            let ahead = (7 + wd.num_days_from_monday() - from.weekday().num_days_from_monday()) % 7;
            from.checked_add_days(Days::new(u64::from(ahead)))
        }
    }
}

/// All public holidays and the three eves of `year`, sorted by date (16
/// entries; in years where two fall on one date, e.g. första maj and Kristi
/// himmelsfärdsdag in 2008, both are listed). Empty for years chrono cannot
/// represent.
pub fn holidays(year: i32) -> Vec<Holiday> {
    let easter = easter_sunday(year);
    let mut out: Vec<Holiday> = DEFS
        .iter()
        .filter_map(|&(rule, kind, name_sv, name_en)| {
            date_of(rule, year, easter).map(|date| Holiday {
                date,
                kind,
                name_sv,
                name_en,
            })
        })
        .collect();
    // Stable: same-date entries keep the statute's order.
    out.sort_by_key(|h| h.date);
    out
}

/// The holiday or eve on `date`, if any. Computed directly (a few dozen
/// integer operations, no allocation). Where two coincide, the first in the
/// statute's order is returned (första maj before Kristi himmelsfärdsdag,
/// pingstdagen before nationaldagen).
pub fn holiday_on(date: NaiveDate) -> Option<Holiday> {
    holiday_on_with(date, easter_sunday(date.year()))
}

/// As [`holiday_on`], with Easter of `date`'s year already computed.
pub(crate) fn holiday_on_with(date: NaiveDate, easter: Option<NaiveDate>) -> Option<Holiday> {
    let year = date.year();
    DEFS.iter().find_map(|&(rule, kind, name_sv, name_en)| {
        let quick_miss = match rule {
            Rule::Fixed(m, d) => date.month() != m || date.day() != d,
            Rule::WeekdayFrom(wd, m, _) => {
                date.weekday() != wd || (date.month() != m && date.month() != m + 1)
            }
            Rule::Easter(_) => !(3..=6).contains(&date.month()),
        };
        if quick_miss {
            return None;
        }
        (date_of(rule, year, easter) == Some(date)).then_some(Holiday {
            date,
            kind,
            name_sv,
            name_en,
        })
    })
}

/// True on public holidays and the three eves: the days a "closed on public
/// holidays and their eves" service is closed.
pub fn is_closed_day(date: NaiveDate) -> bool {
    holiday_on(date).is_some()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn find(year: i32, name: &str) -> NaiveDate {
        holidays(year)
            .into_iter()
            .find(|h| h.name_sv == name)
            .unwrap_or_else(|| panic!("{name} missing in {year}"))
            .date
    }

    const EASTERS: [(i32, u32, u32); 9] = [
        (2024, 3, 31),
        (2025, 4, 20),
        (2026, 4, 5),
        (2027, 3, 28),
        (2028, 4, 16),
        (2029, 4, 1),
        (2030, 4, 21),
        (2031, 4, 13),
        (2032, 3, 28),
    ];

    #[test]
    fn easter_and_derived_2024_2032() {
        for (y, m, day) in EASTERS {
            let easter = d(y, m, day);
            assert_eq!(easter_sunday(y), Some(easter), "{y}");
            assert_eq!(find(y, "Påskdagen"), easter);
            assert_eq!(find(y, "Långfredagen"), easter - Days::new(2));
            assert_eq!(find(y, "Långfredagen").weekday(), Weekday::Fri);
            assert_eq!(find(y, "Annandag påsk"), easter + Days::new(1));
            assert_eq!(find(y, "Kristi himmelsfärdsdag"), easter + Days::new(39));
            assert_eq!(find(y, "Kristi himmelsfärdsdag").weekday(), Weekday::Thu);
            assert_eq!(find(y, "Pingstdagen"), easter + Days::new(49));
        }
        // Spot checks written out.
        assert_eq!(find(2026, "Långfredagen"), d(2026, 4, 3));
        assert_eq!(find(2026, "Annandag påsk"), d(2026, 4, 6));
        assert_eq!(find(2026, "Kristi himmelsfärdsdag"), d(2026, 5, 14));
        assert_eq!(find(2026, "Pingstdagen"), d(2026, 5, 24));
        assert_eq!(find(2025, "Kristi himmelsfärdsdag"), d(2025, 5, 29));
    }

    #[test]
    fn midsummer_and_all_saints_written_out() {
        // (year, midsommarafton, midsommardagen, alla helgons dag (month, day))
        let expected = [
            (2024, 21, 22, (11, 2)),
            (2025, 20, 21, (11, 1)),
            (2026, 19, 20, (10, 31)),
            (2027, 25, 26, (11, 6)),
            (2028, 23, 24, (11, 4)),
            (2029, 22, 23, (11, 3)),
            (2030, 21, 22, (11, 2)),
            (2031, 20, 21, (11, 1)),
            (2032, 25, 26, (11, 6)),
        ];
        for (y, eve, day, (am, ad)) in expected {
            assert_eq!(find(y, "Midsommarafton"), d(y, 6, eve), "{y}");
            assert_eq!(find(y, "Midsommardagen"), d(y, 6, day), "{y}");
            assert_eq!(find(y, "Alla helgons dag"), d(y, am, ad), "{y}");
        }
    }

    #[test]
    fn weekday_rules_hold_for_many_years() {
        for y in 1900..2200 {
            let ms = find(y, "Midsommardagen");
            assert_eq!(ms.weekday(), Weekday::Sat);
            assert!(ms >= d(y, 6, 20) && ms <= d(y, 6, 26));
            assert_eq!(find(y, "Midsommarafton") + Days::new(1), ms);
            let ah = find(y, "Alla helgons dag");
            assert_eq!(ah.weekday(), Weekday::Sat);
            assert!(ah >= d(y, 10, 31) && ah <= d(y, 11, 6));
            assert_eq!(find(y, "Påskdagen").weekday(), Weekday::Sun);
        }
    }

    #[test]
    fn counts_and_sorting() {
        for y in 2024..=2032 {
            let hs = holidays(y);
            assert_eq!(
                hs.iter().filter(|h| h.kind == PublicHoliday).count(),
                13,
                "{y}"
            );
            assert_eq!(hs.iter().filter(|h| h.kind == Eve).count(), 3, "{y}");
            assert!(hs.windows(2).all(|w| w[0].date <= w[1].date), "{y} sorted");
            let eves: Vec<&str> = hs
                .iter()
                .filter(|h| h.kind == Eve)
                .map(|h| h.name_sv)
                .collect();
            assert_eq!(eves, ["Midsommarafton", "Julafton", "Nyårsafton"]);
        }
        // 2038: pingstdagen (13 June) after nationaldagen; still sorted.
        let hs = holidays(2038);
        assert!(hs.windows(2).all(|w| w[0].date <= w[1].date));
        assert_eq!(find(2038, "Pingstdagen"), d(2038, 6, 13));
    }

    #[test]
    fn holiday_on_agrees_with_holidays_every_day() {
        for y in [2008, 2024, 2026, 2027, 2038, 2049] {
            let hs = holidays(y);
            let mut day = d(y, 1, 1);
            while day.year() == y {
                let expected = hs.iter().find(|h| h.date == day).copied();
                assert_eq!(holiday_on(day), expected, "{day}");
                day = day.succ_opt().unwrap();
            }
        }
        // Coinciding: 2008 första maj = Kristi himmelsfärdsdag.
        assert_eq!(holiday_on(d(2008, 5, 1)).unwrap().name_sv, "Första maj");
        assert_eq!(
            holidays(2008)
                .iter()
                .filter(|h| h.date == d(2008, 5, 1))
                .count(),
            2
        );
        assert!(is_closed_day(d(2026, 12, 24)));
        assert!(is_closed_day(d(2026, 6, 19)));
        assert!(!is_closed_day(d(2026, 6, 18)));
        assert!(!is_closed_day(d(2026, 4, 4))); // påskafton is not counted
        assert_eq!(holiday_on(d(2026, 5, 14)).unwrap().name_en, "Ascension Day");
    }

    #[test]
    fn easter_outside_computus_range_uses_same_algorithm() {
        for y in [1583, 1600, 2000, 9999] {
            assert!(computus::gregorian(y).is_ok());
        }
        // 10000 and proleptic years still give a Sunday in March/April.
        for y in [-500, 0, 1, 1000, 10_000, 12_345] {
            let e = easter_sunday(y).unwrap();
            assert_eq!(e.weekday(), Weekday::Sun, "{y}");
            assert!((3..=4).contains(&e.month()), "{y}");
            assert_eq!(holidays(y).len(), 16);
        }
    }
}
