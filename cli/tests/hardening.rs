//! The `fyr` binary against what the field meets: a lost or wrong key, a
//! damaged store, files other users could read. Each test uses its own data
//! directory; nothing touches the network.

use std::path::Path;
use std::process::{Command, Output};

const PAGE: usize = 4096;

fn run(dir: &Path, args: &[&str], key: Option<&str>) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_fyr"));
    c.arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("FYR_KEY");
    if let Some(k) = key {
        c.env("FYR_KEY", k);
    }
    c.output().expect("run fyr")
}

fn fyr(dir: &Path, args: &[&str]) -> Output {
    run(dir, args, None)
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn ok(dir: &Path, args: &[&str]) -> Output {
    let o = fyr(dir, args);
    assert!(o.status.success(), "fyr {args:?}: {}", err(&o));
    o
}

/// One completed screening sealed in the store.
fn screened(dir: &Path) {
    let answers = dir.join("answers.json");
    std::fs::write(
        &answers,
        r#"{"answers": {"physical_violence": "yes", "strangulation": "no", "threats_to_kill": "no", "children_count": 0}}"#,
    )
    .unwrap();
    ok(
        dir,
        &[
            "screen",
            "adult-risk",
            "--answers",
            answers.to_str().unwrap(),
            "--kommun",
            "Ljungby",
            "--json",
        ],
    );
    std::fs::remove_file(answers).unwrap();
}

/// The searches a lost key must never take down.
fn directory_works(dir: &Path, key: Option<&str>) {
    let o = run(dir, &["search", "kvinnofrid", "--json"], key);
    assert!(o.status.success(), "search: {}", err(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let hits = &v["hits"];
    assert!(
        hits.as_array()
            .unwrap()
            .iter()
            .any(|h| h["id"] == "kvinnofridslinjen"),
        "{hits}"
    );
    let o = run(dir, &["show", "kvinnofridslinjen"], key);
    assert!(o.status.success(), "show: {}", err(&o));
    assert!(out(&o).contains("020-50 50 50"), "{}", out(&o));
}

/// Exit 1 and exactly one line naming `needle` and the way forward.
fn locked(o: &Output, needle: &str) {
    let e = err(o);
    assert_eq!(o.status.code(), Some(1), "{e}");
    assert_eq!(e.trim_end().lines().count(), 1, "one line: {e}");
    assert!(e.contains(needle), "'{needle}' in: {e}");
    assert!(e.contains("fyr screenings reset-key"), "{e}");
    assert!(e.contains("search"), "{e}");
}

// ------------------------------------------------------------------- keys

#[test]
fn a_deleted_key_file_locks_screenings_only_and_is_never_silently_replaced() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    screened(p);
    let key = p.join("key");
    std::fs::remove_file(&key).unwrap();

    directory_works(p, None);
    assert!(!key.exists(), "no new key written over sealed data");
    let o = fyr(p, &["screen", "adult-risk", "--kommun", "Ljungby"]);
    locked(&o, "key file");
    assert!(err(&o).contains("missing"), "{}", err(&o));
    locked(&fyr(p, &["screenings"]), "missing");
    assert!(!key.exists());
    let s = out(&ok(p, &["--lang", "en", "status"]));
    assert!(s.contains("screenings locked"), "{s}");
    let s: serde_json::Value =
        serde_json::from_slice(&ok(p, &["status", "--json"]).stdout).unwrap();
    assert_eq!(s["screenings_locked"]["reason"], "no_key");
    assert_eq!(s["screenings_locked"]["sealed_sessions"], 1);

    // The way forward: a new key; the old screening set aside as unreadable.
    let o = ok(p, &["screenings", "reset-key"]);
    assert!(
        out(&o).contains("1 sealed screening(s) set aside"),
        "{}",
        out(&o)
    );
    assert!(key.exists());
    let list = out(&ok(p, &["screenings"]));
    assert!(list.contains("unreadable"), "{list}");
    screened(p);
    let list: serde_json::Value =
        serde_json::from_slice(&ok(p, &["screenings", "--json"]).stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1, "the new one is readable");
    // Nothing left to reset.
    assert_eq!(fyr(p, &["screenings", "reset-key"]).status.code(), Some(1));
}

#[test]
fn a_wrong_fyr_key_locks_screenings_only() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    screened(p);
    let wrong = "11".repeat(32);
    directory_works(p, Some(&wrong));
    let o = run(
        p,
        &["screen", "adult-risk", "--kommun", "Ljungby"],
        Some(&wrong),
    );
    locked(&o, "FYR_KEY");
    assert!(err(&o).contains("wrong key"), "{}", err(&o));
    // A malformed one too.
    directory_works(p, Some("not-a-key"));
    let o = run(p, &["screenings"], Some("not-a-key"));
    locked(&o, "FYR_KEY is not a key");
    // The right key still opens everything.
    let list: serde_json::Value =
        serde_json::from_slice(&ok(p, &["screenings", "--json"]).stdout).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
}

#[test]
fn a_fresh_device_without_a_key_file_gets_one() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    ok(p, &["search", "kvinnofrid"]);
    assert!(p.join("key").exists());
    screened(p);
}

// ----------------------------------------------------------------- damage

fn overwrite_pages(path: &Path, first: usize, last: usize) {
    let mut b = std::fs::read(path).unwrap();
    assert!(
        b.len() >= last * PAGE,
        "{} has {} bytes",
        path.display(),
        b.len()
    );
    for (i, x) in b[(first - 1) * PAGE..last * PAGE].iter_mut().enumerate() {
        *x = (i * 7 + 13) as u8;
    }
    std::fs::write(path, b).unwrap();
}

fn kept_aside(dir: &Path, stem: &str) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .filter(|e| {
            let n = e
                .as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .into_owned();
            n.starts_with(stem) && n.contains(".db.corrupt-") && !n.contains("-db-")
        })
        .count()
}

#[test]
fn damaged_directory_pages_are_repaired_at_the_first_query() {
    for args in [
        &["search", "kvinnofrid", "--json"][..],
        &["show", "kvinnofridslinjen"][..],
    ] {
        let d = tempfile::tempdir().unwrap();
        let p = d.path();
        ok(p, &["search", "kvinnojour"]);
        overwrite_pages(&p.join("directory.db"), 20, 49);
        let o = ok(p, args);
        assert!(out(&o).contains("Kvinnofridslinjen") || out(&o).contains("kvinnofridslinjen"));
        assert!(
            err(&o).contains("rebuilt from the bundled content"),
            "{}",
            err(&o)
        );
        assert_eq!(kept_aside(p, "directory"), 1);
        // Repaired for good: the next run is quiet.
        let o = ok(p, args);
        assert!(err(&o).is_empty(), "{}", err(&o));
        directory_works(p, None);
    }
}

fn device_damage_is_kept_aside(damage: impl Fn(&Path)) {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    ok(p, &["settings", "--kommun", "Ljungby"]);
    ok(
        p,
        &[
            "report-error",
            "kvinnofridslinjen",
            "--reason",
            "closed",
            "--message",
            "fel öppettider",
        ],
    );
    damage(&p.join("device.db"));
    let o = ok(p, &["search", "kvinnofrid"]);
    assert!(err(&o).contains("device store was damaged"), "{}", err(&o));
    assert_eq!(kept_aside(p, "device"), 1);
    directory_works(p, None);
    // A fresh store works: settings, outbox, screenings.
    ok(p, &["settings", "--kommun", "Ljungby"]);
    screened(p);
    let o = ok(p, &["outbox"]);
    assert!(err(&o).is_empty(), "{}", err(&o));
}

#[test]
fn an_empty_device_db_is_kept_aside() {
    device_damage_is_kept_aside(|f| std::fs::write(f, b"").unwrap());
}

#[test]
fn a_foreign_sqlite_file_as_device_db_is_kept_aside() {
    device_damage_is_kept_aside(|f| {
        std::fs::remove_file(f).unwrap();
        let c = rusqlite::Connection::open(f).unwrap();
        c.execute_batch(
            "CREATE TABLE contacts(name TEXT, phone TEXT); INSERT INTO contacts VALUES ('x', 'y');
             CREATE TABLE settings(k TEXT);",
        )
        .unwrap();
    });
}

#[test]
fn garbage_pages_in_device_db_are_kept_aside() {
    device_damage_is_kept_aside(|f| {
        let len = std::fs::metadata(f).unwrap().len() as usize;
        assert!(len >= 4 * PAGE, "{len}");
        overwrite_pages(f, 2, len / PAGE);
    });
}

// ------------------------------------------------------------ permissions

#[cfg(unix)]
#[test]
fn store_files_are_owner_only_and_tightened_on_open() {
    use std::os::unix::fs::PermissionsExt;
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("fyr");
    ok(&p, &["search", "kvinnofrid"]);
    let mode = |f: &Path| std::fs::metadata(f).unwrap().permissions().mode() & 0o777;
    let check = || {
        assert_eq!(mode(&p), 0o700, "data directory");
        for e in std::fs::read_dir(&p).unwrap() {
            let f = e.unwrap().path();
            assert_eq!(mode(&f), 0o600, "{}", f.display());
        }
    };
    check();
    let set =
        |f: &Path, m: u32| std::fs::set_permissions(f, std::fs::Permissions::from_mode(m)).unwrap();
    set(&p, 0o755);
    set(&p.join("directory.db"), 0o644);
    set(&p.join("device.db"), 0o644);
    ok(&p, &["search", "kvinnofrid"]);
    check();
}
