//! `fyr hub keygen | publish | export-bundle | serve | report`.

use crate::{CmdResult, Ctx, Failure};
use clap::{Args, Subcommand};
use fyr_hub::{HubError, PublishOptions, ServeConfig};
use std::io::IsTerminal;
use std::path::PathBuf;

#[derive(Args)]
pub struct HubArgs {
    #[command(subcommand)]
    cmd: HubCmd,
}

#[derive(Subcommand)]
enum HubCmd {
    /// Make an ed25519 key pair for signing feeds (DIR/fyr-feed.key, owner-only, and DIR/fyr-feed.pub).
    Keygen {
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Validate content and write the next signed feed version.
    Publish {
        /// A content folder: municipalities.csv, directory/*.csv, checklists/*.toml.
        #[arg(long, value_name = "DIR")]
        content: PathBuf,
        /// The signing key (fyr-feed.key).
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
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
        /// SQLite file for what devices send (created).
        #[arg(long, value_name = "FILE")]
        db: PathBuf,
        /// Address to listen on, e.g. 127.0.0.1:8080 (port 0: any free port).
        #[arg(long, value_name = "ADDR")]
        listen: String,
        /// Device tokens: `token` or `token device-name` per line. Without it uploads are refused.
        #[arg(long, value_name = "FILE")]
        tokens: Option<PathBuf>,
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
    /// Counts for the yearly follow-up, cells under 3 suppressed.
    Report {
        #[arg(long, value_name = "FILE")]
        db: PathBuf,
        #[arg(long, value_name = "Y")]
        year: Option<i32>,
        #[arg(long)]
        csv: bool,
    },
}

#[derive(Subcommand)]
enum CodesCmd {
    /// Issue a code for one device; show it once (typed, or as the QR payload).
    Create {
        /// The hub's database (the one `fyr hub serve --db` uses).
        #[arg(long, value_name = "FILE")]
        db: PathBuf,
        /// SCB county code or name, e.g. 23 or Jämtland.
        #[arg(long, value_name = "C")]
        county: String,
        /// The agency kind the device belongs to (see `fyr vocab`), e.g. healthcare.
        #[arg(long, value_name = "K")]
        agency_kind: String,
        #[arg(long, value_name = "N", default_value_t = fyr_hub::enroll::DEFAULT_EXPIRES_HOURS)]
        expires_hours: u32,
        /// The hub's public address, for the QR payload (fyr-enroll:CODE@URL).
        #[arg(long, value_name = "URL")]
        hub_url: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Issued codes (never the codes themselves): county, agency kind, expiry, state.
    List {
        #[arg(long, value_name = "FILE")]
        db: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum DevicesCmd {
    /// Enrolled devices: id, county, agency kind, enrolled, last seen (days).
    List {
        #[arg(long, value_name = "FILE")]
        db: PathBuf,
        #[arg(long)]
        json: bool,
    },
    /// Revoke a device: its uploads are refused (HTTP 410) until it enrolls again.
    Revoke {
        id: String,
        #[arg(long, value_name = "FILE")]
        db: PathBuf,
    },
}

fn enroll_failure(e: fyr_hub::enroll::EnrollError) -> Failure {
    match e {
        fyr_hub::enroll::EnrollError::Invalid(m) => Failure::usage(m),
        e => Failure::failed(e.to_string()),
    }
}

fn codes(cmd: CodesCmd) -> CmdResult {
    use fyr_hub::enroll;
    let now = chrono::Utc::now();
    match cmd {
        CodesCmd::Create {
            db,
            county,
            agency_kind,
            expires_hours,
            hub_url,
            json,
        } => {
            let hub_url = match hub_url {
                Some(u) => {
                    let ok = reqwest_like_url(&u);
                    if !ok {
                        return Err(Failure::usage(format!(
                            "bad --hub-url {u:?}: expected http(s)://HOST/"
                        )));
                    }
                    Some(u)
                }
                None => None,
            };
            let conn = enroll::open(&db).map_err(hub_failure)?;
            let c = enroll::create_code(
                &conn,
                &county,
                &agency_kind,
                expires_hours,
                hub_url.as_deref().unwrap_or(""),
                now,
            )
            .map_err(enroll_failure)?;
            if json {
                let mut v = serde_json::to_value(&c).map_err(|e| Failure::failed(e.to_string()))?;
                if hub_url.is_none() {
                    v["qr_payload"] = serde_json::Value::Null;
                }
                return crate::print_json(&v);
            }
            println!("code: {}", c.display);
            println!(
                "county {}, {}, expires {}",
                c.county,
                c.agency_kind,
                c.expires.to_rfc3339()
            );
            if hub_url.is_some() {
                println!("QR payload: {}", c.qr_payload);
            } else {
                println!("(give --hub-url to get a QR payload)");
            }
            Ok(())
        }
        CodesCmd::List { db, json } => {
            let conn = enroll::open(&db).map_err(hub_failure)?;
            let list = enroll::list_codes(&conn, now).map_err(enroll_failure)?;
            if json {
                return crate::print_json(&list);
            }
            for c in &list {
                println!(
                    "{}  {}  {:<22} {}  expires {}",
                    c.id, c.county, c.agency_kind, c.state, c.expires
                );
            }
            if list.is_empty() {
                println!("no codes issued");
            }
            Ok(())
        }
    }
}

fn reqwest_like_url(u: &str) -> bool {
    (u.starts_with("http://") || u.starts_with("https://"))
        && u.len() > 8
        && !u.chars().any(char::is_whitespace)
}

fn devices(cmd: DevicesCmd) -> CmdResult {
    use fyr_hub::enroll;
    match cmd {
        DevicesCmd::List { db, json } => {
            let conn = enroll::open(&db).map_err(hub_failure)?;
            let list = enroll::list_devices(&conn).map_err(enroll_failure)?;
            if json {
                return crate::print_json(&list);
            }
            for d in &list {
                println!(
                    "{}  {}  {:<22} enrolled {}  last seen {}{}",
                    d.id,
                    d.county,
                    d.agency_kind,
                    d.enrolled,
                    d.last_seen.as_deref().unwrap_or("never"),
                    if d.revoked { "  REVOKED" } else { "" }
                );
            }
            if list.is_empty() {
                println!("no enrolled devices");
            }
            Ok(())
        }
        DevicesCmd::Revoke { id, db } => {
            let conn = enroll::open(&db).map_err(hub_failure)?;
            enroll::revoke_device(&conn, &id, chrono::Utc::now()).map_err(enroll_failure)?;
            println!("device {id} revoked: its uploads are refused until it enrolls again");
            Ok(())
        }
    }
}

fn hub_failure(e: HubError) -> Failure {
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
        HubCmd::Keygen { out } => {
            let (k, p) = fyr_hub::keygen(&out).map_err(hub_failure)?;
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
            let r = fyr_hub::publish_with(records, &key, &feed, &opts).map_err(hub_failure)?;
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
            listen,
            tokens,
        } => {
            let addr: std::net::SocketAddr = listen.parse().map_err(|_| {
                Failure::usage(format!(
                    "bad --listen '{listen}': expected IP:PORT, e.g. 127.0.0.1:8080"
                ))
            })?;
            let mut cfg = ServeConfig::new(&feed, &db, addr);
            cfg.tokens = tokens;
            runtime()?.block_on(async {
                let (bound, handle) = fyr_hub::spawn(cfg).await.map_err(hub_failure)?;
                println!("fyr hub: serving {} on http://{bound}/", feed.display());
                use std::io::Write;
                std::io::stdout().flush().ok();
                let _ = tokio::signal::ctrl_c().await;
                handle.shutdown().await;
                Ok(())
            })
        }
        HubCmd::EnrollCodes { cmd } => codes(cmd),
        HubCmd::Devices { cmd } => devices(cmd),
        HubCmd::Report { db, year, csv } => {
            let r = fyr_hub::report(&db, year).map_err(hub_failure)?;
            print!("{}", if csv { r.to_csv() } else { r.to_text() });
            Ok(())
        }
    }
}
