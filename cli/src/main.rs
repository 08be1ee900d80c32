//! `fyr`: the terminal client of the Fyr core, for desktop use, scripting,
//! demos and tests. Exit codes: 0 success, 1 failure (e.g. a sync that could
//! not complete), 2 bad input (unknown municipality, bad date, bad answers …).

mod directory;
mod exchange;
mod guides;
mod helpcard;
mod hub;
mod hub_db;
mod hub_phones;
mod hub_tuf;
mod interactive;
mod key;
mod screen;
mod sync;
mod tuf;

use clap::{Args, Parser, Subcommand};
use fyr_core::vocab::Lang;
use fyr_core::{ErrorKind, Fyr, OpenOptions};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "fyr",
    version,
    about = "Fyr – offline referral directory, risk screening and sync for work against violence"
)]
struct Cli {
    /// Where Fyr keeps its store (default: the platform's data directory).
    #[arg(long, global = true, value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Language of output: sv or en.
    #[arg(long, global = true, default_value = "sv", value_parser = ["sv", "en"])]
    lang: String,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Search the directory (offline).
    Search(directory::SearchArgs),
    /// Show one service in full.
    Show(directory::ShowArgs),
    /// List the municipalities.
    Municipalities(JsonFlag),
    /// List the valid groups, needs, violence forms and agency kinds.
    Vocab(JsonFlag),
    /// List the screening checklists.
    Checklists(JsonFlag),
    /// Show one checklist's whole definition.
    Checklist(screen::ChecklistArgs),
    /// Run a screening, interactively or from an answers file.
    Screen(screen::ScreenArgs),
    /// List, show, discard or purge screenings stored on this device.
    Screenings(screen::ScreeningsArgs),
    /// What waits to be sent, exactly as it would be sent.
    Outbox(JsonFlag),
    /// Settings of this device (home municipality, agency kind, retention).
    Settings(screen::SettingsArgs),
    /// Pull signed content updates and push the outbox.
    Sync(sync::SyncArgs),
    /// Enroll this device for uploads with a code from the coordinator.
    Enroll(sync::EnrollArgs),
    /// Content version and age, last sync, next attempt, outbox size.
    Status(JsonFlag),
    /// The help card to show the person in front of you, in their language (or the languages there are).
    HelpCard(helpcard::HelpCardArgs),
    /// What you may share, with whom and when: the confidentiality card per agency kind.
    Confidentiality(guides::ConfidentialityArgs),
    /// Report an error in a directory entry (goes into the outbox).
    ReportError(sync::ReportErrorArgs),
    /// Run a hub and a device on 127.0.0.1 and show them exchanging signed updates and statistics.
    Demo(sync::DemoArgs),
    /// The publishing and sync hub.
    Hub(hub::HubArgs),
    /// The TUF conformance client protocol (init, refresh, download) over the update client.
    Tuf(tuf::TufArgs),
}

#[derive(Args)]
struct JsonFlag {
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// A failure with its exit code; the message is printed as one line on stderr.
pub struct Failure {
    pub code: u8,
    pub message: String,
}

impl Failure {
    pub fn usage(message: impl Into<String>) -> Failure {
        Failure {
            code: 2,
            message: message.into(),
        }
    }
    pub fn failed(message: impl Into<String>) -> Failure {
        Failure {
            code: 1,
            message: message.into(),
        }
    }
}

impl From<fyr_core::Error> for Failure {
    fn from(e: fyr_core::Error) -> Failure {
        let code = match e.kind() {
            ErrorKind::InvalidInput | ErrorKind::NotFound => 2,
            _ => 1,
        };
        let message = match e.kind() {
            ErrorKind::ScreeningsLocked => key::locked_message(&e.to_string()),
            _ => e.to_string(),
        };
        Failure { code, message }
    }
}

pub type CmdResult = Result<(), Failure>;

/// What every command gets: the global options.
pub struct Ctx {
    pub data_dir: PathBuf,
    pub lang: Lang,
}

impl Ctx {
    /// Opens the store (creating it with the bundled content on first use) and
    /// prints any notice about a damaged store that had to be rebuilt. The
    /// directory opens whatever the key; see `key`.
    pub fn open(&self) -> Result<Fyr, Failure> {
        let given = key::given_key(&self.data_dir);
        let opts = OpenOptions {
            data_dir: self.data_dir.clone(),
            key: given.clone().ok().flatten(),
            lang: self.lang,
        };
        // FYR_BUNDLE_DIR (tests, a region's own build): the first-start
        // bundle from a folder laid out like content/feed/, verified exactly
        // as the compiled-in one; it is used only where that one would be,
        // and a directory store found damaged later is rebuilt from it.
        let fyr = match std::env::var_os("FYR_BUNDLE_DIR") {
            Some(dir) => Fyr::open_with_source(opts, fyr_core::bundle::dir_source(dir.into()))?,
            None => Fyr::open(opts)?,
        };
        key::settle(&fyr, &self.data_dir, given)?;
        print_notices(&fyr);
        Ok(fyr)
    }
}

/// Prints notices not yet shown (damage found and repaired), one line each.
pub fn print_notices(fyr: &Fyr) {
    for n in fyr.take_notices() {
        eprintln!("fyr: {n}");
    }
}

pub fn print_json<T: serde::Serialize>(v: &T) -> CmdResult {
    let s = serde_json::to_string_pretty(v).map_err(|e| Failure::failed(e.to_string()))?;
    println!("{s}");
    Ok(())
}

fn default_data_dir() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("fyr")
}

fn main() -> ExitCode {
    // Behave like a Unix tool when output is piped into `head`.
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
    let ctx = Ctx {
        data_dir: cli.data_dir.unwrap_or_else(default_data_dir),
        lang: Lang::parse(&cli.lang).unwrap_or_default(),
    };
    let r = match cli.cmd {
        Cmd::Search(a) => directory::search(&ctx, a),
        Cmd::Show(a) => directory::show(&ctx, a),
        Cmd::Municipalities(j) => directory::municipalities(&ctx, j.json),
        Cmd::Vocab(j) => directory::vocab(&ctx, j.json),
        Cmd::Checklists(j) => screen::checklists(&ctx, j.json),
        Cmd::Checklist(a) => screen::checklist(&ctx, a),
        Cmd::Screen(a) => screen::screen(&ctx, a),
        Cmd::Screenings(a) => screen::screenings(&ctx, a),
        Cmd::Outbox(j) => screen::outbox(&ctx, j.json),
        Cmd::Settings(a) => screen::settings(&ctx, a),
        Cmd::Sync(a) => sync::sync(&ctx, a),
        Cmd::Status(j) => sync::status(&ctx, j.json),
        Cmd::Enroll(a) => sync::enroll(&ctx, a),
        Cmd::HelpCard(a) => helpcard::help_card(&ctx, a),
        Cmd::Confidentiality(a) => guides::confidentiality(&ctx, a),
        Cmd::ReportError(a) => sync::report_error(&ctx, a),
        Cmd::Demo(a) => sync::demo(&ctx, a),
        Cmd::Hub(a) => hub::hub(&ctx, a),
        Cmd::Tuf(a) => tuf::tuf(a),
    };
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            eprintln!("fyr: {}", f.message.lines().next().unwrap_or(""));
            for extra in f.message.lines().skip(1) {
                eprintln!("  {extra}");
            }
            ExitCode::from(f.code)
        }
    }
}
