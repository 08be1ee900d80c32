//! Offline search over the directory, as one pipeline in one direction
//! (`design/shape.md`):
//!
//! * read (`understand::read`): text + filters + context → a situation (role,
//!   groups, needs, forms, language, danger) and what to show as understood;
//! * retrieve (`retrieve`): the words the reader did not understand choose
//!   candidates by word matching over folded stems;
//! * rank (`rank`): hard filters (the user's), the situation's own help added
//!   when the words match little, scores from the routing model;
//! * complete (`complete`): limit, nothing closed on top in an urgent
//!   situation, the line that always answers, 112 first only in danger now.

mod bound;
pub mod chunks;
pub mod codec;
mod complete;
pub mod entry;
#[cfg(test)]
pub(crate) mod fixture;
mod grid;
mod hits;
pub mod index;
pub mod postings;
mod prefetch;
mod rank;
mod retrieve;
mod sparse;
pub mod text_index;
pub mod update;

use crate::error::{Error, Result};
use crate::model::{Municipality, Organization, PhoneKind, Service};
use crate::routing::Situation;
use crate::schedule::{Moment, OpenStatus, Schedule};
use crate::text::fold;
use crate::understand::{EmergencyAction, Reading, Understood};
use crate::vocab::{AgencyKind, Form, Group, Lang, Need};
use chrono::{DateTime, Utc};
use index::{
    chunk_damage, Area, Entry, FacetIndex, FLAG_DEMO, FLAG_NATIONAL, FLAG_REACHABLE, FLAG_VERIFIED,
};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use hits::{load_hit, Statuses};
pub use hits::{organization, show, unverified_mark};

pub const DEFAULT_LIMIT: usize = 20;

/// A search: every field optional; an empty query lists everything.
#[derive(Debug, Clone, Default)]
pub struct SearchQuery {
    pub text: Option<String>,
    /// A municipality name in any spelling (with or without å/ä/ö) or its SCB code.
    pub municipality: Option<String>,
    /// Any of these groups (services for everyone always match).
    pub groups: Vec<Group>,
    /// All of these needs.
    pub needs: Vec<Need>,
    /// All of these violence forms.
    pub forms: Vec<Form>,
    /// A language the service can be had in ([`crate::model::is_language_code`]).
    pub language: Option<String>,
    pub agency_kinds: Vec<AgencyKind>,
    pub open_now: bool,
    /// The instant for "open now" (default: now).
    pub at: Option<DateTime<Utc>>,
    /// Distance from this position (lat, lon); else from the municipality's centre.
    pub near: Option<(f64, f64)>,
    /// 0 means the default (20).
    pub limit: usize,
    /// Who the person is and what they need beyond the filters (e.g. a
    /// checklist's subject): used for routing, never as a filter.
    pub context: crate::routing::Situation,
    /// Readings of the text to leave out (the keys of
    /// `Understood::chips`: `group:men`, `role:uses_violence`, `danger` …):
    /// "search again without this reading".
    pub drop: Vec<String>,
}

/// A search's answer: the list, how the text was understood, and the fixed
/// 112 action shown above every list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchResult {
    pub understood: Understood,
    pub emergency: EmergencyAction,
    pub hits: Vec<ServiceHit>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PhoneHit {
    pub number: String,
    pub kind: PhoneKind,
    pub label: Option<String>,
    /// Whether this number is answered now (its own hours, else the service's).
    pub open_now: Option<bool>,
}

/// One service in a result list (the `search --json` contract).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceHit {
    pub id: String,
    pub name: String,
    pub organization: String,
    pub agency_kind: AgencyKind,
    /// SCB codes; empty for national (and county-wide) services.
    pub municipalities: Vec<String>,
    pub national: bool,
    /// The county code for county-wide services.
    pub county: Option<String>,
    /// Where the service is offered, ready to display ("Ljungby, Älmhult",
    /// "Kronobergs län", "Hela Sverige").
    pub area: String,
    pub groups: Vec<Group>,
    pub needs: Vec<Need>,
    pub forms: Vec<Form>,
    pub phones: Vec<PhoneHit>,
    pub open_now: Option<bool>,
    pub next_change: Option<DateTime<Utc>>,
    /// Ready to display, naming the channel that is open: "Ring nu · jour
    /// till 08:00", "Chatt öppen till 22:00", "Stängt · öppnar mån 08:00",
    /// "Endast information (webb) – ingen telefon eller chatt" …
    pub open_text: String,
    /// The service has a phone (voice, SMS) or a chat; false: information only.
    pub reachable: bool,
    /// The channel that can be used now (voice, sms or chat), if any.
    pub open_channel: Option<PhoneKind>,
    pub always_open: bool,
    pub on_call: bool,
    pub distance_km: Option<f64>,
    /// The distance is to the municipality's centre, not to the service
    /// itself (shelters never have a stored position).
    pub distance_approximate: bool,
    pub verified: bool,
    pub demo: bool,
    pub web: Option<String>,
    /// Why it is in the list, for this situation: `line` (the line that
    /// always answers), `primary`, `secondary`, `reachable_now`, `words` (the
    /// typed words match it), `fills` (the situation's own help, added to a
    /// list the words left thin). Empty outside a search.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub why: Vec<String>,
}

/// One service in full (the `show --json` contract): a hit plus details.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ServiceDetail {
    #[serde(flatten)]
    pub hit: ServiceHit,
    pub description: String,
    /// The organization's role in the work against violence.
    pub role: String,
    pub agency_kind_label: String,
    /// The hours as written in the content.
    pub hours: String,
    /// The hours as lines to display.
    pub schedule: Vec<String>,
    pub languages: Vec<String>,
    pub email: Option<String>,
    /// A public visiting address; never present for confidential addresses.
    pub address: Option<String>,
    pub confidential_address: bool,
    pub verified_on: Option<chrono::NaiveDate>,
    pub source: String,
    pub tags: Vec<String>,
}

/// Finds a municipality by SCB code or by name in any spelling
/// ("Östersund", "ostersund", "OSTERSUND", "Östersunds kommun").
pub fn resolve_municipality<'a>(munis: &'a [Municipality], s: &str) -> Option<&'a Municipality> {
    let t = s.trim();
    if let Some(m) = munis.iter().find(|m| m.code == t) {
        return Some(m);
    }
    let f = fold(t);
    let f = f.strip_suffix(" kommun").unwrap_or(&f);
    let f2 = f.strip_suffix('s').unwrap_or(f);
    munis
        .iter()
        .find(|m| {
            let n = fold(&m.name);
            n == f || n == f2
        })
        .or_else(|| {
            munis
                .iter()
                .find(|m| m.localities.iter().any(|l| fold(l) == f))
        })
}

/// The folded text columns of a service, for FTS5.
pub fn fts_columns(s: &Service, org: Option<&Organization>, munis: &[Municipality]) -> [String; 5] {
    let mut name = format!("{} {}", s.name.sv, s.name.en.as_deref().unwrap_or(""));
    let mut org_text = String::new();
    if let Some(o) = org {
        org_text = format!(
            "{} {} {}",
            o.name,
            o.agency_kind.label(Lang::Sv),
            o.agency_kind.label(Lang::En)
        );
    }
    let place = match &s.area {
        crate::model::ServiceArea::National => "hela sverige nationell national sweden".to_string(),
        crate::model::ServiceArea::County { code } => munis
            .iter()
            .find(|m| &m.county_code == code)
            .map(|m| format!("{} lan {}", m.county_name, m.county_name))
            .unwrap_or_default(),
        crate::model::ServiceArea::Municipalities { codes } => codes
            .iter()
            .filter_map(|c| {
                // By code (the index keeps them sorted), else as they come.
                munis
                    .binary_search_by(|m| m.code.as_str().cmp(c))
                    .ok()
                    .map(|i| &munis[i])
                    .or_else(|| munis.iter().find(|m| &m.code == c))
            })
            .map(|m| format!("{} {} {}", m.name, m.localities.join(" "), m.county_name))
            .collect::<Vec<_>>()
            .join(" "),
    };
    let mut tags = s.tags.join(" ");
    for g in &s.groups {
        tags.push(' ');
        tags.push_str(g.label(Lang::Sv));
    }
    for n in &s.needs {
        tags.push(' ');
        tags.push_str(n.label(Lang::Sv));
        tags.push(' ');
        tags.push_str(n.label(Lang::En));
    }
    for f in &s.forms {
        tags.push(' ');
        tags.push_str(f.label(Lang::Sv));
    }
    let body = format!(
        "{} {}",
        s.description.sv,
        s.description.en.as_deref().unwrap_or("")
    );
    name = fold(&name);
    [
        name,
        fold(&org_text),
        fold(&place),
        fold(&tags),
        fold(&body),
    ]
}

/// Runs a query: the list only (see [`search_full`]).
pub fn search(
    conn: &Connection,
    ix: &FacetIndex,
    q: &SearchQuery,
    lang: Lang,
) -> Result<Vec<ServiceHit>> {
    Ok(search_full(conn, ix, q, lang)?.hits)
}

/// Step one: reads the text (nothing without a lexicon).
pub fn read_query(ix: &FacetIndex, q: &SearchQuery) -> Reading {
    match (&q.text, &ix.routing) {
        (Some(t), Some(rs)) if !t.trim().is_empty() => crate::understand::read_with(
            &rs.lexicon,
            &|w| ix.has_term(w),
            &|w| ix.starts_term(w),
            t,
            &q.drop,
        ),
        (Some(t), None) => {
            let words: Vec<String> = crate::understand::analyze::analyze(t)
                .into_iter()
                .filter(|t| !t.stop)
                .map(|t| t.stem)
                .collect();
            Reading {
                rest: words.clone(),
                words,
                ..Default::default()
            }
        }
        _ => Reading::default(),
    }
}

/// Runs a query: read → retrieve → rank → complete. `ix` is the index of
/// the same content as `conn`.
pub fn search_full(
    conn: &Connection,
    ix: &FacetIndex,
    q: &SearchQuery,
    lang: Lang,
) -> Result<SearchResult> {
    // One read transaction for the whole query (its hits read tens of rows).
    let tx = crate::store::read_transaction(conn)?;
    let conn: &Connection = tx.as_deref().unwrap_or(conn);
    let at = q.at.unwrap_or_else(Utc::now);
    let limit = if q.limit == 0 { DEFAULT_LIMIT } else { q.limit };
    let muni = match &q.municipality {
        Some(s) => Some(
            resolve_municipality(&ix.municipalities, s)
                .ok_or_else(|| Error::invalid(format!("unknown municipality '{s}'")))?,
        ),
        None => None,
    };
    let muni_ix = muni.and_then(|m| ix.muni_index(&m.code));
    let county_ix = muni.and_then(|m| ix.county_index(&m.county_code));
    let origin = q.near.or(muni.map(|m| (m.lat, m.lon)));
    let lang_bit = match &q.language {
        Some(l) => match ix.lang_bit(&l.to_ascii_lowercase()) {
            Some(b) => Some(b),
            // Nobody lists the language: those who offer an interpreter remain.
            None => Some(0),
        },
        None => None,
    };
    let rs = ix.routing.clone();
    // Read.
    let reading = read_query(ix, q);
    let filters = Situation::new(&q.groups, &q.needs, &q.forms);
    let mut situation = filters.union(reading.situation).union(q.context);
    // A language other than Swedish asks for an interpreter as a typed
    // "behöver tolk på arabiska" does (the interpreter services in place;
    // not a filter).
    if q.language
        .as_deref()
        .is_some_and(|l| !l.eq_ignore_ascii_case("sv"))
    {
        situation.needs |= crate::vocab::Need::Interpretation.bit();
    }
    let understood = Understood::build(
        &reading.roles,
        &reading.situation,
        reading.language.as_deref(),
        lang,
    );
    let route = rs
        .as_ref()
        .map(|r| r.routing.route(&situation))
        .unwrap_or_default();
    // Retrieve.
    let has_text = q.text.as_deref().is_some_and(|t| !t.trim().is_empty());
    // Nobody read as the person and no need or form read: a service the
    // words name is what the user asks for (`umo`, `tjejjouren`).
    let names_decide =
        reading.roles.is_empty() && reading.situation.needs == 0 && reading.situation.forms == 0;
    let words = retrieve::words(
        ix,
        &reading.rest,
        &reading.words,
        &reading.unwanted,
        names_decide,
    );
    // Rank.
    let moment = Moment::new(at);
    let mut sched_open: Vec<Option<bool>> = vec![None; ix.schedules.len()];
    let ranker = rank::Ranker {
        ix,
        q,
        filters,
        read: situation,
        route,
        lang_bit,
        read_lang_bit: reading.language.as_deref().and_then(|l| ix.lang_bit(l)),
        muni_ix,
        county_ix,
        fast_origin: origin.map(rank::Origin::new),
        words_weight: if reading.matched { 25.0 } else { 60.0 },
        // A need or a form read decides too ("polisen har varit där, hon
        // vill inte sova hemma": a place to sleep, not the police).
        names_decide,
        unwanted: &words.unwanted,
    };
    let all_read = has_text && reading.matched && words.matched.is_none();
    let keep = complete::keep(limit);
    // Never a thin list: words that match little, or words the reader
    // understood, get the situation's own help (then the words' own pass is
    // not needed: the filling pass ranks them too).
    let fill = has_text && words.matched.is_some() && reading.matched;
    let (mut cands, passed) = ranker.run(
        words.matched.as_deref(),
        all_read,
        &words.relevance,
        &words.named,
        fill,
        &moment,
        &mut sched_open,
        keep,
    );
    if !fill && has_text && words.matched.is_some() && passed < THIN {
        cands = ranker
            .run(
                words.matched.as_deref(),
                false,
                &words.relevance,
                &words.named,
                true,
                &moment,
                &mut sched_open,
                keep,
            )
            .0;
    }
    // Complete.
    let line = rs
        .as_ref()
        .and_then(|r| complete::line_for(ix, r, &situation, &moment, &mut sched_open));
    let cands = complete::complete(ix, cands, &situation, line, limit);
    let rowids: Vec<u32> = cands.iter().map(|c| c.rowid).collect();
    if ix.damaged() {
        // A chunk of the text index or of the entries read by this query
        // did not match its checksum (what it held was not used): the
        // index is made again and the query runs again (`Store::with_dir`).
        return Err(chunk_damage());
    }
    prefetch::services(conn, ix, &rowids)?;
    let mut statuses = Statuses::new(ix, at, lang);
    let hits = cands
        .iter()
        .map(|c| {
            let e = &ix.entries.get(c.pos as usize);
            let d = c
                .distance
                .and(origin)
                .map(|o| haversine_km(o, (e.lat as f64, e.lon as f64)));
            let mut h = load_hit(conn, &mut statuses, e, d)?;
            h.why = rank::why_ids(c.why);
            Ok(h)
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(SearchResult {
        understood,
        emergency: EmergencyAction::new(lang),
        hits,
    })
}

/// Fewer word matches than this, and the situation's own help fills the list.
const THIN: usize = 5;

/// The line that always answers for a situation at an instant, as a hit,
/// and whether the model shows it first.
pub fn line_hit(
    conn: &Connection,
    ix: &FacetIndex,
    s: &Situation,
    at: DateTime<Utc>,
    lang: Lang,
) -> Result<Option<(ServiceHit, bool)>> {
    let Some(rs) = ix.routing.clone() else {
        return Ok(None);
    };
    let moment = Moment::new(at);
    let mut sched_open: Vec<Option<bool>> = vec![None; ix.schedules.len()];
    match complete::line_for(ix, &rs, s, &moment, &mut sched_open) {
        Some((pos, first)) => {
            let e = ix.entries.get(pos as usize);
            if ix.damaged() {
                return Err(chunk_damage());
            }
            let mut st = Statuses::new(ix, at, lang);
            let hit = load_hit(conn, &mut st, &e, None)?;
            Ok(Some((hit, first)))
        }
        None => Ok(None),
    }
}

/// Great-circle distance in km.
pub fn haversine_km(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (la1, lo1, la2, lo2) = (
        a.0.to_radians(),
        a.1.to_radians(),
        b.0.to_radians(),
        b.1.to_radians(),
    );
    let h = ((la2 - la1) / 2.0).sin().powi(2)
        + la1.cos() * la2.cos() * ((lo2 - lo1) / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().asin()
}

#[cfg(test)]
mod prune_tests;
#[cfg(test)]
mod tests;
