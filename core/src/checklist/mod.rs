//! First-step risk screening checklists: the file format, validation, the
//! evaluation engine and loading of `content/checklists/`.
//!
//! The checklists the Fyr team ships are *examples* written in our own words
//! from widely published risk factors; a region replaces them with the
//! instrument it has adopted (described in the `[instrument]` table).

mod engine;
mod format;
mod validate;

pub use engine::{evaluate, visibility, EngineError, Evaluation, RedFlagHit};
pub use format::{
    check_answer, example_notice, parse_answer, Answer, AnswerType, Answers, Checklist,
    ChecklistKind, Choice, Instrument, Item, Level, Override, OverridePolicy, ReferralQuery,
    Scoring, Section, ShowIf, Threshold,
};
pub use validate::{valid_id, validate_set};

use std::fmt;
use std::path::Path;

/// A problem with a checklist, naming the file and, where there is one, the item.
#[derive(Debug, Clone, PartialEq, Eq)]
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
