//! The shown services parsed before their hits are built, on two cores
//! (`par::shared_map`: this thread and a helper, never waiting for a helper
//! the system has not run yet): each hit inflates a block of records for its service and one for
//! its organization (tens of µs each), which is most of a first query's
//! time. What it parses goes into the index's cache (`FacetIndex::parsed`),
//! where building the hits finds it. It is only a head start: a service it
//! cannot read (a damaged block, a missing record) is left for the hit's own
//! load, which names the problem as it always has.

use super::index::{FacetIndex, ParsedService};
use crate::error::Result;
use crate::model::{Organization, Service};
use crate::store::blocks;
use rusqlite::{Connection, OptionalExtension};

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
    // searched and parsed on the cores.
    let mut st = conn.prepare_cached("SELECT id FROM svc WHERE rowid = ?1")?;
    let mut todo = Vec::with_capacity(missing.len());
    for rowid in missing {
        let id: Option<String> = st.query_row([rowid], |r| r.get(0)).optional()?;
        if let Some(id) = id {
            if let Some(block) = blocks::block_for(conn, "service", &id)? {
                todo.push((rowid, id, block));
            }
        }
    }
    let services: Vec<Option<(u32, Service)>> =
        crate::par::shared_map(todo, |(rowid, id, block)| {
            let json = blocks::find(block, id).ok()??;
            Some((*rowid, serde_json::from_str(&json).ok()?))
        });
    let services: Vec<(u32, Service)> = services.into_iter().flatten().collect();
    let mut orgs = Vec::with_capacity(services.len());
    for (_, s) in &services {
        let block = blocks::block_for(conn, "organization", &s.organization)?;
        orgs.push((s.organization.clone(), block));
    }
    // An organization is None only when the store has no such record (as
    // `hits::organization` reads it); one that does not read is left to
    // the hit's own load.
    let orgs: Vec<Option<Option<Organization>>> = crate::par::shared_map(orgs, |(id, block)| {
        Some(match block {
            Some(b) => match blocks::find(b, id).ok()? {
                Some(json) => Some(serde_json::from_str(&json).ok()?),
                None => None,
            },
            None => None,
        })
    });
    let mut cache = ix.parsed.lock().unwrap_or_else(|p| p.into_inner());
    for ((rowid, s), org) in services.into_iter().zip(orgs) {
        if let Some(org) = org {
            cache
                .entry(rowid)
                .or_insert_with(|| std::sync::Arc::new(ParsedService::new(s, org)));
        }
    }
    Ok(())
}
