//! The core's internal error. The FFI crate maps it to its public `FyrError`;
//! the CLI maps `Error::kind()` to exit codes (invalid input → 2).

use thiserror::Error;

/// What kind of failure, for mapping to exit codes and FFI exceptions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ErrorKind {
    /// The caller gave a bad value (unknown municipality, bad answer type …).
    InvalidInput,
    /// An id that does not exist.
    NotFound,
    /// The store could not be read or written.
    Storage,
    /// A wrong key, or an encrypted record that does not authenticate.
    Crypto,
    /// Screenings cannot be used: no key, or a key that does not open this
    /// device's sealed screenings. The directory keeps working; the way
    /// forward is a new key (`Fyr::reset_screening_key`).
    ScreeningsLocked,
    /// Sync failed (network, forged or malformed feed …).
    Sync,
    /// A scheduled sync asked before it was due (or while one runs): nothing
    /// was done, no network used. Not a failure.
    NotYet,
    /// Content (directory or checklists) failed validation.
    Content,
    /// A bug.
    Internal,
}

#[derive(Debug, Error)]
pub enum Error {
    #[error("{0}")]
    InvalidInput(String),
    #[error("{0}")]
    NotFound(String),
    #[error("store error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("{0}")]
    Storage(String),
    /// A store file is damaged (malformed, empty, not ours): it is moved
    /// aside and replaced.
    #[error("{0}")]
    Damaged(String),
    #[error("{0}")]
    ScreeningsLocked(String),
    #[error("{0}")]
    Crypto(String),
    #[error("{0}")]
    Sync(String),
    #[error("{0}")]
    Content(String),
    /// Applying a content change would give another content than the feed promised.
    #[error("content digest mismatch after applying version {version}: expected {expected}, got {got}; nothing was changed")]
    DigestMismatch {
        version: u64,
        expected: String,
        got: String,
    },
    #[error("internal error: {0}")]
    Internal(String),
    /// A scheduled sync before its time (`sync::policy`).
    #[error("{}", if *running { format!("not yet: a sync is running; try again after {}", at.to_rfc3339()) } else { format!("not yet: the next sync is due at {} (the region's check interval or the backoff after a failure); only the user's own request syncs earlier", at.to_rfc3339()) })]
    NotYet {
        at: chrono::DateTime<chrono::Utc>,
        running: bool,
    },
}

impl Error {
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::InvalidInput(_) => ErrorKind::InvalidInput,
            Error::NotFound(_) => ErrorKind::NotFound,
            Error::Sqlite(_) | Error::Storage(_) | Error::Damaged(_) => ErrorKind::Storage,
            Error::ScreeningsLocked(_) => ErrorKind::ScreeningsLocked,
            Error::Crypto(_) => ErrorKind::Crypto,
            Error::Sync(_) | Error::DigestMismatch { .. } => ErrorKind::Sync,
            Error::Content(_) => ErrorKind::Content,
            Error::Internal(_) => ErrorKind::Internal,
            Error::NotYet { .. } => ErrorKind::NotYet,
        }
    }
    pub fn invalid(msg: impl Into<String>) -> Error {
        Error::InvalidInput(msg.into())
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Error {
        Error::Internal(format!("json: {e}"))
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Error {
        Error::Storage(e.to_string())
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
