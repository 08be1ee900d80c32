//! The update client: the feed is a TUF repository (The Update Framework,
//! specification 1.0), and this is the specification's client workflow.
//!
//! - [`metadata`]: the metadata formats, canonical JSON and signatures;
//! - [`trusted`]: the trusted metadata set, the only code that decides what
//!   is trusted (pure);
//! - [`fetch`]: the only network code;
//! - this module: the workflow — walk the root chain (`N.root.json`, each
//!   signed by a threshold of the old root and of itself), then timestamp,
//!   snapshot, targets and delegations; then find and download a target,
//!   verified against its length and hashes. Every step tries the
//!   repository's origin, then each mirror in order: a failure or a stale
//!   answer from one moves to the next.
//!
//! What is persisted lives behind [`MetadataStore`] (files for `fyr tuf`, the
//! conformance entrypoint; the device's store for sync).

pub mod fetch;
pub mod key;
pub mod metadata;
pub mod pack;
pub mod trusted;

use chrono::{DateTime, Utc};
use fetch::{FetchError, Fetcher};
use metadata::{TargetFile, TufError};
use trusted::TrustedSet;
use url::Url;

/// Size bounds for metadata (as python-tuf's defaults).
pub const MAX_ROOT_BYTES: u64 = 512_000;
pub const MAX_TIMESTAMP_BYTES: u64 = 16_384;
pub const MAX_SNAPSHOT_BYTES: u64 = 2_000_000;
pub const MAX_TARGETS_BYTES: u64 = 5_000_000;
/// Root versions walked in one refresh at most.
pub const MAX_ROOT_ROTATIONS: u64 = 256;
/// Targets roles visited in one target search at most.
pub const MAX_DELEGATIONS: usize = 32;

/// Why an update failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UpdateError {
    #[error("{0}")]
    Tuf(#[from] TufError),
    #[error("{0}")]
    Fetch(#[from] FetchError),
    #[error("{0}")]
    Store(String),
    #[error("target {0:?} is not in the repository")]
    NoTarget(String),
}

/// Where trusted metadata is kept between runs (by role name).
pub trait MetadataStore {
    fn load(&self, role: &str) -> Option<Vec<u8>>;
    fn persist(&mut self, role: &str, data: &[u8]) -> Result<(), UpdateError>;
}

/// Percent-encodes everything but unreserved characters (for role names in
/// URLs and file names).
pub fn quote(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A folder of metadata files, `<quoted role>.json`, written atomically.
pub struct DirStore(pub std::path::PathBuf);

impl MetadataStore for DirStore {
    fn load(&self, role: &str) -> Option<Vec<u8>> {
        std::fs::read(self.0.join(format!("{}.json", quote(role)))).ok()
    }
    fn persist(&mut self, role: &str, data: &[u8]) -> Result<(), UpdateError> {
        let p = self.0.join(format!("{}.json", quote(role)));
        let tmp = self.0.join(format!(".{}.json.tmp", quote(role)));
        std::fs::write(&tmp, data)
            .and_then(|_| std::fs::rename(&tmp, &p))
            .map_err(|e| UpdateError::Store(format!("{}: {e}", p.display())))
    }
}

/// One repository: where its metadata and targets are (origin first, then
/// mirrors, each a (metadata, targets) pair of folder URLs ending in `/`).
#[derive(Debug, Clone)]
pub struct Repository {
    pub locations: Vec<(Url, Url)>,
}

impl Repository {
    pub fn single(metadata: Url, targets: Url) -> Repository {
        Repository {
            locations: vec![(with_slash(metadata), with_slash(targets))],
        }
    }
}

fn with_slash(mut u: Url) -> Url {
    if !u.path().ends_with('/') {
        let p = format!("{}/", u.path());
        u.set_path(&p);
    }
    u
}

/// `base` + `rel`, refused unless the result stays under `base` (same
/// origin, same folder): a signed path never points elsewhere.
pub fn join_under(base: &Url, rel: &str) -> Result<Url, FetchError> {
    let refuse = |why: &str| FetchError::Network {
        url: format!("{base}{rel}"),
        reason: format!("refused: {why}"),
    };
    let u = Url::parse(&format!("{base}{rel}")).map_err(|_| refuse("not a URL"))?;
    if u.origin() != base.origin() || !u.path().starts_with(base.path()) {
        return Err(refuse("the path leaves the repository's origin or folder"));
    }
    Ok(u)
}

/// The client workflow over a fetcher and a metadata store.
pub struct Updater<F: Fetcher, S: MetadataStore> {
    pub fetcher: F,
    pub store: S,
    pub repo: Repository,
    pub now: DateTime<Utc>,
    trusted: Option<TrustedSet>,
    /// The location the last refresh succeeded with.
    location: usize,
    /// A timestamp already fetched from the first location.
    prefetched_timestamp: Option<Vec<u8>>,
}

impl<F: Fetcher, S: MetadataStore> Updater<F, S> {
    pub fn new(fetcher: F, store: S, repo: Repository, now: DateTime<Utc>) -> Self {
        Updater {
            fetcher,
            store,
            repo,
            now,
            trusted: None,
            location: 0,
            prefetched_timestamp: None,
        }
    }

    /// Hands over a timestamp already fetched from the first location (by
    /// a conditional request that found it changed): the refresh verifies
    /// it in its place, after the root chain as the workflow orders,
    /// instead of fetching it again. Mirrors fetch their own.
    pub fn with_timestamp(mut self, data: Vec<u8>) -> Self {
        self.prefetched_timestamp = Some(data);
        self
    }

    /// The location (index into the repository's) the last refresh used.
    pub fn location(&self) -> usize {
        self.location
    }

    /// The trusted set after a refresh.
    pub fn trusted(&self) -> Option<&TrustedSet> {
        self.trusted.as_ref()
    }

    /// Refreshes top-level metadata from the origin, then from each mirror
    /// in turn while one fails (unreachable, refused, stale, expired).
    pub async fn refresh(&mut self) -> Result<(), UpdateError> {
        let mut last = None;
        for i in 0..self.repo.locations.len() {
            match self.refresh_from(i).await {
                Ok(()) => {
                    self.location = i;
                    return Ok(());
                }
                // The local trusted root itself is bad: no mirror helps.
                Err(e @ UpdateError::Store(_)) => return Err(e),
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| UpdateError::Store("no repository location".into())))
    }

    fn meta_url(&self, i: usize, role: &str, version: Option<u64>) -> Result<Url, FetchError> {
        let base = &self.repo.locations[i].0;
        let name = match version {
            Some(v) => format!("{v}.{}.json", quote(role)),
            None => format!("{}.json", quote(role)),
        };
        join_under(base, &name)
    }

    async fn refresh_from(&mut self, i: usize) -> Result<(), UpdateError> {
        self.trusted = None;
        let root = self
            .store
            .load("root")
            .ok_or_else(|| UpdateError::Store("no trusted root (run init)".into()))?;
        let mut t = TrustedSet::new(&root, self.now)
            .map_err(|e| UpdateError::Store(format!("the local trusted root: {e}")))?;
        // 5.3: the root chain.
        let first = t.root().common.version + 1;
        for v in first..first + MAX_ROOT_ROTATIONS {
            let url = self.meta_url(i, "root", Some(v))?;
            match self.fetcher.fetch(&url, MAX_ROOT_BYTES).await {
                Ok(data) => {
                    t.update_root(&data)?;
                    self.store.persist("root", &data)?;
                }
                Err(e) if e.is_not_found() => break,
                Err(e) => return Err(e.into()),
            }
        }
        // 5.4: timestamp (the local one as the rollback reference).
        if let Some(local) = self.store.load("timestamp") {
            let _ = t.update_timestamp(&local);
        }
        let data = match self.prefetched_timestamp.take() {
            Some(d) if i == 0 => d,
            _ => {
                let url = self.meta_url(i, "timestamp", None)?;
                self.fetcher.fetch(&url, MAX_TIMESTAMP_BYTES).await?
            }
        };
        match t.update_timestamp(&data) {
            Ok(()) => self.store.persist("timestamp", &data)?,
            Err(TufError::EqualVersion { .. }) => {}
            Err(e) => return Err(e.into()),
        }
        // 5.5: snapshot.
        let local_ok = self
            .store
            .load("snapshot")
            .is_some_and(|d| t.update_snapshot(&d, true).is_ok());
        if !local_ok {
            let meta = t
                .timestamp()
                .expect("timestamp is trusted")
                .snapshot_meta
                .clone();
            let version = t.root().consistent_snapshot.then_some(meta.version);
            let url = self.meta_url(i, "snapshot", version)?;
            let data = self
                .fetcher
                .fetch(&url, meta.length.unwrap_or(MAX_SNAPSHOT_BYTES))
                .await?;
            t.update_snapshot(&data, false)?;
            self.store.persist("snapshot", &data)?;
        }
        // 5.6: targets.
        self.trusted = Some(t);
        self.load_targets(i, "targets", "root").await?;
        Ok(())
    }

    async fn load_targets(
        &mut self,
        i: usize,
        role: &str,
        delegator: &str,
    ) -> Result<(), UpdateError> {
        let t = self.trusted.as_mut().expect("refreshed");
        if let Some(r) = t.cached_targets(role, delegator) {
            return Ok(r?);
        }
        if let Some(local) = self.store.load(role) {
            if t.update_targets(&local, role, delegator).is_ok() {
                return Ok(());
            }
        }
        let snap = t
            .snapshot()
            .ok_or_else(|| TufError::Repository("targets before snapshot".into()))?;
        let meta = snap
            .meta
            .get(&format!("{role}.json"))
            .cloned()
            .ok_or_else(|| {
                TufError::Repository(format!("role {role} is delegated but not in snapshot"))
            })?;
        let version = t.root().consistent_snapshot.then_some(meta.version);
        let url = self.meta_url(i, role, version)?;
        let data = self
            .fetcher
            .fetch(&url, meta.length.unwrap_or(MAX_TARGETS_BYTES))
            .await?;
        let t = self.trusted.as_mut().expect("refreshed");
        t.update_targets(&data, role, delegator)?;
        self.store.persist(role, &data)?;
        Ok(())
    }

    /// The target's signed info, searching delegations depth-first in order
    /// (terminating delegations end the search); refreshes first if needed.
    pub async fn target_info(&mut self, path: &str) -> Result<Option<TargetFile>, UpdateError> {
        if self.trusted.is_none() {
            self.refresh().await?;
        }
        let i = self.location;
        let mut to_visit = vec![("targets".to_string(), "root".to_string())];
        let mut visited = std::collections::HashSet::new();
        let mut left = MAX_DELEGATIONS;
        while left > 0 {
            let Some((role, parent)) = to_visit.pop() else {
                break;
            };
            if !visited.insert((role.clone(), parent.clone())) {
                continue;
            }
            self.load_targets(i, &role, &parent).await?;
            let t = self
                .trusted
                .as_ref()
                .and_then(|t| t.targets(&role))
                .expect("just loaded");
            if let Some(f) = t.targets.get(path) {
                return Ok(Some(f.clone()));
            }
            left -= 1;
            if let Some(d) = &t.delegations {
                let mut children = Vec::new();
                for r in &d.roles {
                    if r.is_delegated_path(path) {
                        children.push((r.name.clone(), role.clone()));
                        if r.terminating {
                            to_visit.clear();
                            break;
                        }
                    }
                }
                children.reverse();
                to_visit.extend(children);
            }
        }
        Ok(None)
    }

    /// Downloads a target (hash-prefixed name under consistent snapshots)
    /// from the location that answered the refresh, then the others;
    /// verified against the signed length and hashes.
    pub async fn download_target(
        &mut self,
        path: &str,
        info: &TargetFile,
    ) -> Result<Vec<u8>, UpdateError> {
        let consistent = self
            .trusted
            .as_ref()
            .is_some_and(|t| t.root().consistent_snapshot);
        let rel = match (consistent, info.hashes.values().next()) {
            (true, Some(h)) => match path.rsplit_once('/') {
                Some((dir, name)) => format!("{dir}/{h}.{name}"),
                None => format!("{h}.{path}"),
            },
            _ => path.to_string(),
        };
        let n = self.repo.locations.len();
        let mut last = None;
        for k in 0..n {
            let i = (self.location + k) % n;
            let url = match join_under(&self.repo.locations[i].1, &rel) {
                Ok(u) => u,
                Err(e) => {
                    last = Some(e.into());
                    continue;
                }
            };
            match self.fetcher.fetch(&url, info.length).await {
                Ok(data) => match info.verify(path, &data) {
                    Ok(()) => return Ok(data),
                    Err(e) => last = Some(e.into()),
                },
                Err(e) => last = Some(e.into()),
            }
        }
        Err(last.unwrap_or_else(|| UpdateError::NoTarget(path.to_string())))
    }
}
