//! One-shot confirmations shown on the page after a redirect ("Publicerat",
//! a new enrollment code once). Kept in the session's row of the shared
//! database, so the page after the redirect may come from any hub behind
//! the load balancer, sealed with a key made from the session's cookie:
//! the database holds only what the browser that owns the session can
//! read (an enrollment code is never stored in the clear), and a flash
//! that does not open (a cookie changed, a row tampered with) is dropped.

use crate::db::{Db, Sql};
use fyr_core::crypto::{self, SealKey};
use sha2::{Digest, Sha256};

/// Bound to the column it is stored in.
const AAD: &[u8] = b"fyr console_sessions.flash v1";

/// The key of a session's flash: from its cookie, never stored (the row
/// holds the cookie's hash, made another way).
fn key(token: &str) -> SealKey {
    let mut h = Sha256::new();
    h.update(b"fyr console flash key\0");
    h.update(token.as_bytes());
    SealKey::from_bytes(h.finalize().into())
}

/// Keeps `f` for the next page of the session with this cookie (replacing
/// one not yet shown).
pub(super) fn put(db: &Db, token: &str, token_hash: &str, f: &minijinja::Value) {
    let Ok(json) = serde_json::to_vec(f) else {
        return;
    };
    let sealed = hex::encode(crypto::seal(&key(token), AAD, &json));
    // A confirmation lost to a database error only goes unshown: the
    // change itself was made and is in the list and the audit log.
    let _ = db.exec(
        "UPDATE console_sessions SET flash = $2 WHERE token_hash = $1",
        &[token_hash.into(), sealed.into()],
    );
}

/// The session's flash, if one waits, taken (shown once).
pub(super) fn take(db: &Db, token: &str, token_hash: &str) -> Option<serde_json::Value> {
    let sealed = db
        .row(
            "SELECT flash FROM console_sessions WHERE token_hash = $1",
            &[token_hash.into()],
        )
        .ok()??
        .opt_text(0)
        .ok()??;
    let _ = db.exec(
        "UPDATE console_sessions SET flash = NULL WHERE token_hash = $1 AND flash = $2",
        &[token_hash.into(), sealed.clone().into()],
    );
    let json = crypto::open(&key(token), AAD, &hex::decode(sealed).ok()?).ok()?;
    serde_json::from_slice(&json).ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_flash_opens_only_with_its_own_cookie() {
        let f = serde_json::json!({"message": "Publicerat", "issued": {"display": "ABCD-EFGH"}});
        let sealed = fyr_core::crypto::seal(
            &super::key("cookie-a"),
            super::AAD,
            f.to_string().as_bytes(),
        );
        assert!(
            !String::from_utf8_lossy(&sealed).contains("ABCD"),
            "sealed, not in the clear"
        );
        assert!(fyr_core::crypto::open(&super::key("cookie-b"), super::AAD, &sealed).is_err());
        let back = fyr_core::crypto::open(&super::key("cookie-a"), super::AAD, &sealed).unwrap();
        assert_eq!(
            serde_json::from_slice::<serde_json::Value>(&back).unwrap(),
            f
        );
    }
}
