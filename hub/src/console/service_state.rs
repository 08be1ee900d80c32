//! One change of a service's state from its page: "verified today" (with
//! how), retire (with a reason, undoable) and bring back. Each is checked by
//! rights and the core, stored as a draft (`drafts.rs`) and audited.

use super::directory::{get, service_errors, FormPairs};
use super::drafts;
use super::services_list::today;
use super::workdir::{self, Row};
use super::{audit, i18n, rights, Authed, Console};
use crate::db::Sql;
use axum::extract::{Path as UrlPath, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use minijinja::context;
use std::sync::Arc;

/// One change of a service's row (verify, retire, bring back): checked by
/// rights and the core, stored as a draft, audited; then back to the entry
/// with a confirmation (and an undo where there is one). `Err` is the page
/// that says why nothing changed.
#[allow(clippy::result_large_err)]
fn change(
    c: &Console,
    a: &Authed,
    id: &str,
    action: &str,
    f: impl FnOnce(&mut Row) -> Result<(), String>,
    flash: minijinja::Value,
) -> Result<Response, Response> {
    let w = workdir::load(&c.conn()).unwrap_or_default();
    let Some(mut row) = w.row("services", id).cloned() else {
        return Err(c.not_found(a, i18n::text(a.lang, "no_such_service")));
    };
    if !rights::can_edit_service(&a.user.role, &row.fields) {
        return Err(c.forbidden(a, i18n::text(a.lang, "not_your_county")));
    }
    let before_snap = drafts::snapshot(&w, id);
    let before = serde_json::json!({"fields": row.fields, "retired": row.retired});
    if let Err(e) = f(&mut row) {
        return Err(c.bad_request(a, &e));
    }
    let mut check = w.clone();
    check
        .rows
        .retain(|r| !(r.file == "services" && r.key == id));
    check.rows.push(row.clone());
    let problems: Vec<String> = service_errors(&check, id).into_values().flatten().collect();
    if !problems.is_empty() {
        let mut r = c.page(
            a,
            "message.html",
            context! { title => i18n::text(a.lang, "not_saved"), message => problems.join(" · "), back => format!("/console/services/{id}") },
        );
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Err(r);
    }
    let after = serde_json::json!({"fields": row.fields, "retired": row.retired});
    let conn = c.conn();
    if workdir::put_row(&conn, &row)
        .and_then(|_| drafts::touch(&conn, id, &a.user.name, None, before_snap.as_ref()))
        .and_then(|_| audit::record(&conn, &a.user.name, action, id, Some(&before), Some(&after)))
        .is_err()
    {
        return Err(c.server_error(a, "could not save"));
    }
    drop(conn);
    Ok(c.done(a, &format!("/console/services/{id}"), flash))
}

pub(crate) async fn verify(
    State(c): State<Arc<Console>>,
    a: Authed,
    UrlPath(id): UrlPath<String>,
    Form(f): Form<FormPairs>,
) -> Response {
    let how = get(&f, "how").to_string();
    if !["phone", "website", "email"].contains(&how.as_str()) {
        return c.bad_request(&a, i18n::text(a.lang, "how_required"));
    }
    let date = today().format("%Y-%m-%d").to_string();
    let user = a.user.name.clone();
    let flash = context! { message => format!("{} {date} – {}", i18n::text(a.lang, "verified_done"), i18n::text(a.lang, "reaches_phones")) };
    match change(
        &c,
        &a,
        &id,
        "service.verify",
        |row| {
            row.fields.insert("verified_on".into(), date.clone());
            Ok(())
        },
        flash,
    ) {
        Ok(r) => {
            let _ = c.conn().exec(
                r#"INSERT INTO console_verifications (service, date, "user", how) VALUES ($1, $2, $3, $4)"#,
                &[id.into(), date.into(), user.into(), how.into()],
            );
            r
        }
        Err(r) => r,
    }
}

pub(crate) async fn retire(
    State(c): State<Arc<Console>>,
    a: Authed,
    UrlPath(id): UrlPath<String>,
    Form(f): Form<FormPairs>,
) -> Response {
    let reason = get(&f, "reason").trim().to_string();
    let lang = a.lang;
    let flash = context! {
        message => format!("{} – {}", i18n::text(lang, "retired_done"), i18n::text(lang, "reaches_phones")),
        undo => context! { action => format!("/console/services/{id}/unretire"), fields => Vec::<(String, String)>::new(), label => i18n::text(lang, "unretire") },
    };
    change(
        &c,
        &a,
        &id,
        "service.retire",
        |row| {
            if reason.is_empty() {
                return Err(i18n::text(lang, "reason_required").to_string());
            }
            row.retired = Some(reason);
            Ok(())
        },
        flash,
    )
    .unwrap_or_else(|r| r)
}

/// Undoes a retirement.
pub(crate) async fn unretire(
    State(c): State<Arc<Console>>,
    a: Authed,
    UrlPath(id): UrlPath<String>,
) -> Response {
    let lang = a.lang;
    let flash = context! { message => i18n::text(lang, "unretired_done") };
    change(
        &c,
        &a,
        &id,
        "service.unretire",
        |row| {
            row.retired = None;
            Ok(())
        },
        flash,
    )
    .unwrap_or_else(|r| r)
}
