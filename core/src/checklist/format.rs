//! The checklist file format: serde types read from TOML (`content/checklists/`)
//! and carried as JSON in feeds. Both encodings go through the same path
//! ([`Checklist::from_value`]) so a feed checklist is validated exactly like a
//! file on disk.

use crate::model::Text;
use crate::vocab::{AgencyKind, Form, Group, Need};
use serde::de;
use serde::{Deserialize, Deserializer, Serialize};

#[cfg(feature = "authoring")]
use super::shape::unknown_field;
use super::shape::{check_referral_vocabulary, locate_shape_errors};
use super::ChecklistError;

/// What a checklist is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChecklistKind {
    /// Routine inquiry: questions asked of everyone ("fråga alla").
    Routine,
    /// First-step risk screening of an adult victim.
    Screening,
    /// Children in the household.
    Children,
    /// Honour-related violence and oppression.
    Honour,
    /// Meeting a person who uses violence.
    Perpetrator,
    Other,
}

impl ChecklistKind {
    pub fn id(self) -> &'static str {
        match self {
            ChecklistKind::Routine => "routine",
            ChecklistKind::Screening => "screening",
            ChecklistKind::Children => "children",
            ChecklistKind::Honour => "honour",
            ChecklistKind::Perpetrator => "perpetrator",
            ChecklistKind::Other => "other",
        }
    }
}

/// Whom a checklist's outcome is about, and so which services its referrals
/// may go to: victim services for an adult victim, child and youth services
/// for a child, programmes for a person who uses violence. The routing model
/// restricts referrals by it. TOML: `subject = "adult_victim"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    /// An adult who is subjected to violence.
    AdultVictim,
    /// A child or young person under 18 (subjected to or exposed to violence).
    Child,
    /// A person who uses violence.
    Perpetrator,
    /// Anyone (routine inquiry asked of everyone).
    Any,
}

impl Subject {
    pub const ALL: [Subject; 4] = [
        Subject::AdultVictim,
        Subject::Child,
        Subject::Perpetrator,
        Subject::Any,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Subject::AdultVictim => "adult_victim",
            Subject::Child => "child",
            Subject::Perpetrator => "perpetrator",
            Subject::Any => "any",
        }
    }

    pub fn parse(id: &str) -> Option<Subject> {
        Subject::ALL.into_iter().find(|s| s.id() == id)
    }
}

/// Who wrote the instrument and on what terms. A region that adopts a
/// licensed instrument describes it here; the team's examples say so too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instrument {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub license: Option<String>,
    /// True when the instrument is used under a licence from its publisher.
    #[serde(default)]
    pub licensed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// A query against the referral directory, resolved by the caller (the lead's
/// search) for the municipality at hand. Ids are those of [`crate::vocab`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct ReferralQuery {
    #[serde(default)]
    pub needs: Vec<Need>,
    #[serde(default)]
    pub groups: Vec<Group>,
    #[serde(default)]
    pub forms: Vec<Form>,
}

/// An action for the user's own role where duties differ (the Church has no
/// statutory duty to report but should; what was said in confession stays
/// there): shown after the level's actions when the device's agency kind
/// (`fyr settings`) is one of `agency_kinds`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleAction {
    pub agency_kinds: Vec<AgencyKind>,
    pub text: Text,
}

/// One risk level with its outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Level {
    pub id: String,
    pub label: Text,
    /// What the professional does now, in order.
    #[serde(default)]
    pub actions: Vec<Text>,
    /// Actions for particular roles, after `actions` (see [`RoleAction`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub role_actions: Vec<RoleAction>,
    /// Where to refer, as directory queries.
    #[serde(default)]
    pub referrals: Vec<ReferralQuery>,
    /// The result must carry a national line open 24/7.
    #[serde(default, skip_serializing_if = "is_false")]
    pub include_24_7: bool,
    /// Another checklist to continue with at this level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leads_to: Option<String>,
    /// A top level where someone may be in danger now: its first action says
    /// to call 112, it carries a 24/7 line, and referrals put 112 first.
    /// Acute levels are the highest levels of a checklist.
    #[serde(default, skip_serializing_if = "is_false")]
    pub acute: bool,
}

/// A titled group of items.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Section {
    pub id: String,
    pub title: Text,
    pub items: Vec<Item>,
}

/// The kind of answer an item takes. "unknown" is always allowed too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerType {
    YesNo,
    Choice,
    Number,
}

impl AnswerType {
    pub fn id(self) -> &'static str {
        match self {
            AnswerType::YesNo => "yes_no",
            AnswerType::Choice => "choice",
            AnswerType::Number => "number",
        }
    }
}

/// One alternative of a `choice` item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    pub id: String,
    pub label: Text,
    #[serde(default)]
    pub weight: f64,
    /// Choosing this alternative lifts the level to at least this level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub red_flag: Option<String>,
    /// Choosing this alternative leads on to another checklist.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leads_to: Option<String>,
    /// How the red flag is shown in a result ("Hot om att döda"); without it
    /// the item's text and this alternative's label are shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub red_flag_text: Option<Text>,
}

/// Show an item only when an earlier item was answered a certain way:
/// `{ item, equals = "yes" | "no" | "<choice id>" }` or, for a number item,
/// `{ item, at_least = N }`. Exactly one of `equals` and `at_least` is given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShowIf {
    pub item: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at_least: Option<f64>,
}

/// One question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    pub id: String,
    pub text: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<Text>,
    #[serde(rename = "type")]
    pub answer_type: AnswerType,
    /// The alternatives of a `choice` item.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub choices: Vec<Choice>,
    /// Bounds of a `number` item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Points: for `yes_no` the points of a yes; for `number` the points per
    /// unit of the answer (usually 0: numbers mostly drive `show_if`). A
    /// `choice` item scores the weight of the chosen alternative instead.
    #[serde(default)]
    pub weight: f64,
    /// A yes lifts the level to at least this level whatever the score
    /// (`yes_no` items; a `choice` item puts red flags on its alternatives).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub red_flag: Option<String>,
    /// How the red flag is shown in a result ("Stryptag"); without it the
    /// item's text is shown.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub red_flag_text: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub show_if: Option<ShowIf>,
    /// A yes leads on to another checklist (chaining).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leads_to: Option<String>,
}

impl Item {
    pub fn choice(&self, id: &str) -> Option<&Choice> {
        self.choices.iter().find(|c| c.id == id)
    }
}

/// A score threshold: a score of at least `min_score` reaches `level`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Threshold {
    pub level: String,
    pub min_score: f64,
}

/// How answers become a score and the score a level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum Scoring {
    /// Sum of the weights of yes answers, chosen alternatives and numbers.
    WeightedSum { thresholds: Vec<Threshold> },
    /// Number of yes answers to items with a positive weight, plus chosen
    /// alternatives with a positive weight (a weight of 0 marks a question
    /// that is asked but does not count). Numbers do not count.
    CountYes { thresholds: Vec<Threshold> },
}

impl Scoring {
    pub fn thresholds(&self) -> &[Threshold] {
        match self {
            Scoring::WeightedSum { thresholds } | Scoring::CountYes { thresholds } => thresholds,
        }
    }
}

/// Whether professional judgement may raise the level (never lower it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverridePolicy {
    #[serde(default)]
    pub allowed: bool,
    #[serde(default = "yes")]
    pub requires_reason: bool,
    /// The levels an override may name; empty means any level.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub levels: Vec<String>,
}

impl Default for OverridePolicy {
    fn default() -> Self {
        OverridePolicy {
            allowed: false,
            requires_reason: true,
            levels: Vec::new(),
        }
    }
}

fn yes() -> bool {
    true
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A checklist: one file under `content/checklists/`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Checklist {
    pub id: String,
    /// Strictly increasing per id; sessions pin the version they were started on.
    pub version: i64,
    pub kind: ChecklistKind,
    /// Whom the outcome is about; restricts referrals (required).
    pub subject: Subject,
    pub title: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<Text>,
    /// Written by the Fyr team as an example; a region replaces it with the
    /// instrument it has adopted. An example must carry a `notice`.
    #[serde(default)]
    pub example: bool,
    /// A notice shown with the checklist (required for examples).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<Text>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instrument: Option<Instrument>,
    /// The questions without which no level can be given: while a visible key
    /// item is unanswered (or "unknown") the lowest level is never the
    /// outcome — the result is "not assessed" with the list of what is missing.
    /// At least one is required.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub key_items: Vec<String>,
    /// Lowest to highest.
    pub levels: Vec<Level>,
    pub sections: Vec<Section>,
    pub scoring: Scoring,
    #[serde(rename = "override", default)]
    pub override_policy: OverridePolicy,
}

impl Checklist {
    /// Parses and validates a TOML checklist; `file` names it in errors.
    #[cfg(feature = "authoring")]
    pub fn from_toml(file: &str, text: &str) -> Result<Checklist, Vec<ChecklistError>> {
        let value: toml::Value = toml::from_str(text).map_err(|e| {
            vec![ChecklistError::new(
                file,
                None,
                format!("not valid TOML: {}", e.message()),
            )]
        })?;
        let json = serde_json::to_value(value).map_err(|e| {
            vec![ChecklistError::new(
                file,
                None,
                format!("cannot convert: {e}"),
            )]
        })?;
        // Authoring is strict (a typo is named); devices reading a feed
        // record skip fields they do not know (`from_json`).
        let unknown: Vec<ChecklistError> = crate::evolve::unknown_fields::<Checklist>(json.clone())
            .iter()
            .map(|path| ChecklistError::new(file, None, unknown_field(&json, path)))
            .collect();
        if !unknown.is_empty() {
            return Err(unknown);
        }
        Checklist::from_value(file, json)
    }

    /// Parses and validates a checklist carried as JSON (feeds).
    pub fn from_json(file: &str, text: &str) -> Result<Checklist, Vec<ChecklistError>> {
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            vec![ChecklistError::new(
                file,
                None,
                format!("not valid JSON: {e}"),
            )]
        })?;
        Checklist::from_value(file, value)
    }

    /// Parses and validates a checklist from a JSON value. Vocabulary ids in
    /// referral queries are checked first so that every unknown id is
    /// reported by name (and not just the first one serde trips over).
    pub fn from_value(
        file: &str,
        mut value: serde_json::Value,
    ) -> Result<Checklist, Vec<ChecklistError>> {
        let mut errors = check_referral_vocabulary(file, &mut value);
        let value_copy = value.clone();
        let checklist: Checklist = match serde_json::from_value(value) {
            Ok(c) => c,
            Err(e) => {
                let located = locate_shape_errors(file, &value_copy);
                if located.is_empty() {
                    errors.push(ChecklistError::new(
                        file,
                        None,
                        format!("invalid checklist: {e}"),
                    ));
                } else {
                    errors.extend(located);
                }
                return Err(errors);
            }
        };
        if let Err(more) = checklist.validate(file) {
            errors.extend(more);
        }
        if errors.is_empty() {
            Ok(checklist)
        } else {
            Err(errors)
        }
    }

    /// Reads a checklist stored on a device (a feed record in the store).
    /// A record stored before `subject`, `key_items` and `acute` existed (it
    /// has no `key_items`) is read as it was accepted then, so that an app
    /// update never leaves a device without checklists until its next sync:
    /// its subject follows from its kind (see [`fill_legacy_subject`]) and,
    /// without key items, no result of it is "not assessed" until the next
    /// feed version replaces it. Everything else is validated exactly as a file.
    pub fn from_stored_json(file: &str, text: &str) -> Result<Checklist, Vec<ChecklistError>> {
        let mut value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            vec![ChecklistError::new(
                file,
                None,
                format!("not valid JSON: {e}"),
            )]
        })?;
        fill_legacy_subject(&mut value);
        if value.get("key_items").is_some() {
            return Checklist::from_value(file, value);
        }
        match Checklist::from_value(file, value.clone()) {
            Ok(c) => Ok(c),
            Err(errs) => {
                let rest: Vec<ChecklistError> = errs
                    .into_iter()
                    .filter(|e| {
                        !e.problem.starts_with(super::validate::NO_KEY_ITEMS)
                            && !e.problem.starts_with(super::validate::NO_ACUTE_LEVEL)
                    })
                    .collect();
                if !rest.is_empty() {
                    return Err(rest);
                }
                serde_json::from_value(value).map_err(|e| {
                    vec![ChecklistError::new(
                        file,
                        None,
                        format!("invalid checklist: {e}"),
                    )]
                })
            }
        }
    }

    /// The checklist as pretty JSON, as feeds carry it.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a checklist always serializes")
    }

    /// All items, section by section, in order.
    pub fn items(&self) -> impl Iterator<Item = &Item> + '_ {
        self.sections.iter().flat_map(|s| s.items.iter())
    }

    pub fn item(&self, id: &str) -> Option<&Item> {
        self.items().find(|i| i.id == id)
    }

    /// The position of an item among all items.
    pub fn item_index(&self, id: &str) -> Option<usize> {
        self.items().position(|i| i.id == id)
    }

    /// The position of a level, lowest = 0.
    pub fn level_index(&self, id: &str) -> Option<usize> {
        self.levels.iter().position(|l| l.id == id)
    }

    pub fn level(&self, id: &str) -> Option<&Level> {
        self.levels.iter().find(|l| l.id == id)
    }

    /// True for an item listed in `key_items`.
    pub fn is_key(&self, item_id: &str) -> bool {
        self.key_items.iter().any(|k| k == item_id)
    }

    /// True when `self` may replace `stored`: the same id and a strictly
    /// higher version (versions only ever increase per id).
    pub fn supersedes(&self, stored: &Checklist) -> bool {
        self.id == stored.id && self.version > stored.version
    }

    /// The notice to show with the checklist: its own, or for an example the
    /// standard example notice.
    pub fn notice_text(&self) -> Option<Text> {
        match (&self.notice, self.example) {
            (Some(n), _) => Some(n.clone()),
            (None, true) => Some(example_notice()),
            (None, false) => None,
        }
    }
}

/// A checklist stored before `subject` existed gets the subject its kind
/// implies (perpetrator → perpetrator, children → child, routine and other →
/// any, screening and honour → adult_victim). Returns true when it was missing.
pub fn fill_legacy_subject(value: &mut serde_json::Value) -> bool {
    let Some(obj) = value.as_object_mut() else {
        return false;
    };
    if obj.contains_key("subject") {
        return false;
    }
    let subject = match obj.get("kind").and_then(|k| k.as_str()) {
        Some("perpetrator") => Subject::Perpetrator,
        Some("children") => Subject::Child,
        Some("screening" | "honour") => Subject::AdultVictim,
        _ => Subject::Any,
    };
    obj.insert("subject".into(), subject.id().into());
    true
}

/// Deserializes a checklist sealed with a session (no validation: it was
/// valid when the session started), filling in a legacy subject.
pub fn deserialize_stored<'de, D: Deserializer<'de>>(d: D) -> Result<Checklist, D::Error> {
    let mut value = serde_json::Value::deserialize(d)?;
    fill_legacy_subject(&mut value);
    serde_json::from_value(value).map_err(de::Error::custom)
}

/// The standard notice for the team's example checklists.
pub fn example_notice() -> Text {
    Text::new(
        "Exempel skrivet av Fyr-teamet – ersätts av det instrument regionen har beslutat om.",
        "Example written by the Fyr team – to be replaced by the instrument the region has adopted.",
    )
}
