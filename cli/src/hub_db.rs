//! The hub database from the terminal: `--db FILE|URL` (and `--secret`
//! for PostgreSQL) as every `fyr hub` command that reads or writes it takes
//! it, and the console accounts (`fyr hub user …`).

use super::hub::hub_failure;
use crate::{CmdResult, Failure};
use clap::Subcommand;
use fyr_hub::HubError;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub(crate) enum UserCmd {
    /// Add an account: --role admin | coordinator --county NN | analyst.
    Add {
        #[command(flatten)]
        db: HubDbArgs,
        name: String,
        #[arg(long)]
        role: String,
        /// Two-digit county code of a coordinator (07 Kronoberg, 23 Jämtland).
        #[arg(long)]
        county: Option<String>,
    },
    /// List accounts.
    List {
        #[command(flatten)]
        db: HubDbArgs,
    },
    /// Disable an account (its sessions end at once).
    Disable {
        #[command(flatten)]
        db: HubDbArgs,
        name: String,
    },
    /// Set a new password (its sessions end).
    SetPassword {
        #[command(flatten)]
        db: HubDbArgs,
        name: String,
    },
}

/// The hub's database, as `fyr hub serve` is given it.
#[derive(clap::Args)]
pub(crate) struct HubDbArgs {
    /// The hub's database (the one `fyr hub serve --db` uses): an SQLite
    /// file or postgres://USER@HOST:PORT/DB.
    #[arg(long, value_name = "FILE|URL")]
    db: String,
    /// With --db postgres://…: the hub secret file (as `fyr hub serve
    /// --secret`), named `*.secret`.
    #[arg(long, value_name = "FILE")]
    secret: Option<PathBuf>,
}

impl HubDbArgs {
    pub(crate) fn target(&self) -> Result<fyr_hub::db::Target, Failure> {
        db_target(&self.db, self.secret.as_deref())
    }
}

/// The database `--db` names; PostgreSQL with the hub secret file
/// `--secret` (which never goes into the database: every instance keeps
/// the same copy, so a dump of the database cannot reverse the keyed
/// client hashes). SQLite keeps its secret beside the file.
pub(crate) fn db_target(db: &str, secret: Option<&Path>) -> Result<fyr_hub::db::Target, Failure> {
    if fyr_hub::db::is_postgres_url(db) {
        let Some(secret) = secret else {
            return Err(Failure::usage(
                "--db postgres://… needs --secret FILE: the hub secret (the same file on every \
                 instance; made when missing)",
            ));
        };
        let beside = secret
            .to_str()
            .and_then(|s| s.strip_suffix(".secret"))
            .filter(|s| !s.is_empty() && !s.ends_with('/'))
            .ok_or_else(|| {
                Failure::usage(format!(
                    "bad --secret {}: the hub secret file is named NAME.secret",
                    secret.display()
                ))
            })?;
        Ok(fyr_hub::db::Target::Postgres {
            url: db.to_string(),
            secret_beside: PathBuf::from(beside),
        })
    } else {
        if secret.is_some() {
            return Err(Failure::usage(
                "--secret is only for --db postgres://… (an SQLite hub keeps its secret beside --db)",
            ));
        }
        Ok(fyr_hub::db::Target::Sqlite(PathBuf::from(db)))
    }
}

/// Opens the hub database named by `--db` (and `--secret`).
pub(crate) fn open_hub_db(a: &HubDbArgs) -> Result<fyr_hub::db::Db, Failure> {
    fyr_hub::db::Db::open(&a.target()?).map_err(hub_failure)
}

#[derive(Subcommand)]
pub(crate) enum ContentCmd {
    /// Replace the working directory with a validated content folder.
    Import {
        #[command(flatten)]
        db: HubDbArgs,
        #[arg(long, value_name = "DIR")]
        dir: PathBuf,
    },
    /// Write the working directory as a content folder.
    Export {
        #[command(flatten)]
        db: HubDbArgs,
        #[arg(long, value_name = "DIR")]
        dir: PathBuf,
    },
}

fn read_password() -> Result<String, Failure> {
    if std::io::stdin().is_terminal() {
        eprint!("password (at least 10 characters, shown as typed): ");
    }
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| Failure::failed(format!("cannot read the password from stdin: {e}")))?;
    let pw = line.trim_end_matches(['\n', '\r']).to_string();
    if pw.is_empty() {
        return Err(Failure::usage(
            "no password on stdin (give it as the first line)",
        ));
    }
    Ok(pw)
}

pub(crate) fn user(cmd: UserCmd) -> CmdResult {
    use fyr_hub::console::{self, Role};
    let usage = |e: HubError| match e {
        HubError::Content(m) => Failure::usage(m),
        e => Failure::failed(e.to_string()),
    };
    match cmd {
        UserCmd::Add {
            db,
            name,
            role,
            county,
        } => {
            let role = Role::parse(&role, county.as_deref()).map_err(Failure::usage)?;
            let pw = read_password()?;
            console::user_add(&db.target()?, &name, &role, &pw).map_err(usage)?;
            println!("added {name} ({})", role.name());
        }
        UserCmd::List { db } => {
            for u in console::user_list(&db.target()?).map_err(hub_failure)? {
                println!(
                    "{}\t{}\t{}\t{}",
                    u.name,
                    u.role.name(),
                    u.role.county().unwrap_or("-"),
                    if u.disabled { "disabled" } else { "active" }
                );
            }
        }
        UserCmd::Disable { db, name } => {
            console::user_disable(&db.target()?, &name).map_err(usage)?;
            println!("disabled {name}");
        }
        UserCmd::SetPassword { db, name } => {
            let pw = read_password()?;
            console::user_set_password(&db.target()?, &name, &pw).map_err(usage)?;
            println!("password set for {name}");
        }
    }
    Ok(())
}
