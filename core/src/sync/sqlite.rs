//! [`SyncStore`] for the device's SQLite store (`crate::store::Store`):
//! content through `Store::apply` (one transaction, digest verified before
//! commit, search index rebuilt), the outbox and sync meta in `device.db`.

use super::{FeedPosition, OutboxEvent, SyncError, SyncStore};
use crate::feed::{FeedError, Record, RecordKind, Snapshot};
use crate::store::{device, Bundle, ContentPosition, Store};

fn store_err(e: crate::error::Error) -> SyncError {
    SyncError::Store(e.to_string())
}

impl SyncStore for Store {
    fn position(&self) -> Result<FeedPosition, SyncError> {
        let p = Store::position(self).map_err(store_err)?;
        Ok(FeedPosition {
            feed_id: p.feed_id,
            version: p.version,
            digest: p.digest,
            created: p.created,
            stale_after_days: p.stale_after_days,
        })
    }

    fn apply(
        &self,
        to: &FeedPosition,
        upserts: Vec<Record>,
        deletes: Vec<(RecordKind, String)>,
        replace_all: bool,
    ) -> Result<(), SyncError> {
        let pos = ContentPosition {
            feed_id: to.feed_id.clone(),
            version: to.version,
            digest: to.digest.clone(),
            created: to.created.clone(),
            stale_after_days: to.stale_after_days,
        };
        Store::apply(self, &pos, upserts, deletes, replace_all).map_err(|e| match e {
            crate::error::Error::DigestMismatch { expected, got, .. } => {
                SyncError::DigestMismatch { expected, got }
            }
            e => store_err(e),
        })
    }

    fn outbox_batch(&self, max: usize) -> Result<Vec<OutboxEvent>, SyncError> {
        let events = self
            .with_dev(|c| {
                let events = device::outbox_batch(c, max)?;
                let ids: Vec<String> = events.iter().map(|e| e.event_id.clone()).collect();
                device::outbox_attempted(c, &ids)?;
                Ok(events)
            })
            .map_err(store_err)?;
        Ok(events
            .into_iter()
            .map(|e| OutboxEvent {
                event_id: e.event_id,
                kind: e.kind,
                payload: e.payload,
            })
            .collect())
    }

    fn outbox_ack(&self, ids: &[String]) -> Result<(), SyncError> {
        self.with_dev(|c| device::outbox_ack(c, ids))
            .map_err(store_err)
    }

    fn outbox_quarantine(&self, id: &str, reason: &str) -> Result<(), SyncError> {
        self.with_dev(|c| device::outbox_quarantine(c, id, reason))
            .map_err(store_err)
    }

    fn distribution(&self) -> Result<Option<crate::distribution::Distribution>, SyncError> {
        let recs = self.records(RecordKind::Distribution).map_err(store_err)?;
        Ok(crate::distribution::Distribution::from_records(&recs)?)
    }

    fn outbox_pending(&self) -> Result<u64, SyncError> {
        Ok(self
            .with_dev(|c| device::outbox_counts(c))
            .map_err(store_err)?
            .0)
    }

    fn get_meta(&self, key: &str) -> Result<Option<String>, SyncError> {
        self.with_dev(|c| device::get_sync_meta(c, key))
            .map_err(store_err)
    }

    fn set_meta(&self, key: &str, value: Option<&str>) -> Result<(), SyncError> {
        self.with_dev(|c| device::set_sync_meta(c, key, value))
            .map_err(store_err)
    }
}

/// The bundled content as a feed snapshot (e.g. the base a hub continues
/// from, so that a device holding the bundle gets a delta on its first sync).
pub fn bundle_snapshot(b: &Bundle) -> Result<Snapshot, FeedError> {
    Ok(Snapshot {
        feed_id: b.position.feed_id.clone(),
        version: b.position.version,
        records: b.records.clone(),
    })
}
