//! A TUF repository of the hub's own content and a device that follows it,
//! shared by the trust tests (tuf.rs) and the update pack tests (pack.rs).
#![allow(dead_code)]

use chrono::Utc;
use ed25519_dalek::SigningKey;
use fyr_core::feed::{Record, RecordKind};
use fyr_core::sync::memory::MemStore;
use fyr_core::sync::{self, CancelToken, SyncConfig};
use fyr_hub::tuf::{self, OnlineKeys, RootSpec};
use fyr_hub::{publish_with, spawn, HubHandle, PublishOptions, ServeConfig};
use serde_json::json;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

pub fn key(n: u8) -> SigningKey {
    SigningKey::from_bytes(&[n; 32])
}

/// The repository's own content, with one service marked by `tag`.
pub fn records(tag: &str) -> Vec<Record> {
    edited(tag, |v| v["source"] = json!(format!("Kvinnojouren {tag}")))
}

pub fn edited(tag: &str, edit: impl Fn(&mut serde_json::Value)) -> Vec<Record> {
    let _ = tag;
    let mut recs = fyr_core::bundle::embedded_records().unwrap();
    let r = recs
        .iter_mut()
        .find(|r| r.kind == RecordKind::Service && r.id == SERVICE)
        .unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    edit(&mut v);
    r.body = v.to_string();
    recs
}

pub const SERVICE: &str = "kvinnojouren-vaxjo";

pub struct Hub {
    pub dir: tempfile::TempDir,
    pub addr: SocketAddr,
    pub handle: HubHandle,
}

impl Hub {
    pub async fn serve(feed: Option<&Path>) -> Hub {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("feed");
        match feed {
            Some(src) => copy_dir(src, &f),
            None => std::fs::create_dir_all(&f).unwrap(),
        }
        let mut cfg = ServeConfig::new(
            &f,
            dir.path().join("hub.db"),
            "127.0.0.1:0".parse().unwrap(),
        );
        fyr_hub::db::testing::apply(&mut cfg);
        let (addr, handle) = spawn(cfg).await.unwrap();
        Hub { dir, addr, handle }
    }
    pub fn feed(&self) -> PathBuf {
        self.dir.path().join("feed")
    }
    pub fn feed_url(&self) -> reqwest::Url {
        format!("http://{}/feed/", self.addr).parse().unwrap()
    }
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        if p.is_dir() {
            copy_dir(&p, &to.join(e.file_name()));
        } else {
            std::fs::copy(&p, to.join(e.file_name())).unwrap();
        }
    }
}

/// The region's keys: three offline root keys, online targets, snapshot,
/// timestamp keys.
pub struct Keys {
    pub root: Vec<SigningKey>,
    pub targets: SigningKey,
    pub snapshot: SigningKey,
    pub timestamp: SigningKey,
}

pub fn spec(k: &Keys, root_keys: &[&SigningKey]) -> RootSpec {
    RootSpec {
        root_keys: root_keys.iter().map(|k| k.verifying_key()).collect(),
        root_threshold: 2,
        targets_keys: vec![k.targets.verifying_key()],
        snapshot_keys: vec![k.snapshot.verifying_key()],
        timestamp_keys: vec![k.timestamp.verifying_key()],
        expires_days: 365,
    }
}

pub fn publish(feed: &Path, k: &Keys, tag: &str, now: chrono::DateTime<Utc>) {
    publish_records(feed, k, records(tag), now)
}

pub fn publish_records(feed: &Path, k: &Keys, recs: Vec<Record>, now: chrono::DateTime<Utc>) {
    let opts = PublishOptions {
        now: Some(now),
        ..Default::default()
    };
    publish_with(recs, &k.targets, feed, &opts).unwrap();
    tuf::publish_metadata(
        feed,
        &OnlineKeys {
            targets: &k.targets,
            snapshot: &k.snapshot,
            timestamp: &k.timestamp,
        },
        90,
        now,
    )
    .unwrap();
}

pub fn device_cfg(feed_url: reqwest::Url, root: Vec<u8>, work: &Path) -> SyncConfig {
    let hub = feed_url.join("../").unwrap();
    let mut c = SyncConfig::new(hub, Vec::new(), work.to_path_buf());
    c.feed = Some(feed_url);
    c.tuf_root = Some(root);
    c
}

pub async fn sync(store: &MemStore, cfg: &SyncConfig) -> Result<sync::SyncReport, sync::SyncError> {
    sync::sync(store, cfg, &CancelToken::new()).await
}

pub fn service_name(store: &MemStore) -> String {
    store
        .records()
        .into_iter()
        .find(|r| r.kind == RecordKind::Service && r.id == SERVICE)
        .map(|r| r.body)
        .unwrap_or_default()
}
