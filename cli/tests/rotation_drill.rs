//! README's deployment and rotation drill, run with the `fyr` binary as a
//! region would: root keys made and used "offline" (a folder of their own),
//! online keys beside the hub, `fyr hub root sign`, `fyr hub publish`,
//! `fyr hub serve` on 127.0.0.1, and a device (`fyr tuf`, the update
//! client) that trusted root v1 and then stayed offline through two
//! rotations: it catches up through every root version, and a version
//! the rotated-out targets key signs is refused.

mod support;

use std::path::Path;
use std::process::{Command, Output, Stdio};

fn fyr(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fyr"))
        .args(["--lang", "en"])
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn ok(args: &[&str]) -> String {
    let o = fyr(args);
    assert!(
        o.status.success(),
        "fyr {args:?}: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn root_version(metadata_dir: &Path) -> u64 {
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(metadata_dir.join("root.json")).unwrap()).unwrap();
    v["signed"]["version"].as_u64().unwrap()
}

#[test]
fn a_phone_offline_through_two_rotations_catches_up_by_the_readme_drill() {
    let d = tempfile::tempdir().unwrap();
    let offline = d.path().join("offline");
    let hub_keys = d.path().join("hub-keys");
    let feed = d.path().join("feed");
    let content = concat!(env!("CARGO_MANIFEST_DIR"), "/../content");
    for name in ["root-1", "root-2", "root-3", "root-4"] {
        ok(&["hub", "keygen", "--out", p(&offline), "--name", name]);
    }
    for name in [
        "fyr-feed",
        "snapshot",
        "timestamp",
        "targets-2026",
        "timestamp-2026",
    ] {
        ok(&["hub", "keygen", "--out", p(&hub_keys), "--name", name]);
    }
    let k = |dir: &Path, f: &str| dir.join(f).to_str().unwrap().to_string();
    // One root key is not a threshold.
    let first = [
        "hub",
        "root",
        "sign",
        "--feed",
        p(&feed),
        "--root-pub",
        &k(&offline, "root-1.pub"),
        "--root-pub",
        &k(&offline, "root-2.pub"),
        "--root-pub",
        &k(&offline, "root-3.pub"),
        "--threshold",
        "2",
        "--targets-pub",
        &k(&hub_keys, "fyr-feed.pub"),
        "--snapshot-pub",
        &k(&hub_keys, "snapshot.pub"),
        "--timestamp-pub",
        &k(&hub_keys, "timestamp.pub"),
        "--key",
        &k(&offline, "root-1.key"),
    ];
    let o = fyr(&first);
    assert!(!o.status.success());
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("threshold"),
        "{o:?}"
    );
    let mut with_two = first.to_vec();
    let r2 = k(&offline, "root-2.key");
    with_two.extend(["--key", &r2]);
    ok(&with_two);
    let publish = |targets: &str, timestamp: &str| {
        ok(&[
            "hub",
            "publish",
            "--content",
            content,
            "--key",
            &k(&hub_keys, targets),
            "--snapshot-key",
            &k(&hub_keys, "snapshot.key"),
            "--timestamp-key",
            &k(&hub_keys, timestamp),
            "--feed",
            p(&feed),
        ])
    };
    publish("fyr-feed.key", "timestamp.key");

    let db = d.path().join("hub.db");
    let served = support::serve(
        &d.path().join("hub-data"),
        &[
            "--feed".into(),
            feed.clone().into(),
            "--db".into(),
            db.into(),
        ],
    );
    let base = served.addr.to_string();
    assert!(base.starts_with("127.0.0.1:"), "{base}");
    let metadata_url = format!("http://{base}/feed/metadata/");

    // The phone: trusts root v1 (its bundle), syncs once, goes offline.
    let phone = d.path().join("phone");
    std::fs::create_dir_all(&phone).unwrap();
    let refresh = || {
        fyr(&[
            "tuf",
            "--metadata-dir",
            p(&phone),
            "--metadata-url",
            &metadata_url,
            "refresh",
        ])
    };
    ok(&[
        "tuf",
        "--metadata-dir",
        p(&phone),
        "init",
        &k(&feed, "metadata/1.root.json"),
    ]);
    assert!(refresh().status.success());
    assert_eq!(root_version(&phone), 1);

    // Rotation 1 (the targets key leaked), offline: root-2 and root-3 sign.
    ok(&[
        "hub",
        "root",
        "sign",
        "--feed",
        p(&feed),
        "--targets-pub",
        &k(&hub_keys, "targets-2026.pub"),
        "--key",
        &k(&offline, "root-2.key"),
        "--key",
        &k(&offline, "root-3.key"),
    ]);
    publish("targets-2026.key", "timestamp.key");
    // The old targets key is refused by the hub's publish from now on.
    let o = fyr(&[
        "hub",
        "publish",
        "--content",
        content,
        "--key",
        &k(&hub_keys, "fyr-feed.key"),
        "--snapshot-key",
        &k(&hub_keys, "snapshot.key"),
        "--timestamp-key",
        &k(&hub_keys, "timestamp.key"),
        "--feed",
        p(&feed),
    ]);
    assert!(!o.status.success(), "the rotated-out key publishes nothing");
    // Rotation 2: root-1 lost, replaced by root-4; a new timestamp key.
    ok(&[
        "hub",
        "root",
        "sign",
        "--feed",
        p(&feed),
        "--root-pub",
        &k(&offline, "root-2.pub"),
        "--root-pub",
        &k(&offline, "root-3.pub"),
        "--root-pub",
        &k(&offline, "root-4.pub"),
        "--timestamp-pub",
        &k(&hub_keys, "timestamp-2026.pub"),
        "--key",
        &k(&offline, "root-2.key"),
        "--key",
        &k(&offline, "root-3.key"),
    ]);
    publish("targets-2026.key", "timestamp-2026.key");
    ok(&[
        "hub",
        "timestamp",
        "--feed",
        p(&feed),
        "--key",
        &k(&hub_keys, "timestamp-2026.key"),
    ]);

    // Back online: the phone walks root v2 and v3 and takes the content.
    let o = refresh();
    assert!(o.status.success(), "{o:?}");
    assert_eq!(root_version(&phone), 3, "the phone trusts the third root");
    let targets = phone.join("targets");
    std::fs::create_dir_all(&targets).unwrap();
    let o = fyr(&[
        "tuf",
        "--metadata-dir",
        p(&phone),
        "--metadata-url",
        &metadata_url,
        "--target-name",
        "manifest.json",
        "--target-base-url",
        &format!("http://{base}/feed/targets/"),
        "--target-dir",
        p(&targets),
        "download",
    ]);
    assert!(o.status.success(), "{o:?}");
    assert!(std::fs::read_dir(&targets).unwrap().next().is_some());
}
