//! Identity and phone numbers in free text: digit groups of any script
//! ([`super::digits`]) and the separators people put between them, then
//! what is ordinary service text (times, hour ranges, dates) set aside, and
//! what is left classified.

use super::digits::digit;
use super::Found;

/// How two digit groups are joined.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Link {
    /// A single `:` — a time (`08:00`) or a number written with colons.
    Colon,
    /// A single `.` — a time (`8.30`), a date or a number with dots.
    Dot,
    /// One dash, spaces around it or not.
    Dash,
    /// Anything else allowed between the groups of one number.
    Other,
}

/// Digit groups that follow each other with at most three separator
/// characters in between, how each pair is joined, and whether `+` came
/// right before the first.
#[derive(Debug, Default, Clone)]
struct Sequence {
    groups: Vec<Vec<u8>>,
    /// `links[i]` joins `groups[i]` and `groups[i + 1]`.
    links: Vec<Link>,
    plus: bool,
}

fn is_dash(c: char) -> bool {
    matches!(
        c,
        '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' | '\u{FE58}' | '\u{FE63}' | '\u{FF0D}'
    )
}

fn is_comma(c: char) -> bool {
    // , Arabic comma, Arabic thousands separator, full-width and ideographic commas.
    matches!(c, ',' | '\u{060C}' | '\u{066C}' | '\u{FF0C}' | '\u{3001}')
}

fn is_colon(c: char) -> bool {
    matches!(c, ':' | '\u{FF1A}' | '\u{2236}')
}

fn is_dot(c: char) -> bool {
    // . Arabic decimal separator, full-width full stop.
    matches!(c, '.' | '\u{066B}' | '\u{FF0E}')
}

/// Invisible marks that right-to-left text puts between digits: not counted.
fn is_format(c: char) -> bool {
    matches!(
        c,
        '\u{00AD}'
            | '\u{200B}'..='\u{200F}'
            | '\u{061C}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// Characters people put between digit groups: spaces of every width, every
/// dash and minus, `_`, `+`, `.`, `/`, brackets, and (alone) `,` and `:`.
fn separator(c: char) -> bool {
    c.is_whitespace()
        || is_dash(c)
        || is_comma(c)
        || is_colon(c)
        || is_dot(c)
        || matches!(
            c,
            '_' | '+' | '/' | '(' | ')' | '\u{FF0B}' | '\u{FF3F}' | '\u{FF0F}'
        )
}

/// How a gap between two groups joins them, or None when it ends the
/// number. A comma or a colon joins only alone (`070,174,06,05`,
/// `121212:1212`); with a space it separates items of a list (`8-12, 13-16`,
/// `tel: 070…` — the number after it is then read on its own).
fn link(gap: &[char]) -> Option<Link> {
    let visible: Vec<char> = gap.iter().copied().filter(|c| !c.is_whitespace()).collect();
    if gap.iter().any(|&c| is_comma(c) || is_colon(c)) {
        return match gap {
            [c] if is_colon(*c) => Some(Link::Colon),
            [c] if is_comma(*c) => Some(Link::Other),
            _ => None,
        };
    }
    Some(match (gap, visible.as_slice()) {
        ([c], _) if is_dot(*c) => Link::Dot,
        (_, [c]) if is_dash(*c) => Link::Dash,
        _ => Link::Other,
    })
}

fn digit_sequences(s: &str) -> Vec<Sequence> {
    let mut out = Vec::new();
    let mut cur = Sequence::default();
    let mut group: Vec<u8> = Vec::new();
    let mut gap: Vec<char> = Vec::new();
    let mut pending_plus = false;
    fn flush(cur: &mut Sequence, group: &mut Vec<u8>, out: &mut Vec<Sequence>) {
        if !group.is_empty() {
            cur.groups.push(std::mem::take(group));
        }
        if !cur.groups.is_empty() {
            out.push(std::mem::take(cur));
        }
    }
    for c in s.chars() {
        if is_format(c) {
            continue;
        }
        if let Some(d) = digit(c) {
            if group.is_empty() {
                if cur.groups.is_empty() {
                    cur.plus = pending_plus;
                } else {
                    match link(&gap) {
                        Some(l) => cur.links.push(l),
                        None => {
                            flush(&mut cur, &mut group, &mut out);
                        }
                    }
                }
            }
            gap.clear();
            group.push(d);
            pending_plus = false;
        } else if matches!(c, '+' | '\u{FF0B}') && group.is_empty() {
            // A plus not right after a digit starts an international number.
            flush(&mut cur, &mut group, &mut out);
            gap.clear();
            pending_plus = true;
        } else if separator(c) && (!group.is_empty() || !cur.groups.is_empty()) && gap.len() < 3 {
            if !group.is_empty() {
                cur.groups.push(std::mem::take(&mut group));
            }
            gap.push(c);
        } else {
            flush(&mut cur, &mut group, &mut out);
            gap.clear();
            pending_plus = false;
        }
    }
    flush(&mut cur, &mut group, &mut out);
    out
}

fn value(g: &[u8]) -> u32 {
    g.iter()
        .fold(0u32, |v, &d| v.saturating_mul(10).saturating_add(d as u32))
}

fn time_link(l: Option<&Link>) -> bool {
    matches!(l, Some(Link::Colon | Link::Dot))
}

/// How many groups from `i` on are a time, a date or a range, if any:
/// - a time: `H:MM` or `HH.MM`, exactly two groups joined by one `:` or `.`
///   (`070:174:06:05` is a run of four, no time; no `HH:MM:SS` either —
///   service texts need no seconds), at the end or before another time
///   (`08:00-16:00`, `8:30-12`); `08:12 34 56` and `08:00-00-00-00` are numbers;
/// - a date: `YYYY-MM-DD`, or `D.M.YYYY` / `D/M/YYYY`, unless four more
///   digits follow (`1912-12-12-1212` is an identity number);
/// - an hour range `8-16` (or a year range `2025-2026`) at the end or
///   before another range (`08-12 13-16`), with no dash on either side;
///   not when more digits follow (`08-12 34 56` is a Stockholm number,
///   `08-00-00-00` a number with dashes).
fn token_at(seq: &Sequence, i: usize) -> Option<usize> {
    let g = &seq.groups;
    let n = g.len();
    let l = |k: usize| seq.links.get(k);
    let len = |k: usize, r: std::ops::RangeInclusive<usize>| k < n && r.contains(&g[k].len());
    let val = |k: usize, r: std::ops::RangeInclusive<u32>| k < n && r.contains(&value(&g[k]));
    let year = |k: usize| len(k, 4..=4) && val(k, 1900..=2099);
    let hour = |k: usize| len(k, 1..=2) && val(k, 0..=24);
    let four_follow = |k: usize| k < n && g[k].len() == 4;
    let iso = year(i)
        && l(i) == Some(&Link::Dash)
        && l(i + 1) == Some(&Link::Dash)
        && len(i + 1, 1..=2)
        && val(i + 1, 1..=12)
        && len(i + 2, 1..=2)
        && val(i + 2, 1..=31);
    let dmy = len(i, 1..=2)
        && val(i, 1..=31)
        && matches!(l(i), Some(Link::Dot | Link::Other))
        && l(i + 1) == l(i)
        && len(i + 1, 1..=2)
        && val(i + 1, 1..=12)
        && year(i + 2);
    if (iso || dmy) && !four_follow(i + 3) {
        return Some(3);
    }
    let time_pair = |k: usize| {
        time_link(l(k))
            && (k == 0 || !time_link(l(k - 1)))
            && !time_link(l(k + 1))
            && hour(k)
            && len(k + 1, 2..=2)
            && val(k + 1, 0..=59)
    };
    if time_pair(i) {
        let then = match l(i + 1) {
            None => true,
            Some(Link::Dash) => time_pair(i + 2) || (hour(i + 2) && i + 3 == n),
            Some(Link::Other) => time_pair(i + 2),
            _ => false,
        };
        if then {
            return Some(2);
        }
    }
    let range = |k: usize| {
        l(k) == Some(&Link::Dash) && ((hour(k) && hour(k + 1)) || (year(k) && year(k + 1)))
    };
    let alone = |k: usize| {
        range(k) && (k == 0 || l(k - 1) != Some(&Link::Dash)) && l(k + 1) != Some(&Link::Dash)
    };
    if alone(i) && (i + 2 == n || alone(i + 2)) {
        return Some(2);
    }
    None
}

/// Splits a sequence around the times, dates and ranges in it (never part
/// of a number).
fn without_tokens(seq: Sequence) -> Vec<Sequence> {
    let n = seq.groups.len();
    let mut out = Vec::new();
    let mut part = Sequence {
        plus: seq.plus,
        ..Sequence::default()
    };
    let mut i = 0;
    while i < n {
        if let Some(len) = token_at(&seq, i) {
            if !part.groups.is_empty() {
                out.push(std::mem::take(&mut part));
            }
            part.plus = false;
            i += len;
            continue;
        }
        if !part.groups.is_empty() {
            part.links.push(seq.links[i - 1]);
        }
        part.groups.push(seq.groups[i].clone());
        i += 1;
    }
    if !part.groups.is_empty() {
        out.push(part);
    }
    out
}

fn luhn(d: &[u8]) -> bool {
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &x)| {
            let x = x as u32;
            if i % 2 == 1 {
                let y = x * 2;
                if y > 9 {
                    y - 9
                } else {
                    y
                }
            } else {
                x
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// YYMMDD (day + 60 for a coordination number) is a possible date.
fn date_ok(d: &[u8]) -> bool {
    let month = d[2] * 10 + d[3];
    let day = d[4] * 10 + d[5];
    let day = if day > 60 { day - 60 } else { day };
    (1..=12).contains(&month) && (1..=31).contains(&day)
}

/// Identity number or phone number. An identity number is a run of whole
/// digit groups holding a possible date in 10 or 12 digits, in the usual
/// shapes (`YYMMDD-NNNN`, `YYYYMMDD-NNNN`, ten or twelve digits in a row) or
/// in any other grouping with a valid check digit.
fn classify(seq: &Sequence) -> Option<Found> {
    let lens: Vec<usize> = seq.groups.iter().map(Vec::len).collect();
    let mut canonical = false;
    let mut other = false;
    for a in 0..lens.len() {
        let mut total = 0;
        for b in a..lens.len() {
            total += lens[b];
            if total > 12 {
                break;
            }
            if total != 10 && total != 12 {
                continue;
            }
            let digits: Vec<u8> = seq.groups[a..=b].concat();
            let ten = if total == 12 {
                if !matches!(digits[0] * 10 + digits[1], 18..=20) {
                    continue;
                }
                &digits[2..]
            } else {
                &digits[..]
            };
            if !date_ok(ten) {
                continue;
            }
            match &lens[a..=b] {
                [12] | [6, 4] | [8, 4] | [2, 6, 4] | [2, 8] => canonical = true,
                [10] => other = true,
                _ if luhn(ten) => other = true,
                _ => {}
            }
        }
    }
    if canonical {
        Some(Found::IdentityNumber)
    } else if is_phone(seq) {
        // Also when a phone number happens to read as a date.
        Some(Found::PhoneNumber)
    } else if other {
        Some(Found::IdentityNumber)
    } else {
        None
    }
}

/// A run of whole groups that reads as a Swedish or international number.
fn is_phone(seq: &Sequence) -> bool {
    let n = seq.groups.len();
    for a in 0..n {
        let mut all: Vec<u8> = Vec::new();
        for g in &seq.groups[a..] {
            all.extend_from_slice(g);
            if all.len() > 17 {
                break; // longer than any phone number
            }
            if phone_digits(&all, seq.plus && a == 0) {
                return true;
            }
        }
    }
    false
}

fn phone_digits(all: &[u8], plus: bool) -> bool {
    let n = all.len();
    if plus {
        // International: +46 70 174 06 05.
        return (8..=15).contains(&n);
    }
    match all {
        // 0046 70 174 06 05
        [0, 0, ..] => (10..=17).contains(&n),
        // National: a leading 0 and 7–10 more digits (020-50 50 50, 070-174 06 05).
        [0, ..] => (8..=11).contains(&n),
        // The country code without + or 00: 46 70 174 06 05, 46 8 123 456 78.
        [4, 6, ..] => (9..=12).contains(&n),
        // A mobile number without its 0: 70 174 06 05.
        [7, 0 | 2 | 3 | 6 | 9, ..] => n == 9,
        _ => false,
    }
}

/// The first kind of number in a text that identifies a person or reaches one.
pub(crate) fn find_number(s: &str) -> Option<Found> {
    digit_sequences(s)
        .into_iter()
        .flat_map(without_tokens)
        .find_map(|p| classify(&p))
}
