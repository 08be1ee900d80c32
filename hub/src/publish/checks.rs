//! What a version must hold before it is signed: records with ids used
//! once and JSON bodies, a distribution record that trusts its own signer,
//! and a signer the previous version's devices accept.

use crate::HubError;
use ed25519_dalek::SigningKey;
use fyr_core::feed::{self, Record, RecordKind, Snapshot};
use std::collections::HashSet;

pub(super) fn check_records(records: &[Record]) -> Result<(), HubError> {
    let mut seen: HashSet<(RecordKind, &str)> = HashSet::new();
    for r in records {
        if r.id.is_empty() {
            return Err(HubError::Content(format!(
                "a {} record has an empty id",
                r.kind
            )));
        }
        if !seen.insert((r.kind, r.id.as_str())) {
            return Err(HubError::Content(format!(
                "{} {}: the id is used twice",
                r.kind, r.id
            )));
        }
        if serde_json::from_str::<serde_json::Value>(&r.body).is_err() {
            return Err(HubError::Content(format!(
                "{} {}: the body is not JSON",
                r.kind, r.id
            )));
        }
    }
    Ok(())
}

/// The distribution record, when there is one, must be valid and must
/// accept the key signing this version: devices take their trust for the
/// next version from it, and a version that does not trust its own signer
/// would cut them off.
pub(super) fn check_distribution(records: &[Record], key: &SigningKey) -> Result<(), HubError> {
    use fyr_core::distribution::{Distribution, RECORD_ID};
    let mut found = records
        .iter()
        .filter(|r| r.kind == RecordKind::Distribution);
    let Some(r) = found.next() else {
        return Ok(());
    };
    if r.id != RECORD_ID || found.next().is_some() {
        return Err(HubError::Content(format!(
            "distribution: there must be one record, with the id {RECORD_ID:?}"
        )));
    }
    let d: Distribution = r
        .decode()
        .map_err(|e| HubError::Content(format!("distribution: {e}")))?;
    d.validate()
        .map_err(|errs| HubError::Content(format!("distribution: {}", errs.join("; "))))?;
    if !d.accepts(&key.verifying_key()) {
        return Err(HubError::Content(format!(
            "distribution: trusted_keys/next_keys: the signing key {} is not among them (or is retired); devices would refuse the version after this one",
            feed::key_id(&key.verifying_key())
        )));
    }
    Ok(())
}

/// Devices holding `prev` take their trust from its distribution record:
/// a version signed by a key it does not accept would be refused by all of them.
pub(super) fn check_signer_trusted_by(
    prev: &Snapshot,
    records: &[Record],
    key: &SigningKey,
) -> Result<(), HubError> {
    let d = fyr_core::distribution::Distribution::from_records(&prev.records)
        .map_err(|e| HubError::Content(format!("the previous version's distribution: {e}")))?;
    if d.is_some() && !records.iter().any(|r| r.kind == RecordKind::Distribution) {
        return Err(HubError::Content(format!(
            "the content has no {} but version {} of this feed has one: devices would forget where to sync and whom to trust; keep the file in the content folder",
            fyr_core::distribution::FILE,
            prev.version
        )));
    }
    match d {
        Some(d) if !d.accepts(&key.verifying_key()) => Err(HubError::Content(format!(
            "the signing key {} is not trusted by version {} of feed {} (its distribution trusted_keys/next_keys, or it is retired there): devices would refuse this version. Sign with a key that version trusts, announce this key first (next_keys), or start a new feed (--new-feed)",
            feed::key_id(&key.verifying_key()),
            prev.version,
            prev.feed_id
        ))),
        _ => Ok(()),
    }
}
