//! The exchange formats are for the CLI and the hub: the phone library
//! (`fyr-ffi`, what the apps load) must never link this crate or its
//! spreadsheet and zip readers. Read from the workspace's Cargo.lock, the
//! resolved graph every build uses.

use std::collections::{BTreeMap, BTreeSet};

#[test]
fn the_phone_library_never_links_the_exchange_crate() {
    let lock = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../Cargo.lock");
    let text = std::fs::read_to_string(&lock)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", lock.display()));
    let doc: toml::Table = text.parse().expect("Cargo.lock is TOML");
    let mut deps: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for p in doc["package"].as_array().expect("packages") {
        let name = p["name"].as_str().unwrap().to_string();
        let list: Vec<String> = p
            .get("dependencies")
            .and_then(|d| d.as_array())
            .map(|d| {
                d.iter()
                    // "name", "name version" or "name version (source)"
                    .map(|x| x.as_str().unwrap().split(' ').next().unwrap().to_string())
                    .collect()
            })
            .unwrap_or_default();
        deps.entry(name).or_default().extend(list);
    }
    assert!(deps.contains_key("fyr-ffi"), "the phone library is fyr-ffi");
    assert!(deps.contains_key("fyr-exchange"));
    let mut reached = BTreeSet::new();
    let mut todo = vec!["fyr-ffi".to_string()];
    while let Some(n) = todo.pop() {
        if reached.insert(n.clone()) {
            todo.extend(deps.get(&n).cloned().unwrap_or_default());
        }
    }
    for heavy in ["fyr-exchange", "calamine", "rust_xlsxwriter"] {
        assert!(
            !reached.contains(heavy),
            "the phone library fyr-ffi links {heavy}"
        );
    }
    // The walk is real: the core is reached.
    assert!(reached.contains("fyr-core"));
}
