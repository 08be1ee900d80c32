//! The app's HTTP: the phones send the core's requests with the platform's
//! HTTPS (`HttpsURLConnection` on Android, `URLSession` on iOS), so the
//! library links no TLS and no HTTP client. The core decides everything
//! else (limits, counting, errors, redirects' origin, digests, TUF,
//! signatures, resumption) on what the app's transport returns: see
//! `fyr_core::sync::transport`.

use crate::SyncHandle;
use fyr_core::sync::{
    CancelToken, HttpRequest, HttpResponse, SendFuture, Transport, TransportError,
};
use std::sync::Arc;

/// Sends one request; the app implements it (Kotlin `HttpsTransport`,
/// Swift `URLSessionTransport`). Called on the core's sync thread, never
/// the UI thread: block until the answer is read. Keep to
/// `request.limits`: connect and the response head within
/// `headTimeoutMs`, all within `deadlineMs`, no more than
/// `maxBodyBytes + 1` body bytes read, a body slower than `minRate` bytes/s
/// over each `rateWindowMs` cut off, redirects followed only when
/// `followRedirects` and only within the request's origin. A body cut off
/// after the head is returned with the bytes read and `cutOff` saying why
/// (a download resumes from them); no answer at all is an error. Abort the
/// request when `cancel.isCancelled()` turns true.
#[uniffi::export(foreign)]
pub trait HttpTransport: Send + Sync {
    fn send(
        &self,
        request: HttpRequest,
        cancel: Arc<SyncHandle>,
    ) -> Result<HttpResponse, TransportFailure>;
}

/// Why a request got no answer (no connection, TLS refused, timeout, a
/// redirect to another origin). The message is shown to people.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum TransportFailure {
    #[error("{reason}")]
    Failed { reason: String },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for TransportFailure {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> Self {
        TransportFailure::Failed {
            reason: format!("the app's transport failed: {}", e.reason),
        }
    }
}

/// The app's transport as the core's.
pub(crate) struct Foreign(pub(crate) Arc<dyn HttpTransport>);

impl Transport for Foreign {
    fn send<'a>(&'a self, request: HttpRequest, cancel: &'a CancelToken) -> SendFuture<'a> {
        // A blocking call on the sync's own thread (its runtime runs only
        // this sync): nothing else waits for it.
        let handle = Arc::new(SyncHandle {
            token: cancel.clone(),
        });
        let r = self
            .0
            .send(request, handle)
            .map_err(|e| TransportError(e.to_string()));
        Box::pin(std::future::ready(r))
    }
}
