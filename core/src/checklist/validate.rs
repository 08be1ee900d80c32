//! Validation of a parsed checklist. Every problem is reported, not just the
//! first, each naming the file and (where there is one) the item.

use super::format::{AnswerType, Checklist, ChecklistKind, Item, Subject};
use super::ChecklistError;
use crate::model::Text;
use std::collections::{HashMap, HashSet};

#[path = "validate_levels.rs"]
mod levels;

struct Report<'a> {
    file: &'a str,
    errors: Vec<ChecklistError>,
}

impl Report<'_> {
    fn item(&mut self, item: &str, problem: impl Into<String>) {
        self.errors.push(ChecklistError::new(
            self.file,
            Some(item.to_string()),
            problem.into(),
        ));
    }
    fn general(&mut self, problem: impl Into<String>) {
        self.errors
            .push(ChecklistError::new(self.file, None, problem.into()));
    }
}

/// An id: non-empty, lowercase ASCII letters, digits, `_` and `-`.
pub fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

fn missing_sv(t: &Text) -> bool {
    t.sv.trim().is_empty()
}

const RESERVED_ANSWERS: [&str; 3] = ["yes", "no", "unknown"];

/// The start of the problem reported for a checklist without key items.
pub(crate) const NO_KEY_ITEMS: &str = "no key items";
/// The warning every level of an honour checklist carries when it mentions a
/// concern report (for someone under 18): never tell guardians or the family.
/// A level that names "orosanmälan" must have an action that begins so.
pub const HONOUR_DO_NOT_TELL: &str = "Berätta aldrig för vårdnadshavare";

/// The start of the problem reported for a checklist without an acute level.
pub(crate) const NO_ACUTE_LEVEL: &str = "no acute level";

/// The level id of a result that could not be assessed; no checklist may use it.
const RESERVED_LEVELS: [&str; 1] = [super::outcome::NOT_ASSESSED];

pub(super) fn validate(c: &Checklist, file: &str) -> Result<(), Vec<ChecklistError>> {
    let mut r = Report {
        file,
        errors: Vec::new(),
    };

    // The checklist itself.
    if !valid_id(&c.id) {
        r.general(format!(
            "checklist id '{}' must be lowercase letters, digits, '_' or '-'",
            c.id
        ));
    }
    if c.version < 1 {
        r.general(format!("version must be at least 1, got {}", c.version));
    }
    // The subject must fit the kind: a perpetrator checklist refers a person
    // who uses violence (never to victim services), a children's checklist a
    // child; no other kind may claim the perpetrator subject.
    let subject_fits = match (c.kind, c.subject) {
        (ChecklistKind::Perpetrator, s) => s == Subject::Perpetrator,
        (ChecklistKind::Children, s) => s == Subject::Child,
        (ChecklistKind::Other, _) => true,
        (_, s) => s != Subject::Perpetrator,
    };
    if !subject_fits {
        r.general(format!(
            "subject '{}' does not fit kind '{}'",
            c.subject.id(),
            c.kind.id()
        ));
    }
    if missing_sv(&c.title) {
        r.general("title: Swedish text (sv) is missing");
    }
    if c.description.as_ref().is_some_and(missing_sv) {
        r.general("description: Swedish text (sv) is missing");
    }
    if c.notice.as_ref().is_some_and(missing_sv) {
        r.general("notice: Swedish text (sv) is missing");
    }
    if let Some(inst) = &c.instrument {
        if inst.name.trim().is_empty() {
            r.general("instrument: name is missing");
        }
        if inst.licensed && inst.license.as_deref().is_none_or(|l| l.trim().is_empty()) {
            r.general("instrument: a licensed instrument must name its license");
        }
    }

    let level_ids = levels::check(c, &mut r);

    // Sections and items.
    if c.sections.is_empty() || c.items().next().is_none() {
        r.general("no items: at least one section with one item is needed");
    }
    let mut section_ids = HashSet::new();
    for s in &c.sections {
        if !valid_id(&s.id) {
            r.general(format!(
                "section '{}': id must be lowercase letters, digits, '_' or '-'",
                s.id
            ));
        }
        if !section_ids.insert(s.id.as_str()) {
            r.general(format!("section '{}': duplicate section id", s.id));
        }
        if missing_sv(&s.title) {
            r.general(format!(
                "section '{}': title: Swedish text (sv) is missing",
                s.id
            ));
        }
        if s.items.is_empty() {
            r.general(format!("section '{}': has no items", s.id));
        }
    }

    // Position of the first occurrence of each item id.
    let mut position: HashMap<&str, usize> = HashMap::new();
    let items: Vec<&Item> = c.items().collect();
    for (i, item) in items.iter().enumerate() {
        if position.contains_key(item.id.as_str()) {
            r.item(&item.id, "duplicate item id");
        } else {
            position.insert(&item.id, i);
        }
    }

    for (i, item) in items.iter().enumerate() {
        let id = item.id.as_str();
        if !valid_id(id) {
            r.item(id, "id must be lowercase letters, digits, '_' or '-'");
        }
        if missing_sv(&item.text) {
            r.item(id, "text: Swedish text (sv) is missing");
        }
        if item.help.as_ref().is_some_and(missing_sv) {
            r.item(id, "help: Swedish text (sv) is missing");
        }
        if !item.weight.is_finite() {
            r.item(id, "weight must be a finite number");
        }
        match item.answer_type {
            AnswerType::Choice => {
                if item.choices.is_empty() {
                    r.item(id, "choice item has no choices");
                }
                if item.red_flag.is_some() {
                    r.item(id, "red_flag on a choice item belongs on its choices");
                }
                if item.leads_to.is_some() {
                    r.item(id, "leads_to on a choice item belongs on its choices");
                }
            }
            AnswerType::YesNo | AnswerType::Number => {
                if !item.choices.is_empty() {
                    r.item(
                        id,
                        format!("choices given for a {} item", item.answer_type.id()),
                    );
                }
            }
        }
        if item.answer_type == AnswerType::Number {
            if let (Some(min), Some(max)) = (item.min, item.max) {
                if min > max {
                    r.item(id, format!("min {min} is greater than max {max}"));
                }
            }
            if item.red_flag.is_some() {
                r.item(id, "red_flag is only for yes_no items and choices");
            }
            if item.leads_to.is_some() {
                r.item(id, "leads_to is only for yes_no items and choices");
            }
        } else if item.min.is_some() || item.max.is_some() {
            r.item(
                id,
                format!("min/max given for a {} item", item.answer_type.id()),
            );
        }
        if let Some(level) = &item.red_flag {
            if !level_ids.contains(level.as_str()) {
                r.item(id, format!("red_flag names unknown level '{level}'"));
            }
        }
        match &item.red_flag_text {
            Some(_) if item.red_flag.is_none() => {
                r.item(id, "red_flag_text given without a red_flag");
            }
            Some(t) if missing_sv(t) => r.item(id, "red_flag_text: Swedish text (sv) is missing"),
            _ => {}
        }
        if let Some(target) = &item.leads_to {
            if target == &c.id {
                r.item(id, "leads_to points to the checklist itself");
            } else if !valid_id(target) {
                r.item(
                    id,
                    format!("leads_to '{target}' is not a valid checklist id"),
                );
            }
        }
        let mut choice_ids = HashSet::new();
        for ch in &item.choices {
            if !valid_id(&ch.id) {
                r.item(
                    id,
                    format!(
                        "choice '{}': id must be lowercase letters, digits, '_' or '-'",
                        ch.id
                    ),
                );
            }
            if RESERVED_ANSWERS.contains(&ch.id.as_str()) {
                r.item(
                    id,
                    format!(
                        "choice '{}': the ids yes, no and unknown are reserved for answers",
                        ch.id
                    ),
                );
            }
            if !choice_ids.insert(ch.id.as_str()) {
                r.item(id, format!("choice '{}': duplicate choice id", ch.id));
            }
            if missing_sv(&ch.label) {
                r.item(
                    id,
                    format!("choice '{}': label: Swedish text (sv) is missing", ch.id),
                );
            }
            if !ch.weight.is_finite() {
                r.item(
                    id,
                    format!("choice '{}': weight must be a finite number", ch.id),
                );
            }
            match &ch.red_flag_text {
                Some(_) if ch.red_flag.is_none() => r.item(
                    id,
                    format!("choice '{}': red_flag_text given without a red_flag", ch.id),
                ),
                Some(t) if missing_sv(t) => r.item(
                    id,
                    format!(
                        "choice '{}': red_flag_text: Swedish text (sv) is missing",
                        ch.id
                    ),
                ),
                _ => {}
            }
            if let Some(level) = &ch.red_flag {
                if !level_ids.contains(level.as_str()) {
                    r.item(
                        id,
                        format!("choice '{}': red_flag names unknown level '{level}'", ch.id),
                    );
                }
            }
            if let Some(target) = &ch.leads_to {
                if target == &c.id {
                    r.item(
                        id,
                        format!(
                            "choice '{}': leads_to points to the checklist itself",
                            ch.id
                        ),
                    );
                } else if !valid_id(target) {
                    r.item(
                        id,
                        format!(
                            "choice '{}': leads_to '{target}' is not a valid checklist id",
                            ch.id
                        ),
                    );
                }
            }
        }
        if let Some(show) = &item.show_if {
            match position.get(show.item.as_str()) {
                None => r.item(
                    id,
                    format!("show_if refers to unknown item '{}'", show.item),
                ),
                Some(&p) if p >= i => {
                    let what = if p == i { "itself" } else { "later item" };
                    r.item(id, format!("show_if refers to {what} '{}'", show.item));
                }
                Some(&p) => {
                    let target = items[p];
                    match (&show.equals, show.at_least) {
                        (Some(_), Some(_)) | (None, None) => {
                            r.item(id, "show_if needs exactly one of 'equals' and 'at_least'");
                        }
                        (Some(eq), None) => match target.answer_type {
                            AnswerType::YesNo if eq == "yes" || eq == "no" => {}
                            AnswerType::YesNo => r.item(
                                id,
                                format!(
                                    "show_if: item '{}' is yes/no, cannot equal '{eq}'",
                                    target.id
                                ),
                            ),
                            AnswerType::Choice if target.choice(eq).is_some() => {}
                            AnswerType::Choice => r.item(
                                id,
                                format!("show_if: item '{}' has no choice '{eq}'", target.id),
                            ),
                            AnswerType::Number => r.item(
                                id,
                                format!(
                                    "show_if: item '{}' is a number; use at_least, not equals",
                                    target.id
                                ),
                            ),
                        },
                        (None, Some(n)) => {
                            if target.answer_type != AnswerType::Number {
                                r.item(
                                    id,
                                    format!(
                                        "show_if: at_least needs a number item, '{}' is {}",
                                        target.id,
                                        target.answer_type.id()
                                    ),
                                );
                            } else if !n.is_finite() {
                                r.item(id, "show_if: at_least must be a finite number");
                            }
                        }
                    }
                }
            }
        }
    }

    // Key items: at least one, each an item of this checklist, once; a key
    // item shown only on an earlier answer needs that earlier item to be key
    // too, or it could stay hidden simply because nobody asked.
    if c.key_items.is_empty() {
        r.general(format!(
            "{NO_KEY_ITEMS}: key_items must name the questions without which no level can be given"
        ));
    }
    let mut key_seen = HashSet::new();
    for k in &c.key_items {
        if !key_seen.insert(k.as_str()) {
            r.item(k, "named twice in key_items");
        }
        match c.item(k) {
            None => r.item(k, "key_items names an item that does not exist"),
            Some(item) => {
                if let Some(show) = &item.show_if {
                    if position.contains_key(show.item.as_str()) && !c.is_key(&show.item) {
                        r.item(
                            k,
                            format!(
                                "key item is shown only after '{}', which must then be a key item too",
                                show.item
                            ),
                        );
                    }
                }
            }
        }
    }

    // Scoring thresholds: known levels, in level order, strictly increasing scores.
    let mut prev: Option<(usize, f64, &str)> = None;
    for t in c.scoring.thresholds() {
        let Some(idx) = c.level_index(&t.level) else {
            r.general(format!(
                "scoring: threshold names unknown level '{}'",
                t.level
            ));
            continue;
        };
        if !t.min_score.is_finite() {
            r.general(format!(
                "scoring: threshold for '{}' must have a finite min_score",
                t.level
            ));
            continue;
        }
        if let Some((pidx, pscore, plevel)) = prev {
            if idx <= pidx {
                r.general(format!(
                    "scoring: thresholds out of order: '{}' comes after '{plevel}' but is not a higher level",
                    t.level
                ));
            } else if t.min_score <= pscore {
                r.general(format!(
                    "scoring: thresholds out of order: '{}' needs min_score {} greater than {pscore} of '{plevel}'",
                    t.level, t.min_score
                ));
            }
        }
        prev = Some((idx, t.min_score, &t.level));
    }

    // Override.
    for level in &c.override_policy.levels {
        if !level_ids.contains(level.as_str()) {
            r.general(format!("override: names unknown level '{level}'"));
        }
    }

    if r.errors.is_empty() {
        Ok(())
    } else {
        Err(r.errors)
    }
}

/// Checks a set of checklists together: unique ids and `leads_to` targets
/// that exist in the set. `files` pairs each checklist with its file name.
pub fn validate_set(files: &[(String, Checklist)]) -> Result<(), Vec<ChecklistError>> {
    let mut errors = Vec::new();
    let mut ids: HashMap<&str, &str> = HashMap::new();
    for (file, c) in files {
        if let Some(other) = ids.insert(&c.id, file) {
            errors.push(ChecklistError::new(
                file,
                None,
                format!("checklist id '{}' is also used by {other}", c.id),
            ));
        }
    }
    for (file, c) in files {
        let mut check = |item: Option<&str>, target: &str, what: String| {
            if !ids.contains_key(target) {
                errors.push(ChecklistError::new(
                    file,
                    item.map(str::to_string),
                    format!("{what}leads_to names unknown checklist '{target}'"),
                ));
            }
        };
        for level in &c.levels {
            if let Some(t) = &level.leads_to {
                check(None, t, format!("level '{}': ", level.id));
            }
        }
        for item in c.items() {
            if let Some(t) = &item.leads_to {
                check(Some(&item.id), t, String::new());
            }
            for ch in &item.choices {
                if let Some(t) = &ch.leads_to {
                    check(Some(&item.id), t, format!("choice '{}': ", ch.id));
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}
