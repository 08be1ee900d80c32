//! The passes over every entry when a query has a distance (a position,
//! or a municipality's centre): cell by cell of the grid (`search/grid.rs`),
//! nearest first, passing over a cell whose best entry cannot rank and
//! stopping where no cell left can. Each bound is an upper bound of the
//! same part of the score in `rank::Ranker::run`; the result is exactly the
//! full pass's (`search/prune_tests.rs`).

use super::grid::{Cell, Grid};
use super::index::Entry;
use super::rank::{distance_score, Best, How, Origin, Ranker};
use crate::schedule::Moment;
use crate::vocab::{Group, Need};

impl Origin {
    /// [`Self::approx_km`] to the point of a cell's box nearest the origin:
    /// no entry in the cell is nearer (each step of the distance is
    /// monotonic in its input, rounding included).
    pub(super) fn nearest_km(&self, c: &Cell) -> f64 {
        // The box's nearest coordinate on an axis, none when the origin's
        // own lies within the box's span (no distance on that axis).
        let clamp = |v: f64, lo: f32, hi: f32| -> Option<f32> {
            if v < lo as f64 {
                Some(lo)
            } else if v > hi as f64 {
                Some(hi)
            } else {
                None
            }
        };
        let lat = clamp(self.lat, c.min_lat, c.max_lat);
        let lon = clamp(self.lon, c.min_lon, c.max_lon);
        let x = match lon {
            Some(l) => (l as f64 - self.lon).to_radians() * self.kx,
            None => 0.0,
        };
        let y = match lat {
            Some(l) => (l as f64 - self.lat).to_radians(),
            None => 0.0,
        };
        6371.0 * (x * x + y * y).sqrt()
    }
}

impl Ranker<'_> {
    /// Every entry of a pass over all of them, in position order; with a
    /// distance, cell by cell, nearest first, passing over a cell whose best
    /// entry cannot rank ([`Self::cell_cap`] and the cell's nearest distance
    /// below the worst of the `keep` best found), and stopping where no cell
    /// left can.
    pub(super) fn each(
        &self,
        pass: &Pass,
        sched_open: &mut [Option<bool>],
        best: &mut Best,
        mut f: impl FnMut(u32, &Entry, &mut Best, &mut [Option<bool>]),
    ) {
        let ix = self.ix;
        #[cfg(test)]
        let exhaustive = super::rank::tests::EXHAUSTIVE.get();
        #[cfg(not(test))]
        let exhaustive = false;
        if exhaustive {
            #[cfg(test)]
            super::rank::tests::VISITED.set(super::rank::tests::VISITED.get() + ix.entries.len());
            for (pos, e) in ix.entries.all().iter().enumerate() {
                f(pos as u32, e, best, sched_open);
            }
            return;
        }
        // Each entry of a cell's run offered (counted for the tests).
        let mut visit = |run: &[u32], best: &mut Best, so: &mut [Option<bool>]| {
            #[cfg(test)]
            super::rank::tests::VISITED.set(super::rank::tests::VISITED.get() + run.len());
            for &pos in run {
                f(pos, &ix.entries.get(pos as usize), best, so);
            }
        };
        let Some(o) = self.fast_origin else {
            // No distance: the cells of a kind, a schedule and a reach, the
            // best bound first, until none left can rank.
            let classes = ix.classes();
            let mut cells: Vec<(f64, &Cell)> = classes
                .cells()
                .filter_map(|c| Some((self.cell_cap(c, classes, pass, sched_open)?, c)))
                .collect();
            cells.sort_unstable_by(|a, b| b.0.total_cmp(&a.0));
            for (cap, cell) in cells {
                if best.floor().is_some_and(|floor| cap + BOUND_SLACK < floor) {
                    break;
                }
                visit(classes.entries(cell), best, sched_open);
            }
            return;
        };
        let grid = ix.grid();
        // The most any entry can score apart from its distance.
        let top = pass.base + 200.0 + 100.0 + 40.0 + 16.0 + 10.0 + 15.0 + 30.0;
        for (d, cell) in grid.by_distance(|c| o.nearest_km(c)) {
            let near = distance_score(d) + BOUND_SLACK;
            let floor = best.floor();
            if floor.is_some_and(|floor| top + near < floor) {
                break;
            }
            let Some(cap) = self.cell_cap(cell, grid, pass, sched_open) else {
                continue;
            };
            if floor.is_some_and(|floor| cap + near < floor) {
                continue;
            }
            visit(grid.entries(cell), best, sched_open);
        }
    }

    /// The parts of a score that no cell changes: word relevance, a name
    /// the words give, verified.
    pub(super) fn base_cap(&self, best_text: f32, named: &super::sparse::PosSet) -> f64 {
        let mut cap = 1.0;
        if best_text > 0.0 {
            cap += self.words_weight;
        }
        if self.names_decide && !named.is_empty() {
            cap += super::rank::NAMED;
        }
        cap
    }

    /// The most an entry of `cell` can score in `pass`, apart from its
    /// distance, from what the cell's entries have; `None` when none of them
    /// can pass the pass's filters. Each part bounds the same part of the
    /// score in [`Self::run`].
    fn cell_cap(
        &self,
        c: &Cell,
        grid: &Grid,
        pass: &Pass,
        sched_open: &mut [Option<bool>],
    ) -> Option<f64> {
        let ix = self.ix;
        let route = self.route;
        let hard = self.hard();
        if (hard.groups != 0 && c.groups & hard.groups == 0)
            || c.needs & hard.needs != hard.needs
            || c.forms & hard.forms != hard.forms
            || (hard.kinds != 0 && hard.kinds & c.kinds == 0)
        {
            return None;
        }
        if let Some(b) = self.lang_bit {
            if c.langs & b == 0
                && route.interpreter & c.kinds == 0
                && c.needs & Need::Interpretation.bit() == 0
            {
                return None;
            }
        }
        let open = c.reachable
            && (c.always_open
                || grid.schedules(c).iter().any(|&s| {
                    *sched_open[s as usize]
                        .get_or_insert_with(|| ix.schedules[s as usize].is_open_at(pass.moment))
                }));
        if self.q.open_now && !open {
            return None;
        }
        let primary = c.kinds & route.primary != 0 || c.needs & route.primary_offering != 0;
        let secondary = c.kinds & route.secondary != 0;
        match pass.how {
            How::Fill if !primary && !secondary => return None,
            // Filling without a municipality takes national help only.
            How::Fill if self.muni_ix.is_none() && !c.national => return None,
            How::Read
                if !primary
                    && !secondary
                    && c.needs & self.read.needs == 0
                    && c.forms & self.read.forms == 0 =>
            {
                return None
            }
            _ => {}
        }
        let mut cap = pass.base;
        if let Some(m) = self.muni_ix {
            // Offered in the municipality (hard), and how locally.
            cap += grid.locality(c, m, self.county_ix)?;
        }
        cap += if open {
            200.0
        } else if c.reachable {
            0.0
        } else {
            -50.0
        };
        cap += if primary {
            100.0
        } else if secondary {
            40.0
        } else {
            0.0
        };
        cap += 20.0 * (c.needs & self.read.needs).count_ones().min(2) as f64;
        cap += 8.0 * (c.forms & self.read.forms).count_ones().min(2) as f64;
        let read_groups = self.read.groups & !Group::Everyone.bit();
        if read_groups != 0 && c.groups & read_groups != 0 {
            cap += 10.0;
        }
        if self.read_lang_bit.is_some_and(|b| c.langs & b != 0) {
            cap += 15.0;
        }
        Some(cap)
    }
}

/// A pass over every entry: how they become candidates, the part of the
/// bound no cell changes, and the instant.
pub(super) struct Pass<'m> {
    how: How,
    base: f64,
    moment: &'m Moment,
}

impl<'m> Pass<'m> {
    pub(super) fn new(how: How, base: f64, moment: &'m Moment) -> Pass<'m> {
        Pass { how, base, moment }
    }
}

/// Added to a bound before it is compared: more than the rounding of a
/// score's sum, far less than any of its parts.
const BOUND_SLACK: f64 = 1e-6;
