//! The feed's keys and signatures: key ids, signing and verifying the
//! manifest (trusted and retired keys), checking a manifest and a bundle's
//! snapshot against it, and reading key files.

use super::*;

/// Hex of the first 8 bytes of sha256(public key).
pub fn key_id(key: &VerifyingKey) -> String {
    let h = Sha256::digest(key.as_bytes());
    hex::encode(&h[..8])
}

/// Hex sha256 of bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Serializes and signs a manifest; returns the bytes of the signed manifest file.
pub fn sign_manifest(manifest: &Manifest, key: &SigningKey) -> Vec<u8> {
    let bytes = serde_json::to_vec(manifest).expect("manifest serializes");
    sign_manifest_bytes(&bytes, key)
}

/// Signs exact manifest bytes; returns the bytes of the signed manifest file.
pub fn sign_manifest_bytes(manifest_bytes: &[u8], key: &SigningKey) -> Vec<u8> {
    let b64 = base64::engine::general_purpose::STANDARD;
    let sig = key.sign(manifest_bytes);
    let signed = SignedManifest {
        manifest: String::from_utf8_lossy(manifest_bytes).into_owned(),
        key_id: key_id(&key.verifying_key()),
        signature: b64.encode(sig.to_bytes()),
    };
    let mut out = serde_json::to_vec(&signed).expect("signed manifest serializes");
    out.push(b'\n');
    out
}

/// [`verify_manifest`], refusing first a manifest signed by a retired key.
pub fn verify_manifest_trust(
    bytes: &[u8],
    trusted_keys: &[VerifyingKey],
    retired_keys: &[VerifyingKey],
) -> Result<Manifest, FeedError> {
    if !retired_keys.is_empty() && bytes.len() <= MAX_MANIFEST_BYTES {
        if let Ok(signed) = serde_json::from_slice::<SignedManifest>(bytes) {
            if retired_keys.iter().any(|k| key_id(k) == signed.key_id) {
                return Err(FeedError::RetiredKey {
                    key_id: signed.key_id,
                });
            }
        }
    }
    let trusted: Vec<VerifyingKey> = trusted_keys
        .iter()
        .filter(|k| !retired_keys.contains(k))
        .copied()
        .collect();
    verify_manifest(bytes, &trusted)
}

/// Verifies a signed manifest file against the trusted keys (any may match,
/// for rotation) and parses it. Checks the signature and the format only;
/// see [`check_manifest`] for rollback, freeze and feed checks.
pub fn verify_manifest(bytes: &[u8], trusted_keys: &[VerifyingKey]) -> Result<Manifest, FeedError> {
    if bytes.len() > MAX_MANIFEST_BYTES {
        return Err(FeedError::TooLarge {
            limit: MAX_MANIFEST_BYTES as u64,
        });
    }
    let b64 = base64::engine::general_purpose::STANDARD;
    let signed: SignedManifest = serde_json::from_slice(bytes)
        .map_err(|e| FeedError::Malformed(format!("signed manifest: {e}")))?;
    let manifest_bytes = signed.manifest.as_bytes();
    let sig_bytes = b64
        .decode(signed.signature.as_bytes())
        .map_err(|e| FeedError::Malformed(format!("signature is not base64: {e}")))?;
    let sig =
        ed25519_dalek::Signature::from_slice(&sig_bytes).map_err(|_| FeedError::BadSignature {
            key_id: signed.key_id.clone(),
        })?;
    let Some(key) = trusted_keys.iter().find(|k| key_id(k) == signed.key_id) else {
        return Err(FeedError::UnknownKey {
            key_id: signed.key_id,
        });
    };
    key.verify(manifest_bytes, &sig)
        .map_err(|_| FeedError::BadSignature {
            key_id: signed.key_id.clone(),
        })?;
    let manifest: Manifest = serde_json::from_slice(manifest_bytes)
        .map_err(|e| FeedError::Malformed(format!("manifest: {e}")))?;
    if manifest.format != FORMAT {
        return Err(FeedError::UnsupportedFormat(manifest.format));
    }
    Ok(manifest)
}

/// Parses a manifest file whose bytes are already trusted (their length and
/// hashes are in the TUF targets metadata), without checking its own
/// signature: who may sign is root's to say, not a key in the manifest.
pub fn parse_signed_manifest(bytes: &[u8]) -> Result<Manifest, FeedError> {
    if bytes.len() > MAX_MANIFEST_BYTES {
        return Err(FeedError::TooLarge {
            limit: MAX_MANIFEST_BYTES as u64,
        });
    }
    let signed: SignedManifest = serde_json::from_slice(bytes)
        .map_err(|e| FeedError::Malformed(format!("signed manifest: {e}")))?;
    let manifest: Manifest = serde_json::from_str(&signed.manifest)
        .map_err(|e| FeedError::Malformed(format!("manifest: {e}")))?;
    if manifest.format != FORMAT {
        return Err(FeedError::UnsupportedFormat(manifest.format));
    }
    Ok(manifest)
}

/// Checks a verified manifest against what the device has: the same feed
/// (an empty `have_feed_id` accepts any), no rollback, the same digest for the
/// same version, and not expired at `now`.
pub fn check_manifest(
    m: &Manifest,
    have_feed_id: &str,
    have_version: u64,
    have_digest: &str,
    now: DateTime<Utc>,
) -> Result<(), FeedError> {
    if !have_feed_id.is_empty() && m.feed_id != have_feed_id {
        return Err(FeedError::FeedMismatch {
            expected: have_feed_id.to_string(),
            got: m.feed_id.clone(),
        });
    }
    if m.version < have_version {
        return Err(FeedError::Rollback {
            have: have_version,
            got: m.version,
        });
    }
    if m.version == have_version && !have_digest.is_empty() && m.content_digest != have_digest {
        return Err(FeedError::VersionConflict { version: m.version });
    }
    if m.expires <= now {
        return Err(FeedError::Expired { expires: m.expires });
    }
    Ok(())
}

/// Verifies a signed feed version shipped inside the app (the signed
/// manifest and its snapshot blob, as written by `fyr_hub::export_bundle`):
/// the signature against the trusted keys, the snapshot's sha256 and size,
/// its feed id and version, and the content digest of its records. Expiry is
/// not checked: bundled content may be old (the device warns when it is).
pub fn verify_bundle(
    manifest_bytes: &[u8],
    snapshot_gz: &[u8],
    trusted_keys: &[VerifyingKey],
) -> Result<(Manifest, Snapshot), FeedError> {
    let m = verify_manifest(manifest_bytes, trusted_keys)?;
    let snap = check_bundle_snapshot(&m, snapshot_gz)?;
    Ok((m, snap))
}

/// The snapshot blob of a trusted bundled manifest: its sha256 and size,
/// feed id and version, and the content digest of its records.
pub fn check_bundle_snapshot(m: &Manifest, snapshot_gz: &[u8]) -> Result<Snapshot, FeedError> {
    let sha = sha256_hex(snapshot_gz);
    if sha != m.snapshot.sha256 || snapshot_gz.len() as u64 != m.snapshot.size {
        return Err(FeedError::DigestMismatch {
            expected: m.snapshot.sha256.clone(),
            got: sha,
        });
    }
    let snap: Snapshot = decode_blob(snapshot_gz, 1 << 30)?;
    if snap.feed_id != m.feed_id || snap.version != m.version {
        return Err(FeedError::Malformed(format!(
            "bundled snapshot is feed {} version {}, the manifest says feed {} version {}",
            snap.feed_id, snap.version, m.feed_id, m.version
        )));
    }
    let digest = digest::content_digest_like(
        &m.content_digest,
        snap.records
            .iter()
            .map(|r| (r.kind, r.id.as_str(), r.hash())),
    );
    if digest != m.content_digest {
        return Err(FeedError::DigestMismatch {
            expected: m.content_digest.clone(),
            got: digest,
        });
    }
    Ok(snap)
}

fn read_hex_key(path: &Path) -> Result<[u8; 32], FeedError> {
    let err = |reason: String| FeedError::Key {
        path: path.display().to_string(),
        reason,
    };
    let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
    let hex_text: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
        .collect::<String>()
        .trim()
        .to_string();
    let bytes = hex::decode(&hex_text).map_err(|_| err("not a hex key".into()))?;
    bytes
        .try_into()
        .map_err(|_| err("expected 32 bytes (64 hex digits)".into()))
}

/// Loads a signing key (hex of the 32-byte seed; `#` comment lines allowed).
pub fn load_signing_key(path: &Path) -> Result<SigningKey, FeedError> {
    Ok(SigningKey::from_bytes(&read_hex_key(path)?))
}

/// Loads a verifying (public) key (hex of 32 bytes; `#` comment lines allowed).
pub fn load_verifying_key(path: &Path) -> Result<VerifyingKey, FeedError> {
    let bytes = read_hex_key(path)?;
    VerifyingKey::from_bytes(&bytes).map_err(|_| FeedError::Key {
        path: path.display().to_string(),
        reason: "not a valid ed25519 public key".into(),
    })
}

/// Parses a verifying key from hex text.
pub fn parse_verifying_key(hex_text: &str) -> Result<VerifyingKey, FeedError> {
    let bytes: [u8; 32] = hex::decode(hex_text.trim())
        .ok()
        .and_then(|b| b.try_into().ok())
        .ok_or_else(|| FeedError::Malformed("public key: expected 64 hex digits".into()))?;
    VerifyingKey::from_bytes(&bytes)
        .map_err(|_| FeedError::Malformed("not a valid ed25519 public key".into()))
}
