//! `fyr checklists`, `checklist`, `screen`, `screenings`, `outbox`, `settings`, and the CLI's key.

use crate::{print_json, CmdResult, Ctx, Failure};
use clap::{Args, Subcommand};
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct ChecklistArgs {
    id: String,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct ScreenArgs {
    /// The checklist id (see `fyr checklists`).
    id: String,
    /// Answers from a JSON file instead of asking interactively.
    #[arg(long, value_name = "FILE")]
    answers: Option<PathBuf>,
    /// The municipality whose services are referred to (default: the device's home municipality).
    #[arg(long, value_name = "NAME|CODE")]
    kommun: Option<String>,
    #[arg(long, value_name = "RFC3339")]
    at: Option<String>,
    /// Resume a screening kept from an earlier run.
    #[arg(long, value_name = "SESSION_ID")]
    resume: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct ScreeningsArgs {
    #[command(subcommand)]
    cmd: Option<ScreeningsCmd>,
    #[arg(long)]
    json: bool,
}

#[derive(Subcommand)]
enum ScreeningsCmd {
    /// Show one screening (decrypted).
    Show {
        id: String,
        #[arg(long)]
        json: bool,
    },
    /// Discard a screening.
    Discard { id: String },
    /// Delete completed screenings older than the retention period.
    Purge,
}

#[derive(Args)]
pub struct SettingsArgs {
    /// Home municipality (name or code).
    #[arg(long, value_name = "NAME|CODE")]
    kommun: Option<String>,
    /// Your agency kind (see `fyr vocab`), used in anonymous statistics.
    #[arg(long, value_name = "KIND")]
    agency_kind: Option<String>,
    /// Days completed screenings are kept.
    #[arg(long, value_name = "DAYS")]
    retention_days: Option<u32>,
    #[arg(long)]
    json: bool,
}

/// The CLI's session key: `FYR_KEY` (64 hex digits), else `<data dir>/key`,
/// created with owner-only permissions on first use.
pub fn load_or_create_key(data_dir: &Path) -> Result<[u8; 32], Failure> {
    let parse = |s: &str, from: &str| -> Result<[u8; 32], Failure> {
        let b = hex::decode(s.trim())
            .map_err(|_| Failure::usage(format!("{from}: the key must be 64 hex digits")))?;
        b.try_into().map_err(|_| {
            Failure::usage(format!("{from}: the key must be 64 hex digits (32 bytes)"))
        })
    };
    if let Ok(k) = std::env::var("FYR_KEY") {
        return parse(&k, "FYR_KEY");
    }
    let path = data_dir.join("key");
    if path.exists() {
        let s = std::fs::read_to_string(&path)
            .map_err(|e| Failure::failed(format!("cannot read {}: {e}", path.display())))?;
        return parse(&s, &path.display().to_string());
    }
    std::fs::create_dir_all(data_dir)
        .map_err(|e| Failure::failed(format!("cannot create {}: {e}", data_dir.display())))?;
    let key: [u8; 32] = rand::random();
    write_private(&path, hex::encode(key).as_bytes())?;
    Ok(key)
}

pub fn write_private(path: &Path, bytes: &[u8]) -> Result<(), Failure> {
    use std::io::Write;
    let mut o = std::fs::OpenOptions::new();
    o.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.mode(0o600);
    }
    let mut f = o
        .open(path)
        .map_err(|e| Failure::failed(format!("cannot create {}: {e}", path.display())))?;
    f.write_all(bytes)
        .map_err(|e| Failure::failed(format!("cannot write {}: {e}", path.display())))?;
    f.sync_all().ok();
    Ok(())
}

pub fn checklists(_ctx: &Ctx, _json: bool) -> CmdResult {
    Err(Failure::failed("checklists: not wired yet"))
}
pub fn checklist(_ctx: &Ctx, _a: ChecklistArgs) -> CmdResult {
    Err(Failure::failed("checklist: not wired yet"))
}
pub fn screen(_ctx: &Ctx, _a: ScreenArgs) -> CmdResult {
    Err(Failure::failed("screen: not wired yet"))
}
pub fn screenings(_ctx: &Ctx, _a: ScreeningsArgs) -> CmdResult {
    Err(Failure::failed("screenings: not wired yet"))
}
pub fn outbox(ctx: &Ctx, json: bool) -> CmdResult {
    let fyr = ctx.open()?;
    let entries = fyr.outbox()?;
    if json {
        return print_json(&entries);
    }
    if entries.is_empty() {
        println!(
            "{}",
            if ctx.lang == fyr_core::vocab::Lang::Sv {
                "Utkorgen är tom."
            } else {
                "The outbox is empty."
            }
        );
    }
    for e in entries {
        let q = e
            .quarantined
            .map(|r| format!("  [set aside: {r}]"))
            .unwrap_or_default();
        println!(
            "{} {} {}{q}",
            e.event.event_id, e.event.kind, e.event.payload
        );
    }
    Ok(())
}
pub fn settings(ctx: &Ctx, a: SettingsArgs) -> CmdResult {
    let fyr = ctx.open()?;
    let mut s = fyr.settings()?;
    if let Some(k) = &a.kommun {
        s.home_municipality = Some(fyr.municipality(k)?.code);
    }
    if let Some(k) = &a.agency_kind {
        s.agency_kind = Some(fyr_core::vocab::AgencyKind::parse(k).ok_or_else(|| {
            Failure::usage(format!("unknown agency kind '{k}' (see `fyr vocab`)"))
        })?);
    }
    if let Some(d) = a.retention_days {
        s.retention_days = d;
    }
    s.lang = ctx.lang;
    fyr.set_settings(&s)?;
    if a.json {
        return print_json(&s);
    }
    println!(
        "home municipality: {}",
        s.home_municipality.as_deref().unwrap_or("-")
    );
    println!(
        "agency kind: {}",
        s.agency_kind.map(|k| k.id()).unwrap_or("-")
    );
    println!("retention: {} days", s.retention_days);
    Ok(())
}
