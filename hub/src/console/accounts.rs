//! Account pages: admins add, disable and re-enable accounts; everyone
//! changes their own password. Passwords are checked by the policy in
//! `users::check_password` (zxcvbn) and hashed off the async executor and
//! without the database lock. Every field's error is shown at once beside
//! its field, and the form keeps what was typed.

use super::users::{self, Role};
use super::{audit, i18n, labels, rights, Authed, Console};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Form;
use minijinja::context;
use std::collections::BTreeMap;
use std::sync::Arc;

type FormPairs = Vec<(String, String)>;

fn get(f: &FormPairs, k: &str) -> String {
    f.iter()
        .find(|(n, _)| n == k)
        .map(|(_, v)| v.clone())
        .unwrap_or_default()
}

fn pick(lang: &str, e: (String, String)) -> String {
    if lang == "en" {
        e.1
    } else {
        e.0
    }
}

async fn hash(password: String) -> Result<String, String> {
    tokio::task::spawn_blocking(move || users::hash_password(&password))
        .await
        .map_err(|e| e.to_string())?
}

fn users_render(
    c: &Console,
    a: &Authed,
    errors: BTreeMap<&'static str, String>,
    input: BTreeMap<&'static str, String>,
) -> Response {
    let users = users::all(&c.conn()).unwrap_or_default();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let mut r = c.page(
        a,
        "users.html",
        context! { users, errors, input, counties => labels::counties(), min_score => users::MIN_PASSWORD_SCORE },
    );
    *r.status_mut() = status;
    r
}

pub(crate) async fn users_page(State(c): State<Arc<Console>>, a: Authed) -> Response {
    if !rights::is_admin(&a.user.role) {
        return c.forbidden(&a, i18n::text(a.lang, "admins_only"));
    }
    users_render(&c, &a, BTreeMap::new(), BTreeMap::new())
}

/// Admins add, disable and re-enable accounts.
pub(crate) async fn users_change(
    State(c): State<Arc<Console>>,
    a: Authed,
    Form(f): Form<FormPairs>,
) -> Response {
    if !rights::is_admin(&a.user.role) {
        return c.forbidden(&a, i18n::text(a.lang, "admins_only"));
    }
    let t = |k| i18n::text(a.lang, k);
    let name = users::normalize_name(&get(&f, "name"));
    match get(&f, "action").as_str() {
        "add" => {
            let (role, county, password) =
                (get(&f, "role"), get(&f, "county"), get(&f, "password"));
            let mut errors = BTreeMap::new();
            let county_opt = (role == "coordinator").then_some(county.as_str());
            if role == "coordinator" && !labels::counties().iter().any(|(c, _)| *c == county) {
                errors.insert("county", t("county_required").to_string());
            }
            let parsed = Role::parse(&role, county_opt.filter(|c| !c.is_empty()));
            if parsed.is_err() && !errors.contains_key("county") {
                errors.insert("role", t("role_required").to_string());
            }
            if !users::valid_name_pub(&name) {
                errors.insert("name", t("user_name_rule").to_string());
            } else if users::get(&c.conn(), &name).ok().flatten().is_some() {
                errors.insert("name", t("user_exists").to_string());
            }
            if let Err(e) = users::check_password(&password, &name) {
                errors.insert("password", pick(a.lang, e));
            }
            let input: BTreeMap<&'static str, String> = [
                ("name", name.clone()),
                ("role", role.clone()),
                ("county", county.clone()),
                ("password", password.clone()),
            ]
            .into();
            if !errors.is_empty() {
                return users_render(&c, &a, errors, input);
            }
            let role = parsed.expect("checked");
            let hash = match hash(password).await {
                Ok(h) => h,
                Err(e) => {
                    return users_render(&c, &a, [("password", e)].into(), input);
                }
            };
            let conn = c.conn();
            let res = users::insert_hash(&conn, &name, &role, &hash).and_then(|_| {
                audit::record(
                    &conn,
                    &a.user.name,
                    "user.add",
                    &name,
                    None,
                    Some(&serde_json::json!({"role": role})),
                )
                .map_err(|e| e.to_string())
            });
            drop(conn);
            match res {
                Ok(()) => c.done(
                    &a,
                    "/console/users",
                    context! { message => format!("{} {name}", t("user_added")) },
                ),
                Err(e) => users_render(&c, &a, [("name", e)].into(), input),
            }
        }
        "disable" | "enable" if name == a.user.name => users_render(
            &c,
            &a,
            [("list", t("not_yourself").to_string())].into(),
            BTreeMap::new(),
        ),
        action @ ("disable" | "enable") => {
            let conn = c.conn();
            let res = if action == "disable" {
                users::set_disabled(&conn, &name)
            } else {
                users::set_enabled(&conn, &name)
            }
            .and_then(|_| {
                audit::record(
                    &conn,
                    &a.user.name,
                    &format!("user.{action}"),
                    &name,
                    Some(&serde_json::json!({"disabled": action == "enable"})),
                    Some(&serde_json::json!({"disabled": action == "disable"})),
                )
                .map_err(|e| e.to_string())
            });
            drop(conn);
            match res {
                // Disabling is undone by enabling: the confirmation offers it.
                Ok(()) => c.done(
                    &a,
                    "/console/users",
                    context! {
                        message => format!("{} {name}", t(if action == "disable" { "user_disabled" } else { "user_enabled" })),
                        undo => (action == "disable").then(|| context! { action => "/console/users", fields => vec![("action", "enable"), ("name", name.as_str())], label => format!("{} {name}", t("enable")) }),
                    },
                ),
                Err(e) => users_render(&c, &a, [("list", e)].into(), BTreeMap::new()),
            }
        }
        other => users_render(
            &c,
            &a,
            [("list", format!("unknown action '{other}'"))].into(),
            BTreeMap::new(),
        ),
    }
}

pub(crate) async fn own_page(State(c): State<Arc<Console>>, a: Authed) -> Response {
    c.page(
        &a,
        "account.html",
        context! { errors => BTreeMap::<String, String>::new() },
    )
}

/// Changes one's own password: the current one, then the new one twice.
/// Other sessions of the account end; this one goes on under a new login.
pub(crate) async fn own_change(
    State(c): State<Arc<Console>>,
    a: Authed,
    Form(f): Form<FormPairs>,
) -> Response {
    let t = |k| i18n::text(a.lang, k);
    let (current, new, again) = (get(&f, "current"), get(&f, "new"), get(&f, "again"));
    let stored = users::get(&c.conn(), &a.user.name).ok().flatten();
    let hash_now = stored.map(|(_, h)| h).unwrap_or_default();
    let ok = tokio::task::spawn_blocking(move || users::verify_password(&hash_now, &current))
        .await
        .unwrap_or(false);
    let mut errors = BTreeMap::new();
    if !ok {
        errors.insert("current", t("current_wrong").to_string());
    }
    if let Err(e) = users::check_password(&new, &a.user.name) {
        errors.insert("new", pick(a.lang, e));
    }
    if new != again {
        errors.insert("again", t("passwords_differ").to_string());
    }
    if !errors.is_empty() {
        let mut r = c.page(&a, "account.html", context! { errors });
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return r;
    }
    let hash = match hash(new).await {
        Ok(h) => h,
        Err(e) => {
            let mut r = c.page(
                &a,
                "account.html",
                context! { errors => [("new", e)].into_iter().collect::<BTreeMap<_, _>>() },
            );
            *r.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            return r;
        }
    };
    let conn = c.conn();
    let res = users::store_hash(&conn, &a.user.name, &hash).and_then(|_| {
        audit::record(
            &conn,
            &a.user.name,
            "user.own-password",
            &a.user.name,
            None,
            None,
        )
        .map_err(|e| e.to_string())
    });
    drop(conn);
    match res {
        // Every session of the account ended with the change: log in again.
        Ok(()) => axum::response::IntoResponse::into_response(axum::response::Redirect::to(
            "/console/login",
        )),
        Err(e) => {
            let mut r = c.page(
                &a,
                "account.html",
                context! { errors => [("new", e)].into_iter().collect::<BTreeMap<_, _>>() },
            );
            *r.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
            r
        }
    }
}
