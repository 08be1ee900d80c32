//! The hub's defences against slow, idle and hostile clients, for every route.
//!
//! Per connection (our own accept loop around hyper's HTTP/1 server, because
//! `axum::serve` exposes none of this):
//! - a **connection limit**: a semaphore taken on accept; over the limit a
//!   client gets an immediate `503` with Retry-After and the socket closes;
//! - a **header-read timeout** (hyper's `header_read_timeout`, which also
//!   covers a kept-alive connection waiting for its next request);
//! - an **idle timeout**: no byte read or written and no request being handled
//!   for that long closes the connection (a client that stops reading);
//! - a small read buffer (hyper's `max_buf_size`), so header bytes held per
//!   connection stay small.
//!
//! Per request with a body ([`BodyGuard`], a middleware on the whole router,
//! so routes added later inherit it):
//! - a **bound on bodies in flight**: a permit per body, taken when the
//!   handler first reads the body — so a route answers on the headers first
//!   (uploads check the device token, enrollment the client's failures) and
//!   a refused client never holds one — and released when the body is
//!   dropped; none free → `503` with Retry-After before a byte of the body is
//!   read. Enrollment bodies (`POST /v1/enroll`, sent before a device has any
//!   credential) draw from a small pool of their own, so they can never
//!   take the permits uploads and the console need;
//! - a **size limit**: `Content-Length` over it → `413` at once; a body that
//!   grows over it while streaming fails with 413;
//! - a **total body deadline**: a body not complete in time fails with 408,
//!   however slowly it trickles.
//!
//! Bytes of request bodies held at once are thus at most
//! `(max_bodies_in_flight + max_enroll_bodies) × max_body_bytes`.

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use http_body::{Frame, SizeHint};
use hyper_util::rt::{TokioIo, TokioTimer};
use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpListener;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Limits for clients, all configurable (`fyr hub serve --…`).
#[derive(Debug, Clone)]
pub struct Limits {
    /// Open connections at once; more get 503 and are closed.
    pub max_connections: usize,
    /// A request's headers must arrive within this (also: the wait for the
    /// next request on a kept-alive connection).
    pub header_read_timeout: Duration,
    /// A request body must arrive whole within this (408 otherwise).
    pub body_timeout: Duration,
    /// A connection with no traffic and no request in progress this long is closed.
    pub idle_timeout: Duration,
    /// Request bodies being received at once (any route but enrollment);
    /// more get 503.
    pub max_bodies_in_flight: usize,
    /// Enrollment bodies (`POST /v1/enroll`) being received at once, a pool
    /// of their own; more get 503.
    pub max_enroll_bodies: usize,
    /// Largest request body in bytes (413 above).
    pub max_body_bytes: usize,
    /// Seconds in the Retry-After of a 503.
    pub retry_after_secs: u32,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_connections: 512,
            header_read_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(30),
            max_bodies_in_flight: 32,
            max_enroll_bodies: 4,
            max_body_bytes: 256 << 10,
            retry_after_secs: 30,
        }
    }
}

/// Counters a test or an operator can read.
#[derive(Debug, Default)]
pub struct Gauges {
    /// Connections open now.
    pub connections: AtomicUsize,
    /// Connections refused because of the connection limit.
    pub refused_connections: AtomicU64,
    /// Connections closed by the idle timeout.
    pub idle_closed: AtomicU64,
    /// Request-body bytes received and not yet released now, and the peak.
    pub body_bytes: AtomicUsize,
    pub body_bytes_peak: AtomicUsize,
}

/// The shared state of [`body_guard`].
#[derive(Clone)]
pub struct BodyGuard {
    permits: Arc<Semaphore>,
    enroll_permits: Arc<Semaphore>,
    limits: Arc<Limits>,
    gauges: Arc<Gauges>,
}

impl BodyGuard {
    pub fn new(limits: Arc<Limits>, gauges: Arc<Gauges>) -> BodyGuard {
        BodyGuard {
            permits: Arc::new(Semaphore::new(limits.max_bodies_in_flight)),
            enroll_permits: Arc::new(Semaphore::new(limits.max_enroll_bodies)),
            limits,
            gauges,
        }
    }

    /// Adds the guard to every route of a router.
    pub fn apply<S: Clone + Send + Sync + 'static>(&self, router: Router<S>) -> Router<S> {
        router.layer(axum::middleware::from_fn_with_state(
            self.clone(),
            body_guard,
        ))
    }
}

fn plain(status: StatusCode, msg: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        format!("{msg}\n"),
    )
        .into_response()
}

/// 503 with Retry-After.
pub fn busy(retry_after_secs: u32) -> Response {
    let mut r = plain(
        StatusCode::SERVICE_UNAVAILABLE,
        "the hub is busy; retry later",
    );
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from(retry_after_secs));
    r
}

/// The route whose bodies draw from their own pool.
pub const ENROLL_PATH: &str = "/v1/enroll";

/// The middleware: a permit (taken at the first read), a size limit and a
/// deadline for each body.
pub async fn body_guard(State(g): State<BodyGuard>, req: Request, next: Next) -> Response {
    let has_body = req.headers().contains_key(header::TRANSFER_ENCODING)
        || req
            .headers()
            .get(header::CONTENT_LENGTH)
            .is_some_and(|v| v.as_bytes() != b"0");
    if !has_body {
        return next.run(req).await;
    }
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > g.limits.max_body_bytes as u64) {
        return plain(
            StatusCode::PAYLOAD_TOO_LARGE,
            &format!("the body is larger than {} bytes", g.limits.max_body_bytes),
        );
    }
    let pool = if req.uri().path() == ENROLL_PATH {
        g.enroll_permits.clone()
    } else {
        g.permits.clone()
    };
    let refused = Arc::new(AtomicBool::new(false));
    let (parts, body) = req.into_parts();
    let guarded = GuardedBody {
        inner: body,
        pool,
        permit: None,
        refused: refused.clone(),
        deadline: Box::pin(tokio::time::sleep(g.limits.body_timeout)),
        timeout: g.limits.body_timeout,
        seen: 0,
        max: g.limits.max_body_bytes,
        gauges: g.gauges.clone(),
    };
    let resp = next
        .run(Request::from_parts(parts, Body::new(guarded)))
        .await;
    if refused.load(Ordering::Relaxed) {
        // Whatever the handler or its extractor made of the error.
        return busy(g.limits.retry_after_secs);
    }
    resp
}

/// Why a guarded body failed; handlers turn it into 408 or 413 with
/// [`body_error_response`].
#[derive(Debug)]
pub enum BodyLimitError {
    TimedOut(Duration),
    TooLarge(usize),
    /// No body permit was free when the handler began to read.
    Busy,
}

impl std::fmt::Display for BodyLimitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BodyLimitError::TimedOut(d) => {
                write!(f, "the body did not arrive within {} s", d.as_secs())
            }
            BodyLimitError::TooLarge(n) => write!(f, "the body is larger than {n} bytes"),
            BodyLimitError::Busy => f.write_str("the hub is busy; retry later"),
        }
    }
}

impl std::error::Error for BodyLimitError {}

/// The response for an error while reading a body: 408, 413 or 400.
pub fn body_error_response(e: &axum::Error) -> Response {
    let mut src: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = src {
        if let Some(l) = s.downcast_ref::<BodyLimitError>() {
            let status = match l {
                BodyLimitError::TimedOut(_) => StatusCode::REQUEST_TIMEOUT,
                BodyLimitError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
                // The body guard replaces this with its 503 + Retry-After.
                BodyLimitError::Busy => StatusCode::SERVICE_UNAVAILABLE,
            };
            let mut r = plain(status, &l.to_string());
            r.headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            return r;
        }
        src = s.source();
    }
    plain(
        StatusCode::BAD_REQUEST,
        &format!("the body could not be read: {e}"),
    )
}

struct GuardedBody {
    inner: Body,
    /// Where the permit comes from, and the permit once taken.
    pool: Arc<Semaphore>,
    permit: Option<OwnedSemaphorePermit>,
    /// Set when no permit was free: the guard answers 503.
    refused: Arc<AtomicBool>,
    deadline: Pin<Box<tokio::time::Sleep>>,
    timeout: Duration,
    seen: usize,
    max: usize,
    gauges: Arc<Gauges>,
}

impl Drop for GuardedBody {
    fn drop(&mut self) {
        self.gauges
            .body_bytes
            .fetch_sub(self.seen, Ordering::Relaxed);
    }
}

impl http_body::Body for GuardedBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = &mut *self;
        if this.permit.is_none() {
            match this.pool.clone().try_acquire_owned() {
                Ok(p) => this.permit = Some(p),
                Err(_) => {
                    this.refused.store(true, Ordering::Relaxed);
                    return Poll::Ready(Some(Err(axum::Error::new(BodyLimitError::Busy))));
                }
            }
        }
        match Pin::new(&mut this.inner).poll_frame(cx) {
            Poll::Ready(Some(Ok(frame))) => {
                if let Some(d) = frame.data_ref() {
                    this.seen += d.len();
                    let now =
                        this.gauges.body_bytes.fetch_add(d.len(), Ordering::Relaxed) + d.len();
                    this.gauges
                        .body_bytes_peak
                        .fetch_max(now, Ordering::Relaxed);
                    if this.seen > this.max {
                        return Poll::Ready(Some(Err(axum::Error::new(BodyLimitError::TooLarge(
                            this.max,
                        )))));
                    }
                }
                Poll::Ready(Some(Ok(frame)))
            }
            Poll::Pending => match this.deadline.as_mut().poll(cx) {
                Poll::Ready(()) => Poll::Ready(Some(Err(axum::Error::new(
                    BodyLimitError::TimedOut(this.timeout),
                )))),
                Poll::Pending => Poll::Pending,
            },
            other => other,
        }
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// Activity of one connection, for the idle timeout.
struct Activity {
    start: Instant,
    /// Milliseconds since `start` of the last byte moved.
    last: AtomicU64,
    /// Requests being handled now.
    busy: AtomicUsize,
}

impl Activity {
    fn touch(&self) {
        self.last
            .store(self.start.elapsed().as_millis() as u64, Ordering::Relaxed);
    }
    fn idle_for(&self) -> Duration {
        let last = Duration::from_millis(self.last.load(Ordering::Relaxed));
        self.start.elapsed().saturating_sub(last)
    }
}

/// A socket that records when bytes move.
struct Watched<T> {
    io: T,
    activity: Arc<Activity>,
}

impl<T: AsyncRead + Unpin> AsyncRead for Watched<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.io).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.activity.touch();
        }
        r
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Watched<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let r = Pin::new(&mut self.io).poll_write(cx, buf);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.activity.touch();
        }
        r
    }
    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }
    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

/// The immediate answer to a connection over the limit.
fn refusal(retry_after_secs: u32) -> Vec<u8> {
    let body = "the hub has too many connections; retry later\n";
    format!(
        "HTTP/1.1 503 Service Unavailable\r\nretry-after: {retry_after_secs}\r\n\
         content-type: text/plain; charset=utf-8\r\ncontent-length: {}\r\n\
         connection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// Serves `app` behind all the limits: accepts connections until `shutdown`
/// resolves, then lets open connections finish (at most a few seconds).
pub async fn run(
    listener: TcpListener,
    app: Router,
    limits: Arc<Limits>,
    gauges: Arc<Gauges>,
    shutdown: impl Future<Output = ()> + Send,
) {
    // The body guard and the size limit wrap the finished router: every
    // route, including any merged in later, is behind them.
    let app = BodyGuard::new(limits.clone(), gauges.clone())
        .apply(app)
        .layer(axum::extract::DefaultBodyLimit::max(limits.max_body_bytes));
    let conns = Arc::new(Semaphore::new(limits.max_connections));
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout)
        .max_buf_size(64 << 10)
        .keep_alive(true);
    let builder = Arc::new(builder);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            _ = &mut shutdown => break,
            r = listener.accept() => match r {
                Ok(s) => s,
                Err(_) => {
                    // Out of file descriptors and the like: back off briefly.
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let Ok(permit) = conns.clone().try_acquire_owned() else {
            gauges.refused_connections.fetch_add(1, Ordering::Relaxed);
            let msg = refusal(limits.retry_after_secs);
            tokio::spawn(async move {
                use tokio::io::AsyncWriteExt;
                let mut stream = stream;
                let _ = tokio::time::timeout(Duration::from_secs(1), stream.write_all(&msg)).await;
            });
            continue;
        };
        let _ = stream.set_nodelay(true);
        let activity = Arc::new(Activity {
            start: Instant::now(),
            last: AtomicU64::new(0),
            busy: AtomicUsize::new(0),
        });
        let io = TokioIo::new(Watched {
            io: stream,
            activity: activity.clone(),
        });
        let app = app.clone();
        let act = activity.clone();
        let service =
            hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                let mut app = app.clone();
                let act = act.clone();
                act.busy.fetch_add(1, Ordering::Relaxed);
                // The peer's address for handlers that rate-limit per client
                // (`ConnectInfo<SocketAddr>`, as axum::serve would give).
                let mut req = req.map(Body::new);
                req.extensions_mut()
                    .insert(axum::extract::ConnectInfo(peer));
                async move {
                    let r = tower_service::Service::call(&mut app, req).await;
                    act.touch();
                    act.busy.fetch_sub(1, Ordering::Relaxed);
                    r
                }
            });
        let builder = builder.clone();
        let limits = limits.clone();
        let gauges = gauges.clone();
        let mut stop = stop_rx.clone();
        tokio::spawn(async move {
            gauges.connections.fetch_add(1, Ordering::Relaxed);
            let conn = builder.serve_connection(io, service);
            tokio::pin!(conn);
            let tick =
                (limits.idle_timeout / 4).clamp(Duration::from_millis(50), Duration::from_secs(1));
            let mut stopping = false;
            loop {
                tokio::select! {
                    _ = conn.as_mut() => break,
                    _ = stop.changed(), if !stopping => {
                        stopping = true;
                        conn.as_mut().graceful_shutdown();
                    }
                    _ = tokio::time::sleep(tick) => {
                        if activity.busy.load(Ordering::Relaxed) == 0
                            && activity.idle_for() >= limits.idle_timeout
                        {
                            gauges.idle_closed.fetch_add(1, Ordering::Relaxed);
                            break;
                        }
                    }
                }
            }
            gauges.connections.fetch_sub(1, Ordering::Relaxed);
            drop(permit);
        });
    }
    drop(listener);
    let _ = stop_tx.send(true);
    // Let requests in progress finish, briefly.
    let all = limits.max_connections.min(u32::MAX as usize) as u32;
    let _ = tokio::time::timeout(Duration::from_secs(5), conns.acquire_many(all)).await;
}
