//! E-mail addresses in free text, also written to dodge a filter or a
//! spam harvester: `anna(at)example.se`, `anna [at] example dot se`,
//! `anna snabel-a example punkt se`, `anna @ example.se`.

/// Whether a text holds an e-mail address, plain or spelled out.
pub(crate) fn has_email(s: &str) -> bool {
    let chars: Vec<char> = s.chars().collect();
    if has_plain_email(&chars, false) {
        return true;
    }
    let spelled = spelled_out(&chars);
    spelled != chars && has_plain_email(&spelled, true)
}

fn word(c: char) -> bool {
    c.is_alphanumeric() || "._%+-".contains(c)
}

fn is_dot(c: char) -> bool {
    c == '.' || c == '\u{FF0E}'
}

/// `local@domain.tld`: a word character before the `@`, two labels or more
/// after it. `strict` (for spelled-out forms) also wants the last label to
/// be 2–24 letters, as a top-level domain is.
fn has_plain_email(chars: &[char], strict: bool) -> bool {
    for (i, &c) in chars.iter().enumerate() {
        if c != '@' && c != '\u{FF20}' {
            continue;
        }
        let local = i > 0 && word(chars[i - 1]);
        let domain: String = chars[i + 1..]
            .iter()
            .take_while(|&&c| word(c) || is_dot(c))
            .collect();
        let domain = domain.trim_end_matches(is_dot);
        let labels: Vec<&str> = domain.split(is_dot).filter(|p| !p.is_empty()).collect();
        let tld_ok = labels.last().is_some_and(|t| {
            (2..=24).contains(&t.chars().count()) && t.chars().all(char::is_alphabetic)
        });
        if local && labels.len() >= 2 && (!strict || tld_ok) {
            return true;
        }
    }
    false
}

/// Words that stand for `@` and `.`, bracketed (`(at)`, `[dot]`) or as
/// words between spaces (` at `, ` dot `, ` snabel-a `, ` punkt `).
const AT: &[&str] = &["at", "snabel-a", "snabela", "@"];
const DOT: &[&str] = &["dot", "punkt", "."];

/// The text with spelled-out `@` and `.` replaced and the spaces around
/// them dropped (`anna [at] example dot se` → `anna@example.se`).
fn spelled_out(chars: &[char]) -> Vec<char> {
    let lower: Vec<char> = chars
        .iter()
        .map(|c| c.to_lowercase().next().unwrap_or(*c))
        .collect();
    let mut out: Vec<char> = Vec::with_capacity(chars.len());
    let mut i = 0;
    while i < chars.len() {
        if let Some((len, sym)) = spelled_at(&lower, i) {
            while out.last().is_some_and(|c| c.is_whitespace()) {
                out.pop();
            }
            out.push(sym);
            i += len;
            while i < chars.len() && chars[i].is_whitespace() {
                i += 1;
            }
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

/// A spelled-out `@` or `.` starting at `i`: its length and the symbol.
fn spelled_at(lower: &[char], i: usize) -> Option<(usize, char)> {
    let starts = |w: &str| {
        let w: Vec<char> = w.chars().collect();
        lower.get(i..i + w.len()) == Some(&w[..])
    };
    for (words, sym) in [(AT, '@'), (DOT, '.')] {
        for w in words {
            // Bracketed: (at) [at] {at} <at>, spaces inside allowed: ( at ).
            for (open, close) in [('(', ')'), ('[', ']'), ('{', '}'), ('<', '>')] {
                if lower[i] != open {
                    continue;
                }
                let mut j = i + 1;
                while j < lower.len() && lower[j] == ' ' {
                    j += 1;
                }
                let wc: Vec<char> = w.chars().collect();
                if lower.get(j..j + wc.len()) == Some(&wc[..]) {
                    let mut k = j + wc.len();
                    while k < lower.len() && lower[k] == ' ' {
                        k += 1;
                    }
                    if lower.get(k) == Some(&close) {
                        return Some((k + 1 - i, sym));
                    }
                }
            }
            // A word between spaces, with a word on each side.
            let n = w.chars().count();
            let spaced_before =
                i >= 2 && lower[i - 1].is_whitespace() && !lower[i - 2].is_whitespace();
            let spaced_after = lower.get(i + n).is_some_and(|c| c.is_whitespace())
                && lower.get(i + n + 1).is_some_and(|c| !c.is_whitespace());
            if starts(w) && spaced_before && spaced_after {
                return Some((n, sym));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spelled_out_forms_are_read() {
        assert_eq!(
            spelled_out(&"anna [at] example dot se".chars().collect::<Vec<_>>())
                .iter()
                .collect::<String>(),
            "anna@example.se"
        );
        for s in [
            "anna(at)example.se",
            "anna (at) example (dot) se",
            "ANNA[AT]EXAMPLE[DOT]SE",
            "anna [at] example dot se",
            "anna at example dot se",
            "anna snabel-a example punkt se",
            "anna{at}example.se",
            "anna @ example.se",
            "anna.svensson at example.se",
            "skriv till anna ( at ) example . com",
        ] {
            assert!(has_email(s), "{s}");
        }
        for s in [
            "Mottagningen har flyttat till nya lokaler",
            "e-post finns på webbplatsen @kommunen",
            "Vi svarar at once, se webben",
            "Stängt (at the moment) vid lunch.",
            "Öppet at 8 dot 30",
            "punkt 3 i listan är fel",
            "Ring at 112 dot",
        ] {
            assert!(!has_email(s), "{s}");
        }
    }
}
