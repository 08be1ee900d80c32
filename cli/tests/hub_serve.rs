//! `fyr hub serve` as a real process on 127.0.0.1, under hostile clients:
//! its own resident memory is read from /proc while 1,000 token-less
//! 256 KiB uploads arrive, idle connections are closed after the
//! configured timeout, and a bad limit value is a usage error.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::Command;
use std::time::{Duration, Instant};

mod support;

/// The hub on an SQLite file with a tokens file and `extra` flags.
fn serve(dir: &std::path::Path, extra: &[&str]) -> support::Served {
    std::fs::write(dir.join("tokens"), "device-token-0001 phone\n").unwrap();
    let mut args: Vec<std::ffi::OsString> = vec!["--feed".into(), support::feed_dir(dir).into()];
    args.extend(support::db_args(&fyr_hub::db::Target::Sqlite(
        dir.join("hub.db"),
    )));
    args.extend(["--tokens".into(), dir.join("tokens").into()]);
    args.extend(extra.iter().map(Into::into));
    support::serve(&dir.join("data"), &args)
}

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .unwrap()
}

fn status_of(s: &mut TcpStream) -> u16 {
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut buf = [0u8; 512];
    let n = s.read(&mut buf).unwrap_or(0);
    String::from_utf8_lossy(&buf[..n])
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

#[test]
fn the_hub_process_keeps_its_memory_under_token_less_uploads() {
    let d = tempfile::tempdir().unwrap();
    let hub = serve(d.path(), &[]);
    let before = rss_kib(hub.child.id());
    let body = vec![b'x'; 256 << 10];
    let t = Instant::now();
    let mut peak = before;
    let codes: Vec<u16> = std::thread::scope(|sc| {
        let handles: Vec<_> = (0..20)
            .map(|_| {
                sc.spawn(|| {
                    let mut codes = Vec::new();
                    for _ in 0..50 {
                        let mut s = TcpStream::connect(hub.addr).unwrap();
                        let head = format!(
                            "POST /v1/events HTTP/1.1\r\nhost: hub\r\ncontent-length: {}\r\n\r\n",
                            body.len()
                        );
                        s.write_all(head.as_bytes()).unwrap();
                        s.set_write_timeout(Some(Duration::from_secs(2))).unwrap();
                        let _ = s.write_all(&body);
                        codes.push(status_of(&mut s));
                    }
                    codes
                })
            })
            .collect();
        while !handles.iter().all(|h| h.is_finished()) {
            peak = peak.max(rss_kib(hub.child.id()));
            std::thread::sleep(Duration::from_millis(20));
        }
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    let after = rss_kib(hub.child.id());
    eprintln!(
        "fyr hub serve: 1000 token-less 256 KiB uploads in {:.1} s; RSS {before} KiB before, peak {peak} KiB, {after} KiB after",
        t.elapsed().as_secs_f64()
    );
    assert_eq!(codes.len(), 1000);
    // A refused upload is 401, or a reset if the hub closed while the client
    // was still sending (the hub does not read the body).
    assert!(codes.iter().all(|&c| c == 401 || c == 0), "{codes:?}");
    assert!(
        codes.iter().filter(|&&c| c == 401).count() >= 500,
        "{codes:?}"
    );
    assert!(
        peak.saturating_sub(before) < 32 << 10,
        "RSS {before} → peak {peak} KiB"
    );
    // Still answering.
    let mut s = TcpStream::connect(hub.addr).unwrap();
    s.write_all(b"GET /feed/manifest.json HTTP/1.1\r\nhost: hub\r\nconnection: close\r\n\r\n")
        .unwrap();
    assert_eq!(
        status_of(&mut s),
        404,
        "no feed published: an answer, quickly"
    );
}

#[test]
fn idle_connections_are_closed_after_the_configured_timeout() {
    let d = tempfile::tempdir().unwrap();
    let hub = serve(d.path(), &["--header-timeout", "1", "--idle-timeout", "1"]);
    let t = Instant::now();
    let mut idle: Vec<TcpStream> = (0..50)
        .map(|_| TcpStream::connect(hub.addr).unwrap())
        .collect();
    for s in idle.iter_mut() {
        s.set_read_timeout(Some(Duration::from_secs(4))).unwrap();
        let mut b = [0u8; 16];
        assert!(matches!(s.read(&mut b), Ok(0) | Err(_)));
    }
    assert!(t.elapsed() < Duration::from_secs(4), "{:?}", t.elapsed());
}

#[test]
fn a_bad_limit_is_a_usage_error() {
    let d = tempfile::tempdir().unwrap();
    for args in [
        ["--max-connections", "0"],
        ["--idle-timeout", "soon"],
        ["--max-body-kib", "0"],
    ] {
        let o = Command::new(env!("CARGO_BIN_EXE_fyr"))
            .arg("--data-dir")
            .arg(d.path())
            .args([
                "hub",
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--feed",
                "f",
                "--db",
                "h.db",
            ])
            .args(args)
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&o.stderr).contains(args[0]),
            "{args:?}"
        );
    }
}
