//! Device uploads: validation of each event and durable, idempotent storage.
//!
//! Only two kinds are accepted, each with an exact payload shape, so that no
//! personal data can reach the hub by accident: a screening statistic
//! `{month: "YYYY-MM", municipality: "0780" | null, agency_kind | null,
//! checklist, checklist_version, level, override_used}` and a correction report
//! `{service_id, reason, message, content_version}` whose reason and text pass
//! the core's privacy check ([`fyr_core::privacy::check_correction`], the same
//! the device ran).
//!
//! Nothing stored links an event to a device: a row holds the event id (random,
//! made by the device), the kind, the validated payload and the month it
//! arrived — no token, no device name, no finer time. The table has no rowid,
//! so rows sit in event-id order, not in the order (or batch) they came in.

use crate::db::{DbError, Sql};
use crate::HubError;
use fyr_core::vocab::AgencyKind;
use rusqlite::Connection;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::path::Path;

pub const KIND_STAT: &str = "screening_stat";
pub const KIND_CORRECTION: &str = "correction_report";
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

/// The reporting user's municipality (SCB code) and agency kind, each
/// possibly null — the only context a statistic or a correction report
/// carries about who sent it.
fn municipality_and_agency(obj: &serde_json::Map<String, Value>) -> Result<(Value, Value), String> {
    let m = match obj.get("municipality") {
        Some(Value::Null) | None => Value::Null,
        Some(Value::String(m)) if m.len() == 4 && m.bytes().all(|b| b.is_ascii_digit()) => {
            Value::String(m.clone())
        }
        _ => return Err("municipality must be a four-digit SCB code or null".into()),
    };
    let a = match obj.get("agency_kind") {
        Some(Value::Null) | None => Value::Null,
        Some(Value::String(ak)) if AgencyKind::parse(ak).is_some_and(|k| k.id() == ak) => {
            Value::String(ak.clone())
        }
        Some(Value::String(ak)) => {
            return Err(format!("agency_kind {ak:?} is not a known agency kind"))
        }
        _ => return Err("agency_kind must be an agency kind id or null".into()),
    };
    Ok((m, a))
}

/// Validates a screening statistic payload.
pub fn validate_stat(p: &Value) -> Result<(), String> {
    let obj = p.as_object().ok_or("payload must be an object")?;
    let mut keys = vec![
        "month",
        "municipality",
        "agency_kind",
        "checklist",
        "checklist_version",
        "level",
        "override_used",
    ];
    // Samråd (optional): the agency kind contact was taken with – an id of
    // the vocabulary only, never free text.
    if obj.contains_key("contact_taken") {
        keys.push("contact_taken");
        match obj.get("contact_taken") {
            Some(Value::String(k)) if AgencyKind::parse(k).is_some_and(|x| x.id() == k) => {}
            _ => return Err("contact_taken must be an agency kind id".into()),
        }
    }
    exact_keys(obj, &keys)?;
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
    municipality_and_agency(obj)?;
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

/// Validates a correction report payload; returns it in canonical form.
/// A report from a device older than the reasons (no `reason` field) is
/// stored with the reason `other`.
pub fn validate_correction(p: &Value) -> Result<Value, String> {
    let obj = p.as_object().ok_or("payload must be an object")?;
    // Older devices sent no reason (and no municipality or agency kind).
    let mut keys = vec!["service_id", "message", "content_version"];
    for k in ["reason", "municipality", "agency_kind"] {
        if obj.contains_key(k) {
            keys.push(k);
        }
    }
    exact_keys(obj, &keys)?;
    let (municipality, agency_kind) = municipality_and_agency(obj)?;
    let sid = str_field(obj, "service_id")?;
    if !simple_id(sid, 128) {
        return Err(format!("service_id {sid:?} is not a service id"));
    }
    let reason = match obj.get("reason") {
        None => "other",
        Some(Value::String(r)) => r.as_str(),
        Some(_) => return Err("reason must be a string".into()),
    };
    let msg = str_field(obj, "message")?;
    let (reason, msg) =
        fyr_core::privacy::check_correction(reason, msg).map_err(|e| e.to_string())?;
    let Some(version) = obj.get("content_version").and_then(Value::as_u64) else {
        return Err("content_version must be a version number".into());
    };
    Ok(serde_json::json!({
        "service_id": sid,
        "reason": reason.id(),
        "message": msg,
        "content_version": version,
        "municipality": municipality,
        "agency_kind": agency_kind,
    }))
}

/// Why an upload body as a whole is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodyError {
    /// Not `{"events": [...]}`.
    Malformed(String),
    /// More than [`MAX_EVENTS_PER_BATCH`] events.
    TooMany(usize),
}

impl BodyError {
    /// 400 or 413.
    pub fn status(&self) -> axum::http::StatusCode {
        match self {
            BodyError::Malformed(_) => axum::http::StatusCode::BAD_REQUEST,
            BodyError::TooMany(_) => axum::http::StatusCode::PAYLOAD_TOO_LARGE,
        }
    }
}

impl std::fmt::Display for BodyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BodyError::Malformed(e) => write!(f, "the body must be {{\"events\": [...]}}: {e}"),
            BodyError::TooMany(n) => write!(
                f,
                "at most {MAX_EVENTS_PER_BATCH} events per batch, got {n}"
            ),
        }
    }
}

/// Parses an upload body (pure: no I/O; the fuzz target `upload_body` drives
/// it together with [`validate_event`]).
pub fn parse_batch(body: &[u8]) -> Result<Batch, BodyError> {
    let batch: Batch =
        serde_json::from_slice(body).map_err(|e| BodyError::Malformed(e.to_string()))?;
    if batch.events.len() > MAX_EVENTS_PER_BATCH {
        return Err(BodyError::TooMany(batch.events.len()));
    }
    Ok(batch)
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
    let canonical = match kind {
        KIND_STAT => validate_stat(payload).map(|()| payload.clone()),
        KIND_CORRECTION => validate_correction(payload),
        other => Err(format!(
            "kind {other:?} is not accepted (screening_stat or correction_report)"
        )),
    }
    .map_err(|r| reject(format!("{kind}: {r}")))?;
    Ok((id.clone(), kind.to_string(), canonical.to_string()))
}

/// The events table: nothing in it links an event to a device.
pub const SCHEMA: &str = "CREATE TABLE IF NOT EXISTS events (
        event_id TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        payload TEXT NOT NULL,
        received_month TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS events_kind ON events(kind);";

/// Opens (creating) the event database: owner-only (0600, its -wal and
/// -shm too: [`crate::files::prepare_db`]), WAL, synchronous=FULL, secure
/// delete. A database from before anonymity (with `device` and `received`
/// columns, rows in arrival order) is migrated once: the rows are copied
/// without the device and with the receive time cut to the month, the old
/// table dropped and the file vacuumed so the old values leave the disk.
pub fn open_db(path: &Path) -> Result<Connection, HubError> {
    let err = |e: rusqlite::Error| HubError::Db {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    crate::files::prepare_db(path)?;
    let mut conn = Connection::open(path).map_err(err)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(err)?;
    conn.pragma_update(None, "secure_delete", "ON")
        .map_err(err)?;
    let old: bool = conn
        .query_row(
            "SELECT COUNT(*) FROM pragma_table_info('events') WHERE name IN ('device', 'received')",
            [],
            |r| r.get::<_, i64>(0),
        )
        .map_err(err)?
        > 0;
    if old {
        // VACUUM needs a rollback journal to shrink the file cleanly.
        conn.pragma_update(None, "journal_mode", "DELETE")
            .map_err(err)?;
        let tx = conn.transaction().map_err(err)?;
        tx.execute_batch(
            "ALTER TABLE events RENAME TO events_before_anonymity;
             DROP INDEX IF EXISTS events_kind;",
        )
        .map_err(err)?;
        tx.execute_batch(SCHEMA).map_err(err)?;
        tx.execute_batch(
            "INSERT OR IGNORE INTO events (event_id, kind, payload, received_month)
               SELECT event_id, kind, payload, substr(received, 1, 7)
               FROM events_before_anonymity ORDER BY event_id;
             DROP TABLE events_before_anonymity;",
        )
        .map_err(err)?;
        tx.commit().map_err(err)?;
        conn.execute_batch("VACUUM").map_err(err)?;
    }
    conn.pragma_update(None, "journal_mode", "WAL")
        .map_err(err)?;
    conn.pragma_update(None, "synchronous", "FULL")
        .map_err(err)?;
    conn.busy_timeout(std::time::Duration::from_secs(5))
        .map_err(err)?;
    crate::db::schema::create(&conn).map_err(|e| HubError::Db {
        path: path.display().to_string(),
        reason: e.to_string(),
    })?;
    Ok(conn)
}

/// Moves what the write-ahead log holds into the database file and empties
/// the log (`wal_checkpoint(TRUNCATE)`), so the log does not keep recent
/// writes in the order they came. Called after every write of the upload,
/// enrollment and last-seen paths; best effort (a reader holding an old
/// snapshot makes it partial, and the next write's checkpoint finishes it).
pub fn checkpoint(conn: &Connection) {
    let _ = conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()));
}

/// The month an event arrives in, as stored: `YYYY-MM`.
pub fn received_month(now: chrono::DateTime<chrono::Utc>) -> String {
    now.format("%Y-%m").to_string()
}

/// Validates and stores a batch in one transaction; idempotent per event id.
/// Who sent it is not an argument: the hub authenticates the device and
/// then forgets it.
pub fn store_batch(conn: &impl Sql, events: &[Value]) -> Result<BatchResponse, DbError> {
    let mut resp = BatchResponse::default();
    let month = received_month(chrono::Utc::now());
    conn.in_transaction(|tx| -> Result<(), DbError> {
        for ev in events {
            match validate_event(ev) {
                Ok((id, kind, payload)) => {
                    // Idempotent across hub instances on one database: the
                    // event id is the key, a second insert does nothing.
                    let n = tx.exec(
                        "INSERT INTO events (event_id, kind, payload, received_month) \
                         VALUES ($1, $2, $3, $4) ON CONFLICT (event_id) DO NOTHING",
                        &[
                            id.as_str().into(),
                            kind.into(),
                            payload.into(),
                            month.as_str().into(),
                        ],
                    )?;
                    if n == 1 {
                        resp.accepted.push(id);
                    } else {
                        resp.duplicate.push(id);
                    }
                }
                Err((event_id, reason)) => resp.rejected.push(RejectedEvent { event_id, reason }),
            }
        }
        Ok(())
    })?;
    conn.checkpoint();
    Ok(resp)
}

/// How many events of a kind are stored.
pub fn count(conn: &impl Sql, kind: &str) -> Result<u64, DbError> {
    let n = conn
        .row(
            "SELECT COUNT(*) FROM events WHERE kind = $1",
            &[kind.into()],
        )?
        .map(|r| r.int(0))
        .transpose()?
        .unwrap_or(0);
    Ok(n as u64)
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
        let ok = json!({"service_id": "kvinnojouren-vaxjo", "reason": "moved", "message": " Nytt nummer ", "content_version": 3});
        assert_eq!(
            validate_correction(&ok).unwrap(),
            json!({"service_id": "kvinnojouren-vaxjo", "reason": "moved", "message": "Nytt nummer", "content_version": 3, "municipality": null, "agency_kind": null})
        );
        // The reporter's municipality and agency kind, as coarse as a statistic's.
        let who = json!({"service_id": "x", "reason": "closed", "message": "Stängt", "content_version": 3, "municipality": "0780", "agency_kind": "healthcare"});
        let v = validate_correction(&who).unwrap();
        assert_eq!(
            (v["municipality"].as_str(), v["agency_kind"].as_str()),
            (Some("0780"), Some("healthcare"))
        );
        let mut bad = who.clone();
        bad["municipality"] = json!("Växjö kommun, Storgatan 1");
        assert!(validate_correction(&bad)
            .unwrap_err()
            .contains("municipality"));
        let mut bad = who.clone();
        bad["agency_kind"] = json!("Anna Andersson");
        assert!(validate_correction(&bad)
            .unwrap_err()
            .contains("agency kind"));
        let old = json!({"service_id": "x", "message": "Stängt", "content_version": 3});
        assert_eq!(validate_correction(&old).unwrap()["reason"], "other");
        let long = json!({"service_id": "x", "reason": "other", "message": "å".repeat(501), "content_version": 3});
        assert!(validate_correction(&long).unwrap_err().contains("501"));
        let rude =
            json!({"service_id": "x", "reason": "rude", "message": "x", "content_version": 3});
        assert!(validate_correction(&rude)
            .unwrap_err()
            .contains("wrong_number, closed, moved, other"));
    }

    #[test]
    fn the_hub_refuses_personal_data_a_device_let_through() {
        // An old or modified device skipped the check: the hub runs it again.
        for (msg, why) in [
            ("gäller 19121212 - 1212", "personal identity number"),
            ("gäller 121212 1212", "personal identity number"),
            ("gäller 121212–1212", "personal identity number"),
            ("gäller １２１２１２－１２１２", "personal identity number"),
            ("gäller 121212_1212", "personal identity number"),
            ("ring +46 70 174 06 05", "phone number"),
            ("anna@example.se", "e-mail address"),
            // The audit's spellings: other digit scripts, , and :, no + or 0, (at).
            ("gäller ١٢١٢١٢-١٢١٢", "personal identity number"),
            ("ring ۰۷۰-۱۷۴ ۰۶ ۰۵", "phone number"),
            ("gäller 121212,1212", "personal identity number"),
            ("ring 070:174:06:05", "phone number"),
            ("ring 46701740605", "phone number"),
            ("ring 70 174 06 05", "phone number"),
            ("anna(at)example.se", "e-mail address"),
            ("anna [at] example dot se", "e-mail address"),
        ] {
            let ev = json!({"event_id": "e1", "kind": "correction_report",
                "payload": {"service_id": "x", "reason": "other", "message": msg, "content_version": 3}});
            let (_, reason) = validate_event(&ev).unwrap_err();
            assert!(reason.contains(why), "{msg}: {reason}");
        }
    }

    #[test]
    fn batches_are_idempotent_per_event_id() {
        let dir = tempfile::tempdir().unwrap();
        let conn = crate::db::Db::open(&crate::db::testing::target(dir.path())).unwrap();
        let evs = vec![
            json!({"event_id": "e1", "kind": "screening_stat", "payload": stat()}),
            json!({"event_id": "e2", "kind": "screening_stat", "payload": {"month": "2026-03"}}),
            json!({"event_id": "e1", "kind": "screening_stat", "payload": stat()}),
        ];
        let r = store_batch(&conn, &evs).unwrap();
        assert_eq!(r.accepted, vec!["e1"]);
        assert_eq!(r.duplicate, vec!["e1"]);
        assert_eq!(r.rejected.len(), 1);
        assert_eq!(r.rejected[0].event_id, "e2");
        let r2 = store_batch(&conn, &evs[..1]).unwrap();
        assert_eq!(r2.duplicate, vec!["e1"]);
        assert_eq!(count(&conn, KIND_STAT).unwrap(), 1);
    }
}
