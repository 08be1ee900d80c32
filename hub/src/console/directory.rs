//! Directory pages: the service list ("verify first" by default, with
//! filters), the edit form for every field with the core's messages beside
//! each field, add, retire (with a reason) and "verified today".

use super::corrections;
use super::workdir::{self, field_of, Fields, Row, WorkDir};
use super::{audit, i18n, rights, Authed, Console};
use axum::extract::{Path as UrlPath, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;
use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Stockholm;
use fyr_core::content::SERVICE_COLUMNS;
use fyr_core::schedule::Schedule;
use fyr_core::vocab::{AgencyKind, Lang};
use minijinja::context;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

type FormPairs = Vec<(String, String)>;

/// One line of the service list.
#[derive(Serialize)]
struct Item {
    id: String,
    name: String,
    organization: String,
    agency_kind: String,
    area: String,
    municipality: String,
    verified_on: String,
    demo: bool,
    reports: u64,
    editable: bool,
    retired: Option<String>,
}

fn today() -> NaiveDate {
    Utc::now().with_timezone(&Stockholm).date_naive()
}

fn org_kinds(w: &WorkDir) -> HashMap<String, String> {
    w.rows
        .iter()
        .filter(|r| r.file == "organizations")
        .map(|r| {
            (
                r.key.clone(),
                r.fields.get("agency_kind").cloned().unwrap_or_default(),
            )
        })
        .collect()
}

fn items(c: &Console, a: &Authed, w: &WorkDir) -> Vec<Item> {
    let reports = corrections::open_counts(&c.conn());
    let kinds = org_kinds(w);
    let en = a.lang == "en";
    w.rows
        .iter()
        .filter(|r| r.file == "services")
        .map(|r| {
            let g = |k: &str| r.fields.get(k).cloned().unwrap_or_default();
            let name = if en && !g("name_en").is_empty() {
                g("name_en")
            } else {
                g("name_sv")
            };
            Item {
                id: r.key.clone(),
                name,
                agency_kind: kinds.get(&g("organization")).cloned().unwrap_or_default(),
                organization: g("organization"),
                area: g("area"),
                municipality: g("municipality"),
                verified_on: g("verified_on"),
                demo: matches!(g("demo").as_str(), "yes" | "ja"),
                reports: reports.get(&r.key).copied().unwrap_or(0),
                editable: rights::can_edit_service(&a.user.role, &r.fields),
                retired: r.retired.clone(),
            }
        })
        .collect()
}

/// Counts for the start page.
pub(crate) fn summary(c: &Console, a: &Authed) -> minijinja::Value {
    let w = workdir::load(&c.conn()).unwrap_or_default();
    let all = items(c, a, &w);
    let cutoff = today() - chrono::Duration::days(365);
    let old = all
        .iter()
        .filter(|i| i.retired.is_none())
        .filter(|i| {
            NaiveDate::parse_from_str(&i.verified_on, "%Y-%m-%d").map_or(true, |d| d < cutoff)
        })
        .count();
    let open: u64 = all.iter().map(|i| i.reports).sum();
    let mine = all
        .iter()
        .filter(|i| i.editable && i.retired.is_none())
        .count();
    let errors = w.records().err().map(|e| e.len()).unwrap_or(0);
    context! { services => all.len(), old, open, mine, errors }
}

#[derive(serde::Deserialize, Default)]
pub(crate) struct ListQuery {
    #[serde(default)]
    county: String,
    #[serde(default)]
    municipality: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    demo: String,
    #[serde(default)]
    reports: String,
    #[serde(default)]
    older_than: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    sort: String,
}

pub(crate) async fn list(
    State(c): State<Arc<Console>>,
    a: Authed,
    Query(q): Query<ListQuery>,
) -> Response {
    if !rights::can_read_directory(&a.user.role) {
        return c.forbidden(&a, i18n::text(a.lang, "no_directory"));
    }
    let w = workdir::load(&c.conn()).unwrap_or_default();
    let muni_county = w.county_of_municipality();
    let mut v = items(&c, &a, &w);
    let months: Option<i64> = q.older_than.parse().ok();
    let needle = fyr_core::text::fold(&q.q);
    v.retain(|i| {
        let counties = workdir::service_counties(
            &[
                ("area".to_string(), i.area.clone()),
                ("municipality".to_string(), i.municipality.clone()),
            ]
            .into(),
        );
        (q.county.is_empty()
            || (q.county == "SE" && counties.is_none())
            || counties.as_ref().is_some_and(|s| s.contains(&q.county)))
            && (q.municipality.is_empty()
                || i.municipality == q.municipality
                || i.area.split(';').any(|p| p.trim() == q.municipality)
                || muni_county
                    .get(&q.municipality)
                    .is_some_and(|cc| i.area == format!("county:{cc}")))
            && (q.kind.is_empty() || i.agency_kind == q.kind)
            && match q.demo.as_str() {
                "demo" => i.demo,
                "unverified" => i.demo || i.verified_on.is_empty(),
                "real" => !i.demo,
                _ => true,
            }
            && (q.reports.is_empty() || i.reports > 0)
            && months.is_none_or(|m| {
                NaiveDate::parse_from_str(&i.verified_on, "%Y-%m-%d")
                    .map_or(true, |d| d < today() - chrono::Duration::days(m * 30))
            })
            && (needle.is_empty()
                || fyr_core::text::fold(&format!("{} {} {}", i.id, i.name, i.organization))
                    .contains(&needle))
    });
    match q.sort.as_str() {
        "name" => v.sort_by(|a, b| a.name.cmp(&b.name)),
        _ => v.sort_by(|a, b| {
            (
                a.retired.is_some(),
                a.verified_on.clone(),
                std::cmp::Reverse(a.reports),
                a.id.clone(),
            )
                .cmp(&(
                    b.retired.is_some(),
                    b.verified_on.clone(),
                    std::cmp::Reverse(b.reports),
                    b.id.clone(),
                ))
        }),
    }
    let municipalities: Vec<(String, String)> = w
        .rows
        .iter()
        .filter(|r| r.file == "municipalities")
        .map(|r| {
            (
                r.key.clone(),
                r.fields.get("name").cloned().unwrap_or_default(),
            )
        })
        .collect();
    let lang = if a.lang == "en" { Lang::En } else { Lang::Sv };
    let kinds: Vec<(String, String)> = AgencyKind::entries()
        .into_iter()
        .map(|e| {
            (
                e.id.to_string(),
                if lang == Lang::En {
                    e.en.to_string()
                } else {
                    e.sv.to_string()
                },
            )
        })
        .collect();
    c.page(&a, "services.html", context! {
        items => v, q => context! { county => q.county, municipality => q.municipality, kind => q.kind, demo => q.demo, reports => q.reports, older_than => q.older_than, q => q.q, sort => q.sort },
        municipalities, kinds,
    })
}

/// The open times of the next 7 days in Europe/Stockholm, holidays named.
fn week_preview(hours: &str, lang: &str) -> Result<Vec<(String, String)>, String> {
    let s = Schedule::parse(hours).map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    let start = today();
    for d in 0..7 {
        let date = start + chrono::Duration::days(d);
        let mut spans: Vec<String> = Vec::new();
        let mut open_from: Option<String> = None;
        for slot in 0..=96u32 {
            let (h, m) = (slot / 4, (slot % 4) * 15);
            let open = if slot == 96 {
                false
            } else {
                match Stockholm
                    .from_local_datetime(&date.and_hms_opt(h, m, 0).expect("valid time"))
                    .earliest()
                {
                    Some(t) => s.is_open(t.with_timezone(&Utc)),
                    None => continue, // the hour skipped at the spring DST change
                }
            };
            let hm = format!("{h:02}:{m:02}");
            match (open, &open_from) {
                (true, None) => open_from = Some(hm),
                (false, Some(f)) => {
                    spans.push(format!(
                        "{f}–{}",
                        if slot == 96 { "24:00".into() } else { hm }
                    ));
                    open_from = None;
                }
                _ => {}
            }
        }
        let hol = fyr_core::schedule::holidays::holiday_on(date)
            .map(|h| format!(" ({})", if lang == "en" { h.name_en } else { h.name_sv }))
            .unwrap_or_default();
        let wd = ["mån", "tis", "ons", "tor", "fre", "lör", "sön"]
            [date.weekday().num_days_from_monday() as usize];
        let wd_en = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
            [date.weekday().num_days_from_monday() as usize];
        let label = format!(
            "{} {}{hol}",
            if lang == "en" { wd_en } else { wd },
            date.format("%Y-%m-%d")
        );
        let text = if spans.is_empty() {
            i18n::text(lang, "closed").to_string()
        } else {
            spans.join(", ")
        };
        out.push((label, text));
    }
    Ok(out)
}

/// The core's problems about one service, by form field ("" = the row as a whole).
fn service_errors(w: &WorkDir, id: &str) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let errors = w.directory_errors();
    let fields = w
        .row("services", id)
        .map(|r| r.fields.clone())
        .unwrap_or_default();
    for e in errors.iter().filter(|e| e.id.as_deref() == Some(id)) {
        let f = field_of(&e.problem, &fields, &e.file).unwrap_or_default();
        out.entry(f).or_default().push(e.problem.clone());
    }
    out
}

fn render_form(
    c: &Console,
    a: &Authed,
    w: &WorkDir,
    id: &str,
    errors: BTreeMap<String, Vec<String>>,
    is_new: bool,
    saved: bool,
) -> Response {
    let row = w.row("services", id).cloned().unwrap_or_else(|| Row {
        file: "services".into(),
        key: id.into(),
        ord: 0,
        fields: Fields::new(),
        retired: None,
    });
    let phones: Vec<Fields> = w
        .phones_of(id)
        .into_iter()
        .map(|r| r.fields.clone())
        .collect();
    let preview = row
        .fields
        .get("hours")
        .filter(|h| !h.is_empty())
        .map(|h| week_preview(h, a.lang));
    let conn = c.conn();
    let reports = corrections::open_for(&conn, id);
    let verifications = verifications_of(&conn, id);
    drop(conn);
    let editable = is_new || rights::can_edit_service(&a.user.role, &row.fields);
    let organizations: Vec<String> = w
        .rows
        .iter()
        .filter(|r| r.file == "organizations")
        .map(|r| r.key.clone())
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let error_count: usize = errors.values().map(Vec::len).sum();
    let mut r = c.page(a, "service.html", context! {
        id, row => row.fields, retired => row.retired, phones, errors, error_count, is_new, saved, editable,
        columns => SERVICE_COLUMNS, organizations, reports, verifications,
        preview => preview.as_ref().and_then(|p| p.as_ref().ok()),
        preview_error => preview.as_ref().and_then(|p| p.as_ref().err()),
    });
    *r.status_mut() = status;
    r
}

pub(crate) async fn new_form(State(c): State<Arc<Console>>, a: Authed) -> Response {
    if !rights::can_read_directory(&a.user.role) {
        return c.forbidden(&a, i18n::text(a.lang, "no_directory"));
    }
    let w = workdir::load(&c.conn()).unwrap_or_default();
    render_form(&c, &a, &w, "", BTreeMap::new(), true, false)
}

pub(crate) async fn show(
    State(c): State<Arc<Console>>,
    a: Authed,
    UrlPath(id): UrlPath<String>,
) -> Response {
    if !rights::can_read_directory(&a.user.role) {
        return c.forbidden(&a, i18n::text(a.lang, "no_directory"));
    }
    let w = workdir::load(&c.conn()).unwrap_or_default();
    if w.row("services", &id).is_none() {
        return (StatusCode::NOT_FOUND, "no such service\n").into_response();
    }
    let errors = service_errors(&w, &id);
    let mut r = render_form(&c, &a, &w, &id, errors, false, false);
    *r.status_mut() = StatusCode::OK;
    r
}

fn get<'f>(f: &'f FormPairs, k: &str) -> &'f str {
    f.iter()
        .find(|(n, _)| n == k)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

/// The service's fields and phone rows from a submitted form.
fn from_form(f: &FormPairs, id: &str, base: &Fields) -> (Fields, Vec<Fields>) {
    let mut fields = base.clone();
    for col in SERVICE_COLUMNS.iter().filter(|c| **c != "id") {
        if f.iter().any(|(n, _)| n == col) {
            fields.insert(col.to_string(), get(f, col).trim().to_string());
        }
    }
    fields.insert("id".into(), id.to_string());
    let mut phones = Vec::new();
    for n in 0..50 {
        let k = |c: &str| format!("phone_{c}_{n}");
        if !f.iter().any(|(name, _)| *name == k("number")) {
            break;
        }
        let number = get(f, &k("number")).trim();
        if number.is_empty() {
            continue;
        }
        let mut p = Fields::new();
        p.insert("service".into(), id.to_string());
        p.insert("number".into(), number.to_string());
        for c in ["kind", "label_sv", "label_en", "hours"] {
            p.insert(c.into(), get(f, &k(c)).trim().to_string());
        }
        phones.push(p);
    }
    (fields, phones)
}

fn apply(w: &mut WorkDir, id: &str, fields: Fields, phones: Vec<Fields>, ord: i64) {
    let retired = w.row("services", id).and_then(|r| r.retired.clone());
    let of_service = |r: &Row| {
        (r.file == "services" && r.key == id)
            || (r.file == "phones" && r.fields.get("service").map(String::as_str) == Some(id))
    };
    w.rows.retain(|r| !of_service(r));
    w.rows.push(Row {
        file: "services".into(),
        key: id.into(),
        ord,
        fields,
        retired,
    });
    let base = w
        .rows
        .iter()
        .filter(|r| r.file == "phones")
        .map(|r| r.ord)
        .max()
        .unwrap_or(0);
    for (i, p) in phones.into_iter().enumerate() {
        w.rows.push(Row {
            file: "phones".into(),
            key: format!("{id}#{:03}", i + 1),
            ord: base + i as i64 + 1,
            fields: p,
            retired: None,
        });
    }
}

/// Stores one service and its phones; refused (nothing stored) when the core finds problems in it.
fn store(
    c: &Console,
    a: &Authed,
    w: &mut WorkDir,
    id: &str,
    fields: Fields,
    phones: Vec<Fields>,
    is_new: bool,
) -> Response {
    let before = w.row("services", id).map(|r| serde_json::json!({"fields": r.fields, "phones": w.phones_of(id).iter().map(|p| &p.fields).collect::<Vec<_>>()}));
    let ord = w.row("services", id).map(|r| r.ord).unwrap_or_else(|| {
        w.rows
            .iter()
            .filter(|r| r.file == "services")
            .map(|r| r.ord)
            .max()
            .unwrap_or(0)
            + 1
    });
    apply(w, id, fields.clone(), phones.clone(), ord);
    let errors = service_errors(w, id);
    if !errors.is_empty() {
        return render_form(c, a, w, id, errors, is_new, false);
    }
    let conn = c.conn();
    let res = (|| -> rusqlite::Result<()> {
        conn.execute("DELETE FROM console_rows WHERE file = 'phones' AND json_extract(fields, '$.service') = ?1", [id])?;
        for r in w.rows.iter().filter(|r| {
            (r.file == "services" && r.key == id)
                || (r.file == "phones" && r.fields.get("service").map(String::as_str) == Some(id))
        }) {
            workdir::put_row(&conn, r)?;
        }
        let after = serde_json::json!({"fields": fields, "phones": phones});
        audit::record(
            &conn,
            &a.user.name,
            if is_new {
                "service.add"
            } else {
                "service.edit"
            },
            id,
            before.as_ref(),
            Some(&after),
        )
    })();
    drop(conn);
    if let Err(e) = res {
        return (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("could not save: {e}\n"),
        )
            .into_response();
    }
    render_form(c, a, w, id, BTreeMap::new(), false, true)
}

pub(crate) async fn save(
    State(c): State<Arc<Console>>,
    a: Authed,
    UrlPath(id): UrlPath<String>,
    Form(f): Form<FormPairs>,
) -> Response {
    let mut w = workdir::load(&c.conn()).unwrap_or_default();
    let Some(old) = w.row("services", &id).cloned() else {
        return (StatusCode::NOT_FOUND, "no such service\n").into_response();
    };
    let (fields, mut phones) = from_form(&f, &id, &old.fields);
    // Like the fields, phones a submission does not mention are kept (the
    // form always sends its phone rows; a partial submission keeps them).
    if !f.iter().any(|(name, _)| name.starts_with("phone_number_")) {
        phones = w.phones_of(&id).iter().map(|r| r.fields.clone()).collect();
    }
    if !rights::can_edit_service(&a.user.role, &old.fields)
        || !rights::can_edit_service(&a.user.role, &fields)
    {
        return c.forbidden(&a, i18n::text(a.lang, "not_your_county"));
    }
    store(&c, &a, &mut w, &id, fields, phones, false)
}

pub(crate) async fn create(
    State(c): State<Arc<Console>>,
    a: Authed,
    Form(f): Form<FormPairs>,
) -> Response {
    let id = get(&f, "id").trim().to_string();
    let mut w = workdir::load(&c.conn()).unwrap_or_default();
    let (fields, phones) = from_form(&f, &id, &Fields::new());
    if !rights::can_edit_service(&a.user.role, &fields) {
        return c.forbidden(&a, i18n::text(a.lang, "not_your_county"));
    }
    if id.is_empty() || w.row("services", &id).is_some() {
        let mut errors = BTreeMap::new();
        errors.insert(
            "id".to_string(),
            vec![i18n::text(a.lang, "id_taken").to_string()],
        );
        apply(&mut w, "", fields, phones, 0);
        return render_form(&c, &a, &w, "", errors, true, false);
    }
    store(&c, &a, &mut w, &id, fields, phones, true)
}

fn verifications_of(conn: &rusqlite::Connection, id: &str) -> Vec<(String, String, String)> {
    conn.prepare(
        "SELECT date, user, how FROM console_verifications WHERE service = ?1 ORDER BY id DESC",
    )
    .and_then(|mut st| {
        st.query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
            .collect()
    })
    .unwrap_or_default()
}

fn change(
    c: &Console,
    a: &Authed,
    id: &str,
    action: &str,
    f: impl FnOnce(&mut Row) -> Result<(), String>,
) -> Response {
    let w = workdir::load(&c.conn()).unwrap_or_default();
    let Some(mut row) = w.row("services", id).cloned() else {
        return (StatusCode::NOT_FOUND, "no such service\n").into_response();
    };
    if !rights::can_edit_service(&a.user.role, &row.fields) {
        return c.forbidden(a, i18n::text(a.lang, "not_your_county"));
    }
    let before = serde_json::json!({"fields": row.fields, "retired": row.retired});
    if let Err(e) = f(&mut row) {
        return c.page(
            a,
            "message.html",
            context! { title => i18n::text(a.lang, "not_saved"), message => e },
        );
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
            context! { title => i18n::text(a.lang, "not_saved"), message => problems.join(" · ") },
        );
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return r;
    }
    let after = serde_json::json!({"fields": row.fields, "retired": row.retired});
    let conn = c.conn();
    if workdir::put_row(&conn, &row)
        .and_then(|_| audit::record(&conn, &a.user.name, action, id, Some(&before), Some(&after)))
        .is_err()
    {
        return (StatusCode::INTERNAL_SERVER_ERROR, "could not save\n").into_response();
    }
    drop(conn);
    Redirect::to(&format!("/console/services/{id}")).into_response()
}

pub(crate) async fn verify(
    State(c): State<Arc<Console>>,
    a: Authed,
    UrlPath(id): UrlPath<String>,
    Form(f): Form<FormPairs>,
) -> Response {
    let how = get(&f, "how").to_string();
    if !["phone", "website", "email"].contains(&how.as_str()) {
        return c.page(&a, "message.html", context! { title => i18n::text(a.lang, "not_saved"), message => i18n::text(a.lang, "how_required") });
    }
    let date = today().format("%Y-%m-%d").to_string();
    let user = a.user.name.clone();
    let r = change(&c, &a, &id, "service.verify", |row| {
        row.fields.insert("verified_on".into(), date.clone());
        Ok(())
    });
    if r.status() == StatusCode::SEE_OTHER {
        let _ = c.conn().execute(
            "INSERT INTO console_verifications (service, date, user, how) VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![id, date, user, how],
        );
    }
    r
}

pub(crate) async fn retire(
    State(c): State<Arc<Console>>,
    a: Authed,
    UrlPath(id): UrlPath<String>,
    Form(f): Form<FormPairs>,
) -> Response {
    let reason = get(&f, "reason").trim().to_string();
    let lang = a.lang;
    change(&c, &a, &id, "service.retire", |row| {
        if reason.is_empty() {
            return Err(i18n::text(lang, "reason_required").to_string());
        }
        row.retired = Some(reason);
        Ok(())
    })
}
