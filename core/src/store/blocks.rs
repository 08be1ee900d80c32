//! Record bodies at rest, in compressed blocks (schema v6).
//!
//! The records of one kind are kept in id order in blocks of at most
//! [`BLOCK_PACKED`] bytes compressed (about 16 KB of JSON), each compressed
//! whole (deflate after
//! the records' structure dictionary, `store::body`). Neighbouring records
//! share most of their words, so a block compresses three to four times
//! better than each record alone did, and a load compresses a few hundred
//! blocks instead of every record.
//!
//! `blocks(id, kind, first, body)`: the blocks of a kind hold disjoint runs
//! of ids, each block known by its smallest id (`first`, indexed with the
//! kind), so a record is found in the block with the greatest `first` not
//! after its id. body = `[2] ++ deflate(entries)`, entries = for each record
//! in id order: varint id length, id, varint body length, body (the
//! record's JSON).
//!
//! `records(b, kind, id, hash)` holds each record's hash for the content
//! digest, keyed by the hash's first byte (its bucket, `store::digest`) so
//! a bucket is read in the digest's order from the table itself. Nothing
//! looks a hash up by (kind, id): a change reads the hash a record had from
//! the body it replaces.
//!
//! An apply rewrites only the blocks its records are in; a block that grows
//! past [`BLOCK_PACKED`] is split. A damaged block is named damaged (the
//! store repairs: `Store::with_dir`); it costs the records in it, which the
//! bundle or the next sync brings back like any damage.

use super::body::{deflate_after_dict, with_inflated, with_inflated_until};
use crate::error::{Error, Result};
use crate::feed::RecordKind;
use rusqlite::types::ValueRef;
use rusqlite::{params, Connection, OptionalExtension};
use std::collections::BTreeMap;

/// The format byte of a block (1 is a single record's body, `store::body`).
const FORMAT_BLOCK: u8 = 2;

/// A block's compressed size at most (unless one record alone is larger):
/// two blocks and their cells fill one 4 KiB page of SQLite, none spills to
/// an overflow page. About 16 KB of JSON; showing one record inflates that
/// (tens of µs).
pub const BLOCK_PACKED: usize = 2000;

/// deflate's level for blocks: the default's ratio; a block is compressed
/// once per load or change.
const LEVEL: u32 = 6;

/// One record to write: kind, id, JSON body and its hash.
pub struct Put<'a> {
    pub kind: RecordKind,
    pub id: &'a str,
    pub body: &'a str,
    pub hash: [u8; 32],
}

fn damaged(why: String) -> Error {
    Error::Damaged(format!("a block of records is damaged ({why})"))
}

fn put_var(w: &mut Vec<u8>, mut v: usize) {
    while v >= 0x80 {
        w.push((v as u8) | 0x80);
        v >>= 7;
    }
    w.push(v as u8);
}

fn get_var(r: &mut &[u8]) -> Option<usize> {
    let mut v = 0usize;
    for shift in (0..64).step_by(7) {
        let (&b, rest) = r.split_first()?;
        *r = rest;
        v |= ((b & 0x7f) as usize) << shift;
        if b < 0x80 {
            return Some(v);
        }
    }
    None
}

/// A length-prefixed run of bytes, believed only as far as the bytes go.
fn get_bytes<'a>(r: &mut &'a [u8]) -> Option<&'a [u8]> {
    let n = get_var(r)?;
    if n > r.len() {
        return None;
    }
    let (s, rest) = r.split_at(n);
    *r = rest;
    Some(s)
}

fn get_str(r: &mut &[u8]) -> Option<String> {
    String::from_utf8(get_bytes(r)?.to_vec()).ok()
}

/// A block's entries (in id order), compressed.
fn encode<S: AsRef<str>>(entries: &[(S, S)]) -> Vec<u8> {
    let raw_len: usize = entries
        .iter()
        .map(|(i, b)| i.as_ref().len() + b.as_ref().len() + 8)
        .sum();
    let mut w = Vec::with_capacity(raw_len);
    for (id, body) in entries {
        let (id, body) = (id.as_ref(), body.as_ref());
        put_var(&mut w, id.len());
        w.extend_from_slice(id.as_bytes());
        put_var(&mut w, body.len());
        w.extend_from_slice(body.as_bytes());
    }
    deflate_after_dict(FORMAT_BLOCK, LEVEL, &w)
}

/// A stored block's entries, by id.
pub fn decode(packed: &[u8]) -> Result<BTreeMap<String, String>> {
    if packed.first() != Some(&FORMAT_BLOCK) {
        return Err(damaged("unknown format".into()));
    }
    with_inflated(&packed[1..], |mut r| {
        let mut out = BTreeMap::new();
        while !r.is_empty() {
            let id = get_str(&mut r).ok_or_else(|| damaged("an id is cut".into()))?;
            let body =
                get_str(&mut r).ok_or_else(|| damaged(format!("the body of {id} is cut")))?;
            out.insert(id, body);
        }
        Ok(out)
    })
    .ok_or_else(|| damaged("does not inflate".into()))?
}

/// A block's body as stored: anything but a BLOB is damage.
fn packed(v: ValueRef<'_>) -> Result<&[u8]> {
    match v {
        ValueRef::Blob(b) => Ok(b),
        _ => Err(damaged("not a BLOB".into())),
    }
}

/// The block that holds `id` if the kind has it: the one with the greatest
/// first id not after it (None before the kind's first block).
fn block_of(c: &Connection, kind: &str, id: &str) -> Result<Option<i64>> {
    Ok(c.prepare_cached(
        "SELECT id FROM blocks WHERE kind = ?1 AND first <= ?2 ORDER BY first DESC LIMIT 1",
    )?
    .query_row(params![kind, id], |r| r.get(0))
    .optional()?)
}

fn read_block(c: &Connection, block: i64) -> Result<BTreeMap<String, String>> {
    let mut st = c.prepare_cached("SELECT body FROM blocks WHERE id = ?1")?;
    let mut rows = st.query([block])?;
    match rows.next()? {
        Some(r) => decode(packed(r.get_ref(0)?)?),
        None => Err(damaged(format!("block {block} is missing"))),
    }
}

/// The JSON of the record stored under (kind, id), if any.
pub fn get(c: &Connection, kind: &str, id: &str) -> Result<Option<String>> {
    Ok(with_block(c, kind, id, |_, b| find(b, id))?
        .transpose()?
        .flatten())
}

/// The block that would hold (kind, ?2) and its body: a bound range, which
/// SQLite would plan again at every use but for the store's connections'
/// fixed plans (`store::open_conn`).
const BLOCK_WITH_BODY: &str =
    "SELECT id, body FROM blocks WHERE kind = ?1 AND first <= ?2 ORDER BY first DESC LIMIT 1";

/// `f` over the stored block that would hold (kind, id) — its rowid and
/// its packed bytes, read where SQLite holds them — if the kind has one
/// (the one with the greatest first id not after `id`).
pub fn with_block<R>(
    c: &Connection,
    kind: &str,
    id: &str,
    f: impl FnOnce(i64, &[u8]) -> R,
) -> Result<Option<R>> {
    let mut st = c.prepare_cached(BLOCK_WITH_BODY)?;
    let mut rows = st.query(params![kind, id])?;
    match rows.next()? {
        Some(r) => Ok(Some(f(r.get(0)?, packed(r.get_ref(1)?)?))),
        None => Ok(None),
    }
}

/// An id longer than this is damage (ids are short names).
const MAX_ID: usize = 4096;

/// The body of `id` in a stored block. Damage of any kind is
/// `Error::Damaged`, never a panic or a huge allocation (a length is
/// believed only as far as the bytes go).
pub fn find(packed: &[u8], id: &str) -> Result<Option<String>> {
    Ok(find_each(packed, &[id])?.pop().flatten())
}

/// The bodies of `ids` (sorted, each once) in a stored block, the block inflated
/// once; damage as [`find`].
pub fn find_each(packed: &[u8], ids: &[&str]) -> Result<Vec<Option<String>>> {
    if packed.first() != Some(&FORMAT_BLOCK) {
        return Err(damaged("unknown format".into()));
    }
    let mut out = vec![None; ids.len()];
    let mut wanted = ids.iter().zip(out.iter_mut()).peekable();
    // Where the next record starts in what is inflated so far.
    let mut at = 0;
    with_inflated_until(&packed[1..], |all, ended| -> Option<Result<()>> {
        while wanted.peek().is_some() {
            let mut r = &all[at..];
            if r.is_empty() {
                // Every record read: the rest of the ids are not here.
                return ended.then_some(Ok(()));
            }
            let (Some(key), Some(body)) = (get_bytes(&mut r), get_bytes(&mut r)) else {
                // A record inflated only in part: more is needed.
                return ended.then(|| Err(damaged("a record is cut".into())));
            };
            if key.len() > MAX_ID {
                return Some(Err(damaged("an id is too long".into())));
            }
            at = all.len() - r.len();
            // The ids looked for that sort before this key are not here.
            while wanted.next_if(|(id, _)| id.as_bytes() < key).is_some() {}
            if let Some((id, slot)) = wanted.next_if(|(id, _)| id.as_bytes() == key) {
                match String::from_utf8(body.to_vec()) {
                    Ok(b) => *slot = Some(b),
                    Err(_) => return Some(Err(damaged(format!("the body of {id} is not UTF-8")))),
                }
            }
        }
        Some(Ok(()))
    })
    .ok_or_else(|| damaged("does not inflate".into()))??;
    Ok(out)
}

/// Every record of `kind`, by id, as (id, JSON).
pub fn scan(c: &Connection, kind: &str) -> Result<Vec<(String, String)>> {
    let mut st = c.prepare_cached("SELECT body FROM blocks WHERE kind = ?1 ORDER BY first")?;
    let mut rows = st.query([kind])?;
    let mut all: Vec<(String, String)> = Vec::new();
    while let Some(r) = rows.next()? {
        let entries = decode(packed(r.get_ref(0)?)?)?;
        if let (Some((last, _)), Some((next, _))) = (all.last(), entries.first_key_value()) {
            if last >= next {
                return Err(damaged(format!("{kind} blocks overlap at {next}")));
            }
        }
        all.extend(entries);
    }
    Ok(all)
}

/// Deletes every record.
pub fn clear(c: &Connection) -> Result<()> {
    c.execute("DELETE FROM records", [])?;
    c.execute("DELETE FROM blocks", [])?;
    Ok(())
}

/// `entries` (in id order) cut into blocks of at most [`BLOCK_PACKED`]
/// bytes each (unless one record alone is larger), as (first id, packed
/// body). Each block takes as many records as the previous one's ratio says
/// fit, fewer when they do not.
fn pack_run<S: AsRef<str>>(entries: &[(S, S)]) -> Vec<(String, Vec<u8>)> {
    let size = |i: usize| entries[i].0.as_ref().len() + entries[i].1.as_ref().len() + 4;
    let mut out = Vec::new();
    let mut start = 0;
    let mut ratio = 6.0; // raw bytes per packed byte; learnt from each block
    while start < entries.len() {
        // Aimed at the limit (a block below it leaves its half page
        // partly empty); one over it is cut and packed again.
        let budget = (BLOCK_PACKED as f64 * ratio * 0.99) as usize;
        let (mut end, mut raw) = (start + 1, size(start));
        while end < entries.len() && raw + size(end) <= budget {
            raw += size(end);
            end += 1;
        }
        let mut body = encode(&entries[start..end]);
        while body.len() > BLOCK_PACKED && end - start > 1 {
            let keep = ((end - start) * BLOCK_PACKED * 9 / 10 / body.len()).max(1);
            end = start + keep.min(end - start - 1);
            body = encode(&entries[start..end]);
        }
        let raw: usize = (start..end).map(size).sum();
        ratio = (raw as f64 / body.len() as f64).max(1.0);
        out.push((entries[start].0.as_ref().to_string(), body));
        start = end;
    }
    out
}

/// Writes packed blocks of `kind`: into `block` (when given) first, then
/// new ones.
fn store_blocks(
    c: &Connection,
    kind: &str,
    mut block: Option<i64>,
    packed: Vec<(String, Vec<u8>)>,
) -> Result<()> {
    for (first, body) in packed {
        match block.take() {
            Some(b) => {
                // The body alone when the block still starts at the same id
                // (the common change): its entry in `blocks_range` is left
                // as it is, one page less to write.
                let same_first = c
                    .prepare_cached("UPDATE blocks SET body = ?3 WHERE id = ?1 AND first = ?2")?
                    .execute(params![b, first, body])?;
                if same_first == 0 {
                    c.prepare_cached("UPDATE blocks SET first = ?2, body = ?3 WHERE id = ?1")?
                        .execute(params![b, first, body])?;
                }
            }
            None => {
                c.prepare_cached("INSERT INTO blocks(kind, first, body) VALUES (?1, ?2, ?3)")?
                    .execute(params![kind, first, body])?;
            }
        }
    }
    Ok(())
}

/// A run of at least this many records is packed on several threads at a
/// load (`crate::par`), each thread taking half as many or more (a piece
/// ends in a block less than full).
const PARALLEL_FROM: usize = 512;

fn map_insert(c: &Connection, kind: &str, id: &str, hash: &[u8; 32]) -> Result<()> {
    c.prepare_cached("INSERT OR REPLACE INTO records(b, kind, id, hash) VALUES (?1, ?2, ?3, ?4)")?
        .execute(params![hash[0] as i64, kind, id, &hash[..]])?;
    Ok(())
}

/// Writes every record of a store that has none (a snapshot, or the
/// conversion of an older store), the last of a repeated (kind, id) winning.
pub fn write_all(c: &Connection, records: &[Put<'_>]) -> Result<()> {
    let mut by_kind: BTreeMap<&str, BTreeMap<&str, (&str, &[u8; 32])>> = BTreeMap::new();
    for p in records {
        by_kind
            .entry(p.kind.id())
            .or_default()
            .insert(p.id, (p.body, &p.hash));
    }
    // The map in its key order (bucket, kind, id): appended, not scattered.
    let mut keys: Vec<(u8, &str, &str, &[u8; 32])> = by_kind
        .iter()
        .flat_map(|(k, recs)| recs.iter().map(move |(id, (_, h))| (h[0], *k, *id, *h)))
        .collect();
    keys.sort_unstable();
    for (_, kind, id, h) in keys {
        map_insert(c, kind, id, h)?;
    }
    for (kind, recs) in by_kind {
        let entries: Vec<(&str, &str)> = recs.iter().map(|(id, (body, _))| (*id, *body)).collect();
        store_blocks(
            c,
            kind,
            None,
            crate::par::map_pieces(&entries, PARALLEL_FROM / 2, pack_run),
        )?;
    }
    Ok(())
}

/// Writes `upserts` and removes `deletes` (deletes first) in a store that
/// has records: each block touched is read, changed and written once.
/// Returns the hashes of the records replaced or removed (their digest
/// buckets change).
pub fn write(
    c: &Connection,
    upserts: &[Put<'_>],
    deletes: &[(RecordKind, String)],
) -> Result<Vec<[u8; 32]>> {
    type Change<'a> = (RecordKind, &'a str, Option<(&'a str, &'a [u8; 32])>);
    // Each change by the block its id falls in; an id before the kind's
    // first block joins that block (None: the kind has no block yet).
    let mut by_block: BTreeMap<(&str, Option<i64>), Vec<Change<'_>>> = BTreeMap::new();
    let changes = deletes.iter().map(|(k, id)| (*k, id.as_str(), None)).chain(
        upserts
            .iter()
            .map(|p| (p.kind, p.id, Some((p.body, &p.hash)))),
    );
    for ch in changes {
        let kind = ch.0.id();
        let b = match block_of(c, kind, ch.1)? {
            Some(b) => Some(b),
            None if ch.2.is_none() => continue, // a delete of what is not there
            None => c
                .prepare_cached("SELECT id FROM blocks WHERE kind = ?1 ORDER BY first LIMIT 1")?
                .query_row([kind], |r| r.get(0))
                .optional()?,
        };
        by_block.entry((kind, b)).or_default().push(ch);
    }
    let mut old = Vec::new();
    for ((kind, b), chs) in by_block {
        let mut entries = match b {
            Some(b) => read_block(c, b)?,
            None => BTreeMap::new(),
        };
        for (k, id, change) in chs {
            if let Some(before) = entries.remove(id) {
                let h = crate::feed::record_hash(k, id, &before);
                c.prepare_cached("DELETE FROM records WHERE b = ?1 AND kind = ?2 AND id = ?3")?
                    .execute(params![h[0] as i64, kind, id])?;
                old.push(h);
            }
            if let Some((body, h)) = change {
                entries.insert(id.to_string(), body.to_string());
                map_insert(c, kind, id, h)?;
            }
        }
        match b {
            Some(b) if entries.is_empty() => {
                c.execute("DELETE FROM blocks WHERE id = ?1", [b])?;
            }
            Some(b) => {
                let all: Vec<(String, String)> = entries.into_iter().collect();
                let body = encode(&all);
                if body.len() <= BLOCK_PACKED {
                    c.prepare_cached("UPDATE blocks SET first = ?2, body = ?3 WHERE id = ?1")?
                        .execute(params![b, &all[0].0, body])?;
                } else {
                    store_blocks(c, kind, Some(b), pack_run(&all))?;
                }
            }
            None => {
                let all: Vec<(String, String)> = entries.into_iter().collect();
                store_blocks(c, kind, None, pack_run(&all))?;
            }
        }
    }
    Ok(old)
}

/// Moves the records of a store from before schema v6 (one compressed or
/// text body a row, kept as `records_v5` by the migration) into blocks,
/// keeping their hashes: the digest and the index stay as they were.
pub fn convert_v5(c: &Connection) -> Result<bool> {
    if !super::schema::has_table(c, "records_v5")? {
        return Ok(false);
    }
    let mut rows: Vec<(RecordKind, String, String, [u8; 32])> = Vec::new();
    {
        let mut st = c.prepare("SELECT kind, id, body, hash FROM records_v5 ORDER BY kind, id")?;
        let mut q = st.query([])?;
        while let Some(r) = q.next()? {
            let kind: String = r.get(0)?;
            let kind = RecordKind::known_or_other(&kind)
                .map_err(|e| Error::Storage(format!("in the store: {e}")))?;
            let id: String = r.get(1)?;
            let body = super::body::column(r, 2)?;
            let hash: Vec<u8> = r.get(3)?;
            let hash = hash
                .try_into()
                .map_err(|_| Error::Damaged(format!("record {kind} {id} has a damaged hash")))?;
            rows.push((kind, id, body, hash));
        }
    }
    let puts: Vec<Put<'_>> = rows
        .iter()
        .map(|(kind, id, body, hash)| Put {
            kind: *kind,
            id,
            body,
            hash: *hash,
        })
        .collect();
    write_all(c, &puts)?;
    c.execute("DROP TABLE records_v5", [])?;
    Ok(true)
}

#[cfg(test)]
#[path = "blocks_tests.rs"]
mod tests;
