//! The pull through the TUF client (`crate::update`): the trusted root walk,
//! timestamp, snapshot and targets from the feed's `metadata/` folder (the
//! origin, then each mirror), then `manifest.json` as a target verified by
//! its signed length and sha256; its blobs carry their sha256 in it.
//!
//! An unchanged sync is one request: the timestamp, asked with the ETag of
//! the one trusted at the last complete pull; a 304 while that timestamp is
//! unexpired means nothing was published since (every publish and every
//! root change re-signs the timestamp). Anything else runs the whole client
//! workflow, starting with the root chain. The window this leaves for a new
//! root is the timestamp's lifetime (a day), the same as a freeze attack's.

use super::{Net, SyncConfig, SyncError, SyncStore};
use crate::feed::{self, FeedError};
use crate::update::fetch::{FetchError, Fetcher};
use crate::update::{MetadataStore, Repository, UpdateError, Updater};
use chrono::Utc;
use reqwest::header::HeaderValue;
use reqwest::{StatusCode, Url};

/// Meta keys of the TUF state in the device store.
pub mod keys {
    /// `tuf.md.<role>`: the trusted metadata file of a role.
    pub const PREFIX: &str = "tuf.md.";
    /// The timestamp's ETag at the last complete pull.
    pub const TIMESTAMP_ETAG: &str = "tuf.timestamp_etag";
    /// sha256 of the manifest applied at the last complete pull.
    pub const MANIFEST_SHA: &str = "tuf.manifest_sha256";
}

/// The trusted metadata in the device store; `initial` is the root trusted
/// before any was kept (the bundle's, or one given with `--trust-root`).
pub struct StoreMetadata<'a> {
    pub store: &'a dyn SyncStore,
    pub initial: Option<Vec<u8>>,
}

impl MetadataStore for StoreMetadata<'_> {
    fn load(&self, role: &str) -> Option<Vec<u8>> {
        let kept = self
            .store
            .get_meta(&format!("{}{role}", keys::PREFIX))
            .ok()
            .flatten()
            .map(String::into_bytes);
        match (kept, role) {
            (Some(k), _) => Some(k),
            (None, "root") => self.initial.clone(),
            _ => None,
        }
    }
    fn persist(&mut self, role: &str, data: &[u8]) -> Result<(), UpdateError> {
        let text = std::str::from_utf8(data)
            .map_err(|_| UpdateError::Store(format!("{role} metadata is not UTF-8")))?;
        self.store
            .set_meta(&format!("{}{role}", keys::PREFIX), Some(text))
            .map_err(|e| UpdateError::Store(e.to_string()))
    }
}

/// The sync's own HTTP (counted, bounded, with its deadlines) as the
/// update client's fetcher.
struct NetFetcher<'n, 'a> {
    net: &'n mut Net<'a>,
}

impl Fetcher for NetFetcher<'_, '_> {
    async fn fetch(&mut self, url: &Url, max_len: u64) -> Result<Vec<u8>, FetchError> {
        let net_err = |e: SyncError| FetchError::Network {
            url: url.to_string(),
            reason: e.to_string(),
        };
        let resp = self
            .net
            .send(self.net.client.get(url.clone()))
            .await
            .map_err(net_err)?;
        if !resp.status().is_success() {
            return Err(FetchError::Http {
                status: resp.status().as_u16(),
                url: url.to_string(),
            });
        }
        let limit = max_len.min(self.net.cfg.max_bytes);
        self.net.body(resp, limit).await.map_err(|e| match e {
            SyncError::Feed(FeedError::TooLarge { .. }) => FetchError::TooLarge {
                url: url.to_string(),
                limit,
            },
            e => net_err(e),
        })
    }
}

/// The repository locations: the feed folder, then each mirror.
fn repository(feeds: &[Url]) -> Result<Repository, SyncError> {
    let mut locations = Vec::new();
    for f in feeds {
        let m = f
            .join("metadata/")
            .map_err(|e| SyncError::Config(e.to_string()))?;
        let t = f
            .join("targets/")
            .map_err(|e| SyncError::Config(e.to_string()))?;
        locations.push((m, t));
    }
    Ok(Repository { locations })
}

fn update_error(e: UpdateError) -> SyncError {
    match e {
        UpdateError::Fetch(FetchError::Network { url, reason }) => {
            SyncError::Network(format!("{url}: {reason}"))
        }
        UpdateError::Fetch(FetchError::Http { status, url }) => SyncError::Http { status, url },
        UpdateError::Fetch(FetchError::TooLarge { limit, .. }) => {
            FeedError::TooLarge { limit }.into()
        }
        e => SyncError::Feed(FeedError::Malformed(format!("update refused: {e}"))),
    }
}

/// One pull over TUF.
pub(super) async fn pull(
    store: &dyn SyncStore,
    cfg: &SyncConfig,
    net: &mut Net<'_>,
    initial_root: Vec<u8>,
) -> Result<(), SyncError> {
    let pos = store.position()?;
    net.report.version = pos.version;
    let mut feeds = vec![cfg.feed_base()];
    feeds.extend(cfg.mirrors.iter().cloned());
    // The fast path: the timestamp trusted at the last complete pull, unchanged.
    if let (Some(etag), Some(ts)) = (
        store.get_meta(keys::TIMESTAMP_ETAG)?,
        store.get_meta(&format!("{}timestamp", keys::PREFIX))?,
    ) {
        let unexpired = crate::update::metadata::Envelope::parse("timestamp", ts.as_bytes())
            .and_then(|e| e.timestamp())
            .is_ok_and(|t| t.common.expires > Utc::now());
        if unexpired {
            if let (Ok(url), Ok(v)) = (
                feeds[0].join("metadata/timestamp.json"),
                HeaderValue::from_str(&etag),
            ) {
                let req = net
                    .client
                    .get(url)
                    .header(reqwest::header::IF_NONE_MATCH, v);
                if let Ok(resp) = net.send(req).await {
                    if resp.status() == StatusCode::NOT_MODIFIED {
                        return Ok(());
                    }
                }
            }
        }
    }
    store.set_meta(keys::TIMESTAMP_ETAG, None)?;
    let mut up = Updater::new(
        NetFetcher { net },
        StoreMetadata {
            store,
            initial: Some(initial_root),
        },
        repository(&feeds)?,
        Utc::now(),
    );
    up.refresh().await.map_err(update_error)?;
    let info = up
        .target_info("manifest.json")
        .await
        .map_err(update_error)?
        .ok_or_else(|| {
            SyncError::Feed(FeedError::Malformed(
                "the signed targets list no manifest.json".into(),
            ))
        })?;
    let sha = info.hashes.get("sha256").cloned().unwrap_or_default();
    let location = up.location();
    let unchanged = store.get_meta(keys::MANIFEST_SHA)?.as_deref() == Some(sha.as_str())
        && !pos.digest.is_empty();
    if !unchanged {
        let bytes = up
            .download_target("manifest.json", &info)
            .await
            .map_err(update_error)?;
        let manifest = feed::parse_signed_manifest(&bytes)?;
        let feed_url = feeds[location].clone();
        drop(up);
        super::accept_manifest(store, cfg, &feed_url, net, &pos, manifest, None).await?;
        store.set_meta(keys::MANIFEST_SHA, Some(&sha))?;
    } else {
        drop(up);
    }
    // Remember the timestamp's ETag for the next fast path (the hub's
    // strong ETag: the first 128 bits of the file's sha256).
    let ts = store.get_meta(&format!("{}timestamp", keys::PREFIX))?;
    if let Some(ts) = ts {
        let sha = feed::sha256_hex(ts.as_bytes());
        store.set_meta(keys::TIMESTAMP_ETAG, Some(&format!("\"{}\"", &sha[..32])))?;
    }
    Ok(())
}
