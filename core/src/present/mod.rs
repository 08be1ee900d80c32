//! Presentation: everything a shell shows that is not pure layout, in
//! Swedish and English — contact actions per phone (`tel:`/`sms:`/chat
//! links), distance texts, card subtitles and badges, question counters,
//! decimal-comma number parsing, relative times and the status screen's
//! lines, and the table of user-facing strings ([`UiText`]).
//!
//! The CLI, the FFI (and through it the Android and iOS apps) call these, so
//! the shells only lay out what the core says and cannot drift apart.

pub mod bidi;
pub mod card;
pub mod contact;
pub mod format;
pub mod messages;
pub mod status;
pub mod strings;

pub use bidi::{display_number, isolate_numbers, strip_isolates};
pub use card::{card, HitCard};
pub use contact::{
    contact_actions, demo_number_text, phone_text, tel_digits, ContactAction, ContactKind,
};
pub use format::{
    decimal, distance_text, parse_number, question_counter, relative_time, screening_counter,
};
pub use status::{demo_line, status_lines, StatusLine, Tone};
pub use strings::{ui_text, UiText};
