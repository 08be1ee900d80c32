//! Organizations: listed for every reader, changed by admins only (they are
//! shared by services of several counties). A change is validated with the
//! core's own rules over the whole working directory, stored, and audited.
//! Each form carries the organization's version (`etag`): a save made on an
//! older version stores nothing and shows both versions side by side.

use super::auth::Authed;
use super::workdir::{self, Fields};
use super::{audit, i18n, labels, rights, Console};
use axum::extract::{Form, Path as UrlPath, State};
use axum::http::StatusCode;
use axum::response::Response;
use minijinja::context;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// The columns of `directory/organizations.csv` a form may change (not `id`).
pub const EDITABLE: [&str; 5] = ["name", "agency_kind", "role_sv", "role_en", "website"];

fn render(
    c: &Console,
    a: &Authed,
    w: &workdir::WorkDir,
    error: Option<(&str, Vec<String>, String)>,
) -> Response {
    let orgs: Vec<minijinja::Value> = w
        .rows
        .iter()
        .filter(|r| r.file == "organizations")
        .map(|r| {
            let kind = r.fields.get("agency_kind").cloned().unwrap_or_default();
            // A form sent back with errors keeps what was typed and the
            // version it was opened on.
            let version = match &error {
                Some((id, _, v)) if *id == r.key => v.clone(),
                _ => etag(&r.fields),
            };
            context! {
                fields => r.fields.clone(), etag => version,
                kind_label => labels::agency_kind(&kind, a.lang),
                kind_known => fyr_core::vocab::AgencyKind::parse(&kind).is_some(),
            }
        })
        .collect();
    let fields: Vec<(&str, String)> = EDITABLE
        .iter()
        .map(|f| (*f, field_label(f, a.lang)))
        .collect();
    let editable = rights::can_edit_organization(&a.user.role);
    let (error_id, errors) = match error {
        Some((id, e, _)) => (id.to_string(), e),
        None => (String::new(), Vec::new()),
    };
    let mut r = c.page(
        a,
        "organizations.html",
        context! { orgs, editable, fields, kinds => labels::agency_kinds(a.lang), error_id, errors => errors.clone() },
    );
    if !errors.is_empty() {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    r
}

/// A column's name in words.
fn field_label(col: &str, lang: &str) -> String {
    match col {
        "role_sv" => format!("{} (svenska)", i18n::text(lang, "org_role")),
        "role_en" => format!("{} (English)", i18n::text(lang, "org_role")),
        "website" => i18n::text(lang, "web").to_string(),
        c => labels::field(c, lang),
    }
}

/// The version of an organization as its form carries it.
fn etag(fields: &Fields) -> String {
    let json = serde_json::to_string(fields).unwrap_or_default();
    hex::encode(&Sha256::digest(json.as_bytes())[..12])
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
        return c.not_found(&a, i18n::text(a.lang, "no_such_organization"));
    };
    let sent = f
        .iter()
        .find(|(n, _)| n == "etag")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    if sent.is_empty() {
        return c.bad_request(&a, i18n::text(a.lang, "etag_missing"));
    }
    if sent != etag(&row.fields) {
        return conflict(&c, &a, &id, &row.fields, &f);
    }
    let version = etag(&row.fields);
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
        return render(&c, &a, &w, Some((&id, problems, version)));
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
        return c.server_error(&a, i18n::text(a.lang, "not_saved"));
    }
    drop(conn);
    let name = row.fields.get("name").cloned().unwrap_or(id.clone());
    c.done(
        &a,
        &format!("/console/organizations#o-{id}"),
        context! { message => format!("{name}: {}", i18n::text(a.lang, "saved_publish")) },
    )
}

/// A save made on an older version: nothing stored, both versions shown.
fn conflict(
    c: &Console,
    a: &Authed,
    id: &str,
    theirs: &Fields,
    f: &[(String, String)],
) -> Response {
    let rows: Vec<(String, String, String)> = EDITABLE
        .iter()
        .filter_map(|col| {
            let t = theirs.get(*col).cloned().unwrap_or_default();
            let m = f
                .iter()
                .find(|(n, _)| n == col)
                .map(|(_, v)| v.trim().to_string())
                .unwrap_or_else(|| t.clone());
            (t != m).then(|| {
                let (t, m) = if *col == "agency_kind" {
                    (
                        labels::agency_kind(&t, a.lang),
                        labels::agency_kind(&m, a.lang),
                    )
                } else {
                    (t, m)
                };
                (field_label(col, a.lang), t, m)
            })
        })
        .collect();
    let fields: Vec<(String, String)> = f
        .iter()
        .filter(|(k, _)| k != "csrf" && k != "etag")
        .cloned()
        .collect();
    let mut r = c.page(
        a,
        "conflict.html",
        context! {
            rows, other => Option::<String>::None, fields, etag => etag(theirs),
            action => format!("/console/organizations/{id}"),
            back => format!("/console/organizations#o-{id}"),
        },
    );
    *r.status_mut() = StatusCode::CONFLICT;
    r
}
