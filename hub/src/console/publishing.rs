//! Publishing from the console: a preview of what the next version changes
//! against the published one, in words; the drafts held back (not ready);
//! every validation error; then signing with the same code as `fyr hub
//! publish` (`publish_with`). A publish ships only ready drafts. The
//! signing key is read from its file on the hub host at the moment of
//! publishing; it is never stored in the database, shown or offered for
//! download. Going back is `revert.rs`; the distribution settings are
//! `distribution.rs`.

use super::diff::{diff, Diff};
use super::drafts;
use super::workdir::{self, WorkDir};
use super::{audit, i18n, labels, rights, Authed, Console};
use crate::db::Sql;
use crate::publish::{load_snapshot, publish_with, version_history, PublishOptions};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use fyr_core::feed::Record;
use minijinja::context;
use serde::Serialize;
use std::sync::Arc;

/// The records of the version devices have now: the feed's newest version,
/// or the bundled content when the feed is empty (a publish continues it).
pub(crate) fn published(c: &Console) -> Result<(Vec<Record>, String), String> {
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

#[derive(Serialize)]
struct Version {
    version: u64,
    when: String,
    records: u64,
    who: String,
    revertible: bool,
}

/// The published versions, newest first. Read from the feed; should the
/// feed's records be unreadable (a publish that failed half-way), the
/// console's own record of what it published is shown instead, never nothing.
fn history(c: &Console, lang: &str) -> Vec<Version> {
    let conn = c.conn();
    let who_of = |v: u64| -> Option<String> {
        conn.row(
            r#"SELECT "user" FROM console_versions WHERE version = $1"#,
            &[(v as i64).into()],
        )
        .ok()
        .flatten()
        .and_then(|r| r.text(0).ok())
    };
    match version_history(c.feed_dir()) {
        Ok(hist) => hist
            .into_iter()
            .rev()
            .map(|v| {
                let who = who_of(v.version);
                Version {
                    version: v.version,
                    when: labels::when(v.created, lang),
                    records: v.record_count,
                    revertible: who.is_some(),
                    who: who.unwrap_or_else(|| "(terminal)".into()),
                }
            })
            .collect(),
        Err(_) => conn
            .rows(
                r#"SELECT version, at, "user" FROM console_versions ORDER BY version DESC"#,
                &[],
            )
            .and_then(|rows| {
                rows.iter()
                    .map(|r| {
                        Ok(Version {
                            version: r.int(0)? as u64,
                            when: labels::when_text(&r.text(1)?, lang),
                            records: 0,
                            who: r.text(2)?,
                            revertible: true,
                        })
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// `Some(public key)` when the hub's signing key is not trusted by the
/// working directory's distribution settings (a publish would be refused).
pub(crate) fn key_status(c: &Console) -> Option<String> {
    let w = workdir::load(&c.conn()).unwrap_or_default();
    let text = w.files.get(fyr_core::distribution::FILE)?;
    key_trust(c, text).err()
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

/// The preview: what a publish would ship, what it holds back, the history.
pub(crate) fn preview_page(
    c: &Console,
    a: &Authed,
    failure: Option<String>,
    status: StatusCode,
) -> Response {
    let w = workdir::load(&c.conn()).unwrap_or_default();
    let ship = drafts::publishable(&c.conn(), &w);
    let (errors, d) = match ship.records() {
        Ok(recs) => (
            Vec::new(),
            published(c).map(|(old, v)| diff(&old, &recs, v, a.lang)),
        ),
        Err(e) => (
            e.iter().map(|e| e.to_string()).collect(),
            Ok(Diff::default()),
        ),
    };
    let held: Vec<_> = drafts::all(&c.conn())
        .into_iter()
        .filter(|d| !d.ready)
        .map(|d| {
            let name = w
                .row("services", &d.service)
                .and_then(|r| r.fields.get("name_sv").cloned())
                .unwrap_or_else(|| d.service.clone());
            let editable = w
                .row("services", &d.service)
                .is_some_and(|r| rights::can_edit_service(&a.user.role, &r.fields));
            context! { id => d.service, name, owner => d.owner, when => labels::when_text(&d.at, a.lang), editable }
        })
        .collect();
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
            key_untrusted => key_check.as_ref().err(),
            errors, diff => d.as_ref().ok(), diff_error => d.as_ref().err(),
            empty => d.as_ref().map(Diff::is_empty).unwrap_or(true),
            held, failure,
            history => history(c, a.lang), key_configured => c.key.is_some(),
            can_publish => rights::can_publish(&a.user.role),
            admin => rights::is_admin(&a.user.role),
            settings => super::distribution::settings_of(&distribution),
            dist_etag => super::distribution::etag(&distribution),
        },
    );
    *r.status_mut() = status;
    r
}

pub(crate) async fn preview(State(c): State<Arc<Console>>, a: Authed) -> Response {
    if !rights::can_read_directory(&a.user.role) {
        return c.forbidden(&a, i18n::text(a.lang, "no_directory"));
    }
    preview_page(&c, &a, None, StatusCode::OK)
}

/// Signs and publishes `ship` (with `d`, what it changes, for the audit
/// log); returns the steps done or the failure.
pub(crate) async fn sign_and_publish(
    c: &Arc<Console>,
    a: &Authed,
    ship: WorkDir,
    action: &str,
    d: Option<&Diff>,
) -> Result<Vec<String>, String> {
    let en = a.lang == "en";
    let records = ship
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
    let (r, kid) = tokio::task::spawn_blocking(move || {
        let key = fyr_core::feed::load_signing_key(&key_path)
            .map_err(|e| format!("{}: {e}", key_path.display()))?;
        let kid = fyr_core::feed::key_id(&key.verifying_key());
        // On a TUF feed the console signs targets (and the online snapshot
        // and timestamp), never root: checked before anything is written.
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
    conn.exec(
        r#"INSERT INTO console_versions (version, feed_id, "user", at, rows, files) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (version) DO UPDATE SET feed_id = excluded.feed_id, "user" = excluded."user", at = excluded.at, rows = excluded.rows, files = excluded.files"#,
        &[(r.version as i64).into(), (&r.feed_id).into(), (&a.user.name).into(), chrono::Utc::now().to_rfc3339().into(), serde_json::to_string(&ship.rows).unwrap_or_default().into(), serde_json::to_string(&ship.files).unwrap_or_default().into()],
    )
    .map_err(|e| e.to_string())?;
    audit::record(
        &conn,
        &a.user.name,
        action,
        &format!("version {}", r.version),
        d.map(|d| serde_json::json!({"against": d.against})).as_ref(),
        Some(&serde_json::json!({"version": r.version, "digest": r.content_digest, "records": r.record_count, "changes": d.map(Diff::summary)})),
    )
    .map_err(|e| e.to_string())?;
    Ok(steps)
}

pub(crate) async fn publish(State(c): State<Arc<Console>>, a: Authed) -> Response {
    if !rights::can_publish(&a.user.role) {
        return c.forbidden(&a, i18n::text(a.lang, "no_directory"));
    }
    let w = workdir::load(&c.conn()).unwrap_or_default();
    let ship = drafts::publishable(&c.conn(), &w);
    let d = ship.records().ok().and_then(|recs| {
        published(&c)
            .ok()
            .map(|(old, v)| diff(&old, &recs, v, a.lang))
    });
    match sign_and_publish(&c, &a, ship, "publish", d.as_ref()).await {
        Ok(steps) => {
            let _ = drafts::published(&c.conn());
            c.done(
                &a,
                "/console/publish",
                context! { message => i18n::text(a.lang, "published"), steps },
            )
        }
        Err(e) => preview_page(&c, &a, Some(e), StatusCode::UNPROCESSABLE_ENTITY),
    }
}

/// Marks a draft ready (or not) for the next publish.
pub(crate) async fn ready(
    State(c): State<Arc<Console>>,
    a: Authed,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let get = |k: &str| {
        f.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let id = get("service");
    let w = workdir::load(&c.conn()).unwrap_or_default();
    let Some(row) = w.row("services", &id) else {
        return c.bad_request(&a, i18n::text(a.lang, "no_such_service"));
    };
    if !rights::can_edit_service(&a.user.role, &row.fields) {
        return c.forbidden(&a, i18n::text(a.lang, "not_your_county"));
    }
    let ready = get("ready") == "1";
    let conn = c.conn();
    let _ = drafts::set_ready(&conn, &id, ready);
    let _ = audit::record(
        &conn,
        &a.user.name,
        if ready { "draft.ready" } else { "draft.hold" },
        &id,
        None,
        None,
    );
    drop(conn);
    let back = if get("back") == "service" {
        format!("/console/services/{id}")
    } else {
        "/console/publish".into()
    };
    c.done(
        &a,
        &back,
        context! { message => i18n::text(a.lang, if ready { "draft_ready" } else { "draft_held" }) },
    )
}
