//! An in-memory [`SyncStore`], for tests, the demo and benchmarks. It applies
//! like the real store: all or nothing, the digest verified before commit.

use super::{FeedPosition, OutboxEvent, SyncError, SyncStore};
use crate::feed::{self, Record, RecordKind};
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

#[derive(Default)]
struct Inner {
    pos: FeedPosition,
    records: BTreeMap<(RecordKind, String), Record>,
    outbox: Vec<OutboxEvent>,
    quarantined: Vec<(OutboxEvent, String)>,
    meta: HashMap<String, String>,
    applies: u32,
}

/// An in-memory device store.
#[derive(Default)]
pub struct MemStore {
    inner: Mutex<Inner>,
}

impl MemStore {
    /// An empty store (no feed yet: the first sync takes a snapshot from any feed).
    pub fn new() -> MemStore {
        MemStore::default()
    }

    /// A store holding a feed version (e.g. the bundled content).
    pub fn with_content(feed_id: &str, version: u64, records: Vec<Record>) -> MemStore {
        let digest = feed::records_digest(&records);
        let s = MemStore::new();
        {
            let mut g = s.inner.lock().unwrap();
            g.pos = FeedPosition {
                feed_id: feed_id.into(),
                version,
                digest,
                ..Default::default()
            };
            g.records = records
                .into_iter()
                .map(|r| ((r.kind, r.id.clone()), r))
                .collect();
        }
        s
    }

    pub fn records(&self) -> Vec<Record> {
        self.inner
            .lock()
            .unwrap()
            .records
            .values()
            .cloned()
            .collect()
    }

    pub fn record(&self, kind: RecordKind, id: &str) -> Option<Record> {
        self.inner
            .lock()
            .unwrap()
            .records
            .get(&(kind, id.to_string()))
            .cloned()
    }

    /// Adds an event to the outbox.
    pub fn enqueue(&self, event: OutboxEvent) {
        self.inner.lock().unwrap().outbox.push(event);
    }

    pub fn outbox_len(&self) -> usize {
        self.inner.lock().unwrap().outbox.len()
    }

    pub fn quarantined(&self) -> Vec<(OutboxEvent, String)> {
        self.inner.lock().unwrap().quarantined.clone()
    }

    /// How many applies committed.
    pub fn applies(&self) -> u32 {
        self.inner.lock().unwrap().applies
    }
}

impl SyncStore for MemStore {
    fn position(&self) -> Result<FeedPosition, SyncError> {
        Ok(self.inner.lock().unwrap().pos.clone())
    }

    fn apply(
        &self,
        to: &FeedPosition,
        upserts: Vec<Record>,
        deletes: Vec<(RecordKind, String)>,
        replace_all: bool,
    ) -> Result<(), SyncError> {
        let mut g = self.inner.lock().unwrap();
        let mut next = if replace_all {
            BTreeMap::new()
        } else {
            g.records.clone()
        };
        for key in deletes {
            next.remove(&key);
        }
        for r in upserts {
            next.insert((r.kind, r.id.clone()), r);
        }
        let hashes: Vec<(RecordKind, &str, [u8; 32])> = next
            .values()
            .map(|r| (r.kind, r.id.as_str(), r.hash()))
            .collect();
        let got = feed::digest::content_digest_like(&to.digest, hashes.into_iter());
        if got != to.digest {
            return Err(SyncError::DigestMismatch {
                expected: to.digest.clone(),
                got,
            });
        }
        g.records = next;
        g.pos = to.clone();
        g.applies += 1;
        Ok(())
    }

    fn outbox_batch(&self, max: usize) -> Result<Vec<OutboxEvent>, SyncError> {
        Ok(self
            .inner
            .lock()
            .unwrap()
            .outbox
            .iter()
            .take(max)
            .cloned()
            .collect())
    }

    fn outbox_ack(&self, ids: &[String]) -> Result<(), SyncError> {
        self.inner
            .lock()
            .unwrap()
            .outbox
            .retain(|e| !ids.contains(&e.event_id));
        Ok(())
    }

    fn outbox_quarantine(&self, id: &str, reason: &str) -> Result<(), SyncError> {
        let mut g = self.inner.lock().unwrap();
        if let Some(i) = g.outbox.iter().position(|e| e.event_id == id) {
            let ev = g.outbox.remove(i);
            g.quarantined.push((ev, reason.to_string()));
        }
        Ok(())
    }

    fn distribution(&self) -> Result<Option<crate::distribution::Distribution>, SyncError> {
        match MemStore::record(
            self,
            RecordKind::Distribution,
            crate::distribution::RECORD_ID,
        ) {
            Some(r) => Ok(Some(r.decode()?)),
            None => Ok(None),
        }
    }

    fn outbox_pending(&self) -> Result<u64, SyncError> {
        Ok(self.inner.lock().unwrap().outbox.len() as u64)
    }

    fn get_meta(&self, key: &str) -> Result<Option<String>, SyncError> {
        Ok(self.inner.lock().unwrap().meta.get(key).cloned())
    }

    fn set_meta(&self, key: &str, value: Option<&str>) -> Result<(), SyncError> {
        let mut g = self.inner.lock().unwrap();
        match value {
            Some(v) => g.meta.insert(key.to_string(), v.to_string()),
            None => g.meta.remove(key),
        };
        Ok(())
    }
}
