//! The FFI records: what the shells see where a core type is not exported as
//! it is (the core's own types carry `uniffi` derives where they can;
//! `convert.rs` maps between these and the core's).

use crate::convert::{EmergencyAction, GeoPoint, HitCard, Understood};

/// One vocabulary value: its stable id and its labels.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct VocabEntry {
    pub id: String,
    pub sv: String,
    pub en: String,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Vocabulary {
    pub agency_kinds: Vec<VocabEntry>,
    pub groups: Vec<VocabEntry>,
    pub needs: Vec<VocabEntry>,
    pub forms: Vec<VocabEntry>,
}

/// Device settings. `lang` is "sv" or "en"; `home_municipality` a name (any
/// spelling) or SCB code when set, an SCB code when read; `agency_kind` an id
/// from the vocabulary; `retention_days` 1–3650.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Settings {
    pub lang: String,
    pub home_municipality: Option<String>,
    pub agency_kind: Option<String>,
    pub retention_days: u32,
}

/// A directory search. Empty `text` lists what matches the filters. Vocabulary
/// filters are ids; `at` is RFC 3339 (default now); `limit` 0 means 20.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SearchQuery {
    pub text: String,
    pub municipality: Option<String>,
    pub groups: Vec<String>,
    pub needs: Vec<String>,
    pub forms: Vec<String>,
    pub language: Option<String>,
    pub open_now: bool,
    pub at: Option<String>,
    pub near: Option<GeoPoint>,
    pub limit: u32,
    /// Readings of the text the user removed (a chip's `key`: `group:men`,
    /// `role:uses_violence`, `danger` …): search again without them.
    #[uniffi(default = [])]
    pub without: Vec<String>,
}

/// A search's answer as the apps show it: the fixed "Akut fara? Ring 112"
/// action (a strip above the list, always), how the text was understood (the
/// removable chips; `understood.summary` as one line) and the list.
/// `Understood`, `ReadingChip` and `EmergencyAction` are the core's own types.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SearchResult {
    pub emergency: EmergencyAction,
    pub understood: Understood,
    pub hits: Vec<ServiceHit>,
}

/// A phone number: `kind` is "voice", "sms" or "chat"; `open_now` whether it
/// is answered now (its own hours, else the service's).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct PhoneHit {
    pub number: String,
    pub kind: String,
    pub label: Option<String>,
    pub open_now: Option<bool>,
}

/// A search result, ready to display. `open_text` is the open/closed state
/// in words, naming the open channel ("Ring nu · jour till 08:00", "Chatt
/// öppen till 22:00", "Stängt · öppnar mån 08:00"); `next_change` RFC 3339.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ServiceHit {
    pub id: String,
    pub name: String,
    pub organization: String,
    pub agency_kind: String,
    pub agency_label: String,
    /// SCB codes; empty for national and county-wide services.
    pub municipalities: Vec<String>,
    pub national: bool,
    pub county: Option<String>,
    /// Where it is offered, ready to display (municipality names, county, all of Sweden).
    pub area: String,
    pub groups: Vec<String>,
    pub needs: Vec<String>,
    pub forms: Vec<String>,
    pub phones: Vec<PhoneHit>,
    pub open_now: Option<bool>,
    pub next_change: Option<String>,
    pub open_text: String,
    /// Has a phone (voice, SMS) or chat; false: information only (web/e-mail),
    /// never open and never help now.
    pub reachable: bool,
    /// The channel usable now: "voice", "sms" or "chat"; None when none is.
    pub open_channel: Option<String>,
    pub always_open: bool,
    pub on_call: bool,
    pub distance_km: Option<f64>,
    /// The distance is to the municipality's centre, not the service itself.
    pub distance_approximate: bool,
    pub verified: bool,
    pub demo: bool,
    pub web: Option<String>,
    /// What to show besides the fields above, from the core: the subtitle,
    /// the demo/unverified/national badges, the distance text and the
    /// contact actions (a URI and a label per phone and kind).
    pub card: HitCard,
}

/// A service in full.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ServiceDetail {
    pub hit: ServiceHit,
    pub description: String,
    /// The organization's role in the work against violence.
    pub role: String,
    /// The hours as written in the content, and as lines to display.
    pub hours: String,
    pub schedule: Vec<String>,
    pub languages: Vec<String>,
    pub email: Option<String>,
    /// Never present for a confidential address.
    pub address: Option<String>,
    pub confidential_address: bool,
    pub verified_on: Option<String>,
    pub source: String,
    /// "Kontrollerad 2025-03-01 · source" in the store's language (show this).
    pub verified_line: String,
    pub tags: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Municipality {
    pub code: String,
    pub name: String,
    pub county_code: String,
    pub county_name: String,
    pub lat: f64,
    pub lon: f64,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ChecklistSummary {
    pub id: String,
    pub version: i64,
    pub kind: String,
    /// Whom the outcome is about: "adult_victim", "child", "perpetrator" or "any".
    pub subject: String,
    /// In the store's language.
    pub title: String,
    pub title_sv: String,
    pub title_en: String,
    /// An example checklist written by the team, to be replaced by the
    /// instrument the region adopts.
    pub example: bool,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Choice {
    pub id: String,
    pub text: String,
}

/// The item to ask next. `answer_type` is "yes_no" (yes/no/unknown),
/// "choice" (`choices` filled) or "number" (optional `min`/`max`).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ScreeningItem {
    pub id: String,
    pub section: Option<String>,
    pub text: String,
    pub help: Option<String>,
    pub answer_type: String,
    pub choices: Vec<Choice>,
    pub min: Option<f64>,
    pub max: Option<f64>,
    /// A key question: without its answer no level can be given.
    pub key: bool,
}

/// Where a session stands: the next item (none when every visible item is
/// answered), how many of the visible items are answered, whether `back` works.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ScreeningView {
    pub session_id: String,
    pub checklist: String,
    pub version: i64,
    pub title: String,
    /// E.g. that a newer checklist version exists and this session keeps its own.
    pub notice: Option<String>,
    pub next_item: Option<ScreeningItem>,
    pub answered: u32,
    pub visible: u32,
    pub can_go_back: bool,
    pub completed: bool,
    pub municipality: Option<String>,
    /// "Fråga 3 av 12" / "Question 3 of 12".
    pub counter: String,
}

#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum Answer {
    Yes,
    No,
    Unknown,
    Choice { id: String },
    Number { value: f64 },
}

/// A professional-judgement override: raises the level; the reason is required.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct LevelOverride {
    pub level: String,
    pub reason: String,
}

/// A red flag that was raised: the item, the level it lifts to, and the text
/// to show (in the store's language).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct RedFlag {
    pub item: String,
    pub level: String,
    pub text: String,
}

/// A key question left unanswered (text in the store's language).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct MissingItem {
    pub id: String,
    pub text: String,
}

/// A level the professional may raise to (the override picker), lowest first.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct OverrideLevel {
    pub id: String,
    pub label_sv: String,
    pub label_en: String,
    /// In the store's language (show this one).
    pub label: String,
    /// An acute level: someone may be in danger now (112 first).
    pub acute: bool,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ScreeningOutcome {
    pub session_id: String,
    pub checklist: String,
    pub version: i64,
    /// A level id of the checklist, or "not_assessed".
    pub level: String,
    /// "Bedömning ej möjlig – nyckelfrågor saknar svar" when not assessed.
    pub level_label: String,
    /// Key questions are unanswered and nothing known lifts the result: no
    /// level is given (never the lowest one).
    pub not_assessed: bool,
    /// The key questions left unanswered; non-empty with a level means the
    /// level is a floor ("at least").
    pub missing_key: Vec<MissingItem>,
    /// The level is acute: the first action is to call 112.
    pub acute: bool,
    pub score: f64,
    pub red_flags: Vec<RedFlag>,
    pub unanswered: u32,
    pub incomplete: bool,
    pub actions: Vec<String>,
    pub referrals: Vec<ServiceHit>,
    /// "Consultation for you": lines for the worker, never among the referrals.
    pub consultation: Vec<ServiceHit>,
    /// The confidentiality card for the user's own agency kind (settings).
    pub confidentiality: Option<fyr_core::guides::ConfidentialityView>,
    /// Samråd: the agency kind id contact was taken with, if said.
    pub contact_taken: Option<String>,
    /// Checklists this result leads on to (chaining).
    pub leads_to: Vec<String>,
    pub override_used: bool,
    pub municipality: Option<String>,
}

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ScreeningSummary {
    pub session_id: String,
    pub checklist: String,
    pub version: i64,
    /// "in_progress" or "completed".
    pub state: String,
    /// The state in words, in the store's language ("Pågår", "Avslutad").
    pub state_label: String,
    pub level: Option<String>,
    pub answered: u32,
    pub started: String,
    pub completed: Option<String>,
    /// When it was started, relative to now: "för 3 timmar sedan".
    pub started_text: String,
}

/// An event waiting in the outbox; `payload_json` exactly as it will be sent.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct OutboxEntry {
    pub id: String,
    pub kind: String,
    pub payload_json: String,
    pub attempts: u32,
    /// Set aside by the hub as invalid (visible, never blocking the others).
    pub quarantined: bool,
    pub reason: Option<String>,
    /// The row in words, in the store's language: what it is and where it
    /// stands (show this, never `payload_json`).
    pub text: String,
}

/// A reason a correction report may give.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct ReportReason {
    pub id: String,
    pub label: String,
}

/// The limits of the retention setting, and its hint in words.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct RetentionBounds {
    pub min_days: u32,
    pub max_days: u32,
    pub hint: String,
}

/// A language the app itself speaks, named in itself.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct AppLanguage {
    pub id: String,
    pub name: String,
}

/// Empty fields mean "what the core remembered from the last sync".
#[derive(Debug, Clone, PartialEq, Default, uniffi::Record)]
pub struct SyncOptions {
    pub hub_url: Option<String>,
    /// Trusted ed25519 public keys, hex.
    pub trusted_keys: Vec<String>,
    pub token: Option<String>,
    /// `User` ("Sync now") runs at once; `Scheduled` (a periodic job, app
    /// start, network back) only when due, else `FyrError::NotYet` at once.
    pub trigger: SyncTrigger,
}

pub use fyr_core::sync::policy::SyncTrigger;

#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct SyncReport {
    /// "updated" or "unchanged".
    pub result: String,
    pub version: u64,
    pub requests: u64,
    pub bytes_received: u64,
    pub bytes_sent: u64,
    pub uploaded: u64,
    pub quarantined: u64,
    /// The version a delta was applied from; none when a snapshot (or nothing) was applied.
    pub delta_from: Option<u64>,
    /// Events still waiting in the outbox after this sync.
    pub pending: u64,
    /// Why the outbox was not sent, when it was not: "not_enrolled",
    /// "revoked" or "refused". The pull may still have worked.
    pub upload_blocked: Option<String>,
    /// The same in words (store language) with what to do, for the status screen.
    pub upload_note: Option<String>,
}

pub use fyr_core::enroll::Enrollment;

/// What the Status screen shows and what a scheduler needs: `next_attempt`
/// (RFC 3339) is the core's backoff hint after a failure.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct Status {
    pub feed_id: String,
    pub content_version: u64,
    pub content_created: Option<String>,
    pub content_age_days: Option<u32>,
    pub stale_after_days: Option<u32>,
    pub stale_warning: Option<String>,
    /// The signed content asks for a newer app: what to tell the user.
    pub app_update: Option<String>,
    /// The last successful sync (RFC 3339).
    pub last_sync: Option<String>,
    /// The last sync's result in one line ("updated", or the error).
    pub last_result: Option<String>,
    /// The last sync's result as the core keeps it (JSON).
    pub last_result_json: Option<String>,
    /// After a failure: when to try again (backoff with jitter, honouring Retry-After).
    pub next_attempt: Option<String>,
    pub failures: u32,
    pub hub: Option<String>,
    pub outbox_size: u32,
    pub quarantined: u32,
    /// Why the outbox was not sent at the last sync: "not_enrolled",
    /// "revoked" or "refused"; none when it was (or nothing waited).
    pub upload_blocked: Option<String>,
    /// The same in words (store language) with what to do.
    pub upload_note: Option<String>,
    /// How often to look for a new version after a success (hours, from
    /// the signed content); `next_attempt` governs after a failure.
    pub check_interval_hours: Option<u32>,
    /// Demo entries in the directory (a demo build; `status_lines` says so).
    #[uniffi(default = 0)]
    pub demo_entries: u64,
    /// Set when screenings are locked (no key, or a wrong one): why, in one
    /// line. Search and the rest of the directory work either way; the way
    /// forward is `reset_screening_key`.
    #[uniffi(default = None)]
    pub screenings_locked: Option<String>,
    /// "no_key" or "wrong_key" when locked.
    #[uniffi(default = None)]
    pub screenings_lock_reason: Option<String>,
    /// Sessions set aside by a key reset (unreadable until purged).
    #[uniffi(default = 0)]
    pub unreadable_screenings: u32,
    /// When the next scheduled sync is due (RFC 3339), by the core's one sync
    /// policy: now on a fresh install, the last success plus the signed
    /// `check_interval_hours`, or the backoff's next attempt after a failure.
    /// Shells schedule their wake-up at this time and nothing else.
    pub next_check: String,
}

/// A session set aside by a key reset.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct UnreadableScreening {
    pub session_id: String,
    /// RFC 3339.
    pub set_aside_at: String,
    /// When it is purged (RFC 3339).
    pub purge_after: String,
}
