//! The status screen's lines: the data's version and age, the last sync,
//! a failure and the next attempt, and what waits in the outbox — one
//! function, so the apps and the CLI say the same thing.

use super::format::relative_time;
use crate::api::Status;
use crate::vocab::Lang;
use chrono::{DateTime, Utc};
use serde::Serialize;

/// How a line is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Tone {
    Normal,
    /// Something the user should act on or know is wrong (stale data, a
    /// failed sync, rejected events).
    Warning,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct StatusLine {
    pub text: String,
    pub tone: Tone,
}

fn line(text: String, tone: Tone) -> StatusLine {
    StatusLine { text, tone }
}

fn sv_en(lang: Lang, sv: String, en: String) -> String {
    match lang {
        Lang::Sv => sv,
        Lang::En => en,
    }
}

/// The warning for a build whose directory still carries demo entries (the
/// start screen and `fyr status` show it), `None` when there are none.
pub fn demo_line(status: &Status, lang: Lang) -> Option<StatusLine> {
    let n = status.demo_entries;
    (n > 0).then(|| {
        line(
            sv_en(
                lang,
                format!("Demoversion: {n} poster i katalogen är påhittade demoposter med demonummer – ring inte dem. Regionen byter ut dem före användning i fält."),
                format!("Demo build: {n} directory entries are invented demo entries with demo numbers – do not call them. The region replaces them before use in the field."),
            ),
            Tone::Warning,
        )
    })
}

/// The lines of the status screen for `status` as seen at `now`.
pub fn status_lines(status: &Status, now: DateTime<Utc>, lang: Lang) -> Vec<StatusLine> {
    let mut out = Vec::new();
    let v = status.content_version;
    let age = match status.content_age_days {
        None => sv_en(lang, String::new(), String::new()),
        Some(d) if d <= 0 => sv_en(lang, ", från i dag".into(), ", from today".into()),
        Some(1) => sv_en(lang, ", 1 dag gammal".into(), ", 1 day old".into()),
        Some(d) => sv_en(
            lang,
            format!(", {d} dagar gammal"),
            format!(", {d} days old"),
        ),
    };
    out.push(line(
        sv_en(
            lang,
            format!("Katalogversion {v}{age}"),
            format!("Directory version {v}{age}"),
        ),
        Tone::Normal,
    ));
    if let Some(w) = &status.stale_warning {
        out.push(line(w.clone(), Tone::Warning));
    }
    out.extend(demo_line(status, lang));
    if let Some(u) = &status.app_update {
        out.push(line(u.clone(), Tone::Warning));
    }
    match status.last_success {
        Some(t) => {
            let ago = relative_time(t, now, lang);
            out.push(line(
                sv_en(
                    lang,
                    format!("Senast synkad {ago}"),
                    format!("Last synced {ago}"),
                ),
                Tone::Normal,
            ));
        }
        None => out.push(line(
            sv_en(
                lang,
                "Aldrig synkad – den inbyggda katalogen används".into(),
                "Never synced – using the built-in directory".into(),
            ),
            Tone::Normal,
        )),
    }
    if let Some(last) = &status.last_sync {
        let field = |k: &str| last.get(k).and_then(|x| x.as_str());
        if field("result") == Some("failed") {
            let when = field("at")
                .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                .map(|t| relative_time(t.with_timezone(&Utc), now, lang));
            let why = field("error").unwrap_or_default();
            let text = match (lang, when) {
                (Lang::Sv, Some(w)) => format!("Senaste försöket misslyckades {w}: {why}"),
                (Lang::Sv, None) => format!("Senaste försöket misslyckades: {why}"),
                (Lang::En, Some(w)) => format!("The last attempt failed {w}: {why}"),
                (Lang::En, None) => format!("The last attempt failed: {why}"),
            };
            out.push(line(
                text.trim_end_matches([':', ' ']).to_string(),
                Tone::Warning,
            ));
        }
    }
    if let Some(next) = status.next_attempt {
        let text = if next > now + chrono::Duration::seconds(59) {
            let when = relative_time(next, now, lang);
            sv_en(
                lang,
                format!("Nästa försök {when}"),
                format!("Next attempt {when}"),
            )
        } else {
            sv_en(
                lang,
                "Nästa försök så snart telefonen har täckning".into(),
                "Next attempt as soon as the phone has coverage".into(),
            )
        };
        out.push(line(text, Tone::Normal));
    }
    let (n, q) = (status.outbox_pending, status.outbox_quarantined);
    out.push(line(
        match (n, lang) {
            (0, Lang::Sv) => "Inget väntar på att skickas".into(),
            (0, Lang::En) => "Nothing waiting to be sent".into(),
            (1, Lang::Sv) => "1 rapport väntar på att skickas".into(),
            (1, Lang::En) => "1 report waiting to be sent".into(),
            (n, Lang::Sv) => format!("{n} rapporter väntar på att skickas"),
            (n, Lang::En) => format!("{n} reports waiting to be sent"),
        },
        Tone::Normal,
    ));
    // Why the outbox did not go, with what to do: a phone that never
    // enrolled is told how (in the apps' words, not the CLI's); revoked or
    // refused in the sync's own words.
    match (&status.upload_blocked, &status.upload_note) {
        (Some(crate::sync::UploadBlocked::NotEnrolled), _) => out.push(line(
            super::ui_text(super::UiText::EnrollHint, lang).into(),
            Tone::Warning,
        )),
        (Some(_), Some(note)) => out.push(line(note.clone(), Tone::Warning)),
        _ => {}
    }
    if q > 0 {
        out.push(line(
            match (q, lang) {
                (1, Lang::Sv) => "1 rapport avvisades av hubben – se utkorgen".into(),
                (1, Lang::En) => "1 report was rejected by the hub – see the outbox".into(),
                (q, Lang::Sv) => format!("{q} rapporter avvisades av hubben – se utkorgen"),
                (q, Lang::En) => format!("{q} reports were rejected by the hub – see the outbox"),
            },
            Tone::Warning,
        ));
    }
    if let Some(l) = &status.screenings_locked {
        let why = match (l.reason, lang) {
            (crate::keys::LockReason::NoKey, Lang::Sv) => "nyckeln saknas",
            (crate::keys::LockReason::NoKey, Lang::En) => "the key is missing",
            (crate::keys::LockReason::WrongKey, Lang::Sv) => "fel nyckel",
            (crate::keys::LockReason::WrongKey, Lang::En) => "wrong key",
        };
        out.push(line(
            sv_en(
                lang,
                format!("Bedömningarna är låsta ({why}) – katalogen fungerar. En ny nyckel lägger {} sparade bedömningar åt sidan", l.sealed_sessions),
                format!("Screenings are locked ({why}) – the directory works. A new key sets {} stored screenings aside", l.sealed_sessions),
            ),
            Tone::Warning,
        ));
    }
    if status.unreadable_screenings > 0 {
        let n = status.unreadable_screenings;
        out.push(line(
            sv_en(
                lang,
                format!("{n} oläsbara bedömningar från en tidigare nyckel raderas efter lagringstiden"),
                format!("{n} unreadable screenings from an earlier key are deleted after the retention period"),
            ),
            Tone::Normal,
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_demo_build_says_so_and_a_field_build_does_not() {
        let mut s = fresh();
        let now = at("2026-02-10T10:00:00Z");
        assert!(status_lines(&s, now, Lang::Sv)
            .iter()
            .all(|l| !l.text.contains("demo")));
        s.demo_entries = 136;
        let lines = status_lines(&s, now, Lang::Sv);
        let l = lines
            .iter()
            .find(|l| l.text.starts_with("Demoversion"))
            .unwrap();
        assert_eq!(l.tone, Tone::Warning);
        assert!(
            l.text.contains("136 poster") && l.text.contains("ring inte"),
            "{}",
            l.text
        );
        assert!(demo_line(&s, Lang::En)
            .unwrap()
            .text
            .starts_with("Demo build: 136"));
    }

    fn fresh() -> Status {
        Status {
            feed_id: "fyr".into(),
            content_version: 7,
            content_created: Some(at("2026-02-07T10:00:00Z")),
            content_age_days: Some(3),
            stale_after_days: Some(60),
            stale_warning: None,
            last_sync: None,
            last_success: None,
            next_attempt: None,
            failures: 0,
            hub: None,
            outbox_pending: 0,
            outbox_quarantined: 0,
            screenings_locked: None,
            unreadable_screenings: 0,
            upload_blocked: None,
            upload_note: None,
            check_interval_hours: None,
            demo_entries: 0,
            next_check: Utc::now(),
            app_update: None,
        }
    }

    #[test]
    fn locked_screenings_are_a_warning_that_says_the_directory_works() {
        let mut s = fresh();
        s.screenings_locked = Some(crate::keys::ScreeningLock {
            reason: crate::keys::LockReason::WrongKey,
            message: String::new(),
            sealed_sessions: 2,
        });
        s.unreadable_screenings = 1;
        let lines = status_lines(&s, at("2026-02-10T12:00:00Z"), Lang::En);
        let locked = lines.iter().find(|l| l.text.contains("locked")).unwrap();
        assert_eq!(locked.tone, Tone::Warning);
        assert!(locked.text.contains("wrong key") && locked.text.contains("directory works"));
        assert!(lines.iter().any(|l| l.text.starts_with("1 unreadable")));
        assert!(!texts(&fresh(), "2026-02-10T12:00:00Z", Lang::Sv)
            .iter()
            .any(|t| t.contains("låsta")));
    }

    /// Why the outbox did not go is on the status screen, with what to do.
    #[test]
    fn an_outbox_that_did_not_go_says_why() {
        let mut s = fresh();
        s.outbox_pending = 3;
        s.upload_blocked = Some(crate::sync::UploadBlocked::NotEnrolled);
        s.upload_note = Some(crate::sync::UploadBlocked::NotEnrolled.describe(Lang::En));
        let lines = status_lines(&s, at("2026-02-10T12:00:00Z"), Lang::En);
        let why = lines
            .iter()
            .find(|l| l.text == "Enroll this phone: ask your coordinator for a code")
            .expect("a phone that never enrolled is told how");
        assert_eq!(why.tone, Tone::Warning);
        s.upload_blocked = Some(crate::sync::UploadBlocked::Revoked);
        s.upload_note = Some(crate::sync::UploadBlocked::Revoked.describe(Lang::Sv));
        let lines = texts(&s, "2026-02-10T12:00:00Z", Lang::Sv);
        assert!(lines.contains(s.upload_note.as_ref().unwrap()), "{lines:?}");
        assert!(texts(&fresh(), "2026-02-10T12:00:00Z", Lang::En)
            .iter()
            .all(|t| !t.to_lowercase().contains("enrol")));
    }

    fn texts(s: &Status, now: &str, lang: Lang) -> Vec<String> {
        status_lines(s, at(now), lang)
            .into_iter()
            .map(|l| l.text)
            .collect()
    }

    #[test]
    fn a_fresh_install_says_it_never_synced() {
        let lines = texts(&fresh(), "2026-02-10T12:00:00Z", Lang::Sv);
        assert_eq!(
            lines,
            [
                "Katalogversion 7, 3 dagar gammal",
                "Aldrig synkad – den inbyggda katalogen används",
                "Inget väntar på att skickas",
            ]
        );
        let lines = status_lines(&fresh(), at("2026-02-10T12:00:00Z"), Lang::En);
        assert_eq!(lines[1].text, "Never synced – using the built-in directory");
        assert!(lines.iter().all(|l| l.tone == Tone::Normal));
    }

    #[test]
    fn a_failed_sync_with_a_next_attempt_and_a_waiting_outbox() {
        let mut s = fresh();
        s.last_success = Some(at("2026-02-10T09:00:00Z"));
        s.last_sync = Some(serde_json::json!({
            "result": "failed", "at": "2026-02-10T11:50:00+00:00", "error": "hub unreachable"
        }));
        s.next_attempt = Some(at("2026-02-10T12:05:30Z"));
        s.failures = 2;
        s.outbox_pending = 2;
        let lines = status_lines(&s, at("2026-02-10T12:00:00Z"), Lang::Sv);
        let t: Vec<&str> = lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(
            t,
            [
                "Katalogversion 7, 3 dagar gammal",
                "Senast synkad för 3 timmar sedan",
                "Senaste försöket misslyckades för 10 minuter sedan: hub unreachable",
                "Nästa försök om 5 minuter",
                "2 rapporter väntar på att skickas",
            ]
        );
        assert_eq!(lines[2].tone, Tone::Warning);
        let en = texts(&s, "2026-02-10T12:00:00Z", Lang::En);
        assert_eq!(en[1], "Last synced 3 hours ago");
        assert_eq!(
            en[2],
            "The last attempt failed 10 minutes ago: hub unreachable"
        );
        assert_eq!(en[3], "Next attempt in 5 minutes");
        // The next attempt is due: it happens when coverage returns.
        let due = texts(&s, "2026-02-10T12:06:00Z", Lang::En);
        assert_eq!(due[3], "Next attempt as soon as the phone has coverage");
    }

    #[test]
    fn stale_data_and_rejected_reports_are_warnings() {
        let mut s = fresh();
        s.content_age_days = Some(61);
        s.stale_warning = Some("Data older than 60 days (61 days) – sync".into());
        s.last_success = Some(at("2026-02-10T11:59:30Z"));
        s.last_sync = Some(serde_json::json!({"result": "unchanged"}));
        s.outbox_pending = 1;
        s.outbox_quarantined = 1;
        let lines = status_lines(&s, at("2026-02-10T12:00:00Z"), Lang::En);
        let t: Vec<(&str, Tone)> = lines.iter().map(|l| (l.text.as_str(), l.tone)).collect();
        assert_eq!(
            t,
            [
                ("Directory version 7, 61 days old", Tone::Normal),
                ("Data older than 60 days (61 days) – sync", Tone::Warning),
                ("Last synced just now", Tone::Normal),
                ("1 report waiting to be sent", Tone::Normal),
                (
                    "1 report was rejected by the hub – see the outbox",
                    Tone::Warning
                ),
            ]
        );
        s.content_age_days = Some(0);
        assert_eq!(
            texts(&s, "2026-02-10T12:00:00Z", Lang::Sv)[0],
            "Katalogversion 7, från i dag"
        );
    }
}
