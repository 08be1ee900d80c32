//! The only network code of the update client: one GET with a size bound,
//! deadlines and the origin rule (redirects only within the origin asked).

#[cfg(feature = "http")]
use std::time::Duration;
use url::Url;

/// Why a fetch failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    #[error("HTTP {status} for {url}")]
    Http { status: u16, url: String },
    #[error("{url}: more than {limit} bytes")]
    TooLarge { url: String, limit: u64 },
    #[error("{url}: {reason}")]
    Network { url: String, reason: String },
}

impl FetchError {
    /// 403 or 404: the file is not there (ends the root chain walk).
    pub fn is_not_found(&self) -> bool {
        matches!(
            self,
            FetchError::Http {
                status: 403 | 404,
                ..
            }
        )
    }
}

/// Fetches one URL, refusing more than `max_len` bytes.
#[allow(async_fn_in_trait)]
pub trait Fetcher {
    async fn fetch(&mut self, url: &Url, max_len: u64) -> Result<Vec<u8>, FetchError>;
}

/// The HTTP fetcher (the CLI's `tuf` commands; cargo feature `http`): connect and read timeouts, a minimum rate, the body
/// bounded while streaming, redirects followed only within the origin.
#[cfg(feature = "http")]
pub struct HttpFetcher {
    client: reqwest::Client,
    /// Requests made and bytes received (for the sync report).
    pub requests: u32,
    pub bytes_received: u64,
    /// A body slower than this many bytes per `rate_window` is cut off (0: off).
    pub min_rate: u64,
    pub rate_window: Duration,
}

#[cfg(feature = "http")]
impl HttpFetcher {
    pub fn new(timeout: Duration) -> Result<HttpFetcher, FetchError> {
        let same_origin = reqwest::redirect::Policy::custom(|a| {
            if a.previous().len() >= 5 {
                a.error("too many redirects")
            } else if a.previous().first().map(|u| u.origin()) != Some(a.url().origin()) {
                let to = a.url().to_string();
                a.error(format!("redirected to another origin ({to}); refused"))
            } else {
                a.follow()
            }
        });
        let client = reqwest::Client::builder()
            .connect_timeout(timeout)
            .read_timeout(timeout)
            .redirect(same_origin)
            .build()
            .map_err(|e| FetchError::Network {
                url: String::new(),
                reason: e.to_string(),
            })?;
        Ok(HttpFetcher {
            client,
            requests: 0,
            bytes_received: 0,
            min_rate: 256,
            rate_window: Duration::from_secs(30),
        })
    }
}

#[cfg(feature = "http")]
fn describe(e: &reqwest::Error) -> String {
    use std::error::Error;
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(c) = src {
        s.push_str(": ");
        s.push_str(&c.to_string());
        src = c.source();
    }
    s
}

#[cfg(feature = "http")]
impl Fetcher for HttpFetcher {
    async fn fetch(&mut self, url: &Url, max_len: u64) -> Result<Vec<u8>, FetchError> {
        use futures_util::StreamExt;
        let net = |reason: String| FetchError::Network {
            url: url.to_string(),
            reason,
        };
        self.requests += 1;
        let resp = self
            .client
            .get(url.clone())
            .send()
            .await
            .map_err(|e| net(describe(&e)))?;
        let status = resp.status();
        if !status.is_success() {
            return Err(FetchError::Http {
                status: status.as_u16(),
                url: url.to_string(),
            });
        }
        let too_large = || FetchError::TooLarge {
            url: url.to_string(),
            limit: max_len,
        };
        if resp.content_length().is_some_and(|n| n > max_len) {
            return Err(too_large());
        }
        let mut out = Vec::new();
        let mut stream = resp.bytes_stream();
        let mut window_start = tokio::time::Instant::now();
        let mut window_bytes = 0u64;
        loop {
            let next = if self.min_rate > 0 {
                let left = self
                    .rate_window
                    .saturating_sub(window_start.elapsed())
                    .max(Duration::from_millis(1));
                match tokio::time::timeout(left, stream.next()).await {
                    Ok(n) => n,
                    Err(_) => None.ok_or_else(|| {
                        net(format!(
                            "slower than {} bytes per {} s; cut off",
                            self.min_rate,
                            self.rate_window.as_secs()
                        ))
                    })?,
                }
            } else {
                stream.next().await
            };
            let Some(chunk) = next else { break };
            let chunk = chunk.map_err(|e| net(describe(&e)))?;
            self.bytes_received += chunk.len() as u64;
            if out.len() as u64 + chunk.len() as u64 > max_len {
                return Err(too_large());
            }
            out.extend_from_slice(&chunk);
            window_bytes += chunk.len() as u64;
            if window_start.elapsed() >= self.rate_window {
                if self.min_rate > 0
                    && window_bytes < self.min_rate * self.rate_window.as_secs().max(1)
                {
                    return Err(net("body too slow; cut off".into()));
                }
                window_start = tokio::time::Instant::now();
                window_bytes = 0;
            }
        }
        Ok(out)
    }
}
