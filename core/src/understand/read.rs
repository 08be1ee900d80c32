//! Reading typed text into a situation: lexicon phrases before single words
//! (exact word, then stem, then as typed, then one typo, then compound
//! parts), then who is who from the cue words.

use super::age::ages;
use super::analyze::{analyze, split_compound, within_one_edit, Token};
use super::Cue;
use crate::routing::{Lexicon, Situation};
use crate::vocab::Role;

/// What the text says, before the filters and context are added.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Reading {
    /// Groups, needs, forms and roles (bits) read from the words.
    pub situation: Situation,
    /// The roles in display order.
    pub roles: Vec<Role>,
    pub language: Option<String>,
    /// Stems of the content words the lexicon did not read (word matching
    /// chooses candidates by them).
    pub rest: Vec<String>,
    /// Stems of every content word (word matching adds relevance by them),
    /// but those in `unwanted`.
    pub words: Vec<String>,
    /// Stems of unread words a negation reaches ("hon vill inte att soc
    /// kopplas in": `soc`): a service they name is not offered first.
    pub unwanted: Vec<String>,
    /// The lexicon read something.
    pub matched: bool,
}

pub(super) struct Tok {
    pub(super) t: Token,
    /// Lexicon meanings (indices into `Lexicon::meanings`).
    pub(super) meanings: Vec<usize>,
    pub(super) read: bool,
    /// It continues a phrase read from an earlier token.
    pub(super) cont: bool,
}

impl Tok {
    /// The token's cues; a partner is an abuser word too (and more: see
    /// the roles in `who_is_who`).
    pub(super) fn cues(&self, lex: &Lexicon) -> u32 {
        let c = self
            .meanings
            .iter()
            .filter_map(|&m| lex.meanings[m].cue)
            .fold(0, |a, c| a | c.bit());
        match has(c, Cue::Partner) {
            true => c | Cue::Abuser.bit(),
            false => c,
        }
    }
}

/// Single-word meanings of a folded word: exact words first, else the stem
/// (a neuter noun's definite form, which the stemmer keeps, by its base:
/// `kontaktförbudet`), else, for the last word only, as typed (a start of
/// five letters or more: a word still being typed; `kontakt` before other
/// words is not half of `kontaktförbud`), else one typo (seven letters or
/// more, of a word of six or more, or between stems of six or more:
/// `natten` is not a typo of `nätet`, nor `kollar` of `killar`, nor
/// `berättar` of `beaten`, nor `polisen` of `polish`)
/// unless the word is the start of a word in the directory (`kvinnoj`,
/// half-way to `kvinnojour`, is not a typo of `kvinnor`).
fn single(lex: &Lexicon, t: &Token, last: bool, starts: &dyn Fn(&str) -> bool) -> Vec<usize> {
    let of = |k: &str| -> Vec<usize> {
        lex.singles(k)
            .filter(|&p| lex.word(p, 0) == k || lex.stem(p, 0) == k)
            .map(|p| lex.phrases[p].meaning)
            .collect()
    };
    let exact: Vec<usize> = lex
        .singles(&t.word)
        .filter(|&p| lex.word(p, 0) == t.word)
        .map(|p| lex.phrases[p].meaning)
        .collect();
    if !exact.is_empty() {
        return exact;
    }
    // A little word ("dem", "man") is not read through another word's
    // stem ("demens" stems to "dem"): only a lexicon word it is.
    if t.stop {
        return lex
            .singles(&t.stem)
            .filter(|&p| lex.word(p, 0) == t.stem)
            .map(|p| lex.phrases[p].meaning)
            .collect();
    }
    let by_stem = of(&t.stem);
    if !by_stem.is_empty() {
        return by_stem;
    }
    let n = t.word.chars().count();
    if n >= 7 {
        if let Some(base) = t.word.strip_suffix("et") {
            let by_base = of(base);
            if !by_base.is_empty() {
                return by_base;
            }
            let by_base = of(&super::analyze::stem(base));
            if !by_base.is_empty() {
                return by_base;
            }
        }
    }
    let mut out = Vec::new();
    let one_word = || (0..lex.phrases.len()).filter(|&p| lex.phrases[p].len == 1);
    if n >= 5 && last {
        for p in one_word() {
            let m = lex.phrases[p].meaning;
            if lex.word(p, 0).starts_with(&t.word) && !out.contains(&m) {
                out.push(m);
            }
        }
    }
    if out.is_empty() && n >= 7 && !starts(&t.word) {
        for p in one_word() {
            let (w, m) = (lex.word(p, 0), lex.phrases[p].meaning);
            if w.chars().count() >= 6
                && (within_one_edit(w, &t.word)
                    || (lex.stem(p, 0).chars().count() >= 6
                        && t.stem.chars().count() >= 6
                        && within_one_edit(lex.stem(p, 0), &t.stem)))
                && !out.contains(&m)
            {
                out.push(m);
            }
        }
    }
    out
}

/// Reads a text. `known` tells whether a folded word is in the directory's
/// vocabulary (for compound splitting); `drop` holds the keys of readings
/// the user removed (`group:men`, `role:uses_violence`, `danger` …).
pub fn read(lex: &Lexicon, known: &dyn Fn(&str) -> bool, text: &str, drop: &[String]) -> Reading {
    read_with(lex, known, &|_| false, text, drop)
}

/// [`read`], where `starts` tells whether a folded word is the start of a
/// longer word in the directory's vocabulary (a word still being typed).
pub fn read_with(
    lex: &Lexicon,
    known: &dyn Fn(&str) -> bool,
    starts: &dyn Fn(&str) -> bool,
    text: &str,
    drop: &[String],
) -> Reading {
    // A last word the directory knows whole is not one still being typed
    // ("behöver behandling" is treatment, not half of
    // "behandlingsprogram").
    let whole = |t: &Token| known(&t.word) || known(&t.stem);
    // Tokens, with compounds the lexicon does not know split into known parts.
    let mut toks: Vec<Tok> = Vec::new();
    let analyzed = join_split(analyze(text), known);
    let count = analyzed.len();
    for (k, t) in analyzed.into_iter().enumerate() {
        let plain = !t.stop
            && t.word.chars().count() >= 6
            && single(lex, &t, k + 1 == count && !whole(&t), starts).is_empty();
        // A word that begins a phrase ("nowhere to go") is read whole.
        let split =
            plain && !known(&t.word) && !known(&t.stem) && lex.multis(&t.stem).next().is_none();
        let parts = if split {
            split_compound(&t.word, &|w| {
                lex.knows(w) || (w.chars().count() >= 4 && known(w))
            })
            .filter(|(h, tail)| lex.knows(h) || lex.knows(tail))
        } else {
            None
        };
        match parts {
            Some((h, tail)) => {
                for p in [h, tail] {
                    for t in analyze(&p) {
                        toks.push(Tok {
                            t,
                            meanings: vec![],
                            read: false,
                            cont: false,
                        });
                    }
                }
            }
            None => toks.push(Tok {
                t,
                meanings: vec![],
                read: false,
                cont: false,
            }),
        }
    }
    // "man" as "one" ("kan man få hjälp", "hur gör man", "man vet inte"):
    // the generic pronoun after or before a modal verb is nobody, not a man.
    const MODALS: &[&str] = &[
        "kan", "far", "maste", "ska", "bor", "skulle", "borde", "vill", "gor", "vet", "hur",
    ];
    let modal = |t: &Tok| MODALS.contains(&t.t.word.as_str());
    // A question's "man" after its verb ("hur frågar man om våld", "vad
    // säger man", "var anmäler man") is "one" too.
    const QUESTIONS: &[&str] = &["hur", "vad", "var", "vart", "nar", "vem", "varfor", "vilka"];
    let generic = |toks: &[Tok], i: usize| {
        toks[i].t.word == "man"
            && ((i > 0 && modal(&toks[i - 1]))
                || toks.get(i + 1).is_some_and(modal)
                || (i >= 2 && QUESTIONS.contains(&toks[i - 2].t.word.as_str())))
    };
    // Phrases of several words first, longest first; then single words.
    let mut i = 0;
    while i < toks.len() {
        let mut took = 0;
        for p in lex.multis(&toks[i].t.stem) {
            let n = lex.phrases[p].len;
            if i + n <= toks.len()
                && (0..n).all(|k| {
                    let t = &toks[i + k].t;
                    t.word == lex.word(p, k) || t.stem == lex.stem(p, k)
                })
            {
                for k in 0..n {
                    toks[i + k].read = true;
                    toks[i + k].cont = k > 0;
                }
                toks[i].meanings.push(lex.phrases[p].meaning);
                took = n;
                break;
            }
        }
        if took == 0 && generic(&toks, i) {
            toks[i].read = true;
            took = 1;
        }
        if took == 0 {
            let last = i + 1 == toks.len() && !whole(&toks[i].t);
            let m = single(lex, &toks[i].t, last, starts);
            if !m.is_empty() {
                toks[i].meanings = m;
                toks[i].read = true;
            }
            took = 1;
        }
        i += took;
    }
    let mut out = Reading::default();
    // Read once, for the words to look for and for who is who.
    let cues: Vec<u32> = toks.iter().map(|t| t.cues(lex)).collect();
    let negated = negation(&toks, &cues);
    let words: Vec<&str> = toks.iter().map(|t| t.t.word.as_str()).collect();
    let all_ages: Vec<(usize, u32)> = ages(&words).collect();
    let age = all_ages.first().copied();
    // An age or a school year is read, not a word to look for in the
    // directory's texts ("flicka 16": not "16:30" in the hours); nor is what
    // a negation reaches ("vill inte till kvinnojouren": not the service
    // named).
    for (k, t) in toks.iter().enumerate() {
        if !t.t.stop && t.t.word.chars().count() >= 2 {
            if !t.read && negated[k] {
                out.unwanted.push(t.t.stem.clone());
                continue;
            }
            out.words.push(t.t.stem.clone());
            if !t.read && age.map(|(at, _)| at) != Some(k) {
                out.rest.push(t.t.stem.clone());
            }
        }
    }
    out.matched = toks.iter().any(|t| !t.meanings.is_empty());
    // Written mostly in another script (Arabic, Cyrillic, Ethiopic …): the
    // person most likely needs an interpreter, whatever the words say
    // (which language is not guessed: one script serves several). Who is
    // who keeps it, and takes it away with the user's other removals.
    if other_script(text) {
        out.situation.needs |= crate::vocab::Need::Interpretation.bit();
        out.matched = true;
    }
    super::who::who_is_who(lex, &toks, cues, &negated, &all_ages, drop, &mut out);
    out
}

/// Whether most letters of the text are outside the Latin script.
fn other_script(text: &str) -> bool {
    let (mut latin, mut other) = (0usize, 0usize);
    for c in text.chars().filter(|c| c.is_alphabetic()) {
        // Latin, with its supplements and extensions (å, ä, ö, é, ş …).
        if (c as u32) < 0x0250 || ('\u{1E00}'..='\u{1EFF}').contains(&c) {
            latin += 1;
        } else {
            other += 1;
        }
    }
    other > latin
}

/// Two words the directory knows written together are one ("soc jour",
/// "kvinno jour": `socjour`, `kvinnojour`), so a word that is half of it
/// ("jour") does not bring other services up.
fn join_split(tokens: Vec<Token>, known: &dyn Fn(&str) -> bool) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::with_capacity(tokens.len());
    let mut it = tokens.into_iter().peekable();
    while let Some(t) = it.next() {
        if let Some(next) = it.peek().filter(|n| {
            !t.stop
                && !n.stop
                && t.word.chars().all(char::is_alphabetic)
                && n.word.chars().all(char::is_alphabetic)
        }) {
            let joined = format!("{}{}", t.word, next.word);
            if known(&joined) {
                if let Some(j) = analyze(&joined).into_iter().next() {
                    out.push(j);
                    it.next();
                    continue;
                }
            }
        }
        out.push(t);
    }
    out
}

/// The tokens a negation reaches: the next two words or phrases of its
/// clause.
fn negation(toks: &[Tok], cues: &[u32]) -> Vec<bool> {
    let n = toks.len();
    let mut negated = vec![false; n];
    // Not stopping is going on ("han slutar inte slå henne", "kan inte
    // sluta kontrollera hennes telefon", "kan inte låta bli"): no negation.
    const STOPPING: &[&str] = &[
        "sluta", "slutar", "slutade", "slutat", "lata", "stop", "stops",
    ];
    let stopping = |k: Option<usize>| {
        k.and_then(|k| toks.get(k))
            .is_some_and(|t| STOPPING.contains(&t.t.word.as_str()))
    };
    for i in (0..n).filter(|&i| has(cues[i], Cue::Not)) {
        if stopping(Some(i + 1)) || stopping(i.checked_sub(1)) {
            continue;
        }
        let mut words = 0;
        for j in i + 1..n {
            let t = &toks[j];
            if CLAUSE.contains(&t.t.word.as_str()) {
                break;
            }
            if !t.cont && (!t.t.stop || !t.meanings.is_empty()) {
                words += 1;
                if words > 2 {
                    break;
                }
            }
            negated[j] = true;
        }
        // After the verb, as Swedish puts it in a main clause ("han slår
        // mig inte men han kontrollerar allt", "slog inte"): the violence
        // verb just before, past an object pronoun, did not happen. Not
        // when the negation goes with what follows ("slår mig inte bara",
        // "inte längre", "inte mig utan barnen", "inte just nu").
        const SCOPE: &[&str] = &[
            "bara", "utan", "langre", "ofta", "alltid", "sa", "lika", "just", "nu", "varje",
            "hela", "mycket", "only", "anymore", "often",
        ];
        let word_at = |k: usize| toks.get(k).map(|t| t.t.word.as_str());
        let goes_on = word_at(i + 1).is_some_and(|w| SCOPE.contains(&w))
            || word_at(i + 2).is_some_and(|w| ["utan", "but"].contains(&w));
        let violence = |k: usize| has(cues[k], Cue::Violence) && !has(cues[k], Cue::Victim);
        if !goes_on && i > 0 {
            let verb = if violence(i - 1) {
                Some(i - 1)
            } else if i > 1 && has(cues[i - 1], Cue::Object) && violence(i - 2) {
                Some(i - 2)
            } else {
                None
            };
            if let Some(v) = verb {
                negated[v] = true;
            }
        }
    }
    negated
}

/// Words that begin a new clause: a negation before them does not reach
/// past them ("inte rädd men han slår henne").
const CLAUSE: &[&str] = &["men", "och", "utan", "fast", "but", "and"];

pub(super) fn has(c: u32, cue: Cue) -> bool {
    c & cue.bit() != 0
}
