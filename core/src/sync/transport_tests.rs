//! The core's policy holds whatever the platform's HTTP stack does: a
//! transport that read more than it was allowed, followed a redirect on
//! its own (URLSession does unless told otherwise), or answered while the
//! sync was being cancelled.

use super::memory::MemStore;
use super::*;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

type Answer =
    dyn Fn(&HttpRequest, &CancelToken) -> Result<HttpResponse, TransportError> + Send + Sync;

struct Scripted {
    answer: Box<Answer>,
    asked: AtomicUsize,
}

impl Transport for Scripted {
    fn send<'a>(&'a self, request: HttpRequest, cancel: &'a CancelToken) -> SendFuture<'a> {
        self.asked.fetch_add(1, Ordering::SeqCst);
        let r = (self.answer)(&request, cancel);
        Box::pin(std::future::ready(r))
    }
}

fn device(answer: Box<Answer>) -> (MemStore, SyncConfig, Arc<Scripted>, tempfile::TempDir) {
    let work = tempfile::tempdir().unwrap();
    let mut cfg = SyncConfig::new(
        "https://hub.example.org/".parse().unwrap(),
        vec![ed25519_dalek::SigningKey::from_bytes(&[1; 32]).verifying_key()],
        work.path().into(),
    );
    let t = Arc::new(Scripted {
        answer,
        asked: AtomicUsize::new(0),
    });
    cfg.transport = Some(SharedTransport(t.clone()));
    (MemStore::with_content("f", 1, vec![]), cfg, t, work)
}

fn answer(status: u16, url: &str, headers: &[(&str, &str)], body: Vec<u8>) -> HttpResponse {
    HttpResponse {
        status,
        headers: headers
            .iter()
            .map(|(n, v)| HttpHeader {
                name: n.to_string(),
                value: v.to_string(),
            })
            .collect(),
        url: url.into(),
        body,
        cut_off: None,
    }
}

#[test]
fn a_manifest_over_the_limit_is_refused_even_when_the_transport_read_it_all() {
    let (s, cfg, t, _w) = device(Box::new(|req, _| {
        // A stack that ignored max_body_bytes and read everything.
        assert!(req.limits.max_body_bytes <= feed::MAX_MANIFEST_BYTES as u64);
        assert!(
            req.limits.follow_redirects,
            "the feed may follow within its origin"
        );
        Ok(answer(200, &req.url, &[], vec![b' '; 3 << 20]))
    }));
    let e = sync_blocking(&s, &cfg, &CancelToken::new()).unwrap_err();
    assert!(
        matches!(e, SyncError::Feed(FeedError::TooLarge { .. })),
        "{e}"
    );
    assert_eq!(s.position().unwrap().version, 1);
    assert_eq!(t.asked.load(Ordering::SeqCst), 1);
    assert_eq!(sync_status(&s, Utc::now()).unwrap().failures, 1);
}

#[test]
fn a_redirect_the_platform_followed_to_another_origin_is_refused() {
    let (s, cfg, _t, _w) = device(Box::new(|_, _| {
        Ok(answer(
            200,
            "https://elsewhere.example.net/feed/manifest.json",
            &[],
            b"{}".to_vec(),
        ))
    }));
    let e = sync_blocking(&s, &cfg, &CancelToken::new()).unwrap_err();
    assert!(e.to_string().contains("another origin"), "{e}");
    assert_eq!(s.position().unwrap().version, 1);
}

#[test]
fn a_redirect_to_another_origin_handed_back_unfollowed_is_refused_by_name() {
    let (s, cfg, _t, _w) = device(Box::new(|req, _| {
        Ok(answer(
            302,
            &req.url,
            &[("Location", "http://203.0.113.9/feed/manifest.json")],
            Vec::new(),
        ))
    }));
    let e = sync_blocking(&s, &cfg, &CancelToken::new()).unwrap_err();
    assert!(
        e.to_string()
            .contains("another origin (http://203.0.113.9/"),
        "{e}"
    );
}

#[test]
fn an_overloaded_hub_with_retry_after_sets_the_next_attempt() {
    let (s, cfg, _t, _w) = device(Box::new(|req, _| {
        Ok(answer(
            503,
            &req.url,
            &[("Retry-After", "1800")],
            Vec::new(),
        ))
    }));
    let before = Utc::now();
    let e = sync_blocking(&s, &cfg, &CancelToken::new()).unwrap_err();
    assert_eq!(e.retry_after(), Some(Duration::from_secs(1800)));
    let next = sync_status(&s, Utc::now()).unwrap().next_attempt.unwrap();
    assert!(next >= before + chrono::Duration::seconds(1800), "{next}");
}

#[test]
fn a_sync_cancelled_while_the_platform_answered_ends_cancelled_with_nothing_applied() {
    let (s, cfg, t, _w) = device(Box::new(|req, cancel| {
        // The user leaves the screen while the answer is on its way.
        cancel.cancel();
        Ok(answer(200, &req.url, &[], b"{}".to_vec()))
    }));
    let e = sync_blocking(&s, &cfg, &CancelToken::new()).unwrap_err();
    assert_eq!(e, SyncError::Cancelled);
    assert_eq!(s.position().unwrap().version, 1);
    assert_eq!(
        t.asked.load(Ordering::SeqCst),
        1,
        "no request after the cancel"
    );
    let st = sync_status(&s, Utc::now()).unwrap();
    assert_eq!(st.last_result.as_deref(), Some("cancelled"));
}

#[test]
fn a_transport_failure_is_a_network_error_in_its_own_words() {
    let (s, cfg, _t, _w) = device(Box::new(|_, _| {
        Err(TransportError(
            "cannot reach hub.example.org:443: Network is unreachable".into(),
        ))
    }));
    let e = sync_blocking(&s, &cfg, &CancelToken::new()).unwrap_err();
    assert!(
        matches!(&e, SyncError::Network(m) if m.contains("Network is unreachable")),
        "{e}"
    );
}
