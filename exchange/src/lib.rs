//! Fyr's exchange formats, for the `fyr` CLI and the hub (never linked into
//! the phone library):
//!
//! * Open Referral HSDS 3 out and in, as JSON ([`hsds::export_json`],
//!   [`hsds::import_json`]) and as tabular CSV files with a
//!   `datapackage.json` ([`hsds::export_tabular`], [`hsds::import_tabular`]);
//!   what HSDS has no field for travels in documented `fyr_*` extension
//!   fields (see `hsds/mod.rs`);
//! * spreadsheets as coordinators keep them: `.xlsx` and `.ods` workbooks
//!   and CSV files (comma or semicolon, UTF-8 or Windows-1252) with the
//!   content tables' sheets and columns ([`sheets`]), and an `.xlsx` export;
//! * the import itself ([`merge`]): incoming rows are merged into the
//!   current tables entry by entry (a service with its phones is one entry,
//!   imported whole or not at all), validated by the core's own rules, and
//!   described in a [`Report`] before anything is written. A new or changed
//!   entry is unverified until a coordinator verifies it.

pub mod hsds;
pub mod merge;
pub mod report;
pub mod sheets;
pub mod tables;

pub use merge::{merge, MergeOptions, Outcome};
pub use report::Report;
pub use tables::{Fields, Origin, Row, Tables};

use std::path::Path;

/// What an input file turned into: content rows and what the reading noticed.
#[derive(Debug, Default)]
pub struct Incoming {
    pub tables: Tables,
    pub report: Report,
}

/// An input that cannot be read at all (wrong format, damaged file): names the file and the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadError(pub String);

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ReadError {}

/// The kinds of input `read_input` understands, by name and content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    HsdsJson,
    HsdsTabular,
    Workbook,
    ContentCsv,
}

/// Reads any importable input from its bytes and file name: an HSDS 3
/// JSON file, a zip of HSDS tabular CSVs (with or without
/// `datapackage.json`) or of content CSVs, an `.xlsx`/`.ods` workbook, or
/// one content CSV named after its table (`services.csv` …).
pub fn read_bytes(name: &str, bytes: &[u8], known: &Tables) -> Result<Incoming, ReadError> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".json") {
        let v: serde_json::Value = serde_json::from_slice(bytes)
            .map_err(|e| ReadError(format!("{name}: not JSON: {e}")))?;
        return Ok(hsds::import_json(name, &v, known));
    }
    if lower.ends_with(".xlsx") || lower.ends_with(".ods") || lower.ends_with(".xls") {
        return sheets::read_workbook(name, bytes);
    }
    if lower.ends_with(".zip") {
        let files = sheets::unzip(name, bytes)?;
        return read_files(name, files, known);
    }
    if lower.ends_with(".csv") {
        let base = lower
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(&lower)
            .to_string();
        return read_files(name, vec![(base, bytes.to_vec())], known);
    }
    Err(ReadError(format!(
        "{name}: cannot tell what this is: give an HSDS .json file, a .zip of CSV files, an .xlsx or .ods workbook, or a content .csv (municipalities, organizations, services or phones)"
    )))
}

/// Reads a set of CSV files (a folder or a zip): HSDS tabular when they hold
/// `services.csv` with an `organization_id` column or a `datapackage.json`,
/// content tables otherwise.
pub fn read_files(
    label: &str,
    files: Vec<(String, Vec<u8>)>,
    known: &Tables,
) -> Result<Incoming, ReadError> {
    let base = |n: &str| {
        n.rsplit(['/', '\\'])
            .next()
            .unwrap_or(n)
            .to_ascii_lowercase()
    };
    let is_hsds = files.iter().any(|(n, b)| {
        base(n) == "datapackage.json"
            || (base(n) == "services.csv"
                && String::from_utf8_lossy(&b[..b.len().min(2000)])
                    .lines()
                    .next()
                    .is_some_and(|h| h.contains("organization_id")))
    });
    if is_hsds {
        hsds::import_tabular(label, &files, known)
    } else {
        sheets::read_content_csvs(&files)
    }
}

/// Reads a path: a file (see [`read_bytes`]) or a folder of CSV files (a
/// content folder, or an HSDS tabular export).
pub fn read_path(path: &Path, known: &Tables) -> Result<Incoming, ReadError> {
    if path.is_dir() {
        let mut files = Vec::new();
        collect_csv(path, path, &mut files)?;
        if files.is_empty() {
            return Err(ReadError(format!(
                "{}: no .csv files in the folder",
                path.display()
            )));
        }
        return read_files(&path.display().to_string(), files, known);
    }
    let bytes = std::fs::read(path).map_err(|e| ReadError(format!("{}: {e}", path.display())))?;
    read_bytes(&path.display().to_string(), &bytes, known)
}

fn collect_csv(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) -> Result<(), ReadError> {
    let rd = std::fs::read_dir(dir).map_err(|e| ReadError(format!("{}: {e}", dir.display())))?;
    let mut entries: Vec<_> = rd.flatten().map(|e| e.path()).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n != "feed") {
                collect_csv(root, &p, out)?;
            }
        } else if p
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("csv") || x.eq_ignore_ascii_case("json"))
        {
            let rel = p.strip_prefix(root).unwrap_or(&p).display().to_string();
            let b = std::fs::read(&p).map_err(|e| ReadError(format!("{}: {e}", p.display())))?;
            out.push((rel, b));
        }
    }
    Ok(())
}

/// Reads a content folder's four CSV files into tables (for merging into it).
pub fn read_content_dir(dir: &Path) -> Result<Tables, ReadError> {
    let mut files = Vec::new();
    for (_, _, rel) in tables::TABLES {
        let p = dir.join(rel);
        match std::fs::read(&p) {
            Ok(b) => files.push((rel.to_string(), b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(ReadError(format!("{}: {e}", p.display()))),
        }
    }
    let mut inc = sheets::read_content_csvs(&files)?;
    if !inc.report.failed.is_empty() {
        return Err(ReadError(
            inc.report
                .failed
                .iter()
                .map(|f| f.to_string())
                .collect::<Vec<_>>()
                .join("\n"),
        ));
    }
    for (name, _, _) in tables::TABLES {
        for r in inc.tables.table_mut(name) {
            r.origin = None;
        }
    }
    Ok(inc.tables)
}

/// Writes tables as a content folder's four CSV files (other files, such as
/// checklists, are left as they are).
pub fn write_content_dir(dir: &Path, t: &Tables) -> Result<(), ReadError> {
    for (name, _, rel) in tables::TABLES {
        let p = dir.join(rel);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent)
                .map_err(|e| ReadError(format!("{}: {e}", parent.display())))?;
        }
        std::fs::write(&p, t.csv(name).0)
            .map_err(|e| ReadError(format!("{}: {e}", p.display())))?;
    }
    Ok(())
}
