//! Offline search over the directory: free text (FTS5 over folded text, so
//! "vald" finds "våld"; prefix matching as the user types), filters
//! (municipality in any spelling or by code, group, need, violence form,
//! language, open now) and ranking that puts what can help now and nearby
//! first, always keeping a 24/7 national line when the filters allow one.

#[doc(hidden)]
pub mod fixture;
pub mod index;

use crate::error::{Error, Result};
use crate::model::{Municipality, Organization, PhoneKind, Service};
use crate::schedule::{Moment, Schedule};
use crate::text::{fold, tokens};
use crate::vocab::{AgencyKind, Form, Group, Lang, Need};
use chrono::{DateTime, Utc};
use index::{Area, Entry, FacetIndex, FLAG_ALWAYS_OPEN, FLAG_DEMO, FLAG_NATIONAL, FLAG_VERIFIED};
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use std::collections::HashMap;

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
    pub area: String,
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
    munis.iter().find(|m| {
        let n = fold(&m.name);
        n == f || n == f2
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
            .map(|m| format!("{} {}", m.name, m.county_name))
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

/// The FTS5 MATCH expression for typed text: every token as a prefix.
fn match_expr(text: &str, op: &str) -> Option<String> {
    let toks = tokens(text);
    if toks.is_empty() {
        return None;
    }
    Some(
        toks.iter()
            .map(|t| format!("\"{t}\"*"))
            .collect::<Vec<_>>()
            .join(op),
    )
}

fn text_matches(conn: &Connection, text: &str) -> Result<Option<HashMap<u32, f64>>> {
    let Some(and) = match_expr(text, " AND ") else {
        return Ok(None);
    };
    let run = |expr: &str| -> Result<HashMap<u32, f64>> {
        let mut st = conn.prepare_cached(
            "SELECT rowid, bm25(svc_fts, 5.0, 3.0, 2.0, 3.0, 1.0) FROM svc_fts WHERE svc_fts MATCH ?1",
        )?;
        let rows = st.query_map([expr], |r| {
            Ok((r.get::<_, i64>(0)? as u32, r.get::<_, f64>(1)?))
        })?;
        Ok(rows.collect::<std::result::Result<_, _>>()?)
    };
    let mut m = run(&and)?;
    if m.is_empty() {
        // Tolerate one word too many: fall back to any of the words.
        if let Some(or) = match_expr(text, " OR ") {
            if or != and {
                m = run(&or)?;
            }
        }
    }
    Ok(Some(m))
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
    open: bool,
    distance: Option<f64>,
}

/// Runs a query. `ix` is the facet index of the same content as `conn`.
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
        Some(t) if !t.trim().is_empty() => text_matches(conn, t)?,
        _ => None,
    };
    let best_bm25 = text
        .as_ref()
        .map(|m| m.values().cloned().fold(0.0f64, f64::min))
        .unwrap_or(0.0);
    let moment = Moment::new(at);
    let mut sched_open: Vec<Option<bool>> = vec![None; ix.schedules.len()];

    let mut consider = |pos: u32, e: &Entry, bm25: Option<f64>, out: &mut Vec<Candidate>| {
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
        let distance = match (origin, e.lat.is_nan()) {
            (Some(o), false) => Some(haversine_km(o, (e.lat as f64, e.lon as f64))),
            _ => None,
        };
        let mut score = 0.0;
        if open {
            score += 100.0;
        }
        if let Some(b) = bm25 {
            // bm25 is negative, lower is better; scale to 0..60 against the best hit.
            if best_bm25 < 0.0 {
                score += 60.0 * (b / best_bm25).clamp(0.0, 1.0);
            }
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
            open,
            distance,
        });
    };

    let mut cands: Vec<Candidate> = Vec::new();
    match &text {
        Some(m) => {
            for (rowid, bm25) in m {
                if let Some(&pos) = ix.by_rowid.get(rowid) {
                    consider(pos, &ix.entries[pos as usize], Some(*bm25), &mut cands);
                }
            }
        }
        None => {
            for (pos, e) in ix.entries.iter().enumerate() {
                consider(pos as u32, e, None, &mut cands);
            }
        }
    }

    // Keep the 24/7 national line best ranked among the candidates, if any.
    let is_national_24_7 = |c: &Candidate| {
        ix.entries[c.pos as usize].flags & (FLAG_NATIONAL | FLAG_ALWAYS_OPEN)
            == FLAG_NATIONAL | FLAG_ALWAYS_OPEN
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
            let e = &ix.entries[line as usize];
            let c = Candidate {
                pos: line,
                score: 0.0,
                open: true,
                distance: None,
            };
            let _ = e;
            if cands.len() >= limit {
                cands.pop();
            }
            cands.push(c);
        }
    }
    cands
        .iter()
        .map(|c| {
            load_hit(
                conn,
                ix,
                &ix.entries[c.pos as usize],
                c.open,
                c.distance,
                at,
                lang,
            )
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

fn phone_hits(s: &Service, service_open: bool, at: DateTime<Utc>, lang: Lang) -> Vec<PhoneHit> {
    s.phones
        .iter()
        .map(|p| PhoneHit {
            number: p.number.clone(),
            kind: p.kind,
            label: p.label.as_ref().map(|t| t.get(lang).to_string()),
            open_now: Some(match &p.hours {
                Some(h) => Schedule::parse(h)
                    .map(|s| s.is_open(at))
                    .unwrap_or(service_open),
                None => service_open,
            }),
        })
        .collect()
}

fn build_hit(
    s: &Service,
    org: Option<&Organization>,
    ix: &FacetIndex,
    e: &Entry,
    distance: Option<f64>,
    at: DateTime<Utc>,
    lang: Lang,
) -> ServiceHit {
    let sched = &ix.schedules[e.sched as usize];
    let status = sched.status(at, lang);
    ServiceHit {
        id: s.id.clone(),
        name: s.name.get(lang).to_string(),
        organization: org
            .map(|o| o.name.clone())
            .unwrap_or_else(|| s.organization.clone()),
        agency_kind: org.map(|o| o.agency_kind).unwrap_or(AgencyKind::Other),
        municipalities: ix.area_codes(e),
        national: e.flags & FLAG_NATIONAL != 0,
        county: match e.area {
            Area::County(c) => Some(ix.counties[c as usize].clone()),
            _ => None,
        },
        groups: s.groups.clone(),
        needs: s.needs.clone(),
        forms: s.forms.clone(),
        phones: phone_hits(s, status.open, at, lang),
        open_now: Some(status.open),
        next_change: status.next_change,
        open_text: status.text,
        always_open: sched.always_open(),
        on_call: sched.on_call(),
        distance_km: distance.map(|d| (d * 10.0).round() / 10.0),
        verified: e.flags & FLAG_VERIFIED != 0,
        demo: e.flags & FLAG_DEMO != 0,
        web: s.web.clone(),
    }
}

fn load_hit(
    conn: &Connection,
    ix: &FacetIndex,
    e: &Entry,
    _open: bool,
    distance: Option<f64>,
    at: DateTime<Utc>,
    lang: Lang,
) -> Result<ServiceHit> {
    let s = service_by_rowid(conn, e.rowid)?;
    let org = organization(conn, &s.organization)?;
    Ok(build_hit(&s, org.as_ref(), ix, e, distance, at, lang))
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
    let s = service_by_rowid(conn, rowid)?;
    let org = organization(conn, &s.organization)?;
    let distance = match (near, e.lat.is_nan()) {
        (Some(o), false) => Some(haversine_km(o, (e.lat as f64, e.lon as f64))),
        _ => None,
    };
    let hit = build_hit(&s, org.as_ref(), ix, e, distance, at, lang);
    let sched = &ix.schedules[e.sched as usize];
    let area = match &s.area {
        crate::model::ServiceArea::National => match lang {
            Lang::Sv => "Hela Sverige".to_string(),
            Lang::En => "All of Sweden".to_string(),
        },
        crate::model::ServiceArea::County { code } => ix
            .municipalities
            .iter()
            .find(|m| &m.county_code == code)
            .map(|m| m.county_name.clone())
            .unwrap_or_else(|| code.clone()),
        crate::model::ServiceArea::Municipalities { codes } => codes
            .iter()
            .map(|c| {
                ix.municipalities
                    .iter()
                    .find(|m| &m.code == c)
                    .map(|m| m.name.clone())
                    .unwrap_or(c.clone())
            })
            .collect::<Vec<_>>()
            .join(", "),
    };
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
        area,
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
                let records = crate::bundle::directory_records(&fixture::directory())?;
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
