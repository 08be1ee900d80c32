//! The corpus of the field's words (`tests/queries/*.toml`): phrasings as
//! field staff type them — sentences, inflections, compounds, typos, no
//! å/ä/ö — each with the municipality, the instant and what a domain expert
//! demands of the answer. CI runs every entry through the core
//! (`core/tests/queries.rs`) and through the `fyr` binary
//! (`cli/tests/queries.rs`); both use the format and the checks here.
//!
//! ```toml
//! [[query]]
//! id = "stromsund-natt-min-man-slar-mig"
//! who = "Polis i Strömsund en tisdag 23:00: kvinnan säger själv vad som hänt."
//! municipality = "Strömsund"
//! at = "2026-02-10T23:00:00+01:00"        # RFC 3339, Swedish time
//! text = "min man slår mig"                # exactly as typed
//! covers = ["women", "physical"]           # groups, needs, forms (coverage check)
//! expect_top3 = ["national_helpline"]      # each of these agency kinds in the top three
//! expect_top3_any = ["womens_shelter", "social_services_on_call"]  # one of these
//! not_first = ["police", "emergency"]      # kinds that must not come first
//! min_results = 5                          # the municipality's fitting help
//! victim = true                            # the person is subjected to violence
//! danger_now = false                       # the text says danger is happening now
//! ```
//!
//! A list **fails** an entry when an expectation is not met. It is
//! **harmful** (always also a failure) when
//! (a) 112 comes first — the emergency number's entry, or a first entry whose
//!     first number is 112 — while the text does not say danger is happening now;
//! (b) for a victim: a kind of `not_first` comes first, or none of the
//!     expected help (`expect_top3`, `expect_top3_any`, `first`) is in the list at all;
//! (c) the list is shorter than `min_results`.
//!
//! A run passes when at least [`PASS_RATE`] of the entries pass and none is
//! harmful.

use crate::model::Municipality;
use crate::vocab::{AgencyKind, Form, Group, Need};
use serde::Deserialize;
use std::collections::{BTreeSet, HashSet};
use std::path::Path;

/// The least share of entries that must pass.
pub const PASS_RATE: f64 = 0.95;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueryFile {
    #[serde(rename = "query")]
    pub queries: Vec<Query>,
}

/// One phrasing and what the answer must hold.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Query {
    pub id: String,
    /// The situation, in one Swedish sentence.
    pub who: String,
    pub municipality: String,
    /// RFC 3339 with the Swedish offset of that day.
    pub at: String,
    /// Exactly as typed.
    pub text: String,
    /// Groups, needs and violence forms (ids of `fyr vocab`) the entry is
    /// about, for the coverage check only.
    #[serde(default)]
    pub covers: Vec<String>,
    #[serde(default)]
    pub expect_top3: Vec<AgencyKind>,
    #[serde(default)]
    pub expect_top3_any: Vec<AgencyKind>,
    /// Optional: the kind that must come first (e.g. `emergency` when
    /// danger is happening now).
    #[serde(default)]
    pub first: Option<AgencyKind>,
    #[serde(default)]
    pub not_first: Vec<AgencyKind>,
    /// A service that is for these groups only must not stand first
    /// (`["children", "young_people"]`: the children's line before a
    /// mother's own help when she names her children).
    #[serde(default)]
    pub not_first_only_for: Vec<Group>,
    /// A service for these groups only must be among the top three
    /// (`["children", "young_people"]`: the children's line for a child).
    #[serde(default)]
    pub expect_top3_only_for: Vec<Group>,
    /// A service for these groups only must not be among the top three
    /// (`["women"]`: the women's line in a list for a man or a boy).
    #[serde(default)]
    pub not_top3_only_for: Vec<Group>,
    pub min_results: usize,
    #[serde(default)]
    pub victim: bool,
    #[serde(default)]
    pub danger_now: bool,
}

/// What the checks need of one shown service (from a `ServiceHit` or the
/// CLI's JSON).
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    pub id: String,
    pub agency_kind: AgencyKind,
    /// The first number listed for it (what a tap on the entry calls).
    pub first_number: Option<String>,
    /// Who it is for (empty: everyone).
    pub groups: Vec<Group>,
}

impl From<&crate::search::ServiceHit> for Shown {
    fn from(h: &crate::search::ServiceHit) -> Shown {
        Shown {
            id: h.id.clone(),
            agency_kind: h.agency_kind,
            first_number: h.phones.first().map(|p| p.number.clone()),
            groups: h.groups.clone(),
        }
    }
}

impl Shown {
    /// 112 is what this entry offers first.
    pub fn is_112(&self) -> bool {
        self.agency_kind == AgencyKind::Emergency
            || self
                .first_number
                .as_deref()
                .is_some_and(|n| n.split_whitespace().collect::<String>() == "112")
    }
}

/// The verdict on one list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Outcome {
    /// Expectations not met (harms not repeated here).
    pub failures: Vec<String>,
    /// Harms found: (a), (b), (c) of the module text.
    pub harms: Vec<String>,
}

impl Outcome {
    pub fn passed(&self) -> bool {
        self.failures.is_empty() && self.harms.is_empty()
    }
    pub fn harmful(&self) -> bool {
        !self.harms.is_empty()
    }
}

fn ids(kinds: &[AgencyKind]) -> String {
    kinds.iter().map(|k| k.id()).collect::<Vec<_>>().join("|")
}

fn group_ids(groups: &[Group]) -> String {
    groups.iter().map(|g| g.id()).collect::<Vec<_>>().join("|")
}

/// Checks a result list against an entry.
pub fn check(q: &Query, list: &[Shown]) -> Outcome {
    let mut o = Outcome::default();
    let top: Vec<&Shown> = list.iter().take(3).collect();
    // A service for the groups of `set` only.
    let only_for = |h: &Shown, set: &[Group]| {
        !set.is_empty() && !h.groups.is_empty() && h.groups.iter().all(|g| set.contains(g))
    };
    let first = list.first();

    // (a) 112 first without danger now.
    if let Some(h) = first {
        if h.is_112() && !q.danger_now {
            o.harms.push(format!(
                "112 first ('{}', {}) but no danger now",
                h.id,
                h.agency_kind.id()
            ));
        }
    }
    // (b) a victim's help out of place.
    if let Some(h) = first {
        if q.not_first.contains(&h.agency_kind) {
            let what = format!("{} first ('{}')", h.agency_kind.id(), h.id);
            if q.victim {
                o.harms.push(format!("victim: {what}"));
            } else {
                o.failures.push(what);
            }
        }
    }
    if let Some(h) = first {
        if only_for(h, &q.not_first_only_for) {
            let what = format!(
                "a service for {} only first ('{}')",
                group_ids(&h.groups),
                h.id
            );
            if q.victim {
                o.harms.push(format!("victim: {what}"));
            } else {
                o.failures.push(what);
            }
        }
    }
    let expected: Vec<AgencyKind> = q
        .expect_top3
        .iter()
        .chain(&q.expect_top3_any)
        .chain(&q.first)
        .copied()
        .collect();
    if q.victim && !expected.is_empty() && !list.iter().any(|h| expected.contains(&h.agency_kind)) {
        o.harms
            .push(format!("victim: none of {} in the list", ids(&expected)));
    }
    // (c) a thin list.
    if list.len() < q.min_results {
        o.harms.push(format!(
            "{} results, the municipality has {} that fit",
            list.len(),
            q.min_results
        ));
    }

    for k in &q.expect_top3 {
        if !top.iter().any(|h| h.agency_kind == *k) {
            o.failures.push(format!("{} not in top 3", k.id()));
        }
    }
    if !q.expect_top3_any.is_empty()
        && !top
            .iter()
            .any(|h| q.expect_top3_any.contains(&h.agency_kind))
    {
        o.failures
            .push(format!("none of {} in top 3", ids(&q.expect_top3_any)));
    }
    if !q.expect_top3_only_for.is_empty()
        && !top.iter().any(|h| only_for(h, &q.expect_top3_only_for))
    {
        o.failures.push(format!(
            "no service for {} only in top 3",
            group_ids(&q.expect_top3_only_for)
        ));
    }
    if let Some(h) = top.iter().find(|h| only_for(h, &q.not_top3_only_for)) {
        o.failures.push(format!(
            "a service for {} only in top 3 ('{}')",
            group_ids(&h.groups),
            h.id
        ));
    }
    if let Some(k) = q.first {
        if first.map(|h| h.agency_kind) != Some(k) {
            o.failures.push(format!("{} not first", k.id()));
        }
    }
    o
}

/// The top of a list as a failure line shows it.
pub fn show_top(list: &[Shown]) -> String {
    if list.is_empty() {
        return "(empty)".into();
    }
    let mut s = list
        .iter()
        .take(4)
        .map(|h| format!("{}:{}", h.agency_kind.id(), h.id))
        .collect::<Vec<_>>()
        .join(", ");
    s.push_str(&format!(" … ({} results)", list.len()));
    s
}

/// Reads every `*.toml` under `dir` (sorted) and checks the entries are
/// well formed: unique ids, a parseable instant, something expected.
pub fn load_dir(dir: &Path) -> Result<Vec<Query>, String> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for (p, f) in crate::scenario::read_toml_dir::<QueryFile>(dir)? {
        for q in f.queries {
            let bad = |what: &str| Err(format!("{}: query '{}': {what}", p.display(), q.id));
            if !seen.insert(q.id.clone()) {
                return bad("id used twice");
            }
            if chrono::DateTime::parse_from_rfc3339(&q.at).is_err() {
                return bad(&format!("'at' is not RFC 3339: {}", q.at));
            }
            if q.text.trim().is_empty() || q.who.trim().is_empty() {
                return bad("empty text or who");
            }
            if q.expect_top3.is_empty() && q.expect_top3_any.is_empty() && q.first.is_none() {
                return bad("expects nothing (expect_top3, expect_top3_any or first)");
            }
            if q.min_results == 0 {
                return bad("min_results must be at least 1");
            }
            for c in &q.covers {
                if Group::parse(c).is_none() && Need::parse(c).is_none() && Form::parse(c).is_none()
                {
                    return bad(&format!("covers '{c}': not a group, need or form"));
                }
            }
            out.push(q);
        }
    }
    Ok(out)
}

/// What the corpus does not cover yet: municipalities (of `munis`), the
/// instants that matter, every group, need and form of the vocabulary.
pub fn coverage_gaps(queries: &[Query], munis: &[Municipality]) -> Vec<String> {
    let mut gaps = Vec::new();
    let used: BTreeSet<&str> = queries
        .iter()
        .filter_map(|q| crate::search::resolve_municipality(munis, &q.municipality))
        .map(|m| m.code.as_str())
        .collect();
    for m in munis {
        if !used.contains(m.code.as_str()) {
            gaps.push(format!("municipality {}", m.name));
        }
    }
    for q in queries {
        if crate::search::resolve_municipality(munis, &q.municipality).is_none() {
            gaps.push(format!("query '{}': unknown municipality", q.id));
        }
    }
    for (prefix, what) in [
        ("2026-12-24T22", "julafton 22:00"),
        ("2026-06-19", "midsommarafton"),
        ("2026-12-31", "nyårsafton"),
        ("2026-04-0", "påsk"),
        ("2026-03-29", "the spring DST night"),
        ("2026-10-25", "the autumn DST night"),
    ] {
        if !queries.iter().any(|q| q.at.starts_with(prefix)) {
            gaps.push(what.into());
        }
    }
    let covered: HashSet<&str> = queries
        .iter()
        .flat_map(|q| q.covers.iter().map(String::as_str))
        .collect();
    let all = Group::ALL
        .iter()
        .filter(|g| **g != Group::Everyone)
        .map(|g| g.id())
        .chain(Need::ALL.iter().map(|n| n.id()))
        .chain(Form::ALL.iter().map(|f| f.id()));
    for id in all {
        if !covered.contains(id) {
            gaps.push(format!("nothing covers '{id}'"));
        }
    }
    if !queries.iter().any(|q| q.victim) || !queries.iter().any(|q| q.danger_now) {
        gaps.push("victims and danger now".into());
    }
    gaps
}

/// The tally of a run and its failure lines.
#[derive(Debug, Default)]
pub struct Report {
    pub passed: usize,
    pub failed: usize,
    pub harmful: usize,
    pub lines: Vec<String>,
    /// Also list the entries that pass (`FYR_QUERIES_VERBOSE=1`).
    pub verbose: bool,
}

impl Report {
    pub fn add(&mut self, q: &Query, list: &[Shown]) -> Outcome {
        let o = check(q, list);
        if o.passed() {
            self.passed += 1;
            if self.verbose {
                self.lines
                    .push(format!("ok {} {:?} | got {}", q.id, q.text, show_top(list)));
            }
        } else {
            self.failed += 1;
            if o.harmful() {
                self.harmful += 1;
            }
            let mut what: Vec<String> = o.harms.iter().map(|h| format!("HARM {h}")).collect();
            what.extend(o.failures.iter().cloned());
            self.lines.push(format!(
                "{} {:?} [{}]: {} | got {}",
                q.id,
                q.text,
                q.municipality,
                what.join("; "),
                show_top(list)
            ));
        }
        o
    }

    pub fn summary(&self) -> String {
        format!(
            "queries: {} passed, {} failed, {} harmful",
            self.passed, self.failed, self.harmful
        )
    }

    /// At least [`PASS_RATE`] passed and nothing harmful.
    pub fn ok(&self) -> bool {
        let n = self.passed + self.failed;
        n > 0 && self.harmful == 0 && self.passed as f64 >= PASS_RATE * n as f64
    }

    /// Prints the summary and every failure line (always), to stdout.
    pub fn print(&self) {
        println!("{}", self.summary());
        for l in &self.lines {
            println!("  {l}");
        }
        println!("{}", self.summary());
    }
}

#[cfg(test)]
#[path = "corpus_tests.rs"]
mod tests;
