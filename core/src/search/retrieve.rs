//! Retrieve: the second step of a query. The typed words the reader did not
//! understand choose candidates by word matching (prefixes of folded stems,
//! all words, else any); every content word adds relevance. Whether the
//! situation's own help is added (a thin list) is decided in `search`.

use super::index::{self, FacetIndex};

/// Word candidates and relevance: (entry position, relevance) for the
/// entries the unread words match (all entries' relevance when every word was
/// read: `None` then), and the relevance of every entry any word matches.
pub(super) struct Words {
    pub matched: Option<Vec<(u32, f32)>>,
    pub relevance: Vec<f32>,
    /// Entries whose name or tags an unread word of three letters or more
    /// matches (the service the user names: `tjejjouren`, `umo`, `boj`).
    pub named: Vec<bool>,
    /// Entries whose name or tags a negated word names ("vill inte att soc
    /// kopplas in"): never in the top of the list, unless also named.
    pub unwanted: Vec<bool>,
}

/// Word matching for a reading: `rest` (unread words) choose, `words` (all
/// content words) score.
/// `names_decide`: whether a service the words name counts (the ranker's
/// [`super::rank::Ranker::names_decide`]); when not, `named` is not worked
/// out (empty).
pub(super) fn words(
    ix: &FacetIndex,
    rest: &[String],
    words: &[String],
    unwanted: &[String],
    names_decide: bool,
) -> Words {
    let relevance = relevance_any(ix, words);
    let matched = if rest.is_empty() {
        None
    } else {
        Some(
            text_scores(ix, rest)
                .unwrap_or_default()
                .into_iter()
                .map(|(p, _)| (p, relevance[p as usize]))
                .collect(),
        )
    };
    // A place is where, not which service ("det är 8 mil till östersund"
    // does not name the services with Östersund in their name).
    let named = if names_decide {
        let named_by: Vec<String> = rest.iter().filter(|t| !is_place(ix, t)).cloned().collect();
        names(ix, &named_by)
    } else {
        Vec::new()
    };
    let unwanted = if unwanted.is_empty() {
        Vec::new()
    } else {
        names(ix, unwanted)
    };
    Words {
        matched,
        relevance,
        named,
        unwanted,
    }
}

/// Whether a folded word is a municipality's or a locality's name, or its
/// start of four letters or more (the stem: `ostersund`, `funasdal`).
fn is_place(ix: &FacetIndex, tok: &str) -> bool {
    tok.chars().count() >= 4
        && ix.municipalities.iter().any(|m| {
            starts_folded(&m.name, tok) || m.localities.iter().any(|l| starts_folded(l, tok))
        })
}

/// Whether `name`, folded as `text::fold` folds it (its `fold_char`, a
/// separator a space), starts with `tok`, without allocating.
fn starts_folded(name: &str, tok: &str) -> bool {
    let mut n = name
        .chars()
        .map(|c| crate::text::fold_char(c).unwrap_or(' '));
    tok.chars().all(|t| n.next() == Some(t))
}

/// Entries whose name or tags one of `toks` names (three letters or more).
fn names(ix: &FacetIndex, toks: &[String]) -> Vec<bool> {
    let mut named = vec![false; ix.entries.len()];
    // Words that are no name even where a name holds them ("inte" in
    // "Polisen – 114 14 (när det inte är akut)"): the words the analyzer keeps
    // for reading though they are function words.
    const NO_NAME: &[&str] = &["inte", "mot", "nu", "man", "men", "ikvall", "idag", "inatt"];
    for tok in toks
        .iter()
        .filter(|t| t.chars().count() >= 3 && !NO_NAME.contains(&t.as_str()))
        .take(16)
    {
        // A short word (an abbreviation: umo, boj, ifo) names only as a
        // whole word; a longer one also as the start of a name word.
        let short = tok.chars().count() < 5;
        // Every term `each_posting` gives for a word starts with it: of the
        // same length, it is the word itself.
        ix.each_posting(tok, |term, pos, fields| {
            if (!short || term.len() == tok.len())
                && fields & (index::FIELD_NAME | index::FIELD_TAGS) != 0
            {
                named[pos as usize] = true;
            }
        });
    }
    named
}

/// Relevance per entry position for typed words (folded stems or words):
/// every word matches as a prefix (as the user types; a stem is a prefix of
/// its inflections); all words must match, else any of them.
/// Returns None when there are no words.
pub(super) fn text_scores(ix: &FacetIndex, toks: &[String]) -> Option<Vec<(u32, f32)>> {
    if toks.is_empty() {
        return None;
    }
    let n = toks.len().min(16);
    // Dense accumulators by entry position: (score, which words matched).
    let mut acc: Vec<(f32, u16)> = vec![(0.0, 0); ix.entries.len()];
    let mut touched: Vec<u32> = Vec::new();
    for (ti, tok) in toks.iter().take(n).enumerate() {
        ix.each_posting(tok, |term, pos, fields| {
            let w = index::field_weight(fields) * if term.len() == tok.len() { 1.5 } else { 1.0 };
            let e = &mut acc[pos as usize];
            if e.1 == 0 {
                touched.push(pos);
            }
            // A word scores fully for the first of its terms found in a
            // document, a tenth for each further one.
            if e.1 & (1 << ti) == 0 {
                e.0 += w;
                e.1 |= 1 << ti;
            } else {
                e.0 += w * 0.1;
            }
        });
    }
    let all: u16 = if n >= 16 { u16::MAX } else { (1u16 << n) - 1 };
    let and: Vec<(u32, f32)> = touched
        .iter()
        .filter(|&&p| acc[p as usize].1 == all)
        .map(|&p| (p, acc[p as usize].0))
        .collect();
    Some(if and.is_empty() {
        touched.iter().map(|&p| (p, acc[p as usize].0)).collect()
    } else {
        and
    })
}

/// Relevance of every entry any typed word matches (no AND), by entry
/// position: each word's score (as [`text_scores`] gives it for the word
/// alone) added in the words' order.
pub(super) fn relevance_any(ix: &FacetIndex, toks: &[String]) -> Vec<f32> {
    let n = ix.entries.len();
    let mut relevance = vec![0.0f32; n];
    // One word's scores, and which entries it touched (then reset).
    let mut acc: Vec<(f32, bool)> = vec![(0.0, false); if toks.is_empty() { 0 } else { n }];
    let mut touched: Vec<u32> = Vec::new();
    for tok in toks.iter().take(16) {
        ix.each_posting(tok, |term, pos, fields| {
            let w = index::field_weight(fields) * if term.len() == tok.len() { 1.5 } else { 1.0 };
            let e = &mut acc[pos as usize];
            // Fully for the first of its terms in a document, a tenth for
            // each further one.
            if !e.1 {
                touched.push(pos);
                e.0 += w;
                e.1 = true;
            } else {
                e.0 += w * 0.1;
            }
        });
        for p in touched.drain(..) {
            let e = &mut acc[p as usize];
            relevance[p as usize] += e.0;
            *e = (0.0, false);
        }
    }
    relevance
}
