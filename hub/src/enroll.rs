//! Device enrollment at the hub: one-time codes, device tokens, revocation.
//! The CLI (`fyr hub enroll-codes`, `fyr hub devices`), the HTTP endpoint
//! (`POST /v1/enroll`) and the console's web page all call these functions.
//!
//! The API, in full:
//! - [`create_code`] — a new one-time code for a county and an agency kind,
//!   expiring after some hours; the code itself is returned once and stored
//!   only as its sha256.
//! - [`list_codes`] — issued codes: id, county, agency kind, created,
//!   expires, state (unused, used, expired). Never the code.
//! - [`redeem`] — exchanges a code for a device token (used once).
//! - [`list_devices`] — enrolled devices: id, county, agency kind, the day
//!   enrolled, the day last seen, revoked or not. No personal data exists to show.
//! - [`revoke_device`] — a lost phone: its token is refused from now on with
//!   HTTP 410, which the device takes as "enroll again".
//! - [`check_token`] — what an upload's bearer token is (valid, revoked, unknown).
//! - [`RateLimiter`] — attempts per client address and in all.
//!
//! Tokens are 32 random bytes (hex) and stored only as their sha256. A fast
//! hash is enough here: with 256 bits of entropy, guessing a preimage is out
//! of reach however fast the hash is; slow password hashes (argon2, bcrypt)
//! exist for low-entropy secrets people choose. Codes (45 bits) are also
//! stored hashed, are one-time, expire (72 hours by default) and are guessed
//! only through the rate-limited endpoint.
//!
//! The tables live in the hub's database beside the events, and hold no
//! personal data: a device is a random id, a county, an agency kind and two days.

use crate::HubError;
use chrono::{DateTime, Duration, Utc};
use fyr_core::enroll as code_fmt;
use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;
use std::collections::HashMap;
use std::net::IpAddr;
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

/// Creates the enrollment tables if missing.
pub fn init(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(
        "CREATE TABLE IF NOT EXISTS enroll_codes (
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
        );",
    )
}

/// Opens the hub database (the events database) with the enrollment tables.
pub fn open(path: &Path) -> Result<Connection, HubError> {
    crate::events::open_db(path)
}

fn sha(s: &str) -> String {
    fyr_core::feed::sha256_hex(s.as_bytes())
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
    Db(#[from] rusqlite::Error),
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
    conn: &Connection,
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
    let code = code_fmt::generate_code();
    let id = hex::encode(rand::random::<[u8; 4]>());
    let expires = now + Duration::hours(expires_hours as i64);
    conn.execute(
        "INSERT INTO enroll_codes (code_hash, id, county, agency_kind, created, expires) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![sha(&code), id, county, kind.id(), now.to_rfc3339(), expires.to_rfc3339()],
    )?;
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

pub fn list_codes(conn: &Connection, now: DateTime<Utc>) -> Result<Vec<CodeInfo>, EnrollError> {
    init(conn)?;
    let mut st = conn.prepare(
        "SELECT id, county, agency_kind, created, expires, used FROM enroll_codes ORDER BY created",
    )?;
    let rows = st.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, Option<String>>(5)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, county, agency_kind, created, expires, used) = row?;
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
pub fn redeem(
    conn: &mut Connection,
    code: &str,
    now: DateTime<Utc>,
) -> Result<Enrolled, EnrollError> {
    let code = code_fmt::normalize_code(code).map_err(|_| EnrollError::Refused)?;
    init(conn)?;
    let tx = conn.transaction()?;
    let row: Option<(String, String, String)> = tx
        .query_row(
            "SELECT county, agency_kind, expires FROM enroll_codes WHERE code_hash = ?1 AND used IS NULL",
            [sha(&code)],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((county, agency_kind, expires)) = row else {
        return Err(EnrollError::Refused);
    };
    if DateTime::parse_from_rfc3339(&expires)
        .map(|e| e <= now)
        .unwrap_or(true)
    {
        return Err(EnrollError::Refused);
    }
    tx.execute(
        "UPDATE enroll_codes SET used = ?2 WHERE code_hash = ?1",
        params![sha(&code), now.to_rfc3339()],
    )?;
    let token = hex::encode(rand::random::<[u8; 32]>());
    let device_id = hex::encode(rand::random::<[u8; 4]>());
    tx.execute(
        "INSERT INTO devices (id, token_hash, county, agency_kind, enrolled) VALUES (?1, ?2, ?3, ?4, ?5)",
        params![device_id, sha(&token), county, agency_kind, day(now)],
    )?;
    tx.commit()?;
    Ok(Enrolled {
        device_id,
        token,
        county,
        agency_kind,
    })
}

/// An enrolled device as listed.
#[derive(Debug, Clone, Serialize)]
pub struct DeviceInfo {
    pub id: String,
    pub county: String,
    pub agency_kind: String,
    /// The day it enrolled (YYYY-MM-DD).
    pub enrolled: String,
    /// The day of its last upload, if any.
    pub last_seen: Option<String>,
    pub revoked: bool,
}

pub fn list_devices(conn: &Connection) -> Result<Vec<DeviceInfo>, EnrollError> {
    init(conn)?;
    let mut st = conn.prepare(
        "SELECT id, county, agency_kind, enrolled, last_seen, revoked FROM devices ORDER BY enrolled, id",
    )?;
    let rows = st.query_map([], |r| {
        Ok(DeviceInfo {
            id: r.get(0)?,
            county: r.get(1)?,
            agency_kind: r.get(2)?,
            enrolled: r.get(3)?,
            last_seen: r.get(4)?,
            revoked: r.get::<_, Option<String>>(5)?.is_some(),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Revokes a device by id: its uploads get HTTP 410 from now on. Revoking
/// twice is harmless; an unknown id is an error naming it.
pub fn revoke_device(conn: &Connection, id: &str, now: DateTime<Utc>) -> Result<(), EnrollError> {
    init(conn)?;
    let n = conn.execute(
        "UPDATE devices SET revoked = COALESCE(revoked, ?2) WHERE id = ?1",
        params![id.trim(), day(now)],
    )?;
    if n == 0 {
        return Err(EnrollError::Invalid(format!(
            "no enrolled device has the id {id:?} (see `fyr hub devices list`)"
        )));
    }
    Ok(())
}

/// Undoes [`revoke_device`] (a phone revoked by mistake): its token is
/// accepted again. An unknown id is an error naming it.
pub fn reinstate_device(conn: &Connection, id: &str) -> Result<(), EnrollError> {
    init(conn)?;
    let n = conn.execute(
        "UPDATE devices SET revoked = NULL WHERE id = ?1",
        params![id.trim()],
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

/// Looks a token up among enrolled devices, noting the day it was seen.
pub fn check_token(
    conn: &Connection,
    token: &str,
    now: DateTime<Utc>,
) -> Result<TokenState, EnrollError> {
    init(conn)?;
    let h = sha(token);
    let row: Option<Option<String>> = conn
        .query_row(
            "SELECT revoked FROM devices WHERE token_hash = ?1",
            [&h],
            |r| r.get(0),
        )
        .optional()?;
    Ok(match row {
        None => TokenState::Unknown,
        Some(Some(_)) => TokenState::Revoked,
        Some(None) => {
            conn.execute(
                "UPDATE devices SET last_seen = ?2 WHERE token_hash = ?1",
                params![h, day(now)],
            )?;
            TokenState::Valid
        }
    })
}

/// Enrollment attempts allowed per client address and in all, per window:
/// fixed windows, kept in memory (a restart forgets them, which only helps
/// legitimate users).
pub struct RateLimiter {
    per_client: u32,
    global: u32,
    window: std::time::Duration,
    state: Mutex<(std::time::Instant, HashMap<IpAddr, u32>, u32)>,
}

impl RateLimiter {
    pub fn new(per_client: u32, global: u32, window: std::time::Duration) -> RateLimiter {
        RateLimiter {
            per_client,
            global,
            window,
            state: Mutex::new((std::time::Instant::now(), HashMap::new(), 0)),
        }
    }

    /// Counts an attempt; `Err(seconds until the window ends)` when over a limit.
    pub fn check(&self, client: IpAddr) -> Result<(), u64> {
        let mut g = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let now = std::time::Instant::now();
        if now.duration_since(g.0) >= self.window {
            *g = (now, HashMap::new(), 0);
        }
        let left = self
            .window
            .saturating_sub(now.duration_since(g.0))
            .as_secs()
            + 1;
        if g.2 >= self.global {
            return Err(left);
        }
        let n = g.1.entry(client).or_insert(0);
        if *n >= self.per_client {
            return Err(left);
        }
        *n += 1;
        g.2 += 1;
        Ok(())
    }
}

impl Default for RateLimiter {
    /// 10 attempts per address and 200 in all per 10 minutes.
    fn default() -> Self {
        RateLimiter::new(10, 200, std::time::Duration::from_secs(600))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> Connection {
        let c = Connection::open_in_memory().unwrap();
        init(&c).unwrap();
        c
    }

    #[test]
    fn a_code_enrolls_one_device_once_and_revocation_sticks() {
        let mut c = db();
        let now = Utc::now();
        let issued =
            create_code(&c, "Jämtland", "healthcare", 72, "http://127.0.0.1:1/", now).unwrap();
        assert_eq!(issued.county, "23");
        assert!(issued.qr_payload.starts_with("fyr-enroll:"));
        assert_eq!(list_codes(&c, now).unwrap()[0].state, "unused");
        let typed = issued.display.to_lowercase();
        let e = redeem(&mut c, &typed, now).unwrap();
        assert_eq!(e.agency_kind, "healthcare");
        assert!(matches!(
            redeem(&mut c, &issued.code, now),
            Err(EnrollError::Refused)
        ));
        assert_eq!(list_codes(&c, now).unwrap()[0].state, "used");
        // Only the hash of the token is stored.
        let stored: String = c
            .query_row("SELECT token_hash FROM devices", [], |r| r.get(0))
            .unwrap();
        assert_ne!(stored, e.token);
        assert_eq!(check_token(&c, &e.token, now).unwrap(), TokenState::Valid);
        let d = &list_devices(&c).unwrap()[0];
        assert_eq!(d.last_seen.as_deref(), Some(day(now).as_str()));
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
        let mut c = db();
        let now = Utc::now();
        let issued = create_code(&c, "07", "police", 1, "http://x/", now).unwrap();
        let later = now + Duration::hours(2);
        let a = redeem(&mut c, &issued.code, later).unwrap_err().to_string();
        let b = redeem(&mut c, &code_fmt::generate_code(), now)
            .unwrap_err()
            .to_string();
        let m = redeem(&mut c, "hello", now).unwrap_err().to_string();
        assert_eq!(a, b);
        assert_eq!(a, m);
        assert_eq!(list_codes(&c, later).unwrap()[0].state, "expired");
    }

    #[test]
    fn bad_arguments_are_named() {
        let c = db();
        let now = Utc::now();
        let e = create_code(&c, "Narnia", "police", 1, "http://x/", now).unwrap_err();
        assert!(e.to_string().contains("Narnia"), "{e}");
        let e = create_code(&c, "07", "wizards", 1, "http://x/", now).unwrap_err();
        assert!(e.to_string().contains("wizards"), "{e}");
        let e = create_code(&c, "07", "police", 0, "http://x/", now).unwrap_err();
        assert!(e.to_string().contains("expires-hours"), "{e}");
    }

    #[test]
    fn the_rate_limiter_counts_per_client_and_globally() {
        let r = RateLimiter::new(2, 3, std::time::Duration::from_secs(60));
        let a: IpAddr = "127.0.0.1".parse().unwrap();
        let b: IpAddr = "127.0.0.2".parse().unwrap();
        assert!(r.check(a).is_ok());
        assert!(r.check(a).is_ok());
        assert!(r.check(a).is_err());
        assert!(r.check(b).is_ok());
        assert!(r.check(b).is_err(), "the global limit applies");
    }
}
