//! The index blob: the facet index written whole into directory.db
//! (`facet_index`), compact (front-coded terms, gap-coded postings) and with
//! checksums, so a damaged blob is found and rebuilt, not used: the head
//! (tables and entries, read at open) and the table of the text index's
//! chunk checksums under one CRC-32 checked at open; each chunk of the text
//! index by its own, checked when a query first reads it
//! (`search/text_index.rs`).
//!
//! `FYRIX7` | head length u32 | tables | entries | text counts | text
//! sections | chunk checksums | CRC-32 of the head and the checksums.

use super::index::{Area, Entry, FacetIndex};
use crate::error::{Error, Result};
use crate::model::Municipality;
use crate::schedule::Schedule;

impl FacetIndex {
    /// The blob; refused (damage) when the text index it would copy has a
    /// damaged chunk (it is checked whole first).
    pub fn encode(&self) -> Result<Vec<u8>> {
        if !self.text.verify_all() {
            return Err(Error::Damaged(
                "the search index is damaged (its text index)".into(),
            ));
        }
        let mut w = Vec::with_capacity(64 + self.entries.len() * 48);
        w.extend_from_slice(BLOB_FORMAT);
        put_u32(&mut w, 0); // the head's length, set below
        put_strs(&mut w, &self.counties);
        put_strs(&mut w, &self.languages);
        put_strs(&mut w, &self.schedule_specs);
        put_u32(&mut w, self.municipalities.len() as u32);
        for m in &self.municipalities {
            put_str(&mut w, &m.code);
            put_str(&mut w, &m.name);
            put_str(&mut w, &m.county_code);
            put_str(&mut w, &m.county_name);
            put_strs(&mut w, &m.localities);
            w.extend_from_slice(&m.lat.to_le_bytes());
            w.extend_from_slice(&m.lon.to_le_bytes());
        }
        put_u32(&mut w, self.area_munis.len() as u32);
        for m in &self.area_munis {
            w.extend_from_slice(&m.to_le_bytes());
        }
        // The entries as fixed-width records, each field as wide as this
        // blob's largest value needs (`Widths`), so that open reads them in
        // one tight pass with no varint parsing per field.
        let wd = Widths::of(&self.entries);
        put_u32(&mut w, self.entries.len() as u32);
        w.extend_from_slice(&wd.0);
        w.reserve(self.entries.len() * wd.len());
        for e in &self.entries {
            wd.put(&mut w, e);
        }
        // The text index as it lies in memory (`search/text_index.rs`).
        let merged;
        let text = if self.overlay.is_empty() {
            &*self.text
        } else {
            merged = super::postings::merged(&self.text, &self.overlay);
            &merged
        };
        let (n, dict_len, posts_len, bytes) = text.sections();
        put_u32(&mut w, n);
        put_u32(&mut w, dict_len);
        put_u32(&mut w, posts_len);
        let head = w.len();
        w[6..10].copy_from_slice(&(head as u32).to_le_bytes());
        w.extend_from_slice(bytes);
        let sums_at = w.len();
        for s in super::text_index::TextIndex::chunk_sums(bytes) {
            put_u32(&mut w, s);
        }
        let mut h = crc32fast::Hasher::new();
        h.update(&w[..head]);
        h.update(&w[sums_at..]);
        w.extend_from_slice(&h.finalize().to_le_bytes());
        Ok(w)
    }

    /// The index in `blob` (see [`Self::decode_parts`]).
    pub fn decode(blob: Vec<u8>) -> Result<FacetIndex> {
        match head_len(&blob) {
            Some(h) if h <= blob.len() => Self::decode_parts(&blob[..h], blob[h..].to_vec()),
            _ => Err(Error::Damaged("the search index is damaged".into())),
        }
    }

    /// The index in a blob read in two parts: `head` (its first
    /// [`head_len`] bytes: tables, entries, text counts), read here and
    /// let go, and `rest` (the text index's sections, their checksums and
    /// the blob's), which the text index keeps and uses where it lies
    /// (nothing of it is decoded or checked here but the chunk checksums).
    pub fn decode_parts(head: &[u8], rest: Vec<u8>) -> Result<FacetIndex> {
        let bad = || Error::Damaged("the search index is damaged".into());
        if head.len() < 22 || !is_current_format(head) || head_len(head) != Some(head.len()) {
            return Err(bad());
        }
        // Where the parts lie, from the text counts at the head's end; then
        // the head and the chunk checksums are checked.
        let u32_at = |p: usize| u32::from_le_bytes(head[p..p + 4].try_into().unwrap());
        let n = head.len();
        let counts = (u32_at(n - 12), u32_at(n - 8), u32_at(n - 4));
        let end = (counts.0 as usize)
            .div_ceil(super::text_index::BLOCK)
            .checked_mul(8)
            .and_then(|b| b.checked_add(counts.1 as usize))
            .and_then(|b| b.checked_add(counts.2 as usize))
            .ok_or_else(bad)?;
        let chunks = end.div_ceil(super::text_index::CHUNK);
        if chunks.checked_mul(4).and_then(|c| c.checked_add(end + 4)) != Some(rest.len()) {
            return Err(bad());
        }
        let (sums, sum) = rest[end..].split_at(chunks * 4);
        let mut h = crc32fast::Hasher::new();
        h.update(head);
        h.update(sums);
        if h.finalize().to_le_bytes() != sum {
            return Err(bad());
        }
        let sums: Vec<u32> = sums
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes(c.try_into().unwrap()))
            .collect();
        let mut r = Reader { b: head, p: 10 };
        let mut ix = FacetIndex {
            counties: r.strs().ok_or_else(bad)?,
            languages: r.strs().ok_or_else(bad)?,
            schedule_specs: r.strs().ok_or_else(bad)?,
            ..Default::default()
        };
        for spec in &ix.schedule_specs {
            ix.schedules
                .push(Schedule::parse_or_never(spec).map_err(|e| Error::Storage(e.to_string()))?);
        }
        let n = r.u32().ok_or_else(bad)?;
        for _ in 0..n {
            ix.municipalities.push(Municipality {
                code: r.str().ok_or_else(bad)?,
                name: r.str().ok_or_else(bad)?,
                county_code: r.str().ok_or_else(bad)?,
                county_name: r.str().ok_or_else(bad)?,
                localities: r.strs().ok_or_else(bad)?,
                lat: f64::from_le_bytes(r.take(8).ok_or_else(bad)?.try_into().unwrap()),
                lon: f64::from_le_bytes(r.take(8).ok_or_else(bad)?.try_into().unwrap()),
            });
        }
        let n = r.u32().ok_or_else(bad)?;
        ix.area_munis.reserve(n as usize);
        for _ in 0..n {
            ix.area_munis.push(r.u16().ok_or_else(bad)?);
        }
        let n = r.u32().ok_or_else(bad)? as usize;
        let wd = Widths(r.take(WIDTHS).ok_or_else(bad)?.try_into().unwrap());
        if !wd.valid() {
            return Err(bad());
        }
        let records = r
            .take(n.checked_mul(wd.len()).ok_or_else(bad)?)
            .ok_or_else(bad)?;
        ix.entries = wd
            .read(records, ix.schedules.len(), ix.area_munis.len())
            .ok_or_else(bad)?;
        // The text counts close the head.
        if r.p + 12 != head.len() {
            return Err(bad());
        }
        let limit = ix.entries.len() as u32;
        ix.text = std::sync::Arc::new(
            super::postings::TextIndex::from_blob(rest, 0, end, counts, limit, sums)
                .ok_or_else(bad)?,
        );
        ix.finish();
        Ok(ix)
    }
}

/// The blob's format tag: a blob of another format (an older app's) is
/// rebuilt from the records at open, not taken for damage.
pub const BLOB_FORMAT: &[u8; 6] = b"FYRIX7";

/// The length of a blob's head (what [`FacetIndex::decode_parts`] reads),
/// from its first [`HEAD_LEN_AT`] + 4 bytes; None if they are not this
/// format's.
pub fn head_len(start: &[u8]) -> Option<usize> {
    let b = start.get(..HEAD_LEN_AT + 4)?;
    is_current_format(b).then(|| u32::from_le_bytes(b[HEAD_LEN_AT..].try_into().unwrap()) as usize)
}

/// Where the head's length lies (after the format tag).
pub const HEAD_LEN_AT: usize = 6;

/// Whether `blob` is in this code's format.
pub fn is_current_format(blob: &[u8]) -> bool {
    blob.starts_with(BLOB_FORMAT)
}

/// How many fields of an entry record have a per-blob width.
const WIDTHS: usize = 7;

/// The byte widths (1, 2, 4 or 8) of an entry record's variable fields in
/// one blob: rowid, groups, needs, forms, langs, the area's first and second
/// number. The rest is fixed: kind u8, flags u8, area tag u8, lat and lon
/// f32, sched u16. All little-endian.
struct Widths([u8; WIDTHS]);

impl Widths {
    fn of(entries: &[Entry]) -> Widths {
        let mut max = [0u64; WIDTHS];
        for e in entries {
            for (m, v) in max.iter_mut().zip(Self::fields(e)) {
                *m = (*m).max(v);
            }
        }
        Widths(max.map(|m| match m {
            0..=0xff => 1,
            0x100..=0xffff => 2,
            0x1_0000..=0xffff_ffff => 4,
            _ => 8,
        }))
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

    fn valid(&self) -> bool {
        self.0.iter().all(|w| matches!(w, 1 | 2 | 4 | 8))
    }

    /// One record's length.
    fn len(&self) -> usize {
        self.0.iter().map(|&w| w as usize).sum::<usize>() + 3 + 8 + 2
    }

    fn put(&self, w: &mut Vec<u8>, e: &Entry) {
        let f = Self::fields(e);
        let mut var = |i: usize| w.extend_from_slice(&f[i].to_le_bytes()[..self.0[i] as usize]);
        var(0);
        var(1);
        var(2);
        var(3);
        var(4);
        var(5);
        var(6);
        w.push(e.kind);
        w.push(e.flags);
        w.push(match e.area {
            Area::National => 0,
            Area::County(_) => 1,
            Area::Munis { .. } => 2,
        });
        w.extend_from_slice(&e.lat.to_le_bytes());
        w.extend_from_slice(&e.lon.to_le_bytes());
        w.extend_from_slice(&e.sched.to_le_bytes());
    }

    /// The records in `b` (a whole number of them), each checked against
    /// the tables it points into; `None` if any is damaged.
    fn read(&self, b: &[u8], schedules: usize, area_munis: usize) -> Option<Vec<Entry>> {
        let n = self.len();
        let w = self.0.map(|w| w as usize);
        let mut out = Vec::with_capacity(b.len() / n);
        for r in b.chunks_exact(n) {
            let mut p = 0;
            let mut f = [0u64; WIDTHS];
            for (v, &w) in f.iter_mut().zip(&w) {
                // A match, not a copy of `w` bytes: the widths are the
                // same for every record, so the branch is predicted.
                *v = match w {
                    1 => r[p] as u64,
                    2 => u16::from_le_bytes([r[p], r[p + 1]]) as u64,
                    4 => u32::from_le_bytes(r[p..p + 4].try_into().ok()?) as u64,
                    _ => u64::from_le_bytes(r[p..p + 8].try_into().ok()?),
                };
                p += w;
            }
            let rest: &[u8; 13] = r[p..].try_into().ok()?;
            let area = match rest[2] {
                0 => Area::National,
                1 => Area::County(u16::try_from(f[5]).ok()?),
                2 => {
                    let start = u32::try_from(f[5]).ok()?;
                    let len = u16::try_from(f[6]).ok()?;
                    if start as usize + len as usize > area_munis {
                        return None;
                    }
                    Area::Munis { start, len }
                }
                _ => return None,
            };
            let sched = u16::from_le_bytes([rest[11], rest[12]]);
            if sched as usize >= schedules {
                return None;
            }
            out.push(Entry {
                rowid: u32::try_from(f[0]).ok()?,
                kind: rest[0],
                groups: u32::try_from(f[1]).ok()?,
                needs: u32::try_from(f[2]).ok()?,
                forms: u32::try_from(f[3]).ok()?,
                langs: f[4],
                flags: rest[1],
                area,
                lat: f32::from_le_bytes(rest[3..7].try_into().ok()?),
                lon: f32::from_le_bytes(rest[7..11].try_into().ok()?),
                sched,
            });
        }
        Some(out)
    }
}

fn put_u32(w: &mut Vec<u8>, v: u32) {
    w.extend_from_slice(&v.to_le_bytes());
}
fn put_str(w: &mut Vec<u8>, s: &str) {
    put_u32(w, s.len() as u32);
    w.extend_from_slice(s.as_bytes());
}
fn put_strs(w: &mut Vec<u8>, v: &[String]) {
    put_u32(w, v.len() as u32);
    for s in v {
        put_str(w, s);
    }
}

struct Reader<'a> {
    b: &'a [u8],
    p: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let s = self.b.get(self.p..self.p.checked_add(n)?)?;
        self.p += n;
        Some(s)
    }
    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes(self.take(2)?.try_into().ok()?))
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn str(&mut self) -> Option<String> {
        let n = self.u32()? as usize;
        String::from_utf8(self.take(n)?.to_vec()).ok()
    }
    fn strs(&mut self) -> Option<Vec<String>> {
        let n = self.u32()?;
        (0..n).map(|_| self.str()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(rowid: u32, langs: u64, area: Area) -> Entry {
        Entry {
            rowid,
            kind: 3,
            groups: 1 << 20,
            needs: 5,
            forms: 0,
            langs,
            flags: 1,
            area,
            lat: 63.18,
            lon: f32::NAN,
            sched: 0,
        }
    }

    /// A national directory's large rowids, a 40th language and a long
    /// list of municipalities need the wider fields; each comes back whole.
    #[test]
    fn entries_of_every_width_come_back() {
        let mut ix = FacetIndex {
            schedule_specs: vec!["".into()],
            schedules: vec![Schedule::parse_or_never("").unwrap()],
            area_munis: vec![0; 300],
            ..Default::default()
        };
        ix.entries = vec![
            entry(1, 1, Area::National),
            entry(70_000, 1 << 40, Area::County(2)),
            entry(
                4_000_000_000,
                0,
                Area::Munis {
                    start: 10,
                    len: 290,
                },
            ),
        ];
        let back = FacetIndex::decode(ix.encode().unwrap()).unwrap();
        assert_eq!(back.entries.len(), 3);
        for (a, b) in ix.entries.iter().zip(&back.entries) {
            assert_eq!(
                (a.rowid, a.kind, a.groups, a.needs, a.forms, a.langs, a.flags),
                (b.rowid, b.kind, b.groups, b.needs, b.forms, b.langs, b.flags)
            );
            assert_eq!(a.area, b.area);
            assert_eq!(a.lat.to_bits(), b.lat.to_bits());
            assert_eq!(a.lon.to_bits(), b.lon.to_bits());
        }
    }

    /// An entry pointing past the municipalities it names is damage.
    #[test]
    fn an_entry_out_of_its_tables_is_damage() {
        let mut ix = FacetIndex {
            schedule_specs: vec!["".into()],
            schedules: vec![Schedule::parse_or_never("").unwrap()],
            area_munis: vec![0; 3],
            ..Default::default()
        };
        ix.entries = vec![entry(1, 1, Area::Munis { start: 2, len: 2 })];
        assert!(matches!(
            FacetIndex::decode(ix.encode().unwrap()),
            Err(Error::Damaged(_))
        ));
    }
}
