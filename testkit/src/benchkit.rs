//! Building blocks for `fyr-bench sync`: given a feed's records (e.g. the
//! synthetic 20,000-service directory), measures what the issue asks for —
//! bytes and requests of a first, an unchanged, a one-change and a 1 %-change
//! sync (on the wire, through the [`netem`](crate::netem) proxy), the time the
//! store takes to apply, a full sync through a throttled link that drops once,
//! and the hub's rate of conditional manifest requests on loopback.

use crate::netem::{LinkConfig, Proxy};
use ed25519_dalek::SigningKey;
use fyr_core::feed::{Record, RecordKind};
use fyr_core::model::Service;
use fyr_core::sync::{
    self, CancelToken, FeedPosition, OutboxEvent, SyncConfig, SyncError, SyncStore,
};
use fyr_hub::{publish_with, spawn, HubError, PublishOptions, ServeConfig};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// What to measure and how.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    /// The throttled link (default 64 kbit/s, 300 ms one-way latency).
    pub throttle: LinkConfig,
    /// Use only this many records for the throttled run (None: all), to
    /// bound its duration; its ratio does not depend on the size.
    pub throttled_records: Option<usize>,
    /// Concurrent clients and duration of the hub throughput run.
    pub rps_clients: usize,
    pub rps_duration: Duration,
}

impl Default for BenchOptions {
    fn default() -> Self {
        BenchOptions {
            throttle: LinkConfig::throttled(64_000, 300),
            throttled_records: None,
            rps_clients: 64,
            rps_duration: Duration::from_secs(3),
        }
    }
}

/// The figures (bytes on the wire both ways, headers included).
#[derive(Debug, Clone, Serialize, Default)]
pub struct SyncFigures {
    pub records: u64,
    pub publish_ms: f64,
    pub snapshot_bytes: u64,
    pub first_sync_bytes: u64,
    pub first_sync_requests: u32,
    pub unchanged_bytes: u64,
    pub unchanged_requests: u32,
    pub one_change_bytes: u64,
    pub one_change_requests: u32,
    pub one_percent_bytes: u64,
    pub one_percent_requests: u32,
    pub apply_snapshot_ms: f64,
    pub apply_one_change_ms: f64,
    pub apply_one_percent_ms: f64,
    pub throttled_snapshot_bytes: u64,
    pub throttled_clean_bytes: u64,
    pub throttled_bytes: u64,
    pub throttled_bytes_ratio: f64,
    pub throttled_seconds: f64,
    pub hub_rps: f64,
}

/// Wraps a store and times its `apply`.
struct Timed<'a> {
    inner: &'a dyn SyncStore,
    nanos: AtomicU64,
}

impl SyncStore for Timed<'_> {
    fn position(&self) -> Result<FeedPosition, SyncError> {
        self.inner.position()
    }
    fn apply(
        &self,
        to: &FeedPosition,
        upserts: Vec<Record>,
        deletes: Vec<(RecordKind, String)>,
        replace_all: bool,
    ) -> Result<(), SyncError> {
        let t = Instant::now();
        let r = self.inner.apply(to, upserts, deletes, replace_all);
        self.nanos
            .fetch_add(t.elapsed().as_nanos() as u64, Ordering::Relaxed);
        r
    }
    fn outbox_batch(&self, max: usize) -> Result<Vec<OutboxEvent>, SyncError> {
        self.inner.outbox_batch(max)
    }
    fn outbox_ack(&self, ids: &[String]) -> Result<(), SyncError> {
        self.inner.outbox_ack(ids)
    }
    fn outbox_quarantine(&self, id: &str, reason: &str) -> Result<(), SyncError> {
        self.inner.outbox_quarantine(id, reason)
    }
    fn outbox_pending(&self) -> Result<u64, SyncError> {
        self.inner.outbox_pending()
    }
    fn distribution(&self) -> Result<Option<fyr_core::distribution::Distribution>, SyncError> {
        self.inner.distribution()
    }
    fn get_meta(&self, key: &str) -> Result<Option<String>, SyncError> {
        self.inner.get_meta(key)
    }
    fn set_meta(&self, key: &str, value: Option<&str>) -> Result<(), SyncError> {
        self.inner.set_meta(key, value)
    }
}

/// Changes `count` services spread evenly over the records (their Swedish
/// description gets `tag` appended); returns how many were changed.
pub fn change_services(records: &mut [Record], count: usize, tag: &str) -> usize {
    let idx: Vec<usize> = records
        .iter()
        .enumerate()
        .filter(|(_, r)| r.kind == RecordKind::Service)
        .map(|(i, _)| i)
        .collect();
    if idx.is_empty() || count == 0 {
        return 0;
    }
    let step = (idx.len() / count.min(idx.len())).max(1);
    let mut changed = 0;
    for &i in idx.iter().step_by(step).take(count) {
        if let Ok(mut s) = records[i].decode::<Service>() {
            s.description.sv.push_str(tag);
            records[i] = Record::new(RecordKind::Service, s.id.clone(), &s);
            changed += 1;
        }
    }
    changed
}

fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> HubError + '_ {
    move |source| HubError::Io {
        path: path.display().to_string(),
        source,
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn scratch() -> PathBuf {
    let r: u64 = rand::random();
    std::env::temp_dir().join(format!("fyr-bench-sync-{r:016x}"))
}

fn sync_err(e: SyncError) -> HubError {
    HubError::Server(format!("sync failed: {e}"))
}

/// Measures everything; `make_store(dir)` makes a fresh, empty device store
/// (e.g. `MemStore::new()` or the SQLite store in `dir`). `say` narrates.
pub async fn measure_sync(
    records: Vec<Record>,
    opts: &BenchOptions,
    make_store: &dyn Fn(&Path) -> Box<dyn SyncStore>,
    say: &mut dyn FnMut(String),
) -> Result<SyncFigures, HubError> {
    let root = scratch();
    let res = measure_in(&root, records, opts, make_store, say).await;
    let _ = std::fs::remove_dir_all(&root);
    res
}

async fn measure_in(
    root: &Path,
    records: Vec<Record>,
    opts: &BenchOptions,
    make_store: &dyn Fn(&Path) -> Box<dyn SyncStore>,
    say: &mut dyn FnMut(String),
) -> Result<SyncFigures, HubError> {
    let mut f = SyncFigures {
        records: records.len() as u64,
        ..Default::default()
    };
    let key = SigningKey::from_bytes(&rand::random::<[u8; 32]>());
    let feed = root.join("feed");
    std::fs::create_dir_all(root).map_err(io_err(root))?;
    // The feed is a TUF repository, as a region's is: root v1 (2 of 3 root
    // keys), then every publish signs targets, snapshot and timestamp.
    let tuf_keys: Vec<SigningKey> = (0..5)
        .map(|_| SigningKey::from_bytes(&rand::random::<[u8; 32]>()))
        .collect();
    let spec = fyr_hub::tuf::RootSpec {
        root_keys: tuf_keys[..3].iter().map(|k| k.verifying_key()).collect(),
        root_threshold: 2,
        targets_keys: vec![key.verifying_key()],
        snapshot_keys: vec![tuf_keys[3].verifying_key()],
        timestamp_keys: vec![tuf_keys[4].verifying_key()],
        expires_days: 365,
    };
    fyr_hub::tuf::sign_root(&feed, &spec, &tuf_keys[..2], chrono::Utc::now())?;
    let tuf_root = std::fs::read(feed.join("metadata/1.root.json"))
        .map_err(io_err(&feed.join("metadata/1.root.json")))?;
    let publish = |records: Vec<Record>| -> Result<fyr_hub::PublishReport, HubError> {
        let r = publish_with(records, &key, &feed, &PublishOptions::default())?;
        let keys = fyr_hub::tuf::OnlineKeys {
            targets: &key,
            snapshot: &tuf_keys[3],
            timestamp: &tuf_keys[4],
        };
        fyr_hub::tuf::publish_metadata(&feed, &keys, 90, chrono::Utc::now())?;
        Ok(r)
    };

    let t = Instant::now();
    let p1 = publish(records.clone())?;
    f.publish_ms = ms(t.elapsed());
    f.snapshot_bytes = p1.snapshot_bytes;
    say(format!(
        "published {} records: snapshot {} bytes in {:.0} ms",
        p1.record_count, p1.snapshot_bytes, f.publish_ms
    ));

    let mut cfg = ServeConfig::new(
        &feed,
        root.join("hub.db"),
        "127.0.0.1:0".parse().expect("addr"),
    );
    cfg.open_uploads = true;
    let (addr, handle) = spawn(cfg).await?;
    let proxy = Proxy::start(addr, LinkConfig::default())
        .await
        .map_err(|e| HubError::Server(e.to_string()))?;
    let url: sync::Url = proxy.url().parse().expect("loopback URL");
    let device_dir = root.join("device");
    std::fs::create_dir_all(&device_dir).map_err(io_err(&device_dir))?;
    let inner = make_store(&device_dir);
    let store = Timed {
        inner: &*inner,
        nanos: AtomicU64::new(0),
    };
    let mut scfg = SyncConfig::new(url.clone(), Vec::new(), device_dir.join("work"));
    scfg.feed = Some(url.join("feed/").expect("feed URL"));
    scfg.tuf_root = Some(tuf_root);
    let cancel = CancelToken::new();
    let step = |store: &Timed<'_>| {
        let (up, down) = proxy.take_bytes();
        let apply = store.nanos.swap(0, Ordering::Relaxed);
        (up + down, Duration::from_nanos(apply))
    };

    step(&store);
    let r = sync::sync(&store, &scfg, &cancel).await.map_err(sync_err)?;
    let (bytes, apply) = step(&store);
    (
        f.first_sync_bytes,
        f.first_sync_requests,
        f.apply_snapshot_ms,
    ) = (bytes, r.requests, ms(apply));
    say(format!(
        "first sync: {bytes} bytes, {} requests, apply {:.0} ms",
        r.requests, f.apply_snapshot_ms
    ));

    let r = sync::sync(&store, &scfg, &cancel).await.map_err(sync_err)?;
    let (bytes, _) = step(&store);
    (f.unchanged_bytes, f.unchanged_requests) = (bytes, r.requests);
    say(format!(
        "unchanged sync: {bytes} bytes, {} request(s)",
        r.requests
    ));

    let mut cur = records;
    change_services(&mut cur, 1, " (ändrad)");
    publish(cur.clone())?;
    let r = sync::sync(&store, &scfg, &cancel).await.map_err(sync_err)?;
    let (bytes, apply) = step(&store);
    (
        f.one_change_bytes,
        f.one_change_requests,
        f.apply_one_change_ms,
    ) = (bytes, r.requests, ms(apply));
    say(format!(
        "one changed service: {bytes} bytes, {} requests, apply {:.1} ms",
        r.requests, f.apply_one_change_ms
    ));

    let services = cur.iter().filter(|r| r.kind == RecordKind::Service).count();
    let n = (services / 100).max(1);
    change_services(&mut cur, n, " (ändrad igen)");
    publish(cur.clone())?;
    let r = sync::sync(&store, &scfg, &cancel).await.map_err(sync_err)?;
    let (bytes, apply) = step(&store);
    (
        f.one_percent_bytes,
        f.one_percent_requests,
        f.apply_one_percent_ms,
    ) = (bytes, r.requests, ms(apply));
    say(format!(
        "1 % changed ({n} services): {bytes} bytes ({:.1} % of the snapshot), {} requests, apply {:.0} ms",
        100.0 * bytes as f64 / f.snapshot_bytes as f64,
        r.requests,
        f.apply_one_percent_ms
    ));
    handle.shutdown().await;
    drop(inner);

    // Throttled: a separate feed (optionally smaller), a clean run, then a run
    // whose connection is cut once halfway.
    let mut small = cur;
    if let Some(k) = opts.throttled_records {
        small.truncate(k);
    }
    let tfeed = root.join("tfeed");
    let tp = publish_with(small, &key, &tfeed, &PublishOptions::default())?;
    f.throttled_snapshot_bytes = tp.snapshot_bytes;
    let (taddr, thandle) = spawn(ServeConfig::new(
        &tfeed,
        root.join("thub.db"),
        "127.0.0.1:0".parse().expect("addr"),
    ))
    .await?;
    let tproxy = Proxy::start(taddr, opts.throttle)
        .await
        .map_err(|e| HubError::Server(e.to_string()))?;
    let turl: sync::Url = tproxy.url().parse().expect("loopback URL");
    let mut tcfg = SyncConfig::new(turl, vec![key.verifying_key()], root.join("t-clean"));
    tcfg.timeout = Duration::from_secs(120);
    say(format!(
        "throttled link: {:?} bytes/s, {} ms latency, snapshot {} bytes — a clean run ...",
        opts.throttle.rate_bytes_per_sec,
        opts.throttle.latency.as_millis(),
        tp.snapshot_bytes
    ));
    let d1 = root.join("t-dev1");
    std::fs::create_dir_all(&d1).map_err(io_err(&d1))?;
    let s1 = make_store(&d1);
    sync::sync(&*s1, &tcfg, &cancel).await.map_err(sync_err)?;
    let (cu, cd) = tproxy.take_bytes();
    f.throttled_clean_bytes = cu + cd;
    say(format!(
        "   clean: {} bytes; now one that drops the connection halfway ...",
        f.throttled_clean_bytes
    ));
    let d2 = root.join("t-dev2");
    std::fs::create_dir_all(&d2).map_err(io_err(&d2))?;
    let s2 = make_store(&d2);
    tcfg.work_dir = root.join("t-cut");
    tproxy.cut_after(cd / 2);
    let t = Instant::now();
    sync::sync(&*s2, &tcfg, &cancel).await.map_err(sync_err)?;
    f.throttled_seconds = t.elapsed().as_secs_f64();
    let (u, d) = tproxy.take_bytes();
    f.throttled_bytes = u + d;
    f.throttled_bytes_ratio = f.throttled_bytes as f64 / f.throttled_clean_bytes.max(1) as f64;
    say(format!(
        "   with one drop: completed in {:.1} s, {} bytes = {:.3} x clean",
        f.throttled_seconds, f.throttled_bytes, f.throttled_bytes_ratio
    ));
    thandle.shutdown().await;

    f.hub_rps = hub_rps(&feed, root, opts.rps_clients, opts.rps_duration).await?;
    say(format!(
        "hub: {:.0} unchanged-sync requests/s, 304 ({} clients, loopback)",
        f.hub_rps, opts.rps_clients
    ));
    Ok(f)
}

/// Unchanged-sync requests per second (the update pack's or the manifest's
/// conditional GET) from `clients` keep-alive connections on loopback,
/// each answered 304.
pub async fn hub_rps(
    feed: &Path,
    root: &Path,
    clients: usize,
    duration: Duration,
) -> Result<f64, HubError> {
    let (addr, handle) = spawn(ServeConfig::new(
        feed,
        root.join("rps.db"),
        "127.0.0.1:0".parse().expect("addr"),
    ))
    .await?;
    // What an unchanged device asks: over TUF the update pack with the
    // trusted timestamp's ETag; otherwise the manifest with its ETag.
    let ts = feed.join("metadata/timestamp.json");
    let (path, file) = if ts.exists() {
        ("/feed/pack?1.1.1.1.", ts)
    } else {
        ("/feed/manifest.json", feed.join("manifest.json"))
    };
    let bytes = std::fs::read(&file).map_err(io_err(&file))?;
    let sha = fyr_core::feed::sha256_hex(&bytes);
    let request = format!(
        "GET {path} HTTP/1.1\r\nhost: {addr}\r\nif-none-match: \"{}\"\r\n\r\n",
        &sha[..32]
    );
    let request: Arc<[u8]> = request.into_bytes().into();
    let count = Arc::new(AtomicU64::new(0));
    let deadline = Instant::now() + duration;
    let mut tasks = Vec::new();
    for _ in 0..clients.max(1) {
        let (request, count) = (request.clone(), count.clone());
        tasks.push(tokio::spawn(async move {
            let Ok(mut s) = tokio::net::TcpStream::connect(addr).await else {
                return;
            };
            let _ = s.set_nodelay(true);
            let mut buf = vec![0u8; 4096];
            while Instant::now() < deadline {
                if s.write_all(&request).await.is_err() {
                    return;
                }
                // A 304 has no body: read up to the end of the head.
                let mut got = 0;
                loop {
                    match s.read(&mut buf[got..]).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => got += n,
                    }
                    if buf[..got].windows(4).any(|w| w == b"\r\n\r\n") {
                        break;
                    }
                    if got == buf.len() {
                        return;
                    }
                }
                if !buf.starts_with(b"HTTP/1.1 304") {
                    return;
                }
                count.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }
    let start = Instant::now();
    for t in tasks {
        let _ = t.await;
    }
    let secs = start.elapsed().as_secs_f64().max(duration.as_secs_f64());
    handle.shutdown().await;
    Ok(count.load(Ordering::Relaxed) as f64 / secs)
}
