//! The routing model as `content/routing.toml` writes it (and a feed
//! carries it): rules, the lines that always answer, subjects. `Routing`
//! (`routing/mod.rs`) compiles it to bit sets.

use serde::{Deserialize, Serialize};

/// When a rule applies: any listed group, need, form or role is in the
/// situation; `unspecified` applies when the situation names nothing (no
/// group, need or form). `not_roles`: never when the person has one of these
/// roles (the rule for men subjected to violence is not for a man who uses
/// violence). An absent `when` always applies.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct When {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub needs: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forms: Vec<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unspecified: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_roles: Vec<String>,
    /// Never when the situation names one of these groups.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_groups: Vec<String>,
    /// Never when the situation names one of these forms.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_forms: Vec<String>,
    /// Only when the situation also has one of these forms (Barnahus: child
    /// protection *with* physical or sexual violence).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also_forms: Vec<String>,
}

/// One routing rule: for the situations it applies to, which agency kinds
/// are primary, secondary or out of place, and which offered needs make a
/// service primary or out of place (a municipality's perpetrator service is
/// a social-services unit: it is out of place for a victim by what it offers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<When>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub primary: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub secondary: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub out_of_place: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub primary_offering: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub out_of_place_offering: Vec<String>,
    /// A service offering only these needs is out of place (an interpreter
    /// service in a list that asks for no interpreter).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub out_of_place_offering_only: Vec<String>,
    /// A service serving only these groups is out of place (a children's
    /// service in an adult's list).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub out_of_place_serving_only: Vec<String>,
    /// Cancels `out_of_place_serving_only` of the defaults for these groups.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub in_place_serving: Vec<String>,
    /// A service serving only these groups is never primary: it stays in
    /// the list, after the person's own help (the children's line in the
    /// list of a mother who names her children).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub after_serving_only: Vec<String>,
}

/// A candidate for the line that always answers: the first line (in file
/// order) whose `when` fits the situation and that is reachable by phone at
/// that instant is shown in every result list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineRule {
    /// A directory service id (a national service with a phone).
    pub service: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<When>,
    /// Shown first, above everything, when it applies (112 in acute danger).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub first: bool,
}

/// Who a checklist is about, as groups for routing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubjectRule {
    /// A checklist subject id (`checklist::Subject`: `adult_victim`,
    /// `child`, `perpetrator`, `any`).
    pub subject: String,
    #[serde(default)]
    pub groups: Vec<String>,
}

/// The routing model as written in `content/routing.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoutingModel {
    pub id: String,
    pub version: u32,
    /// Agency kinds that must offer an interpreter (public authorities): a
    /// search for a language includes them.
    #[serde(default)]
    pub interpreter: Vec<String>,
    #[serde(default, rename = "subject")]
    pub subjects: Vec<SubjectRule>,
    #[serde(default, rename = "rule")]
    pub rules: Vec<Rule>,
    #[serde(default, rename = "line")]
    pub lines: Vec<LineRule>,
}
