//! Publishing from the console: a preview of what the next version changes
//! against the published one (entries added, changed field by field,
//! retired; checklists), every validation error, then signing with the same
//! code as `fyr hub publish` (`publish_with`). The signing key is read from
//! its file on the hub host at the moment of publishing; it is never stored
//! in the database, shown or offered for download. Going back publishes an
//! earlier version's content as a new version.

use super::workdir::{self, WorkDir};
use super::{audit, i18n, rights, Authed, Console};
use crate::publish::{load_snapshot, publish_with, version_history, PublishOptions};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Form;
use fyr_core::feed::Record;
use minijinja::context;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

#[derive(Debug, Clone, Serialize, Default)]
pub(crate) struct Change {
    pub kind: String,
    pub id: String,
    /// (field, before, after) for a changed record.
    pub fields: Vec<(String, String, String)>,
}

#[derive(Debug, Clone, Serialize, Default)]
pub(crate) struct Diff {
    pub against: String,
    pub added: Vec<Change>,
    pub changed: Vec<Change>,
    pub retired: Vec<Change>,
}

fn show(v: Option<&Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    }
}

/// What `new` changes against `old`, record by record and field by field.
pub(crate) fn diff(old: &[Record], new: &[Record], against: String) -> Diff {
    let key = |r: &Record| (r.kind.to_string(), r.id.clone());
    let o: BTreeMap<_, _> = old.iter().map(|r| (key(r), r)).collect();
    let n: BTreeMap<_, _> = new.iter().map(|r| (key(r), r)).collect();
    let mut d = Diff {
        against,
        ..Default::default()
    };
    for (k, r) in &n {
        match o.get(k) {
            None => d.added.push(Change {
                kind: k.0.clone(),
                id: k.1.clone(),
                fields: Vec::new(),
            }),
            Some(prev) if prev.body != r.body => {
                let a: Value = serde_json::from_str(&prev.body).unwrap_or(Value::Null);
                let b: Value = serde_json::from_str(&r.body).unwrap_or(Value::Null);
                let names: BTreeSet<String> = a
                    .as_object()
                    .into_iter()
                    .chain(b.as_object())
                    .flat_map(|m| m.keys().cloned())
                    .collect();
                let fields = names
                    .into_iter()
                    .filter(|f| a.get(f) != b.get(f))
                    .map(|f| (f.clone(), show(a.get(&f)), show(b.get(&f))))
                    .collect();
                d.changed.push(Change {
                    kind: k.0.clone(),
                    id: k.1.clone(),
                    fields,
                });
            }
            _ => {}
        }
    }
    for k in o.keys().filter(|k| !n.contains_key(*k)) {
        d.retired.push(Change {
            kind: k.0.clone(),
            id: k.1.clone(),
            fields: Vec::new(),
        });
    }
    d
}

/// The records of the version devices have now: the feed's newest version,
/// or the bundled content when the feed is empty (a publish continues it).
fn published(c: &Console) -> Result<(Vec<Record>, String), String> {
    let hist = version_history(c.feed_dir()).map_err(|e| e.to_string())?;
    match hist.last() {
        Some(v) => load_snapshot(c.feed_dir(), v.version)
            .map(|s| (s.records, format!("{}", v.version)))
            .map_err(|e| e.to_string()),
        None => fyr_core::bundle::signed_bundle()
            .map(|(m, s)| (s.records, format!("{} (bundled)", m.version)))
            .map_err(|e| e.to_string()),
    }
}

fn history(c: &Console) -> Vec<(u64, String, u64, String, bool)> {
    let hist = version_history(c.feed_dir()).unwrap_or_default();
    let conn = c.conn();
    hist.into_iter()
        .rev()
        .map(|v| {
            let who: Option<String> = conn
                .query_row(
                    "SELECT user FROM console_versions WHERE version = ?1",
                    [v.version as i64],
                    |r| r.get(0),
                )
                .optional()
                .ok()
                .flatten();
            let revertible = who.is_some();
            (
                v.version,
                v.created.to_rfc3339(),
                v.record_count,
                who.unwrap_or_else(|| "(terminal)".into()),
                revertible,
            )
        })
        .collect()
}

/// Whether distribution.toml trusts the configured signing key; when it
/// does not, the error is that key's public half (public, so an admin can add
/// it; the private key is never shown).
fn key_trust(c: &Console, distribution: &str) -> Result<(), String> {
    let Some(path) = c.key.as_ref() else {
        return Ok(());
    };
    let Ok(key) = fyr_core::feed::load_signing_key(path) else {
        return Err(format!("{}: unreadable", path.display()));
    };
    if distribution.is_empty() {
        return Ok(());
    }
    match fyr_core::distribution::Distribution::from_toml(
        fyr_core::distribution::FILE,
        distribution,
    ) {
        Ok(d) if d.accepts(&key.verifying_key()) => Ok(()),
        _ => Err(hex::encode(key.verifying_key().as_bytes())),
    }
}

fn preview_page(
    c: &Console,
    a: &Authed,
    w: &WorkDir,
    result: Option<minijinja::Value>,
    status: StatusCode,
) -> Response {
    preview_page_with(c, a, w, result, status, None)
}

/// The preview page with a publish's outcome: its steps (200) or why it
/// failed (422).
fn outcome_page(
    c: &Console,
    a: &Authed,
    w: &WorkDir,
    res: Result<Vec<String>, String>,
) -> Response {
    let (result, status) = match res {
        Ok(steps) => (context! { ok => true, steps }, StatusCode::OK),
        Err(e) => (
            context! { ok => false, error => e },
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
    };
    preview_page(c, a, w, Some(result), status)
}

fn preview_page_with(
    c: &Console,
    a: &Authed,
    w: &WorkDir,
    result: Option<minijinja::Value>,
    status: StatusCode,
    dist_error: Option<Vec<String>>,
) -> Response {
    let (errors, d) = match w.records() {
        Ok(recs) => (
            Vec::new(),
            published(c).map(|(old, v)| diff(&old, &recs, v)),
        ),
        Err(e) => (
            e.iter().map(|e| e.to_string()).collect(),
            Ok(Diff::default()),
        ),
    };
    let distribution = w
        .files
        .get(fyr_core::distribution::FILE)
        .cloned()
        .unwrap_or_default();
    let key_check = key_trust(c, &distribution);
    let mut r = c.page(
        a,
        "publish.html",
        context! {
            distribution, key_untrusted => key_check.as_ref().err(), dist_error,
            errors, diff => d.as_ref().ok(), diff_error => d.as_ref().err(),
            history => history(c), key_configured => c.key.is_some(), result,
            can_publish => rights::can_publish(&a.user.role),
        },
    );
    *r.status_mut() = status;
    r
}

pub(crate) async fn preview(State(c): State<Arc<Console>>, a: Authed) -> Response {
    if !rights::can_read_directory(&a.user.role) {
        return c.forbidden(&a, i18n::text(a.lang, "no_directory"));
    }
    let w = workdir::load(&c.conn()).unwrap_or_default();
    preview_page(&c, &a, &w, None, StatusCode::OK)
}

/// Signs and publishes the working directory; returns the steps done or the failure.
async fn sign_and_publish(
    c: &Arc<Console>,
    a: &Authed,
    w: WorkDir,
    action: &str,
) -> Result<Vec<String>, String> {
    let en = a.lang == "en";
    let records = w
        .records()
        .map_err(|e| format!("{} {}", e.len(), i18n::text(a.lang, "problems")))?;
    let mut steps = vec![format!(
        "{} {} ({})",
        i18n::text(a.lang, "step_validated"),
        records.len(),
        if en { "records" } else { "poster" }
    )];
    let key_path = c
        .key
        .clone()
        .ok_or_else(|| i18n::text(a.lang, "no_key").to_string())?;
    let feed = c.feed_dir().to_path_buf();
    let base = fyr_core::bundle::signed_bundle().ok().map(|b| b.1);
    let report = tokio::task::spawn_blocking(move || {
        let key = fyr_core::feed::load_signing_key(&key_path)
            .map_err(|e| format!("{}: {e}", key_path.display()))?;
        let kid = fyr_core::feed::key_id(&key.verifying_key());
        let now = chrono::Utc::now();
        let tuf = |check| crate::tuf::console_metadata(&feed, &key, &key_path, check, now);
        tuf(true).map_err(|e| e.to_string())?;
        let r = publish_with(
            records,
            &key,
            &feed,
            &PublishOptions {
                base,
                ..Default::default()
            },
        )
        .map_err(|e| e.to_string())?;
        tuf(false).map_err(|e| e.to_string())?;
        Ok::<_, String>((r, kid))
    })
    .await
    .map_err(|e| e.to_string())??;
    let (r, kid) = report;
    steps.push(format!("{} {kid}", i18n::text(a.lang, "step_signed")));
    steps.push(format!(
        "{} {} B, {} delta(s)",
        i18n::text(a.lang, "step_written"),
        r.snapshot_bytes,
        r.deltas.len()
    ));
    steps.push(format!(
        "{} {}{}",
        i18n::text(a.lang, "step_live"),
        r.version,
        if r.unchanged {
            i18n::text(a.lang, "unchanged")
        } else {
            ""
        }
    ));
    let conn = c.conn();
    conn.execute(
        "INSERT OR REPLACE INTO console_versions (version, feed_id, user, at, rows, files) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![r.version as i64, r.feed_id, a.user.name, chrono::Utc::now().to_rfc3339(), serde_json::to_string(&w.rows).unwrap_or_default(), serde_json::to_string(&w.files).unwrap_or_default()],
    )
    .map_err(|e| e.to_string())?;
    audit::record(&conn, &a.user.name, action, &format!("version {}", r.version), None, Some(&serde_json::json!({"version": r.version, "digest": r.content_digest, "records": r.record_count})))
        .map_err(|e| e.to_string())?;
    Ok(steps)
}

pub(crate) async fn publish(State(c): State<Arc<Console>>, a: Authed) -> Response {
    if !rights::can_publish(&a.user.role) {
        return c.forbidden(&a, i18n::text(a.lang, "no_directory"));
    }
    let w = workdir::load(&c.conn()).unwrap_or_default();
    let res = sign_and_publish(&c, &a, w.clone(), "publish").await;
    outcome_page(&c, &a, &w, res)
}

/// Going back: an earlier console-published version's content becomes the
/// working directory and is published as a new version.
pub(crate) async fn revert(
    State(c): State<Arc<Console>>,
    a: Authed,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    if !rights::can_publish(&a.user.role) {
        return c.forbidden(&a, i18n::text(a.lang, "no_directory"));
    }
    let version: i64 = f
        .iter()
        .find(|(k, _)| k == "version")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(-1);
    let row: Option<(String, String)> = c
        .conn()
        .query_row(
            "SELECT rows, files FROM console_versions WHERE version = ?1",
            [version],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .ok()
        .flatten();
    let Some((rows, files)) = row else {
        return (StatusCode::NOT_FOUND, "no such console-published version\n").into_response();
    };
    let w = WorkDir {
        rows: serde_json::from_str(&rows).unwrap_or_default(),
        files: serde_json::from_str(&files).unwrap_or_default(),
    };
    let before = workdir::load(&c.conn()).unwrap_or_default();
    if workdir::replace(&mut c.conn(), &w).is_err() {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            "could not restore the working directory\n",
        )
            .into_response();
    }
    let res = sign_and_publish(&c, &a, w.clone(), &format!("publish.revert-to-{version}")).await;
    if res.is_err() {
        let _ = workdir::replace(&mut c.conn(), &before);
    }
    let now = workdir::load(&c.conn()).unwrap_or_default();
    outcome_page(&c, &a, &now, res)
}

/// Admins edit the distribution settings (where devices sync, which keys
/// they trust): checked by the core's `Distribution::from_toml`, kept in the
/// working directory and published with the rest.
pub(crate) async fn distribution(
    State(c): State<Arc<Console>>,
    a: Authed,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    if !rights::is_admin(&a.user.role) {
        return c.forbidden(&a, i18n::text(a.lang, "admins_only"));
    }
    let text = f
        .iter()
        .find(|(k, _)| k == "text")
        .map(|(_, v)| v.replace("\r\n", "\n"))
        .unwrap_or_default();
    let label = format!("content/{}", fyr_core::distribution::FILE);
    if let Err(errs) = fyr_core::distribution::Distribution::from_toml(&label, &text) {
        let mut w = workdir::load(&c.conn()).unwrap_or_default();
        w.files
            .insert(fyr_core::distribution::FILE.to_string(), text);
        return preview_page_with(
            &c,
            &a,
            &w,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(errs),
        );
    }
    let conn = c.conn();
    let before: Option<String> = conn
        .query_row(
            "SELECT text FROM console_files WHERE path = ?1",
            [fyr_core::distribution::FILE],
            |r| r.get(0),
        )
        .optional()
        .ok()
        .flatten();
    // Who is trusted is the TUF root's, signed offline (fyr hub root sign):
    // the console may change where devices sync, never whom they trust.
    let keys = |t: &str| {
        fyr_core::distribution::Distribution::from_toml(&label, t)
            .map(|d| (d.trusted_keys, d.next_keys, d.retired_keys))
            .ok()
    };
    let unchanged_trust = match &before {
        Some(b) => keys(b) == keys(&text),
        None => keys(&text).is_some_and(|k| k.1.is_empty() && k.2.is_empty()),
    };
    if !unchanged_trust {
        drop(conn);
        let mut w = workdir::load(&c.conn()).unwrap_or_default();
        w.files
            .insert(fyr_core::distribution::FILE.to_string(), text);
        return preview_page_with(
            &c,
            &a,
            &w,
            None,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(vec![format!(
                "{label}: trusted_keys, next_keys and retired_keys cannot be changed in the console: who devices trust is the TUF root's, signed offline with fyr hub root sign"
            )]),
        );
    }
    let res = conn
        .execute(
            "INSERT OR REPLACE INTO console_files (path, text) VALUES (?1, ?2)",
            params![fyr_core::distribution::FILE, text],
        )
        .and_then(|_| {
            audit::record(
                &conn,
                &a.user.name,
                "distribution.edit",
                fyr_core::distribution::FILE,
                before.map(Value::String).as_ref(),
                Some(&Value::String(text.clone())),
            )
        });
    drop(conn);
    if let Err(e) = res {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("could not save: {e}\n"),
        )
            .into_response();
    }
    let w = workdir::load(&c.conn()).unwrap_or_default();
    preview_page(&c, &a, &w, None, StatusCode::OK)
}
