//! Retrieve: the second step of a query. The typed words the reader did not
//! understand choose candidates by word matching (prefixes of folded stems,
//! all words, else any); every content word adds relevance. Whether the
//! situation's own help is added (a thin list) is decided in `search`.

use super::index::{self, FacetIndex};
use super::sparse::{PosSet, WordScores};

/// Word candidates and relevance: (entry position, relevance) for the
/// entries the unread words match (all entries' relevance when every word was
/// read: `None` then), and the relevance of every entry any word matches.
pub(super) struct Words {
    pub matched: Option<Vec<(u32, f32)>>,
    pub relevance: WordScores,
    /// Entries whose name or tags an unread word of three letters or more
    /// matches (the service the user names: `tjejjouren`, `umo`, `boj`).
    pub named: PosSet,
    /// Entries whose name or tags a negated word names ("vill inte att soc
    /// kopplas in"): never in the top of the list, unless also named.
    pub unwanted: PosSet,
}

/// Word matching for a reading: `rest` (unread words) choose, `words` (all
/// content words) score: every word matches as a prefix (as the user types;
/// a stem is a prefix of its inflections), the unread words all, else any.
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
    let relevance = WordScores::of(ix, words);
    let matched = if rest.is_empty() {
        None
    } else {
        let chosen = if rest == words {
            relevance.matched()
        } else {
            WordScores::of(ix, rest).matched()
        };
        Some(chosen.into_iter().map(|p| (p, relevance.get(p))).collect())
    };
    // A place is where, not which service ("det är 8 mil till östersund"
    // does not name the services with Östersund in their name).
    let named = if names_decide {
        let named_by: Vec<String> = rest.iter().filter(|t| !is_place(ix, t)).cloned().collect();
        names(ix, &named_by)
    } else {
        PosSet::default()
    };
    let unwanted = if unwanted.is_empty() {
        PosSet::default()
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
fn names(ix: &FacetIndex, toks: &[String]) -> PosSet {
    let mut named = PosSet::new(ix.entries.len());
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
                named.insert(pos);
            }
        });
    }
    named
}
