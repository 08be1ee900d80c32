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

#[derive(Debug, Default)]
pub struct TextIndex {
    /// Sorted folded terms; term i's postings are
    /// `post_pos[post_start[i]..post_start[i + 1]]` (positions in the
    /// index's entries, ascending) with their `FIELD_*` bits in `post_fields`.
    pub terms: Vec<String>,
    pub post_start: Vec<u32>,
    pub post_pos: Vec<u32>,
    pub post_fields: Vec<u8>,
}

impl TextIndex {
    /// The terms that start with `prefix`.
    pub fn prefix_range(&self, prefix: &str) -> std::ops::Range<usize> {
        let lo = self.terms.partition_point(|t| t.as_str() < prefix);
        let hi = lo + self.terms[lo..].partition_point(|t| t.starts_with(prefix));
        lo..hi
    }

    /// Term `i`'s postings: positions and fields.
    pub fn postings(&self, i: usize) -> (&[u32], &[u8]) {
        let (a, b) = (self.post_start[i] as usize, self.post_start[i + 1] as usize);
        (&self.post_pos[a..b], &self.post_fields[a..b])
    }

    /// The text index of entries given in position order, each as its terms
    /// with their fields (`index::term_fields`).
    pub fn build<'a>(per_entry: impl Iterator<Item = HashMap<&'a str, u8>>) -> TextIndex {
        let mut map: HashMap<&str, Vec<(u32, u8)>> = HashMap::new();
        for (pos, fields) in per_entry.enumerate() {
            for (tok, mask) in fields {
                map.entry(tok).or_default().push((pos as u32, mask));
            }
        }
        let mut terms: Vec<(&str, Vec<(u32, u8)>)> = map.into_iter().collect();
        terms.sort_unstable_by(|a, b| a.0.cmp(b.0));
        let mut t = TextIndex {
            post_start: vec![0],
            ..Default::default()
        };
        for (term, mut posts) in terms {
            posts.sort_unstable();
            t.push_term(term, posts.into_iter());
        }
        t
    }

    /// Appends a term (greater than every term so far) with its postings in
    /// ascending position order; a term without postings is left out.
    pub(crate) fn push_term(&mut self, term: &str, posts: impl Iterator<Item = (u32, u8)>) {
        for (p, m) in posts {
            self.post_pos.push(p);
            self.post_fields.push(m);
        }
        if self.post_pos.len() > *self.post_start.last().expect("starts at 0") as usize {
            self.terms.push(term.to_string());
            self.post_start.push(self.post_pos.len() as u32);
        }
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
    pub fn replace(&mut self, pos: u32, terms: HashMap<&str, u8>) {
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
        let (text, ov) = (&*self.text, &self.overlay);
        let range = text.prefix_range(prefix);
        let mut over = ov
            .terms
            .range::<str, _>((Bound::Included(prefix), Bound::Unbounded))
            .take_while(|(t, _)| t.starts_with(prefix))
            .peekable();
        let mut bi = range.start;
        loop {
            let base = (bi < range.end).then(|| text.terms[bi].as_str());
            let next_over = over.peek().map(|(t, _)| t.as_str());
            match (base, next_over) {
                (None, None) => return,
                (Some(b), o) if o.is_none_or(|o| b <= o) => {
                    let (pos, fields) = text.postings(bi);
                    if ov.dead.is_empty() {
                        for (&p, &m) in pos.iter().zip(fields) {
                            f(b, p, m);
                        }
                    } else {
                        for (&p, &m) in pos.iter().zip(fields) {
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
                    bi += 1;
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

    /// Whether the shared text index's term `i` has a posting no edit took away.
    fn live(&self, i: usize) -> bool {
        self.text
            .postings(i)
            .0
            .iter()
            .any(|p| !self.overlay.is_dead(*p))
    }

    /// Whether a folded word is in the directory's vocabulary.
    pub fn has_term(&self, w: &str) -> bool {
        self.overlay.terms.contains_key(w)
            || self
                .text
                .terms
                .binary_search_by(|t| t.as_str().cmp(w))
                .is_ok_and(|i| self.live(i))
    }

    /// Whether `w` is the start of a longer word in the directory's vocabulary.
    pub fn starts_term(&self, w: &str) -> bool {
        let text = &*self.text;
        let longer = |t: &str| t.len() > w.len() && t.starts_with(w);
        text.prefix_range(w)
            .any(|i| longer(&text.terms[i]) && self.live(i))
            || self
                .overlay
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
    let mut out = TextIndex {
        post_start: Vec::with_capacity(base.terms.len() + 17),
        post_pos: Vec::with_capacity(base.post_pos.len() + more),
        post_fields: Vec::with_capacity(base.post_fields.len() + more),
        terms: Vec::with_capacity(base.terms.len() + 16),
    };
    out.post_start.push(0);
    let mut extra = extra.peekable();
    for (i, term) in base.terms.iter().enumerate() {
        while let Some((t, posts)) = extra.next_if(|(t, _)| *t < term.as_str()) {
            out.push_term(t, posts.iter().copied());
        }
        let (pos, fields) = base.postings(i);
        let kept = pos
            .iter()
            .zip(fields)
            .filter_map(|(p, m)| keep(*p).map(|np| (np, *m)));
        match extra.next_if(|(t, _)| *t == term.as_str()) {
            Some((_, added)) => {
                let mut all: Vec<(u32, u8)> = kept.collect();
                all.extend_from_slice(added);
                all.sort_unstable();
                out.push_term(term, all.into_iter());
            }
            None => out.push_term(term, kept),
        }
    }
    for (t, posts) in extra {
        out.push_term(t, posts.iter().copied());
    }
    out
}
