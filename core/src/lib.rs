//! Fyr core: the offline referral directory, first-step risk screening,
//! encrypted on-device sessions and signed sync. All logic and storage of Fyr
//! lives here; the CLI, the hub and the FFI bindings are thin layers over it.
//!
//! `api::Fyr` is the facade; see ARCHITECTURE.md for the map.

pub mod api;
pub mod bundle;
pub mod checklist;
pub mod content;
#[cfg(feature = "authoring")]
pub mod corpus;
pub mod crypto;
pub mod distribution;
pub mod enroll;
pub mod error;
pub mod evolve;
pub mod feed;
pub mod form;
pub mod guides;
pub mod helpcard;
pub mod keys;
pub mod model;
pub(crate) mod par;
pub mod present;
pub mod privacy;
pub mod routing;
#[cfg(feature = "authoring")]
pub mod scenario;
pub mod schedule;
pub mod screening;
pub mod search;
pub mod session;
pub mod store;
pub mod sync;
pub mod text;
pub mod understand;
pub mod update;
pub mod vocab;

#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!();

pub use api::{Fyr, OpenOptions, Settings, Status};
pub use error::{Error, ErrorKind, Result};
