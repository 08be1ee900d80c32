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

use super::net::{valid_header_value, Req};
use super::{Net, SyncConfig, SyncError, SyncStore};
use crate::feed::{self, FeedError};
use crate::update::fetch::{FetchError, Fetcher};
use crate::update::pack::{Have, Pack};
use crate::update::{MetadataStore, Repository, UpdateError, Updater};
use chrono::Utc;
use url::Url;

/// Meta keys of the TUF state in the device store.
pub mod keys {
    /// `tuf.md.<role>`: the trusted metadata file of a role.
    pub const PREFIX: &str = "tuf.md.";
    /// The timestamp's ETag at the last complete pull.
    pub const TIMESTAMP_ETAG: &str = "tuf.timestamp_etag";
    /// sha256 of the manifest applied at the last complete pull.
    pub const MANIFEST_SHA: &str = "tuf.manifest_sha256";
    /// The origin that answered 404 to an update pack (a static host):
    /// the device asks it file by file.
    pub const NO_PACK: &str = "tuf.no_pack_origin";
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
/// update client's fetcher, answering first from the origin's update pack.
struct NetFetcher<'n, 'a> {
    net: &'n mut Net<'a>,
    /// The origin's feed folder and the pack it sent (without blobs).
    origin: Url,
    pack: Option<Pack>,
}

impl Fetcher for NetFetcher<'_, '_> {
    async fn fetch(&mut self, url: &Url, max_len: u64) -> Result<Vec<u8>, FetchError> {
        if let Some(rel) = url.as_str().strip_prefix(self.origin.as_str()) {
            if let Some(entry) = self.pack.as_mut().and_then(|p| p.entries.remove(rel)) {
                return match entry {
                    Some(d) if d.len() as u64 > max_len => Err(FetchError::TooLarge {
                        url: url.to_string(),
                        limit: max_len,
                    }),
                    Some(d) => Ok(d),
                    None => Err(FetchError::Http {
                        status: 404,
                        url: url.to_string(),
                    }),
                };
            }
        }
        let net_err = |e: SyncError| FetchError::Network {
            url: url.to_string(),
            reason: e.to_string(),
        };
        let limit = max_len.min(self.net.cfg.max_bytes);
        let resp = self
            .net
            .send(Req::get(url.clone()), limit)
            .await
            .map_err(net_err)?;
        if !resp.is_success() {
            return Err(FetchError::Http {
                status: resp.status,
                url: url.to_string(),
            });
        }
        self.net.body(resp, limit).map_err(|e| match e {
            SyncError::Feed(FeedError::TooLarge { .. }) => FetchError::TooLarge {
                url: url.to_string(),
                limit,
            },
            e => net_err(e),
        })
    }
}

/// An app update whose bundled root is newer than the root the device
/// trusts for the bundle's feed moves the device's trust to it: the app is
/// the trust anchor, as at first start, so a phone that missed a rotation
/// (or whose hub lost the intermediate roots) is not stranded. An older or
/// equal root, one for another feed, or one that does not verify changes
/// nothing. Returns whether it was adopted.
pub fn adopt_bundled_root(
    store: &dyn SyncStore,
    bundled: &[u8],
    bundled_feed: Option<&str>,
    given_root: Option<&[u8]>,
) -> Result<bool, SyncError> {
    let Ok(pos) = store.position() else {
        return Ok(false);
    };
    if bundled_feed != Some(pos.feed_id.as_str()) {
        return Ok(false);
    }
    let Ok(b) = crate::update::trusted::TrustedSet::new(bundled, Utc::now()) else {
        return Ok(false);
    };
    let trusted = kept_version(store, "root", given_root);
    if b.root().common.version <= trusted {
        return Ok(false);
    }
    let text = std::str::from_utf8(bundled)
        .map_err(|_| SyncError::Config("the bundled root is not UTF-8".into()))?;
    store.set_meta(&format!("{}root", keys::PREFIX), Some(text))?;
    Ok(true)
}

/// What the origin answered to a pack request.
enum PackAnswer {
    /// 304: the trusted timestamp is the current one.
    Unchanged,
    Pack(Pack),
    /// 404: the origin serves no packs (a static host).
    NotServed,
    /// Anything else (network, a damaged pack): the file-by-file workflow.
    Failed,
}

/// The version of a trusted role's metadata in the store (0 when none).
fn kept_version(store: &dyn SyncStore, role: &str, initial: Option<&[u8]>) -> u64 {
    use crate::update::metadata::Envelope;
    let kept = store
        .get_meta(&format!("{}{role}", keys::PREFIX))
        .ok()
        .flatten()
        .map(String::into_bytes);
    let Some(data) = kept.or_else(|| initial.map(<[u8]>::to_vec)) else {
        return 0;
    };
    let Ok(env) = Envelope::parse(role, &data) else {
        return 0;
    };
    match role {
        "root" => env.root().map(|r| r.common.version),
        "snapshot" => env.snapshot().map(|r| r.common.version),
        _ => env.targets(role).map(|r| r.common.version),
    }
    .unwrap_or(0)
}

/// Asks the origin for everything one update needs in one request.
async fn ask_pack(
    store: &dyn SyncStore,
    net: &mut Net<'_>,
    origin: &Url,
    etag: Option<&String>,
    content_version: u64,
    initial_root: &[u8],
) -> Result<PackAnswer, SyncError> {
    let have = Have {
        root: kept_version(store, "root", Some(initial_root)),
        snapshot: kept_version(store, "snapshot", None),
        targets: kept_version(store, "targets", None),
        content: content_version,
        manifest: store.get_meta(keys::MANIFEST_SHA)?.unwrap_or_default(),
    };
    let Ok(mut url) = origin.join("pack") else {
        return Ok(PackAnswer::Failed);
    };
    url.set_query(Some(&have.query()));
    let mut req = Req::get(url);
    if let Some(v) = etag {
        req = req.header("if-none-match", v.clone());
    }
    let limit = net.cfg.max_bytes;
    let resp = match net.send(req, limit).await {
        Ok(r) => r,
        Err(SyncError::Cancelled) => return Err(SyncError::Cancelled),
        Err(_) => return Ok(PackAnswer::Failed),
    };
    match resp.status {
        304 if etag.is_some() => Ok(PackAnswer::Unchanged),
        404 => Ok(PackAnswer::NotServed),
        s if (200..300).contains(&s) => {
            let Ok(gz) = net.body(resp, limit) else {
                return Ok(PackAnswer::Failed);
            };
            Ok(Pack::decode(&gz, limit).map_or(PackAnswer::Failed, PackAnswer::Pack))
        }
        _ => Ok(PackAnswer::Failed),
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
    // The ETag of the timestamp trusted at the last complete pull, while
    // that timestamp is unexpired: a 304 for it means nothing changed.
    let etag = match (
        store.get_meta(keys::TIMESTAMP_ETAG)?,
        store.get_meta(&format!("{}timestamp", keys::PREFIX))?,
    ) {
        (Some(etag), Some(ts))
            if crate::update::metadata::Envelope::parse("timestamp", ts.as_bytes())
                .and_then(|e| e.timestamp())
                .is_ok_and(|t| t.common.expires > Utc::now()) =>
        {
            Some(etag).filter(|e| valid_header_value(e))
        }
        _ => None,
    };
    let origin = feeds[0].clone();
    let mut pack = None;
    let mut prefetched = None;
    let answer = if store.get_meta(keys::NO_PACK)?.as_deref() == Some(origin.as_str()) {
        PackAnswer::NotServed
    } else {
        let a = ask_pack(
            store,
            net,
            &origin,
            etag.as_ref(),
            pos.version,
            &initial_root,
        )
        .await?;
        if matches!(a, PackAnswer::NotServed) {
            store.set_meta(keys::NO_PACK, Some(origin.as_str()))?;
        }
        a
    };
    let ask_file = matches!(answer, PackAnswer::NotServed);
    match answer {
        PackAnswer::Unchanged => return Ok(()),
        PackAnswer::Pack(mut p) => {
            // Blobs go to the blob download; the rest to the workflow.
            for (name, data) in std::mem::take(&mut p.entries) {
                match data {
                    Some(d) if name.starts_with("blobs/") => {
                        net.prefetched.insert(name, d);
                    }
                    d => {
                        p.entries.insert(name, d);
                    }
                }
            }
            pack = Some(p);
        }
        PackAnswer::NotServed | PackAnswer::Failed => {}
    }
    // File by file (a host without packs): the trusted timestamp, asked
    // with its ETag.
    if let (true, Some(v)) = (ask_file, &etag) {
        if let Ok(url) = origin.join("metadata/timestamp.json") {
            let req = Req::get(url).header("if-none-match", v.clone());
            let limit = crate::update::MAX_TIMESTAMP_BYTES;
            match net.send(req, limit).await {
                Err(SyncError::Cancelled) => return Err(SyncError::Cancelled),
                Err(_) => {}
                Ok(resp) if resp.status == 304 => return Ok(()),
                // Changed: the refresh verifies this one (after the root
                // chain) rather than asking for it again.
                Ok(resp) if resp.is_success() => prefetched = net.body(resp, limit).ok(),
                Ok(_) => {}
            }
        }
    }
    store.set_meta(keys::TIMESTAMP_ETAG, None)?;
    let mut up = Updater::new(
        NetFetcher { net, origin, pack },
        StoreMetadata {
            store,
            initial: Some(initial_root),
        },
        repository(&feeds)?,
        Utc::now(),
    );
    if let Some(ts) = prefetched {
        up = up.with_timestamp(ts);
    }
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
