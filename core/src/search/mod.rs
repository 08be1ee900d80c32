//! Offline search over the directory: free text (FTS5 over folded text, so
//! "vald" finds "våld"; prefix matching as the user types), filters
//! (municipality in any spelling or by code, group, need, violence form,
//! language, open now) and ranking that puts what can help now and nearby
//! first, always keeping a 24/7 national line when the filters allow one.

#[cfg(test)]
pub(crate) mod fixture;
pub mod index;
pub mod update;

use crate::error::{Error, Result};
use crate::model::{Municipality, Organization, PhoneKind, Service};
use crate::routing::{Fit, Route, Situation};
use crate::schedule::{Moment, OpenStatus, Schedule};
use crate::text::{fold, tokens};
use crate::vocab::{AgencyKind, Form, Group, Lang, Need};
use chrono::{DateTime, Utc};
use index::{
    Area, Entry, FacetIndex, FLAG_ALWAYS_OPEN, FLAG_DEMO, FLAG_NATIONAL, FLAG_REACHABLE,
    FLAG_VERIFIED,
};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

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
    /// An ISO 639-1 language code the service can be had in.
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
            .filter_map(|c| munis.iter().find(|m| &m.code == c))
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

/// Relevance per entry position for typed text: every word matches as a
/// prefix (as the user types); all words must match, else any of them.
/// Returns None when the text has no words.
fn text_scores(ix: &FacetIndex, text: &str) -> Option<Vec<(u32, f32)>> {
    let toks = tokens(text);
    if toks.is_empty() {
        return None;
    }
    let n = toks.len().min(16);
    // Dense accumulators by entry position: (score, which words matched).
    let mut acc: Vec<(f32, u16)> = vec![(0.0, 0); ix.entries.len()];
    let mut touched: Vec<u32> = Vec::new();
    for (ti, tok) in toks.iter().take(n).enumerate() {
        for term in ix.prefix_range(tok) {
            let exact = ix.terms[term] == *tok;
            let (a, b) = (
                ix.post_start[term] as usize,
                ix.post_start[term + 1] as usize,
            );
            for k in a..b {
                let w = index::field_weight(ix.post_fields[k]) * if exact { 1.5 } else { 1.0 };
                let pos = ix.post_pos[k];
                let e = &mut acc[pos as usize];
                if e.1 == 0 {
                    touched.push(pos);
                }
                // A word scores fully for the first of its terms found in a
                // document, a tenth for each further one.
                if e.1 & (1 << ti) == 0 {
                    e.0 += w;
                    e.1 |= 1 << ti;
                } else {
                    e.0 += w * 0.1;
                }
            }
        }
    }
    let all: u16 = if n >= 16 { u16::MAX } else { (1u16 << n) - 1 };
    let and: Vec<(u32, f32)> = touched
        .iter()
        .filter(|&&p| acc[p as usize].1 == all)
        .map(|&p| (p, acc[p as usize].0))
        .collect();
    Some(if and.is_empty() {
        touched.iter().map(|&p| (p, acc[p as usize].0)).collect()
    } else {
        and
    })
}

/// Relevance of every entry any typed word matches (no AND).
fn text_scores_any(ix: &FacetIndex, text: &str) -> Option<Vec<(u32, f32)>> {
    let mut out = Vec::new();
    for tok in tokens(text).iter().take(16) {
        if let Some(m) = text_scores(ix, tok) {
            out.extend(m);
        }
    }
    if out.is_empty() {
        return None;
    }
    out.sort_unstable_by_key(|x| x.0);
    let mut merged: Vec<(u32, f32)> = Vec::with_capacity(out.len());
    for (p, r) in out {
        match merged.last_mut() {
            Some(l) if l.0 == p => l.1 += r,
            _ => merged.push((p, r)),
        }
    }
    Some(merged)
}

/// A fast distance for ranking (equirectangular, scaled at the origin's
/// latitude; close to the great-circle distance at the distances that
/// matter); hits shown to the user get the exact great-circle distance.
#[derive(Clone, Copy)]
struct Origin {
    lat: f64,
    lon: f64,
    /// cos(latitude): how much shorter a degree of longitude is there.
    kx: f64,
}

impl Origin {
    fn new((lat, lon): (f64, f64)) -> Origin {
        Origin {
            lat,
            lon,
            kx: lat.to_radians().cos(),
        }
    }
    #[inline]
    fn approx_km(&self, lat: f32, lon: f32) -> f64 {
        let x = (lon as f64 - self.lon).to_radians() * self.kx;
        let y = (lat as f64 - self.lat).to_radians();
        6371.0 * (x * x + y * y).sqrt()
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

struct Candidate {
    pos: u32,
    score: f64,
    distance: Option<f64>,
    reachable_now: bool,
}

/// Runs a query. `ix` is the index of the same content as `conn`.
pub fn search(
    conn: &Connection,
    ix: &FacetIndex,
    q: &SearchQuery,
    lang: Lang,
) -> Result<Vec<ServiceHit>> {
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
    let fast_origin = origin.map(Origin::new);
    let lang_bit = match &q.language {
        Some(l) => match ix.lang_bit(&l.to_ascii_lowercase()) {
            Some(b) => Some(b),
            // Nobody lists the language: those who offer an interpreter remain.
            None => Some(0),
        },
        None => None,
    };
    let rs = ix.routing.clone();
    let filters = Situation::new(&q.groups, &q.needs, &q.forms);
    // Typed words that the lexicon knows act as the equivalent filters.
    let lex = match (&q.text, &rs) {
        (Some(t), Some(rs)) if !t.trim().is_empty() => rs.lexicon.read(t),
        _ => Default::default(),
    };
    let situation = filters.union(lex.situation).union(q.context);
    let route = rs
        .as_ref()
        .map(|r| r.routing.route(&situation))
        .unwrap_or_default();
    let moment = Moment::new(at);
    let mut sched_open: Vec<Option<bool>> = vec![None; ix.schedules.len()];
    let mut hits = Vec::new();
    // With the lexicon's filters first; if nothing is left, the typed words alone.
    for attempt in 0..2 {
        let f = if attempt == 0 {
            filters.union(lex.situation)
        } else {
            filters
        };
        let text = match &q.text {
            Some(t) if !t.trim().is_empty() => {
                if attempt == 0 && lex.matched {
                    Some(lexicon_scores(ix, t, &lex.rest))
                } else {
                    text_scores(ix, t)
                }
            }
            _ => None,
        };
        let p = Pass {
            ix,
            q,
            f,
            route,
            lang_bit,
            muni_ix,
            county_ix,
            fast_origin,
        };
        hits = p.run(text, &moment, &mut sched_open);
        if !hits.is_empty() || !lex.matched {
            break;
        }
    }
    let mut cands = hits;
    let order = |a: &Candidate, b: &Candidate| {
        b.score
            .partial_cmp(&a.score)
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(
                ix.entries[a.pos as usize]
                    .rowid
                    .cmp(&ix.entries[b.pos as usize].rowid),
            )
    };
    if cands.len() > limit {
        cands.select_nth_unstable_by(limit - 1, order);
        cands.truncate(limit);
    }
    cands.sort_by(order);
    // The line that always answers: in every list, within the top three.
    if let Some((line, first)) = rs
        .as_ref()
        .and_then(|r| line_for(ix, r, &situation, &moment, &mut sched_open))
    {
        // Always within the top three: an on-call service may answer now, but
        // the line is the one that answers around the clock, whatever happens.
        let at_pos = cands.iter().position(|c| c.pos == line);
        // Above anything in the top three that cannot be reached now.
        let want = if first {
            0
        } else {
            cands
                .iter()
                .take(2)
                .position(|c| !c.reachable_now && c.pos != line)
                .unwrap_or(2)
        };
        match at_pos {
            Some(i) if i <= want => {}
            Some(i) => {
                let c = cands.remove(i);
                cands.insert(want.min(cands.len()), c);
            }
            None => {
                if cands.len() >= limit {
                    cands.pop();
                }
                let c = Candidate {
                    pos: line,
                    score: 0.0,
                    distance: None,
                    reachable_now: true,
                };
                cands.insert(want.min(cands.len()), c);
            }
        }
    }
    let mut statuses = Statuses::new(ix, at, lang);
    cands
        .iter()
        .map(|c| {
            let e = &ix.entries[c.pos as usize];
            let d = c
                .distance
                .and(origin)
                .map(|o| haversine_km(o, (e.lat as f64, e.lon as f64)));
            load_hit(conn, &mut statuses, e, d)
        })
        .collect()
}

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
    match line_for(ix, &rs, s, &moment, &mut sched_open) {
        Some((pos, first)) => {
            let mut st = Statuses::new(ix, at, lang);
            let hit = load_hit(conn, &mut st, &ix.entries[pos as usize], None)?;
            Ok(Some((hit, first)))
        }
        None => Ok(None),
    }
}

/// The first line of the routing model that fits the situation and can be
/// phoned at this instant (its position, and whether it is shown first).
fn line_for(
    ix: &FacetIndex,
    rs: &index::RoutingState,
    s: &Situation,
    moment: &Moment,
    sched_open: &mut [Option<bool>],
) -> Option<(u32, bool)> {
    rs.routing.lines_for(s).find_map(|(id, first)| {
        let pos = *rs.line_pos.get(id)?;
        let e = &ix.entries[pos as usize];
        let open = e.flags & FLAG_REACHABLE != 0
            && (e.flags & FLAG_ALWAYS_OPEN != 0 || {
                let slot = &mut sched_open[e.sched as usize];
                *slot.get_or_insert_with(|| ix.schedules[e.sched as usize].is_open_at(moment))
            });
        open.then_some((pos, first))
    })
}

/// Text relevance when the lexicon recognised some words: the unrecognised
/// words choose the candidates (all entries when every word was recognised);
/// every typed word adds relevance.
fn lexicon_scores(ix: &FacetIndex, text: &str, rest: &[String]) -> Vec<(u32, f32)> {
    let mut rel = vec![0.0f32; ix.entries.len()];
    if let Some(all) = text_scores_any(ix, text) {
        for (p, r) in all {
            rel[p as usize] = r;
        }
    }
    let cands: Vec<(u32, f32)> = if rest.is_empty() {
        (0..ix.entries.len() as u32)
            .map(|p| (p, rel[p as usize]))
            .collect()
    } else {
        text_scores(ix, &rest.join(" "))
            .unwrap_or_default()
            .into_iter()
            .map(|(p, _)| (p, rel[p as usize]))
            .collect()
    };
    cands
}

/// One pass over the candidates with one set of filters.
struct Pass<'a> {
    ix: &'a FacetIndex,
    q: &'a SearchQuery,
    f: Situation,
    route: Route,
    lang_bit: Option<u64>,
    muni_ix: Option<u16>,
    county_ix: Option<u16>,
    fast_origin: Option<Origin>,
}

impl Pass<'_> {
    fn run(
        &self,
        text: Option<Vec<(u32, f32)>>,
        moment: &Moment,
        sched_open: &mut [Option<bool>],
    ) -> Vec<Candidate> {
        let ix = self.ix;
        let q = self.q;
        let route = self.route;
        let groups = if self.f.groups != 0 {
            self.f.groups | Group::Everyone.bit()
        } else {
            0
        };
        let (needs, forms) = (self.f.needs, self.f.forms);
        let kinds: u32 = q.agency_kinds.iter().fold(0, |a, k| a | k.bit());
        let best_text = text
            .as_ref()
            .map(|m| m.iter().map(|x| x.1).fold(0.0f32, f32::max))
            .unwrap_or(0.0);
        let mut out = Vec::new();
        let mut consider = |pos: u32, e: &Entry, rel: Option<f32>| {
            if groups != 0 && e.groups & groups == 0 {
                return;
            }
            if e.needs & needs != needs || e.forms & forms != forms {
                return;
            }
            if kinds != 0 && kinds & (1 << e.kind) == 0 {
                return;
            }
            if let Some(b) = self.lang_bit {
                // Speaks the language, or must offer an interpreter.
                if e.langs & b == 0 && route.interpreter & (1 << e.kind) == 0 {
                    return;
                }
            }
            if let Some(m) = self.muni_ix {
                if !ix.covers(e, m, self.county_ix) {
                    return;
                }
            }
            let reachable = e.flags & FLAG_REACHABLE != 0;
            let open = reachable
                && (e.flags & FLAG_ALWAYS_OPEN != 0 || {
                    let slot = &mut sched_open[e.sched as usize];
                    *slot.get_or_insert_with(|| ix.schedules[e.sched as usize].is_open_at(moment))
                });
            if q.open_now && !open {
                return;
            }
            let distance = match (self.fast_origin, e.lat.is_nan()) {
                (Some(o), false) => Some(o.approx_km(e.lat, e.lon)),
                _ => None,
            };
            // Reachable now and primary first, then how well the words
            // match, then how local and near. A website alone is never help now.
            let mut score = 0.0;
            if open {
                score += 200.0;
            } else if !reachable {
                score -= 50.0;
            }
            score += match route.fit(e.kind, e.needs, e.groups) {
                Fit::Primary => 100.0,
                Fit::Secondary => 40.0,
                Fit::Neutral => 0.0,
                Fit::OutOfPlace => -400.0,
            };
            if let (Some(r), true) = (rel, best_text > 0.0) {
                score += 60.0 * (r / best_text).clamp(0.0, 1.0) as f64;
            }
            if self.muni_ix.is_some() {
                score += match e.area {
                    Area::Munis { .. } => 30.0,
                    Area::County(_) => 20.0,
                    Area::National => 10.0,
                };
            }
            if let Some(d) = distance {
                score += 30.0 / (1.0 + d / 20.0);
            }
            if e.flags & FLAG_VERIFIED != 0 {
                score += 1.0;
            }
            out.push(Candidate {
                pos,
                score,
                distance,
                reachable_now: open,
            });
        };
        match &text {
            Some(m) => {
                for &(pos, rel) in m {
                    consider(pos, &ix.entries[pos as usize], Some(rel));
                }
            }
            None => {
                for (pos, e) in ix.entries.iter().enumerate() {
                    consider(pos as u32, e, None);
                }
            }
        }
        out
    }
}

fn service_by_rowid(conn: &Connection, rowid: u32) -> Result<Service> {
    let body: String = conn
        .prepare_cached(
            "SELECT r.body FROM svc s JOIN records r ON r.kind = 'service' AND r.id = s.id WHERE s.rowid = ?1",
        )?
        .query_row([rowid], |r| r.get(0))?;
    Ok(serde_json::from_str(&body)?)
}

pub fn organization(conn: &Connection, id: &str) -> Result<Option<Organization>> {
    let body: Option<String> = conn
        .prepare_cached("SELECT body FROM records WHERE kind = 'organization' AND id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    Ok(match body {
        Some(b) => Some(serde_json::from_str(&b)?),
        None => None,
    })
}

fn phone_hits(
    p: &index::ParsedService,
    service_open: bool,
    at: DateTime<Utc>,
    lang: Lang,
) -> Vec<PhoneHit> {
    p.service
        .phones
        .iter()
        .zip(&p.phone_hours)
        .map(|(ph, hours)| PhoneHit {
            number: ph.number.clone(),
            kind: ph.kind,
            label: ph.label.as_ref().map(|t| t.get(lang).to_string()),
            open_now: Some(
                hours
                    .as_ref()
                    .map(|h| h.is_open(at))
                    .unwrap_or(service_open),
            ),
        })
        .collect()
}

fn area_label(ix: &FacetIndex, e: &Entry, lang: Lang) -> String {
    match e.area {
        Area::National => match lang {
            Lang::Sv => "Hela Sverige".to_string(),
            Lang::En => "All of Sweden".to_string(),
        },
        Area::County(c) => {
            let code = &ix.counties[c as usize];
            ix.municipalities
                .iter()
                .find(|m| &m.county_code == code)
                .map(|m| m.county_name.clone())
                .unwrap_or(code.clone())
        }
        Area::Munis { start, len } => ix.area_munis[start as usize..start as usize + len as usize]
            .iter()
            .map(|&m| ix.municipalities[m as usize].name.as_str())
            .collect::<Vec<_>>()
            .join(", "),
    }
}

fn build_hit(
    p: &index::ParsedService,
    ix: &FacetIndex,
    e: &Entry,
    distance: Option<f64>,
    status: OpenStatus,
    at: DateTime<Utc>,
    lang: Lang,
) -> ServiceHit {
    let (s, org) = (&p.service, p.org.as_ref());
    let sched = &ix.schedules[e.sched as usize];
    let reachable = e.flags & FLAG_REACHABLE != 0;
    let phones = phone_hits(p, status.open && reachable, at, lang);
    let (open_channel, open_text) = channel_text(p, sched, &phones, &status, reachable, at, lang);
    ServiceHit {
        id: s.id.clone(),
        name: s.name.get(lang).to_string(),
        organization: org
            .map(|o| o.name.clone())
            .unwrap_or_else(|| s.organization.clone()),
        agency_kind: org.map(|o| o.agency_kind).unwrap_or(AgencyKind::Other),
        municipalities: ix.area_codes(e),
        national: e.flags & FLAG_NATIONAL != 0,
        area: area_label(ix, e, lang),
        county: match e.area {
            Area::County(c) => Some(ix.counties[c as usize].clone()),
            _ => None,
        },
        groups: s.groups.clone(),
        needs: s.needs.clone(),
        forms: s.forms.clone(),
        phones,
        open_now: Some(status.open && reachable),
        next_change: if reachable { status.next_change } else { None },
        open_text,
        reachable,
        open_channel,
        always_open: reachable && sched.always_open(),
        on_call: sched.on_call(),
        distance_km: distance.map(|d| (d * 10.0).round() / 10.0),
        distance_approximate: distance.is_some() && e.flags & index::FLAG_POS_APPROX != 0,
        verified: e.flags & FLAG_VERIFIED != 0,
        demo: e.flags & FLAG_DEMO != 0,
        web: s.web.clone(),
    }
}

/// Which channel can be used now, and the line to show: "Ring nu · jour
/// till 08:00", "Chatt öppen till 22:00"; the service's status when none is
/// open; "information only" when it has no phone or chat at all.
fn channel_text(
    p: &index::ParsedService,
    sched: &Schedule,
    phones: &[PhoneHit],
    status: &OpenStatus,
    reachable: bool,
    at: DateTime<Utc>,
    lang: Lang,
) -> (Option<PhoneKind>, String) {
    let sv = lang == Lang::Sv;
    if !reachable {
        let t = if sv {
            "Endast information (webb/e-post) – ingen telefon eller chatt"
        } else {
            "Information only (web/e-mail) – no phone or chat"
        };
        return (None, t.to_string());
    }
    if !status.open {
        return (None, status.text.clone());
    }
    let pick = [PhoneKind::Voice, PhoneKind::Sms, PhoneKind::Chat]
        .into_iter()
        .find_map(|k| {
            phones
                .iter()
                .zip(&p.phone_hours)
                .find(|(h, _)| h.kind == k && h.open_now == Some(true))
                .map(|(h, own)| (k, own.as_ref().unwrap_or(sched), h))
        });
    let Some((kind, hours, _)) = pick else {
        return (None, status.text.clone());
    };
    let verb = match (kind, sv) {
        (PhoneKind::Voice, true) => "Ring nu",
        (PhoneKind::Voice, false) => "Call now",
        (PhoneKind::Sms, true) => "Sms nu",
        (PhoneKind::Sms, false) => "Text now",
        (PhoneKind::Chat, true) => "Chatt öppen",
        (PhoneKind::Chat, false) => "Chat open",
    };
    let until = if hours.always_open() {
        Some(if sv { "dygnet runt" } else { "24/7" }.to_string())
    } else {
        hours
            .change_text(at, lang)
            .map(|t| match (hours.on_call(), sv) {
                (true, true) => format!("jour till {t}"),
                (true, false) => format!("on call until {t}"),
                (false, true) => format!("öppet till {t}"),
                (false, false) => format!("open until {t}"),
            })
    };
    let text = match (kind, until) {
        (PhoneKind::Chat, Some(u)) => format!(
            "{verb} {}",
            u.trim_start_matches("öppet ").trim_start_matches("open ")
        ),
        (_, Some(u)) => format!("{verb} · {u}"),
        (_, None) => verb.to_string(),
    };
    (Some(kind), text)
}

/// The parsed service, organization and phone hours of an entry, cached in the index.
fn parsed(conn: &Connection, ix: &FacetIndex, rowid: u32) -> Result<index::Parsed> {
    if let Some(p) = ix
        .parsed
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .get(&rowid)
    {
        return Ok(p.clone());
    }
    let service = service_by_rowid(conn, rowid)?;
    let org = organization(conn, &service.organization)?;
    let phone_hours = service
        .phones
        .iter()
        .map(|p| p.hours.as_deref().and_then(|h| Schedule::parse(h).ok()))
        .collect();
    let p = std::sync::Arc::new(index::ParsedService {
        service,
        org,
        phone_hours,
    });
    ix.parsed
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(rowid, p.clone());
    Ok(p)
}

/// Open status per schedule, computed at most once per query.
struct Statuses<'a> {
    ix: &'a FacetIndex,
    at: DateTime<Utc>,
    lang: Lang,
    done: Vec<Option<OpenStatus>>,
}

impl<'a> Statuses<'a> {
    fn new(ix: &'a FacetIndex, at: DateTime<Utc>, lang: Lang) -> Statuses<'a> {
        Statuses {
            ix,
            at,
            lang,
            done: vec![None; ix.schedules.len()],
        }
    }
    fn get(&mut self, sched: u16) -> OpenStatus {
        let (ix, at, lang) = (self.ix, self.at, self.lang);
        self.done[sched as usize]
            .get_or_insert_with(|| ix.schedules[sched as usize].status(at, lang))
            .clone()
    }
}

fn load_hit(
    conn: &Connection,
    st: &mut Statuses,
    e: &Entry,
    distance: Option<f64>,
) -> Result<ServiceHit> {
    let p = parsed(conn, st.ix, e.rowid)?;
    let status = st.get(e.sched);
    Ok(build_hit(&p, st.ix, e, distance, status, st.at, st.lang))
}

/// One service in full.
pub fn show(
    conn: &Connection,
    ix: &FacetIndex,
    id: &str,
    at: Option<DateTime<Utc>>,
    near: Option<(f64, f64)>,
    lang: Lang,
) -> Result<ServiceDetail> {
    let at = at.unwrap_or_else(Utc::now);
    let rowid: Option<i64> = conn
        .prepare_cached("SELECT rowid FROM svc WHERE id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    let rowid = rowid.ok_or_else(|| Error::NotFound(format!("no service with id '{id}'")))? as u32;
    let e = ix
        .entry(rowid)
        .ok_or_else(|| Error::Storage("the search index is out of date".into()))?;
    let p = parsed(conn, ix, rowid)?;
    let (s, org) = (&p.service, &p.org);
    let distance = match (near, e.lat.is_nan()) {
        (Some(o), false) => Some(haversine_km(o, (e.lat as f64, e.lon as f64))),
        _ => None,
    };
    let sched = &ix.schedules[e.sched as usize];
    let hit = build_hit(&p, ix, e, distance, sched.status(at, lang), at, lang);
    Ok(ServiceDetail {
        description: s.description.get(lang).to_string(),
        role: org
            .as_ref()
            .map(|o| o.role.get(lang).to_string())
            .unwrap_or_default(),
        agency_kind_label: hit.agency_kind.label(lang).to_string(),
        hours: s.hours.clone(),
        schedule: if hit.reachable {
            sched.describe(lang)
        } else {
            vec![match lang {
                Lang::Sv => "Inga öppettider: endast information (ingen telefon eller chatt)",
                Lang::En => "No hours: information only (no phone or chat)",
            }
            .to_string()]
        },
        languages: s.languages.clone(),
        email: s.email.clone(),
        address: if s.confidential_address {
            None
        } else {
            s.location.as_ref().and_then(|l| l.address.clone())
        },
        confidential_address: s.confidential_address,
        verified_on: s.verified_on,
        source: s.source.clone(),
        tags: s.tags.clone(),
        hit,
    })
}

/// A text to show for the unverified mark, wherever a service is shown.
pub fn unverified_mark(hit: &ServiceHit, lang: Lang) -> Option<&'static str> {
    match (hit.demo, hit.verified, lang) {
        (true, _, Lang::Sv) => Some("DEMO – ej verifierad"),
        (true, _, Lang::En) => Some("DEMO – unverified"),
        (false, false, Lang::Sv) => Some("Ej verifierad"),
        (false, false, Lang::En) => Some("Unverified"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{Fyr, OpenOptions};
    use crate::vocab::Need;

    fn open() -> (tempfile::TempDir, Fyr) {
        let d = tempfile::tempdir().unwrap();
        let f = Fyr::open_with_bundle(
            OpenOptions {
                data_dir: d.path().into(),
                key: None,
                lang: Lang::Sv,
            },
            &|| {
                let records = crate::feed::directory_records(&fixture::directory());
                Ok(crate::store::Bundle {
                    position: Default::default(),
                    records,
                })
            },
        )
        .unwrap();
        (d, f)
    }

    fn ids(h: &[ServiceHit]) -> Vec<&str> {
        h.iter().map(|h| h.id.as_str()).collect()
    }

    #[test]
    fn folded_text_and_prefixes_match() {
        let (_d, f) = open();
        // A Wednesday morning: the offices are open (at night the line that
        // always answers goes above a closed office).
        let wed = "2026-02-11T10:00:00+01:00"
            .parse::<DateTime<Utc>>()
            .unwrap();
        let q = |t: &str| SearchQuery {
            text: Some(t.into()),
            at: Some(wed),
            ..Default::default()
        };
        let a = f.search(&q("vald")).unwrap();
        let b = f.search(&q("våld")).unwrap();
        assert_eq!(ids(&a), ids(&b));
        assert!(ids(&a).contains(&"ljungby-socialtjanst"));
        let c = f.search(&q("OSTERSUND")).unwrap();
        assert_eq!(c[0].id, "ostersund-socialtjanst");
        let d = f.search(&q("kvinnoj")).unwrap();
        assert_eq!(d[0].id, "ljungby-kvinnojour");
        assert!(f.search(&q("xyzzy")).unwrap().iter().all(|h| h.national));
    }

    #[test]
    fn municipality_filter_covers_local_county_and_national() {
        let (_d, f) = open();
        for spelling in ["Växjö", "vaxjo", "VAXJO", "0780", "Växjö kommun"] {
            let h = f
                .search(&SearchQuery {
                    municipality: Some(spelling.into()),
                    ..Default::default()
                })
                .unwrap();
            let mut got = ids(&h);
            got.sort();
            assert_eq!(
                got,
                vec![
                    "barnahus-kronoberg",
                    "kvinnofridslinjen",
                    "ljungby-kvinnojour"
                ],
                "{spelling}"
            );
        }
        let e = f
            .search(&SearchQuery {
                municipality: Some("Atlantis".into()),
                ..Default::default()
            })
            .unwrap_err();
        assert_eq!(e.kind(), crate::ErrorKind::InvalidInput);
        assert!(e.to_string().contains("'Atlantis'"));
    }

    #[test]
    fn filters_and_the_24_7_line_rule() {
        let (_d, f) = open();
        let h = f
            .search(&SearchQuery {
                needs: vec![Need::ProtectedHousing],
                ..Default::default()
            })
            .unwrap();
        // The line that always answers is in every list, whatever the filters.
        assert_eq!(ids(&h), vec!["ljungby-kvinnojour", "kvinnofridslinjen"]);
        // A limit of one, with a local 24/7 service ranked first: the national line still shows.
        let h = f
            .search(&SearchQuery {
                municipality: Some("Ljungby".into()),
                needs: vec![Need::TalkNow],
                limit: 1,
                ..Default::default()
            })
            .unwrap();
        assert_eq!(ids(&h), vec!["kvinnofridslinjen"]);
        let h = f
            .search(&SearchQuery {
                municipality: Some("Ljungby".into()),
                needs: vec![Need::TalkNow],
                ..Default::default()
            })
            .unwrap();
        assert_eq!(
            ids(&h)[0],
            "ljungby-kvinnojour",
            "local and open ranks first"
        );
        assert!(ids(&h).contains(&"kvinnofridslinjen"));
    }

    #[test]
    fn distance_from_a_position_or_the_municipality() {
        let (_d, f) = open();
        let h = f
            .search(&SearchQuery {
                near: Some((63.18, 14.64)),
                ..Default::default()
            })
            .unwrap();
        let ost = h.iter().find(|h| h.id == "ostersund-socialtjanst").unwrap();
        assert!(ost.distance_km.unwrap() < 2.0);
        let lj = h.iter().find(|h| h.id == "ljungby-socialtjanst").unwrap();
        assert!(lj.distance_km.unwrap() > 600.0);
        assert!(h.iter().find(|h| h.national).unwrap().distance_km.is_none());
    }

    #[test]
    fn show_gives_details_and_unknown_ids_are_not_found() {
        let (_d, f) = open();
        let s = f.show("kvinnofridslinjen", None, None).unwrap();
        assert_eq!(s.hit.phones[0].number, "020-50 50 50");
        assert!(s.hit.verified && !s.hit.demo && s.hit.national);
        assert_eq!(
            f.show("nope", None, None).unwrap_err().kind(),
            crate::ErrorKind::NotFound
        );
        let j = serde_json::to_value(&s).unwrap();
        for k in [
            "id",
            "name",
            "organization",
            "agency_kind",
            "municipalities",
            "national",
            "groups",
            "needs",
            "forms",
            "phones",
            "open_now",
            "next_change",
            "distance_km",
            "verified",
            "demo",
            "role",
            "verified_on",
            "source",
        ] {
            assert!(j.get(k).is_some(), "missing {k}");
        }
    }
}
