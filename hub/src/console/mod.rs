//! The coordinator's console: a server-rendered web interface under
//! `/console/`, served by the hub in the same process and port.
//!
//! One concern per module: `db` (tables, migrations), `users` (accounts,
//! argon2id), `auth` (login, sessions, CSRF, rate limit), `rights` (who may
//! do what), `audit` (the change log), `workdir` (the working directory and
//! the core's validation), `directory` (list, edit, retire, verify),
//! `publishing` (preview, sign, history, going back), `corrections` (the
//! queue of field reports), `phones` (enrollment codes and devices),
//! `followup` and `charts` (the yearly follow-up),
//! `i18n` (Swedish and English texts). Templates are compiled into the
//! binary; no asset is fetched at run time.

pub mod audit;
mod auth;
mod charts;
mod corrections;
pub mod db;
mod directory;
pub mod exchange;
mod followup;
mod i18n;
mod organizations;
mod phones;
mod publishing;
pub mod rights;
pub mod users;
pub mod workdir;

pub use users::{user_add, user_disable, user_list, user_set_password, Role, User};

use crate::HubError;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use minijinja::Environment;
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard};

pub(crate) use auth::Authed;

/// How the console runs inside `fyr hub serve`.
#[derive(Debug, Clone, Default)]
pub struct ConsoleConfig {
    /// The feed signing key file (owner-only). Without it the console shows
    /// the preview but cannot publish.
    pub key: Option<PathBuf>,
    /// Mark cookies Secure even without `X-Forwarded-Proto: https` (TLS in front).
    pub secure_cookies: bool,
}

pub(crate) struct Console {
    db: Mutex<Connection>,
    db_path: PathBuf,
    feed_dir: PathBuf,
    key: Option<PathBuf>,
    secure: bool,
    env: Environment<'static>,
}

impl Console {
    pub(crate) fn conn(&self) -> MutexGuard<'_, Connection> {
        self.db.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Renders a page with the common context (texts, user, CSRF token).
    pub(crate) fn page(&self, a: &Authed, name: &str, ctx: minijinja::Value) -> Response {
        let full = minijinja::context! {
            t => i18n::texts(a.lang),
            lang => a.lang,
            me => minijinja::context! {
                name => a.user.name.clone(),
                role => a.user.role.name(),
                county => a.user.role.county(),
                admin => rights::is_admin(&a.user.role),
                directory => rights::can_read_directory(&a.user.role),
            },
            csrf => a.csrf.clone(),
            nav => match name { "service.html" => "services", n => n.trim_end_matches(".html") },
            ..ctx
        };
        self.render(name, full)
    }

    pub(crate) fn render(&self, name: &str, ctx: minijinja::Value) -> Response {
        match self.env.get_template(name).and_then(|t| t.render(ctx)) {
            Ok(html) => Html(html).into_response(),
            Err(e) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("template {name}: {e:#}"),
            )
                .into_response(),
        }
    }

    /// A refusal page (403) naming why.
    pub(crate) fn forbidden(&self, a: &Authed, why: &str) -> Response {
        let mut r = self.page(
            a,
            "message.html",
            minijinja::context! { title => i18n::text(a.lang, "forbidden"), message => why },
        );
        *r.status_mut() = StatusCode::FORBIDDEN;
        r
    }

    pub(crate) fn feed_dir(&self) -> &Path {
        &self.feed_dir
    }
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    for (name, src) in [
        ("base.html", include_str!("templates/base.html")),
        ("login.html", include_str!("templates/login.html")),
        ("message.html", include_str!("templates/message.html")),
        ("home.html", include_str!("templates/home.html")),
        ("services.html", include_str!("templates/services.html")),
        ("service.html", include_str!("templates/service.html")),
        (
            "organizations.html",
            include_str!("templates/organizations.html"),
        ),
        ("publish.html", include_str!("templates/publish.html")),
        (
            "corrections.html",
            include_str!("templates/corrections.html"),
        ),
        ("followup.html", include_str!("templates/followup.html")),
        ("audit.html", include_str!("templates/audit.html")),
        ("users.html", include_str!("templates/users.html")),
        ("phones.html", include_str!("templates/phones.html")),
        ("exchange.html", include_str!("templates/exchange.html")),
    ] {
        env.add_template(name, src)
            .expect("console templates parse");
    }
    env
}

/// The console's routes (all under `/console/`), for the hub's router.
pub fn router(feed_dir: &Path, db_path: &Path, cfg: &ConsoleConfig) -> Result<Router, HubError> {
    let mut conn = db::open(db_path)?;
    if workdir::is_empty(&conn).map_err(db::db_err(db_path))? {
        let w = workdir::bundled().map_err(HubError::Content)?;
        workdir::replace(&mut conn, &w).map_err(db::db_err(db_path))?;
    }
    let state = Arc::new(Console {
        db: Mutex::new(conn),
        db_path: db_path.to_path_buf(),
        feed_dir: feed_dir.to_path_buf(),
        key: cfg.key.clone(),
        secure: cfg.secure_cookies,
        env: environment(),
    });
    let r = Router::new()
        .route("/console", get(|| async { Redirect::to("/console/") }))
        .route("/console/", get(home))
        .route("/console/login", get(auth::login_page).post(auth::login))
        .route("/console/logout", post(auth::logout))
        .route("/console/lang/{lang}", get(auth::set_lang))
        .route("/console/services", get(directory::list))
        .route(
            "/console/services/new",
            get(directory::new_form).post(directory::create),
        )
        .route(
            "/console/services/{id}",
            get(directory::show).post(directory::save),
        )
        .route("/console/services/{id}/verify", post(directory::verify))
        .route("/console/services/{id}/retire", post(directory::retire))
        .route("/console/organizations", get(organizations::list))
        .route("/console/organizations/{id}", post(organizations::save))
        .route(
            "/console/publish",
            get(publishing::preview).post(publishing::publish),
        )
        .route("/console/publish/revert", post(publishing::revert))
        .route(
            "/console/publish/distribution",
            post(publishing::distribution),
        )
        .route("/console/corrections", get(corrections::list))
        .route("/console/corrections/{id}", post(corrections::decide))
        .route("/console/phones", get(phones::page).post(phones::change))
        .route("/console/followup", get(followup::page))
        .route("/console/followup.csv", get(followup::csv))
        .route(
            "/console/followup/indicators",
            post(followup::record_indicator),
        )
        .route("/console/audit", get(home_audit))
        .route("/console/audit.csv", get(audit_csv))
        .route("/console/users", get(users_page).post(users_change))
        .route("/console/exchange", get(exchange::page))
        .route("/console/exchange/preview", post(exchange::upload))
        .route("/console/exchange/confirm", post(exchange::confirm))
        .route("/console/exchange/export/{format}", get(exchange::download))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::csrf_guard,
        ))
        .layer(axum::middleware::map_response(security_headers))
        .with_state(state);
    Ok(r)
}

async fn security_headers(mut r: Response) -> Response {
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    h.entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    r
}

type S = axum::extract::State<Arc<Console>>;

async fn home(axum::extract::State(c): S, a: Authed) -> Response {
    if !rights::can_read_directory(&a.user.role) {
        return Redirect::to("/console/followup").into_response();
    }
    let summary = directory::summary(&c, &a);
    c.page(&a, "home.html", summary)
}

async fn home_audit(axum::extract::State(c): S, a: Authed) -> Response {
    if !rights::is_admin(&a.user.role) {
        return c.forbidden(&a, i18n::text(a.lang, "admins_only"));
    }
    let mut entries = audit::list(&c.conn(), 500).unwrap_or_default();
    for e in &mut entries {
        for s in [&mut e.before, &mut e.after] {
            if s.chars().count() > 300 {
                *s = s.chars().take(300).collect::<String>() + "…";
            }
        }
    }
    c.page(&a, "audit.html", minijinja::context! { entries })
}

async fn audit_csv(axum::extract::State(c): S, a: Authed) -> Response {
    if !rights::is_admin(&a.user.role) {
        return c.forbidden(&a, i18n::text(a.lang, "admins_only"));
    }
    let body = audit::csv(&c.conn()).unwrap_or_default();
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"fyr-audit.csv\"",
            ),
        ],
        body,
    )
        .into_response()
}

async fn users_page(axum::extract::State(c): S, a: Authed) -> Response {
    if !rights::is_admin(&a.user.role) {
        return c.forbidden(&a, i18n::text(a.lang, "admins_only"));
    }
    let users = users::all(&c.conn()).unwrap_or_default();
    c.page(&a, "users.html", minijinja::context! { users })
}

/// Admins add and disable accounts in the browser too.
async fn users_change(
    axum::extract::State(c): S,
    a: Authed,
    axum::Form(f): axum::Form<Vec<(String, String)>>,
) -> Response {
    if !rights::is_admin(&a.user.role) {
        return c.forbidden(&a, i18n::text(a.lang, "admins_only"));
    }
    let get = |k: &str| {
        f.iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let conn = c.conn();
    let res = match get("action").as_str() {
        "add" => {
            let county = get("county");
            Role::parse(
                &get("role"),
                Some(county.as_str()).filter(|c| !c.is_empty()),
            )
            .and_then(|role| {
                users::insert(&conn, &get("name"), &role, &get("password"))?;
                audit::record(
                    &conn,
                    &a.user.name,
                    "user.add",
                    &get("name"),
                    None,
                    Some(&serde_json::json!({"role": role})),
                )
                .map_err(|e| e.to_string())
            })
        }
        "disable" if get("name") == a.user.name => {
            Err(i18n::text(a.lang, "not_yourself").to_string())
        }
        "disable" => users::set_disabled(&conn, &get("name")).and_then(|_| {
            audit::record(
                &conn,
                &a.user.name,
                "user.disable",
                &get("name"),
                None,
                None,
            )
            .map_err(|e| e.to_string())
        }),
        other => Err(format!("unknown action '{other}'")),
    };
    let users = users::all(&conn).unwrap_or_default();
    drop(conn);
    let mut r = c.page(
        &a,
        "users.html",
        minijinja::context! { users, error => res.as_ref().err(), done => res.is_ok() },
    );
    if res.is_err() {
        *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    }
    r
}
