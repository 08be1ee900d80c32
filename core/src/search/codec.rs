//! The index blob: the facet index written whole into directory.db
//! (`facet_index`), compact (front-coded terms, gap-coded postings) and with
//! a checksum, so a damaged blob is found at open and rebuilt, not used.

use super::index::{Area, Entry, FacetIndex};
use crate::error::{Error, Result};
use crate::model::Municipality;
use crate::schedule::Schedule;

impl FacetIndex {
    pub fn encode(&self) -> Vec<u8> {
        let mut w = Vec::with_capacity(64 + self.entries.len() * 48);
        w.extend_from_slice(BLOB_FORMAT);
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
        put_u32(&mut w, self.entries.len() as u32);
        let mut last_rowid = 0u32;
        for e in &self.entries {
            // The rowid as the difference from the previous one (zigzag: it
            // is mostly small and positive), the bit sets as varints.
            let d = e.rowid.wrapping_sub(last_rowid) as i32;
            put_var(&mut w, ((d << 1) ^ (d >> 31)) as u32);
            last_rowid = e.rowid;
            w.push(e.kind);
            put_var(&mut w, e.groups);
            put_var(&mut w, e.needs);
            put_var(&mut w, e.forms);
            w.extend_from_slice(&e.langs.to_le_bytes());
            w.push(e.flags);
            match e.area {
                Area::National => w.push(0),
                Area::County(c) => {
                    w.push(1);
                    w.extend_from_slice(&c.to_le_bytes());
                }
                Area::Munis { start, len } => {
                    w.push(2);
                    put_u32(&mut w, start);
                    w.extend_from_slice(&len.to_le_bytes());
                }
            }
            w.extend_from_slice(&e.lat.to_le_bytes());
            w.extend_from_slice(&e.lon.to_le_bytes());
            w.extend_from_slice(&e.sched.to_le_bytes());
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
        w.extend_from_slice(bytes);
        let sum = checksum(&w);
        w.extend_from_slice(&sum.to_le_bytes());
        w
    }

    /// The index in `blob`, which it keeps: the text index is used where it
    /// lies (nothing of it is decoded here); the tables and entries are read.
    pub fn decode(blob: Vec<u8>) -> Result<FacetIndex> {
        let bad = || Error::Damaged("the search index is damaged".into());
        if blob.len() < 14 || !is_current_format(&blob) {
            return Err(bad());
        }
        let (body, sum) = blob.split_at(blob.len() - 4);
        if checksum(body).to_le_bytes() != sum {
            return Err(bad());
        }
        let mut r = Reader { b: body, p: 6 };
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
        ix.entries.reserve(n);
        let mut last_rowid = 0u32;
        for _ in 0..n {
            let e = (|| {
                let z = r.var()?;
                let d = ((z >> 1) as i32) ^ -((z & 1) as i32);
                let rowid = last_rowid.wrapping_add(d as u32);
                last_rowid = rowid;
                let kind = r.u8()?;
                let groups = r.var()?;
                let needs = r.var()?;
                let forms = r.var()?;
                let langs = u64::from_le_bytes(r.take(8)?.try_into().ok()?);
                let flags = r.u8()?;
                let area = match r.u8()? {
                    0 => Area::National,
                    1 => Area::County(r.u16()?),
                    2 => Area::Munis {
                        start: r.u32()?,
                        len: r.u16()?,
                    },
                    _ => return None,
                };
                let lat = f32::from_le_bytes(r.take(4)?.try_into().ok()?);
                let lon = f32::from_le_bytes(r.take(4)?.try_into().ok()?);
                let sched = r.u16()?;
                Some(Entry {
                    rowid,
                    kind,
                    groups,
                    needs,
                    forms,
                    langs,
                    flags,
                    area,
                    lat,
                    lon,
                    sched,
                })
            })()
            .ok_or_else(bad)?;
            if e.sched as usize >= ix.schedules.len() {
                return Err(bad());
            }
            if let Area::Munis { start, len } = e.area {
                if start as usize + len as usize > ix.area_munis.len() {
                    return Err(bad());
                }
            }
            ix.entries.push(e);
        }
        let counts = (
            r.u32().ok_or_else(bad)?,
            r.u32().ok_or_else(bad)?,
            r.u32().ok_or_else(bad)?,
        );
        let (at, end) = (r.p, r.b.len());
        let limit = ix.entries.len() as u32;
        ix.text = std::sync::Arc::new(
            super::postings::TextIndex::from_blob(blob, at, end, counts, limit).ok_or_else(bad)?,
        );
        ix.finish();
        Ok(ix)
    }
}

/// The blob's format tag: a blob of another format (an older app's) is
/// rebuilt from the records at open, not taken for damage.
pub const BLOB_FORMAT: &[u8; 6] = b"FYRIX4";

/// Whether `blob` is in this code's format.
pub fn is_current_format(blob: &[u8]) -> bool {
    blob.starts_with(BLOB_FORMAT)
}

/// Detects a damaged blob (not an attacker: the file is local): CRC-32
/// (`crc32fast`, with the processor's CRC or carry-less multiply
/// instructions), so checking a national index at open costs a tenth of a
/// millisecond or so.
fn checksum(b: &[u8]) -> u32 {
    crc32fast::hash(b)
}

fn put_u32(w: &mut Vec<u8>, v: u32) {
    w.extend_from_slice(&v.to_le_bytes());
}
use super::text_index::put_var;
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
    fn u8(&mut self) -> Option<u8> {
        Some(self.take(1)?[0])
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
    fn var(&mut self) -> Option<u32> {
        let mut v = 0u32;
        for shift in (0..35).step_by(7) {
            let b = self.u8()?;
            v |= ((b & 0x7f) as u32).checked_shl(shift)?;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }
    fn strs(&mut self) -> Option<Vec<String>> {
        let n = self.u32()?;
        (0..n).map(|_| self.str()).collect()
    }
}
