//! The lexicon: Swedish words and phrases that mean needs, violence forms and
//! target groups, so that `skyddat boende` typed on a phone routes like
//! `--need protected_housing`. Words are folded (å/ä/ö → a/o, any case), and
//! a typed word matches as a prefix, as people type (`manniskoh` →
//! *människohandel*). An exact word wins over prefixes (`man` is *män*, not
//! the start of *människohandel*).

use super::{RoutingError, Situation, LEXICON_ID};
use crate::text::tokens;
use crate::vocab::{Form, Group, Need};
use serde::{Deserialize, Serialize};

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
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct LexiconFile {
    pub id: String,
    pub version: u32,
    #[serde(default, rename = "entry")]
    pub entries: Vec<LexEntry>,
}

/// A compiled lexicon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lexicon {
    pub file: LexiconFile,
    /// (folded words of the phrase, meaning)
    phrases: Vec<(Vec<String>, Situation)>,
}

/// What typed text meant: the situation the lexicon found, and the typed
/// words it did not recognise (left for word matching).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LexiconMatch {
    pub situation: Situation,
    pub rest: Vec<String>,
    pub matched: bool,
}

impl Lexicon {
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

    pub fn compile(file: &str, f: LexiconFile) -> Result<Lexicon, Vec<RoutingError>> {
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
            let s = Situation {
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
            };
            if e.groups.is_empty() && e.needs.is_empty() && e.forms.is_empty() {
                push("the entry means nothing: give groups, needs or forms".into());
            }
            for w in &e.words {
                let t = tokens(w);
                if t.is_empty() || t.iter().any(|x| x.len() < 2) {
                    push(format!("word '{w}' is too short"));
                    continue;
                }
                phrases.push((t, s));
            }
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(Lexicon { file: f, phrases })
    }

    /// Reads typed text: words and phrases of the lexicon become a situation;
    /// other words are returned for word matching. A typed word matches a
    /// lexicon word it equals, or begins with five letters or more (or at
    /// more than half of it, and three letters): `vald` is not the start of
    /// `valdsutovare`. An exact match wins over prefixes.
    pub fn read(&self, text: &str) -> LexiconMatch {
        let toks = tokens(text);
        let mut out = LexiconMatch::default();
        let mut i = 0;
        while i < toks.len() {
            // The longest phrase starting here; exact matches before prefixes.
            let mut best: Option<(usize, bool)> = None; // (len, exact)
            let mut meaning = Situation::default();
            for (words, s) in &self.phrases {
                let n = words.len();
                if i + n > toks.len() {
                    continue;
                }
                let mut exact = true;
                let ok = words.iter().zip(&toks[i..i + n]).all(|(w, t)| {
                    if w == t {
                        true
                    } else if t.len() >= 3
                        && (t.len() >= 5 || 2 * t.len() > w.len())
                        && w.starts_with(t.as_str())
                    {
                        exact = false;
                        true
                    } else {
                        false
                    }
                });
                if !ok {
                    continue;
                }
                let better = match best {
                    None => true,
                    Some((bn, be)) => n > bn || (n == bn && exact && !be),
                };
                let same = best == Some((n, exact));
                if better {
                    best = Some((n, exact));
                    meaning = *s;
                } else if same {
                    meaning = meaning.union(*s);
                }
            }
            match best {
                Some((n, _)) => {
                    out.situation = out.situation.union(meaning);
                    out.matched = true;
                    i += n;
                }
                None => {
                    out.rest.push(toks[i].clone());
                    i += 1;
                }
            }
        }
        out
    }

    /// The lexicon's words, folded (for tests and tools).
    pub fn folded_words(&self) -> Vec<String> {
        self.phrases.iter().map(|(w, _)| w.join(" ")).collect()
    }
}
