//! Device enrollment at the hub: one-time codes, device tokens, revocation.
//! The CLI (`fyr hub enroll-codes`, `fyr hub devices`), the HTTP endpoint
//! (`POST /v1/enroll`) and the console's web page all call these functions.
//!
//! The API, in full:
//! - [`create_code`] — a new one-time code for a county and an agency kind,
//!   expiring after some hours; the code itself is returned once and stored
//!   only as its HMAC-SHA256 under the hub secret ([`crate::files`]).
//! - [`list_codes`] — issued codes: id, county, agency kind, created,
//!   expires, state (unused, used, expired). Never the code.
//! - [`redeem`] — exchanges a code for a device token (used once).
//! - [`list_devices`] — enrolled devices: id, county, agency kind, the day
//!   enrolled, the day last seen, revoked or not. No personal data exists to show.
//! - [`revoke_device`] — a lost phone: its token is refused from now on with
//!   HTTP 410, which the device takes as "enroll again".
//! - [`check_token`] — what an upload's bearer token is (valid, revoked,
//!   unknown). It writes nothing: the day a device was last seen is noted
//!   in memory by [`LastSeen`] and written for all devices at once, later.
//! - [`crate::enroll_limit`] — failed attempts per client, in the database.
//!
//! Tokens are 32 random bytes (hex) and stored only as their sha256. A fast
//! hash is enough here: with 256 bits of entropy, guessing a preimage is out
//! of reach however fast the hash is; slow password hashes (argon2, bcrypt)
//! exist for low-entropy secrets people choose. Codes have 70 random bits
//! and are stored as HMAC-SHA256 keyed with the hub secret, a file beside
//! the database: a stolen copy of the database alone gives nothing to test
//! guesses against, and with the secret too, 2^70 guesses per code are out
//! of reach. Codes are one-time and expire (72 hours by default). Codes of
//! the earlier format (stored as a plain sha256) are expired when the
//! database is opened by this version.
//!
//! The tables live in the hub's database beside the events, and hold no
//! personal data: a device is a random id, a county, an agency kind and two days.

use crate::db::{DbError, Sql};
use crate::HubError;
use chrono::{DateTime, Duration, Utc};
use fyr_core::enroll as code_fmt;
use hmac::{Hmac, Mac};
use rusqlite::Connection;
use serde::Serialize;
use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Mutex;

/// Default lifetime of a code.
pub const DEFAULT_EXPIRES_HOURS: u32 = 72;
/// Longest lifetime of a code (30 days).
pub const MAX_EXPIRES_HOURS: u32 = 720;

/// SCB county codes (län).
pub const COUNTIES: &[(&str, &str)] = &[
    ("01", "Stockholm"),
    ("03", "Uppsala"),
    ("04", "Södermanland"),
    ("05", "Östergötland"),
    ("06", "Jönköping"),
    ("07", "Kronoberg"),
    ("08", "Kalmar"),
    ("09", "Gotland"),
    ("10", "Blekinge"),
    ("12", "Skåne"),
    ("13", "Halland"),
    ("14", "Västra Götaland"),
    ("17", "Värmland"),
    ("18", "Örebro"),
    ("19", "Västmanland"),
    ("20", "Dalarna"),
    ("21", "Gävleborg"),
    ("22", "Västernorrland"),
    ("23", "Jämtland"),
    ("24", "Västerbotten"),
    ("25", "Norrbotten"),
];

/// A county by SCB code or name (any case, å/ä/ö optional); returns the code.
pub fn parse_county(s: &str) -> Option<&'static str> {
    let fold = |t: &str| fyr_core::text::fold(t);
    let s = s.trim();
    COUNTIES
        .iter()
        .find(|(code, name)| *code == s || fold(name) == fold(s))
        .map(|(code, _)| *code)
}

/// The enrollment tables (both backends: [`crate::db::schema`]).
pub const TABLES: &str = "CREATE TABLE IF NOT EXISTS enroll_codes (
            code_hash TEXT PRIMARY KEY,
            id TEXT NOT NULL UNIQUE,
            county TEXT NOT NULL,
            agency_kind TEXT NOT NULL,
            created TEXT NOT NULL,
            expires TEXT NOT NULL,
            used TEXT
        );
        CREATE TABLE IF NOT EXISTS devices (
            id TEXT PRIMARY KEY,
            token_hash TEXT NOT NULL UNIQUE,
            county TEXT NOT NULL,
            agency_kind TEXT NOT NULL,
            enrolled TEXT NOT NULL,
            last_seen TEXT,
            revoked TEXT
        );";

/// Creates the enrollment tables if missing.
pub fn init(conn: &impl Sql) -> Result<(), DbError> {
    conn.ensure_schema()
}

/// Opens the hub database (the events database) with the enrollment tables.
pub fn open(path: &Path) -> Result<Connection, HubError> {
    crate::events::open_db(path)
}

fn sha(s: &str) -> String {
    fyr_core::feed::sha256_hex(s.as_bytes())
}

/// The hub secret of the database `conn` is open on ([`Sql::secret`]).
pub(crate) fn secret(conn: &impl Sql) -> Result<[u8; 32], EnrollError> {
    conn.secret()
        .map_err(|e| EnrollError::Secret(e.to_string()))
}

/// HMAC-SHA256 under the hub secret, with a purpose label so that one
/// value can never stand for another (`code`, `client`).
pub(crate) fn keyed(secret: &[u8; 32], purpose: &str, value: &str) -> String {
    let mut mac = Hmac::<sha2::Sha256>::new_from_slice(secret).expect("HMAC takes any key length");
    mac.update(purpose.as_bytes());
    mac.update(&[0]);
    mac.update(value.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// How a code is stored: `hmac-sha256:` and the keyed hash of its canonical form.
fn code_hash(secret: &[u8; 32], code: &str) -> String {
    format!("hmac-sha256:{}", keyed(secret, "code", code))
}

fn day(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d").to_string()
}

/// What went wrong.
#[derive(Debug, thiserror::Error)]
pub enum EnrollError {
    /// A bad argument; the message names it.
    #[error("{0}")]
    Invalid(String),
    /// A code that is wrong, used or expired: deliberately the same answer.
    #[error("the enrollment code is not valid")]
    Refused,
    #[error("database: {0}")]
    Db(#[from] DbError),
    /// The hub secret could not be read or made; the message names the file.
    #[error("{0}")]
    Secret(String),
}

impl From<rusqlite::Error> for EnrollError {
    fn from(e: rusqlite::Error) -> EnrollError {
        EnrollError::Db(e.into())
    }
}

/// A newly issued code: show `display` (and the QR of `qr_payload`) once.
#[derive(Debug, Clone, Serialize)]
pub struct IssuedCode {
    pub id: String,
    pub code: String,
    pub display: String,
    pub qr_payload: String,
    pub county: String,
    pub agency_kind: String,
    pub expires: DateTime<Utc>,
}

/// Issues a one-time code for a county (SCB code or name) and an agency
/// kind (its id, e.g. `healthcare`), valid for `expires_hours` (1–720).
/// `hub_url` goes into the QR payload.
pub fn create_code(
    conn: &impl Sql,
    county: &str,
    agency_kind: &str,
    expires_hours: u32,
    hub_url: &str,
    now: DateTime<Utc>,
) -> Result<IssuedCode, EnrollError> {
    let county = parse_county(county).ok_or_else(|| {
        EnrollError::Invalid(format!(
            "unknown county {county:?}: give an SCB county code (07 Kronoberg, 23 Jämtland …) or its name"
        ))
    })?;
    let kind = fyr_core::vocab::AgencyKind::parse(agency_kind).ok_or_else(|| {
        EnrollError::Invalid(format!(
            "unknown agency kind {agency_kind:?} (see `fyr vocab`)"
        ))
    })?;
    if !(1..=MAX_EXPIRES_HOURS).contains(&expires_hours) {
        return Err(EnrollError::Invalid(format!(
            "--expires-hours {expires_hours}: must be 1–{MAX_EXPIRES_HOURS}"
        )));
    }
    init(conn)?;
    let secret = secret(conn)?;
    let code = code_fmt::generate_code();
    let id = hex::encode(rand::random::<[u8; 4]>());
    let expires = now + Duration::hours(expires_hours as i64);
    conn.exec(
        "INSERT INTO enroll_codes (code_hash, id, county, agency_kind, created, expires) VALUES ($1, $2, $3, $4, $5, $6)",
        &[code_hash(&secret, &code).into(), id.as_str().into(), county.into(), kind.id().into(), now.to_rfc3339().into(), expires.to_rfc3339().into()],
    )?;
    conn.checkpoint();
    Ok(IssuedCode {
        id,
        display: code_fmt::display_code(&code),
        qr_payload: code_fmt::qr_payload(&code, hub_url),
        code,
        county: county.to_string(),
        agency_kind: kind.id().to_string(),
        expires,
    })
}

/// An issued code as listed (never the code itself).
#[derive(Debug, Clone, Serialize)]
pub struct CodeInfo {
    pub id: String,
    pub county: String,
    pub agency_kind: String,
    pub created: String,
    pub expires: String,
    /// "unused", "used" or "expired".
    pub state: String,
}

pub fn list_codes(conn: &impl Sql, now: DateTime<Utc>) -> Result<Vec<CodeInfo>, EnrollError> {
    init(conn)?;
    let rows = conn.rows(
        "SELECT id, county, agency_kind, created, expires, used FROM enroll_codes ORDER BY created, id",
        &[],
    )?;
    let mut out = Vec::new();
    for r in rows {
        let (id, county, agency_kind, created, expires, used) = (
            r.text(0)?,
            r.text(1)?,
            r.text(2)?,
            r.text(3)?,
            r.text(4)?,
            r.opt_text(5)?,
        );
        let expired = DateTime::parse_from_rfc3339(&expires)
            .map(|e| e <= now)
            .unwrap_or(true);
        let state = if used.is_some() {
            "used"
        } else if expired {
            "expired"
        } else {
            "unused"
        };
        out.push(CodeInfo {
            id,
            county,
            agency_kind,
            created,
            expires,
            state: state.into(),
        });
    }
    Ok(out)
}

/// A device just enrolled: the token goes to the device and nowhere else.
#[derive(Debug, Clone, Serialize)]
pub struct Enrolled {
    pub device_id: String,
    pub token: String,
    pub county: String,
    pub agency_kind: String,
}

/// Exchanges a code (as typed: case, spaces and dashes forgiven) for a new
/// device token. A malformed, unknown, used or expired code is the same
/// [`EnrollError::Refused`].
pub fn redeem(conn: &impl Sql, code: &str, now: DateTime<Utc>) -> Result<Enrolled, EnrollError> {
    let code = code_fmt::normalize_code(code).map_err(|_| EnrollError::Refused)?;
    init(conn)?;
    let hash = code_hash(&secret(conn)?, &code);
    let out = conn.in_transaction(|tx| -> Result<Enrolled, EnrollError> {
        let row = tx.row(
            "SELECT county, agency_kind, expires FROM enroll_codes WHERE code_hash = $1 AND used IS NULL",
            &[hash.as_str().into()],
        )?;
        let Some(r) = row else {
            return Err(EnrollError::Refused);
        };
        let (county, agency_kind, expires) = (r.text(0)?, r.text(1)?, r.text(2)?);
        if DateTime::parse_from_rfc3339(&expires)
            .map(|e| e <= now)
            .unwrap_or(true)
        {
            return Err(EnrollError::Refused);
        }
        // Two hubs redeeming one code at once: only the first update takes it.
        let n = tx.exec(
            "UPDATE enroll_codes SET used = $2 WHERE code_hash = $1 AND used IS NULL",
            &[hash.as_str().into(), now.to_rfc3339().into()],
        )?;
        if n != 1 {
            return Err(EnrollError::Refused);
        }
        let token = hex::encode(rand::random::<[u8; 32]>());
        let device_id = hex::encode(rand::random::<[u8; 4]>());
        tx.exec(
            "INSERT INTO devices (id, token_hash, county, agency_kind, enrolled) VALUES ($1, $2, $3, $4, $5)",
            &[device_id.as_str().into(), sha(&token).into(), county.as_str().into(), agency_kind.as_str().into(), day(now).into()],
        )?;
        Ok(Enrolled {
            device_id,
            token,
            county,
            agency_kind,
        })
    })?;
    conn.checkpoint();
    Ok(out)
}

/// An enrolled device as listed.
#[derive(Debug, Clone, Serialize)]
pub struct DeviceInfo {
    pub id: String,
    pub county: String,
    pub agency_kind: String,
    /// The day it enrolled (YYYY-MM-DD).
    pub enrolled: String,
    /// The last day it uploaded, if any (written for all devices at once
    /// when the day is over or the hub stops; see [`LastSeen`]).
    pub last_seen: Option<String>,
    pub revoked: bool,
}

pub fn list_devices(conn: &impl Sql) -> Result<Vec<DeviceInfo>, EnrollError> {
    init(conn)?;
    let rows = conn.rows(
        "SELECT id, county, agency_kind, enrolled, last_seen, revoked FROM devices ORDER BY enrolled, id",
        &[],
    )?;
    rows.iter()
        .map(|r| {
            Ok(DeviceInfo {
                id: r.text(0)?,
                county: r.text(1)?,
                agency_kind: r.text(2)?,
                enrolled: r.text(3)?,
                last_seen: r.opt_text(4)?,
                revoked: r.opt_text(5)?.is_some(),
            })
        })
        .collect()
}

/// Revokes a device by id: its uploads get HTTP 410 from now on. Revoking
/// twice is harmless; an unknown id is an error naming it.
pub fn revoke_device(conn: &impl Sql, id: &str, now: DateTime<Utc>) -> Result<(), EnrollError> {
    init(conn)?;
    let n = conn.exec(
        "UPDATE devices SET revoked = COALESCE(revoked, $2) WHERE id = $1",
        &[id.trim().into(), day(now).into()],
    )?;
    conn.checkpoint();
    if n == 0 {
        return Err(EnrollError::Invalid(format!(
            "no enrolled device has the id {id:?} (see `fyr hub devices list`)"
        )));
    }
    Ok(())
}

/// Undoes [`revoke_device`] (a phone revoked by mistake): its token is
/// accepted again. An unknown id is an error naming it.
pub fn reinstate_device(conn: &impl Sql, id: &str) -> Result<(), EnrollError> {
    init(conn)?;
    let n = conn.exec(
        "UPDATE devices SET revoked = NULL WHERE id = $1",
        &[id.trim().into()],
    )?;
    if n == 0 {
        return Err(EnrollError::Invalid(format!(
            "no enrolled device has the id {id:?} (see `fyr hub devices list`)"
        )));
    }
    Ok(())
}

/// What an upload's bearer token is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenState {
    Valid,
    Revoked,
    Unknown,
}

/// Looks a token up among enrolled devices. Writes nothing: a write here
/// would sit in the database's log right before the batch it authenticated
/// (the hub notes the device in [`LastSeen`] instead).
pub fn check_token(
    conn: &impl Sql,
    token: &str,
    _now: DateTime<Utc>,
) -> Result<TokenState, EnrollError> {
    init(conn)?;
    let row: Option<Option<String>> = conn
        .row(
            "SELECT revoked FROM devices WHERE token_hash = $1",
            &[sha(token).into()],
        )?
        .map(|r| r.opt_text(0))
        .transpose()?;
    Ok(match row {
        None => TokenState::Unknown,
        Some(Some(_)) => TokenState::Revoked,
        Some(None) => TokenState::Valid,
    })
}

/// Marks of the devices seen on one day: the day and their token hashes.
pub type SeenOn = (String, BTreeSet<String>);

/// The devices seen today, kept in memory and written to `devices.last_seen`
/// all at once when the day (UTC) is over — at the first upload of the next
/// day or by the hub's daily timer — and when the hub stops, in one
/// transaction ordered by token hash. So the day a device was last seen is
/// on disk, but never as a write next to one of its batches. (A crash loses
/// that day's marks.)
#[derive(Default)]
pub struct LastSeen {
    seen: Mutex<SeenOn>,
}

impl LastSeen {
    /// Notes that an enrolled device's token was used now. Returns the
    /// marks of an earlier day that are due to be written ([`Self::write`]).
    pub fn note(&self, token: &str, now: DateTime<Utc>) -> Option<SeenOn> {
        let mut g = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        let today = day(now);
        let due = (g.0 != today && !g.1.is_empty()).then(|| std::mem::take(&mut *g));
        g.0 = today;
        g.1.insert(sha(token));
        due
    }

    /// Takes the marks of a day before `now` (whatever is held when `now`
    /// is None, as when the hub stops).
    pub fn take_due(&self, now: Option<DateTime<Utc>>) -> Option<SeenOn> {
        let mut g = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        if g.1.is_empty() || now.is_some_and(|n| day(n) == g.0) {
            return None;
        }
        Some(std::mem::take(&mut *g))
    }

    /// Writes marks taken with [`Self::note`] or [`Self::take_due`].
    pub fn write(conn: &impl Sql, (day, hashes): SeenOn) -> Result<(), EnrollError> {
        init(conn)?;
        conn.in_transaction(|tx| -> Result<(), DbError> {
            for h in &hashes {
                tx.exec(
                    "UPDATE devices SET last_seen = $2 WHERE token_hash = $1 AND (last_seen IS NULL OR last_seen < $2)",
                    &[h.into(), day.as_str().into()],
                )?;
            }
            Ok(())
        })?;
        conn.checkpoint();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> (tempfile::TempDir, crate::db::Db) {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::db::Db::open(&crate::db::testing::target(dir.path())).unwrap();
        (dir, db)
    }

    #[test]
    fn a_code_enrolls_one_device_once_and_revocation_sticks() {
        let (_dir, c) = db();
        let now = Utc::now();
        let issued =
            create_code(&c, "Jämtland", "healthcare", 72, "http://127.0.0.1:1/", now).unwrap();
        assert_eq!(issued.county, "23");
        assert!(issued.qr_payload.starts_with("fyr-enroll:"));
        assert_eq!(list_codes(&c, now).unwrap()[0].state, "unused");
        let typed = issued.display.to_lowercase();
        let e = redeem(&c, &typed, now).unwrap();
        assert_eq!(e.agency_kind, "healthcare");
        assert!(matches!(
            redeem(&c, &issued.code, now),
            Err(EnrollError::Refused)
        ));
        assert_eq!(list_codes(&c, now).unwrap()[0].state, "used");
        // Only the hash of the token is stored.
        let stored = c
            .row("SELECT token_hash FROM devices", &[])
            .unwrap()
            .unwrap()
            .text(0)
            .unwrap();
        assert_ne!(stored, e.token);
        assert_eq!(check_token(&c, &e.token, now).unwrap(), TokenState::Valid);
        // Checking a token writes nothing; the day is written later, for all.
        assert_eq!(list_devices(&c).unwrap()[0].last_seen, None);
        let seen = LastSeen::default();
        assert!(seen.note(&e.token, now).is_none());
        assert!(
            seen.take_due(Some(now)).is_none(),
            "not before the day is over"
        );
        let tomorrow = now + Duration::days(1);
        let due = seen
            .note(&e.token, tomorrow)
            .expect("yesterday's marks are due");
        LastSeen::write(&c, due).unwrap();
        let d = &list_devices(&c).unwrap()[0];
        assert_eq!(d.last_seen.as_deref(), Some(day(now).as_str()));
        LastSeen::write(&c, seen.take_due(None).unwrap()).unwrap();
        assert_eq!(
            list_devices(&c).unwrap()[0].last_seen.as_deref(),
            Some(day(tomorrow).as_str())
        );
        revoke_device(&c, &e.device_id, now).unwrap();
        assert_eq!(check_token(&c, &e.token, now).unwrap(), TokenState::Revoked);
        assert!(list_devices(&c).unwrap()[0].revoked);
        reinstate_device(&c, &e.device_id).unwrap();
        assert!(!list_devices(&c).unwrap()[0].revoked);
        revoke_device(&c, &e.device_id, now).unwrap();
        assert!(list_devices(&c).unwrap()[0].revoked);
        assert!(revoke_device(&c, "nope", now)
            .unwrap_err()
            .to_string()
            .contains("nope"));
        assert_eq!(check_token(&c, "other", now).unwrap(), TokenState::Unknown);
    }

    #[test]
    fn wrong_expired_and_malformed_codes_get_the_same_answer() {
        let (_dir, c) = db();
        let now = Utc::now();
        let issued = create_code(&c, "07", "police", 1, "http://x/", now).unwrap();
        let later = now + Duration::hours(2);
        let a = redeem(&c, &issued.code, later).unwrap_err().to_string();
        let b = redeem(&c, &code_fmt::generate_code(), now)
            .unwrap_err()
            .to_string();
        let m = redeem(&c, "hello", now).unwrap_err().to_string();
        assert_eq!(a, b);
        assert_eq!(a, m);
        assert_eq!(list_codes(&c, later).unwrap()[0].state, "expired");
    }

    #[test]
    fn bad_arguments_are_named() {
        let (_dir, c) = db();
        let now = Utc::now();
        let e = create_code(&c, "Narnia", "police", 1, "http://x/", now).unwrap_err();
        assert!(e.to_string().contains("Narnia"), "{e}");
        let e = create_code(&c, "07", "wizards", 1, "http://x/", now).unwrap_err();
        assert!(e.to_string().contains("wizards"), "{e}");
        let e = create_code(&c, "07", "police", 0, "http://x/", now).unwrap_err();
        assert!(e.to_string().contains("expires-hours"), "{e}");
    }
}
