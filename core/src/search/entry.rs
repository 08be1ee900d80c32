//! The index's entries (one [`Entry`] per service) as they lie in the index
//! file (`store/index_file.rs`): fixed-width records, each field as wide as
//! the file's largest value of it needs ([`Widths`]: a regional directory's
//! rowids and bit sets take one or two bytes, not eight), read where they
//! lie in the file's memory map. A cold start decodes none of them and
//! touches no fresh memory for them; a query decodes the entries it looks
//! at, each a few loads (the widths are the same for every record, so their
//! branches are predicted).
//!
//! Entries made in memory (a build, a change that moves entries) are kept
//! decoded. A delta's edit in place writes the record where it lies, in the
//! map's private copy-on-write pages (never in the file), unless a value
//! outgrows its field's width: then the entries are decoded into memory.

use super::chunks::Chunks;
use super::index::{Area, Entry};
use std::sync::atomic::{AtomicBool, Ordering};

/// How many fields of an entry record have a per-file width.
const WIDTHS: usize = 7;

/// The byte widths (1, 2, 4 or 8) of an entry record's variable fields in
/// one file: rowid, groups, needs, forms, langs, the area's first and
/// second number. The rest is fixed: kind u8, flags u8, area tag u8, lat and
/// lon f32, sched u16. All little-endian.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Widths {
    w: [u8; WIDTHS],
    /// Derived from `w` once: where each field starts in a record and
    /// where the fixed part starts.
    at: [u8; WIDTHS],
    fixed: u8,
}

/// The lengths of the tables of an index its entries point into.
#[derive(Debug, Clone, Copy)]
pub struct Tables {
    pub schedules: usize,
    pub area_munis: usize,
    pub counties: usize,
}

impl Tables {
    /// Grown to hold what `e` points to (an entry a change wrote, which
    /// added those rows to the index's tables).
    fn cover(&mut self, e: &Entry) {
        self.schedules = self.schedules.max(e.sched as usize + 1);
        match e.area {
            Area::National => {}
            Area::County(c) => self.counties = self.counties.max(c as usize + 1),
            Area::Munis { start, len } => {
                self.area_munis = self.area_munis.max(start as usize + len as usize)
            }
        }
    }
}

impl Widths {
    /// The widths that hold these entries.
    pub fn of<'a>(entries: impl Iterator<Item = &'a Entry>) -> Widths {
        let mut max = [0u64; WIDTHS];
        for e in entries {
            for (m, v) in max.iter_mut().zip(Self::fields(e)) {
                *m = (*m).max(v);
            }
        }
        Widths::new(max.map(width))
    }

    /// From a file's bytes; None if one is not 1, 2, 4 or 8 or wider than
    /// its field's type (rowid and bit sets u32, the area's length u16).
    pub fn from_bytes(b: [u8; WIDTHS]) -> Option<Widths> {
        let types = [4, 4, 4, 4, 8, 8, 2];
        b.iter()
            .zip(types)
            .all(|(w, t)| matches!(w, 1 | 2 | 4 | 8) && *w <= t)
            .then(|| Widths::new(b))
    }

    fn new(w: [u8; WIDTHS]) -> Widths {
        let mut at = [0u8; WIDTHS];
        let mut p = 0u8;
        for (a, &n) in at.iter_mut().zip(&w) {
            *a = p;
            p += n;
        }
        Widths { w, at, fixed: p }
    }

    pub fn bytes(&self) -> [u8; WIDTHS] {
        self.w
    }

    fn fields(e: &Entry) -> [u64; WIDTHS] {
        let (a, b) = match e.area {
            Area::National => (0, 0),
            Area::County(c) => (c as u64, 0),
            Area::Munis { start, len } => (start as u64, len as u64),
        };
        [
            e.rowid as u64,
            e.groups as u64,
            e.needs as u64,
            e.forms as u64,
            e.langs,
            a,
            b,
        ]
    }

    /// Whether `e`'s values fit these widths.
    fn hold(&self, e: &Entry) -> bool {
        Self::fields(e)
            .iter()
            .zip(self.w)
            .all(|(&v, w)| width(v) <= w)
    }

    /// One record's length.
    pub fn record_len(&self) -> usize {
        self.fixed as usize + FIXED
    }

    /// Writes `e` as a record into `out` (exactly [`Self::record_len`] bytes).
    fn put(&self, out: &mut [u8], e: &Entry) {
        let f = Self::fields(e);
        let mut p = 0;
        for (v, &w) in f.iter().zip(&self.w) {
            let w = w as usize;
            out[p..p + w].copy_from_slice(&v.to_le_bytes()[..w]);
            p += w;
        }
        out[p] = e.kind;
        out[p + 1] = e.flags;
        out[p + 2] = match e.area {
            Area::National => 0,
            Area::County(_) => 1,
            Area::Munis { .. } => 2,
        };
        out[p + 3..p + 7].copy_from_slice(&e.lat.to_le_bytes());
        out[p + 7..p + 11].copy_from_slice(&e.lon.to_le_bytes());
        out[p + 11..p + 13].copy_from_slice(&e.sched.to_le_bytes());
    }

    /// Appends the records of `entries` to `w`.
    pub fn put_all(&self, w: &mut Vec<u8>, entries: impl Iterator<Item = Entry>) {
        let n = self.record_len();
        for e in entries {
            let at = w.len();
            w.resize(at + n, 0);
            self.put(&mut w[at..], &e);
        }
    }

    /// The entry in record `r` (exactly [`Self::record_len`] bytes, checked
    /// when the entries were read: [`Entries::mapped`]).
    #[inline]
    fn get(&self, r: &[u8]) -> Entry {
        // Each field as eight bytes from its start, masked to its width:
        // no branch on the width. Eight bytes from any field's start lie in
        // the record (the fixed part, longer than eight, follows them all).
        let f: [u64; WIDTHS] = std::array::from_fn(|i| {
            let p = self.at[i] as usize;
            let keep = u64::MAX >> ((8 - self.w[i] as u32) * 8);
            u64::from_le_bytes(r[p..p + 8].try_into().unwrap_or_default()) & keep
        });
        let p = self.fixed as usize;
        let rest = &r[p..p + FIXED];
        let f4 = |i: usize| f32::from_le_bytes([rest[i], rest[i + 1], rest[i + 2], rest[i + 3]]);
        Entry {
            rowid: f[0] as u32,
            kind: rest[0],
            groups: f[1] as u32,
            needs: f[2] as u32,
            forms: f[3] as u32,
            langs: f[4],
            flags: rest[1],
            area: match rest[2] {
                1 => Area::County(f[5] as u16),
                2 => Area::Munis {
                    start: f[5] as u32,
                    len: f[6] as u16,
                },
                _ => Area::National,
            },
            lat: f4(3),
            lon: f4(7),
            sched: u16::from_le_bytes([rest[11], rest[12]]),
        }
    }

    /// Whether record `r` points inside an index with these tables (its
    /// other values fit their types by the widths themselves:
    /// [`Self::from_bytes`]); the area's numbers are read only for the
    /// areas that have them.
    #[inline]
    fn valid(&self, r: &[u8], t: Tables) -> bool {
        let fixed = self.fixed as usize;
        let a_at = self.at[5] as usize;
        let (wa, wb) = (self.w[5], self.w[6]);
        let sched = u16::from_le_bytes([r[fixed + 11], r[fixed + 12]]);
        (sched as usize) < t.schedules
            && match r[fixed + 2] {
                0 => true,
                1 => uint(r, a_at, wa) < t.counties as u64,
                2 => uint(r, a_at, wa) + uint(r, a_at + wa as usize, wb) <= t.area_munis as u64,
                _ => false,
            }
    }

    /// Whether every record in `b` is [`Self::valid`].
    fn all_valid(&self, b: &[u8], t: Tables) -> bool {
        b.chunks_exact(self.record_len()).all(|r| self.valid(r, t))
    }

    /// The entry in record `r`; one that is not [`Self::valid`] (damage,
    /// which the caller reports) reads as [`masked`] and sets `invalid`.
    #[inline]
    fn get_valid(&self, r: &[u8], t: Tables, invalid: &AtomicBool) -> Entry {
        let e = self.get(r);
        if self.valid(r, t) {
            return e;
        }
        invalid.store(true, Ordering::Relaxed);
        masked(e)
    }
}

/// What a damaged record reads as: its own values where they cannot point
/// outside the tables, no area and the first schedule (an index with
/// entries has one) where they could. The query that meets it reports the
/// damage ([`Entries::damaged`]), never this entry.
fn masked(mut e: Entry) -> Entry {
    e.area = Area::National;
    e.sched = 0;
    e
}

/// The fixed part of a record: kind, flags, area tag, lat, lon, sched.
const FIXED: usize = 3 + 8 + 2;

/// The `w`-byte little-endian number at `r[p..]`. A match, not a copy of
/// `w` bytes: the widths are the same for every record, so the branch is
/// predicted.
#[inline]
fn uint(r: &[u8], p: usize, w: u8) -> u64 {
    match w {
        1 => r[p] as u64,
        2 => u16::from_le_bytes([r[p], r[p + 1]]) as u64,
        4 => u32::from_le_bytes([r[p], r[p + 1], r[p + 2], r[p + 3]]) as u64,
        _ => u64::from_le_bytes(r[p..p + 8].try_into().unwrap_or_default()),
    }
}

/// The width a value needs.
fn width(v: u64) -> u8 {
    match v {
        0..=0xff => 1,
        0x100..=0xffff => 2,
        0x1_0000..=0xffff_ffff => 4,
        _ => 8,
    }
}

/// The entries of an index: decoded in memory, or records in an index
/// file's private memory map (see the module's text).
#[derive(Default)]
pub struct Entries(Store);

enum Store {
    Owned(Vec<Entry>),
    Mapped {
        map: memmap2::MmapMut,
        /// The file as it lies, which the chunks' checksums are checked on
        /// (`map`'s pages edited in place no longer match them).
        file: std::sync::Arc<memmap2::Mmap>,
        at: usize,
        n: usize,
        w: Widths,
        len: usize,
        tables: Tables,
        /// The records' checksums, checked as a read first meets a chunk.
        chunks: Chunks,
        /// A record that points outside the tables was met.
        invalid: AtomicBool,
        /// All of them decoded, made by the first pass over all entries
        /// ([`Entries::all`]): the filters' scans then run as fast as over
        /// entries made in memory.
        decoded: std::sync::OnceLock<Vec<Entry>>,
    },
}

impl Default for Store {
    fn default() -> Store {
        Store::Owned(Vec::new())
    }
}

/// Every record in `records` (records of widths `w`), decoded.
fn decode_all(records: &[u8], w: Widths) -> Vec<Entry> {
    records
        .chunks_exact(w.record_len())
        .map(|r| w.get(r))
        .collect()
}

impl Entries {
    /// The `n` records of widths `w` in `map[at..]` (the private map of
    /// `file`), with their chunks' checksums `sums`; None if they do not
    /// fit. Nothing is read here: each record is checked (its chunk's
    /// checksum, and that it points inside the tables `t`) when a read
    /// first meets it.
    pub fn mapped(
        map: memmap2::MmapMut,
        file: std::sync::Arc<memmap2::Mmap>,
        (at, n): (usize, usize),
        w: Widths,
        t: Tables,
        sums: Vec<u32>,
    ) -> Option<Entries> {
        let len = w.record_len();
        let end = n.checked_mul(len)?.checked_add(at)?;
        if end > map.len() || map.len() != file.len() || (n > 0 && t.schedules == 0) {
            return None;
        }
        Some(Entries(Store::Mapped {
            chunks: Chunks::new(at, end, sums)?,
            map,
            file,
            at,
            n,
            w,
            len,
            tables: t,
            invalid: Default::default(),
            decoded: Default::default(),
        }))
    }

    /// Whether a record read so far did not match its chunk's checksum or
    /// pointed outside the tables (the query reports it as damage).
    pub fn damaged(&self) -> bool {
        match &self.0 {
            Store::Owned(_) => false,
            Store::Mapped {
                chunks, invalid, ..
            } => chunks.damaged() || invalid.load(Ordering::Relaxed),
        }
    }

    /// Checks every record not checked yet; false if any is damaged.
    pub fn verify_all(&self) -> bool {
        let _ = self.all();
        !self.damaged()
    }

    /// The records of widths `w` in `b`, decoded; None if one is not valid.
    pub fn decode(b: &[u8], w: Widths, t: Tables) -> Option<Entries> {
        let len = w.record_len();
        if !b.len().is_multiple_of(len) || !w.all_valid(b, t) {
            return None;
        }
        Some(Entries::owned(decode_all(b, w)))
    }

    /// Entries made in memory.
    pub fn owned(v: Vec<Entry>) -> Entries {
        Entries(Store::Owned(v))
    }

    /// Whether they are read where they lie in an index file.
    pub fn is_mapped(&self) -> bool {
        matches!(self.0, Store::Mapped { .. })
    }

    pub fn len(&self) -> usize {
        match &self.0 {
            Store::Owned(v) => v.len(),
            Store::Mapped { n, .. } => *n,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The entry at position `i` (which must be below [`Self::len`]); a
    /// damaged one reads as [`masked`] and marks the entries damaged.
    #[inline]
    pub fn get(&self, i: usize) -> Entry {
        match &self.0 {
            Store::Owned(v) => v[i],
            Store::Mapped {
                map,
                file,
                at,
                w,
                len,
                n,
                tables,
                chunks,
                invalid,
                decoded,
            } => match decoded.get() {
                Some(v) => v[i],
                None => {
                    assert!(i < *n, "entry {i} of {n}");
                    let s = at + i * len;
                    let r = &map[s..s + len];
                    let e = w.get_valid(r, *tables, invalid);
                    match chunks.check(file, s..s + len) {
                        true => e,
                        false => masked(e),
                    }
                }
            },
        }
    }

    /// Every entry, in order, decoded (once: a pass over all entries is
    /// the filters' hot loop), every chunk checked on the way.
    pub fn all(&self) -> &[Entry] {
        match &self.0 {
            Store::Owned(v) => v,
            Store::Mapped {
                w,
                file,
                tables,
                chunks,
                invalid,
                decoded,
                ..
            } => decoded.get_or_init(|| {
                chunks.verify_all(file);
                self.records()
                    .chunks_exact(w.record_len())
                    .map(|r| w.get_valid(r, *tables, invalid))
                    .collect()
            }),
        }
    }

    /// The entries in order (decoded one by one; [`Self::all`] for a pass
    /// over all of them).
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Entry> + '_ {
        (0..self.len()).map(|i| self.get(i))
    }

    /// The position of the entry with this rowid, by a scan that reads
    /// only the rowids (for a few lookups at open, before any map of rowids
    /// is made).
    ///
    /// A store loaded whole numbers its services in position order from 1,
    /// so position `rowid - 1` is tried first (exact: rowids are unique).
    pub fn position_of_rowid(&self, rowid: u32) -> Option<usize> {
        let guess = (rowid as usize).checked_sub(1);
        match &self.0 {
            Store::Mapped {
                w, len, decoded, ..
            } if decoded.get().is_none() => {
                let w0 = w.w[0] as usize;
                let want = &(rowid as u64).to_le_bytes()[..w0];
                if width(rowid as u64) as usize > w0 {
                    return None;
                }
                let records = self.records();
                if let Some(g) = guess.filter(|g| (g + 1) * len <= records.len()) {
                    if &records[g * len..g * len + w0] == want {
                        return Some(g);
                    }
                }
                records.chunks_exact(*len).position(|r| &r[..w0] == want)
            }
            _ => {
                let all = self.all();
                match guess.and_then(|g| all.get(g)) {
                    Some(e) if e.rowid == rowid => guess,
                    _ => all.iter().position(|e| e.rowid == rowid),
                }
            }
        }
    }

    /// The mapped records' bytes (none for entries in memory).
    fn records(&self) -> &[u8] {
        match &self.0 {
            Store::Mapped {
                map, at, n, len, ..
            } => &map[*at..*at + n * len],
            Store::Owned(_) => &[],
        }
    }

    /// The entries in memory of their own.
    pub fn to_vec(&self) -> Vec<Entry> {
        self.all().to_vec()
    }

    /// Replaces the entry at `i`: in place where it lies when its values
    /// fit the record's widths (and nothing is decoded yet), else in memory.
    pub fn set(&mut self, i: usize, e: Entry) {
        if let Store::Mapped {
            map,
            at,
            w,
            len,
            n,
            tables,
            decoded,
            ..
        } = &mut self.0
        {
            if i < *n && w.hold(&e) && decoded.get().is_none() {
                let s = *at + i * *len;
                w.put(&mut map[s..s + *len], &e);
                // The change that made it added what it points to.
                tables.cover(&e);
                return;
            }
        }
        self.owned_mut()[i] = e;
    }

    pub fn push(&mut self, e: Entry) {
        self.owned_mut().push(e);
    }

    /// The entries in memory of their own, to change (mapped ones are
    /// decoded and checked first, unless a pass over all of them already
    /// did; the changes that make them, a replay at open and an update,
    /// ask [`Self::damaged`] before they take them).
    fn owned_mut(&mut self) -> &mut Vec<Entry> {
        if self.is_mapped() {
            let _ = self.all();
            if let Store::Mapped { decoded, .. } = &mut self.0 {
                let v = decoded.take().unwrap_or_default();
                self.0 = Store::Owned(v);
            }
        }
        match &mut self.0 {
            Store::Owned(v) => v,
            Store::Mapped { .. } => unreachable!("made owned above"),
        }
    }
}

impl Clone for Entries {
    /// A copy in memory (a mapped one's changes in place are its own).
    fn clone(&self) -> Entries {
        Entries::owned(self.to_vec())
    }
}

impl std::fmt::Debug for Entries {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} entries", self.len())
    }
}

impl FromIterator<Entry> for Entries {
    fn from_iter<I: IntoIterator<Item = Entry>>(it: I) -> Entries {
        Entries::owned(it.into_iter().collect())
    }
}

#[cfg(test)]
#[path = "entry_tests.rs"]
pub(crate) mod tests;
