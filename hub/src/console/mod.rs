//! The coordinator's console: a server-rendered web interface under
//! `/console/`, served by the hub in the same process and port.
//!
//! One concern per module: `db` (tables, migrations), `users` (accounts,
//! argon2id), `auth` (login, sessions, CSRF, rate limit), `rights` (who may
//! do what), `audit` (the change log), `workdir` (the working directory and
//! the core's validation), `directory` (list, edit, retire, verify),
//! `publishing` (preview, sign, history, going back), `corrections` (the
//! queue of field reports), `phones` (enrollment codes and devices),
//! `followup` and `charts` (the yearly follow-up), `flash` (the
//! confirmation after a redirect, in the session's row),
//! `i18n` (Swedish and English texts). Templates are compiled into the
//! binary; no asset is fetched at run time.

mod accounts;
pub mod audit;
mod auth;
mod charts;
mod corrections;
pub mod db;
mod diff;
mod directory;
mod distribution;
mod drafts;
pub mod exchange;
mod export;
mod flash;
mod followup;
mod i18n;
pub mod inputs;
mod labels;
mod organizations;
mod phones;
mod publishing;
mod revert;
pub mod rights;
mod service_state;
mod services_list;
pub mod throttle;
pub mod users;
pub mod workdir;

pub use users::{user_add, user_disable, user_list, user_set_password, Role, User};

use crate::HubError;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;
use minijinja::Environment;
use std::path::{Path, PathBuf};
use std::sync::{Arc, MutexGuard};

use crate::db::{pool::Pool, Db};

pub(crate) use auth::Authed;

/// How the console runs inside `fyr hub serve`.
#[derive(Debug, Clone, Default)]
pub struct ConsoleConfig {
    /// The feed signing key file (owner-only). Without it the console shows
    /// the preview but cannot publish.
    pub key: Option<PathBuf>,
    /// Mark cookies Secure even without `X-Forwarded-Proto: https` (TLS in front).
    pub secure_cookies: bool,
    /// The hub's address as phones reach it (`--hub-url`), for the
    /// enrollment QR code; without it, the `hub_url` of the working
    /// directory's distribution settings.
    pub hub_url: Option<String>,
}

pub(crate) struct Console {
    /// The hub's database (SQLite or PostgreSQL): the console's tables and
    /// the device-facing ones, a pool shared with the upload and enrollment
    /// routes.
    db: Arc<Pool>,
    feed_dir: PathBuf,
    key: Option<PathBuf>,
    secure: bool,
    env: Environment<'static>,
    hub_url: Option<String>,
    /// Whose `X-Forwarded-For` to believe (`--trusted-proxy`), so login
    /// throttling counts the client, not the reverse proxy.
    proxies: crate::proxy::TrustedProxies,
}

impl Console {
    /// A connection from the pool, for one piece of work; never take a
    /// second while holding one.
    pub(crate) fn conn(&self) -> MutexGuard<'_, Db> {
        self.db.get()
    }

    /// A confirmation for the next page this session sees (after a
    /// redirect, at whichever hub serves it: `flash`).
    pub(crate) fn flash(&self, a: &Authed, f: minijinja::Value) {
        flash::put(&self.conn(), &a.token, &a.token_hash, &f);
    }

    /// Redirects (303) after a successful post, with a confirmation.
    pub(crate) fn done(&self, a: &Authed, to: &str, f: minijinja::Value) -> Response {
        self.flash(a, f);
        Redirect::to(to).into_response()
    }

    /// Renders a page with the common context (texts, user, CSRF token).
    pub(crate) fn page(&self, a: &Authed, name: &str, ctx: minijinja::Value) -> Response {
        let flash = flash::take(&self.conn(), &a.token, &a.token_hash).map(phones::with_qr);
        let full = minijinja::context! {
            flash,
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

    fn plain_page(&self, a: &Authed, status: StatusCode, title: &str, why: &str) -> Response {
        let mut r = self.page(
            a,
            "message.html",
            minijinja::context! { title => title, message => why },
        );
        *r.status_mut() = status;
        r
    }

    /// A 400 page naming what is wrong with the request.
    pub(crate) fn bad_request(&self, a: &Authed, why: &str) -> Response {
        self.plain_page(
            a,
            StatusCode::BAD_REQUEST,
            i18n::text(a.lang, "bad_request"),
            why,
        )
    }

    pub(crate) fn not_found(&self, a: &Authed, why: &str) -> Response {
        self.plain_page(
            a,
            StatusCode::NOT_FOUND,
            i18n::text(a.lang, "not_found"),
            why,
        )
    }

    pub(crate) fn server_error(&self, a: &Authed, why: &str) -> Response {
        self.plain_page(
            a,
            StatusCode::INTERNAL_SERVER_ERROR,
            i18n::text(a.lang, "not_saved"),
            why,
        )
    }

    /// The hub's address as phones reach it: `--hub-url`, else the
    /// distribution settings' `hub_url`.
    pub(crate) fn hub_url(&self) -> Option<String> {
        self.hub_url.clone().or_else(|| {
            let w = workdir::load(&self.conn()).ok()?;
            let text = w.files.get(fyr_core::distribution::FILE)?;
            fyr_core::distribution::Distribution::from_toml(fyr_core::distribution::FILE, text)
                .ok()
                .map(|d| d.hub_url)
                .filter(|u| !u.is_empty())
        })
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
        ("resume.html", include_str!("templates/resume.html")),
        ("revert.html", include_str!("templates/revert.html")),
        ("diff.html", include_str!("templates/diff.html")),
        ("confirm.html", include_str!("templates/confirm.html")),
        ("conflict.html", include_str!("templates/conflict.html")),
        ("account.html", include_str!("templates/account.html")),
        ("exchange.html", include_str!("templates/exchange.html")),
    ] {
        env.add_template(name, src)
            .expect("console templates parse");
    }
    env
}

/// The console's routes (all under `/console/`), for the hub's router.
pub fn router(
    feed_dir: &Path,
    cfg: &ConsoleConfig,
    proxies: &crate::proxy::TrustedProxies,
    pool: Arc<Pool>,
) -> Result<Router, HubError> {
    {
        let conn = pool.get();
        db::migrate(&conn).map_err(|e| conn.err(e))?;
        workdir::seed(&conn)?;
    }
    auth::warm();
    let state = Arc::new(Console {
        db: pool,
        feed_dir: feed_dir.to_path_buf(),
        key: cfg.key.clone(),
        secure: cfg.secure_cookies,
        env: environment(),
        hub_url: cfg.hub_url.clone(),
        proxies: proxies.clone(),
    });
    let r = Router::new()
        .route("/console", get(|| async { Redirect::to("/console/") }))
        .route("/console/", get(home))
        .route("/console/login", get(auth::login_page).post(auth::login))
        .route("/console/resume", get(auth::resume))
        .route(
            "/console/account",
            get(accounts::own_page).post(accounts::own_change),
        )
        .route("/console/services.csv", get(export::services_csv))
        .route("/console/services/verify", post(services_list::bulk_verify))
        .route("/console/logout", post(auth::logout))
        .route("/console/lang/{lang}", get(auth::set_lang))
        .route("/console/services", get(services_list::list))
        .route(
            "/console/services/new",
            get(directory::new_form).post(directory::create),
        )
        .route(
            "/console/services/{id}",
            get(directory::show).post(directory::save),
        )
        .route("/console/services/{id}/verify", post(service_state::verify))
        .route("/console/services/{id}/retire", post(service_state::retire))
        .route("/console/organizations", get(organizations::list))
        .route("/console/organizations/{id}", post(organizations::save))
        .route(
            "/console/publish",
            get(publishing::preview).post(publishing::publish),
        )
        .route("/console/publish/revert", post(revert::revert))
        .route("/console/publish/ready", post(publishing::ready))
        .route("/console/publish/distribution", post(distribution::save))
        .route(
            "/console/services/{id}/unretire",
            post(service_state::unretire),
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
        .route(
            "/console/users",
            get(accounts::users_page).post(accounts::users_change),
        )
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
    let summary = services_list::summary(&c, &a);
    let key = publishing::key_status(&c);
    let today = chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Stockholm)
        .date_naive();
    let agreements = agreement_notices(today, a.lang);
    c.page(
        &a,
        "home.html",
        minijinja::context! { key, agreements => agreements, ..summary },
    )
}

/// Issue 16: the counties' agreements (content/guides/agreements.toml) that
/// end within 60 days of `today`, as lines for the start page.
pub(crate) fn agreement_notices(today: chrono::NaiveDate, lang: &str) -> Vec<String> {
    let all = fyr_core::guides::agreements().unwrap_or_default();
    fyr_core::guides::agreements_ending(&all, today, 60)
        .into_iter()
        .map(|e| {
            let a = &e.agreement;
            match (lang == "en", e.days_left) {
                (false, d) if d < 0 => format!("{}: överenskommelsen gick ut {} – en ny behöver beslutas.", a.county_name, a.valid_to),
                (false, d) => format!("{}: överenskommelsen gäller till och med {} ({d} dagar kvar) – planera förnyelsen.", a.county_name, a.valid_to),
                (true, d) if d < 0 => format!("{}: the agreement ended on {} – a new one needs deciding.", a.county_name, a.valid_to),
                (true, d) => format!("{}: the agreement is valid to {} ({d} days left) – plan its renewal.", a.county_name, a.valid_to),
            }
        })
        .collect()
}

async fn home_audit(axum::extract::State(c): S, a: Authed) -> Response {
    if !rights::is_admin(&a.user.role) {
        return c.forbidden(&a, i18n::text(a.lang, "admins_only"));
    }
    let mut entries = audit::list(&c.conn(), 500).unwrap_or_default();
    // Dates in Stockholm time and actions in words (the CSV keeps the raw values).
    for e in &mut entries {
        e.at = labels::when_text(&e.at, a.lang);
        for s in [&mut e.before, &mut e.after] {
            if s.chars().count() > 300 {
                *s = s.chars().take(300).collect::<String>() + "…";
            }
        }
    }
    let entries: Vec<minijinja::Value> = entries
        .iter()
        .map(|e| {
            minijinja::context! { action_label => labels::action(&e.action, a.lang), ..minijinja::Value::from_serialize(e) }
        })
        .collect();
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

#[cfg(test)]
mod agreement_tests {
    use super::agreement_notices;
    use chrono::NaiveDate;

    #[test]
    fn both_agreements_show_within_60_days_of_their_end() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let n = agreement_notices(d("2026-12-03"), "sv");
        assert_eq!(n.len(), 2, "{n:?}");
        assert!(
            n[0].starts_with("Jämtlands län") && n[0].contains("2026-12-07 (4 dagar kvar)"),
            "{n:?}"
        );
        assert!(
            n[1].starts_with("Kronobergs län") && n[1].contains("2026-12-31 (28 dagar kvar)"),
            "{n:?}"
        );
        assert!(agreement_notices(d("2026-09-01"), "sv").is_empty());
        let after = agreement_notices(d("2027-01-02"), "en");
        assert!(after.iter().all(|l| l.contains("ended")), "{after:?}");
    }
}
