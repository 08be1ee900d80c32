//! The console over real HTTP on 127.0.0.1: rights by every route, CSRF,
//! sessions of disabled accounts, login rate limit, and a console publish
//! that verifies with the publisher's key and carries the edit.

use fyr_hub::console::{self, ConsoleConfig, Role};
use fyr_hub::{spawn, HubHandle, ServeConfig};
use reqwest::redirect::Policy;
use reqwest::StatusCode;
use std::net::SocketAddr;
use std::path::PathBuf;

struct Hub {
    url: String,
    dir: tempfile::TempDir,
    _handle: HubHandle,
}

impl Hub {
    fn db(&self) -> PathBuf {
        self.dir.path().join("hub.db")
    }
}

async fn hub() -> Hub {
    let dir = tempfile::tempdir().unwrap();
    let (key, _) = fyr_hub::keygen(&dir.path().join("keys")).unwrap();
    let db = dir.path().join("hub.db");
    console::user_add(&db, "admin", &Role::Admin, "admin-password-1").unwrap();
    console::user_add(
        &db,
        "kron",
        &Role::Coordinator("07".into()),
        "kronoberg-pass-1",
    )
    .unwrap();
    console::user_add(
        &db,
        "jamt",
        &Role::Coordinator("23".into()),
        "jamtland-pass-1",
    )
    .unwrap();
    console::user_add(&db, "ana", &Role::Analyst, "analyst-pass-1").unwrap();
    let mut cfg = ServeConfig::new(
        dir.path().join("feed"),
        &db,
        "127.0.0.1:0".parse::<SocketAddr>().unwrap(),
    );
    cfg.open_uploads = true;
    cfg.console = Some(ConsoleConfig {
        key: Some(key),
        secure_cookies: false,
        ..Default::default()
    });
    let (addr, handle) = spawn(cfg).await.unwrap();
    // The bundled distribution settings trust the team's key; this hub signs
    // with its own, so its settings name it (as a region's admin does).
    let public = std::fs::read_to_string(dir.path().join("keys/fyr-feed.pub")).unwrap();
    let dist = format!(
        "feed_url = \"http://{addr}/feed/\"\nmirrors = []\nhub_url = \"http://{addr}/\"\ntrusted_keys = [\"{}\"]\nnext_keys = []\nretired_keys = []\ncheck_interval_hours = 6\n",
        public.trim()
    );
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute(
            "UPDATE console_files SET text = ?1 WHERE path = 'distribution.toml'",
            [dist],
        )
        .unwrap();
    Hub {
        url: format!("http://{addr}"),
        dir,
        _handle: handle,
    }
}

/// A logged-in browser-like client: its session cookie and CSRF token.
struct Session {
    http: reqwest::Client,
    base: String,
    cookie: String,
    csrf: String,
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .unwrap()
}

async fn login(h: &Hub, name: &str, pw: &str) -> Session {
    let http = client();
    let r = http
        .post(format!("{}/console/login", h.url))
        .form(&[("name", name), ("password", pw)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "login of {name}");
    let set = r.headers()["set-cookie"].to_str().unwrap().to_string();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict"),
        "{set}"
    );
    let cookie = set.split(';').next().unwrap().to_string();
    let mut s = Session {
        http,
        base: h.url.clone(),
        cookie,
        csrf: String::new(),
    };
    let page = s.get("/console/followup").await.1;
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
    async fn post(&self, path: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
        let mut f: Vec<(&str, &str)> = form.to_vec();
        f.push(("csrf", &self.csrf));
        self.post_raw(path, &f).await
    }
    async fn post_raw(&self, path: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
        let r = self
            .http
            .post(format!("{}{path}", self.base))
            .header("cookie", &self.cookie)
            .form(form)
            .send()
            .await
            .unwrap();
        (r.status(), r.text().await.unwrap())
    }
}

fn service_field(db: &std::path::Path, id: &str, field: &str) -> String {
    let c = rusqlite::Connection::open(db).unwrap();
    c.query_row(
        "SELECT COALESCE(json_extract(fields, '$.' || ?2), '') || COALESCE('|retired:' || retired, '') FROM console_rows WHERE file = 'services' AND key = ?1",
        [id, field],
        |r| r.get(0),
    )
    .unwrap()
}

async fn upload_correction(h: &Hub, event: &str, service: &str) {
    let body = serde_json::json!({"events": [{"event_id": event, "kind": "correction_report",
        "payload": {"service_id": service, "message": "Numret går till fel mottagning", "content_version": 1}}]});
    let r = client()
        .post(format!("{}/v1/events", h.url))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_kronoberg_coordinator_cannot_change_a_jamtland_entry_by_any_route() {
    let h = hub().await;
    let k = login(&h, "kron", "kronoberg-pass-1").await;
    let jam = "lansstyrelsen-jamtland-samordning";
    let before = service_field(&h.db(), jam, "hours");
    let verified = service_field(&h.db(), jam, "verified_on");
    let routes: Vec<(String, Vec<(&str, &str)>)> = vec![
        (format!("/console/services/{jam}"), vec![("hours", "24/7")]),
        // moving it into Kronoberg is a change of a Jämtland entry too
        (
            format!("/console/services/{jam}"),
            vec![("area", "county:07")],
        ),
        (
            format!("/console/services/{jam}/verify"),
            vec![("how", "phone")],
        ),
        (
            format!("/console/services/{jam}/retire"),
            vec![("reason", "closed")],
        ),
        (
            "/console/followup/indicators".into(),
            vec![
                ("county", "23"),
                ("quarter", "2026-Q1"),
                ("kind", "activities"),
                ("value", "9"),
            ],
        ),
        // a new entry in Jämtland
        (
            "/console/services/new".into(),
            vec![
                ("id", "ny-jamtland"),
                ("area", "2361"),
                ("organization", "lansstyrelsen-jamtland"),
            ],
        ),
        // a national entry (every county's)
        (
            "/console/services/kvinnofridslinjen".into(),
            vec![("hours", "mon 08:00-09:00")],
        ),
    ];
    for (path, form) in &routes {
        let (st, _) = k.post(path, form).await;
        assert_eq!(st, StatusCode::FORBIDDEN, "{path} {form:?}");
    }
    // Phones: no code for Jämtland, no revoking a Jämtland phone.
    let device = {
        let mut conn = fyr_hub::enroll::open(&h.db()).unwrap();
        let now = chrono::Utc::now();
        let code =
            fyr_hub::enroll::create_code(&conn, "23", "healthcare", 24, &h.url, now).unwrap();
        fyr_hub::enroll::redeem(&mut conn, &code.code, now)
            .unwrap()
            .device_id
    };
    let (st, _) = k
        .post(
            "/console/phones",
            &[
                ("action", "create"),
                ("county", "23"),
                ("agency_kind", "police"),
                ("hours", "24"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (st, _) = k
        .post(
            "/console/phones",
            &[("action", "revoke"), ("device", &device)],
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let (_, page) = k.get("/console/phones").await;
    assert!(
        !page.contains(&device),
        "a Jämtland phone is not even listed"
    );
    assert!(
        !fyr_hub::enroll::list_devices(&fyr_hub::enroll::open(&h.db()).unwrap()).unwrap()[0]
            .revoked
    );
    upload_correction(&h, "c-jam-1", jam).await;
    let (st, _) = k
        .post(
            "/console/corrections/c-jam-1",
            &[("action", "dismiss"), ("note", "nope")],
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    assert_eq!(service_field(&h.db(), jam, "hours"), before);
    assert_eq!(service_field(&h.db(), jam, "verified_on"), verified);
    assert!(!service_field(&h.db(), "kvinnofridslinjen", "hours").contains("mon 08"));
    let (_, page) = k.get("/console/corrections?state=open").await;
    assert!(page.contains("c-jam-1"), "the report stays open");

    // The Jämtland coordinator may; and the Kronoberg one may change Kronoberg's.
    let j = login(&h, "jamt", "jamtland-pass-1").await;
    let (st, _) = j
        .post(
            &format!("/console/services/{jam}/verify"),
            &[("how", "website")],
        )
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let (st, _) = k
        .post(
            "/console/services/lansstyrelsen-kronoberg-samordning/verify",
            &[("how", "phone")],
        )
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let (st, _) = j
        .post(
            "/console/corrections/c-jam-1",
            &[("action", "resolve"), ("note", "nytt nummer")],
        )
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    // The audit log shows who did what, to admins only.
    let (st, _) = k.get("/console/audit.csv").await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let a = login(&h, "admin", "admin-password-1").await;
    let (st, csv) = a.get("/console/audit.csv").await;
    assert_eq!(st, StatusCode::OK);
    assert!(csv.contains(&format!("jamt,service.verify,{jam}")), "{csv}");
    assert!(csv.contains("jamt,correction.resolve,c-jam-1"), "{csv}");
    assert!(!csv.contains("kron,service.edit"), "{csv}");
}

#[tokio::test]
async fn csrf_sessions_roles_and_login_limits() {
    let h = hub().await;
    // No session: pages send to the login, changes are refused.
    let anon = client();
    let r = anon
        .get(format!("{}/console/services", h.url))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    let r = anon
        .post(format!(
            "{}/console/services/lansstyrelsen-kronoberg-samordning/verify",
            h.url
        ))
        .form(&[("how", "phone")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let k = login(&h, "kron", "kronoberg-pass-1").await;
    // Missing and wrong CSRF token.
    let (st, body) = k
        .post_raw(
            "/console/services/lansstyrelsen-kronoberg-samordning/verify",
            &[("how", "phone")],
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN, "{body}");
    assert!(body.contains("CSRF"));
    let wrong = "0".repeat(64);
    let (st, _) = k
        .post_raw(
            "/console/services/lansstyrelsen-kronoberg-samordning/verify",
            &[("how", "phone"), ("csrf", &wrong)],
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    assert_eq!(
        service_field(&h.db(), "lansstyrelsen-kronoberg-samordning", "verified_on"),
        "2026-11-22"
    );
    // Only admins change where devices sync and whom they trust.
    let (st, _) = k
        .post(
            "/console/publish/distribution",
            &[("text", "hub_url = \"https://evil.example/\"")],
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    let adm = login(&h, "admin", "admin-password-1").await;
    let (st, page) = adm
        .post("/console/publish/distribution", &[("text", "hub_url = 3")])
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("dist-errors"), "the core's message is shown");
    // An analyst sees the follow-up only.
    let an = login(&h, "ana", "analyst-pass-1").await;
    assert_eq!(an.get("/console/services").await.0, StatusCode::FORBIDDEN);
    assert_eq!(an.get("/console/publish").await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        an.post("/console/publish", &[]).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(an.get("/console/followup").await.0, StatusCode::OK);
    // A disabled account's open session ends at once and it cannot log in again.
    console::user_disable(&h.db(), "kron").unwrap();
    assert_eq!(k.get("/console/services").await.0, StatusCode::SEE_OTHER);
    let r = client()
        .post(format!("{}/console/login", h.url))
        .form(&[("name", "kron"), ("password", "kronoberg-pass-1")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // Five failures, then even the right password is refused for a while.
    for _ in 0..5 {
        let r = client()
            .post(format!("{}/console/login", h.url))
            .form(&[("name", "jamt"), ("password", "guess-guess-1")])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let r = client()
        .post(format!("{}/console/login", h.url))
        .form(&[("name", "jamt"), ("password", "jamtland-pass-1")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn an_edit_is_validated_then_published_as_a_feed_devices_accept() {
    let h = hub().await;
    let k = login(&h, "kron", "kronoberg-pass-1").await;
    let id = "ljungby-socialtjanst";
    let (st, page) = k
        .post(
            &format!("/console/services/{id}"),
            &[("hours", "mon-fri 08:00-25:00")],
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("aria-invalid=\"true\" aria-describedby=\"e-hours"),
        "the error is beside the field"
    );
    assert!(page.contains("25:00"));
    let (st, page) = k
        .post(
            &format!("/console/services/{id}"),
            &[("hours", "mon-thu 08:00-16:30; closed-holidays")],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{page}");
    let (_, preview) = k.get("/console/publish").await;
    assert!(
        preview.contains(id) && preview.contains("mon-thu 08:00-16:30"),
        "the preview names the change"
    );
    let (st, done) = k.post("/console/publish", &[]).await;
    assert_eq!(st, StatusCode::OK, "{done}");
    let feed = h.dir.path().join("feed");
    let key = fyr_core::feed::load_verifying_key(&h.dir.path().join("keys/fyr-feed.pub")).unwrap();
    let bytes = std::fs::read(feed.join("manifest.json")).unwrap();
    let m = fyr_core::feed::verify_manifest(&bytes, &[key]).unwrap();
    let (bm, _) = fyr_core::bundle::signed_bundle().unwrap();
    assert_eq!(
        (m.feed_id.clone(), m.version),
        (bm.feed_id, bm.version + 1),
        "continues the bundled feed"
    );
    let snap = fyr_hub::load_snapshot(&feed, m.version).unwrap();
    let rec = snap
        .records
        .iter()
        .find(|r| r.id == id && r.kind == fyr_core::feed::RecordKind::Service)
        .unwrap();
    assert!(rec.body.contains("mon-thu 08:00-16:30"));
    // The key never reaches the database.
    let key_text = std::fs::read_to_string(h.dir.path().join("keys/fyr-feed.key")).unwrap();
    let seed = key_text.lines().last().unwrap().trim();
    let db_bytes = std::fs::read(h.db()).unwrap();
    assert!(!String::from_utf8_lossy(&db_bytes).contains(seed));
}

#[tokio::test]
async fn every_page_renders_in_both_languages() {
    let h = hub().await;
    let mut a = login(&h, "admin", "admin-password-1").await;
    upload_correction(&h, "c-1", "kvinnofridslinjen").await;
    for lang in ["sv", "en"] {
        a.cookie = format!("{}; fyr_lang={lang}", a.cookie.split(';').next().unwrap());
        for p in [
            "/console/",
            "/console/services",
            "/console/services?county=07&demo=unverified&older_than=12&reports=1&q=vaxjo",
            "/console/services/new",
            "/console/services/kvinnofridslinjen",
            "/console/organizations",
            "/console/corrections?state=all",
            "/console/publish",
            "/console/followup",
            "/console/followup?print=1",
            "/console/followup.csv",
            "/console/audit",
            "/console/audit.csv",
            "/console/users",
        ] {
            let (st, body) = a.get(p).await;
            assert_eq!(st, StatusCode::OK, "{lang} {p}: {body}");
            assert!(!body.contains("template "), "{p}");
        }
    }
}

#[tokio::test]
async fn going_back_publishes_earlier_content_as_a_new_version_and_indicators_are_suppressed() {
    let h = hub().await;
    let k = login(&h, "kron", "kronoberg-pass-1").await;
    let id = "ljungby-socialtjanst";
    let feed = h.dir.path().join("feed");
    let hours_in = |v: u64| {
        let snap = fyr_hub::load_snapshot(&feed, v).unwrap();
        let body = snap
            .records
            .iter()
            .find(|r| r.id == id && r.kind == fyr_core::feed::RecordKind::Service)
            .unwrap()
            .body
            .clone();
        serde_json::from_str::<serde_json::Value>(&body).unwrap()["hours"]
            .as_str()
            .unwrap()
            .to_string()
    };
    let (st, _) = k
        .post(
            &format!("/console/services/{id}"),
            &[("hours", "mon-fri 09:00-15:00")],
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(k.post("/console/publish", &[]).await.0, StatusCode::OK);
    let first = fyr_hub::publish::version_history(&feed)
        .unwrap()
        .last()
        .unwrap()
        .version;
    let (st, _) = k
        .post(
            &format!("/console/services/{id}"),
            &[("hours", "mon-fri 10:00-14:00")],
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert_eq!(k.post("/console/publish", &[]).await.0, StatusCode::OK);
    let second = first + 1;
    assert_eq!(hours_in(second), "mon-fri 10:00-14:00");
    let (st, page) = k
        .post(
            "/console/publish/revert",
            &[("version", &first.to_string())],
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{page}");
    let hist = fyr_hub::publish::version_history(&feed).unwrap();
    assert_eq!(
        hist.last().unwrap().version,
        second + 1,
        "going back is a new version"
    );
    assert_eq!(hours_in(second + 1), "mon-fri 09:00-15:00");
    let (_, form) = k.get(&format!("/console/services/{id}")).await;
    assert!(
        form.contains("value=\"mon-fri 09:00-15:00\""),
        "the working directory went back too"
    );

    // Indicators: Kronoberg's own, shown with the suppression rule.
    for (q, v) in [("2026-Q1", "2"), ("2026-Q2", "5")] {
        let (st, _) = k
            .post(
                "/console/followup/indicators",
                &[
                    ("county", "07"),
                    ("quarter", q),
                    ("kind", "consultations"),
                    ("value", v),
                ],
            )
            .await;
        assert_eq!(st, StatusCode::SEE_OTHER);
    }
    let (st, _) = k
        .post(
            "/console/followup/indicators",
            &[
                ("county", "07"),
                ("quarter", "2026-Q5"),
                ("kind", "consultations"),
                ("value", "1"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, csv) = k.get("/console/followup.csv?year=2026").await;
    assert!(
        csv.contains("indicator,07,2026-Q1,consultations,,,<3"),
        "{csv}"
    );
    assert!(
        csv.contains("indicator,07,2026-Q2,consultations,,,5"),
        "{csv}"
    );
}

fn org_field(db: &std::path::Path, id: &str, field: &str) -> String {
    let c = rusqlite::Connection::open(db).unwrap();
    c.query_row(
        "SELECT COALESCE(json_extract(fields, '$.' || ?2), '') FROM console_rows WHERE file = 'organizations' AND key = ?1",
        [id, field],
        |r| r.get(0),
    )
    .unwrap()
}

#[tokio::test]
async fn organizations_are_edited_by_admins_only_and_validated_by_the_core() {
    let h = hub().await;
    let id = "region-kronoberg";
    let name = org_field(&h.db(), id, "name");
    // A coordinator reads the list but cannot change an organization.
    let k = login(&h, "kron", "kronoberg-pass-1").await;
    let (st, page) = k.get("/console/organizations").await;
    assert_eq!(st, StatusCode::OK);
    assert!(page.contains(id) && !page.contains("/console/organizations/region-kronoberg\""));
    let (st, _) = k
        .post(
            &format!("/console/organizations/{id}"),
            &[("name", "Kapad")],
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    assert_eq!(org_field(&h.db(), id, "name"), name);
    // An admin's wrong agency kind is refused with the core's message beside the form.
    let a = login(&h, "admin", "admin-password-1").await;
    let (st, page) = a
        .post(
            &format!("/console/organizations/{id}"),
            &[("agency_kind", "vigilante")],
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("vigilante") && page.contains(&format!("id=\"e-{id}\"")),
        "{page}"
    );
    assert_eq!(org_field(&h.db(), id, "agency_kind"), "healthcare");
    // A good change is stored and audited.
    let (st, _) = a
        .post(
            &format!("/console/organizations/{id}"),
            &[("name", "Region Kronoberg (hälso- och sjukvård)")],
        )
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    assert_eq!(
        org_field(&h.db(), id, "name"),
        "Region Kronoberg (hälso- och sjukvård)"
    );
    let (_, csv) = a.get("/console/audit.csv").await;
    assert!(
        csv.contains("organization.edit") && csv.contains(id),
        "{csv}"
    );
}
