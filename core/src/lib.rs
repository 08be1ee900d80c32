//! Fyr core: the offline referral directory, first-step risk screening,
//! encrypted on-device sessions and signed sync. All logic and storage of Fyr
//! lives here; the CLI, the hub and the FFI bindings are thin layers over it.

pub mod content;
pub mod model;
pub mod text;
pub mod vocab;
