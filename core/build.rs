//! Turns the compiled-in TOML content the phone reads (routing model,
//! lexicon, guides) into JSON in OUT_DIR, so the library parses it with
//! serde_json and carries no TOML parser (the `authoring` feature, off in
//! fyr-ffi). The same serde types read both; the TOML sources are validated
//! as authored (`from_toml`, unknown fields named) by the core's tests.

use std::path::Path;

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
        let json = serde_json::to_string(&to_json(value, src)).expect("JSON");
        std::fs::write(Path::new(&out).join(name), json).expect("write OUT_DIR");
    }
}
