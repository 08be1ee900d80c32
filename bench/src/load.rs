//! The hub under load: 1,000 simulated devices on 127.0.0.1, each asking
//! for the feed conditionally (304), enrolling with its own code, uploading
//! a batch and — as a phone whose answer was lost does — sending the same
//! batch again to another hub. Against one and three hubs sharing one
//! database, on SQLite and on PostgreSQL (`FYR_BENCH_PG` or `FYR_TEST_PG`:
//! a server URL; each run gets a fresh database on it). The hubs run in
//! this process, each with its own listener and its own database
//! connection; the devices speak plain HTTP/1.1 over TCP.
//!
//! A 503 (the hub's upload or enrollment limit, with Retry-After) and a
//! connection closed unanswered (past the hub's connection limit) are
//! retried after a short pause, as the app does, and counted apart; an
//! error is any other answer than the expected one (304, 200 with nothing
//! rejected), or 200 tries without one. Latencies are per attempt. Afterwards the
//! events in the database are counted: every accepted event once.

use fyr_hub::db::{Db, Target};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const DEVICES: usize = 1_000;
const EVENTS_PER_DEVICE: usize = 5;

/// One configuration's figures.
#[derive(Debug, serde::Serialize)]
pub struct LoadFigures {
    pub database: String,
    pub hubs: usize,
    pub devices: usize,
    pub requests: u64,
    pub seconds: f64,
    pub requests_per_s: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    pub errors: u64,
    pub busy_retries: u64,
    pub refused_retries: u64,
    pub accepted: u64,
    pub duplicates: u64,
    pub stored: u64,
    pub lost: i64,
}

#[derive(Default)]
struct Tally {
    latencies: Mutex<Vec<Duration>>,
    errors: AtomicU64,
    busy: AtomicU64,
    refused: AtomicU64,
    accepted: AtomicU64,
    duplicates: AtomicU64,
}

/// One request on a fresh connection: status and body.
async fn http(addr: SocketAddr, head: &str, body: &[u8]) -> std::io::Result<(u16, Vec<u8>)> {
    let mut s = tokio::net::TcpStream::connect(addr).await?;
    s.set_nodelay(true)?;
    let mut req = head.as_bytes().to_vec();
    req.extend_from_slice(body);
    s.write_all(&req).await?;
    let mut out = Vec::new();
    s.read_to_end(&mut out).await?;
    let status = std::str::from_utf8(&out[..out.len().min(12)])
        .ok()
        .and_then(|h| h.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = out
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|i| out[i + 4..].to_vec())
        .unwrap_or_default();
    Ok((status, body))
}

/// A request as the app makes it: a 503 is waited out and tried again.
async fn call(
    t: &Tally,
    addr: SocketAddr,
    method: &str,
    path: &str,
    extra: &str,
    body: &str,
) -> Option<(u16, Vec<u8>)> {
    let head = format!(
        "{method} {path} HTTP/1.1\r\nhost: hub\r\nconnection: close\r\n{extra}content-length: {}\r\n\r\n",
        body.len()
    );
    for attempt in 0..200u32 {
        let start = Instant::now();
        let r = http(addr, &head, body.as_bytes()).await;
        t.latencies.lock().unwrap().push(start.elapsed());
        let ms = 5 + u64::from(attempt.min(20)) * 5 + rand::random::<u64>() % 10;
        match r {
            Ok((503, _)) => {
                t.busy.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(ms)).await;
            }
            // Closed without an answer: past the hub's connection limit
            // (it closes at once); the app tries again later.
            Ok((0, _)) | Err(_) => {
                t.refused.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(ms)).await;
            }
            Ok(r) => return Some(r),
        }
    }
    t.errors.fetch_add(1, Ordering::Relaxed);
    None
}

fn stat(device: usize, i: usize) -> serde_json::Value {
    serde_json::json!({"event_id": format!("d{device:04}-e{i}"), "kind": "screening_stat",
        "payload": {"month": "2026-12", "municipality": "2361", "agency_kind": "police",
        "checklist": "adult-risk", "checklist_version": 1, "level": "high", "override_used": false}})
}

async fn device(t: Arc<Tally>, hubs: Arc<Vec<SocketAddr>>, n: usize, code: String, etag: String) {
    let a = hubs[n % hubs.len()];
    let b = hubs[(n + 1) % hubs.len()];
    let cond = format!("if-none-match: \"{etag}\"\r\n");
    let expect = |r: Option<(u16, Vec<u8>)>, want: u16| -> Option<Vec<u8>> {
        match r {
            Some((s, body)) if s == want => Some(body),
            Some(_) => {
                t.errors.fetch_add(1, Ordering::Relaxed);
                None
            }
            None => None,
        }
    };
    // Unchanged feed.
    expect(
        call(&t, a, "GET", "/feed/manifest.json", &cond, "").await,
        304,
    );
    // Enrollment.
    let body = serde_json::json!({ "code": code }).to_string();
    let Some(en) = expect(
        call(
            &t,
            a,
            "POST",
            "/v1/enroll",
            "content-type: application/json\r\n",
            &body,
        )
        .await,
        200,
    ) else {
        return;
    };
    let token = serde_json::from_slice::<serde_json::Value>(&en)
        .ok()
        .and_then(|v| v["token"].as_str().map(str::to_string));
    let Some(token) = token else {
        t.errors.fetch_add(1, Ordering::Relaxed);
        return;
    };
    // The upload, then the same batch again at another hub.
    let batch = serde_json::json!({"events": (0..EVENTS_PER_DEVICE).map(|i| stat(n, i)).collect::<Vec<_>>()}).to_string();
    let auth = format!("authorization: Bearer {token}\r\ncontent-type: application/json\r\n");
    for hub in [a, b] {
        if let Some(r) = expect(
            call(&t, hub, "POST", "/v1/events", &auth, &batch).await,
            200,
        ) {
            let v: serde_json::Value = serde_json::from_slice(&r).unwrap_or_default();
            let len = |k: &str| v[k].as_array().map_or(0, |a| a.len() as u64);
            t.accepted.fetch_add(len("accepted"), Ordering::Relaxed);
            t.duplicates.fetch_add(len("duplicate"), Ordering::Relaxed);
            if len("rejected") > 0 {
                t.errors.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
    expect(
        call(&t, b, "GET", "/feed/manifest.json", &cond, "").await,
        304,
    );
}

/// A hub process on 127.0.0.1 (see [`serve`]); killed when stopped or dropped.
struct Hub {
    child: std::process::Child,
    addr: SocketAddr,
}

impl Hub {
    fn start(feed: &Path, target: &Target) -> Hub {
        use std::io::BufRead;
        let mut cmd = std::process::Command::new(std::env::current_exe().expect("own binary"));
        cmd.arg("hub").arg(feed).arg(target.secret_path());
        if let Target::Postgres { url, .. } = target {
            cmd.arg(url);
        }
        let mut child = cmd
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("hub process");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the hub's address");
        let addr = line
            .trim()
            .parse()
            .unwrap_or_else(|_| panic!("no address from the hub process: {line:?}"));
        Hub { child, addr }
    }

    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Hub {
    fn drop(&mut self) {
        self.stop();
    }
}

/// `fyr-bench hub FEED DB_OR_SECRET [POSTGRES_URL]`: one hub for [`load`]
/// in this process, on 127.0.0.1; prints the address it bound, then serves
/// until killed.
pub fn serve(args: &[String]) {
    let (Some(feed), Some(db)) = (args.first(), args.get(1)) else {
        eprintln!("usage: fyr-bench hub FEED DB_OR_SECRET [POSTGRES_URL]");
        std::process::exit(2);
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let mut cfg = fyr_hub::ServeConfig::new(
            Path::new(feed),
            Path::new(db),
            "127.0.0.1:0".parse().unwrap(),
        );
        cfg.postgres = args.get(2).cloned();
        cfg.limits.retry_after_secs = 1;
        let (addr, _h) = fyr_hub::spawn(cfg).await.expect("hub");
        println!("{addr}");
        std::future::pending::<()>().await;
    });
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// One run: `hubs` hubs on `target`, 1,000 devices.
async fn run(feed: &Path, dir: &Path, target: Target, hubs: usize) -> LoadFigures {
    let database = match &target {
        Target::Sqlite(_) => "SQLite".to_string(),
        Target::Postgres { .. } => "PostgreSQL".to_string(),
    };
    let db = Db::open(&target).expect("hub database");
    let now = chrono::Utc::now();
    let codes: Vec<String> = (0..DEVICES)
        .map(|_| {
            fyr_hub::enroll::create_code(&db, "23", "police", 24, "http://127.0.0.1/", now)
                .expect("code")
                .code
        })
        .collect();
    // Each hub its own process (this binary, `hub …`), as deployed.
    let mut hubs_running: Vec<Hub> = (0..hubs).map(|_| Hub::start(feed, &target)).collect();
    let addrs: Vec<SocketAddr> = hubs_running.iter().map(|h| h.addr).collect();
    let manifest = std::fs::read(feed.join("manifest.json")).expect("manifest");
    let etag = fyr_core::feed::sha256_hex(&manifest)[..32].to_string();
    let t = Arc::new(Tally::default());
    let addrs = Arc::new(addrs);
    let start = Instant::now();
    let tasks: Vec<_> = codes
        .into_iter()
        .enumerate()
        .map(|(n, code)| tokio::spawn(device(t.clone(), addrs.clone(), n, code, etag.clone())))
        .collect();
    for task in tasks {
        let _ = task.await;
    }
    let seconds = start.elapsed().as_secs_f64();
    for h in &mut hubs_running {
        h.stop();
    }
    let stored = fyr_hub::events::count(&db, fyr_hub::events::KIND_STAT).expect("count");
    let _ = dir;
    let mut lat = std::mem::take(&mut *t.latencies.lock().unwrap());
    lat.sort();
    let pct = |p: f64| {
        lat.get(((lat.len() as f64 - 1.0) * p) as usize)
            .copied()
            .unwrap_or_default()
    };
    let requests = lat.len() as u64;
    let accepted = t.accepted.load(Ordering::Relaxed);
    LoadFigures {
        database,
        hubs,
        devices: DEVICES,
        requests,
        seconds,
        requests_per_s: requests as f64 / seconds.max(1e-9),
        p50_ms: ms(pct(0.50)),
        p99_ms: ms(pct(0.99)),
        errors: t.errors.load(Ordering::Relaxed),
        busy_retries: t.busy.load(Ordering::Relaxed),
        refused_retries: t.refused.load(Ordering::Relaxed),
        accepted,
        duplicates: t.duplicates.load(Ordering::Relaxed),
        stored,
        lost: accepted as i64 - stored as i64,
    }
}

pub fn load() {
    let pg = std::env::var("FYR_BENCH_PG")
        .or_else(|_| std::env::var("FYR_TEST_PG"))
        .ok()
        .filter(|u| !u.is_empty());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    // The bundled, signed feed: its municipalities and checklists are what
    // the hubs check statistics against.
    let feed = tmp.path().join("feed");
    std::fs::create_dir_all(&feed).unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/feed");
    for e in std::fs::read_dir(&src).expect("content/feed") {
        let e = e.unwrap();
        std::fs::copy(e.path(), feed.join(e.file_name())).unwrap();
    }
    println!(
        "load: {DEVICES} devices on 127.0.0.1, each: conditional feed request, enrollment, upload of {EVENTS_PER_DEVICE} events, the same upload at another hub, conditional feed request"
    );
    println!(
        "{:<11} {:>4} {:>9} {:>6} {:>7} {:>7} {:>8} {:>6} {:>6} {:>7} {:>8} {:>9} {:>6} {:>4}",
        "database",
        "hubs",
        "requests",
        "s",
        "req/s",
        "p50 ms",
        "p99 ms",
        "errors",
        "503s",
        "refused",
        "accepted",
        "duplicate",
        "stored",
        "lost"
    );
    let mut all = Vec::new();
    let mut configs: Vec<(&str, usize)> = vec![("sqlite", 1), ("sqlite", 3)];
    if pg.is_some() {
        configs.extend([("postgres", 1), ("postgres", 3)]);
    } else {
        println!("(PostgreSQL: set FYR_BENCH_PG=postgres://USER@127.0.0.1:PORT/postgres)");
    }
    for (i, (kind, hubs)) in configs.into_iter().enumerate() {
        let dir = tmp.path().join(format!("run{i}"));
        std::fs::create_dir_all(&dir).unwrap();
        let target = match (kind, &pg) {
            ("postgres", Some(url)) => {
                let name = format!("fyr_load_{}", hex_id());
                Target::Postgres {
                    url: fyr_hub::db::pg::create_database(url, &name).expect("bench database"),
                    secret_beside: dir.join("hub.db"),
                }
            }
            _ => Target::Sqlite(dir.join("hub.db")),
        };
        let f = rt.block_on(run(&feed, &dir, target, hubs));
        println!(
            "{:<11} {:>4} {:>9} {:>6.1} {:>7.0} {:>7.1} {:>8.1} {:>6} {:>6} {:>7} {:>8} {:>9} {:>6} {:>4}",
            f.database, f.hubs, f.requests, f.seconds, f.requests_per_s, f.p50_ms, f.p99_ms, f.errors, f.busy_retries, f.refused_retries, f.accepted, f.duplicates, f.stored, f.lost
        );
        all.push(f);
    }
    println!("targets: 0 errors and 0 lost events, on both databases and with three hubs");
    println!("{}", serde_json::json!({"bench": "load", "runs": all}));
}

fn hex_id() -> String {
    (0..8)
        .map(|_| format!("{:02x}", rand::random::<u8>()))
        .collect()
}
