//! Field scenarios (`tests/scenarios/*.toml`): situations written by and for
//! domain people — who, where, when, what they type, filter or answer — and
//! what the top of the result must hold. CI runs every scenario through the
//! core (`core/tests/scenarios.rs`) and through the `fyr` binary
//! (`cli/tests/scenarios.rs`); both use the checks here.
//!
//! ```toml
//! [[scenario]]
//! id = "krokom-julafton-skyddat-boende"
//! who = "Socialsekreterare i Krokom: en kvinna och två barn behöver skyddat boende."
//! covers = ["women", "children"]             # what it is about (coverage check)
//! municipality = "Krokom"
//! at = "2026-12-24T22:00:00+01:00"          # RFC 3339
//! text = "skyddat boende"                   # what they type (optional)
//! groups = ["women"]                        # filters (optional): needs, forms, language too
//! # or a screening: checklist = "adult-risk", yes = [item ids], numbers = { item = n },
//! # choices = { item = "choice" }; every other item shown is answered "no".
//! expect_top3 = ["social_services_on_call"] # each of these agency kinds in the top three
//! expect_top3_any = ["womens_shelter", "national_helpline"]  # at least one of these
//! not_top3 = ["school_health"]              # out of place for this person
//! first = "emergency"                       # optional: the kind of the first hit
//! ```
//!
//! Every scenario also requires: nothing information-only (no phone or chat)
//! in the top three, and a national line that can be phoned now in the list
//! — in the top three when nothing local can be reached now.

use crate::vocab::AgencyKind;
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioFile {
    #[serde(rename = "scenario")]
    pub scenarios: Vec<Scenario>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub id: String,
    pub who: String,
    /// What the scenario is about, for the coverage check: groups
    /// (`children`, `men` …), forms (`honour` …), `screening`, `language`.
    #[serde(default)]
    pub covers: Vec<String>,
    pub municipality: String,
    pub at: String,
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub groups: Vec<String>,
    #[serde(default)]
    pub needs: Vec<String>,
    #[serde(default)]
    pub forms: Vec<String>,
    #[serde(default)]
    pub language: Option<String>,
    #[serde(default)]
    pub checklist: Option<String>,
    #[serde(default)]
    pub yes: Vec<String>,
    #[serde(default)]
    pub numbers: BTreeMap<String, f64>,
    #[serde(default)]
    pub choices: BTreeMap<String, String>,
    #[serde(default)]
    pub expect_top3: Vec<AgencyKind>,
    #[serde(default)]
    pub expect_top3_any: Vec<AgencyKind>,
    #[serde(default)]
    pub not_top3: Vec<AgencyKind>,
    #[serde(default)]
    pub first: Option<AgencyKind>,
    /// The list must hold a service that speaks this language or offers an
    /// interpreter among the top five (e.g. social services for `ar`).
    #[serde(default)]
    pub expect_in_list: Vec<AgencyKind>,
    /// Services (directory ids) that must be among the first five, e.g. a
    /// national line the situation calls for ("valj-att-sluta").
    #[serde(default)]
    pub expect_services: Vec<String>,
    /// Services that must not be in the list at all, e.g. the professionals'
    /// consultation line in a screening's referrals for a child.
    #[serde(default)]
    pub not_services: Vec<String>,
}

impl Scenario {
    /// The answer to give an item shown during the screening (text as typed).
    pub fn answer_for(&self, item: &str) -> String {
        if let Some(n) = self.numbers.get(item) {
            return n.to_string();
        }
        if let Some(c) = self.choices.get(item) {
            return c.clone();
        }
        if self.yes.iter().any(|y| y == item) {
            "yes".into()
        } else {
            "no".into()
        }
    }
}

/// What the checks need of one shown service (from a `ServiceHit` or the
/// CLI's JSON).
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    pub id: String,
    pub agency_kind: AgencyKind,
    pub national: bool,
    pub open_now: bool,
    pub reachable: bool,
}

impl From<&crate::search::ServiceHit> for Shown {
    fn from(h: &crate::search::ServiceHit) -> Shown {
        Shown {
            id: h.id.clone(),
            agency_kind: h.agency_kind,
            national: h.national,
            open_now: h.open_now == Some(true),
            reachable: h.reachable,
        }
    }
}

/// Checks a result list against a scenario; the error says what is wrong
/// and shows the top of the list.
pub fn check(s: &Scenario, list: &[Shown]) -> Result<(), String> {
    let top: Vec<&Shown> = list.iter().take(3).collect();
    let show = || {
        list.iter()
            .take(6)
            .map(|h| {
                format!(
                    "{} ({}{}{})",
                    h.id,
                    h.agency_kind.id(),
                    if h.open_now { ", now" } else { "" },
                    if h.reachable { "" } else { ", info only" }
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let fail = |what: String| Err(format!("scenario '{}': {what}; list: {}", s.id, show()));
    if list.is_empty() {
        return fail("empty list".into());
    }
    // Something without a phone or chat is never in the top three while a
    // service that can be called ranks below it (a list with fewer than three
    // callable matches may end with an information-only entry).
    if let Some(pos) = top.iter().position(|h| !h.reachable) {
        if list[pos..].iter().any(|h| h.reachable) {
            return fail(format!(
                "'{}' has no phone or chat but is in the top three, above a service that can be called",
                list[pos].id
            ));
        }
    }
    if !list.iter().any(|h| h.national && h.open_now) {
        return fail("no national line that can be phoned now".into());
    }
    let local_now = top.iter().any(|h| !h.national && h.open_now);
    if !local_now && !top.iter().any(|h| h.national && h.open_now) {
        return fail("nothing local reachable now, and no national line in the top three".into());
    }
    for k in &s.expect_top3 {
        if !top.iter().any(|h| h.agency_kind == *k) {
            return fail(format!("expected {} in the top three", k.id()));
        }
    }
    if !s.expect_top3_any.is_empty()
        && !top
            .iter()
            .any(|h| s.expect_top3_any.contains(&h.agency_kind))
    {
        return fail(format!(
            "expected one of {} in the top three",
            s.expect_top3_any
                .iter()
                .map(|k| k.id())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    for k in &s.not_top3 {
        if let Some(h) = top.iter().find(|h| h.agency_kind == *k) {
            return fail(format!(
                "'{}' ({}) is out of place in the top three",
                h.id,
                k.id()
            ));
        }
    }
    if let Some(k) = s.first {
        if list[0].agency_kind != k {
            return fail(format!("expected {} first", k.id()));
        }
    }
    for id in &s.expect_services {
        // Among the first five; one without a phone or chat (information
        // only, ranked after every service that can be called) in the list.
        let pos = list.iter().position(|h| &h.id == id);
        let ok = match pos {
            Some(p) => p < 5 || !list[p].reachable,
            None => false,
        };
        if !ok {
            return fail(format!(
                "expected the service '{id}' among the first five (in the list if information only); it is {}",
                pos.map_or("not in the list".to_string(), |p| format!("number {}", p + 1))
            ));
        }
    }
    for id in &s.not_services {
        if list.iter().any(|h| &h.id == id) {
            return fail(format!("the service '{id}' is out of place in this list"));
        }
    }
    for k in &s.expect_in_list {
        if !list.iter().take(5).any(|h| h.agency_kind == *k) {
            return fail(format!("expected {} among the first five", k.id()));
        }
    }
    Ok(())
}

/// Every `*.toml` file under `dir`, sorted by path, parsed as `T`; errors
/// name the file. The scenario suite and the query corpus both read so.
pub(crate) fn read_toml_dir<T: serde::de::DeserializeOwned>(
    dir: &std::path::Path,
) -> Result<Vec<(std::path::PathBuf, T)>, String> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
            let f =
                toml::from_str(&text).map_err(|e| format!("{}: {}", p.display(), e.message()))?;
            Ok((p, f))
        })
        .collect()
}

/// Reads every `*.toml` under `dir` (sorted), with the file name for errors.
pub fn load_dir(dir: &std::path::Path) -> Result<Vec<(String, Scenario)>, String> {
    let mut out = Vec::new();
    for (p, f) in read_toml_dir::<ScenarioFile>(dir)? {
        for s in f.scenarios {
            out.push((p.display().to_string(), s));
        }
    }
    Ok(out)
}
