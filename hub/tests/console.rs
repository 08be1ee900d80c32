//! The console over real HTTP on 127.0.0.1: rights by every route, CSRF,
//! sessions of disabled accounts, login rate limit, and a console publish
//! that verifies with the publisher's key and carries the edit.

use fyr_hub::console::{self, ConsoleConfig, Role};
use fyr_hub::db::{Db, Sql, Target};
use fyr_hub::{spawn, HubHandle, ServeConfig};
use reqwest::redirect::Policy;
use reqwest::StatusCode;
use std::net::SocketAddr;

struct Hub {
    url: String,
    dir: tempfile::TempDir,
    _handle: HubHandle,
}

impl Hub {
    /// The hub's database: SQLite, or PostgreSQL with FYR_TEST_PG (all of
    /// it, the console's tables too).
    fn db(&self) -> Target {
        fyr_hub::db::testing::target(self.dir.path())
    }
    fn hub_db(&self) -> Db {
        Db::open(&self.db()).unwrap()
    }
}

async fn hub() -> Hub {
    hub_with(|_| {}).await
}

async fn hub_with(tune: impl FnOnce(&mut ServeConfig)) -> Hub {
    let dir = tempfile::tempdir().unwrap();
    let (key, _) = fyr_hub::keygen(&dir.path().join("keys")).unwrap();
    let db = dir.path().join("hub.db");
    let target = fyr_hub::db::testing::target(dir.path());
    console::user_add(&target, "admin", &Role::Admin, "Fjällräv i Storlien 1").unwrap();
    console::user_add(
        &target,
        "kron",
        &Role::Coordinator("07".into()),
        "Lingon vid Åsnen 2",
    )
    .unwrap();
    console::user_add(
        &target,
        "jamt",
        &Role::Coordinator("23".into()),
        "Kåsan på Frösön 3",
    )
    .unwrap();
    console::user_add(&target, "ana", &Role::Analyst, "Tabeller hela natten 4").unwrap();
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
    fyr_hub::db::testing::apply(&mut cfg);
    // One connection: every page and form here then proves it never takes
    // a second connection while holding one (which would hang a small
    // pool under load). The other suites use the default pool.
    cfg.db_connections = 1;
    tune(&mut cfg);
    let (addr, handle) = spawn(cfg).await.unwrap();
    if fyr_hub::db::testing::pg_url().is_some() {
        // On PostgreSQL everything is in the database: no SQLite file, only
        // the hub secret beside where it would be.
        assert!(!db.exists(), "a PostgreSQL hub made {}", db.display());
        assert!(dir.path().join("hub.db.secret").exists());
    }
    // The bundled distribution settings trust the team's key; this hub signs
    // with its own, so its settings name it (as a region's admin does).
    let public = std::fs::read_to_string(dir.path().join("keys/fyr-feed.pub")).unwrap();
    let dist = format!(
        "feed_url = \"http://{addr}/feed/\"\nmirrors = []\nhub_url = \"http://{addr}/\"\ntrusted_keys = [\"{}\"]\nnext_keys = []\nretired_keys = []\ncheck_interval_hours = 6\n",
        public.trim()
    );
    Db::open(&target)
        .unwrap()
        .exec(
            "UPDATE console_files SET text = $1 WHERE path = 'distribution.toml'",
            &[dist.into()],
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

/// The login form's CSRF pair: its cookie and its hidden field.
async fn login_form(http: &reqwest::Client, url: &str) -> (String, String) {
    let r = http
        .get(format!("{url}/console/login"))
        .send()
        .await
        .unwrap();
    let set = r.headers()["set-cookie"].to_str().unwrap().to_string();
    let cookie = set.split(';').next().unwrap().to_string();
    let page = r.text().await.unwrap();
    let i = page
        .find("name=\"login_csrf\" value=\"")
        .expect("a login csrf field")
        + 25;
    (cookie, page[i..i + 32].to_string())
}

/// A login attempt as a browser makes it; returns the response.
async fn try_login(h: &Hub, name: &str, pw: &str) -> reqwest::Response {
    let http = client();
    let (cookie, token) = login_form(&http, &h.url).await;
    http.post(format!("{}/console/login", h.url))
        .header("cookie", cookie)
        .form(&[("name", name), ("password", pw), ("login_csrf", &token)])
        .send()
        .await
        .unwrap()
}

async fn login(h: &Hub, name: &str, pw: &str) -> Session {
    let r = try_login(h, name, pw).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "login of {name}");
    let set = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|v| v.starts_with("fyr_console="))
        .unwrap();
    assert!(
        set.contains("HttpOnly") && set.contains("SameSite=Strict"),
        "{set}"
    );
    let cookie = set.split(';').next().unwrap().to_string();
    let mut s = Session {
        http: client(),
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
    /// Saves a service as its edit form does: with the version the form
    /// was opened at and "ready to publish" ticked.
    async fn edit(&self, id: &str, form: &[(&str, &str)]) -> (StatusCode, String) {
        let etag = self.etag(id).await;
        let mut f: Vec<(&str, &str)> = form.to_vec();
        f.push(("etag", &etag));
        f.push(("ready", "1"));
        self.post(&format!("/console/services/{id}"), &f).await
    }
    async fn etag(&self, id: &str) -> String {
        let (_, page) = self.get(&format!("/console/services/{id}")).await;
        let i = page.find("name=\"etag\" value=\"").expect("an etag field") + 19;
        page[i..i + 24].to_string()
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

/// A field of a row of the working directory as stored (either backend).
fn row_field(db: &Target, file: &str, id: &str, field: &str) -> (String, Option<String>) {
    let r = Db::open(db)
        .unwrap()
        .row(
            "SELECT fields, retired FROM console_rows WHERE file = $1 AND key = $2",
            &[file.into(), id.into()],
        )
        .unwrap()
        .unwrap_or_else(|| panic!("no {file} row {id}"));
    let fields: serde_json::Value = serde_json::from_str(&r.text(0).unwrap()).unwrap();
    (
        fields[field].as_str().unwrap_or("").to_string(),
        r.opt_text(1).unwrap(),
    )
}

fn service_field(db: &Target, id: &str, field: &str) -> String {
    let (v, retired) = row_field(db, "services", id, field);
    match retired {
        Some(r) => format!("{v}|retired:{r}"),
        None => v,
    }
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
    let k = login(&h, "kron", "Lingon vid Åsnen 2").await;
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
        let conn = h.hub_db();
        let now = chrono::Utc::now();
        let code =
            fyr_hub::enroll::create_code(&conn, "23", "healthcare", 24, &h.url, now).unwrap();
        fyr_hub::enroll::redeem(&conn, &code.code, now)
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
    assert!(!fyr_hub::enroll::list_devices(&h.hub_db()).unwrap()[0].revoked);
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
    let j = login(&h, "jamt", "Kåsan på Frösön 3").await;
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
    let a = login(&h, "admin", "Fjällräv i Storlien 1").await;
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
    let k = login(&h, "kron", "Lingon vid Åsnen 2").await;
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
    let adm = login(&h, "admin", "Fjällräv i Storlien 1").await;
    let (_, page) = adm.get("/console/publish").await;
    let i = page.find("name=\"etag\" value=\"").unwrap() + 19;
    let etag = page[i..i + 24].to_string();
    let (st, page) = adm
        .post(
            "/console/publish/distribution",
            &[
                ("etag", &etag),
                ("hub_url", "ftp://x"),
                ("feed_url", "x"),
                ("check_interval_hours", "6"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("confirm-errors"),
        "the core's message is shown"
    );
    // An analyst sees the follow-up only.
    let an = login(&h, "ana", "Tabeller hela natten 4").await;
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
    let r = try_login(&h, "kron", "Lingon vid Åsnen 2").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // Throttling slows guessing but never locks the owner out: the first
    // failures cost nothing, then each attempt waits a growing delay
    // (answered 429 with Retry-After, no password checked); after the wait
    // the right password gets in.
    // (The address has one failure already: the disabled account's login.)
    let mut free = 0;
    loop {
        let st = try_login(&h, "jamt", "guess-guess-1").await.status();
        if st == StatusCode::TOO_MANY_REQUESTS {
            break;
        }
        assert_eq!(st, StatusCode::UNAUTHORIZED);
        free += 1;
    }
    assert_eq!(
        free, 3,
        "three failures from this address cost nothing, the fourth waits"
    );
    // While a wait runs, every attempt is answered 429 without checking the
    // password; a guess is checked again only once the wait is over (on a
    // slow machine it may be), and then the next wait is longer.
    let retry = |r: &reqwest::Response| -> u64 {
        r.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap()
    };
    let mut last = (std::time::Instant::now(), 1u64);
    for _ in 0..20 {
        let r = try_login(&h, "jamt", "guess-guess-1").await;
        if r.status() == StatusCode::UNAUTHORIZED {
            assert!(
                last.0.elapsed() + std::time::Duration::from_secs(1)
                    >= std::time::Duration::from_secs(last.1),
                "a password was checked during a wait"
            );
            continue;
        }
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        let w = retry(&r);
        assert!(w <= 30, "never more than the account cap: {w}");
        last = (std::time::Instant::now(), w);
    }
    // The owner's right password during a wait is not checked either (429);
    // after the wait it gets in, however many guesses came before.
    let r = try_login(&h, "jamt", "Kåsan på Frösön 3").await;
    if r.status() == StatusCode::TOO_MANY_REQUESTS {
        let wait = retry(&r);
        assert!(wait <= 30, "never more than the account cap: {wait}");
        tokio::time::sleep(std::time::Duration::from_millis(wait * 1000 + 200)).await;
        let r = try_login(&h, "jamt", "Kåsan på Frösön 3").await;
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "the owner gets in after the delay"
        );
    } else {
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "the owner gets in");
    }
    // A login posted without the login form's token is refused.
    let r = client()
        .post(format!("{}/console/login", h.url))
        .form(&[("name", "jamt"), ("password", "Kåsan på Frösön 3")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_edit_is_validated_then_published_as_a_feed_devices_accept() {
    let h = hub().await;
    let k = login(&h, "kron", "Lingon vid Åsnen 2").await;
    let id = "ljungby-socialtjanst";
    let (st, page) = k.edit(id, &[("hours", "mon-fri 08:00-25:00")]).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("aria-invalid=\"true\" aria-describedby=\"e-hours"),
        "the error is beside the field"
    );
    assert!(page.contains("25:00"));
    let (st, page) = k
        .edit(id, &[("hours", "mon-thu 08:00-16:30; closed-holidays")])
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{page}");
    let (_, page) = k.get(&format!("/console/services/{id}")).await;
    assert!(page.contains("Sparat – når telefonerna när du publicerar."));
    let (_, preview) = k.get("/console/publish").await;
    assert!(
        preview.contains(id) && preview.contains("mon-thu 08:00-16:30"),
        "the preview names the change"
    );
    let (st, done) = k.post("/console/publish", &[]).await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{done}");
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
    let stored = h
        .hub_db()
        .rows(
            "SELECT text FROM console_files UNION ALL SELECT rows || files FROM console_versions
             UNION ALL SELECT COALESCE(before, '') || COALESCE(after, '') FROM console_audit",
            &[],
        )
        .unwrap();
    assert!(!stored.is_empty());
    assert!(stored.iter().all(|r| !r.text(0).unwrap().contains(seed)));
    if let Target::Sqlite(file) = h.db() {
        let db_bytes = std::fs::read(file).unwrap();
        assert!(!String::from_utf8_lossy(&db_bytes).contains(seed));
    }
}

/// In a TUF repository the console publishes content (targets) with the
/// online snapshot and timestamp keys beside its key; root is never on the
/// hub. Without them it publishes nothing and says what is missing.
#[tokio::test]
async fn in_a_tuf_repository_the_console_publishes_targets_and_never_root() {
    use ed25519_dalek::SigningKey;
    let h = hub().await;
    let keys = h.dir.path().join("keys");
    let feed = h.dir.path().join("feed");
    let load = |n: &str| fyr_core::feed::load_signing_key(&keys.join(n)).unwrap();
    let root: Vec<SigningKey> = (1..=3u8)
        .map(|n| SigningKey::from_bytes(&[n; 32]))
        .collect();
    let online = |name: &str| {
        fyr_hub::keygen_named(&keys, name).unwrap();
        load(&format!("{name}.key"))
    };
    let (snapshot, timestamp) = (online("snapshot"), online("timestamp"));
    let spec = fyr_hub::tuf::RootSpec {
        root_keys: root.iter().map(|k| k.verifying_key()).collect(),
        root_threshold: 2,
        targets_keys: vec![load("fyr-feed.key").verifying_key()],
        snapshot_keys: vec![snapshot.verifying_key()],
        timestamp_keys: vec![timestamp.verifying_key()],
        expires_days: 365,
    };
    fyr_hub::tuf::sign_root(&feed, &spec, &root[..2], chrono::Utc::now()).unwrap();
    let k = login(&h, "kron", "Lingon vid Åsnen 2").await;
    let id = "ljungby-socialtjanst";
    // The timestamp key is missing beside the publishing key: nothing is published.
    std::fs::rename(keys.join("timestamp.key"), keys.join("elsewhere.key")).unwrap();
    let (st, _) = k.edit(id, &[("hours", "mon-fri 08:00-16:00")]).await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let (_, page) = k.post("/console/publish", &[]).await;
    assert!(page.contains("timestamp.key"), "{page}");
    assert!(!feed.join("manifest.json").exists(), "nothing was written");
    // With it, the version is published as TUF targets devices can verify.
    std::fs::rename(keys.join("elsewhere.key"), keys.join("timestamp.key")).unwrap();
    let (st, done) = k.post("/console/publish", &[]).await;
    assert!(
        st == StatusCode::SEE_OTHER || st == StatusCode::OK,
        "{st} {done}"
    );
    let ts: serde_json::Value =
        serde_json::from_slice(&std::fs::read(feed.join("metadata/timestamp.json")).unwrap())
            .unwrap();
    let v = ts["signed"]["meta"]["snapshot.json"]["version"]
        .as_u64()
        .unwrap();
    assert!(feed.join(format!("metadata/{v}.snapshot.json")).exists());
    assert!(feed.join("metadata/1.targets.json").exists());
    // Root stays version 1: the console has no way to sign another.
    assert!(!feed.join("metadata/2.root.json").exists());
}

#[tokio::test]
async fn every_page_renders_in_both_languages() {
    let h = hub().await;
    let mut a = login(&h, "admin", "Fjällräv i Storlien 1").await;
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
            "/console/account",
            "/console/phones",
            "/console/services.csv",
        ] {
            let (st, body) = a.get(p).await;
            assert_eq!(st, StatusCode::OK, "{lang} {p}: {body}");
            assert!(!body.contains("template "), "{p}");
        }
    }
}

fn hours_in(feed: &std::path::Path, v: u64, id: &str) -> String {
    let snap = fyr_hub::load_snapshot(feed, v).unwrap();
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
}

fn latest(feed: &std::path::Path) -> u64 {
    fyr_hub::publish::version_history(feed)
        .unwrap()
        .last()
        .unwrap()
        .version
}

#[tokio::test]
async fn going_back_is_for_admins_shows_a_diff_keeps_drafts_and_distribution() {
    let h = hub().await;
    let k = login(&h, "kron", "Lingon vid Åsnen 2").await;
    let j = login(&h, "jamt", "Kåsan på Frösön 3").await;
    let a = login(&h, "admin", "Fjällräv i Storlien 1").await;
    let id = "ljungby-socialtjanst";
    let jam = "harjedalen-socialtjanst";
    let feed = h.dir.path().join("feed");
    assert_eq!(
        k.edit(id, &[("hours", "mon-fri 09:00-15:00")]).await.0,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        k.post("/console/publish", &[]).await.0,
        StatusCode::SEE_OTHER
    );
    let first = latest(&feed);
    // Jämtland publishes a fix after that.
    let (st, page) = j.edit(jam, &[("hours", "mon-fri 07:00-17:00")]).await;
    assert_eq!(
        st,
        StatusCode::SEE_OTHER,
        "{}",
        &page[page.find("class=\"errors\"").unwrap_or(0)..][..600.min(page.len())]
    );
    assert_eq!(
        j.post("/console/publish", &[]).await.0,
        StatusCode::SEE_OTHER
    );
    let second = latest(&feed);
    // A Kronoberg coordinator cannot go back (it would undo Jämtland's fix).
    let (st, _) = k
        .post(
            "/console/publish/revert",
            &[("version", &first.to_string())],
        )
        .await;
    assert_eq!(st, StatusCode::FORBIDDEN);
    assert_eq!(latest(&feed), second);
    // A Jämtland draft in progress, and the admin's distribution settings now.
    let (st, _) = j
        .post(
            &format!("/console/services/{jam}"),
            &[
                ("hours", "mon-fri 06:00-18:00"),
                ("etag", &j.etag(jam).await),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER, "saved as a draft (not ready)");
    let dist_before = h
        .hub_db()
        .row(
            "SELECT text FROM console_files WHERE path = 'distribution.toml'",
            &[],
        )
        .unwrap()
        .unwrap()
        .text(0)
        .unwrap();
    // The admin first sees what going back changes, in words, and nothing happens yet.
    let (st, page) = a
        .post(
            "/console/publish/revert",
            &[("version", &first.to_string())],
        )
        .await;
    assert_eq!(st, StatusCode::OK);
    assert!(
        page.contains("Öppettider") && page.contains("mon-fri 07:00-17:00"),
        "{page}"
    );
    assert_eq!(latest(&feed), second, "nothing published before confirming");
    let (st, _) = a
        .post(
            "/console/publish/revert",
            &[("version", &first.to_string()), ("confirm", "1")],
        )
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    assert_eq!(latest(&feed), second + 1, "going back is a new version");
    assert_ne!(hours_in(&feed, second + 1, jam), "mon-fri 07:00-17:00");
    assert_ne!(
        hours_in(&feed, second + 1, jam),
        "mon-fri 06:00-18:00",
        "the draft is not published"
    );
    let (_, form) = j.get(&format!("/console/services/{jam}")).await;
    assert!(
        form.contains("value=\"mon-fri 06:00-18:00\""),
        "the Jämtland draft is kept"
    );
    let dist_after = h
        .hub_db()
        .row(
            "SELECT text FROM console_files WHERE path = 'distribution.toml'",
            &[],
        )
        .unwrap()
        .unwrap()
        .text(0)
        .unwrap();
    assert_eq!(dist_before, dist_after, "distribution settings untouched");
    let (_, csv) = a.get("/console/audit.csv").await;
    assert!(
        csv.contains(&format!("admin,publish.revert-to-{first}")),
        "{csv}"
    );
    assert!(
        csv.contains("mon-fri 07:00-17:00"),
        "the audit names what changed: {csv}"
    );
}

#[tokio::test]
async fn indicators_are_suppressed_and_bad_quarters_refused() {
    let h = hub().await;
    let k = login(&h, "kron", "Lingon vid Åsnen 2").await;
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
    for q in ["2026-Q5", "aaaå-Q", "ååå-Q1"] {
        let (st, _) = k
            .post(
                "/console/followup/indicators",
                &[
                    ("county", "07"),
                    ("quarter", q),
                    ("kind", "consultations"),
                    ("value", "1"),
                ],
            )
            .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{q}");
    }
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

#[tokio::test]
async fn two_coordinators_editing_one_service_lose_nothing() {
    let h = hub().await;
    let k1 = login(&h, "kron", "Lingon vid Åsnen 2").await;
    console::user_add(
        &h.db(),
        "kron2",
        &Role::Coordinator("07".into()),
        "Blåbär i Tingsryd 5",
    )
    .unwrap();
    let k2 = login(&h, "kron2", "Blåbär i Tingsryd 5").await;
    let id = "ljungby-socialtjanst";
    // Both open the form.
    let (e1, e2) = (k1.etag(id).await, k2.etag(id).await);
    let (st, _) = k1
        .post(
            &format!("/console/services/{id}"),
            &[
                ("hours", "mon-fri 08:00-12:00"),
                ("etag", &e1),
                ("ready", "1"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    // The second save was made on the older version: refused, both shown.
    let (st, page) = k2
        .post(
            &format!("/console/services/{id}"),
            &[
                ("hours", "mon-fri 13:00-16:00"),
                ("etag", &e2),
                ("ready", "1"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT);
    assert!(
        page.contains("mon-fri 08:00-12:00") && page.contains("mon-fri 13:00-16:00"),
        "{page}"
    );
    assert_eq!(
        service_field(&h.db(), id, "hours"),
        "mon-fri 08:00-12:00",
        "nothing overwritten"
    );
    // A form without its version is a clear 400.
    let (st, _) = k2
        .post(&format!("/console/services/{id}"), &[("hours", "24/7")])
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn a_publish_ships_only_ready_drafts_and_lists_what_it_holds_back() {
    let h = hub().await;
    let k = login(&h, "kron", "Lingon vid Åsnen 2").await;
    let j = login(&h, "jamt", "Kåsan på Frösön 3").await;
    let (ready, held) = ("ljungby-socialtjanst", "harjedalen-socialtjanst");
    assert_eq!(
        k.edit(ready, &[("hours", "mon-fri 08:00-11:00")]).await.0,
        StatusCode::SEE_OTHER
    );
    let (st, _) = j
        .post(
            &format!("/console/services/{held}"),
            &[("hours", "mon 01:00-02:00"), ("etag", &j.etag(held).await)],
        )
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let (_, preview) = k.get("/console/publish").await;
    assert!(
        preview.contains("id=\"held\"") && preview.contains("jamt"),
        "the held-back draft and its owner"
    );
    assert!(!preview.contains("mon 01:00-02:00"), "not in the diff");
    assert_eq!(
        k.post("/console/publish", &[]).await.0,
        StatusCode::SEE_OTHER
    );
    let feed = h.dir.path().join("feed");
    let v = latest(&feed);
    assert_eq!(hours_in(&feed, v, ready), "mon-fri 08:00-11:00");
    assert_ne!(hours_in(&feed, v, held), "mon 01:00-02:00");
    // Marked ready, it goes out with the next publish.
    assert_eq!(
        j.post(
            "/console/publish/ready",
            &[("service", held), ("ready", "1")]
        )
        .await
        .0,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        j.post("/console/publish", &[]).await.0,
        StatusCode::SEE_OTHER
    );
    assert_eq!(hours_in(&feed, latest(&feed), held), "mon 01:00-02:00");
}

async fn upload_as(h: &Hub, token: &str, events: serde_json::Value) -> serde_json::Value {
    let r = client()
        .post(format!("{}/v1/events", h.url))
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(serde_json::json!({ "events": events }).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    serde_json::from_str(&r.text().await.unwrap()).unwrap()
}

#[tokio::test]
async fn statistics_count_only_within_the_phones_enrollment() {
    let h = hub().await;
    let token = {
        let conn = h.hub_db();
        let now = chrono::Utc::now();
        let code = fyr_hub::enroll::create_code(&conn, "23", "police", 24, &h.url, now).unwrap();
        fyr_hub::enroll::redeem(&conn, &code.code, now)
            .unwrap()
            .token
    };
    let stat = |id: &str, m: &str, kind: &str, cl: &str, level: &str| {
        serde_json::json!({"event_id": id, "kind": "screening_stat", "payload": {"month": "2026-11",
            "municipality": m, "agency_kind": kind, "checklist": cl, "checklist_version": 1,
            "level": level, "override_used": false}})
    };
    let resp = upload_as(
        &h,
        &token,
        serde_json::json!([
            stat("ok-1", "2361", "police", "adult-risk", "high"),
            stat("vaxjo", "0780", "social_services", "adult-risk", "high"),
            stat("m9999", "9999", "police", "adult-risk", "high"),
            stat("nochecklist", "2361", "police", "made-up", "high"),
        ]),
    )
    .await;
    assert_eq!(resp["accepted"], serde_json::json!(["ok-1"]), "{resp}");
    let reasons: Vec<String> = resp["rejected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            format!(
                "{}: {}",
                r["event_id"].as_str().unwrap(),
                r["reason"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(reasons.len(), 3, "{reasons:?}");
    assert!(
        reasons
            .iter()
            .any(|r| r.starts_with("vaxjo:") && r.contains("enrolled")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.starts_with("m9999:") && r.contains("9999")),
        "{reasons:?}"
    );
    assert!(
        reasons
            .iter()
            .any(|r| r.starts_with("nochecklist:") && r.contains("checklist")),
        "{reasons:?}"
    );
    let n = fyr_hub::events::count(
        &fyr_hub::db::Db::open(&fyr_hub::db::testing::target(h.dir.path())).unwrap(),
        fyr_hub::events::KIND_STAT,
    )
    .unwrap() as i64;
    assert_eq!(
        n, 1,
        "only the event within the enrollment reaches the follow-up"
    );
}

#[tokio::test]
async fn bad_input_is_a_clear_400_or_an_error_beside_its_field() {
    let h = hub().await;
    let k = login(&h, "kron", "Lingon vid Åsnen 2").await;
    let id = "ljungby-socialtjanst";
    let (st, body) = k.get("/console/services?older_than=999999999999999").await;
    assert_eq!(st, StatusCode::BAD_REQUEST, "{body}");
    assert!(body.contains("older_than"));
    let (st, _) = k.get("/console/services?older_than=12").await;
    assert_eq!(st, StatusCode::OK);
    // Invalid UTF-8 and an overlong name are refused before any handler.
    let r = k
        .http
        .post(format!("{}/console/services/{id}", k.base))
        .header("cookie", &k.cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf={}&name_sv=%FF%FE", k.csrf))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("UTF-8"));
    let long = "a".repeat(100_000);
    let (st, body) = k.edit(id, &[("name_sv", &long)]).await;
    assert_eq!(
        st,
        StatusCode::BAD_REQUEST,
        "{}",
        &body[..body.len().min(200)]
    );
    // A number that is not a Swedish number and a date in the future: both
    // shown at once, each beside its field, in Swedish; nothing saved.
    let (st, page) = k
        .edit(
            id,
            &[
                ("phone_number_0", "+46 70 123"),
                ("phone_kind_0", "voice"),
                ("verified_on", "2099-01-01"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("id=\"e-phones\"") && page.contains("är inte ett svenskt telefonnummer"),
        "{page}"
    );
    assert!(page.contains("id=\"e-verified_on\"") && page.contains("ligger i framtiden"));
    assert!(
        page.contains("value=\"+46 70 123\""),
        "the form keeps what was typed"
    );
    assert_ne!(service_field(&h.db(), id, "verified_on"), "2099-01-01");
    let (st, _) = k
        .edit(
            id,
            &[
                ("phone_number_0", "1234567890123456789"),
                ("phone_kind_0", "voice"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    // A real number on a real (not demo) entry is accepted.
    let real = "lansstyrelsen-kronoberg-samordning";
    let (st, page) = k
        .edit(
            real,
            &[
                ("phone_number_0", "0470-123 45"),
                ("phone_kind_0", "voice"),
                ("hours", "mon-fri 08:00-16:00; closed-holidays"),
            ],
        )
        .await;
    assert_eq!(
        st,
        StatusCode::SEE_OTHER,
        "{}",
        &page[page.find("id=\"problems\"").unwrap_or(0)..][..700.min(page.len())]
    );
}

#[tokio::test]
async fn accounts_policy_reenable_own_password_and_forms_kept() {
    let h = hub().await;
    let a = login(&h, "admin", "Fjällräv i Storlien 1").await;
    // Every field's problem at once, in Swedish, the form keeps its input.
    let (st, page) = a
        .post(
            "/console/users",
            &[
                ("action", "add"),
                ("name", "X"),
                ("role", "coordinator"),
                ("county", ""),
                ("password", "aaaaaaaaaa"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    for e in ["e-name", "e-county", "e-password"] {
        assert!(page.contains(&format!("id=\"{e}\"")), "{e}");
    }
    assert!(page.contains("för lätt att gissa"), "{page}");
    assert!(page.contains("value=\"aaaaaaaaaa\""), "kept");
    // å/ä/ö in a user name; a county chosen from the list.
    let (st, _) = a
        .post(
            "/console/users",
            &[
                ("action", "add"),
                ("name", "åsa.östlund"),
                ("role", "coordinator"),
                ("county", "23"),
                ("password", "Renar över Flatruet 7"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let asa = login(&h, "Åsa.Östlund", "Renar över Flatruet 7").await;
    // Disable, then enable again: the account gets in again.
    assert_eq!(
        a.post(
            "/console/users",
            &[("action", "disable"), ("name", "åsa.östlund")]
        )
        .await
        .0,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        asa.get("/console/").await.0,
        StatusCode::SEE_OTHER,
        "the session ended"
    );
    assert_eq!(
        try_login(&h, "åsa.östlund", "Renar över Flatruet 7")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        a.post(
            "/console/users",
            &[("action", "enable"), ("name", "åsa.östlund")]
        )
        .await
        .0,
        StatusCode::SEE_OTHER
    );
    let asa = login(&h, "åsa.östlund", "Renar över Flatruet 7").await;
    // Her own password: wrong current and a weak new one both named.
    let (st, page) = asa
        .post(
            "/console/account",
            &[
                ("current", "nope"),
                ("new", "password12"),
                ("again", "password12"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.contains("id=\"e-current\"") && page.contains("id=\"e-new\""));
    let (st, _) = asa
        .post(
            "/console/account",
            &[
                ("current", "Renar över Flatruet 7"),
                ("new", "Myrull längs Ljungan 8"),
                ("again", "Myrull längs Ljungan 8"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    login(&h, "åsa.östlund", "Myrull längs Ljungan 8").await;
    // Passwords are never trimmed: a space is part of it.
    assert_eq!(
        try_login(&h, "åsa.östlund", " Myrull längs Ljungan 8")
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_form_sent_after_the_session_ended_survives_a_fresh_login() {
    let h = hub().await;
    let k = login(&h, "kron", "Lingon vid Åsnen 2").await;
    let id = "ljungby-socialtjanst";
    let etag = k.etag(id).await;
    // The idle timeout passes: the session is gone.
    h.hub_db()
        .exec("DELETE FROM console_sessions", &[])
        .unwrap();
    let r = k
        .http
        .post(format!("{}/console/services/{id}", k.base))
        .header("cookie", &k.cookie)
        .header("origin", &k.base)
        .form(&[
            ("csrf", k.csrf.as_str()),
            ("etag", &etag),
            ("hours", "tis 10:00-12:00 skrivet länge"),
            ("ready", "1"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(r.headers()["location"], "/console/login");
    let pending = r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_string();
    // A fresh login with the pending cookie leads to the kept form.
    let http = client();
    let (lc, token) = login_form(&http, &h.url).await;
    let r = http
        .post(format!("{}/console/login", h.url))
        .header("cookie", format!("{lc}; {pending}"))
        .form(&[
            ("name", "kron"),
            ("password", "Lingon vid Åsnen 2"),
            ("login_csrf", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["location"], "/console/resume");
    let session = r
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|v| v.starts_with("fyr_console="))
        .unwrap();
    let session = session.split(';').next().unwrap();
    let page = http
        .get(format!("{}/console/resume", h.url))
        .header("cookie", format!("{session}; {pending}"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("tis 10:00-12:00 skrivet länge"), "{page}");
    assert!(page.contains("Skicka igen") && page.contains(id));
}

#[tokio::test]
async fn the_directory_exports_for_swedish_excel_and_bulk_verifies() {
    let h = hub().await;
    let k = login(&h, "kron", "Lingon vid Åsnen 2").await;
    let r = k
        .http
        .get(format!("{}/console/services.csv", k.base))
        .header("cookie", &k.cookie)
        .send()
        .await
        .unwrap();
    let bytes = r.bytes().await.unwrap();
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "a BOM");
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    assert!(
        text.lines()
            .next()
            .unwrap()
            .starts_with("Namn;Organisation;"),
        "{}",
        text.lines().next().unwrap()
    );
    assert!(text.contains("020-50 50 50"), "phone numbers");
    let (_, list) = k.get("/console/services").await;
    assert!(list.contains("020-50 50 50"), "phone numbers in the list");
    let (st, _) = k
        .post(
            "/console/services/verify",
            &[
                ("how", "phone"),
                ("id", "lansstyrelsen-kronoberg-samordning"),
                ("id", "ljungby-socialtjanst"),
                ("id", "lansstyrelsen-jamtland-samordning"),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Stockholm)
        .format("%Y-%m-%d")
        .to_string();
    assert_eq!(
        service_field(&h.db(), "lansstyrelsen-kronoberg-samordning", "verified_on"),
        today
    );
    assert_ne!(
        service_field(&h.db(), "lansstyrelsen-jamtland-samordning", "verified_on"),
        today,
        "not another county's"
    );
    let (_, list) = k.get("/console/services").await;
    assert!(
        list.contains("Inte ändrade") && list.contains("lansstyrelsen-jamtland-samordning"),
        "named as not changed"
    );
}

fn org_field(db: &Target, id: &str, field: &str) -> String {
    row_field(db, "organizations", id, field).0
}

/// The version an organization's form carries.
async fn org_etag(s: &Session, id: &str) -> String {
    let (_, page) = s.get("/console/organizations").await;
    let at = page
        .find(&format!("action=\"/console/organizations/{id}\""))
        .expect("the organization's form");
    let i = at
        + page[at..]
            .find("name=\"etag\" value=\"")
            .expect("an etag field")
        + 19;
    page[i..i + 24].to_string()
}

#[tokio::test]
async fn organizations_are_edited_by_admins_only_and_validated_by_the_core() {
    let h = hub().await;
    let id = "region-kronoberg";
    let name = org_field(&h.db(), id, "name");
    // A coordinator reads the list but cannot change an organization.
    let k = login(&h, "kron", "Lingon vid Åsnen 2").await;
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
    let a = login(&h, "admin", "Fjällräv i Storlien 1").await;
    let (_, page) = a.get("/console/organizations").await;
    // Words, not column ids: the kind is a choice with its label.
    assert!(
        page.contains("Typ av verksamhet")
            && page.contains("<select")
            && !page.contains(">role_sv<"),
        "{page}"
    );
    let etag = org_etag(&a, id).await;
    let (st, page) = a
        .post(
            &format!("/console/organizations/{id}"),
            &[("agency_kind", "vigilante"), ("etag", &etag)],
        )
        .await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.contains("vigilante") && page.contains(&format!("id=\"e-{id}\"")),
        "{page}"
    );
    assert_eq!(org_field(&h.db(), id, "agency_kind"), "healthcare");
    // A good change is stored, confirmed and audited.
    let (st, _) = a
        .post(
            &format!("/console/organizations/{id}"),
            &[
                ("name", "Region Kronoberg (hälso- och sjukvård)"),
                ("etag", &etag),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    assert_eq!(
        org_field(&h.db(), id, "name"),
        "Region Kronoberg (hälso- och sjukvård)"
    );
    let (_, page) = a.get("/console/organizations").await;
    assert!(page.contains("når telefonerna när du publicerar"), "{page}");
    // Two admins on one organization: the later save, made on the version
    // before the first one's, is refused with both shown; nothing is overwritten.
    let stale = org_etag(&a, id).await;
    let b = login(&h, "admin", "Fjällräv i Storlien 1").await;
    let fresh = org_etag(&b, id).await;
    let (st, _) = b
        .post(
            &format!("/console/organizations/{id}"),
            &[
                ("website", "https://www.regionkronoberg.se/"),
                ("etag", &fresh),
            ],
        )
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER);
    let (st, page) = a
        .post(
            &format!("/console/organizations/{id}"),
            &[("website", "https://example.org/"), ("etag", &stale)],
        )
        .await;
    assert_eq!(st, StatusCode::CONFLICT, "{page}");
    assert!(
        page.contains("www.regionkronoberg.se") && page.contains("example.org"),
        "{page}"
    );
    assert_eq!(
        org_field(&h.db(), id, "website"),
        "https://www.regionkronoberg.se/"
    );
    let (st, _) = a
        .post(
            &format!("/console/organizations/{id}"),
            &[("name", "Utan version")],
        )
        .await;
    assert_eq!(st, StatusCode::BAD_REQUEST);
    // The whole form as a browser sends it, with a role text longer than a
    // one-line field (Länsstyrelsen's English one is 314 characters), saves.
    let long = "lansstyrelsen-kronoberg";
    let mut form: Vec<(String, String)> = ["name", "agency_kind", "role_sv", "role_en", "website"]
        .iter()
        .map(|f| (f.to_string(), org_field(&h.db(), long, f)))
        .collect();
    assert!(
        form[3].1.chars().count() > 300,
        "the English role text is long"
    );
    form[0].1.push_str(" – samordning");
    form.push(("etag".into(), org_etag(&a, long).await));
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let (st, page) = a
        .post(&format!("/console/organizations/{long}"), &pairs)
        .await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{page}");
    assert!(org_field(&h.db(), long, "name").ends_with(" – samordning"));
    let (_, csv) = a.get("/console/audit.csv").await;
    assert!(
        csv.contains("organization.edit") && csv.contains(id),
        "{csv}"
    );
}

#[tokio::test]
async fn a_wrong_password_blocks_no_one_and_an_unknown_name_costs_the_same() {
    let h = hub().await;
    let k = login(&h, "kron", "Lingon vid Åsnen 2").await;
    // While a wrong password is being checked, another user's page is
    // served: the slow hash runs neither under the database lock nor on
    // the async executor. The page finishes before the login does.
    let wrong = async {
        let r = try_login(&h, "admin", "Fjällräv i Storlien 9").await;
        (r.status(), std::time::Instant::now())
    };
    let page = async {
        tokio::time::sleep(std::time::Duration::from_millis(150)).await;
        let (st, _) = k.get("/console/services").await;
        (st, std::time::Instant::now())
    };
    let ((login_st, login_done), (page_st, page_done)) = tokio::join!(wrong, page);
    assert_eq!(login_st, StatusCode::UNAUTHORIZED);
    assert_eq!(page_st, StatusCode::OK);
    assert!(
        page_done < login_done,
        "the page waited for the password check"
    );
    // An unknown name is checked against a hash too: it is answered no
    // faster than a known name's wrong password, and the same way.
    let t = std::time::Instant::now();
    let known = try_login(&h, "jamt", "Kåsan på Frösön 9").await;
    let known_t = t.elapsed();
    let t = std::time::Instant::now();
    let unknown = try_login(&h, "jämt", "Kåsan på Frösön 9").await;
    let unknown_t = t.elapsed();
    assert_eq!(known.status(), unknown.status());
    let (a, b) = (known.text().await.unwrap(), unknown.text().await.unwrap());
    assert_eq!(
        a.replace("jamt", "jämt").len(),
        b.len(),
        "the same answer, but for the name typed"
    );
    assert!(
        unknown_t * 3 > known_t,
        "unknown {unknown_t:?} vs wrong password {known_t:?}"
    );
}

#[tokio::test]
async fn the_start_page_walks_an_admin_through_an_untrusted_key() {
    let h = hub().await;
    // A fresh hub: the bundled distribution settings trust only the team's
    // key, not this hub's.
    let bundled = console::workdir::bundled().unwrap().files["distribution.toml"].clone();
    h.hub_db()
        .exec(
            "UPDATE console_files SET text = $1 WHERE path = 'distribution.toml'",
            &[bundled.into()],
        )
        .unwrap();
    let public = std::fs::read_to_string(h.dir.path().join("keys/fyr-feed.pub")).unwrap();
    let public = public.trim();
    let a = login(&h, "admin", "Fjällräv i Storlien 1").await;
    let (_, home) = a.get("/console/").await;
    assert!(home.contains("id=\"key-untrusted\""), "{home}");
    assert!(home.contains(public), "the key to add is shown");
    assert!(
        home.contains("fyr hub content export") && home.contains("fyr hub content import"),
        "the steps, with their commands"
    );
    // A coordinator is told to ask an admin, not given the steps.
    let k = login(&h, "kron", "Lingon vid Åsnen 2").await;
    let (_, home) = k.get("/console/").await;
    assert!(home.contains("id=\"key-untrusted\"") && home.contains("administratör"));
    assert!(!home.contains("fyr hub content export"));
    // Publishing is refused with the reason, and nothing is lost.
    let (st, page) = a.post("/console/publish", &[]).await;
    assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{page}");
    // The steps, as the start page gives them (the same functions the
    // commands run).
    let content = h.dir.path().join("content");
    console::workdir::export_dir(&h.db(), &content).unwrap();
    let path = content.join("distribution.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text.replace(
        "trusted_keys = [",
        &format!("trusted_keys = [\"{public}\", "),
    );
    std::fs::write(&path, text).unwrap();
    console::workdir::import_dir(&h.db(), &content).unwrap();
    let (_, home) = a.get("/console/").await;
    assert!(
        !home.contains("id=\"key-untrusted\""),
        "the warning is gone"
    );
    let (st, page) = a.post("/console/publish", &[]).await;
    assert_eq!(st, StatusCode::SEE_OTHER, "{page}");
}

/// A login attempt through a reverse proxy that names the client.
async fn try_login_via_proxy(h: &Hub, client_ip: &str, name: &str, pw: &str) -> reqwest::Response {
    let http = client();
    let (cookie, token) = login_form(&http, &h.url).await;
    http.post(format!("{}/console/login", h.url))
        .header("cookie", cookie)
        .header("x-forwarded-for", client_ip)
        .form(&[("name", name), ("password", pw), ("login_csrf", &token)])
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn behind_a_proxy_one_guessing_address_does_not_slow_the_others() {
    let h = hub_with(|cfg| {
        cfg.trusted_proxies = fyr_hub::proxy::TrustedProxies::parse(&["127.0.0.1"]).unwrap();
    })
    .await;
    // One client behind the county's reverse proxy guesses at many names
    // until it is made to wait.
    let mut waited = false;
    for i in 0..8 {
        let r = try_login_via_proxy(
            &h,
            "203.0.113.9",
            &format!("gissning{i}"),
            "fel lösenord igen 1",
        )
        .await;
        if r.status() == StatusCode::TOO_MANY_REQUESTS {
            waited = true;
            break;
        }
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    assert!(waited, "the guessing client is slowed");
    // It cannot dodge its wait by writing its own header: the proxy appends
    // the real address, and the right-most untrusted one counts.
    let r = try_login_via_proxy(
        &h,
        "198.51.100.77, 203.0.113.9",
        "gissning9",
        "fel lösenord igen 1",
    )
    .await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    // The admin, at another address behind the same proxy, gets in at once.
    let r = try_login_via_proxy(&h, "198.51.100.20", "admin", "Fjällräv i Storlien 1").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}
