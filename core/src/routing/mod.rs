//! The routing model and the lexicon: content that decides which agency kinds
//! are the right help for a situation (need, target group, violence form),
//! which national line always answers, and which Swedish words mean which
//! needs, forms and groups. Both are content (`content/routing.toml`,
//! `content/lexicon.toml`), signed and versioned in the feed as record kinds
//! `routing` and `lexicon`, so a region tunes them with a new feed version.
//!
//! Search and screening referrals evaluate the model once per query into bit
//! sets over agency kinds and needs ([`Route`]); ranking then costs a few
//! AND operations per candidate.

mod lexicon;
mod lexicon_bin;
mod model;
#[cfg(test)]
mod tests;

pub use lexicon::{analyzer_fingerprint, LexEntry, Lexicon, LexiconFile, Meaning, Phrase};
pub use model::{LineRule, RoutingModel, Rule, SubjectRule, When};

use crate::vocab::{AgencyKind, Form, Group, Need, Role};
use std::fmt;

/// The record id of the (single) routing model and lexicon in a feed.
pub const ROUTING_ID: &str = "routing";
pub const LEXICON_ID: &str = "lexicon";

pub const EMBEDDED_ROUTING: (&str, &str) = (
    "content/routing.toml",
    include_str!("../../../content/routing.toml"),
);
pub const EMBEDDED_LEXICON: (&str, &str) = (
    "content/lexicon.toml",
    include_str!("../../../content/lexicon.toml"),
);
/// The same two files as JSON (build.rs converts them), what a phone parses.
const EMBEDDED_ROUTING_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/routing.json"));
const EMBEDDED_LEXICON_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/lexicon.json"));

/// A problem in the routing model or lexicon: the file, the rule (or entry)
/// and what is wrong, e.g. `content/routing.toml: rule 'children': unknown
/// agency kind 'schol_health'`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoutingError {
    pub file: String,
    pub rule: Option<String>,
    pub problem: String,
}

impl RoutingError {
    /// A problem with the file as a whole (it does not parse), not one rule.
    pub(crate) fn whole_file(file: &str, problem: String) -> Vec<RoutingError> {
        vec![RoutingError {
            file: file.into(),
            rule: None,
            problem,
        }]
    }
}

impl fmt::Display for RoutingError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.rule {
            Some(r) => write!(f, "{}: {}: {}", self.file, r, self.problem),
            None => write!(f, "{}: {}", self.file, self.problem),
        }
    }
}

/// A situation: what the person needs, who they are, which forms of violence.
/// Bit sets over the vocabularies (`Group::bit`, `Role::bit` …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Situation {
    pub groups: u32,
    pub needs: u32,
    pub forms: u32,
    pub roles: u32,
}

impl Situation {
    pub fn new(groups: &[Group], needs: &[Need], forms: &[Form]) -> Situation {
        Situation {
            groups: groups.iter().fold(0, |a, g| a | g.bit()),
            needs: needs.iter().fold(0, |a, n| a | n.bit()),
            forms: forms.iter().fold(0, |a, f| a | f.bit()),
            roles: 0,
        }
    }
    pub fn union(self, o: Situation) -> Situation {
        Situation {
            groups: self.groups | o.groups,
            needs: self.needs | o.needs,
            forms: self.forms | o.forms,
            roles: self.roles | o.roles,
        }
    }
    /// Whether someone is in danger now (the need `acute_danger`).
    pub fn danger(&self) -> bool {
        self.needs & Need::AcuteDanger.bit() != 0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
struct CWhen {
    always: bool,
    groups: u32,
    needs: u32,
    forms: u32,
    roles: u32,
    not_roles: u32,
    not_groups: u32,
    not_forms: u32,
    also_forms: u32,
    unspecified: bool,
}

impl CWhen {
    fn matches(&self, s: &Situation) -> bool {
        if s.roles & self.not_roles != 0
            || s.groups & self.not_groups != 0
            || s.forms & self.not_forms != 0
            || (self.also_forms != 0 && s.forms & self.also_forms == 0)
        {
            return false;
        }
        self.always
            || s.groups & self.groups != 0
            || s.needs & self.needs != 0
            || s.forms & self.forms != 0
            || s.roles & self.roles != 0
            || (self.unspecified
                && s.groups == 0
                && s.needs & !Need::Interpretation.bit() == 0
                && s.forms == 0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct CRule {
    when: CWhen,
    primary: u32,
    secondary: u32,
    out: u32,
    primary_offering: u32,
    out_offering: u32,
    out_offering_only: u32,
    out_serving: u32,
    in_serving: u32,
    after_serving: u32,
}

/// What the model says for one situation: bit sets over agency kinds
/// (`AgencyKind::bit`) and offered needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Route {
    pub primary: u32,
    pub secondary: u32,
    pub out: u32,
    pub primary_offering: u32,
    pub out_offering: u32,
    /// Services whose needs all lie in this set are out of place.
    pub out_offering_only: u32,
    /// Services whose groups all lie in this set are out of place.
    pub out_serving: u32,
    /// Services whose groups all lie in this set are at most secondary.
    pub after_serving: u32,
    pub interpreter: u32,
}

/// Where a service stands for a situation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    Primary,
    Secondary,
    Neutral,
    OutOfPlace,
}

impl Route {
    /// A service of agency kind `kind` (its `as u8`) offering `needs` for
    /// `groups` (bits).
    #[inline]
    pub fn fit(&self, kind: u8, needs: u32, groups: u32) -> Fit {
        let k = 1u32 << kind;
        // It serves only groups of `set`.
        let only = |set: u32| set != 0 && groups != 0 && groups & !set == 0;
        let offers_only = |set: u32| set != 0 && needs != 0 && needs & !set == 0;
        if k & self.out != 0
            || needs & self.out_offering != 0
            || offers_only(self.out_offering_only)
            || only(self.out_serving)
        {
            return Fit::OutOfPlace;
        }
        let fit = if k & self.primary != 0 {
            Fit::Primary
        } else if k & self.secondary != 0 {
            Fit::Secondary
        } else if needs & self.primary_offering != 0 {
            Fit::Primary
        } else {
            Fit::Neutral
        };
        if fit == Fit::Primary && only(self.after_serving) {
            Fit::Secondary
        } else {
            fit
        }
    }
}

/// What [`Routing::check_services`] needs to know of a line's service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LineService {
    pub national: bool,
    /// It has a phone.
    pub phone: bool,
    /// It can be phoned on the emergency number 112.
    pub emergency: bool,
}

/// The routing model compiled to bit sets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Routing {
    pub model: RoutingModel,
    rules: Vec<CRule>,
    lines: Vec<(String, CWhen, bool)>,
    interpreter: u32,
    subjects: Vec<(String, u32)>,
}

fn kinds(ids: &[String], what: &str, push: &mut dyn FnMut(String)) -> u32 {
    ids.iter().fold(0, |a, id| match AgencyKind::parse(id) {
        Some(k) => a | k.bit(),
        None => {
            push(format!("{what}: unknown agency kind '{id}'"));
            a
        }
    })
}

fn vocab_bits<T: Copy>(
    ids: &[String],
    what: &str,
    kind: &str,
    parse: fn(&str) -> Option<T>,
    bit: fn(T) -> u32,
    push: &mut dyn FnMut(String),
) -> u32 {
    ids.iter().fold(0, |a, id| match parse(id) {
        Some(v) => a | bit(v),
        None => {
            push(format!("{what}: unknown {kind} '{id}'"));
            a
        }
    })
}

fn compile_when(w: &Option<When>, push: &mut dyn FnMut(String)) -> CWhen {
    match w {
        None => CWhen {
            always: true,
            ..Default::default()
        },
        Some(w) => {
            let c = CWhen {
                always: false,
                groups: vocab_bits(
                    &w.groups,
                    "when.groups",
                    "group",
                    Group::parse,
                    Group::bit,
                    push,
                ),
                needs: vocab_bits(&w.needs, "when.needs", "need", Need::parse, Need::bit, push),
                forms: vocab_bits(&w.forms, "when.forms", "form", Form::parse, Form::bit, push),
                roles: vocab_bits(&w.roles, "when.roles", "role", Role::parse, Role::bit, push),
                not_roles: vocab_bits(
                    &w.not_roles,
                    "when.not_roles",
                    "role",
                    Role::parse,
                    Role::bit,
                    push,
                ),
                not_groups: vocab_bits(
                    &w.not_groups,
                    "when.not_groups",
                    "group",
                    Group::parse,
                    Group::bit,
                    push,
                ),
                not_forms: vocab_bits(
                    &w.not_forms,
                    "when.not_forms",
                    "form",
                    Form::parse,
                    Form::bit,
                    push,
                ),
                also_forms: vocab_bits(
                    &w.also_forms,
                    "when.also_forms",
                    "form",
                    Form::parse,
                    Form::bit,
                    push,
                ),
                unspecified: w.unspecified,
            };
            if w.groups.is_empty()
                && w.needs.is_empty()
                && w.forms.is_empty()
                && w.roles.is_empty()
                && !w.unspecified
            {
                push("when names no group, need or form (leave 'when' out for a rule that always applies)".into());
            }
            c
        }
    }
}

impl Routing {
    /// Parses and validates `content/routing.toml`.
    #[cfg(feature = "authoring")]
    pub fn from_toml(file: &str, text: &str) -> Result<Routing, Vec<RoutingError>> {
        let model: RoutingModel = toml::from_str(text).map_err(|e| {
            RoutingError::whole_file(file, format!("not a valid routing model: {}", e.message()))
        })?;
        if let Some(u) = crate::evolve::unknown_toml_fields::<RoutingModel>(text).first() {
            return Err(RoutingError::whole_file(
                file,
                format!("not a valid routing model: unknown field `{u}`"),
            ));
        }
        Routing::compile(file, model)
    }

    /// Parses and validates the model as carried in a feed record (JSON).
    pub fn from_json(file: &str, text: &str) -> Result<Routing, Vec<RoutingError>> {
        let model: RoutingModel = serde_json::from_str(text).map_err(|e| {
            RoutingError::whole_file(file, format!("not a valid routing model: {e}"))
        })?;
        Routing::compile(file, model)
    }

    /// Validates a model (every problem names its rule and the unknown id)
    /// and compiles it. Service ids of lines are checked by
    /// [`Routing::check_services`] when the directory is known.
    pub fn compile(file: &str, model: RoutingModel) -> Result<Routing, Vec<RoutingError>> {
        let mut errors = Vec::new();
        let mut err = |rule: Option<String>, problem: String| {
            errors.push(RoutingError {
                file: file.into(),
                rule,
                problem,
            })
        };
        if model.id != ROUTING_ID {
            err(
                None,
                format!("id must be '{ROUTING_ID}', not '{}'", model.id),
            );
        }
        if model.version == 0 {
            err(None, "version must be 1 or more".into());
        }
        let interpreter = kinds(&model.interpreter, "interpreter", &mut |p| err(None, p));
        let mut subjects = Vec::new();
        for s in &model.subjects {
            let name = Some(format!("subject '{}'", s.subject));
            use crate::checklist::Subject;
            if !Subject::ALL.iter().any(|x| x.id() == s.subject) {
                let ids: Vec<&str> = Subject::ALL.iter().map(|x| x.id()).collect();
                err(
                    name.clone(),
                    format!("unknown subject '{}' (use {})", s.subject, ids.join(", ")),
                );
            }
            let g = vocab_bits(
                &s.groups,
                "groups",
                "group",
                Group::parse,
                Group::bit,
                &mut |p| err(name.clone(), p),
            );
            subjects.push((s.subject.clone(), g));
        }
        let mut rules = Vec::new();
        let mut seen = std::collections::HashSet::new();
        for r in &model.rules {
            let name = Some(format!("rule '{}'", r.id));
            let mut push = |p: String| err(name.clone(), p);
            if r.id.is_empty() || !crate::checklist::valid_id(&r.id) {
                push(format!(
                    "rule id '{}' may only hold a-z, 0-9, '-' and '_'",
                    r.id
                ));
            }
            if !seen.insert(r.id.clone()) {
                push(format!("duplicate rule id '{}'", r.id));
            }
            let when = compile_when(&r.when, &mut push);
            let c = CRule {
                when,
                primary: kinds(&r.primary, "primary", &mut push),
                secondary: kinds(&r.secondary, "secondary", &mut push),
                out: kinds(&r.out_of_place, "out_of_place", &mut push),
                primary_offering: vocab_bits(
                    &r.primary_offering,
                    "primary_offering",
                    "need",
                    Need::parse,
                    Need::bit,
                    &mut push,
                ),
                out_offering: vocab_bits(
                    &r.out_of_place_offering,
                    "out_of_place_offering",
                    "need",
                    Need::parse,
                    Need::bit,
                    &mut push,
                ),
                out_offering_only: vocab_bits(
                    &r.out_of_place_offering_only,
                    "out_of_place_offering_only",
                    "need",
                    Need::parse,
                    Need::bit,
                    &mut push,
                ),
                out_serving: vocab_bits(
                    &r.out_of_place_serving_only,
                    "out_of_place_serving_only",
                    "group",
                    Group::parse,
                    Group::bit,
                    &mut push,
                ),
                in_serving: vocab_bits(
                    &r.in_place_serving,
                    "in_place_serving",
                    "group",
                    Group::parse,
                    Group::bit,
                    &mut push,
                ),
                after_serving: vocab_bits(
                    &r.after_serving_only,
                    "after_serving_only",
                    "group",
                    Group::parse,
                    Group::bit,
                    &mut push,
                ),
            };
            let both = (c.primary | c.secondary) & c.out;
            if both != 0 {
                push(format!(
                    "an agency kind is both wanted and out of place in the same rule: {}",
                    AgencyKind::ALL
                        .iter()
                        .filter(|k| k.bit() & both != 0)
                        .map(|k| k.id())
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            rules.push(c);
        }
        let mut lines = Vec::new();
        for l in &model.lines {
            let name = Some(format!("line '{}'", l.service));
            let when = compile_when(&l.when, &mut |p| err(name.clone(), p));
            lines.push((l.service.clone(), when, l.first));
        }
        if model.lines.is_empty() {
            err(
                None,
                "no [[line]]: a line that always answers is required".into(),
            );
        } else if model.lines.iter().all(|l| l.when.is_some()) {
            err(
                None,
                "every [[line]] has a 'when': one line without 'when' must fit every person".into(),
            );
        }
        // Lines with a condition are tried in file order, those without one
        // after them (a line appended at the end of the file still counts).
        lines.sort_by_key(|(_, w, _): &(String, CWhen, bool)| w.always);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Routing {
            model,
            rules,
            lines,
            interpreter,
            subjects,
        })
    }

    /// Checks that every line names a known national service with a phone,
    /// and that an emergency number (112) is a line only in acute danger:
    /// an unconditional 112 line would put 112 first or in the top three
    /// for everyone (every list carries the fixed "Akut fara? Ring 112"
    /// action instead). `lookup(id)` describes a known service.
    pub fn check_services(
        &self,
        file: &str,
        lookup: &dyn Fn(&str) -> Option<LineService>,
    ) -> Vec<RoutingError> {
        let mut out = Vec::new();
        let danger_only = CWhen {
            needs: Need::AcuteDanger.bit(),
            ..Default::default()
        };
        for (id, when, _) in &self.lines {
            let problem = match lookup(id) {
                None => Some(format!("unknown service '{id}' (not in the directory)")),
                Some(l) if !l.national => Some(format!("service '{id}' is not national")),
                Some(l) if !l.phone => Some(format!(
                    "service '{id}' has no phone: a line must be reachable by phone"
                )),
                Some(l) if l.emergency && *when != danger_only => Some(format!(
                    "service '{id}' is the emergency number: it may be a line only with \
                     when = {{ needs = [\"acute_danger\"] }} (112 comes first only when \
                     danger now was read; every list carries the fixed 112 action)"
                )),
                _ => None,
            };
            if let Some(problem) = problem {
                out.push(RoutingError {
                    file: file.into(),
                    rule: Some(format!("line '{id}'")),
                    problem,
                });
            }
        }
        out
    }

    /// The model's verdict for a situation.
    pub fn route(&self, s: &Situation) -> Route {
        let mut r = Route {
            interpreter: self.interpreter,
            ..Default::default()
        };
        // Defaults (rules without `when`) give way to what an applying rule
        // wants; a conditional rule's out_of_place always holds.
        let (mut soft, mut soft_offering, mut hard, mut hard_offering) = (0, 0, 0, 0);
        let (mut soft_only, mut hard_only) = (0, 0);
        let (mut out_serving, mut in_serving) = (0, 0);
        for rule in self.rules.iter().filter(|c| c.when.matches(s)) {
            r.primary |= rule.primary;
            r.secondary |= rule.secondary;
            r.primary_offering |= rule.primary_offering;
            out_serving |= rule.out_serving;
            in_serving |= rule.in_serving;
            r.after_serving |= rule.after_serving;
            if rule.when.always {
                soft |= rule.out;
                soft_offering |= rule.out_offering;
                soft_only |= rule.out_offering_only;
            } else {
                hard |= rule.out;
                hard_offering |= rule.out_offering;
                hard_only |= rule.out_offering_only;
            }
        }
        r.out = (soft & !(r.primary | r.secondary)) | hard;
        r.out_offering = (soft_offering & !r.primary_offering) | hard_offering;
        r.out_offering_only = (soft_only & !r.primary_offering) | hard_only;
        r.primary &= !hard;
        r.secondary &= !(hard | r.primary);
        r.primary_offering &= !hard_offering;
        // A group an applying rule keeps in place is served in place.
        r.out_serving = out_serving & !in_serving;
        r
    }

    /// The services of the lines that fit a situation, in order of
    /// preference (conditional lines in file order, then those without a
    /// condition), and whether each is shown first.
    pub fn lines_for<'a>(&'a self, s: &'a Situation) -> impl Iterator<Item = (&'a str, bool)> + 'a {
        self.lines
            .iter()
            .filter(move |(_, w, _)| w.matches(s))
            .map(|(id, _, first)| (id.as_str(), *first))
    }

    /// All line service ids.
    pub fn line_services(&self) -> impl Iterator<Item = &str> {
        self.lines.iter().map(|(id, _, _)| id.as_str())
    }

    /// The groups a checklist subject stands for (empty for unknown / `any`).
    pub fn subject_groups(&self, subject: &str) -> u32 {
        self.subjects
            .iter()
            .find(|(s, _)| s == subject)
            .map(|(_, g)| *g)
            .unwrap_or(0)
    }

    /// Agency kinds that offer an interpreter.
    pub fn interpreter_kinds(&self) -> u32 {
        self.interpreter
    }
}

/// The embedded routing model (the bundled default; also what a store with
/// no routing record uses).
pub fn embedded_routing() -> Result<Routing, Vec<RoutingError>> {
    Routing::from_json(EMBEDDED_ROUTING.0, EMBEDDED_ROUTING_JSON)
}

/// The embedded lexicon's JSON (what [`embedded_lexicon`] compiles).
pub fn embedded_lexicon_json() -> &'static str {
    EMBEDDED_LEXICON_JSON
}

/// The embedded lexicon.
pub fn embedded_lexicon() -> Result<Lexicon, Vec<RoutingError>> {
    Lexicon::from_json(EMBEDDED_LEXICON.0, EMBEDDED_LEXICON_JSON)
}
