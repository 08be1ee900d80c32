//! What the store starts from: the bundle a first start imports, and the
//! source a damaged directory store is rebuilt from.

use super::ContentPosition;
use crate::error::Result;
use crate::feed::Record;
use std::sync::Arc;

/// Content to start from: the bundled default, compiled into the binary.
pub struct Bundle {
    pub position: ContentPosition,
    pub records: Vec<Record>,
}

/// Where first-start content comes from, and where a damaged directory
/// store is rebuilt from while the app runs.
#[derive(Clone)]
pub struct BundleSource {
    pub(super) load: Arc<dyn Fn() -> Result<Bundle> + Send + Sync>,
    pub(super) peek: Option<Peek>,
}

/// A bundle's feed id and version read without verifying or decoding it:
/// only to tell, at an open, that the bundle is not newer than the store
/// (what is imported is always verified by `load`).
pub type Peek = Arc<dyn Fn() -> Option<(String, u64)> + Send + Sync>;

impl BundleSource {
    /// A source that must be loaded (verified and decoded) to be compared.
    pub fn new(load: impl Fn() -> Result<Bundle> + Send + Sync + 'static) -> BundleSource {
        BundleSource {
            load: Arc::new(load),
            peek: None,
        }
    }

    /// With a cheap way to read its feed id and version: an open whose store
    /// already holds that version or a later one never decodes the bundle.
    pub fn with_peek(
        self,
        peek: impl Fn() -> Option<(String, u64)> + Send + Sync + 'static,
    ) -> BundleSource {
        BundleSource {
            peek: Some(Arc::new(peek)),
            ..self
        }
    }

    pub fn load(&self) -> Result<Bundle> {
        (self.load)()
    }
}
