//! Incremental update of the search index: the index of a content change
//! that touches some services is the old index with those services' entries
//! and postings replaced, in the same order a full rebuild gives (entries in
//! service-id order), so it answers every query as a rebuild would. The
//! store decides when this applies (`store::reindex`); a snapshot, a changed
//! municipality or organization, or recovery rebuild from every record.

use super::index::{term_fields, FacetIndex};
use crate::error::Result;
use crate::model::Service;
use crate::vocab::AgencyKind;
use std::collections::{BTreeMap, HashMap};

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

    let mut ix = FacetIndex {
        municipalities: old.municipalities.clone(),
        counties: old.counties.clone(),
        languages: old.languages.clone(),
        schedule_specs: old.schedule_specs.clone(),
        schedules: old.schedules.clone(),
        area_munis: old.area_munis.clone(),
        ..Default::default()
    };
    let mut sched_ix: HashMap<String, u16> = ix
        .schedule_specs
        .iter()
        .enumerate()
        .map(|(i, s)| (s.clone(), i as u16))
        .collect();
    let munis = old.municipalities.clone();
    let muni_pos: HashMap<&str, u16> = munis
        .iter()
        .enumerate()
        .map(|(i, m)| (m.code.as_str(), i as u16))
        .collect();
    let mut slots: Vec<Option<super::index::Entry>> = vec![None; new_len];
    for (op, &np) in remap.iter().enumerate() {
        if np != u32::MAX {
            slots[np as usize] = Some(old.entries[op].clone());
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
        .collect::<Option<Vec<_>>>()
        .ok_or_else(|| crate::error::Error::Storage("the index update left a gap".into()))?;

    // Postings: the kept ones renumbered, the added services' merged in.
    let mut fresh: BTreeMap<&str, Vec<(u32, u8)>> = BTreeMap::new();
    for c in &added {
        for (t, m) in term_fields(&c.text) {
            fresh.entry(t).or_default().push((c.position, m));
        }
    }
    let mut fresh = fresh.into_iter().peekable();
    // Written straight into the new arrays: the kept postings of a term stay
    // sorted (the renumbering keeps order), the few added ones are put in
    // place within the term's own run.
    ix.post_pos.reserve(old.post_pos.len() + added.len() * 64);
    ix.post_fields
        .reserve(old.post_fields.len() + added.len() * 64);
    ix.terms.reserve(old.terms.len() + 16);
    ix.post_start.reserve(old.terms.len() + 17);
    ix.post_start.push(0);
    fn put_fresh(ix: &mut FacetIndex, start: usize, posts: Vec<(u32, u8)>) {
        for (p, m) in posts {
            let i = start + ix.post_pos[start..].partition_point(|&x| x < p);
            ix.post_pos.insert(i, p);
            ix.post_fields.insert(i, m);
        }
    }
    fn close_term(ix: &mut FacetIndex, start: usize, term: &str) {
        if ix.post_pos.len() > start {
            ix.terms.push(term.to_string());
            ix.post_start.push(ix.post_pos.len() as u32);
        }
    }
    for (ti, term) in old.terms.iter().enumerate() {
        while let Some((t, _)) = fresh.peek() {
            if *t < term.as_str() {
                let (t, posts) = fresh.next().expect("peeked");
                let start = ix.post_pos.len();
                put_fresh(&mut ix, start, posts);
                close_term(&mut ix, start, t);
            } else {
                break;
            }
        }
        let (a, b) = (old.post_start[ti] as usize, old.post_start[ti + 1] as usize);
        let start = ix.post_pos.len();
        for (&p, &m) in old.post_pos[a..b].iter().zip(&old.post_fields[a..b]) {
            let np = remap[p as usize];
            if np != u32::MAX {
                ix.post_pos.push(np);
                ix.post_fields.push(m);
            }
        }
        if fresh.peek().is_some_and(|(t, _)| *t == term.as_str()) {
            put_fresh(&mut ix, start, fresh.next().expect("peeked").1);
        }
        close_term(&mut ix, start, term);
    }
    for (t, posts) in fresh {
        let start = ix.post_pos.len();
        put_fresh(&mut ix, start, posts);
        close_term(&mut ix, start, t);
    }
    ix.finish();
    Ok(ix)
}
