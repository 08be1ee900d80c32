//! The correction queue: every report from the field (as the device sent
//! it: service, reason, message and the month it arrived; the hub keeps no
//! device and no finer time, and shows a reporter's agency kind and
//! municipality only if a device ever sends them), counts per service, and each report
//! resolved with a note or dismissed with a reason.

use super::workdir;
use super::{audit, i18n, labels, rights, Authed, Console};
use crate::db::Db;
use crate::db::Sql;
use crate::events::KIND_CORRECTION;
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use minijinja::context;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use std::sync::Arc;

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Report {
    pub event_id: String,
    pub service: String,
    pub message: String,
    pub reason: String,
    pub month: String,
    pub agency_kind: String,
    pub municipality: String,
    pub content_version: String,
    pub state: String,
    pub note: String,
    pub decided_by: String,
}

fn text(p: &Value, k: &str) -> String {
    match p.get(k) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(v) => v.to_string(),
    }
}

/// All reports, newest first.
///
/// The reports are events in the hub database (`events`, SQLite or
/// PostgreSQL); the decisions are the console's (`console_corrections`,
/// in the same database).
pub(crate) fn all(conn: &Db) -> Vec<Report> {
    let Ok(rows) = conn.rows(
        "SELECT event_id, payload, received_month FROM events
          WHERE kind = $1 ORDER BY received_month DESC, event_id",
        &[KIND_CORRECTION.into()],
    ) else {
        return Vec::new();
    };
    let mut decided: std::collections::HashMap<String, (String, String, String)> =
        Default::default();
    if let Ok(rs) = conn.rows(
        r#"SELECT event_id, state, note, "user" FROM console_corrections"#,
        &[],
    ) {
        decided.extend(rs.iter().filter_map(|r| {
            Some((
                r.text(0).ok()?,
                (r.text(1).ok()?, r.text(2).ok()?, r.text(3).ok()?),
            ))
        }));
    }
    rows.iter()
        .filter_map(|r| {
            let (event_id, payload, received) = (r.text(0).ok()?, r.text(1).ok()?, r.text(2).ok()?);
            let p: Value = serde_json::from_str(&payload).unwrap_or(Value::Null);
            let month = Some(text(&p, "month"))
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| received.chars().take(7).collect());
            let (state, note, decided_by) = decided
                .get(&event_id)
                .cloned()
                .unwrap_or_else(|| ("open".into(), String::new(), String::new()));
            Some(Report {
                event_id,
                service: text(&p, "service_id"),
                message: text(&p, "message"),
                reason: text(&p, "reason"),
                month,
                agency_kind: text(&p, "agency_kind"),
                municipality: text(&p, "municipality"),
                content_version: text(&p, "content_version"),
                state,
                note,
                decided_by,
            })
        })
        .collect()
}

/// Open reports per service.
pub(crate) fn open_counts(conn: &Db) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for r in all(conn).into_iter().filter(|r| r.state == "open") {
        *out.entry(r.service).or_default() += 1;
    }
    out
}

pub(crate) fn open_for(conn: &Db, service: &str) -> Vec<Report> {
    all(conn)
        .into_iter()
        .filter(|r| r.state == "open" && r.service == service)
        .collect()
}

#[derive(serde::Deserialize, Default)]
pub(crate) struct ListQuery {
    #[serde(default)]
    state: String,
    #[serde(default)]
    service: String,
}

pub(crate) async fn list(
    State(c): State<Arc<Console>>,
    a: Authed,
    Query(q): Query<ListQuery>,
) -> Response {
    if !rights::can_read_directory(&a.user.role) {
        return c.forbidden(&a, i18n::text(a.lang, "no_directory"));
    }
    let (reports, w) = {
        let conn = c.conn();
        (all(&conn), workdir::load(&conn).unwrap_or_default())
    };
    let munis = labels::municipalities(&w);
    let name_of = |id: &str| {
        w.row("services", id)
            .and_then(|r| r.fields.get("name_sv").cloned())
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| id.to_string())
    };
    let mut counts: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for r in &reports {
        let e = counts.entry(r.service.clone()).or_default();
        e.0 += 1;
        if r.state == "open" {
            e.1 += 1;
        }
    }
    let mut counts: Vec<(String, u64, u64, String)> = counts
        .into_iter()
        .map(|(s, (n, o))| {
            let name = name_of(&s);
            (s, n, o, name)
        })
        .collect();
    counts.sort_by(|a, b| b.2.cmp(&a.2).then(b.1.cmp(&a.1)).then(a.0.cmp(&b.0)));
    let state = if q.state.is_empty() {
        "open".to_string()
    } else {
        q.state
    };
    // Words instead of ids: the service's name, the reporter's agency kind
    // and municipality.
    let shown: Vec<minijinja::Value> = reports
        .into_iter()
        .filter(|r| state == "all" || r.state == state)
        .filter(|r| q.service.is_empty() || r.service == q.service)
        .map(|r| {
            let muni = if r.municipality.is_empty() {
                String::new()
            } else {
                labels::area(&r.municipality, &munis, a.lang)
            };
            context! {
                service_name => name_of(&r.service),
                kind_label => if r.agency_kind.is_empty() { String::new() } else { labels::agency_kind(&r.agency_kind, a.lang) },
                muni_label => muni,
                ..minijinja::Value::from_serialize(&r)
            }
        })
        .collect();
    c.page(
        &a,
        "corrections.html",
        context! { reports => shown, counts, state, service => q.service },
    )
}

pub(crate) async fn decide(
    State(c): State<Arc<Console>>,
    a: Authed,
    UrlPath(id): UrlPath<String>,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let get = |k: &str| {
        f.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let (action, note) = (get("action"), get("note"));
    let state = match action.as_str() {
        "resolve" => "resolved",
        "dismiss" => "dismissed",
        "reopen" => "open",
        _ => return c.bad_request(&a, i18n::text(a.lang, "correction_action_rule")),
    };
    let conn = c.conn();
    let Some(report) = all(&conn).into_iter().find(|r| r.event_id == id) else {
        drop(conn);
        return c.not_found(&a, i18n::text(a.lang, "no_such_report"));
    };
    // The report belongs to its service: only who may change the service decides it.
    let w = workdir::load(&conn).unwrap_or_default();
    let allowed = match w.row("services", &report.service) {
        Some(row) => rights::can_edit_service(&a.user.role, &row.fields),
        None => rights::is_admin(&a.user.role),
    };
    if !allowed {
        drop(conn);
        return c.forbidden(&a, i18n::text(a.lang, "not_your_county"));
    }
    let service_name = w
        .row("services", &report.service)
        .and_then(|r| r.fields.get("name_sv").cloned())
        .unwrap_or_else(|| report.service.clone());
    if note.is_empty() && state != "open" {
        drop(conn);
        let mut r = c.page(&a, "message.html", context! { title => i18n::text(a.lang, "not_saved"), message => i18n::text(a.lang, "note_required") });
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return r;
    }
    let res = conn
        .exec(
            r#"INSERT INTO console_corrections (event_id, state, note, "user", at) VALUES ($1, $2, $3, $4, $5)
               ON CONFLICT (event_id) DO UPDATE SET state = excluded.state, note = excluded.note, "user" = excluded."user", at = excluded.at"#,
            &[(&id).into(), state.into(), (&note).into(), (&a.user.name).into(), chrono::Utc::now().to_rfc3339().into()],
        )
        .and_then(|_| {
            audit::record(
                &conn,
                &a.user.name,
                &format!("correction.{action}"),
                &id,
                Some(&serde_json::json!({"state": report.state, "note": report.note})),
                Some(&serde_json::json!({"state": state, "note": note, "service": report.service})),
            )
        });
    drop(conn);
    match res {
        // A confirmation that names the report; deciding is undone by
        // reopening it (cheap: the report and its note stay).
        Ok(()) => {
            let done = match state {
                "resolved" => "correction_resolved",
                "dismissed" => "correction_dismissed",
                _ => "correction_reopened",
            };
            let undo = (state != "open").then(|| {
                context! {
                    action => format!("/console/corrections/{id}"),
                    fields => vec![("action", "reopen")],
                    label => i18n::text(a.lang, "reopen"),
                }
            });
            c.done(
                &a,
                &format!("/console/corrections?service={}&state=all", report.service),
                context! { message => format!("{}: {service_name} · {}", i18n::text(a.lang, done), report.month), undo },
            )
        }
        Err(e) => c.server_error(&a, &e.to_string()),
    }
}
