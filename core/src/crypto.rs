//! Record encryption: sessions are stored as opaque sealed blobs.
//!
//! XChaCha20-Poly1305 with a caller-supplied 32-byte key. A blob is
//! `version (1 byte) ‖ nonce (24 bytes, random) ‖ ciphertext+tag`. The
//! plaintext is framed as `length (u32 LE) ‖ data ‖ zero padding` up to a
//! multiple of 512 bytes before encryption, so a blob's size only reveals the
//! length of the record to within 512 bytes. The version byte and the
//! caller's associated data are authenticated.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use std::fmt;

const VERSION: u8 = 1;
const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
/// Plaintexts are padded to a multiple of this many bytes.
pub const PAD_BLOCK: usize = 512;
const LEN_PREFIX: usize = 4;
const KEY_CHECK_AAD: &[u8] = b"fyr/key-check/v1";
const KEY_CHECK_TEXT: &[u8] = b"fyr key check";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CryptoError {
    #[error("invalid key: {0}")]
    BadKey(String),
    #[error("sealed data is malformed: {0}")]
    Malformed(String),
    #[error("sealed data version {0} is not supported")]
    UnsupportedVersion(u8),
    /// Authentication failed: the key is wrong or the data was altered.
    #[error("cannot open sealed data: wrong key or the data was altered")]
    Decrypt,
    #[error("wrong key: the key check does not open with this key")]
    WrongKey,
}

/// A 32-byte record key. Its `Debug` never prints the key.
#[derive(Clone, PartialEq, Eq)]
pub struct SealKey([u8; 32]);

impl SealKey {
    pub fn from_bytes(bytes: [u8; 32]) -> SealKey {
        SealKey(bytes)
    }

    /// Reads a key written as 64 hex digits (surrounding whitespace ignored).
    pub fn from_hex(s: &str) -> Result<SealKey, CryptoError> {
        let s = s.trim();
        if s.len() != 64 {
            return Err(CryptoError::BadKey(format!(
                "expected 64 hex digits, got {} characters",
                s.len()
            )));
        }
        let bytes = hex::decode(s).map_err(|e| CryptoError::BadKey(format!("not hex: {e}")))?;
        let mut key = [0u8; 32];
        key.copy_from_slice(&bytes);
        Ok(SealKey(key))
    }

    /// A new random key from the operating system's generator.
    pub fn generate() -> SealKey {
        let mut key = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut key);
        SealKey(key)
    }

    /// The key as 64 hex digits, for the caller to store in a keystore.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    fn cipher(&self) -> XChaCha20Poly1305 {
        XChaCha20Poly1305::new((&self.0).into())
    }
}

impl fmt::Debug for SealKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SealKey(<redacted>)")
    }
}

fn full_aad(aad: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(aad.len() + 1);
    v.push(VERSION);
    v.extend_from_slice(aad);
    v
}

/// The padded frame: length prefix, data, zeros up to a multiple of [`PAD_BLOCK`].
fn pad(plaintext: &[u8]) -> Vec<u8> {
    let len = u32::try_from(plaintext.len()).expect("records are far smaller than 4 GiB");
    let framed = LEN_PREFIX + plaintext.len();
    let total = framed.div_ceil(PAD_BLOCK) * PAD_BLOCK;
    let mut v = Vec::with_capacity(total);
    v.extend_from_slice(&len.to_le_bytes());
    v.extend_from_slice(plaintext);
    v.resize(total, 0);
    v
}

fn unpad(mut frame: Vec<u8>) -> Result<Vec<u8>, CryptoError> {
    if frame.len() < LEN_PREFIX {
        return Err(CryptoError::Malformed(
            "frame shorter than its length prefix".into(),
        ));
    }
    let len = u32::from_le_bytes([frame[0], frame[1], frame[2], frame[3]]) as usize;
    if len > frame.len() - LEN_PREFIX {
        return Err(CryptoError::Malformed(
            "length prefix exceeds the data".into(),
        ));
    }
    frame.truncate(LEN_PREFIX + len);
    frame.drain(..LEN_PREFIX);
    Ok(frame)
}

/// Seals `plaintext` under `key`, binding `aad` (e.g. the record id).
pub fn seal(key: &SealKey, aad: &[u8], plaintext: &[u8]) -> Vec<u8> {
    let mut nonce = [0u8; NONCE_LEN];
    rand::rngs::OsRng.fill_bytes(&mut nonce);
    let aad = full_aad(aad);
    let frame = pad(plaintext);
    let ct = key
        .cipher()
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: &frame,
                aad: &aad,
            },
        )
        .expect("XChaCha20-Poly1305 encryption of a bounded message cannot fail");
    let mut out = Vec::with_capacity(1 + NONCE_LEN + ct.len());
    out.push(VERSION);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(&ct);
    out
}

/// Opens a blob made by [`seal`] with the same key and `aad`. A wrong key,
/// other `aad` or any altered byte gives an error, never a panic.
pub fn open(key: &SealKey, aad: &[u8], blob: &[u8]) -> Result<Vec<u8>, CryptoError> {
    let Some((&version, rest)) = blob.split_first() else {
        return Err(CryptoError::Malformed("empty".into()));
    };
    if version != VERSION {
        return Err(CryptoError::UnsupportedVersion(version));
    }
    if rest.len() < NONCE_LEN + TAG_LEN {
        return Err(CryptoError::Malformed(format!(
            "{} bytes is too short",
            blob.len()
        )));
    }
    let (nonce, ct) = rest.split_at(NONCE_LEN);
    let aad = full_aad(aad);
    let frame = key
        .cipher()
        .decrypt(XNonce::from_slice(nonce), Payload { msg: ct, aad: &aad })
        .map_err(|_| CryptoError::Decrypt)?;
    unpad(frame)
}

/// A small sealed value the caller stores next to the records, so that a
/// wrong key is reported clearly ([`CryptoError::WrongKey`]) before any
/// record is opened.
pub fn key_check(key: &SealKey) -> Vec<u8> {
    seal(key, KEY_CHECK_AAD, KEY_CHECK_TEXT)
}

/// Checks a value made by [`key_check`] against `key`.
pub fn verify_key_check(key: &SealKey, check: &[u8]) -> Result<(), CryptoError> {
    match open(key, KEY_CHECK_AAD, check) {
        Ok(text) if text == KEY_CHECK_TEXT => Ok(()),
        Ok(_) | Err(CryptoError::Decrypt) => Err(CryptoError::WrongKey),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_with_aad() {
        let key = SealKey::generate();
        for msg in [&b""[..], b"hej", &[7u8; 508], &[7u8; 509], &[1u8; 5000]] {
            let blob = seal(&key, b"session:abc", msg);
            assert_eq!(open(&key, b"session:abc", &blob).unwrap(), msg);
        }
    }

    #[test]
    fn nonces_differ_between_seals() {
        let key = SealKey::generate();
        let a = seal(&key, b"", b"same");
        let b = seal(&key, b"", b"same");
        assert_ne!(a, b);
        assert_ne!(a[1..25], b[1..25]);
    }

    #[test]
    fn tampering_is_detected_at_every_byte() {
        let key = SealKey::generate();
        let blob = seal(&key, b"id", b"a record with answers");
        for i in 0..blob.len() {
            let mut bad = blob.clone();
            bad[i] ^= 0x01;
            assert!(
                open(&key, b"id", &bad).is_err(),
                "flip at byte {i} not detected"
            );
        }
        // Truncated and extended blobs too.
        assert!(open(&key, b"id", &blob[..blob.len() - 1]).is_err());
        let mut longer = blob.clone();
        longer.push(0);
        assert_eq!(open(&key, b"id", &longer), Err(CryptoError::Decrypt));
        // Other associated data.
        assert_eq!(open(&key, b"other", &blob), Err(CryptoError::Decrypt));
    }

    #[test]
    fn wrong_key_fails_and_key_check_reports_it() {
        let key = SealKey::generate();
        let other = SealKey::generate();
        let blob = seal(&key, b"id", b"secret");
        assert_eq!(open(&other, b"id", &blob), Err(CryptoError::Decrypt));
        let check = key_check(&key);
        assert_eq!(verify_key_check(&key, &check), Ok(()));
        assert_eq!(verify_key_check(&other, &check), Err(CryptoError::WrongKey));
        assert!(matches!(
            verify_key_check(&key, b""),
            Err(CryptoError::Malformed(_))
        ));
    }

    #[test]
    fn malformed_blobs_are_errors_not_panics() {
        let key = SealKey::generate();
        assert!(matches!(
            open(&key, b"", &[]),
            Err(CryptoError::Malformed(_))
        ));
        assert!(matches!(
            open(&key, b"", &[1, 2, 3]),
            Err(CryptoError::Malformed(_))
        ));
        assert_eq!(
            open(&key, b"", &[9; 100]),
            Err(CryptoError::UnsupportedVersion(9))
        );
        let mut junk = vec![1u8];
        junk.extend_from_slice(&[0u8; 600]);
        assert_eq!(open(&key, b"", &junk), Err(CryptoError::Decrypt));
    }

    #[test]
    fn padding_hides_length_differences_below_512_bytes() {
        let key = SealKey::generate();
        let sizes: Vec<usize> = [0usize, 1, 10, 100, 300, 508]
            .iter()
            .map(|n| seal(&key, b"", &vec![b'x'; *n]).len())
            .collect();
        assert!(sizes.iter().all(|s| *s == sizes[0]), "{sizes:?}");
        assert_eq!(sizes[0], 1 + 24 + 512 + 16);
        // Crossing a block boundary shows as one more block, no finer.
        assert_eq!(seal(&key, b"", &[b'x'; 509]).len(), 1 + 24 + 1024 + 16);
        assert_eq!(seal(&key, b"", &[b'x'; 1020]).len(), 1 + 24 + 1024 + 16);
    }

    #[test]
    fn hex_keys_and_debug() {
        let key = SealKey::generate();
        let again = SealKey::from_hex(&key.to_hex()).unwrap();
        assert_eq!(key, again);
        assert_eq!(
            SealKey::from_hex(&format!("  {}\n", key.to_hex())).unwrap(),
            key
        );
        assert!(matches!(
            SealKey::from_hex("abcd"),
            Err(CryptoError::BadKey(_))
        ));
        assert!(matches!(
            SealKey::from_hex(&"zz".repeat(32)),
            Err(CryptoError::BadKey(_))
        ));
        let fixed = SealKey::from_bytes([0xab; 32]);
        let shown = format!("{fixed:?}");
        assert!(!shown.to_lowercase().contains("abab"), "{shown}");
        assert!(!shown.contains("171"), "{shown}");
        let blob = seal(&fixed, b"", b"x");
        assert_eq!(
            open(&SealKey::from_hex(&"ab".repeat(32)).unwrap(), b"", &blob).unwrap(),
            b"x"
        );
    }
}
