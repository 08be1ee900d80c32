//! Building blocks for `fyr demo`: a real hub on 127.0.0.1 publishing the
//! bundled content, a device syncing from it, one entry changed and
//! republished, and statistics uploaded — narrated step by step.

use crate::{publish_with, spawn, HubError, HubHandle, PublishOptions, PublishReport, ServeConfig};
use ed25519_dalek::SigningKey;
use fyr_core::feed::{Record, RecordKind, Snapshot};
use fyr_core::model::Service;
use fyr_core::sync::{self, CancelToken, SyncConfig, SyncReport, SyncStore};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// The device token the demo hub accepts.
pub const DEMO_TOKEN: &str = "demo-device-token-0001";

/// A hub running on 127.0.0.1 for the demo.
pub struct DemoHub {
    pub dir: PathBuf,
    pub feed: PathBuf,
    pub db: PathBuf,
    pub key_path: PathBuf,
    pub pub_path: PathBuf,
    pub addr: SocketAddr,
    key: SigningKey,
    handle: Option<HubHandle>,
}

impl DemoHub {
    /// Makes a key pair under `dir/keys`, publishes `records` as the version
    /// after `base` (so a device holding `base` gets a delta), writes a tokens
    /// file and starts the hub on 127.0.0.1 (a free port).
    pub async fn start(
        dir: &Path,
        base: Snapshot,
        base_digest: Option<String>,
        records: Vec<Record>,
    ) -> Result<(DemoHub, PublishReport), HubError> {
        std::fs::create_dir_all(dir).map_err(crate::io_err(dir))?;
        let keys = dir.join("keys");
        let (key_path, pub_path) = if keys.join("fyr-feed.key").exists() {
            (keys.join("fyr-feed.key"), keys.join("fyr-feed.pub"))
        } else {
            crate::keygen(&keys)?
        };
        let key = fyr_core::feed::load_signing_key(&key_path)?;
        let feed = dir.join("feed");
        if feed.join("manifest.json").exists() {
            return Err(HubError::FeedDir {
                path: feed.display().to_string(),
                reason: "already holds a feed; the demo needs a fresh directory".into(),
            });
        }
        let tokens = dir.join("tokens");
        std::fs::write(&tokens, format!("{DEMO_TOKEN} demo-phone\n"))
            .map_err(crate::io_err(&tokens))?;
        let db = dir.join("hub.db");
        std::fs::create_dir_all(&feed).map_err(crate::io_err(&feed))?;
        let mut cfg = ServeConfig::new(&feed, &db, "127.0.0.1:0".parse().expect("address"));
        cfg.tokens = Some(tokens);
        // The hub starts first, so that the content can name it.
        let (addr, handle) = spawn(cfg).await?;
        let hub = DemoHub {
            dir: dir.to_path_buf(),
            feed,
            db,
            key_path,
            pub_path,
            addr,
            key,
            handle: Some(handle),
        };
        let opts = PublishOptions {
            base: Some(base),
            base_digest,
            ..Default::default()
        };
        let published = publish_with(hub.with_distribution(records), &hub.key, &hub.feed, &opts)?;
        Ok((hub, published))
    }

    pub fn url(&self) -> fyr_core::sync::Url {
        format!("http://{}/", self.addr)
            .parse()
            .expect("loopback URL")
    }

    /// A device configuration trusting this hub's key, with the demo token.
    pub fn sync_config(&self, device_work: &Path) -> SyncConfig {
        let mut c = SyncConfig::new(
            self.url(),
            vec![self.key.verifying_key()],
            device_work.to_path_buf(),
        );
        c.token = Some(DEMO_TOKEN.into());
        c
    }

    /// Publishes the next version.
    pub fn republish(&self, records: Vec<Record>) -> Result<PublishReport, HubError> {
        publish_with(
            self.with_distribution(records),
            &self.key,
            &self.feed,
            &PublishOptions::default(),
        )
    }

    /// The records with distribution settings naming this hub and its key.
    pub fn with_distribution(&self, records: Vec<Record>) -> Vec<Record> {
        fyr_core::distribution::Distribution::single(
            &format!("http://{}/", self.addr),
            &self.key.verifying_key(),
        )
        .replace_in(records)
    }

    pub async fn stop(mut self) {
        if let Some(h) = self.handle.take() {
            h.shutdown().await;
        }
    }
}

/// Changes one service (the first non-national one, else the first) by
/// appending a sentence to its Swedish description; returns (id, name).
pub fn change_one_service(records: &mut [Record]) -> Option<(String, String)> {
    let idx = records
        .iter()
        .position(|r| {
            r.kind == RecordKind::Service && r.decode::<Service>().is_ok_and(|s| !s.is_national())
        })
        .or_else(|| records.iter().position(|r| r.kind == RecordKind::Service))?;
    let mut s: Service = records[idx].decode().ok()?;
    s.description.sv.push_str(" (Uppdaterad i demon.)");
    records[idx] = Record::new(RecordKind::Service, s.id.clone(), &s);
    Some((s.id.clone(), s.name.sv.clone()))
}

/// What the demo did.
#[derive(Debug, Clone)]
pub struct DemoSummary {
    pub first: SyncReport,
    pub second: SyncReport,
    pub upload: SyncReport,
    pub snapshot_bytes: u64,
    pub changed_service: String,
    pub report_text: String,
}

fn kib(n: u64) -> String {
    if n < 2048 {
        format!("{n} bytes")
    } else {
        format!("{:.1} KiB", n as f64 / 1024.0)
    }
}

/// Runs the whole demo against a device store holding `base` (the bundled
/// content). `screening` runs a sample screening on the device and puts its
/// statistic into the device's outbox. `say` receives each line of narration.
pub async fn demo(
    dir: &Path,
    base: Snapshot,
    device: &dyn SyncStore,
    screening: impl FnOnce() -> Result<String, String>,
    say: &mut dyn FnMut(String),
) -> Result<DemoSummary, HubError> {
    let err = |e: sync::SyncError| HubError::Server(format!("demo sync failed: {e}"));
    let mut records = base.records.clone();
    say(format!(
        "1. Starting a hub on 127.0.0.1 with the bundled content ({} records, feed {} version {}) ...",
        records.len(),
        base.feed_id,
        base.version
    ));
    // The digest the device holds for the base, in its format.
    let held = device
        .position()
        .ok()
        .map(|p| p.digest)
        .filter(|d| !d.is_empty());
    let (hub, p1) = DemoHub::start(dir, base, held, records.clone()).await?;
    say(format!(
        "   Key pair made ({}); feed version {} signed and published in {} (snapshot {}); hub listening on http://{}/",
        hub.pub_path.display(),
        p1.version,
        hub.feed.display(),
        kib(p1.snapshot_bytes),
        hub.addr
    ));
    let work = dir.join("device-work");
    let cfg = hub.sync_config(&work);
    let cancel = CancelToken::new();

    say("2. Syncing a fresh device that holds the bundled content ...".into());
    let first = sync::sync(device, &cfg, &cancel).await.map_err(err)?;
    say(format!(
        "   {:?}: now version {}, {} requests, {} received, {} sent ({}; the full snapshot would be {}).",
        first.result,
        first.version,
        first.requests,
        kib(first.bytes_received),
        kib(first.bytes_sent),
        if first.delta_from.is_some() { "a delta from the bundled version" } else { "the full snapshot" },
        kib(p1.snapshot_bytes)
    ));

    let (sid, sname) = change_one_service(&mut records)
        .ok_or_else(|| HubError::Content("the bundled content has no service to change".into()))?;
    say(format!(
        "3. Changing one entry ({sname}, {sid}) and republishing ..."
    ));
    let p2 = hub.republish(records)?;
    say(format!(
        "   Version {} signed and published, with deltas from {} earlier version(s).",
        p2.version,
        p2.deltas.len()
    ));

    say("4. Syncing the device again ...".into());
    let second = sync::sync(device, &cfg, &cancel).await.map_err(err)?;
    say(format!(
        "   {:?}: now version {}, {} requests, {} received, {} sent — only the changed entry moved.",
        second.result,
        second.version,
        second.requests,
        kib(second.bytes_received),
        kib(second.bytes_sent)
    ));
    let again = sync::sync(device, &cfg, &cancel).await.map_err(err)?;
    say(format!(
        "   Syncing once more with nothing new: {:?}, {} request, {} on the wire (ETag, 304 Not Modified).",
        again.result,
        again.requests,
        kib(again.bytes_received + again.bytes_sent)
    ));

    say("5. Running a sample screening on the device ...".into());
    let what = screening().map_err(HubError::Content)?;
    say(format!("   {what}"));
    say("   Uploading its anonymous statistic (month, municipality, agency kind, checklist, level) ...".into());
    let upload = sync::sync(device, &cfg, &cancel).await.map_err(err)?;
    say(format!(
        "   {} event(s) uploaded and acknowledged, {} set aside; {} sent.",
        upload.uploaded,
        upload.quarantined,
        kib(upload.bytes_sent)
    ));
    let report = crate::report(&crate::db::Target::Sqlite(hub.db.clone()), None)?;
    let report_text = report.to_text();
    say("6. The hub's follow-up report (cells under 3 are suppressed):".into());
    for line in report_text.lines() {
        say(format!("   {line}"));
    }
    hub.stop().await;
    say("Done: the hub is stopped.".into());
    Ok(DemoSummary {
        first,
        second,
        upload,
        snapshot_bytes: p1.snapshot_bytes,
        changed_service: sid,
        report_text,
    })
}
