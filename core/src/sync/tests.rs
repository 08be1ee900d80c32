use super::memory::MemStore;
use super::*;
use crate::feed::{Record, RecordKind};

#[test]
fn backoff_grows_is_capped_and_honours_retry_after() {
    let now = Utc::now();
    let d1 = (next_attempt(1, None, now) - now).num_seconds();
    assert!((15..=30).contains(&d1), "{d1}");
    let d5 = (next_attempt(5, None, now) - now).num_seconds();
    assert!((240..=480).contains(&d5), "{d5}");
    let d50 = (next_attempt(50, None, now) - now).num_seconds();
    assert!((3 * 3600..=6 * 3600).contains(&d50), "{d50}");
    let d = (next_attempt(1, Some(Duration::from_secs(600)), now) - now).num_seconds();
    assert_eq!(d, 600);
}

#[test]
fn mem_store_apply_is_all_or_nothing() {
    let a = Record {
        kind: RecordKind::Service,
        id: "a".into(),
        body: "{}".into(),
    };
    let b = Record {
        kind: RecordKind::Service,
        id: "b".into(),
        body: "{\"x\":1}".into(),
    };
    let s = MemStore::with_content("f", 1, vec![a.clone()]);
    let before = s.position().unwrap();
    let wrong = FeedPosition {
        feed_id: "f".into(),
        version: 2,
        digest: "nope".into(),
        ..Default::default()
    };
    let e = s.apply(&wrong, vec![b.clone()], vec![], false).unwrap_err();
    assert!(matches!(e, SyncError::DigestMismatch { .. }));
    assert_eq!(s.position().unwrap(), before);
    assert_eq!(s.records(), vec![a.clone()]);
    let to = FeedPosition {
        feed_id: "f".into(),
        version: 2,
        digest: feed::records_digest(std::slice::from_ref(&b)),
        ..Default::default()
    };
    s.apply(
        &to,
        vec![b.clone()],
        vec![(RecordKind::Service, "a".into())],
        false,
    )
    .unwrap();
    assert_eq!(s.records(), vec![b]);
    assert_eq!(s.position().unwrap(), to);
}

#[tokio::test]
async fn cancel_token_wakes_waiters() {
    let t = CancelToken::new();
    let t2 = t.clone();
    let h = tokio::spawn(async move { t2.cancelled().await });
    t.cancel();
    h.await.unwrap();
    assert!(t.is_cancelled());
    t.cancelled().await; // already cancelled: returns at once
}

#[test]
fn sync_blocking_reports_a_hub_that_is_down() {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    drop(l);
    let work = tempfile::tempdir().unwrap();
    let cfg = SyncConfig::new(
        format!("http://{addr}/").parse().unwrap(),
        vec![ed25519_dalek::SigningKey::from_bytes(&[1; 32]).verifying_key()],
        work.path().into(),
    );
    let s = MemStore::with_content("f", 1, vec![]);
    let e = sync_blocking(&s, &cfg, &CancelToken::new()).unwrap_err();
    assert!(matches!(e, SyncError::Network(_)), "{e}");
    let st = sync_status(&s, Utc::now()).unwrap();
    assert_eq!(st.last_result.as_deref(), Some("failed"));
    assert_eq!(st.failures, 1);
}

#[test]
fn the_bundle_becomes_a_snapshot_with_the_same_digest() {
    let b = crate::bundle::bundled().unwrap();
    let snap = sqlite::bundle_snapshot(&b).unwrap();
    assert_eq!(snap.feed_id, b.position.feed_id);
    let hashes = snap
        .records
        .iter()
        .map(|r| (r.kind, r.id.as_str(), r.hash()));
    assert_eq!(
        feed::digest::content_digest_like(&b.position.digest, hashes),
        b.position.digest
    );
}

#[test]
fn configure_keeps_a_given_hub_and_keys_but_never_the_token() {
    let dir = tempfile::tempdir().unwrap();
    let k = ed25519_dalek::SigningKey::from_bytes(&[5; 32]);
    let pubf = dir.path().join("fyr-feed.pub");
    std::fs::write(&pubf, hex::encode(k.verifying_key().as_bytes())).unwrap();
    let s = MemStore::new();
    let work = dir.path().join("work");
    let e = configure(&s, &work, None, &[], None).unwrap_err();
    assert!(
        matches!(e, SyncError::Config(_)) && e.to_string().contains("--hub"),
        "{e}"
    );
    let e = configure(&s, &work, Some("http://127.0.0.1:9"), &[], None).unwrap_err();
    assert!(e.to_string().contains("--trust-key"), "{e}");
    let e = configure(
        &s,
        &work,
        Some("not a url"),
        std::slice::from_ref(&pubf),
        None,
    )
    .unwrap_err();
    assert!(matches!(e, SyncError::Config(_)), "{e}");
    let cfg = configure(
        &s,
        &work,
        Some("http://127.0.0.1:9/hub"),
        std::slice::from_ref(&pubf),
        Some("tok-123456"),
    )
    .unwrap();
    assert_eq!(cfg.hub.as_str(), "http://127.0.0.1:9/hub/");
    // Kept: a later call needs nothing.
    let cfg = configure(&s, &work, None, &[], None).unwrap();
    assert_eq!(cfg.trusted_keys, vec![k.verifying_key()]);
    // The shell keeps the token (keystore, 0600 file); the store never does.
    assert_eq!(cfg.token, None);
    assert_eq!(cfg.hub.as_str(), "http://127.0.0.1:9/hub/");
    let e = configure(&s, &work, None, &[dir.path().join("missing.pub")], None).unwrap_err();
    assert!(e.to_string().contains("missing.pub"), "{e}");
}

#[test]
fn retry_after_is_parsed_safely_and_capped_at_a_day() {
    let now = Utc::now();
    let day = Duration::from_secs(86_400);
    assert_eq!(
        parse_retry_after("120", now),
        Some(Duration::from_secs(120))
    );
    assert_eq!(parse_retry_after("315360000", now), Some(day));
    assert_eq!(parse_retry_after("99999999999999999999999", now), Some(day));
    assert_eq!(
        parse_retry_after("Fri, 31 Dec 9999 23:59:59 GMT", now),
        Some(day)
    );
    let soon = (now + chrono::Duration::seconds(90)).to_rfc2822();
    let d = parse_retry_after(&soon, now).unwrap();
    assert!((89..=90).contains(&d.as_secs()), "{d:?}");
    for bad in ["", "-5", "1.5", "soon", "Mon, 01 Jan 1990 00:00:00 GMT"] {
        assert_eq!(parse_retry_after(bad, now), None, "{bad:?}");
    }
    // The hint is never more than a day ahead, whatever it is given.
    for f in [1, 5, 50, u32::MAX] {
        let t = next_attempt(f, Some(Duration::from_secs(u64::MAX)), now);
        assert!(t <= now + chrono::Duration::days(1), "{f}: {t}");
        assert!(t > now);
    }
}

#[test]
fn with_no_options_the_content_says_where_to_sync_and_whom_to_trust() {
    use crate::distribution::Distribution;
    let dir = tempfile::tempdir().unwrap();
    let a = ed25519_dalek::SigningKey::from_bytes(&[5; 32]).verifying_key();
    let b = ed25519_dalek::SigningKey::from_bytes(&[6; 32]).verifying_key();
    let c = ed25519_dalek::SigningKey::from_bytes(&[8; 32]).verifying_key();
    let d = Distribution {
        feed_url: "http://127.0.0.1:9/cdn/feed/".into(),
        mirrors: vec!["http://127.0.0.1:10/feed/".into()],
        hub_url: "http://127.0.0.1:9/".into(),
        trusted_keys: vec![hex::encode(b.as_bytes())],
        next_keys: vec![hex::encode(c.as_bytes())],
        retired_keys: vec![hex::encode(a.as_bytes())],
        check_interval_hours: 6,
        min_app_version: None,
    };
    d.validate().unwrap();
    let s = MemStore::with_content("f", 1, vec![d.record()]);
    let work = dir.path().join("work");
    let cfg = configure(&s, &work, None, &[], None).unwrap();
    assert_eq!(cfg.hub.as_str(), "http://127.0.0.1:9/");
    assert_eq!(cfg.feed_base().as_str(), "http://127.0.0.1:9/cdn/feed/");
    assert_eq!(cfg.mirrors.len(), 1);
    assert_eq!(cfg.trusted_keys, vec![b, c]);
    assert_eq!(cfg.retired_keys, vec![a]);
    // Nothing was kept: a newer signed version may change it.
    assert_eq!(s.get_meta(meta::HUB).unwrap(), None);
    assert_eq!(s.get_meta(meta::TRUSTED_KEYS).unwrap(), None);
    // --hub overrides (and is kept).
    let cfg = configure(&s, &work, Some("http://127.0.0.1:11"), &[], None).unwrap();
    assert_eq!(cfg.feed_base().as_str(), "http://127.0.0.1:11/feed/");
    assert_eq!(cfg.trusted_keys, vec![b, c]);
}

/// A root of `version` trusting `key` for every role, signed by it.
fn root_of(version: u64, key: &ed25519_dalek::SigningKey) -> Vec<u8> {
    use crate::update::metadata as md;
    let k = md::Key::ed25519(&key.verifying_key());
    let id = k.key_id();
    let role = serde_json::json!({"keyids": [id], "threshold": 1});
    md::sign(
        &serde_json::json!({
            "_type": "root", "spec_version": "1.0.31", "version": version,
            "expires": "2036-01-01T00:00:00Z", "consistent_snapshot": true,
            "keys": {id.clone(): k},
            "roles": {"root": role, "targets": role, "snapshot": role, "timestamp": role},
        }),
        &[key],
    )
}

#[test]
fn an_app_update_with_a_newer_root_moves_trust_and_an_older_one_changes_nothing() {
    let key = ed25519_dalek::SigningKey::from_bytes(&[7; 32]);
    let (v1, v3) = (root_of(1, &key), root_of(3, &key));
    let store = MemStore::with_content("region", 4, Vec::new());
    let kept = |s: &MemStore| s.get_meta("tuf.md.root").unwrap();
    // A phone that trusts root 1 (it missed rotations 2 and 3 while offline)
    // gets an app whose bundle carries root 3.
    store
        .set_meta("tuf.md.root", Some(std::str::from_utf8(&v1).unwrap()))
        .unwrap();
    assert!(tuf::adopt_bundled_root(&store, &v3, Some("region"), None).unwrap());
    assert_eq!(kept(&store).unwrap().as_bytes(), &v3[..]);
    // An older app (or the same one again) does not roll trust back.
    assert!(!tuf::adopt_bundled_root(&store, &v1, Some("region"), None).unwrap());
    assert!(!tuf::adopt_bundled_root(&store, &v3, Some("region"), None).unwrap());
    assert_eq!(kept(&store).unwrap().as_bytes(), &v3[..]);
    // Another region's bundle says nothing about this feed's trust.
    let other = MemStore::with_content("other", 4, Vec::new());
    assert!(!tuf::adopt_bundled_root(&other, &v3, Some("region"), Some(&v1)).unwrap());
    assert_eq!(kept(&other), None);
    // A bundled root that does not verify (its signature broken) is ignored.
    let mut broken = v3.clone();
    let at = broken.windows(5).position(|w| w == b"\"sig\"").unwrap() + 8;
    broken[at] = if broken[at] == b'0' { b'1' } else { b'0' };
    let fresh = MemStore::with_content("region", 4, Vec::new());
    assert!(!tuf::adopt_bundled_root(&fresh, &broken, Some("region"), Some(&v1)).unwrap());
    assert_eq!(kept(&fresh), None);
    // A device on a given root (no kept one yet) also moves to a newer bundle.
    assert!(tuf::adopt_bundled_root(&fresh, &v3, Some("region"), Some(&v1)).unwrap());
}
