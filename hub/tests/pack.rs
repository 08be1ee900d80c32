//! The update pack (one request for one update) against real servers on
//! 127.0.0.1: the hub answers a change in one request; a static host
//! without packs is asked file by file (once told, never again); a damaged
//! pack or a pack with a tampered blob changes nothing it should not.

mod tufrepo;

use axum::extract::{RawQuery, State};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::Utc;
use fyr_core::sync::memory::MemStore;
use fyr_core::sync::{SyncResult, SyncStore};
use fyr_core::update::pack::{Have, Pack};
use fyr_hub::tuf;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use tufrepo::*;

fn keys() -> Keys {
    Keys {
        root: (1..=3).map(key).collect(),
        targets: key(10),
        snapshot: key(11),
        timestamp: key(12),
    }
}

/// A repository at `feed` with root v1 and content "v1"; returns root v1.
fn repository(feed: &Path, k: &Keys) -> Vec<u8> {
    std::fs::create_dir_all(feed).unwrap();
    tuf::sign_root(
        feed,
        &spec(k, &[&k.root[0], &k.root[1], &k.root[2]]),
        &k.root[..2],
        Utc::now(),
    )
    .unwrap();
    publish(feed, k, "v1", Utc::now());
    std::fs::read(feed.join("metadata/1.root.json")).unwrap()
}

/// What a static host's `/feed/pack` does.
#[derive(Clone, Copy)]
enum PackRoute {
    /// None (404, like any missing file).
    Absent,
    /// 200 with bytes that are not a pack.
    Junk,
    /// A real pack whose delta blob has one byte changed.
    TamperedBlob,
}

struct StaticHost {
    dir: PathBuf,
    route: PackRoute,
    pack_requests: std::sync::atomic::AtomicU32,
}

async fn serve_file(State(h): State<Arc<StaticHost>>, uri: Uri) -> Response {
    let rel = uri.path().trim_start_matches("/feed/");
    if rel.split('/').any(|p| p.is_empty() || p.starts_with('.')) {
        return StatusCode::NOT_FOUND.into_response();
    }
    match std::fs::read(h.dir.join(rel)) {
        Ok(b) => b.into_response(),
        Err(_) => StatusCode::NOT_FOUND.into_response(),
    }
}

async fn pack(State(h): State<Arc<StaticHost>>, RawQuery(q): RawQuery) -> Response {
    h.pack_requests
        .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    match h.route {
        PackRoute::Absent => StatusCode::NOT_FOUND.into_response(),
        PackRoute::Junk => b"<html>maintenance</html>".to_vec().into_response(),
        PackRoute::TamperedBlob => {
            let have = Have::parse(q.as_deref().unwrap_or("")).unwrap();
            let ts = std::fs::read(h.dir.join("metadata/timestamp.json")).unwrap();
            let mut p: Pack = fyr_hub::pack::build(&h.dir, &have, ts).unwrap();
            let mut tampered = 0;
            for (name, data) in p.entries.iter_mut() {
                if let (true, Some(d)) = (name.starts_with("blobs/"), data.as_mut()) {
                    let last = d.len() - 1;
                    d[last] ^= 0x55;
                    tampered += 1;
                }
            }
            assert_eq!(tampered, 1, "the pack carries the delta blob");
            p.encode().into_response()
        }
    }
}

/// A plain file server for `dir` at `/feed/`, with `route` at `/feed/pack`.
async fn static_host(dir: &Path, route: PackRoute) -> (SocketAddr, Arc<StaticHost>) {
    let host = Arc::new(StaticHost {
        dir: dir.to_path_buf(),
        route,
        pack_requests: Default::default(),
    });
    let app = Router::new()
        .route("/feed/pack", get(pack))
        .fallback(get(serve_file))
        .with_state(host.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (addr, host)
}

fn feed_url(addr: SocketAddr) -> reqwest::Url {
    format!("http://{addr}/feed/").parse().unwrap()
}

#[tokio::test]
async fn the_hub_answers_a_change_and_a_root_rotation_in_one_request() {
    let hub = Hub::serve(None).await;
    let feed = hub.feed();
    let mut k = keys();
    let root1 = repository(&feed, &k);
    let work = tempfile::tempdir().unwrap();
    let store = MemStore::new();
    let cfg = device_cfg(hub.feed_url(), root1, work.path());
    let r = sync(&store, &cfg).await.unwrap();
    assert_eq!(r.result, SyncResult::Updated, "{r:?}");
    let r = sync(&store, &cfg).await.unwrap();
    assert_eq!((r.result, r.requests), (SyncResult::Unchanged, 1), "{r:?}");
    // One service changes: one request, delta applied.
    let v1 = r.version;
    publish(&feed, &k, "v2", Utc::now());
    let r = sync(&store, &cfg).await.unwrap();
    assert_eq!(
        (r.result, r.requests, r.delta_from),
        (SyncResult::Updated, 1, Some(v1)),
        "{r:?}"
    );
    assert!(service_name(&store).contains("Kvinnojouren v2"));
    // The targets key is replaced (root v2) and v3 published: the pack
    // carries the new root too, still one request.
    k.targets = key(20);
    tuf::sign_root(
        &feed,
        &spec(&k, &[&k.root[0], &k.root[1], &k.root[2]]),
        &k.root[..2],
        Utc::now(),
    )
    .unwrap();
    publish(&feed, &k, "v3", Utc::now());
    let r = sync(&store, &cfg).await.unwrap();
    assert_eq!((r.result, r.requests), (SyncResult::Updated, 1), "{r:?}");
    assert!(service_name(&store).contains("Kvinnojouren v3"));
    let root = store.get_meta("tuf.md.root").unwrap().unwrap();
    let root = fyr_core::update::metadata::Envelope::parse("root", root.as_bytes()).unwrap();
    assert_eq!(root.root().unwrap().common.version, 2);
    // A query that is not one is refused with what it should be.
    let resp = reqwest::get(format!("{}pack?../../etc", hub.feed_url()))
        .await
        .unwrap();
    assert_eq!(resp.status(), 400);
    assert!(resp.text().await.unwrap().contains("root.snapshot.targets"));
    hub.handle.shutdown().await;
}

#[tokio::test]
async fn a_static_host_without_packs_is_asked_file_by_file_and_never_again_for_a_pack() {
    let dir = tempfile::tempdir().unwrap();
    let feed = dir.path().join("feed");
    let k = keys();
    let root1 = repository(&feed, &k);
    let (addr, host) = static_host(&feed, PackRoute::Absent).await;
    let work = tempfile::tempdir().unwrap();
    let store = MemStore::new();
    let cfg = device_cfg(feed_url(addr), root1, work.path());
    let r = sync(&store, &cfg).await.unwrap();
    assert_eq!(r.result, SyncResult::Updated, "{r:?}");
    assert!(service_name(&store).contains("Kvinnojouren v1"));
    publish(&feed, &k, "v2", Utc::now());
    let r = sync(&store, &cfg).await.unwrap();
    assert_eq!(r.result, SyncResult::Updated, "{r:?}");
    assert!(service_name(&store).contains("Kvinnojouren v2"));
    // The file server has no ETags: an unchanged sync is the timestamp
    // again, compared by the workflow; nothing is applied.
    let r = sync(&store, &cfg).await.unwrap();
    assert_eq!(r.result, SyncResult::Unchanged, "{r:?}");
    assert_eq!(
        host.pack_requests.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "asked for a pack once, then remembered the host has none"
    );
}

#[tokio::test]
async fn a_damaged_pack_falls_back_to_files_and_a_tampered_blob_is_not_applied() {
    let dir = tempfile::tempdir().unwrap();
    let feed = dir.path().join("feed");
    let k = keys();
    let root1 = repository(&feed, &k);
    let work = tempfile::tempdir().unwrap();
    let store = MemStore::new();
    // A pack that is not one: the update still comes, file by file.
    let (junk, host) = static_host(&feed, PackRoute::Junk).await;
    let cfg = device_cfg(feed_url(junk), root1.clone(), work.path());
    let r = sync(&store, &cfg).await.unwrap();
    assert_eq!(r.result, SyncResult::Updated, "{r:?}");
    assert!(service_name(&store).contains("Kvinnojouren v1"));
    assert_eq!(store.get_meta("tuf.no_pack_origin").unwrap(), None);
    assert!(host.pack_requests.load(std::sync::atomic::Ordering::SeqCst) >= 1);
    // A pack whose delta blob was altered: the blob does not match the
    // manifest's sha256, so it is downloaded from the host instead.
    publish(&feed, &k, "v2", Utc::now());
    let (tampered, host) = static_host(&feed, PackRoute::TamperedBlob).await;
    let cfg = device_cfg(feed_url(tampered), root1, work.path());
    let before = store.position().unwrap().version;
    let r = sync(&store, &cfg).await.unwrap();
    assert_eq!(
        (r.result, r.delta_from),
        (SyncResult::Updated, Some(before)),
        "{r:?}"
    );
    assert!(service_name(&store).contains("Kvinnojouren v2"));
    assert_eq!(
        host.pack_requests.load(std::sync::atomic::Ordering::SeqCst),
        1
    );
    assert!(r.requests >= 2, "the blob came on its own: {r:?}");
}
