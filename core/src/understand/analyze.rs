//! The analyzer chain that the query and the lexicon both go through (as
//! Lucene's analyzers serve index and query alike): normalise (fold case and
//! å/ä/ö, so text typed without Swedish letters reads the same), tokenise,
//! mark Swedish stop words, and stem with the Snowball Swedish stemmer
//! (`rust-stemmers`), so `misshandlar`, `misshandlade` and `misshandlad`
//! share a stem. Also the two tolerances the reader needs: one typo in a
//! longer word, and compound splitting (`exmannen` → `ex` + `mannen`).

use crate::text::tokens;
use rust_stemmers::{Algorithm, Stemmer};
use std::sync::OnceLock;

/// One typed word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// Folded (lower case, å/ä/ö → a/o).
    pub word: String,
    /// Its Snowball Swedish stem (of the folded word).
    pub stem: String,
    /// A Swedish stop word (dropped for word matching, kept for reading).
    pub stop: bool,
}

fn stemmer() -> &'static Stemmer {
    static S: OnceLock<Stemmer> = OnceLock::new();
    S.get_or_init(|| Stemmer::create(Algorithm::Swedish))
}

/// The stem of a folded word. Words of three letters or fewer are kept whole.
pub fn stem(word: &str) -> String {
    if word.chars().count() <= 3 {
        return word.to_string();
    }
    stemmer().stem(word).into_owned()
}

/// Swedish stop words (Snowball's list, folded), without the words that mean
/// something here: `man` (a man, or a husband), `mot` (violence against), `nu`
/// (just now), `inte` (negation is read), `sin`/`min`/`mig`/`jag` are stop words
/// for word matching but read as who is who.
const STOP: &[&str] = &[
    "och", "det", "att", "i", "en", "jag", "hon", "som", "han", "pa", "den", "med", "var", "sig",
    "for", "sa", "till", "ar", "men", "ett", "om", "hade", "de", "av", "icke", "mig", "du",
    "henne", "da", "sin", "har", "hans", "honom", "skulle", "hennes", "dar", "min", "ej", "vid",
    "kunde", "nagot", "fran", "ut", "nar", "efter", "upp", "vi", "dem", "vara", "vad", "over",
    "an", "dig", "kan", "sina", "har", "ha", "alla", "under", "nagon", "eller", "allt", "mycket",
    "sedan", "ju", "denna", "sjalv", "detta", "at", "utan", "varit", "hur", "ingen", "mitt", "ni",
    "bli", "blev", "oss", "din", "dessa", "nagra", "deras", "blir", "mina", "samma", "vilken",
    "er", "sadan", "var", "blivit", "dess", "inom", "mellan", "sadant", "varfor", "varje", "vilka",
    "ditt", "vem", "vilket", "sadana", "vart", "dina", "vars", "vart", "vara", "ert", "era",
    "vilkas", "mej", "hjalp", "behover", "behov", "soker", "sokes", "vill", "ska", "mm", "kontakt",
    "kontakta", "the", "a", "an", "my", "is", "of", "and", "to", "in", "for", "me", "i", "help",
    "need",
];

pub fn is_stop(word: &str) -> bool {
    STOP.contains(&word)
}

/// Normalises, tokenises and stems a text.
pub fn analyze(text: &str) -> Vec<Token> {
    tokens(text)
        .into_iter()
        .take(32)
        .map(|w| Token {
            stem: stem(&w),
            stop: is_stop(&w),
            word: w,
        })
        .collect()
}

/// Whether `a` and `b` differ by at most one edit (a letter changed, added,
/// dropped, or two neighbours swapped).
pub fn within_one_edit(a: &str, b: &str) -> bool {
    // Folded words are ASCII: compared as bytes, with nothing allocated (the
    // typo pass compares a typed word with every word of the lexicon).
    if a.is_ascii() && b.is_ascii() {
        return one_edit(a.as_bytes(), b.as_bytes());
    }
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    one_edit(&a, &b)
}

fn one_edit<T: PartialEq>(a: &[T], b: &[T]) -> bool {
    let (la, lb) = (a.len(), b.len());
    if la.abs_diff(lb) > 1 {
        return false;
    }
    let p = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    if p == la && p == lb {
        return true;
    }
    if la == lb {
        // substitution, or a swap of neighbours
        a[p + 1..] == b[p + 1..]
            || (p + 1 < la && a[p] == b[p + 1] && a[p + 1] == b[p] && a[p + 2..] == b[p + 2..])
    } else if la > lb {
        a[p + 1..] == b[p..]
    } else {
        a[p..] == b[p + 1..]
    }
}

/// Splits a compound into a known head and a known tail (each at least two
/// letters, the head optionally with a linking `s`, the tail not a stop
/// word): `exmannen` → (`ex`,
/// `mannen`), `hedersproblematik` → (`heder`, `problematik`). The longest
/// known tail wins (`kvinnojouren` is `kvinno` + `jouren`, not `kvinnojour` +
/// `en`).
pub fn split_compound(word: &str, known: &dyn Fn(&str) -> bool) -> Option<(String, String)> {
    let chars: Vec<char> = word.chars().collect();
    if chars.len() < 5 {
        return None;
    }
    for i in 2..chars.len().saturating_sub(2) {
        let head: String = chars[..i].iter().collect();
        let tail: String = chars[i..].iter().collect();
        // A word of a phrase is not a part (`därifrån` is not `dari` +
        // `från`, `härifrån` no language).
        if is_stop(&tail) || (!known(&tail) && !known(&stem(&tail))) {
            continue;
        }
        if known(&head) {
            return Some((head, tail));
        }
        if let Some(h) = head.strip_suffix('s') {
            if h.chars().count() >= 2 && known(h) {
                return Some((h.to_string(), tail));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The byte path for ASCII words says what the character path says.
        #[test]
        fn one_edit_on_bytes_is_one_edit_on_chars(a in "[a-e]{0,8}", b in "[a-e]{0,8}") {
            let (x, y): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
            prop_assert_eq!(within_one_edit(&a, &b), super::one_edit(&x, &y));
        }
    }

    #[test]
    fn inflections_share_a_stem_with_or_without_swedish_letters() {
        assert_eq!(stem("misshandlar"), stem("misshandlade"));
        assert_eq!(stem("hedersrelaterade"), stem("hedersrelaterad"));
        assert_eq!(stem("valdtakten"), stem("valdtakt"));
        let a = analyze("Våldtäkten");
        let b = analyze("valdtakten");
        assert_eq!(a, b);
        assert_eq!(a[0].word, "valdtakten");
    }

    #[test]
    fn stop_words_are_marked_not_dropped() {
        let t = analyze("min man slår mig");
        assert_eq!(t.len(), 4);
        assert!(t[0].stop && !t[1].stop && t[3].stop);
    }

    #[test]
    fn one_edit() {
        assert!(within_one_edit("misshandel", "misshandle"));
        assert!(within_one_edit("misshandel", "mishandel"));
        assert!(within_one_edit("kvinnojour", "kvinnojuor"));
        assert!(within_one_edit("skyddat", "skydat"));
        assert!(!within_one_edit("skyddat", "skadat"));
        assert!(!within_one_edit("far", "fara illa"));
        // Not folded: compared letter by letter, not byte by byte.
        assert!(within_one_edit("våld", "vald"));
        assert!(!within_one_edit("våld", "vält"));
    }

    #[test]
    fn compounds_split_against_what_is_known() {
        let known = |w: &str| ["ex", "man", "mannen", "heder", "problematik"].contains(&w);
        assert_eq!(
            split_compound("exmannen", &known),
            Some(("ex".into(), "mannen".into()))
        );
        assert_eq!(
            split_compound("hedersproblematik", &known),
            Some(("heder".into(), "problematik".into()))
        );
        assert_eq!(split_compound("xyzzyplugh", &known), None);
    }
}
