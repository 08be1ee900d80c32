//! `fyr sync`, `status`, `report-error`, `demo`.

use crate::{print_json, CmdResult, Ctx, Failure};
use clap::Args;

#[derive(Args)]
pub struct SyncArgs {
    /// The hub's base URL (kept in the data directory after first use).
    #[arg(long, value_name = "URL")]
    hub: Option<String>,
    /// The publisher's public key file to trust (kept after first use; repeat for rotation).
    #[arg(long, value_name = "FILE")]
    trust_key: Vec<std::path::PathBuf>,
    /// This device's upload token (kept after first use).
    #[arg(long, value_name = "TOKEN")]
    token: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct ReportErrorArgs {
    service_id: String,
    #[arg(long)]
    message: String,
}

#[derive(Args)]
pub struct DemoArgs {}

pub fn sync(_ctx: &Ctx, _a: SyncArgs) -> CmdResult {
    Err(Failure::failed("sync: not wired yet"))
}

pub fn status(ctx: &Ctx, json: bool) -> CmdResult {
    let fyr = ctx.open()?;
    let s = fyr.status(chrono::Utc::now())?;
    if json {
        return print_json(&s);
    }
    println!(
        "content: feed {} version {} ({} days old)",
        s.feed_id,
        s.content_version,
        s.content_age_days
            .map(|d| d.to_string())
            .unwrap_or("?".into())
    );
    if let Some(w) = &s.stale_warning {
        println!("warning: {w}");
    }
    println!(
        "last sync: {}",
        s.last_sync.map(|v| v.to_string()).unwrap_or("never".into())
    );
    println!("next attempt: {}", s.next_attempt.as_deref().unwrap_or("-"));
    println!(
        "outbox: {} waiting, {} set aside",
        s.outbox_pending, s.outbox_quarantined
    );
    Ok(())
}

pub fn report_error(ctx: &Ctx, a: ReportErrorArgs) -> CmdResult {
    let fyr = ctx.open()?;
    let id = fyr.report_error(&a.service_id, &a.message)?;
    println!("{id}");
    Ok(())
}

pub fn demo(_ctx: &Ctx, _a: DemoArgs) -> CmdResult {
    Err(Failure::failed("demo: not wired yet"))
}
