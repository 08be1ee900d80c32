//! Answers: an item's answer as stored and as typed (JSON, the CLI's text),
//! checked against the item, and a professional's override.

use super::format::{AnswerType, Checklist, Item};
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;
use std::fmt;

/// An answer to one item. In JSON (and the CLI answers file) it is
/// `"yes"`, `"no"`, `"unknown"`, a choice id string or a number.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    Yes,
    No,
    /// Not known or not asked: always allowed, counts as unanswered.
    Unknown,
    Choice(String),
    Number(f64),
}

impl Answer {
    /// True for a definite answer (anything but `Unknown`).
    pub fn is_known(&self) -> bool {
        !matches!(self, Answer::Unknown)
    }

    /// The answer as text, as in the answers file.
    pub fn as_text(&self) -> String {
        match self {
            Answer::Yes => "yes".into(),
            Answer::No => "no".into(),
            Answer::Unknown => "unknown".into(),
            Answer::Choice(c) => c.clone(),
            Answer::Number(n) => n.to_string(),
        }
    }
}

/// Answers by item id.
pub type Answers = BTreeMap<String, Answer>;

impl Serialize for Answer {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Answer::Yes => s.serialize_str("yes"),
            Answer::No => s.serialize_str("no"),
            Answer::Unknown => s.serialize_str("unknown"),
            Answer::Choice(c) => s.serialize_str(c),
            Answer::Number(n) => s.serialize_f64(*n),
        }
    }
}

impl<'de> Deserialize<'de> for Answer {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Answer, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Answer;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("\"yes\", \"no\", \"unknown\", a choice id or a number")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Answer, E> {
                Ok(match v {
                    "yes" => Answer::Yes,
                    "no" => Answer::No,
                    "unknown" => Answer::Unknown,
                    other => Answer::Choice(other.to_string()),
                })
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Answer, E> {
                if v.is_finite() {
                    Ok(Answer::Number(v))
                } else {
                    Err(E::custom("a number answer must be finite"))
                }
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Answer, E> {
                Ok(Answer::Number(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Answer, E> {
                Ok(Answer::Number(v as f64))
            }
        }
        d.deserialize_any(V)
    }
}

/// Checks that an answer has the right type for its item (and that a number
/// is within the item's bounds); the message names the item.
pub fn check_answer(item: &Item, answer: &Answer) -> Result<(), String> {
    let ok = match (item.answer_type, answer) {
        (_, Answer::Unknown) => true,
        (AnswerType::YesNo, Answer::Yes | Answer::No) => true,
        (AnswerType::Choice, Answer::Choice(c)) => item.choice(c).is_some(),
        (AnswerType::Number, Answer::Number(n)) => {
            if !n.is_finite() {
                return Err(format!(
                    "item '{}' expects a finite number, got {n}",
                    item.id
                ));
            }
            if item.min.is_some_and(|m| *n < m) || item.max.is_some_and(|m| *n > m) {
                return Err(format!(
                    "item '{}' expects a number{}, got {n}",
                    item.id,
                    bounds(item)
                ));
            }
            true
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "item '{}' expects {}, got {}",
            item.id,
            expectation(item),
            shown(answer)
        ))
    }
}

fn shown(a: &Answer) -> String {
    match a {
        Answer::Number(n) => n.to_string(),
        other => format!("\"{}\"", other.as_text()),
    }
}

fn bounds(item: &Item) -> String {
    match (item.min, item.max) {
        (Some(a), Some(b)) => format!(" from {a} to {b}"),
        (Some(a), None) => format!(" of at least {a}"),
        (None, Some(b)) => format!(" of at most {b}"),
        (None, None) => String::new(),
    }
}

fn expectation(item: &Item) -> String {
    match item.answer_type {
        AnswerType::YesNo => "yes/no/unknown".into(),
        AnswerType::Choice => {
            let ids: Vec<&str> = item.choices.iter().map(|c| c.id.as_str()).collect();
            format!("one of {}/unknown", ids.join("/"))
        }
        AnswerType::Number => format!("a number{} or unknown", bounds(item)),
    }
}

/// Reads one raw answer (from the CLI answers file or the FFI) for `item`,
/// rejecting a wrong type with a message naming the item, e.g.
/// `item 'weapon' expects yes/no/unknown, got 3`.
pub fn parse_answer(item: &Item, raw: &serde_json::Value) -> Result<Answer, String> {
    let answer = match raw {
        serde_json::Value::String(s) => match s.as_str() {
            "yes" => Answer::Yes,
            "no" => Answer::No,
            "unknown" => Answer::Unknown,
            other => Answer::Choice(other.to_string()),
        },
        serde_json::Value::Number(n) => match n.as_f64() {
            Some(f) if f.is_finite() => Answer::Number(f),
            _ => {
                return Err(format!(
                    "item '{}' expects {}, got {n}",
                    item.id,
                    expectation(item)
                ))
            }
        },
        serde_json::Value::Null => Answer::Unknown,
        other => {
            return Err(format!(
                "item '{}' expects {}, got {other}",
                item.id,
                expectation(item)
            ))
        }
    };
    check_answer(item, &answer)?;
    Ok(answer)
}

/// Reads an answer typed at a prompt (the interactive CLI, a text field):
/// `yes`/`y`/`ja`/`j`, `no`/`n`/`nej`, `unknown`/`?`/`vet ej`/`skip`, for a
/// choice item its id or its number in the list (1-based), for a number item
/// a number (a decimal comma is accepted). Case and surrounding space are ignored.
pub fn parse_answer_text(item: &Item, input: &str) -> Result<Answer, String> {
    let t = input.trim().to_lowercase();
    if t.is_empty() {
        return Err(format!(
            "item '{}' expects {}, got nothing",
            item.id,
            expectation(item)
        ));
    }
    if matches!(
        t.as_str(),
        "unknown" | "?" | "vet ej" | "vet inte" | "skip" | "hoppa över" | "-"
    ) {
        return Ok(Answer::Unknown);
    }
    let answer = match item.answer_type {
        AnswerType::YesNo => match t.as_str() {
            "yes" | "y" | "ja" | "j" => Answer::Yes,
            "no" | "n" | "nej" => Answer::No,
            _ => Answer::Choice(t.clone()),
        },
        AnswerType::Choice => match t.parse::<usize>() {
            Ok(n) if n >= 1 && n <= item.choices.len() => {
                Answer::Choice(item.choices[n - 1].id.clone())
            }
            _ => Answer::Choice(t.clone()),
        },
        AnswerType::Number => match t.replace(',', ".").parse::<f64>() {
            Ok(n) if n.is_finite() => Answer::Number(n),
            _ => Answer::Choice(t.clone()),
        },
    };
    check_answer(item, &answer)?;
    Ok(answer)
}

/// Reads an answers file, `{"answers": {"ITEM_ID": "yes" | "no" | "unknown" |
/// CHOICE_ID | NUMBER}}`, against a checklist. Every problem is reported
/// (unknown item ids, wrong answer types), each naming the item.
pub fn parse_answers_json(c: &Checklist, raw: &serde_json::Value) -> Result<Answers, Vec<String>> {
    let Some(map) = raw.get("answers").and_then(|a| a.as_object()) else {
        return Err(vec![
            "expected an object {\"answers\": {\"ITEM_ID\": ANSWER, ...}}".to_string(),
        ]);
    };
    let mut answers = Answers::new();
    let mut errors = Vec::new();
    for (id, value) in map {
        match c.item(id) {
            None => errors.push(format!("item '{id}' is not in checklist '{}'", c.id)),
            Some(item) => match parse_answer(item, value) {
                Ok(a) => {
                    answers.insert(id.clone(), a);
                }
                Err(e) => errors.push(e),
            },
        }
    }
    if errors.is_empty() {
        Ok(answers)
    } else {
        Err(errors)
    }
}

/// A professional's judgement that raises the level, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Override {
    pub level: String,
    pub reason: String,
}
