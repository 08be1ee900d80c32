//! The screening key: the directory never depends on it.
//!
//! `Fyr::open` always opens the directory. A missing key, or one that does
//! not open this device's sealed screenings, only *locks screenings*
//! (`ErrorKind::ScreeningsLocked`, with the reason in `Fyr::screening_lock`).
//! The way forward is explicit: [`Fyr::reset_screening_key`] sets the old
//! sealed sessions aside (kept, listed as unreadable, purged after the
//! retention period) and starts using the new key. A new key is adopted
//! silently only when there is no sealed session it could hide.

use crate::api::Fyr;
use crate::crypto::{self, SealKey};
use crate::error::{Error, Result};
use crate::store::device::{self, AsideSession};
use chrono::{DateTime, Utc};
use serde::Serialize;

const KEY_CHECK: &str = "key_check";

/// Why screenings are locked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LockReason {
    /// No key was given (the keystore entry or key file is gone).
    NoKey,
    /// The key does not open this device's sealed screenings.
    WrongKey,
}

impl LockReason {
    pub fn id(self) -> &'static str {
        match self {
            LockReason::NoKey => "no_key",
            LockReason::WrongKey => "wrong_key",
        }
    }

    /// One technical line (errors, the CLI): the problem, that the directory
    /// still works, the way forward. The apps show
    /// `present::messages::screenings_locked` (in the app's language).
    pub fn message(self, sealed: u64) -> String {
        let why = match self {
            LockReason::NoKey => "no key is available on this device",
            LockReason::WrongKey => "wrong key: it does not open this device's sealed screenings",
        };
        format!(
            "screenings are locked: {why} ({sealed} sealed screening(s)); the directory still works. A new screening key sets them aside, unreadable, until the retention period purges them"
        )
    }
}

/// Whether screenings can be used now.
#[derive(Debug, Clone, Copy)]
pub(crate) enum KeyState {
    Open([u8; 32]),
    Locked(LockReason),
}

/// What a shell shows when screenings are locked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ScreeningLock {
    pub reason: LockReason,
    /// For the user, in the store's language (`present::messages`).
    pub message: String,
    /// Sealed sessions the current key cannot open.
    pub sealed_sessions: u64,
}

impl Fyr {
    /// Decides the key state at open; adopts the key when nothing sealed
    /// could be hidden by it (a first start, or no sessions stored).
    pub(crate) fn initial_key_state(&self, key: Option<[u8; 32]>) -> Result<KeyState> {
        let Some(k) = key else {
            return Ok(KeyState::Locked(LockReason::NoKey));
        };
        self.store.with_dev(|c| {
            let check = device::get_setting(c, KEY_CHECK)?;
            let opens = check
                .and_then(|h| hex::decode(h).ok())
                .map(|check| crypto::verify_key_check(&SealKey::from_bytes(k), &check).is_ok());
            // No check at all but sessions (a device store replaced while
            // running, a session written before the check): the key is right
            // if it opens one of them.
            let opens_one = || -> Result<bool> {
                let key = SealKey::from_bytes(k);
                Ok(device::all_sessions(c)?
                    .iter()
                    .any(|(id, blob)| crypto::open(&key, id.as_bytes(), blob).is_ok()))
            };
            match opens {
                Some(true) => Ok(KeyState::Open(k)),
                None if opens_one()? => {
                    device::set_setting(
                        c,
                        KEY_CHECK,
                        Some(&hex::encode(crypto::key_check(&SealKey::from_bytes(k)))),
                    )?;
                    Ok(KeyState::Open(k))
                }
                _ if device::session_count(c)? == 0 => {
                    device::set_setting(
                        c,
                        KEY_CHECK,
                        Some(&hex::encode(crypto::key_check(&SealKey::from_bytes(k)))),
                    )?;
                    Ok(KeyState::Open(k))
                }
                _ => Ok(KeyState::Locked(LockReason::WrongKey)),
            }
        })
    }

    fn key_state(&self) -> KeyState {
        *self.key.read().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn seal_key(&self) -> Result<SealKey> {
        match self.key_state() {
            KeyState::Open(k) => {
                // A device store replaced while running has no key check:
                // write it before anything is sealed into it, or the next
                // start would find sealed sessions no check vouches for.
                self.store.with_dev(|c| {
                    if device::get_setting(c, KEY_CHECK)?.is_none() {
                        let check = crypto::key_check(&SealKey::from_bytes(k));
                        device::set_setting(c, KEY_CHECK, Some(&hex::encode(check)))?;
                    }
                    Ok(())
                })?;
                Ok(SealKey::from_bytes(k))
            }
            KeyState::Locked(r) => Err(Error::ScreeningsLocked(r.message(self.sealed_sessions()?))),
        }
    }

    /// Sealed sessions stored (readable or not with the current key).
    pub fn sealed_sessions(&self) -> Result<u64> {
        self.store.with_dev(|c| device::session_count(c))
    }

    /// `None` when screenings can be used; else why not and what to do.
    pub fn screening_lock(&self) -> Result<Option<ScreeningLock>> {
        match self.key_state() {
            KeyState::Open(_) => Ok(None),
            KeyState::Locked(reason) => {
                let sealed = self.sealed_sessions()?;
                Ok(Some(ScreeningLock {
                    reason,
                    message: crate::present::messages::screenings_locked(
                        reason,
                        sealed,
                        self.lang(),
                    ),
                    sealed_sessions: sealed,
                }))
            }
        }
    }

    /// Starts using `new_key`: every sealed session is set aside (kept,
    /// listed by [`Fyr::unreadable_screenings`], purged after the retention
    /// period) and screenings are unlocked. Returns how many were set aside.
    pub fn reset_screening_key(&self, new_key: [u8; 32], now: DateTime<Utc>) -> Result<usize> {
        let mut state = self.key.write().unwrap_or_else(|p| p.into_inner());
        let n = self.store.with_dev(|c| {
            let n = device::set_sessions_aside(c, now)?;
            device::set_setting(
                c,
                KEY_CHECK,
                Some(&hex::encode(crypto::key_check(&SealKey::from_bytes(
                    new_key,
                )))),
            )?;
            Ok(n)
        })?;
        *state = KeyState::Open(new_key);
        Ok(n)
    }

    /// Sessions set aside by a key reset: unreadable, kept until purged.
    pub fn unreadable_screenings(&self) -> Result<Vec<AsideSession>> {
        self.store.with_dev(|c| device::aside_sessions(c))
    }

    /// Purges set-aside sessions older than the retention period of `days`
    /// (no key needed).
    pub(crate) fn purge_unreadable(&self, now: DateTime<Utc>, days: i64) -> Result<usize> {
        let n = self
            .store
            .with_dev(|c| device::purge_aside(c, now - chrono::Duration::days(days)))?;
        if n > 0 {
            self.store.with_dev(|c| device::checkpoint(c))?;
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::LockReason;
    use crate::api::{Fyr, OpenOptions};
    use crate::error::ErrorKind;
    use crate::vocab::Lang;
    use chrono::Utc;
    use std::path::Path;

    fn open(dir: &Path, key: Option<[u8; 32]>) -> Fyr {
        Fyr::open(OpenOptions {
            data_dir: dir.into(),
            key,
            lang: Lang::Sv,
        })
        .expect("open never fails because of the key")
    }

    fn start(f: &Fyr) -> crate::error::Result<String> {
        let id = f.checklists()?[0].id.clone();
        f.start_screening(&id, None, Utc::now())
            .map(|v| v.session_id)
    }

    fn search_works(f: &Fyr) {
        let q = crate::search::SearchQuery {
            text: Some("kvinnofrid".into()),
            ..Default::default()
        };
        let hits = f.search(&q).unwrap();
        assert!(hits.iter().any(|h| h.id == "kvinnofridslinjen"));
        f.show("kvinnofridslinjen", None, None).unwrap();
    }

    /// A sealed session with no key check beside it (written into a device
    /// store replaced while running, before the check was): the key that
    /// opens it is adopted, another key stays locked.
    #[test]
    fn a_session_without_a_key_check_is_opened_by_its_key_only() {
        let d = tempfile::tempdir().unwrap();
        let (k1, k2) = ([1u8; 32], [2u8; 32]);
        let f = open(d.path(), Some(k1));
        let sid = start(&f).unwrap();
        crate::store::device::set_setting(&f.store().dev(), super::KEY_CHECK, None).unwrap();
        drop(f);
        let f = open(d.path(), Some(k2));
        let lock = f.screening_lock().unwrap().expect("locked");
        assert_eq!(lock.reason, LockReason::WrongKey);
        drop(f);
        let f = open(d.path(), Some(k1));
        assert!(f.screening_lock().unwrap().is_none());
        assert_eq!(f.screenings().unwrap()[0].session_id, sid);
        drop(f);
        // The check was written again: a wrong key is still refused.
        let f = open(d.path(), Some(k2));
        assert!(f.screening_lock().unwrap().is_some());
    }

    #[test]
    fn a_wrong_or_missing_key_locks_screenings_only_until_a_reset() {
        let d = tempfile::tempdir().unwrap();
        let (k1, k2) = ([1u8; 32], [2u8; 32]);
        let f = open(d.path(), Some(k1));
        let sid = start(&f).unwrap();
        drop(f);

        for (key, reason) in [(Some(k2), LockReason::WrongKey), (None, LockReason::NoKey)] {
            let f = open(d.path(), key);
            search_works(&f);
            let lock = f.screening_lock().unwrap().expect("locked");
            assert_eq!(lock.reason, reason);
            assert_eq!(lock.sealed_sessions, 1);
            let e = f.screenings().unwrap_err();
            assert_eq!(e.kind(), ErrorKind::ScreeningsLocked, "{e}");
            assert_eq!(start(&f).unwrap_err().kind(), ErrorKind::ScreeningsLocked);
            assert!(f.status(Utc::now()).unwrap().screenings_locked.is_some());
        }
        // The old key still opens it: nothing was changed by the locked opens.
        let f = open(d.path(), Some(k1));
        assert_eq!(f.screenings().unwrap()[0].session_id, sid);
        drop(f);

        // The way forward: a new key; the old session set aside, unreadable.
        let f = open(d.path(), Some(k2));
        assert_eq!(f.reset_screening_key(k2, Utc::now()).unwrap(), 1);
        assert!(f.screening_lock().unwrap().is_none());
        assert!(f.screenings().unwrap().is_empty());
        let aside = f.unreadable_screenings().unwrap();
        assert_eq!(aside.len(), 1);
        assert_eq!(aside[0].session_id, sid);
        start(&f).unwrap();
        assert_eq!(f.status(Utc::now()).unwrap().unreadable_screenings, 1);
        // Purged after the retention period, with or without a key.
        let later = Utc::now() + chrono::Duration::days(31);
        f.purge_screenings(later).unwrap();
        assert!(f.unreadable_screenings().unwrap().is_empty());
        drop(f);
        assert!(open(d.path(), Some(k1)).screening_lock().unwrap().is_some());
    }

    #[test]
    fn a_new_key_is_adopted_silently_only_when_nothing_is_sealed() {
        let d = tempfile::tempdir().unwrap();
        drop(open(d.path(), Some([1u8; 32])));
        let f = open(d.path(), Some([2u8; 32]));
        assert!(
            f.screening_lock().unwrap().is_none(),
            "no session: the new key is used"
        );
        start(&f).unwrap();
    }
}
