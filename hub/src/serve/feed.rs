//! The feed as the hub serves it: the manifest (strong ETag, a bare 304 on
//! If-None-Match, gzip when asked), immutable blobs with single-range
//! `Range` (206/416), and the TUF metadata, update packs and targets.

use super::{busy, AppState, CachedManifest, BLOB_CACHE_BYTES};
use axum::body::{Body, Bytes};
use axum::extract::{Path as UrlPath, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;
use std::time::SystemTime;

pub(crate) fn etag_matches(headers: &HeaderMap, etags: &[&HeaderValue]) -> Option<usize> {
    let inm = headers.get(header::IF_NONE_MATCH)?.to_str().ok()?;
    for cand in inm.split(',').map(str::trim) {
        let cand = cand.strip_prefix("W/").unwrap_or(cand);
        if cand == "*" {
            return Some(0);
        }
        if let Some(i) = etags.iter().position(|e| e.as_bytes() == cand.as_bytes()) {
            return Some(i);
        }
    }
    None
}

fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(',').any(|p| {
                let mut it = p.split(';');
                let enc = it.next().unwrap_or("").trim();
                let q0 = it.any(|q| q.trim().replace(' ', "") == "q=0");
                enc.eq_ignore_ascii_case("gzip") && !q0
            })
        })
}

fn load_manifest(state: &AppState) -> Result<Arc<CachedManifest>, (StatusCode, &'static str)> {
    let path = state.feed_dir.join("manifest.json");
    let md = match std::fs::metadata(&path) {
        Ok(m) => m,
        Err(_) => return Err((StatusCode::NOT_FOUND, "no feed has been published yet\n")),
    };
    let stamp = (md.modified().unwrap_or(SystemTime::UNIX_EPOCH), md.len());
    if let Some(c) = state.manifest.read().unwrap().as_ref() {
        if c.stamp == stamp {
            return Ok(c.clone());
        }
    }
    let bytes = std::fs::read(&path)
        .map_err(|_| (StatusCode::INTERNAL_SERVER_ERROR, "manifest unreadable\n"))?;
    let sha = fyr_core::feed::sha256_hex(&bytes);
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut enc, &bytes).expect("gzip to memory");
    let gz = enc.finish().expect("gzip to memory");
    let c = Arc::new(CachedManifest {
        stamp,
        bytes: Bytes::from(bytes),
        gz: Bytes::from(gz),
        etag: HeaderValue::from_str(&format!("\"{}\"", &sha[..32])).expect("hex etag"),
        etag_gz: HeaderValue::from_str(&format!("\"{}-gz\"", &sha[..32])).expect("hex etag"),
    });
    *state.manifest.write().unwrap() = Some(c.clone());
    Ok(c)
}

pub(super) async fn manifest(State(state): State<Arc<AppState>>, headers: HeaderMap) -> Response {
    let m = match load_manifest(&state) {
        Ok(m) => m,
        Err(r) => return r.into_response(),
    };
    let gzip = accepts_gzip(&headers);
    if let Some(i) = etag_matches(&headers, &[&m.etag, &m.etag_gz]) {
        let etag = if i == 1 {
            m.etag_gz.clone()
        } else {
            m.etag.clone()
        };
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    let (body, etag) = if gzip {
        (m.gz.clone(), m.etag_gz.clone())
    } else {
        (m.bytes.clone(), m.etag.clone())
    };
    let mut resp = Response::new(Body::from(body));
    let h = resp.headers_mut();
    h.insert(header::ETAG, etag);
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    if gzip {
        h.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    resp
}

/// A static file of the TUF repository under the feed folder, with a
/// strong ETag (first 128 bits of its sha256) and 304 on a match; `path`
/// must be plain names (no `..`, no hidden files).
async fn static_feed_file(state: &AppState, path: &str, headers: &HeaderMap) -> Response {
    if !fyr_core::update::pack::is_plain_path(path) {
        return (StatusCode::NOT_FOUND, "not found\n").into_response();
    }
    let Ok(bytes) = tokio::fs::read(state.feed_dir.join(path)).await else {
        return (StatusCode::NOT_FOUND, "not found\n").into_response();
    };
    let sha = fyr_core::feed::sha256_hex(&bytes);
    let etag = HeaderValue::from_str(&format!("\"{}\"", &sha[..32])).expect("hex etag");
    if etag_matches(headers, &[&etag]).is_some() {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    let mut resp = Response::new(Body::from(bytes));
    let h = resp.headers_mut();
    h.insert(header::ETAG, etag);
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    resp
}

pub(super) async fn tuf_metadata(
    State(state): State<Arc<AppState>>,
    UrlPath(name): UrlPath<String>,
    headers: HeaderMap,
) -> Response {
    static_feed_file(&state, &format!("metadata/{name}"), &headers).await
}

pub(super) async fn update_pack(
    State(state): State<Arc<AppState>>,
    axum::extract::RawQuery(query): axum::extract::RawQuery,
    headers: HeaderMap,
) -> Response {
    crate::pack::respond(&state.feed_dir, query.as_deref(), &headers).await
}

pub(super) async fn tuf_target(
    State(state): State<Arc<AppState>>,
    UrlPath(path): UrlPath<String>,
    headers: HeaderMap,
) -> Response {
    static_feed_file(&state, &format!("targets/{path}"), &headers).await
}

/// Parses a single `bytes=` range against a length: Ok(None) = whole body,
/// Err(()) = unsatisfiable.
fn parse_range(v: &str, len: u64) -> Result<Option<(u64, u64)>, ()> {
    let Some(spec) = v.trim().strip_prefix("bytes=") else {
        return Ok(None);
    };
    if spec.contains(',') {
        return Ok(None); // multiple ranges: serve the whole body
    }
    let Some((a, b)) = spec.split_once('-') else {
        return Ok(None);
    };
    let (a, b) = (a.trim(), b.trim());
    let (start, end) = if a.is_empty() {
        let n: u64 = b.parse().map_err(|_| ())?;
        if n == 0 {
            return Err(());
        }
        (len.saturating_sub(n), len.saturating_sub(1))
    } else {
        let start: u64 = a.parse().map_err(|_| ())?;
        let end: u64 = if b.is_empty() {
            len.saturating_sub(1)
        } else {
            b.parse().map_err(|_| ())?
        };
        (start, end.min(len.saturating_sub(1)))
    };
    if len == 0 || start >= len || end < start {
        return Err(());
    }
    Ok(Some((start, end)))
}

pub(super) async fn blob(
    State(state): State<Arc<AppState>>,
    UrlPath(name): UrlPath<String>,
    headers: HeaderMap,
) -> Response {
    let valid = name.len() == 67
        && name.ends_with(".gz")
        && name[..64]
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    if !valid {
        return (StatusCode::NOT_FOUND, "no such blob\n").into_response();
    }
    let Ok(_permit) = state.blob_permits.clone().try_acquire_owned() else {
        return busy(&state);
    };
    let path = state.feed_dir.join("blobs").join(&name);
    let Ok(md) = tokio::fs::metadata(&path).await else {
        return (StatusCode::NOT_FOUND, "no such blob\n").into_response();
    };
    let stamp = (md.modified().unwrap_or(SystemTime::UNIX_EPOCH), md.len());
    let cached = {
        let cache = state.blob_cache.lock().unwrap();
        cache
            .entries
            .get(&name)
            .filter(|e| (e.0, e.1) == stamp)
            .map(|e| e.2.clone())
    };
    let bytes = match cached {
        Some(b) => b,
        None => {
            let b = match tokio::fs::read(&path).await {
                Ok(b) => Bytes::from(b),
                Err(_) => return (StatusCode::NOT_FOUND, "no such blob\n").into_response(),
            };
            let mut cache = state.blob_cache.lock().unwrap();
            if cache.bytes + b.len() as u64 > BLOB_CACHE_BYTES {
                cache.entries.clear();
                cache.bytes = 0;
            }
            if (b.len() as u64) <= BLOB_CACHE_BYTES / 4 {
                cache.bytes += b.len() as u64;
                if let Some(old) = cache
                    .entries
                    .insert(name.clone(), (stamp.0, stamp.1, b.clone()))
                {
                    cache.bytes -= old.2.len() as u64;
                }
            }
            b
        }
    };
    let etag = HeaderValue::from_str(&format!("\"{}\"", &name[..32])).expect("hex etag");
    if etag_matches(&headers, &[&etag]).is_some() {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    let len = bytes.len() as u64;
    let range = headers
        .get(header::RANGE)
        .and_then(|v| v.to_str().ok())
        .map(|v| parse_range(v, len));
    let mut resp = match range {
        Some(Err(())) => {
            let mut r = Response::new(Body::empty());
            *r.status_mut() = StatusCode::RANGE_NOT_SATISFIABLE;
            r.headers_mut().insert(
                header::CONTENT_RANGE,
                HeaderValue::from_str(&format!("bytes */{len}")).expect("ascii"),
            );
            return r;
        }
        Some(Ok(Some((s, e)))) => {
            let mut r = Response::new(Body::from(bytes.slice(s as usize..=e as usize)));
            *r.status_mut() = StatusCode::PARTIAL_CONTENT;
            r.headers_mut().insert(
                header::CONTENT_RANGE,
                HeaderValue::from_str(&format!("bytes {s}-{e}/{len}")).expect("ascii"),
            );
            r
        }
        _ => Response::new(Body::from(bytes)),
    };
    let h = resp.headers_mut();
    h.insert(header::ETAG, etag);
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("max-age=31536000, immutable"),
    );
    resp
}

#[cfg(test)]
mod tests {
    use super::parse_range;

    #[test]
    fn ranges() {
        assert_eq!(parse_range("bytes=0-", 10), Ok(Some((0, 9))));
        assert_eq!(parse_range("bytes=4-6", 10), Ok(Some((4, 6))));
        assert_eq!(parse_range("bytes=4-60", 10), Ok(Some((4, 9))));
        assert_eq!(parse_range("bytes=-3", 10), Ok(Some((7, 9))));
        assert_eq!(parse_range("bytes=10-", 10), Err(()));
        assert_eq!(parse_range("bytes=6-4", 10), Err(()));
        assert_eq!(parse_range("bytes=0-1,4-5", 10), Ok(None));
        assert_eq!(parse_range("items=0-1", 10), Ok(None));
    }
}
