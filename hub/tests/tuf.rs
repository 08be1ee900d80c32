//! The feed as a TUF repository, against real hubs on 127.0.0.1: the
//! findings of issue 17 for trust — a device offline through two key
//! rotations catches up (root chain walk); rotated-out keys signing a
//! version numbered 2^63 take nothing over; one root key alone cannot
//! change trust; a frozen feed is refused within a day; a lagging mirror
//! moves the device to the next one.

mod tufrepo;

use chrono::{Duration, Utc};
use fyr_core::feed::{Record, RecordKind};
use fyr_core::sync::memory::MemStore;
use fyr_core::sync::{SyncResult, SyncStore};
use fyr_core::update::metadata as md;
use fyr_hub::tuf;
use serde_json::json;
use tufrepo::*;

#[tokio::test]
async fn a_device_offline_through_two_rotations_catches_up_and_old_keys_take_nothing_over() {
    let hub = Hub::serve(None).await;
    let feed = hub.feed();
    let now = Utc::now();
    let mut k = Keys {
        root: (1..=4).map(key).collect(),
        targets: key(10),
        snapshot: key(11),
        timestamp: key(12),
    };
    // Offline: root v1, threshold 2 of root-1..3; one root key alone is refused.
    let e = tuf::sign_root(
        &feed,
        &spec(&k, &[&k.root[0], &k.root[1], &k.root[2]]),
        &k.root[..1],
        now,
    )
    .unwrap_err();
    assert!(e.to_string().contains("threshold"), "{e}");
    tuf::sign_root(
        &feed,
        &spec(&k, &[&k.root[0], &k.root[1], &k.root[2]]),
        &k.root[..2],
        now,
    )
    .unwrap();
    let root1 = std::fs::read(feed.join("metadata/1.root.json")).unwrap();
    publish(&feed, &k, "v1", now);

    let work = tempfile::tempdir().unwrap();
    let store = MemStore::new();
    let cfg = device_cfg(hub.feed_url(), root1.clone(), work.path());
    let r = sync(&store, &cfg).await.unwrap();
    assert_eq!(r.result, SyncResult::Updated);
    assert!(service_name(&store).contains("Kvinnojouren v1"));
    // Unchanged: one request (the timestamp, 304).
    let r = sync(&store, &cfg).await.unwrap();
    assert_eq!((r.result, r.requests), (SyncResult::Unchanged, 1), "{r:?}");

    // The device goes offline. Rotation 1: a leaked targets key is replaced.
    let old = Keys {
        root: vec![],
        targets: k.targets.clone(),
        snapshot: k.snapshot.clone(),
        timestamp: k.timestamp.clone(),
    };
    k.targets = key(20);
    tuf::sign_root(
        &feed,
        &spec(&k, &[&k.root[0], &k.root[1], &k.root[2]]),
        &k.root[..2],
        now,
    )
    .unwrap();
    publish(&feed, &k, "v2", now);
    // Rotation 2: the timestamp key and root-1 (lost) are replaced; root-2
    // and root-3 sign for both the old and the new root.
    k.timestamp = key(22);
    k.snapshot = key(21);
    tuf::sign_root(
        &feed,
        &spec(&k, &[&k.root[1], &k.root[2], &k.root[3]]),
        &k.root[1..3],
        now,
    )
    .unwrap();
    publish(&feed, &k, "v3", now);

    // A hostile copy of the feed: the rotated-out keys sign a version
    // numbered 2^63 of every online role (what took devices over before).
    let evil = Hub::serve(Some(&feed)).await;
    let big = 1u64 << 63;
    let ef = evil.feed().join("metadata");
    let exp = md::tuf_time(now + Duration::days(30));
    let targets = md::sign(
        &json!({"_type": "targets", "spec_version": "1.0.31", "version": big, "expires": exp, "targets": {}}),
        &[&old.targets],
    );
    std::fs::write(ef.join(format!("{big}.targets.json")), &targets).unwrap();
    let snap = md::sign(
        &json!({"_type": "snapshot", "spec_version": "1.0.31", "version": big, "expires": exp,
                "meta": {"targets.json": {"version": big}}}),
        &[&old.snapshot],
    );
    std::fs::write(ef.join(format!("{big}.snapshot.json")), &snap).unwrap();
    let ts = md::sign(
        &json!({"_type": "timestamp", "spec_version": "1.0.31", "version": big, "expires": exp,
                "meta": {"snapshot.json": {"version": big}}}),
        &[&old.timestamp],
    );
    std::fs::write(ef.join("timestamp.json"), &ts).unwrap();
    // And a root v4 signed by one root key only, trusting the attacker's key.
    let forged_root4 = {
        let v = std::fs::read(ef.join("3.root.json")).unwrap();
        let env = md::Envelope::parse("root", &v).unwrap();
        let mut signed = env.signed.clone();
        signed["version"] = json!(4);
        let evil_key = md::Key::ed25519(&key(66).verifying_key());
        let id = evil_key.key_id();
        signed["keys"][&id] = serde_json::to_value(&evil_key).unwrap();
        signed["roles"]["targets"] = json!({"keyids": [id], "threshold": 1});
        md::sign(&signed, &[&k.root[1]])
    };
    std::fs::write(ef.join("4.root.json"), forged_root4).unwrap();

    let evil_cfg = device_cfg(evil.feed_url(), root1.clone(), work.path());
    let e = sync(&store, &evil_cfg).await.unwrap_err().to_string();
    assert!(e.contains("root") && e.contains("threshold"), "{e}");
    assert!(service_name(&store).contains("v1"), "nothing changed");
    std::fs::remove_file(ef.join("4.root.json")).unwrap();
    let e = sync(&store, &evil_cfg).await.unwrap_err().to_string();
    assert!(e.contains("timestamp") && e.contains("threshold"), "{e}");
    assert!(service_name(&store).contains("v1"), "nothing changed");

    // The real hub: the device walks 2.root.json and 3.root.json and takes v3.
    let r = sync(&store, &cfg).await.unwrap();
    assert_eq!(r.result, SyncResult::Updated, "{r:?}");
    assert!(
        service_name(&store).contains("Kvinnojouren v3"),
        "{}",
        service_name(&store)
    );
    let kept = store.get_meta("tuf.md.root").unwrap().unwrap();
    let kept = md::Envelope::parse("root", kept.as_bytes()).unwrap();
    assert_eq!(
        kept.root().unwrap().common.version,
        3,
        "the device trusts root 3"
    );
    // And the next legitimate version still comes.
    publish(&feed, &k, "v4", now);
    sync(&store, &cfg).await.unwrap();
    assert!(service_name(&store).contains("v4"));
    evil.handle.shutdown().await;
    hub.handle.shutdown().await;
}

#[tokio::test]
async fn a_frozen_feed_is_refused_within_a_day_and_a_lagging_mirror_moves_to_the_next() {
    let origin = Hub::serve(None).await;
    let feed = origin.feed();
    let now = Utc::now();
    let k = Keys {
        root: (1..=3).map(key).collect(),
        targets: key(10),
        snapshot: key(11),
        timestamp: key(12),
    };
    tuf::sign_root(
        &feed,
        &spec(&k, &[&k.root[0], &k.root[1], &k.root[2]]),
        &k.root[..2],
        now,
    )
    .unwrap();
    let root1 = std::fs::read(feed.join("metadata/1.root.json")).unwrap();
    // Published two days ago and never re-timestamped: frozen.
    publish(&feed, &k, "v1", now - Duration::days(2));
    let work = tempfile::tempdir().unwrap();
    let store = MemStore::new();
    let cfg = device_cfg(origin.feed_url(), root1.clone(), work.path());
    let e = sync(&store, &cfg).await.unwrap_err().to_string();
    assert!(e.contains("timestamp") && e.contains("expired"), "{e}");
    assert!(store.records().is_empty());

    // A mirror with the fresh copy: the frozen origin moves the device on.
    let mirror = Hub::serve(Some(&feed)).await;
    tuf::refresh_timestamp(&mirror.feed(), &k.timestamp, now).unwrap();
    let mut cfg2 = cfg.clone();
    cfg2.mirrors = vec![mirror.feed_url()];
    let r = sync(&store, &cfg2).await.unwrap();
    assert_eq!(r.result, SyncResult::Updated);
    assert!(service_name(&store).contains("v1"));

    // The origin re-signs its timestamp (daily job): fresh again.
    tuf::refresh_timestamp(&feed, &k.timestamp, now).unwrap();
    publish(&feed, &k, "v2", now);
    let r = sync(&store, &cfg).await.unwrap();
    assert_eq!(r.result, SyncResult::Updated);
    assert!(service_name(&store).contains("v2"));
    // A mirror lagging behind (older timestamp) is skipped: origin down.
    origin.handle.shutdown().await;
    let mut cfg3 = cfg.clone();
    cfg3.mirrors = vec![mirror.feed_url()];
    let e = sync(&store, &cfg3).await;
    // The mirror's timestamp is older than the trusted one: refused as rollback.
    let e = e.unwrap_err().to_string();
    assert!(e.contains("rollback") || e.contains("timestamp"), "{e}");
    assert!(service_name(&store).contains("v2"), "nothing changed");
    mirror.handle.shutdown().await;
}

#[tokio::test]
async fn a_version_with_one_invalid_record_is_refused_whole_and_unknown_fields_are_skipped() {
    let hub = Hub::serve(None).await;
    let feed = hub.feed();
    let now = Utc::now();
    let k = Keys {
        root: (1..=3).map(key).collect(),
        targets: key(10),
        snapshot: key(11),
        timestamp: key(12),
    };
    tuf::sign_root(
        &feed,
        &spec(&k, &[&k.root[0], &k.root[1], &k.root[2]]),
        &k.root[..2],
        now,
    )
    .unwrap();
    let root1 = std::fs::read(feed.join("metadata/1.root.json")).unwrap();
    publish(&feed, &k, "v1", now);
    let work = tempfile::tempdir().unwrap();
    let store = MemStore::new();
    let cfg = device_cfg(hub.feed_url(), root1, work.path());
    sync(&store, &cfg).await.unwrap();
    assert!(service_name(&store).contains("Kvinnojouren v1"));
    // A newer hub publishes a service whose phones are not a list: refused
    // whole with a reason naming kind and id; the old version stays.
    publish_records(
        &feed,
        &k,
        edited("bad", |v| v["phones"] = json!("0470-123456")),
        now,
    );
    let e = sync(&store, &cfg).await.unwrap_err().to_string();
    assert!(
        e.contains("refused whole") && e.contains(&format!("service {SERVICE}")),
        "{e}"
    );
    assert!(
        service_name(&store).contains("Kvinnojouren v1"),
        "old version kept"
    );
    assert_eq!(store.position().unwrap().version, 1, "still version 1");
    // A field this app does not know yet (a newer region's format) is skipped.
    publish_records(
        &feed,
        &k,
        edited("new-field", |v| {
            v["source"] = json!("Kvinnojouren v3");
            v["video_call"] = json!("https://example.invalid/call");
        }),
        now,
    );
    let r = sync(&store, &cfg).await.unwrap();
    assert_eq!(r.result, SyncResult::Updated);
    assert!(service_name(&store).contains("Kvinnojouren v3"));

    // A routing model an older app cannot parse is refused whole (it used
    // to fall back silently to the bundled model).
    let mut recs = edited("v4", |v| v["source"] = json!("Kvinnojouren v4"));
    body_of(&mut recs, RecordKind::Routing, |v| {
        v["rule"] = json!("one rule")
    });
    publish_records(&feed, &k, recs, now);
    let e = sync(&store, &cfg).await.unwrap_err().to_string();
    assert!(
        e.contains("refused whole") && e.contains("routing routing"),
        "{e}"
    );
    // So are distribution settings with a key that is not a key: the device
    // keeps its hub and its version (it used to demand --hub/--trust-key).
    let mut recs = edited("v5", |v| v["source"] = json!("Kvinnojouren v5"));
    body_of(&mut recs, RecordKind::Distribution, |v| {
        v["trusted_keys"] = json!(["the new key"])
    });
    publish_records(&feed, &k, recs, now);
    let e = sync(&store, &cfg).await.unwrap_err().to_string();
    assert!(
        e.contains("refused whole") && e.contains("distribution"),
        "{e}"
    );
    assert!(
        service_name(&store).contains("Kvinnojouren v3"),
        "old version kept"
    );

    // A newer region's content: a record kind this app does not know, a new
    // field in a checklist and in the distribution settings. All taken, the
    // unknown kind kept as it came and used by nothing.
    let mut recs = edited("v6", |v| v["source"] = json!("Kvinnojouren v6"));
    body_of(&mut recs, RecordKind::Checklist, |v| {
        v["audio_intro"] = json!({"sv": "intro.ogg"})
    });
    body_of(&mut recs, RecordKind::Distribution, |v| {
        v["sms_fallback"] = json!(true)
    });
    let video = RecordKind::known_or_other("video_guide").unwrap();
    recs.push(Record::new(
        video,
        "first-call",
        &json!({"url": "https://example.invalid/v"}),
    ));
    publish_records(&feed, &k, recs.clone(), now);
    let r = sync(&store, &cfg).await.unwrap();
    assert_eq!(r.result, SyncResult::Updated, "{r:?}");
    assert!(service_name(&store).contains("Kvinnojouren v6"));
    assert!(store.records().iter().any(|r| r.kind == video));
    let checklist = store
        .records()
        .into_iter()
        .find(|r| r.kind == RecordKind::Checklist && r.body.contains("audio_intro"))
        .unwrap();
    fyr_core::checklist::Checklist::from_stored_json(&checklist.id, &checklist.body)
        .expect("screenings keep working with the new field");
    // The next version arrives as a delta (no full snapshot on every sync).
    let v = r.version;
    for r in recs.iter_mut().filter(|r| r.id == SERVICE) {
        let mut b: serde_json::Value = serde_json::from_str(&r.body).unwrap();
        b["source"] = json!("Kvinnojouren v7");
        r.body = b.to_string();
    }
    publish_records(&feed, &k, recs, now);
    let r = sync(&store, &cfg).await.unwrap();
    assert_eq!(
        (r.result, r.delta_from),
        (SyncResult::Updated, Some(v)),
        "{r:?}"
    );
    assert!(service_name(&store).contains("Kvinnojouren v7"));
    let r = sync(&store, &cfg).await.unwrap();
    assert_eq!((r.result, r.requests), (SyncResult::Unchanged, 1), "{r:?}");
    hub.handle.shutdown().await;
}

fn body_of(recs: &mut [Record], kind: RecordKind, edit: impl Fn(&mut serde_json::Value)) {
    let r = recs.iter_mut().find(|r| r.kind == kind).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    edit(&mut v);
    r.body = v.to_string();
}
