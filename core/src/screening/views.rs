//! What the screening screens show: checklists in a list, the question to
//! put now, where a session stands, the list of sessions, and a completed
//! screening's outcome.

use crate::checklist::LevelChoice;
use crate::search::ServiceHit;
use crate::vocab::{AgencyKind, Lang};
use chrono::{DateTime, Utc};
use serde::Serialize;

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
