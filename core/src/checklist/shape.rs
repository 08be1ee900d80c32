//! A checklist that does not read: which level, section or item is wrong
//! (an unknown field, a bad shape, a referral outside the vocabularies), so
//! that the error names where the mistake is.

use super::format::{Checklist, Item, Level, Section};
use super::ChecklistError;
use crate::vocab::{Form, Group, Need};

/// When the checklist as a whole does not deserialize, finds the levels,
/// sections and items that do not, so the error names them.
/// "level 'acute': unknown field `x`" for the path `levels.2.x` (items
/// likewise), so that a typo is named where it is.
#[cfg(feature = "authoring")]
pub(super) fn unknown_field(value: &serde_json::Value, path: &str) -> String {
    let parts: Vec<&str> = path.split('.').collect();
    let id = |v: Option<&serde_json::Value>| {
        v.and_then(|v| v.get("id"))
            .and_then(|x| x.as_str())
            .unwrap_or("?")
            .to_string()
    };
    let idx = |i: usize| parts.get(i).and_then(|p| p.parse::<usize>().ok());
    match parts.as_slice() {
        ["levels", _, rest @ ..] if !rest.is_empty() => format!(
            "level '{}': unknown field `{}`",
            id(idx(1).and_then(|i| value.get("levels")?.get(i))),
            rest.join(".")
        ),
        ["sections", _, "items", _, rest @ ..] if !rest.is_empty() => format!(
            "item '{}': unknown field `{}`",
            id(idx(1).zip(idx(3)).and_then(|(s, i)| value
                .get("sections")?
                .get(s)?
                .get("items")?
                .get(i))),
            rest.join(".")
        ),
        _ => format!("unknown field `{path}`"),
    }
}

pub(super) fn locate_shape_errors(file: &str, value: &serde_json::Value) -> Vec<ChecklistError> {
    fn id_of(v: &serde_json::Value, i: usize) -> String {
        v.get("id")
            .and_then(|x| x.as_str())
            .map(str::to_string)
            .unwrap_or_else(|| format!("#{}", i + 1))
    }
    let mut errors = Vec::new();
    // The top level on its own, with levels and sections emptied.
    let mut top = value.clone();
    if let Some(obj) = top.as_object_mut() {
        for key in ["levels", "sections"] {
            if obj.contains_key(key) {
                obj.insert(key.to_string(), serde_json::Value::Array(Vec::new()));
            }
        }
    }
    if let Err(e) = serde_json::from_value::<Checklist>(top) {
        errors.push(ChecklistError::new(
            file,
            None,
            format!("invalid checklist: {e}"),
        ));
    }
    if let Some(levels) = value.get("levels").and_then(|v| v.as_array()) {
        for (i, l) in levels.iter().enumerate() {
            if let Err(e) = serde_json::from_value::<Level>(l.clone()) {
                errors.push(ChecklistError::new(
                    file,
                    None,
                    format!("level '{}': {e}", id_of(l, i)),
                ));
            }
        }
    }
    if let Some(sections) = value.get("sections").and_then(|v| v.as_array()) {
        for (si, s) in sections.iter().enumerate() {
            let mut items_ok = true;
            if let Some(items) = s.get("items").and_then(|v| v.as_array()) {
                for (i, item) in items.iter().enumerate() {
                    if let Err(e) = serde_json::from_value::<Item>(item.clone()) {
                        items_ok = false;
                        errors.push(ChecklistError::new(
                            file,
                            Some(id_of(item, i)),
                            e.to_string(),
                        ));
                    }
                }
            }
            if items_ok {
                if let Err(e) = serde_json::from_value::<Section>(s.clone()) {
                    errors.push(ChecklistError::new(
                        file,
                        None,
                        format!("section '{}': {e}", id_of(s, si)),
                    ));
                }
            }
        }
    }
    errors
}

/// Checks `levels[*].referrals[*].{needs,groups,forms}` against the
/// vocabularies, reports every unknown id and removes it so the rest of the
/// checklist can still be parsed and validated.
pub(super) fn check_referral_vocabulary(
    file: &str,
    value: &mut serde_json::Value,
) -> Vec<ChecklistError> {
    let mut errors = Vec::new();
    let Some(levels) = value.get_mut("levels").and_then(|l| l.as_array_mut()) else {
        return errors;
    };
    for (li, level) in levels.iter_mut().enumerate() {
        let level_name = level
            .get("id")
            .and_then(|v| v.as_str())
            .map(str::to_string)
            .unwrap_or_else(|| format!("#{}", li + 1));
        let Some(refs) = level.get_mut("referrals").and_then(|r| r.as_array_mut()) else {
            continue;
        };
        for (ri, query) in refs.iter_mut().enumerate() {
            for (field, what) in [("needs", "need"), ("groups", "group"), ("forms", "form")] {
                let Some(ids) = query.get_mut(field).and_then(|v| v.as_array_mut()) else {
                    continue;
                };
                ids.retain(|id| {
                    let ok = match id.as_str() {
                        Some(s) => match field {
                            "needs" => Need::parse(s).is_some_and(|n| n.id() == s),
                            "groups" => Group::parse(s).is_some_and(|g| g.id() == s),
                            _ => Form::parse(s).is_some_and(|f| f.id() == s),
                        },
                        None => false,
                    };
                    if !ok {
                        errors.push(ChecklistError::new(
                            file,
                            None,
                            format!(
                                "level '{level_name}': referral {}: unknown {what} '{}'",
                                ri + 1,
                                id.as_str()
                                    .map(str::to_string)
                                    .unwrap_or_else(|| id.to_string())
                            ),
                        ));
                    }
                    ok
                });
            }
        }
    }
    errors
}
