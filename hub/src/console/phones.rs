//! The phones page: enrollment codes and enrolled devices, over the
//! `enroll` module's functions (the same ones `fyr hub enroll-codes` and
//! `fyr hub devices` call). A new code is shown once, as text and as a QR
//! code (SVG, `qrcode` crate); the database keeps only its hash. Admins see
//! every county; a coordinator issues codes for, lists and revokes only
//! their own county's devices; analysts have no access.

use super::{audit, i18n, labels, rights, Authed, Console, Role};
use crate::enroll::{self, CodeInfo, DeviceInfo, IssuedCode};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use minijinja::context;
use std::sync::Arc;

fn visible(role: &Role, county: &str) -> bool {
    match role {
        Role::Admin => true,
        Role::Coordinator(c) => c == county,
        Role::Analyst => false,
    }
}

/// The confirmation that shows a new code once: as text, its QR code (of
/// the configured hub address, never the request's Host header) and the QR
/// payload and hub address as text, so a field worker can type them.
fn issued_flash(i: &IssuedCode, hub: &str, lang: &str) -> minijinja::Value {
    context! {
        message => i18n::text(lang, "new_code"),
        issued => context! {
            display => i.display, payload => i.qr_payload, hub => hub,
            county => labels::county(&i.county), kind => labels::agency_kind(&i.agency_kind, lang),
            expires => labels::when(i.expires, lang),
        },
    }
}

/// A flash as it is shown: an issued code's QR drawn from its payload here
/// (the stored flash holds data only, never markup).
pub(super) fn with_qr(f: serde_json::Value) -> minijinja::Value {
    let qr = f
        .pointer("/issued/payload")
        .and_then(|p| p.as_str())
        .map(qr_svg);
    let f = minijinja::Value::from_serialize(&f);
    match qr {
        Some(svg) => minijinja::context! {
            issued => minijinja::context! {
                qr => minijinja::Value::from_safe_string(svg),
                ..f.get_attr("issued").unwrap_or_default()
            },
            ..f
        },
        None => f,
    }
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

fn render(c: &Console, a: &Authed, error: Option<String>, status: StatusCode) -> Response {
    let conn = c.conn();
    let now = chrono::Utc::now();
    let codes: Vec<CodeInfo> = enroll::list_codes(&*conn, now)
        .unwrap_or_default()
        .into_iter()
        .filter(|k| visible(&a.user.role, &k.county))
        .collect();
    let devices: Vec<DeviceInfo> = enroll::list_devices(&*conn)
        .unwrap_or_default()
        .into_iter()
        .filter(|d| visible(&a.user.role, &d.county))
        .collect();
    drop(conn);
    let counties: Vec<&str> = match &a.user.role {
        Role::Coordinator(cc) => vec![cc.as_str()],
        _ => vec!["07", "23"],
    };
    let kinds = labels::agency_kinds(a.lang);
    let county_names: Vec<(String, String)> = counties
        .iter()
        .map(|c| (c.to_string(), labels::county(c)))
        .collect();
    let codes: Vec<minijinja::Value> = codes
        .into_iter()
        .map(|k| context! { id => k.id, county => labels::county(&k.county), kind => labels::agency_kind(&k.agency_kind, a.lang), created => labels::when_text(&k.created, a.lang), expires => labels::when_text(&k.expires, a.lang), state => k.state })
        .collect();
    let devices: Vec<minijinja::Value> = devices
        .into_iter()
        .map(|d| context! { id => d.id, county => labels::county(&d.county), kind => labels::agency_kind(&d.agency_kind, a.lang), enrolled => labels::day(&d.enrolled, a.lang), last_seen => d.last_seen.map(|s| labels::day(&s, a.lang)), revoked => d.revoked })
        .collect();
    let mut r = c.page(a, "phones.html", context! { codes, devices, counties => county_names, kinds, error, hub => c.hub_url(), max_hours => enroll::MAX_EXPIRES_HOURS, default_hours => enroll::DEFAULT_EXPIRES_HOURS });
    *r.status_mut() = status;
    r
}

pub(crate) async fn page(State(c): State<Arc<Console>>, a: Authed) -> Response {
    if !rights::can_read_directory(&a.user.role) {
        return c.forbidden(&a, i18n::text(a.lang, "no_directory"));
    }
    render(&c, &a, None, StatusCode::OK)
}

pub(crate) async fn change(
    State(c): State<Arc<Console>>,
    a: Authed,
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
            let Some(hub) = c.hub_url() else {
                return render(
                    &c,
                    &a,
                    Some(i18n::text(a.lang, "no_hub_url").to_string()),
                    StatusCode::UNPROCESSABLE_ENTITY,
                );
            };
            let res = {
                let issued =
                    enroll::create_code(&*c.conn(), &county, &get("agency_kind"), hours, &hub, now);
                issued.and_then(|i| {
                    audit::record(&c.conn(), &a.user.name, "enroll.code", &i.id, None, Some(&serde_json::json!({"county": i.county, "agency_kind": i.agency_kind, "expires": i.expires})))?;
                    Ok(i)
                })
            };
            match res {
                // Shown once, on the page after the redirect; the database keeps its hash only.
                Ok(i) => c.done(&a, "/console/phones", issued_flash(&i, &hub, a.lang)),
                Err(e) => render(
                    &c,
                    &a,
                    Some(e.to_string()),
                    StatusCode::UNPROCESSABLE_ENTITY,
                ),
            }
        }
        action @ ("revoke" | "reinstate") => {
            let revoke = action == "revoke";
            let id = get("device");
            let conn = c.conn();
            let Some(d) = enroll::list_devices(&*conn)
                .unwrap_or_default()
                .into_iter()
                .find(|d| d.id == id)
            else {
                drop(conn);
                return c.not_found(&a, i18n::text(a.lang, "no_such_device"));
            };
            if !visible(&a.user.role, &d.county) {
                drop(conn);
                return c.forbidden(&a, i18n::text(a.lang, "not_your_county"));
            }
            let res = if revoke {
                enroll::revoke_device(&*conn, &id, now)
            } else {
                enroll::reinstate_device(&*conn, &id)
            };
            drop(conn);
            let res = res.and_then(|_| {
                audit::record(
                    &c.conn(),
                    &a.user.name,
                    if revoke {
                        "enroll.revoke"
                    } else {
                        "enroll.reinstate"
                    },
                    &id,
                    Some(&serde_json::json!({"revoked": d.revoked})),
                    Some(&serde_json::json!({"revoked": revoke})),
                )?;
                Ok(())
            });
            let what = format!(
                "{} · {}",
                labels::county(&d.county),
                labels::agency_kind(&d.agency_kind, a.lang)
            );
            match res {
                // Revoking is undone by reinstating (cheap: the device row stays).
                Ok(()) => c.done(
                    &a,
                    "/console/phones",
                    context! {
                        message => format!("{} {id} ({what})", i18n::text(a.lang, if revoke { "revoked_done" } else { "reinstated_done" })),
                        undo => revoke.then(|| context! { action => "/console/phones", fields => vec![("action", "reinstate"), ("device", id.as_str())], label => format!("{} {id}", i18n::text(a.lang, "reinstate")) }),
                    },
                ),
                Err(e) => render(
                    &c,
                    &a,
                    Some(e.to_string()),
                    StatusCode::UNPROCESSABLE_ENTITY,
                ),
            }
        }
        _ => c.bad_request(&a, i18n::text(a.lang, "phones_action_rule")),
    }
}
