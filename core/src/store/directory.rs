//! directory.db: content records, the content position (feed id, version,
//! digest) and the search index derived from the records.

use super::lexicon_cache;
use super::routing_state::{attach, attach_routing, routing_beside};
use super::{failpoint, open_conn, schema, Bundle};
use crate::error::{Error, Result};
use crate::feed::{Record, RecordKind};
use crate::model::{Municipality, Organization, Service};
use crate::search::{fts_columns, index::FacetIndex};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;

/// Where the content came from and which version it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ContentPosition {
    pub feed_id: String,
    pub version: u64,
    pub digest: String,
    /// When this version was published (RFC3339).
    pub created: String,
    /// The publisher's "data older than N days" threshold.
    pub stale_after_days: u32,
}

fn get_meta(c: &Connection, key: &str) -> Result<Option<String>> {
    // Cached: an open reads three keys (each parse of SQL costs).
    Ok(c.prepare_cached("SELECT value FROM meta WHERE key = ?1")?
        .query_row([key], |r| r.get(0))
        .optional()?)
}

fn set_meta(c: &Connection, key: &str, value: &str) -> Result<()> {
    c.execute(
        "INSERT INTO meta(key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2",
        params![key, value],
    )?;
    Ok(())
}

pub fn position(c: &Connection) -> Result<ContentPosition> {
    match get_meta(c, "position")? {
        Some(p) => Ok(serde_json::from_str(&p)?),
        None => Ok(ContentPosition::default()),
    }
}

/// Opens directory.db: migrates, imports the bundle on first start, and
/// loads the facet index (rebuilding it if missing or stale). Every page is
/// checked first when `full_check` (see [`super::check`]); otherwise damage is
/// found by the query that meets it (`Store::with_dir`). `before_write` runs
/// before anything may be written. A damaged index (its file, or a delta
/// row) is made again from the records, which are whole: nothing is lost,
/// and `notices` says so. `lexicon`: the compiled lexicon being read
/// ahead, if it is ([`lexicon_cache::load_ahead`]).
pub(super) fn open(
    path: &Path,
    lexicon: Option<lexicon_cache::Ahead>,
    bundled: &dyn Fn() -> Result<Bundle>,
    peek: Option<&(dyn Fn() -> Option<(String, u64)> + Send + Sync)>,
    full_check: bool,
    before_write: &mut dyn FnMut() -> Result<()>,
    notices: &mut Vec<String>,
) -> Result<(Connection, FacetIndex)> {
    let fresh = std::fs::metadata(path)
        .map(|m| m.len() == 0)
        .unwrap_or(true);
    if fresh || schema_behind(path) {
        before_write()?;
    }
    let mut c = open_conn(path)?;
    schema::migrate(&mut c, schema::DIRECTORY_MIGRATIONS, "directory.db")?;
    if schema::has_table(&c, "records_v5")? {
        // A store from before schema v6: its records move into blocks.
        before_write()?;
        let tx = c.transaction()?;
        super::blocks::convert_v5(&tx)?;
        tx.commit()?;
    }
    if full_check && !fresh {
        super::check::quick_check(&c, super::DIRECTORY_FILE)?;
    }
    // What an open reads, it reads in one transaction (SQLite's locks taken
    // once), ended before anything is written or when the open is done.
    c.execute_batch("BEGIN")?;
    let Some(pos) = get_meta(&c, "position")? else {
        end_read(&c)?;
        if !fresh {
            before_write()?;
        }
        let b = bundled()?;
        let ix = apply(&mut c, &b.position, b.records, Vec::new(), true, None)?;
        return Ok((c, ix));
    };
    // An app update whose bundle is a newer version of the feed the device
    // follows adopts it (a device that could not sync is not left behind
    // its own app). A bundle that does not verify changes nothing. One that
    // tells its version cheaply is decoded only when it is newer.
    let pos: ContentPosition = serde_json::from_str(&pos)?;
    let maybe_newer = peek
        .and_then(|p| p())
        .is_none_or(|(feed, version)| feed == pos.feed_id && version > pos.version);
    if let Some(b) = maybe_newer.then(bundled).and_then(|b| b.ok()) {
        if b.position.feed_id == pos.feed_id && b.position.version > pos.version {
            end_read(&c)?;
            before_write()?;
            let ix = apply(&mut c, &b.position, b.records, Vec::new(), true, None)?;
            return Ok((c, ix));
        }
    }
    let (parsed, ix) = routing_beside(&c, lexicon, || read_index(&c))?;
    let ix = match ix {
        Err(e) if index_damage(&e) => {
            notices.push(format!(
                "The search index was found damaged at open and was made again from the stored content; nothing was lost. ({e})"
            ));
            Ok(None)
        }
        other => other,
    };
    let mut ix = match ix? {
        Some(ix) => ix,
        None => {
            end_read(&c)?;
            before_write()?;
            let tx = c.transaction()?;
            let mut ix = rebuild_index(&tx, None)?;
            attach(&tx, &mut ix, parsed?)?;
            tx.commit()?;
            return Ok((c, ix));
        }
    };
    attach(&c, &mut ix, parsed?)?;
    end_read(&c)?;
    Ok((c, ix))
}

/// Ends the read transaction of an open, if it is still open.
fn end_read(c: &Connection) -> Result<()> {
    if !c.is_autocommit() {
        c.execute_batch("COMMIT")?;
    }
    Ok(())
}

/// The index as stored: its file and the deltas since; None when the file
/// is missing, of another format or generation, or the index is marked
/// stale (it is rebuilt from the records).
fn read_index(c: &Connection) -> Result<Option<FacetIndex>> {
    if get_meta(c, "index_stale")?.as_deref() == Some("1") {
        return Ok(None);
    }
    let Some(generation) = get_meta(c, "index_generation")?.and_then(|g| g.parse().ok()) else {
        return Ok(None);
    };
    let Some(mut ix) = super::index_file::read(&db_path(c)?, generation)? else {
        return Ok(None);
    };
    let ds = deltas(c)?;
    if !ds.is_empty() {
        ix = super::reindex::replay(c, ix, ds)?;
    }
    // A replay reads the entries it changes (or all of them).
    if ix.damaged() {
        return Err(crate::search::index::chunk_damage());
    }
    Ok(Some(ix))
}

/// Damage our own checks found in the index (its file, a delta row that
/// does not decode), not damage SQLite found in its pages: the records can
/// rebuild it.
fn index_damage(e: &Error) -> bool {
    super::is_corruption(e) && !matches!(e, Error::Sqlite(rusqlite::Error::SqliteFailure(..)))
}

/// The file of directory.db open on `c`.
fn db_path(c: &Connection) -> Result<std::path::PathBuf> {
    match c.path() {
        Some(p) if !p.is_empty() => Ok(p.into()),
        _ => Err(Error::Storage(
            "directory.db is not a file: its search index has no place".into(),
        )),
    }
}

/// The index deltas recorded since the blob was written, in order.
fn deltas(c: &Connection) -> Result<Vec<super::reindex::Delta>> {
    let mut st = c.prepare_cached("SELECT body FROM index_delta ORDER BY seq")?;
    let rows = st.query_map([], |r| super::body::column(r, 0))?;
    let mut out = Vec::new();
    for json in rows {
        out.push(
            serde_json::from_str(&json?)
                .map_err(|e| Error::Damaged(format!("the search index is damaged ({e})")))?,
        );
    }
    Ok(out)
}

/// Deltas kept before the blob is written whole again: each costs a replay
/// at open, the write of the whole blob costs every few applies.
pub const MERGE_AFTER: i64 = 8;

/// Whether the file's schema is older than this code (a migration writes).
fn schema_behind(path: &Path) -> bool {
    // user_version is 4 bytes at offset 60 of the header.
    let mut h = [0u8; 64];
    let ok = std::fs::File::open(path)
        .and_then(|mut f| std::io::Read::read_exact(&mut f, &mut h))
        .is_ok();
    !ok || (u32::from_be_bytes([h[60], h[61], h[62], h[63]]) as usize)
        < schema::DIRECTORY_MIGRATIONS.len()
}

/// What a damaged directory store held, as far as can be told.
pub fn damaged_position(path: &Path) -> Option<ContentPosition> {
    let c = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).ok()?;
    position(&c).ok().filter(|p| p.version > 0)
}

/// What was lost by rebuilding `was` (if known) as `now`.
pub fn describe_loss(was: Option<&ContentPosition>, now: &ContentPosition) -> String {
    match was {
        Some(p) if p.feed_id == now.feed_id && p.version == now.version => {
            "No content was lost (the bundled content is the same version).".to_string()
        }
        Some(p) => format!(
            "Content version {} of feed '{}' was lost; the next sync fetches it again.",
            p.version, p.feed_id
        ),
        None => {
            "Any content received by sync was lost; the next sync fetches it again.".to_string()
        }
    }
}

pub fn records(c: &Connection, kind: RecordKind) -> Result<Vec<Record>> {
    Ok(super::blocks::scan(c, kind.id())?
        .into_iter()
        .map(|(id, body)| Record { kind, id, body })
        .collect())
}

/// Applies a content change in one transaction (see `Store::apply`).
pub fn apply(
    c: &mut Connection,
    to: &ContentPosition,
    upserts: Vec<Record>,
    deletes: Vec<(RecordKind, String)>,
    replace_all: bool,
    current: Option<&FacetIndex>,
) -> Result<FacetIndex> {
    let incremental =
        current.filter(|_| super::reindex::can_update(&upserts, &deletes, replace_all));
    let touched = super::reindex::touched_services(&upserts, &deletes);
    let tx = c.transaction()?;
    failpoint("apply:begin");
    // Every record of every kind, by the rules the hub publishes by: one
    // invalid record refuses the whole version (the transaction is dropped,
    // the version the device has stays).
    // A snapshot's directory records are read into their types once, for
    // both the check and the index.
    let refused = |e: String| {
        Error::Content(format!(
            "version {} refused whole, the device keeps the version it has: {e}",
            to.version
        ))
    };
    let mut typed = if replace_all {
        Some(Typed::read(&upserts).map_err(refused)?)
    } else {
        None
    };
    upserts
        .iter()
        .filter(|r| typed.is_none() || !Typed::holds(r.kind))
        .try_for_each(crate::evolve::validate_record)
        .map_err(refused)?;
    let hashes: Vec<[u8; 32]> = crate::par::map(&upserts, 1024, Record::hash);
    let puts: Vec<super::blocks::Put<'_>> = upserts
        .iter()
        .zip(&hashes)
        .map(|(r, h)| super::blocks::Put {
            kind: r.kind,
            id: &r.id,
            body: &r.body,
            hash: *h,
        })
        .collect();
    // The digest's buckets the change leaves and enters (format 2; a
    // snapshot computes them all).
    let format1 = crate::feed::digest::is_v1(&to.digest);
    let mut dirty = std::collections::BTreeSet::new();
    // A snapshot's index is worked out on a helper thread while its
    // records are written and its digest computed (it needs neither; a
    // format-1 digest is computed below, as for a delta).
    let mut rebuilt = None;
    let mut snapshot_digest = None;
    if replace_all {
        let old = old_rowids(&tx)?;
        let typed = typed.take();
        std::thread::scope(|s| -> Result<()> {
            let helper = typed.map(|t| s.spawn(move || index_of(t, &old)));
            super::blocks::clear(&tx)?;
            super::blocks::write_all(&tx, &puts)?;
            if !format1 {
                snapshot_digest = Some(super::digest::rebuild(&tx)?.digest());
            }
            if let Some(h) = helper {
                let r = h.join().unwrap_or_else(|p| std::panic::resume_unwind(p));
                rebuilt = Some(r?);
            }
            Ok(())
        })?;
    } else {
        use crate::feed::digest::bucket;
        let left = super::blocks::write(&tx, &puts, &deletes)?;
        dirty.extend(left.iter().chain(&hashes).map(bucket));
    }
    failpoint("apply:records");
    let mut digest = if let Some(d) = snapshot_digest {
        d
    } else if format1 {
        super::digest::v1(&tx)?
    } else {
        super::digest::update(&tx, &dirty)?.digest()
    };
    if !to.digest.is_empty() && digest != to.digest && !format1 && !replace_all {
        // The kept buckets may be what is wrong: every one computed again
        // from the records before the version is refused.
        digest = super::digest::rebuild(&tx)?.digest();
    }
    if !to.digest.is_empty() && digest != to.digest {
        return Err(Error::DigestMismatch {
            version: to.version,
            expected: to.digest.clone(),
            got: digest,
        });
    }
    let mut pos = to.clone();
    pos.digest = digest;
    set_meta(&tx, "position", &serde_json::to_string(&pos)?)?;
    // The index updated in place; a damaged chunk of the current index's
    // text met on the way (never copied: `TextIndex::verify_all`) makes it
    // a rebuild from the records, which are whole.
    let updated = (|| -> Result<Option<FacetIndex>> {
        let Some(old) = incremental else {
            return Ok(None);
        };
        // The last upsert of an id is what the store holds.
        let written: HashMap<&str, &str> = upserts
            .iter()
            .filter(|r| r.kind == RecordKind::Service)
            .map(|r| (r.id.as_str(), r.body.as_str()))
            .collect();
        match super::reindex::update_index(&tx, old, &touched, Some(&written))? {
            Some((ix, delta)) => {
                store_delta(&tx, &ix, &delta)?;
                Ok(Some(ix))
            }
            None => Ok(None),
        }
    })();
    let mut ix = match updated {
        Ok(Some(ix)) => ix,
        Ok(None) => match rebuilt {
            Some(r) => store_rebuilt(&tx, r)?,
            None => rebuild_index(&tx, typed)?,
        },
        Err(Error::Damaged(_)) if incremental.is_some_and(FacetIndex::damaged) => {
            rebuild_index(&tx, None)?
        }
        Err(e) => return Err(e),
    };
    // The routing model and lexicon parsed once, kept while no change
    // touches them.
    let routing_kept = !replace_all
        && !upserts
            .iter()
            .map(|r| r.kind)
            .chain(deletes.iter().map(|(k, _)| *k))
            .any(|k| matches!(k, RecordKind::Routing | RecordKind::Lexicon));
    let keep = current
        .filter(|_| routing_kept)
        .and_then(|c| c.routing.as_deref());
    attach_routing(&tx, &mut ix, keep)?;
    failpoint("apply:index");
    tx.commit()?;
    failpoint("apply:committed");
    Ok(ix)
}

/// The directory's records (municipalities, organizations, services) in
/// their types, each kind by id, the last of a repeated id winning (as the
/// upsert does).
pub(super) struct Typed {
    munis: Vec<Municipality>,
    orgs: HashMap<String, Organization>,
    services: Vec<(String, Service)>,
}

impl Typed {
    fn holds(kind: RecordKind) -> bool {
        matches!(
            kind,
            RecordKind::Municipality | RecordKind::Organization | RecordKind::Service
        )
    }

    /// From a snapshot's records; the first that does not read is named
    /// (`evolve::refusal`, as the check of every other record names it).
    fn read(all: &[Record]) -> std::result::Result<Typed, String> {
        let mut by_id: [std::collections::BTreeMap<&str, &Record>; 3] = Default::default();
        for r in all {
            let k = match r.kind {
                RecordKind::Municipality => 0,
                RecordKind::Organization => 1,
                RecordKind::Service => 2,
                _ => continue,
            };
            by_id[k].insert(&r.id, r);
        }
        let bad = |r: &Record, e: crate::feed::FeedError| crate::evolve::refusal(r, e);
        let [m, o, sv] = by_id;
        Ok(Typed {
            munis: m
                .into_values()
                .map(|r| r.decode().map_err(|e| bad(r, e)))
                .collect::<std::result::Result<_, _>>()?,
            orgs: o
                .into_values()
                .map(|r| Ok((r.id.clone(), r.decode().map_err(|e| bad(r, e))?)))
                .collect::<std::result::Result<_, String>>()?,
            // The bulk of a national directory: parsed on the cores.
            services: crate::par::map(&sv.into_values().collect::<Vec<_>>(), 1024, |r| {
                Ok((r.id.clone(), r.decode().map_err(|e| bad(r, e))?))
            })
            .into_iter()
            .collect::<std::result::Result<_, String>>()?,
        })
    }

    /// From the store's records.
    fn load(tx: &Transaction) -> Result<Typed> {
        fn each<T: serde::de::DeserializeOwned>(
            tx: &Transaction,
            kind: &str,
        ) -> Result<Vec<(String, T)>> {
            super::blocks::scan(tx, kind)?
                .into_iter()
                .map(|(id, body)| {
                    let v = serde_json::from_str(&body)
                        .map_err(|e| Error::Content(format!("{kind} '{id}' is malformed: {e}")))?;
                    Ok((id, v))
                })
                .collect()
        }
        Ok(Typed {
            munis: each(tx, "municipality")?
                .into_iter()
                .map(|(_, m)| m)
                .collect(),
            orgs: each(tx, "organization")?.into_iter().collect(),
            services: each(tx, "service")?,
        })
    }
}

/// Rebuilds the facet index from the records: the store's, or `typed` when
/// they are every directory record now in it (a snapshot, read once).
fn rebuild_index(tx: &Transaction, typed: Option<Typed>) -> Result<FacetIndex> {
    let typed = match typed {
        Some(t) => t,
        None => Typed::load(tx)?,
    };
    let old = old_rowids(tx)?;
    store_rebuilt(tx, index_of(typed, &old)?)
}

/// The services' rowids now (kept for the ids that stay).
fn old_rowids(tx: &Transaction) -> Result<HashMap<String, u32>> {
    let mut st = tx.prepare("SELECT id, rowid FROM svc")?;
    let rows = st.query_map([], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u32))
    })?;
    Ok(rows.collect::<std::result::Result<_, _>>()?)
}

/// An index made from the directory's records alone, not yet stored: with
/// each service's rowid and id.
struct Rebuilt {
    ix: FacetIndex,
    rows: Vec<(u32, String)>,
}

/// The index of `typed` (no store needed, so it can be worked out beside
/// the writing of the records): the ids of `old` keep their rowids, new
/// ids come after the largest.
fn index_of(typed: Typed, old: &HashMap<String, u32>) -> Result<Rebuilt> {
    let Typed {
        mut munis,
        orgs,
        services: all,
    } = typed;
    munis.sort_by(|a, b| a.code.cmp(&b.code));
    let mut next: u32 = old.values().copied().max().unwrap_or(0) + 1;
    // The words of each service, folded: the bulk of the work, on the cores.
    let texts: Vec<[String; 5]> = crate::par::map(&all, 512, |(_, s)| {
        fts_columns(s, orgs.get(&s.organization), &munis)
    });
    let mut rows = Vec::with_capacity(all.len());
    let mut services: Vec<(u32, Service)> = Vec::with_capacity(all.len());
    for (id, s) in all {
        let rowid = match old.get(&id) {
            Some(r) => *r,
            None => {
                next += 1;
                next - 1
            }
        };
        rows.push((rowid, id));
        services.push((rowid, s));
    }
    let ix = FacetIndex::build(&munis, &services, &texts, &|org| {
        orgs.get(org).map(|o| o.agency_kind)
    })?;
    Ok(Rebuilt { ix, rows })
}

/// Stores a rebuilt index: the rowid map and the index file.
fn store_rebuilt(tx: &Transaction, r: Rebuilt) -> Result<FacetIndex> {
    tx.execute("DELETE FROM svc", [])?;
    super::schema::fill_packed(tx, "svc", |table| {
        let mut ins = tx.prepare(&format!("INSERT INTO {table}(rowid, id) VALUES (?1, ?2)"))?;
        for (rowid, id) in &r.rows {
            ins.execute(params![rowid, id])?;
        }
        Ok(())
    })?;
    store_index(tx, &r.ix)?;
    Ok(r.ix)
}

/// The index made again from the records (which are whole) when a query
/// met damage in its file; the parsed routing of `current` kept.
pub fn remake_index(c: &mut Connection, current: &FacetIndex) -> Result<FacetIndex> {
    let tx = c.transaction()?;
    let mut ix = rebuild_index(&tx, None)?;
    attach_routing(&tx, &mut ix, current.routing.as_deref())?;
    tx.commit()?;
    Ok(ix)
}

/// Writes the index file whole (it holds every delta so far) and records
/// its generation with the records (`store/index_file.rs`).
fn store_index(tx: &Transaction, ix: &FacetIndex) -> Result<()> {
    let generation = super::index_file::write(&db_path(tx)?, ix)?;
    set_meta(tx, "index_generation", &generation.to_string())?;
    tx.execute("DELETE FROM index_delta", [])?;
    set_meta(tx, "index_stale", "0")
}

/// Records an incremental change of the index: a small delta row, or the
/// blob whole every [`MERGE_AFTER`] changes.
fn store_delta(tx: &Transaction, ix: &FacetIndex, d: &super::reindex::Delta) -> Result<()> {
    let n: i64 = tx.query_row("SELECT count(*) FROM index_delta", [], |r| r.get(0))?;
    if n + 1 >= MERGE_AFTER {
        return store_index(tx, ix);
    }
    tx.execute(
        "INSERT INTO index_delta(body) VALUES (?1)",
        [super::body::pack(&serde_json::to_string(d)?)],
    )?;
    Ok(())
}
