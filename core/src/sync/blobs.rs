//! Blob downloads: bounded by the manifest's size, resumed with `Range`
//! from `work_dir/<sha256>.part`, verified by sha256; or taken from the
//! origin's update pack when they match.

use super::*;

pub(super) fn part_path(cfg: &SyncConfig, blob: &BlobRef) -> Result<PathBuf, SyncError> {
    if blob.sha256.len() != 64 || !blob.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(
            FeedError::Malformed(format!("blob hash {:?} is not a sha256", blob.sha256)).into(),
        );
    }
    Ok(cfg
        .work_dir
        .join(format!("{}.part", blob.sha256.to_ascii_lowercase())))
}

pub(super) fn remove_all_parts(cfg: &SyncConfig) {
    if let Ok(rd) = std::fs::read_dir(&cfg.work_dir) {
        for ent in rd.flatten() {
            let p = ent.path();
            if p.extension().is_some_and(|e| e == "part") {
                let _ = std::fs::remove_file(&p);
            }
        }
    }
}

pub(super) fn remove_part(cfg: &SyncConfig, blob: &BlobRef) {
    if let Ok(p) = part_path(cfg, blob) {
        let _ = std::fs::remove_file(p);
    }
}

/// [`fetch_blob`], resumed at once (up to `download_retries` times) when the
/// connection drops after some bytes arrived.
pub(super) async fn fetch_blob_resuming(
    cfg: &SyncConfig,
    feed: &Url,
    net: &mut Net<'_>,
    blob: &BlobRef,
) -> Result<Vec<u8>, SyncError> {
    let mut left = cfg.download_retries;
    loop {
        let mut progressed = false;
        match fetch_blob(cfg, feed, net, blob, &mut progressed).await {
            Err(SyncError::Network(_)) if progressed && left > 0 => left -= 1,
            r => return r,
        }
    }
}

/// Downloads a blob into `work_dir/<sha>.part`, resuming from what is there,
/// bounded by the manifest's size and the hard limit; verifies its sha256.
/// Sets `interrupted_with_progress` when the body was cut off after new bytes
/// were saved.
pub(super) async fn fetch_blob(
    cfg: &SyncConfig,
    feed: &Url,
    net: &mut Net<'_>,
    blob: &BlobRef,
    interrupted_with_progress: &mut bool,
) -> Result<Vec<u8>, SyncError> {
    if blob.size > cfg.max_bytes {
        return Err(FeedError::TooLarge {
            limit: cfg.max_bytes,
        }
        .into());
    }
    // From the origin's update pack: used when it is what the manifest
    // names (length and sha256); otherwise downloaded as usual.
    if let Some(bytes) = net.prefetched.remove(&blob.rel_path()) {
        if bytes.len() as u64 == blob.size
            && feed::sha256_hex(&bytes).eq_ignore_ascii_case(&blob.sha256)
        {
            return Ok(bytes);
        }
    }
    let part = part_path(cfg, blob)?;
    let io = |e: std::io::Error| SyncError::Io(format!("{}: {e}", part.display()));
    std::fs::create_dir_all(&cfg.work_dir).map_err(io)?;
    let mut have = std::fs::metadata(&part).map(|m| m.len()).unwrap_or(0);
    if have > blob.size {
        std::fs::remove_file(&part).map_err(io)?;
        have = 0;
    }
    if have < blob.size {
        let url = feed_url(feed, &blob.rel_path())?;
        let mut req = Req::get(url);
        if have > 0 {
            req = req.header("range", format!("bytes={have}-"));
        }
        let resp = net.send(req, blob.size - have).await?;
        let status = resp.status;
        let append = if status == 206 && have > 0 {
            let ok = resp
                .header("content-range")
                .is_some_and(|v| v.starts_with(&format!("bytes {have}-")));
            if !ok {
                let _ = std::fs::remove_file(&part);
                return Err(FeedError::Malformed(
                    "hub answered a range request with another range".into(),
                )
                .into());
            }
            true
        } else if status == 200 {
            false
        } else if status == 416 {
            let _ = std::fs::remove_file(&part);
            return Err(SyncError::Http {
                status: 416,
                url: resp.url.clone(),
            });
        } else {
            return Err(http_error(&resp));
        };
        if !append {
            have = 0;
        }
        let remaining = blob.size - have;
        if content_length(&resp).is_some_and(|n| n > remaining) {
            let _ = std::fs::remove_file(&part);
            return Err(FeedError::TooLarge { limit: blob.size }.into());
        }
        net.report.bytes_received += resp.body.len() as u64;
        if resp.body.len() as u64 > remaining {
            let _ = std::fs::remove_file(&part);
            return Err(FeedError::TooLarge { limit: blob.size }.into());
        }
        // What arrived is kept, also from a body cut off: the next attempt
        // asks for the rest.
        {
            use std::io::Write;
            let mut file = if append {
                std::fs::OpenOptions::new()
                    .append(true)
                    .open(&part)
                    .map_err(io)?
            } else {
                std::fs::File::create(&part).map_err(io)?
            };
            file.write_all(&resp.body).map_err(io)?;
            file.sync_all().map_err(io)?;
        }
        let got = have + resp.body.len() as u64;
        if let Some(why) = &resp.cut_off {
            if let Some(e) = net.past_deadline() {
                return Err(e);
            }
            *interrupted_with_progress = got > have && !net.was_slow(got - have);
            return Err(SyncError::Network(format!(
                "download of {} interrupted after {got} of {} bytes (will resume): {why}",
                blob.rel_path(),
                blob.size,
            )));
        }
        if got < blob.size {
            return Err(SyncError::Network(format!(
                "download of {} truncated at {got} of {} bytes (will resume)",
                blob.rel_path(),
                blob.size
            )));
        }
    }
    let bytes = std::fs::read(&part).map_err(io)?;
    let sha = feed::sha256_hex(&bytes);
    if !sha.eq_ignore_ascii_case(&blob.sha256) {
        let _ = std::fs::remove_file(&part);
        return Err(FeedError::DigestMismatch {
            expected: blob.sha256.clone(),
            got: sha,
        }
        .into());
    }
    Ok(bytes)
}
