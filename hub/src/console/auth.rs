//! Login, sessions and CSRF.
//!
//! A session is a random 256-bit token in an HttpOnly, SameSite=Strict cookie
//! (Secure behind TLS); the database keeps only its sha256, the user, a
//! per-session CSRF token and its times. Sessions end after 2 hours idle or
//! 12 hours in all, at logout, and when the account is disabled or its
//! password changes. Every POST under /console/ except the login itself must
//! carry the session's CSRF token (`csrf` form field), checked in one
//! middleware before any handler runs. Failed logins are limited per account:
//! 5 in 15 minutes, then the account's login is refused until they age out.

use super::users::{self, User};
use super::{i18n, Console};
use axum::body::{to_bytes, Body};
use axum::extract::{FromRequestParts, Path as UrlPath, Request, State};
use axum::http::{header, request::Parts, HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use rusqlite::{params, OptionalExtension};
use sha2::{Digest, Sha256};
use std::sync::Arc;

pub const COOKIE: &str = "fyr_console";
pub const LANG_COOKIE: &str = "fyr_lang";
pub const IDLE_SECS: i64 = 2 * 3600;
pub const MAX_SECS: i64 = 12 * 3600;
pub const MAX_FAILURES: i64 = 5;
pub const FAILURE_WINDOW_SECS: i64 = 15 * 60;
const MAX_FORM_BYTES: usize = 1 << 20;

/// A logged-in, enabled account on this request.
pub(crate) struct Authed {
    pub user: User,
    pub csrf: String,
    pub lang: &'static str,
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
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

/// The session of a request: (user, csrf) when valid; refreshes its idle time.
fn session(c: &Console, headers: &HeaderMap) -> Option<(User, String)> {
    let token = cookie(headers, COOKIE)?;
    let h = token_hash(token);
    let conn = c.conn();
    let t = now();
    conn.execute(
        "DELETE FROM console_sessions WHERE seen < ?1 OR created < ?2",
        params![t - IDLE_SECS, t - MAX_SECS],
    )
    .ok()?;
    let (name, csrf): (String, String) = conn
        .query_row(
            "SELECT user, csrf FROM console_sessions WHERE token_hash = ?1",
            [&h],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        .ok()??;
    let (user, _) = users::get(&conn, &name).ok()??;
    if user.disabled {
        return None;
    }
    conn.execute(
        "UPDATE console_sessions SET seen = ?2 WHERE token_hash = ?1",
        params![h, t],
    )
    .ok()?;
    Some((user, csrf))
}

impl FromRequestParts<Arc<Console>> for Authed {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, c: &Arc<Console>) -> Result<Self, Response> {
        match session(c, &parts.headers) {
            Some((user, csrf)) => Ok(Authed {
                user,
                csrf,
                lang: lang_of(&parts.headers),
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
    lang: &'static str,
    error: Option<&str>,
    status: StatusCode,
) -> Response {
    let mut r = c.render(
        "login.html",
        minijinja::context! { t => i18n::texts(lang), lang, error },
    );
    *r.status_mut() = status;
    r
}

pub(crate) async fn login_page(State(c): State<Arc<Console>>, headers: HeaderMap) -> Response {
    login_form(&c, lang_of(&headers), None, StatusCode::OK)
}

pub(crate) async fn login(
    State(c): State<Arc<Console>>,
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
    let (name, password) = (get("name").trim().to_lowercase(), get("password"));
    let key = format!("user:{name}");
    let t = now();
    let conn = c.conn();
    let _ = conn.execute(
        "DELETE FROM console_login_failures WHERE at < ?1",
        [t - FAILURE_WINDOW_SECS],
    );
    let failures: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM console_login_failures WHERE key = ?1",
            [&key],
            |r| r.get(0),
        )
        .unwrap_or(0);
    if failures >= MAX_FAILURES {
        drop(conn);
        return login_form(
            &c,
            lang,
            Some(i18n::text(lang, "login_limited")),
            StatusCode::TOO_MANY_REQUESTS,
        );
    }
    let ok = users::get(&conn, &name)
        .ok()
        .flatten()
        .filter(|(u, hash)| users::verify_password(hash, &password) && !u.disabled);
    let Some((user, _)) = ok else {
        let _ = conn.execute(
            "INSERT INTO console_login_failures (key, at) VALUES (?1, ?2)",
            params![key, t],
        );
        drop(conn);
        return login_form(
            &c,
            lang,
            Some(i18n::text(lang, "login_failed")),
            StatusCode::UNAUTHORIZED,
        );
    };
    let token = hex::encode(rand::random::<[u8; 32]>());
    let csrf = hex::encode(rand::random::<[u8; 32]>());
    let _ = conn.execute(
        "INSERT INTO console_sessions (token_hash, user, csrf, created, seen) VALUES (?1, ?2, ?3, ?4, ?4)",
        params![token_hash(&token), user.name, csrf, t],
    );
    let _ = conn.execute("DELETE FROM console_login_failures WHERE key = ?1", [&key]);
    drop(conn);
    (
        [(
            header::SET_COOKIE,
            set_cookie(&c, &headers, COOKIE, &token, MAX_SECS),
        )],
        Redirect::to("/console/"),
    )
        .into_response()
}

pub(crate) async fn logout(State(c): State<Arc<Console>>, headers: HeaderMap) -> Response {
    if let Some(token) = cookie(&headers, COOKIE) {
        let _ = c.conn().execute(
            "DELETE FROM console_sessions WHERE token_hash = ?1",
            [token_hash(token)],
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

/// Every POST (but the login) needs a live session and its CSRF token.
pub(crate) async fn csrf_guard(
    State(c): State<Arc<Console>>,
    req: Request,
    next: Next,
) -> Response {
    if req.method() != Method::POST || req.uri().path() == "/console/login" {
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
    let Some((_, csrf)) = session(&c, req.headers()) else {
        return refuse(i18n::text(lang, "no_session"));
    };
    // A file upload (multipart) carries the token in its URL (`?csrf=`).
    let multipart = req
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if multipart {
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
    let sent: Option<String> = serde_urlencoded_pairs(&bytes)
        .into_iter()
        .find(|(k, _)| k == "csrf")
        .map(|(_, v)| v);
    let ok = sent.is_some_and(|s| {
        s.len() == csrf.len()
            && s.bytes()
                .zip(csrf.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
    });
    if !ok {
        return refuse(i18n::text(lang, "bad_csrf"));
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
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
