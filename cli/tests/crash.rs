//! A crash injected at each step of applying a content update (a real
//! process abort, as a power cut would be) leaves the old or the new version,
//! never a mix; the next sync completes it. The hub is real, on 127.0.0.1.

use fyr_core::feed::{Record, RecordKind};
use fyr_core::model::Service;
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

const CHANGED: &str = "ljungby-socialtjanst";
const MARK: &str = "UPPDATERAD-I-VERSION-2";

fn fyr(dir: &Path, args: &[&str], failpoint: Option<&str>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_fyr"));
    c.arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("FYR_KEY");
    match failpoint {
        Some(f) => c.env("FYR_FAILPOINT", f),
        None => c.env_remove("FYR_FAILPOINT"),
    };
    c.output().expect("run fyr")
}

fn json(o: &Output) -> Value {
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// The content version and whether the changed entry carries the change.
fn state(dir: &Path) -> (u64, bool) {
    let status = json(&fyr(dir, &["status", "--json"], None));
    let show = json(&fyr(dir, &["show", CHANGED, "--json"], None));
    (
        status["content_version"].as_u64().unwrap(),
        show["description"].as_str().unwrap().contains(MARK),
    )
}

/// The content with distribution settings trusting the test's own key (the
/// devices are pointed at the hub with --hub and --trust-key).
fn trusting(records: Vec<Record>, pub_path: &Path) -> Vec<Record> {
    let key = fyr_core::feed::load_verifying_key(pub_path).unwrap();
    fyr_core::distribution::Distribution::single("http://127.0.0.1:9/", &key).replace_in(records)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_at_each_apply_step_leaves_old_or_new_never_a_mix() {
    let tmp = tempfile::tempdir().unwrap();
    let (key_path, pub_path) = fyr_hub::keygen(&tmp.path().join("keys")).unwrap();
    let key = fyr_core::feed::load_signing_key(&key_path).unwrap();
    let base = fyr_core::bundle::signed_bundle().unwrap().1;
    let old_version = base.version;

    // The next version changes one service.
    let mut records: Vec<Record> = base.records.clone();
    let r = records
        .iter_mut()
        .find(|r| r.kind == RecordKind::Service && r.id == CHANGED)
        .unwrap();
    let mut s: Service = serde_json::from_str(&r.body).unwrap();
    s.description.sv.push_str(&format!(" {MARK}"));
    *r = Record::new(RecordKind::Service, CHANGED, &s);
    let feed = tmp.path().join("feed");
    let opts = fyr_hub::PublishOptions {
        base: Some(base),
        ..Default::default()
    };
    let records = trusting(records, &pub_path);
    let p = fyr_hub::publish_with(records, &key, &feed, &opts).unwrap();
    assert_eq!(p.version, old_version + 1);
    let cfg = fyr_hub::ServeConfig::new(
        &feed,
        tmp.path().join("hub.db"),
        "127.0.0.1:0".parse().unwrap(),
    );
    let (addr, handle) = fyr_hub::spawn(cfg).await.unwrap();
    let url = format!("http://{addr}/");
    let pub_arg = pub_path.to_string_lossy().to_string();

    for (step, expect_new) in [
        ("apply:begin", false),
        ("apply:records", false),
        ("apply:index", false),
        ("apply:committed", true),
    ] {
        let dev = tmp
            .path()
            .join(format!("device-{}", step.replace(':', "-")));
        let (dev2, url2, pub2) = (dev.clone(), url.clone(), pub_arg.clone());
        let crashed = tokio::task::spawn_blocking(move || {
            // A device that has imported its bundled content ...
            assert_eq!(state(&dev2), (old_version, false));
            // ... crashes while applying the update.
            fyr(
                &dev2,
                &["sync", "--hub", &url2, "--trust-key", &pub2],
                Some(step),
            )
        })
        .await
        .unwrap();
        assert!(
            !crashed.status.success(),
            "{step}: the process should have aborted"
        );
        let dev2 = dev.clone();
        let (version, changed) = tokio::task::spawn_blocking(move || state(&dev2))
            .await
            .unwrap();
        if expect_new {
            assert_eq!((version, changed), (old_version + 1, true), "{step}");
        } else {
            assert_eq!(
                (version, changed),
                (old_version, false),
                "{step}: old version, untouched"
            );
        }
        // The next sync completes the update.
        let dev2 = dev.clone();
        let after = tokio::task::spawn_blocking(move || {
            let o = fyr(&dev2, &["sync", "--json"], None);
            (json(&o), state(&dev2))
        })
        .await
        .unwrap();
        assert_eq!(
            after.1,
            (old_version + 1, true),
            "{step}: after the next sync"
        );
        assert_eq!(after.0["version"], old_version + 1);
    }
    handle.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sync_command_contract() {
    let tmp = tempfile::tempdir().unwrap();
    let (key_path, pub_path) = fyr_hub::keygen(&tmp.path().join("keys")).unwrap();
    let key = fyr_core::feed::load_signing_key(&key_path).unwrap();
    let base = fyr_core::bundle::signed_bundle().unwrap().1;
    let feed = tmp.path().join("feed");
    let opts = fyr_hub::PublishOptions {
        base: Some(base.clone()),
        ..Default::default()
    };
    fyr_hub::publish_with(
        trusting(base.records.clone(), &pub_path),
        &key,
        &feed,
        &opts,
    )
    .unwrap();
    std::fs::write(tmp.path().join("tokens"), "device-token-1 test-phone\n").unwrap();
    let mut cfg = fyr_hub::ServeConfig::new(
        &feed,
        tmp.path().join("hub.db"),
        "127.0.0.1:0".parse().unwrap(),
    );
    cfg.tokens = Some(tmp.path().join("tokens"));
    let (addr, handle) = fyr_hub::spawn(cfg).await.unwrap();
    let url = format!("http://{addr}/");
    let dev = tmp.path().join("device");
    let pub_arg = pub_path.to_string_lossy().to_string();

    tokio::task::spawn_blocking(move || {
        // Bad arguments: exit 2.
        let o = fyr(&dev, &["sync"], None);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{}",
            String::from_utf8_lossy(&o.stderr)
        );
        let o = fyr(
            &dev,
            &["sync", "--hub", "not a url", "--trust-key", &pub_arg],
            None,
        );
        assert_eq!(o.status.code(), Some(2));
        // The hub is down: exit 1 with one line.
        let o = fyr(
            &dev,
            &[
                "sync",
                "--hub",
                "http://127.0.0.1:9/",
                "--trust-key",
                &pub_arg,
            ],
            None,
        );
        assert_eq!(o.status.code(), Some(1));
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(err.contains("sync failed"), "{err}");
        // A correction report waits in the outbox.
        assert!(fyr(
            &dev,
            &["report-error", CHANGED, "--message", "Fel öppettider"],
            None
        )
        .status
        .success());
        // First sync: the delta from the bundled version, and the report uploaded.
        let v = json(&fyr(
            &dev,
            &[
                "sync",
                "--hub",
                &url,
                "--trust-key",
                &pub_arg,
                "--token",
                "device-token-1",
                "--json",
            ],
            None,
        ));
        for k in [
            "result",
            "version",
            "requests",
            "bytes_received",
            "bytes_sent",
            "uploaded",
            "quarantined",
        ] {
            assert!(v.get(k).is_some(), "{k} missing in {v}");
        }
        assert_eq!(v["result"], "updated");
        assert_eq!(v["uploaded"], 1);
        // Hub, key and token were kept: nothing changed, one request, under 600 bytes.
        let v = json(&fyr(&dev, &["sync", "--json"], None));
        assert_eq!(v["result"], "unchanged");
        assert_eq!(v["requests"], 1);
        assert!(
            v["bytes_received"].as_u64().unwrap() + v["bytes_sent"].as_u64().unwrap() < 600,
            "{v}"
        );
        let s = json(&fyr(&dev, &["status", "--json"], None));
        assert_eq!(s["last_sync"]["result"], "unchanged");
        assert_eq!(s["outbox_pending"], 0);
        assert!(s["next_attempt"].is_null());
    })
    .await
    .unwrap();
    handle.shutdown().await;
}
