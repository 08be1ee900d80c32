//! A screening session: pure state (serde), no storage. The caller seals it
//! with [`crate::crypto`] and stores it as an opaque blob.
//!
//! There is deliberately no field for a name or a personal identity number:
//! a session records answers to a pinned checklist version, an optional
//! municipality (to resolve referrals) and the professional's own note.

use crate::checklist::{
    check_answer, evaluate, visibility, Answer, Answers, Checklist, EngineError, Evaluation, Item,
    Override,
};
use chrono::{DateTime, Utc};
use rand::RngCore;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// Random, 16 bytes as 32 hex digits.
    pub id: String,
    pub checklist_id: String,
    /// The checklist version the session was started on; answers are only
    /// accepted and evaluated against that version.
    pub checklist_version: i64,
    /// SCB code of the municipality, for resolving referrals.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub municipality: Option<String>,
    pub answers: Answers,
    /// Item ids in the order they were answered, for going back.
    pub history: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, rename = "override", skip_serializing_if = "Option::is_none")]
    pub override_: Option<Override>,
    pub started_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Evaluation>,
    /// Samråd: the agency kind contact was taken with, said at the end
    /// (optional, anonymous; it travels with the statistic).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_taken: Option<crate::vocab::AgencyKind>,
}

/// A new random session id: 16 bytes from the OS generator, as hex.
pub fn new_session_id() -> String {
    let mut bytes = [0u8; 16];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

impl Session {
    /// Starts a session on `checklist`, pinning its version.
    pub fn start(
        checklist: &Checklist,
        municipality: Option<String>,
        now: DateTime<Utc>,
    ) -> Session {
        Session {
            id: new_session_id(),
            checklist_id: checklist.id.clone(),
            checklist_version: checklist.version,
            municipality,
            answers: Answers::new(),
            history: Vec::new(),
            note: None,
            override_: None,
            started_at: now,
            updated_at: now,
            completed_at: None,
            result: None,
            contact_taken: None,
        }
    }

    pub fn is_completed(&self) -> bool {
        self.completed_at.is_some()
    }

    fn check_checklist(&self, c: &Checklist) -> Result<(), EngineError> {
        if c.id != self.checklist_id || c.version != self.checklist_version {
            return Err(EngineError::WrongChecklist {
                expected: self.checklist_id.clone(),
                expected_version: self.checklist_version,
                got: c.id.clone(),
                got_version: c.version,
            });
        }
        Ok(())
    }

    /// The first visible item without an answer, in order ("unknown" counts
    /// as an answer here: the question was put). `None` when all visible
    /// items are answered, or when `c` is not the pinned checklist.
    pub fn next_item<'a>(&self, c: &'a Checklist) -> Option<&'a Item> {
        if self.check_checklist(c).is_err() {
            return None;
        }
        visibility(c, &self.answers)
            .into_iter()
            .find(|(_, a)| a.is_none())
            .map(|(i, _)| i)
    }

    /// Records an answer: the item must exist, be visible given the earlier
    /// answers and the answer have the right type. Answering again replaces
    /// the earlier answer. Answers to items that become hidden are removed.
    pub fn answer(
        &mut self,
        c: &Checklist,
        item_id: &str,
        answer: Answer,
        now: DateTime<Utc>,
    ) -> Result<(), EngineError> {
        self.check_checklist(c)?;
        if self.is_completed() {
            return Err(EngineError::Completed);
        }
        let item = c.item(item_id).ok_or_else(|| EngineError::UnknownItem {
            checklist: c.id.clone(),
            item: item_id.to_string(),
        })?;
        check_answer(item, &answer).map_err(EngineError::WrongAnswer)?;
        if !visibility(c, &self.answers)
            .iter()
            .any(|(i, _)| i.id == item_id)
        {
            return Err(EngineError::HiddenItem(item_id.to_string()));
        }
        self.answers.insert(item_id.to_string(), answer);
        self.history.retain(|h| h != item_id);
        self.history.push(item_id.to_string());
        self.prune_hidden(c);
        self.updated_at = now;
        Ok(())
    }

    /// Drops answers to items that the current answers hide.
    fn prune_hidden(&mut self, c: &Checklist) {
        let visible: std::collections::HashSet<String> = visibility(c, &self.answers)
            .into_iter()
            .map(|(i, _)| i.id.clone())
            .collect();
        self.answers.retain(|id, _| visible.contains(id));
        self.history.retain(|id| visible.contains(id));
    }

    /// Goes back one step: removes the last answer given and returns its item
    /// id (`None` when there is nothing to undo or the session is completed).
    pub fn back(&mut self) -> Option<String> {
        if self.is_completed() {
            return None;
        }
        let last = self.history.pop()?;
        self.answers.remove(&last);
        Some(last)
    }

    /// The evaluation of the answers so far, without completing.
    pub fn preview(&self, c: &Checklist) -> Result<Evaluation, EngineError> {
        self.check_checklist(c)?;
        evaluate(c, &self.answers, self.override_.as_ref())
    }

    /// Completes the session: evaluates with the override (if any) and stores
    /// the result, the override and the note.
    pub fn complete(
        &mut self,
        c: &Checklist,
        ov: Option<Override>,
        note: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<Evaluation, EngineError> {
        self.check_checklist(c)?;
        if self.is_completed() {
            return Err(EngineError::Completed);
        }
        let result = evaluate(c, &self.answers, ov.as_ref())?;
        self.override_ = ov;
        self.note = note.filter(|n| !n.trim().is_empty());
        self.result = Some(result.clone());
        self.completed_at = Some(now);
        self.updated_at = now;
        Ok(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    const TOML: &str = r#"
id = "demo"
version = 3
kind = "screening"
subject = "adult_victim"
key_items = ["fear"]
title = { sv = "Demo", en = "Demo" }
example = true
levels = [
  { id = "low", label = { sv = "Låg" }, actions = [{ sv = "Ge information." }] },
  { id = "high", label = { sv = "Hög" }, actions = [{ sv = "Ring 112." }], include_24_7 = true, acute = true },
]
scoring = { method = "weighted_sum", thresholds = [{ level = "high", min_score = 2 }] }
override = { allowed = true, requires_reason = true }

[[sections]]
id = "s"
title = { sv = "Frågor" }
items = [
  { id = "violence", text = { sv = "Våld?" }, type = "yes_no", weight = 1 },
  { id = "weapon", text = { sv = "Vapen?" }, type = "yes_no", weight = 1, show_if = { item = "violence", equals = "yes" } },
  { id = "fear", text = { sv = "Rädd?" }, type = "yes_no", weight = 1, red_flag = "high" },
]
"#;

    fn checklist() -> Checklist {
        Checklist::from_toml("demo.toml", TOML).unwrap()
    }

    fn t(min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 22, 20, min, 0).unwrap()
    }

    #[test]
    fn walks_the_visible_items_in_order() {
        let c = checklist();
        let mut s = Session::start(&c, Some("0780".into()), t(0));
        assert_eq!(s.id.len(), 32);
        assert!(s.id.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(s.id, Session::start(&c, None, t(0)).id);
        assert_eq!(s.checklist_version, 3);
        assert_eq!(s.next_item(&c).unwrap().id, "violence");
        s.answer(&c, "violence", Answer::No, t(1)).unwrap();
        // "weapon" is hidden after a no.
        assert_eq!(s.next_item(&c).unwrap().id, "fear");
        assert_eq!(
            s.answer(&c, "weapon", Answer::Yes, t(2)),
            Err(EngineError::HiddenItem("weapon".into()))
        );
        s.answer(&c, "violence", Answer::Yes, t(2)).unwrap();
        assert_eq!(s.next_item(&c).unwrap().id, "weapon");
        s.answer(&c, "weapon", Answer::Unknown, t(3)).unwrap();
        assert_eq!(s.next_item(&c).unwrap().id, "fear");
        s.answer(&c, "fear", Answer::No, t(4)).unwrap();
        assert!(s.next_item(&c).is_none());
        assert_eq!(s.history, ["violence", "weapon", "fear"]);
        assert_eq!(s.updated_at, t(4));
        assert_eq!(s.started_at, t(0));
    }

    #[test]
    fn rejects_wrong_types_unknown_items_and_other_versions() {
        let c = checklist();
        let mut s = Session::start(&c, None, t(0));
        let err = s
            .answer(&c, "violence", Answer::Number(3.0), t(1))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "item 'violence' expects yes/no/unknown, got 3"
        );
        assert!(matches!(
            s.answer(&c, "nope", Answer::Yes, t(1)),
            Err(EngineError::UnknownItem { .. })
        ));
        let mut newer = c.clone();
        newer.version = 4;
        assert!(matches!(
            s.answer(&newer, "violence", Answer::Yes, t(1)),
            Err(EngineError::WrongChecklist { .. })
        ));
        assert!(s.next_item(&newer).is_none());
        assert!(s.answers.is_empty() && s.history.is_empty());
    }

    #[test]
    fn back_removes_the_last_answer_and_changing_an_answer_prunes_hidden_ones() {
        let c = checklist();
        let mut s = Session::start(&c, None, t(0));
        s.answer(&c, "violence", Answer::Yes, t(1)).unwrap();
        s.answer(&c, "weapon", Answer::Yes, t(2)).unwrap();
        assert_eq!(s.back(), Some("weapon".into()));
        assert!(!s.answers.contains_key("weapon"));
        assert_eq!(s.next_item(&c).unwrap().id, "weapon");
        s.answer(&c, "weapon", Answer::Yes, t(3)).unwrap();
        // Changing the controlling answer hides and drops "weapon".
        s.answer(&c, "violence", Answer::No, t(4)).unwrap();
        assert!(!s.answers.contains_key("weapon"));
        assert_eq!(s.history, ["violence"]);
        assert_eq!(s.back(), Some("violence".into()));
        assert_eq!(s.back(), None);
    }

    #[test]
    fn complete_stores_result_override_and_note_and_round_trips() {
        let c = checklist();
        let mut s = Session::start(&c, Some("2380".into()), t(0));
        s.answer(&c, "violence", Answer::Yes, t(1)).unwrap();
        // A failing completion changes nothing.
        assert!(s
            .complete(
                &c,
                Some(Override {
                    level: "high".into(),
                    reason: " ".into()
                }),
                None,
                t(2)
            )
            .is_err());
        assert!(!s.is_completed());
        let ov = Override {
            level: "high".into(),
            reason: "Hon beskriver ökande hot.".into(),
        };
        let r = s
            .complete(
                &c,
                Some(ov.clone()),
                Some("Följ upp på måndag".into()),
                t(5),
            )
            .unwrap();
        assert_eq!(r.level, "high");
        assert!(r.override_used && r.include_24_7 && r.incomplete);
        assert_eq!(s.result.as_ref(), Some(&r));
        assert_eq!(s.completed_at, Some(t(5)));
        assert_eq!(s.override_, Some(ov));
        assert_eq!(
            s.answer(&c, "fear", Answer::Yes, t(6)),
            Err(EngineError::Completed)
        );
        assert_eq!(s.back(), None);
        let json = serde_json::to_string(&s).unwrap();
        assert!(!json.contains("personnummer") && !json.contains("name"));
        let back: Session = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s);
    }
}
