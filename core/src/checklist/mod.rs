//! First-step risk screening checklists: the file format, validation, the
//! evaluation engine and loading of `content/checklists/`.
//!
//! The checklists the Fyr team ships are *examples* written in our own words
//! from widely published risk factors; a region replaces them with the
//! instrument it has adopted (described in the `[instrument]` table).
//!
//! # File format (TOML; feeds carry the same structure as JSON)
//!
//! ```toml
//! id = "adult-risk"            # lowercase letters, digits, '_' or '-'
//! version = 1                  # >= 1, strictly increasing per id
//! kind = "screening"           # routine | screening | children | honour | perpetrator | other
//! subject = "adult_victim"    # required: adult_victim | child | perpetrator | any — whom the
//!                              # outcome is about; referrals are restricted to fit it
//! title = { sv = "…", en = "…" }        # sv required everywhere, en optional
//! description = { sv = "…", en = "…" }  # optional
//! example = true               # written by the Fyr team; shown with `notice`
//! notice = { sv = "Exempel skrivet av Fyr-teamet – …", en = "…" }
//!
//! [instrument]                 # optional: who wrote it, on what terms
//! name = "…"
//! publisher = "…"              # optional
//! license = "…"                # required when licensed = true
//! licensed = false
//! url = "…"                    # optional
//!
//! [[levels]]                   # lowest first
//! id = "acute"
//! label = { sv = "Akut fara", en = "Acute danger" }
//! actions = [{ sv = "Ring 112 …", en = "…" }]          # what to do now
//! referrals = [{ needs = ["acute_danger"], groups = [], forms = [] }]  # vocab ids
//! include_24_7 = true          # optional: the result must show a 24/7 national line
//! leads_to = "children"        # optional: continue with another checklist
//!
//! [scoring]
//! method = "weighted_sum"      # or "count_yes"
//! thresholds = [{ level = "elevated", min_score = 3 }, { level = "acute", min_score = 16 }]
//!
//! [override]                   # professional judgement may raise, never lower
//! allowed = true
//! requires_reason = true
//! levels = []                  # optional: levels an override may name (empty = any)
//!
//! [[sections]]
//! id = "threats"
//! title = { sv = "Hot och vapen", en = "Threats and weapons" }
//!
//! [[sections.items]]
//! id = "threat_with_means"
//! text = { sv = "…", en = "…" }
//! help = { sv = "…", en = "…" }                        # optional
//! type = "yes_no"              # yes_no | choice | number ("unknown" is always allowed)
//! weight = 2                   # yes_no: points for yes; number: points per unit
//! red_flag = "acute"           # a yes lifts the level to at least this level
//! show_if = { item = "threats_to_kill", equals = "yes" } # or { item, at_least = N } for numbers
//! leads_to = "children"        # a yes leads on to another checklist
//! # choice items: choices = [{ id, label, weight, red_flag?, leads_to? }]
//! # number items: min / max
//! ```
//!
//! Every problem is reported with the file and item, e.g.
//! `content/checklists/adult.toml: item 'weapon': show_if refers to later item 'threats'`.
//!
//! # Outcome
//!
//! The actions and referrals of an evaluation are those of the final level
//! only; lower levels' outcomes do not accumulate (see [`evaluate`]).

mod answer;
mod engine;
mod format;
mod outcome;
mod shape;
mod validate;

pub use answer::{
    check_answer, parse_answer, parse_answer_text, parse_answers_json, Answer, Answers, Override,
};
pub use engine::{evaluate, visibility, EngineError, Evaluation, RedFlagHit};
pub use format::{
    deserialize_stored, example_notice, fill_legacy_subject, AnswerType, Checklist, ChecklistKind,
    Choice, Instrument, Item, Level, OverridePolicy, ReferralQuery, RoleAction, Scoring, Section,
    ShowIf, Subject, Threshold,
};
pub use outcome::{
    missing_texts, not_assessed_actions, not_assessed_label, override_levels, red_flag_text,
    LevelChoice, NOT_ASSESSED,
};
pub use validate::{valid_id, validate_set};

use std::fmt;
#[cfg(feature = "authoring")]
use std::path::Path;

/// A problem with a checklist, naming the file and, where there is one, the item.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChecklistError {
    pub file: String,
    pub item: Option<String>,
    pub problem: String,
}

impl ChecklistError {
    pub fn new(file: &str, item: Option<String>, problem: String) -> ChecklistError {
        ChecklistError {
            file: file.to_string(),
            item,
            problem,
        }
    }
}

impl fmt::Display for ChecklistError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.item {
            Some(item) => write!(f, "{}: item '{}': {}", self.file, item, self.problem),
            None => write!(f, "{}: {}", self.file, self.problem),
        }
    }
}

impl std::error::Error for ChecklistError {}

impl Checklist {
    /// Validates a parsed checklist, reporting every problem found.
    pub fn validate(&self, file: &str) -> Result<(), Vec<ChecklistError>> {
        validate::validate(self, file)
    }
}

/// Loads and validates every `*.toml` file in `dir` (sorted by file name),
/// then checks the set together (unique ids, `leads_to` targets exist).
/// File names in errors are `dir/name.toml` as given.
#[cfg(feature = "authoring")]
pub fn load_dir(dir: &Path) -> Result<Vec<Checklist>, Vec<ChecklistError>> {
    let shown = dir.display().to_string();
    let entries = std::fs::read_dir(dir).map_err(|e| {
        vec![ChecklistError::new(
            &shown,
            None,
            format!("cannot read directory: {e}"),
        )]
    })?;
    let mut paths: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    let mut errors = Vec::new();
    let mut loaded = Vec::new();
    for path in paths {
        let file = path.display().to_string();
        match std::fs::read_to_string(&path) {
            Err(e) => errors.push(ChecklistError::new(
                &file,
                None,
                format!("cannot read: {e}"),
            )),
            Ok(text) => match Checklist::from_toml(&file, &text) {
                Ok(c) => loaded.push((file, c)),
                Err(es) => errors.extend(es),
            },
        }
    }
    if let Err(es) = validate_set(&loaded) {
        errors.extend(es);
    }
    if errors.is_empty() {
        Ok(loaded.into_iter().map(|(_, c)| c).collect())
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod outcome_tests;
