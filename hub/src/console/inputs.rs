//! What the console accepts from a browser, in one place: every form body
//! and query string is UTF-8 with bounded values (checked once, before any
//! handler, so no route can forget it), phone numbers are real Swedish
//! numbers (the `phonenumber` crate, Google's libphonenumber metadata), and
//! dates are not in the future.

use chrono::NaiveDate;

/// The longest value of any one form field or query parameter (a
/// description is the longest field; 100,000-character names are refused).
pub const MAX_VALUE_CHARS: usize = 4000;
/// The longest one-line field (names, labels, ids, numbers).
pub const MAX_LINE_CHARS: usize = 300;
/// Fields that may be long (free text over several lines).
const LONG_FIELDS: &[&str] = &[
    "description_sv",
    "description_en",
    "role_sv",
    "role_en",
    "text",
    "note",
    "tags",
    "hours",
];

/// Percent-decodes one `application/x-www-form-urlencoded` component
/// strictly: `None` when the bytes are not UTF-8.
fn decode(part: &[u8]) -> Option<String> {
    let plus: Vec<u8> = part
        .iter()
        .map(|b| if *b == b'+' { b' ' } else { *b })
        .collect();
    let bytes: Vec<u8> = percent_decode(&plus);
    String::from_utf8(bytes).ok()
}

fn percent_decode(s: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 0;
    while i < s.len() {
        if s[i] == b'%' && i + 2 < s.len() {
            let h = |c: u8| (c as char).to_digit(16);
            if let (Some(a), Some(b)) = (h(s[i + 1]), h(s[i + 2])) {
                out.push((a * 16 + b) as u8);
                i += 3;
                continue;
            }
        }
        out.push(s[i]);
        i += 1;
    }
    out
}

/// Checks a form body or query string: every name and value UTF-8 and
/// within its bound. The error names the field (for a 400).
pub fn check_encoded(body: &[u8]) -> Result<(), String> {
    for pair in body.split(|b| *b == b'&').filter(|p| !p.is_empty()) {
        let mut it = pair.splitn(2, |b| *b == b'=');
        let name = decode(it.next().unwrap_or_default())
            .ok_or_else(|| "a field name is not valid UTF-8".to_string())?;
        let value = decode(it.next().unwrap_or_default())
            .ok_or_else(|| format!("field '{}': not valid UTF-8 text", short(&name)))?;
        let max = if LONG_FIELDS.contains(&name.as_str()) || name == "csrf" {
            MAX_VALUE_CHARS
        } else {
            MAX_LINE_CHARS
        };
        let n = value.chars().count();
        if n > max {
            return Err(format!(
                "field '{}': {n} characters, at most {max} allowed",
                short(&name)
            ));
        }
        if value
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
        {
            return Err(format!(
                "field '{}': contains control characters",
                short(&name)
            ));
        }
    }
    Ok(())
}

fn short(s: &str) -> String {
    s.chars().take(40).collect()
}

/// Swedish short numbers that are not subscriber numbers but are real:
/// 112, 114 14, 113 13, 1177, 116 111, 116 006.
const SHORT_NUMBERS: &[&str] = &["112", "11414", "11313", "1177", "116111", "116006"];

/// Is this a real Swedish phone number (as people write it: spaces, dashes,
/// +46 or 0)? The message says what is wrong, in the console's language.
pub fn check_phone(number: &str, en: bool) -> Result<(), String> {
    let digits: String = number.chars().filter(|c| c.is_ascii_digit()).collect();
    if number
        .chars()
        .any(|c| !(c.is_ascii_digit() || " -+()".contains(c)))
    {
        return Err(if en {
            format!("'{number}' may only hold digits, spaces, - and +")
        } else {
            format!("'{number}' får bara innehålla siffror, mellanslag, - och +")
        });
    }
    if SHORT_NUMBERS.contains(&digits.as_str()) {
        return Ok(());
    }
    let ok = phonenumber::parse(Some(phonenumber::country::Id::SE), number)
        .ok()
        .is_some_and(|p| phonenumber::is_valid(&p) && p.code().value() == 46 && digits.len() <= 13);
    if ok {
        Ok(())
    } else if en {
        Err(format!(
            "'{number}' is not a Swedish phone number (e.g. 0470-123 45 or 070-123 45 67)"
        ))
    } else {
        Err(format!(
            "'{number}' är inte ett svenskt telefonnummer (t.ex. 0470-123 45 eller 070-123 45 67)"
        ))
    }
}

/// A verification date: a real date, not after today.
pub fn check_date(s: &str, today: NaiveDate, en: bool) -> Result<(), String> {
    match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        Ok(d) if d > today => Err(if en {
            format!("{s} is in the future")
        } else {
            format!("{s} ligger i framtiden")
        }),
        Ok(_) => Ok(()),
        Err(_) => Err(if en {
            format!("'{s}' is not a date (YYYY-MM-DD)")
        } else {
            format!("'{s}' är inget datum (ÅÅÅÅ-MM-DD)")
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_swedish_numbers_only() {
        for ok in [
            "0470-123 45",
            "070-174 06 05",
            "+46 70 174 06 05",
            "020-50 50 50",
            "112",
            "114 14",
            "1177",
            "063-14 75 00",
        ] {
            assert!(check_phone(ok, false).is_ok(), "{ok}");
        }
        for bad in [
            "+46 70 123",
            "1234567890123456789",
            "070-12",
            "ring mig",
            "+1 202 555 0100",
        ] {
            assert!(check_phone(bad, false).is_err(), "{bad}");
        }
    }

    #[test]
    fn forms_must_be_utf8_and_bounded() {
        assert!(check_encoded(b"name=%C3%A5sa&csrf=x").is_ok());
        assert!(check_encoded(b"name=%FF%FE").is_err());
        let long = format!("name_sv={}", "a".repeat(100_000));
        assert!(check_encoded(long.as_bytes()).is_err());
        assert!(check_encoded(b"quarter=2026-%C3%A5%C3%A5").is_ok());
    }

    #[test]
    fn dates_not_in_the_future() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        assert!(check_date("2026-12-03", today, false).is_ok());
        assert!(check_date("2099-01-01", today, false).is_err());
        assert!(check_date("2026-13-01", today, true).is_err());
    }
}
