//! The update pack (`GET /feed/pack?<have>`): everything one update needs
//! in one response, for a device that says what it holds. The format and
//! why it is safe are in `fyr_core::update::pack`: the device verifies each
//! file exactly as if it had fetched it.
//!
//! The answer is 304 when `If-None-Match` names the current timestamp; 404
//! when the feed is not a TUF repository (the device then asks file by
//! file and stops asking this origin for packs); 400 for a query that is
//! not one; otherwise the files after what the device holds: the next
//! roots (and the first missing one marked absent), the timestamp, the
//! snapshot and targets when their versions differ, the manifest when its
//! hash differs, and the delta blob from the device's content version
//! when the manifest lists one no larger than [`MAX_PACKED_BLOB`] (a
//! bigger one is downloaded on its own, resumably).

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use fyr_core::update::metadata::Envelope;
use fyr_core::update::pack::{is_plain_path, Have, Pack};
use fyr_core::update::MAX_ROOT_ROTATIONS;
use std::path::Path;

/// A delta blob larger than this is left out of the pack.
pub const MAX_PACKED_BLOB: u64 = 256 * 1024;

/// The pack response for a request's query and headers.
pub async fn respond(feed_dir: &Path, query: Option<&str>, headers: &HeaderMap) -> Response {
    let Some(have) = query.and_then(Have::parse) else {
        return (
            StatusCode::BAD_REQUEST,
            "the pack query must be root.snapshot.targets.content.manifest (versions, then a sha256 prefix)\n",
        )
            .into_response();
    };
    let Ok(ts) = tokio::fs::read(feed_dir.join("metadata/timestamp.json")).await else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let sha = fyr_core::feed::sha256_hex(&ts);
    let etag = HeaderValue::from_str(&format!("\"{}\"", &sha[..32])).expect("hex etag");
    if crate::serve::etag_matches(headers, &[&etag]).is_some() {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    let dir = feed_dir.to_path_buf();
    let built = tokio::task::spawn_blocking(move || build(&dir, &have, ts)).await;
    match built {
        Ok(Ok(pack)) => {
            let mut resp = pack.encode().into_response();
            let h = resp.headers_mut();
            h.insert(header::ETAG, etag);
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
            resp
        }
        Ok(Err(e)) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("the feed's metadata: {e}\n"),
        )
            .into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// The files after what the device holds (see the module doc).
pub fn build(feed: &Path, have: &Have, timestamp: Vec<u8>) -> Result<Pack, String> {
    let read = |name: &str| std::fs::read(feed.join(name)).map_err(|e| format!("{name}: {e}"));
    let mut p = Pack::default();
    for v in have.root + 1..=have.root + MAX_ROOT_ROTATIONS {
        let name = format!("metadata/{v}.root.json");
        match std::fs::read(feed.join(&name)) {
            Ok(b) => p.file(&name, b),
            Err(_) => {
                p.absent(&name);
                break;
            }
        }
    }
    let sv = Envelope::parse("timestamp", &timestamp)
        .and_then(|e| e.timestamp())
        .map_err(|e| e.to_string())?
        .snapshot_meta
        .version;
    p.file("metadata/timestamp.json", timestamp);
    let name = format!("metadata/{sv}.snapshot.json");
    let snap = read(&name)?;
    let tv = Envelope::parse("snapshot", &snap)
        .and_then(|e| e.snapshot())
        .map_err(|e| e.to_string())?
        .meta
        .get("targets.json")
        .map(|m| m.version)
        .ok_or("the snapshot names no targets.json")?;
    if sv != have.snapshot {
        p.file(&name, snap);
    }
    let name = format!("metadata/{tv}.targets.json");
    let targets = read(&name)?;
    let t = Envelope::parse("targets", &targets)
        .and_then(|e| e.targets("targets"))
        .map_err(|e| e.to_string())?;
    if tv != have.targets {
        p.file(&name, targets);
    }
    let Some(hash) = t
        .targets
        .get("manifest.json")
        .and_then(|m| m.hashes.get("sha256"))
    else {
        return Ok(p);
    };
    if !have.manifest.is_empty() && hash.starts_with(&have.manifest) {
        return Ok(p);
    }
    let name = format!("targets/{hash}.manifest.json");
    let manifest = read(&name)?;
    if have.content > 0 {
        if let Ok(m) = fyr_core::feed::parse_signed_manifest(&manifest) {
            if let Some(d) = m
                .deltas
                .iter()
                .find(|d| d.from_version == have.content && d.blob.size <= MAX_PACKED_BLOB)
            {
                let rel = d.blob.rel_path();
                let plain = rel.starts_with("blobs/") && is_plain_path(&rel);
                if let (true, Ok(b)) = (plain, std::fs::read(feed.join(&rel))) {
                    p.file(&rel, b);
                }
            }
        }
    }
    p.file(&name, manifest);
    Ok(p)
}
