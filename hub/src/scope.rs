//! Statistics bound to the enrollment: an enrolled device's screening
//! statistic is counted only for the county and agency kind the device was
//! enrolled for, a municipality of that county, and a checklist and level
//! the published content knows. Anything else is rejected for that event
//! with a reason the device keeps (its outbox quarantines the event with
//! the reason; `fyr status` shows it) — never silently counted.
//!
//! Tokens from the tokens file and open uploads (self-hosting, tests) have
//! no enrollment; their statistics get only the content checks.
//! Called from the upload handler (`serve.rs`) before `store_batch`.

use crate::db::Sql;
use crate::events::RejectedEvent;
use fyr_core::feed::{Record, RecordKind};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Mutex;

/// What a device was enrolled for.
#[derive(Debug, Clone, PartialEq)]
pub struct Enrollment {
    pub county: String,
    pub agency_kind: String,
}

/// The enrollment of a device token, if it is an enrolled device's.
pub fn enrollment_of(conn: &impl Sql, token: &str) -> Option<Enrollment> {
    let r = conn
        .row(
            "SELECT county, agency_kind FROM devices WHERE token_hash = $1",
            &[fyr_core::feed::sha256_hex(token.as_bytes()).into()],
        )
        .ok()
        .flatten()?;
    Some(Enrollment {
        county: r.text(0).ok()?,
        agency_kind: r.text(1).ok()?,
    })
}

/// Municipality codes, checklists and their level ids the content knows.
#[derive(Debug, Clone, Default)]
pub struct Known {
    pub municipalities: BTreeSet<String>,
    pub checklists: BTreeMap<String, BTreeSet<String>>,
}

impl Known {
    pub fn from_records(records: &[Record]) -> Known {
        let mut k = Known::default();
        for r in records {
            match r.kind {
                RecordKind::Municipality => {
                    k.municipalities.insert(r.id.clone());
                }
                RecordKind::Checklist => {
                    let body: Value = serde_json::from_str(&r.body).unwrap_or(Value::Null);
                    let mut levels: BTreeSet<String> = body["levels"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|l| l["id"].as_str().map(str::to_string))
                        .collect();
                    levels.insert(fyr_core::checklist::NOT_ASSESSED.to_string());
                    k.checklists.insert(r.id.clone(), levels);
                }
                _ => {}
            }
        }
        k
    }
}

/// The content devices have now: the feed's newest version, else the
/// bundled content. Cached per manifest modification time.
pub fn known(feed_dir: &Path) -> Known {
    static CACHE: Mutex<Option<(Option<std::time::SystemTime>, Known)>> = Mutex::new(None);
    let stamp = std::fs::metadata(feed_dir.join("manifest.json"))
        .and_then(|m| m.modified())
        .ok();
    let mut c = CACHE.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((s, k)) = c.as_ref() {
        if *s == stamp && stamp.is_some() {
            return k.clone();
        }
    }
    let records = crate::publish::version_history(feed_dir)
        .ok()
        .and_then(|h| h.last().map(|v| v.version))
        .and_then(|v| crate::publish::load_snapshot(feed_dir, v).ok())
        .map(|s| s.records)
        .or_else(|| fyr_core::bundle::embedded_records().ok())
        .unwrap_or_default();
    let k = Known::from_records(&records);
    *c = Some((stamp, k.clone()));
    k
}

/// Why a screening statistic is outside what this device may report, if it is.
pub fn check_stat(payload: &Value, who: Option<&Enrollment>, known: &Known) -> Result<(), String> {
    let s = |k: &str| payload.get(k).and_then(Value::as_str);
    if let Some(e) = who {
        if let Some(kind) = s("agency_kind") {
            if kind != e.agency_kind {
                return Err(format!(
                    "agency_kind {kind:?}: this device was enrolled for {:?}",
                    e.agency_kind
                ));
            }
        }
        if let Some(m) = s("municipality") {
            if !m.starts_with(&e.county) {
                return Err(format!(
                    "municipality {m:?} is not in county {} that this device was enrolled for",
                    e.county
                ));
            }
        }
    }
    if let Some(m) = s("municipality") {
        if !known.municipalities.is_empty() && !known.municipalities.contains(m) {
            return Err(format!(
                "municipality {m:?} is not a known municipality code"
            ));
        }
    }
    if let Some(cl) = s("checklist") {
        match known.checklists.get(cl) {
            None if !known.checklists.is_empty() => {
                return Err(format!("checklist {cl:?} is not a published checklist"))
            }
            Some(levels) => {
                if let Some(l) = s("level") {
                    if !levels.contains(l) {
                        return Err(format!("level {l:?} is not a level of checklist {cl:?}"));
                    }
                }
            }
            None => {}
        }
    }
    Ok(())
}

/// Splits a batch: the events that may be stored, and the statistics
/// refused for this device (with their reasons, as the answer's `rejected`).
pub fn filter_batch(
    events: Vec<Value>,
    who: Option<&Enrollment>,
    known: &Known,
) -> (Vec<Value>, Vec<RejectedEvent>) {
    let mut keep = Vec::new();
    let mut refused = Vec::new();
    for ev in events {
        let is_stat = ev.get("kind").and_then(Value::as_str) == Some(crate::events::KIND_STAT);
        let verdict = if is_stat {
            check_stat(&ev["payload"], who, known)
        } else {
            Ok(())
        };
        match verdict {
            Ok(()) => keep.push(ev),
            Err(reason) => refused.push(RejectedEvent {
                event_id: ev
                    .get("event_id")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                reason: format!("screening_stat: {reason}"),
            }),
        }
    }
    (keep, refused)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_jamtland_police_phone_reports_only_jamtland_police() {
        let known = Known::from_records(&fyr_core::bundle::embedded_records().unwrap());
        let me = Enrollment {
            county: "23".into(),
            agency_kind: "police".into(),
        };
        let stat = |m: Value, k: Value, cl: &str, level: &str| {
            json!({"month": "2026-11", "municipality": m, "agency_kind": k, "checklist": cl,
                   "checklist_version": 1, "level": level, "override_used": false})
        };
        let ok = stat(json!("2361"), json!("police"), "adult-risk", "high");
        assert_eq!(check_stat(&ok, Some(&me), &known), Ok(()));
        assert!(check_stat(
            &stat(Value::Null, Value::Null, "adult-risk", "not_assessed"),
            Some(&me),
            &known
        )
        .is_ok());
        for (bad, why) in [
            (
                stat(json!("0780"), json!("police"), "adult-risk", "high"),
                "county 23",
            ),
            (
                stat(
                    json!("2361"),
                    json!("social_services"),
                    "adult-risk",
                    "high",
                ),
                "enrolled for",
            ),
            (
                stat(json!("2399"), json!("police"), "adult-risk", "high"),
                "not a known",
            ),
            (
                stat(json!("2361"), json!("police"), "made-up", "high"),
                "not a published",
            ),
            (
                stat(json!("2361"), json!("police"), "adult-risk", "urgent"),
                "not a level",
            ),
        ] {
            let e = check_stat(&bad, Some(&me), &known).unwrap_err();
            assert!(e.contains(why), "{e}");
        }
    }
}
