//! The facade's own tests: one sync at a time, and a scheduled sync before its time.

use super::*;
use crate::error::ErrorKind;
use std::time::Duration;

fn open_fresh(dir: &std::path::Path) -> Fyr {
    Fyr::open(OpenOptions {
        data_dir: dir.to_path_buf(),
        key: Some([7; 32]),
        lang: Lang::Sv,
    })
    .unwrap()
}

/// Periodic and "sync now" on a phone share one store: the second sync
/// waits until the first has ended, and a waiting sync can be cancelled.
#[test]
fn one_sync_at_a_time() {
    let dir = tempfile::tempdir().unwrap();
    let fyr = std::sync::Arc::new(open_fresh(dir.path()));
    let held = fyr.sync_lock.try_lock().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let f = std::sync::Arc::clone(&fyr);
    let waiting = std::thread::spawn(move || {
        let r = f.sync_blocking(&SyncOptions::default(), &sync::CancelToken::new());
        tx.send(r.map(|_| ()).map_err(|e| e.to_string())).unwrap();
    });
    assert!(
        rx.recv_timeout(Duration::from_millis(300)).is_err(),
        "a second sync ran while the first held the store"
    );
    drop(held);
    let r = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("the waiting sync never ran");
    waiting.join().unwrap();
    // It ran: a fresh store with no hub option and nothing remembered
    // ends with the sync's own answer, not a hang.
    let _ = r;

    let held = fyr.sync_lock.try_lock().unwrap();
    let cancel = sync::CancelToken::new();
    let c = cancel.clone();
    let f = std::sync::Arc::clone(&fyr);
    let waiting = std::thread::spawn(move || f.sync_blocking(&SyncOptions::default(), &c));
    std::thread::sleep(Duration::from_millis(100));
    cancel.cancel();
    let r = waiting.join().unwrap();
    assert!(matches!(r, Err(Error::Sync(_))), "{:?}", r.err());
    assert!(r.unwrap_err().to_string().to_lowercase().contains("cancel"));
    drop(held);
}

/// A scheduled sync before the next check (here: the backoff after a
/// failure) ends at once with NotYet and touches nothing; the user's own
/// request still goes. A second scheduled call while one runs: NotYet.
#[test]
fn a_scheduled_sync_before_its_time_is_refused_without_network() {
    use sync::policy::SyncTrigger;
    let dir = tempfile::tempdir().unwrap();
    let fyr = open_fresh(dir.path());
    // A closed port on this machine: the user's sync fails fast.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let hub = format!("http://{}/", closed.local_addr().unwrap());
    drop(closed);
    let user = SyncOptions {
        hub: Some(hub),
        ..Default::default()
    };
    let e = fyr
        .sync_blocking(&user, &sync::CancelToken::new())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Sync, "{e}");
    let st = fyr.status(Utc::now()).unwrap();
    let attempted = fyr
        .store
        .with_dev(|c| device::get_sync_meta(c, sync::meta::LAST_ATTEMPT))
        .unwrap();
    assert_eq!(st.failures, 1);
    assert_eq!(Some(st.next_check), st.next_attempt);

    let scheduled = SyncOptions {
        trigger: SyncTrigger::Scheduled,
        ..Default::default()
    };
    let started = std::time::Instant::now();
    match fyr.sync_blocking(&scheduled, &sync::CancelToken::new()) {
        Err(Error::NotYet { at, running: false }) => assert_eq!(Some(at), st.next_attempt),
        other => panic!("expected NotYet, got {other:?}"),
    }
    assert!(started.elapsed() < Duration::from_secs(2));
    let after = fyr
        .store
        .with_dev(|c| device::get_sync_meta(c, sync::meta::LAST_ATTEMPT))
        .unwrap();
    assert_eq!(attempted, after, "no attempt was made");
    assert_eq!(
        fyr.status(Utc::now()).unwrap().failures,
        1,
        "not counted as a failure"
    );

    // The user's request goes at once (and fails again on the closed port).
    let e = fyr
        .sync_blocking(&user, &sync::CancelToken::new())
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Sync);
    assert_eq!(fyr.status(Utc::now()).unwrap().failures, 2);

    // Single flight: a scheduled call while a sync holds the store.
    let held = fyr.sync_lock.try_lock().unwrap();
    match fyr.sync_blocking(&scheduled, &sync::CancelToken::new()) {
        Err(Error::NotYet { running: true, .. }) => {}
        other => panic!("expected NotYet (running), got {other:?}"),
    }
    drop(held);
}

/// An open and a search read in transactions of their own, and leave
/// none open behind them: a change from another process (a second `fyr`)
/// and the write-ahead log's checkpoint are never held up by a reader that
/// has finished; a search in a transaction already under way reads in it.
#[test]
fn open_and_search_leave_no_transaction_open() {
    let dir = tempfile::tempdir().unwrap();
    let first = open_fresh(dir.path());
    drop(first);
    // A second open: this one reads the store (the first one wrote it).
    let fyr = open_fresh(dir.path());
    let q = crate::search::SearchQuery {
        text: Some("min man slar mig".into()),
        ..Default::default()
    };
    assert!(!fyr.search(&q).unwrap().is_empty());
    fyr.store()
        .with_dir(|c, ix| {
            assert!(c.is_autocommit(), "directory.db: a transaction left open");
            let tx = c.unchecked_transaction()?;
            let inside = crate::search::search(&tx, ix, &q, Lang::Sv)?;
            assert!(!inside.is_empty());
            assert!(!tx.is_autocommit(), "the caller's transaction is its own");
            Ok(())
        })
        .unwrap();
    assert!(
        fyr.store().dev().is_autocommit(),
        "device.db: a transaction left open"
    );
    // Another connection can write both files now.
    for f in [crate::store::DIRECTORY_FILE, crate::store::DEVICE_FILE] {
        let c = rusqlite::Connection::open(dir.path().join(f)).unwrap();
        c.busy_timeout(Duration::from_millis(200)).unwrap();
        c.execute_batch("BEGIN IMMEDIATE; COMMIT").unwrap();
    }
}
