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
//!
//! In the blob the sections carry a CRC-32 per [`CHUNK`] bytes, checked when
//! a query first reads the chunk, not at open (a cold start reads a few
//! chunks of a national index's two megabytes). A chunk that does not match
//! is never read: the index reads as if it had nothing there and says it is
//! damaged ([`TextIndex::damaged`]), which the query reports as damage (the
//! store rebuilds, `Store::with_dir`); a change that rewrites the index
//! checks every chunk first ([`TextIndex::verify_all`]), so damage is never
//! written into a new blob.

use std::ops::Range;

use super::chunks::Chunks;
pub use super::chunks::CHUNK;

/// Terms per block of the dictionary.
pub const BLOCK: usize = 16;

/// The bytes a text index reads: its own, or an index file's memory map
/// (shared by the index's versions until a change is merged).
#[derive(Debug)]
pub enum Bytes {
    Owned(Vec<u8>),
    Mapped(std::sync::Arc<memmap2::Mmap>),
}

impl Default for Bytes {
    fn default() -> Bytes {
        Bytes::Owned(Vec::new())
    }
}

impl From<Vec<u8>> for Bytes {
    fn from(v: Vec<u8>) -> Bytes {
        Bytes::Owned(v)
    }
}

impl std::ops::Deref for Bytes {
    type Target = [u8];
    #[inline]
    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Owned(v) => v,
            Bytes::Mapped(m) => m,
        }
    }
}

#[derive(Debug, Default)]
pub struct TextIndex {
    /// Holds the sections (the whole blob or index file when read from one).
    buf: Bytes,
    dict: Range<usize>,
    posts: Range<usize>,
    blocks: Range<usize>,
    n: usize,
    /// Positions at or past this are damage and are never yielded.
    limit: u32,
    /// The chunks' checksums (read from a blob; none when built here).
    chunks: Option<Chunks>,
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

    /// Whether a chunk read so far did not match its checksum.
    pub fn damaged(&self) -> bool {
        self.chunks.as_ref().is_some_and(Chunks::damaged)
    }

    /// Checks every chunk not checked yet; false if any is damaged.
    pub fn verify_all(&self) -> bool {
        match &self.chunks {
            Some(c) => c.verify_all(&self.buf),
            None => true,
        }
    }

    /// `buf[r]` if its chunks are whole, else nothing (and the index is
    /// marked damaged).
    #[inline]
    fn bytes(&self, r: Range<usize>) -> &[u8] {
        match &self.chunks {
            Some(c) if !c.check(&self.buf, r.clone()) => &[],
            _ => &self.buf[r],
        }
    }

    /// The dictionary from `from` on, as far as the end of its chunk and
    /// the next (a term and its lengths are far shorter than a chunk), if
    /// whole.
    fn dict_from(&self, from: usize) -> &[u8] {
        let at = self.dict.start + from.min(self.dict.len());
        let end = match &self.chunks {
            Some(c) => {
                let chunk_end = c.base + ((at - c.base) / CHUNK + 2) * CHUNK;
                chunk_end.min(self.dict.end)
            }
            None => self.dict.end,
        };
        self.bytes(at..end)
    }

    /// The dictionary entry at `from`: shared prefix length, the rest of
    /// the term, its postings' byte length, and the entry's length. Empty
    /// (`None`) past the end or in a damaged chunk.
    fn entry(&self, from: usize) -> Option<(usize, &[u8], usize, usize)> {
        let read = |d: &'_ [u8]| {
            let mut p = 0;
            let shared = var(d, &mut p) as usize;
            let len = var(d, &mut p) as usize;
            (shared, len, p)
        };
        let mut d = self.dict_from(from);
        if d.is_empty() {
            return None;
        }
        let (shared, len, mut p) = read(d);
        if p.saturating_add(len).saturating_add(5) > d.len() {
            // A term longer than a chunk (or the dictionary's last one).
            d = self.bytes(self.dict.start + from.min(self.dict.len())..self.dict.end);
        }
        let rest = d.get(p..p.saturating_add(len)).unwrap_or(&[]);
        p = p.saturating_add(len);
        let plen = var(d, &mut p) as usize;
        Some((shared, rest, plen, p))
    }

    /// Where `term`'s postings start in `buf` (for tests that damage them).
    #[cfg(test)]
    pub(crate) fn postings_at(&self, term: &str) -> Option<usize> {
        let c = self.seek(term);
        (c.valid() && c.term() == term).then(|| self.posts.start + c.posts.start)
    }

    /// The text index in `buf[at..end]` (written by [`Self::sections`]),
    /// keeping `buf`; `None` if the sections do not fit together.
    /// `limit`: the number of entries. `sums`: the chunks' checksums
    /// ([`super::chunks::sums`]), checked as the chunks are first read.
    pub fn from_blob(
        buf: impl Into<Bytes>,
        at: usize,
        end: usize,
        (n, dict_len, posts_len): (u32, u32, u32),
        limit: u32,
        sums: Vec<u32>,
    ) -> Option<TextIndex> {
        let buf = buf.into();
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
            chunks: Some(Chunks::new(at, end, sums)?),
            blocks,
            n,
            limit,
        };
        // The block table is read whole here: its chunks are checked now.
        if !t.chunks.as_ref()?.check(&t.buf, t.blocks.clone()) {
            return None;
        }
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
        self.entry(self.block(b).0).map_or(&[], |e| e.1)
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
        let at = self.ix.posts.start;
        let b = self.ix.bytes(at + self.posts.start..at + self.posts.end);
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
        let Some((shared, rest, plen, p)) = ix.entry(self.dp) else {
            // Past the dictionary's end (damage) or in a damaged chunk.
            self.valid = false;
            return;
        };
        self.dp = self.dp.saturating_add(p);
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
            buf: buf.into(),
            dict: 0..dl,
            posts: dl..dl + pl,
            blocks: dl + pl..end,
            n: self.n,
            limit: u32::MAX,
            chunks: None,
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
#[path = "text_index_tests.rs"]
mod tests;
