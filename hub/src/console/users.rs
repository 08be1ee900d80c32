//! Console accounts: roles, argon2id password hashes, and the functions
//! behind `fyr hub user add|list|disable|set-password`.

use super::db::open;
use crate::db::{Db, DbError, Row as DbRow, Sql, Target};
use crate::HubError;
use argon2::password_hash::{rand_core::OsRng, PasswordHash, SaltString};
use argon2::{Argon2, PasswordHasher, PasswordVerifier};
use serde::Serialize;

/// The shortest password accepted.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// What an account may do (the rights model is in `rights.rs`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "county")]
pub enum Role {
    /// Users, keys, everything.
    Admin,
    /// Edits entries of one county (two-digit code); reads the rest.
    Coordinator(String),
    /// Follow-up only.
    Analyst,
}

impl Role {
    /// Parses `admin`, `analyst` or `coordinator` with a county code.
    pub fn parse(role: &str, county: Option<&str>) -> Result<Role, String> {
        match (role, county) {
            ("admin", None) => Ok(Role::Admin),
            ("analyst", None) => Ok(Role::Analyst),
            ("coordinator", Some(c)) if c.len() == 2 && c.bytes().all(|b| b.is_ascii_digit()) => {
                Ok(Role::Coordinator(c.to_string()))
            }
            ("coordinator", Some(c)) => Err(format!(
                "county '{c}' is not a two-digit county code (07 Kronoberg, 23 Jämtland)"
            )),
            ("coordinator", None) => {
                Err("a coordinator needs --county (07 Kronoberg, 23 Jämtland)".into())
            }
            ("admin" | "analyst", Some(_)) => {
                Err(format!("--county is only for a coordinator, not an {role}"))
            }
            (other, _) => Err(format!(
                "unknown role '{other}' (admin, coordinator or analyst)"
            )),
        }
    }
    pub fn name(&self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Coordinator(_) => "coordinator",
            Role::Analyst => "analyst",
        }
    }
    pub fn county(&self) -> Option<&str> {
        match self {
            Role::Coordinator(c) => Some(c),
            _ => None,
        }
    }
}

/// An account as listed (never with its hash).
#[derive(Debug, Clone, Serialize)]
pub struct User {
    pub name: String,
    pub role: Role,
    pub disabled: bool,
    pub created: String,
}

/// User names: 2–64 lower-case letters (å, ä, ö and other letters too),
/// digits and `- _ . @`. The one normalisation, at creation and at login:
/// surrounding spaces removed and lower-cased. Passwords are never trimmed.
pub(crate) fn normalize_name(name: &str) -> String {
    name.trim().to_lowercase()
}

pub(crate) fn valid_name_pub(name: &str) -> bool {
    valid_name(name)
}

fn valid_name(name: &str) -> bool {
    (2..=64).contains(&name.chars().count())
        && name
            .chars()
            .all(|c| c.is_lowercase() || c.is_ascii_digit() || "-_.@".contains(c))
}

/// The lowest zxcvbn score accepted (0–4; 3 = "safely unguessable: moderate
/// protection from offline slow-hash scenario").
pub const MIN_PASSWORD_SCORE: u8 = 3;

/// The password policy: at least 10 characters and a zxcvbn score of 3 or
/// more, with the user name and the product's own words counted as known to
/// an attacker. `Err` says why, in Swedish and English.
pub(crate) fn check_password(password: &str, name: &str) -> Result<(), (String, String)> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err((
            format!("Lösenordet måste ha minst {MIN_PASSWORD_CHARS} tecken."),
            format!("The password must have at least {MIN_PASSWORD_CHARS} characters."),
        ));
    }
    let inputs = [
        name,
        "fyr",
        "konsol",
        "console",
        "lansstyrelsen",
        "länsstyrelsen",
        "kronoberg",
        "jamtland",
        "jämtland",
    ];
    let est = zxcvbn::zxcvbn(password, &inputs);
    if (est.score() as u8) < MIN_PASSWORD_SCORE {
        return Err((
            "Lösenordet är för lätt att gissa (vanliga ord, namn, upprepningar eller mönster). Välj en längre fras av ovanliga ord.".into(),
            "The password is too easy to guess (common words, names, repeats or patterns). Choose a longer phrase of unusual words.".into(),
        ));
    }
    Ok(())
}

pub(crate) fn hash_password(password: &str) -> Result<String, String> {
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(format!(
            "the password must have at least {MIN_PASSWORD_CHARS} characters"
        ));
    }
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default() // argon2id, v19, OWASP-recommended default cost
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| format!("cannot hash the password: {e}"))
}

pub(crate) fn verify_password(hash: &str, password: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

fn row_user(r: &DbRow) -> Result<User, DbError> {
    let role = r.text(1)?;
    let county = r.opt_text(2)?;
    Ok(User {
        name: r.text(0)?,
        role: Role::parse(&role, county.as_deref()).unwrap_or(Role::Analyst),
        disabled: r.int(3)? != 0,
        created: r.text(4)?,
    })
}

pub(crate) fn get(conn: &Db, name: &str) -> Result<Option<(User, String)>, DbError> {
    conn.row(
        "SELECT name, role, county, disabled, created, hash FROM console_users WHERE name = $1",
        &[name.into()],
    )?
    .map(|r| Ok((row_user(&r)?, r.text(5)?)))
    .transpose()
}

pub(crate) fn insert(conn: &Db, name: &str, role: &Role, password: &str) -> Result<(), String> {
    if !valid_name(name) {
        return Err(format!(
            "user name '{name}' must be 2-64 characters: lower-case letters (å, ä, ö too), digits, - _ . @"
        ));
    }
    check_password(password, name).map_err(|e| e.1)?;
    let hash = hash_password(password)?;
    insert_hash(conn, name, role, &hash)
}

/// Adds an account with an already computed hash.
pub(crate) fn insert_hash(conn: &Db, name: &str, role: &Role, hash: &str) -> Result<(), String> {
    if !valid_name(name) {
        return Err(format!("user name '{name}' is not valid"));
    }
    let n = conn
        .exec(
            "INSERT INTO console_users (name, role, county, hash, disabled, created) VALUES ($1, $2, $3, $4, 0, $5)
             ON CONFLICT (name) DO NOTHING",
            &[
                name.into(),
                role.name().into(),
                role.county().into(),
                hash.into(),
                chrono::Utc::now().to_rfc3339().into(),
            ],
        )
        .map_err(|e| e.to_string())?;
    if n == 0 {
        return Err(format!("user '{name}' already exists"));
    }
    Ok(())
}

pub(crate) fn all(conn: &Db) -> Result<Vec<User>, DbError> {
    conn.rows(
        "SELECT name, role, county, disabled, created FROM console_users ORDER BY name",
        &[],
    )?
    .iter()
    .map(row_user)
    .collect()
}

/// Disables an account and ends its sessions at once.
pub(crate) fn set_disabled(conn: &Db, name: &str) -> Result<(), String> {
    let n = conn
        .exec(
            "UPDATE console_users SET disabled = 1 WHERE name = $1",
            &[name.into()],
        )
        .map_err(|e| e.to_string())?;
    if n == 0 {
        return Err(format!("no user '{name}'"));
    }
    conn.exec(
        r#"DELETE FROM console_sessions WHERE "user" = $1"#,
        &[name.into()],
    )
    .map_err(|e| e.to_string())?;
    Ok(())
}

/// Enables a disabled account again (its old sessions stay ended).
pub(crate) fn set_enabled(conn: &Db, name: &str) -> Result<(), String> {
    let n = conn
        .exec(
            "UPDATE console_users SET disabled = 0 WHERE name = $1",
            &[name.into()],
        )
        .map_err(|e| e.to_string())?;
    if n == 0 {
        return Err(format!("no user '{name}'"));
    }
    Ok(())
}

/// Stores an already computed hash (the console hashes off the database
/// lock) and ends the account's sessions.
pub(crate) fn store_hash(conn: &Db, name: &str, hash: &str) -> Result<(), String> {
    let n = conn
        .exec(
            "UPDATE console_users SET hash = $2 WHERE name = $1",
            &[name.into(), hash.into()],
        )
        .map_err(|e| e.to_string())?;
    if n == 0 {
        return Err(format!("no user '{name}'"));
    }
    conn.exec(
        r#"DELETE FROM console_sessions WHERE "user" = $1"#,
        &[name.into()],
    )
    .map_err(|e| e.to_string())?;
    Ok(())
}

/// Sets a new password and ends the account's sessions.
pub(crate) fn change_password(conn: &Db, name: &str, password: &str) -> Result<(), String> {
    check_password(password, name).map_err(|e| e.1)?;
    let hash = hash_password(password)?;
    store_hash(conn, name, &hash)
}

fn with_db<T>(db: &Target, f: impl FnOnce(&Db) -> Result<T, String>) -> Result<T, HubError> {
    let conn = open(db)?;
    f(&conn).map_err(HubError::Content)
}

/// `fyr hub user add`.
pub fn user_add(db: &Target, name: &str, role: &Role, password: &str) -> Result<(), HubError> {
    let name = &normalize_name(name);
    with_db(db, |c| {
        insert(c, name, role, password)?;
        super::audit::record(
            c,
            "(terminal)",
            "user.add",
            name,
            None,
            Some(&serde_json::json!({"role": role})),
        )
        .map_err(|e| e.to_string())
    })
}

/// `fyr hub user list`.
pub fn user_list(db: &Target) -> Result<Vec<User>, HubError> {
    let conn = open(db)?;
    all(&conn).map_err(|e| conn.err(e))
}

/// `fyr hub user disable`.
pub fn user_disable(db: &Target, name: &str) -> Result<(), HubError> {
    with_db(db, |c| {
        set_disabled(c, name)?;
        super::audit::record(c, "(terminal)", "user.disable", name, None, None)
            .map_err(|e| e.to_string())
    })
}

/// `fyr hub user set-password`.
pub fn user_set_password(db: &Target, name: &str, password: &str) -> Result<(), HubError> {
    with_db(db, |c| {
        change_password(c, name, password)?;
        super::audit::record(c, "(terminal)", "user.set-password", name, None, None)
            .map_err(|e| e.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_parse_with_their_county() {
        assert_eq!(
            Role::parse("coordinator", Some("07")),
            Ok(Role::Coordinator("07".into()))
        );
        assert!(Role::parse("coordinator", None).is_err());
        assert!(Role::parse("coordinator", Some("Kronoberg")).is_err());
        assert!(Role::parse("admin", Some("07")).is_err());
        assert!(Role::parse("root", None).is_err());
    }

    #[test]
    fn passwords_are_argon2id_and_disable_ends_sessions() {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::db::testing::target(dir.path());
        user_add(&db, "anna", &Role::Admin, "correct horse battery").unwrap();
        assert!(user_add(&db, "anna", &Role::Admin, "correct horse battery").is_err());
        assert!(user_add(&db, "bo", &Role::Analyst, "short").is_err());
        // Long but guessable: refused by the strength estimator.
        for weak in ["aaaaaaaaaa", "password123", "1234567890", "bo-bo-bo-bo-bo"] {
            assert!(user_add(&db, "bo", &Role::Analyst, weak).is_err(), "{weak}");
        }
        user_add(
            &db,
            "åsa.östlund",
            &Role::Analyst,
            "Tjäder på myren vid Bräcke",
        )
        .unwrap();
        let conn = open(&db).unwrap();
        let (u, hash) = get(&conn, "anna").unwrap().unwrap();
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        assert!(verify_password(&hash, "correct horse battery"));
        assert!(!verify_password(&hash, "wrong horse battery"));
        assert!(!u.disabled);
        conn.exec(
            r#"INSERT INTO console_sessions (token_hash, "user", csrf, created, seen) VALUES ('t', 'anna', 'c', 0, 0)"#,
            &[],
        )
        .unwrap();
        user_disable(&db, "anna").unwrap();
        let n = conn
            .row("SELECT COUNT(*) FROM console_sessions", &[])
            .unwrap()
            .unwrap()
            .int(0)
            .unwrap();
        assert_eq!(n, 0);
        assert!(user_list(&db).unwrap()[0].disabled);
    }
}
