//! Numbers that read the same in any text direction.
//!
//! A phone number is a run of European digits with spaces and hyphens
//! between them. Inside right-to-left text (Arabic, Persian, Dari help
//! cards) the Unicode bidi algorithm treats the spaces as neutral and lays
//! the groups out right to left: "020-50 50 50" shows as "50 50 50-020".
//! Wrapped in a left-to-right isolate (U+2066 LRI … U+2069 PDI) the number
//! is one left-to-right unit that the surrounding text flows around,
//! whatever that text's direction. Dialling and copying use the number as
//! written (without the isolates); only the display strings carry them.

/// LEFT-TO-RIGHT ISOLATE.
pub const LRI: char = '\u{2066}';
/// POP DIRECTIONAL ISOLATE.
pub const PDI: char = '\u{2069}';

/// `number` as one left-to-right unit: "\u{2066}020-50 50 50\u{2069}".
/// Already isolated text is returned as it is.
pub fn display_number(number: &str) -> String {
    let n = number.trim();
    if n.starts_with(LRI) && n.ends_with(PDI) {
        return n.to_string();
    }
    format!("{LRI}{n}{PDI}")
}

/// `text` with every number in it isolated left to right: phone numbers
/// ("020-50 50 50", "+46 70-174 06 05", "112") and times ("08:00"). A run
/// starts at a digit (or a `+` before one) and goes on over digits, and over
/// a space, hyphen, colon, full stop, comma or slash that has a digit right
/// after it. Runs already inside an isolate are left alone, so the function
/// can be applied twice.
pub fn isolate_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    let mut depth = 0usize; // inside an isolate already there
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\u{2066}'..='\u{2068}' => depth += 1,
            PDI => depth = depth.saturating_sub(1),
            _ => {}
        }
        let starts =
            c.is_ascii_digit() || (c == '+' && chars.get(i + 1).is_some_and(char::is_ascii_digit));
        if depth > 0 || !starts {
            out.push(c);
            i += 1;
            continue;
        }
        let mut end = i + 1;
        while end < chars.len() {
            let d = chars[end];
            if d.is_ascii_digit() {
                end += 1;
            } else if matches!(d, ' ' | '-' | ':' | '.' | ',' | '/')
                && chars.get(end + 1).is_some_and(char::is_ascii_digit)
            {
                end += 2;
            } else {
                break;
            }
        }
        out.push(LRI);
        out.extend(&chars[i..end]);
        out.push(PDI);
        i = end;
    }
    out
}

/// `text` without the isolate and embedding marks this module adds (for
/// comparing, copying, or a terminal that shows them).
pub fn strip_isolates(text: &str) -> String {
    text.chars()
        .filter(|c| !matches!(c, '\u{2066}'..='\u{2069}'))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_number_in_an_arabic_sentence_is_one_left_to_right_unit() {
        let s = "خط المساعدة الوطني يجيب ليلاً ونهاراً: 020-50 50 50. المكالمة مجانية.";
        let out = isolate_numbers(s);
        assert!(out.contains("\u{2066}020-50 50 50\u{2069}. "), "{out:?}");
        assert_eq!(strip_isolates(&out), s);
        // The full stop after the number stays outside it.
        assert!(!out.contains("50.\u{2069}"));
    }

    #[test]
    fn international_numbers_times_and_short_numbers() {
        assert_eq!(
            isolate_numbers("Ring +46 70-174 06 05 eller 112"),
            "Ring \u{2066}+46 70-174 06 05\u{2069} eller \u{2066}112\u{2069}"
        );
        assert_eq!(
            isolate_numbers("jour 08:00–22:00"),
            "jour \u{2066}08:00\u{2069}–\u{2066}22:00\u{2069}"
        );
        // A plus sign that is not before a digit is text.
        assert_eq!(isolate_numbers("a + b"), "a + b");
        assert_eq!(isolate_numbers("ingen siffra"), "ingen siffra");
    }

    #[test]
    fn isolating_twice_changes_nothing() {
        let once = isolate_numbers("اتصل بالرقم 112 أو 020-50 50 50");
        assert_eq!(isolate_numbers(&once), once);
        assert_eq!(
            display_number(&display_number("112")),
            display_number("112")
        );
        assert_eq!(
            display_number(" 020-50 50 50 "),
            "\u{2066}020-50 50 50\u{2069}"
        );
    }
}
