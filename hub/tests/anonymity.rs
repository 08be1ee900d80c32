//! What the hub keeps of an upload: exactly the columns and values a row
//! holds, nothing that links it to the device that sent it, and the
//! migration of a database from before.

use fyr_hub::db::{testing, Backend, Db, Sql};
use fyr_hub::{events, spawn, ServeConfig};
use rusqlite::Connection;
use serde_json::{json, Value};
use std::path::Path;

const TOKEN: &str = "device-token-anna-0001";
const DEVICE: &str = "annas-telefon-ljungby";

fn columns(conn: &Connection) -> Vec<String> {
    let mut st = conn
        .prepare("SELECT name FROM pragma_table_info('events') ORDER BY cid")
        .unwrap();
    st.query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

fn rows(conn: &Connection) -> Vec<(String, String, Value, String)> {
    let mut st = conn
        .prepare("SELECT event_id, kind, payload, received_month FROM events ORDER BY event_id")
        .unwrap();
    st.query_map([], |r| {
        Ok((
            r.get(0)?,
            r.get(1)?,
            serde_json::from_str(&r.get::<_, String>(2)?).unwrap(),
            r.get(3)?,
        ))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

/// The bytes of the database and its WAL, for searching.
fn file_bytes(db: &Path) -> Vec<u8> {
    let mut out = std::fs::read(db).unwrap();
    for ext in ["-wal", "-journal"] {
        if let Ok(b) = std::fs::read(format!("{}{ext}", db.display())) {
            out.extend(b);
        }
    }
    out
}

/// The same on either backend of the hub database.
fn db_columns(db: &Db) -> Vec<String> {
    let sql = match db.backend() {
        Backend::Sqlite => "SELECT name FROM pragma_table_info('events') ORDER BY cid",
        Backend::Postgres => {
            "SELECT column_name::text FROM information_schema.columns
              WHERE table_name = 'events' ORDER BY ordinal_position"
        }
    };
    db.rows(sql, &[])
        .unwrap()
        .iter()
        .map(|r| r.text(0).unwrap())
        .collect()
}

fn db_rows(db: &Db) -> Vec<(String, String, Value, String)> {
    db.rows(
        "SELECT event_id, kind, payload, received_month FROM events ORDER BY event_id",
        &[],
    )
    .unwrap()
    .iter()
    .map(|r| {
        (
            r.text(0).unwrap(),
            r.text(1).unwrap(),
            serde_json::from_str(&r.text(2).unwrap()).unwrap(),
            r.text(3).unwrap(),
        )
    })
    .collect()
}

fn contains(hay: &[u8], needle: &str) -> bool {
    hay.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hub_row_holds_the_event_and_the_month_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hub.db");
    std::fs::create_dir_all(dir.path().join("feed")).unwrap();
    std::fs::write(dir.path().join("tokens"), format!("{TOKEN} {DEVICE}\n")).unwrap();
    let mut cfg = ServeConfig::new(dir.path().join("feed"), &db, "127.0.0.1:0".parse().unwrap());
    cfg.tokens = Some(dir.path().join("tokens"));
    testing::apply(&mut cfg);
    let (addr, handle) = spawn(cfg).await.unwrap();
    let stat = json!({"month": "2026-12", "municipality": "0764", "agency_kind": "healthcare",
        "checklist": "adult-risk", "checklist_version": 3, "level": "high", "override_used": false});
    // What a device sends: the reporter's municipality and agency kind (as
    // coarse as a statistic), the reason and the checked short text.
    let report = json!({"service_id": "ljungby-socialtjanst", "reason": "wrong_number",
        "message": "Numret går till fel växel", "content_version": 12,
        "municipality": "0781", "agency_kind": "police"});
    let batch = json!({"events": [
        {"event_id": "5f0c6b1e9a8d4c2b7e1f3a5d9c0b8e24", "kind": "screening_stat", "payload": stat},
        {"event_id": "a17e2c9d4b6f8a0c3e5d7b9f1a2c4e6d", "kind": "correction_report", "payload": report},
        {"event_id": "c0ffee00c0ffee00c0ffee00c0ffee00", "kind": "correction_report",
         "payload": {"service_id": "ljungby-socialtjanst", "reason": "other",
                     "message": "gäller 121212–1212", "content_version": 12}},
    ]});
    let client = reqwest::Client::new();
    let resp = client
        .post(format!("http://{addr}/v1/events"))
        .bearer_auth(TOKEN)
        .header("content-type", "application/json")
        .body(batch.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status(), 200);
    let answer: Value = serde_json::from_str(&resp.text().await.unwrap()).unwrap();
    assert_eq!(answer["accepted"].as_array().unwrap().len(), 2, "{answer}");
    let refused = answer["rejected"][0]["reason"].as_str().unwrap();
    assert!(refused.contains("personal identity number"), "{refused}");
    handle.shutdown().await;

    let month = chrono::Utc::now().format("%Y-%m").to_string();
    let conn = Db::open(&testing::target(dir.path())).unwrap();
    assert_eq!(
        db_columns(&conn),
        ["event_id", "kind", "payload", "received_month"]
    );
    assert_eq!(
        db_rows(&conn),
        vec![
            (
                "5f0c6b1e9a8d4c2b7e1f3a5d9c0b8e24".to_string(),
                "screening_stat".to_string(),
                stat,
                month.clone()
            ),
            (
                "a17e2c9d4b6f8a0c3e5d7b9f1a2c4e6d".to_string(),
                "correction_report".to_string(),
                report,
                month.clone()
            ),
        ]
    );
    let Some(conn) = conn.sqlite() else {
        // PostgreSQL keeps rows in its heap in arrival order; what links a
        // row to a device is still nothing (the columns above).
        return;
    };
    // No rowid: rows are kept in event-id order, not arrival (batch) order.
    assert!(conn.prepare("SELECT rowid FROM events").is_err());
    let bytes = file_bytes(&db);
    for secret in [TOKEN, DEVICE, "121212"] {
        assert!(!contains(&bytes, secret), "{secret} is in the hub database");
    }
}

#[test]
fn an_old_hub_database_loses_device_names_and_exact_times() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hub.db");
    {
        // The schema before anonymity, with rows as it stored them.
        let conn = Connection::open(&db).unwrap();
        conn.execute_batch(
            "PRAGMA journal_mode=WAL;
             CREATE TABLE events (event_id TEXT PRIMARY KEY, kind TEXT NOT NULL,
               payload TEXT NOT NULL, device TEXT, received TEXT NOT NULL);
             CREATE INDEX events_kind ON events(kind);",
        )
        .unwrap();
        for i in 0..200 {
            conn.execute(
                "INSERT INTO events VALUES (?1, 'screening_stat', ?2, ?3, ?4)",
                rusqlite::params![
                    format!("ev-{i:04}"),
                    r#"{"month":"2026-03"}"#,
                    format!("polisens-telefon-{}", i % 3),
                    format!("2026-03-14T21:{:02}:07.123456789+00:00", i % 60)
                ],
            )
            .unwrap();
        }
    }
    let conn = events::open_db(&db).unwrap();
    assert_eq!(
        columns(&conn),
        ["event_id", "kind", "payload", "received_month"]
    );
    let all = rows(&conn);
    assert_eq!(all.len(), 200);
    assert!(all.iter().all(|r| r.3 == "2026-03"));
    assert_eq!(events::count(&conn, events::KIND_STAT).unwrap(), 200);
    drop(conn);
    let bytes = file_bytes(&db);
    assert!(
        !contains(&bytes, "polisens-telefon"),
        "a device name survived"
    );
    assert!(!contains(&bytes, "21:07:07"), "a receive time survived");
    // Opening again changes nothing.
    let conn = events::open_db(&db).unwrap();
    assert_eq!(rows(&conn).len(), 200);
}
