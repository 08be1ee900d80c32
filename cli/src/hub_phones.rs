//! `fyr hub enroll-codes | devices`: the phones' enrollment codes and the
//! enrolled devices, in the hub's database.

use crate::hub_db::{open_hub_db, HubDbArgs};
use crate::{CmdResult, Failure};
use clap::Subcommand;

#[derive(Subcommand)]
pub(crate) enum CodesCmd {
    /// Issue a code for one device; show it once (typed, or as the QR payload).
    Create {
        #[command(flatten)]
        db: HubDbArgs,
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
        #[command(flatten)]
        db: HubDbArgs,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub(crate) enum DevicesCmd {
    /// Enrolled devices: id, county, agency kind, enrolled, last seen (days).
    List {
        #[command(flatten)]
        db: HubDbArgs,
        #[arg(long)]
        json: bool,
    },
    /// Revoke a device: its uploads are refused (HTTP 410) until it enrolls again.
    Revoke {
        id: String,
        #[command(flatten)]
        db: HubDbArgs,
    },
}

fn enroll_failure(e: fyr_hub::enroll::EnrollError) -> Failure {
    match e {
        fyr_hub::enroll::EnrollError::Invalid(m) => Failure::usage(m),
        e => Failure::failed(e.to_string()),
    }
}

pub(crate) fn codes(cmd: CodesCmd) -> CmdResult {
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
            let conn = open_hub_db(&db)?;
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
                // For the phone's camera: the payload as a QR code in text.
                if let Ok(q) = qrcode::QrCode::new(c.qr_payload.as_bytes()) {
                    let img = q
                        .render::<qrcode::render::unicode::Dense1x2>()
                        .dark_color(qrcode::render::unicode::Dense1x2::Light)
                        .light_color(qrcode::render::unicode::Dense1x2::Dark)
                        .build();
                    println!("{img}");
                }
            } else {
                println!("(give --hub-url to get a QR payload)");
            }
            Ok(())
        }
        CodesCmd::List { db, json } => {
            let conn = open_hub_db(&db)?;
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

pub(crate) fn reqwest_like_url(u: &str) -> bool {
    (u.starts_with("http://") || u.starts_with("https://"))
        && u.len() > 8
        && !u.chars().any(char::is_whitespace)
}

pub(crate) fn devices(cmd: DevicesCmd) -> CmdResult {
    use fyr_hub::enroll;
    match cmd {
        DevicesCmd::List { db, json } => {
            let conn = open_hub_db(&db)?;
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
            let conn = open_hub_db(&db)?;
            enroll::revoke_device(&conn, &id, chrono::Utc::now()).map_err(enroll_failure)?;
            println!("device {id} revoked: its uploads are refused until it enrolls again");
            Ok(())
        }
    }
}
