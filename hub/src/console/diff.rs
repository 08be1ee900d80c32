//! What one version of the content changes against another, record by
//! record and field by field, in words ("Öppettider: mån-fre 08-16 →
//! mån-tor 08-16:30", "Telefon 070-… → 070-…"): the publish preview, the
//! going-back confirmation and the audit log's record of a publish.

use super::{i18n, labels};
use fyr_core::feed::Record;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Serialize, Default)]
pub(crate) struct Change {
    pub kind: String,
    pub id: String,
    /// The record's name in words (a service's or organization's name).
    pub title: String,
    /// (field in words, before, after) for a changed record.
    pub fields: Vec<(String, String, String)>,
}

#[derive(Debug, Clone, Serialize, Default)]
pub(crate) struct Diff {
    pub against: String,
    pub added: Vec<Change>,
    pub changed: Vec<Change>,
    pub retired: Vec<Change>,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.changed.is_empty() && self.retired.is_empty()
    }

    /// A short account for the audit log.
    pub fn summary(&self) -> Value {
        let list = |v: &[Change]| -> Vec<String> {
            v.iter().map(|c| format!("{} {}", c.kind, c.id)).collect()
        };
        serde_json::json!({
            "added": list(&self.added),
            "changed": self.changed.iter().map(|c| serde_json::json!({
                "record": format!("{} {}", c.kind, c.id),
                "fields": c.fields.iter().map(|f| format!("{}: {} → {}", f.0, f.1, f.2)).collect::<Vec<_>>(),
            })).collect::<Vec<_>>(),
            "retired": list(&self.retired),
        })
    }
}

fn kind_word(kind: &str, lang: &str) -> String {
    match kind {
        "service" => i18n::text(lang, "service").to_string(),
        "organization" => i18n::text(lang, "organization").to_string(),
        "municipality" => i18n::text(lang, "municipality").to_string(),
        "checklist" => i18n::text(lang, "checklist").to_string(),
        other => other.to_string(),
    }
}

fn title(body: &Value, id: &str, lang: &str) -> String {
    let name = body.get("name");
    let n = match name {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Object(o)) => o
            .get(if lang == "en" { "en" } else { "sv" })
            .or_else(|| o.get("sv"))
            .and_then(Value::as_str)
            .map(str::to_string),
        _ => body
            .get("name_sv")
            .and_then(Value::as_str)
            .map(str::to_string),
    };
    n.filter(|s| !s.is_empty())
        .unwrap_or_else(|| id.to_string())
}

/// What `new` changes against `old`, in the console's language.
pub(crate) fn diff(old: &[Record], new: &[Record], against: String, lang: &str) -> Diff {
    let key = |r: &Record| (r.kind.to_string(), r.id.clone());
    let o: BTreeMap<_, _> = old.iter().map(|r| (key(r), r)).collect();
    let n: BTreeMap<_, _> = new.iter().map(|r| (key(r), r)).collect();
    let parse = |r: &Record| serde_json::from_str::<Value>(&r.body).unwrap_or(Value::Null);
    let mut d = Diff {
        against,
        ..Default::default()
    };
    for (k, r) in &n {
        let b = parse(r);
        match o.get(k) {
            None => d.added.push(Change {
                kind: kind_word(&k.0, lang),
                id: k.1.clone(),
                title: title(&b, &k.1, lang),
                fields: Vec::new(),
            }),
            Some(prev) if prev.body != r.body => {
                let a = parse(prev);
                let names: BTreeSet<String> = a
                    .as_object()
                    .into_iter()
                    .chain(b.as_object())
                    .flat_map(|m| m.keys().cloned())
                    .collect();
                let fields = names
                    .into_iter()
                    .filter(|f| a.get(f) != b.get(f))
                    .map(|f| {
                        (
                            labels::field(&f, lang),
                            labels::value(&f, a.get(&f), lang),
                            labels::value(&f, b.get(&f), lang),
                        )
                    })
                    .collect();
                d.changed.push(Change {
                    kind: kind_word(&k.0, lang),
                    id: k.1.clone(),
                    title: title(&b, &k.1, lang),
                    fields,
                });
            }
            _ => {}
        }
    }
    for (k, r) in o.iter().filter(|(k, _)| !n.contains_key(*k)) {
        d.retired.push(Change {
            kind: kind_word(&k.0, lang),
            id: k.1.clone(),
            title: title(&parse(r), &k.1, lang),
            fields: Vec::new(),
        });
    }
    d
}
