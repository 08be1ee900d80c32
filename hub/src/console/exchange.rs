//! Import and export for coordinators (`fyr-exchange`): upload a workbook
//! (.xlsx, .ods), a content CSV, an HSDS 3 JSON file or a zip of HSDS tabular
//! CSVs; the report (mapped, dropped, failed with sheet, row, column and
//! problem) is shown before anything changes; confirming writes the entries
//! that passed into the working directory in one transaction, audited. New
//! or changed services come in unverified. Downloads: the published version
//! (or, before the first publish, the working directory) as HSDS JSON, HSDS
//! tabular (zip) and .xlsx.
//!
//! The same import runs from the terminal (`fyr hub import --db`) through
//! [`import_db`]. The CSRF token of the upload form travels in its URL
//! (a multipart body is not read by the CSRF guard).

use super::auth::Authed;
use super::workdir::{self, Row as WorkRow, WorkDir};
use super::{audit, rights, Console};
use crate::db::{Db, DbError, Sql, Target};
use crate::HubError;
use axum::extract::{Form, Multipart, Path as UrlPath, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use fyr_core::model::Directory;
use fyr_exchange::{merge, MergeOptions, Outcome, Report, Row, Tables};
use minijinja::context;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// This page's texts (sv, en).
const TEXTS: &[(&str, &str, &str)] = &[
    ("title", "Import och export", "Import and export"),
    ("intro", "Läs in ett kalkylark (.xlsx eller .ods med flikarna municipalities, organizations, services, phones – samma kolumner som innehållsfilerna), en CSV-fil (komma eller semikolon, UTF-8 eller Windows-1252), en HSDS 3-fil (.json) eller en zip med HSDS-tabeller. Du ser rapporten innan något ändras.", "Import a workbook (.xlsx or .ods with the sheets municipalities, organizations, services, phones – the content files' columns), a CSV file (comma or semicolon, UTF-8 or Windows-1252), an HSDS 3 file (.json) or a zip of HSDS tables. You see the report before anything changes."),
    ("upload_h", "Läs in en fil", "Import a file"),
    ("file", "Fil", "File"),
    ("preview", "Visa rapporten", "Show the report"),
    ("report", "Importrapport", "Import report"),
    ("nothing_changed", "Ingenting har ändrats ännu.", "Nothing has changed yet."),
    ("confirm", "Importera", "Import"),
    ("cancel", "Avbryt", "Cancel"),
    ("no_changes", "Filen ändrar ingenting i katalogen.", "The file changes nothing in the directory."),
    ("imported", "Importerat. Nya och ändrade verksamheter är overifierade tills du verifierar dem.", "Imported. New and changed services are unverified until you verify them."),
    ("mapped", "Förs in", "Brought in"),
    ("check", "Kontrollera innan du verifierar", "Check before verifying"),
    ("dropped", "Tas inte med (Fyr saknar plats för det)", "Left out (Fyr has no place for it)"),
    ("failed", "Fel – importeras inte", "Failed – not imported"),
    ("export", "Exportera", "Export"),
    ("export_published", "Publicerad version", "Published version"),
    ("export_workdir", "Arbetskatalogen (inget är publicerat än)", "The working directory (nothing published yet)"),
    ("hsds_json", "HSDS 3 JSON", "HSDS 3 JSON"),
    ("hsds_csv", "HSDS 3 tabeller (zip med CSV och datapackage.json)", "HSDS 3 tables (zip of CSV and datapackage.json)"),
    ("xlsx", "Kalkylark (.xlsx), en flik per tabell", "Workbook (.xlsx), one sheet per table"),
    ("kind", "Typ", "Kind"),
    ("action", "Åtgärd", "Action"),
    ("detail", "Innehåll", "Content"),
    ("where", "Var", "Where"),
    ("row", "Rad", "Row"),
    ("column", "Kolumn", "Column"),
    ("problem", "Problem", "Problem"),
    ("why", "Varför", "Why"),
    ("expired", "Uppladdningen finns inte längre (eller är någon annans). Ladda upp filen igen.", "The upload is gone (or someone else's). Upload the file again."),
    ("no_file", "Ingen fil vald.", "No file chosen."),
    ("changed_since", "Katalogen har ändrats sedan rapporten visades. Ingenting har importerats: läs den nya rapporten och bekräfta igen.", "The directory changed since the report was shown. Nothing was imported: read the new report and confirm again."),
];

fn texts(lang: &str) -> BTreeMap<&'static str, &'static str> {
    TEXTS
        .iter()
        .map(|(k, sv, en)| (*k, if lang == "en" { *en } else { *sv }))
        .collect()
}

/// How long an uploaded file waits for its confirmation.
const UPLOAD_SECS: i64 = 3600;

fn token_hash(token: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(token.as_bytes()))
}

/// Keeps an upload until its confirmation (in the database, so the
/// confirmation may reach another hub on the same database); its token.
fn keep_upload(conn: &Db, user: &str, name: &str, bytes: &[u8], shown: &Report) -> Option<String> {
    let t = hex::encode(rand::random::<[u8; 16]>());
    let now = chrono::Utc::now().timestamp();
    conn.exec(
        "DELETE FROM console_uploads WHERE created < $1",
        &[(now - UPLOAD_SECS).into()],
    )
    .ok()?;
    conn.exec(
        r#"INSERT INTO console_uploads (token_hash, "user", name, body, report, created) VALUES ($1, $2, $3, $4, $5, $6)"#,
        &[
            token_hash(&t).into(),
            user.into(),
            name.into(),
            bytes.to_vec().into(),
            serde_json::to_string(shown).ok()?.into(),
            now.into(),
        ],
    )
    .ok()?;
    Some(t)
}

/// Takes the upload `token` names (once: a second confirmation finds
/// nothing): (account, file name, bytes, the report shown as JSON).
fn take_upload(conn: &Db, token: &str) -> Option<(String, String, Vec<u8>, String)> {
    let r = conn
        .row(
            r#"DELETE FROM console_uploads WHERE token_hash = $1 AND created >= $2
               RETURNING "user", name, body, report"#,
            &[
                token_hash(token).into(),
                (chrono::Utc::now().timestamp() - UPLOAD_SECS).into(),
            ],
        )
        .ok()??;
    Some((
        r.text(0).ok()?,
        r.text(1).ok()?,
        r.blob(2).ok()?,
        r.text(3).ok()?,
    ))
}

/// The working directory's live rows as the content tables.
pub fn tables_of(w: &WorkDir) -> Tables {
    let mut t = Tables::default();
    for (name, _, _) in workdir::FILES {
        let text = w.csv(name);
        let mut rd = csv::Reader::from_reader(text.as_bytes());
        let header: Vec<String> = rd
            .headers()
            .map(|h| h.iter().map(String::from).collect())
            .unwrap_or_default();
        for rec in rd.records().flatten() {
            t.table_mut(name).push(Row::new(
                header
                    .iter()
                    .cloned()
                    .zip(rec.iter().map(String::from))
                    .collect(),
            ));
        }
    }
    t
}

/// Who may bring in what: admins everything; a coordinator services whose
/// whole area lies in their county (before and after), never organizations
/// or municipalities (they are shared).
fn allow_for(
    role: &super::Role,
) -> impl Fn(&str, Option<&fyr_exchange::Fields>, &fyr_exchange::Fields) -> Result<(), String> + '_
{
    move |kind, cur, new| {
        if rights::is_admin(role) {
            return Ok(());
        }
        match kind {
            "service" => {
                if rights::can_edit_service(role, new)
                    && cur.is_none_or(|c| rights::can_edit_service(role, c))
                {
                    Ok(())
                } else {
                    Err(format!(
                        "the service's area '{}' is not wholly in your county: an admin imports it",
                        new.get("area").map(String::as_str).unwrap_or("")
                    ))
                }
            }
            _ => Err(format!(
                "only admins bring in {kind}s (they are shared by every county)"
            )),
        }
    }
}

/// Reads an upload and merges it into the working directory (nothing written).
fn preview(w: &WorkDir, name: &str, bytes: &[u8], role: &super::Role) -> Result<Outcome, String> {
    let current = tables_of(w);
    let inc = fyr_exchange::read_bytes(name, bytes, &current).map_err(|e| e.to_string())?;
    let allow = allow_for(role);
    Ok(merge(
        &current,
        inc,
        &MergeOptions {
            today: chrono::Local::now().date_naive(),
            allow: Some(&allow),
        },
    ))
}

/// Writes the outcome's changed entries into the working directory, in one
/// transaction, audited.
fn apply(
    conn: &Db,
    w: &WorkDir,
    out: &Outcome,
    user: &str,
    source: &str,
) -> Result<usize, DbError> {
    conn.in_transaction(|tx| apply_in(tx, w, out, user, source))
}

fn apply_in(
    tx: &Db,
    w: &WorkDir,
    out: &Outcome,
    user: &str,
    source: &str,
) -> Result<usize, DbError> {
    let mut next_ord: BTreeMap<&str, i64> = BTreeMap::new();
    for (name, _, _) in workdir::FILES {
        let m = w
            .rows
            .iter()
            .filter(|r| r.file == name)
            .map(|r| r.ord)
            .max()
            .unwrap_or(0);
        next_ord.insert(name, m + 1);
    }
    let mut n = 0;
    for (kind, id) in &out.changed {
        let (file, key) = match kind.as_str() {
            "municipality" => ("municipalities", "code"),
            "organization" => ("organizations", "id"),
            _ => ("services", "id"),
        };
        let Some(row) = out.tables.table(file).iter().find(|r| r.get(key) == id) else {
            continue;
        };
        let before = w.row(file, id).cloned();
        let ord = before.as_ref().map(|r| r.ord).unwrap_or_else(|| {
            let o = next_ord[file];
            next_ord.insert(file, o + 1);
            o
        });
        workdir::put_row(
            tx,
            &WorkRow {
                file: file.into(),
                key: id.clone(),
                ord,
                fields: row.fields.clone(),
                retired: None,
            },
        )?;
        if file == "services" {
            let old: Vec<&WorkRow> = w.phones_of(id);
            let base = old.iter().map(|r| r.ord).min().unwrap_or_else(|| {
                let o = next_ord["phones"];
                next_ord.insert("phones", o + 100);
                o
            });
            workdir::delete_phones_of(tx, id)?;
            for (i, p) in out
                .tables
                .phones
                .iter()
                .filter(|p| p.get("service") == id)
                .enumerate()
            {
                workdir::put_row(
                    tx,
                    &WorkRow {
                        file: "phones".into(),
                        key: format!("{id}#{:03}", i + 1),
                        ord: base + i as i64,
                        fields: p.fields.clone(),
                        retired: None,
                    },
                )?;
            }
        }
        audit::record(
            tx,
            user,
            &format!("{kind}.import"),
            id,
            before
                .as_ref()
                .map(|b| serde_json::json!({ "fields": b.fields }))
                .as_ref(),
            Some(&serde_json::json!({ "fields": row.fields, "source": source })),
        )?;
        n += 1;
    }
    Ok(n)
}

/// `fyr hub import PATH --db FILE`: the same import from the terminal, as an
/// admin ("(terminal)" in the audit log). With `dry_run` nothing is written.
pub fn import_db(db: &Target, input: &Path, dry_run: bool) -> Result<Report, HubError> {
    let conn = super::db::open(db)?;
    workdir::seed(&conn)?;
    let w = workdir::load(&conn).map_err(|e| conn.err(e))?;
    let current = tables_of(&w);
    let inc = fyr_exchange::read_path(input, &current).map_err(|e| HubError::Content(e.0))?;
    let out = merge(
        &current,
        inc,
        &MergeOptions {
            today: chrono::Local::now().date_naive(),
            allow: None,
        },
    );
    if !dry_run {
        apply(&conn, &w, &out, "(terminal)", &input.display().to_string())
            .map_err(|e| conn.err(e))?;
    }
    Ok(out.report)
}

/// The published version in a feed folder, if any.
pub fn published(feed: &Path) -> Result<Option<Directory>, HubError> {
    let Ok(history) = crate::publish::version_history(feed) else {
        return Ok(None);
    };
    let Some(last) = history.iter().map(|v| v.version).max() else {
        return Ok(None);
    };
    let snap = crate::load_snapshot(feed, last)?;
    Ok(Some(fyr_core::feed::records_directory(&snap.records)?))
}

fn report_ctx(r: &Report) -> minijinja::Value {
    context! {
        mapped => r.mapped,
        dropped => r.dropped,
        failed => r.failed,
        check => r.check,
        changes => r.changes(),
    }
}

pub(crate) async fn page(State(c): State<Arc<Console>>, a: Authed) -> Response {
    show(&c, &a, None, None, None)
}

fn show(
    c: &Console,
    a: &Authed,
    report: Option<&Report>,
    token: Option<String>,
    message: Option<&str>,
) -> Response {
    if !rights::can_read_directory(&a.user.role) {
        return c.forbidden(a, super::i18n::text(a.lang, "no_directory"));
    }
    let published = published(c.feed_dir()).ok().flatten().is_some();
    c.page(
        a,
        "exchange.html",
        context! {
            x => texts(a.lang),
            report => report.map(report_ctx),
            source => report.map(|r| r.source.clone()),
            token,
            message,
            published,
            can_import => rights::can_publish(&a.user.role),
        },
    )
}

pub(crate) async fn upload(
    State(c): State<Arc<Console>>,
    a: Authed,
    mut mp: Multipart,
) -> Response {
    if !rights::can_read_directory(&a.user.role) || !rights::can_publish(&a.user.role) {
        return c.forbidden(&a, super::i18n::text(a.lang, "no_directory"));
    }
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Ok(Some(field)) = mp.next_field().await {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("upload").to_string();
            match field.bytes().await {
                Ok(b) if !b.is_empty() => file = Some((name, b.to_vec())),
                Ok(_) => {}
                Err(e) => {
                    return (StatusCode::BAD_REQUEST, format!("upload: {e}\n")).into_response()
                }
            }
        }
    }
    let x = texts(a.lang);
    let Some((name, bytes)) = file else {
        let mut r = show(&c, &a, None, None, Some(x["no_file"]));
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return r;
    };
    let w = workdir::load(&c.conn()).unwrap_or_default();
    match preview(&w, &name, &bytes, &a.user.role) {
        Ok(out) => {
            let token = if out.report.changes() {
                keep_upload(&c.conn(), &a.user.name, &name, &bytes, &out.report)
            } else {
                None
            };
            show(&c, &a, Some(&out.report), token, None)
        }
        Err(e) => {
            let mut r = show(&c, &a, None, None, Some(&e));
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            r
        }
    }
}

pub(crate) async fn confirm(
    State(c): State<Arc<Console>>,
    a: Authed,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    if !rights::can_publish(&a.user.role) || !rights::can_read_directory(&a.user.role) {
        return c.forbidden(&a, super::i18n::text(a.lang, "no_directory"));
    }
    let x = texts(a.lang);
    let token = f
        .iter()
        .find(|(k, _)| k == "token")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    let up = take_upload(&c.conn(), &token);
    let Some((user, name, bytes, shown)) = up.filter(|u| u.0 == a.user.name) else {
        let mut r = show(&c, &a, None, None, Some(x["expired"]));
        *r.status_mut() = StatusCode::GONE;
        return r;
    };
    let conn = c.conn();
    let w = workdir::load(&conn).unwrap_or_default();
    let out = match preview(&w, &name, &bytes, &a.user.role) {
        Ok(o) => o,
        Err(e) => {
            drop(conn);
            return show(&c, &a, None, None, Some(&e));
        }
    };
    if serde_json::to_string(&out.report).ok().as_deref() != Some(shown.as_str()) {
        // The directory changed since the report was shown (someone else
        // edited or imported): nothing is written; the new report is shown
        // with a new confirmation.
        let token = if out.report.changes() {
            keep_upload(&conn, &user, &name, &bytes, &out.report)
        } else {
            None
        };
        drop(conn);
        let mut r = show(&c, &a, Some(&out.report), token, Some(x["changed_since"]));
        *r.status_mut() = StatusCode::CONFLICT;
        return r;
    }
    let res = apply(&conn, &w, &out, &user, &name);
    drop(conn);
    match res {
        Ok(_) => show(&c, &a, Some(&out.report), None, Some(x["imported"])),
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("{e}\n")).into_response(),
    }
}

pub(crate) async fn download(
    State(c): State<Arc<Console>>,
    a: Authed,
    UrlPath(format): UrlPath<String>,
) -> Response {
    if !rights::can_read_directory(&a.user.role) {
        return c.forbidden(&a, super::i18n::text(a.lang, "no_directory"));
    }
    let d = match published(c.feed_dir()) {
        Ok(Some(d)) => d,
        _ => {
            let w = workdir::load(&c.conn()).unwrap_or_default();
            match tables_of(&w).directory() {
                Ok(d) => d,
                Err(e) => {
                    return (
                        StatusCode::CONFLICT,
                        format!(
                            "nothing is published and the working directory has problems:\n{}\n",
                            fyr_core::content::format_errors(&e)
                        ),
                    )
                        .into_response()
                }
            }
        }
    };
    let (bytes, ctype, file) = match format.as_str() {
        "hsds-json" => (
            serde_json::to_vec_pretty(&fyr_exchange::hsds::export_json(&d)).unwrap_or_default(),
            "application/json",
            "fyr-hsds.json",
        ),
        "hsds-csv" => (
            match fyr_exchange::sheets::zip(&fyr_exchange::hsds::export_tabular(&d)) {
                Ok(b) => b,
                Err(e) => return (StatusCode::INTERNAL_SERVER_ERROR, e).into_response(),
            },
            "application/zip",
            "fyr-hsds-csv.zip",
        ),
        "xlsx" => (
            match fyr_exchange::sheets::write_xlsx(&Tables::from_directory(&d)) {
                Ok(b) => b,
                Err(e) => return (StatusCode::INTERNAL_SERVER_ERROR, e).into_response(),
            },
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "fyr-katalog.xlsx",
        ),
        _ => return (StatusCode::NOT_FOUND, "unknown format\n").into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, ctype.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}
