//! The pull from a feed that is not a TUF repository: the conditional
//! manifest request, then the checks and the version it names (also the
//! second half of the TUF pull, from the verified manifest on).

use super::*;

pub(super) async fn pull(
    store: &dyn SyncStore,
    cfg: &SyncConfig,
    feed: &Url,
    net: &mut Net<'_>,
) -> Result<(), SyncError> {
    let pos = store.position()?;
    net.report.version = pos.version;
    let url = feed_url(feed, "manifest.json")?;
    let mut req = Req::get(url).header("accept-encoding", "gzip");
    let etag_version = store.get_meta(meta::ETAG_VERSION)?;
    let mut conditional = false;
    if etag_version.as_deref() == Some(pos.version.to_string().as_str()) {
        if let Some(etag) = store.get_meta(meta::ETAG)? {
            if valid_header_value(&etag) {
                req = req.header("if-none-match", etag);
                conditional = true;
            }
        }
    }
    let limit = (feed::MAX_MANIFEST_BYTES as u64).min(cfg.max_bytes);
    let resp = net.send(req, limit).await?;
    if resp.status == 304 && !conditional {
        return Err(FeedError::Malformed(
            "the hub answered 304 Not Modified to a request that was not conditional".into(),
        )
        .into());
    }
    if resp.status == 304 {
        // The same manifest as before: still refuse it once it has expired
        // (a frozen feed must not look healthy).
        if let Some(expires) = meta_time(store, meta::CONTENT_EXPIRES)? {
            if expires <= Utc::now() {
                return Err(FeedError::Expired { expires }.into());
            }
        }
        return Ok(());
    }
    if !resp.is_success() {
        return Err(http_error(&resp));
    }
    let etag = resp.header("etag").map(str::to_string);
    let gz = resp
        .header("content-encoding")
        .is_some_and(|v| v.eq_ignore_ascii_case("gzip"));
    let mut bytes = net.body(resp, limit)?;
    if gz {
        use std::io::Read;
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&bytes[..])
            .take(limit + 1)
            .read_to_end(&mut out)
            .map_err(|e| FeedError::Malformed(format!("manifest gzip: {e}")))?;
        if out.len() as u64 > limit {
            return Err(FeedError::TooLarge { limit }.into());
        }
        bytes = out;
    }
    let manifest = feed::verify_manifest_trust(&bytes, &cfg.trusted_keys, &cfg.retired_keys)?;
    accept_manifest(store, cfg, feed, net, &pos, manifest, etag).await
}

/// Checks a trusted manifest against the device's position (feed, rollback,
/// mix-and-match, expiry) and applies the version it names.
pub(super) async fn accept_manifest(
    store: &dyn SyncStore,
    cfg: &SyncConfig,
    feed: &Url,
    net: &mut Net<'_>,
    pos: &FeedPosition,
    manifest: Manifest,
    etag: Option<String>,
) -> Result<(), SyncError> {
    // A device still on the content bundled with the app (it never synced)
    // may adopt another feed signed by a trusted key — a region's own feed;
    // it then takes that feed's snapshot. Once it follows a feed, it stays.
    let adopt = crate::bundle::is_bundled_position(&pos.feed_id, pos.version)
        && manifest.feed_id != pos.feed_id;
    if adopt {
        feed::check_manifest(&manifest, "", 0, "", Utc::now())?;
    } else {
        feed::check_manifest(
            &manifest,
            &pos.feed_id,
            pos.version,
            &pos.digest,
            Utc::now(),
        )?;
    }
    let to = FeedPosition {
        feed_id: manifest.feed_id.clone(),
        version: manifest.version,
        digest: manifest.content_digest.clone(),
        created: manifest.created.to_rfc3339(),
        stale_after_days: manifest.stale_after_days,
    };
    if adopt || manifest.version > pos.version || pos.digest.is_empty() {
        apply_version(store, cfg, feed, net, pos, &manifest, &to).await?;
        // Partial downloads left from earlier attempts are of no further use.
        remove_all_parts(cfg);
        net.report.result = SyncResult::Updated;
        net.report.version = manifest.version;
    }
    store.set_meta(meta::CONTENT_CREATED, Some(&manifest.created.to_rfc3339()))?;
    store.set_meta(meta::CONTENT_EXPIRES, Some(&manifest.expires.to_rfc3339()))?;
    store.set_meta(
        meta::STALE_AFTER_DAYS,
        Some(&manifest.stale_after_days.to_string()),
    )?;
    store.set_meta(meta::ETAG, etag.as_deref())?;
    store.set_meta(meta::ETAG_VERSION, Some(&manifest.version.to_string()))?;
    Ok(())
}

pub(super) async fn apply_version(
    store: &dyn SyncStore,
    cfg: &SyncConfig,
    feed: &Url,
    net: &mut Net<'_>,
    pos: &FeedPosition,
    m: &Manifest,
    to: &FeedPosition,
) -> Result<(), SyncError> {
    let eligible = |d: &DeltaRef| {
        d.from_version == pos.version
            && d.from_digest.as_ref().is_none_or(|f| *f == pos.digest)
            && pos.feed_id == m.feed_id
            && !pos.digest.is_empty()
    };
    let mut delta_ref = m.deltas.iter().find(|d| eligible(d)).cloned();
    // Further behind: the older deltas are listed in an index blob.
    if delta_ref.is_none()
        && pos.feed_id == m.feed_id
        && !pos.digest.is_empty()
        && pos.version < m.version
    {
        if let Some(index) = &m.older_deltas {
            let bytes = fetch_blob_resuming(cfg, feed, net, index).await?;
            remove_part(cfg, index);
            let older: Vec<DeltaRef> =
                feed::decode_blob(&bytes, index.decode_limit(feed::MAX_MANIFEST_BYTES as u64))?;
            delta_ref = older.into_iter().find(|d| eligible(d));
        }
    }
    let mut delta = None;
    if let Some(d) = &delta_ref {
        let bytes = fetch_blob_resuming(cfg, feed, net, &d.blob).await?;
        let dl: Delta = feed::decode_blob(&bytes, d.blob.decode_limit(cfg.max_decoded_bytes))
            .inspect_err(|_| remove_part(cfg, &d.blob))?;
        if dl.feed_id != m.feed_id
            || dl.from_version != pos.version
            || dl.to_version != m.version
            || dl
                .to_digest
                .as_ref()
                .is_some_and(|t| *t != m.content_digest)
        {
            remove_part(cfg, &d.blob);
            return Err(FeedError::Malformed(format!(
                "delta blob {} does not match the manifest (feed {}, {} -> {})",
                d.blob.sha256, dl.feed_id, dl.from_version, dl.to_version
            ))
            .into());
        }
        remove_part(cfg, &d.blob);
        // A delta from another content of the same version number cannot be
        // applied; the snapshot can.
        if dl.from_digest == pos.digest {
            delta = Some(dl);
        }
    }
    let refuse = |reason: String| -> SyncError {
        FeedError::Malformed(format!(
            "version {} refused whole, the device keeps version {}: {reason}",
            m.version, pos.version
        ))
        .into()
    };
    if let Some(dl) = delta {
        crate::evolve::validate_records(&dl.upserts).map_err(refuse)?;
        let deletes = dl.deletes.into_iter().map(|k| (k.kind, k.id)).collect();
        store.apply(to, dl.upserts, deletes, false)?;
        net.report.delta_from = Some(pos.version);
    } else {
        let bytes = fetch_blob_resuming(cfg, feed, net, &m.snapshot).await?;
        let snap: Snapshot =
            feed::decode_blob(&bytes, m.snapshot.decode_limit(cfg.max_decoded_bytes))
                .inspect_err(|_| remove_part(cfg, &m.snapshot))?;
        if snap.feed_id != m.feed_id
            || snap.version != m.version
            || snap.records.len() as u64 != m.record_count
        {
            remove_part(cfg, &m.snapshot);
            return Err(FeedError::Malformed(format!(
                "snapshot blob {} does not match the manifest (feed {}, version {}, {} records)",
                m.snapshot.sha256,
                snap.feed_id,
                snap.version,
                snap.records.len()
            ))
            .into());
        }
        if let Err(reason) = crate::evolve::validate_records(&snap.records) {
            remove_part(cfg, &m.snapshot);
            return Err(refuse(reason));
        }
        store.apply(to, snap.records, Vec::new(), true)?;
        remove_part(cfg, &m.snapshot);
    }
    Ok(())
}
