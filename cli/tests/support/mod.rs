//! Shared by the tests that run `fyr hub serve` as a real process on
//! 127.0.0.1: starting one (on an SQLite file or a PostgreSQL database,
//! `fyr_hub::db::testing`), and plain HTTP/1.1 requests to it.
#![allow(dead_code)]

use fyr_hub::db::Target;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A running `fyr hub serve`; killed when dropped.
pub struct Served {
    pub child: Child,
    pub addr: SocketAddr,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `--db …` (and `--secret …` for PostgreSQL) naming `target`, as an
/// operator types them.
pub fn db_args(target: &Target) -> Vec<std::ffi::OsString> {
    match target {
        Target::Sqlite(p) => vec!["--db".into(), p.into()],
        Target::Postgres { url, secret_beside } => {
            let mut secret = secret_beside.as_os_str().to_owned();
            secret.push(".secret");
            vec!["--db".into(), url.into(), "--secret".into(), secret]
        }
    }
}

/// `fyr --data-dir DATA hub serve --listen 127.0.0.1:0 ARGS…`, waiting
/// for the line with the address it bound.
pub fn serve(data: &Path, args: &[std::ffi::OsString]) -> Served {
    let mut child = Command::new(env!("CARGO_BIN_EXE_fyr"))
        .arg("--data-dir")
        .arg(data)
        .args(["hub", "serve", "--listen", "127.0.0.1:0"])
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr = line
        .trim()
        .rsplit("http://")
        .next()
        .unwrap()
        .trim_end_matches('/')
        .parse()
        .unwrap_or_else(|_| panic!("no address in {line:?}"));
    Served { child, addr }
}

/// A feed folder (empty: the hub serves what is published there).
pub fn feed_dir(dir: &Path) -> PathBuf {
    let feed = dir.join("feed");
    std::fs::create_dir_all(&feed).unwrap();
    feed
}

/// An HTTP answer.
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    /// `name=value` of a Set-Cookie of that name.
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case("set-cookie"))
            .filter_map(|(_, v)| v.split(';').next())
            .find(|c| c.starts_with(&format!("{name}=")))
            .map(str::to_string)
    }
}

/// One request (`connection: close`); `headers` as `name: value` lines.
pub fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[String],
    body: &str,
) -> Answer {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let extra: String = headers.iter().map(|h| format!("{h}\r\n")).collect();
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\n{extra}content-length: {}\r\n\r\n{body}",
        body.len()
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let (head, body) = out.split_once("\r\n\r\n").unwrap_or((&out, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    Answer {
        status,
        headers,
        body: body.to_string(),
    }
}

/// One JSON POST with an optional bearer token; the status and the body.
pub fn post(addr: SocketAddr, path: &str, token: Option<&str>, body: &str) -> (u16, String) {
    let mut h = vec!["content-type: application/json".to_string()];
    if let Some(t) = token {
        h.push(format!("authorization: Bearer {t}"));
    }
    let a = request(addr, "POST", path, &h, body);
    (a.status, a.body)
}
