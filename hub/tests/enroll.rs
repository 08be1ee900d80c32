//! Enrollment at a real hub on 127.0.0.1, behind a (pretend) reverse proxy:
//! wrong codes are counted per forwarded client and survive a restart; no
//! limit "in all" lets a few addresses lock every phone out; codes are
//! stored under the hub secret; an upload leaves no device trace next to its
//! batch; the hub's files are owner-only.

use fyr_hub::db::{testing, Db, Sql};
use fyr_hub::{spawn, HubHandle, ServeConfig};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

struct Hub {
    addr: SocketAddr,
    handle: HubHandle,
}

async fn start(dir: &Path, trusted: &[&str]) -> Hub {
    std::fs::create_dir_all(dir.join("feed")).unwrap();
    let mut cfg = ServeConfig::new(
        dir.join("feed"),
        dir.join("hub.db"),
        "127.0.0.1:0".parse().unwrap(),
    );
    cfg.trusted_proxies = fyr_hub::proxy::TrustedProxies::parse(trusted).unwrap();
    testing::apply(&mut cfg);
    let (addr, handle) = spawn(cfg).await.unwrap();
    Hub { addr, handle }
}

/// The test's hub database (SQLite, or PostgreSQL with FYR_TEST_PG).
fn open(dir: &Path) -> Db {
    Db::open(&testing::target(dir)).unwrap()
}

fn texts(c: &Db, sql: &str) -> Vec<Option<String>> {
    c.rows(sql, &[])
        .unwrap()
        .iter()
        .map(|r| r.opt_text(0).unwrap())
        .collect()
}

fn code(db: &Path, county: &str) -> fyr_hub::enroll::IssuedCode {
    let c = open(db.parent().unwrap());
    fyr_hub::enroll::create_code(
        &c,
        county,
        "healthcare",
        72,
        "http://x/",
        chrono::Utc::now(),
    )
    .unwrap()
}

/// POST /v1/enroll as a proxy would forward it: status and Retry-After.
async fn enroll(hub: &Hub, forwarded: Option<&str>, code: &str) -> (u16, Option<String>) {
    let client = reqwest::Client::new();
    let mut req = client
        .post(format!("http://{}/v1/enroll", hub.addr))
        .header("content-type", "application/json")
        .body(serde_json::json!({ "code": code }).to_string());
    if let Some(f) = forwarded {
        req = req.header("x-forwarded-for", f);
    }
    let r = req.send().await.unwrap();
    let wait = r
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_string());
    (r.status().as_u16(), wait)
}

fn wrong() -> String {
    fyr_core::enroll::generate_code()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_codes_count_per_forwarded_client_and_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hub.db");
    let hub = start(dir.path(), &["127.0.0.1"]).await;
    // A nurse in Funäsdalen mistypes ten times (the left-most entries are
    // whatever her phone or a mischief-maker sent; the proxy appended her address).
    for i in 0..10 {
        let xff = format!("10.9.9.{i}, 198.51.100.7");
        assert_eq!(enroll(&hub, Some(&xff), &wrong()).await.0, 403);
    }
    let (status, wait) = enroll(&hub, Some("198.51.100.7"), &wrong()).await;
    assert_eq!(status, 429);
    let wait: u64 = wait.unwrap().parse().unwrap();
    assert!((1..=600).contains(&wait), "{wait}");
    // A colleague behind the same proxy is not locked out.
    let good = code(&db, "Jämtland");
    assert_eq!(enroll(&hub, Some("198.51.100.8"), &good.code).await.0, 200);
    // 21 addresses spend all their tries (more than the old 200 "in all")…
    for a in 0..21 {
        let xff = format!("203.0.113.{a}");
        for _ in 0..10 {
            assert_eq!(enroll(&hub, Some(&xff), &wrong()).await.0, 403);
        }
        assert_eq!(enroll(&hub, Some(&xff), &wrong()).await.0, 429);
    }
    // …and a new phone elsewhere still enrolls.
    let good = code(&db, "Kronoberg");
    assert_eq!(enroll(&hub, Some("192.0.2.50"), &good.display).await.0, 200);
    hub.handle.shutdown().await;

    // A restart remembers the counts (they are in the database).
    let hub = start(dir.path(), &["127.0.0.1"]).await;
    assert_eq!(enroll(&hub, Some("198.51.100.7"), &wrong()).await.0, 429);
    assert_eq!(enroll(&hub, Some("198.51.100.9"), &wrong()).await.0, 403);
    // No address is stored.
    let c = open(dir.path());
    let keys: Vec<String> = texts(&c, "SELECT client FROM enroll_failures")
        .into_iter()
        .flatten()
        .collect();
    assert!(keys.len() >= 23);
    assert!(
        keys.iter().all(|k| !k.contains('.') && k.len() == 64),
        "{keys:?}"
    );
    hub.handle.shutdown().await;

    // Without --trusted-proxy the header is not believed: the peer is the client.
    let hub = start(dir.path(), &[]).await;
    for i in 0..10 {
        let xff = format!("198.18.0.{i}");
        assert_eq!(enroll(&hub, Some(&xff), &wrong()).await.0, 403);
    }
    assert_eq!(enroll(&hub, Some("198.18.1.1"), &wrong()).await.0, 429);
    hub.handle.shutdown().await;
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

fn beside(db: &Path, suffix: &str) -> PathBuf {
    PathBuf::from(format!("{}{suffix}", db.display()))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upload_leaves_no_trace_of_its_device_beside_its_batch() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hub.db");
    let hub = start(dir.path(), &[]).await;
    let issued = code(&db, "23");
    // Codes are stored under the hub secret, never as a plain sha256.
    let c = open(dir.path());
    let stored = texts(&c, "SELECT code_hash FROM enroll_codes")[0]
        .clone()
        .unwrap();
    assert!(stored.starts_with("hmac-sha256:"), "{stored}");
    assert!(!stored.contains(&fyr_core::feed::sha256_hex(issued.code.as_bytes())));
    drop(c);
    let en = fyr_core::enroll::enroll(&format!("http://{}/", hub.addr), &issued.code)
        .await
        .unwrap();
    let stat = serde_json::json!({"events": [{"event_id": "ev-1", "kind": "screening_stat",
        "payload": {"month": "2026-12", "municipality": "2361", "agency_kind": "healthcare",
        "checklist": "adult-risk", "checklist_version": 1, "level": "high", "override_used": false}}]});
    let r = reqwest::Client::new()
        .post(format!("http://{}/v1/events", hub.addr))
        .bearer_auth(&en.token)
        .header("content-type", "application/json")
        .body(stat.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status().as_u16(), 200);
    // Nothing about the device was written with the batch, and the log
    // that would keep writes in their order is empty.
    let c = open(dir.path());
    let last_seen = texts(&c, "SELECT last_seen FROM devices")[0].clone();
    assert_eq!(last_seen, None);
    let events = c
        .row("SELECT COUNT(*) FROM events", &[])
        .unwrap()
        .unwrap()
        .int(0)
        .unwrap();
    assert_eq!(events, 1);
    drop(c);
    // The SQLite file's log is empty and every file owner-only; on
    // PostgreSQL the hub's only file is the secret.
    let files = if testing::pg_url().is_none() {
        assert_eq!(std::fs::metadata(beside(&db, "-wal")).unwrap().len(), 0);
        vec![
            db.clone(),
            beside(&db, "-wal"),
            beside(&db, "-shm"),
            beside(&db, ".secret"),
        ]
    } else {
        vec![beside(&db, ".secret")]
    };
    #[cfg(unix)]
    for p in files {
        assert_eq!(mode(&p), 0o600, "{}", p.display());
    }
    // When the hub stops, the day (only the day) is written for all devices seen.
    hub.handle.shutdown().await;
    let c = open(dir.path());
    let last_seen = texts(&c, "SELECT last_seen FROM devices")[0].clone();
    assert_eq!(
        last_seen,
        Some(chrono::Utc::now().format("%Y-%m-%d").to_string())
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_code_of_the_old_format_is_refused_and_listed_as_expired() {
    let dir = tempfile::tempdir().unwrap();
    // A database from before: a 10-character code stored as a plain sha256.
    {
        let c = open(dir.path());
        let later = (chrono::Utc::now() + chrono::Duration::hours(48)).to_rfc3339();
        c.exec(
            "INSERT INTO enroll_codes VALUES ($1, 'old1', '23', 'police', $2, $3, NULL)",
            &[
                fyr_core::feed::sha256_hex(b"7K3QDM2XWA").into(),
                chrono::Utc::now().to_rfc3339().into(),
                later.into(),
            ],
        )
        .unwrap();
    }
    let hub = start(dir.path(), &[]).await;
    assert_eq!(enroll(&hub, None, "7K3QD-M2XWA").await.0, 403);
    let c = open(dir.path());
    let codes = fyr_hub::enroll::list_codes(&c, chrono::Utc::now()).unwrap();
    assert_eq!(codes[0].state, "expired");
    // On the device the old format is named before anything is sent.
    let e = fyr_core::enroll::parse_input("7K3QD-M2XWA").unwrap_err();
    assert!(e.contains("old format"), "{e}");
    hub.handle.shutdown().await;
}
