//! What a result shows beyond the checklist's own levels: the "not assessed"
//! outcome when key questions are unanswered, the levels a professional may
//! raise to (the apps' override picker) and how a red flag is shown.
//!
//! These texts are the core's, the same for every checklist: "not assessed"
//! is not a level a region writes but the absence of one.

use super::engine::{Evaluation, RedFlagHit};
use super::format::Checklist;
use crate::model::Text;
use serde::Serialize;

/// The level id of a result that could not be assessed because key items
/// are unanswered. No checklist may name a level so; the statistics record
/// carries it as its level.
pub const NOT_ASSESSED: &str = "not_assessed";

/// The label of a result that could not be assessed.
pub fn not_assessed_label() -> Text {
    Text::new(
        "Bedömning ej möjlig – nyckelfrågor saknar svar",
        "Not assessed – key questions are unanswered",
    )
}

/// What to do when key questions are unanswered, first to last.
pub fn not_assessed_actions() -> Vec<Text> {
    vec![
        Text::new(
            "Ring 112 om personen eller någon annan är i fara nu.",
            "Call 112 if the person or anyone else is in danger now.",
        ),
        Text::new(
            "Ingen risknivå kan ges: ställ nyckelfrågorna som saknar svar, om det går att göra säkert.",
            "No risk level can be given: ask the unanswered key questions, if it is safe to do so.",
        ),
        Text::new(
            "Går det inte att fråga: gör en egen professionell bedömning – du kan höja nivån med en motivering – och hänvisa vidare till socialtjänsten för en fördjupad bedömning.",
            "If you cannot ask: make your own professional judgement – you can raise the level with a reason – and refer on to social services for a full assessment.",
        ),
        Text::new(
            "Ge alltid numret till en stödlinje som svarar dygnet runt.",
            "Always give the number of a support line that answers around the clock.",
        ),
    ]
}

/// A level a professional may raise the result to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LevelChoice {
    pub id: String,
    pub label: Text,
    /// An acute level (112 first).
    pub acute: bool,
}

/// The levels a professional may raise an evaluation to, lowest first:
/// only levels above the current one (for a result that was not assessed,
/// every level but the lowest — "no raised risk" can never be concluded with
/// key questions unanswered), and only those the checklist's override policy
/// names (any, when it names none). Empty when overrides are not allowed or
/// the result is already at the top.
pub fn override_levels(c: &Checklist, ev: &Evaluation) -> Vec<LevelChoice> {
    let policy = &c.override_policy;
    if !policy.allowed {
        return Vec::new();
    }
    let from = if ev.not_assessed {
        1
    } else {
        match c.level_index(&ev.level) {
            Some(i) => i + 1,
            None => return Vec::new(),
        }
    };
    c.levels
        .iter()
        .skip(from)
        .filter(|l| policy.levels.is_empty() || policy.levels.contains(&l.id))
        .map(|l| LevelChoice {
            id: l.id.clone(),
            label: l.label.clone(),
            acute: l.acute,
        })
        .collect()
}

/// How a red flag is shown: the checklist's `red_flag_text` when it has one,
/// else the question (with the chosen alternative for a choice item).
pub fn red_flag_text(c: &Checklist, item_id: &str, choice: Option<&str>) -> Text {
    let Some(item) = c.item(item_id) else {
        return Text::new(item_id, "");
    };
    match choice.and_then(|ch| item.choice(ch)) {
        Some(ch) => ch.red_flag_text.clone().unwrap_or_else(|| Text {
            sv: format!("{} – {}", item.text.sv, ch.label.sv),
            en: item
                .text
                .en
                .as_ref()
                .map(|q| format!("{q} – {}", ch.label.en.as_deref().unwrap_or(&ch.label.sv))),
        }),
        None => item
            .red_flag_text
            .clone()
            .unwrap_or_else(|| item.text.clone()),
    }
}

/// The display texts of unanswered key items, in checklist order.
pub fn missing_texts(c: &Checklist, ev: &Evaluation) -> Vec<Text> {
    ev.missing_key
        .iter()
        .map(|id| {
            c.item(id)
                .map(|i| i.text.clone())
                .unwrap_or_else(|| Text::new(id.as_str(), ""))
        })
        .collect()
}

impl RedFlagHit {
    /// The display text in the given language.
    pub fn shown(&self, lang: crate::vocab::Lang) -> &str {
        self.text.get(lang)
    }
}
