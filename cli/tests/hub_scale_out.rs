//! Two `fyr hub serve` processes on 127.0.0.1 sharing one database — a
//! PostgreSQL database when FYR_TEST_PG names a server (`scripts/test.sh`
//! starts one), else one SQLite file: a device enrolled at one hub uploads
//! to both, the same batch sent to both at once is stored once, and wrong
//! enrollment codes sent to either count against one shared limit.

use fyr_hub::db::{testing, Db, Sql, Target};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Served {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(dir: &Path, n: usize, target: &Target) -> Served {
    let feed = dir.join("feed");
    std::fs::create_dir_all(&feed).unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_fyr"));
    cmd.arg("--data-dir")
        .arg(dir.join(format!("data{n}")))
        .args([
            "hub",
            "serve",
            "--no-console",
            "--listen",
            "127.0.0.1:0",
            "--feed",
        ])
        .arg(&feed);
    match target {
        Target::Sqlite(p) => cmd.arg("--db").arg(p),
        Target::Postgres { url, secret_beside } => {
            cmd.args(["--db", url]).arg("--local-db").arg(secret_beside)
        }
    };
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .rsplit("http://")
        .next()
        .unwrap()
        .trim_end_matches('/')
        .parse()
        .unwrap_or_else(|_| panic!("no address in {line:?}"));
    Served { child, addr }
}

/// One POST; the status and the body.
fn post(addr: SocketAddr, path: &str, token: Option<&str>, body: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let auth = token
        .map(|t| format!("authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    write!(
        s,
        "POST {path} HTTP/1.1\r\nhost: hub\r\nconnection: close\r\ncontent-type: application/json\r\n{auth}content-length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let status = out
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = out
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

fn stat(i: usize) -> serde_json::Value {
    serde_json::json!({"event_id": format!("ev-{i:04}"), "kind": "screening_stat",
        "payload": {"month": "2026-12", "municipality": "2361", "agency_kind": "healthcare",
        "checklist": "adult-risk", "checklist_version": 1, "level": "high", "override_used": false}})
}

#[test]
fn two_hubs_on_one_database_store_each_event_once_and_share_the_enrollment_limit() {
    let dir = tempfile::tempdir().unwrap();
    let target = testing::target(dir.path());
    // Made first, so both processes find the tables and the secret.
    let db = Db::open(&target).unwrap();
    let a = serve(dir.path(), 1, &target);
    let b = serve(dir.path(), 2, &target);

    // A nurse's phone enrolls at hub A with a code the coordinator made.
    let issued = fyr_hub::enroll::create_code(
        &db,
        "Jämtland",
        "healthcare",
        72,
        "http://127.0.0.1/",
        chrono::Utc::now(),
    )
    .unwrap();
    let (st, body) = post(
        a.addr,
        "/v1/enroll",
        None,
        &serde_json::json!({"code": issued.display}).to_string(),
    );
    assert_eq!(st, 200, "{body}");
    let token = serde_json::from_str::<serde_json::Value>(&body).unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();

    // Her phone retries a batch of 40 after a timeout; a load balancer sends
    // the first try to A and the retry to B at the same moment.
    let batch = serde_json::json!({"events": (0..40).map(stat).collect::<Vec<_>>()}).to_string();
    let answers: Vec<(u16, String)> = std::thread::scope(|sc| {
        let hs: Vec<_> = [a.addr, b.addr]
            .into_iter()
            .map(|addr| {
                let (token, batch) = (&token, &batch);
                sc.spawn(move || post(addr, "/v1/events", Some(token), batch))
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let (mut accepted, mut duplicate) = (0, 0);
    for (st, body) in &answers {
        assert_eq!(*st, 200, "{body}");
        let v: serde_json::Value = serde_json::from_str(body).unwrap();
        accepted += v["accepted"].as_array().unwrap().len();
        duplicate += v["duplicate"].as_array().unwrap().len();
    }
    assert_eq!((accepted, duplicate), (40, 40), "{answers:?}");
    let stored = db
        .row("SELECT COUNT(*) FROM events", &[])
        .unwrap()
        .unwrap()
        .int(0)
        .unwrap();
    assert_eq!(stored, 40);

    // Someone guesses codes, alternating between the two hubs: the ten
    // failures allowed are counted once, in the database, not per hub.
    for i in 0..10 {
        let hub = if i % 2 == 0 { &a } else { &b };
        let (st, _) = post(
            hub.addr,
            "/v1/enroll",
            None,
            r#"{"code": "ABCDE-FGHJK-MNPQ"}"#,
        );
        assert_eq!(st, 403, "guess {i}");
    }
    for hub in [&a, &b] {
        assert_eq!(
            post(
                hub.addr,
                "/v1/enroll",
                None,
                r#"{"code": "ABCDE-FGHJK-MNPQ"}"#
            )
            .0,
            429
        );
    }
}

#[test]
fn a_postgres_database_without_the_local_file_is_a_usage_error() {
    let d = tempfile::tempdir().unwrap();
    let url = "postgres://fyr@127.0.0.1:9/fyr";
    for args in [
        vec![
            "hub",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--feed",
            "f",
            "--db",
            url,
        ],
        vec!["hub", "enroll-codes", "list", "--db", url],
        vec!["hub", "devices", "list", "--db", url],
        vec![
            "hub",
            "enroll-codes",
            "list",
            "--db",
            "hub.db",
            "--local-db",
            "x.db",
        ],
    ] {
        let o = Command::new(env!("CARGO_BIN_EXE_fyr"))
            .arg("--data-dir")
            .arg(d.path())
            .args(&args)
            .current_dir(d.path())
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains("--local-db"),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}
