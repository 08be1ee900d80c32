//! The hub under hostile clients: token-less uploads, slow headers, slow
//! bodies, idle connections and too many connections, against a real hub on
//! 127.0.0.1. Every loop is bounded in count and time. Each test also keeps
//! asking for the manifest the way a device does and requires an answer.

use fyr_core::feed::{Record, RecordKind};
use fyr_core::model::Municipality;
use fyr_hub::{publish_with, spawn, HubHandle, Limits, PublishOptions, ServeConfig};
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const TOKEN: &str = "device-token-0001";

struct Hub {
    _dir: tempfile::TempDir,
    addr: SocketAddr,
    handle: HubHandle,
}

async fn start(limits: Limits) -> Hub {
    let dir = tempfile::tempdir().unwrap();
    let feed = dir.path().join("feed");
    let record = Record::new(
        RecordKind::Municipality,
        "0780",
        &Municipality {
            code: "0780".into(),
            name: "Växjö".into(),
            county_code: "07".into(),
            county_name: "Kronobergs län".into(),
            lat: 56.88,
            lon: 14.81,
            localities: vec![],
        },
    );
    let key = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
    publish_with(vec![record], &key, &feed, &PublishOptions::default()).unwrap();
    std::fs::write(dir.path().join("tokens"), format!("{TOKEN} phone-1\n")).unwrap();
    let mut cfg = ServeConfig::new(
        &feed,
        dir.path().join("hub.db"),
        "127.0.0.1:0".parse().unwrap(),
    );
    cfg.tokens = Some(dir.path().join("tokens"));
    cfg.limits = limits;
    fyr_hub::db::testing::apply(&mut cfg);
    let (addr, handle) = spawn(cfg).await.unwrap();
    Hub {
        _dir: dir,
        addr,
        handle,
    }
}

/// Reads a whole response (the server closes or the time runs out); returns
/// the status code, 0 when none came.
async fn read_status(s: &mut TcpStream, within: Duration) -> u16 {
    let mut buf = Vec::new();
    let _ = tokio::time::timeout(within, async {
        let mut chunk = [0u8; 4096];
        loop {
            match s.read(&mut chunk).await {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    buf.extend_from_slice(&chunk[..n]);
                    if buf.windows(4).any(|w| w == b"\r\n\r\n") {
                        break;
                    }
                }
            }
        }
    })
    .await;
    let text = String::from_utf8_lossy(&buf);
    text.split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

/// A device's manifest request on a fresh connection: status and time taken.
async fn normal_get(addr: SocketAddr) -> (u16, Duration) {
    let t = Instant::now();
    let Ok(Ok(mut s)) =
        tokio::time::timeout(Duration::from_secs(3), TcpStream::connect(addr)).await
    else {
        return (0, t.elapsed());
    };
    let req = "GET /feed/manifest.json HTTP/1.1\r\nhost: hub\r\nconnection: close\r\n\r\n";
    if s.write_all(req.as_bytes()).await.is_err() {
        return (0, t.elapsed());
    }
    (
        read_status(&mut s, Duration::from_secs(3)).await,
        t.elapsed(),
    )
}

/// Asks for the manifest every 100 ms until `stop`; returns every status and
/// the slowest answer.
fn keep_asking(
    addr: SocketAddr,
    stop: Arc<tokio::sync::Notify>,
) -> tokio::task::JoinHandle<(Vec<u16>, Duration)> {
    tokio::spawn(async move {
        let mut codes = Vec::new();
        let mut slowest = Duration::ZERO;
        for _ in 0..600 {
            let (code, took) = normal_get(addr).await;
            codes.push(code);
            slowest = slowest.max(took);
            tokio::select! {
                _ = stop.notified() => break,
                _ = tokio::time::sleep(Duration::from_millis(100)) => {}
            }
        }
        (codes, slowest)
    })
}

fn rss_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap()
}

/// Is the connection closed by the server (EOF or reset) within `within`?
async fn closed_by_server(s: &mut TcpStream, within: Duration) -> bool {
    let mut b = [0u8; 1024];
    let deadline = Instant::now() + within;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, s.read(&mut b)).await {
            Err(_) => return false,
            Ok(Ok(0)) | Ok(Err(_)) => return true,
            Ok(Ok(_)) => continue, // a 408/503 answer before the close
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tokenless_uploads_are_answered_before_their_body_and_memory_stays_flat() {
    let hub = start(Limits::default()).await;
    let stop = Arc::new(tokio::sync::Notify::new());
    let asker = keep_asking(hub.addr, stop.clone());
    let body: Arc<Vec<u8>> = Arc::new(vec![b'x'; 256 << 10]);
    // Warm up, then measure: 1,000 token-less 256 KiB uploads, 50 at a time
    // (the audit's case: 27 → 302 MB before the fix).
    let _ = normal_get(hub.addr).await;
    let before = rss_kib();
    let t = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..50 {
        let (addr, body) = (hub.addr, body.clone());
        tasks.push(tokio::spawn(async move {
            let mut codes = Vec::new();
            for _ in 0..20 {
                let mut s = TcpStream::connect(addr).await.unwrap();
                let head = format!(
                    "POST /v1/events HTTP/1.1\r\nhost: hub\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                    body.len()
                );
                s.write_all(head.as_bytes()).await.unwrap();
                // The answer comes before a byte of the body is sent.
                codes.push(read_status(&mut s, Duration::from_secs(5)).await);
                // A hostile client sends it anyway; the hub has closed.
                let _ = tokio::time::timeout(Duration::from_secs(2), s.write_all(&body)).await;
            }
            codes
        }));
    }
    let mut codes = Vec::new();
    for t in tasks {
        codes.extend(t.await.unwrap());
    }
    let took = t.elapsed();
    let after = rss_kib();
    stop.notify_one();
    let (normal, slowest) = asker.await.unwrap();
    let g = hub.handle.gauges();
    eprintln!(
        "1000 token-less 256 KiB uploads in {:.1} s: RSS {} → {} KiB (+{} KiB); body bytes read by the hub: {}; \
         {} manifest requests during the run, slowest {} ms",
        took.as_secs_f64(),
        before,
        after,
        after.saturating_sub(before),
        g.body_bytes_peak.load(Ordering::Relaxed),
        normal.len(),
        slowest.as_millis()
    );
    assert_eq!(codes.len(), 1000);
    assert!(
        codes.iter().all(|&c| c == 401),
        "{:?}",
        codes
            .iter()
            .filter(|&&c| c != 401)
            .take(5)
            .collect::<Vec<_>>()
    );
    assert_eq!(
        g.body_bytes_peak.load(Ordering::Relaxed),
        0,
        "the hub read a body it should not have"
    );
    assert!(
        after.saturating_sub(before) < 24 << 10,
        "RSS grew from {before} to {after} KiB"
    );
    assert!(
        !normal.is_empty() && normal.iter().all(|&c| c == 200),
        "{normal:?}"
    );
    hub.handle.shutdown().await;
}

fn short_limits() -> Limits {
    Limits {
        max_connections: 64,
        header_read_timeout: Duration::from_millis(800),
        body_timeout: Duration::from_millis(1500),
        idle_timeout: Duration::from_millis(800),
        max_bodies_in_flight: 4,
        max_enroll_bodies: 2,
        max_body_bytes: 64 << 10,
        retry_after_secs: 7,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_and_idle_clients_are_closed_while_devices_are_answered() {
    let hub = start(short_limits()).await;
    let stop = Arc::new(tokio::sync::Notify::new());
    let asker = keep_asking(hub.addr, stop.clone());
    let t = Instant::now();
    // 30 idle connections: nothing sent.
    let mut idle = Vec::new();
    for _ in 0..30 {
        idle.push(TcpStream::connect(hub.addr).await.unwrap());
    }
    // 15 slow-header clients: a request line, then a header byte every 200 ms.
    let mut slow_head = Vec::new();
    for _ in 0..15 {
        let addr = hub.addr;
        slow_head.push(tokio::spawn(async move {
            let mut s = TcpStream::connect(addr).await.unwrap();
            s.write_all(b"GET /feed/manifest.json HTTP/1.1\r\n")
                .await
                .unwrap();
            let started = Instant::now();
            for b in b"x-slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
                .iter()
                .cycle()
                .take(50)
            {
                if s.write_all(&[*b]).await.is_err() {
                    return Some(started.elapsed());
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
                let mut probe = [0u8; 64];
                if let Ok(Ok(0) | Err(_)) =
                    tokio::time::timeout(Duration::from_millis(1), s.read(&mut probe)).await
                {
                    return Some(started.elapsed());
                }
            }
            None
        }));
    }
    // 2 devices with a valid token dripping their body: 408.
    let mut slow_body = Vec::new();
    for _ in 0..2 {
        let addr = hub.addr;
        slow_body.push(tokio::spawn(async move {
            let mut s = TcpStream::connect(addr).await.unwrap();
            let head = format!(
                "POST /v1/events HTTP/1.1\r\nhost: hub\r\nauthorization: Bearer {TOKEN}\r\ncontent-length: 1000\r\n\r\n{{"
            );
            s.write_all(head.as_bytes()).await.unwrap();
            let started = Instant::now();
            let mut buf = Vec::new();
            for _ in 0..50 {
                let _ = s.write_all(b" ").await;
                let mut chunk = [0u8; 1024];
                if let Ok(Ok(n)) = tokio::time::timeout(Duration::from_millis(200), s.read(&mut chunk)).await {
                    buf.extend_from_slice(&chunk[..n]);
                    if n == 0 || buf.windows(4).any(|w| w == b"\r\n\r\n") {
                        break;
                    }
                }
            }
            (String::from_utf8_lossy(&buf).to_string(), started.elapsed())
        }));
    }
    for s in idle.iter_mut() {
        assert!(
            closed_by_server(s, Duration::from_secs(3)).await,
            "an idle connection stayed open"
        );
    }
    let idle_closed_at = t.elapsed();
    for h in slow_head {
        let closed = h.await.unwrap();
        assert!(
            closed.is_some_and(|d| d < Duration::from_secs(3)),
            "a slow-header client stayed: {closed:?}"
        );
    }
    for h in slow_body {
        let (resp, took) = h.await.unwrap();
        assert!(resp.starts_with("HTTP/1.1 408"), "{resp}");
        assert!(took < Duration::from_secs(3), "{took:?}");
    }
    // And a device with a valid token and a normal body is still served.
    let mut s = TcpStream::connect(hub.addr).await.unwrap();
    let body = r#"{"events": []}"#;
    let head = format!(
        "POST /v1/events HTTP/1.1\r\nhost: hub\r\nauthorization: Bearer {TOKEN}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    );
    s.write_all(head.as_bytes()).await.unwrap();
    assert_eq!(read_status(&mut s, Duration::from_secs(3)).await, 200);
    stop.notify_one();
    let (normal, slowest) = asker.await.unwrap();
    let g = hub.handle.gauges();
    eprintln!(
        "30 idle, 15 slow-header, 2 slow-body clients: idle closed after {} ms; {} manifest requests meanwhile, slowest {} ms; idle closes {}",
        idle_closed_at.as_millis(),
        normal.len(),
        slowest.as_millis(),
        g.idle_closed.load(Ordering::Relaxed)
    );
    assert!(
        normal.len() >= 5 && normal.iter().all(|&c| c == 200),
        "{normal:?}"
    );
    assert!(slowest < Duration::from_secs(1), "{slowest:?}");
    hub.handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_the_connection_limit_a_client_gets_503_at_once_and_capacity_returns() {
    let mut limits = short_limits();
    limits.max_connections = 16;
    let hub = start(limits).await;
    let mut held = Vec::new();
    for _ in 0..16 {
        held.push(TcpStream::connect(hub.addr).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let mut s = TcpStream::connect(hub.addr).await.unwrap();
    let t = Instant::now();
    let mut buf = String::new();
    let _ = tokio::time::timeout(Duration::from_secs(2), s.read_to_string(&mut buf)).await;
    assert!(buf.starts_with("HTTP/1.1 503"), "{buf}");
    assert!(buf.contains("retry-after: 7"), "{buf}");
    assert!(t.elapsed() < Duration::from_secs(1));
    assert!(
        hub.handle
            .gauges()
            .refused_connections
            .load(Ordering::Relaxed)
            >= 1
    );
    // The held connections say nothing: they are closed, and devices get in again.
    for s in held.iter_mut() {
        assert!(closed_by_server(s, Duration::from_secs(3)).await);
    }
    let mut ok = false;
    for _ in 0..20 {
        if normal_get(hub.addr).await.0 == 200 {
            ok = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(ok, "capacity did not come back");
    hub.handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_in_flight_and_their_size_are_bounded() {
    let hub = start(short_limits()).await;
    // Four authenticated uploads holding a body open take every body permit…
    let mut holders = Vec::new();
    for _ in 0..4 {
        let mut s = TcpStream::connect(hub.addr).await.unwrap();
        let head = format!(
            "POST /v1/events HTTP/1.1\r\nhost: hub\r\nauthorization: Bearer {TOKEN}\r\ncontent-length: 100\r\n\r\n{{"
        );
        s.write_all(head.as_bytes()).await.unwrap();
        holders.push(s);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    // …so a fifth is told to come back, without its body being read.
    let mut s = TcpStream::connect(hub.addr).await.unwrap();
    let head = format!(
        "POST /v1/events HTTP/1.1\r\nhost: hub\r\nauthorization: Bearer {TOKEN}\r\ncontent-length: 10\r\n\r\n"
    );
    s.write_all(head.as_bytes()).await.unwrap();
    assert_eq!(read_status(&mut s, Duration::from_secs(1)).await, 503);
    // Downloads need no body permit.
    assert_eq!(normal_get(hub.addr).await.0, 200);
    // A declared size over the limit: 413 at once.
    let mut s = TcpStream::connect(hub.addr).await.unwrap();
    let head = format!(
        "POST /v1/events HTTP/1.1\r\nhost: hub\r\nauthorization: Bearer {TOKEN}\r\ncontent-length: {}\r\n\r\n",
        (64 << 10) + 1
    );
    s.write_all(head.as_bytes()).await.unwrap();
    assert_eq!(read_status(&mut s, Duration::from_secs(1)).await, 413);
    // The holders time out (408) and free their permits.
    for s in holders.iter_mut() {
        assert_eq!(read_status(s, Duration::from_secs(3)).await, 408);
    }
    // A chunked body growing past the limit: 413 while streaming.
    let mut s = TcpStream::connect(hub.addr).await.unwrap();
    let head = format!(
        "POST /v1/events HTTP/1.1\r\nhost: hub\r\nauthorization: Bearer {TOKEN}\r\ntransfer-encoding: chunked\r\n\r\n"
    );
    s.write_all(head.as_bytes()).await.unwrap();
    let chunk = format!("{:x}\r\n{}\r\n", 16 << 10, "x".repeat(16 << 10));
    for _ in 0..5 {
        if s.write_all(chunk.as_bytes()).await.is_err() {
            break;
        }
    }
    assert_eq!(read_status(&mut s, Duration::from_secs(3)).await, 413);
    assert!(hub.handle.gauges().body_bytes_peak.load(Ordering::Relaxed) <= (64 << 10) + (16 << 10));
    hub.handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_with_no_traffic_is_closed_by_the_idle_timeout() {
    // Headers may take long here; the idle timeout still ends a client that
    // has gone quiet after a request (kept alive, sending nothing).
    let mut limits = short_limits();
    limits.header_read_timeout = Duration::from_secs(30);
    let hub = start(limits).await;
    let mut s = TcpStream::connect(hub.addr).await.unwrap();
    s.write_all(b"GET /feed/manifest.json HTTP/1.1\r\nhost: hub\r\n\r\n")
        .await
        .unwrap();
    let t = Instant::now();
    assert!(closed_by_server(&mut s, Duration::from_secs(3)).await);
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
    assert_eq!(hub.handle.gauges().idle_closed.load(Ordering::Relaxed), 1);
    hub.handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_route_added_by_another_module_inherits_the_limits() {
    // As the web console or enrollment add their routes to the hub's router.
    use axum::routing::post;
    let app = axum::Router::new().route(
        "/console/form",
        post(|b: axum::body::Bytes| async move { b.len().to_string() }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let gauges = Arc::new(fyr_hub::Gauges::default());
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(fyr_hub::limits::run(
        listener,
        app,
        Arc::new(short_limits()),
        gauges.clone(),
        async {
            let _ = rx.await;
        },
    ));
    let post = |len: usize| {
        format!("POST /console/form HTTP/1.1\r\nhost: hub\r\ncontent-length: {len}\r\n\r\n")
    };
    // Declared too large: 413 before the body.
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(post((64 << 10) + 1).as_bytes()).await.unwrap();
    assert_eq!(read_status(&mut s, Duration::from_secs(2)).await, 413);
    // Bodies in flight: four held open, the fifth is told to come back.
    let mut held = Vec::new();
    for _ in 0..4 {
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(post(10).as_bytes()).await.unwrap();
        held.push(s);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(post(2).as_bytes()).await.unwrap();
    assert_eq!(read_status(&mut s, Duration::from_secs(2)).await, 503);
    // The held bodies never complete: each is ended by the body deadline.
    for s in held.iter_mut() {
        assert!(closed_by_server(s, Duration::from_secs(4)).await);
    }
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(format!("{}ok", post(2)).as_bytes())
        .await
        .unwrap();
    assert_eq!(read_status(&mut s, Duration::from_secs(2)).await, 200);
    let _ = tx.send(());
    server.await.unwrap();
}

/// A whole request on a fresh connection: the status.
async fn request(addr: SocketAddr, req: String) -> u16 {
    let mut s = TcpStream::connect(addr).await.unwrap();
    s.write_all(req.as_bytes()).await.unwrap();
    read_status(&mut s, Duration::from_secs(3)).await
}

fn upload_request(token: Option<&str>, body: &str) -> String {
    let auth = token
        .map(|t| format!("authorization: Bearer {t}\r\n"))
        .unwrap_or_default();
    format!(
        "POST /v1/events HTTP/1.1\r\nhost: hub\r\n{auth}content-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_tokenless_enrollments_cannot_starve_uploads_and_tokenless_uploads_get_401() {
    // The audit's case: 40 clients start POST /v1/enroll and trickle their
    // bodies. Before, they held every body permit and each upload got 503.
    let hub = start(Limits {
        max_bodies_in_flight: 4,
        body_timeout: Duration::from_secs(6),
        ..Limits::default()
    })
    .await;
    let mut slow = Vec::new();
    for _ in 0..40 {
        let mut s = TcpStream::connect(hub.addr).await.unwrap();
        s.write_all(
            b"POST /v1/enroll HTTP/1.1\r\nhost: hub\r\ncontent-type: application/json\r\ncontent-length: 200\r\n\r\n{\"co",
        )
        .await
        .unwrap();
        slow.push(s);
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    // Keep trickling, a byte each per 200 ms (bounded: 3 s at most).
    let trickle = tokio::spawn(async move {
        let mut answered = Vec::new();
        for _ in 0..15 {
            for s in slow.iter_mut() {
                let _ = s.write_all(b" ").await;
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        for mut s in slow {
            answered.push(read_status(&mut s, Duration::from_millis(200)).await);
        }
        answered
    });
    // Devices upload meanwhile: every one is stored.
    for _ in 0..10 {
        let code = request(hub.addr, upload_request(Some(TOKEN), "{\"events\": []}")).await;
        assert_eq!(code, 200);
    }
    // A token-less upload is told to enroll, never "busy".
    let code = request(hub.addr, upload_request(None, "{\"events\": []}")).await;
    assert_eq!(code, 401);
    let answered = trickle.await.unwrap();
    // Enrollment bodies have a pool of their own (4): the others got 503 at once.
    let busy = answered.iter().filter(|&&c| c == 503).count();
    assert!(busy >= 36, "{answered:?}");

    // Every body permit held by authenticated uploads: a token-less upload
    // still gets 401 (it is answered on its headers, without a permit)…
    let mut holders = Vec::new();
    for _ in 0..4 {
        let mut s = TcpStream::connect(hub.addr).await.unwrap();
        let head = format!(
            "POST /v1/events HTTP/1.1\r\nhost: hub\r\nauthorization: Bearer {TOKEN}\r\ncontent-length: 100\r\n\r\n{{"
        );
        s.write_all(head.as_bytes()).await.unwrap();
        holders.push(s);
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let code = request(hub.addr, upload_request(None, "{\"events\": []}")).await;
    assert_eq!(code, 401);
    let code = request(
        hub.addr,
        upload_request(Some("not-a-token"), "{\"events\": []}"),
    )
    .await;
    assert_eq!(code, 401);
    // …and an authenticated one is the one told to come back.
    let code = request(hub.addr, upload_request(Some(TOKEN), "{\"events\": []}")).await;
    assert_eq!(code, 503);
    drop(holders);
    hub.handle.shutdown().await;
}
