//! Per-entry word scores and sets that touch only what the typed words
//! match: a bit per entry (a national directory's 20,000 entries in 2.5 KB)
//! and the values of the entries set, in entry order, found by counting the
//! bits before theirs. The dense arrays of every entry a query used before
//! (scores, which words matched, names: over 400 KB at 20,000 entries) were
//! fresh pages the system maps and zeroes one by one on first touch, about
//! a third of a cold start's first query; a warm query does no more work.

use super::index::{self, FacetIndex};

/// A set of entry positions, a bit each.
#[derive(Debug, Clone, Default)]
pub(super) struct PosSet {
    bits: Vec<u64>,
}

impl PosSet {
    /// An empty set for positions below `n`.
    pub fn new(n: usize) -> PosSet {
        PosSet {
            bits: vec![0; n.div_ceil(64)],
        }
    }

    /// Adds `pos` (below the set's `n`); whether it was not in yet.
    #[inline]
    pub fn insert(&mut self, pos: u32) -> bool {
        let (w, bit) = (pos as usize / 64, 1u64 << (pos % 64));
        let was = self.bits[w] & bit != 0;
        self.bits[w] |= bit;
        !was
    }

    /// Whether `pos` is in (false for any position of an empty set).
    #[inline]
    pub fn contains(&self, pos: u32) -> bool {
        self.bits
            .get(pos as usize / 64)
            .is_some_and(|w| w & (1u64 << (pos % 64)) != 0)
    }

    pub fn is_empty(&self) -> bool {
        self.bits.iter().all(|w| *w == 0)
    }

    /// The positions in, in order.
    pub fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        self.bits.iter().enumerate().flat_map(|(i, &w)| {
            let mut w = w;
            std::iter::from_fn(move || {
                (w != 0).then(|| {
                    let b = w.trailing_zeros();
                    w &= w - 1;
                    i as u32 * 64 + b
                })
            })
        })
    }
}

/// Typed words' scores by entry: for each entry a word matches (as a
/// prefix of a term of its text), the score and which words matched it.
/// A word scores its field's weight (half again for the whole word) for
/// the first of its terms found in an entry, a tenth for each further one;
/// an entry's score is its words' scores added in the words' order.
///
/// Kept sparse (the entries matched, found by rank in a set) when the words
/// match few entries, as a name or a compound does; dense (a value for
/// every entry) when they match many postings, as a sentence's short words
/// do: then a value by position costs less than finding its slot.
#[derive(Debug, Default)]
pub(super) struct WordScores {
    /// Every entry has its values at its position (`set`, `ranks` unused).
    dense: bool,
    set: PosSet,
    /// Per word of `set`: how many positions are set in the words before.
    ranks: Vec<u32>,
    /// Per entry in `set` in position order, or per entry when dense.
    score: Vec<f32>,
    mask: Vec<u16>,
    /// The mask of every word counted (at most 16).
    all: u16,
    best: f32,
}

/// Postings per entry above which the scores are kept dense.
const DENSE_FROM: usize = 8;

impl WordScores {
    /// The scores of `toks` (folded words or stems; the first 16 count).
    pub fn of(ix: &FacetIndex, toks: &[String]) -> WordScores {
        let toks = &toks[..toks.len().min(16)];
        if toks.is_empty() {
            return WordScores::default();
        }
        let n = ix.entries.len();
        // Each word's postings in the order the index gives them.
        let mut hits: Vec<(u32, f32)> = Vec::with_capacity(1024);
        let mut ends = Vec::with_capacity(toks.len());
        for tok in toks {
            ix.each_posting(tok, |term, pos, fields| {
                let w =
                    index::field_weight(fields) * if term.len() == tok.len() { 1.5 } else { 1.0 };
                hits.push((pos, w));
            });
            ends.push(hits.len());
        }
        let dense = hits.len() * DENSE_FROM > n;
        let (set, ranks, len) = if dense {
            (PosSet::default(), Vec::new(), n)
        } else {
            let mut set = PosSet::new(n);
            for &(pos, _) in &hits {
                set.insert(pos);
            }
            let mut ranks = Vec::with_capacity(set.bits.len());
            let mut before = 0u32;
            for w in &set.bits {
                ranks.push(before);
                before += w.count_ones();
            }
            (set, ranks, before as usize)
        };
        let mut s = WordScores {
            dense,
            set,
            ranks,
            score: vec![0.0; len],
            mask: vec![0; len],
            all: if toks.len() >= 16 {
                u16::MAX
            } else {
                (1u16 << toks.len()) - 1
            },
            best: 0.0,
        };
        // One word's score in an entry is kept in the entry's own slot
        // while the word's postings are read, its score before the word
        // put aside (`touched`) and added back when the word is done: the
        // same sums as a separate array of every entry would give, without
        // the 80 KB of fresh pages such an array costs a first query.
        let mut touched: Vec<(u32, f32)> = Vec::new();
        let mut start = 0;
        for (wi, end) in ends.into_iter().enumerate() {
            let bit = 1u16 << wi;
            for &(pos, w) in &hits[start..end] {
                let at = if dense {
                    pos as usize
                } else {
                    match s.slot(pos) {
                        Some(at) => at,
                        None => continue,
                    }
                };
                if s.mask[at] & bit == 0 {
                    s.mask[at] |= bit;
                    touched.push((at as u32, s.score[at]));
                    s.score[at] = w;
                } else {
                    s.score[at] += w * 0.1;
                }
            }
            for (at, before) in touched.drain(..) {
                // (Addition commutes: the word's sum added to the score.)
                s.score[at as usize] += before;
            }
            start = end;
        }
        s.best = s.score.iter().copied().fold(0.0, f32::max);
        s
    }

    /// Where `pos`'s values are (sparse), if a word matched it.
    #[inline]
    fn slot(&self, pos: u32) -> Option<usize> {
        let w = pos as usize / 64;
        let bits = *self.set.bits.get(w)?;
        let bit = 1u64 << (pos % 64);
        (bits & bit != 0).then(|| self.ranks[w] as usize + (bits & (bit - 1)).count_ones() as usize)
    }

    /// `pos`'s score (0 where no word matched it).
    #[inline]
    pub fn get(&self, pos: u32) -> f32 {
        if self.dense {
            return self.score.get(pos as usize).copied().unwrap_or(0.0);
        }
        self.slot(pos).map_or(0.0, |at| self.score[at])
    }

    /// The highest score (0 without matches).
    pub fn best(&self) -> f32 {
        self.best
    }

    /// The entries every word matched, else those any matched, in position
    /// order; empty without matches.
    pub fn matched(&self) -> Vec<u32> {
        let with_mask: Vec<(u32, u16)> = if self.dense {
            (0u32..)
                .zip(self.mask.iter().copied())
                .filter(|(_, m)| *m != 0)
                .collect()
        } else {
            self.set.iter().zip(self.mask.iter().copied()).collect()
        };
        let every: Vec<u32> = with_mask
            .iter()
            .filter(|(_, m)| *m == self.all)
            .map(|(p, _)| *p)
            .collect();
        if every.is_empty() {
            with_mask.into_iter().map(|(p, _)| p).collect()
        } else {
            every
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{PosSet, WordScores};
    use crate::search::index::{self, FacetIndex};

    /// The scores as every entry's dense accumulators gave them (what this
    /// module replaced): per word, full weight for its first term in an
    /// entry and a tenth for each further one, added word by word.
    fn dense(ix: &FacetIndex, toks: &[String]) -> (Vec<f32>, Vec<u16>) {
        let mut score = vec![0.0f32; ix.entries.len()];
        let mut mask = vec![0u16; ix.entries.len()];
        for (wi, tok) in toks.iter().take(16).enumerate() {
            let mut word = vec![0.0f32; ix.entries.len()];
            ix.each_posting(tok, |term, pos, fields| {
                let w =
                    index::field_weight(fields) * if term.len() == tok.len() { 1.5 } else { 1.0 };
                let p = pos as usize;
                if mask[p] & (1 << wi) == 0 {
                    mask[p] |= 1 << wi;
                    word[p] += w;
                } else {
                    word[p] += w * 0.1;
                }
            });
            for (s, w) in score.iter_mut().zip(word) {
                *s += w;
            }
        }
        (score, mask)
    }

    #[test]
    fn scores_are_those_of_dense_accumulators() {
        // The fixture's services many times over (positions in several
        // words of bits), every third without its description.
        let mut d = crate::search::fixture::directory();
        let base = d.services.clone();
        for i in 0..60 {
            for s in &base {
                let mut s = s.clone();
                s.id = format!("{}-{i}", s.id);
                if i % 3 == 0 {
                    s.description.sv.clear();
                }
                // A word few entries have (its scores are kept sparse).
                if i % 20 == 7 {
                    s.name.sv.push_str(" Ovanliga");
                }
                d.services.push(s);
            }
        }
        let records = crate::feed::directory_records(&d);
        let (_d, f) = crate::search::fixture::open_with(records, Default::default());
        let ix = f.store().index();
        assert!(ix.entries.len() > 200);
        let words = |t: &str| t.split(' ').map(String::from).collect::<Vec<_>>();
        // One word, a prefix, words that match together, words no entry
        // has together, a word matching nothing.
        for q in [
            "vald",
            "kv",
            "kvinnojour vald",
            "kvinnojour brott",
            "zzz",
            "s",
            "socialtjanst kv",
            "ovanlig",
            "ovanliga kvinnojour",
            "ovanlig zzz",
        ] {
            let toks = words(q);
            let s = WordScores::of(&ix, &toks);
            let (score, mask) = dense(&ix, &toks);
            let all = (1u16 << toks.len()) - 1;
            let mut any = Vec::new();
            let mut every = Vec::new();
            for p in 0..ix.entries.len() as u32 {
                assert_eq!(s.get(p), score[p as usize], "{q}: entry {p}");
                if mask[p as usize] != 0 {
                    any.push(p);
                }
                if mask[p as usize] == all {
                    every.push(p);
                }
            }
            let want = if every.is_empty() { any } else { every };
            assert_eq!(s.matched(), want, "{q}");
            assert_eq!(s.best(), score.iter().copied().fold(0.0, f32::max), "{q}");
        }
        // Both ways of keeping them are met above.
        assert!(!WordScores::of(&ix, &words("ovanlig")).dense);
        assert!(!WordScores::of(&ix, &words("ovanlig zzz")).dense);
        assert!(WordScores::of(&ix, &words("vald")).dense);
        // The cases above are not empty ones.
        assert!(
            WordScores::of(&ix, &words("kvinnojour vald"))
                .matched()
                .len()
                > 50
        );
        assert!(WordScores::of(&ix, &words("zzz")).matched().is_empty());
    }

    #[test]
    fn a_set_holds_what_was_put_in_and_lists_it_in_order() {
        let mut s = PosSet::new(200);
        assert!(s.is_empty());
        for p in [130, 0, 63, 64, 199, 63] {
            s.insert(p);
        }
        assert!(!s.insert(130), "already in");
        assert_eq!(s.iter().collect::<Vec<_>>(), vec![0, 63, 64, 130, 199]);
        assert!(s.contains(64) && !s.contains(65) && !s.contains(10_000));
        assert!(!PosSet::default().contains(0));
    }
}
