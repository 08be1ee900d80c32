//! The sync's requests through the transport seam: every request and body
//! counted on the wire, bounded in size and time (a deadline for each
//! response head, a minimum rate, the sync's own deadline), the origin rule
//! for redirects and the status → error mapping — applied here to whatever
//! the transport returns, so every transport gets the same policy.

use super::transport::{header, reason_phrase, same_origin, HttpHeader, HttpLimits};
use super::*;

pub(super) struct Net<'a> {
    pub(super) transport: &'a dyn Transport,
    pub(super) cancel: &'a CancelToken,
    pub(super) cfg: &'a SyncConfig,
    pub(super) report: &'a mut SyncReport,
    /// The sync ends at this instant, whatever the hub does.
    pub(super) deadline: std::time::Instant,
    /// How long the last exchange took (for the rate of a body cut off).
    pub(super) last_exchange: Duration,
    /// Blobs that came in the origin's update pack, by `blobs/<sha>.gz`
    /// (verified against the manifest like a download).
    pub(super) prefetched: std::collections::HashMap<String, Vec<u8>>,
}

/// A request as the sync builds it.
pub(super) struct Req {
    method: &'static str,
    url: Url,
    headers: Vec<HttpHeader>,
    body: Vec<u8>,
}

impl Req {
    /// A feed request: follows redirects within the hub's origin only.
    pub(super) fn get(url: Url) -> Req {
        Req {
            method: "GET",
            url,
            headers: Vec::new(),
            body: Vec::new(),
        }
    }
    /// An upload: never follows a redirect.
    pub(super) fn post(url: Url, body: Vec<u8>) -> Req {
        Req {
            method: "POST",
            url,
            headers: Vec::new(),
            body,
        }
    }
    pub(super) fn header(mut self, name: &str, value: impl Into<String>) -> Req {
        self.headers.push(HttpHeader {
            name: name.into(),
            value: value.into(),
        });
        self
    }
}

fn head_size(headers: &[HttpHeader]) -> u64 {
    headers
        .iter()
        .map(|h| (h.name.len() + 2 + h.value.len() + 2) as u64)
        .sum()
}

impl Net<'_> {
    fn deadline_error(&self) -> SyncError {
        SyncError::Network(format!(
            "the sync did not finish within its deadline of {} s; it stopped and resumes next time",
            self.cfg.deadline.as_secs()
        ))
    }

    /// Sends a request with a body limit, counting the request's bytes
    /// (request line, headers including the ones an HTTP client adds, body)
    /// and the response head. The body is counted when it is read
    /// ([`Net::body`], the blob download).
    pub(super) async fn send(
        &mut self,
        req: Req,
        max_body: u64,
    ) -> Result<HttpResponse, SyncError> {
        if self.cancel.is_cancelled() {
            return Err(SyncError::Cancelled);
        }
        let now = std::time::Instant::now();
        if now >= self.deadline {
            return Err(self.deadline_error());
        }
        let left = self.deadline - now;
        let url = &req.url;
        let path_len = url.path().len() + url.query().map(|q| q.len() + 1).unwrap_or(0);
        let host_len = url.host_str().unwrap_or("").len()
            + url.port().map(|p| p.to_string().len() + 1).unwrap_or(0);
        let body_len = req.body.len() as u64;
        let mut sent = (req.method.len() + 1 + path_len + 11) as u64; // "GET /p HTTP/1.1\r\n"
        sent += head_size(&req.headers) + (6 + host_len + 2) as u64 + 2; // host header, blank line
        if header(&req.headers, "accept").is_none() {
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
        let follow = req.method == "GET";
        let request = HttpRequest {
            method: req.method.into(),
            url: req.url.to_string(),
            headers: req.headers,
            body: req.body,
            limits: HttpLimits {
                max_body_bytes: max_body,
                head_timeout_ms: ceil_ms(head_limit.min(left)).max(1),
                // Rounded up and one more: a transport's deadline never ends
                // before the sync's, so the core names it as the deadline.
                deadline_ms: ceil_ms(left) + 1,
                min_rate: self.cfg.min_rate,
                rate_window_ms: self.cfg.rate_window.as_millis() as u64,
                follow_redirects: follow,
            },
        };
        let sent_to = req.url.clone();
        let started = std::time::Instant::now();
        let result = self.transport.send(request, self.cancel).await;
        self.last_exchange = started.elapsed();
        if self.cancel.is_cancelled() {
            return Err(SyncError::Cancelled);
        }
        let resp = match result {
            Ok(r) => r,
            Err(_) if std::time::Instant::now() >= self.deadline => {
                return Err(self.deadline_error())
            }
            Err(e) => return Err(SyncError::Network(e.0)),
        };
        let status_line = 9 + 3 + 1 + reason_phrase(resp.status).len() + 2;
        self.report.bytes_received += status_line as u64 + head_size(&resp.headers) + 2;
        // The origin rule, whatever the transport did: the feed only within
        // the hub's origin; a transport that followed elsewhere is refused.
        let answered = Url::parse(&resp.url).unwrap_or_else(|_| sent_to.clone());
        if !same_origin(&answered, &sent_to) {
            return Err(SyncError::Network(format!(
                "the feed was redirected to another origin ({answered}); refused"
            )));
        }
        if follow && (300..400).contains(&resp.status) && resp.status != 304 {
            if let Some(to) = resp.header("location").and_then(|l| sent_to.join(l).ok()) {
                if !same_origin(&to, &sent_to) {
                    return Err(SyncError::Network(format!(
                        "the feed was redirected to another origin ({to}); refused"
                    )));
                }
            }
        }
        Ok(resp)
    }

    /// Checks a whole body: the stated length and the bytes against
    /// `limit`, a body cut off is a network error (nothing is used).
    pub(super) fn body(&mut self, resp: HttpResponse, limit: u64) -> Result<Vec<u8>, SyncError> {
        if content_length(&resp).is_some_and(|n| n > limit) {
            return Err(FeedError::TooLarge { limit }.into());
        }
        self.report.bytes_received += resp.body.len() as u64;
        if resp.body.len() as u64 > limit {
            return Err(FeedError::TooLarge { limit }.into());
        }
        if let Some(why) = resp.cut_off {
            if std::time::Instant::now() >= self.deadline {
                return Err(self.deadline_error());
            }
            return Err(SyncError::Network(why));
        }
        Ok(resp.body)
    }

    /// Whether `bytes` in the last exchange ran below the minimum rate (a
    /// body cut off for slowness is not retried at once; one cut off after
    /// a healthy start is).
    pub(super) fn was_slow(&self, bytes: u64) -> bool {
        self.cfg.min_rate > 0
            && (bytes as f64) < self.cfg.min_rate as f64 * self.last_exchange.as_secs_f64()
    }

    pub(super) fn past_deadline(&self) -> Option<SyncError> {
        (std::time::Instant::now() >= self.deadline).then(|| self.deadline_error())
    }
}

fn ceil_ms(d: Duration) -> u64 {
    d.as_micros().div_ceil(1000) as u64
}

pub(super) fn content_length(resp: &HttpResponse) -> Option<u64> {
    resp.header("content-length")
        .and_then(|v| v.trim().parse().ok())
}

pub(super) fn http_error(resp: &HttpResponse) -> SyncError {
    let status = resp.status;
    if status == 401 || status == 403 {
        return SyncError::Unauthorized;
    }
    if status == 410 {
        return SyncError::Revoked;
    }
    if status == 503 || status == 429 {
        let retry_after = resp
            .header("retry-after")
            .and_then(|s| parse_retry_after(s, Utc::now()));
        return SyncError::Overloaded { retry_after };
    }
    SyncError::Http {
        status,
        url: resp.url.clone(),
    }
}

pub(super) fn feed_url(feed: &Url, rel: &str) -> Result<Url, SyncError> {
    feed.join(rel)
        .map_err(|e| SyncError::Feed(FeedError::Malformed(format!("bad URL {rel}: {e}"))))
}

/// What a header value may hold (visible ASCII, space and tab): a stored
/// ETag that is not is not sent.
pub(super) fn valid_header_value(v: &str) -> bool {
    v.bytes().all(|b| b == b'\t' || (0x20..0x7f).contains(&b))
}
