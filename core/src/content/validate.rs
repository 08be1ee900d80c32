//! Field rules and cross-file rules of the directory content.

use super::{ContentError, Known, PhoneRow, ServiceIds, ServiceRow};
use crate::model::ServiceArea;
use crate::schedule::Schedule;
use crate::vocab::AgencyKind;
use chrono::NaiveDate;
use std::collections::{HashMap, HashSet};

/// PTS's range of mobile numbers reserved for fiction (films, books, demos):
/// 070-174 06 05 to 070-174 06 99. Demo entries take their numbers from here.
pub const FICTION_RANGE: (&str, &str) = ("070-174 06 05", "070-174 06 99");
/// The only real national numbers Fyr's content may hold (verified):
/// 112 (emergency), 114 14 (police, non-emergency), 1177 (healthcare
/// advice), Kvinnofridslinjen, BRIS and Brottsofferjouren, and the national
/// honour-related violence consultation line for professionals (confirmed on
/// hedersfortryck.se, 2026-12-03). A number is added here only when it is
/// confirmed from the organization's own page (see content/README.md).
pub const NATIONAL_NUMBERS: &[&str] = &[
    "112",
    "114 14",
    "1177",
    "020-50 50 50",
    "116 111",
    "116 006",
    "010-223 57 60",
];
/// Latitudes within Sweden (with a margin).
pub const SWEDEN_LAT: (f64, f64) = (55.0, 69.1);
/// Longitudes within Sweden (with a margin).
pub const SWEDEN_LON: (f64, f64) = (10.9, 24.2);

type Push<'a> = &'a mut dyn FnMut(String);

/// The digits of a number as dialled in Sweden: "+46 70-174 06 05" and
/// "070-174 06 05" both give "0701740605".
pub fn normalize_number(number: &str) -> String {
    let t = number.trim();
    let digits: String = t.chars().filter(char::is_ascii_digit).collect();
    if t.starts_with('+') {
        if let Some(rest) = digits.strip_prefix("46") {
            return format!("0{rest}");
        }
    } else if let Some(rest) = digits.strip_prefix("0046") {
        return format!("0{rest}");
    }
    digits
}

/// Whether a number lies in PTS's fiction range 070-174 06 05..99.
pub fn is_fiction_number(number: &str) -> bool {
    let d = normalize_number(number);
    match d.strip_prefix("07017406") {
        Some(last) if last.len() == 2 => last.parse::<u8>().is_ok_and(|n| (5..=99).contains(&n)),
        _ => false,
    }
}

/// Ids are lower-case ASCII letters, digits, `-` and `_` (stable across languages and files).
pub(crate) fn id(id: &str, push: Push) {
    if id.is_empty() {
        push("empty id".into());
    } else if !id
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
    {
        push(format!(
            "id '{id}' may only hold a-z, 0-9, '-' and '_' (no å/ä/ö, spaces or capitals)"
        ));
    }
}

pub(crate) fn web(url: &str, push: Push) {
    let ok = (url.starts_with("https://") || url.starts_with("http://"))
        && !url.contains(char::is_whitespace)
        && url
            .split("://")
            .nth(1)
            .is_some_and(|rest| rest.contains('.'));
    if !ok {
        push(format!(
            "web address '{url}' is not a full http(s):// address"
        ));
    }
}

pub(crate) fn email(mail: &str, push: Push) {
    let ok = !mail.contains(char::is_whitespace)
        && mail.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && domain.contains('.')
                && !domain.contains('@')
                && !domain.ends_with('.')
        });
    if !ok {
        push(format!("e-mail address '{mail}' is not valid"));
    }
}

pub(crate) fn yes_no(cell: &str, column: &str, push: Push) -> Option<bool> {
    match cell.to_ascii_lowercase().as_str() {
        "yes" | "ja" => Some(true),
        "no" | "nej" => Some(false),
        other => {
            push(format!("{column} must be 'yes' or 'no', not '{other}'"));
            None
        }
    }
}

pub(crate) fn date(cell: &str, push: Push) -> Option<NaiveDate> {
    let well_formed = cell.len() == 10 && cell.as_bytes()[4] == b'-' && cell.as_bytes()[7] == b'-';
    match NaiveDate::parse_from_str(cell, "%Y-%m-%d") {
        Ok(d) if well_formed => Some(d),
        _ => {
            push(format!(
                "bad date '{cell}' (use YYYY-MM-DD, e.g. 2026-11-22)"
            ));
            None
        }
    }
}

pub(crate) fn hours(cell: &str, push: Push) {
    if let Err(err) = Schedule::parse(cell) {
        // The schedule error names the spec itself; add it when it does not.
        let text = err.to_string();
        if text.contains(cell) {
            push(text);
        } else {
            push(format!("bad hours '{cell}': {text}"));
        }
    }
}

/// Reads a lat/lon pair; both empty gives `None` (an error when `required`).
pub(crate) fn coordinates(lat: &str, lon: &str, required: bool, push: Push) -> Option<(f64, f64)> {
    if lat.is_empty() && lon.is_empty() {
        if required {
            push("missing coordinates (lat and lon)".into());
        }
        return None;
    }
    if lat.is_empty() || lon.is_empty() {
        push("give both lat and lon, or neither".into());
        return None;
    }
    let (plat, plon) = (lat.parse::<f64>(), lon.parse::<f64>());
    let (Ok(la), Ok(lo)) = (plat, plon) else {
        push(format!(
            "coordinates '{lat}', '{lon}' are not decimal numbers (use a point: 56.8777)"
        ));
        return None;
    };
    if !(SWEDEN_LAT.0..=SWEDEN_LAT.1).contains(&la) || !(SWEDEN_LON.0..=SWEDEN_LON.1).contains(&lo)
    {
        push(format!(
            "coordinates {la}, {lo} are outside Sweden (lat {}–{}, lon {}–{}); are lat and lon swapped?",
            SWEDEN_LAT.0, SWEDEN_LAT.1, SWEDEN_LON.0, SWEDEN_LON.1
        ));
        return None;
    }
    // In the canonical form from the start, as the feed will carry them.
    Some((
        crate::model::coord::round(la),
        crate::model::coord::round(lo),
    ))
}

/// `SE`, `county:07` or municipality codes `0780;0781`.
pub(crate) fn area(cell: &str, known: &Known, push: Push) -> Option<ServiceArea> {
    if cell.is_empty() {
        push("empty area (use SE, county:NN or municipality codes like 0780;0781)".into());
        return None;
    }
    if cell.eq_ignore_ascii_case("se") {
        return Some(ServiceArea::National);
    }
    if let Some(code) = cell.strip_prefix("county:") {
        let code = code.trim();
        if known.counties.as_ref().is_some_and(|c| !c.contains(code)) {
            push(format!("area names an unknown county '{code}'"));
            return None;
        }
        return Some(ServiceArea::County {
            code: code.to_owned(),
        });
    }
    let codes = super::csv::split_list(cell);
    let mut ok = true;
    for c in &codes {
        if known
            .municipalities
            .as_ref()
            .is_some_and(|m| !m.contains(c))
        {
            push(format!("area names an unknown municipality '{c}'"));
            ok = false;
        }
    }
    if ok {
        Some(ServiceArea::Municipalities { codes })
    } else {
        None
    }
}

pub(crate) fn phone_number(number: &str, push: Push) {
    if number.is_empty() {
        push("empty number".into());
        return;
    }
    let chars_ok = number
        .chars()
        .enumerate()
        .all(|(i, c)| c.is_ascii_digit() || c == ' ' || c == '-' || (c == '+' && i == 0));
    let digits = number.chars().filter(char::is_ascii_digit).count();
    if !chars_ok || digits < 3 {
        push(format!(
            "'{number}' is not a phone number (digits, spaces and '-' only, e.g. 020-50 50 50)"
        ));
    }
}

/// Attaches phones to their services and checks the number rules: a phone
/// must name a known service; a demo entry may only use fiction-range
/// numbers or numbers of verified (non-demo) entries; a verified entry may not
/// use a fiction-range number.
pub(crate) fn attach_and_check_phones(
    services_file: &str,
    phones_file: &str,
    services: &mut [ServiceRow],
    service_rows: Option<&ServiceIds>,
    phones: Vec<PhoneRow>,
    errors: &mut Vec<ContentError>,
) {
    let index: HashMap<String, usize> = services
        .iter()
        .enumerate()
        .map(|(i, s)| (s.service.id.clone(), i))
        .collect();
    // The numbers of entries marked demo=no, even of rows with other errors
    // (those are reported on their own rows, not again at every use of their numbers).
    let verified: HashSet<String> = phones
        .iter()
        .filter(|p| {
            service_rows.is_some_and(|ids| ids.non_demo.contains(&p.service))
                && !is_fiction_number(&p.phone.number)
        })
        .map(|p| normalize_number(&p.phone.number))
        .collect();
    let mut seen: HashMap<(String, String, &'static str), usize> = HashMap::new();
    // Each fiction-range number belongs to one service only: a number shared
    // by a shelter and a perpetrator service would send a victim to the wrong place.
    let mut fiction_owner: HashMap<String, (String, usize)> = HashMap::new();
    let err = |line: usize, id: &str, problem: String| {
        ContentError::new(phones_file, Some(line), Some(id.to_owned()), problem)
    };
    for p in phones {
        let Some(&i) = index.get(&p.service) else {
            if service_rows.is_some_and(|ids| !ids.all.contains(&p.service)) {
                errors.push(err(
                    p.line,
                    &p.service,
                    format!(
                        "phone for an unknown service '{}' (not in {services_file})",
                        p.service
                    ),
                ));
            }
            continue;
        };
        let normalized = normalize_number(&p.phone.number);
        let key = (p.service.clone(), normalized.clone(), p.phone.kind.id());
        if let Some(prev) = seen.get(&key) {
            errors.push(err(
                p.line,
                &p.service,
                format!(
                    "duplicate phone {} ({}), first on row {prev}",
                    p.phone.number,
                    p.phone.kind.id()
                ),
            ));
            continue;
        }
        seen.insert(key, p.line);
        let fiction = is_fiction_number(&p.phone.number);
        if fiction {
            match fiction_owner.get(&normalized) {
                Some((owner, row)) if owner != &p.service => {
                    errors.push(err(
                        p.line,
                        &p.service,
                        format!(
                            "the demo number {} is already used by service '{owner}' (row {row}): every demo number belongs to one service",
                            p.phone.number
                        ),
                    ));
                    continue;
                }
                Some(_) => {}
                None => {
                    fiction_owner.insert(normalized.clone(), (p.service.clone(), p.line));
                }
            }
        }
        let service = &mut services[i].service;
        if let Some(note) = super::unverified_note(&service.source) {
            errors.push(err(
                p.line,
                &p.service,
                format!(
                    "the entry is unverified ({note}): it has no phone until its number is confirmed from the organization's own page (give a web link meanwhile)"
                ),
            ));
            continue;
        }
        if service.demo && !fiction && !verified.contains(&normalized) {
            errors.push(err(
                p.line,
                &p.service,
                format!(
                    "demo entry uses the number '{}', which is neither in the fiction range {}–{} nor a number of a verified entry",
                    p.phone.number,
                    FICTION_RANGE.0,
                    &FICTION_RANGE.1[FICTION_RANGE.1.len() - 2..]
                ),
            ));
            continue;
        }
        if !service.demo && fiction {
            errors.push(err(
                p.line,
                &p.service,
                format!(
                    "verified (non-demo) entry uses the fiction-range number '{}'",
                    p.phone.number
                ),
            ));
            continue;
        }
        service.phones.push(p.phone);
    }
}

/// The national lines' numbers, and the agency kinds that may list each as
/// their own channel. 112 is SOS Alarm's: the police list it (after 114 14,
/// labelled "Akut fara") and emergency care (after its own number); a
/// socialjour or a shelter never does. Another line's number (Kvinnofridslinjen
/// on a shelter or an office) would make that service look reachable when it
/// is not: a pointer to the line belongs in the service's description.
const OWN_CHANNELS: &[(&str, &[AgencyKind])] = &[
    (
        "112",
        &[
            AgencyKind::Emergency,
            AgencyKind::Police,
            AgencyKind::EmergencyCare,
        ],
    ),
    ("11414", &[AgencyKind::Police]),
    ("1177", &[AgencyKind::Healthcare, AgencyKind::EmergencyCare]),
    ("020505050", &[AgencyKind::NationalHelpline]),
    ("116111", &[AgencyKind::NationalHelpline]),
    ("116006", &[AgencyKind::VictimSupport]),
];

/// A service is reachable only through its own channels: a national line's
/// number only on the kinds of service it belongs to, and on a police entry
/// 114 14 first with 112 labelled "Akut fara".
pub(crate) fn check_own_channels(
    services_file: &str,
    services: &[ServiceRow],
    kinds: &HashMap<String, AgencyKind>,
    errors: &mut Vec<ContentError>,
) {
    for s in services {
        let svc = &s.service;
        let Some(&kind) = kinds.get(&svc.organization) else {
            continue;
        };
        let mut push = |problem: String| {
            errors.push(ContentError::new(
                services_file,
                Some(s.line),
                Some(svc.id.clone()),
                problem,
            ))
        };
        for (i, p) in svc.phones.iter().enumerate() {
            let n = normalize_number(&p.number);
            if let Some((_, allowed)) = OWN_CHANNELS.iter().find(|(num, _)| *num == n) {
                if !allowed.contains(&kind) {
                    push(format!(
                        "lists {} ({}), which is not a {} channel: a service is reachable only through its own numbers (name the line in its description instead)",
                        p.number,
                        if n == "112" { "SOS Alarm's emergency number" } else { "a national line's number" },
                        kind.id()
                    ));
                    continue;
                }
            }
            if n == "112" && kind != AgencyKind::Emergency && i == 0 {
                push(format!(
                    "lists 112 first: a {} entry lists its own number first and 112 after it",
                    kind.id()
                ));
            }
            if n == "112" && kind == AgencyKind::Police {
                let label = p.label.as_ref().map(|l| l.sv.as_str()).unwrap_or("");
                if label != "Akut fara" {
                    push(format!(
                        "a police entry's 112 is labelled 'Akut fara' (found '{label}')"
                    ));
                }
                if !svc.phones[..i]
                    .iter()
                    .any(|q| normalize_number(&q.number) == "11414")
                {
                    push("a police entry lists 114 14 before 112".to_string());
                }
            }
        }
    }
}

/// Every service must be reachable: a phone, a web address or an e-mail;
/// hours belong to a phone or chat (a service without one has none), and a
/// service with a phone has hours.
/// `phoned` holds the services named by any phone row (a phone row with an
/// error is reported on its own row, not again here).
pub(crate) fn check_contactable(
    services_file: &str,
    services: &[ServiceRow],
    phoned: &HashSet<String>,
    errors: &mut Vec<ContentError>,
) {
    for s in services {
        let svc = &s.service;
        let has_phone = phoned.contains(&svc.id);
        let problem = if !has_phone && svc.web.is_none() && svc.email.is_none() {
            Some(
                "the service has no phone, web or e-mail: add at least one way to reach it"
                    .to_string(),
            )
        } else if !has_phone && !svc.hours.is_empty() {
            Some(format!(
                "hours '{}' on a service with no phone or chat: a website or e-mail is information, never open or 24/7 (leave hours empty, or add the phone or chat the hours are for)",
                svc.hours
            ))
        } else if has_phone && svc.hours.is_empty() {
            Some(
                "empty hours (use e.g. '24/7' or 'mon-fri 08:00-16:00; closed-holidays')"
                    .to_string(),
            )
        } else {
            None
        };
        if let Some(problem) = problem {
            errors.push(ContentError::new(
                services_file,
                Some(s.line),
                Some(svc.id.clone()),
                problem,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fiction_range() {
        assert!(is_fiction_number("070-174 06 05"));
        assert!(is_fiction_number("070-174 06 99"));
        assert!(is_fiction_number("+46 70 174 06 50"));
        assert!(is_fiction_number("0701740642"));
        assert!(!is_fiction_number("070-174 06 04"));
        assert!(!is_fiction_number("070-174 06 00"));
        assert!(!is_fiction_number("070-174 06 100"));
        assert!(!is_fiction_number("070-174 07 05"));
        assert!(!is_fiction_number("020-50 50 50"));
        assert_eq!(normalize_number("114 14"), "11414");
        assert_eq!(normalize_number("0046 20 50 50 50"), "020505050");
    }

    #[test]
    fn field_rules() {
        let mut msgs = Vec::new();
        let mut push = |p: String| msgs.push(p);
        assert_eq!(yes_no("Ja", "demo", &mut push), Some(true));
        assert_eq!(yes_no("maybe", "demo", &mut push), None);
        assert!(date("2026-02-30", &mut push).is_none());
        assert!(date("2026-1-5", &mut push).is_none());
        assert!(date("2026-11-22", &mut push).is_some());
        web("www.polisen.se", &mut push);
        web("https://polisen.se", &mut push);
        email("a@b", &mut push);
        email("jour@exempel.se", &mut push);
        phone_number("020-50 50 50", &mut push);
        phone_number("112", &mut push);
        phone_number("ring 112", &mut push);
        phone_number("11", &mut push);
        assert!(coordinates("14.8", "56.9", false, &mut push).is_none());
        assert_eq!(
            coordinates("56.9", "14.8", false, &mut push),
            Some((56.9, 14.8))
        );
        assert!(coordinates("56,9", "14,8", false, &mut push).is_none());
        assert!(coordinates("56.9", "", false, &mut push).is_none());
        assert!(coordinates("", "", true, &mut push).is_none());
        id("ljungby-socialtjanst", &mut push);
        id("Växjö jour", &mut push);
        let expected = [
            "demo must be 'yes' or 'no', not 'maybe'",
            "bad date '2026-02-30'",
            "bad date '2026-1-5'",
            "web address 'www.polisen.se'",
            "e-mail address 'a@b'",
            "'ring 112' is not a phone number",
            "'11' is not a phone number",
            "outside Sweden",
            "not decimal numbers",
            "give both lat and lon",
            "missing coordinates",
            "id 'Växjö jour' may only hold",
        ];
        assert_eq!(msgs.len(), expected.len(), "{msgs:#?}");
        for (m, e) in msgs.iter().zip(expected) {
            assert!(m.contains(e), "{m:?} should contain {e:?}");
        }
    }
}
