//! Organizations: listed for every reader, changed by admins only (they are
//! shared by services of several counties). A change is validated with the
//! core's own rules over the whole working directory, stored, and audited.

use super::auth::Authed;
use super::workdir::{self, Fields};
use super::{audit, i18n, rights, Console};
use axum::extract::{Form, Path as UrlPath, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use minijinja::context;
use std::sync::Arc;

/// The columns of `directory/organizations.csv` a form may change (not `id`).
pub const EDITABLE: [&str; 5] = ["name", "agency_kind", "role_sv", "role_en", "website"];

fn render(
    c: &Console,
    a: &Authed,
    w: &workdir::WorkDir,
    error: Option<(&str, Vec<String>)>,
) -> Response {
    let orgs: Vec<Fields> = w
        .rows
        .iter()
        .filter(|r| r.file == "organizations")
        .map(|r| r.fields.clone())
        .collect();
    let editable = rights::can_edit_organization(&a.user.role);
    let (error_id, errors) = match error {
        Some((id, e)) => (id.to_string(), e),
        None => (String::new(), Vec::new()),
    };
    let mut r = c.page(
        a,
        "organizations.html",
        context! { orgs, editable, fields => EDITABLE, error_id, errors => errors.clone() },
    );
    if !errors.is_empty() {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    r
}

pub(crate) async fn list(State(c): State<Arc<Console>>, a: Authed) -> Response {
    if !rights::can_read_directory(&a.user.role) {
        return c.forbidden(&a, i18n::text(a.lang, "no_directory"));
    }
    let w = workdir::load(&c.conn()).unwrap_or_default();
    render(&c, &a, &w, None)
}

pub(crate) async fn save(
    State(c): State<Arc<Console>>,
    a: Authed,
    UrlPath(id): UrlPath<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    if !rights::can_edit_organization(&a.user.role) {
        return c.forbidden(&a, i18n::text(a.lang, "orgs_hint"));
    }
    let mut w = workdir::load(&c.conn()).unwrap_or_default();
    let Some(mut row) = w.row("organizations", &id).cloned() else {
        return (StatusCode::NOT_FOUND, "no such organization\n").into_response();
    };
    let before = serde_json::json!({ "fields": row.fields });
    for col in EDITABLE {
        if let Some((_, v)) = f.iter().find(|(n, _)| n == col) {
            row.fields.insert(col.to_string(), v.trim().to_string());
        }
    }
    // Validate the whole directory with the change, by the core's rules:
    // the organization's own problems, and any service it breaks.
    w.rows
        .retain(|r| !(r.file == "organizations" && r.key == id));
    w.rows.push(row.clone());
    let problems: Vec<String> = w
        .directory_errors()
        .into_iter()
        .map(|e| match &e.id {
            Some(i) if *i == id => e.problem,
            Some(i) => format!("{i}: {}", e.problem),
            None => e.problem,
        })
        .collect();
    if !problems.is_empty() {
        return render(&c, &a, &w, Some((&id, problems)));
    }
    let after = serde_json::json!({ "fields": row.fields });
    let conn = c.conn();
    if workdir::put_row(&conn, &row)
        .and_then(|_| {
            audit::record(
                &conn,
                &a.user.name,
                "organization.edit",
                &id,
                Some(&before),
                Some(&after),
            )
        })
        .is_err()
    {
        return (StatusCode::INTERNAL_SERVER_ERROR, "could not save\n").into_response();
    }
    Redirect::to(&format!("/console/organizations#o-{id}")).into_response()
}
