//! The text index: sorted folded terms, each with its postings (entry
//! positions, and the fields the term occurs in there), in flat arrays.
//!
//! A content change that edits services in place (the common sync: a phone
//! number, opening hours, a description) does not copy these arrays. The
//! new index shares them ([`TextIndex`] is behind an `Arc`) and carries an
//! [`Overlay`]: the positions whose postings in the shared arrays are dead,
//! and the edited services' own postings. Queries read both, term by term in
//! sorted order, so they answer exactly as a rebuilt index would. The
//! overlay is folded into fresh arrays ([`merged`]) when the index blob is
//! written whole, and when services are added or removed (positions move).

use super::index::FacetIndex;
use std::collections::{BTreeMap, HashMap};
use std::ops::Bound;

use super::index::{term_fields, TermFields};
use super::text_index::TextBuilder;
pub use super::text_index::TextIndex;

impl TextIndex {
    /// The text index of the entries' folded fields (`texts[pos]`): each
    /// core gathers the postings of a run of entries, the runs are joined
    /// in order (so each term's postings stay ascending).
    pub fn build(texts: &[[String; 5]]) -> TextIndex {
        type Postings<'a> = HashMap<&'a str, Vec<(u32, u8)>, foldhash::fast::RandomState>;
        let mut runs = crate::par::map_pieces_at(texts, 2048, |start, run| {
            let mut map: Postings<'_> = HashMap::default();
            for (i, fields) in run.iter().enumerate() {
                for (tok, mask) in term_fields(fields) {
                    map.entry(tok).or_default().push(((start + i) as u32, mask));
                }
            }
            vec![map]
        })
        .into_iter();
        let mut map = runs.next().unwrap_or_default();
        for run in runs {
            for (tok, posts) in run {
                map.entry(tok).or_default().extend(posts);
            }
        }
        let total = map.values().map(Vec::len).sum();
        let mut terms: Vec<(&str, Vec<(u32, u8)>)> = map.into_iter().collect();
        terms.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let mut t = TextBuilder::new(terms.len(), total);
        for (term, posts) in terms {
            debug_assert!(posts.windows(2).all(|w| w[0].0 < w[1].0));
            t.push(term, posts.into_iter());
        }
        t.finish()
    }
}

/// The services edited since the shared text index was built.
#[derive(Debug, Default, Clone)]
pub struct Overlay {
    /// Bit set by position: postings in the shared arrays to skip.
    dead: Vec<u64>,
    /// The edited services' postings, by term, ascending by position.
    terms: BTreeMap<String, Vec<(u32, u8)>>,
}

impl Overlay {
    pub fn is_empty(&self) -> bool {
        self.dead.is_empty() && self.terms.is_empty()
    }

    #[inline]
    fn is_dead(&self, pos: u32) -> bool {
        self.dead
            .get(pos as usize / 64)
            .is_some_and(|w| w & (1 << (pos % 64)) != 0)
    }

    /// The entry at `pos` now has these terms (its old ones, shared or in
    /// the overlay, no longer count).
    pub fn replace(&mut self, pos: u32, terms: TermFields<'_>) {
        let w = pos as usize / 64;
        if self.dead.len() <= w {
            self.dead.resize(w + 1, 0);
        }
        self.dead[w] |= 1 << (pos % 64);
        self.terms.retain(|_, posts| {
            posts.retain(|(p, _)| *p != pos);
            !posts.is_empty()
        });
        for (t, m) in terms {
            let posts = self.terms.entry(t.to_string()).or_default();
            let i = posts.partition_point(|(p, _)| *p < pos);
            posts.insert(i, (pos, m));
        }
    }
}

impl FacetIndex {
    /// Every live posting of every term that starts with `prefix`, term by
    /// term in sorted order: `f(term, position, fields)`.
    pub fn each_posting(&self, prefix: &str, mut f: impl FnMut(&str, u32, u8)) {
        let ov = &self.overlay;
        let mut c = self.text.seek(prefix);
        let mut over = ov
            .terms
            .range::<str, _>((Bound::Included(prefix), Bound::Unbounded))
            .take_while(|(t, _)| t.starts_with(prefix))
            .peekable();
        loop {
            let base = (c.valid() && c.term().starts_with(prefix)).then(|| c.term());
            let next_over = over.peek().map(|(t, _)| t.as_str());
            match (base, next_over) {
                (None, None) => return,
                (Some(b), o) if o.is_none_or(|o| b <= o) => {
                    if ov.dead.is_empty() {
                        for (p, m) in c.postings() {
                            f(b, p, m);
                        }
                    } else {
                        for (p, m) in c.postings() {
                            if !ov.is_dead(p) {
                                f(b, p, m);
                            }
                        }
                    }
                    if o == Some(b) {
                        let (t, posts) = over.next().expect("peeked");
                        for &(p, m) in posts {
                            f(t, p, m);
                        }
                    }
                    c.advance();
                }
                _ => {
                    let (t, posts) = over.next().expect("peeked");
                    for &(p, m) in posts {
                        f(t, p, m);
                    }
                }
            }
        }
    }

    /// Whether the cursor's term has a posting no edit took away.
    fn live(&self, c: &super::text_index::Cursor<'_>) -> bool {
        c.postings().any(|(p, _)| !self.overlay.is_dead(p))
    }

    /// Whether a folded word is in the directory's vocabulary.
    pub fn has_term(&self, w: &str) -> bool {
        self.overlay.terms.contains_key(w) || {
            let c = self.text.seek(w);
            c.valid() && c.term() == w && self.live(&c)
        }
    }

    /// Whether `w` is the start of a longer word in the directory's vocabulary.
    pub fn starts_term(&self, w: &str) -> bool {
        let longer = |t: &str| t.len() > w.len() && t.starts_with(w);
        let mut c = self.text.seek(w);
        while c.valid() && c.term().starts_with(w) {
            if longer(c.term()) && self.live(&c) {
                return true;
            }
            c.advance();
        }
        self.overlay
            .terms
            .range::<str, _>((Bound::Excluded(w), Bound::Unbounded))
            .next()
            .is_some_and(|(t, _)| longer(t))
    }
}

/// The shared text index with the overlay folded in: what a rebuild of the
/// same entries gives.
pub fn merged(text: &TextIndex, ov: &Overlay) -> TextIndex {
    merge(
        text,
        |p| (!ov.is_dead(p)).then_some(p),
        ov.terms
            .iter()
            .map(|(t, posts)| (t.as_str(), posts.as_slice())),
        0,
    )
}

/// `base`'s terms with each posting's position mapped by `keep` (None: left
/// out; the mapping keeps their order), and `extra` merged in (sorted by
/// term, each term's postings ascending by position). `more`: about how
/// many postings `extra` adds.
pub(crate) fn merge<'a>(
    base: &TextIndex,
    keep: impl Fn(u32) -> Option<u32>,
    extra: impl Iterator<Item = (&'a str, &'a [(u32, u8)])>,
    more: usize,
) -> TextIndex {
    let mut out = TextBuilder::new(base.len() + 16, more + base.len() * 4);
    let mut extra = extra.peekable();
    let mut c = base.cursor();
    let mut all: Vec<(u32, u8)> = Vec::new();
    while c.valid() {
        let term = c.term();
        while let Some((t, posts)) = extra.next_if(|(t, _)| *t < term) {
            out.push(t, posts.iter().copied());
        }
        let kept = c.postings().filter_map(|(p, m)| keep(p).map(|np| (np, m)));
        match extra.next_if(|(t, _)| *t == term) {
            Some((_, added)) => {
                all.clear();
                all.extend(kept);
                all.extend_from_slice(added);
                all.sort_unstable();
                out.push(term, all.iter().copied());
            }
            None => out.push(term, kept),
        }
        c.advance();
    }
    for (t, posts) in extra {
        out.push(t, posts.iter().copied());
    }
    out.finish()
}
