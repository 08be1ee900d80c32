//! The console's import and export over real HTTP on 127.0.0.1: the report
//! is shown before anything changes, confirming writes the entries that
//! passed, coordinators bring in only their county's services, the upload
//! needs the CSRF token, and every export downloads.

use fyr_hub::console::{self, ConsoleConfig, Role};
use fyr_hub::db::{Db, Sql};
use fyr_hub::{spawn, HubHandle, ServeConfig};
use reqwest::redirect::Policy;
use reqwest::StatusCode;
use std::net::SocketAddr;

struct Hub {
    url: String,
    dir: tempfile::TempDir,
    _handle: HubHandle,
}

async fn hub() -> Hub {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("hub.db");
    let target = fyr_hub::db::testing::target(dir.path());
    console::user_add(&target, "admin", &Role::Admin, "admin-password-1").unwrap();
    console::user_add(
        &target,
        "kron",
        &Role::Coordinator("07".into()),
        "kronoberg-pass-1",
    )
    .unwrap();
    let mut cfg = ServeConfig::new(
        dir.path().join("feed"),
        &db,
        "127.0.0.1:0".parse::<SocketAddr>().unwrap(),
    );
    cfg.console = Some(console_config());
    fyr_hub::db::testing::apply(&mut cfg);
    let (addr, handle) = spawn(cfg).await.unwrap();
    Hub {
        url: format!("http://{addr}"),
        dir,
        _handle: handle,
    }
}

/// The console as both hubs run it, with the address phones reach them by
/// (the hubs themselves are on 127.0.0.1, each at its own port).
fn console_config() -> ConsoleConfig {
    ConsoleConfig {
        hub_url: Some("http://127.0.0.1/".into()),
        ..Default::default()
    }
}

/// A second hub on the same database (another instance behind the same
/// load balancer); its address.
async fn second(h: &Hub) -> (String, HubHandle) {
    let mut cfg = ServeConfig::new(
        h.dir.path().join("feed"),
        h.dir.path().join("hub.db"),
        "127.0.0.1:0".parse::<SocketAddr>().unwrap(),
    );
    cfg.console = Some(console_config());
    fyr_hub::db::testing::apply(&mut cfg);
    let (addr, handle) = spawn(cfg).await.unwrap();
    (format!("http://{addr}"), handle)
}

struct Session {
    http: reqwest::Client,
    base: String,
    cookie: String,
    csrf: String,
}

async fn login(h: &Hub, name: &str, pw: &str) -> Session {
    let http = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap();
    // The login form carries its own CSRF pair (a cookie and a field).
    let form = http
        .get(format!("{}/console/login", h.url))
        .send()
        .await
        .unwrap();
    let pair = form.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let page = form.text().await.unwrap();
    let i = page.find("name=\"login_csrf\" value=\"").unwrap() + 25;
    let token = page[i..i + 32].to_string();
    let r = http
        .post(format!("{}/console/login", h.url))
        .header("cookie", pair)
        .form(&[("name", name), ("password", pw), ("login_csrf", &token)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let cookie = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|v| v.starts_with("fyr_console="))
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    let mut s = Session {
        http,
        base: h.url.clone(),
        cookie,
        csrf: String::new(),
    };
    let page = s.get("/console/exchange").await.1;
    let i = page.find("name=\"csrf\" value=\"").expect("a csrf field") + 19;
    s.csrf = page[i..i + 64].to_string();
    s
}

impl Session {
    async fn get(&self, path: &str) -> (StatusCode, String) {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap())
    }
    async fn get_bytes(&self, path: &str) -> (StatusCode, String, Vec<u8>) {
        let r = self
            .http
            .get(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .send()
            .await
            .unwrap();
        let ct = r
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default();
        (r.status(), ct, r.bytes().await.unwrap().to_vec())
    }
    /// A multipart upload as a browser sends it.
    async fn upload(&self, name: &str, bytes: &[u8], csrf: &str) -> (StatusCode, String) {
        let boundary = "----fyrtestboundary7MA4YWxk";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let r = self
            .http
            .post(format!(
                "{}/console/exchange/preview?csrf={csrf}",
                self.base
            ))
            .header("cookie", &self.cookie)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(body)
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap())
    }
    async fn post(&self, path: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
        let mut f: Vec<(&str, &str)> = vec![("csrf", &self.csrf)];
        f.extend_from_slice(form);
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .form(&f)
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap())
    }
}

fn token(page: &str) -> String {
    let i = page
        .find("name=\"token\" value=\"")
        .expect("a confirm form")
        + 20;
    page[i..i + 32].to_string()
}

fn workbook_with_new_service(area: &str) -> Vec<u8> {
    let mut t = fyr_exchange::Tables::default();
    let cols = fyr_core::content::SERVICE_COLUMNS;
    let mut f = fyr_exchange::Fields::new();
    for c in cols {
        f.insert(c.to_string(), String::new());
    }
    for (k, v) in [
        ("id", "ljungby-samtal"),
        ("organization", "ljungby-socialtjanst"),
        ("name_sv", "Demo: samtalsstöd i Ljungby"),
        (
            "description_sv",
            "Demopost – kontrollera uppgifterna lokalt. Samtal efter våld.",
        ),
        ("area", area),
        ("groups", "women"),
        ("web", "https://www.ljungby.se"),
        ("confidential_address", "no"),
        ("source", "demo"),
        ("demo", "yes"),
    ] {
        f.insert(k.into(), v.into());
    }
    t.services.push(fyr_exchange::Row::new(f));
    fyr_exchange::sheets::write_xlsx(&t).unwrap()
}

/// The hub's database: SQLite, or PostgreSQL with FYR_TEST_PG.
fn db(h: &Hub) -> Db {
    Db::open(&fyr_hub::db::testing::target(h.dir.path())).unwrap()
}

fn has_row(h: &Hub, key: &str) -> bool {
    db(h)
        .row(
            "SELECT COUNT(*) FROM console_rows WHERE key = $1",
            &[key.into()],
        )
        .unwrap()
        .unwrap()
        .int(0)
        .unwrap()
        > 0
}

#[tokio::test]
async fn an_upload_shows_the_report_first_and_confirm_writes_it() {
    let h = hub().await;
    let s = login(&h, "kron", "kronoberg-pass-1").await;
    // Without the token in the URL the upload is refused.
    let (st, _) = s
        .upload("lista.xlsx", &workbook_with_new_service("0781"), "")
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, page) = s
        .upload("lista.xlsx", &workbook_with_new_service("0781"), &s.csrf)
        .await;
    assert_eq!(st, StatusCode::OK, "{page}");
    assert!(page.contains("ljungby-samtal"), "{page}");
    assert!(
        !has_row(&h, "ljungby-samtal"),
        "nothing changes before confirming"
    );
    let (st, page) = s
        .post("/console/exchange/confirm", &[("token", &token(&page))])
        .await;
    assert_eq!(st, StatusCode::OK, "{page}");
    assert!(has_row(&h, "ljungby-samtal"));
    // A token that is not this session's upload (or was used) is refused.
    let (st, _) = s
        .post(
            "/console/exchange/confirm",
            &[("token", "0".repeat(32).as_str())],
        )
        .await;
    assert_eq!(st, StatusCode::GONE);

    // A Kronoberg coordinator cannot bring in a national service.
    let (_, page) = s
        .upload("lista.xlsx", &workbook_with_new_service("SE"), &s.csrf)
        .await;
    assert!(page.contains("not wholly in your county"), "{page}");
    assert!(!page.contains("name=\"token\""), "nothing to confirm");
}

/// Behind a load balancer the confirmation may reach another hub than the
/// upload did: the waiting file is in the shared database, so it imports.
#[tokio::test]
async fn an_upload_at_one_hub_is_confirmed_at_another() {
    let h = hub().await;
    let (b_url, _b) = second(&h).await;
    let at_a = login(&h, "kron", "kronoberg-pass-1").await;
    let (st, page) = at_a
        .upload("lista.xlsx", &workbook_with_new_service("0781"), &at_a.csrf)
        .await;
    assert_eq!(st, StatusCode::OK, "{page}");
    let at_b = Session {
        http: at_a.http.clone(),
        base: b_url,
        cookie: at_a.cookie.clone(),
        csrf: at_a.csrf.clone(),
    };
    let t = token(&page);
    let (st, page) = at_b
        .post("/console/exchange/confirm", &[("token", &t)])
        .await;
    assert_eq!(st, StatusCode::OK, "{page}");
    assert!(has_row(&h, "ljungby-samtal"));
    // Used once: the same confirmation at the first hub finds nothing.
    let (st, _) = at_a
        .post("/console/exchange/confirm", &[("token", &t)])
        .await;
    assert_eq!(st, StatusCode::GONE);
}

#[tokio::test]
async fn a_report_made_stale_by_another_import_is_shown_again_not_applied() {
    let h = hub().await;
    let kron = login(&h, "kron", "kronoberg-pass-1").await;
    let admin = login(&h, "admin", "admin-password-1").await;
    // The coordinator reads the report for a new service and goes for coffee.
    let (st, page) = kron
        .upload("lista.xlsx", &workbook_with_new_service("0781"), &kron.csrf)
        .await;
    assert_eq!(st, StatusCode::OK, "{page}");
    let stale = token(&page);
    // Meanwhile an admin imports the same service, under another name.
    let mut t = fyr_exchange::read_bytes(
        "l.xlsx",
        &workbook_with_new_service("0781"),
        &fyr_exchange::Tables::default(),
    )
    .unwrap()
    .tables;
    t.services[0]
        .fields
        .insert("name_sv".into(), "Demo: samtal för vuxna i Ljungby".into());
    let other = fyr_exchange::sheets::write_xlsx(&t).unwrap();
    let (st, page) = admin.upload("admin.xlsx", &other, &admin.csrf).await;
    assert!(
        st == StatusCode::OK && page.contains("name=\"token\""),
        "{page}"
    );
    let (st, page) = admin
        .post("/console/exchange/confirm", &[("token", &token(&page))])
        .await;
    assert_eq!(st, StatusCode::OK, "{page}");
    // The coordinator's confirmation no longer matches what was shown:
    // nothing is written, the new report is shown to confirm again.
    let (st, page) = kron
        .post("/console/exchange/confirm", &[("token", &stale)])
        .await;
    assert_eq!(st, StatusCode::CONFLICT, "{page}");
    assert!(
        page.contains("har ändrats sedan rapporten visades"),
        "{page}"
    );
    let row = db(&h)
        .row(
            "SELECT fields FROM console_rows WHERE key = 'ljungby-samtal' AND file LIKE 'services%'",
            &[],
        )
        .unwrap()
        .unwrap()
        .text(0)
        .unwrap();
    assert!(
        row.contains("Demo: samtal för vuxna i Ljungby"),
        "the admin's import stands: {row}"
    );
    // Confirming the new report applies it.
    let (st, page) = kron
        .post("/console/exchange/confirm", &[("token", &token(&page))])
        .await;
    assert_eq!(st, StatusCode::OK, "{page}");
}

#[tokio::test]
async fn every_export_downloads() {
    let h = hub().await;
    let s = login(&h, "admin", "admin-password-1").await;
    let (st, ct, b) = s.get_bytes("/console/exchange/export/hsds-json").await;
    assert_eq!(st, StatusCode::OK);
    assert!(ct.starts_with("application/json"));
    let v: serde_json::Value = serde_json::from_slice(&b).unwrap();
    assert_eq!(
        v["organizations"].as_array().unwrap().len(),
        bundled_rows("organizations.csv")
    );
    let (st, ct, b) = s.get_bytes("/console/exchange/export/hsds-csv").await;
    assert_eq!((st, ct.as_str()), (StatusCode::OK, "application/zip"));
    let files = fyr_exchange::sheets::unzip("x.zip", &b).unwrap();
    assert!(files.iter().any(|f| f.0 == "datapackage.json"));
    let (st, _, b) = s.get_bytes("/console/exchange/export/xlsx").await;
    assert_eq!(st, StatusCode::OK);
    let known = fyr_exchange::Tables::default();
    let inc = fyr_exchange::read_bytes("k.xlsx", &b, &known).unwrap();
    assert_eq!(inc.tables.services.len(), bundled_rows("services.csv"));
    let (st, _, _) = s.get_bytes("/console/exchange/export/pdf").await;
    assert_eq!(st, StatusCode::NOT_FOUND);
}

/// Rows in one of the bundled directory's files (after the header): the
/// console starts from the bundled content, and exports carry all of it.
fn bundled_rows(file: &str) -> usize {
    let csv = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../content/directory")
            .join(file),
    )
    .unwrap();
    csv.lines().skip(1).filter(|l| !l.trim().is_empty()).count()
}

/// Behind a load balancer the page after a redirect may come from another
/// hub: a new enrollment code issued at one is shown at the other, with its
/// QR code, once; the database holds it only sealed to the session.
#[tokio::test]
async fn a_code_issued_at_one_hub_is_shown_once_at_another() {
    let h = hub().await;
    let (b_url, _b) = second(&h).await;
    let at_a = login(&h, "kron", "kronoberg-pass-1").await;
    let (st, _) = at_a
        .post(
            "/console/phones",
            &[
                ("action", "create"),
                ("county", "07"),
                ("agency_kind", "healthcare"),
                ("hours", "24"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let sealed = db(&h)
        .rows("SELECT flash FROM console_sessions", &[])
        .unwrap()
        .iter()
        .find_map(|r| r.opt_text(0).unwrap())
        .expect("a flash waits");
    let at_b = Session {
        http: at_a.http.clone(),
        base: b_url,
        cookie: at_a.cookie.clone(),
        csrf: at_a.csrf.clone(),
    };
    let (st, page) = at_b.get("/console/phones").await;
    assert_eq!(st, StatusCode::OK);
    let i = page
        .find("id=\"enroll-code\">")
        .expect("the code, at the other hub")
        + 18;
    let code = &page[i..i + page[i..].find('<').unwrap()];
    assert!(code.len() >= 8, "{code}");
    assert!(
        page.contains("<svg role=\"img\" aria-label=\"QR\""),
        "its QR code"
    );
    let raw = String::from_utf8_lossy(&hex_bytes(&sealed)).to_string();
    assert!(
        !sealed.contains(code) && !raw.contains(code),
        "sealed, not in the clear"
    );
    // Shown once, at either hub.
    for s in [&at_b, &at_a] {
        let (_, page) = s.get("/console/phones").await;
        assert!(!page.contains("id=\"enroll-code\""), "shown once");
    }
}

fn hex_bytes(s: &str) -> Vec<u8> {
    (0..s.len() / 2)
        .filter_map(|i| u8::from_str_radix(&s[2 * i..2 * i + 2], 16).ok())
        .collect()
}
