//! Sync out of the box through the `fyr` binary: a fresh data directory
//! whose first-start bundle (FYR_BUNDLE_DIR, verified and used exactly as the
//! compiled-in one) names a real hub on 127.0.0.1 syncs with no options;
//! enrolling, revoking and never enrolling are said in `sync` and `status`.

use fyr_core::distribution::Distribution;
use fyr_core::feed::{Record, RecordKind};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn fyr(bundle: Option<&Path>, dir: &Path, args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_fyr"));
    c.arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("FYR_KEY");
    match bundle {
        Some(b) => c.env("FYR_BUNDLE_DIR", b),
        None => c.env_remove("FYR_BUNDLE_DIR"),
    };
    c.output().expect("run fyr")
}

fn ok(o: &Output) -> String {
    assert!(
        o.status.success(),
        "exit {:?}: {}",
        o.status.code(),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn json(o: &Output) -> Value {
    serde_json::from_str(&ok(o)).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fresh_device_syncs_from_the_hub_its_bundle_names_and_says_what_did_not_go() {
    let tmp = tempfile::tempdir().unwrap();
    let (key_path, pub_path) = fyr_hub::keygen(&tmp.path().join("keys")).unwrap();
    let key = fyr_core::feed::load_signing_key(&key_path).unwrap();
    let feed = tmp.path().join("feed");
    std::fs::create_dir_all(&feed).unwrap();
    let db = tmp.path().join("hub.db");
    // No tokens file: only enrolled devices upload.
    let cfg = fyr_hub::ServeConfig::new(&feed, &db, "127.0.0.1:0".parse().unwrap());
    let (addr, handle) = fyr_hub::spawn(cfg).await.unwrap();
    let url = format!("http://{addr}/");

    // The region's content names its hub and key; v1 becomes the app's bundle.
    let d = Distribution::single(&url, &key.verifying_key());
    let mut records = d.replace_in(fyr_core::bundle::signed_bundle().unwrap().1.records);
    let opts = fyr_hub::PublishOptions::default();
    fyr_hub::publish_with(records.clone(), &key, &feed, &opts).unwrap();
    let bundle = tmp.path().join("bundle");
    fyr_hub::export_bundle(&feed, &bundle).unwrap();
    std::fs::copy(&pub_path, bundle.join("publisher.pub")).unwrap();
    let r = records
        .iter_mut()
        .find(|r| r.kind == RecordKind::Service)
        .unwrap();
    let mut v: Value = serde_json::from_str(&r.body).unwrap();
    v["description"]["sv"] = "ändrad i version 2".into();
    *r = Record {
        body: v.to_string(),
        ..r.clone()
    };
    fyr_hub::publish_with(records, &key, &feed, &opts).unwrap();

    let dev = tmp.path().join("device");
    let (b, dev2, db2, url2) = (bundle.clone(), dev.clone(), db.clone(), url.clone());
    tokio::task::spawn_blocking(move || {
        let b = Some(b.as_path());
        let dev = dev2.as_path();
        let db_arg = db2.to_string_lossy().to_string();
        ok(&fyr(
            b,
            dev,
            &[
                "report-error",
                "ljungby-socialtjanst",
                "--message",
                "Fel öppettider",
            ],
        ));
        // No options at all: the pull works (exit 0), the upload waits.
        let v = json(&fyr(b, dev, &["sync", "--json"]));
        assert_eq!(v["result"], "updated");
        assert_eq!(v["version"], 2);
        assert_eq!(v["pending"], 1);
        assert_eq!(v["upload_blocked"]["reason"], "not_enrolled");
        assert!(v["upload_note"].as_str().unwrap().contains("fyr enroll"));
        let text = ok(&fyr(b, dev, &["--lang", "en", "sync"]));
        assert!(
            text.contains("1 events were not sent") && text.contains("not enrolled"),
            "{text}"
        );
        let text = ok(&fyr(b, dev, &["status"]));
        assert!(text.contains("inte registrerad"), "{text}");
        assert!(text.contains(&url2), "{text}");
        let text = ok(&fyr(b, dev, &["--lang", "en", "status"]));
        assert!(text.contains("not enrolled"), "{text}");

        // Codes: a mistyped one is bad input (2), a wrong one a failure (1).
        let c = json(&fyr(
            b,
            dev,
            &[
                "hub",
                "enroll-codes",
                "create",
                "--db",
                &db_arg,
                "--county",
                "Kronoberg",
                "--agency-kind",
                "police",
                "--hub-url",
                &url2,
                "--json",
            ],
        ));
        let code = c["code"].as_str().unwrap().to_string();
        assert!(c["qr_payload"].as_str().unwrap().starts_with("fyr-enroll:"));
        let list = ok(&fyr(
            b,
            dev,
            &["hub", "enroll-codes", "list", "--db", &db_arg],
        ));
        assert!(list.contains("unused") && !list.contains(&code), "{list}");
        let o = fyr(b, dev, &["enroll", "ABCDE"]);
        assert_eq!(o.status.code(), Some(2));
        let o = fyr(b, dev, &["enroll", &fyr_core::enroll::generate_code()]);
        assert_eq!(o.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&o.stderr).contains("wrong, used or expired"));
        let o = fyr(
            b,
            dev,
            &[
                "hub",
                "enroll-codes",
                "create",
                "--db",
                &db_arg,
                "--county",
                "Narnia",
                "--agency-kind",
                "police",
            ],
        );
        assert_eq!(o.status.code(), Some(2));

        // Enrolled: the token is kept owner-only beside the data; the upload goes.
        ok(&fyr(b, dev, &["enroll", &code]));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dev.join("device-token"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let v = json(&fyr(b, dev, &["sync", "--json"]));
        assert_eq!(
            (v["uploaded"].as_u64(), v["pending"].as_u64()),
            (Some(1), Some(0))
        );
        assert!(v["upload_blocked"].is_null(), "{v}");
        let devices = json(&fyr(
            b,
            dev,
            &["hub", "devices", "list", "--db", &db_arg, "--json"],
        ));
        assert_eq!(devices.as_array().unwrap().len(), 1);
        assert_eq!(devices[0]["county"], "07");
        let id = devices[0]["id"].as_str().unwrap().to_string();

        // Revoked: told so in sync and status, exit 0 for the pull.
        ok(&fyr(
            b,
            dev,
            &["hub", "devices", "revoke", &id, "--db", &db_arg],
        ));
        let o = fyr(
            b,
            dev,
            &["hub", "devices", "revoke", "nope", "--db", &db_arg],
        );
        assert_eq!(o.status.code(), Some(2));
        ok(&fyr(
            b,
            dev,
            &[
                "report-error",
                "ljungby-socialtjanst",
                "--message",
                "Fel adress",
            ],
        ));
        let v = json(&fyr(b, dev, &["sync", "--json"]));
        assert_eq!(v["upload_blocked"]["reason"], "revoked");
        assert_eq!(v["pending"], 1);
        let text = ok(&fyr(b, dev, &["status"]));
        assert!(text.contains("återkallat"), "{text}");
    })
    .await
    .unwrap();
    handle.shutdown().await;
}

#[test]
fn the_repository_bundle_names_a_placeholder_and_sync_says_so_without_the_network() {
    let tmp = tempfile::tempdir().unwrap();
    let o = fyr(None, tmp.path(), &["sync"]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("placeholder hub") && err.contains("--hub"),
        "{err}"
    );
    // A damaged test bundle is refused with the file named.
    let bad = tmp.path().join("bad-bundle");
    std::fs::create_dir_all(&bad).unwrap();
    let o = fyr(Some(&bad), &tmp.path().join("d2"), &["status"]);
    assert_ne!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stderr).contains("publisher.pub"));
}
