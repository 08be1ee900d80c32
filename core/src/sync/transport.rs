//! The transport seam: the one place the core's sync, enrollment and uploads
//! meet the network. A [`Transport`] sends one request and returns the
//! status, the headers, the final URL and the body it read; everything that
//! is policy stays in the core and is applied to whatever a transport
//! returns (net.rs): the size limits (a body over the limit is refused even
//! if the host returned it), the byte counting of the sync report, the
//! status → error mapping, the origin rule for redirects, the deadline,
//! digests, TUF, signatures and resumption.
//!
//! The phones carry their own transport (TLS from the platform:
//! `HttpsURLConnection` on Android, `URLSession` on iOS) through the FFI's
//! foreign trait; the CLI, the hub's tests and the bench use the reqwest
//! one in `http.rs` (cargo feature `http`), which the phone library does
//! not link.

use super::CancelToken;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

/// One header, as sent or received (names compared case-insensitively).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct HttpHeader {
    pub name: String,
    pub value: String,
}

/// What a transport must keep to for one request. The core checks the
/// size limit again on what comes back; the times are the transport's to
/// keep (it is the one that can stop a read).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct HttpLimits {
    /// Read at most this many bytes of the body plus one (so an overlong
    /// body is seen as such); the core refuses a longer one.
    pub max_body_bytes: u64,
    /// Connect and the response head within this (also the longest a
    /// single read may wait).
    pub head_timeout_ms: u64,
    /// The whole exchange (head and body) within this: the time left of
    /// the sync's deadline.
    pub deadline_ms: u64,
    /// A body slower than this many bytes per second, measured over each
    /// `rate_window_ms`, is cut off (0: no minimum).
    pub min_rate: u64,
    pub rate_window_ms: u64,
    /// Follow redirects within the request's origin (scheme, host, port),
    /// at most 5; never to another origin. False: return a 3xx as it is.
    pub follow_redirects: bool,
}

/// One request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct HttpRequest {
    /// "GET" or "POST".
    pub method: String,
    pub url: String,
    pub headers: Vec<HttpHeader>,
    /// Empty for a GET.
    pub body: Vec<u8>,
    pub limits: HttpLimits,
}

/// What came back. A body cut off after its head arrived (connection
/// dropped, too slow, deadline) is returned with the bytes read and
/// `cut_off` saying why, so a download can resume from them.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct HttpResponse {
    pub status: u16,
    pub headers: Vec<HttpHeader>,
    /// The URL that answered (after any redirects followed).
    pub url: String,
    /// The body as received on the wire (not decompressed: the request
    /// asks for gzip itself when it wants it).
    pub body: Vec<u8>,
    pub cut_off: Option<String>,
}

impl HttpResponse {
    /// The first header of this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        header(&self.headers, name)
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

pub(crate) fn header<'h>(headers: &'h [HttpHeader], name: &str) -> Option<&'h str> {
    headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str())
}

/// A request that got no response head: no connection, refused TLS, a
/// timeout, a redirect refused. The message is shown to people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TransportError(pub String);

/// The future a transport returns.
pub type SendFuture<'a> =
    Pin<Box<dyn Future<Output = Result<HttpResponse, TransportError>> + Send + 'a>>;

/// Sends one request. `cancel` is the sync's: a transport that can abort a
/// request in flight should, when it is cancelled (the core checks it
/// between requests in any case).
pub trait Transport: Send + Sync {
    fn send<'a>(&'a self, request: HttpRequest, cancel: &'a CancelToken) -> SendFuture<'a>;
}

/// A transport shared by configurations (cheap to clone).
#[derive(Clone)]
pub struct SharedTransport(pub Arc<dyn Transport>);

impl std::fmt::Debug for SharedTransport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SharedTransport")
    }
}

/// The transport used when none is given: reqwest where the core has it.
#[cfg(feature = "http")]
pub fn default_transport(timeout: Duration) -> Result<Arc<dyn Transport>, super::SyncError> {
    super::http::ReqwestTransport::new(timeout)
        .map(|t| Arc::new(t) as Arc<dyn Transport>)
        .map_err(|e| super::SyncError::Network(e.0))
}

/// Without the `http` feature (the phone library) the app gives the transport.
#[cfg(not(feature = "http"))]
pub fn default_transport(_timeout: Duration) -> Result<Arc<dyn Transport>, super::SyncError> {
    Err(super::SyncError::Config(
        "no transport to reach the hub: the app gives one (set_transport) before it syncs or enrolls"
            .into(),
    ))
}

/// The origin of a URL (scheme, host, port), for the redirect rule.
pub(crate) fn same_origin(a: &url::Url, b: &url::Url) -> bool {
    a.origin() == b.origin()
}

/// The reason phrase a server sends with a status (for counting the
/// status line's bytes).
pub(crate) fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        206 => "Partial Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        410 => "Gone",
        413 => "Payload Too Large",
        416 => "Range Not Satisfiable",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "",
    }
}
