//! `fyr hub keygen | publish | export-bundle | serve | report | user | content`.

use crate::hub_db::{db_target, user, ContentCmd, HubDbArgs, UserCmd};
use crate::hub_phones::{codes, devices, reqwest_like_url, CodesCmd, DevicesCmd};
use crate::{CmdResult, Ctx, Failure};
use clap::{Args, Subcommand};
use fyr_hub::{HubError, Limits, PublishOptions, ServeConfig};
use std::io::IsTerminal;
use std::path::PathBuf;

#[derive(Args)]
pub struct HubArgs {
    #[command(subcommand)]
    cmd: HubCmd,
}

#[derive(Subcommand)]
enum HubCmd {
    /// Make an ed25519 key pair (DIR/NAME.key, owner-only, and DIR/NAME.pub):
    /// root keys (root-1, root-2, root-3) on an offline machine, the online
    /// targets, snapshot and timestamp keys on the hub.
    Keygen {
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// The key's file name without extension.
        #[arg(long, value_name = "NAME", default_value = "fyr-feed")]
        name: String,
    },
    /// The TUF root (offline): sign a new root with a threshold of root keys.
    Root(crate::hub_tuf::RootArgs),
    /// Re-sign the TUF timestamp (daily; only the timestamp key is needed).
    Timestamp(crate::hub_tuf::TimestampArgs),
    /// Validate content and write the next signed feed version.
    Publish {
        /// A content folder: municipalities.csv, directory/*.csv, checklists/*.toml.
        #[arg(long, value_name = "DIR")]
        content: PathBuf,
        /// The signing key: the TUF targets key (or, for a feed without a
        /// TUF root, fyr-feed.key).
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
        /// The TUF snapshot key (needed once the feed has a root).
        #[arg(long, value_name = "FILE")]
        snapshot_key: Option<PathBuf>,
        /// The TUF timestamp key (needed once the feed has a root).
        #[arg(long, value_name = "FILE")]
        timestamp_key: Option<PathBuf>,
        /// The feed folder (created; any static web server can serve it).
        #[arg(long, value_name = "DIR")]
        feed: PathBuf,
        /// Devices refuse the version this many days after publishing.
        #[arg(long, value_name = "N", default_value_t = 90)]
        expires_days: u32,
        /// Devices warn "data older than N days" past this.
        #[arg(long, value_name = "N", default_value_t = 60)]
        stale_after_days: u32,
        /// Start a new feed instead of continuing the app's bundled version
        /// (devices then download a full snapshot on first sync).
        #[arg(long)]
        new_feed: bool,
    },
    /// Copy a feed's current signed version into a folder, for bundling in the app.
    ExportBundle {
        #[arg(long, value_name = "DIR")]
        feed: PathBuf,
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Serve a feed and accept device uploads.
    Serve {
        #[arg(long, value_name = "DIR")]
        feed: PathBuf,
        /// Where the hub keeps what devices send: an SQLite file (created;
        /// the embedded default) or a PostgreSQL database
        /// (postgres://USER@HOST:PORT/DB), which several hubs may share.
        #[arg(long, value_name = "FILE|URL")]
        db: String,
        /// With --db postgres://…: the hub secret file, NAME.secret (made
        /// when missing; copy the same file to every instance). It is the
        /// one thing a PostgreSQL hub keeps outside the database.
        #[arg(long, value_name = "FILE")]
        secret: Option<PathBuf>,
        /// Database connections this hub keeps open, so one slow query does
        /// not hold up every request.
        #[arg(long, value_name = "N", default_value_t = fyr_hub::db::pool::DEFAULT_SIZE as u32, value_parser = clap::value_parser!(u32).range(1..=64))]
        db_connections: u32,
        /// Address to listen on, e.g. 127.0.0.1:8080 (port 0: any free port).
        #[arg(long, value_name = "ADDR")]
        listen: String,
        /// Device tokens: `token` or `token device-name` per line. Without it uploads are refused.
        #[arg(long, value_name = "FILE")]
        tokens: Option<PathBuf>,
        /// The signing key (fyr-feed.key, owner-only) the console publishes with.
        #[arg(long, value_name = "FILE")]
        key: Option<PathBuf>,
        /// Mark console cookies Secure (TLS terminated in front of the hub).
        #[arg(long)]
        secure_cookies: bool,
        /// The hub's public address as phones reach it (http(s)://HOST/), for
        /// the console's Phones page and enrollment QR codes; without it, the
        /// `hub_url` of the distribution settings.
        #[arg(long, value_name = "URL")]
        hub_url: Option<String>,
        /// Do not serve the coordinator's console under /console/.
        #[arg(long)]
        no_console: bool,
        /// A reverse proxy (IP address or CIDR range; repeatable) whose
        /// X-Forwarded-For names the client for per-client limits (the
        /// right-most address that is not a trusted proxy).
        #[arg(long, value_name = "ADDR")]
        trusted_proxy: Vec<String>,
        #[command(flatten)]
        limits: LimitArgs,
    },
    /// Console accounts (the password is read from the first line of stdin).
    User {
        #[command(subcommand)]
        cmd: UserCmd,
    },
    /// The console's working directory <-> a content folder.
    Content {
        #[command(subcommand)]
        cmd: ContentCmd,
    },
    /// One-time enrollment codes for devices: create or list.
    EnrollCodes {
        #[command(subcommand)]
        cmd: CodesCmd,
    },
    /// Enrolled devices: list or revoke (a lost phone).
    Devices {
        #[command(subcommand)]
        cmd: DevicesCmd,
    },
    /// Export the directory as HSDS 3 (JSON or tabular CSV) or an .xlsx workbook.
    Export {
        #[arg(long, value_enum)]
        format: crate::exchange::Format,
        /// The file (hsds-json, xlsx), or folder or .zip (hsds-csv) to write.
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
        /// Export a content folder (default: the bundled content).
        #[arg(long, value_name = "DIR")]
        content: Option<PathBuf>,
        /// Export the published version in a feed folder.
        #[arg(long, value_name = "DIR")]
        feed: Option<PathBuf>,
    },
    /// Import HSDS 3 (.json, tabular folder or .zip), a workbook (.xlsx, .ods) or content CSVs.
    Import {
        /// The file or folder to import.
        path: PathBuf,
        /// Into the hub's working directory (the console's database: an
        /// SQLite file or postgres://USER@HOST:PORT/DB).
        #[arg(long, value_name = "FILE|URL")]
        db: Option<String>,
        /// With --db postgres://…: the hub secret file (as `fyr hub serve
        /// --secret`).
        #[arg(long, value_name = "FILE")]
        secret: Option<PathBuf>,
        /// Into a content folder.
        #[arg(long, value_name = "DIR")]
        content: Option<PathBuf>,
        /// Also write the report here (.json for JSON, text otherwise).
        #[arg(long, value_name = "FILE")]
        report: Option<PathBuf>,
        /// Show the report; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Counts for the yearly follow-up, cells under 3 suppressed.
    Report {
        #[command(flatten)]
        db: HubDbArgs,
        #[arg(long, value_name = "Y")]
        year: Option<i32>,
        #[arg(long)]
        csv: bool,
    },
}

/// Limits for slow, idle and hostile clients (defaults are safe for a
/// county's devices; see hub/README.md).
#[derive(Args)]
struct LimitArgs {
    /// Open connections at once; more get 503 and are closed.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_connections as u32, value_parser = clap::value_parser!(u32).range(1..=65_536))]
    max_connections: u32,
    /// Seconds for a request's headers to arrive (also the wait for the next request).
    #[arg(long, value_name = "S", default_value_t = Limits::default().header_read_timeout.as_secs(), value_parser = clap::value_parser!(u64).range(1..=3600))]
    header_timeout: u64,
    /// Seconds for a whole request body to arrive (408 otherwise).
    #[arg(long, value_name = "S", default_value_t = Limits::default().body_timeout.as_secs(), value_parser = clap::value_parser!(u64).range(1..=3600))]
    body_timeout: u64,
    /// Seconds a connection may stay without traffic before it is closed.
    #[arg(long, value_name = "S", default_value_t = Limits::default().idle_timeout.as_secs(), value_parser = clap::value_parser!(u64).range(1..=3600))]
    idle_timeout: u64,
    /// Request bodies received at once; more get 503 with Retry-After.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_bodies_in_flight as u32, value_parser = clap::value_parser!(u32).range(1..=4096))]
    max_bodies: u32,
    /// Enrollment bodies (POST /v1/enroll) received at once, a pool of their own; more get 503.
    #[arg(long, value_name = "N", default_value_t = Limits::default().max_enroll_bodies as u32, value_parser = clap::value_parser!(u32).range(1..=4096))]
    max_enroll_bodies: u32,
    /// Largest request body in KiB (413 above).
    #[arg(long, value_name = "KIB", default_value_t = (Limits::default().max_body_bytes / 1024) as u32, value_parser = clap::value_parser!(u32).range(1..=65_536))]
    max_body_kib: u32,
}

impl LimitArgs {
    fn limits(&self) -> Limits {
        use std::time::Duration;
        Limits {
            max_connections: self.max_connections as usize,
            header_read_timeout: Duration::from_secs(self.header_timeout),
            body_timeout: Duration::from_secs(self.body_timeout),
            idle_timeout: Duration::from_secs(self.idle_timeout),
            max_bodies_in_flight: self.max_bodies as usize,
            max_enroll_bodies: self.max_enroll_bodies as usize,
            max_body_bytes: self.max_body_kib as usize * 1024,
            ..Limits::default()
        }
    }
}

pub(crate) fn hub_failure(e: HubError) -> Failure {
    match e {
        HubError::Content(_) | HubError::Tokens { .. } => Failure::usage(e.to_string()),
        e => Failure::failed(e.to_string()),
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| Failure::failed(format!("cannot start the runtime: {e}")))
}

pub fn hub(_ctx: &Ctx, a: HubArgs) -> CmdResult {
    match a.cmd {
        HubCmd::Root(a) => crate::hub_tuf::root(a),
        HubCmd::Timestamp(a) => crate::hub_tuf::timestamp(a),
        HubCmd::Keygen { out, name } => {
            let (k, p) = fyr_hub::keygen_named(&out, &name).map_err(hub_failure)?;
            println!("private key: {} (keep it secret)", k.display());
            println!(
                "public key:  {} (give it to devices: fyr sync --trust-key)",
                p.display()
            );
            Ok(())
        }
        HubCmd::Publish {
            content,
            key,
            snapshot_key,
            timestamp_key,
            feed,
            expires_days,
            stale_after_days,
            new_feed,
        } => {
            if expires_days == 0 {
                return Err(Failure::usage("bad --expires-days 0: must be at least 1"));
            }
            let records = fyr_hub::load_content(&content).map_err(hub_failure)?;
            let key = fyr_core::feed::load_signing_key(&key)
                .map_err(|e| Failure::usage(format!("--key: {e}")))?;
            let base = if new_feed {
                None
            } else {
                let b = fyr_core::bundle::signed_bundle()
                    .map_err(|e| Failure::failed(e.to_string()))?;
                Some(b.1)
            };
            let opts = PublishOptions {
                expires_days,
                stale_after_days,
                progress: std::io::stderr().is_terminal(),
                base,
                ..Default::default()
            };
            let online = crate::hub_tuf::online_keys(&feed, &key, snapshot_key, timestamp_key)?;
            if let Some((s, t)) = &online {
                let keys = fyr_hub::tuf::OnlineKeys {
                    targets: &key,
                    snapshot: s,
                    timestamp: t,
                };
                fyr_hub::tuf::check_online_keys(&feed, &keys).map_err(hub_failure)?;
            }
            let r = fyr_hub::publish_with(records, &key, &feed, &opts).map_err(hub_failure)?;
            if let Some((s, t)) = &online {
                let keys = fyr_hub::tuf::OnlineKeys {
                    targets: &key,
                    snapshot: s,
                    timestamp: t,
                };
                let v =
                    fyr_hub::tuf::publish_metadata(&feed, &keys, expires_days, chrono::Utc::now())
                        .map_err(hub_failure)?;
                println!("TUF: targets version {v}, timestamp re-signed");
            }
            println!(
                "published feed {} version {} ({} records, snapshot {} bytes, {} deltas){}",
                r.feed_id,
                r.version,
                r.record_count,
                r.snapshot_bytes,
                r.deltas.len(),
                if r.unchanged {
                    " – content unchanged, re-signed"
                } else {
                    ""
                }
            );
            println!("manifest: {}", r.manifest_path.display());
            Ok(())
        }
        HubCmd::ExportBundle { feed, out } => {
            let (m, s) = fyr_hub::export_bundle(&feed, &out).map_err(hub_failure)?;
            println!("{}\n{}", m.display(), s.display());
            Ok(())
        }
        HubCmd::Serve {
            feed,
            db,
            secret,
            db_connections,
            listen,
            tokens,
            key,
            secure_cookies,
            hub_url,
            no_console,
            trusted_proxy,
            limits,
        } => {
            let addr: std::net::SocketAddr = listen.parse().map_err(|_| {
                Failure::usage(format!(
                    "bad --listen '{listen}': expected IP:PORT, e.g. 127.0.0.1:8080"
                ))
            })?;
            if let Some(u) = hub_url.as_deref().filter(|u| !reqwest_like_url(u)) {
                return Err(Failure::usage(format!(
                    "bad --hub-url {u:?}: expected http(s)://HOST/"
                )));
            }
            let (db, postgres) = match db_target(&db, secret.as_deref())? {
                fyr_hub::db::Target::Postgres { url, secret_beside } => (secret_beside, Some(url)),
                fyr_hub::db::Target::Sqlite(path) => (path, None),
            };
            let mut cfg = ServeConfig::new(&feed, &db, addr);
            cfg.postgres = postgres;
            cfg.db_connections = db_connections as usize;
            cfg.tokens = tokens;
            if !no_console {
                cfg.console = Some(fyr_hub::console::ConsoleConfig {
                    key,
                    secure_cookies,
                    hub_url,
                });
            }
            cfg.limits = limits.limits();
            cfg.trusted_proxies =
                fyr_hub::proxy::TrustedProxies::parse(&trusted_proxy).map_err(Failure::usage)?;
            runtime()?.block_on(async {
                let (bound, handle) = fyr_hub::spawn(cfg).await.map_err(hub_failure)?;
                println!("fyr hub: serving {} on http://{bound}/", feed.display());
                if !no_console {
                    // stderr: stdout carries one line with the address (scripts read it).
                    eprintln!("console: http://{bound}/console/");
                }
                use std::io::Write;
                std::io::stdout().flush().ok();
                // Ctrl-C or SIGTERM (a service manager's stop): stop cleanly,
                // so the hub writes the days its devices were last seen.
                #[cfg(unix)]
                {
                    use tokio::signal::unix::{signal, SignalKind};
                    match signal(SignalKind::terminate()) {
                        Ok(mut term) => {
                            tokio::select! {
                                _ = tokio::signal::ctrl_c() => {}
                                _ = term.recv() => {}
                            }
                        }
                        Err(_) => {
                            let _ = tokio::signal::ctrl_c().await;
                        }
                    }
                }
                #[cfg(not(unix))]
                let _ = tokio::signal::ctrl_c().await;
                handle.shutdown().await;
                Ok(())
            })
        }
        HubCmd::User { cmd } => user(cmd),
        HubCmd::Content { cmd } => match cmd {
            ContentCmd::Import { db, dir } => {
                let n = fyr_hub::console::workdir::import_dir(&db.target()?, &dir)
                    .map_err(hub_failure)?;
                println!("imported {} rows from {}", n, dir.display());
                Ok(())
            }
            ContentCmd::Export { db, dir } => {
                let n = fyr_hub::console::workdir::export_dir(&db.target()?, &dir)
                    .map_err(hub_failure)?;
                println!("exported {} rows to {}", n, dir.display());
                Ok(())
            }
        },
        HubCmd::Export {
            format,
            out,
            content,
            feed,
        } => crate::exchange::export(format, &out, content.as_deref(), feed.as_deref()),
        HubCmd::Import {
            path,
            db,
            secret,
            content,
            report,
            dry_run,
        } => crate::exchange::import(crate::exchange::ImportArgs {
            path,
            db: match &db {
                Some(db) => Some(db_target(db, secret.as_deref())?),
                None if secret.is_some() => {
                    return Err(Failure::usage("--secret goes with --db postgres://…"))
                }
                None => None,
            },
            content,
            report,
            dry_run,
        }),
        HubCmd::EnrollCodes { cmd } => codes(cmd),
        HubCmd::Devices { cmd } => devices(cmd),
        HubCmd::Report { db, year, csv } => {
            let r = fyr_hub::report(&db.target()?, year).map_err(hub_failure)?;
            print!("{}", if csv { r.to_csv() } else { r.to_text() });
            Ok(())
        }
    }
}
