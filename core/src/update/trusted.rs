//! The trusted metadata set (after python-tuf ngclient's
//! `TrustedMetadataSet`): the only code that decides what is trusted. Pure —
//! bytes in, verified metadata or an error out; no network, no files.
//!
//! Order is the specification's client workflow (§5): root (each new root
//! signed by a threshold of the old *and* of itself, version exactly one
//! more), then timestamp (final root not expired; no rollback of its own or
//! of the snapshot version it names; freeze), snapshot (hashes from the
//! timestamp; no role removed or rolled back; version as the timestamp
//! says; freeze), then targets and delegated targets (hashes and version
//! from the snapshot; freeze).

use super::metadata::{Envelope, Root, Snapshot, Targets, Timestamp, TufError};
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// Verified metadata at one reference time.
#[derive(Debug, Clone)]
pub struct TrustedSet {
    pub now: DateTime<Utc>,
    root: Root,
    /// The bytes of the trusted root (what the client persists).
    root_bytes: Vec<u8>,
    timestamp: Option<Timestamp>,
    snapshot: Option<Snapshot>,
    /// Trusted targets roles by name, with their envelope (to re-check a
    /// cached role against another delegator) and delegator.
    targets: BTreeMap<String, (Targets, Envelope, String)>,
}

fn expired(role: &str, expires: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), TufError> {
    if expires <= now {
        return Err(TufError::Expired {
            role: role.to_string(),
            expires,
        });
    }
    Ok(())
}

impl TrustedSet {
    /// Starts from the locally trusted root (signed by a threshold of its own
    /// root keys; its expiry is checked only once the root chain is walked).
    pub fn new(root_bytes: &[u8], now: DateTime<Utc>) -> Result<TrustedSet, TufError> {
        let env = Envelope::parse("root", root_bytes)?;
        let root = env.root()?;
        env.verify("root", &root.roles["root"], &root.keys)?;
        Ok(TrustedSet {
            now,
            root,
            root_bytes: root_bytes.to_vec(),
            timestamp: None,
            snapshot: None,
            targets: BTreeMap::new(),
        })
    }

    pub fn root(&self) -> &Root {
        &self.root
    }
    pub fn root_bytes(&self) -> &[u8] {
        &self.root_bytes
    }
    pub fn timestamp(&self) -> Option<&Timestamp> {
        self.timestamp.as_ref()
    }
    pub fn snapshot(&self) -> Option<&Snapshot> {
        self.snapshot.as_ref()
    }
    pub fn targets(&self, role: &str) -> Option<&Targets> {
        self.targets.get(role).map(|t| &t.0)
    }

    /// The next root: signed by a threshold of the trusted root's root keys
    /// and of its own, and exactly one version newer. Only before timestamp.
    pub fn update_root(&mut self, data: &[u8]) -> Result<(), TufError> {
        if self.timestamp.is_some() {
            return Err(TufError::Repository(
                "root cannot change after timestamp".into(),
            ));
        }
        let env = Envelope::parse("root", data)?;
        env.expect_type("root", "root")?;
        env.verify("root", &self.root.roles["root"], &self.root.keys)?;
        let new = env.root()?;
        if new.common.version != self.root.common.version + 1 {
            return Err(TufError::BadVersion {
                role: "root".into(),
                got: new.common.version,
                reason: format!("expected version {}", self.root.common.version + 1),
            });
        }
        env.verify("root", &new.roles["root"], &new.keys)?;
        self.root = new;
        self.root_bytes = data.to_vec();
        Ok(())
    }

    /// A timestamp, local or fetched. On [`TufError::EqualVersion`] the
    /// trusted one stays. A newer but expired one is kept as the rollback
    /// reference and the error returned.
    pub fn update_timestamp(&mut self, data: &[u8]) -> Result<(), TufError> {
        if self.snapshot.is_some() {
            return Err(TufError::Repository(
                "timestamp cannot change after snapshot".into(),
            ));
        }
        expired("root", self.root.common.expires, self.now)?;
        let env = Envelope::parse("timestamp", data)?;
        env.expect_type("timestamp", "timestamp")?;
        env.verify("timestamp", &self.root.roles["timestamp"], &self.root.keys)?;
        let new = env.timestamp()?;
        if let Some(old) = &self.timestamp {
            if new.common.version < old.common.version {
                return Err(TufError::BadVersion {
                    role: "timestamp".into(),
                    got: new.common.version,
                    reason: format!("rollback from trusted version {}", old.common.version),
                });
            }
            if new.common.version == old.common.version {
                return Err(TufError::EqualVersion {
                    role: "timestamp".into(),
                    version: new.common.version,
                });
            }
            if new.snapshot_meta.version < old.snapshot_meta.version {
                return Err(TufError::BadVersion {
                    role: "snapshot".into(),
                    got: new.snapshot_meta.version,
                    reason: format!(
                        "the timestamp names an older snapshot than trusted version {}",
                        old.snapshot_meta.version
                    ),
                });
            }
        }
        let expires = new.common.expires;
        self.timestamp = Some(new);
        expired("timestamp", expires, self.now)
    }

    fn check_final_timestamp(&self) -> Result<&Timestamp, TufError> {
        let ts = self
            .timestamp
            .as_ref()
            .ok_or_else(|| TufError::Repository("snapshot before timestamp".into()))?;
        expired("timestamp", ts.common.expires, self.now)?;
        Ok(ts)
    }

    /// A snapshot; `trusted` (the local copy) skips the timestamp's hashes.
    /// An older local snapshot is kept as the rollback reference even when
    /// it is not the final one.
    pub fn update_snapshot(&mut self, data: &[u8], trusted: bool) -> Result<(), TufError> {
        if !self.targets.is_empty() {
            return Err(TufError::Repository(
                "snapshot cannot change after targets".into(),
            ));
        }
        let meta = self.check_final_timestamp()?.snapshot_meta.clone();
        if !trusted {
            super::metadata::verify_length_and_hashes(
                "snapshot",
                data,
                meta.length,
                meta.hashes.as_ref(),
            )?;
        }
        let env = Envelope::parse("snapshot", data)?;
        env.expect_type("snapshot", "snapshot")?;
        env.verify("snapshot", &self.root.roles["snapshot"], &self.root.keys)?;
        let new = env.snapshot()?;
        if let Some(old) = &self.snapshot {
            for (name, info) in &old.meta {
                let Some(n) = new.meta.get(name) else {
                    return Err(TufError::Repository(format!(
                        "snapshot: the new snapshot drops {name}"
                    )));
                };
                if n.version < info.version {
                    return Err(TufError::BadVersion {
                        role: name.trim_end_matches(".json").to_string(),
                        got: n.version,
                        reason: format!("rollback from trusted version {}", info.version),
                    });
                }
            }
        }
        self.snapshot = Some(new);
        self.check_final_snapshot().map(|_| ())
    }

    fn check_final_snapshot(&self) -> Result<&Snapshot, TufError> {
        let snap = self
            .snapshot
            .as_ref()
            .ok_or_else(|| TufError::Repository("targets before snapshot".into()))?;
        expired("snapshot", snap.common.expires, self.now)?;
        let want = self.check_final_timestamp()?.snapshot_meta.version;
        if snap.common.version != want {
            return Err(TufError::BadVersion {
                role: "snapshot".into(),
                got: snap.common.version,
                reason: format!("the timestamp names version {want}"),
            });
        }
        Ok(snap)
    }

    /// Targets metadata of `role`, delegated by `delegator` ("root" for the
    /// top-level targets).
    pub fn update_targets(
        &mut self,
        data: &[u8],
        role: &str,
        delegator: &str,
    ) -> Result<(), TufError> {
        let meta = self
            .check_final_snapshot()?
            .meta
            .get(&format!("{role}.json"))
            .cloned()
            .ok_or_else(|| {
                TufError::Repository(format!("role {role} is delegated but not in snapshot"))
            })?;
        super::metadata::verify_length_and_hashes(role, data, meta.length, meta.hashes.as_ref())?;
        let env = Envelope::parse(role, data)?;
        self.verify_delegate(&env, role, delegator)?;
        let new = env.targets(role)?;
        if new.common.version != meta.version {
            return Err(TufError::BadVersion {
                role: role.to_string(),
                got: new.common.version,
                reason: format!("the snapshot names version {}", meta.version),
            });
        }
        expired(role, new.common.expires, self.now)?;
        self.targets
            .insert(role.to_string(), (new, env, delegator.to_string()));
        Ok(())
    }

    fn verify_delegate(&self, env: &Envelope, role: &str, delegator: &str) -> Result<(), TufError> {
        env.expect_type(role, "targets")?;
        if delegator == "root" {
            return env.verify(role, &self.root.roles["targets"], &self.root.keys);
        }
        let parent = self
            .targets(delegator)
            .ok_or_else(|| TufError::Repository(format!("delegator {delegator} not loaded")))?;
        let d = parent
            .delegations
            .as_ref()
            .and_then(|d| d.roles.iter().find(|r| r.name == role).map(|r| (d, r)))
            .ok_or_else(|| {
                TufError::Repository(format!("{delegator} does not delegate to {role}"))
            })?;
        env.verify(
            role,
            &super::metadata::RoleKeys {
                keyids: d.1.keyids.clone(),
                threshold: d.1.threshold,
            },
            &d.0.keys,
        )
    }

    /// A role already trusted, checked again when reached through another
    /// delegator (a role cached by name must satisfy every delegator that
    /// leads to it).
    pub fn cached_targets(&self, role: &str, delegator: &str) -> Option<Result<(), TufError>> {
        let (_, env, by) = self.targets.get(role)?;
        if by == delegator {
            return Some(Ok(()));
        }
        Some(self.verify_delegate(env, role, delegator))
    }
}
