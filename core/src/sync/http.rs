//! The reqwest transport (cargo feature `http`): what the CLI, the hub's
//! tests, the bench and the core's own sync tests use. The phones bring
//! their own (transport.rs); the phone library does not link this.

use super::transport::{
    same_origin, HttpHeader, HttpRequest, HttpResponse, SendFuture, Transport, TransportError,
};
use super::CancelToken;
use futures_util::StreamExt;
use std::time::Duration;

/// reqwest with rustls: two clients, one following redirects within the
/// origin (the feed), one never (uploads, enrollment).
pub struct ReqwestTransport {
    follow: reqwest::Client,
    stay: reqwest::Client,
}

impl ReqwestTransport {
    /// `timeout`: connect and each read.
    pub fn new(timeout: Duration) -> Result<ReqwestTransport, TransportError> {
        let same_origin_policy = reqwest::redirect::Policy::custom(|a| {
            if a.previous().len() >= 5 {
                a.error("too many redirects")
            } else if a.previous().first().map(|u| u.origin()) != Some(a.url().origin()) {
                let to = a.url().to_string();
                a.error(format!(
                    "the feed was redirected to another origin ({to}); refused"
                ))
            } else {
                a.follow()
            }
        });
        let build = |policy| {
            reqwest::Client::builder()
                .connect_timeout(timeout)
                .read_timeout(timeout)
                .redirect(policy)
                .build()
                .map_err(|e| TransportError(describe(&e)))
        };
        Ok(ReqwestTransport {
            follow: build(same_origin_policy)?,
            stay: build(reqwest::redirect::Policy::none())?,
        })
    }

    async fn exchange(&self, r: HttpRequest) -> Result<HttpResponse, TransportError> {
        let method = reqwest::Method::from_bytes(r.method.as_bytes())
            .map_err(|e| TransportError(format!("method {}: {e}", r.method)))?;
        let url = url::Url::parse(&r.url).map_err(|e| TransportError(format!("{}: {e}", r.url)))?;
        let client = if r.limits.follow_redirects {
            &self.follow
        } else {
            &self.stay
        };
        let mut req = client.request(method, url.clone());
        for h in &r.headers {
            req = req.header(h.name.as_str(), h.value.as_str());
        }
        if !r.body.is_empty() {
            req = req.body(r.body);
        }
        let head = Duration::from_millis(r.limits.head_timeout_ms);
        let resp = tokio::time::timeout(head, req.send())
            .await
            .map_err(|_| {
                TransportError(format!(
                    "the hub did not answer within {} s",
                    head.as_secs()
                ))
            })?
            .map_err(|e| TransportError(describe(&e)))?;
        if !same_origin(resp.url(), &url) {
            return Err(TransportError(format!(
                "redirected to another origin ({}); refused",
                resp.url()
            )));
        }
        let mut out = HttpResponse {
            status: resp.status().as_u16(),
            headers: resp
                .headers()
                .iter()
                .map(|(k, v)| HttpHeader {
                    name: k.as_str().to_string(),
                    value: String::from_utf8_lossy(v.as_bytes()).into_owned(),
                })
                .collect(),
            url: resp.url().to_string(),
            body: Vec::new(),
            cut_off: None,
        };
        let limit = r.limits.max_body_bytes;
        if resp.content_length().is_some_and(|n| n > limit) {
            // The core refuses it from the stated length; nothing is read.
            return Ok(out);
        }
        let mut stream = resp.bytes_stream();
        let mut rate = Rate::new(
            r.limits.min_rate,
            Duration::from_millis(r.limits.rate_window_ms),
        );
        loop {
            match rate.next(&mut stream).await {
                Err(e) => {
                    out.cut_off = Some(e);
                    break;
                }
                Ok(None) => break,
                Ok(Some(Err(e))) => {
                    out.cut_off = Some(describe(&e));
                    break;
                }
                Ok(Some(Ok(chunk))) => {
                    out.body.extend_from_slice(&chunk);
                    if out.body.len() as u64 > limit {
                        break; // the core refuses it; no need to read on
                    }
                }
            }
        }
        Ok(out)
    }
}

impl Transport for ReqwestTransport {
    fn send<'a>(&'a self, request: HttpRequest, cancel: &'a CancelToken) -> SendFuture<'a> {
        Box::pin(async move {
            let deadline = Duration::from_millis(request.limits.deadline_ms);
            tokio::select! {
                biased;
                _ = cancel.cancelled() => Err(TransportError("cancelled".into())),
                r = tokio::time::timeout(deadline, self.exchange(request)) => {
                    r.unwrap_or_else(|_| Err(TransportError("the deadline passed".into())))
                }
            }
        })
    }
}

/// Cuts off a body that runs slower than the minimum rate: at the end of
/// each window, fewer than `min_rate × window` bytes ends the transfer.
struct Rate {
    min: u64,
    window: Duration,
    start: tokio::time::Instant,
    bytes: u64,
}

impl Rate {
    fn new(min: u64, window: Duration) -> Rate {
        Rate {
            min,
            window: window.max(Duration::from_millis(100)),
            start: tokio::time::Instant::now(),
            bytes: 0,
        }
    }

    /// The next chunk of `s`, or why the transfer is too slow.
    async fn next<S, T>(&mut self, s: &mut S) -> Result<Option<reqwest::Result<T>>, String>
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
                    return Err(format!(
                        "the transfer ran slower than {} bytes/s ({} bytes in {:.0} s); it stopped and resumes next time",
                        self.min,
                        self.bytes,
                        elapsed.as_secs_f64()
                    ));
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

/// A reqwest error with its causes (hyper's and the OS's words).
pub(crate) fn describe(e: &reqwest::Error) -> String {
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
