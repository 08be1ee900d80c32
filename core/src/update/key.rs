//! TUF keys as metadata states them (`ed25519`, `ecdsa` /
//! `ecdsa-sha2-nistp256`; RSA parsed, never verifying), their ids, and the
//! OLPC canonical JSON their signatures cover (crate `olpc-cjson`).

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::Digest;

/// Hex sha256 of bytes.
pub fn sha256_hex(b: &[u8]) -> String {
    hex::encode(sha2::Sha256::digest(b))
}

/// OLPC canonical JSON of a value (what TUF signatures cover).
pub fn canonical(v: &Value) -> Vec<u8> {
    let mut buf = Vec::new();
    let mut ser =
        serde_json::Serializer::with_formatter(&mut buf, olpc_cjson::CanonicalFormatter::new());
    v.serialize(&mut ser)
        .expect("a JSON value serializes canonically");
    buf
}

/// A public key as TUF metadata states it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Key {
    pub keytype: String,
    pub scheme: String,
    pub keyval: KeyVal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyVal {
    pub public: String,
}

impl Key {
    /// An ed25519 key (how Fyr's own keys are written).
    pub fn ed25519(k: &ed25519_dalek::VerifyingKey) -> Key {
        Key {
            keytype: "ed25519".into(),
            scheme: "ed25519".into(),
            keyval: KeyVal {
                public: hex::encode(k.as_bytes()),
            },
        }
    }

    /// The key id: hex sha256 of the key's canonical JSON.
    pub fn key_id(&self) -> String {
        sha256_hex(&canonical(
            &serde_json::to_value(self).expect("a key serializes"),
        ))
    }

    /// Does `sig` (hex, as in metadata) verify `msg` with this key? Unknown
    /// key types never verify.
    pub fn verify(&self, msg: &[u8], sig_hex: &str) -> bool {
        let Ok(sig) = hex::decode(sig_hex) else {
            return false;
        };
        match (self.keytype.as_str(), self.scheme.as_str()) {
            ("ed25519", "ed25519") => {
                let Some(pk) = hex::decode(&self.keyval.public)
                    .ok()
                    .and_then(|b| <[u8; 32]>::try_from(b).ok())
                    .and_then(|b| ed25519_dalek::VerifyingKey::from_bytes(&b).ok())
                else {
                    return false;
                };
                let Ok(sig) = ed25519_dalek::Signature::from_slice(&sig) else {
                    return false;
                };
                pk.verify_strict(msg, &sig).is_ok()
            }
            ("ecdsa" | "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp256") => {
                use p256::ecdsa::signature::Verifier;
                use p256::pkcs8::DecodePublicKey;
                let Ok(pk) = p256::ecdsa::VerifyingKey::from_public_key_pem(&self.keyval.public)
                else {
                    return false;
                };
                let Ok(sig) = p256::ecdsa::Signature::from_der(&sig) else {
                    return false;
                };
                pk.verify(msg, &sig).is_ok()
            }
            _ => false,
        }
    }
}
