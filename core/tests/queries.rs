//! The corpus of the field's words (tests/queries/) through the core API, as
//! a fresh install meets it: the bundled content, no configuration, no
//! network, and only what the user gives — the text, the municipality and
//! the instant. No filters. A `harness = false` target: it always prints
//! `queries: N passed, M failed, H harmful` and every failure, and exits
//! non-zero below the pass rate, on any harm, on a gap in coverage, or
//! when the corpus has fewer than 300 entries.

use chrono::{DateTime, Utc};
use fyr_core::corpus::{coverage_gaps, load_dir, Report, Shown};
use fyr_core::search::SearchQuery;
use fyr_core::vocab::Lang;
use fyr_core::{Fyr, OpenOptions};
use std::process::ExitCode;

/// The corpus must not shrink below this.
const MIN_ENTRIES: usize = 300;

fn main() -> ExitCode {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/queries");
    let queries = match load_dir(&dir) {
        Ok(q) => q,
        Err(e) => {
            println!("queries: cannot load the corpus: {e}");
            return ExitCode::FAILURE;
        }
    };
    let d = tempfile::tempdir().expect("temporary directory");
    let f = Fyr::open(OpenOptions {
        data_dir: d.path().into(),
        key: Some([9u8; 32]),
        lang: Lang::Sv,
    })
    .expect("a fresh install opens");
    let mut report = Report {
        verbose: std::env::var_os("FYR_QUERIES_VERBOSE").is_some(),
        ..Report::default()
    };
    for q in &queries {
        let at: DateTime<Utc> = DateTime::parse_from_rfc3339(&q.at)
            .expect("checked when loading")
            .with_timezone(&Utc);
        let sq = SearchQuery {
            text: Some(q.text.clone()),
            municipality: Some(q.municipality.clone()),
            at: Some(at),
            ..Default::default()
        };
        let list: Vec<Shown> = match f.search(&sq) {
            Ok(hits) => hits.iter().map(Shown::from).collect(),
            Err(e) => {
                println!("  {}: search failed: {e}", q.id);
                Vec::new()
            }
        };
        report.add(q, &list);
    }
    report.print();
    let gaps = coverage_gaps(&queries, &f.municipalities());
    for g in &gaps {
        println!("  coverage gap: {g}");
    }
    let enough = queries.len() >= MIN_ENTRIES;
    if !enough {
        println!(
            "  the corpus has {} entries, at least {MIN_ENTRIES} are wanted",
            queries.len()
        );
    }
    if report.ok() && gaps.is_empty() && enough {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
