//! `fyr hub keygen | publish | serve | report`.

use crate::{CmdResult, Ctx, Failure};
use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Args)]
pub struct HubArgs {
    #[command(subcommand)]
    cmd: HubCmd,
}

#[derive(Subcommand)]
enum HubCmd {
    /// Make an ed25519 key pair for signing feeds.
    Keygen {
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
    },
    /// Validate content and write the next signed feed version.
    Publish {
        #[arg(long, value_name = "DIR")]
        content: PathBuf,
        #[arg(long, value_name = "FILE")]
        key: PathBuf,
        #[arg(long, value_name = "DIR")]
        feed: PathBuf,
        #[arg(long, value_name = "N", default_value_t = 30)]
        expires_days: u32,
    },
    /// Serve a feed and accept device uploads.
    Serve {
        #[arg(long, value_name = "DIR")]
        feed: PathBuf,
        #[arg(long, value_name = "FILE")]
        db: PathBuf,
        #[arg(long, value_name = "ADDR")]
        listen: String,
        #[arg(long, value_name = "FILE")]
        tokens: Option<PathBuf>,
    },
    /// Counts for the yearly follow-up, small cells suppressed.
    Report {
        #[arg(long, value_name = "FILE")]
        db: PathBuf,
        #[arg(long, value_name = "Y")]
        year: Option<i32>,
        #[arg(long)]
        csv: bool,
    },
}

pub fn hub(_ctx: &Ctx, a: HubArgs) -> CmdResult {
    match a.cmd {
        HubCmd::Keygen { .. }
        | HubCmd::Publish { .. }
        | HubCmd::Serve { .. }
        | HubCmd::Report { .. } => Err(Failure::failed("hub: not wired yet")),
    }
}
