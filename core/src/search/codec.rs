//! The index blob: the facet index written whole into the index file
//! (`store/index_file.rs`), compact (front-coded terms, gap-coded postings)
//! and with checksums, so a damaged blob is found and rebuilt, not used: the
//! head's tables and the tables of chunk checksums under one CRC-32 checked
//! at open; the entries and the text index each by a CRC-32 per chunk
//! (`search/chunks.rs`), checked when a query first reads the chunk. The
//! entries and the text index are used where they lie: nothing of them is
//! decoded or checked at open.
//!
//! `FYRIX9` | head length u32 | generation u64 | tables (counties,
//! languages, schedules, municipalities, area lists) | entry count u32 |
//! entry widths | entries (fixed-width records, `search/entry.rs`) | the
//! entries' chunk checksums (count u32, each u32) | text counts | text
//! sections | the text's chunk checksums | CRC-32 of the head but its
//! entries, and of the text's checksums.

use super::entry::{Entries, Tables, Widths};
use super::index::FacetIndex;
use super::text_index::Bytes;
use crate::error::{Error, Result};
use crate::model::Municipality;
use crate::schedule::Schedule;
use std::ops::Range;

impl FacetIndex {
    /// The blob, marked with `generation` (what the store records beside
    /// the records it was made from); refused (damage) when the text index
    /// it would copy has a damaged chunk (it is checked whole first).
    pub fn encode(&self, generation: u64) -> Result<Vec<u8>> {
        if !self.text.verify_all() || !self.entries.verify_all() {
            return Err(super::index::chunk_damage());
        }
        let entries = self.entries.all();
        let wd = Widths::of(entries.iter());
        let mut w = Vec::with_capacity(64 + self.entries.len() * wd.record_len());
        w.extend_from_slice(BLOB_FORMAT);
        put_u32(&mut w, 0); // the head's length, set below
        w.extend_from_slice(&generation.to_le_bytes());
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
        // The entries as fixed-width records (`search/entry.rs`).
        put_u32(&mut w, self.entries.len() as u32);
        w.extend_from_slice(&wd.bytes());
        let at = w.len();
        wd.put_all(&mut w, entries.iter().copied());
        let records = at..w.len();
        let sums = super::chunks::sums(&w[records.clone()]);
        put_u32(&mut w, sums.len() as u32);
        for s in sums {
            put_u32(&mut w, s);
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
        w[HEAD_LEN_AT..HEAD_LEN_AT + 4].copy_from_slice(&(head as u32).to_le_bytes());
        w.extend_from_slice(bytes);
        let sums_at = w.len();
        for s in super::chunks::sums(bytes) {
            put_u32(&mut w, s);
        }
        // The entries are checked by their own chunks, not here.
        let mut h = crc32fast::Hasher::new();
        h.update(&w[..records.start]);
        h.update(&w[records.end..head]);
        h.update(&w[sums_at..]);
        w.extend_from_slice(&h.finalize().to_le_bytes());
        Ok(w)
    }

    /// The index in `blob`, copied into memory of its own.
    pub fn decode(blob: Vec<u8>) -> Result<FacetIndex> {
        let head = Head::read(&blob)?;
        let records = &blob[head.entries.clone()];
        if super::chunks::sums(records) != head.entry_sums {
            return Err(damaged());
        }
        let entries = Entries::decode(records, head.widths, head.tables()).ok_or_else(damaged)?;
        head.finish(entries, blob)
    }

    /// The index in an index file, read where it lies: `map` the file
    /// (the head and the text index) and `private` its copy-on-write map
    /// (the entries, changed in place by a delta). The head and the chunk
    /// checksums are checked; nothing else is read.
    pub fn from_maps(
        map: std::sync::Arc<memmap2::Mmap>,
        private: memmap2::MmapMut,
    ) -> Result<FacetIndex> {
        let mut head = Head::read(&map)?;
        if private.len() != map.len() {
            return Err(damaged());
        }
        let entries = Entries::mapped(
            private,
            map.clone(),
            (
                head.entries.start,
                head.entries.len() / head.widths.record_len(),
            ),
            head.widths,
            head.tables(),
            std::mem::take(&mut head.entry_sums),
        )
        .ok_or_else(damaged)?;
        head.finish(entries, Bytes::Mapped(map))
    }
}

/// Where a blob's entries lie and the length of one (for tests that
/// damage them).
#[cfg(test)]
pub(crate) fn entries_at(blob: &[u8]) -> (Range<usize>, usize) {
    let h = Head::read(blob).unwrap();
    (h.entries, h.widths.record_len())
}

fn damaged() -> Error {
    Error::Damaged("the search index is damaged".into())
}

/// A blob's head, checked: its tables read, where its entries and text
/// sections lie.
struct Head {
    ix: FacetIndex,
    widths: Widths,
    entries: Range<usize>,
    /// The checksums of the entries' chunks.
    entry_sums: Vec<u32>,
    /// The text sections' start and end, their counts and chunk checksums.
    text: (usize, usize, (u32, u32, u32), Vec<u32>),
}

impl Head {
    fn read(blob: &[u8]) -> Result<Head> {
        let bad = damaged;
        let h = head_len(blob).ok_or_else(bad)?;
        if h < HEAD_LEN_AT + 4 + 8 + 12 || h > blob.len() {
            return Err(bad());
        }
        let (head, rest) = blob.split_at(h);
        // Where the parts lie, from the text counts at the head's end; then
        // the head and the chunk checksums are checked.
        let u32_at = |p: usize| u32::from_le_bytes(head[p..p + 4].try_into().unwrap());
        let counts = (u32_at(h - 12), u32_at(h - 8), u32_at(h - 4));
        let len = (counts.0 as usize)
            .div_ceil(super::text_index::BLOCK)
            .checked_mul(8)
            .and_then(|b| b.checked_add(counts.1 as usize))
            .and_then(|b| b.checked_add(counts.2 as usize))
            .ok_or_else(bad)?;
        let chunks = len.div_ceil(super::text_index::CHUNK);
        if chunks.checked_mul(4).and_then(|c| c.checked_add(len + 4)) != Some(rest.len()) {
            return Err(bad());
        }
        let (sums, sum) = rest[len..].split_at(chunks * 4);
        let mut r = Reader {
            b: head,
            p: HEAD_LEN_AT + 4,
        };
        r.take(8).ok_or_else(bad)?; // the generation
        let mut ix = FacetIndex {
            counties: r.strs().ok_or_else(bad)?,
            languages: r.strs().ok_or_else(bad)?,
            schedule_specs: r.strs().ok_or_else(bad)?,
            ..Default::default()
        };
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
        let area = r.take((n as usize).checked_mul(2).ok_or_else(bad)?);
        ix.area_munis = area
            .ok_or_else(bad)?
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        let n = r.u32().ok_or_else(bad)? as usize;
        let widths =
            Widths::from_bytes(r.take(7).ok_or_else(bad)?.try_into().unwrap()).ok_or_else(bad)?;
        let at = r.p;
        let records = n.checked_mul(widths.record_len()).ok_or_else(bad)?;
        r.take(records).ok_or_else(bad)?;
        let entry_sums = r.u32s().ok_or_else(bad)?;
        // The text counts close the head.
        if r.p + 12 != h {
            return Err(bad());
        }
        // The head but its entries (checked by their own chunks), and the
        // text's chunk checksums.
        let mut crc = crc32fast::Hasher::new();
        crc.update(&head[..at]);
        crc.update(&head[at + records..]);
        crc.update(sums);
        if crc.finalize().to_le_bytes() != sum {
            return Err(bad());
        }
        for spec in &ix.schedule_specs {
            ix.schedules
                .push(Schedule::parse_or_never(spec).map_err(|e| Error::Storage(e.to_string()))?);
        }
        let sums: Vec<u32> = sums
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes(c.try_into().unwrap()))
            .collect();
        Ok(Head {
            ix,
            widths,
            entries: at..at + records,
            entry_sums,
            text: (h, h + len, counts, sums),
        })
    }

    /// The lengths of the tables the entries point into.
    fn tables(&self) -> Tables {
        Tables {
            schedules: self.ix.schedules.len(),
            area_munis: self.ix.area_munis.len(),
            counties: self.ix.counties.len(),
        }
    }

    /// The index with `entries` and the text index in `buf` (the blob).
    fn finish(self, entries: Entries, buf: impl Into<Bytes>) -> Result<FacetIndex> {
        let mut ix = self.ix;
        ix.entries = entries;
        let (at, end, counts, sums) = self.text;
        let limit = ix.entries.len() as u32;
        ix.text = std::sync::Arc::new(
            super::postings::TextIndex::from_blob(buf, at, end, counts, limit, sums)
                .ok_or_else(damaged)?,
        );
        ix.finish();
        Ok(ix)
    }
}

/// The blob's format tag: a blob of another format (an older app's) is
/// rebuilt from the records at open, not taken for damage.
pub const BLOB_FORMAT: &[u8; 6] = b"FYRIX9";

/// The length of a blob's head (tables, entries, text counts), from its
/// first [`HEAD_LEN_AT`] + 4 bytes; None if they are not this format's.
pub fn head_len(start: &[u8]) -> Option<usize> {
    let b = start.get(..HEAD_LEN_AT + 4)?;
    is_current_format(b).then(|| u32::from_le_bytes(b[HEAD_LEN_AT..].try_into().unwrap()) as usize)
}

/// Where the head's length lies (after the format tag).
pub const HEAD_LEN_AT: usize = 6;

/// A blob's generation (what `encode` was given); None if the blob is not
/// of this format.
pub fn generation(blob: &[u8]) -> Option<u64> {
    let at = HEAD_LEN_AT + 4;
    is_current_format(blob)
        .then(|| blob.get(at..at + 8))?
        .map(|g| u64::from_le_bytes(g.try_into().unwrap()))
}

/// Whether `blob` is in this code's format.
pub fn is_current_format(blob: &[u8]) -> bool {
    blob.starts_with(BLOB_FORMAT)
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
    fn u32s(&mut self) -> Option<Vec<u32>> {
        let n = self.u32()? as usize;
        let b = self.take(n.checked_mul(4)?)?;
        Some(
            b.chunks_exact(4)
                .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::search::entry::tests::entry;
    use crate::search::index::Area;

    fn tables(area_munis: usize) -> FacetIndex {
        FacetIndex {
            schedule_specs: vec!["".into()],
            schedules: vec![Schedule::parse_or_never("").unwrap()],
            counties: vec!["07".into(), "23".into(), "25".into()],
            area_munis: vec![0; area_munis],
            ..Default::default()
        }
    }

    /// A national directory's large rowids, a 40th language and a long
    /// list of municipalities come back whole, with the generation.
    #[test]
    fn entries_of_every_width_come_back() {
        let mut ix = tables(300);
        ix.entries = crate::search::entry::tests::wide().into_iter().collect();
        let blob = ix.encode(0xfeed_beef_0000_0001).unwrap();
        let back = FacetIndex::decode(blob.clone()).unwrap();
        assert_eq!(back.entries.to_vec(), ix.entries.to_vec());
        assert_eq!(generation(&blob), Some(0xfeed_beef_0000_0001));
    }

    /// An entry pointing past the municipalities or counties it names is
    /// damage.
    #[test]
    fn an_entry_out_of_its_tables_is_damage() {
        for area in [Area::Munis { start: 2, len: 2 }, Area::County(3)] {
            let mut ix = tables(3);
            ix.entries = [entry(1, 1, area)].into_iter().collect();
            assert!(matches!(
                FacetIndex::decode(ix.encode(1).unwrap()),
                Err(Error::Damaged(_))
            ));
        }
    }

    /// Any byte of the head changed is found at open (by its checksum).
    #[test]
    fn a_changed_head_is_damage() {
        let mut ix = tables(3);
        ix.entries = [entry(1, 1, Area::National)].into_iter().collect();
        let blob = ix.encode(7).unwrap();
        let h = head_len(&blob).unwrap();
        for at in HEAD_LEN_AT + 4..h {
            let mut b = blob.clone();
            b[at] ^= 0x10;
            assert!(FacetIndex::decode(b).is_err(), "byte {at}");
        }
    }
}
