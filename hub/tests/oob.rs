//! Sync out of the box, on a real hub on 127.0.0.1: a device that has only a
//! bundle naming the hub syncs with no options; publisher keys rotate and
//! retire on the TUF model; devices enroll with one-time codes, upload with
//! their own token, and are told when revoked or never enrolled.

use ed25519_dalek::SigningKey;
use fyr_core::api::SyncOptions;
use fyr_core::distribution::Distribution;
use fyr_core::feed::{FeedError, Record, RecordKind};
use fyr_core::sync::memory::MemStore;
use fyr_core::sync::{self, CancelToken, SyncError, SyncResult, SyncStore, UploadBlocked};
use fyr_core::{Fyr, OpenOptions};
use fyr_hub::{publish_with, spawn, HubHandle, PublishOptions, ServeConfig};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

struct Hub {
    dir: tempfile::TempDir,
    addr: SocketAddr,
    handle: Option<HubHandle>,
}

impl Hub {
    /// A hub with no tokens file: uploads only from enrolled devices.
    async fn start() -> Hub {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("feed")).unwrap();
        let mut cfg = ServeConfig::new(
            dir.path().join("feed"),
            dir.path().join("hub.db"),
            "127.0.0.1:0".parse().unwrap(),
        );
        fyr_hub::db::testing::apply(&mut cfg);
        let (addr, handle) = spawn(cfg).await.unwrap();
        Hub {
            dir,
            addr,
            handle: Some(handle),
        }
    }
    fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }
    fn feed(&self) -> PathBuf {
        self.dir.path().join("feed")
    }
    fn publish(&self, records: Vec<Record>, key: &SigningKey) -> fyr_hub::PublishReport {
        publish_with(records, key, &self.feed(), &PublishOptions::default()).unwrap()
    }
    fn events(&self) -> u64 {
        use fyr_hub::db::{testing, Db, Sql};
        let db = Db::open(&testing::target(self.dir.path())).unwrap();
        db.row("SELECT COUNT(*) FROM events", &[])
            .unwrap()
            .unwrap()
            .int(0)
            .unwrap() as u64
    }
    fn code(&self, county: &str, kind: &str) -> fyr_hub::enroll::IssuedCode {
        let c = fyr_hub::db::Db::open(&fyr_hub::db::testing::target(self.dir.path())).unwrap();
        fyr_hub::enroll::create_code(&c, county, kind, 72, &self.url(), chrono::Utc::now()).unwrap()
    }
    async fn stop(mut self) {
        if let Some(h) = self.handle.take() {
            h.shutdown().await;
        }
    }
}

fn hex_key(k: &SigningKey) -> String {
    hex::encode(k.verifying_key().as_bytes())
}

fn dist(
    hub_url: &str,
    trusted: &[&SigningKey],
    next: &[&SigningKey],
    retired: &[&SigningKey],
) -> Distribution {
    let d = Distribution {
        feed_url: format!("{hub_url}feed/"),
        mirrors: vec![],
        hub_url: hub_url.into(),
        trusted_keys: trusted.iter().map(|k| hex_key(k)).collect(),
        next_keys: next.iter().map(|k| hex_key(k)).collect(),
        retired_keys: retired.iter().map(|k| hex_key(k)).collect(),
        check_interval_hours: 6,
        min_app_version: None,
    };
    d.validate().unwrap();
    d
}

/// The repository's content with another distribution record.
fn content_with(d: &Distribution, tag: &str) -> Vec<Record> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
    let mut recs: Vec<Record> = fyr_hub::load_content(&dir)
        .unwrap()
        .into_iter()
        .filter(|r| r.kind != RecordKind::Distribution)
        .collect();
    if !tag.is_empty() {
        let i = recs
            .iter()
            .position(|r| r.kind == RecordKind::Service)
            .unwrap();
        let mut v: serde_json::Value = serde_json::from_str(&recs[i].body).unwrap();
        v["description"]["sv"] = format!("ändrad {tag}").into();
        recs[i].body = v.to_string();
    }
    recs.push(d.record());
    recs
}

/// A bundle folder as the app ships it, from the feed's current version.
fn bundle(hub: &Hub, key: &SigningKey, out: &Path) {
    fyr_hub::export_bundle(&hub.feed(), out).unwrap();
    std::fs::write(out.join("publisher.pub"), hex_key(key)).unwrap();
}

fn device(data: &Path, bundle_dir: &Path) -> Fyr {
    let b = bundle_dir.to_path_buf();
    Fyr::open_with_bundle(
        OpenOptions {
            data_dir: data.to_path_buf(),
            key: Some([3; 32]),
            lang: fyr_core::vocab::Lang::En,
        },
        &move || fyr_core::bundle::bundle_from_dir(&b),
    )
    .unwrap()
}

fn screening(fyr: &Fyr) {
    let now = chrono::Utc::now();
    let s = fyr
        .start_screening("adult-risk", Some("Ljungby"), now)
        .unwrap();
    fyr.answer(
        &s.session_id,
        "physical_violence",
        fyr_core::checklist::Answer::Yes,
        now,
    )
    .unwrap();
    fyr.complete_screening(&s.session_id, None, None, now)
        .unwrap();
}

fn sync_with(fyr: &Fyr, token: Option<&str>) -> Result<sync::SyncReport, fyr_core::Error> {
    let o = SyncOptions {
        token: token.map(str::to_string),
        ..Default::default()
    };
    fyr.sync_blocking(&o, &CancelToken::new())
}

// ------------------------------------------------------------------ tests

#[test]
fn a_device_with_only_a_bundle_syncs_enrolls_uploads_and_is_told_when_revoked() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let hub = rt.block_on(Hub::start());
    let key = SigningKey::from_bytes(&[21; 32]);
    let d = dist(&hub.url(), &[&key], &[], &[]);
    hub.publish(content_with(&d, ""), &key);
    let tmp = tempfile::tempdir().unwrap();
    bundle(&hub, &key, &tmp.path().join("bundle"));
    let v2 = hub.publish(content_with(&d, "v2"), &key);

    // A fresh install: no options, no files but the bundle.
    let fyr = device(&tmp.path().join("data"), &tmp.path().join("bundle"));
    screening(&fyr);
    let r = sync_with(&fyr, None).unwrap();
    assert_eq!(r.result, SyncResult::Updated);
    assert_eq!(r.version, v2.version);
    assert_eq!(
        r.delta_from,
        Some(1),
        "the bundle's version continues as a delta"
    );
    // Never enrolled: the pull worked, and the report says what did not go.
    assert_eq!(r.upload_blocked, Some(UploadBlocked::NotEnrolled));
    assert_eq!(r.pending, 1);
    let st = fyr.status(chrono::Utc::now()).unwrap();
    assert_eq!(st.upload_blocked, Some(UploadBlocked::NotEnrolled));
    assert!(st.upload_note.unwrap().contains("ask your coordinator"));
    assert_eq!(st.hub.as_deref(), Some(hub.url().as_str()));
    assert_eq!(hub.events(), 0);

    // A mistyped code is caught on the device; a wrong one by the hub,
    // without saying whether it ever existed.
    let issued = hub.code("Kronoberg", "police");
    let mut typo: Vec<char> = issued.code.chars().collect();
    typo.swap(0, 1);
    if typo[0] != typo[1] {
        let e = fyr
            .enroll_blocking(&typo.iter().collect::<String>(), None)
            .unwrap_err();
        assert_eq!(e.kind(), fyr_core::ErrorKind::InvalidInput, "{e}");
    }
    let wrong = fyr_core::enroll::generate_code();
    let e = fyr.enroll_blocking(&wrong, None).unwrap_err().to_string();
    assert!(e.contains("wrong, used or expired"), "{e}");

    // Enrolled with the typed code (the hub comes from the content).
    let en = fyr
        .enroll_blocking(&issued.display.to_lowercase(), None)
        .unwrap();
    assert_eq!(
        (en.county.as_str(), en.agency_kind.as_str()),
        ("07", "police")
    );
    let r = sync_with(&fyr, Some(&en.token)).unwrap();
    assert_eq!(
        (r.uploaded, r.pending, r.upload_blocked.clone()),
        (1, 0, None)
    );
    assert_eq!(hub.events(), 1);
    // The code was one-time.
    let e = fyr
        .enroll_blocking(&issued.code, None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("wrong, used or expired"), "{e}");
    let conn = fyr_hub::db::Db::open(&fyr_hub::db::testing::target(hub.dir.path())).unwrap();
    let devices = fyr_hub::enroll::list_devices(&conn).unwrap();
    assert_eq!(devices.len(), 1);
    // The day it was seen is written when the day ends or the hub stops,
    // never beside the batch.
    assert_eq!(devices[0].last_seen, None);

    // Revoked (a lost phone): told so, then not tried again.
    fyr_hub::enroll::revoke_device(&conn, &devices[0].id, chrono::Utc::now()).unwrap();
    screening(&fyr);
    let r = sync_with(&fyr, Some(&en.token)).unwrap();
    assert_eq!(r.upload_blocked, Some(UploadBlocked::Revoked));
    assert_eq!(r.pending, 1);
    let r = sync_with(&fyr, Some(&en.token)).unwrap();
    assert_eq!(r.upload_blocked, Some(UploadBlocked::Revoked));
    assert_eq!(
        r.requests, 1,
        "only the manifest: no upload with a revoked token"
    );
    let st = fyr.status(chrono::Utc::now()).unwrap();
    assert!(st.upload_note.unwrap().contains("revoked"));
    assert_eq!(hub.events(), 1);

    // Enrolled again with a new code (scanned): uploads resume.
    let again = hub.code("07", "police");
    let en2 = fyr.enroll_blocking(&again.qr_payload, None).unwrap();
    let r = sync_with(&fyr, Some(&en2.token)).unwrap();
    assert_eq!((r.uploaded, r.upload_blocked), (1, None));
    assert_eq!(hub.events(), 2);
    rt.block_on(hub.stop());
}

#[test]
fn enrollment_attempts_are_rate_limited() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let hub = rt.block_on(Hub::start());
    let mut last = String::new();
    for _ in 0..12 {
        let r = rt.block_on(fyr_core::enroll::enroll(
            &hub.url(),
            &fyr_core::enroll::generate_code(),
        ));
        last = r.unwrap_err().to_string();
    }
    assert!(last.contains("too many"), "{last}");
    // Even a good code waits out the window.
    let good = hub.code("23", "healthcare");
    let e = rt
        .block_on(fyr_core::enroll::enroll(&hub.url(), &good.code))
        .unwrap_err();
    assert_eq!(e, fyr_core::enroll::EnrollError::RateLimited);
    rt.block_on(hub.stop());
}

#[test]
fn a_bundle_naming_an_unreachable_hub_reports_it_and_schedules_the_next_attempt() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let hub = rt.block_on(Hub::start());
    // A port that was free a moment ago: nothing listens there.
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_url = format!("http://{}/", dead.local_addr().unwrap());
    drop(dead);
    let key = SigningKey::from_bytes(&[22; 32]);
    hub.publish(content_with(&dist(&dead_url, &[&key], &[], &[]), ""), &key);
    let tmp = tempfile::tempdir().unwrap();
    bundle(&hub, &key, &tmp.path().join("bundle"));
    rt.block_on(hub.stop());
    let fyr = device(&tmp.path().join("data"), &tmp.path().join("bundle"));
    let before = chrono::Utc::now();
    let e = sync_with(&fyr, None).unwrap_err().to_string();
    assert!(
        e.contains("network error") && e.contains("127.0.0.1"),
        "{e}"
    );
    let st = fyr.status(chrono::Utc::now()).unwrap();
    assert_eq!(st.failures, 1);
    assert!(st.next_attempt.unwrap() > before);
    assert_eq!(st.content_version, 1, "the bundled content is untouched");
}

/// Writes the next version as an attacker holding `key` would: a snapshot
/// and a manifest signed directly, bypassing `publish`'s checks.
fn forge_next_version(feed: &Path, records: Vec<Record>, key: &SigningKey) {
    let m: fyr_core::feed::SignedManifest =
        serde_json::from_slice(&std::fs::read(feed.join("manifest.json")).unwrap()).unwrap();
    let m: fyr_core::feed::Manifest = serde_json::from_str(&m.manifest).unwrap();
    let snapshot = fyr_core::feed::Snapshot {
        feed_id: m.feed_id.clone(),
        version: m.version + 1,
        records,
    };
    let blob = fyr_core::feed::encode_blob(&snapshot);
    let sha = fyr_core::feed::sha256_hex(&blob);
    std::fs::write(feed.join("blobs").join(format!("{sha}.gz")), &blob).unwrap();
    let forged = fyr_core::feed::Manifest {
        version: m.version + 1,
        content_digest: fyr_core::feed::records_digest(&snapshot.records),
        record_count: snapshot.records.len() as u64,
        snapshot: fyr_core::feed::BlobRef::canonical(sha, blob.len() as u64),
        deltas: vec![],
        older_deltas: None,
        ..m
    };
    std::fs::write(
        feed.join("manifest.json"),
        fyr_core::feed::sign_manifest(&forged, key),
    )
    .unwrap();
}

async fn run(dev: &MemStore, work: &Path) -> Result<sync::SyncReport, SyncError> {
    let cfg = sync::configure(dev, work, None, &[], None).unwrap();
    sync::sync(dev, &cfg, &CancelToken::new()).await
}

/// Rotation on the TUF model, step by step, with the device's trust taken
/// only from the signed content it holds.
#[tokio::test]
async fn keys_rotate_and_a_retired_or_unknown_key_is_refused() {
    let hub = Hub::start().await;
    let a = SigningKey::from_bytes(&[31; 32]);
    let b = SigningKey::from_bytes(&[32; 32]);
    let c = SigningKey::from_bytes(&[33; 32]);
    let url = hub.url();
    let small = |d: &Distribution, tag: &str| -> Vec<Record> {
        vec![
            // Filler of a kind this app does not know: kept, never used, so
            // these tests are about keys, not about checklist validation.
            Record::new(
                RecordKind::known_or_other("note").unwrap(),
                "x",
                &serde_json::json!({ "tag": tag }),
            ),
            d.record(),
        ]
    };
    let work = tempfile::tempdir().unwrap();

    // v1 trusts A only; the device holds it (as if bundled).
    let d1 = dist(&url, &[&a], &[], &[]);
    let p1 = hub.publish(small(&d1, "1"), &a);
    let dev = MemStore::with_content(&p1.feed_id, 1, small(&d1, "1"));

    // A version signed by B before B was announced: unknown key, untouched.
    let d_b = dist(&url, &[&b], &[], &[]);
    let saved = std::fs::read(hub.feed().join("manifest.json")).unwrap();
    forge_next_version(&hub.feed(), small(&d_b, "early"), &b);
    let e = run(&dev, work.path()).await.unwrap_err();
    assert!(
        matches!(e, SyncError::Feed(FeedError::UnknownKey { .. })),
        "{e}"
    );
    assert_eq!(dev.position().unwrap().version, 1);
    std::fs::write(hub.feed().join("manifest.json"), saved).unwrap();

    // Step 1: a version signed by A announces B.
    let d3 = dist(&url, &[&a], &[&b], &[]);
    let p3 = hub.publish(small(&d3, "3"), &a);
    run(&dev, work.path()).await.unwrap();
    assert_eq!(dev.position().unwrap().version, p3.version);

    // Step 2: a version signed by B retires A; the device accepts it.
    let d4 = dist(&url, &[&b], &[], &[&a]);
    let p4 = hub.publish(small(&d4, "4"), &b);
    run(&dev, work.path()).await.unwrap();
    assert_eq!(dev.position().unwrap().version, p4.version);
    let kept = dev.records();
    let good_manifest = std::fs::read(hub.feed().join("manifest.json")).unwrap();

    // A version signed by the retired key A: the hub's publish refuses it;
    // forged as a stolen old key would be used (a manifest signed directly),
    // the device refuses it and keeps its data.
    let err = publish_with(
        small(&d1, "evil"),
        &a,
        &hub.feed(),
        &PublishOptions::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("not trusted by version"), "{err}");
    forge_next_version(&hub.feed(), small(&d1, "evil"), &a);
    let e = run(&dev, work.path()).await.unwrap_err();
    assert!(
        matches!(e, SyncError::Feed(FeedError::RetiredKey { .. })),
        "{e}"
    );
    assert!(e.to_string().contains("retired"), "{e}");
    assert_eq!(dev.position().unwrap().version, p4.version);
    assert_eq!(dev.records(), kept);

    // A version signed by a key never named: unknown, untouched.
    let d_c = dist(&url, &[&c], &[], &[]);
    forge_next_version(&hub.feed(), small(&d_c, "c"), &c);
    let e = run(&dev, work.path()).await.unwrap_err();
    assert!(
        matches!(e, SyncError::Feed(FeedError::UnknownKey { .. })),
        "{e}"
    );
    assert_eq!(dev.records(), kept);

    // B goes on working.
    std::fs::write(hub.feed().join("manifest.json"), &good_manifest).unwrap();
    let p = hub.publish(small(&d4, "5"), &b);
    run(&dev, work.path()).await.unwrap();
    assert_eq!(dev.position().unwrap().version, p.version);
    hub.stop().await;
}

#[tokio::test]
async fn a_mirror_serves_when_the_feed_url_is_down_and_the_distribution_cannot_be_dropped() {
    let hub = Hub::start().await;
    let key = SigningKey::from_bytes(&[41; 32]);
    let dead = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead_url = format!("http://{}/", dead.local_addr().unwrap());
    drop(dead);
    let d = Distribution {
        feed_url: format!("{dead_url}feed/"),
        mirrors: vec![format!("{}feed/", hub.url())],
        ..dist(&hub.url(), &[&key], &[], &[])
    };
    let recs = vec![
        Record::new(
            RecordKind::known_or_other("note").unwrap(),
            "x",
            &serde_json::json!({ "v": 1 }),
        ),
        d.record(),
    ];
    let p1 = hub.publish(recs.clone(), &key);
    let dev = MemStore::with_content(&p1.feed_id, 1, recs.clone());
    let mut changed = recs.clone();
    changed[0] = Record::new(
        RecordKind::known_or_other("note").unwrap(),
        "x",
        &serde_json::json!({ "v": 2 }),
    );
    let p2 = hub.publish(changed.clone(), &key);
    let work = tempfile::tempdir().unwrap();
    run(&dev, work.path()).await.unwrap();
    assert_eq!(dev.position().unwrap().version, p2.version);
    // Content without the distribution record would strand every device.
    let err = publish_with(
        vec![changed[0].clone()],
        &key,
        &hub.feed(),
        &PublishOptions::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("distribution.toml"), "{err}");
    hub.stop().await;
}
