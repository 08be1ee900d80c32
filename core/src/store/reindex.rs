//! The search index after a content change, inside the apply transaction:
//! updated for the services the change touches when it can be
//! ([`crate::search::update`]), rebuilt from every record otherwise (a
//! snapshot, a changed municipality or organization — their names and kinds
//! are in many services' entries —, an index that is not the store's).

use crate::error::Result;
use crate::feed::{Record, RecordKind};
use crate::model::{Organization, Service};
use crate::search::{fts_columns, index::FacetIndex, update};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};

/// One incremental change of the index, as stored in `index_delta` (see
/// `store::directory`): the positions taken out of the index before it and
/// the services put in, with their rowids and positions after it. Replayed
/// on the stored index at open ([`replay`]) until the next full write.
#[derive(Debug, Serialize, Deserialize)]
pub struct Delta {
    pub removed: Vec<u32>,
    pub added: Vec<(u32, u32, Service)>,
    /// Each added service's organization as the change found it (its name
    /// and kind are in the service's entry), so that a replay reads none
    /// from the store. Empty in a delta written before it was kept: then
    /// they are read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub orgs: Vec<Option<Organization>>,
}

/// `ix` with the deltas `ds` replayed in order. The organizations and
/// municipalities are the store's: a change of either rewrites the index
/// whole (see [`can_update`]), so they are the same as when each delta was
/// recorded. Edits in place (the common change: services that stay, each
/// at its position) are replayed together in one pass, the last edit of a
/// service winning; a delta that moves entries is replayed on its own.
pub fn replay(c: &Connection, mut ix: FacetIndex, ds: Vec<Delta>) -> Result<FacetIndex> {
    let mut edits: std::collections::BTreeMap<u32, update::Changed> = Default::default();
    for d in ds {
        let removed = d.removed;
        let mut changed = changes(c, &ix, d.added, d.orgs)?;
        changed.sort_by_key(|ch| ch.position);
        if update::in_place(&ix, &removed, &changed) {
            edits.extend(changed.into_iter().map(|ch| (ch.position, ch)));
            continue;
        }
        ix = apply_edits(ix, std::mem::take(&mut edits))?;
        ix = update::update_owned(ix, &removed, changed)?;
    }
    apply_edits(ix, edits)
}

/// `ix` with the gathered edits in place (each service at its position).
fn apply_edits(
    ix: FacetIndex,
    edits: std::collections::BTreeMap<u32, update::Changed>,
) -> Result<FacetIndex> {
    if edits.is_empty() {
        return Ok(ix);
    }
    let positions: Vec<u32> = edits.keys().copied().collect();
    update::update_owned(ix, &positions, edits.into_values().collect())
}

/// A delta's added services as the index takes them.
fn changes(
    c: &Connection,
    ix: &FacetIndex,
    added: Vec<(u32, u32, Service)>,
    orgs: Vec<Option<Organization>>,
) -> Result<Vec<update::Changed>> {
    let kept = orgs.len() == added.len();
    let mut orgs = orgs.into_iter();
    let mut changed = Vec::with_capacity(added.len());
    for (rowid, position, service) in added {
        let org = match orgs.next().filter(|_| kept) {
            Some(o) => o,
            None => crate::search::organization(c, &service.organization)?,
        };
        changed.push(update::Changed {
            rowid,
            position,
            text: fts_columns(&service, org.as_ref(), &ix.municipalities),
            kind: org.map(|o| o.agency_kind),
            service,
        });
    }
    Ok(changed)
}

/// Whether a change can update the index in place.
pub fn can_update(upserts: &[Record], deletes: &[(RecordKind, String)], replace_all: bool) -> bool {
    let touches_many =
        |k: RecordKind| matches!(k, RecordKind::Municipality | RecordKind::Organization);
    !replace_all
        && !upserts.iter().any(|r| touches_many(r.kind))
        && !deletes.iter().any(|(k, _)| touches_many(*k))
}

/// The ids of the services a change touches, sorted, once each.
pub fn touched_services(upserts: &[Record], deletes: &[(RecordKind, String)]) -> Vec<String> {
    let mut ids: Vec<String> = upserts
        .iter()
        .filter(|r| r.kind == RecordKind::Service)
        .map(|r| r.id.clone())
        .chain(
            deletes
                .iter()
                .filter(|(k, _)| *k == RecordKind::Service)
                .map(|(_, id)| id.clone()),
        )
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// `old` (the index of the content before the change) updated for the
/// services `ids` after their records were written in `tx`; the `svc`
/// rowids updated too, and the change as a [`Delta`] to store. None when
/// `old` does not match the store (then the caller rebuilds). `written`:
/// the services' bodies as the change wrote them (an id not in it was
/// deleted), so they are not read back; None reads them from the store.
pub fn update_index(
    tx: &Transaction,
    old: &FacetIndex,
    ids: &[String],
    written: Option<&std::collections::HashMap<&str, &str>>,
) -> Result<Option<(FacetIndex, Delta)>> {
    let mut old_rowid = tx.prepare_cached("SELECT rowid FROM svc WHERE id = ?1")?;
    let mut before = tx.prepare_cached("SELECT count(*) FROM svc WHERE id < ?1")?;
    let svc_count: i64 = tx.query_row("SELECT count(*) FROM svc", [], |r| r.get(0))?;
    if svc_count as usize != old.entries.len() {
        return Ok(None);
    }
    let mut next: u32 = tx
        .query_row("SELECT max(rowid) FROM svc", [], |r| {
            r.get::<_, Option<i64>>(0)
        })?
        .unwrap_or(0) as u32
        + 1;

    struct Now {
        id: String,
        rowid: u32,
        old_pos: Option<u32>,
        is_new: bool,
        service: Service,
    }
    let mut removed = Vec::new();
    let mut deleted_ids = Vec::new();
    let mut present: Vec<Now> = Vec::new();
    for id in ids {
        let rowid: Option<i64> = old_rowid.query_row([id], |r| r.get(0)).optional()?;
        let pos = match rowid {
            Some(r) => match old.position_of(r as u32) {
                Some(p) => Some(p),
                None => return Ok(None),
            },
            None => None,
        };
        if let Some(p) = pos {
            removed.push(p);
        }
        let b = match written {
            Some(w) => w.get(id.as_str()).map(|b| b.to_string()),
            None => super::blocks::get(tx, "service", id)?,
        };
        match b {
            Some(b) => {
                let service: Service = serde_json::from_str(&b).map_err(|e| {
                    crate::error::Error::Content(format!("service '{id}' is malformed: {e}"))
                })?;
                let new_rowid = match rowid {
                    Some(r) => r as u32,
                    None => {
                        next += 1;
                        next - 1
                    }
                };
                present.push(Now {
                    id: id.clone(),
                    is_new: pos.is_none(),
                    rowid: new_rowid,
                    old_pos: pos,
                    service,
                });
            }
            None => {
                if rowid.is_some() {
                    deleted_ids.push(id.clone());
                }
            }
        }
    }
    // The rank of a service after the change: the old services before it,
    // less those deleted before it, plus those added before it.
    let added_ids: Vec<&str> = present
        .iter()
        .filter(|n| n.is_new)
        .map(|n| n.id.as_str())
        .collect();
    // An edit of services that stay moves nothing: each keeps its position.
    let moves = !added_ids.is_empty() || !deleted_ids.is_empty();
    let mut changed = Vec::with_capacity(present.len());
    let mut orgs = Vec::with_capacity(present.len());
    for n in &present {
        let position = match n.old_pos.filter(|_| !moves) {
            Some(p) => p as usize,
            None => {
                let old_rank: i64 = before.query_row([&n.id], |r| r.get(0))?;
                let deleted_before = deleted_ids
                    .iter()
                    .filter(|d| d.as_str() < n.id.as_str())
                    .count();
                let added_before = added_ids.iter().filter(|a| **a < n.id.as_str()).count();
                old_rank as usize - deleted_before + added_before
            }
        };
        let org = crate::search::organization(tx, &n.service.organization)?;
        changed.push(update::Changed {
            rowid: n.rowid,
            position: position as u32,
            text: fts_columns(&n.service, org.as_ref(), &old.municipalities),
            kind: org.as_ref().map(|o| o.agency_kind),
            service: n.service.clone(),
        });
        orgs.push(org);
    }
    {
        let mut del = tx.prepare_cached("DELETE FROM svc WHERE id = ?1")?;
        for id in &deleted_ids {
            del.execute([id])?;
        }
        let mut ins = tx.prepare_cached("INSERT OR IGNORE INTO svc(rowid, id) VALUES (?1, ?2)")?;
        for n in &present {
            ins.execute(params![n.rowid, n.id])?;
        }
    }
    let delta = Delta {
        removed: removed.clone(),
        added: changed
            .iter()
            .map(|c| (c.rowid, c.position, c.service.clone()))
            .collect(),
        orgs,
    };
    Ok(Some((update::update(old, &removed, changed)?, delta)))
}
