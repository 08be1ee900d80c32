//! Checksums over a section of the index file, a CRC-32 per [`CHUNK`]
//! bytes, checked when a read first meets the chunk, not at open (a cold
//! start reads a few chunks of a national index's two megabytes). A chunk
//! that does not match marks the section damaged; what reads it takes it
//! as empty (the text index) or as an entry that matches nothing (the
//! entries), and the query reports the damage (`FacetIndex::damaged`), so
//! the index is made again from the records (`Store::with_dir`). The text
//! index and the entries each have their own.

use std::ops::Range;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

/// Bytes of a section per checksum.
pub const CHUNK: usize = 16 * 1024;

/// The checksums of a section and which of its chunks have been found
/// whole.
#[derive(Debug, Default)]
pub struct Chunks {
    /// Where the section starts and ends in the bytes it is checked on.
    pub base: usize,
    pub end: usize,
    sums: Vec<u32>,
    /// Bit per chunk: checked and whole.
    ok: Vec<AtomicU64>,
    bad: AtomicBool,
}

impl Chunks {
    /// The checksums of `bytes[base..end]`'s chunks ([`sums`]) to check
    /// them by; None if there are not as many as the section has chunks.
    pub fn new(base: usize, end: usize, sums: Vec<u32>) -> Option<Chunks> {
        if end < base || sums.len() != (end - base).div_ceil(CHUNK) {
            return None;
        }
        let words = sums.len().div_ceil(64);
        Some(Chunks {
            base,
            end,
            sums,
            ok: (0..words).map(|_| AtomicU64::new(0)).collect(),
            bad: AtomicBool::new(false),
        })
    }

    /// Whether `r` (absolute, inside the section) of `buf` lies in whole
    /// chunks, checking those not checked yet.
    #[inline]
    pub fn check(&self, buf: &[u8], r: Range<usize>) -> bool {
        if r.start >= r.end {
            return true;
        }
        let first = (r.start - self.base) / CHUNK;
        let last = (r.end - 1 - self.base) / CHUNK;
        (first..=last).all(|c| self.check_one(buf, c))
    }

    #[inline]
    fn check_one(&self, buf: &[u8], c: usize) -> bool {
        let (w, bit) = (c / 64, 1u64 << (c % 64));
        if self.ok[w].load(Ordering::Relaxed) & bit != 0 {
            return true;
        }
        let at = self.base + c * CHUNK;
        let whole = buf
            .get(at..(at + CHUNK).min(self.end))
            .is_some_and(|b| crc32fast::hash(b) == self.sums[c]);
        if !whole {
            self.bad.store(true, Ordering::Relaxed);
            return false;
        }
        self.ok[w].fetch_or(bit, Ordering::Relaxed);
        true
    }

    /// Checks every chunk not checked yet; false if any is damaged.
    pub fn verify_all(&self, buf: &[u8]) -> bool {
        self.check(buf, self.base..self.end) && !self.damaged()
    }

    /// Whether a chunk read so far did not match its checksum.
    pub fn damaged(&self) -> bool {
        self.bad.load(Ordering::Relaxed)
    }
}

/// The checksum of each [`CHUNK`] of `section` (what [`Chunks::new`] is
/// given to check it by).
pub fn sums(section: &[u8]) -> Vec<u32> {
    section.chunks(CHUNK).map(crc32fast::hash).collect()
}
