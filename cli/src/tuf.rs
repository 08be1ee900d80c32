//! `fyr tuf`: the TUF conformance client protocol
//! (`../shared/tuf-conformance/CLIENT-CLI.md`) over the core's update client
//! (`fyr_core::update`), the same code a device's sync runs. Exit 0 on
//! success, 1 on any failure.

use crate::{CmdResult, Failure};
use clap::{Args, Subcommand};
use fyr_core::update::{fetch::HttpFetcher, quote, DirStore, Repository, Updater};
use std::path::PathBuf;

#[derive(Args)]
pub struct TufArgs {
    /// Where trusted metadata is kept (root.json, timestamp.json, …).
    #[arg(long, value_name = "DIR")]
    metadata_dir: PathBuf,
    /// The repository's metadata folder URL.
    #[arg(long, value_name = "URL")]
    metadata_url: Option<String>,
    /// A target path to download (repeatable, processed in order).
    #[arg(long, value_name = "PATH")]
    target_name: Vec<String>,
    /// The repository's targets folder URL.
    #[arg(long, value_name = "URL")]
    target_base_url: Option<String>,
    /// Where downloaded targets are stored.
    #[arg(long, value_name = "DIR")]
    target_dir: Option<PathBuf>,
    #[command(subcommand)]
    cmd: TufCmd,
}

#[derive(Subcommand)]
enum TufCmd {
    /// Trust this root.json (copied, not checked).
    Init { trusted_root: PathBuf },
    /// Update the top-level metadata by the TUF client workflow.
    Refresh,
    /// Refresh, then download and verify each --target-name.
    Download,
}

fn fail(e: impl std::fmt::Display) -> Failure {
    Failure::failed(e.to_string())
}

fn url(what: &str, u: &Option<String>) -> Result<fyr_core::sync::Url, Failure> {
    let u = u
        .as_deref()
        .ok_or_else(|| Failure::failed(format!("{what} is needed")))?;
    fyr_core::sync::Url::parse(u).map_err(|e| Failure::failed(format!("{what} {u:?}: {e}")))
}

pub fn tuf(a: TufArgs) -> CmdResult {
    match a.cmd {
        TufCmd::Init { trusted_root } => {
            std::fs::create_dir_all(&a.metadata_dir).map_err(fail)?;
            std::fs::copy(&trusted_root, a.metadata_dir.join("root.json")).map_err(fail)?;
            Ok(())
        }
        TufCmd::Refresh | TufCmd::Download => {
            let meta = url("--metadata-url", &a.metadata_url)?;
            let targets = match &a.target_base_url {
                Some(_) => url("--target-base-url", &a.target_base_url)?,
                None => meta.clone(),
            };
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(fail)?;
            let fetcher = HttpFetcher::new(std::time::Duration::from_secs(30)).map_err(fail)?;
            let mut up = Updater::new(
                fetcher,
                DirStore(a.metadata_dir.clone()),
                Repository::single(meta, targets),
                chrono::Utc::now(),
            );
            rt.block_on(async {
                up.refresh().await.map_err(fail)?;
                if matches!(a.cmd, TufCmd::Refresh) {
                    return Ok(());
                }
                let dir = a
                    .target_dir
                    .clone()
                    .ok_or_else(|| Failure::failed("--target-dir is needed"))?;
                for name in &a.target_name {
                    let info =
                        up.target_info(name).await.map_err(fail)?.ok_or_else(|| {
                            Failure::failed(format!("{name}: not in the repository"))
                        })?;
                    let path = dir.join(quote(name));
                    if let Ok(have) = std::fs::read(&path) {
                        if info.verify(name, &have).is_ok() {
                            continue;
                        }
                    }
                    let data = up.download_target(name, &info).await.map_err(fail)?;
                    std::fs::write(&path, data).map_err(fail)?;
                }
                Ok(())
            })
        }
    }
}
