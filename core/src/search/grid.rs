//! Entries grouped by place, for the passes that rank every entry with a
//! distance (a position, or a municipality's centre): the ranker takes the
//! cells nearest first and stops at the first cell whose best possible score
//! is below the worst of the best found so far. The cells are a coarse grid
//! (a quarter degree of latitude by half a degree of longitude, about 28 km
//! square in Sweden), each with the bounding box of its own entries; the
//! entries without a position are one last cell.
//!
//! Exactness: a cell's nearest distance is the ranker's own distance
//! ([`super::rank::Origin`]) to the point of the box nearest the origin,
//! computed with the same operations, each monotonic in its inputs, so no
//! entry of the cell is nearer. The pruned pass therefore keeps exactly the
//! candidates the full pass keeps (`rank::tests` holds that for many origins
//! and queries).

use super::index::{Area, Entry, FacetIndex, FLAG_ALWAYS_OPEN, FLAG_REACHABLE};

/// Degrees of latitude and longitude per grid cell.
const CELL_LAT: f32 = 0.25;
const CELL_LON: f32 = 0.5;

/// The entries by cell (built at a distance pass's first use, from the
/// entries it is given).
#[derive(Debug, Default)]
pub(crate) struct Grid {
    cells: Vec<Cell>,
    /// Entry positions, cell by cell.
    order: Vec<u32>,
    /// The entries without a position (at an infinite distance).
    unplaced: Cell,
    /// The schedules of cells' reachable entries, cell by cell.
    scheds: Vec<u16>,
    /// The counties and municipalities (indices) cells' entries are
    /// offered in, cell by cell.
    counties: Vec<u16>,
    munis: Vec<u16>,
}

/// A cell: the bounding box of its entries' positions, its run in `order`,
/// and what any of its entries has (the union of their bit sets), so that a
/// query can bound what the cell's best entry can score, and pass over a
/// cell where no entry can pass its filters.
#[derive(Debug, Clone, Default)]
pub(crate) struct Cell {
    pub min_lat: f32,
    pub max_lat: f32,
    pub min_lon: f32,
    pub max_lon: f32,
    start: u32,
    end: u32,
    /// Agency kinds (bits), needs, forms, groups, languages of its entries.
    pub kinds: u32,
    pub needs: u32,
    pub forms: u32,
    pub groups: u32,
    pub langs: u64,
    /// An entry can be reached (phone, text, chat).
    pub reachable: bool,
    /// A reachable entry is always open.
    pub always_open: bool,
    /// An entry is offered in the whole country.
    pub national: bool,
    /// The distinct schedules of its reachable entries (a run of `scheds`),
    /// the counties and the municipalities its entries are offered in.
    sched: (u32, u32),
    county: (u32, u32),
    muni: (u32, u32),
}

impl Cell {
    fn add(&mut self, e: &Entry) {
        self.kinds |= 1 << e.kind;
        self.needs |= e.needs;
        self.forms |= e.forms;
        self.groups |= e.groups;
        self.langs |= e.langs;
        if e.flags & FLAG_REACHABLE != 0 {
            self.reachable = true;
            self.always_open |= e.flags & FLAG_ALWAYS_OPEN != 0;
        }
    }
}

impl Grid {
    /// The entries by place: cells of [`CELL_LAT`] by [`CELL_LON`], the
    /// entries without a position last.
    pub(crate) fn by_place(ix: &FacetIndex) -> Grid {
        Grid::build(ix, |e| {
            (!e.lat.is_nan() && !e.lon.is_nan()).then(|| {
                (
                    (e.lat / CELL_LAT).floor() as i32,
                    (e.lon / CELL_LON).floor() as i32,
                )
            })
        })
    }

    /// The entries by what decides most of a score where no place does:
    /// agency kind (its fit), schedule and reachability (open now), and
    /// whether offered nationally. A pass with no distance takes these
    /// cells best bound first and stops where none left can rank
    /// (`rank::Ranker::each`); no entry is unplaced.
    pub(crate) fn by_class(ix: &FacetIndex) -> Grid {
        Grid::build(ix, |e| {
            let reach = e.flags & (FLAG_REACHABLE | FLAG_ALWAYS_OPEN);
            let sched = if e.flags & FLAG_REACHABLE != 0 {
                e.sched
            } else {
                0
            };
            Some((e.kind, reach, sched, matches!(e.area, Area::National)))
        })
    }

    /// Cells of the entries with the same `key`; those with none are the
    /// unplaced cell.
    fn build<K: Ord + Copy>(ix: &FacetIndex, key: impl Fn(&Entry) -> Option<K>) -> Grid {
        let entries = ix.entries.all();
        let mut placed: Vec<(K, u32)> = Vec::with_capacity(entries.len());
        let mut unplaced = Vec::new();
        for (pos, e) in entries.iter().enumerate() {
            match key(e) {
                Some(k) => placed.push((k, pos as u32)),
                None => unplaced.push(pos as u32),
            }
        }
        placed.sort_unstable();
        let mut g = Grid::default();
        let mut run: Vec<u32> = Vec::new();
        let mut last = None;
        for (k, pos) in placed {
            if last.is_some() && last != Some(k) {
                let c = g.cell(ix, &run);
                g.cells.push(c);
                run.clear();
            }
            last = Some(k);
            run.push(pos);
        }
        if !run.is_empty() {
            let c = g.cell(ix, &run);
            g.cells.push(c);
        }
        g.unplaced = g.cell(ix, &unplaced);
        g
    }

    /// A cell of the entries at `run` (appended to `order`), with their
    /// box (none for entries without a position) and what they have.
    fn cell(&mut self, ix: &FacetIndex, run: &[u32]) -> Cell {
        let start = self.order.len() as u32;
        self.order.extend_from_slice(run);
        let mut c = Cell {
            min_lat: f32::INFINITY,
            max_lat: f32::NEG_INFINITY,
            min_lon: f32::INFINITY,
            max_lon: f32::NEG_INFINITY,
            start,
            end: self.order.len() as u32,
            ..Default::default()
        };
        let (s0, c0, m0) = (self.scheds.len(), self.counties.len(), self.munis.len());
        fn add_new(v: &mut Vec<u16>, from: usize, x: u16) {
            if !v[from..].contains(&x) {
                v.push(x);
            }
        }
        for &pos in run {
            let e = &ix.entries.get(pos as usize);
            c.add(e);
            if !e.lat.is_nan() {
                c.min_lat = c.min_lat.min(e.lat);
                c.max_lat = c.max_lat.max(e.lat);
                c.min_lon = c.min_lon.min(e.lon);
                c.max_lon = c.max_lon.max(e.lon);
            }
            if e.flags & FLAG_REACHABLE != 0 {
                add_new(&mut self.scheds, s0, e.sched);
            }
            match e.area {
                Area::National => c.national = true,
                Area::County(k) => add_new(&mut self.counties, c0, k),
                Area::Munis { start, len } => {
                    for &m in &ix.area_munis[start as usize..start as usize + len as usize] {
                        add_new(&mut self.munis, m0, m);
                    }
                }
            }
        }
        let span = |a: usize, b: usize| (a as u32, b as u32);
        c.sched = span(s0, self.scheds.len());
        c.county = span(c0, self.counties.len());
        c.muni = span(m0, self.munis.len());
        c
    }

    /// The cells, each with its nearest distance by `near` (the distance of
    /// a box's nearest point), nearest first; then the entries without a
    /// position, at an infinite distance.
    pub(crate) fn by_distance(&self, near: impl Fn(&Cell) -> f64) -> Vec<(f64, &Cell)> {
        let mut out: Vec<(f64, &Cell)> = self.cells.iter().map(|c| (near(c), c)).collect();
        out.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        if self.unplaced.end > self.unplaced.start {
            out.push((f64::INFINITY, &self.unplaced));
        }
        out
    }

    /// The cells, the unplaced one last if it has entries.
    pub(crate) fn cells(&self) -> impl Iterator<Item = &Cell> {
        self.cells
            .iter()
            .chain(Some(&self.unplaced).filter(|c| c.end > c.start))
    }

    /// The positions of a cell's entries.
    pub(crate) fn entries(&self, c: &Cell) -> &[u32] {
        &self.order[c.start as usize..c.end as usize]
    }

    /// The distinct schedules of a cell's reachable entries.
    pub(crate) fn schedules(&self, c: &Cell) -> &[u16] {
        &self.scheds[c.sched.0 as usize..c.sched.1 as usize]
    }

    /// The most locality can add to the score of an entry of `c` for
    /// municipality `m` (of county `county`): 30 offered in the
    /// municipality, 20 in its county, 10 nationally (as the ranker scores
    /// it); `None` when no entry of the cell is offered there.
    pub(crate) fn locality(&self, c: &Cell, m: u16, county: Option<u16>) -> Option<f64> {
        let munis = &self.munis[c.muni.0 as usize..c.muni.1 as usize];
        let counties = &self.counties[c.county.0 as usize..c.county.1 as usize];
        if munis.contains(&m) {
            Some(30.0)
        } else if county.is_some_and(|k| counties.contains(&k)) {
            Some(20.0)
        } else if c.national {
            Some(10.0)
        } else {
            None
        }
    }
}
