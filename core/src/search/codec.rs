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
        for e in &self.entries {
            put_u32(&mut w, e.rowid);
            w.push(e.kind);
            put_u32(&mut w, e.groups);
            put_u32(&mut w, e.needs);
            put_u32(&mut w, e.forms);
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
        // Terms front-coded (shared prefix with the previous term, then the
        // rest); each term's postings as a count and gaps, all varints.
        let merged;
        let text = if self.overlay.is_empty() {
            &*self.text
        } else {
            merged = super::postings::merged(&self.text, &self.overlay);
            &merged
        };
        put_u32(&mut w, text.terms.len() as u32);
        let mut prev: &[u8] = &[];
        for t in &text.terms {
            let t = t.as_bytes();
            let shared = prev.iter().zip(t).take_while(|(a, b)| a == b).count();
            put_var(&mut w, shared as u32);
            put_var(&mut w, (t.len() - shared) as u32);
            w.extend_from_slice(&t[shared..]);
            prev = t;
        }
        for i in 0..text.terms.len() {
            let posts = text.postings(i).0;
            put_var(&mut w, posts.len() as u32);
            let mut last = 0u32;
            for &p in posts {
                put_var(&mut w, p - last);
                last = p;
            }
        }
        w.extend_from_slice(&text.post_fields);
        let sum = checksum(&w);
        w.extend_from_slice(&sum.to_le_bytes());
        w
    }

    pub fn decode(blob: &[u8]) -> Result<FacetIndex> {
        let bad = || Error::Damaged("the search index is damaged".into());
        if blob.len() < 14 || !is_current_format(blob) {
            return Err(bad());
        }
        let (body, sum) = blob.split_at(blob.len() - 8);
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
        for _ in 0..n {
            let e = (|| {
                let rowid = r.u32()?;
                let kind = r.u8()?;
                let groups = r.u32()?;
                let needs = r.u32()?;
                let forms = r.u32()?;
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
        let mut text = super::postings::TextIndex::default();
        let n = r.u32().ok_or_else(bad)? as usize;
        text.terms.reserve(n);
        let mut prev: Vec<u8> = Vec::new();
        for _ in 0..n {
            let shared = r.var().ok_or_else(bad)? as usize;
            let rest = r.var().ok_or_else(bad)? as usize;
            if shared > prev.len() {
                return Err(bad());
            }
            prev.truncate(shared);
            prev.extend_from_slice(r.take(rest).ok_or_else(bad)?);
            text.terms
                .push(String::from_utf8(prev.clone()).map_err(|_| bad())?);
        }
        text.post_start.reserve(n + 1);
        text.post_start.push(0);
        let limit = ix.entries.len() as u64;
        for _ in 0..n {
            let count = r.var().ok_or_else(bad)?;
            let mut p = 0u64;
            for k in 0..count {
                let gap = r.var().ok_or_else(bad)? as u64;
                if k > 0 && gap == 0 {
                    return Err(bad());
                }
                p += gap;
                if p >= limit {
                    return Err(bad());
                }
                text.post_pos.push(p as u32);
            }
            text.post_start.push(text.post_pos.len() as u32);
        }
        text.post_fields = r.take(text.post_pos.len()).ok_or_else(bad)?.to_vec();
        ix.text = std::sync::Arc::new(text);
        if r.p != r.b.len() {
            return Err(bad());
        }
        ix.finish();
        Ok(ix)
    }
}

/// The blob's format tag: a blob of another format (an older app's) is
/// rebuilt from the records at open, not taken for damage.
pub const BLOB_FORMAT: &[u8; 6] = b"FYRIX3";

/// Whether `blob` is in this code's format.
pub fn is_current_format(blob: &[u8]) -> bool {
    blob.starts_with(BLOB_FORMAT)
}

/// Detects a damaged blob (not an attacker: the file is local): FNV-style,
/// eight bytes a step, so checking a national index at open costs well
/// under a millisecond.
fn checksum(b: &[u8]) -> u64 {
    const P: u64 = 0x100000001b3;
    let mut h: u64 = 0xcbf29ce484222325 ^ b.len() as u64;
    let mut words = b.chunks_exact(8);
    for w in &mut words {
        h = (h ^ u64::from_le_bytes(w.try_into().expect("8 bytes"))).wrapping_mul(P);
        h ^= h >> 29;
    }
    for &x in words.remainder() {
        h = (h ^ x as u64).wrapping_mul(P);
    }
    h ^ (h >> 32)
}

fn put_u32(w: &mut Vec<u8>, v: u32) {
    w.extend_from_slice(&v.to_le_bytes());
}
/// LEB128: seven bits a byte, low first.
fn put_var(w: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        w.push(v as u8 | 0x80);
        v >>= 7;
    }
    w.push(v as u8);
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
