//! The shown services parsed before their hits are built, on two cores
//! (`par::shared_map`: this thread and a helper, never waiting for a helper
//! the system has not run yet): each hit needs a block of records inflated
//! for its service and one for its organization, which is most of a first
//! query's time. Each block is copied out and inflated once, however many
//! of the shown services (or their organizations) it holds. What it parses
//! goes into the index's cache (`FacetIndex::parsed`), where building the
//! hits finds it. It is only a head start: a service it cannot read (a
//! damaged block, a missing record) is left for the hit's own load, which
//! names the problem as it always has.

use super::index::{FacetIndex, ParsedService};
use crate::error::Result;
use crate::model::{Organization, Service};
use crate::store::blocks;
use rusqlite::types::ValueRef;
use rusqlite::Connection;
use serde::de::DeserializeOwned;
use std::collections::{BTreeMap, HashMap};

/// Parses the services at these rowids not yet in the cache.
pub(super) fn services(conn: &Connection, ix: &FacetIndex, rowids: &[u32]) -> Result<()> {
    let missing: Vec<u32> = {
        let cached = ix.parsed.lock().unwrap_or_else(|p| p.into_inner());
        rowids
            .iter()
            .filter(|r| !cached.contains_key(r))
            .copied()
            .collect()
    };
    // One core, or one service: nothing to share.
    if crate::par::cores() < 2 || missing.len() < 2 {
        return Ok(());
    }
    // The blocks are read here (the connection stays on this thread) and
    // inflated and parsed on the cores.
    let mut st = conn.prepare_cached(
        "SELECT s.id, b.id, b.body FROM svc s JOIN blocks b ON b.id = (
             SELECT id FROM blocks WHERE kind = 'service' AND first <= s.id
             ORDER BY first DESC LIMIT 1)
         WHERE s.rowid = ?1",
    )?;
    let mut groups = Groups::default();
    let mut rowid_of = HashMap::with_capacity(missing.len());
    for rowid in missing {
        let mut rows = st.query([rowid])?;
        if let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            // Anything but a BLOB is damage: the hit's own load names it.
            if let ValueRef::Blob(b) = r.get_ref(2)? {
                groups.add(r.get(1)?, b, id.clone());
            }
            rowid_of.insert(id, rowid);
        }
    }
    let services: Vec<(String, Option<Service>)> =
        crate::par::shared_map(groups.done(), parse::<Service>)
            .into_iter()
            .flatten()
            .collect();
    // Each organization once, from its block.
    let mut groups = Groups::default();
    let mut seen = std::collections::HashSet::new();
    let mut absent = std::collections::HashSet::new();
    for (_, s) in &services {
        let Some(s) = s else { continue };
        if !seen.insert(s.organization.clone()) {
            continue;
        }
        let org = s.organization.clone();
        match blocks::with_block(conn, "organization", &s.organization, |b, bytes| {
            groups.add(b, bytes, org)
        }) {
            Ok(Some(())) => {}
            Ok(None) => {
                absent.insert(s.organization.clone());
            }
            // Damage: the hit's own load names it.
            Err(e) if crate::store::is_corruption(&e) => {}
            Err(e) => return Err(e),
        }
    }
    // An organization is None only when the store has no such record (as
    // `hits::organization` reads it): one before the kind's first block, or
    // one its block does not hold. One that does not read is left to the
    // hit's own load.
    let orgs: HashMap<String, Option<Organization>> =
        crate::par::shared_map(groups.done(), parse::<Organization>)
            .into_iter()
            .flatten()
            .collect();
    let mut cache = ix.parsed.lock().unwrap_or_else(|p| p.into_inner());
    for (id, s) in services {
        let (Some(s), Some(&rowid)) = (s, rowid_of.get(&id)) else {
            continue;
        };
        let org = match orgs.get(&s.organization) {
            Some(o) => o.clone(),
            None if absent.contains(&s.organization) => None,
            None => continue,
        };
        cache
            .entry(rowid)
            .or_insert_with(|| std::sync::Arc::new(ParsedService::new(s, org)));
    }
    Ok(())
}

/// Blocks to read, each copied once, with the ids wanted from each.
#[derive(Default)]
struct Groups(BTreeMap<i64, (Vec<u8>, Vec<String>)>);

impl Groups {
    fn add(&mut self, block: i64, b: &[u8], id: String) {
        self.0
            .entry(block)
            .or_insert_with(|| (b.to_vec(), Vec::new()))
            .1
            .push(id);
    }

    fn done(self) -> Vec<(Vec<u8>, Vec<String>)> {
        self.0
            .into_values()
            .map(|(b, mut ids)| {
                ids.sort();
                ids.dedup();
                (b, ids)
            })
            .collect()
    }
}

/// The records of one block: each id wanted with its record (None when the
/// block does not hold it); nothing when the block or a record does not
/// read.
fn parse<T: DeserializeOwned>((block, ids): &(Vec<u8>, Vec<String>)) -> Vec<(String, Option<T>)> {
    let want: Vec<&str> = ids.iter().map(String::as_str).collect();
    let Ok(found) = blocks::find_each(block, &want) else {
        return Vec::new();
    };
    let mut out = Vec::with_capacity(ids.len());
    for (id, json) in ids.iter().zip(found) {
        let rec = match json {
            Some(j) => match serde_json::from_str(&j) {
                Ok(r) => Some(r),
                Err(_) => return Vec::new(),
            },
            None => None,
        };
        out.push((id.clone(), rec));
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::feed::{Record, RecordKind};
    use crate::model::Service;

    /// Every service of the bundled content (many to a block, many to an
    /// organization) and one whose organization the store does not hold,
    /// prefetched together, is what each hit reads on its own.
    #[test]
    fn what_is_prefetched_is_what_a_hit_reads_itself() {
        let mut b = crate::bundle::bundled().unwrap();
        b.position.digest = String::new();
        let mut orphan: Service = b
            .records
            .iter()
            .find(|r| r.kind == RecordKind::Service)
            .unwrap()
            .decode()
            .unwrap();
        orphan.id = format!("{}-utan-huvudman", orphan.id);
        orphan.organization = "ingen-sadan-organisation".into();
        b.records
            .push(Record::new(RecordKind::Service, orphan.id.clone(), &orphan));
        let (_d, f) = super::super::fixture::open_with(b.records, b.position);
        f.store()
            .with_dir(|c, ix| {
                let rowids: Vec<u32> = ix.entries.iter().map(|e| e.rowid).collect();
                assert!(rowids.len() > 50, "{}", rowids.len());
                super::services(c, ix, &rowids)?;
                let cached = ix.parsed.lock().unwrap().clone();
                if crate::par::cores() < 2 {
                    assert!(cached.is_empty(), "one core: nothing ahead");
                    return Ok(());
                }
                assert_eq!(cached.len(), rowids.len(), "every service prefetched");
                for rowid in rowids {
                    let own = super::super::hits::service_by_rowid(c, rowid)?;
                    let org = super::super::hits::organization(c, &own.organization)?;
                    let p = &cached[&rowid];
                    assert_eq!(p.service, own);
                    assert_eq!(p.org, org, "{}", own.id);
                }
                assert!(cached
                    .values()
                    .any(|p| p.service.id == orphan.id && p.org.is_none()));
                Ok(())
            })
            .unwrap();
    }
}
