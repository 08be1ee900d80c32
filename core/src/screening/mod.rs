//! Screening sessions on the device: start (pinning the checklist version),
//! answer, back, resume, complete, discard, purge; referrals resolved
//! against the directory; one anonymous statistics record per completion.
//!
//! A session is stored as one sealed blob (`crypto::seal`) holding the
//! session *and the checklist definition it was started on*, under a random
//! id: a newer checklist version arriving by sync never changes a session in
//! progress, and nothing about the person, the answers or their timing can
//! be read from the files without the key.

use crate::api::Fyr;
use crate::checklist::{
    missing_texts, not_assessed_label, override_levels, parse_answer_text, Answer, Checklist,
    EngineError, Evaluation, Override, RedFlagHit,
};
use crate::crypto;
use crate::error::{Error, Result};
use crate::model::Text;
use crate::routing::{Fit, Situation};
use crate::search::{SearchQuery, ServiceHit};
use crate::session::Session;
use crate::store::device;
use crate::vocab::{AgencyKind, Form, Lang, Need};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What is sealed for one session.
#[derive(Serialize, Deserialize)]
struct Sealed {
    session: Session,
    #[serde(deserialize_with = "crate::checklist::deserialize_stored")]
    checklist: Checklist,
}

fn engine(e: EngineError) -> Error {
    Error::InvalidInput(e.to_string())
}

fn lang_text(t: &Text, lang: Lang) -> String {
    t.get(lang).to_string()
}

/// An evaluation's level label, red flags and missing key questions, as shown.
pub fn shown_parts(
    c: &Checklist,
    ev: &Evaluation,
    lang: Lang,
) -> (String, Vec<RedFlagView>, Vec<MissingItem>) {
    let label = if ev.not_assessed {
        not_assessed_label()
    } else {
        c.level(&ev.level)
            .map(|l| l.label.clone())
            .unwrap_or_default()
    };
    let flags = ev
        .red_flags
        .iter()
        .map(|r: &RedFlagHit| RedFlagView {
            item: r.item.clone(),
            level: r.level.clone(),
            text: if r.text.sv.is_empty() {
                // A result sealed before red flags carried texts.
                lang_text(&crate::checklist::red_flag_text(c, &r.item, None), lang)
            } else {
                lang_text(&r.text, lang)
            },
        })
        .collect();
    let missing = ev
        .missing_key
        .iter()
        .zip(missing_texts(c, ev))
        .map(|(id, t)| MissingItem {
            id: id.clone(),
            text: lang_text(&t, lang),
        })
        .collect();
    (lang_text(&label, lang), flags, missing)
}

impl Fyr {
    // -------------------------------------------------------------- checklists

    pub fn checklist_list(&self) -> Result<Vec<Checklist>> {
        self.store
            .records(crate::feed::RecordKind::Checklist)?
            .into_iter()
            .map(|r| {
                Checklist::from_stored_json(&format!("checklist {}", r.id), &r.body).map_err(|e| {
                    Error::Content(
                        e.iter()
                            .map(|e| e.to_string())
                            .collect::<Vec<_>>()
                            .join("; "),
                    )
                })
            })
            .collect()
    }

    pub fn checklists(&self) -> Result<Vec<ChecklistSummary>> {
        Ok(self
            .checklist_list()?
            .into_iter()
            .map(|c| ChecklistSummary {
                id: c.id.clone(),
                version: c.version,
                kind: c.kind.id().to_string(),
                subject: c.subject.id().to_string(),
                title_sv: c.title.sv.clone(),
                title_en: c.title.get(Lang::En).to_string(),
                example: c.example,
            })
            .collect())
    }

    pub fn checklist(&self, id: &str) -> Result<Checklist> {
        self.checklist_list()?
            .into_iter()
            .find(|c| c.id == id)
            .ok_or_else(|| {
                Error::invalid(format!("unknown checklist '{id}' (see `fyr checklists`)"))
            })
    }

    // ---------------------------------------------------------------- sessions

    fn load(&self, session_id: &str) -> Result<Sealed> {
        let key = self.seal_key()?;
        let blob = self
            .store
            .with_dev(|c| device::get_session(c, session_id))?
            .ok_or_else(|| Error::invalid(format!("unknown screening '{session_id}'")))?;
        let plain = crypto::open(&key, session_id.as_bytes(), &blob)
            .map_err(|e| Error::Crypto(e.to_string()))?;
        Ok(serde_json::from_slice(&plain)?)
    }

    fn save(&self, s: &Sealed) -> Result<()> {
        let key = self.seal_key()?;
        let plain = serde_json::to_vec(s)?;
        let blob = crypto::seal(&key, s.session.id.as_bytes(), &plain);
        self.store
            .with_dev(|c| device::put_session(c, &s.session.id, &blob))
    }

    fn view(&self, s: &Sealed) -> ScreeningView {
        let lang = self.lang();
        let c = &s.checklist;
        let vis = crate::checklist::visibility(c, &s.session.answers);
        let next = if s.session.is_completed() {
            None
        } else {
            s.session.next_item(c)
        };
        let next_item = next.map(|i| {
            let section = c
                .sections
                .iter()
                .find(|sec| sec.items.iter().any(|x| x.id == i.id))
                .map(|sec| lang_text(&sec.title, lang))
                .unwrap_or_default();
            ItemView {
                id: i.id.clone(),
                section,
                text: lang_text(&i.text, lang),
                help: i.help.as_ref().map(|h| lang_text(h, lang)),
                answer_type: i.answer_type.id().to_string(),
                choices: i
                    .choices
                    .iter()
                    .map(|ch| ChoiceView {
                        id: ch.id.clone(),
                        label: lang_text(&ch.label, lang),
                    })
                    .collect(),
                min: i.min,
                max: i.max,
                key: c.is_key(&i.id),
            }
        });
        let answered = vis.iter().filter(|(_, a)| a.is_some()).count();
        let counter =
            crate::present::screening_counter(answered, vis.len(), next_item.is_some(), lang);
        ScreeningView {
            session_id: s.session.id.clone(),
            checklist: c.id.clone(),
            version: c.version,
            title: lang_text(&c.title, lang),
            notice: c.notice_text().map(|t| lang_text(&t, lang)),
            next_item,
            answered,
            visible: vis.len(),
            can_go_back: !s.session.history.is_empty() && !s.session.is_completed(),
            completed: s.session.is_completed(),
            municipality: s.session.municipality.clone(),
            counter,
        }
    }

    /// Starts a screening; `municipality` (any spelling or code) defaults to the home municipality.
    pub fn start_screening(
        &self,
        checklist_id: &str,
        municipality: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<ScreeningView> {
        let checklist = self.checklist(checklist_id)?;
        let muni = match municipality {
            Some(m) => Some(self.municipality(m)?.code),
            None => self.settings()?.home_municipality,
        };
        let s = Sealed {
            session: Session::start(&checklist, muni, now),
            checklist,
        };
        self.save(&s)?;
        Ok(self.view(&s))
    }

    pub fn screening(&self, session_id: &str) -> Result<ScreeningView> {
        Ok(self.view(&self.load(session_id)?))
    }

    /// The whole decrypted session (answers, note, result) — shown only on the device.
    pub fn screening_details(&self, session_id: &str) -> Result<Session> {
        Ok(self.load(session_id)?.session)
    }

    pub fn answer(
        &self,
        session_id: &str,
        item_id: &str,
        answer: Answer,
        now: DateTime<Utc>,
    ) -> Result<ScreeningView> {
        let mut s = self.load(session_id)?;
        s.session
            .answer(&s.checklist, item_id, answer, now)
            .map_err(engine)?;
        self.save(&s)?;
        Ok(self.view(&s))
    }

    /// Answers from typed text (ja/nej/vet ej, a choice number, a number).
    pub fn answer_text(
        &self,
        session_id: &str,
        item_id: &str,
        input: &str,
        now: DateTime<Utc>,
    ) -> Result<ScreeningView> {
        let mut s = self.load(session_id)?;
        let item = s.checklist.item(item_id).ok_or_else(|| {
            Error::invalid(format!(
                "unknown item '{item_id}' in checklist '{}'",
                s.checklist.id
            ))
        })?;
        let a = parse_answer_text(item, input).map_err(Error::InvalidInput)?;
        s.session
            .answer(&s.checklist, item_id, a, now)
            .map_err(engine)?;
        self.save(&s)?;
        Ok(self.view(&s))
    }

    pub fn back(&self, session_id: &str) -> Result<ScreeningView> {
        let mut s = self.load(session_id)?;
        s.session.back();
        self.save(&s)?;
        Ok(self.view(&s))
    }

    /// The evaluation so far, without completing.
    pub fn preview(&self, session_id: &str) -> Result<Evaluation> {
        let s = self.load(session_id)?;
        s.session.preview(&s.checklist).map_err(engine)
    }

    /// The levels the professional may raise this screening to, lowest first,
    /// with labels in Swedish and English (the apps' override picker): only
    /// levels above the current result, never the lowest level while key
    /// questions are unanswered, and only those the checklist allows. Empty
    /// when the checklist allows no override or the result is at the top.
    pub fn override_levels(&self, session_id: &str) -> Result<Vec<LevelOption>> {
        let s = self.load(session_id)?;
        let ev = s.session.preview(&s.checklist).map_err(engine)?;
        Ok(override_levels(&s.checklist, &ev)
            .into_iter()
            .map(LevelOption::from)
            .collect())
    }

    pub fn screenings(&self) -> Result<Vec<ScreeningSummary>> {
        let key = self.seal_key()?;
        let rows = self.store.with_dev(|c| device::all_sessions(c))?;
        let mut out = Vec::new();
        for (id, blob) in rows {
            let plain = crypto::open(&key, id.as_bytes(), &blob)
                .map_err(|e| Error::Crypto(format!("screening {id}: {e}")))?;
            let s: Sealed = serde_json::from_slice(&plain)?;
            out.push(ScreeningSummary {
                session_id: id,
                checklist: s.checklist.id.clone(),
                version: s.checklist.version,
                started_at: s.session.started_at,
                completed_at: s.session.completed_at,
                level: s.session.result.as_ref().map(|r| r.level.clone()),
                answered: s.session.answers.len(),
            });
        }
        out.sort_by_key(|s| s.started_at);
        Ok(out)
    }

    pub fn discard_screening(&self, session_id: &str) -> Result<()> {
        self.store.with_dev(|c| {
            if !device::delete_session(c, session_id)? {
                return Err(Error::invalid(format!("unknown screening '{session_id}'")));
            }
            device::checkpoint(c)
        })
    }

    /// Deletes completed screenings older than the retention period; returns how many.
    /// Set-aside (unreadable) sessions are purged too, with or without a key.
    pub fn purge_screenings(&self, now: DateTime<Utc>) -> Result<usize> {
        let days = self.settings()?.retention_days as i64;
        let mut n = self.purge_unreadable(now, days)?;
        let Ok(key) = self.seal_key() else {
            return Ok(n);
        };
        let rows = self.store.with_dev(|c| device::all_sessions(c))?;
        for (id, blob) in rows {
            let Ok(plain) = crypto::open(&key, id.as_bytes(), &blob) else {
                continue;
            };
            let s: Sealed = serde_json::from_slice(&plain)?;
            if let Some(done) = s.session.completed_at {
                if now - done > chrono::Duration::days(days) {
                    self.store.with_dev(|c| device::delete_session(c, &id))?;
                    n += 1;
                }
            }
        }
        if n > 0 {
            self.store.with_dev(|c| device::checkpoint(c))?;
        }
        Ok(n)
    }

    /// Completes a screening: evaluates (with an optional override that
    /// raises the level and needs a reason), keeps the result and note sealed,
    /// resolves referrals against the directory and puts one anonymous
    /// statistics record into the outbox.
    pub fn complete_screening(
        &self,
        session_id: &str,
        ov: Option<Override>,
        note: Option<String>,
        at: DateTime<Utc>,
    ) -> Result<ScreeningOutcome> {
        self.complete_screening_with_contact(session_id, ov, note, None, at)
    }

    /// Completes a session like [`Fyr::complete_screening`], with the
    /// optional anonymous note that contact was taken with another agency
    /// (samråd, "kontakt tagen med: socialtjänsten"). Only the agency kind
    /// travels, with the statistic: no free text, no name, no time finer
    /// than the month.
    pub fn complete_screening_with_contact(
        &self,
        session_id: &str,
        ov: Option<Override>,
        note: Option<String>,
        contact_taken: Option<AgencyKind>,
        at: DateTime<Utc>,
    ) -> Result<ScreeningOutcome> {
        let mut s = self.load(session_id)?;
        if s.session.is_completed() {
            return Err(Error::invalid(format!(
                "screening '{session_id}' is already completed"
            )));
        }
        let ev = s
            .session
            .complete(&s.checklist, ov, note, at)
            .map_err(engine)?;
        let referrals = self.referrals_of(&s, &ev, at)?;
        let settings = self.settings()?;
        let month = at
            .with_timezone(&chrono_tz::Europe::Stockholm)
            .format("%Y-%m")
            .to_string();
        let mut stat = serde_json::json!({
            "month": month,
            "municipality": s.session.municipality,
            "agency_kind": settings.agency_kind.map(|k| k.id()),
            "checklist": s.checklist.id,
            "checklist_version": s.checklist.version,
            "level": ev.level,
            "override_used": ev.override_used,
        });
        if let Some(k) = contact_taken {
            stat["contact_taken"] = serde_json::Value::String(k.id().to_string());
        }
        s.session.contact_taken = contact_taken;
        // The session and its statistics record are written together.
        {
            let key = self.seal_key()?;
            let blob = crypto::seal(&key, s.session.id.as_bytes(), &serde_json::to_vec(&s)?);
            self.store.with_dev(|c| {
                let tx = c.transaction()?;
                device::put_session(&tx, &s.session.id, &blob)?;
                device::enqueue(&tx, "screening_stat", &stat)?;
                Ok(tx.commit()?)
            })?;
        }
        Ok(self.outcome(&s, &ev, referrals))
    }

    /// A completed session's outcome again, from its sealed record (after the
    /// app's process was ended): the stored evaluation, with referrals
    /// resolved against the directory at `at` (so "open now" is current).
    pub fn screening_result(
        &self,
        session_id: &str,
        at: DateTime<Utc>,
    ) -> Result<ScreeningOutcome> {
        let s = self.load(session_id)?;
        let Some(ev) = s
            .session
            .result
            .clone()
            .filter(|_| s.session.is_completed())
        else {
            return Err(Error::invalid(format!(
                "screening '{session_id}' is not completed"
            )));
        };
        let referrals = self.referrals_of(&s, &ev, at)?;
        Ok(self.outcome(&s, &ev, referrals))
    }
}

/// Answer types as shown to users.
pub fn answer_type_hint(t: &str, lang: Lang) -> &'static str {
    match (t, lang) {
        ("yes_no", Lang::Sv) => "ja / nej / vet ej",
        ("yes_no", Lang::En) => "yes / no / unknown",
        ("number", Lang::Sv) => "ett tal, eller vet ej",
        ("number", Lang::En) => "a number, or unknown",
        (_, Lang::Sv) => "numret på ett alternativ, eller vet ej",
        (_, Lang::En) => "the number of a choice, or unknown",
    }
}

mod outcome;
mod views;
pub use views::*;
#[cfg(test)]
mod tests;
