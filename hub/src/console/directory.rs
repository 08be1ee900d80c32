//! The service edit form: every field, all problems at once beside their
//! fields (the console's own checks in its language — lengths, real Swedish
//! phone numbers, dates not in the future — then the core's rules), the
//! form keeps what was typed; a stale save (someone else saved the entry
//! since the form was opened) is refused with both versions side by side;
//! add (retire, bring back and "verified today" are in `service_state.rs`).
//! Every change is a draft with its owner and a "ready" state (`drafts.rs`).

use super::corrections;
use super::drafts;
use super::services_list::today;
use super::workdir::{self, field_of, Fields, Row, WorkDir};
use super::{audit, i18n, inputs, labels, rights, Authed, Console};
use crate::db::Sql;
use axum::extract::{Path as UrlPath, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use chrono::{Datelike, TimeZone, Utc};
use chrono_tz::Europe::Stockholm;
use fyr_core::content::SERVICE_COLUMNS;
use fyr_core::schedule::Schedule;
use fyr_core::vocab::{Group, Need};
use minijinja::context;
use std::collections::BTreeMap;
use std::sync::Arc;

pub(crate) type FormPairs = Vec<(String, String)>;

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
pub(crate) fn service_errors(w: &WorkDir, id: &str) -> BTreeMap<String, Vec<String>> {
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

pub(crate) struct FormState<'a> {
    pub errors: BTreeMap<String, Vec<String>>,
    pub is_new: bool,
    /// The version the form was opened at (kept through a refused save).
    pub etag: Option<&'a str>,
    pub ready: Option<bool>,
}

fn render_form(c: &Console, a: &Authed, w: &WorkDir, id: &str, st: FormState) -> Response {
    let FormState {
        errors,
        is_new,
        etag,
        ready,
    } = st;
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
    let verifications: Vec<(String, String, String)> = verifications_of(&conn, id);
    let draft = drafts::get(&conn, id);
    drop(conn);
    let editable = is_new || rights::can_edit_service(&a.user.role, &row.fields);
    let organizations: Vec<(String, String)> = w
        .rows
        .iter()
        .filter(|r| r.file == "organizations")
        .map(|r| {
            let kind = r
                .fields
                .get("agency_kind")
                .map(|k| labels::agency_kind(k, a.lang))
                .unwrap_or_default();
            (
                r.key.clone(),
                format!(
                    "{} ({kind})",
                    r.fields.get("name").cloned().unwrap_or_default()
                ),
            )
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let error_count: usize = errors.values().map(Vec::len).sum();
    let field_names: BTreeMap<String, String> = errors
        .keys()
        .map(|k| (k.clone(), labels::field(k, a.lang)))
        .collect();
    let names = labels::municipalities(w);
    let area_label = labels::area(
        row.fields.get("area").map(String::as_str).unwrap_or(""),
        &names,
        a.lang,
    );
    let etag = etag
        .map(str::to_string)
        .unwrap_or_else(|| drafts::etag(w, id));
    let ready = ready.or(draft.as_ref().map(|d| d.ready)).unwrap_or(true);
    let mut r = c.page(a, "service.html", context! {
        id, row => row.fields, retired => row.retired, phones, errors, error_count, is_new, editable,
        columns => SERVICE_COLUMNS, organizations, reports, verifications, etag, ready, draft,
        field_names, area_label,
        groups_hint => vocab_hint(Group::ALL.iter().map(|g| g.id())),
        needs_hint => vocab_hint(Need::ALL.iter().map(|n| n.id())),
        channels => [("voice", labels::channel("voice", a.lang)), ("sms", labels::channel("sms", a.lang))],
        preview => preview.as_ref().and_then(|p| p.as_ref().ok()),
        preview_error => preview.as_ref().and_then(|p| p.as_ref().err()),
    });
    *r.status_mut() = status;
    r
}

/// The ids a vocabulary field takes, from the one definition (`fyr vocab`).
fn vocab_hint<'a>(ids: impl Iterator<Item = &'a str>) -> String {
    ids.collect::<Vec<_>>().join("; ")
}

fn fresh(errors: BTreeMap<String, Vec<String>>, is_new: bool) -> FormState<'static> {
    FormState {
        errors,
        is_new,
        etag: None,
        ready: None,
    }
}

pub(crate) async fn new_form(State(c): State<Arc<Console>>, a: Authed) -> Response {
    if !rights::can_read_directory(&a.user.role) {
        return c.forbidden(&a, i18n::text(a.lang, "no_directory"));
    }
    let w = workdir::load(&c.conn()).unwrap_or_default();
    render_form(&c, &a, &w, "", fresh(BTreeMap::new(), true))
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
        return c.not_found(&a, i18n::text(a.lang, "no_such_service"));
    }
    let errors = service_errors(&w, &id);
    let mut r = render_form(&c, &a, &w, &id, fresh(errors, false));
    *r.status_mut() = StatusCode::OK;
    r
}

pub(crate) fn get<'f>(f: &'f FormPairs, k: &str) -> &'f str {
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

/// The console's own checks, in its language, before the core's rules:
/// real Swedish phone numbers (a number already stored is not re-judged),
/// a verification date that is a date and not in the future, names given.
fn console_checks(
    fields: &Fields,
    phones: &[Fields],
    old_phones: &[String],
    lang: &str,
) -> BTreeMap<String, Vec<String>> {
    let en = lang == "en";
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for p in phones {
        let n = p.get("number").map(String::as_str).unwrap_or("");
        if !old_phones.iter().any(|o| o == n) {
            if let Err(e) = inputs::check_phone(n, en) {
                out.entry("phones".into()).or_default().push(e);
            }
        }
        if let Some(k) = p
            .get("kind")
            .filter(|k| !k.is_empty() && *k != "voice" && *k != "sms")
        {
            out.entry("phones".into())
                .or_default()
                .push(format!("{k}: {}", i18n::text(lang, "channel_rule")));
        }
    }
    if let Some(d) = fields.get("verified_on").filter(|d| !d.is_empty()) {
        if let Err(e) = inputs::check_date(d, today(), en) {
            out.entry("verified_on".into()).or_default().push(e);
        }
    }
    if fields.get("name_sv").is_none_or(|n| n.is_empty()) {
        out.entry("name_sv".into())
            .or_default()
            .push(i18n::text(lang, "required").to_string());
    }
    out
}

/// Stores one service and its phones; refused (nothing stored) when the
/// console's checks or the core find problems in it; otherwise redirects to
/// the entry with the confirmation that it reaches phones when published.
#[allow(clippy::too_many_arguments)]
fn store(
    c: &Console,
    a: &Authed,
    w: &mut WorkDir,
    id: &str,
    fields: Fields,
    phones: Vec<Fields>,
    is_new: bool,
    ready: bool,
    etag: &str,
) -> Response {
    let before_snap = drafts::snapshot(w, id);
    let before = before_snap
        .as_ref()
        .map(|s| serde_json::json!({"fields": s.fields, "phones": s.phones}));
    let old_phones: Vec<String> = w
        .phones_of(id)
        .iter()
        .filter_map(|p| p.fields.get("number").cloned())
        .collect();
    let ord = w.row("services", id).map(|r| r.ord).unwrap_or_else(|| {
        w.rows
            .iter()
            .filter(|r| r.file == "services")
            .map(|r| r.ord)
            .max()
            .unwrap_or(0)
            + 1
    });
    let mut errors = console_checks(&fields, &phones, &old_phones, a.lang);
    apply(w, id, fields.clone(), phones.clone(), ord);
    for (f, list) in service_errors(w, id) {
        let mine = errors.entry(f).or_default();
        for e in list {
            if !mine.contains(&e) {
                mine.push(e);
            }
        }
    }
    if !errors.is_empty() {
        let st = FormState {
            errors,
            is_new,
            etag: Some(etag),
            ready: Some(ready),
        };
        return render_form(c, a, w, id, st);
    }
    let conn = c.conn();
    let res = conn.in_transaction(|conn| -> Result<(), crate::db::DbError> {
        workdir::delete_phones_of(conn, id)?;
        for r in w.rows.iter().filter(|r| {
            (r.file == "services" && r.key == id)
                || (r.file == "phones" && r.fields.get("service").map(String::as_str) == Some(id))
        }) {
            workdir::put_row(conn, r)?;
        }
        drafts::touch(conn, id, &a.user.name, Some(ready), before_snap.as_ref())?;
        let after = serde_json::json!({"fields": fields, "phones": phones, "ready": ready});
        audit::record(
            conn,
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
    });
    drop(conn);
    if let Err(e) = res {
        return c.server_error(a, &format!("could not save: {e}"));
    }
    let message = i18n::text(
        a.lang,
        if ready {
            "saved_publish"
        } else {
            "saved_draft"
        },
    );
    c.done(a, &format!("/console/services/{id}"), context! { message })
}

/// A save made on an older version of the entry: nothing is stored; both
/// versions are shown side by side, with the choice to save one's own.
fn conflict(
    c: &Console,
    a: &Authed,
    w: &WorkDir,
    id: &str,
    mine: &Fields,
    my_phones: &[Fields],
    f: &FormPairs,
) -> Response {
    let theirs = drafts::snapshot(w, id).unwrap_or_default();
    let mut rows = Vec::new();
    for col in SERVICE_COLUMNS.iter().filter(|c| **c != "id") {
        let (t, m) = (
            theirs.fields.get(*col).cloned().unwrap_or_default(),
            mine.get(*col).cloned().unwrap_or_default(),
        );
        if t != m {
            rows.push((labels::field(col, a.lang), t, m));
        }
    }
    let nums = |p: &[Fields]| {
        p.iter()
            .filter_map(|x| x.get("number").cloned())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if nums(&theirs.phones) != nums(my_phones) {
        rows.push((
            labels::field("phones", a.lang),
            nums(&theirs.phones),
            nums(my_phones),
        ));
    }
    let other = drafts::get(&c.conn(), id)
        .map(|d| format!("{} {}", d.owner, labels::when_text(&d.at, a.lang)));
    let fields: Vec<(String, String)> = f
        .iter()
        .filter(|(k, _)| k != "csrf" && k != "etag")
        .cloned()
        .collect();
    let mut r = c.page(
        a,
        "conflict.html",
        context! {
            rows, other, fields, etag => drafts::etag(w, id),
            action => format!("/console/services/{id}"), back => format!("/console/services/{id}"),
        },
    );
    *r.status_mut() = StatusCode::CONFLICT;
    r
}

pub(crate) async fn save(
    State(c): State<Arc<Console>>,
    a: Authed,
    UrlPath(id): UrlPath<String>,
    Form(f): Form<FormPairs>,
) -> Response {
    let mut w = workdir::load(&c.conn()).unwrap_or_default();
    let Some(old) = w.row("services", &id).cloned() else {
        return c.not_found(&a, i18n::text(a.lang, "no_such_service"));
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
    let etag = get(&f, "etag");
    if etag.is_empty() {
        return c.bad_request(&a, i18n::text(a.lang, "etag_missing"));
    }
    if etag != drafts::etag(&w, &id) {
        return conflict(&c, &a, &w, &id, &fields, &phones, &f);
    }
    let ready = get(&f, "ready") == "1";
    store(&c, &a, &mut w, &id, fields, phones, false, ready, etag)
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
    let ready = get(&f, "ready") == "1";
    if id.is_empty() || w.row("services", &id).is_some() {
        let mut errors = BTreeMap::new();
        errors.insert(
            "id".to_string(),
            vec![i18n::text(a.lang, "id_taken").to_string()],
        );
        let old: Vec<String> = Vec::new();
        for (k, v) in console_checks(&fields, &phones, &old, a.lang) {
            errors.insert(k, v);
        }
        apply(&mut w, "", fields, phones, 0);
        return render_form(
            &c,
            &a,
            &w,
            "",
            FormState {
                errors,
                is_new: true,
                etag: None,
                ready: Some(ready),
            },
        );
    }
    store(&c, &a, &mut w, &id, fields, phones, true, ready, "")
}

fn verifications_of(conn: &crate::db::Db, id: &str) -> Vec<(String, String, String)> {
    conn.rows(
        r#"SELECT date, "user", how FROM console_verifications WHERE service = $1 ORDER BY id DESC"#,
        &[id.into()],
    )
    .and_then(|rows| {
        rows.iter()
            .map(|r| Ok((r.text(0)?, r.text(1)?, r.text(2)?)))
            .collect()
    })
    .unwrap_or_default()
}
