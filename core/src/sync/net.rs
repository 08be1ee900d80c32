//! The sync's HTTP: every request and body counted on the wire, bounded
//! in size and time (a minimum rate, a deadline for each response head).

use super::*;

pub(super) struct Net<'a> {
    /// For the feed: redirects within the hub's origin only.
    pub(super) client: reqwest::Client,
    /// For uploads: never follows a redirect.
    pub(super) upload: reqwest::Client,
    pub(super) cfg: &'a SyncConfig,
    pub(super) report: &'a mut SyncReport,
    /// Blobs that came in the origin's update pack, by `blobs/<sha>.gz`
    /// (verified against the manifest like a download).
    pub(super) prefetched: std::collections::HashMap<String, Vec<u8>>,
}

/// Cuts off a body that runs slower than the minimum rate: at the end of
/// each window, fewer than `min_rate × window` bytes ends the transfer.
pub(super) struct Rate {
    min: u64,
    window: Duration,
    start: tokio::time::Instant,
    bytes: u64,
}

impl Rate {
    pub(super) fn new(cfg: &SyncConfig) -> Rate {
        Rate {
            min: cfg.min_rate,
            window: cfg.rate_window.max(Duration::from_millis(100)),
            start: tokio::time::Instant::now(),
            bytes: 0,
        }
    }

    /// The next chunk of `s`, or an error when the transfer is too slow.
    pub(super) async fn next<S, T>(
        &mut self,
        s: &mut S,
    ) -> Result<Option<reqwest::Result<T>>, SyncError>
    where
        S: futures_util::Stream<Item = reqwest::Result<T>> + Unpin,
        T: AsRef<[u8]>,
    {
        if self.min == 0 {
            return Ok(s.next().await);
        }
        loop {
            let elapsed = self.start.elapsed();
            if elapsed >= self.window {
                let need = (self.min as f64 * self.window.as_secs_f64()) as u64;
                if self.bytes < need {
                    return Err(SyncError::Network(format!(
                        "the transfer ran slower than {} bytes/s ({} bytes in {:.0} s); it stopped and resumes next time",
                        self.min,
                        self.bytes,
                        elapsed.as_secs_f64()
                    )));
                }
                self.start = tokio::time::Instant::now();
                self.bytes = 0;
                continue;
            }
            if let Ok(item) = tokio::time::timeout(self.window - elapsed, s.next()).await {
                if let Some(Ok(c)) = &item {
                    self.bytes += c.as_ref().len() as u64;
                }
                return Ok(item);
            }
        }
    }
}

pub(super) fn head_size(headers: &HeaderMap) -> u64 {
    headers
        .iter()
        .map(|(k, v)| (k.as_str().len() + 2 + v.len() + 2) as u64)
        .sum()
}

impl Net<'_> {
    /// Sends a request, counting the request's bytes (request line, headers
    /// including the ones hyper adds, body) and the response head.
    pub(super) async fn send(
        &mut self,
        req: reqwest::RequestBuilder,
    ) -> Result<reqwest::Response, SyncError> {
        let req = req.build().map_err(|e| SyncError::Network(e.to_string()))?;
        let url = req.url();
        let path_len = url.path().len() + url.query().map(|q| q.len() + 1).unwrap_or(0);
        let host_len = url.host_str().unwrap_or("").len()
            + url.port().map(|p| p.to_string().len() + 1).unwrap_or(0);
        let body_len = req
            .body()
            .and_then(|b| b.as_bytes())
            .map(|b| b.len())
            .unwrap_or(0) as u64;
        let mut sent = (req.method().as_str().len() + 1 + path_len + 11) as u64; // "GET /p HTTP/1.1\r\n"
        sent += head_size(req.headers()) + (6 + host_len + 2) as u64 + 2; // host header, blank line
        if !req.headers().contains_key(reqwest::header::ACCEPT) {
            sent += 13; // "accept: */*\r\n"
        }
        if body_len > 0 {
            sent += body_len + 16 + body_len.to_string().len() as u64 + 2; // content-length
        }
        self.report.requests += 1;
        self.report.bytes_sent += sent;
        // The response head must come within the timeout, plus the time the
        // request body may take at the minimum rate.
        let head_limit =
            self.cfg.timeout + Duration::from_secs(body_len / self.cfg.min_rate.max(1));
        let client = if req.method() == reqwest::Method::GET {
            &self.client
        } else {
            &self.upload
        };
        let resp = tokio::time::timeout(head_limit, client.execute(req))
            .await
            .map_err(|_| {
                SyncError::Network(format!(
                    "the hub did not answer within {} s",
                    head_limit.as_secs()
                ))
            })?
            .map_err(|e| SyncError::Network(describe(&e)))?;
        let status_line = 9 + 3 + 1 + resp.status().canonical_reason().unwrap_or("").len() + 2;
        self.report.bytes_received += status_line as u64 + head_size(resp.headers()) + 2;
        Ok(resp)
    }

    /// Reads a whole body, refusing more than `limit` bytes while streaming.
    pub(super) async fn body(
        &mut self,
        resp: reqwest::Response,
        limit: u64,
    ) -> Result<Vec<u8>, SyncError> {
        if resp.content_length().is_some_and(|n| n > limit) {
            return Err(FeedError::TooLarge { limit }.into());
        }
        let mut out = Vec::new();
        let mut stream = resp.bytes_stream();
        let mut rate = Rate::new(self.cfg);
        while let Some(chunk) = rate.next(&mut stream).await? {
            let chunk = chunk.map_err(|e| SyncError::Network(describe(&e)))?;
            self.report.bytes_received += chunk.len() as u64;
            if out.len() as u64 + chunk.len() as u64 > limit {
                return Err(FeedError::TooLarge { limit }.into());
            }
            out.extend_from_slice(&chunk);
        }
        Ok(out)
    }
}

pub(super) fn describe(e: &reqwest::Error) -> String {
    use std::error::Error;
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(inner) = src {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        src = inner.source();
    }
    s
}

pub(super) fn http_error(resp: &reqwest::Response) -> SyncError {
    let status = resp.status();
    if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
        return SyncError::Unauthorized;
    }
    if status == StatusCode::GONE {
        return SyncError::Revoked;
    }
    if status == StatusCode::SERVICE_UNAVAILABLE || status == StatusCode::TOO_MANY_REQUESTS {
        let retry_after = resp
            .headers()
            .get(reqwest::header::RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|s| parse_retry_after(s, Utc::now()));
        return SyncError::Overloaded { retry_after };
    }
    SyncError::Http {
        status: status.as_u16(),
        url: resp.url().to_string(),
    }
}

pub(super) fn feed_url(feed: &Url, rel: &str) -> Result<Url, SyncError> {
    feed.join(rel)
        .map_err(|e| SyncError::Feed(FeedError::Malformed(format!("bad URL {rel}: {e}"))))
}
