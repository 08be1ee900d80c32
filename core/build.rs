//! Turns the compiled-in TOML content the phone reads (routing model,
//! lexicon, guides) into JSON in OUT_DIR, so the library parses it with
//! serde_json and carries no TOML parser (the `authoring` feature, off in
//! fyr-ffi). The same serde types read both; the TOML sources are validated
//! as authored (`from_toml`, unknown fields named) by the core's tests.
//!
//! It also analyzes the lexicon's words (`lexicon_words.txt`: each word
//! folded, tokenised and stemmed) with the core's own analyzer, the same
//! source files compiled into this script, so that opening the store does
//! not stem the lexicon again (`routing::lexicon::Analyses`).

use std::path::Path;

// The analyzer the query and the lexicon go through, from the core's own
// sources (one definition; `crate::text` is the path analyze.rs uses).
#[allow(dead_code)]
#[path = "src/understand/analyze.rs"]
mod analyze;
#[allow(dead_code)]
#[path = "src/text.rs"]
mod text;

const FILES: &[(&str, &str)] = &[
    ("../content/routing.toml", "routing.json"),
    ("../content/lexicon.toml", "lexicon.json"),
    (
        "../content/guides/confidentiality.toml",
        "confidentiality.json",
    ),
    ("../content/guides/agreements.toml", "agreements.json"),
];

fn to_json(v: toml::Value, at: &str) -> serde_json::Value {
    use serde_json::Value as J;
    match v {
        toml::Value::String(s) => J::String(s),
        toml::Value::Integer(i) => J::from(i),
        toml::Value::Float(f) => serde_json::Number::from_f64(f)
            .map(J::Number)
            .unwrap_or_else(|| panic!("{at}: a float JSON cannot hold: {f}")),
        toml::Value::Boolean(b) => J::Bool(b),
        // The content types read dates as quoted strings; a bare TOML date
        // would not deserialize in the core either.
        toml::Value::Datetime(d) => panic!("{at}: a bare TOML date ({d}); quote it"),
        toml::Value::Array(a) => J::Array(a.into_iter().map(|x| to_json(x, at)).collect()),
        toml::Value::Table(t) => {
            J::Object(t.into_iter().map(|(k, x)| (k, to_json(x, at))).collect())
        }
    }
}

fn main() {
    let out = std::env::var("OUT_DIR").expect("OUT_DIR");
    for (src, name) in FILES {
        println!("cargo:rerun-if-changed={src}");
        let text = std::fs::read_to_string(src).unwrap_or_else(|e| panic!("{src}: {e}"));
        let value: toml::Value = toml::from_str(&text).unwrap_or_else(|e| panic!("{src}: {e}"));
        if *name == "lexicon.json" {
            std::fs::write(
                Path::new(&out).join("lexicon_words.txt"),
                lexicon_words(&value),
            )
            .expect("write OUT_DIR");
        }
        let json = serde_json::to_string(&to_json(value, src)).expect("JSON");
        std::fs::write(Path::new(&out).join(name), json).expect("write OUT_DIR");
    }
    println!("cargo:rerun-if-changed=src/text.rs");
    println!("cargo:rerun-if-changed=src/understand/analyze.rs");
}

/// One line per word of the lexicon's entries, in order: the word as
/// written, its folded tokens, their stems (tab-separated; tokens and stems
/// space-separated). A word with a tab or a line break is left out (the
/// core analyzes it at run time).
fn lexicon_words(lexicon: &toml::Value) -> String {
    let mut out = String::new();
    let entries = lexicon
        .get("entry")
        .and_then(|e| e.as_array())
        .cloned()
        .unwrap_or_default();
    for e in &entries {
        let words = e.get("words").and_then(|w| w.as_array());
        for w in words.into_iter().flatten().filter_map(|w| w.as_str()) {
            if w.contains(['\t', '\n', '\r']) {
                continue;
            }
            let t = analyze::analyze(w);
            let field =
                |f: &dyn Fn(&analyze::Token) -> &str| t.iter().map(f).collect::<Vec<_>>().join(" ");
            out.push_str(&format!(
                "{w}\t{}\t{}\n",
                field(&|x| &x.word),
                field(&|x| &x.stem)
            ));
        }
    }
    out
}
