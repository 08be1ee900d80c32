//! Every sync ends, whatever the hub does: real servers on 127.0.0.1 that
//! drip bytes, ask for a 10-year wait, redirect uploads, answer 304 to a
//! device that never asked, or serve a signed gzip bomb.

use ed25519_dalek::SigningKey;
use fyr_core::feed::{self, BlobRef, FeedError, Record, RecordKind};
use fyr_core::sync::memory::MemStore;
use fyr_core::sync::{self, meta, CancelToken, OutboxEvent, SyncConfig, SyncError, SyncStore};
use fyr_hub::{publish_with, spawn, HubHandle, PublishOptions, ServeConfig};
use std::io::Write;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

const TOKEN: &str = "device-token-0001";

/// A response from the fake hub: the bytes, and the pause between bytes.
struct Reply {
    bytes: Vec<u8>,
    drip: Option<Duration>,
}

fn reply(status: &str, headers: &[(&str, String)], body: &[u8]) -> Reply {
    let mut b = format!("HTTP/1.1 {status}\r\ncontent-length: {}\r\n", body.len());
    for (k, v) in headers {
        b.push_str(&format!("{k}: {v}\r\n"));
    }
    b.push_str("\r\n");
    let mut bytes = b.into_bytes();
    bytes.extend_from_slice(body);
    Reply { bytes, drip: None }
}

/// A tiny HTTP server on 127.0.0.1: `answer(request head)` for each request.
async fn fake_hub<F>(answer: F) -> SocketAddr
where
    F: Fn(&str) -> Reply + Send + Sync + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let answer = Arc::new(answer);
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            let answer = answer.clone();
            tokio::spawn(async move {
                loop {
                    let mut head = Vec::new();
                    let mut b = [0u8; 1];
                    while !head.ends_with(b"\r\n\r\n") {
                        match s.read(&mut b).await {
                            Ok(1) => head.push(b[0]),
                            _ => return,
                        }
                    }
                    let head = String::from_utf8_lossy(&head).into_owned();
                    // Skip a request body.
                    let len = head
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length:")
                                .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                        })
                        .unwrap_or(0);
                    let mut body = vec![0u8; len];
                    if s.read_exact(&mut body).await.is_err() {
                        return;
                    }
                    let r = answer(&head);
                    match r.drip {
                        None => {
                            if s.write_all(&r.bytes).await.is_err() {
                                return;
                            }
                        }
                        Some(pause) => {
                            for byte in r.bytes {
                                if s.write_all(&[byte]).await.is_err() {
                                    return;
                                }
                                tokio::time::sleep(pause).await;
                            }
                        }
                    }
                }
            });
        }
    });
    addr
}

fn device_cfg(addr: SocketAddr, work: &Path) -> SyncConfig {
    let mut c = SyncConfig::new(
        format!("http://{addr}/").parse().unwrap(),
        vec![SigningKey::from_bytes(&[42; 32]).verifying_key()],
        work.to_path_buf(),
    );
    c.token = Some(TOKEN.into());
    c
}

async fn run(store: &MemStore, cfg: &SyncConfig) -> Result<sync::SyncReport, SyncError> {
    sync::sync(store, cfg, &CancelToken::new()).await
}

fn stat_event(id: &str) -> OutboxEvent {
    OutboxEvent {
        event_id: id.into(),
        kind: "screening_stat".into(),
        payload: serde_json::json!({"month": "2026-03", "municipality": "0780", "agency_kind": "police",
                        "checklist": "adult-risk", "checklist_version": 1, "level": "high", "override_used": false}),
    }
}

fn next_attempt(store: &MemStore) -> chrono::DateTime<chrono::Utc> {
    let s = store
        .get_meta(meta::NEXT_ATTEMPT)
        .unwrap()
        .expect("a next attempt");
    chrono::DateTime::parse_from_rfc3339(&s).unwrap().into()
}

// -------------------------------------------------------- slow and stuck

#[tokio::test]
async fn a_hub_dripping_one_byte_every_second_is_cut_off_by_the_deadline() {
    let body = vec![b'{'; 4000];
    let addr = fake_hub(move |_| Reply {
        drip: Some(Duration::from_millis(700)),
        ..reply("200 OK", &[], &body)
    })
    .await;
    let work = tempfile::tempdir().unwrap();
    let mut cfg = device_cfg(addr, work.path());
    cfg.min_rate = 0; // only the deadline
    cfg.deadline = Duration::from_secs(3);
    let dev = MemStore::new();
    let t = Instant::now();
    let e = run(&dev, &cfg).await.unwrap_err();
    assert!(t.elapsed() < Duration::from_secs(8), "{:?}", t.elapsed());
    assert!(e.to_string().contains("deadline of 3 s"), "{e}");
    let last = dev.get_meta(meta::LAST_RESULT).unwrap().unwrap();
    assert!(last.contains("failed"), "{last}");
    assert!(dev.get_meta(meta::LAST_SUCCESS).unwrap().is_none());
}

#[tokio::test]
async fn a_body_slower_than_the_minimum_rate_is_cut_off() {
    let head = b"HTTP/1.1 200 OK\r\ncontent-length: 100000\r\n\r\n".to_vec();
    let addr = fake_hub(move |_| {
        let mut bytes = head.clone();
        bytes.extend(std::iter::repeat_n(b' ', 100_000));
        Reply {
            bytes,
            drip: Some(Duration::from_millis(200)),
        }
    })
    .await;
    let work = tempfile::tempdir().unwrap();
    let mut cfg = device_cfg(addr, work.path());
    cfg.min_rate = 100;
    cfg.rate_window = Duration::from_secs(1);
    let dev = MemStore::new();
    let t = Instant::now();
    let e = run(&dev, &cfg).await.unwrap_err();
    assert!(t.elapsed() < Duration::from_secs(30), "{:?}", t.elapsed());
    assert!(e.to_string().contains("slower than 100 bytes/s"), "{e}");
}

#[test]
fn the_defaults_end_every_sync() {
    let cfg = SyncConfig::new(
        "http://127.0.0.1:1/".parse().unwrap(),
        vec![],
        std::env::temp_dir(),
    );
    assert!(
        cfg.deadline <= Duration::from_secs(15 * 60),
        "{:?}",
        cfg.deadline
    );
    assert!(cfg.min_rate > 0);
    assert!(cfg.max_decoded_bytes <= cfg.max_bytes);
}

// -------------------------------------------------------------- Retry-After

#[tokio::test]
async fn a_huge_retry_after_is_capped_at_a_day_and_never_panics() {
    for value in [
        "315360000",                     // ten years
        "99999999999999999999999999",    // past u64
        "Fri, 31 Dec 9999 23:59:59 GMT", // an HTTP date far ahead
        "-5",                            // nonsense
        "soon",
    ] {
        let v = value.to_string();
        let addr = fake_hub(move |_| {
            reply(
                "503 Service Unavailable",
                &[("retry-after", v.clone())],
                b"",
            )
        })
        .await;
        let work = tempfile::tempdir().unwrap();
        let dev = MemStore::new();
        let before = chrono::Utc::now();
        let e = run(&dev, &device_cfg(addr, work.path())).await.unwrap_err();
        assert!(matches!(e, SyncError::Overloaded { .. }), "{value}: {e}");
        if let Some(d) = e.retry_after() {
            assert!(d <= Duration::from_secs(86_400), "{value}: {d:?}");
        }
        let next = next_attempt(&dev);
        assert!(next > before, "{value}");
        assert!(
            next <= chrono::Utc::now() + chrono::Duration::days(1),
            "{value}: {next}"
        );
    }
}

#[tokio::test]
async fn an_absurd_stored_next_attempt_is_shown_as_at_most_a_day_ahead() {
    let dev = MemStore::new();
    dev.set_meta(meta::NEXT_ATTEMPT, Some("2036-01-01T00:00:00Z"))
        .unwrap();
    let now = chrono::Utc::now();
    let st = sync::sync_status(&dev, now).unwrap();
    assert!(st.next_attempt.unwrap() <= now + chrono::Duration::days(1));
}

// -------------------------------------------------------- redirects, 304

struct Hub {
    dir: tempfile::TempDir,
    key: SigningKey,
    addr: SocketAddr,
    handle: Option<HubHandle>,
}

impl Hub {
    async fn start() -> Hub {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("feed")).unwrap();
        std::fs::write(dir.path().join("tokens"), format!("{TOKEN} phone-1\n")).unwrap();
        let mut cfg = ServeConfig::new(
            dir.path().join("feed"),
            dir.path().join("hub.db"),
            "127.0.0.1:0".parse().unwrap(),
        );
        cfg.tokens = Some(dir.path().join("tokens"));
        fyr_hub::db::testing::apply(&mut cfg);
        let (addr, handle) = spawn(cfg).await.unwrap();
        let hub = Hub {
            dir,
            key: SigningKey::from_bytes(&[42; 32]),
            addr,
            handle: Some(handle),
        };
        publish_with(records(), &hub.key, &hub.feed(), &PublishOptions::default()).unwrap();
        hub
    }
    fn feed(&self) -> std::path::PathBuf {
        self.dir.path().join("feed")
    }
    async fn stop(mut self) {
        if let Some(h) = self.handle.take() {
            h.shutdown().await;
        }
    }
}

fn records() -> Vec<Record> {
    (0..20)
        .map(|i| Record {
            kind: RecordKind::Municipality,
            id: format!("{:04}", 1000 + i),
            body: serde_json::json!({"code": format!("{:04}", 1000 + i), "name": format!("Kommun {i}"), "county_code": "99", "county_name": "Testlän", "lat": 62.0, "lon": 15.0}).to_string(),
        })
        .collect()
}

#[tokio::test]
async fn an_upload_answered_with_307_is_not_followed_and_not_counted_as_delivered() {
    let hub = Hub::start().await;
    // Where the redirect points: counts what reaches it.
    let elsewhere_hits = Arc::new(AtomicUsize::new(0));
    let hits = elsewhere_hits.clone();
    let elsewhere = fake_hub(move |_| {
        hits.fetch_add(1, Ordering::SeqCst);
        reply(
            "200 OK",
            &[("content-type", "application/json".into())],
            br#"{"accepted":["e1"]}"#,
        )
    })
    .await;
    // The hub's front: the feed as it is, uploads redirected.
    let feed = hub.feed();
    let front = fake_hub(move |head| {
        let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
        if head.starts_with("POST") {
            return reply(
                "307 Temporary Redirect",
                &[("location", format!("http://{elsewhere}/v1/events"))],
                b"",
            );
        }
        match path
            .strip_prefix("/feed/")
            .map(|p| std::fs::read(feed.join(p)))
        {
            Some(Ok(b)) => reply("200 OK", &[], &b),
            _ => reply("404 Not Found", &[], b""),
        }
    })
    .await;
    let work = tempfile::tempdir().unwrap();
    let dev = MemStore::new();
    dev.enqueue(stat_event("e1"));
    let e = run(&dev, &device_cfg(front, work.path()))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("never follow a redirect"), "{e}");
    assert_eq!(
        elapsed_hits(&elsewhere_hits),
        0,
        "nothing sent to the other server"
    );
    assert_eq!(dev.outbox_len(), 1, "still waiting to be delivered");
    assert_eq!(dev.position().unwrap().version, 1, "the feed itself synced");
    hub.stop().await;
}

fn elapsed_hits(a: &AtomicUsize) -> usize {
    a.load(Ordering::SeqCst)
}

#[tokio::test]
async fn a_feed_redirected_to_another_origin_is_refused() {
    let hub = Hub::start().await;
    let real = hub.addr;
    let front = fake_hub(move |head| {
        let path = head.split_whitespace().nth(1).unwrap_or("/").to_string();
        reply(
            "302 Found",
            &[("location", format!("http://{real}{path}"))],
            b"",
        )
    })
    .await;
    let work = tempfile::tempdir().unwrap();
    let dev = MemStore::new();
    let e = run(&dev, &device_cfg(front, work.path()))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("another origin"), "{e}");
    assert_eq!(dev.position().unwrap().version, 0);
    hub.stop().await;
}

#[tokio::test]
async fn a_bare_304_to_a_device_that_never_synced_is_an_error() {
    let addr = fake_hub(|_| reply("304 Not Modified", &[], b"")).await;
    let work = tempfile::tempdir().unwrap();
    let dev = MemStore::new();
    let e = run(&dev, &device_cfg(addr, work.path())).await.unwrap_err();
    assert!(e.to_string().contains("not conditional"), "{e}");
    assert!(dev.get_meta(meta::LAST_SUCCESS).unwrap().is_none());
    assert!(dev
        .get_meta(meta::LAST_RESULT)
        .unwrap()
        .unwrap()
        .contains("failed"));
}

// ------------------------------------------------------------- gzip bomb

/// Replaces the feed's snapshot with a signed gzip bomb: valid JSON that
/// opens and then runs on in whitespace, `decoded` MB once gunzipped.
fn plant_bomb(hub: &Hub, stated: u64, decoded_mb: usize) -> String {
    let path = hub.feed().join("manifest.json");
    let m =
        feed::verify_manifest(&std::fs::read(&path).unwrap(), &[hub.key.verifying_key()]).unwrap();
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    enc.write_all(br#"{"feed_id":"x","version":1,"records":["#)
        .unwrap();
    let spaces = vec![b' '; 1 << 20];
    for _ in 0..decoded_mb {
        enc.write_all(&spaces).unwrap();
    }
    let gz = enc.finish().unwrap();
    let blob = BlobRef::canonical(feed::sha256_hex(&gz), gz.len() as u64).with_decoded_size(stated);
    std::fs::create_dir_all(hub.feed().join(blob.rel_path()).parent().unwrap()).unwrap();
    std::fs::write(hub.feed().join(blob.rel_path()), &gz).unwrap();
    let mut bomb = m.clone();
    bomb.snapshot = blob.clone();
    bomb.deltas.clear();
    bomb.older_deltas = None;
    std::fs::write(&path, feed::sign_manifest(&bomb, &hub.key)).unwrap();
    blob.sha256
}

fn parts(work: &Path) -> Vec<String> {
    std::fs::read_dir(work)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".part"))
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test]
async fn a_signed_gzip_bomb_is_refused_at_the_size_its_manifest_states_and_leaves_no_part() {
    let hub = Hub::start().await;
    let stated = {
        let m = feed::verify_manifest(
            &std::fs::read(hub.feed().join("manifest.json")).unwrap(),
            &[hub.key.verifying_key()],
        )
        .unwrap();
        assert!(
            m.snapshot.decoded_size > 0,
            "the publisher states the decoded size"
        );
        m.snapshot.decoded_size
    };
    plant_bomb(&hub, stated, 32);
    let work = tempfile::tempdir().unwrap();
    let dev = MemStore::new();
    let t = Instant::now();
    let e = run(&dev, &device_cfg(hub.addr, work.path()))
        .await
        .unwrap_err();
    assert!(
        matches!(e, SyncError::Feed(FeedError::TooLarge { limit }) if limit == stated),
        "{e}"
    );
    assert!(t.elapsed() < Duration::from_secs(20), "{:?}", t.elapsed());
    assert!(parts(work.path()).is_empty(), "{:?}", parts(work.path()));
    assert_eq!(dev.position().unwrap().version, 0, "nothing applied");

    // A manifest that does not state it: the device's own limit, not 16 × the blob limit.
    plant_bomb(&hub, 0, 32);
    let mut cfg = device_cfg(hub.addr, work.path());
    cfg.max_decoded_bytes = 8 << 20;
    let e = run(&dev, &cfg).await.unwrap_err();
    assert!(
        matches!(e, SyncError::Feed(FeedError::TooLarge { limit }) if limit == 8 << 20),
        "{e}"
    );
    assert!(parts(work.path()).is_empty(), "{:?}", parts(work.path()));
    hub.stop().await;
}
