//! TUF metadata (specification 1.0.x): the four top-level roles and
//! delegated targets, parsed from their JSON, with signature thresholds
//! checked over the OLPC canonical JSON of `signed` (crate `olpc-cjson`).
//!
//! Keys: `ed25519` and `ecdsa` / `ecdsa-sha2-nistp256` (the default of the
//! reference implementations). RSA keys are parsed but never verify (see
//! `scripts/fyr-tuf.xfails`). Hashes: sha256 and sha512.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::Digest;
use std::collections::{BTreeMap, HashSet};

/// The specification major version this client implements.
pub const SPEC_MAJOR: &str = "1";
/// The version written into metadata Fyr publishes.
pub const SPEC_VERSION: &str = "1.0.31";
/// The top-level role names.
pub const TOP_LEVEL: [&str; 4] = ["root", "timestamp", "snapshot", "targets"];

/// Why metadata or a file was refused. Every variant names the role or path.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TufError {
    #[error("{role}: malformed metadata: {reason}")]
    Malformed { role: String, reason: String },
    #[error("{role}: not signed by a threshold of its trusted keys ({valid} of {threshold} valid signatures)")]
    Threshold {
        role: String,
        valid: usize,
        threshold: u64,
    },
    #[error("{role}: version {got} refused: {reason}")]
    BadVersion {
        role: String,
        got: u64,
        reason: String,
    },
    /// The same version as the trusted one (not an error for the workflow).
    #[error("{role}: version {version} is the one already trusted")]
    EqualVersion { role: String, version: u64 },
    #[error("{role}: expired at {expires} (a stale or frozen repository)")]
    Expired {
        role: String,
        expires: DateTime<Utc>,
    },
    #[error("{what}: length or hash does not match the signed metadata: {reason}")]
    LengthOrHash { what: String, reason: String },
    #[error("{0}")]
    Repository(String),
}

pub use super::key::{canonical, sha256_hex, Key, KeyVal};

/// A role's keys and threshold (in root, or a delegation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleKeys {
    pub keyids: Vec<String>,
    pub threshold: u64,
}

/// Length, hashes and version of a metadata file (in timestamp and snapshot).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetaFile {
    pub version: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub length: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hashes: Option<BTreeMap<String, String>>,
}

/// Checks `data` against a stated length and hashes (sha256, sha512; any
/// other algorithm fails).
pub fn verify_length_and_hashes(
    what: &str,
    data: &[u8],
    length: Option<u64>,
    hashes: Option<&BTreeMap<String, String>>,
) -> Result<(), TufError> {
    let fail = |reason: String| TufError::LengthOrHash {
        what: what.to_string(),
        reason,
    };
    if let Some(n) = length {
        if data.len() as u64 != n {
            return Err(fail(format!("{} bytes, expected {n}", data.len())));
        }
    }
    for (algo, want) in hashes.into_iter().flatten() {
        let got = match algo.as_str() {
            "sha256" => hex::encode(sha2::Sha256::digest(data)),
            "sha512" => hex::encode(sha2::Sha512::digest(data)),
            other => return Err(fail(format!("unsupported hash algorithm {other:?}"))),
        };
        if !got.eq_ignore_ascii_case(want) {
            return Err(fail(format!("{algo} is {got}, expected {want}")));
        }
    }
    Ok(())
}

/// One target file: its length, hashes and custom data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetFile {
    pub length: u64,
    pub hashes: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom: Option<Value>,
}

impl TargetFile {
    /// A target for these bytes, with a sha256.
    pub fn of(data: &[u8], custom: Option<Value>) -> TargetFile {
        TargetFile {
            length: data.len() as u64,
            hashes: BTreeMap::from([("sha256".to_string(), sha256_hex(data))]),
            custom,
        }
    }
    pub fn verify(&self, path: &str, data: &[u8]) -> Result<(), TufError> {
        verify_length_and_hashes(path, data, Some(self.length), Some(&self.hashes))
    }
}

/// A delegation from a targets role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DelegatedRole {
    pub name: String,
    pub keyids: Vec<String>,
    pub threshold: u64,
    #[serde(default)]
    pub terminating: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paths: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path_hash_prefixes: Option<Vec<String>>,
}

impl DelegatedRole {
    /// Is `target` delegated to this role (its path patterns, where `*`
    /// never crosses a `/`, or its hash prefixes)?
    pub fn is_delegated_path(&self, target: &str) -> bool {
        if let Some(paths) = &self.paths {
            return paths.iter().any(|p| path_matches(p, target));
        }
        if let Some(prefixes) = &self.path_hash_prefixes {
            let h = sha256_hex(target.as_bytes());
            return prefixes.iter().any(|p| h.starts_with(p.as_str()));
        }
        false
    }
}

/// Pattern match per path part (same number of parts; shell-style `*`, `?`,
/// `[seq]`, `[!seq]` within a part).
fn path_matches(pattern: &str, target: &str) -> bool {
    let p: Vec<&str> = pattern.split('/').collect();
    let t: Vec<&str> = target.split('/').collect();
    p.len() == t.len()
        && p.iter()
            .zip(&t)
            .all(|(p, t)| fnmatch(p.as_bytes(), t.as_bytes()))
}

fn fnmatch(p: &[u8], t: &[u8]) -> bool {
    match p.first() {
        None => t.is_empty(),
        Some(b'*') => (0..=t.len()).any(|i| fnmatch(&p[1..], &t[i..])),
        Some(b'?') => !t.is_empty() && fnmatch(&p[1..], &t[1..]),
        Some(b'[') => {
            let Some(end) = p.iter().skip(2).position(|&c| c == b']').map(|i| i + 2) else {
                return !t.is_empty() && t[0] == b'[' && fnmatch(&p[1..], &t[1..]);
            };
            let Some(&c) = t.first() else { return false };
            let (neg, set) = match p[1] {
                b'!' => (true, &p[2..end]),
                _ => (false, &p[1..end]),
            };
            let mut hit = false;
            let mut i = 0;
            while i < set.len() {
                if i + 2 < set.len() && set[i + 1] == b'-' {
                    hit |= set[i] <= c && c <= set[i + 2];
                    i += 3;
                } else {
                    hit |= set[i] == c;
                    i += 1;
                }
            }
            hit != neg && fnmatch(&p[end + 1..], &t[1..])
        }
        Some(&c) => t.first() == Some(&c) && fnmatch(&p[1..], &t[1..]),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delegations {
    pub keys: BTreeMap<String, Key>,
    pub roles: Vec<DelegatedRole>,
}

/// The fields every role's `signed` has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Common {
    pub version: u64,
    pub expires: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Root {
    pub common: Common,
    pub consistent_snapshot: bool,
    pub keys: BTreeMap<String, Key>,
    pub roles: BTreeMap<String, RoleKeys>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timestamp {
    pub common: Common,
    pub snapshot_meta: MetaFile,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub common: Common,
    pub meta: BTreeMap<String, MetaFile>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Targets {
    pub common: Common,
    pub targets: BTreeMap<String, TargetFile>,
    pub delegations: Option<Delegations>,
    /// The whole `signed` object, for the `custom` data Fyr puts there.
    pub signed: Value,
}

/// A parsed metadata file: its `signed` part's canonical bytes and signatures.
#[derive(Debug, Clone)]
pub struct Envelope {
    pub role_type: String,
    pub signed: Value,
    pub canonical: Vec<u8>,
    /// keyid → signature (hex); a key id signing twice is malformed.
    pub signatures: BTreeMap<String, String>,
}

fn malformed(role: &str, reason: impl Into<String>) -> TufError {
    TufError::Malformed {
        role: role.to_string(),
        reason: reason.into(),
    }
}

impl Envelope {
    /// Parses a metadata file; `role` names it in errors.
    pub fn parse(role: &str, data: &[u8]) -> Result<Envelope, TufError> {
        let v: Value =
            serde_json::from_slice(data).map_err(|e| malformed(role, format!("not JSON: {e}")))?;
        let signed = v
            .get("signed")
            .filter(|s| s.is_object())
            .ok_or_else(|| malformed(role, "no \"signed\" object"))?
            .clone();
        let sigs = v
            .get("signatures")
            .and_then(|s| s.as_array())
            .ok_or_else(|| malformed(role, "no \"signatures\" list"))?;
        let mut signatures = BTreeMap::new();
        for s in sigs {
            let (Some(k), Some(sig)) = (
                s.get("keyid").and_then(|k| k.as_str()),
                s.get("sig").and_then(|k| k.as_str()),
            ) else {
                return Err(malformed(role, "a signature without keyid or sig"));
            };
            if signatures.insert(k.to_string(), sig.to_string()).is_some() {
                return Err(malformed(role, format!("key {k} signs twice")));
            }
        }
        let role_type = signed
            .get("_type")
            .and_then(|t| t.as_str())
            .ok_or_else(|| malformed(role, "no _type"))?
            .to_string();
        Ok(Envelope {
            role_type,
            canonical: canonical(&signed),
            signed,
            signatures,
        })
    }

    /// Refuses another role type than `want`.
    pub fn expect_type(&self, role: &str, want: &str) -> Result<(), TufError> {
        if self.role_type != want {
            return Err(malformed(
                role,
                format!("expected _type {want:?}, got {:?}", self.role_type),
            ));
        }
        Ok(())
    }

    /// Is this signed by at least `role.threshold` of `role.keyids` (each key
    /// counted once)?
    pub fn verify(
        &self,
        name: &str,
        role: &RoleKeys,
        keys: &BTreeMap<String, Key>,
    ) -> Result<(), TufError> {
        let mut valid = 0;
        for id in &role.keyids {
            if let (Some(key), Some(sig)) = (keys.get(id), self.signatures.get(id)) {
                if key.verify(&self.canonical, sig) {
                    valid += 1;
                }
            }
        }
        if (valid as u64) < role.threshold {
            return Err(TufError::Threshold {
                role: name.to_string(),
                valid,
                threshold: role.threshold,
            });
        }
        Ok(())
    }

    fn common(&self, role: &str) -> Result<Common, TufError> {
        let s = &self.signed;
        let spec = s
            .get("spec_version")
            .and_then(|v| v.as_str())
            .ok_or_else(|| malformed(role, "no spec_version"))?;
        let parts: Vec<&str> = spec.split('.').collect();
        if !(2..=3).contains(&parts.len())
            || !parts
                .iter()
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
        {
            return Err(malformed(role, format!("spec_version {spec:?}")));
        }
        if parts[0] != SPEC_MAJOR {
            return Err(malformed(
                role,
                format!("unsupported spec_version {spec:?}"),
            ));
        }
        let version = s
            .get("version")
            .and_then(|v| v.as_u64())
            .filter(|v| *v >= 1)
            .ok_or_else(|| malformed(role, "version must be a whole number ≥ 1"))?;
        let expires = s
            .get("expires")
            .and_then(|v| v.as_str())
            .filter(|e| e.ends_with('Z'))
            .and_then(|e| DateTime::parse_from_rfc3339(e).ok())
            .ok_or_else(|| malformed(role, "expires must be a UTC time like 2030-01-01T00:00:00Z"))?
            .with_timezone(&Utc);
        Ok(Common { version, expires })
    }

    fn field<T: serde::de::DeserializeOwned>(&self, role: &str, name: &str) -> Result<T, TufError> {
        let v = self
            .signed
            .get(name)
            .ok_or_else(|| malformed(role, format!("no {name}")))?;
        serde_json::from_value(v.clone()).map_err(|e| malformed(role, format!("{name}: {e}")))
    }

    pub fn root(&self) -> Result<Root, TufError> {
        self.expect_type("root", "root")?;
        let common = self.common("root")?;
        let consistent_snapshot = self
            .signed
            .get("consistent_snapshot")
            .map(|v| {
                v.as_bool()
                    .ok_or_else(|| malformed("root", "consistent_snapshot"))
            })
            .transpose()?
            .unwrap_or(false);
        let keys: BTreeMap<String, Key> = self.field("root", "keys")?;
        let roles: BTreeMap<String, RoleKeys> = self.field("root", "roles")?;
        let names: HashSet<&str> = roles.keys().map(String::as_str).collect();
        if names != TOP_LEVEL.into_iter().collect() {
            return Err(malformed(
                "root",
                "roles must be exactly root, timestamp, snapshot, targets",
            ));
        }
        for (n, r) in &roles {
            check_role_keys(n, r)?;
        }
        Ok(Root {
            common,
            consistent_snapshot,
            keys,
            roles,
        })
    }

    pub fn timestamp(&self) -> Result<Timestamp, TufError> {
        self.expect_type("timestamp", "timestamp")?;
        let common = self.common("timestamp")?;
        let mut meta: BTreeMap<String, MetaFile> = self.field("timestamp", "meta")?;
        let snapshot_meta = meta
            .remove("snapshot.json")
            .filter(|_| meta.is_empty())
            .ok_or_else(|| malformed("timestamp", "meta must hold only snapshot.json"))?;
        check_meta("timestamp", &snapshot_meta)?;
        Ok(Timestamp {
            common,
            snapshot_meta,
        })
    }

    pub fn snapshot(&self) -> Result<Snapshot, TufError> {
        self.expect_type("snapshot", "snapshot")?;
        let common = self.common("snapshot")?;
        let meta: BTreeMap<String, MetaFile> = self.field("snapshot", "meta")?;
        for m in meta.values() {
            check_meta("snapshot", m)?;
        }
        Ok(Snapshot { common, meta })
    }

    pub fn targets(&self, role: &str) -> Result<Targets, TufError> {
        self.expect_type(role, "targets")?;
        let common = self.common(role)?;
        let targets: BTreeMap<String, TargetFile> = self.field(role, "targets")?;
        let delegations: Option<Delegations> = match self.signed.get("delegations") {
            None | Some(Value::Null) => None,
            Some(v) => Some(
                serde_json::from_value(v.clone())
                    .map_err(|e| malformed(role, format!("delegations: {e}")))?,
            ),
        };
        if let Some(d) = &delegations {
            let mut names = HashSet::new();
            for r in &d.roles {
                if !names.insert(r.name.as_str()) {
                    return Err(malformed(role, format!("role {} delegated twice", r.name)));
                }
                if r.paths.is_some() == r.path_hash_prefixes.is_some() {
                    return Err(malformed(
                        role,
                        format!("{}: exactly one of paths, path_hash_prefixes", r.name),
                    ));
                }
                check_role_keys(
                    &r.name,
                    &RoleKeys {
                        keyids: r.keyids.clone(),
                        threshold: r.threshold,
                    },
                )?;
            }
        }
        Ok(Targets {
            common,
            targets,
            delegations,
            signed: self.signed.clone(),
        })
    }
}

fn check_role_keys(name: &str, r: &RoleKeys) -> Result<(), TufError> {
    if r.threshold < 1 {
        return Err(malformed(name, "threshold must be at least 1"));
    }
    let unique: HashSet<&String> = r.keyids.iter().collect();
    if unique.len() != r.keyids.len() {
        return Err(malformed(name, "a key id is listed twice"));
    }
    Ok(())
}

fn check_meta(role: &str, m: &MetaFile) -> Result<(), TufError> {
    if m.version < 1 {
        return Err(malformed(role, "a meta version must be ≥ 1"));
    }
    if m.hashes.as_ref().is_some_and(|h| h.is_empty()) {
        return Err(malformed(role, "empty hashes"));
    }
    Ok(())
}

/// Builds and signs metadata (the hub's side; ed25519 keys).
pub fn sign(signed: &Value, keys: &[&ed25519_dalek::SigningKey]) -> Vec<u8> {
    use ed25519_dalek::Signer;
    let bytes = canonical(signed);
    let signatures: Vec<Value> = keys
        .iter()
        .map(|k| {
            serde_json::json!({
                "keyid": Key::ed25519(&k.verifying_key()).key_id(),
                "sig": hex::encode(k.sign(&bytes).to_bytes()),
            })
        })
        .collect();
    // Compact: a device fetches the timestamp, snapshot and targets on
    // every change, so their size is the cost of an update.
    let mut out = serde_json::to_vec(&serde_json::json!({
        "signed": signed,
        "signatures": signatures,
    }))
    .expect("metadata serializes");
    out.push(b'\n');
    out
}

/// RFC 3339 with seconds and `Z`, as TUF's `expires` wants.
pub fn tuf_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_patterns_do_not_cross_slashes() {
        assert!(path_matches("*", "a.txt"));
        assert!(!path_matches("*", "dir/a.txt"));
        assert!(path_matches("dir/*.txt", "dir/a.txt"));
        assert!(path_matches("a?[0-9]", "ab7"));
        assert!(!path_matches("a[!0-9]", "a7"));
    }

    #[test]
    fn canonical_json_sorts_keys_and_drops_whitespace() {
        let v: Value = serde_json::from_str(r#"{ "b": 1, "a": "x\"y" }"#).unwrap();
        assert_eq!(canonical(&v), br#"{"a":"x\"y","b":1}"#);
    }
}
