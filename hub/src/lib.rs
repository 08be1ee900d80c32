//! The Fyr hub: publishes signed feeds (keygen, publish), serves them with
//! ETag/Range/gzip, receives device uploads (statistics and correction
//! reports) into SQLite, and reports the yearly follow-up counts with small
//! cells suppressed.

pub mod console;
pub mod content;
pub mod db;
pub mod demo;
pub mod enroll;
pub mod enroll_limit;
pub mod events;
pub mod files;
pub mod limits;
pub mod pack;
pub mod proxy;
pub mod publish;
pub mod report;
pub mod scope;
pub mod serve;
pub mod tuf;

pub use content::load_content;
pub use demo::{demo, DemoHub, DemoSummary};
pub use limits::{Gauges, Limits};
pub use publish::{
    export_bundle, keygen, keygen_named, load_snapshot, publish, publish_with, PublishOptions,
    PublishReport,
};
pub use report::{report, Report, ReportRow};
pub use serve::{serve, spawn, HubHandle, ServeConfig};

use std::path::Path;

/// What went wrong in the hub.
#[derive(Debug, thiserror::Error)]
pub enum HubError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{0}")]
    Feed(#[from] fyr_core::feed::FeedError),
    #[error("content: {0}")]
    Content(String),
    #[error("feed directory {path}: {reason}")]
    FeedDir { path: String, reason: String },
    #[error("database {path}: {reason}")]
    Db { path: String, reason: String },
    #[error("tokens file {path} line {line}: {reason}")]
    Tokens {
        path: String,
        line: usize,
        reason: String,
    },
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: String,
        source: std::io::Error,
    },
    #[error("server error: {0}")]
    Server(String),
}

pub(crate) fn io_err(path: &Path) -> impl FnOnce(std::io::Error) -> HubError + '_ {
    move |source| HubError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Writes a file atomically: a temp file in the same directory, fsync, rename.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), HubError> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(io_err(dir))?;
    let tmp = dir.join(format!(
        ".{}.tmp-{}",
        path.file_name().and_then(|n| n.to_str()).unwrap_or("file"),
        std::process::id()
    ));
    let mut f = std::fs::File::create(&tmp).map_err(io_err(&tmp))?;
    f.write_all(bytes).map_err(io_err(&tmp))?;
    f.sync_all().map_err(io_err(&tmp))?;
    drop(f);
    std::fs::rename(&tmp, path).map_err(io_err(path))?;
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}
