//! Incremental update of the search index: the index of a content change
//! that touches some services is the old index with those services' entries
//! and postings replaced, in the same order a full rebuild gives (entries in
//! service-id order), so it answers every query as a rebuild would. The
//! store decides when this applies (`store::reindex`); a snapshot, a changed
//! municipality or organization, or recovery rebuild from every record.

use super::index::{muni_positions, term_fields, FacetIndex};
use super::postings::{self, TextIndex};
use crate::error::Result;
use crate::model::Service;
use crate::vocab::AgencyKind;
use std::collections::BTreeMap;
use std::sync::Arc;

/// A service as it is after the change.
pub struct Changed {
    pub rowid: u32,
    /// Its position among the new entries (its rank in service-id order).
    pub position: u32,
    pub service: Service,
    /// Its folded text fields (`search::fts_columns`).
    pub text: [String; 5],
    pub kind: Option<AgencyKind>,
}

/// The index `old` with the entries at `removed` (positions of services
/// deleted or changed) taken out and `added` (sorted by position) put in.
pub fn update(old: &FacetIndex, removed: &[u32], mut added: Vec<Changed>) -> Result<FacetIndex> {
    added.sort_by_key(|c| c.position);
    if in_place(old, removed, &added) {
        return modify(old, added);
    }
    // The postings and entries are copied from the old index: never from
    // a damaged chunk into a new one.
    if !old.text.verify_all() || !old.entries.verify_all() {
        return Err(super::index::chunk_damage());
    }
    let old_len = old.entries.len();
    let mut gone = vec![false; old_len];
    for &p in removed {
        if let Some(g) = gone.get_mut(p as usize) {
            *g = true;
        }
    }
    // Old position → new position (u32::MAX: gone); kept entries keep their
    // order and fill the places the added ones leave.
    let mut remap = vec![u32::MAX; old_len];
    let (mut ai, mut np) = (0usize, 0u32);
    for (op, g) in gone.iter().enumerate() {
        if *g {
            continue;
        }
        while ai < added.len() && added[ai].position == np {
            np += 1;
            ai += 1;
        }
        remap[op] = np;
        np += 1;
    }
    let new_len = np as usize + (added.len() - ai);

    let mut ix = old.tables_only();
    let mut sched_ix = ix.schedule_ix();
    let muni_pos = muni_positions(&old.municipalities);
    let mut slots: Vec<Option<super::index::Entry>> = vec![None; new_len];
    for (op, &np) in remap.iter().enumerate() {
        if np != u32::MAX {
            slots[np as usize] = Some(old.entries.get(op));
        }
    }
    for c in &added {
        let e = ix.make_entry(c.rowid, &c.service, c.kind, &mut sched_ix, &muni_pos)?;
        let slot = slots.get_mut(c.position as usize).ok_or_else(|| {
            crate::error::Error::Storage(format!("service {} has no place in the index", c.rowid))
        })?;
        *slot = Some(e);
    }
    ix.entries = slots
        .into_iter()
        .collect::<Option<super::entry::Entries>>()
        .ok_or_else(|| crate::error::Error::Storage("the index update left a gap".into()))?;

    // Postings: the kept ones renumbered (their order stays), the added
    // services' merged in, from the old index with its edits folded in.
    let merged;
    let old_text: &TextIndex = if old.overlay.is_empty() {
        &old.text
    } else {
        merged = postings::merged(&old.text, &old.overlay);
        &merged
    };
    let mut fresh: BTreeMap<&str, Vec<(u32, u8)>> = BTreeMap::new();
    for c in &added {
        for (t, m) in term_fields(&c.text) {
            fresh.entry(t).or_default().push((c.position, m));
        }
    }
    let text = postings::merge(
        old_text,
        |p| Some(remap[p as usize]).filter(|np| *np != u32::MAX),
        fresh.iter().map(|(t, posts)| (*t, posts.as_slice())),
        added.len() * 64,
    );
    ix.text = Arc::new(text);
    ix.finish();
    Ok(ix)
}

/// Whether a change only edits services that stay (each keeps its id, rowid
/// and position): then it is made without moving any entry.
pub fn in_place(old: &FacetIndex, removed: &[u32], added: &[Changed]) -> bool {
    let mut r = removed.to_vec();
    r.sort_unstable();
    r.dedup();
    r.len() == removed.len()
        && r.len() == added.len()
        && r.iter().zip(added).all(|(&p, c)| {
            c.position == p
                && (p as usize) < old.entries.len()
                && old.entries.get(p as usize).rowid == c.rowid
        })
}

/// The index `old` with services edited in place: their entries replaced,
/// their terms moved to the overlay. The text index is shared with `old`,
/// not copied (see [`super::postings`]).
fn modify(old: &FacetIndex, changed: Vec<Changed>) -> Result<FacetIndex> {
    edit(
        FacetIndex {
            entries: old.entries.clone(),
            by_rowid: old.by_rowid.clone(),
            text: old.text.clone(),
            overlay: old.overlay.clone(),
            ..old.tables_only()
        },
        changed,
    )
}

/// As [`update`], for an index nobody else holds (the stored one while the
/// deltas recorded since it was written are replayed at open): an edit in
/// place takes its entries, tables and edits over instead of copying them.
pub fn update_owned(
    mut old: FacetIndex,
    removed: &[u32],
    mut added: Vec<Changed>,
) -> Result<FacetIndex> {
    added.sort_by_key(|c| c.position);
    if !in_place(&old, removed, &added) {
        return update(&old, removed, added);
    }
    // The same fields `modify` keeps; the rest (display cache, routing)
    // starts empty as it does there.
    let ix = FacetIndex {
        entries: std::mem::take(&mut old.entries),
        by_rowid: std::mem::take(&mut old.by_rowid),
        text: old.text.clone(),
        overlay: std::mem::take(&mut old.overlay),
        municipalities: std::mem::take(&mut old.municipalities),
        counties: std::mem::take(&mut old.counties),
        languages: std::mem::take(&mut old.languages),
        schedule_specs: std::mem::take(&mut old.schedule_specs),
        schedules: std::mem::take(&mut old.schedules),
        area_munis: std::mem::take(&mut old.area_munis),
        ..Default::default()
    };
    edit(ix, added)
}

/// `ix` with the services in `changed` (each at its own position) edited.
fn edit(mut ix: FacetIndex, changed: Vec<Changed>) -> Result<FacetIndex> {
    let mut sched_ix = ix.schedule_ix();
    // A copy (a few hundred names): `make_entry` borrows `ix` mutably.
    let munis = ix.municipalities.clone();
    let muni_pos = muni_positions(&munis);
    for c in &changed {
        let e = ix.make_entry(c.rowid, &c.service, c.kind, &mut sched_ix, &muni_pos)?;
        ix.entries.set(c.position as usize, e);
        ix.overlay.replace(c.position, term_fields(&c.text));
    }
    Ok(ix)
}
