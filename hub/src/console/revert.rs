//! Going back to an earlier console-published version: admins only. It
//! first shows what going back changes against what devices have now (in
//! words) and asks for confirmation; then it publishes that version's
//! directory and checklists as a new version — with the distribution
//! settings (and so the trusted keys) as they are now, never as they were —
//! and keeps every draft: services being edited stay as their drafts in the
//! working directory, held back against the restored content. Audited with
//! what changed.

use super::diff::diff;
use super::drafts;
use super::publishing::{published, sign_and_publish};
use super::workdir::{self, WorkDir};
use super::{i18n, rights, Authed, Console};
use crate::db::Sql;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use minijinja::context;
use std::sync::Arc;

/// The content of console-published version `v`, with today's distribution
/// settings.
fn restored(c: &Console, v: i64, now: &WorkDir) -> Option<WorkDir> {
    let r = c
        .conn()
        .row(
            "SELECT rows, files FROM console_versions WHERE version = $1",
            &[v.into()],
        )
        .ok()
        .flatten()?;
    let (rows, files) = (r.text(0).ok()?, r.text(1).ok()?);
    let mut w = WorkDir {
        rows: serde_json::from_str(&rows).ok()?,
        files: serde_json::from_str(&files).ok()?,
    };
    let dist = fyr_core::distribution::FILE;
    match now.files.get(dist) {
        Some(t) => {
            w.files.insert(dist.to_string(), t.clone());
        }
        None => {
            w.files.remove(dist);
        }
    }
    Some(w)
}

pub(crate) async fn revert(
    State(c): State<Arc<Console>>,
    a: Authed,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    if !rights::is_admin(&a.user.role) {
        return c.forbidden(&a, i18n::text(a.lang, "revert_admins_only"));
    }
    let get = |k: &str| {
        f.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let Ok(version) = get("version").parse::<i64>() else {
        return c.bad_request(&a, i18n::text(a.lang, "no_such_version"));
    };
    let now = workdir::load(&c.conn()).unwrap_or_default();
    let Some(back) = restored(&c, version, &now) else {
        return c.bad_request(&a, i18n::text(a.lang, "no_such_version"));
    };
    let recs = match back.records() {
        Ok(r) => r,
        Err(e) => {
            return c.bad_request(
                &a,
                &e.iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
                    .join(" · "),
            )
        }
    };
    let d = published(&c).map(|(old, v)| diff(&old, &recs, v, a.lang));
    let held = drafts::all(&c.conn());
    if get("confirm") != "1" {
        return c.page(
            &a,
            "revert.html",
            context! { version, diff => d.as_ref().ok(), diff_error => d.as_ref().err(), held },
        );
    }
    let res = sign_and_publish(
        &c,
        &a,
        back.clone(),
        &format!("publish.revert-to-{version}"),
        d.as_ref().ok(),
    )
    .await;
    match res {
        Ok(steps) => {
            // The working directory becomes the restored content, with
            // every draft kept on top of it.
            let mut work = back.clone();
            for dr in &held {
                drafts::put_back(
                    &mut work,
                    &dr.service,
                    drafts::snapshot(&now, &dr.service).as_ref(),
                );
            }
            let conn = c.conn();
            let _ = workdir::replace(&conn, &work);
            let _ = drafts::rebase(&conn, &back);
            drop(conn);
            c.done(
                &a,
                "/console/publish",
                context! { message => format!("{} {version}", i18n::text(a.lang, "reverted_to")), steps },
            )
        }
        Err(e) => {
            let mut r =
                super::publishing::preview_page(&c, &a, Some(e), StatusCode::UNPROCESSABLE_ENTITY);
            *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            r
        }
    }
}
