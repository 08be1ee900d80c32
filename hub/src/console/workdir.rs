//! The working directory: the content files as rows in the hub database
//! (the draft on top of the last published version). Rows hold the exact
//! CSV cells under the core's column names, so validation is the core's own
//! (`parse_directory`, `checklist::validate_set`, `Distribution::from_toml`) over CSV text rebuilt from
//! the rows, and a `content/` folder imports and exports losslessly.

use crate::db::{Backend, Db, DbError, Sql, Target};
use fyr_core::content::{self, ContentError, DirectorySources};
use fyr_core::feed::Record;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

pub type Fields = BTreeMap<String, String>;

/// The four directory files: (name in the database and in errors, columns, path in a content folder).
pub use fyr_core::content::DIRECTORY_TABLES as FILES;

/// One row of the working directory.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Row {
    pub file: String,
    pub key: String,
    pub ord: i64,
    pub fields: Fields,
    /// The retirement reason of a retired row (kept, not exported or published).
    pub retired: Option<String>,
}

/// The whole working directory: rows and checklist files.
#[derive(Debug, Clone, Serialize, Deserialize, Default)]
pub struct WorkDir {
    pub rows: Vec<Row>,
    pub files: BTreeMap<String, String>,
}

fn label(file: &str) -> String {
    FILES
        .iter()
        .find(|f| f.0 == file)
        .map(|f| format!("content/{}", f.2))
        .unwrap_or_else(|| file.to_string())
}

pub(crate) fn is_empty(conn: &Db) -> Result<bool, DbError> {
    Ok(conn
        .row("SELECT COUNT(*) FROM console_rows", &[])?
        .map_or(Ok(0), |r| r.int(0))?
        == 0)
}

pub(crate) fn load(conn: &Db) -> Result<WorkDir, DbError> {
    let rows = conn
        .rows(
            "SELECT file, key, ord, fields, retired FROM console_rows ORDER BY file, ord, key",
            &[],
        )?
        .into_iter()
        .map(|r| {
            Ok(Row {
                file: r.text(0)?,
                key: r.text(1)?,
                ord: r.int(2)?,
                fields: serde_json::from_str(&r.text(3)?).unwrap_or_default(),
                retired: r.opt_text(4)?,
            })
        })
        .collect::<Result<Vec<_>, DbError>>()?;
    let files = conn
        .rows("SELECT path, text FROM console_files ORDER BY path", &[])?
        .into_iter()
        .map(|r| Ok((r.text(0)?, r.text(1)?)))
        .collect::<Result<BTreeMap<String, String>, DbError>>()?;
    Ok(WorkDir { rows, files })
}

/// Replaces the whole working directory (import, going back), in one
/// transaction.
pub(crate) fn replace(conn: &Db, w: &WorkDir) -> Result<(), DbError> {
    conn.in_transaction(|d| replace_in(d, w))
}

/// [`replace`] inside a transaction the caller holds.
pub(crate) fn replace_in(d: &Db, w: &WorkDir) -> Result<(), DbError> {
    d.exec("DELETE FROM console_rows", &[])?;
    d.exec("DELETE FROM console_files", &[])?;
    for r in &w.rows {
        put_row(d, r)?;
    }
    for (p, t) in &w.files {
        d.exec(
            "INSERT INTO console_files (path, text) VALUES ($1, $2)",
            &[p.into(), t.into()],
        )?;
    }
    Ok(())
}

/// Any constant, the same in every instance: one hub seeds an empty
/// working directory, not two at once.
const SEED_LOCK: i64 = 0x0066_7972_5f77_6f72;

/// An empty working directory (a new hub database) starts as the bundled
/// content.
pub(crate) fn seed(conn: &Db) -> Result<(), crate::HubError> {
    conn.in_transaction(|d| -> Result<(), DbError> {
        if d.backend() == Backend::Postgres {
            d.batch(&format!("SELECT pg_advisory_xact_lock({SEED_LOCK})"))?;
        }
        if is_empty(d)? {
            let w = bundled().map_err(|e| DbError::Type(format!("the bundled content: {e}")))?;
            replace_in(d, &w)?;
        }
        Ok(())
    })
    .map_err(|e| conn.err(e))
}

/// Removes the phone rows of service `id` (their service is a field of the
/// row's JSON, read here rather than by a JSON function each backend
/// spells its own way).
pub(crate) fn delete_phones_of(conn: &Db, id: &str) -> Result<(), DbError> {
    for r in conn.rows(
        "SELECT key, fields FROM console_rows WHERE file = 'phones'",
        &[],
    )? {
        let fields: Fields = serde_json::from_str(&r.text(1)?).unwrap_or_default();
        if fields.get("service").map(String::as_str) == Some(id) {
            conn.exec(
                "DELETE FROM console_rows WHERE file = 'phones' AND key = $1",
                &[r.text(0)?.into()],
            )?;
        }
    }
    Ok(())
}

pub(crate) fn put_row(conn: &Db, r: &Row) -> Result<(), DbError> {
    conn.exec(
        "INSERT INTO console_rows (file, key, ord, fields, retired) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (file, key) DO UPDATE SET ord = excluded.ord, fields = excluded.fields, retired = excluded.retired",
        &[
            (&r.file).into(),
            (&r.key).into(),
            r.ord.into(),
            serde_json::to_string(&r.fields).unwrap_or_default().into(),
            r.retired.clone().into(),
        ],
    )?;
    Ok(())
}

fn parse_csv(text: &str) -> Result<Vec<Fields>, String> {
    let mut rd = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = rd
        .headers()
        .map_err(|e| e.to_string())?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_string())
        .collect();
    let mut out = Vec::new();
    for rec in rd.records() {
        let rec = rec.map_err(|e| e.to_string())?;
        out.push(
            header
                .iter()
                .cloned()
                .zip(rec.iter().map(str::to_string))
                .collect(),
        );
    }
    Ok(out)
}

/// The row key: the id column, the code of a municipality, and for a phone
/// its service and its place among that service's phones.
fn key_of(file: &str, f: &Fields, n: usize) -> String {
    let get = |c: &str| f.get(c).cloned().unwrap_or_default();
    match file {
        "municipalities" => get("code"),
        "phones" => format!("{}#{n:03}", get("service")),
        _ => get("id"),
    }
}

/// Reads a content folder (the four CSVs and `checklists/*.toml`). The
/// folder is validated by the core first, so only valid content comes in.
pub fn read_content_dir(dir: &Path) -> Result<WorkDir, String> {
    fyr_core::bundle::load_content_dir(dir).map_err(|e| e.to_string())?;
    let mut texts = Vec::new();
    for (file, _, rel) in FILES {
        let p = dir.join(rel);
        let t = std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
        texts.push((file, t));
    }
    let mut w = WorkDir::default();
    for (file, t) in &texts {
        w.rows.extend(rows_from_csv(file, t)?);
    }
    collect_toml(dir, dir, &mut w.files)?;
    Ok(w)
}

fn rows_from_csv(file: &str, text: &str) -> Result<Vec<Row>, String> {
    let mut per_service: BTreeMap<String, usize> = BTreeMap::new();
    let mut out = Vec::new();
    for (i, f) in parse_csv(text)
        .map_err(|e| format!("{}: {e}", label(file)))?
        .into_iter()
        .enumerate()
    {
        let n = per_service
            .entry(f.get("service").cloned().unwrap_or_default())
            .or_default();
        *n += 1;
        out.push(Row {
            file: file.to_string(),
            key: key_of(file, &f, *n),
            ord: i as i64 + 1,
            fields: f,
            retired: None,
        });
    }
    Ok(out)
}

/// `fyr hub content import`: a content folder becomes the working directory
/// (validated by the core first; on any problem nothing changes).
pub fn import_dir(db: &Target, dir: &Path) -> Result<usize, crate::HubError> {
    let w = read_content_dir(dir).map_err(crate::HubError::Content)?;
    let conn = super::db::open(db)?;
    let before = load(&conn).map_err(|e| conn.err(e))?;
    replace(&conn, &w).map_err(|e| conn.err(e))?;
    super::audit::record(
        &conn,
        "(terminal)",
        "content.import",
        &dir.display().to_string(),
        Some(&serde_json::json!({"rows": before.rows.len()})),
        Some(&serde_json::json!({"rows": w.rows.len()})),
    )
    .map_err(|e| conn.err(e))?;
    Ok(w.rows.len())
}

/// `fyr hub content export`: the working directory as a content folder. A
/// database no console has opened yet exports what the console would show
/// it with: the bundled content (seeded now), checklists and settings too.
pub fn export_dir(db: &Target, dir: &Path) -> Result<usize, crate::HubError> {
    let conn = super::db::open(db)?;
    seed(&conn)?;
    let w = load(&conn).map_err(|e| conn.err(e))?;
    w.write_dir(dir).map_err(crate::HubError::Content)?;
    Ok(w.rows.iter().filter(|r| r.retired.is_none()).count())
}

/// Every `.toml` file under a content folder (checklists, distribution,
/// routing, help cards …), by path relative to it; the signed `feed/` is not
/// content.
fn collect_toml(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) -> Result<(), String> {
    let rd = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for e in rd.flatten() {
        let p = e.path();
        if p.is_dir() {
            if p.file_name().is_some_and(|n| n != "feed") {
                collect_toml(root, &p, out)?;
            }
        } else if p.extension().is_some_and(|x| x == "toml") {
            let rel = p
                .strip_prefix(root)
                .unwrap_or(&p)
                .to_string_lossy()
                .replace('\\', "/");
            let t = std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))?;
            out.insert(rel, t);
        }
    }
    Ok(())
}

/// The content bundled into the binary, for a hub started with an empty database.
pub fn bundled() -> Result<WorkDir, String> {
    let src = content::embedded_directory_sources();
    let mut w = WorkDir::default();
    for (file, (_, text)) in [
        ("municipalities", src.municipalities),
        ("organizations", src.organizations),
        ("services", src.services),
        ("phones", src.phones),
    ] {
        w.rows.extend(rows_from_csv(file, text)?);
    }
    for (name, text) in fyr_core::bundle::embedded_toml_files() {
        w.files.insert(name.to_string(), text.to_string());
    }
    Ok(w)
}

impl WorkDir {
    /// The CSV text of one file from its live (not retired) rows.
    pub fn csv(&self, file: &str) -> String {
        let cols = FILES
            .iter()
            .find(|f| f.0 == file)
            .map(|f| f.1)
            .unwrap_or(&[]);
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        let _ = w.write_record(cols);
        let retired_services: BTreeSet<&str> = self
            .rows
            .iter()
            .filter(|r| r.file == "services" && r.retired.is_some())
            .map(|r| r.key.as_str())
            .collect();
        for r in self
            .rows
            .iter()
            .filter(|r| r.file == file && r.retired.is_none())
        {
            if file == "phones"
                && retired_services
                    .contains(r.fields.get("service").map(String::as_str).unwrap_or(""))
            {
                continue;
            }
            let _ = w.write_record(
                cols.iter()
                    .map(|c| r.fields.get(*c).map(String::as_str).unwrap_or("")),
            );
        }
        String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }

    /// The directory's problems by the core's rules (`parse_directory`),
    /// each naming its file, row and id: what the edit form shows.
    pub fn directory_errors(&self) -> Vec<ContentError> {
        let texts: Vec<(String, String)> =
            FILES.iter().map(|f| (label(f.0), self.csv(f.0))).collect();
        let src = DirectorySources {
            municipalities: (&texts[0].0, &texts[0].1),
            organizations: (&texts[1].0, &texts[1].1),
            services: (&texts[2].0, &texts[2].1),
            phones: (&texts[3].0, &texts[3].1),
        };
        content::parse_directory(&src).err().unwrap_or_default()
    }

    /// Validates everything and, on success, returns the records a publish
    /// signs: the working directory is written as a content folder and read
    /// by `fyr_core::bundle::load_content_dir`, exactly what `fyr hub
    /// publish --content` does, so every file kind the core knows (checklists,
    /// distribution, routing, …) is checked and carried by the same code.
    pub fn records(&self) -> Result<Vec<Record>, Vec<ContentError>> {
        let errors = self.directory_errors();
        if !errors.is_empty() {
            return Err(errors);
        }
        let tmp = std::env::temp_dir().join(format!(
            "fyr-console-{}-{}",
            std::process::id(),
            hex::encode(rand::random::<[u8; 8]>())
        ));
        let res = self
            .write_dir(&tmp)
            .map_err(|e| vec![ContentError::new("content", None, None, e)])
            .and_then(|_| {
                fyr_core::bundle::load_content_dir(&tmp).map_err(|e| {
                    let tmp_label = tmp.display().to_string();
                    e.to_string()
                        .lines()
                        .map(|l| {
                            ContentError::new(
                                "content",
                                None,
                                None,
                                l.replace(&tmp_label, "content")
                                    .trim_start_matches("content: ")
                                    .to_string(),
                            )
                        })
                        .collect()
                })
            });
        let _ = std::fs::remove_dir_all(&tmp);
        res
    }

    /// Writes the working directory as a content folder.
    pub fn write_dir(&self, dir: &Path) -> Result<(), String> {
        for (file, _, rel) in FILES {
            let p = dir.join(rel);
            if let Some(parent) = p.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| format!("{}: {e}", parent.display()))?;
            }
            std::fs::write(&p, self.csv(file)).map_err(|e| format!("{}: {e}", p.display()))?;
        }
        for (name, text) in &self.files {
            let p = dir.join(name);
            if let Some(parent) = p.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| format!("{}: {e}", parent.display()))?;
            }
            std::fs::write(&p, text).map_err(|e| format!("{}: {e}", p.display()))?;
        }
        Ok(())
    }

    pub fn row(&self, file: &str, key: &str) -> Option<&Row> {
        self.rows.iter().find(|r| r.file == file && r.key == key)
    }

    pub fn phones_of(&self, service: &str) -> Vec<&Row> {
        self.rows
            .iter()
            .filter(|r| {
                r.file == "phones" && r.fields.get("service").map(String::as_str) == Some(service)
            })
            .collect()
    }

    /// Municipality code → county code.
    pub fn county_of_municipality(&self) -> BTreeMap<String, String> {
        self.rows
            .iter()
            .filter(|r| r.file == "municipalities")
            .map(|r| {
                (
                    r.key.clone(),
                    r.fields.get("county_code").cloned().unwrap_or_default(),
                )
            })
            .collect()
    }
}

/// The counties a service's area covers: `None` for a national service
/// ("SE") or an area that names no county.
pub fn service_counties(fields: &Fields) -> Option<BTreeSet<String>> {
    let area = fields.get("area").map(|a| a.trim()).unwrap_or("");
    let mut out = BTreeSet::new();
    for part in area.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        if part.eq_ignore_ascii_case("SE") {
            return None;
        }
        if let Some(c) = part.strip_prefix("county:") {
            out.insert(c.trim().to_string());
        } else if part.len() == 4 && part.bytes().all(|b| b.is_ascii_digit()) {
            out.insert(part[..2].to_string());
        } else {
            return None;
        }
    }
    if let Some(m) = fields.get("municipality").filter(|m| m.len() == 4) {
        out.insert(m[..2].to_string());
    }
    (!out.is_empty()).then_some(out)
}

/// Places a core validation message beside the form field it is about: the
/// column the message names, or the field whose value it quotes; `None`
/// for a message about the row as a whole.
pub fn field_of(problem: &str, fields: &Fields, file_label: &str) -> Option<String> {
    if file_label.ends_with("phones.csv") {
        return Some("phones".into());
    }
    for (col, _) in fields.iter().filter(|(_, v)| v.len() > 1) {
        if problem.contains(&format!("'{}'", fields[col])) && col != "id" {
            return Some(col.clone());
        }
    }
    const WORDS: &[(&str, &str)] = &[
        ("hours", "hours"),
        ("web address", "web"),
        ("e-mail", "email"),
        ("area", "area"),
        ("organization", "organization"),
        ("date", "verified_on"),
        ("lat", "lat"),
        ("coordinates", "lat"),
        ("confidential", "confidential_address"),
        ("address", "address"),
        ("demo", "demo"),
        ("group", "groups"),
        ("need", "needs"),
        ("form", "forms"),
        ("language", "languages"),
        ("name_sv", "name_sv"),
        ("name_en", "name_en"),
        ("description_sv", "description_sv"),
        ("description_en", "description_en"),
        ("source", "source"),
        ("municipality", "municipality"),
        ("id", "id"),
    ];
    WORDS
        .iter()
        .find(|(w, _)| problem.contains(w))
        .map(|(_, f)| f.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_content_round_trips_to_the_same_records() {
        let w = bundled().unwrap();
        let recs = w.records().unwrap();
        let core = fyr_core::bundle::embedded_records().unwrap();
        assert_eq!(
            fyr_core::feed::records_digest(&recs),
            fyr_core::feed::records_digest(&core)
        );
        let dir = tempfile::tempdir().unwrap();
        w.write_dir(dir.path()).unwrap();
        let back = read_content_dir(dir.path()).unwrap();
        assert_eq!(
            fyr_core::feed::records_digest(&back.records().unwrap()),
            fyr_core::feed::records_digest(&core)
        );
    }

    /// A coordinator's first step on a new hub's host, before anyone has
    /// logged in: the export is the content the console would show, with
    /// its checklists, and it reads back as the same records.
    #[test]
    fn a_new_hub_database_exports_the_bundled_content_whole() {
        let db = tempfile::tempdir().unwrap();
        let out = tempfile::tempdir().unwrap();
        let target = crate::db::testing::target(db.path());
        let n = export_dir(&target, out.path()).unwrap();
        assert!(n > 50, "{n} rows");
        let checklists = std::fs::read_dir(out.path().join("checklists"))
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .path()
                    .extension()
                    .is_some_and(|x| x == "toml")
            })
            .count();
        assert!(checklists > 0, "no checklist exported");
        let back = read_content_dir(out.path()).unwrap();
        assert_eq!(
            fyr_core::feed::records_digest(&back.records().unwrap()),
            fyr_core::feed::records_digest(&fyr_core::bundle::embedded_records().unwrap())
        );
        // Again: the same rows (seeded once, not twice).
        assert_eq!(export_dir(&target, out.path()).unwrap(), n);
    }

    #[test]
    fn scope_follows_the_area() {
        let f = |area: &str| -> Fields { [("area".to_string(), area.to_string())].into() };
        assert_eq!(service_counties(&f("SE")), None);
        assert_eq!(
            service_counties(&f("county:07")),
            Some(["07".to_string()].into())
        );
        assert_eq!(
            service_counties(&f("0780;2361")),
            Some(["07".to_string(), "23".to_string()].into())
        );
        assert_eq!(service_counties(&f("")), None);
    }
}
