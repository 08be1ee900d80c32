//! Login, sessions and CSRF.
//!
//! A session is a random 256-bit token in an HttpOnly, SameSite=Strict cookie
//! (Secure behind TLS); the database keeps only its sha256, the user, a
//! per-session CSRF token and its times. Sessions end after 2 hours idle or
//! 12 hours in all, at logout, and when the account is disabled or its
//! password changes. Every POST under /console/ except the login itself must
//! carry the session's CSRF token (`csrf` form field), checked in one
//! middleware before any handler runs; the login form carries its own token
//! (a cookie and a form field that must match). Failed logins slow down per
//! account and per address (`throttle.rs`), never locking the owner out.
//! Every form body and query string is checked (UTF-8, bounded values) in
//! the same middleware before any handler. A form posted after the session
//! ended is kept (an hour at most) and offered again after the next login.

use super::users::{self, User};
use super::{i18n, inputs, throttle, Console};
use crate::db::Sql;
use axum::body::{to_bytes, Body};
use axum::extract::{ConnectInfo, FromRequestParts, Path as UrlPath, Request, State};
use axum::http::{header, request::Parts, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use sha2::{Digest, Sha256};
use std::sync::Arc;

pub const COOKIE: &str = "fyr_console";
pub const LANG_COOKIE: &str = "fyr_lang";
pub const IDLE_SECS: i64 = 2 * 3600;
pub const MAX_SECS: i64 = 12 * 3600;
pub const LOGIN_COOKIE: &str = "fyr_login";
pub const PENDING_COOKIE: &str = "fyr_pending";
const MAX_FORM_BYTES: usize = 1 << 20;

/// A logged-in, enabled account on this request.
pub(crate) struct Authed {
    pub user: User,
    pub csrf: String,
    pub lang: &'static str,
    /// The session's cookie (this request only: it seals the session's
    /// flash, `console::flash`) and its hash (the session's row).
    pub token: String,
    pub token_hash: String,
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|p| p.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

pub(crate) fn lang_of(headers: &HeaderMap) -> &'static str {
    match cookie(headers, LANG_COOKIE) {
        Some("en") => "en",
        _ => "sv",
    }
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The session of a request: (user, csrf, cookie, its hash) when valid;
/// refreshes its idle time.
fn session(c: &Console, headers: &HeaderMap) -> Option<(User, String, String, String)> {
    let token = cookie(headers, COOKIE)?;
    let h = token_hash(token);
    let conn = c.conn();
    let t = now();
    conn.exec(
        "DELETE FROM console_sessions WHERE seen < $1 OR created < $2",
        &[(t - IDLE_SECS).into(), (t - MAX_SECS).into()],
    )
    .ok()?;
    let r = conn
        .row(
            r#"SELECT "user", csrf FROM console_sessions WHERE token_hash = $1"#,
            &[(&h).into()],
        )
        .ok()??;
    let (name, csrf) = (r.text(0).ok()?, r.text(1).ok()?);
    let (user, _) = users::get(&conn, &name).ok()??;
    if user.disabled {
        return None;
    }
    conn.exec(
        "UPDATE console_sessions SET seen = $2 WHERE token_hash = $1",
        &[(&h).into(), t.into()],
    )
    .ok()?;
    Some((user, csrf, token.to_string(), h))
}

impl FromRequestParts<Arc<Console>> for Authed {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, c: &Arc<Console>) -> Result<Self, Response> {
        match session(c, &parts.headers) {
            Some((user, csrf, token, token_hash)) => Ok(Authed {
                user,
                csrf,
                lang: lang_of(&parts.headers),
                token,
                token_hash,
            }),
            None => Err(Redirect::to("/console/login").into_response()),
        }
    }
}

fn secure(c: &Console, headers: &HeaderMap) -> bool {
    c.secure
        || headers
            .get("x-forwarded-proto")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("https"))
}

fn set_cookie(c: &Console, headers: &HeaderMap, name: &str, value: &str, max_age: i64) -> String {
    format!(
        "{name}={value}; Path=/console; HttpOnly; SameSite=Strict; Max-Age={max_age}{}",
        if secure(c, headers) { "; Secure" } else { "" }
    )
}

fn login_form(
    c: &Console,
    headers: &HeaderMap,
    lang: &'static str,
    error: Option<&str>,
    status: StatusCode,
    name: &str,
) -> Response {
    // Login CSRF: a random value in a cookie and in the form; a login
    // posted from elsewhere has no matching pair.
    let token = hex::encode(rand::random::<[u8; 16]>());
    let pending = cookie(headers, PENDING_COOKIE).is_some();
    let mut r = c.render(
        "login.html",
        minijinja::context! { t => i18n::texts(lang), lang, error, login_csrf => token, name, pending },
    );
    *r.status_mut() = status;
    if let Ok(v) = set_cookie(c, headers, LOGIN_COOKIE, &token, 3600).parse() {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

pub(crate) async fn login_page(State(c): State<Arc<Console>>, headers: HeaderMap) -> Response {
    login_form(&c, &headers, lang_of(&headers), None, StatusCode::OK, "")
}

/// Computes the dummy hash ahead of the first login (on a thread of its
/// own, so neither startup nor the first unknown name pays for it).
pub(crate) fn warm() {
    std::thread::spawn(|| {
        dummy_hash();
    });
}

/// A hash to verify unknown names against, so that an unknown user takes
/// as long as a wrong password.
fn dummy_hash() -> &'static str {
    static H: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    H.get_or_init(|| {
        users::hash_password(&hex::encode(rand::random::<[u8; 16]>())).unwrap_or_default()
    })
}

pub(crate) async fn login(
    State(c): State<Arc<Console>>,
    ConnectInfo(peer): ConnectInfo<std::net::SocketAddr>,
    headers: HeaderMap,
    axum::Form(f): axum::Form<Vec<(String, String)>>,
) -> Response {
    let lang = lang_of(&headers);
    let get = |k: &str| {
        f.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let (name, password) = (users::normalize_name(&get("name")), get("password"));
    let sent = get("login_csrf");
    if sent.is_empty() || cookie(&headers, LOGIN_COOKIE) != Some(sent.as_str()) {
        return login_form(
            &c,
            &headers,
            lang,
            Some(i18n::text(lang, "login_csrf")),
            StatusCode::FORBIDDEN,
            &name,
        );
    }
    // The client, not a reverse proxy in front (`--trusted-proxy`); an
    // IPv6 client by its /64.
    let ip = crate::proxy::rate_key(c.proxies.client(peer.ip(), &headers));
    let t = now();
    // Counted from its start (parallel guesses all count), settled below.
    let attempt = hex::encode(rand::random::<[u8; 16]>());
    let (wait, stored) = {
        let conn = c.conn();
        // A database that cannot count refuses the login rather than
        // letting guesses through uncounted.
        let wait = throttle::begin(&conn, &name, &ip, &attempt, now_ms()).unwrap_or(1000);
        let wait = throttle::secs(wait);
        let stored = if wait > 0 {
            None
        } else {
            users::get(&conn, &name).ok().flatten()
        };
        (wait, stored)
    };
    if wait > 0 {
        let msg = i18n::text(lang, "login_wait").replace("{n}", &wait.to_string());
        let mut r = login_form(
            &c,
            &headers,
            lang,
            Some(&msg),
            StatusCode::TOO_MANY_REQUESTS,
            &name,
        );
        r.headers_mut().insert(
            header::RETRY_AFTER,
            wait.to_string().parse().expect("digits"),
        );
        return r;
    }
    // The slow hash runs off the async executor and without the database
    // lock; an unknown name is checked against a dummy hash.
    let hash = stored.as_ref().map(|(_, h)| h.clone());
    let pw = password.clone();
    let good = tokio::task::spawn_blocking(move || {
        let known = hash.is_some();
        let ok = users::verify_password(hash.as_deref().unwrap_or_else(|| dummy_hash()), &pw);
        known && ok
    })
    .await
    .unwrap_or(false);
    let user = stored.filter(|(u, _)| good && !u.disabled).map(|(u, _)| u);
    let conn = c.conn();
    let Some(user) = user else {
        let _ = throttle::failed(&conn, &attempt, now_ms());
        drop(conn);
        return login_form(
            &c,
            &headers,
            lang,
            Some(i18n::text(lang, "login_failed")),
            StatusCode::UNAUTHORIZED,
            &name,
        );
    };
    let _ = throttle::succeeded(&conn, &user.name, &attempt);
    let token = hex::encode(rand::random::<[u8; 32]>());
    let csrf = hex::encode(rand::random::<[u8; 32]>());
    let _ = conn.exec(
        r#"INSERT INTO console_sessions (token_hash, "user", csrf, created, seen) VALUES ($1, $2, $3, $4, $4)"#,
        &[token_hash(&token).into(), (&user.name).into(), (&csrf).into(), t.into()],
    );
    drop(conn);
    // A form sent after the session ended waits to be sent again.
    let next = if cookie(&headers, PENDING_COOKIE).is_some() {
        "/console/resume"
    } else {
        "/console/"
    };
    let mut r = Redirect::to(next).into_response();
    for v in [
        set_cookie(&c, &headers, COOKIE, &token, MAX_SECS),
        set_cookie(&c, &headers, LOGIN_COOKIE, "", 0),
    ] {
        if let Ok(v) = v.parse() {
            r.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    r
}

pub(crate) async fn logout(State(c): State<Arc<Console>>, headers: HeaderMap) -> Response {
    if let Some(token) = cookie(&headers, COOKIE) {
        let _ = c.conn().exec(
            "DELETE FROM console_sessions WHERE token_hash = $1",
            &[token_hash(token).into()],
        );
    }
    (
        [(header::SET_COOKIE, set_cookie(&c, &headers, COOKIE, "", 0))],
        Redirect::to("/console/login"),
    )
        .into_response()
}

/// Switches the language (a preference cookie only), back to where the user was.
pub(crate) async fn set_lang(
    State(c): State<Arc<Console>>,
    headers: HeaderMap,
    UrlPath(lang): UrlPath<String>,
) -> Response {
    let lang = if lang == "en" { "en" } else { "sv" };
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.find("/console/").map(|i| r[i..].to_string()))
        .unwrap_or_else(|| "/console/".into());
    (
        [(
            header::SET_COOKIE,
            set_cookie(&c, &headers, LANG_COOKIE, lang, 365 * 86400),
        )],
        Redirect::to(&back),
    )
        .into_response()
}

/// Every query string and form body is checked (UTF-8, bounded: 400 that
/// names the field); every POST (but the login) needs a live session and its
/// CSRF token. A form the browser posts after the session ended (same
/// origin) is kept and the user sent to the login, after which it is offered
/// again (`resume`).
pub(crate) async fn csrf_guard(
    State(c): State<Arc<Console>>,
    req: Request,
    next: Next,
) -> Response {
    let bad = |why: String| {
        (
            StatusCode::BAD_REQUEST,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!("{why}\n"),
        )
            .into_response()
    };
    if let Some(q) = req.uri().query() {
        if let Err(e) = inputs::check_encoded(q.as_bytes()) {
            return bad(e);
        }
    }
    if req.method() != Method::POST {
        return next.run(req).await;
    }
    let lang = lang_of(req.headers());
    let refuse = |why: &str| {
        (
            StatusCode::FORBIDDEN,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!("{why}\n"),
        )
            .into_response()
    };
    // A file upload (multipart) carries the token in its URL (`?csrf=`);
    // its body is the handler's to read and bound.
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if multipart {
        let Some((_, csrf, ..)) = session(&c, req.headers()) else {
            return refuse(i18n::text(lang, "no_session"));
        };
        let sent = req
            .uri()
            .query()
            .map(|q| serde_urlencoded_pairs(q.as_bytes()));
        let ok = sent
            .and_then(|p| p.into_iter().find(|(k, _)| k == "csrf"))
            .is_some_and(|(_, s)| same_token(&s, &csrf));
        return if ok {
            next.run(req).await
        } else {
            refuse(i18n::text(lang, "bad_csrf"))
        };
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_FORM_BYTES).await else {
        return (StatusCode::PAYLOAD_TOO_LARGE, "form too large\n").into_response();
    };
    if let Err(e) = inputs::check_encoded(&bytes) {
        return bad(e);
    }
    if parts.uri.path() == "/console/login" {
        return next
            .run(Request::from_parts(parts, Body::from(bytes)))
            .await;
    }
    let Some((_, csrf, ..)) = session(&c, &parts.headers) else {
        if parts.uri.path() != "/console/logout" && same_origin(&parts.headers) {
            return keep_pending(&c, &parts.headers, parts.uri.path(), &bytes);
        }
        return refuse(i18n::text(lang, "no_session"));
    };
    let sent: Option<String> = serde_urlencoded_pairs(&bytes)
        .into_iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v);
    let ok = sent.is_some_and(|s| same_token(&s, &csrf));
    if !ok {
        return refuse(i18n::text(lang, "bad_csrf"));
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

/// A browser's own form: its Origin names this host.
fn same_origin(headers: &HeaderMap) -> bool {
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    let origin = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok());
    match (host, origin) {
        (Some(h), Some(o)) => o.split_once("://").is_some_and(|(_, rest)| rest == h),
        _ => false,
    }
}

const PENDING_SECS: i64 = 3600;

fn keep_pending(c: &Console, headers: &HeaderMap, path: &str, body: &[u8]) -> Response {
    let id = hex::encode(rand::random::<[u8; 16]>());
    let t = now();
    {
        let conn = c.conn();
        let _ = conn.exec(
            "DELETE FROM console_pending WHERE created < $1",
            &[(t - PENDING_SECS).into()],
        );
        let _ = conn.exec(
            "INSERT INTO console_pending (id, path, body, created) VALUES ($1, $2, $3, $4)",
            &[
                token_hash(&id).into(),
                path.into(),
                body.to_vec().into(),
                t.into(),
            ],
        );
    }
    (
        [(
            header::SET_COOKIE,
            set_cookie(c, headers, PENDING_COOKIE, &id, PENDING_SECS),
        )],
        Redirect::to("/console/login"),
    )
        .into_response()
}

/// After a fresh login: the form that was sent when the session had ended,
/// shown field by field with one button that sends it again (with the new
/// session's token). Nothing is saved until the user presses it.
pub(crate) async fn resume(
    State(c): State<Arc<Console>>,
    headers: HeaderMap,
    a: Authed,
) -> Response {
    let row: Option<(String, Vec<u8>)> = cookie(&headers, PENDING_COOKIE).and_then(|id| {
        let conn = c.conn();
        let h = token_hash(id);
        let r = conn
            .row(
                "SELECT path, body FROM console_pending WHERE id = $1 AND created >= $2",
                &[(&h).into(), (now() - PENDING_SECS).into()],
            )
            .ok()
            .flatten()
            .and_then(|r| Some((r.text(0).ok()?, r.blob(1).ok()?)));
        let _ = conn.exec("DELETE FROM console_pending WHERE id = $1", &[h.into()]);
        r
    });
    let clear = set_cookie(&c, &headers, PENDING_COOKIE, "", 0);
    let Some((path, body)) = row else {
        return ([(header::SET_COOKIE, clear)], Redirect::to("/console/")).into_response();
    };
    let fields: Vec<(String, String)> = serde_urlencoded_pairs(&body)
        .into_iter()
        .filter(|(k, _)| k != "csrf")
        .collect();
    let mut r = c.page(&a, "resume.html", minijinja::context! { path, fields });
    if let Ok(v) = clear.parse() {
        r.headers_mut().append(header::SET_COOKIE, v);
    }
    r
}

fn same_token(s: &str, csrf: &str) -> bool {
    s.len() == csrf.len()
        && s.bytes()
            .zip(csrf.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

fn serde_urlencoded_pairs(bytes: &[u8]) -> Vec<(String, String)> {
    serde_urlencoded::from_bytes(bytes).unwrap_or_default()
}
