//! The hub's HTTP server (axum on tokio).
//!
//! - `GET /feed/manifest.json`: strong ETag (the first 128 bits of the
//!   sha256 of the manifest bytes; `-gz` appended for the gzipped form),
//!   If-None-Match → a bare 304; gzip when the client accepts it.
//! - `GET /feed/blobs/<sha256>.gz`: immutable blobs with ETag,
//!   `Cache-Control: immutable` and single-range `Range` support (206/416).
//! - `POST /v1/events`: device uploads with a bearer device token, checked
//!   before a byte of the body is read; per-event validation, durable
//!   idempotent storage, and 503 with Retry-After when too many uploads run
//!   at once. The token authenticates; nothing about the device is stored.
//!
//! - `POST /v1/enroll` `{"code": "..."}`: exchanges a one-time code for a
//!   device token (`{"token", "county", "agency_kind"}`); a wrong, used or
//!   expired code gets one and the same 403; a client with too many wrong
//!   codes gets 429 with Retry-After on its headers, before its body is read
//!   (the client: the peer, or behind `--trusted-proxy` the forwarded
//!   address, [`crate::proxy`]; the counts in the database,
//!   [`crate::enroll_limit`]). See [`crate::enroll`].
//!   A token from the tokens file or of an enrolled device is accepted for
//!   uploads; a revoked device's token gets 410 Gone.
//!
//! Connection and body limits for every route live in [`crate::limits`].

use crate::events::{self, BatchResponse};
use crate::limits::{self, Gauges, Limits};
use crate::{io_err, HubError};
use axum::body::Bytes;
use axum::extract::{ConnectInfo, DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::SystemTime;
use tokio::sync::Semaphore;

mod feed;
pub(crate) use feed::etag_matches;
use feed::{blob, manifest, tuf_metadata, tuf_target, update_pack};

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    pub feed_dir: PathBuf,
    pub db_path: PathBuf,
    pub listen: SocketAddr,
    /// One token per line, or `token device-name`; `#` comments. Without a
    /// tokens file uploads are refused (401) unless `open_uploads`.
    pub tokens: Option<PathBuf>,
    pub open_uploads: bool,
    /// Uploads stored at once; more get 503 with Retry-After.
    pub max_concurrent_uploads: usize,
    /// Blob downloads served at once; more get 503 with Retry-After.
    pub max_concurrent_downloads: usize,
    /// Connection, timeout and body limits for every route.
    pub limits: Limits,
    /// The coordinator's console under `/console/` (None: not served).
    pub console: Option<crate::console::ConsoleConfig>,
    /// Proxies whose `X-Forwarded-For` names the client for per-client
    /// limits (`--trusted-proxy`); empty: the TCP peer is the client.
    pub trusted_proxies: crate::proxy::TrustedProxies,
    /// A PostgreSQL database (`postgres://…`) for everything the hub
    /// stores (events, enrollment, devices, the enrollment limit and all
    /// the console's tables) instead of `db_path`; several hubs may share
    /// it. `db_path` then names only where the hub secret is
    /// (`<db_path>.secret`, the same file on every instance).
    pub postgres: Option<String>,
    /// Database connections this process keeps ([`crate::db::pool`]).
    pub db_connections: usize,
}

impl ServeConfig {
    pub fn new(
        feed_dir: impl Into<PathBuf>,
        db_path: impl Into<PathBuf>,
        listen: SocketAddr,
    ) -> ServeConfig {
        ServeConfig {
            feed_dir: feed_dir.into(),
            db_path: db_path.into(),
            listen,
            tokens: None,
            open_uploads: false,
            max_concurrent_uploads: 8,
            max_concurrent_downloads: 256,
            limits: Limits::default(),
            console: None,
            trusted_proxies: Default::default(),
            postgres: None,
            db_connections: crate::db::pool::DEFAULT_SIZE,
        }
    }

    /// The database the device-facing tables are in.
    pub fn db_target(&self) -> crate::db::Target {
        match &self.postgres {
            Some(url) => crate::db::Target::Postgres {
                url: url.clone(),
                secret_beside: self.db_path.clone(),
            },
            None => crate::db::Target::Sqlite(self.db_path.clone()),
        }
    }
}

struct CachedManifest {
    stamp: (SystemTime, u64),
    bytes: Bytes,
    gz: Bytes,
    etag: HeaderValue,
    etag_gz: HeaderValue,
}

struct AppState {
    feed_dir: PathBuf,
    manifest: RwLock<Option<Arc<CachedManifest>>>,
    db: Arc<crate::db::pool::Pool>,
    /// Accepted device tokens (the value, a device label, is never used
    /// after authentication and never stored).
    tokens: Option<HashMap<String, String>>,
    open: bool,
    uploads: Arc<Semaphore>,
    blob_permits: Arc<Semaphore>,
    retry_after: u32,
    enroll_limit: crate::enroll_limit::EnrollLimit,
    proxies: crate::proxy::TrustedProxies,
    /// Enrolled devices seen today, written later for all at once.
    last_seen: Arc<crate::enroll::LastSeen>,
    /// Blobs are immutable: keep recently served ones in memory (keyed by
    /// name, modification time and length, so a replaced file is re-read).
    blob_cache: Mutex<BlobCache>,
}

#[derive(Default)]
struct BlobCache {
    entries: HashMap<String, (SystemTime, u64, Bytes)>,
    bytes: u64,
}

/// The blob cache holds at most this many bytes.
const BLOB_CACHE_BYTES: u64 = 64 << 20;

/// Reads a tokens file: `token` or `token device-name` per line.
pub fn read_tokens(path: &Path) -> Result<HashMap<String, String>, HubError> {
    let text = std::fs::read_to_string(path).map_err(io_err(path))?;
    let mut out = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let mut parts = line.splitn(2, char::is_whitespace);
        let token = parts.next().unwrap_or_default().to_string();
        let device = parts
            .next()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .unwrap_or("")
            .to_string();
        if token.len() < 8 || !token.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(HubError::Tokens {
                path: path.display().to_string(),
                line: i + 1,
                reason: "a token must be at least 8 visible characters".into(),
            });
        }
        let device = if device.is_empty() {
            format!("line {}", i + 1)
        } else {
            device
        };
        out.insert(token, device);
    }
    Ok(out)
}

/// Writes the last-seen days: when a day is over and when the hub stops.
struct SeenWriter {
    db: Arc<crate::db::pool::Pool>,
    seen: Arc<crate::enroll::LastSeen>,
}

impl SeenWriter {
    async fn write(&self, due: Option<crate::enroll::SeenOn>) {
        let Some(due) = due else { return };
        let db = self.db.clone();
        let _ = tokio::task::spawn_blocking(move || {
            let conn = db.get();
            let _ = crate::enroll::LastSeen::write(&*conn, due);
        })
        .await;
    }

    /// Shortly after each midnight (UTC), writes the day that ended. Never returns.
    async fn daily(&self) {
        loop {
            let now = chrono::Utc::now();
            let next = (now.date_naive() + chrono::Days::new(1))
                .and_hms_opt(0, 1, 0)
                .expect("a valid time")
                .and_utc();
            let wait = (next - now)
                .to_std()
                .unwrap_or(std::time::Duration::from_secs(60));
            tokio::time::sleep(wait).await;
            self.write(self.seen.take_due(Some(chrono::Utc::now())))
                .await;
        }
    }

    /// Runs the server until it ends, writing the days meanwhile and at the end.
    async fn around(self, server: impl std::future::Future<Output = ()>) {
        tokio::select! {
            _ = server => {}
            _ = self.daily() => {}
        }
        self.write(self.seen.take_due(None)).await;
    }
}

fn router(cfg: &ServeConfig) -> Result<(Router, SeenWriter), HubError> {
    // Opened (or made) now, with the hub secret, so a bad database or
    // secret file stops the start.
    let db = Arc::new(crate::db::pool::Pool::open(
        &cfg.db_target(),
        cfg.db_connections,
    )?);
    let last_seen = Arc::new(crate::enroll::LastSeen::default());
    let tokens = cfg.tokens.as_deref().map(read_tokens).transpose()?;
    let state = Arc::new(AppState {
        feed_dir: cfg.feed_dir.clone(),
        manifest: RwLock::new(None),
        db: db.clone(),
        tokens,
        open: cfg.open_uploads,
        uploads: Arc::new(Semaphore::new(cfg.max_concurrent_uploads)),
        blob_permits: Arc::new(Semaphore::new(cfg.max_concurrent_downloads)),
        blob_cache: Mutex::new(BlobCache::default()),
        retry_after: cfg.limits.retry_after_secs,
        enroll_limit: Default::default(),
        proxies: cfg.trusted_proxies.clone(),
        last_seen: last_seen.clone(),
    });
    // Routes only: the limits for every route are layered on the finished
    // router by `limits::run`, so routes merged in here later inherit them.
    let routes = Router::new()
        .route("/feed/manifest.json", get(manifest))
        .route("/feed/blobs/{name}", get(blob))
        .route("/feed/metadata/{name}", get(tuf_metadata))
        .route("/feed/pack", get(update_pack))
        .route("/feed/targets/{*path}", get(tuf_target))
        .route("/v1/events", post(upload))
        .route(
            limits::ENROLL_PATH,
            post(enroll).layer(DefaultBodyLimit::max(ENROLL_BODY_BYTES)),
        )
        .with_state(state);
    // The console (same process and port); the limits for every route are
    // layered on the finished router by `limits::run`, so it inherits them.
    let app = match &cfg.console {
        Some(c) => routes.merge(crate::console::router(
            &cfg.feed_dir,
            c,
            &cfg.trusted_proxies,
            db.clone(),
        )?),
        None => routes,
    };
    Ok((
        app,
        SeenWriter {
            db,
            seen: last_seen,
        },
    ))
}

/// Largest enrollment body (`{"code": "..."}`).
const ENROLL_BODY_BYTES: usize = 4 << 10;

async fn bind(listen: SocketAddr) -> Result<(tokio::net::TcpListener, SocketAddr), HubError> {
    let err = |source| HubError::Listen {
        addr: listen.to_string(),
        source,
    };
    let listener = tokio::net::TcpListener::bind(listen).await.map_err(err)?;
    let addr = listener.local_addr().map_err(err)?;
    Ok((listener, addr))
}

/// Serves until the process ends (or Ctrl-C).
pub async fn serve(cfg: ServeConfig) -> Result<(), HubError> {
    let gauges = Arc::new(Gauges::default());
    let (app, seen) = router(&cfg)?;
    let (listener, _) = bind(cfg.listen).await?;
    seen.around(limits::run(
        listener,
        app,
        Arc::new(cfg.limits),
        gauges,
        async {
            let _ = tokio::signal::ctrl_c().await;
        },
    ))
    .await;
    Ok(())
}

/// A running hub started by [`spawn`].
pub struct HubHandle {
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
    gauges: Arc<Gauges>,
}

impl HubHandle {
    /// Stops accepting connections and waits for the server to end.
    pub async fn shutdown(mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        let _ = (&mut self.task).await;
    }

    /// Open connections, refusals, idle closes and request-body bytes held.
    pub fn gauges(&self) -> &Gauges {
        &self.gauges
    }
}

impl Drop for HubHandle {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

/// Starts a hub in the background (bind `127.0.0.1:0` for a free port).
pub async fn spawn(cfg: ServeConfig) -> Result<(SocketAddr, HubHandle), HubError> {
    let gauges = Arc::new(Gauges::default());
    let (app, seen) = router(&cfg)?;
    let (listener, addr) = bind(cfg.listen).await?;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let limits = Arc::new(cfg.limits);
    let g = gauges.clone();
    let task = tokio::spawn(async move {
        seen.around(limits::run(listener, app, limits, g, async {
            let _ = rx.await;
        }))
        .await;
    });
    Ok((
        addr,
        HubHandle {
            stop: Some(tx),
            task,
            gauges,
        },
    ))
}

fn plain(status: StatusCode, msg: impl Into<String>) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        msg.into() + "\n",
    )
        .into_response()
}

/// 503 with Retry-After: the hub is at its limit of concurrent work.
fn busy(state: &AppState) -> Response {
    limits::busy(state.retry_after)
}

/// Checks the bearer token on the headers alone; the device's identity ends
/// here (nothing about it is stored with what it uploads). A token from the
/// tokens file or of an enrolled device passes; a revoked device's token gets
/// 410 Gone (the device then stops uploading until it enrolls again).
async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<(), Response> {
    let Some(t) = bearer(headers) else {
        if state.open {
            return Ok(());
        }
        return Err(plain(
            StatusCode::UNAUTHORIZED,
            "a bearer device token is required (enroll the device)",
        ));
    };
    if state.tokens.as_ref().is_some_and(|m| m.contains_key(t)) {
        return Ok(());
    }
    let db = state.db.clone();
    let t = t.to_string();
    let seen = state.last_seen.clone();
    let st = tokio::task::spawn_blocking(move || {
        let conn = db.get();
        let now = chrono::Utc::now();
        let st = crate::enroll::check_token(&*conn, &t, now).map_err(|e| e.to_string())?;
        // The day is noted in memory; an earlier day's marks (all devices
        // seen then) are written now, before this batch is even read.
        if st == crate::enroll::TokenState::Valid {
            if let Some(due) = seen.note(&t, now) {
                let _ = crate::enroll::LastSeen::write(&*conn, due);
            }
        }
        Ok::<_, String>(st)
    })
    .await;
    match st {
        Ok(Ok(crate::enroll::TokenState::Valid)) => Ok(()),
        Ok(Ok(crate::enroll::TokenState::Revoked)) => Err(plain(
            StatusCode::GONE,
            "this device's enrollment was revoked; enroll again with a new code",
        )),
        Ok(Ok(crate::enroll::TokenState::Unknown)) if state.open => Ok(()),
        Ok(Ok(crate::enroll::TokenState::Unknown)) => {
            Err(plain(StatusCode::UNAUTHORIZED, "unknown device token"))
        }
        _ => Err(plain(
            StatusCode::INTERNAL_SERVER_ERROR,
            "could not check the device token",
        )),
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .filter(|t| !t.is_empty())
}

async fn upload(State(state): State<Arc<AppState>>, req: Request) -> Response {
    // Authenticate on the headers alone: a client without a valid token is
    // answered before a byte of its body is read (the body is dropped unread
    // and the connection closed).
    let (parts, body) = req.into_parts();
    if let Err(refused) = authenticate(&state, &parts.headers).await {
        return with_close(refused);
    }
    // The body guard bounds size, time and bodies in flight.
    let body = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(b) => b,
        Err(e) => return limits::body_error_response(&e),
    };
    let batch = match events::parse_batch(&body) {
        Ok(b) => b,
        Err(e) => return plain(e.status(), e.to_string()),
    };
    let Ok(_permit) = state.uploads.clone().try_acquire_owned() else {
        return busy(&state);
    };
    let db = state.db.clone();
    // Statistics bound to the device's enrollment (`scope.rs`).
    let token = bearer(&parts.headers).map(str::to_string);
    let feed_dir = state.feed_dir.clone();
    let res = tokio::task::spawn_blocking(move || -> Result<BatchResponse, String> {
        let known = crate::scope::known(&feed_dir);
        let conn = db.get();
        let who = token
            .as_deref()
            .and_then(|t| crate::scope::enrollment_of(&*conn, t));
        let (keep, refused) = crate::scope::filter_batch(batch.events, who.as_ref(), &known);
        let mut r = events::store_batch(&*conn, &keep).map_err(|e| e.to_string())?;
        r.rejected.extend(refused);
        Ok(r)
    })
    .await;
    match res {
        Ok(Ok(r)) => axum::Json(r).into_response(),
        Ok(Err(e)) => plain(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("could not store the batch: {e}"),
        ),
        Err(_) => plain(
            StatusCode::INTERNAL_SERVER_ERROR,
            "could not store the batch",
        ),
    }
}

fn with_close(mut r: Response) -> Response {
    r.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    r
}

fn too_many(wait: u64) -> Response {
    let mut r = plain(
        StatusCode::TOO_MANY_REQUESTS,
        "too many wrong enrollment codes from this address; retry later",
    );
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(wait));
    with_close(r)
}

/// `POST /v1/enroll`: the client's failures are checked on the headers,
/// before the body is read (and before it takes a body permit); a code that
/// does not work counts as one failure of that client.
async fn enroll(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    req: Request,
) -> Response {
    let (parts, body) = req.into_parts();
    let client = crate::proxy::rate_key(state.proxies.client(peer.ip(), &parts.headers));
    let limit = state.enroll_limit;
    let db = state.db.clone();
    let key = client.clone();
    let checked = tokio::task::spawn_blocking(move || {
        let conn = db.get();
        limit
            .check(&*conn, &key, chrono::Utc::now())
            .map_err(|_| ())
    })
    .await;
    match checked {
        Ok(Ok(Ok(()))) => {}
        Ok(Ok(Err(wait))) => return too_many(wait),
        _ => {
            return plain(
                StatusCode::INTERNAL_SERVER_ERROR,
                "could not enroll the device",
            )
        }
    }
    let body = match axum::body::to_bytes(body, ENROLL_BODY_BYTES).await {
        Ok(b) => b,
        Err(e) => return limits::body_error_response(&e),
    };
    #[derive(serde::Deserialize)]
    struct Req {
        code: String,
    }
    let code = serde_json::from_slice::<Req>(&body).ok().map(|r| r.code);
    let malformed = code.is_none();
    let db = state.db.clone();
    let res = tokio::task::spawn_blocking(move || {
        let conn = db.get();
        let now = chrono::Utc::now();
        let res = match &code {
            Some(code) => crate::enroll::redeem(&*conn, code, now),
            None => Err(crate::enroll::EnrollError::Refused),
        };
        if matches!(res, Err(crate::enroll::EnrollError::Refused)) {
            limit
                .record_failure(&*conn, &client, now)
                .map_err(|_| None)?;
        }
        res.map_err(Some)
    })
    .await;
    match res {
        Ok(Ok(e)) => axum::Json(serde_json::json!({
            "token": e.token,
            "county": e.county,
            "agency_kind": e.agency_kind,
        }))
        .into_response(),
        Ok(Err(Some(crate::enroll::EnrollError::Refused))) if malformed => plain(
            StatusCode::BAD_REQUEST,
            "the body must be {\"code\": \"...\"}",
        ),
        Ok(Err(Some(crate::enroll::EnrollError::Refused))) => {
            plain(StatusCode::FORBIDDEN, "the enrollment code is not valid")
        }
        _ => plain(
            StatusCode::INTERNAL_SERVER_ERROR,
            "could not enroll the device",
        ),
    }
}
