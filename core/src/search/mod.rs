//! Offline search over the directory: free text (FTS5 over folded text, so
//! "vald" finds "våld"; prefix matching as the user types), filters
//! (municipality in any spelling or by code, group, need, violence form,
//! language, open now) and ranking that puts what can help now and nearby
//! first, always keeping a 24/7 national line when the filters allow one.

#[cfg(test)]
pub(crate) mod fixture;
pub mod index;

use crate::error::{Error, Result};
use crate::model::{Municipality, Organization, PhoneKind, Service};
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
    /// Ready to display: "Öppet nu · stänger 16:00", "Closed · opens Mon 08:00" …
    pub open_text: String,
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
            None => return Ok(Vec::new()),
        },
        None => None,
    };
    let groups: u32 = q.groups.iter().fold(0, |a, g| a | g.bit());
    let groups = if groups != 0 {
        groups | Group::Everyone.bit()
    } else {
        0
    };
    let needs: u32 = q.needs.iter().fold(0, |a, n| a | n.bit());
    let forms: u32 = q.forms.iter().fold(0, |a, f| a | f.bit());
    let kinds: u32 = q.agency_kinds.iter().fold(0, |a, k| a | k.bit());

    let text = match &q.text {
        Some(t) if !t.trim().is_empty() => text_scores(ix, t),
        _ => None,
    };
    let best_text = text
        .as_ref()
        .map(|m| m.iter().map(|x| x.1).fold(0.0f32, f32::max))
        .unwrap_or(0.0);
    let moment = Moment::new(at);
    let mut sched_open: Vec<Option<bool>> = vec![None; ix.schedules.len()];

    let mut consider = |pos: u32, e: &Entry, rel: Option<f32>, out: &mut Vec<Candidate>| {
        if groups != 0 && e.groups & groups == 0 {
            return;
        }
        if e.needs & needs != needs || e.forms & forms != forms {
            return;
        }
        if kinds != 0 && kinds & (1 << e.kind) == 0 {
            return;
        }
        if let Some(b) = lang_bit {
            if e.langs & b == 0 {
                return;
            }
        }
        if let Some(m) = muni_ix {
            if !ix.covers(e, m, county_ix) {
                return;
            }
        }
        let open = e.flags & FLAG_ALWAYS_OPEN != 0 || {
            let slot = &mut sched_open[e.sched as usize];
            *slot.get_or_insert_with(|| ix.schedules[e.sched as usize].is_open_at(&moment))
        };
        if q.open_now && !open {
            return;
        }
        let distance = match (fast_origin, e.lat.is_nan()) {
            (Some(o), false) => Some(o.approx_km(e.lat, e.lon)),
            _ => None,
        };
        // What can help now first, then how well the words match, then how local and near.
        // (A website alone is always "open" but is not help now.)
        let mut score = 0.0;
        if open && e.flags & FLAG_REACHABLE != 0 {
            score += 100.0;
        }
        if let (Some(r), true) = (rel, best_text > 0.0) {
            score += 60.0 * (r / best_text).clamp(0.0, 1.0) as f64;
        }
        if muni_ix.is_some() {
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
        });
    };

    let mut cands: Vec<Candidate> = Vec::new();
    match &text {
        Some(m) => {
            for &(pos, rel) in m {
                consider(pos, &ix.entries[pos as usize], Some(rel), &mut cands);
            }
        }
        None => {
            for (pos, e) in ix.entries.iter().enumerate() {
                consider(pos as u32, e, None, &mut cands);
            }
        }
    }

    let is_national_24_7 = |c: &Candidate| {
        let want = FLAG_NATIONAL | FLAG_ALWAYS_OPEN | FLAG_REACHABLE;
        ix.entries[c.pos as usize].flags & want == want
    };
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
    // The best-ranked 24/7 national line among the candidates, if any: it is always shown.
    let best_line = cands
        .iter()
        .filter(|c| is_national_24_7(c))
        .min_by(|a, b| order(a, b))
        .map(|c| c.pos);
    if cands.len() > limit {
        cands.select_nth_unstable_by(limit - 1, order);
        cands.truncate(limit);
    }
    cands.sort_by(order);
    if let Some(line) = best_line {
        if !cands.iter().any(is_national_24_7) {
            if cands.len() >= limit {
                cands.pop();
            }
            cands.push(Candidate {
                pos: line,
                score: 0.0,
                distance: None,
            });
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
        phones: phone_hits(p, status.open, at, lang),
        open_now: Some(status.open),
        next_change: status.next_change,
        open_text: status.text,
        always_open: sched.always_open(),
        on_call: sched.on_call(),
        distance_km: distance.map(|d| (d * 10.0).round() / 10.0),
        distance_approximate: distance.is_some() && e.flags & index::FLAG_POS_APPROX != 0,
        verified: e.flags & FLAG_VERIFIED != 0,
        demo: e.flags & FLAG_DEMO != 0,
        web: s.web.clone(),
    }
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
        schedule: sched.describe(lang),
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
        let q = |t: &str| SearchQuery {
            text: Some(t.into()),
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
        assert_eq!(ids(&h), vec!["ljungby-kvinnojour"]);
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
