//! Device uploads: validation of each event and durable, idempotent storage.
//!
//! Only two kinds are accepted, each with an exact payload shape, so that no
//! personal data can reach the hub by accident: a screening statistic
//! `{month: "YYYY-MM", municipality: "0780" | null, agency_kind | null,
//! checklist, checklist_version, level, override_used}` and a correction report
//! `{service_id, message (≤ 1000 chars), content_version}`.

use crate::HubError;
use fyr_core::vocab::AgencyKind;
use rusqlite::{params, Connection};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::path::Path;

pub const KIND_STAT: &str = "screening_stat";
pub const KIND_CORRECTION: &str = "correction_report";
pub const MAX_MESSAGE_CHARS: usize = 1000;
pub const MAX_EVENTS_PER_BATCH: usize = 1000;

/// One uploaded event.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Event {
    pub event_id: Value,
    pub kind: Value,
    pub payload: Value,
}

/// An upload batch.
#[derive(Debug, Deserialize)]
pub struct Batch {
    pub events: Vec<Value>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RejectedEvent {
    pub event_id: String,
    pub reason: String,
}

/// The answer to an upload.
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq, Eq)]
pub struct BatchResponse {
    pub accepted: Vec<String>,
    pub duplicate: Vec<String>,
    pub rejected: Vec<RejectedEvent>,
}

fn valid_event_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 128
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(&b))
}

fn exact_keys(obj: &Map<String, Value>, keys: &[&str]) -> Result<(), String> {
    for k in obj.keys() {
        if !keys.contains(&k.as_str()) {
            return Err(format!("field {k:?} is not allowed"));
        }
    }
    for k in keys {
        if !obj.contains_key(*k) {
            return Err(format!("field {k:?} is missing"));
        }
    }
    Ok(())
}

fn str_field<'a>(obj: &'a Map<String, Value>, k: &str) -> Result<&'a str, String> {
    obj.get(k)
        .and_then(Value::as_str)
        .ok_or_else(|| format!("field {k:?} must be a string"))
}

fn simple_id(s: &str, max: usize) -> bool {
    !s.is_empty()
        && s.len() <= max
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-_.".contains(&b))
}

/// Validates a screening statistic payload.
pub fn validate_stat(p: &Value) -> Result<(), String> {
    let obj = p.as_object().ok_or("payload must be an object")?;
    exact_keys(
        obj,
        &[
            "month",
            "municipality",
            "agency_kind",
            "checklist",
            "checklist_version",
            "level",
            "override_used",
        ],
    )?;
    let month = str_field(obj, "month")?;
    let ok_month = month.len() == 7
        && month.as_bytes()[4] == b'-'
        && month[..4].bytes().all(|b| b.is_ascii_digit())
        && month[5..]
            .parse::<u8>()
            .is_ok_and(|m| (1..=12).contains(&m))
        && month[5..].bytes().all(|b| b.is_ascii_digit());
    if !ok_month {
        return Err(format!("month {month:?} must be YYYY-MM (no finer dates)"));
    }
    // Municipality and agency kind may be null: a screening where the user
    // gave no municipality (or has set no agency kind) is counted as "unknown".
    match obj.get("municipality") {
        Some(Value::Null) => {}
        Some(Value::String(m)) if m.len() == 4 && m.bytes().all(|b| b.is_ascii_digit()) => {}
        _ => return Err("municipality must be a four-digit SCB code or null".into()),
    }
    match obj.get("agency_kind") {
        Some(Value::Null) => {}
        Some(Value::String(ak)) if AgencyKind::parse(ak).is_some_and(|k| k.id() == ak) => {}
        Some(Value::String(ak)) => {
            return Err(format!("agency_kind {ak:?} is not a known agency kind"))
        }
        _ => return Err("agency_kind must be an agency kind id or null".into()),
    }
    let cl = str_field(obj, "checklist")?;
    if !simple_id(cl, 64) {
        return Err(format!("checklist {cl:?} is not a checklist id"));
    }
    match obj.get("checklist_version") {
        Some(Value::Number(n)) if n.is_u64() => {}
        Some(Value::String(s)) if simple_id(s, 32) => {}
        _ => return Err("checklist_version must be a version number or a short version id".into()),
    }
    let level = str_field(obj, "level")?;
    if !simple_id(level, 32) {
        return Err(format!("level {level:?} is not a level id"));
    }
    if !obj.get("override_used").is_some_and(Value::is_boolean) {
        return Err("override_used must be true or false".into());
    }
    Ok(())
}

/// Validates a correction report payload.
pub fn validate_correction(p: &Value) -> Result<(), String> {
    let obj = p.as_object().ok_or("payload must be an object")?;
    exact_keys(obj, &["service_id", "message", "content_version"])?;
    let sid = str_field(obj, "service_id")?;
    if !simple_id(sid, 128) {
        return Err(format!("service_id {sid:?} is not a service id"));
    }
    let msg = str_field(obj, "message")?;
    if msg.trim().is_empty() {
        return Err("message is empty".into());
    }
    let n = msg.chars().count();
    if n > MAX_MESSAGE_CHARS {
        return Err(format!(
            "message has {n} characters, at most {MAX_MESSAGE_CHARS} are allowed"
        ));
    }
    if !obj.get("content_version").is_some_and(|v| v.is_u64()) {
        return Err("content_version must be a version number".into());
    }
    Ok(())
}

/// Validates one event; returns (event_id, kind, canonical payload JSON).
pub fn validate_event(ev: &Value) -> Result<(String, String, String), (String, String)> {
    let id = ev
        .get("event_id")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let reject = |reason: String| (id.clone(), reason);
    let obj = ev
        .as_object()
        .ok_or_else(|| reject("an event must be an object".into()))?;
    if !valid_event_id(&id) {
        return Err(reject(
            "event_id must be 1-128 characters of letters, digits, - _ . :".into(),
        ));
    }
    exact_keys(obj, &["event_id", "kind", "payload"]).map_err(&reject)?;
    let kind = obj.get("kind").and_then(Value::as_str).unwrap_or("");
    let payload = &obj["payload"];
    match kind {
        KIND_STAT => validate_stat(payload),
        KIND_CORRECTION => validate_correction(payload),
        other => Err(format!(
            "kind {other:?} is not accepted (screening_stat or correction_report)"
        )),
    }
    .map_err(|r| reject(format!("{kind}: {r}")))?;
    Ok((id.clone(), kind.to_string(), payload.to_string()))
}

/// Opens (creating) the event database: WAL, synchronous=FULL.
pub fn open_db(path: &Path) -> Result<Connection, HubError> {
    let err = |e: rusqlite::Error| HubError::Db {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    let conn = Connection::open(path).map_err(err)?;
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(err)?;
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(err)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(err)?;
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS events (
            event_id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            payload TEXT NOT NULL,
            device TEXT,
            received TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS events_kind ON events(kind);",
    )
    .map_err(err)?;
    crate::enroll::init(&conn).map_err(err)?;
    Ok(conn)
}

/// Validates and stores a batch in one transaction; idempotent per event id.
pub fn store_batch(
    conn: &mut Connection,
    events: &[Value],
    device: Option<&str>,
) -> rusqlite::Result<BatchResponse> {
    let mut resp = BatchResponse::default();
    let now = chrono::Utc::now().to_rfc3339();
    let tx = conn.transaction()?;
    {
        let mut ins = tx.prepare_cached(
            "INSERT OR IGNORE INTO events (event_id, kind, payload, device, received) VALUES (?1, ?2, ?3, ?4, ?5)",
        )?;
        for ev in events {
            match validate_event(ev) {
                Ok((id, kind, payload)) => {
                    if ins.execute(params![id, kind, payload, device, now])? == 1 {
                        resp.accepted.push(id);
                    } else {
                        resp.duplicate.push(id);
                    }
                }
                Err((event_id, reason)) => resp.rejected.push(RejectedEvent { event_id, reason }),
            }
        }
    }
    tx.commit()?;
    Ok(resp)
}

/// How many events of a kind are stored.
pub fn count(conn: &Connection, kind: &str) -> rusqlite::Result<u64> {
    conn.query_row("SELECT COUNT(*) FROM events WHERE kind = ?1", [kind], |r| {
        r.get::<_, i64>(0)
    })
    .map(|n| n as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn stat() -> Value {
        json!({"month": "2026-03", "municipality": "0780", "agency_kind": "police", "checklist": "patriark",
               "checklist_version": 2, "level": "high", "override_used": false})
    }

    #[test]
    fn stats_payload_must_be_exact() {
        assert!(validate_stat(&stat()).is_ok());
        let mut unknown = stat();
        unknown["municipality"] = Value::Null;
        unknown["agency_kind"] = Value::Null;
        assert!(validate_stat(&unknown).is_ok());
        let mut bad_muni = stat();
        bad_muni["municipality"] = json!("Växjö");
        assert!(validate_stat(&bad_muni).unwrap_err().contains("SCB"));
        let mut extra = stat();
        extra["name"] = json!("Anna");
        assert!(validate_stat(&extra).unwrap_err().contains("\"name\""));
        let mut day = stat();
        day["month"] = json!("2026-03-14");
        assert!(validate_stat(&day).unwrap_err().contains("YYYY-MM"));
        let mut m13 = stat();
        m13["month"] = json!("2026-13");
        assert!(validate_stat(&m13).is_err());
        let mut ak = stat();
        ak["agency_kind"] = json!("vigilante");
        assert!(validate_stat(&ak).is_err());
        let mut missing = stat();
        missing.as_object_mut().unwrap().remove("level");
        assert!(validate_stat(&missing).unwrap_err().contains("missing"));
    }

    #[test]
    fn correction_message_is_bounded() {
        let ok = json!({"service_id": "kvinnojouren-vaxjo", "message": "Nytt nummer", "content_version": 3});
        assert!(validate_correction(&ok).is_ok());
        let long = json!({"service_id": "x", "message": "å".repeat(1001), "content_version": 3});
        assert!(validate_correction(&long).unwrap_err().contains("1001"));
    }

    #[test]
    fn batches_are_idempotent_per_event_id() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = open_db(&dir.path().join("hub.db")).unwrap();
        let evs = vec![
            json!({"event_id": "e1", "kind": "screening_stat", "payload": stat()}),
            json!({"event_id": "e2", "kind": "screening_stat", "payload": {"month": "2026-03"}}),
            json!({"event_id": "e1", "kind": "screening_stat", "payload": stat()}),
        ];
        let r = store_batch(&mut conn, &evs, Some("dev")).unwrap();
        assert_eq!(r.accepted, vec!["e1"]);
        assert_eq!(r.duplicate, vec!["e1"]);
        assert_eq!(r.rejected.len(), 1);
        assert_eq!(r.rejected[0].event_id, "e2");
        let r2 = store_batch(&mut conn, &evs[..1], None).unwrap();
        assert_eq!(r2.duplicate, vec!["e1"]);
        assert_eq!(count(&conn, KIND_STAT).unwrap(), 1);
    }
}
