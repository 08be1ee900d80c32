//! The phones page: enrollment codes and enrolled devices, over the
//! `enroll` module's functions (the same ones `fyr hub enroll-codes` and
//! `fyr hub devices` call). A new code is shown once, as text and as a QR
//! code (SVG, `qrcode` crate); the database keeps only its hash. Admins see
//! every county; a coordinator issues codes for, lists and revokes only
//! their own county's devices; analysts have no access.

use super::{audit, i18n, rights, Authed, Console, Role};
use crate::enroll::{self, CodeInfo, DeviceInfo, IssuedCode};
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Form;
use fyr_core::vocab::AgencyKind;
use minijinja::context;
use std::sync::Arc;

fn visible(role: &Role, county: &str) -> bool {
    match role {
        Role::Admin => true,
        Role::Coordinator(c) => c == county,
        Role::Analyst => false,
    }
}

/// The hub's address as the phone will reach it (for the QR payload).
fn hub_url(headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("127.0.0.1");
    let https = headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("https"));
    format!("{}://{host}", if https { "https" } else { "http" })
}

fn qr_svg(payload: &str) -> String {
    match qrcode::QrCode::new(payload.as_bytes()) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color>()
            .min_dimensions(220, 220)
            .quiet_zone(true)
            .build()
            .replacen("<svg ", "<svg role=\"img\" aria-label=\"QR\" ", 1),
        Err(_) => String::new(),
    }
}

fn render(
    c: &Console,
    a: &Authed,
    issued: Option<(IssuedCode, String)>,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let conn = c.conn();
    let now = chrono::Utc::now();
    let codes: Vec<CodeInfo> = enroll::list_codes(&conn, now)
        .unwrap_or_default()
        .into_iter()
        .filter(|k| visible(&a.user.role, &k.county))
        .collect();
    let devices: Vec<DeviceInfo> = enroll::list_devices(&conn)
        .unwrap_or_default()
        .into_iter()
        .filter(|d| visible(&a.user.role, &d.county))
        .collect();
    drop(conn);
    let counties: Vec<&str> = match &a.user.role {
        Role::Coordinator(cc) => vec![cc.as_str()],
        _ => vec!["07", "23"],
    };
    let en = a.lang == "en";
    let kinds: Vec<(String, String)> = AgencyKind::entries()
        .into_iter()
        .map(|e| (e.id.to_string(), if en { e.en } else { e.sv }.to_string()))
        .collect();
    let (issued, qr) = match issued {
        Some((i, q)) => (Some(i), Some(q)),
        None => (None, None),
    };
    let mut r = c.page(a, "phones.html", context! { codes, devices, counties, kinds, issued, qr, error, max_hours => enroll::MAX_EXPIRES_HOURS, default_hours => enroll::DEFAULT_EXPIRES_HOURS });
    *r.status_mut() = status;
    r
}

pub(crate) async fn page(State(c): State<Arc<Console>>, a: Authed) -> Response {
    if !rights::can_read_directory(&a.user.role) {
        return c.forbidden(&a, i18n::text(a.lang, "no_directory"));
    }
    render(&c, &a, None, None, StatusCode::OK)
}

pub(crate) async fn change(
    State(c): State<Arc<Console>>,
    a: Authed,
    headers: HeaderMap,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    if !rights::can_read_directory(&a.user.role) {
        return c.forbidden(&a, i18n::text(a.lang, "no_directory"));
    }
    let get = |k: &str| {
        f.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let now = chrono::Utc::now();
    match get("action").as_str() {
        "create" => {
            let county = enroll::parse_county(&get("county"))
                .unwrap_or("")
                .to_string();
            if !visible(&a.user.role, &county) {
                return c.forbidden(&a, i18n::text(a.lang, "not_your_county"));
            }
            let hours: u32 = get("hours").parse().unwrap_or(0);
            let res = {
                let conn = c.conn();
                enroll::create_code(&conn, &county, &get("agency_kind"), hours, &hub_url(&headers), now).and_then(|i| {
                    audit::record(&conn, &a.user.name, "enroll.code", &i.id, None, Some(&serde_json::json!({"county": i.county, "agency_kind": i.agency_kind, "expires": i.expires})))?;
                    Ok(i)
                })
            };
            match res {
                Ok(i) => {
                    let qr = qr_svg(&i.qr_payload);
                    render(&c, &a, Some((i, qr)), None, StatusCode::OK)
                }
                Err(e) => render(
                    &c,
                    &a,
                    None,
                    Some(e.to_string()),
                    StatusCode::UNPROCESSABLE_ENTITY,
                ),
            }
        }
        "revoke" => {
            let id = get("device");
            let conn = c.conn();
            let Some(d) = enroll::list_devices(&conn)
                .unwrap_or_default()
                .into_iter()
                .find(|d| d.id == id)
            else {
                drop(conn);
                return (StatusCode::NOT_FOUND, "no such device\n").into_response();
            };
            if !visible(&a.user.role, &d.county) {
                drop(conn);
                return c.forbidden(&a, i18n::text(a.lang, "not_your_county"));
            }
            let res = enroll::revoke_device(&conn, &id, now).and_then(|_| {
                audit::record(
                    &conn,
                    &a.user.name,
                    "enroll.revoke",
                    &id,
                    Some(&serde_json::json!({"revoked": d.revoked})),
                    Some(&serde_json::json!({"revoked": true})),
                )?;
                Ok(())
            });
            drop(conn);
            match res {
                Ok(()) => render(&c, &a, None, None, StatusCode::OK),
                Err(e) => render(
                    &c,
                    &a,
                    None,
                    Some(e.to_string()),
                    StatusCode::UNPROCESSABLE_ENTITY,
                ),
            }
        }
        _ => (StatusCode::BAD_REQUEST, "action must be create or revoke\n").into_response(),
    }
}
