//! The compact in-memory facet index: one small fixed record per service with
//! its filters as bit sets, area, position and schedule, and the text index
//! (folded terms and postings, [`super::text_index`]). It is built whenever
//! content changes and stored as one blob in directory.db; at open the
//! records are read from the blob and the text index is used where it lies.

use crate::error::{Error, Result};
use crate::model::{Municipality, Organization, Service, ServiceArea};
use crate::schedule::Schedule;
use crate::vocab::AgencyKind;
use std::collections::HashMap;

pub const FLAG_NATIONAL: u8 = 1;
pub const FLAG_VERIFIED: u8 = 2;
pub const FLAG_DEMO: u8 = 4;
pub const FLAG_ALWAYS_OPEN: u8 = 8;
/// The service can be phoned, texted or chatted with (not only a website).
pub const FLAG_REACHABLE: u8 = 16;
/// The position is a municipality's centre, not the service's own (shelters, entries without coordinates).
pub const FLAG_POS_APPROX: u8 = 32;

/// Where a service is offered, in index terms.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Area {
    National,
    /// Index into `FacetIndex::counties`.
    County(u16),
    /// A range of `FacetIndex::area_munis` (indices into `municipalities`).
    Munis {
        start: u32,
        len: u16,
    },
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Entry {
    /// The rowid of the service in `svc` / `svc_fts`.
    pub rowid: u32,
    pub kind: u8,
    pub groups: u32,
    pub needs: u32,
    pub forms: u32,
    /// Bits into `FacetIndex::languages`.
    pub langs: u64,
    pub flags: u8,
    pub area: Area,
    /// Position for distance, NaN when none is known.
    pub lat: f32,
    pub lon: f32,
    /// Index into `FacetIndex::schedules`.
    pub sched: u16,
}

#[derive(Debug, Default)]
pub struct FacetIndex {
    /// One record per service, in service-id order ([`super::entry`]).
    pub entries: super::entry::Entries,
    pub area_munis: Vec<u16>,
    pub municipalities: Vec<Municipality>,
    pub counties: Vec<String>,
    pub languages: Vec<String>,
    pub schedule_specs: Vec<String>,
    pub schedules: Vec<Schedule>,
    /// rowid → position in `entries`, made at its first use (not at open:
    /// a query does not need it); shared by the index an edit in place
    /// makes (rowids and positions stay), not copied at every change.
    pub(crate) by_rowid: std::sync::OnceLock<std::sync::Arc<HashMap<u32, u32>>>,
    /// The entries by place, made at the first query ranked by distance
    /// ([`super::grid`]); an index with other entries is a new index.
    pub(crate) grid: std::sync::OnceLock<super::grid::Grid>,
    /// The entries by kind, schedule and reach, made at the first query
    /// ranked with no distance ([`super::grid::Grid::by_class`]).
    pub(crate) classes: std::sync::OnceLock<super::grid::Grid>,
    /// The text index (folded terms and their postings), shared with the
    /// index before an in-place edit, and the edits since (see
    /// [`super::postings`]).
    pub text: std::sync::Arc<super::postings::TextIndex>,
    pub overlay: super::postings::Overlay,
    /// Services and organizations parsed for display, by rowid; lives and
    /// dies with this index (a content change builds a new index).
    pub parsed: std::sync::Mutex<HashMap<u32, Parsed>>,
    /// The routing model and lexicon of the same content (not part of the
    /// blob: attached from the records when the index is loaded or built).
    pub routing: Option<std::sync::Arc<RoutingState>>,
}

/// The routing model and lexicon, with the entry positions of the lines
/// that always answer.
#[derive(Debug)]
pub struct RoutingState {
    pub routing: std::sync::Arc<crate::routing::Routing>,
    pub lexicon: std::sync::Arc<crate::routing::Lexicon>,
    /// Line service id → position in `entries`.
    pub line_pos: HashMap<String, u32>,
}

/// A service, its organization and its phones' own hours, parsed for display.
#[derive(Debug)]
pub struct ParsedService {
    pub service: Service,
    pub org: Option<Organization>,
    pub phone_hours: Vec<Option<Schedule>>,
}

impl ParsedService {
    /// A service and its organization, with its phones' own hours parsed.
    pub fn new(service: Service, org: Option<Organization>) -> ParsedService {
        let phone_hours = service
            .phones
            .iter()
            .map(|p| p.hours.as_deref().and_then(|h| Schedule::parse(h).ok()))
            .collect();
        ParsedService {
            service,
            org,
            phone_hours,
        }
    }
}

pub type Parsed = std::sync::Arc<ParsedService>;

pub const FIELD_NAME: u8 = 1;
pub const FIELD_ORG: u8 = 2;
pub const FIELD_PLACE: u8 = 4;
pub const FIELD_TAGS: u8 = 8;
pub const FIELD_BODY: u8 = 16;

/// Relevance of a term found in these fields.
#[inline]
pub fn field_weight(fields: u8) -> f32 {
    let mut w = 0.0;
    if fields & FIELD_NAME != 0 {
        w += 5.0;
    }
    if fields & FIELD_ORG != 0 {
        w += 3.0;
    }
    if fields & FIELD_PLACE != 0 {
        w += 2.0;
    }
    if fields & FIELD_TAGS != 0 {
        w += 2.0;
    }
    if fields & FIELD_BODY != 0 {
        w += 1.0;
    }
    w
}

/// A term's fields by term. Hashed with foldhash (already linked through
/// hashbrown): a load hashes every term of every service, and std's
/// SipHash, which resists flooding by hostile keys, is several times
/// slower on these short ones (signed content, not hostile input).
pub(crate) type TermFields<'a> = HashMap<&'a str, u8, foldhash::fast::RandomState>;

/// The terms of a service's folded text fields (name, org, place, tags,
/// body) with the fields (`FIELD_*` bits) each occurs in.
pub(crate) fn term_fields(fields: &[String; 5]) -> TermFields<'_> {
    let mut seen = TermFields::default();
    for (f, text) in fields.iter().enumerate() {
        for tok in text.split(' ').filter(|t| !t.is_empty()) {
            *seen.entry(tok).or_insert(0) |= 1 << f;
        }
    }
    seen
}

/// What a read says when it met damage in the index file's chunks
/// ([`FacetIndex::damaged`]), or a change would copy from them.
pub(crate) fn chunk_damage() -> crate::error::Error {
    crate::error::Error::Damaged(
        "the search index is damaged (a chunk of its text or entries)".into(),
    )
}

impl FacetIndex {
    /// Whether a read so far met damage in the index file (a chunk of the
    /// text index or of the entries): the query that met it reports it,
    /// and the index is made again from the records (`Store::with_dir`).
    pub fn damaged(&self) -> bool {
        self.text.damaged() || self.entries.damaged()
    }

    pub fn muni_index(&self, code: &str) -> Option<u16> {
        self.municipalities
            .iter()
            .position(|m| m.code == code)
            .map(|i| i as u16)
    }
    pub fn county_index(&self, code: &str) -> Option<u16> {
        self.counties
            .iter()
            .position(|c| c == code)
            .map(|i| i as u16)
    }
    pub fn lang_bit(&self, lang: &str) -> Option<u64> {
        self.languages
            .iter()
            .position(|l| l == lang)
            .map(|i| 1u64 << i)
    }
    pub fn entry(&self, rowid: u32) -> Option<Entry> {
        self.position_of(rowid)
            .map(|i| self.entries.get(i as usize))
    }
    /// The position in `entries` of the service with this rowid.
    pub fn position_of(&self, rowid: u32) -> Option<u32> {
        self.by_rowid
            .get_or_init(|| {
                std::sync::Arc::new(
                    self.entries
                        .iter()
                        .enumerate()
                        .map(|(i, e)| (e.rowid, i as u32))
                        .collect(),
                )
            })
            .get(&rowid)
            .copied()
    }
    /// Municipality codes a service's area lists (empty for national/county).
    pub fn area_codes(&self, e: &Entry) -> Vec<String> {
        match e.area {
            Area::Munis { start, len } => self.area_munis
                [start as usize..start as usize + len as usize]
                .iter()
                .map(|&m| self.municipalities[m as usize].code.clone())
                .collect(),
            _ => Vec::new(),
        }
    }
    /// Does the service cover municipality `m` (index), itself in county `county` (index)?
    #[inline]
    pub fn covers(&self, e: &Entry, m: u16, county: Option<u16>) -> bool {
        match e.area {
            Area::National => true,
            Area::County(c) => Some(c) == county,
            Area::Munis { start, len } => {
                self.area_munis[start as usize..start as usize + len as usize].contains(&m)
            }
        }
    }

    /// Builds the index from services (with their rowids) and municipalities.
    /// The range of terms starting with `prefix`.
    /// `texts[i]` are the folded text fields (name, org, place, tags, body)
    /// of `services[i]`.
    pub fn build(
        municipalities: &[Municipality],
        services: &[(u32, Service)],
        texts: &[[String; 5]],
        kind_of: &dyn Fn(&str) -> Option<AgencyKind>,
    ) -> Result<FacetIndex> {
        let mut ix = FacetIndex {
            municipalities: municipalities.to_vec(),
            ..Default::default()
        };
        for m in municipalities {
            if !ix.counties.contains(&m.county_code) {
                ix.counties.push(m.county_code.clone());
            }
        }
        let mut sched_ix: HashMap<String, u16> = HashMap::new();
        let muni_pos = muni_positions(municipalities);
        for (rowid, s) in services {
            let e = ix.make_entry(
                *rowid,
                s,
                kind_of(&s.organization),
                &mut sched_ix,
                &muni_pos,
            )?;
            ix.entries.push(e);
        }
        ix.build_text(texts);
        ix.finish();
        Ok(ix)
    }

    /// The entries by place ([`super::grid`]), made at its first use.
    pub(crate) fn grid(&self) -> &super::grid::Grid {
        self.grid.get_or_init(|| super::grid::Grid::by_place(self))
    }

    /// The entries by class ([`super::grid::Grid::by_class`]), made at its
    /// first use.
    pub(crate) fn classes(&self) -> &super::grid::Grid {
        self.classes
            .get_or_init(|| super::grid::Grid::by_class(self))
    }

    /// An index with this one's tables (municipalities, counties, languages,
    /// schedules, area lists) and nothing else: what a change of some
    /// services starts from (`search::update`).
    pub(crate) fn tables_only(&self) -> FacetIndex {
        FacetIndex {
            municipalities: self.municipalities.clone(),
            counties: self.counties.clone(),
            languages: self.languages.clone(),
            schedule_specs: self.schedule_specs.clone(),
            schedules: self.schedules.clone(),
            area_munis: self.area_munis.clone(),
            ..Default::default()
        }
    }

    /// Schedule spec → its index in `schedule_specs` (for [`Self::make_entry`]).
    pub(crate) fn schedule_ix(&self) -> HashMap<String, u16> {
        self.schedule_specs
            .iter()
            .enumerate()
            .map(|(i, s)| (s.clone(), i as u16))
            .collect()
    }

    /// The entry of one service, adding its schedule, languages, county and
    /// area to the index's tables. `sched_ix` maps schedule specs to their
    /// index, `muni_pos` municipality codes to theirs.
    pub(crate) fn make_entry(
        &mut self,
        rowid: u32,
        s: &Service,
        kind: Option<AgencyKind>,
        sched_ix: &mut HashMap<String, u16>,
        muni_pos: &HashMap<&str, u16>,
    ) -> Result<Entry> {
        let sched = match sched_ix.get(&s.hours) {
            Some(&i) => i,
            None => {
                let parsed = Schedule::parse_or_never(&s.hours)
                    .map_err(|e| Error::Content(format!("service {}: {e}", s.id)))?;
                let i = self.schedules.len() as u16;
                self.schedules.push(parsed);
                self.schedule_specs.push(s.hours.clone());
                sched_ix.insert(s.hours.clone(), i);
                i
            }
        };
        let mut langs = 0u64;
        for l in &s.languages {
            let i = match self.languages.iter().position(|x| x == l) {
                Some(i) => i,
                None => {
                    self.languages.push(l.clone());
                    self.languages.len() - 1
                }
            };
            if i < 64 {
                langs |= 1 << i;
            }
        }
        let area = match &s.area {
            ServiceArea::National => Area::National,
            ServiceArea::County { code } => {
                let c = match self.county_index(code) {
                    Some(c) => c,
                    None => {
                        self.counties.push(code.clone());
                        (self.counties.len() - 1) as u16
                    }
                };
                Area::County(c)
            }
            ServiceArea::Municipalities { codes } => {
                let start = self.area_munis.len() as u32;
                for c in codes {
                    let m = muni_pos.get(c.as_str()).ok_or_else(|| {
                        Error::Content(format!("service {}: unknown municipality {c}", s.id))
                    })?;
                    self.area_munis.push(*m);
                }
                Area::Munis {
                    start,
                    len: codes.len() as u16,
                }
            }
        };
        // Position: the public location, else the centre of the (first) municipality.
        let (mut lat, mut lon) = (f32::NAN, f32::NAN);
        let mut exact = false;
        if let Some(loc) = &s.location {
            if let (Some(a), Some(b)) = (loc.lat, loc.lon) {
                (lat, lon) = (a as f32, b as f32);
                exact = true;
            } else if let Some(m) = loc.municipality.as_deref().and_then(|c| muni_pos.get(c)) {
                let m = &self.municipalities[*m as usize];
                (lat, lon) = (m.lat as f32, m.lon as f32);
            }
        }
        if lat.is_nan() {
            if let Area::Munis { start, len } = area {
                if len > 0 {
                    let m = &self.municipalities[self.area_munis[start as usize] as usize];
                    (lat, lon) = (m.lat as f32, m.lon as f32);
                }
            }
        }
        let mut flags = 0;
        if !exact && !lat.is_nan() {
            flags |= FLAG_POS_APPROX;
        }
        if s.is_national() {
            flags |= FLAG_NATIONAL;
        }
        if s.verified() {
            flags |= FLAG_VERIFIED;
        }
        if s.demo {
            flags |= FLAG_DEMO;
        }
        // Reachable only through a phone (voice, SMS) or a chat; a
        // website or e-mail alone is information: never open, never 24/7.
        let reachable = !s.phones.is_empty();
        if reachable {
            flags |= FLAG_REACHABLE;
        }
        if reachable && self.schedules[sched as usize].always_open() {
            flags |= FLAG_ALWAYS_OPEN;
        }
        let bits = |v: &mut dyn Iterator<Item = u32>| v.fold(0u32, |a, b| a | b);
        Ok(Entry {
            rowid,
            kind: kind.map(|k| k as u8).unwrap_or(AgencyKind::Other as u8),
            groups: bits(&mut s.groups.iter().map(|g| g.bit())),
            needs: bits(&mut s.needs.iter().map(|g| g.bit())),
            forms: bits(&mut s.forms.iter().map(|g| g.bit())),
            langs,
            flags,
            area,
            lat,
            lon,
            sched,
        })
    }

    fn build_text(&mut self, texts: &[[String; 5]]) {
        self.text = std::sync::Arc::new(super::postings::TextIndex::build(texts));
    }

    /// The entries are final: the rowid map is made again at its next use.
    pub(crate) fn finish(&mut self) {
        self.by_rowid = std::sync::OnceLock::new();
    }
}

/// Municipality code → its index in `municipalities` (for
/// [`FacetIndex::make_entry`]).
pub(crate) fn muni_positions(municipalities: &[Municipality]) -> HashMap<&str, u16> {
    municipalities
        .iter()
        .enumerate()
        .map(|(i, m)| (m.code.as_str(), i as u16))
        .collect()
}
