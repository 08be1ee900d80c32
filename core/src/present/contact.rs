//! Ready-to-use contact actions: per phone a URI the platform opens and a
//! label, by the phone's kind. A voice number is called (`tel:`), an SMS
//! number texted (`sms:`), a chat channel opened as a link — a chat is never
//! dialled. A number in PTS's fiction range (a demo entry's) gets no action
//! at all and is shown as "Demonummer – ring inte": neither app nor the CLI
//! ever offers to call or text it.

use crate::content::is_fiction_number;
use crate::model::PhoneKind;
use crate::search::PhoneHit;
use crate::vocab::Lang;
use serde::Serialize;

/// What an action does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ContactKind {
    /// `tel:` — Android `ACTION_DIAL`, iOS `openURL`.
    Call,
    /// `sms:` — Android `ACTION_SENDTO`, iOS `openURL`.
    Text,
    /// An https link to the chat — opened in the browser.
    Chat,
}

/// One thing the user can tap: call, text or chat.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ContactAction {
    pub kind: ContactKind,
    /// The number as written ("020-50 50 50"), to copy.
    pub number: String,
    /// The number to show: one left-to-right unit (Unicode isolate,
    /// `present::bidi`), never reversed by right-to-left text around it.
    pub display: String,
    /// The URI to open: "tel:+46701740605", "sms:+46701740613", "https://…".
    pub uri: String,
    /// The button text: "Ring 020-50 50 50 · Kvinnofridslinjen".
    pub label: String,
    /// Whether this number is answered now, when known.
    pub open_now: Option<bool>,
}

/// The digits to dial, E.164 where that is safe: "+46701740605" for a
/// Swedish number written "070-174 06 05" (or "+46 70-174 06 05", "0046 …");
/// short numbers ("112", "114 14", "116 006", "1177") stay as they are, and so
/// do 020 free-phone numbers ("020505050"): they are meant to be dialled in
/// their national form, and we are not certain every operator routes them in
/// international form. `None` when the text holds no digits.
pub fn tel_digits(number: &str) -> Option<String> {
    let t = number.trim();
    let digits: String = t.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() {
        return None;
    }
    if t.starts_with('+') {
        return Some(format!("+{digits}"));
    }
    if let Some(rest) = digits.strip_prefix("00") {
        return Some(format!("+{rest}"));
    }
    match digits.strip_prefix('0') {
        Some(rest) if !rest.starts_with("20") && digits.len() >= 8 => Some(format!("+46{rest}")),
        _ => Some(digits),
    }
}

/// How a demo (fiction-range) number is shown instead of the number.
pub fn demo_number_text(lang: Lang) -> &'static str {
    match lang {
        Lang::Sv => "Demonummer – ring inte",
        Lang::En => "Demo number – do not call",
    }
}

/// The number as it is shown: "Demonummer – ring inte" for a number in the
/// fiction range (070-174 06 05–99), else the number as written.
pub fn phone_text(number: &str, lang: Lang) -> String {
    if is_fiction_number(number) {
        demo_number_text(lang).to_string()
    } else {
        number.trim().to_string()
    }
}

fn is_link(s: &str) -> bool {
    (s.starts_with("https://") || s.starts_with("http://")) && !s.contains(char::is_whitespace)
}

/// The actions for a service's phones. `web` is the service's web page: a
/// chat channel opens there unless its own entry is a link. A chat with no
/// link gets no action (it is never dialled); a number with no digits none
/// either.
pub fn contact_actions(phones: &[PhoneHit], web: Option<&str>, lang: Lang) -> Vec<ContactAction> {
    phones.iter().filter_map(|p| action(p, web, lang)).collect()
}

fn action(p: &PhoneHit, web: Option<&str>, lang: Lang) -> Option<ContactAction> {
    // A demo number is never dialled, texted or offered.
    if is_fiction_number(&p.number) {
        return None;
    }
    let suffix = p
        .label
        .as_deref()
        .filter(|l| !l.trim().is_empty())
        .map(|l| format!(" · {l}"))
        .unwrap_or_default();
    let sv = lang == Lang::Sv;
    let (kind, uri, verb) = match p.kind {
        PhoneKind::Voice => (
            ContactKind::Call,
            format!("tel:{}", tel_digits(&p.number)?),
            if sv { "Ring" } else { "Call" },
        ),
        PhoneKind::Sms => (
            ContactKind::Text,
            format!("sms:{}", tel_digits(&p.number)?),
            if sv { "Sms till" } else { "Text" },
        ),
        PhoneKind::Chat => {
            let link = Some(p.number.trim())
                .filter(|n| is_link(n))
                .or(web.map(str::trim).filter(|w| is_link(w)))?;
            let label = match (sv, suffix.is_empty()) {
                (true, true) => "Chatta".to_string(),
                (false, true) => "Chat".to_string(),
                (true, false) => format!("Chatta{suffix}"),
                (false, false) => format!("Chat{suffix}"),
            };
            return Some(ContactAction {
                kind: ContactKind::Chat,
                number: p.number.clone(),
                display: super::display_number(&p.number),
                uri: link.to_string(),
                label,
                open_now: p.open_now,
            });
        }
    };
    Some(ContactAction {
        kind,
        number: p.number.clone(),
        display: super::display_number(&p.number),
        uri,
        label: format!("{verb} {}{suffix}", super::display_number(&p.number)),
        open_now: p.open_now,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phone(number: &str, kind: PhoneKind, label: Option<&str>) -> PhoneHit {
        PhoneHit {
            number: number.into(),
            kind,
            label: label.map(Into::into),
            open_now: Some(true),
        }
    }

    #[test]
    fn numbers_to_dial() {
        assert_eq!(tel_digits("070-174 06 05").unwrap(), "+46701740605");
        assert_eq!(tel_digits("+46 70-174 06 12").unwrap(), "+46701740612");
        assert_eq!(tel_digits("0046 70 174 06 12").unwrap(), "+46701740612");
        assert_eq!(tel_digits("112").unwrap(), "112");
        assert_eq!(tel_digits("114 14").unwrap(), "11414");
        assert_eq!(tel_digits("116 006").unwrap(), "116006");
        assert_eq!(tel_digits("1177").unwrap(), "1177");
        assert_eq!(tel_digits("020-50 50 50").unwrap(), "020505050");
        assert_eq!(tel_digits("0470-70 00 00").unwrap(), "+46470700000");
        assert_eq!(tel_digits("—"), None);
    }

    #[test]
    fn each_kind_gets_its_own_action() {
        let phones = [
            phone("020-50 50 50", PhoneKind::Voice, Some("Kvinnofridslinjen")),
            phone("0470-70 00 13", PhoneKind::Sms, None),
            phone("Chatt", PhoneKind::Chat, Some("Chatt för unga")),
        ];
        let a = contact_actions(&phones, Some("https://example.org/chatt"), Lang::Sv);
        assert_eq!(a.len(), 3);
        assert_eq!(a[0].kind, ContactKind::Call);
        assert_eq!(a[0].uri, "tel:020505050");
        assert_eq!(
            a[0].label,
            "Ring \u{2066}020-50 50 50\u{2069} · Kvinnofridslinjen"
        );
        assert_eq!(a[0].display, "\u{2066}020-50 50 50\u{2069}");
        assert_eq!(a[0].number, "020-50 50 50");
        assert_eq!(a[1].kind, ContactKind::Text);
        assert_eq!(a[1].uri, "sms:+46470700013");
        assert_eq!(a[1].label, "Sms till \u{2066}0470-70 00 13\u{2069}");
        assert_eq!(a[2].kind, ContactKind::Chat);
        assert_eq!(a[2].uri, "https://example.org/chatt");
        assert_eq!(a[2].label, "Chatta · Chatt för unga");
        let en = contact_actions(&phones, Some("https://example.org/chatt"), Lang::En);
        assert_eq!(
            en[0].label,
            "Call \u{2066}020-50 50 50\u{2069} · Kvinnofridslinjen"
        );
        assert_eq!(en[1].label, "Text \u{2066}0470-70 00 13\u{2069}");
        assert_eq!(en[2].label, "Chat · Chatt för unga");
    }

    #[test]
    fn a_chat_is_never_dialled() {
        let chat = [phone("070-174 06 14", PhoneKind::Chat, None)];
        // No link anywhere: no action rather than a tel: to a chat.
        assert!(contact_actions(&chat, None, Lang::Sv).is_empty());
        assert!(contact_actions(&chat, Some("not a link"), Lang::Sv).is_empty());
        // The chat's own entry is a link: it wins over the web page.
        let linked = [phone("https://chat.example.org", PhoneKind::Chat, None)];
        let a = contact_actions(&linked, Some("https://example.org"), Lang::En);
        assert_eq!(a[0].uri, "https://chat.example.org");
        assert!(a.iter().all(|a| !a.uri.starts_with("tel:")));
    }

    #[test]
    fn a_demo_number_is_never_offered_as_a_call() {
        let phones = [
            phone("070-174 06 05", PhoneKind::Voice, Some("Jourtelefon")),
            phone("+46 70 174 06 42", PhoneKind::Sms, None),
            phone("0701740699", PhoneKind::Voice, None),
            phone("020-50 50 50", PhoneKind::Voice, Some("Kvinnofridslinjen")),
        ];
        let a = contact_actions(&phones, None, Lang::Sv);
        // Only the real number remains; no tel:/sms: to the fiction range.
        assert_eq!(a.len(), 1, "{a:?}");
        assert_eq!(a[0].uri, "tel:020505050");
        assert!(a.iter().all(|a| !a.uri.contains("7017406")));
        assert_eq!(
            phone_text("070-174 06 05", Lang::Sv),
            "Demonummer – ring inte"
        );
        assert_eq!(
            phone_text("070-174 06 05", Lang::En),
            "Demo number – do not call"
        );
        // Just outside the range is a number like any other.
        assert_eq!(phone_text("070-174 06 04", Lang::Sv), "070-174 06 04");
        assert_eq!(
            contact_actions(
                &[phone("070-174 06 04", PhoneKind::Voice, None)],
                None,
                Lang::Sv
            )
            .len(),
            1
        );
        assert_eq!(phone_text(" 112 ", Lang::Sv), "112");
    }

    #[test]
    fn a_phone_with_no_digits_gives_no_action() {
        let p = [phone("—", PhoneKind::Voice, None)];
        assert!(contact_actions(&p, None, Lang::Sv).is_empty());
    }
}
