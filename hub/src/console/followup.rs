//! The yearly follow-up: screenings by quarter, municipality, agency kind and
//! level; correction reports per month; published versions; verification
//! coverage per municipality; and the agreement's indicators (activities,
//! consultations) recorded per quarter by coordinators. Every count goes
//! through `report::suppress` (cells under 3 shown as "<3"). The screening
//! table is `report::report`'s finest table; the charts sum only its shown
//! cells (a function of what is already published, so nothing suppressed can
//! be recovered from them), and no table prints a total.

use super::charts::{bar_chart, Bar};
use super::workdir;
use super::{audit, i18n, rights, Authed, Console};
use crate::db::Sql;
use crate::report::{self, suppress, ReportRow};
use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use chrono::{Datelike, NaiveDate};
use minijinja::context;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

pub const INDICATORS: &[&str] = &["activities", "consultations"];

#[derive(serde::Deserialize, Default)]
pub(crate) struct FQuery {
    #[serde(default)]
    year: Option<i32>,
    #[serde(default)]
    print: Option<String>,
}

#[derive(Serialize, Default)]
struct Followup {
    year: i32,
    rows: Vec<ReportRow>,
    corrections: Vec<(String, Option<u64>)>,
    versions: Vec<(u64, String)>,
    coverage: Vec<(String, String, Option<u64>, Option<u64>)>,
    indicators: Vec<(String, String, String, Option<u64>)>,
    /// Samråd per quarter and agency kind contacted (suppressed under 3).
    cooperation: Vec<report::CooperationCell>,
    charts: Vec<String>,
    suppressed_cells: usize,
}

/// Sums per key for the charts. A group that holds any suppressed cell is
/// not drawn as a bar at all (its size is unknown: several cells under 3
/// can add up to more than any shown number): it is drawn as an outline
/// with "at least N" (the sum of its shown cells, already public) or, with
/// no shown cell, "hidden". Never a bar smaller than the group is.
fn shown_sums(rows: &[ReportRow], key: impl Fn(&ReportRow) -> String, lang: &str) -> Vec<Bar> {
    let mut m: BTreeMap<String, (u64, bool)> = BTreeMap::new();
    for r in rows {
        let e = m.entry(key(r)).or_default();
        match r.count {
            Some(n) => e.0 += n,
            None => e.1 = true,
        }
    }
    m.into_iter()
        .map(|(label, (n, some_hidden))| {
            if some_hidden {
                let note = if n == 0 {
                    i18n::text(lang, "chart_hidden").to_string()
                } else {
                    format!(
                        "{} {n} ({})",
                        i18n::text(lang, "chart_at_least"),
                        i18n::text(lang, "chart_some_hidden")
                    )
                };
                Bar {
                    label,
                    value: None,
                    note: Some(note),
                }
            } else {
                Bar {
                    label,
                    value: Some(n),
                    note: None,
                }
            }
        })
        .collect()
}

fn build(c: &Console, lang: &str, year: i32) -> Result<Followup, String> {
    let conn = c.conn();
    let rep = report::report_on(&*conn, Some(year)).map_err(|e| e.to_string())?;
    let prefix = format!("{year:04}-");
    let mut per_month: BTreeMap<String, u64> = BTreeMap::new();
    for r in super::corrections::all(&conn)
        .into_iter()
        .filter(|r| r.month.starts_with(&prefix))
    {
        *per_month.entry(r.month).or_default() += 1;
    }
    let corrections: Vec<(String, Option<u64>)> = per_month
        .into_iter()
        .map(|(m, n)| (m, suppress(n)))
        .collect();
    let versions = crate::publish::version_history(c.feed_dir())
        .unwrap_or_default()
        .into_iter()
        .filter(|v| v.created.year() == year)
        .map(|v| (v.version, v.created.format("%Y-%m-%d").to_string()))
        .collect();
    // Verification coverage: entries per municipality and the share verified in the last 12 months.
    let w = workdir::load(&conn).unwrap_or_default();
    let today = chrono::Utc::now().date_naive();
    let cutoff = today - chrono::Duration::days(365);
    let mut cov: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    let names: BTreeMap<String, String> = w
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
    for r in w
        .rows
        .iter()
        .filter(|r| r.file == "services" && r.retired.is_none())
    {
        let area = r.fields.get("area").cloned().unwrap_or_default();
        let mut munis: Vec<String> = area
            .split(';')
            .map(|p| p.trim().to_string())
            .filter(|p| names.contains_key(p))
            .collect();
        if let Some(cc) = area.strip_prefix("county:") {
            munis.extend(names.keys().filter(|m| m.starts_with(cc)).cloned());
        }
        if let Some(m) = r
            .fields
            .get("municipality")
            .filter(|m| names.contains_key(*m))
        {
            if !munis.contains(m) {
                munis.push(m.clone());
            }
        }
        let demo = matches!(r.fields.get("demo").map(String::as_str), Some("yes" | "ja"));
        let verified = !demo
            && r.fields
                .get("verified_on")
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .is_some_and(|d| d >= cutoff);
        for m in munis {
            let e = cov.entry(m).or_default();
            e.0 += 1;
            e.1 += verified as u64;
        }
    }
    let coverage = cov
        .into_iter()
        .map(|(m, (n, v))| {
            let shown = suppress(n);
            let share = shown.map(|n| (v * 100 + n / 2) / n);
            (
                m.clone(),
                names.get(&m).cloned().unwrap_or_default(),
                shown,
                share,
            )
        })
        .collect::<Vec<_>>();
    let indicators = conn
        .rows(
            "SELECT county, quarter, kind, value FROM console_indicators WHERE quarter LIKE $1 ORDER BY county, quarter, kind",
            &[format!("{year:04}-%").into()],
        )
        .map_err(|e| e.to_string())?
        .iter()
        .filter_map(|r| Some((r.text(0).ok()?, r.text(1).ok()?, r.text(2).ok()?, r.int(3).ok()?)))
        .map(|(c, q, k, v)| (c, q, k, suppress(v.max(0) as u64)))
        .collect();
    drop(conn);
    let t = |k| i18n::text(lang, k);
    let charts = vec![
        bar_chart(
            t("by_quarter"),
            &shown_sums(&rep.rows, |r| r.quarter.clone(), lang),
        ),
        bar_chart(
            t("by_municipality"),
            &shown_sums(&rep.rows, |r| r.municipality.clone(), lang),
        ),
        bar_chart(
            t("by_agency_kind"),
            &shown_sums(&rep.rows, |r| r.agency_kind.clone(), lang),
        ),
        bar_chart(
            t("by_level"),
            &shown_sums(&rep.rows, |r| r.level.clone(), lang),
        ),
        bar_chart(
            t("corrections_per_month"),
            &corrections
                .iter()
                .map(|(m, n)| Bar {
                    label: m.clone(),
                    value: *n,
                    note: None,
                })
                .collect::<Vec<_>>(),
        ),
    ];
    let suppressed_cells = rep.rows.iter().filter(|r| r.count.is_none()).count();
    Ok(Followup {
        year,
        cooperation: rep.cooperation,
        rows: rep.rows,
        corrections,
        versions,
        coverage,
        indicators,
        charts,
        suppressed_cells,
    })
}

fn year_of(q: &FQuery) -> i32 {
    q.year.unwrap_or_else(|| chrono::Utc::now().year())
}

pub(crate) async fn page(
    State(c): State<Arc<Console>>,
    a: Authed,
    Query(q): Query<FQuery>,
) -> Response {
    let year = year_of(&q);
    match build(&c, a.lang, year) {
        Ok(f) => {
            let counties: Vec<String> = match &a.user.role {
                super::Role::Coordinator(cc) => vec![cc.clone()],
                super::Role::Admin => vec!["07".into(), "23".into()],
                super::Role::Analyst => Vec::new(),
            };
            c.page(
                &a,
                "followup.html",
                context! { f, print => q.print.is_some(), counties, indicator_kinds => INDICATORS },
            )
        }
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, format!("{e}\n")).into_response(),
    }
}

pub(crate) async fn csv(
    State(c): State<Arc<Console>>,
    a: Authed,
    Query(q): Query<FQuery>,
) -> Response {
    let year = year_of(&q);
    let f = match build(&c, a.lang, year) {
        Ok(f) => f,
        Err(e) => return (StatusCode::INTERNAL_SERVER_ERROR, format!("{e}\n")).into_response(),
    };
    let cell = |n: Option<u64>| n.map(|n| n.to_string()).unwrap_or_else(|| "<3".into());
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(["table", "a", "b", "c", "d", "e", "value"]);
    for r in &f.rows {
        let _ = w.write_record([
            "screenings",
            &r.quarter,
            &r.municipality,
            &r.agency_kind,
            &r.checklist,
            &r.level,
            &cell(r.count),
        ]);
    }
    for (m, n) in &f.corrections {
        let _ = w.write_record(["correction_reports", m, "", "", "", "", &cell(*n)]);
    }
    for (v, d) in &f.versions {
        let _ = w.write_record(["published_version", &v.to_string(), d, "", "", "", ""]);
    }
    for (m, name, n, share) in &f.coverage {
        let _ = w.write_record([
            "verified_share_percent",
            m,
            name,
            &cell(*n),
            "",
            "",
            &share.map(|s| s.to_string()).unwrap_or_else(|| "<3".into()),
        ]);
    }
    for (county, quarter, kind, v) in &f.indicators {
        let _ = w.write_record(["indicator", county, quarter, kind, "", "", &cell(*v)]);
    }
    let body = w.into_inner().unwrap_or_default();
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"fyr-followup-{year}.csv\""),
            ),
        ],
        body,
    )
        .into_response()
}

pub(crate) async fn record_indicator(
    State(c): State<Arc<Console>>,
    a: Authed,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    let get = |k: &str| {
        f.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let (county, quarter, kind) = (get("county"), get("quarter"), get("kind"));
    if !rights::can_record_indicator(&a.user.role, &county) {
        return c.forbidden(&a, i18n::text(a.lang, "not_your_county"));
    }
    let valid_quarter = quarter.is_ascii()
        && quarter.len() == 7
        && quarter[..4].bytes().all(|b| b.is_ascii_digit())
        && matches!(&quarter[4..], "-Q1" | "-Q2" | "-Q3" | "-Q4");
    let value: Option<i64> = get("value").parse().ok().filter(|v| *v >= 0);
    if !valid_quarter || !INDICATORS.contains(&kind.as_str()) || value.is_none() {
        let mut r = c.page(&a, "message.html", context! { title => i18n::text(a.lang, "not_saved"), message => i18n::text(a.lang, "indicator_invalid") });
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return r;
    }
    let conn = c.conn();
    let before: Option<i64> = conn
        .row(
            "SELECT value FROM console_indicators WHERE county = $1 AND quarter = $2 AND kind = $3",
            &[(&county).into(), (&quarter).into(), (&kind).into()],
        )
        .ok()
        .flatten()
        .and_then(|r| r.int(0).ok());
    let res = conn
        .exec(
            r#"INSERT INTO console_indicators (county, quarter, kind, value, "user", at) VALUES ($1, $2, $3, $4, $5, $6)
               ON CONFLICT (county, quarter, kind) DO UPDATE SET value = excluded.value, "user" = excluded."user", at = excluded.at"#,
            &[(&county).into(), (&quarter).into(), (&kind).into(), value.into(), (&a.user.name).into(), chrono::Utc::now().to_rfc3339().into()],
        )
        .and_then(|_| audit::record(&conn, &a.user.name, "indicator.set", &format!("{county} {quarter} {kind}"), before.map(|b| serde_json::json!(b)).as_ref(), Some(&serde_json::json!(value))));
    drop(conn);
    match res {
        Ok(()) => c.done(
            &a,
            &format!("/console/followup?year={}", &quarter[..4]),
            context! { message => format!("{}: {} {quarter} = {}", i18n::text(a.lang, "indicator_saved"), super::labels::county(&county), value.unwrap_or_default()) },
        ),
        Err(e) => c.server_error(&a, &e.to_string()),
    }
}
