//! The corpus of the field's words (tests/queries/) through the `fyr`
//! binary, as a user runs it: a fresh data directory, no configuration, no
//! network, `fyr search TEXT --kommun M --at T --json` and nothing more.
//! A `harness = false` target: it always prints `queries: N passed, M
//! failed, H harmful` and every failure, and exits non-zero below the pass
//! rate or on any harm.

use fyr_core::corpus::{load_dir, Report, Shown};
use fyr_core::vocab::AgencyKind;
use serde_json::Value;
use std::path::Path;
use std::process::{Command, ExitCode};

fn shown(v: &Value) -> Result<Shown, String> {
    Ok(Shown {
        id: v["id"].as_str().ok_or("a hit without id")?.to_string(),
        agency_kind: serde_json::from_value::<AgencyKind>(v["agency_kind"].clone())
            .map_err(|e| format!("agency_kind: {e}"))?,
        first_number: v["phones"][0]["number"].as_str().map(str::to_string),
        groups: match v.get("groups") {
            Some(g) => serde_json::from_value(g.clone()).map_err(|e| format!("groups: {e}"))?,
            None => vec![],
        },
    })
}

/// The result list of `search --json`: the array itself, or the array an
/// object carries it in (with what was understood beside it).
fn hits(v: &Value) -> Option<&Vec<Value>> {
    v.as_array().or_else(|| {
        ["results", "hits", "services"]
            .iter()
            .find_map(|k| v[k].as_array())
    })
}

fn search(dir: &Path, m: &str, at: &str, text: &str) -> Result<Vec<Shown>, String> {
    let o = Command::new(env!("CARGO_BIN_EXE_fyr"))
        .arg("--data-dir")
        .arg(dir)
        .args(["search", "--kommun", m, "--at", at, "--json", "--", text])
        .env("FYR_KEY", "22".repeat(32))
        .output()
        .map_err(|e| format!("run fyr: {e}"))?;
    if !o.status.success() {
        return Err(format!(
            "fyr search failed ({}): {}",
            o.status,
            String::from_utf8_lossy(&o.stderr).trim()
        ));
    }
    let v: Value =
        serde_json::from_slice(&o.stdout).map_err(|e| format!("fyr search: not JSON ({e})"))?;
    hits(&v)
        .ok_or("fyr search --json: no result list")?
        .iter()
        .map(shown)
        .collect()
}

fn main() -> ExitCode {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let queries = match load_dir(&root.join("tests/queries")) {
        Ok(q) => q,
        Err(e) => {
            println!("queries: cannot load the corpus: {e}");
            return ExitCode::FAILURE;
        }
    };
    let d = tempfile::tempdir().expect("temporary directory");
    let mut report = Report {
        verbose: std::env::var_os("FYR_QUERIES_VERBOSE").is_some(),
        ..Report::default()
    };
    for q in &queries {
        let list = search(d.path(), &q.municipality, &q.at, &q.text).unwrap_or_else(|e| {
            println!("  {}: {e}", q.id);
            Vec::new()
        });
        report.add(q, &list);
    }
    report.print();
    if report.ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
