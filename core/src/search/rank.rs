//! Rank: the third step of a query. Candidates (word matches, and the
//! situation's own help when the list would be thin) pass the hard filters
//! (the user's filters, area, language, open now) and get a score: reachable
//! now, where the routing model puts their agency kind for the situation
//! (primary, secondary, out of place), what they offer of what was read,
//! word relevance, locality and distance.

use super::bound::Pass;
use super::index::{self, Area, Entry, FacetIndex, FLAG_ALWAYS_OPEN, FLAG_REACHABLE};
use super::sparse::{PosSet, WordScores};
use super::SearchQuery;
use crate::routing::{Fit, Route, Situation};
use crate::schedule::Moment;
use crate::vocab::{Group, Need};

/// A fast distance for ranking (equirectangular, scaled at the origin's
/// latitude; close to the great-circle distance at the distances that
/// matter); hits shown to the user get the exact great-circle distance.
#[derive(Clone, Copy)]
pub(super) struct Origin {
    pub(super) lat: f64,
    pub(super) lon: f64,
    /// cos(latitude): how much shorter a degree of longitude is there.
    pub(super) kx: f64,
}

impl Origin {
    pub(super) fn new((lat, lon): (f64, f64)) -> Origin {
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

/// Why a hit is in the list (`ServiceHit::why`).
pub(super) const WHY_PRIMARY: u8 = 1;
pub(super) const WHY_SECONDARY: u8 = 2;
pub(super) const WHY_REACHABLE_NOW: u8 = 4;
pub(super) const WHY_WORDS: u8 = 8;
pub(super) const WHY_FILLS: u8 = 16;
pub(super) const WHY_LINE: u8 = 32;

/// What a service the words name gains ("tjejjouren växjö", nothing else
/// read): more than being open now and primary together, so that a lookup
/// by name gives the service named, open or not (the line that always
/// answers still goes above it when it is closed).
pub(super) const NAMED: f64 = 400.0;
/// What a named service with no phone or chat gains (Terrafem's page,
/// Jourhavande präst reached through 112): less, so that it is never put
/// above help that can be called.
const NAMED_INFO_ONLY: f64 = 250.0;

pub(super) fn why_ids(w: u8) -> Vec<String> {
    [
        (WHY_LINE, "line"),
        (WHY_PRIMARY, "primary"),
        (WHY_SECONDARY, "secondary"),
        (WHY_REACHABLE_NOW, "reachable_now"),
        (WHY_WORDS, "words"),
        (WHY_FILLS, "fills"),
    ]
    .iter()
    .filter(|(b, _)| w & b != 0)
    .map(|(_, s)| s.to_string())
    .collect()
}

#[derive(Clone)]
pub(super) struct Candidate {
    pub pos: u32,
    /// The entry's rowid: the order of equal scores, without reading the
    /// entry again at each comparison.
    pub rowid: u32,
    pub score: f64,
    pub distance: Option<f64>,
    pub reachable_now: bool,
    pub fit: Fit,
    pub why: u8,
}

/// How an entry became a candidate.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum How {
    /// The typed words match it.
    Words,
    /// The situation's own help, added to a thin list.
    Fill,
    /// No words chose: every entry passing the filters.
    All,
    /// Every typed word was read: the entries that fit the situation.
    Read,
}

/// One ranking pass with one set of hard filters.
pub(super) struct Ranker<'a> {
    pub ix: &'a FacetIndex,
    pub q: &'a SearchQuery,
    /// The user's filters (hard).
    pub filters: Situation,
    /// What was read (soft: ranks, never filters).
    pub read: Situation,
    pub route: Route,
    pub lang_bit: Option<u64>,
    /// A language read from the words (soft).
    pub read_lang_bit: Option<u64>,
    pub muni_ix: Option<u16>,
    pub county_ix: Option<u16>,
    pub fast_origin: Option<Origin>,
    /// How much word relevance counts (less when the reader understood the
    /// words: the situation then ranks).
    pub words_weight: f64,
    /// Nobody was read as the person (no role): a service the words name is
    /// what the user asks for (`umo`, `tjejjouren`, `boj`). With a role read,
    /// the situation decides and a name counts only as word relevance
    /// ("student utsatt för våld" is a student, not the student health service).
    pub names_decide: bool,
    /// Entries a negated word names ("vill inte att soc kopplas in"): out
    /// of place, unless the words also name them (empty: none).
    pub unwanted: &'a PosSet,
}

impl Ranker<'_> {
    /// Ranks the word candidates (`words`: position and relevance; `None`:
    /// every entry, or with `read` the entries that fit the situation) and,
    /// with `fill`, adds the situation's own help (primary for the
    /// situation) in the area. Returns the best `keep` candidates (in no
    /// particular order; [`order`] sorts them) and how many passed.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn run(
        &self,
        words: Option<&[(u32, f32)]>,
        read: bool,
        relevance: &WordScores,
        named: &PosSet,
        fill: bool,
        moment: &Moment,
        sched_open: &mut [Option<bool>],
        keep: usize,
    ) -> (Vec<Candidate>, usize) {
        let ix = self.ix;
        let q = self.q;
        let route = self.route;
        let Hard {
            groups,
            needs,
            forms,
            kinds,
        } = self.hard();
        let best_text = relevance.best();
        let read_groups = self.read.groups & !Group::Everyone.bit();
        let mut best = Best::new(keep);
        let mut passed = 0usize;
        let consider = |pos: u32,
                        e: &Entry,
                        how: How,
                        sched_open: &mut [Option<bool>]|
         -> Option<Candidate> {
            // Filling without a municipality takes the national help only:
            // the cheapest test first (most entries are local).
            if how == How::Fill && self.muni_ix.is_none() && !matches!(e.area, Area::National) {
                return None;
            }
            if groups != 0 && e.groups & groups == 0 {
                return None;
            }
            if e.needs & needs != needs || e.forms & forms != forms {
                return None;
            }
            if kinds != 0 && kinds & (1 << e.kind) == 0 {
                return None;
            }
            let named = self.names_decide && named.contains(pos);
            // A service the user names is never out of place for them.
            let unwanted = self.unwanted.contains(pos);
            let fit = match route.fit(e.kind, e.needs, e.groups) {
                _ if unwanted && !named => Fit::OutOfPlace,
                Fit::OutOfPlace if named => Fit::Neutral,
                f => f,
            };
            match how {
                How::Fill => {
                    // Filling: the situation's own help, local or national.
                    // (Local help without a municipality was passed over above.)
                    if !matches!(fit, Fit::Primary | Fit::Secondary) {
                        return None;
                    }
                }
                How::Read => {
                    // Every word was read: what fits the situation or offers what was read.
                    let fits = matches!(fit, Fit::Primary | Fit::Secondary)
                        || (fit != Fit::OutOfPlace
                            && (e.needs & self.read.needs != 0 || e.forms & self.read.forms != 0));
                    if !fits {
                        return None;
                    }
                }
                How::Words | How::All => {}
            }
            if let Some(b) = self.lang_bit {
                // Speaks the language, must offer an interpreter (its agency
                // kind), or offers one itself (need `interpretation`, e.g.
                // Kvinnofridslinjen's three-way calls with an interpreter).
                if e.langs & b == 0
                    && route.interpreter & (1 << e.kind) == 0
                    && e.needs & Need::Interpretation.bit() == 0
                {
                    return None;
                }
            }
            if let Some(m) = self.muni_ix {
                if !ix.covers(e, m, self.county_ix) {
                    return None;
                }
            }
            let reachable = e.flags & FLAG_REACHABLE != 0;
            let open = reachable
                && (e.flags & FLAG_ALWAYS_OPEN != 0 || {
                    let slot = &mut sched_open[e.sched as usize];
                    *slot.get_or_insert_with(|| ix.schedules[e.sched as usize].is_open_at(moment))
                });
            if q.open_now && !open {
                return None;
            }
            let distance = match (self.fast_origin, e.lat.is_nan()) {
                (Some(o), false) => Some(o.approx_km(e.lat, e.lon)),
                _ => None,
            };
            // Reachable now and primary first, then what it offers of what
            // was read, how well the words match, then how local and near.
            // A website alone is never help now.
            let mut why = match how {
                How::Words => WHY_WORDS,
                How::Fill => WHY_FILLS,
                How::All | How::Read => 0,
            };
            let mut score = 0.0;
            if open {
                score += 200.0;
                why |= WHY_REACHABLE_NOW;
            } else if !reachable {
                score -= 50.0;
            }
            score += match fit {
                Fit::Primary => {
                    why |= WHY_PRIMARY;
                    100.0
                }
                Fit::Secondary => {
                    why |= WHY_SECONDARY;
                    40.0
                }
                Fit::Neutral => 0.0,
                Fit::OutOfPlace => -400.0,
            };
            score += 20.0 * (e.needs & self.read.needs).count_ones().min(2) as f64;
            score += 8.0 * (e.forms & self.read.forms).count_ones().min(2) as f64;
            if read_groups != 0 && e.groups & read_groups != 0 {
                score += 10.0;
            }
            if let Some(b) = self.read_lang_bit {
                if e.langs & b != 0 {
                    score += 15.0;
                }
            }
            let rel = relevance.get(pos);
            if best_text > 0.0 {
                score += self.words_weight * (rel / best_text).clamp(0.0, 1.0) as f64;
            }
            if named {
                score += if reachable { NAMED } else { NAMED_INFO_ONLY };
            }
            if self.muni_ix.is_some() {
                score += match e.area {
                    Area::Munis { .. } => 30.0,
                    Area::County(_) => 20.0,
                    Area::National => 10.0,
                };
            }
            if let Some(d) = distance {
                score += distance_score(d);
            }
            if e.flags & index::FLAG_VERIFIED != 0 {
                score += 1.0;
            }
            Some(Candidate {
                pos,
                rowid: e.rowid,
                score,
                distance,
                reachable_now: open,
                fit,
                why,
            })
        };
        let mut offer = |c: Option<Candidate>, best: &mut Best| {
            if let Some(c) = c {
                passed += 1;
                best.offer(c);
            }
        };
        // The passes over every entry go nearest first when there is a
        // distance, and pass over what cannot rank (`grid`, `each`).
        let base = self.base_cap(best_text, named);
        match words {
            Some(m) => {
                let mut seen = PosSet::new(if fill { ix.entries.len() } else { 0 });
                for &(pos, _) in m {
                    let e = &ix.entries.get(pos as usize);
                    offer(consider(pos, e, How::Words, sched_open), &mut best);
                    if fill {
                        seen.insert(pos);
                    }
                }
                if fill {
                    let pass = Pass::new(How::Fill, base, moment);
                    self.each(&pass, sched_open, &mut best, |pos, e, best, so| {
                        if !seen.contains(pos) {
                            offer(consider(pos, e, How::Fill, so), best);
                        }
                    });
                }
            }
            None => {
                let how = if read { How::Read } else { How::All };
                let pass = Pass::new(how, base, moment);
                self.each(&pass, sched_open, &mut best, |pos, e, best, so| {
                    offer(consider(pos, e, how, so), best)
                });
            }
        }
        (best.into_vec(), passed)
    }

    /// The hard filters: the user's groups (with services for everyone),
    /// needs, forms and agency kinds.
    pub(super) fn hard(&self) -> Hard {
        Hard {
            groups: if self.filters.groups != 0 {
                self.filters.groups | Group::Everyone.bit()
            } else {
                0
            },
            needs: self.filters.needs,
            forms: self.filters.forms,
            kinds: self.q.agency_kinds.iter().fold(0, |a, k| a | k.bit()),
        }
    }
}

/// The hard filters of a query (bits; 0: none).
pub(super) struct Hard {
    pub(super) groups: u32,
    pub(super) needs: u32,
    pub(super) forms: u32,
    pub(super) kinds: u32,
}

/// The part of a score that its distance gives (0 at an infinite distance).
#[inline]
pub(super) fn distance_score(d: f64) -> f64 {
    30.0 / (1.0 + d / 20.0)
}

/// The best `keep` so far, among at most `4 * keep` held: when full, the
/// best `keep` are kept and the worst of them becomes the floor; a
/// candidate ranked below the floor can never be among the best.
pub(super) struct Best {
    keep: usize,
    out: Vec<Candidate>,
    floor: Option<Candidate>,
}

impl Best {
    fn new(keep: usize) -> Best {
        Best {
            keep,
            out: Vec::with_capacity(4 * keep),
            floor: None,
        }
    }

    #[inline]
    fn offer(&mut self, c: Candidate) {
        if self
            .floor
            .as_ref()
            .is_some_and(|f| order(&c, f) != std::cmp::Ordering::Less)
        {
            return;
        }
        self.out.push(c);
        if self.out.len() == 4 * self.keep {
            self.cut();
        }
    }

    /// Keeps the best `keep`; the worst of them is the floor.
    fn cut(&mut self) {
        let k = self.keep;
        self.out.select_nth_unstable_by(k - 1, order);
        self.out.truncate(k);
        self.floor = Some(self.out[k - 1].clone());
    }

    /// The score of the worst of the best `keep` found so far (none while
    /// fewer were found).
    pub(super) fn floor(&mut self) -> Option<f64> {
        if self.out.len() > self.keep || (self.out.len() == self.keep && self.floor.is_none()) {
            self.cut();
        }
        self.floor.as_ref().map(|f| f.score)
    }

    fn into_vec(self) -> Vec<Candidate> {
        self.out
    }
}

/// The order of a list: score, highest first, then rowid (a total order,
/// so the best few are the same however they are found).
pub(super) fn order(a: &Candidate, b: &Candidate) -> std::cmp::Ordering {
    b.score
        .partial_cmp(&a.score)
        .unwrap_or(std::cmp::Ordering::Equal)
        .then_with(|| a.rowid.cmp(&b.rowid))
}

#[cfg(test)]
pub(super) mod tests {
    use std::cell::Cell;
    thread_local! {
        /// Every pass over all entries goes through them all (the reference
        /// the pruned pass is held to).
        pub(in crate::search) static EXHAUSTIVE: Cell<bool> = const { Cell::new(false) };
        /// Entries the passes over all entries took (to see that they pruned).
        pub(in crate::search) static VISITED: Cell<usize> = const { Cell::new(0) };
    }
}
