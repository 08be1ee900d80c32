//! Two `fyr hub serve` processes on 127.0.0.1 sharing one database — a
//! PostgreSQL database when FYR_TEST_PG names a server (`scripts/test.sh`
//! starts one), else one SQLite file: a device enrolled at one hub uploads
//! to both, the same batch sent to both at once is stored once (and `fyr
//! hub report` on the database counts it once), wrong enrollment codes sent
//! to either count against one shared limit, and a console session and
//! failed console logins are shared by both.

use fyr_hub::db::{testing, Db, Sql, Target};
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

mod support;
use support::{db_args, post, request, Served};

/// Hub `n` of several on one database, in `dir`; `console`: with the
/// coordinators' console.
fn serve(dir: &Path, n: usize, target: &Target, console: bool) -> Served {
    let mut args: Vec<std::ffi::OsString> = vec!["--feed".into(), support::feed_dir(dir).into()];
    if !console {
        args.push("--no-console".into());
    }
    args.extend(db_args(target));
    support::serve(&dir.join(format!("data{n}")), &args)
}

/// `fyr hub ARGS… --db …` on `target`, with `stdin`; exit code and stdout.
fn fyr_hub_cmd(dir: &Path, target: &Target, args: &[&str], stdin: &str) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fyr"))
        .arg("--data-dir")
        .arg(dir.join("data-cli"))
        .arg("hub")
        .args(args)
        .args(db_args(target))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(stdin.as_bytes())
        .unwrap();
    let o = child.wait_with_output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
    )
}

fn stat(i: usize) -> serde_json::Value {
    serde_json::json!({"event_id": format!("ev-{i:04}"), "kind": "screening_stat",
        "payload": {"month": "2026-12", "municipality": "2361", "agency_kind": "healthcare",
        "checklist": "adult-risk", "checklist_version": 1, "level": "high", "override_used": false}})
}

#[test]
fn two_hubs_on_one_database_store_each_event_once_and_share_the_enrollment_limit() {
    let dir = tempfile::tempdir().unwrap();
    let target = testing::target(dir.path());
    // Made first, so both processes find the tables and the secret.
    let db = Db::open(&target).unwrap();
    let a = serve(dir.path(), 1, &target, false);
    let b = serve(dir.path(), 2, &target, false);

    // A nurse's phone enrolls at hub A with a code the coordinator made.
    let issued = fyr_hub::enroll::create_code(
        &db,
        "Jämtland",
        "healthcare",
        72,
        "http://127.0.0.1/",
        chrono::Utc::now(),
    )
    .unwrap();
    let (st, body) = post(
        a.addr,
        "/v1/enroll",
        None,
        &serde_json::json!({"code": issued.display}).to_string(),
    );
    assert_eq!(st, 200, "{body}");
    let token = serde_json::from_str::<serde_json::Value>(&body).unwrap()["token"]
        .as_str()
        .unwrap()
        .to_string();

    // Her phone retries a batch of 40 after a timeout; a load balancer sends
    // the first try to A and the retry to B at the same moment.
    let batch = serde_json::json!({"events": (0..40).map(stat).collect::<Vec<_>>()}).to_string();
    let answers: Vec<(u16, String)> = std::thread::scope(|sc| {
        let hs: Vec<_> = [a.addr, b.addr]
            .into_iter()
            .map(|addr| {
                let (token, batch) = (&token, &batch);
                sc.spawn(move || post(addr, "/v1/events", Some(token), batch))
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let (mut accepted, mut duplicate) = (0, 0);
    for (st, body) in &answers {
        assert_eq!(*st, 200, "{body}");
        let v: serde_json::Value = serde_json::from_str(body).unwrap();
        accepted += v["accepted"].as_array().unwrap().len();
        duplicate += v["duplicate"].as_array().unwrap().len();
    }
    assert_eq!((accepted, duplicate), (40, 40), "{answers:?}");
    let stored = db
        .row("SELECT COUNT(*) FROM events", &[])
        .unwrap()
        .unwrap()
        .int(0)
        .unwrap();
    assert_eq!(stored, 40);
    // The yearly follow-up from the terminal, on the same database (either
    // backend): the 40 counted once, in one cell.
    let (code, out) = fyr_hub_cmd(dir.path(), &target, &["report", "--csv"], "");
    assert_eq!(code, 0, "{out}");
    let cell = out
        .lines()
        .find(|l| l.contains("2361") && l.contains("high"))
        .unwrap_or_else(|| panic!("no cell in {out}"));
    assert!(cell.ends_with(",40"), "{out}");

    // Someone guesses codes, alternating between the two hubs: the ten
    // failures allowed are counted once, in the database, not per hub.
    for i in 0..10 {
        let hub = if i % 2 == 0 { &a } else { &b };
        let (st, _) = post(
            hub.addr,
            "/v1/enroll",
            None,
            r#"{"code": "ABCDE-FGHJK-MNPQ"}"#,
        );
        assert_eq!(st, 403, "guess {i}");
    }
    for hub in [&a, &b] {
        assert_eq!(
            post(
                hub.addr,
                "/v1/enroll",
                None,
                r#"{"code": "ABCDE-FGHJK-MNPQ"}"#
            )
            .0,
            429
        );
    }
}

/// A coordinator's console on two hubs behind a load balancer, on one
/// database: she logs in at one and the other knows her session; she logs
/// out at that one and the first forgets it; a guesser alternating between
/// the two is counted once, in the database.
#[test]
fn two_hubs_share_console_sessions_and_the_login_throttle() {
    let dir = tempfile::tempdir().unwrap();
    let target = testing::target(dir.path());
    let (code, out) = fyr_hub_cmd(
        dir.path(),
        &target,
        &[
            "user",
            "add",
            "jamt",
            "--role",
            "coordinator",
            "--county",
            "23",
        ],
        "Kåsan på Frösön 3\n",
    );
    assert_eq!(code, 0, "{out}");
    let (code, out) = fyr_hub_cmd(dir.path(), &target, &["user", "list"], "");
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("jamt\tcoordinator\t23\tactive"), "{out}");
    // The working directory from the terminal, on the same database: the
    // repository's content imported, exported, and a file of it checked
    // against it (dry run: nothing to change).
    let content = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
    let out = dir.path().join("out");
    for args in [
        vec!["content", "import", "--dir", content.to_str().unwrap()],
        vec!["content", "export", "--dir", out.to_str().unwrap()],
    ] {
        let (code, said) = fyr_hub_cmd(dir.path(), &target, &args, "");
        assert_eq!(code, 0, "{args:?}: {said}");
    }
    let services = out.join("directory/services.csv");
    let (code, said) = fyr_hub_cmd(
        dir.path(),
        &target,
        &["import", services.to_str().unwrap(), "--dry-run"],
        "",
    );
    assert_eq!(code, 0, "{said}");
    let a = serve(dir.path(), 1, &target, true);
    let b = serve(dir.path(), 2, &target, true);

    // The login form's own CSRF pair (a cookie and a field; any hub's
    // works at any hub, it holds no state).
    let form = |hub: &Served| {
        let r = request(hub.addr, "GET", "/console/login", &[], "");
        assert_eq!(r.status, 200);
        let cookie = r.cookie("fyr_login").expect("a login cookie");
        let i = r
            .body
            .find("name=\"login_csrf\" value=\"")
            .expect("a csrf field")
            + 25;
        (cookie, r.body[i..i + 32].to_string())
    };
    let login = |hub: &Served, form: &(String, String), pw: &str| {
        let body = format!(
            "name=jamt&password={}&login_csrf={}",
            pw.replace(' ', "+")
                .replace('å', "%C3%A5")
                .replace('ö', "%C3%B6"),
            form.1
        );
        request(
            hub.addr,
            "POST",
            "/console/login",
            &[
                format!("cookie: {}", form.0),
                "content-type: application/x-www-form-urlencoded".into(),
            ],
            &body,
        )
    };
    let page = |hub: &Served, session: &str| {
        request(
            hub.addr,
            "GET",
            "/console/followup",
            &[format!("cookie: {session}")],
            "",
        )
    };

    let r = login(&a, &form(&a), "Kåsan på Frösön 3");
    assert_eq!(r.status, 303, "{}", r.body);
    let session = r.cookie("fyr_console").expect("a session cookie");
    // Made at A, valid at B.
    let at_b = page(&b, &session);
    assert_eq!(at_b.status, 200, "{}", at_b.body);
    assert!(at_b.body.contains("jamt"));
    // Logged out at B: A no longer knows it (back to the login).
    let csrf = {
        let i = at_b
            .body
            .find("name=\"csrf\" value=\"")
            .expect("a csrf field")
            + 19;
        at_b.body[i..i + 64].to_string()
    };
    let out = request(
        b.addr,
        "POST",
        "/console/logout",
        &[
            format!("cookie: {session}"),
            format!("origin: http://{}", b.addr),
            "content-type: application/x-www-form-urlencoded".into(),
        ],
        &format!("csrf={csrf}"),
    );
    assert_eq!(out.status, 303);
    let at_a = page(&a, &session);
    assert_eq!(at_a.status, 303, "{}", at_a.body);
    assert_eq!(at_a.header("location"), Some("/console/login"));

    // Someone guesses her password, alternating between the hubs (two
    // guesses each): the four failures are counted together, so the fifth
    // waits — at either hub — with no password checked.
    let forms: Vec<_> = (0..6).map(|_| form(&a)).collect();
    for (i, f) in forms[..4].iter().enumerate() {
        let hub = if i % 2 == 0 { &a } else { &b };
        assert_eq!(login(hub, f, "sommar2024!").status, 401, "guess {i}");
    }
    let waits = login(&a, &forms[4], "Kåsan på Frösön 3");
    assert_eq!(waits.status, 429, "{}", waits.body);
    let secs: u64 = waits.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=30).contains(&secs), "{secs}");
    // After the wait she gets in, at the other hub.
    std::thread::sleep(std::time::Duration::from_millis(secs * 1000 + 200));
    assert_eq!(login(&b, &forms[5], "Kåsan på Frösön 3").status, 303);
}

#[test]
fn a_postgres_database_without_the_secret_file_is_a_usage_error() {
    let d = tempfile::tempdir().unwrap();
    let url = "postgres://fyr@127.0.0.1:9/fyr";
    for (args, says) in [
        (
            vec![
                "hub",
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--feed",
                "f",
                "--db",
                url,
            ],
            "--secret",
        ),
        (vec!["hub", "enroll-codes", "list", "--db", url], "--secret"),
        (vec!["hub", "devices", "list", "--db", url], "--secret"),
        (vec!["hub", "report", "--db", url], "--secret"),
        (vec!["hub", "user", "list", "--db", url], "--secret"),
        (
            vec!["hub", "content", "export", "--dir", "out", "--db", url],
            "--secret",
        ),
        (
            vec!["hub", "user", "list", "--db", url, "--secret", "hub.key"],
            "NAME.secret",
        ),
        (
            vec![
                "hub",
                "enroll-codes",
                "list",
                "--db",
                "hub.db",
                "--secret",
                "hub.db.secret",
            ],
            "--secret is only for",
        ),
    ] {
        let o = Command::new(env!("CARGO_BIN_EXE_fyr"))
            .arg("--data-dir")
            .arg(d.path())
            .args(&args)
            .current_dir(d.path())
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains(says),
            "{args:?}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
    }
}
