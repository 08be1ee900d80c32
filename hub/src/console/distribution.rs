//! The distribution settings as their own admin action: where devices sync
//! (feed URL, mirrors), the hub's address and how often phones check. The
//! change is shown as a diff and asked to be confirmed; the trusted keys in
//! the same file are never shown as editable here and are kept exactly as
//! they are (key changes are not a console action). Checked by the core's
//! `Distribution::from_toml`; audited with before and after; stale saves
//! refused like every edit form.

use super::{audit, i18n, rights, Authed, Console};
use crate::db::Sql;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use fyr_core::distribution::FILE;
use minijinja::context;
use sha2::{Digest, Sha256};
use std::sync::Arc;

/// The settings a console admin changes.
const SETTINGS: [&str; 4] = ["feed_url", "hub_url", "mirrors", "check_interval_hours"];

pub(crate) fn etag(text: &str) -> String {
    hex::encode(&Sha256::digest(text.as_bytes())[..12])
}

fn table(text: &str) -> toml::Table {
    text.parse::<toml::Table>().unwrap_or_default()
}

fn show(t: &toml::Table, k: &str) -> String {
    match t.get(k) {
        Some(toml::Value::String(s)) => s.clone(),
        Some(toml::Value::Integer(i)) => i.to_string(),
        Some(toml::Value::Array(a)) => a
            .iter()
            .filter_map(|v| v.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        Some(v) => v.to_string(),
        None => String::new(),
    }
}

/// The four settings as the form shows them (mirrors one per line).
pub(crate) fn settings_of(text: &str) -> minijinja::Value {
    let t = table(text);
    minijinja::Value::from_serialize(
        SETTINGS
            .iter()
            .map(|k| (k.to_string(), show(&t, k)))
            .collect::<std::collections::BTreeMap<_, _>>(),
    )
}

/// The file with the submitted settings put in and everything else kept.
fn apply(text: &str, f: &[(String, String)]) -> Result<String, String> {
    let mut t = table(text);
    let get = |k: &str| {
        f.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    t.insert("feed_url".into(), toml::Value::String(get("feed_url")));
    t.insert("hub_url".into(), toml::Value::String(get("hub_url")));
    t.insert(
        "mirrors".into(),
        toml::Value::Array(
            get("mirrors")
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(|l| toml::Value::String(l.to_string()))
                .collect(),
        ),
    );
    let hours: i64 = get("check_interval_hours")
        .parse()
        .map_err(|_| "check_interval_hours: a whole number of hours (1–168)".to_string())?;
    t.insert("check_interval_hours".into(), toml::Value::Integer(hours));
    toml::to_string(&t).map_err(|e| e.to_string())
}

pub(crate) async fn save(
    State(c): State<Arc<Console>>,
    a: Authed,
    Form(f): Form<Vec<(String, String)>>,
) -> Response {
    if !rights::is_admin(&a.user.role) {
        return c.forbidden(&a, i18n::text(a.lang, "admins_only"));
    }
    let get = |k: &str| {
        f.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let current: String = c
        .conn()
        .row(
            "SELECT text FROM console_files WHERE path = $1",
            &[FILE.into()],
        )
        .ok()
        .flatten()
        .and_then(|r| r.text(0).ok())
        .unwrap_or_default();
    let refuse = |errors: Vec<String>, status: StatusCode| {
        let mut r = c.page(
            &a,
            "confirm.html",
            context! { title => i18n::text(a.lang, "distribution"), errors, rows => Vec::<(String, String, String)>::new() },
        );
        *r.status_mut() = status;
        r
    };
    if get("etag") != etag(&current) {
        return refuse(
            vec![i18n::text(a.lang, "stale_settings").to_string()],
            StatusCode::CONFLICT,
        );
    }
    let next = match apply(&current, &f) {
        Ok(t) => t,
        Err(e) => return refuse(vec![e], StatusCode::UNPROCESSABLE_ENTITY),
    };
    if let Err(errs) =
        fyr_core::distribution::Distribution::from_toml(&format!("content/{FILE}"), &next)
    {
        return refuse(errs, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let (before, after) = (table(&current), table(&next));
    let rows: Vec<(String, String, String)> = SETTINGS
        .iter()
        .filter(|k| show(&before, k) != show(&after, k))
        .map(|k| {
            (
                i18n::text(a.lang, &format!("dist_{k}")).to_string(),
                show(&before, k),
                show(&after, k),
            )
        })
        .collect();
    if get("confirm") != "1" {
        let fields: Vec<(String, String)> = f
            .iter()
            .filter(|(k, _)| k != "csrf" && k != "confirm")
            .cloned()
            .collect();
        return c.page(
            &a,
            "confirm.html",
            context! {
                title => i18n::text(a.lang, "distribution"), rows, fields,
                action => "/console/publish/distribution",
                explain => i18n::text(a.lang, "dist_confirm"),
                button => i18n::text(a.lang, "save"),
                errors => Vec::<String>::new(),
            },
        );
    }
    let conn = c.conn();
    let res = conn
        .exec(
            "INSERT INTO console_files (path, text) VALUES ($1, $2)
             ON CONFLICT (path) DO UPDATE SET text = excluded.text",
            &[FILE.into(), (&next).into()],
        )
        .and_then(|_| {
            audit::record(
                &conn,
                &a.user.name,
                "distribution.settings",
                FILE,
                Some(&serde_json::json!(rows
                    .iter()
                    .map(|r| (r.0.clone(), r.1.clone()))
                    .collect::<Vec<_>>())),
                Some(&serde_json::json!(rows
                    .iter()
                    .map(|r| (r.0.clone(), r.2.clone()))
                    .collect::<Vec<_>>())),
            )
        });
    drop(conn);
    match res {
        Ok(()) => c.done(
            &a,
            "/console/publish",
            context! { message => i18n::text(a.lang, "saved_publish") },
        ),
        Err(e) => refuse(vec![e.to_string()], StatusCode::INTERNAL_SERVER_ERROR),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn settings_change_and_keys_stay() {
        let text = "feed_url = \"http://a/feed/\"\nmirrors = []\nhub_url = \"http://a/\"\ntrusted_keys = [\"ab\"]\nnext_keys = []\nretired_keys = []\ncheck_interval_hours = 6\n";
        let f: Vec<(String, String)> = [
            ("feed_url", "http://b/feed/"),
            ("hub_url", "http://b/"),
            ("mirrors", "http://m1/feed/\nhttp://m2/feed/"),
            ("check_interval_hours", "12"),
            ("trusted_keys", "evil"),
        ]
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect();
        let out = super::apply(text, &f).unwrap();
        let t = super::table(&out);
        assert_eq!(t["hub_url"].as_str(), Some("http://b/"));
        assert_eq!(t["mirrors"].as_array().unwrap().len(), 2);
        assert_eq!(
            t["trusted_keys"].as_array().unwrap()[0].as_str(),
            Some("ab")
        );
    }
}
