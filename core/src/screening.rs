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
    EngineError, Evaluation, LevelChoice, Override, RedFlagHit,
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

/// A checklist in a list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChecklistSummary {
    pub id: String,
    pub version: i64,
    pub kind: String,
    /// Whom the outcome is about: adult_victim, child, perpetrator or any.
    pub subject: String,
    pub title_sv: String,
    pub title_en: String,
    /// An example written by the Fyr team, to be replaced by the region's instrument.
    pub example: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChoiceView {
    pub id: String,
    pub label: String,
}

/// The question to put now.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemView {
    pub id: String,
    pub section: String,
    pub text: String,
    pub help: Option<String>,
    /// "yes_no", "choice" or "number".
    pub answer_type: String,
    pub choices: Vec<ChoiceView>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// A key question: without its answer no level can be given.
    pub key: bool,
}

/// Where a session stands.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScreeningView {
    pub session_id: String,
    pub checklist: String,
    pub version: i64,
    pub title: String,
    pub notice: Option<String>,
    pub next_item: Option<ItemView>,
    pub answered: usize,
    pub visible: usize,
    pub can_go_back: bool,
    pub completed: bool,
    pub municipality: Option<String>,
    /// "Fråga 3 av 12" / "Question 3 of 12" (`present::screening_counter`).
    pub counter: String,
}

/// A screening in a list (decrypted on the device only).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScreeningSummary {
    pub session_id: String,
    pub checklist: String,
    pub version: i64,
    pub started_at: DateTime<Utc>,
    pub completed_at: Option<DateTime<Utc>>,
    pub level: Option<String>,
    pub answered: usize,
}

/// A key question left unanswered, as shown.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MissingItem {
    pub id: String,
    pub text: String,
}

/// A red flag as shown: the item, the level it lifts to and its text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RedFlagView {
    pub item: String,
    pub level: String,
    pub text: String,
}

/// A level the professional may raise to (the override picker).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LevelOption {
    pub id: String,
    pub label_sv: String,
    pub label_en: String,
    /// An acute level (112 first).
    pub acute: bool,
}

impl From<LevelChoice> for LevelOption {
    fn from(l: LevelChoice) -> LevelOption {
        LevelOption {
            label_en: l.label.get(Lang::En).to_string(),
            label_sv: l.label.sv,
            id: l.id,
            acute: l.acute,
        }
    }
}

/// The result of a completed screening (`fyr screen --json`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScreeningOutcome {
    pub session_id: String,
    pub checklist: String,
    pub version: i64,
    /// A level id of the checklist, or `not_assessed`.
    pub level: String,
    /// "Bedömning ej möjlig – nyckelfrågor saknar svar" when not assessed.
    pub level_label: String,
    /// True when key questions are unanswered and nothing known lifts the
    /// result above the lowest level: no level is given.
    pub not_assessed: bool,
    /// The key questions left unanswered. Non-empty with a level: the level is
    /// a floor ("at least").
    pub missing_key: Vec<MissingItem>,
    /// The level is acute: someone may be in danger now; call 112.
    pub acute: bool,
    pub score: f64,
    pub red_flags: Vec<RedFlagView>,
    pub unanswered: usize,
    pub incomplete: bool,
    pub actions: Vec<String>,
    pub referrals: Vec<ServiceHit>,
    /// "Konsultation för dig": lines where the worker (not the person) can
    /// consult, e.g. the national honour-related violence line. A separate
    /// slot, never among the referrals, so never above the social services
    /// for a minor.
    pub consultation: Vec<ServiceHit>,
    pub leads_to: Vec<String>,
    pub override_used: bool,
    pub municipality: Option<String>,
    /// The agency kind the worker said contact was taken with (samråd), if any.
    pub contact_taken: Option<AgencyKind>,
    /// The confidentiality card for the user's own agency kind (settings),
    /// marked for legal review: what may be shared with whom and when.
    pub confidentiality: Option<crate::guides::ConfidentialityView>,
}

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
        let mut n = self.purge_unreadable(now)?;
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
        let referrals = self.resolve_referrals(
            &ev,
            s.checklist.subject.id(),
            s.session.municipality.as_deref(),
            at,
        )?;
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
        let referrals = self.resolve_referrals(
            &ev,
            s.checklist.subject.id(),
            s.session.municipality.as_deref(),
            at,
        )?;
        Ok(self.outcome(&s, &ev, referrals))
    }

    /// The outcome shown for a completed session: one definition for
    /// `complete_screening` and `screening_result`.
    fn outcome(
        &self,
        s: &Sealed,
        ev: &Evaluation,
        (referrals, consultation): (Vec<ServiceHit>, Vec<ServiceHit>),
    ) -> ScreeningOutcome {
        let lang = self.lang();
        let (level_label, red_flags, missing_key) = shown_parts(&s.checklist, ev, lang);
        ScreeningOutcome {
            session_id: s.session.id.clone(),
            checklist: s.checklist.id.clone(),
            version: s.checklist.version,
            level: ev.level.clone(),
            level_label,
            not_assessed: ev.not_assessed,
            missing_key,
            acute: ev.acute,
            score: ev.score,
            red_flags,
            unanswered: ev.unanswered,
            incomplete: ev.incomplete,
            actions: {
                // The level's actions, then those for the user's own role.
                let role = self.settings().ok().and_then(|st| st.agency_kind);
                let mut a: Vec<String> = ev.actions.iter().map(|t| lang_text(t, lang)).collect();
                if let (Some(role), Some(level)) =
                    (role, s.checklist.levels.iter().find(|l| l.id == ev.level))
                {
                    a.extend(
                        level
                            .role_actions
                            .iter()
                            .filter(|r| r.agency_kinds.contains(&role))
                            .map(|r| lang_text(&r.text, lang)),
                    );
                }
                a
            },
            referrals,
            consultation,
            leads_to: ev.leads_to.clone(),
            override_used: ev.override_used,
            municipality: s.session.municipality.clone(),
            contact_taken: s.session.contact_taken,
            confidentiality: self
                .settings()
                .ok()
                .and_then(|st| st.agency_kind)
                .and_then(|k| self.confidentiality(k).ok().flatten()),
        }
    }

    /// Directory entries for an evaluation's referral queries: services
    /// covering the municipality (national ones when none is known) that can
    /// be phoned or chatted with, restricted through the routing model by who
    /// the checklist is about (`subject`: nothing out of place for that
    /// person), reachable now first; the line that always answers is in the
    /// top three, first when the level asks for a 24/7 line (112 at an acute
    /// level or one that refers to acute danger, as the routing model's lines say).
    pub fn resolve_referrals(
        &self,
        ev: &Evaluation,
        subject: &str,
        municipality: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<(Vec<ServiceHit>, Vec<ServiceHit>)> {
        let referrals = self.referrals_for_the_person(ev, subject, municipality, at)?;
        let consultation = self.consultation_for_the_worker(ev, municipality, at)?;
        Ok((referrals, consultation))
    }

    /// Lines where the worker can consult (need `consultation`) for the
    /// level's forms of violence: reachable now first, at most three.
    fn consultation_for_the_worker(
        &self,
        ev: &Evaluation,
        municipality: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<Vec<ServiceHit>> {
        let mut forms: Vec<Form> = Vec::new();
        for q in &ev.referrals {
            for f in &q.forms {
                if !forms.contains(f) {
                    forms.push(*f);
                }
            }
        }
        let mut out: Vec<ServiceHit> = Vec::new();
        for f in forms {
            for h in self.search(&SearchQuery {
                municipality: municipality.map(str::to_string),
                needs: vec![Need::Consultation],
                forms: vec![f],
                at: Some(at),
                limit: 3,
                ..Default::default()
            })? {
                if h.needs.contains(&Need::Consultation) && !out.iter().any(|x| x.id == h.id) {
                    out.push(h);
                }
            }
        }
        out.sort_by_key(|h| h.open_now != Some(true));
        out.truncate(3);
        Ok(out)
    }

    fn referrals_for_the_person(
        &self,
        ev: &Evaluation,
        subject: &str,
        municipality: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<Vec<ServiceHit>> {
        let ix = self.store().index();
        let Some(rs) = ix.routing.clone() else {
            return Err(Error::Content("no routing model".into()));
        };
        // The level's whole situation: every referral query and the subject.
        let mut level = Situation {
            groups: rs.routing.subject_groups(subject),
            ..Default::default()
        };
        for q in &ev.referrals {
            level = level.union(Situation::new(&q.groups, &q.needs, &q.forms));
        }
        let route = rs.routing.route(&level);
        let mut out: Vec<ServiceHit> = Vec::new();
        for q in &ev.referrals {
            let needs: Vec<Option<Need>> = if q.needs.is_empty() {
                vec![None]
            } else {
                q.needs.iter().copied().map(Some).collect()
            };
            for need in needs {
                let hits = self.search(&SearchQuery {
                    municipality: municipality.map(str::to_string),
                    needs: need.into_iter().collect(),
                    groups: q.groups.clone(),
                    forms: q.forms.clone(),
                    at: Some(at),
                    limit: 6,
                    context: level,
                    ..Default::default()
                })?;
                let mut taken = 0;
                for h in hits {
                    let needs_bits = h.needs.iter().fold(0, |a, n| a | n.bit());
                    let groups_bits = h.groups.iter().fold(0, |a, g| a | g.bit());
                    // A consultation line is for the worker: its own slot.
                    if (municipality.is_none() && !h.national)
                        || h.needs.contains(&Need::Consultation)
                        || !h.reachable
                        || route.fit(h.agency_kind as u8, needs_bits, groups_bits)
                            == Fit::OutOfPlace
                        || out.iter().any(|x| x.id == h.id)
                    {
                        continue;
                    }
                    out.push(h);
                    taken += 1;
                    if taken == 4 {
                        break;
                    }
                }
            }
        }
        // Reachable now first; keep the ranking otherwise.
        out.sort_by_key(|h| h.open_now != Some(true));
        // At an acute level someone may be in danger now: the line is 112
        // (the routing model's line for acute danger, shown first).
        let mut line_situation = level;
        if ev.acute {
            line_situation.needs |= Need::AcuteDanger.bit();
        }
        let line = {
            let c = self.store().dir();
            crate::search::line_hit(&c, &ix, &line_situation, at, self.lang())?
        };
        if let Some((line, first)) = line {
            out.retain(|h| h.id != line.id);
            // First when the model says so (112 when a level refers to acute
            // danger) or the level asks for a 24/7 line; else above anything
            // in the top three that cannot be reached now.
            let at_pos = if first || ev.include_24_7 {
                0
            } else {
                out.iter()
                    .take(2)
                    .position(|h| h.open_now != Some(true))
                    .unwrap_or(2)
                    .min(out.len())
            };
            out.insert(at_pos, line);
        }
        Ok(out)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::OpenOptions;

    fn open(dir: &std::path::Path) -> Fyr {
        Fyr::open(OpenOptions {
            data_dir: dir.into(),
            key: Some([7u8; 32]),
            lang: Lang::Sv,
        })
        .unwrap()
    }

    #[test]
    fn a_session_in_progress_keeps_its_checklist_version_when_a_newer_one_arrives() {
        let d = tempfile::tempdir().unwrap();
        let f = open(d.path());
        let now = Utc::now();
        let v = f.start_screening("routine", Some("Åre"), now).unwrap();
        let pinned = v.version;
        let first = v.next_item.unwrap().id;
        f.answer(&v.session_id, &first, Answer::No, now).unwrap();
        // A newer routine checklist arrives (as by sync), with one question fewer.
        let mut c = f.checklist("routine").unwrap();
        c.version = pinned + 1;
        c.sections[0].items.retain(|i| i.id == first);
        c.key_items.retain(|k| *k == first);
        let pos = f.position().unwrap();
        f.store
            .apply(
                &crate::store::ContentPosition {
                    version: pos.version + 1,
                    digest: String::new(),
                    ..pos
                },
                vec![crate::feed::Record::new(
                    crate::feed::RecordKind::Checklist,
                    "routine",
                    &c,
                )],
                vec![],
                false,
            )
            .unwrap();
        assert_eq!(f.checklist("routine").unwrap().version, pinned + 1);
        drop(f);
        // After a restart the session resumes on version 1.
        let f = open(d.path());
        let v = f.screening(&v.session_id).unwrap();
        assert_eq!(v.version, pinned);
        assert!(v.visible > 1);
        let out = f
            .complete_screening(&v.session_id, None, None, now)
            .unwrap();
        assert_eq!(out.version, pinned);
        let stat = &f.outbox().unwrap()[0].event.payload;
        assert_eq!(stat["checklist_version"], pinned);
        // A new session gets the newer version.
        assert_eq!(
            f.start_screening("routine", None, now).unwrap().version,
            pinned + 1
        );
    }

    #[test]
    fn a_completed_result_is_given_again_after_a_restart() {
        let d = tempfile::tempdir().unwrap();
        let f = open(d.path());
        let now = Utc::now();
        let v = f.start_screening("routine", Some("Åre"), now).unwrap();
        let first = v.next_item.unwrap().id;
        f.answer(&v.session_id, &first, Answer::Yes, now).unwrap();
        // Not completed yet: no result to give, and the error says so.
        let err = f.screening_result(&v.session_id, now).unwrap_err();
        assert!(err.to_string().contains("not completed"), "{err}");
        let done = f
            .complete_screening(&v.session_id, None, Some("anteckning".into()), now)
            .unwrap();
        // The process ends; the result comes back from the sealed record.
        drop(f);
        let f = open(d.path());
        let again = f.screening_result(&v.session_id, now).unwrap();
        assert_eq!(again.session_id, done.session_id);
        assert_eq!(again.level, done.level);
        assert_eq!(again.level_label, done.level_label);
        assert_eq!(again.score, done.score);
        assert_eq!(again.red_flags, done.red_flags);
        assert_eq!(again.actions, done.actions);
        assert_eq!(again.unanswered, done.unanswered);
        assert_eq!(again.missing_key, done.missing_key);
        let ids =
            |o: &ScreeningOutcome| o.referrals.iter().map(|h| h.id.clone()).collect::<Vec<_>>();
        assert!(!again.referrals.is_empty());
        assert_eq!(ids(&again), ids(&done));
        // Only one statistics record: giving the result again sends nothing.
        assert_eq!(f.outbox().unwrap().len(), 1);
        // An unknown session is an error that names it.
        let err = f.screening_result("no-such-session", now).unwrap_err();
        assert!(err.to_string().contains("no-such-session"), "{err}");
    }

    #[test]
    fn a_session_sealed_by_an_older_version_still_opens_and_completes() {
        // An app update in the middle of a screening: the sealed checklist
        // has no subject, key items or acute levels, the result no
        // not_assessed fields.
        let d = tempfile::tempdir().unwrap();
        let f = open(d.path());
        let now = Utc::now();
        let v = f
            .start_screening("adult-risk", Some("Ljungby"), now)
            .unwrap();
        f.answer(&v.session_id, "physical_violence", Answer::Yes, now)
            .unwrap();
        let key = f.seal_key().unwrap();
        let blob = device::get_session(&f.store.dev(), &v.session_id)
            .unwrap()
            .unwrap();
        let plain = crypto::open(&key, v.session_id.as_bytes(), &blob).unwrap();
        let mut old: serde_json::Value = serde_json::from_slice(&plain).unwrap();
        let c = old["checklist"].as_object_mut().unwrap();
        c.remove("subject");
        c.remove("key_items");
        for l in c["levels"].as_array_mut().unwrap() {
            l.as_object_mut().unwrap().remove("acute");
        }
        let blob = crypto::seal(
            &key,
            v.session_id.as_bytes(),
            &serde_json::to_vec(&old).unwrap(),
        );
        device::put_session(&f.store.dev(), &v.session_id, &blob).unwrap();
        drop(f);
        let f = open(d.path());
        assert_eq!(f.screenings().unwrap().len(), 1);
        let view = f.screening(&v.session_id).unwrap();
        assert_eq!(view.answered, 1);
        assert!(
            !view.next_item.unwrap().key,
            "no key items in the old definition"
        );
        let out = f
            .complete_screening(&v.session_id, None, None, now)
            .unwrap();
        assert_eq!(
            out.level, "low",
            "the old behaviour, on the version it started on"
        );
        assert!(out.missing_key.is_empty());
    }

    #[test]
    fn override_levels_follow_the_result() {
        let d = tempfile::tempdir().unwrap();
        let f = open(d.path());
        let now = Utc::now();
        let v = f.start_screening("adult-risk", None, now).unwrap();
        let ids = |f: &Fyr| -> Vec<String> {
            f.override_levels(&v.session_id)
                .unwrap()
                .into_iter()
                .map(|l| l.id)
                .collect()
        };
        // Nothing answered: not assessed; never "low".
        assert_eq!(ids(&f), ["elevated", "high", "acute"]);
        let first = f.override_levels(&v.session_id).unwrap();
        assert_eq!(first[0].label_sv, "Förhöjd risk");
        assert_eq!(first[0].label_en, "Elevated risk");
        assert!(first[2].acute);
        f.answer(&v.session_id, "strangulation", Answer::Yes, now)
            .unwrap();
        assert_eq!(ids(&f), ["acute"]);
        f.answer(&v.session_id, "danger_now", Answer::Yes, now)
            .unwrap();
        assert!(ids(&f).is_empty());
        let out = f
            .complete_screening(&v.session_id, None, None, now)
            .unwrap();
        assert!(out.acute && !out.not_assessed);
        let texts: Vec<&str> = out.red_flags.iter().map(|r| r.text.as_str()).collect();
        assert_eq!(texts, ["Stryptag eller kvävning", "I fara nu"]);
        assert!(out.actions[0].starts_with("Ring 112"));
    }

    #[test]
    fn without_a_key_the_directory_works_but_screenings_are_refused() {
        let d = tempfile::tempdir().unwrap();
        let f = Fyr::open(OpenOptions {
            data_dir: d.path().into(),
            key: None,
            lang: Lang::Sv,
        })
        .unwrap();
        assert!(!f.search(&SearchQuery::default()).unwrap().is_empty());
        let e = f.start_screening("routine", None, Utc::now()).unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::ScreeningsLocked);
    }

    #[test]
    fn referrals_without_a_municipality_are_national_only() {
        let d = tempfile::tempdir().unwrap();
        let f = open(d.path());
        let v = f.start_screening("adult-risk", None, Utc::now()).unwrap();
        f.answer(&v.session_id, "strangulation", Answer::Yes, Utc::now())
            .unwrap_or_else(|_| {
                // strangulation may be behind show_if; answer the first item then.
                let first = v.next_item.clone().unwrap().id;
                f.answer(&v.session_id, &first, Answer::Yes, Utc::now())
                    .unwrap()
            });
        let out = f
            .complete_screening(&v.session_id, None, None, Utc::now())
            .unwrap();
        assert!(!out.referrals.is_empty());
        assert!(out.referrals.iter().all(|h| h.national));
    }
}
