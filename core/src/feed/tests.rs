use super::*;
use crate::model::Municipality;
use chrono::Duration;

fn muni(code: &str, name: &str) -> Municipality {
    Municipality {
        code: code.into(),
        name: name.into(),
        county_code: "07".into(),
        county_name: "Kronobergs län".into(),
        lat: 56.88,
        lon: 14.81,
        localities: vec![],
    }
}

fn key(n: u8) -> SigningKey {
    SigningKey::from_bytes(&[n; 32])
}

fn manifest(version: u64) -> Manifest {
    let now = Utc::now();
    Manifest {
        format: FORMAT,
        feed_id: "f1".into(),
        version,
        created: now,
        expires: now + Duration::days(30),
        content_digest: "abc".into(),
        record_count: 1,
        stale_after_days: 30,
        snapshot: BlobRef::canonical("x".into(), 1),
        deltas: vec![],
        older_deltas: None,
    }
}

#[test]
fn digest_is_order_independent_and_content_sensitive() {
    let a = Record::new(RecordKind::Municipality, "0780", &muni("0780", "Växjö"));
    let b = Record::new(RecordKind::Municipality, "0764", &muni("0764", "Alvesta"));
    let d1 = records_digest(&[a.clone(), b.clone()]);
    let d2 = records_digest(&[b.clone(), a.clone()]);
    assert_eq!(d1, d2);
    let b2 = Record::new(
        RecordKind::Municipality,
        "0764",
        &muni("0764", "Alvesta kommun"),
    );
    assert_ne!(d1, records_digest(&[a, b2]));
    assert_ne!(d1, records_digest(&[b]));
}

#[test]
fn signed_manifest_round_trips_and_rejects_tampering() {
    let k = key(1);
    let m = manifest(3);
    let bytes = sign_manifest(&m, &k);
    assert_eq!(verify_manifest(&bytes, &[k.verifying_key()]).unwrap(), m);
    // Several trusted keys: any may match.
    assert!(verify_manifest(&bytes, &[key(2).verifying_key(), k.verifying_key()]).is_ok());
    // Wrong key.
    assert!(matches!(
        verify_manifest(&bytes, &[key(2).verifying_key()]),
        Err(FeedError::UnknownKey { .. })
    ));
    // Tampered manifest bytes under the same signature.
    let mut signed: SignedManifest = serde_json::from_slice(&bytes).unwrap();
    let mut m2 = m.clone();
    m2.version = 4;
    signed.manifest = serde_json::to_string(&m2).unwrap();
    let tampered = serde_json::to_vec(&signed).unwrap();
    assert!(matches!(
        verify_manifest(&tampered, &[k.verifying_key()]),
        Err(FeedError::BadSignature { .. })
    ));
    // Garbage.
    assert!(matches!(
        verify_manifest(b"{}", &[k.verifying_key()]),
        Err(FeedError::Malformed(_))
    ));
}

#[test]
fn check_manifest_refuses_rollback_freeze_and_mix() {
    let now = Utc::now();
    let m = manifest(3);
    assert!(check_manifest(&m, "f1", 2, "old", now).is_ok());
    assert_eq!(
        check_manifest(&m, "f1", 4, "x", now),
        Err(FeedError::Rollback { have: 4, got: 3 })
    );
    assert_eq!(
        check_manifest(&m, "f1", 3, "other", now),
        Err(FeedError::VersionConflict { version: 3 })
    );
    assert!(check_manifest(&m, "f1", 3, "abc", now).is_ok());
    assert!(matches!(
        check_manifest(&m, "f2", 1, "", now),
        Err(FeedError::FeedMismatch { .. })
    ));
    assert!(matches!(
        check_manifest(&m, "f1", 1, "", now + Duration::days(31)),
        Err(FeedError::Expired { .. })
    ));
}

#[test]
fn blobs_round_trip_with_a_decoded_size_limit() {
    let recs = vec![Record::new(
        RecordKind::Municipality,
        "0780",
        &muni("0780", "Växjö"),
    )];
    let snap = Snapshot {
        feed_id: "f".into(),
        version: 1,
        records: recs,
    };
    let gz = encode_blob(&snap);
    assert_eq!(decode_blob::<Snapshot>(&gz, 1 << 20).unwrap(), snap);
    assert!(matches!(
        decode_blob::<Snapshot>(&gz, 10),
        Err(FeedError::TooLarge { .. })
    ));
    assert!(matches!(
        decode_blob::<Snapshot>(b"nope", 100),
        Err(FeedError::Malformed(_))
    ));
}

#[test]
fn diff_finds_upserts_and_deletes() {
    let a = Record::new(RecordKind::Municipality, "0780", &muni("0780", "Växjö"));
    let b = Record::new(RecordKind::Municipality, "0764", &muni("0764", "Alvesta"));
    let b2 = Record::new(RecordKind::Municipality, "0764", &muni("0764", "Alvesta k"));
    let c = Record::new(
        RecordKind::Municipality,
        "0760",
        &muni("0760", "Uppvidinge"),
    );
    let (up, del) = diff(&[a.clone(), b], &[b2.clone(), c.clone()]);
    assert_eq!(up, vec![b2, c]);
    assert_eq!(
        del,
        vec![RecordKey {
            kind: RecordKind::Municipality,
            id: "0780".into()
        }]
    );
}

#[test]
fn keys_load_from_hex_files() {
    let dir = tempfile::tempdir().unwrap();
    let k = key(7);
    std::fs::write(
        dir.path().join("k"),
        format!("# fyr feed key\n{}\n", hex::encode(k.to_bytes())),
    )
    .unwrap();
    std::fs::write(
        dir.path().join("p"),
        hex::encode(k.verifying_key().as_bytes()),
    )
    .unwrap();
    assert_eq!(
        load_signing_key(&dir.path().join("k")).unwrap().to_bytes(),
        k.to_bytes()
    );
    assert_eq!(
        load_verifying_key(&dir.path().join("p")).unwrap(),
        k.verifying_key()
    );
    std::fs::write(dir.path().join("bad"), "zz").unwrap();
    let e = load_signing_key(&dir.path().join("bad"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("bad") && e.contains("hex"), "{e}");
}

#[test]
fn format_one_digest_matches_its_formula() {
    // Format 1 (older feeds): sha256 over "kind 0 id 0 hex(hash) \n",
    // sorted by (kind string, id). "checklist" sorts before "municipality".
    let a = Record::new(RecordKind::Municipality, "0780", &muni("0780", "Växjö"));
    let c = Record {
        kind: RecordKind::Checklist,
        id: "patriark".into(),
        body: "{}".into(),
    };
    let mut h = Sha256::new();
    for r in [&c, &a] {
        h.update(r.kind.id().as_bytes());
        h.update([0]);
        h.update(r.id.as_bytes());
        h.update([0]);
        h.update(hex::encode(r.hash()).as_bytes());
        h.update(b"\n");
    }
    let both = [a.clone(), c.clone()];
    assert_eq!(
        super::digest::content_digest_v1(both.iter().map(|r| (r.kind, r.id.as_str(), r.hash()))),
        hex::encode(h.finalize())
    );
    let mut rh = Sha256::new();
    rh.update(b"municipality\x000780\x00");
    rh.update(a.body.as_bytes());
    assert_eq!(a.hash(), <[u8; 32]>::from(rh.finalize()));
}

#[test]
fn records_from_parts() {
    let r = Record::from_parts("service", "s1", "{}").unwrap();
    assert_eq!(r.kind, RecordKind::Service);
    assert!(Record::from_parts("person", "p", "{}")
        .unwrap_err()
        .to_string()
        .contains("person"));
}
