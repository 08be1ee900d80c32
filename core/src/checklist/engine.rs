//! The screening engine: answers in, level and outcome out. Pure and
//! deterministic: the same checklist, answers and override always give the
//! same evaluation.
//!
//! How a level is reached:
//! 1. Visibility is computed in item order: an item with `show_if` is visible
//!    only when the item it refers to is visible and was answered as required.
//!    Answers to hidden items are dropped; they neither score nor raise flags.
//! 2. The score (weighted sum, or count of yes answers) gives the *score
//!    level*: the highest threshold reached, or the lowest level when none is.
//! 3. Red flags are a floor: a flagged yes (or flagged choice) lifts the level
//!    to at least the flag's level whatever the score.
//! 4. Key items: while a visible key item is unanswered (or "unknown"), the
//!    lowest level is never the outcome. A result that would be the lowest
//!    level is *not assessed* ([`NOT_ASSESSED`]) with the list of missing key
//!    items; a higher result stands as a floor ("at least high risk") and
//!    carries the same list, so a red flag is never hidden behind it.
//! 5. Professional judgement may raise the level further, never lower it, and
//!    (when the checklist says so) only with a reason. From *not assessed* it
//!    may raise to any level but the lowest.
//!
//! The outcome — actions, referrals, the 24/7 line and `leads_to` — is that of
//! the **final level only**; lower levels' outcomes do not accumulate. Each
//! level's outcome is written to be complete for that level, which is what a
//! field worker expects: at an acute level the screen shows what to do now
//! (call 112, protected housing), not a mixture that includes "book a
//! follow-up within a week". `leads_to` additionally carries every checklist
//! that a visible answer (a yes, or a chosen choice) leads on to. A result
//! that was not assessed has the core's actions ([`not_assessed_actions`]),
//! the lowest level's referrals and a 24/7 line.

use super::answer::{check_answer, Answer, Answers, Override};
use super::format::{AnswerType, Checklist, Item, ReferralQuery, Scoring};
use super::outcome::{not_assessed_actions, red_flag_text, NOT_ASSESSED};
use crate::model::Text;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Why answers could not be evaluated or an answer not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    #[error("checklist '{checklist}' has no item '{item}'")]
    UnknownItem { checklist: String, item: String },
    /// A wrong answer type or value; the message names the item.
    #[error("{0}")]
    WrongAnswer(String),
    #[error("item '{0}' is not shown given the earlier answers")]
    HiddenItem(String),
    #[error("override: checklist '{checklist}' has no level '{level}'")]
    UnknownLevel { checklist: String, level: String },
    #[error("override to '{level}' would lower the level from '{computed}'; judgement may only raise it")]
    OverrideLowers { level: String, computed: String },
    #[error("override to '{0}' needs a reason")]
    OverrideWithoutReason(String),
    #[error("checklist '{0}' does not allow overriding the level")]
    OverrideNotAllowed(String),
    #[error("checklist '{checklist}' does not allow an override to '{level}'")]
    OverrideLevelNotAllowed { checklist: String, level: String },
    #[error("session is for checklist '{expected}' version {expected_version}, not '{got}' version {got_version}")]
    WrongChecklist {
        expected: String,
        expected_version: i64,
        got: String,
        got_version: i64,
    },
    #[error("session is already completed")]
    Completed,
    #[error("checklist '{0}' has no levels")]
    NoLevels(String),
    #[error("override to '{level}': the lowest level cannot be given while key questions are unanswered ({missing})")]
    OverrideLowestNotAssessed { level: String, missing: String },
}

/// A red flag that was raised: which item, to what level, and how it is
/// shown (the item's `red_flag_text`, else its question).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedFlagHit {
    pub item: String,
    pub level: String,
    #[serde(default)]
    pub text: Text,
}

/// The result of evaluating answers against a checklist.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evaluation {
    /// Ids of the visible items, in order.
    pub visible: Vec<String>,
    pub score: f64,
    /// The final level (after red flags and override), or [`NOT_ASSESSED`].
    pub level: String,
    /// The position of `level` among the checklist's levels (0 when not assessed).
    pub level_index: usize,
    /// True when `level` is [`NOT_ASSESSED`]: key items are unanswered and
    /// nothing known lifts the result above the lowest level.
    #[serde(default)]
    pub not_assessed: bool,
    /// Visible key items without a definite answer, in order. Non-empty means
    /// the result is at best a floor; empty means every key question was answered.
    #[serde(default)]
    pub missing_key: Vec<String>,
    /// The final level is acute: someone may be in danger now (112 first).
    #[serde(default)]
    pub acute: bool,
    /// The level the score alone reached.
    pub score_level: String,
    pub red_flags: Vec<RedFlagHit>,
    /// Visible items without a definite answer (none, or "unknown").
    pub unanswered: usize,
    /// True when any visible item is unanswered: the level is a floor based on
    /// what is known.
    pub incomplete: bool,
    /// Actions of the final level.
    pub actions: Vec<Text>,
    /// Referral queries of the final level, for the caller to resolve.
    pub referrals: Vec<ReferralQuery>,
    /// The result must show a national line open 24/7.
    pub include_24_7: bool,
    /// Checklists to continue with: the final level's, then those reached by
    /// answers, in item order, without repeats.
    pub leads_to: Vec<String>,
    pub override_used: bool,
}

/// Which items are visible given the answers; also returns the effective
/// answers (those of visible items).
pub fn visibility<'c, 'a>(
    c: &'c Checklist,
    answers: &'a Answers,
) -> Vec<(&'c Item, Option<&'a Answer>)> {
    let mut effective: HashMap<&'c str, Option<&'a Answer>> = HashMap::new();
    let mut out = Vec::new();
    for item in c.items() {
        let visible = match &item.show_if {
            None => true,
            Some(show) => match effective.get(show.item.as_str()) {
                // Not visible (or not an earlier item): hidden.
                None => false,
                Some(None) => false,
                Some(Some(a)) => match (a, &show.equals, show.at_least) {
                    (Answer::Yes, Some(eq), _) => eq == "yes",
                    (Answer::No, Some(eq), _) => eq == "no",
                    (Answer::Choice(ch), Some(eq), _) => ch == eq,
                    (Answer::Number(n), None, Some(min)) => *n >= min,
                    _ => false,
                },
            },
        };
        if visible {
            let a = answers.get(&item.id);
            effective.insert(&item.id, a);
            out.push((item, a));
        }
    }
    out
}

/// Evaluates answers (and an optional override) against a checklist.
pub fn evaluate(
    c: &Checklist,
    answers: &Answers,
    ov: Option<&Override>,
) -> Result<Evaluation, EngineError> {
    if c.levels.is_empty() {
        return Err(EngineError::NoLevels(c.id.clone()));
    }
    for (id, answer) in answers {
        let item = c.item(id).ok_or_else(|| EngineError::UnknownItem {
            checklist: c.id.clone(),
            item: id.clone(),
        })?;
        check_answer(item, answer).map_err(EngineError::WrongAnswer)?;
    }

    let shown = visibility(c, answers);
    let count_yes = matches!(c.scoring, Scoring::CountYes { .. });
    let mut score = 0.0;
    let mut unanswered = 0;
    let mut red_flags = Vec::new();
    let mut answer_leads: Vec<&str> = Vec::new();
    let mut missing_key = Vec::new();
    for (item, answer) in &shown {
        let answer = match answer {
            Some(a) if a.is_known() => a,
            _ => {
                unanswered += 1;
                if c.is_key(&item.id) {
                    missing_key.push(item.id.clone());
                }
                continue;
            }
        };
        match (item.answer_type, answer) {
            (AnswerType::YesNo, Answer::Yes) => {
                score += match (count_yes, item.weight > 0.0) {
                    (true, true) => 1.0,
                    (true, false) => 0.0,
                    (false, _) => item.weight,
                };
                if let Some(level) = &item.red_flag {
                    red_flags.push(RedFlagHit {
                        item: item.id.clone(),
                        level: level.clone(),
                        text: red_flag_text(c, &item.id, None),
                    });
                }
                if let Some(t) = &item.leads_to {
                    answer_leads.push(t);
                }
            }
            (AnswerType::Choice, Answer::Choice(id)) => {
                if let Some(ch) = item.choice(id) {
                    score += if count_yes {
                        f64::from(u8::from(ch.weight > 0.0))
                    } else {
                        ch.weight
                    };
                    if let Some(level) = &ch.red_flag {
                        red_flags.push(RedFlagHit {
                            item: item.id.clone(),
                            level: level.clone(),
                            text: red_flag_text(c, &item.id, Some(&ch.id)),
                        });
                    }
                    if let Some(t) = &ch.leads_to {
                        answer_leads.push(t);
                    }
                }
            }
            (AnswerType::Number, Answer::Number(n)) if !count_yes => score += item.weight * n,
            _ => {}
        }
    }

    // The score level: the highest threshold reached, else the lowest level.
    let mut score_index = 0;
    for t in c.scoring.thresholds() {
        if score >= t.min_score {
            if let Some(i) = c.level_index(&t.level) {
                score_index = score_index.max(i);
            }
        }
    }
    let mut index = score_index;
    for hit in &red_flags {
        if let Some(i) = c.level_index(&hit.level) {
            index = index.max(i);
        }
    }

    // Key items unanswered and nothing lifts the result: not assessed.
    let mut not_assessed = index == 0 && !missing_key.is_empty();

    let mut override_used = false;
    if let Some(ov) = ov {
        let policy = &c.override_policy;
        if !policy.allowed {
            return Err(EngineError::OverrideNotAllowed(c.id.clone()));
        }
        let Some(oi) = c.level_index(&ov.level) else {
            return Err(EngineError::UnknownLevel {
                checklist: c.id.clone(),
                level: ov.level.clone(),
            });
        };
        if !policy.levels.is_empty() && !policy.levels.contains(&ov.level) {
            return Err(EngineError::OverrideLevelNotAllowed {
                checklist: c.id.clone(),
                level: ov.level.clone(),
            });
        }
        if oi < index {
            return Err(EngineError::OverrideLowers {
                level: ov.level.clone(),
                computed: c.levels[index].id.clone(),
            });
        }
        if not_assessed && oi == 0 {
            return Err(EngineError::OverrideLowestNotAssessed {
                level: ov.level.clone(),
                missing: missing_key.join(", "),
            });
        }
        if policy.requires_reason && ov.reason.trim().is_empty() {
            return Err(EngineError::OverrideWithoutReason(ov.level.clone()));
        }
        index = oi;
        override_used = true;
        not_assessed = false;
    }

    let level = &c.levels[index];
    let level_leads = if not_assessed {
        None
    } else {
        level.leads_to.as_deref()
    };
    let mut leads_to: Vec<String> = Vec::new();
    for t in level_leads.into_iter().chain(answer_leads) {
        if t != c.id && !leads_to.iter().any(|x| x == t) {
            leads_to.push(t.to_string());
        }
    }
    Ok(Evaluation {
        visible: shown.iter().map(|(i, _)| i.id.clone()).collect(),
        score,
        level: if not_assessed {
            NOT_ASSESSED.to_string()
        } else {
            level.id.clone()
        },
        level_index: index,
        not_assessed,
        missing_key,
        acute: !not_assessed && level.acute,
        score_level: c.levels[score_index].id.clone(),
        red_flags,
        unanswered,
        incomplete: unanswered > 0,
        actions: if not_assessed {
            not_assessed_actions()
        } else {
            level.actions.clone()
        },
        referrals: level.referrals.clone(),
        include_24_7: not_assessed || level.include_24_7,
        leads_to,
        override_used,
    })
}
