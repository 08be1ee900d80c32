//! The text index's one layout, in memory as in the blob: the bytes are used
//! where they lie, so opening the store decodes no term and no posting.
//!
//! * the term dictionary: sorted folded terms front-coded (shared prefix with
//!   the previous term, the rest) in blocks of [`BLOCK`] terms, each block
//!   starting with a whole term; after each term the byte length of its
//!   postings (all LEB128 varints);
//! * the postings: per term, the term's most frequent `FIELD_*` byte, then
//!   its ascending entry positions as gaps, each gap a varint of
//!   `gap << 1 | other`, with `other` set when the posting's fields differ
//!   from the term's most frequent, and then followed by its own fields byte
//!   (nearly every gap is below 64: most postings are one byte);
//! * the block table: per block, the dictionary and postings offsets of its
//!   first term (u32 little-endian each).
//!
//! A term is found by binary search over the blocks' first terms and a scan
//! of at most one block; its postings are decoded as they are read. An index
//! built from records ([`TextBuilder`]) and one read from the blob
//! (`TextIndex::from_blob`, zero-copy: it keeps the blob) are the same thing.

use std::ops::Range;

/// Terms per block of the dictionary.
pub const BLOCK: usize = 16;

#[derive(Debug, Default)]
pub struct TextIndex {
    /// Holds the sections (the whole blob when read from one).
    buf: Vec<u8>,
    dict: Range<usize>,
    posts: Range<usize>,
    blocks: Range<usize>,
    n: usize,
    /// Positions at or past this are damage and are never yielded.
    limit: u32,
}

impl TextIndex {
    /// The number of terms.
    pub fn len(&self) -> usize {
        self.n
    }

    pub fn is_empty(&self) -> bool {
        self.n == 0
    }

    /// The sections as written into the blob: term count, dictionary and
    /// postings lengths, then the bytes (see the module's text).
    pub fn sections(&self) -> (u32, u32, u32, &[u8]) {
        (
            self.n as u32,
            self.dict.len() as u32,
            self.posts.len() as u32,
            &self.buf[self.dict.start..self.blocks.end],
        )
    }

    /// The text index in `buf[at..end]` (written by [`Self::sections`]),
    /// keeping `buf`; `None` if the sections do not fit together.
    /// `limit`: the number of entries.
    pub fn from_blob(
        buf: Vec<u8>,
        at: usize,
        end: usize,
        (n, dict_len, posts_len): (u32, u32, u32),
        limit: u32,
    ) -> Option<TextIndex> {
        let n = n as usize;
        let nb = n.div_ceil(BLOCK);
        let dict = at..at.checked_add(dict_len as usize)?;
        let posts = dict.end..dict.end.checked_add(posts_len as usize)?;
        let blocks = posts.end..posts.end.checked_add(nb.checked_mul(8)?)?;
        if blocks.end != end || end > buf.len() {
            return None;
        }
        let t = TextIndex {
            buf,
            dict,
            posts,
            blocks,
            n,
            limit,
        };
        // The block table: offsets ascending and inside their sections.
        let (mut d0, mut p0) = (0, 0);
        for b in 0..nb {
            let (d, p) = t.block(b);
            if d < d0 || p < p0 || d >= t.dict.len() || p > t.posts.len() || (b == 0 && d + p != 0)
            {
                return None;
            }
            (d0, p0) = (d, p);
        }
        Some(t)
    }

    /// Block `b`'s first term's dictionary and postings offsets.
    fn block(&self, b: usize) -> (usize, usize) {
        let at = self.blocks.start + b * 8;
        let w = |i: usize| {
            let s = &self.buf[at + i..at + i + 4];
            u32::from_le_bytes([s[0], s[1], s[2], s[3]]) as usize
        };
        (w(0), w(4))
    }

    /// Block `b`'s first term (whole: it shares nothing).
    fn block_first(&self, b: usize) -> &[u8] {
        let d = &self.buf[self.dict.clone()];
        let mut p = self.block(b).0;
        let _shared = var(d, &mut p);
        let len = var(d, &mut p) as usize;
        d.get(p..p.saturating_add(len)).unwrap_or(&[])
    }

    /// A cursor at the first term.
    pub fn cursor(&self) -> Cursor<'_> {
        let mut c = Cursor {
            ix: self,
            dp: 0,
            pp: 0,
            next: 0,
            term: Vec::new(),
            posts: 0..0,
            valid: false,
        };
        c.advance();
        c
    }

    /// A cursor at the first term not less than `key`.
    pub fn seek(&self, key: &str) -> Cursor<'_> {
        let key = key.as_bytes();
        let nb = self.n.div_ceil(BLOCK);
        // The last block whose first term is not greater than `key`.
        let (mut lo, mut hi) = (0, nb);
        while lo < hi {
            let mid = (lo + hi) / 2;
            if self.block_first(mid) <= key {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        let b = lo.saturating_sub(1);
        let mut c = self.cursor();
        if nb > 0 {
            let (dp, pp) = self.block(b);
            c.dp = dp;
            c.pp = pp;
            c.next = b * BLOCK;
            c.term.clear();
            c.advance();
        }
        while c.valid && c.term.as_slice() < key {
            c.advance();
        }
        c
    }
}

/// Reads the terms in order, from a position [`TextIndex::seek`] finds.
pub struct Cursor<'a> {
    ix: &'a TextIndex,
    dp: usize,
    pp: usize,
    /// The index of the term after the current one.
    next: usize,
    term: Vec<u8>,
    posts: Range<usize>,
    valid: bool,
}

impl<'a> Cursor<'a> {
    /// Whether the cursor is at a term (not past the last).
    pub fn valid(&self) -> bool {
        self.valid
    }

    /// The current term.
    pub fn term(&self) -> &str {
        std::str::from_utf8(&self.term).unwrap_or("")
    }

    /// The current term's postings: (entry position, fields), ascending.
    pub fn postings(&self) -> Postings<'a> {
        let b = &self.ix.buf[self.ix.posts.clone()][self.posts.clone()];
        Postings {
            b,
            // The term's most frequent fields (none: no postings).
            common: b.first().copied().unwrap_or(0),
            p: 1,
            pos: 0,
            first: true,
            limit: self.ix.limit,
        }
    }

    /// Moves to the next term.
    pub fn advance(&mut self) {
        let ix = self.ix;
        if self.next >= ix.n {
            self.valid = false;
            return;
        }
        let d = &ix.buf[ix.dict.clone()];
        let shared = var(d, &mut self.dp) as usize;
        let len = var(d, &mut self.dp) as usize;
        let rest = d.get(self.dp..self.dp.saturating_add(len)).unwrap_or(&[]);
        self.dp = self.dp.saturating_add(len);
        let plen = var(d, &mut self.dp) as usize;
        self.term.truncate(shared);
        self.term.extend_from_slice(rest);
        let end = self.pp.saturating_add(plen).min(ix.posts.len());
        self.posts = self.pp.min(end)..end;
        self.pp = end;
        self.next += 1;
        self.valid = true;
    }
}

/// One term's postings, decoded as they are read.
pub struct Postings<'a> {
    b: &'a [u8],
    common: u8,
    p: usize,
    pos: u32,
    first: bool,
    limit: u32,
}

impl Iterator for Postings<'_> {
    type Item = (u32, u8);
    #[inline]
    fn next(&mut self) -> Option<(u32, u8)> {
        if self.p >= self.b.len() {
            return None;
        }
        // Most gaps are one byte.
        let v = match self.b[self.p] {
            x if x < 0x80 => {
                self.p += 1;
                x as u32
            }
            _ => var(self.b, &mut self.p),
        };
        let fields = if v & 1 == 0 {
            self.common
        } else {
            let f = *self.b.get(self.p)?;
            self.p += 1;
            f
        };
        let gap = v >> 1;
        self.pos = if self.first {
            gap
        } else {
            self.pos.checked_add(gap.max(1))?
        };
        self.first = false;
        (self.pos < self.limit).then_some((self.pos, fields))
    }
}

/// Writes a text index: terms in ascending order, each with its postings.
pub struct TextBuilder {
    dict: Vec<u8>,
    posts: Vec<u8>,
    blocks: Vec<u8>,
    prev: Vec<u8>,
    n: usize,
    /// One term's postings while they are written.
    term_posts: Vec<(u32, u8)>,
}

impl TextBuilder {
    /// `postings`: about how many postings will be pushed.
    pub fn new(terms: usize, postings: usize) -> TextBuilder {
        TextBuilder {
            dict: Vec::with_capacity(terms * 8),
            posts: Vec::with_capacity(postings * 3),
            blocks: Vec::with_capacity(terms.div_ceil(BLOCK) * 8),
            prev: Vec::new(),
            n: 0,
            term_posts: Vec::new(),
        }
    }

    /// Appends a term (greater than every term so far) with its postings in
    /// ascending position order; a term without postings is left out.
    pub fn push(&mut self, term: &str, posts: impl Iterator<Item = (u32, u8)>) {
        let start = self.posts.len();
        self.term_posts.clear();
        self.term_posts.extend(posts);
        if self.term_posts.is_empty() {
            return;
        }
        let mut count = [0u32; 256];
        for &(_, m) in &self.term_posts {
            count[m as usize] += 1;
        }
        // The most frequent fields (the smallest of equals: one layout for
        // the same postings).
        let common = (0..256)
            .max_by_key(|&m| (count[m], std::cmp::Reverse(m)))
            .unwrap_or(0) as u8;
        self.posts.push(common);
        let mut last = 0;
        for &(p, m) in &self.term_posts {
            let other = (m != common) as u32;
            put_var(&mut self.posts, (p - last) << 1 | other);
            if other == 1 {
                self.posts.push(m);
            }
            last = p;
        }
        let t = term.as_bytes();
        let shared = if self.n.is_multiple_of(BLOCK) {
            self.blocks
                .extend_from_slice(&(self.dict.len() as u32).to_le_bytes());
            self.blocks.extend_from_slice(&(start as u32).to_le_bytes());
            0
        } else {
            self.prev.iter().zip(t).take_while(|(a, b)| a == b).count()
        };
        put_var(&mut self.dict, shared as u32);
        put_var(&mut self.dict, (t.len() - shared) as u32);
        self.dict.extend_from_slice(&t[shared..]);
        put_var(&mut self.dict, (self.posts.len() - start) as u32);
        self.prev.clear();
        self.prev.extend_from_slice(t);
        self.n += 1;
    }

    pub fn finish(self) -> TextIndex {
        let (dl, pl) = (self.dict.len(), self.posts.len());
        let mut buf = self.dict;
        buf.extend_from_slice(&self.posts);
        buf.extend_from_slice(&self.blocks);
        let end = buf.len();
        TextIndex {
            buf,
            dict: 0..dl,
            posts: dl..dl + pl,
            blocks: dl + pl..end,
            n: self.n,
            limit: u32::MAX,
        }
    }
}

/// LEB128: seven bits a byte, low first.
pub(crate) fn put_var(w: &mut Vec<u8>, mut v: u32) {
    while v >= 0x80 {
        w.push(v as u8 | 0x80);
        v >>= 7;
    }
    w.push(v as u8);
}

/// Reads a varint at `*p`; past the end (damage) it reads 0 and moves `*p`
/// to the end.
#[inline]
fn var(b: &[u8], p: &mut usize) -> u32 {
    let mut v = 0u32;
    let mut shift = 0;
    while let Some(&x) = b.get(*p) {
        *p += 1;
        v |= ((x & 0x7f) as u32).checked_shl(shift).unwrap_or(0);
        if x & 0x80 == 0 {
            return v;
        }
        shift += 7;
    }
    *p = b.len();
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(n: usize) -> Vec<String> {
        let mut w: Vec<String> = (0..n)
            .map(|i| format!("{}{}", ["kvinno", "brotts", "jour", "ställe"][i % 4], i))
            .collect();
        w.sort();
        w
    }

    fn built(w: &[String]) -> TextIndex {
        let mut b = TextBuilder::new(w.len(), w.len() * 3);
        for (i, t) in w.iter().enumerate() {
            b.push(
                t,
                (0..(i % 5) as u32 + 1).map(|k| (k * 300 + i as u32, k as u8 + 1)),
            );
        }
        b.finish()
    }

    #[test]
    fn every_term_is_found_with_its_postings_built_or_read_from_a_blob() {
        let w = words(100);
        let t = built(&w);
        let (n, dl, pl, bytes) = t.sections();
        let mut blob = b"head".to_vec();
        blob.extend_from_slice(bytes);
        let end = blob.len();
        blob.extend_from_slice(b"tail");
        let r = TextIndex::from_blob(blob, 4, end, (n, dl, pl), 10_000).unwrap();
        for ix in [&t, &r] {
            assert_eq!(ix.len(), 100);
            for (i, term) in w.iter().enumerate() {
                let c = ix.seek(term);
                assert_eq!(c.term(), term);
                let p: Vec<(u32, u8)> = c.postings().collect();
                assert_eq!(p.len(), i % 5 + 1, "{term}");
                assert_eq!(p[0], (i as u32, 1));
            }
            // Between terms, before the first and after the last.
            assert_eq!(ix.seek("a").term(), w[0]);
            assert!(!ix.seek("ö").valid());
            let c = ix.seek("jour");
            assert!(c.term().starts_with("jour"));
        }
    }

    #[test]
    fn a_table_that_does_not_fit_its_sections_is_refused() {
        let t = built(&words(40));
        let (n, dl, pl, bytes) = t.sections();
        let blob = bytes.to_vec();
        let end = blob.len();
        assert!(TextIndex::from_blob(blob.clone(), 0, end, (n + 20, dl, pl), 9).is_none());
        assert!(TextIndex::from_blob(blob.clone(), 0, end, (n, dl + 1, pl), 9).is_none());
        let mut bad = blob;
        let at = end - 8;
        bad[at..at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(TextIndex::from_blob(bad, 0, end, (n, dl, pl), 9).is_none());
    }

    #[test]
    fn postings_read_back_as_written_whatever_their_fields_and_gaps() {
        // Terms whose postings share one field, mostly one, or vary; gaps
        // of one byte and of several (a first position far in).
        let cases: Vec<(String, Vec<(u32, u8)>)> = vec![
            ("alla".into(), (0..50).map(|i| (i * 3, 8)).collect()),
            (
                "flest".into(),
                (0..50)
                    .map(|i| (i * 70 + 1, if i % 7 == 0 { 1 | 16 } else { 16 }))
                    .collect(),
            ),
            (
                "olika".into(),
                (0..31).map(|i| (20_000 + i * 200, i as u8 + 1)).collect(),
            ),
            ("ord".into(), vec![(70_000, 2)]),
        ];
        let mut b = TextBuilder::new(cases.len(), 200);
        for (t, p) in &cases {
            b.push(t, p.iter().copied());
        }
        let t = b.finish();
        let (n, dl, pl, bytes) = t.sections();
        let r = TextIndex::from_blob(bytes.to_vec(), 0, bytes.len(), (n, dl, pl), 100_000).unwrap();
        for ix in [&t, &r] {
            for (term, p) in &cases {
                let got: Vec<(u32, u8)> = ix.seek(term).postings().collect();
                assert_eq!(&got, p, "{term}");
            }
        }
        // One byte a posting where the fields are the term's usual ones and
        // the gaps small, and the term's fields once.
        let mut one = TextBuilder::new(1, 50);
        one.push("alla", cases[0].1.iter().copied());
        assert_eq!(one.finish().sections().2, 1 + 50);
    }
}
