//! The yearly follow-up report: screening counts by quarter, municipality,
//! agency kind, checklist and level, with small cells suppressed.
//!
//! Suppression: every count under 3 is shown as "<3". The report is a single
//! table of cells at the finest level (quarter × municipality × agency kind ×
//! checklist × level) and prints **no totals or subtotals** of any kind: with
//! no published sums there is nothing a suppressed cell could be recovered
//! from by subtraction. (Anyone needing marginal totals must aggregate the raw
//! data under the same rule, not subtract from this table.)

use crate::db::{Db, DbError, Sql, Target};
use crate::events::{self, KIND_STAT};
use crate::HubError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Counts under this are suppressed.
pub const MIN_CELL: u64 = 3;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportRow {
    /// "2026-Q1".
    pub quarter: String,
    pub municipality: String,
    pub agency_kind: String,
    pub checklist: String,
    pub level: String,
    /// None when suppressed (under 3).
    pub count: Option<u64>,
}

impl ReportRow {
    pub fn count_text(&self) -> String {
        match self.count {
            Some(n) => n.to_string(),
            None => "<3".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub year: Option<i32>,
    pub rows: Vec<ReportRow>,
    /// Correction reports received in the period, by reason (`wrong_number`,
    /// `closed`, `moved`, `other`), each suppressed under 3 likewise; no total.
    pub corrections: Vec<(String, Option<u64>)>,
    /// Samråd: screenings after which contact was taken with another agency,
    /// per quarter and the agency kind contacted, suppressed under 3; no total.
    #[serde(default)]
    pub cooperation: Vec<CooperationCell>,
}

/// One cell of the samråd count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CooperationCell {
    pub quarter: String,
    /// The agency kind contact was taken with.
    pub contact_taken: String,
    /// None when suppressed (under 3).
    pub count: Option<u64>,
}

#[derive(Deserialize)]
struct Stat {
    month: String,
    municipality: Option<String>,
    agency_kind: Option<String>,
    checklist: String,
    level: String,
    #[serde(default)]
    contact_taken: Option<String>,
}

/// The one suppression rule: a count under [`MIN_CELL`] is not shown.
pub fn suppress(n: u64) -> Option<u64> {
    (n >= MIN_CELL).then_some(n)
}

/// Builds the report from the hub's database (all years when `year` is None).
/// An SQLite file must exist (a mistyped path is not a new, empty hub);
/// a PostgreSQL database is opened as the hub opens it.
pub fn report(db: &Target, year: Option<i32>) -> Result<Report, HubError> {
    if let Target::Sqlite(path) = db {
        if !path.exists() {
            return Err(HubError::Db {
                path: path.display().to_string(),
                reason: "no such database".into(),
            });
        }
    }
    let conn = Db::open(db)?;
    report_on(&conn, year).map_err(|e| conn.err(e))
}

/// Builds the report from an open hub database of either backend.
pub fn report_on(conn: &impl Sql, year: Option<i32>) -> Result<Report, DbError> {
    let mut cells: BTreeMap<(String, String, String, String, String), u64> = BTreeMap::new();
    let mut cooperation: BTreeMap<(String, String), u64> = BTreeMap::new();
    let prefix = year.map(|y| format!("{y:04}-"));
    let rows = conn.rows(
        "SELECT payload FROM events WHERE kind = $1 ORDER BY event_id",
        &[KIND_STAT.into()],
    )?;
    for r in rows {
        let payload = r.text(0)?;
        let Ok(s) = serde_json::from_str::<Stat>(&payload) else {
            continue;
        };
        if prefix
            .as_ref()
            .is_some_and(|p| !s.month.starts_with(p.as_str()))
        {
            continue;
        }
        let month: u32 = s.month.get(5..7).and_then(|m| m.parse().ok()).unwrap_or(1);
        let quarter = format!("{}-Q{}", &s.month[..4], (month - 1) / 3 + 1);
        let muni = s.municipality.unwrap_or_else(|| "unknown".into());
        let kind = s.agency_kind.unwrap_or_else(|| "unknown".into());
        if let Some(c) = s.contact_taken {
            *cooperation.entry((quarter.clone(), c)).or_default() += 1;
        }
        *cells
            .entry((quarter, muni, kind, s.checklist, s.level))
            .or_default() += 1;
    }
    let mut corrections: BTreeMap<&'static str, u64> = fyr_core::privacy::CorrectionReason::ALL
        .iter()
        .map(|r| (r.id(), 0))
        .collect();
    let rows = conn.rows(
        "SELECT payload, received_month FROM events WHERE kind = $1 ORDER BY event_id",
        &[events::KIND_CORRECTION.into()],
    )?;
    for r in rows {
        let (payload, received) = (r.text(0)?, r.text(1)?);
        if prefix
            .as_ref()
            .is_none_or(|p| received.starts_with(p.as_str()))
        {
            let reason = serde_json::from_str::<serde_json::Value>(&payload)
                .ok()
                .and_then(|v| {
                    v["reason"]
                        .as_str()
                        .and_then(fyr_core::privacy::CorrectionReason::parse)
                })
                .unwrap_or(fyr_core::privacy::CorrectionReason::Other);
            *corrections.entry(reason.id()).or_default() += 1;
        }
    }
    Ok(Report {
        year,
        rows: cells
            .into_iter()
            .map(
                |((quarter, municipality, agency_kind, checklist, level), n)| ReportRow {
                    quarter,
                    municipality,
                    agency_kind,
                    checklist,
                    level,
                    count: suppress(n),
                },
            )
            .collect(),
        corrections: fyr_core::privacy::CorrectionReason::ALL
            .iter()
            .map(|r| (r.id().to_string(), suppress(corrections[r.id()])))
            .collect(),
        cooperation: cooperation
            .into_iter()
            .map(|((quarter, contact_taken), n)| CooperationCell {
                quarter,
                contact_taken,
                count: suppress(n),
            })
            .collect(),
    })
}

impl Report {
    /// CSV with a header row; suppressed cells as "<3"; no totals.
    pub fn to_csv(&self) -> String {
        let mut out = String::from("quarter,municipality,agency_kind,checklist,level,count\n");
        for r in &self.rows {
            out.push_str(&format!(
                "{},{},{},{},{},{}\n",
                r.quarter,
                r.municipality,
                r.agency_kind,
                r.checklist,
                r.level,
                r.count_text()
            ));
        }
        out
    }

    /// A plain-text table; suppressed cells as "<3"; no totals.
    pub fn to_text(&self) -> String {
        let header = [
            "quarter",
            "municipality",
            "agency kind",
            "checklist",
            "level",
            "count",
        ];
        let rows: Vec<[String; 6]> = self
            .rows
            .iter()
            .map(|r| {
                [
                    r.quarter.clone(),
                    r.municipality.clone(),
                    r.agency_kind.clone(),
                    r.checklist.clone(),
                    r.level.clone(),
                    r.count_text(),
                ]
            })
            .collect();
        let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
        for r in &rows {
            for (i, c) in r.iter().enumerate() {
                widths[i] = widths[i].max(c.chars().count());
            }
        }
        let line = |cells: &[&str]| -> String {
            let mut s = String::new();
            for (i, c) in cells.iter().enumerate() {
                if i + 1 == cells.len() {
                    s.push_str(&format!("{:>w$}", c, w = widths[i]));
                } else {
                    s.push_str(&format!("{:<w$}  ", c, w = widths[i]));
                }
            }
            s.push('\n');
            s
        };
        let title = match self.year {
            Some(y) => format!("Screenings {y} (cells under {MIN_CELL} shown as <3; no totals, so they cannot be recovered)\n\n"),
            None => format!("Screenings, all years (cells under {MIN_CELL} shown as <3; no totals, so they cannot be recovered)\n\n"),
        };
        let mut out = title;
        out.push_str(&line(&header));
        for r in &rows {
            let cells: Vec<&str> = r.iter().map(String::as_str).collect();
            out.push_str(&line(&cells));
        }
        if rows.is_empty() {
            out.push_str("(no screening statistics)\n");
        }
        let by_reason: Vec<String> = self
            .corrections
            .iter()
            .map(|(reason, n)| {
                let n = n.map(|n| n.to_string()).unwrap_or_else(|| "<3".into());
                format!("{reason} {n}")
            })
            .collect();
        out.push_str(&format!(
            "\nCorrection reports received, by reason (no total): {}\n",
            by_reason.join(", ")
        ));
        let coop: Vec<String> = self
            .cooperation
            .iter()
            .map(|c| {
                let n = c
                    .count
                    .map(|n| n.to_string())
                    .unwrap_or_else(|| "<3".into());
                format!("{} {} {n}", c.quarter, c.contact_taken)
            })
            .collect();
        if !coop.is_empty() {
            out.push_str(&format!(
                "Samråd (contact taken with), by quarter and agency kind (no total): {}\n",
                coop.join(", ")
            ));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn small_cells_are_suppressed_and_no_totals_printed() {
        let dir = tempfile::tempdir().unwrap();
        let db = Target::Sqlite(dir.path().join("hub.db"));
        let conn = Db::open(&db).unwrap();
        let stat = |month: &str, level: &str| {
            json!({"month": month, "municipality": "0780", "agency_kind": "police", "checklist": "patriark",
                   "checklist_version": 1, "level": level, "override_used": false})
        };
        let mut evs = Vec::new();
        for i in 0..4 {
            evs.push(json!({"event_id": format!("a{i}"), "kind": "screening_stat", "payload": stat("2026-02", "high")}));
        }
        evs.push(
            json!({"event_id": "b1", "kind": "screening_stat", "payload": stat("2026-05", "low")}),
        );
        evs.push(
            json!({"event_id": "c1", "kind": "screening_stat", "payload": stat("2025-05", "low")}),
        );
        for i in 0..3 {
            evs.push(json!({"event_id": format!("r{i}"), "kind": "correction_report", "payload":
                {"service_id": "x", "reason": "moved", "message": "Har flyttat", "content_version": 1}}));
        }
        evs.push(
            json!({"event_id": "r9", "kind": "correction_report", "payload":
            {"service_id": "x", "reason": "closed", "message": "Stängt", "content_version": 1}}),
        );
        events::store_batch(&conn, &evs).unwrap();
        let r = report(&db, Some(2026)).unwrap();
        assert_eq!(r.rows.len(), 2);
        assert_eq!(r.rows[0].quarter, "2026-Q1");
        assert_eq!(r.rows[0].count, Some(4));
        assert_eq!(r.rows[1].quarter, "2026-Q2");
        assert_eq!(r.rows[1].count, None);
        let csv = r.to_csv();
        assert!(csv.contains("2026-Q2,0780,police,patriark,low,<3"), "{csv}");
        assert!(
            !csv.contains(",1\n") && !csv.to_lowercase().contains("total"),
            "{csv}"
        );
        let text = r.to_text();
        assert!(text.contains("<3"));
        let all = report(&db, None).unwrap();
        assert_eq!(
            all.corrections,
            vec![
                ("wrong_number".to_string(), None),
                ("closed".to_string(), None),
                ("moved".to_string(), Some(3)),
                ("other".to_string(), None),
            ]
        );
        assert!(
            all.to_text()
                .contains("by reason (no total): wrong_number <3, closed <3, moved 3, other <3"),
            "{}",
            all.to_text()
        );
        assert_eq!(report(&db, None).unwrap().rows.len(), 3);
        assert!(report(&Target::Sqlite(dir.path().join("missing.db")), None).is_err());
    }

    #[test]
    fn samrad_is_counted_per_quarter_and_agency_kind_with_the_small_cell_rule() {
        let dir = tempfile::tempdir().unwrap();
        let db = Target::Sqlite(dir.path().join("hub.db"));
        let conn = Db::open(&db).unwrap();
        let stat = |month: &str, contact: Option<&str>| {
            let mut v = json!({"month": month, "municipality": "2380", "agency_kind": "healthcare",
                "checklist": "adult-risk", "checklist_version": 3, "level": "high", "override_used": false});
            if let Some(c) = contact {
                v["contact_taken"] = json!(c);
            }
            v
        };
        let mut evs = Vec::new();
        for i in 0..3 {
            evs.push(json!({"event_id": format!("s{i}"), "kind": "screening_stat", "payload": stat("2026-11", Some("social_services"))}));
        }
        evs.push(json!({"event_id": "p1", "kind": "screening_stat", "payload": stat("2026-12", Some("police"))}));
        evs.push(
            json!({"event_id": "n1", "kind": "screening_stat", "payload": stat("2026-12", None)}),
        );
        // Free text or an unknown kind is refused: only vocabulary ids travel.
        evs.push(json!({"event_id": "x1", "kind": "screening_stat", "payload": stat("2026-12", Some("ringde Anna på soc"))}));
        let resp = events::store_batch(&conn, &evs).unwrap();
        assert_eq!(resp.accepted.len(), 5);
        assert_eq!(resp.rejected.len(), 1);
        assert!(
            resp.rejected[0].reason.contains("contact_taken"),
            "{:?}",
            resp.rejected
        );
        let r = report(&db, Some(2026)).unwrap();
        assert_eq!(
            r.cooperation,
            vec![
                CooperationCell {
                    quarter: "2026-Q4".into(),
                    contact_taken: "police".into(),
                    count: None
                },
                CooperationCell {
                    quarter: "2026-Q4".into(),
                    contact_taken: "social_services".into(),
                    count: Some(3)
                },
            ]
        );
        let text = r.to_text();
        assert!(
            text.contains("2026-Q4 police <3, 2026-Q4 social_services 3"),
            "{text}"
        );
        assert!(!text.to_lowercase().contains("total:"), "{text}");
    }
}
