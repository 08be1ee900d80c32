//! The conversions of the FFI records (`records.rs`) from and to `fyr_core`
//! types. With `records.rs`, the only file that knows the core's type layout.

use crate::FyrError;
use chrono::Utc as Now;
use chrono::{DateTime, SecondsFormat, Utc};
use fyr_core::checklist;
pub use fyr_core::form::{GeoPoint, SearchForm};
pub use fyr_core::helpcard::{HelpCardLanguage, HelpCardNumber, HelpCardView, TextDirection};
pub use fyr_core::present::{ContactAction, ContactKind, HitCard, StatusLine, Tone, UiText};
use fyr_core::screening as scr;
use fyr_core::search;
use fyr_core::store::device;
pub use fyr_core::understand::{EmergencyAction, ReadingChip, Understood};
use fyr_core::vocab::{self, AgencyKind, Form, Group, Lang, Need};
pub use fyr_core::vocab::{VocabLabel, VocabLabels};
use std::path::PathBuf;

pub use crate::records::*;

// ------------------------------------------------------------ conversions

pub(crate) fn error(e: fyr_core::Error) -> FyrError {
    use fyr_core::ErrorKind as K;
    let message = e.to_string();
    match e.kind() {
        K::NotFound => FyrError::NotFound { message },
        K::InvalidInput | K::Content => FyrError::InvalidInput { message },
        K::Storage => FyrError::Storage { message },
        K::Crypto => FyrError::Crypto { message },
        K::ScreeningsLocked => FyrError::ScreeningsLocked { message },
        K::Sync => FyrError::Sync { message },
        K::Internal => FyrError::Internal { message },
        K::NotYet => FyrError::NotYet { message },
    }
}

pub(crate) fn rfc3339(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub(crate) fn instant(s: Option<&str>) -> Result<Option<DateTime<Utc>>, FyrError> {
    match s {
        None => Ok(None),
        Some(s) => DateTime::parse_from_rfc3339(s.trim())
            .map(|t| Some(t.with_timezone(&Utc)))
            .map_err(|e| {
                FyrError::invalid(format!(
                    "bad date '{s}': expected RFC 3339, e.g. 2026-03-14T09:30:00+01:00 ({e})"
                ))
            }),
    }
}

pub(crate) fn lang(s: &str) -> Result<Lang, FyrError> {
    Lang::parse(s.trim())
        .ok_or_else(|| FyrError::invalid(format!("unknown language '{s}': expected sv or en")))
}

fn parse_all<T>(
    what: &str,
    ids: &[String],
    parse: fn(&str) -> Option<T>,
) -> Result<Vec<T>, FyrError> {
    ids.iter()
        .map(|id| parse(id).ok_or_else(|| FyrError::invalid(format!("unknown {what} '{id}'"))))
        .collect()
}

fn ids<T: Copy>(v: &[T], id: fn(T) -> &'static str) -> Vec<String> {
    v.iter().map(|x| id(*x).to_string()).collect()
}

fn non_empty(s: &Option<String>) -> Option<String> {
    s.as_ref()
        .map(|x| x.trim().to_string())
        .filter(|x| !x.is_empty())
}

pub(crate) fn point(p: Option<GeoPoint>) -> Result<Option<(f64, f64)>, FyrError> {
    p.map(GeoPoint::checked).transpose().map_err(error)
}

/// A 32-byte key given as 64 hex digits.
pub(crate) fn key(h: &str) -> Result<[u8; 32], FyrError> {
    let bytes = hex_decode(h.trim())
        .filter(|b| b.len() == 32)
        .ok_or_else(|| FyrError::invalid("the store key must be 64 hex digits (32 bytes)"))?;
    let mut k = [0u8; 32];
    k.copy_from_slice(&bytes);
    Ok(k)
}

pub(crate) fn open_options(
    data_dir: &str,
    key_hex: Option<&str>,
    lang_id: &str,
) -> Result<fyr_core::OpenOptions, FyrError> {
    if data_dir.trim().is_empty() {
        return Err(FyrError::invalid("the data directory is empty"));
    }
    let key = match key_hex {
        None => None,
        Some(h) => Some(key(h)?),
    };
    Ok(fyr_core::OpenOptions {
        data_dir: PathBuf::from(data_dir),
        key,
        lang: lang(lang_id)?,
    })
}

fn hex_decode(s: &str) -> Option<Vec<u8>> {
    hex::decode(s).ok()
}

pub(crate) fn settings_out(s: fyr_core::Settings) -> Settings {
    Settings {
        lang: s.lang.id().to_string(),
        home_municipality: s.home_municipality,
        agency_kind: s.agency_kind.map(|k| k.id().to_string()),
        retention_days: s.retention_days,
    }
}

pub(crate) fn settings_in(s: &Settings) -> Result<fyr_core::Settings, FyrError> {
    let agency_kind = match non_empty(&s.agency_kind) {
        None => None,
        Some(k) => Some(
            AgencyKind::parse(&k)
                .ok_or_else(|| FyrError::invalid(format!("unknown agency kind '{k}'")))?,
        ),
    };
    Ok(fyr_core::Settings {
        lang: lang(&s.lang)?,
        home_municipality: non_empty(&s.home_municipality),
        agency_kind,
        retention_days: s.retention_days,
    })
}

pub(crate) fn search_query(q: &SearchQuery) -> Result<search::SearchQuery, FyrError> {
    let text = q.text.trim();
    Ok(search::SearchQuery {
        text: if text.is_empty() {
            None
        } else {
            Some(text.to_string())
        },
        municipality: non_empty(&q.municipality),
        groups: parse_all("group", &q.groups, Group::parse)?,
        needs: parse_all("need", &q.needs, Need::parse)?,
        forms: parse_all("violence form", &q.forms, Form::parse)?,
        language: non_empty(&q.language),
        agency_kinds: Vec::new(),
        open_now: q.open_now,
        at: instant(q.at.as_deref())?,
        near: point(q.near)?,
        limit: q.limit as usize,
        drop: q.without.clone(),
        ..Default::default()
    })
}

pub(crate) fn hit(h: search::ServiceHit, lang: Lang) -> ServiceHit {
    let card = fyr_core::present::card(&h, lang);
    ServiceHit {
        card,
        agency_label: h.agency_kind.label(lang).to_string(),
        id: h.id,
        name: h.name,
        organization: h.organization,
        agency_kind: h.agency_kind.id().to_string(),
        municipalities: h.municipalities,
        national: h.national,
        county: h.county,
        area: h.area,
        groups: ids(&h.groups, Group::id),
        needs: ids(&h.needs, Need::id),
        forms: ids(&h.forms, Form::id),
        phones: h
            .phones
            .into_iter()
            .map(|p| PhoneHit {
                number: p.number,
                kind: p.kind.id().to_string(),
                label: p.label,
                open_now: p.open_now,
            })
            .collect(),
        open_now: h.open_now,
        next_change: h.next_change.map(rfc3339),
        open_text: h.open_text,
        reachable: h.reachable,
        open_channel: h.open_channel.map(|k| k.id().to_string()),
        always_open: h.always_open,
        on_call: h.on_call,
        distance_km: h.distance_km,
        distance_approximate: h.distance_approximate,
        verified: h.verified,
        demo: h.demo,
        web: h.web,
    }
}

pub(crate) fn detail(d: search::ServiceDetail, lang: Lang) -> ServiceDetail {
    ServiceDetail {
        hit: hit(d.hit, lang),
        description: d.description,
        role: d.role,
        hours: d.hours,
        schedule: d.schedule,
        languages: d.languages,
        email: d.email,
        address: d.address,
        confidential_address: d.confidential_address,
        verified_line: fyr_core::present::messages::verified_line(
            d.verified_on.map(|d| d.to_string()).as_deref(),
            &d.source,
            lang,
        ),
        verified_on: d.verified_on.map(|d| d.to_string()),
        source: d.source,
        tags: d.tags,
    }
}

pub(crate) fn municipality(m: fyr_core::model::Municipality) -> Municipality {
    Municipality {
        code: m.code,
        name: m.name,
        county_code: m.county_code,
        county_name: m.county_name,
        lat: m.lat,
        lon: m.lon,
    }
}

pub(crate) fn vocabulary() -> Vocabulary {
    let conv = |v: Vec<vocab::VocabEntry>| {
        v.into_iter()
            .map(|e| VocabEntry {
                id: e.id.to_string(),
                sv: e.sv.to_string(),
                en: e.en.to_string(),
            })
            .collect()
    };
    let v = vocab::vocabulary();
    Vocabulary {
        agency_kinds: conv(v.agency_kinds),
        groups: conv(v.groups),
        needs: conv(v.needs),
        forms: conv(v.forms),
    }
}

pub(crate) fn checklist(c: scr::ChecklistSummary, lang: Lang) -> ChecklistSummary {
    let title = match lang {
        Lang::En if !c.title_en.is_empty() => c.title_en.clone(),
        _ => c.title_sv.clone(),
    };
    ChecklistSummary {
        id: c.id,
        version: c.version,
        kind: c.kind,
        subject: c.subject,
        title,
        title_sv: c.title_sv,
        title_en: c.title_en,
        example: c.example,
    }
}

pub(crate) fn view(v: scr::ScreeningView) -> ScreeningView {
    ScreeningView {
        session_id: v.session_id,
        checklist: v.checklist,
        version: v.version,
        title: v.title,
        notice: v.notice,
        next_item: v.next_item.map(|i| ScreeningItem {
            id: i.id,
            section: Some(i.section).filter(|s| !s.is_empty()),
            text: i.text,
            help: i.help,
            answer_type: i.answer_type,
            choices: i
                .choices
                .into_iter()
                .map(|c| Choice {
                    id: c.id,
                    text: c.label,
                })
                .collect(),
            min: i.min,
            max: i.max,
            key: i.key,
        }),
        answered: v.answered as u32,
        visible: v.visible as u32,
        can_go_back: v.can_go_back,
        completed: v.completed,
        municipality: v.municipality,
        counter: v.counter,
    }
}

pub(crate) fn answer(a: &Answer) -> Result<checklist::Answer, FyrError> {
    Ok(match a {
        Answer::Yes => checklist::Answer::Yes,
        Answer::No => checklist::Answer::No,
        Answer::Unknown => checklist::Answer::Unknown,
        Answer::Choice { id } => checklist::Answer::Choice(id.clone()),
        Answer::Number { value } => {
            if !value.is_finite() {
                return Err(FyrError::invalid(format!(
                    "the number answer {value} is not a finite number"
                )));
            }
            checklist::Answer::Number(*value)
        }
    })
}

pub(crate) fn level_override(o: &LevelOverride) -> checklist::Override {
    checklist::Override {
        level: o.level.clone(),
        reason: o.reason.clone(),
    }
}

pub(crate) fn outcome(o: scr::ScreeningOutcome, lang: Lang) -> ScreeningOutcome {
    ScreeningOutcome {
        session_id: o.session_id,
        checklist: o.checklist,
        version: o.version,
        level: o.level,
        level_label: o.level_label,
        not_assessed: o.not_assessed,
        missing_key: o
            .missing_key
            .into_iter()
            .map(|m| MissingItem {
                id: m.id,
                text: m.text,
            })
            .collect(),
        acute: o.acute,
        score: o.score,
        red_flags: o
            .red_flags
            .into_iter()
            .map(|r| RedFlag {
                item: r.item,
                level: r.level,
                text: r.text,
            })
            .collect(),
        unanswered: o.unanswered as u32,
        incomplete: o.incomplete,
        actions: o.actions,
        referrals: o.referrals.into_iter().map(|h| hit(h, lang)).collect(),
        consultation: o.consultation.into_iter().map(|h| hit(h, lang)).collect(),
        confidentiality: o.confidentiality,
        contact_taken: o.contact_taken.map(|k| k.id().to_string()),
        leads_to: o.leads_to,
        override_used: o.override_used,
        municipality: o.municipality,
    }
}

pub(crate) fn override_level(l: scr::LevelOption, lang: Lang) -> OverrideLevel {
    OverrideLevel {
        label: fyr_core::present::messages::level_label(&l.label_sv, &l.label_en, lang).to_string(),
        id: l.id,
        label_sv: l.label_sv,
        label_en: l.label_en,
        acute: l.acute,
    }
}

pub(crate) fn summary(s: scr::ScreeningSummary, lang: Lang) -> ScreeningSummary {
    let state = if s.completed_at.is_some() {
        "completed"
    } else {
        "in_progress"
    };
    ScreeningSummary {
        state_label: fyr_core::present::messages::session_state(state, lang).to_string(),
        started_text: fyr_core::present::relative_time(s.started_at, Now::now(), lang),
        session_id: s.session_id,
        checklist: s.checklist,
        version: s.version,
        state: state.to_string(),
        level: s.level,
        answered: s.answered as u32,
        started: rfc3339(s.started_at),
        completed: s.completed_at.map(rfc3339),
    }
}

pub(crate) fn outbox_entry(e: device::OutboxEntry, lang: Lang) -> OutboxEntry {
    OutboxEntry {
        text: fyr_core::present::messages::outbox_row(
            &e.event.kind,
            e.attempts,
            e.quarantined.is_some(),
            lang,
        ),
        id: e.event.event_id,
        kind: e.event.kind,
        payload_json: e.event.payload.to_string(),
        attempts: e.attempts,
        quarantined: e.quarantined.is_some(),
        reason: e.quarantined,
    }
}

/// One line from the core's last-result JSON: its error if it failed, else its result.
fn result_line(v: &serde_json::Value) -> String {
    for key in ["error", "reason", "message", "result"] {
        if let Some(s) = v.get(key).and_then(|x| x.as_str()) {
            return s.to_string();
        }
    }
    v.to_string()
}

pub(crate) fn status(s: fyr_core::Status) -> Status {
    Status {
        feed_id: s.feed_id,
        content_version: s.content_version,
        content_created: s.content_created.map(rfc3339),
        content_age_days: s
            .content_age_days
            .map(|d| d.clamp(0, u32::MAX as i64) as u32),
        stale_after_days: s.stale_after_days,
        stale_warning: s.stale_warning,
        app_update: s.app_update,
        last_sync: s.last_success.map(rfc3339),
        last_result: s.last_sync.as_ref().map(result_line),
        last_result_json: s.last_sync.as_ref().map(|v| v.to_string()),
        next_attempt: s.next_attempt.map(rfc3339),
        failures: s.failures,
        hub: s.hub,
        outbox_size: s.outbox_pending as u32,
        quarantined: s.outbox_quarantined as u32,
        upload_blocked: s.upload_blocked.as_ref().map(blocked_id),
        upload_note: s.upload_note,
        check_interval_hours: s.check_interval_hours,
        demo_entries: s.demo_entries,
        screenings_lock_reason: s
            .screenings_locked
            .as_ref()
            .map(|l| l.reason.id().to_string()),
        screenings_locked: s.screenings_locked.map(|l| l.message),
        unreadable_screenings: s.unreadable_screenings.min(u32::MAX as u64) as u32,
        next_check: rfc3339(s.next_check),
    }
}

pub(crate) fn unreadable(
    a: fyr_core::store::device::AsideSession,
    days: u32,
) -> UnreadableScreening {
    UnreadableScreening {
        session_id: a.session_id,
        set_aside_at: rfc3339(a.set_aside_at),
        purge_after: rfc3339(a.set_aside_at + chrono::Duration::days(days as i64)),
    }
}

fn blocked_id(b: &fyr_core::sync::UploadBlocked) -> String {
    use fyr_core::sync::UploadBlocked as B;
    match b {
        B::NotEnrolled => "not_enrolled",
        B::Revoked => "revoked",
        B::Refused { .. } => "refused",
    }
    .to_string()
}

pub(crate) fn sync_options(o: &SyncOptions) -> fyr_core::api::SyncOptions {
    fyr_core::api::SyncOptions {
        hub: non_empty(&o.hub_url),
        trust_key_files: Vec::new(),
        trusted_keys_hex: o
            .trusted_keys
            .iter()
            .map(|k| k.trim().to_string())
            .filter(|k| !k.is_empty())
            .collect(),
        token: non_empty(&o.token),
        trigger: o.trigger,
    }
}

pub(crate) fn sync_report(r: fyr_core::sync::SyncReport, lang: Lang) -> SyncReport {
    SyncReport {
        pending: r.pending,
        upload_blocked: r.upload_blocked.as_ref().map(blocked_id),
        upload_note: r.upload_blocked.as_ref().map(|b| b.describe(lang)),
        result: match r.result {
            fyr_core::sync::SyncResult::Updated => "updated",
            fyr_core::sync::SyncResult::Unchanged => "unchanged",
        }
        .to_string(),
        version: r.version,
        requests: r.requests as u64,
        bytes_received: r.bytes_received,
        bytes_sent: r.bytes_sent,
        uploaded: r.uploaded as u64,
        quarantined: r.quarantined as u64,
        delta_from: r.delta_from,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_dates_are_checked() {
        assert!(open_options("/tmp/x", Some(&"ab".repeat(32)), "sv").is_ok());
        let e = open_options("/tmp/x", Some("abc"), "sv").unwrap_err();
        assert!(matches!(e, FyrError::InvalidInput { .. }), "{e}");
        let e = open_options("/tmp/x", None, "de").unwrap_err();
        assert!(e.to_string().contains("'de'"), "{e}");
        assert!(instant(Some("2026-03-29T01:30:00+01:00"))
            .unwrap()
            .is_some());
        let e = instant(Some("yesterday")).unwrap_err();
        assert!(e.to_string().contains("'yesterday'"), "{e}");
    }

    #[test]
    fn vocabulary_has_every_entry() {
        let v = vocabulary();
        assert_eq!(v.needs.len(), Need::ALL.len());
        assert!(v
            .forms
            .iter()
            .any(|e| e.id == "honour" && e.sv.contains("Heders")));
    }
}
