//! The lexicon: Swedish (and a few English) words and phrases that mean
//! needs, violence forms and target groups, and the cue words that tell who
//! is who in a sentence (`cue`: a violence verb, a victim word, a word for the
//! abuser, help-seeking, danger now …). Entries are written as base forms and
//! phrases; they go through the same analyzer as the query
//! (`understand::analyze`: folded, Snowball-stemmed), so inflections need not
//! be listed. Reading typed text is `understand::read`'s job.

use super::{RoutingError, Situation, LEXICON_ID};
use crate::understand::analyze::{analyze, stem};
use crate::understand::Cue;
use crate::vocab::{Form, Group, Need};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One entry: words (or phrases of several words) and what they mean.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LexEntry {
    pub words: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub needs: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forms: Vec<String>,
    /// What the word tells about who is who (`understand::Cue` ids:
    /// `violence`, `victim`, `abuser`, `help`, `perpetrator`, `danger`,
    /// `relative`, `professional`, `self`, `object`, `possessive`, `by`,
    /// `threat`, `now`, `past`, `offspring`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cue: Option<String>,
    /// The word can name the abuser (`man`: "min man slår mig"): its groups
    /// describe the person only when it does not stand for the abuser.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub abuser: bool,
    /// The language the person speaks (`arabiska` → `ar`, `sydsamiska` →
    /// `sma`; see [`crate::model::is_language_code`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub language: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct LexiconFile {
    pub id: String,
    pub version: u32,
    #[serde(default, rename = "entry")]
    pub entries: Vec<LexEntry>,
}

/// What an entry means, compiled.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Meaning {
    pub situation: Situation,
    pub cue: Option<Cue>,
    pub abuser: bool,
    pub language: Option<String>,
}

/// One phrase of the lexicon: how many words it has and the meaning's
/// index; its folded words and their stems lie in the lexicon's text
/// ([`Lexicon::word`], [`Lexicon::stem`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phrase {
    /// Where its words' spans start in `Lexicon::spans` (its stems' follow).
    pub(super) at: u32,
    pub len: usize,
    pub meaning: usize,
}

/// A compiled lexicon. Its words and stems lie in one text and its lookups
/// are two sorted tables of hashes, so compiling it (at every cold start)
/// makes a handful of allocations, not one per word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lexicon {
    pub(super) id: String,
    pub(super) version: u32,
    /// The entries it was compiled from; None when it was read compiled
    /// ([`Lexicon::from_bytes`]).
    pub(super) source: Option<LexiconFile>,
    pub meanings: Vec<Meaning>,
    pub phrases: Vec<Phrase>,
    /// Every phrase's folded words, then their stems, one after another.
    pub(super) text: String,
    /// (start, end) in `text` of each word and stem.
    pub(super) spans: Vec<(u32, u32)>,
    /// Phrases of one word, by the hash of their word and of their stem.
    pub(super) single: Keyed,
    /// Phrases of several words, by the hash of their first stem, longest
    /// first.
    pub(super) multi: Keyed,
}

/// Phrase indices by a key's hash, sorted by hash: a lookup is a binary
/// search, and its answers are candidates (the caller compares the words).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(super) struct Keyed {
    pub(super) hashes: Vec<u64>,
    pub(super) phrases: Vec<u32>,
}

impl Keyed {
    /// From (hash, order, phrase) triples: sorted by hash then order, each
    /// phrase once a hash.
    fn new(mut v: Vec<(u64, u32, u32)>) -> Keyed {
        v.sort_unstable();
        v.dedup_by_key(|&mut (h, _, p)| (h, p));
        Keyed {
            hashes: v.iter().map(|x| x.0).collect(),
            phrases: v.iter().map(|x| x.2).collect(),
        }
    }

    fn get(&self, key: &str) -> &[u32] {
        let h = hash(key);
        let lo = self.hashes.partition_point(|&x| x < h);
        let hi = lo + self.hashes[lo..].partition_point(|&x| x == h);
        &self.phrases[lo..hi]
    }
}

/// FNV-1a, 64 bits: a lexicon's keys are short words, and a collision only
/// adds a candidate the caller's comparison drops.
fn hash(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
    })
}

impl Lexicon {
    #[cfg(feature = "authoring")]
    pub fn from_toml(file: &str, text: &str) -> Result<Lexicon, Vec<RoutingError>> {
        let f: LexiconFile = toml::from_str(text).map_err(|e| {
            RoutingError::whole_file(file, format!("not a valid lexicon: {}", e.message()))
        })?;
        if let Some(u) = crate::evolve::unknown_toml_fields::<LexiconFile>(text).first() {
            return Err(RoutingError::whole_file(
                file,
                format!("not a valid lexicon: unknown field `{u}`"),
            ));
        }
        Lexicon::compile(file, f)
    }

    pub fn from_json(file: &str, text: &str) -> Result<Lexicon, Vec<RoutingError>> {
        let f: LexiconFile = serde_json::from_str(text)
            .map_err(|e| RoutingError::whole_file(file, format!("not a valid lexicon: {e}")))?;
        Lexicon::compile(file, f)
    }

    /// Compiles a lexicon. Its words are analyzed as the query is
    /// (`understand::analyze`); a word of the embedded lexicon takes the
    /// analysis build.rs made of it with that same code ([`Analyses`]).
    pub fn compile(file: &str, f: LexiconFile) -> Result<Lexicon, Vec<RoutingError>> {
        Self::compile_with(file, f, Analyses::new(EMBEDDED_ANALYSES))
    }

    fn compile_with(
        file: &str,
        f: LexiconFile,
        mut analyses: Analyses<'_>,
    ) -> Result<Lexicon, Vec<RoutingError>> {
        let mut errors = Vec::new();
        let mut err = |rule: Option<String>, problem: String| {
            errors.push(RoutingError {
                file: file.into(),
                rule,
                problem,
            })
        };
        if f.id != LEXICON_ID {
            err(None, format!("id must be '{LEXICON_ID}', not '{}'", f.id));
        }
        if f.version == 0 {
            err(None, "version must be 1 or more".into());
        }
        let mut meanings = Vec::new();
        let mut phrases = Vec::new();
        let mut text = String::with_capacity(f.entries.len() * 64);
        let mut spans = Vec::with_capacity(f.entries.len() * 16);
        for e in &f.entries {
            let name = Some(format!(
                "entry '{}'",
                e.words.first().map(String::as_str).unwrap_or("")
            ));
            let mut push = |p: String| err(name.clone(), p);
            if e.words.is_empty() {
                push("no words".into());
            }
            let situation = Situation {
                groups: super::vocab_bits(
                    &e.groups,
                    "groups",
                    "group",
                    Group::parse,
                    Group::bit,
                    &mut push,
                ),
                needs: super::vocab_bits(
                    &e.needs,
                    "needs",
                    "need",
                    Need::parse,
                    Need::bit,
                    &mut push,
                ),
                forms: super::vocab_bits(
                    &e.forms,
                    "forms",
                    "form",
                    Form::parse,
                    Form::bit,
                    &mut push,
                ),
                roles: 0,
            };
            let cue = match &e.cue {
                None => None,
                Some(c) => match Cue::parse(c) {
                    Some(c) => Some(c),
                    None => {
                        push(format!(
                            "unknown cue '{c}' (use {})",
                            Cue::ALL
                                .iter()
                                .map(|c| c.id())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ));
                        None
                    }
                },
            };
            if let Some(l) = &e.language {
                if !crate::model::is_language_code(l) {
                    push(format!(
                        "language '{l}' is not an ISO 639-1 code (or 639-3 for a language without one)"
                    ));
                }
            }
            if e.groups.is_empty()
                && e.needs.is_empty()
                && e.forms.is_empty()
                && cue.is_none()
                && e.language.is_none()
            {
                push(
                    "the entry means nothing: give groups, needs, forms, a cue or a language"
                        .into(),
                );
            }
            let m = meanings.len();
            meanings.push(Meaning {
                situation,
                cue,
                abuser: e.abuser,
                language: e.language.clone(),
            });
            for w in &e.words {
                let at = spans.len();
                match analyses.of(w, &mut text, &mut spans) {
                    Some(len) => phrases.push(Phrase {
                        at: at as u32,
                        len,
                        meaning: m,
                    }),
                    None => push(format!("word '{w}' is empty")),
                }
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let key = |at: usize| {
            let (a, b) = spans[at];
            hash(&text[a as usize..b as usize])
        };
        let mut single = Vec::new();
        let mut multi = Vec::new();
        for (i, p) in phrases.iter().enumerate() {
            let (at, i) = (p.at as usize, i as u32);
            if p.len == 1 {
                single.push((key(at), i, i));
                single.push((key(at + 1), i, i));
            } else {
                // Longest first, then in the lexicon's order.
                multi.push((key(at + p.len), u32::MAX - p.len as u32, i));
            }
        }
        Ok(Lexicon {
            id: f.id.clone(),
            version: f.version,
            source: Some(f),
            meanings,
            phrases,
            text,
            spans,
            single: Keyed::new(single),
            multi: Keyed::new(multi),
        })
    }

    /// Compiled with every word analyzed now (what the table build.rs
    /// makes must equal).
    #[cfg(test)]
    pub(crate) fn compile_analyzing(
        file: &str,
        f: LexiconFile,
    ) -> Result<Lexicon, Vec<RoutingError>> {
        Self::compile_with(file, f, Analyses::new(""))
    }

    /// The entries it was compiled from (None: read compiled).
    pub fn source(&self) -> Option<&LexiconFile> {
        self.source.as_ref()
    }

    /// Phrase `p`'s `k`th folded word.
    pub fn word(&self, p: usize, k: usize) -> &str {
        self.span(self.phrases[p].at as usize + k)
    }

    /// Phrase `p`'s `k`th stem.
    pub fn stem(&self, p: usize, k: usize) -> &str {
        let ph = &self.phrases[p];
        self.span(ph.at as usize + ph.len + k)
    }

    fn span(&self, i: usize) -> &str {
        let (a, b) = self.spans[i];
        &self.text[a as usize..b as usize]
    }

    /// The phrases of one word whose word or stem may be `key` (compare:
    /// [`Self::word`], [`Self::stem`]), in the lexicon's order.
    pub fn singles(&self, key: &str) -> impl Iterator<Item = usize> + '_ {
        self.single.get(key).iter().map(|&p| p as usize)
    }

    /// The phrases of several words whose first stem may be `stem`,
    /// longest first.
    pub fn multis(&self, stem: &str) -> impl Iterator<Item = usize> + '_ {
        self.multi.get(stem).iter().map(|&p| p as usize)
    }

    /// Whether a folded word (or its stem) is a word of the lexicon.
    pub fn knows(&self, word: &str) -> bool {
        let is = |k: &str| {
            self.singles(k)
                .any(|p| self.word(p, 0) == k || self.stem(p, 0) == k)
        };
        is(word) || is(&stem(word))
    }

    /// The lexicon's words, folded (for tests and tools).
    pub fn folded_words(&self) -> Vec<String> {
        (0..self.phrases.len())
            .map(|p| {
                (0..self.phrases[p].len)
                    .map(|k| self.word(p, k))
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .collect()
    }
}

/// What a compiled lexicon depends on besides its entries: this build's
/// analyzer (its table of the embedded words, and the crate's version).
/// A compiled lexicon kept on disk is keyed by it.
pub fn analyzer_fingerprint() -> u32 {
    let mut h = crc32fast::Hasher::new();
    h.update(env!("CARGO_PKG_VERSION").as_bytes());
    h.update(EMBEDDED_ANALYSES.as_bytes());
    h.finalize()
}

/// The embedded lexicon's words as build.rs analyzed them (with this
/// crate's `understand::analyze`, its source compiled into the build
/// script): one line per word in the lexicon's order, `word as written`,
/// its folded tokens, their stems, tab-separated.
const EMBEDDED_ANALYSES: &str = include_str!(concat!(env!("OUT_DIR"), "/lexicon_words.txt"));

/// The analyses of a lexicon's words: from the table when it has the word
/// (read in order, so the embedded lexicon takes each line as it comes; a
/// lexicon from sync finds its words by lookup), else analyzed now.
struct Analyses<'a> {
    table: &'a str,
    lines: std::str::Lines<'a>,
    by_word: Option<HashMap<&'a str, (&'a str, &'a str)>>,
}

impl<'a> Analyses<'a> {
    fn new(table: &'a str) -> Analyses<'a> {
        Analyses {
            table,
            lines: table.lines(),
            by_word: None,
        }
    }

    fn line(l: &'a str) -> Option<(&'a str, (&'a str, &'a str))> {
        let mut f = l.split('\t');
        Some((f.next()?, (f.next()?, f.next()?)))
    }

    /// A word's folded tokens, then their stems, pushed onto `text` and
    /// `spans`; how many tokens, or None (nothing pushed) if it has none
    /// or an empty one.
    fn of(&mut self, w: &str, text: &mut String, spans: &mut Vec<(u32, u32)>) -> Option<usize> {
        let found = match self.lines.next().and_then(Self::line) {
            Some((raw, a)) if raw == w => Some(a),
            _ => {
                let table = self.table;
                self.by_word
                    .get_or_insert_with(|| table.lines().filter_map(Self::line).collect())
                    .get(w)
                    .copied()
            }
        };
        let (t0, s0) = (text.len(), spans.len());
        let mut put = |x: &str| {
            let a = text.len() as u32;
            text.push_str(x);
            spans.push((a, text.len() as u32));
        };
        let n = match found {
            Some((words, stems)) => {
                let split = |s: &'a str| s.split(' ').filter(|t| !t.is_empty());
                let n = split(words).count();
                split(words).chain(split(stems)).for_each(&mut put);
                n
            }
            None => {
                let t = analyze(w);
                t.iter().map(|x| x.word.as_str()).for_each(&mut put);
                t.iter().map(|x| x.stem.as_str()).for_each(&mut put);
                t.len()
            }
        };
        let empty = spans[s0..].iter().any(|(a, b)| a == b);
        if n == 0 || empty || spans.len() - s0 != 2 * n {
            text.truncate(t0);
            spans.truncate(s0);
            return None;
        }
        Some(n)
    }
}
