//! `fyr hub export` and `fyr hub import`: HSDS 3 and spreadsheets (the
//! `fyr-exchange` crate) from the terminal.

use crate::{CmdResult, Failure};
use clap::ValueEnum;
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, ValueEnum)]
pub enum Format {
    /// One HSDS 3 JSON file (organizations with their services, fyr_* extensions).
    HsdsJson,
    /// HSDS 3 tabular: CSV files and datapackage.json in a folder (or a .zip).
    HsdsCsv,
    /// A workbook, one sheet per content table.
    Xlsx,
}

/// The directory to export: a content folder, a feed's published version, or the bundled content.
fn source(
    content: Option<&Path>,
    feed: Option<&Path>,
) -> Result<fyr_core::model::Directory, Failure> {
    match (content, feed) {
        (Some(_), Some(_)) => Err(Failure::usage("give --content or --feed, not both")),
        (Some(dir), None) => fyr_core::content::load_directory_dir(dir).map_err(|e| {
            Failure::usage(format!(
                "{} does not validate:\n{}",
                dir.display(),
                fyr_core::content::format_errors(&e)
            ))
        }),
        (None, Some(feed)) => fyr_hub::console::exchange::published(feed)
            .map_err(|e| Failure::failed(e.to_string()))?
            .ok_or_else(|| Failure::usage(format!("{}: no published version", feed.display()))),
        (None, None) => fyr_core::content::embedded_directory()
            .map_err(|e| Failure::failed(fyr_core::content::format_errors(&e))),
    }
}

pub fn export(
    format: Format,
    out: &Path,
    content: Option<&Path>,
    feed: Option<&Path>,
) -> CmdResult {
    let d = source(content, feed)?;
    let write = |p: &Path, b: &[u8]| {
        if let Some(parent) = p.parent().filter(|x| !x.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|e| Failure::failed(format!("{}: {e}", parent.display())))?;
        }
        std::fs::write(p, b).map_err(|e| Failure::failed(format!("{}: {e}", p.display())))
    };
    match format {
        Format::HsdsJson => {
            let v = fyr_exchange::hsds::export_json(&d);
            write(
                out,
                &serde_json::to_vec_pretty(&v).map_err(|e| Failure::failed(e.to_string()))?,
            )?;
        }
        Format::HsdsCsv => {
            let files = fyr_exchange::hsds::export_tabular(&d);
            if out
                .extension()
                .is_some_and(|x| x.eq_ignore_ascii_case("zip"))
            {
                write(
                    out,
                    &fyr_exchange::sheets::zip(&files).map_err(Failure::failed)?,
                )?;
            } else {
                for (name, b) in &files {
                    write(&out.join(name), b)?;
                }
            }
        }
        Format::Xlsx => {
            let b = fyr_exchange::sheets::write_xlsx(&fyr_exchange::Tables::from_directory(&d))
                .map_err(Failure::failed)?;
            write(out, &b)?;
        }
    }
    println!(
        "exported {} services of {} organizations to {}",
        d.services.len(),
        d.organizations.len(),
        out.display()
    );
    Ok(())
}

pub struct ImportArgs {
    pub path: PathBuf,
    pub db: Option<fyr_hub::db::Target>,
    pub content: Option<PathBuf>,
    pub report: Option<PathBuf>,
    pub dry_run: bool,
}

pub fn import(a: ImportArgs) -> CmdResult {
    if !a.path.exists() {
        return Err(Failure::usage(format!(
            "{}: no such file or folder",
            a.path.display()
        )));
    }
    let report = match (&a.db, &a.content) {
        (Some(_), Some(_)) | (None, None) => {
            return Err(Failure::usage(
                "say where to import: --db FILE (the hub's working directory) or --content DIR (a content folder)",
            ))
        }
        (Some(db), None) => fyr_hub::console::exchange::import_db(db, &a.path, a.dry_run).map_err(|e| match e {
            fyr_hub::HubError::Content(m) => Failure::usage(m),
            e => Failure::failed(e.to_string()),
        })?,
        (None, Some(dir)) => {
            let current = fyr_exchange::read_content_dir(dir).map_err(|e| Failure::usage(e.0))?;
            let inc = fyr_exchange::read_path(&a.path, &current).map_err(|e| Failure::usage(e.0))?;
            let out = fyr_exchange::merge(
                &current,
                inc,
                &fyr_exchange::MergeOptions {
                    today: chrono::Local::now().date_naive(),
                    allow: None,
                },
            );
            if !a.dry_run && out.report.changes() {
                fyr_exchange::write_content_dir(dir, &out.tables).map_err(|e| Failure::failed(e.0))?;
            }
            out.report
        }
    };
    let text = report.to_text();
    print!("{text}");
    if let Some(p) = &a.report {
        let body = if p.extension().is_some_and(|x| x == "json") {
            serde_json::to_string_pretty(&report).map_err(|e| Failure::failed(e.to_string()))?
        } else {
            text.clone()
        };
        std::fs::write(p, body).map_err(|e| Failure::failed(format!("{}: {e}", p.display())))?;
    }
    if a.dry_run {
        println!("dry run: nothing written");
    }
    if !report.failed.is_empty() {
        return Err(Failure::failed(format!(
            "{} row(s) failed and were not imported (the rest was{})",
            report.failed.len(),
            if a.dry_run {
                " not written either: dry run"
            } else {
                ""
            }
        )));
    }
    Ok(())
}
