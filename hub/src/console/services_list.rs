//! The service list: "verify first" by default, filters, each service's
//! phone numbers and whether it is open now (Europe/Stockholm, holidays
//! counted, by the core's schedule), labels instead of ids, and bulk
//! "verified today" of the selected services. The start page's counts.

use super::corrections;
use super::workdir::{self, WorkDir};
use super::{audit, drafts, i18n, labels, rights, Authed, Console};
use crate::db::Sql;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::Form;
use chrono::{NaiveDate, Utc};
use chrono_tz::Europe::Stockholm;
use fyr_core::schedule::Schedule;
use fyr_core::vocab::Lang;
use minijinja::context;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;

/// One line of the service list.
#[derive(Serialize)]
pub(crate) struct Item {
    pub id: String,
    pub name: String,
    pub organization: String,
    pub agency_kind: String,
    pub agency_kind_label: String,
    pub area: String,
    pub area_label: String,
    pub municipality: String,
    pub verified_on: String,
    pub demo: bool,
    pub reports: u64,
    pub editable: bool,
    pub retired: Option<String>,
    pub phones: Vec<String>,
    pub open_now: Option<bool>,
    pub open_text: String,
    pub draft: Option<String>,
}

pub(crate) fn today() -> NaiveDate {
    Utc::now().with_timezone(&Stockholm).date_naive()
}

fn org_info(w: &WorkDir) -> HashMap<String, (String, String)> {
    w.rows
        .iter()
        .filter(|r| r.file == "organizations")
        .map(|r| {
            (
                r.key.clone(),
                (
                    r.fields.get("agency_kind").cloned().unwrap_or_default(),
                    r.fields.get("name").cloned().unwrap_or_default(),
                ),
            )
        })
        .collect()
}

pub(crate) fn items(c: &Console, a: &Authed, w: &WorkDir) -> Vec<Item> {
    let reports = corrections::open_counts(&c.conn());
    let drafts: HashMap<String, drafts::Draft> = drafts::all(&c.conn())
        .into_iter()
        .map(|d| (d.service.clone(), d))
        .collect();
    let orgs = org_info(w);
    let names = labels::municipalities(w);
    let en = a.lang == "en";
    let lang = if en { Lang::En } else { Lang::Sv };
    let now = Utc::now();
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
            let (kind, org_name) = orgs.get(&g("organization")).cloned().unwrap_or_default();
            let status = Schedule::parse(&g("hours"))
                .ok()
                .map(|s| s.status(now, lang));
            Item {
                id: r.key.clone(),
                name,
                agency_kind_label: labels::agency_kind(&kind, a.lang),
                agency_kind: kind,
                organization: if org_name.is_empty() {
                    g("organization")
                } else {
                    org_name
                },
                area_label: labels::area(&g("area"), &names, a.lang),
                area: g("area"),
                municipality: g("municipality"),
                verified_on: g("verified_on"),
                demo: matches!(g("demo").as_str(), "yes" | "ja"),
                reports: reports.get(&r.key).copied().unwrap_or(0),
                editable: rights::can_edit_service(&a.user.role, &r.fields),
                retired: r.retired.clone(),
                phones: w
                    .phones_of(&r.key)
                    .iter()
                    .filter_map(|p| p.fields.get("number").cloned())
                    .collect(),
                open_now: status.as_ref().map(|s| s.open),
                open_text: status.map(|s| s.text).unwrap_or_default(),
                draft: drafts.get(&r.key).map(|d| {
                    format!(
                        "{} {}{}",
                        i18n::text(a.lang, "draft_by"),
                        d.owner,
                        if d.ready {
                            ""
                        } else {
                            i18n::text(a.lang, "not_ready_suffix")
                        }
                    )
                }),
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
    let drafts = drafts::all(&c.conn())
        .into_iter()
        .filter(|d| d.owner == a.user.name)
        .count();
    context! { services => all.len(), old, open, mine, errors, drafts }
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

/// The months of "verified longer ago than": 1–240, or a 400 naming it.
fn months(s: &str, lang: &str) -> Result<Option<i64>, String> {
    if s.is_empty() {
        return Ok(None);
    }
    s.parse::<i64>()
        .ok()
        .filter(|m| (1..=240).contains(m))
        .map(Some)
        .ok_or_else(|| format!("older_than: {}", i18n::text(lang, "older_than_rule")))
}

pub(crate) async fn list(
    State(c): State<Arc<Console>>,
    a: Authed,
    Query(q): Query<ListQuery>,
) -> Response {
    if !rights::can_read_directory(&a.user.role) {
        return c.forbidden(&a, i18n::text(a.lang, "no_directory"));
    }
    let months = match months(&q.older_than, a.lang) {
        Ok(m) => m,
        Err(e) => return c.bad_request(&a, &e),
    };
    let w = workdir::load(&c.conn()).unwrap_or_default();
    let muni_county = w.county_of_municipality();
    let mut v = items(&c, &a, &w);
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
                || fyr_core::text::fold(&format!(
                    "{} {} {} {}",
                    i.id,
                    i.name,
                    i.organization,
                    i.phones.join(" ")
                ))
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
    let municipalities: Vec<(String, String)> = labels::municipalities(&w).into_iter().collect();
    let any_editable = v.iter().any(|i| i.editable && i.retired.is_none());
    c.page(&a, "services.html", context! {
        items => v, q => context! { county => q.county, municipality => q.municipality, kind => q.kind, demo => q.demo, reports => q.reports, older_than => q.older_than, q => q.q, sort => q.sort },
        municipalities, kinds => labels::agency_kinds(a.lang), counties => labels::counties(), any_editable,
    })
}

/// "Verified today" for every selected service this account may change,
/// each recorded as a verification (who, how) and audited; the others are
/// named in the confirmation.
pub(crate) async fn bulk_verify(
    State(c): State<Arc<Console>>,
    a: Authed,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let how = f
        .iter()
        .find(|(k, _)| k == "how")
        .map(|(_, v)| v.clone())
        .unwrap_or_default();
    if !["phone", "website", "email"].contains(&how.as_str()) {
        return c.bad_request(&a, i18n::text(a.lang, "how_required"));
    }
    let ids: Vec<String> = f
        .iter()
        .filter(|(k, _)| k == "id")
        .map(|(_, v)| v.clone())
        .collect();
    if ids.is_empty() {
        return c.bad_request(&a, i18n::text(a.lang, "select_some"));
    }
    let date = today().format("%Y-%m-%d").to_string();
    let w = workdir::load(&c.conn()).unwrap_or_default();
    let (mut done, mut refused) = (Vec::new(), Vec::new());
    let conn = c.conn();
    for id in &ids {
        let Some(row) = w.row("services", id) else {
            refused.push(id.clone());
            continue;
        };
        if !rights::can_edit_service(&a.user.role, &row.fields) || row.retired.is_some() {
            refused.push(id.clone());
            continue;
        }
        let before = drafts::snapshot(&w, id);
        let mut r = row.clone();
        r.fields.insert("verified_on".into(), date.clone());
        let ok = workdir::put_row(&conn, &r)
            .and_then(|_| drafts::touch(&conn, id, &a.user.name, None, before.as_ref()))
            .and_then(|_| {
                conn.exec(
                    r#"INSERT INTO console_verifications (service, date, "user", how) VALUES ($1, $2, $3, $4)"#,
                    &[id.into(), (&date).into(), (&a.user.name).into(), (&how).into()],
                )
                .map(|_| ())
            })
            .and_then(|_| {
                audit::record(
                    &conn,
                    &a.user.name,
                    "service.verify",
                    id,
                    Some(&serde_json::json!({"verified_on": row.fields.get("verified_on")})),
                    Some(&serde_json::json!({"verified_on": date, "how": how})),
                )
            });
        if ok.is_ok() {
            done.push(id.clone());
        } else {
            refused.push(id.clone());
        }
    }
    drop(conn);
    let mut message = format!(
        "{} {} – {}",
        done.len(),
        i18n::text(a.lang, "verified_count"),
        i18n::text(a.lang, "reaches_phones")
    );
    if !refused.is_empty() {
        message.push_str(&format!(
            " {} {}",
            i18n::text(a.lang, "not_verified_these"),
            refused.join(", ")
        ));
    }
    c.done(&a, "/console/services", context! { message })
}
