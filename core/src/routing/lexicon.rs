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

/// One phrase of the lexicon: folded words, their stems, the meaning's index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phrase {
    pub words: Vec<String>,
    pub stems: Vec<String>,
    pub meaning: usize,
}

/// A compiled lexicon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lexicon {
    pub file: LexiconFile,
    pub meanings: Vec<Meaning>,
    pub phrases: Vec<Phrase>,
    /// Single folded word or stem → phrases (indices) of one word.
    pub single: HashMap<String, Vec<usize>>,
    /// First stem → phrases of several words, longest first.
    pub multi: HashMap<String, Vec<usize>>,
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
                let (words, stems) = analyses.of(w);
                if words.is_empty() || words.iter().any(String::is_empty) {
                    push(format!("word '{w}' is empty"));
                    continue;
                }
                phrases.push(Phrase {
                    words,
                    stems,
                    meaning: m,
                });
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        let mut single: HashMap<String, Vec<usize>> = HashMap::new();
        let mut multi: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, p) in phrases.iter().enumerate() {
            if p.words.len() == 1 {
                for k in [&p.words[0], &p.stems[0]] {
                    let v = single.entry(k.clone()).or_default();
                    if !v.contains(&i) {
                        v.push(i);
                    }
                }
            } else {
                multi.entry(p.stems[0].clone()).or_default().push(i);
            }
        }
        for v in multi.values_mut() {
            v.sort_by_key(|&i| std::cmp::Reverse(phrases[i].words.len()));
        }
        Ok(Lexicon {
            file: f,
            meanings,
            phrases,
            single,
            multi,
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

    /// Whether a folded word (or its stem) is a word of the lexicon.
    pub fn knows(&self, word: &str) -> bool {
        self.single.contains_key(word) || self.single.contains_key(&stem(word))
    }

    /// The lexicon's words, folded (for tests and tools).
    pub fn folded_words(&self) -> Vec<String> {
        self.phrases.iter().map(|p| p.words.join(" ")).collect()
    }
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

    /// A word's folded tokens and their stems.
    fn of(&mut self, w: &str) -> (Vec<String>, Vec<String>) {
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
        let split = |s: &str| -> Vec<String> {
            s.split(' ')
                .filter(|t| !t.is_empty())
                .map(str::to_owned)
                .collect()
        };
        match found {
            Some((words, stems)) => (split(words), split(stems)),
            None => {
                let t = analyze(w);
                (
                    t.iter().map(|x| x.word.clone()).collect(),
                    t.iter().map(|x| x.stem.clone()).collect(),
                )
            }
        }
    }
}
