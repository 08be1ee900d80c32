//! Where a device syncs from and whom it trusts: the hub, feed and mirrors
//! from the signed distribution record or the command line, the TUF root
//! (given, kept, or the bundle's) or, for a feed that is not a TUF
//! repository, the publisher keys; the enrollment token.

use super::*;

pub(super) fn parse_base_url(what: &str, text: &str) -> Result<Url, SyncError> {
    let mut url = Url::parse(text.trim())
        .map_err(|e| SyncError::Config(format!("{what} {text:?} is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(SyncError::Config(format!(
            "{what} {text:?} must be an http or https URL"
        )));
    }
    if !url.path().ends_with('/') {
        let p = format!("{}/", url.path());
        url.set_path(&p);
    }
    Ok(url)
}

/// Builds the sync configuration. Where to sync and whom to trust come from
/// the distribution record of the content the device holds (the bundled
/// version on a fresh install), unless the caller overrides them
/// (`fyr sync --hub URL --trust-key FILE`): a given hub or key files are
/// validated and kept, and a kept override wins over the content until the
/// data directory is reset. The token is never kept by the core (the shell
/// keeps it); without one given, a token kept by an older version is used.
/// Partial downloads go to `work_dir`.
pub fn configure(
    store: &dyn SyncStore,
    work_dir: &std::path::Path,
    hub: Option<&str>,
    trust_key_files: &[std::path::PathBuf],
    token: Option<&str>,
) -> Result<SyncConfig, SyncError> {
    let dist = match store.distribution() {
        Ok(d) => d,
        Err(e) => {
            return Err(SyncError::Config(format!(
                "the distribution settings in the content are damaged ({e}); give --hub and --trust-key"
            )))
        }
    };
    let (url, feed, mirrors) = if let Some(h) = hub {
        let url = parse_base_url("--hub", h)?;
        store.set_meta(meta::HUB, Some(url.as_str()))?;
        let feed = url
            .join("feed/")
            .map_err(|e| SyncError::Config(e.to_string()))?;
        (url, feed, Vec::new())
    } else if let Some(kept) = store.get_meta(meta::HUB)? {
        let url = parse_base_url("the kept hub", &kept)?;
        let feed = url
            .join("feed/")
            .map_err(|e| SyncError::Config(e.to_string()))?;
        (url, feed, Vec::new())
    } else if let Some(d) = &dist {
        let url = parse_base_url("distribution hub_url", &d.hub_url)?;
        // RFC 6761: .invalid never resolves. Say so instead of trying.
        if url.host_str().is_some_and(|h| h.ends_with(".invalid")) {
            return Err(SyncError::Config(format!(
                "the content names the placeholder hub {url}: this build was not set up for a region; give --hub URL and --trust-key FILE, or publish content with the region's distribution.toml"
            )));
        }
        let feed = parse_base_url("distribution feed_url", &d.feed_url)?;
        let mirrors = d
            .mirrors
            .iter()
            .map(|m| parse_base_url("distribution mirror", m))
            .collect::<Result<Vec<_>, _>>()?;
        (url, feed, mirrors)
    } else {
        return Err(SyncError::Config(
            "no hub is configured: the content names none; give --hub URL".into(),
        ));
    };
    // A TUF root given (a root.json as --trust-key), kept, or bundled:
    // root alone says who is trusted.
    let mut given_root = None;
    for p in trust_key_files {
        let bytes = std::fs::read(p)
            .map_err(|e| SyncError::Config(format!("--trust-key {}: {e}", p.display())))?;
        if bytes.trim_ascii_start().starts_with(b"{") {
            crate::update::trusted::TrustedSet::new(&bytes, Utc::now()).map_err(|e| {
                SyncError::Config(format!(
                    "--trust-key {}: not a valid TUF root: {e}",
                    p.display()
                ))
            })?;
            given_root = Some(bytes);
        }
    }
    if let Some(root) = &given_root {
        let text = String::from_utf8_lossy(root).into_owned();
        store.set_meta(meta::TRUST_ROOT, Some(&text))?;
        store.set_meta(meta::TRUSTED_KEYS, None)?;
    }
    let tuf_root = match given_root {
        Some(r) => Some(r),
        None if !trust_key_files.is_empty() => None,
        // Publisher keys kept from an earlier --trust-key (a hub that is not
        // a TUF repository) stay the trust until a root is given.
        None if store
            .get_meta(meta::TRUSTED_KEYS)?
            .is_some_and(|k| !k.trim().is_empty()) =>
        {
            None
        }
        None => {
            let given = store.get_meta(meta::TRUST_ROOT)?;
            tuf::adopt_bundled_root(
                store,
                crate::bundle::BUNDLE_ROOT,
                crate::bundle::bundled_feed_id().as_deref(),
                given.as_deref().map(str::as_bytes),
            )?;
            given
                .or(store.get_meta(&format!("{}root", tuf::keys::PREFIX))?)
                .map(String::into_bytes)
                .or_else(|| {
                    // The bundle's root, for content of the bundle's feed.
                    let pos = store.position().ok()?;
                    (Some(pos.feed_id) == crate::bundle::bundled_feed_id())
                        .then(|| crate::bundle::BUNDLE_ROOT.to_vec())
                })
        }
    };
    if let Some(root) = tuf_root {
        let mut cfg = SyncConfig::new(url, Vec::new(), work_dir.to_path_buf());
        cfg.feed = Some(feed);
        cfg.mirrors = mirrors;
        cfg.tuf_root = Some(root);
        cfg.token = check_token(store, token)?;
        return Ok(cfg);
    }
    let kept_keys = store.get_meta(meta::TRUSTED_KEYS)?.unwrap_or_default();
    let (keys, retired): (Vec<VerifyingKey>, Vec<VerifyingKey>) = if !trust_key_files.is_empty() {
        let keys = trust_key_files
            .iter()
            .map(|p| {
                feed::load_verifying_key(p)
                    .map_err(|e| SyncError::Config(format!("--trust-key: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let hex_keys: Vec<String> = keys.iter().map(|k| hex::encode(k.as_bytes())).collect();
        store.set_meta(meta::TRUSTED_KEYS, Some(&hex_keys.join(",")))?;
        (keys, Vec::new())
    } else if !kept_keys.trim().is_empty() {
        let keys = kept_keys
            .split(',')
            .filter(|k| !k.trim().is_empty())
            .map(feed::parse_verifying_key)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| {
                SyncError::Config(format!(
                    "the kept trusted keys are damaged ({e}); give --trust-key FILE"
                ))
            })?;
        (keys, Vec::new())
    } else if let Some(d) = &dist {
        let t = d.trust();
        (t.accepted, t.retired)
    } else {
        return Err(SyncError::Config(
            "no trusted key is configured: the content names none; give --trust-key FILE (the publisher's fyr-feed.pub)".into(),
        ));
    };
    if keys.is_empty() {
        return Err(SyncError::Config(
            "no trusted key is configured: give --trust-key FILE (the publisher's fyr-feed.pub)"
                .into(),
        ));
    }
    let token = check_token(store, token)?;
    let mut cfg = SyncConfig::new(url, keys, work_dir.to_path_buf());
    cfg.feed = Some(feed);
    cfg.mirrors = mirrors;
    cfg.retired_keys = retired;
    cfg.token = token;
    Ok(cfg)
}

pub(super) fn check_token(
    store: &dyn SyncStore,
    token: Option<&str>,
) -> Result<Option<String>, SyncError> {
    Ok(match token {
        Some(t)
            if t.trim().is_empty() || t.chars().any(|c| c.is_whitespace() || c.is_control()) =>
        {
            return Err(SyncError::Config(
                "--token must be one word without spaces".into(),
            ))
        }
        Some(t) => Some(t.to_string()),
        None => store.get_meta(meta::TOKEN)?,
    })
}
