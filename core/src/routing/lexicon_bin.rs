//! A compiled lexicon as bytes: what [`Lexicon::compile`] makes, kept
//! beside the store (`store::lexicon_cache`) so that a cold start reads it
//! in a few tens of µs instead of parsing the lexicon's JSON and compiling
//! it (about 0.9 ms on a laptop core, more on a phone's small one).
//!
//! No crate fits: the tables are Fyr's own (spans into one text, hash-sorted
//! lookups), and a general serializer (bincode, postcard) would add a
//! dependency to the phone library for five flat arrays. The bytes are
//! derived data and never trusted: a wrong length, an index out of range, a
//! span off a character boundary or a wrong checksum reads as None, and the
//! caller compiles the lexicon from its source again.
//!
//! Layout (little-endian): magic `FYRLEX02`, u64 key (whose source and
//! analyzer these are: the caller's), u32 id length + id, u32 version,
//! meanings (u32 count; each groups, needs, forms, roles u32, cue u8 (255:
//! none), abuser u8, u16 language length + language), phrases (u32 count;
//! each varints: `at` less the previous phrase's end in the spans, len,
//! meaning), text (u32 length + UTF-8), spans (u32 count; each varints: the
//! gap after the previous span's end, the length), the single and multi
//! tables (u32 count; u64 hashes, then varint phrases), and a CRC-32 of
//! everything before it. Spans follow each other through the text and
//! phrases through the spans, so most of these are one byte (format 1 kept
//! every number as a u32: 158 KB of the store for the embedded lexicon, 98
//! KB now). A file of format 1 reads as a miss and is written again.

use super::lexicon::{Keyed, Lexicon, Meaning, Phrase};
use super::Situation;
use crate::understand::Cue;

const MAGIC: &[u8; 8] = b"FYRLEX02";

impl Lexicon {
    /// The compiled lexicon as bytes, under `key`.
    pub fn to_bytes(&self, key: u64) -> Vec<u8> {
        let mut b = Vec::with_capacity(self.text.len() + self.spans.len() * 8 + 64 * 1024);
        b.extend_from_slice(MAGIC);
        b.extend_from_slice(&key.to_le_bytes());
        let u32s = |b: &mut Vec<u8>, v: u32| b.extend_from_slice(&v.to_le_bytes());
        u32s(&mut b, self.id.len() as u32);
        b.extend_from_slice(self.id.as_bytes());
        u32s(&mut b, self.version);
        u32s(&mut b, self.meanings.len() as u32);
        for m in &self.meanings {
            let s = &m.situation;
            for v in [s.groups, s.needs, s.forms, s.roles] {
                u32s(&mut b, v);
            }
            b.push(m.cue.map_or(u8::MAX, |c| c as u8));
            b.push(m.abuser as u8);
            let l = m.language.as_deref().unwrap_or("");
            b.extend_from_slice(&(l.len() as u16).to_le_bytes());
            b.extend_from_slice(l.as_bytes());
        }
        u32s(&mut b, self.phrases.len() as u32);
        let mut end = 0u32;
        for p in &self.phrases {
            // (A phrase before the previous one's end is written as its
            // distance past u32::MAX: wrapping keeps it exact.)
            var(&mut b, p.at.wrapping_sub(end));
            var(&mut b, p.len as u32);
            var(&mut b, p.meaning as u32);
            end = p.at.wrapping_add((p.len as u32).wrapping_mul(2));
        }
        u32s(&mut b, self.text.len() as u32);
        b.extend_from_slice(self.text.as_bytes());
        u32s(&mut b, self.spans.len() as u32);
        let mut end = 0u32;
        for &(x, y) in &self.spans {
            var(&mut b, x.wrapping_sub(end));
            var(&mut b, y.wrapping_sub(x));
            end = y;
        }
        for k in [&self.single, &self.multi] {
            u32s(&mut b, k.hashes.len() as u32);
            for h in &k.hashes {
                b.extend_from_slice(&h.to_le_bytes());
            }
            for &p in &k.phrases {
                var(&mut b, p);
            }
        }
        let crc = crc32fast::hash(&b);
        u32s(&mut b, crc);
        b
    }

    /// The lexicon in `b` if it is whole, sound and made under `key`; else
    /// None. It has no source entries ([`Lexicon::source`]).
    pub fn from_bytes(b: &[u8], key: u64) -> Option<Lexicon> {
        Self::from_bytes_keyed(b, Some(key)).map(|(_, l)| l)
    }

    /// As [`Lexicon::from_bytes`] with its key (whatever key it was kept
    /// under when `want` is None: read ahead of knowing which key is due,
    /// and checked against it after).
    pub fn from_bytes_keyed(b: &[u8], want: Option<u64>) -> Option<(u64, Lexicon)> {
        let (body, crc) = b.split_at_checked(b.len().checked_sub(4)?)?;
        if crc32fast::hash(body).to_le_bytes() != crc {
            return None;
        }
        let mut r = Reader { b: body };
        if r.take(8)? != MAGIC {
            return None;
        }
        let key = r.u64()?;
        if want.is_some_and(|w| w != key) {
            return None;
        }
        let id_len = r.u32()? as usize;
        let id = std::str::from_utf8(r.take(id_len)?).ok()?.to_string();
        let version = r.u32()?;
        // Four u32, cue, abuser, the language's u16 length: 20 bytes at least.
        let n = r.count(20)?;
        let mut meanings = Vec::with_capacity(n);
        for _ in 0..n {
            let situation = Situation {
                groups: r.u32()?,
                needs: r.u32()?,
                forms: r.u32()?,
                roles: r.u32()?,
            };
            let cue = match r.take(1)?[0] {
                u8::MAX => None,
                c => Some(*Cue::ALL.get(c as usize)?),
            };
            let abuser = match r.take(1)?[0] {
                0 => false,
                1 => true,
                _ => return None,
            };
            let l = u16::from_le_bytes(r.take(2)?.try_into().ok()?) as usize;
            let l = std::str::from_utf8(r.take(l)?).ok()?;
            meanings.push(Meaning {
                situation,
                cue,
                abuser,
                language: (!l.is_empty()).then(|| l.to_string()),
            });
        }
        let n = r.count(3)?;
        let mut phrases = Vec::with_capacity(n);
        let mut end = 0u32;
        for _ in 0..n {
            let at = end.wrapping_add(r.var()?);
            let (len, meaning) = (r.var()? as usize, r.var()? as usize);
            if meaning >= meanings.len() || len == 0 {
                return None;
            }
            end = at.wrapping_add((len as u32).wrapping_mul(2));
            phrases.push(Phrase { at, len, meaning });
        }
        let text_len = r.u32()? as usize;
        let text = std::str::from_utf8(r.take(text_len)?).ok()?.to_string();
        let n = r.count(2)?;
        let mut spans = Vec::with_capacity(n);
        let mut end = 0u32;
        for _ in 0..n {
            let x = end.checked_add(r.var()?)?;
            let y = x.checked_add(r.var()?)?;
            if !text.is_char_boundary(x as usize) || !text.is_char_boundary(y as usize) {
                return None;
            }
            spans.push((x, y));
            end = y;
        }
        // Every phrase's words and stems lie among the spans.
        // (Checked: on a 32-bit phone a forged length would wrap.)
        if phrases.iter().any(|p| {
            p.len
                .checked_mul(2)
                .and_then(|l| l.checked_add(p.at as usize))
                .is_none_or(|end| end > spans.len())
        }) {
            return None;
        }
        let mut keyed = || -> Option<Keyed> {
            let n = r.count(9)?;
            let hashes = (0..n).map(|_| r.u64()).collect::<Option<Vec<_>>>()?;
            let ps = (0..n).map(|_| r.var()).collect::<Option<Vec<_>>>()?;
            if ps.iter().any(|&p| p as usize >= phrases.len()) || !hashes.is_sorted() {
                return None;
            }
            Some(Keyed {
                hashes,
                phrases: ps,
            })
        };
        let single = keyed()?;
        let multi = keyed()?;
        if !r.b.is_empty() {
            return None;
        }
        Some((
            key,
            Lexicon {
                id,
                version,
                source: None,
                meanings,
                phrases,
                text,
                spans,
                single,
                multi,
            },
        ))
    }
}

/// Writes `v` as a varint (7 bits a byte, low first).
fn var(b: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        b.push((v as u8) | 0x80);
        v >>= 7;
    }
    b.push(v as u8);
}

struct Reader<'a> {
    b: &'a [u8],
}

impl<'a> Reader<'a> {
    #[inline]
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (h, t) = self.b.split_at_checked(n)?;
        self.b = t;
        Some(h)
    }
    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }
    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }
    /// A varint (7 bits a byte, low first) of at most 32 bits.
    #[inline]
    fn var(&mut self) -> Option<u32> {
        // Most are one byte (gaps and lengths below 128).
        if let Some((&b, rest)) = self.b.split_first() {
            if b < 0x80 {
                self.b = rest;
                return Some(b as u32);
            }
        }
        let mut v = 0u64;
        for shift in (0..35).step_by(7) {
            let b = self.take(1)?[0];
            v |= ((b & 0x7f) as u64) << shift;
            if b < 0x80 {
                return u32::try_from(v).ok();
            }
        }
        None
    }
    /// A count of items of at least `min` bytes each that the rest can hold.
    fn count(&mut self, min: usize) -> Option<usize> {
        let n = self.u32()? as usize;
        (n.checked_mul(min)? <= self.b.len()).then_some(n)
    }
}

#[cfg(test)]
mod tests {
    use super::super::embedded_lexicon;
    use super::*;

    /// The embedded lexicon comes back from its bytes the same, apart from
    /// its source, and reads a sentence the same.
    #[test]
    fn the_compiled_lexicon_round_trips() {
        let l = embedded_lexicon().unwrap();
        let b = l.to_bytes(7);
        let back = Lexicon::from_bytes(&b, 7).expect("reads back");
        assert!(back.source().is_none());
        assert_eq!(back.meanings, l.meanings);
        assert_eq!(back.phrases, l.phrases);
        assert_eq!(back.folded_words(), l.folded_words());
        let read = |lex: &Lexicon| {
            crate::understand::read(lex, &|_| false, "min man slar mig och barnen", &[]).situation
        };
        assert_eq!(read(&back), read(&l));
    }

    /// Another key, a flipped byte, a cut or a forged table with a valid
    /// checksum all read as None, never as a wrong lexicon.
    #[test]
    fn damaged_or_foreign_bytes_are_not_a_lexicon() {
        let l = embedded_lexicon().unwrap();
        let b = l.to_bytes(7);
        assert!(Lexicon::from_bytes(&b, 8).is_none());
        for at in [0, 9, 20, b.len() / 2, b.len() - 1] {
            let mut x = b.clone();
            x[at] ^= 0x40;
            assert!(Lexicon::from_bytes(&x, 7).is_none(), "byte {at}");
        }
        for cut in [0, 3, 12, b.len() / 3, b.len() - 5] {
            assert!(Lexicon::from_bytes(&b[..cut], 7).is_none(), "cut {cut}");
        }
        // A phrase pointing past the meanings, with its checksum made right.
        let mut x = b[..b.len() - 4].to_vec();
        let at = x.windows(8).position(|w| w == 7u64.to_le_bytes()).unwrap() + 8;
        let id_len = u32::from_le_bytes(x[at..at + 4].try_into().unwrap()) as usize;
        let meanings_at = at + 4 + id_len + 4;
        let n = u32::from_le_bytes(x[meanings_at..meanings_at + 4].try_into().unwrap());
        x[meanings_at..meanings_at + 4].copy_from_slice(&(n + 1_000_000).to_le_bytes());
        let crc = crc32fast::hash(&x);
        x.extend_from_slice(&crc.to_le_bytes());
        assert!(Lexicon::from_bytes(&x, 7).is_none());
    }

    /// A phrase length near u32::MAX (a varint the fuzzer found, checksum
    /// made right) reads as None, not an overflow.
    #[test]
    fn a_huge_phrase_length_is_not_a_lexicon() {
        let l = embedded_lexicon().unwrap();
        let b = l.to_bytes(7);
        let mut x = b[..b.len() - 4].to_vec();
        // The first phrase follows the meanings; its `at` gap is 0, then its
        // length: made 2^31 + 1 as a five-byte varint.
        let at = x.windows(8).position(|w| w == 7u64.to_le_bytes()).unwrap() + 8;
        let id_len = u32::from_le_bytes(x[at..at + 4].try_into().unwrap()) as usize;
        let mut r = Reader {
            b: &x[at + 4 + id_len + 4..],
        };
        let n = r.u32().unwrap() as usize;
        for _ in 0..n {
            r.take(18).unwrap();
            let l = u16::from_le_bytes(r.take(2).unwrap().try_into().unwrap()) as usize;
            r.take(l).unwrap();
        }
        r.u32().unwrap();
        let first = x.len() - r.b.len();
        assert_eq!(x[first], 0, "the first phrase starts at the spans' start");
        let mut huge = Vec::new();
        var(&mut huge, (1 << 31) + 1);
        x.splice(first + 1..first + 2, huge);
        let crc = crc32fast::hash(&x);
        x.extend_from_slice(&crc.to_le_bytes());
        assert!(Lexicon::from_bytes(&x, 7).is_none());
    }
}
