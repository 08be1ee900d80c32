//! The store's content digest (`feed::digest`), kept by bucket: the 256
//! bucket digests are stored (`digest_bucket`), and an apply recomputes only
//! the buckets its records leave and enter, from the records themselves
//! (`records` is keyed by the first byte of each hash: store::blocks). A snapshot,
//! or a store that has no buckets yet, computes them all in one pass.

use crate::error::{Error, Result};
use crate::feed::digest::{bucket, Buckets, SortedDigest};
use crate::feed::RecordKind;
use rusqlite::{params, Connection};
use std::collections::BTreeSet;

fn hash_at(r: &rusqlite::Row, k: &str, id: &str) -> Result<[u8; 32]> {
    r.get_ref(2)?
        .as_blob()
        .map_err(rusqlite::Error::from)?
        .try_into()
        .map_err(|_| Error::Damaged(format!("record {k} {id} has a damaged hash")))
}

/// Every record in key order (kind, then id), with its hash.
fn each_record(
    c: &Connection,
    sql: &str,
    bind: &[&dyn rusqlite::ToSql],
    mut f: impl FnMut(&str, &str, &[u8; 32]),
) -> Result<()> {
    let mut st = c.prepare_cached(sql)?;
    let mut rows = st.query(bind)?;
    while let Some(r) = rows.next()? {
        let k = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
        let id = r.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
        // Kinds a newer app knows are kept as they came (forward compatibility).
        RecordKind::known_or_other(k).map_err(|e| Error::Storage(format!("in the store: {e}")))?;
        let h = hash_at(r, k, id)?;
        f(k, id, &h);
    }
    Ok(())
}

/// The digest in format 1 (a feed published before format 2): one pass
/// over every record. The kept buckets are forgotten (the records change
/// without them), to be computed again by the next format-2 apply.
pub fn v1(c: &Connection) -> Result<String> {
    c.execute("DELETE FROM digest_bucket", [])?;
    let mut d = SortedDigest::default();
    each_record(
        c,
        "SELECT kind, id, hash FROM records ORDER BY kind, id",
        &[],
        |k, id, h| d.push(k, id, h),
    )?;
    Ok(d.finish())
}

/// Every bucket from every record (one pass in key order), stored.
pub fn rebuild(c: &Connection) -> Result<Buckets> {
    let mut per: Vec<SortedDigest> = (0..256).map(|_| SortedDigest::default()).collect();
    each_record(
        c,
        "SELECT kind, id, hash FROM records ORDER BY kind, id",
        &[],
        |k, id, h| per[bucket(h) as usize].push(k, id, h),
    )?;
    let b = Buckets(per.into_iter().map(SortedDigest::finish_bytes).collect());
    c.execute("DELETE FROM digest_bucket", [])?;
    let mut put = c.prepare_cached("INSERT INTO digest_bucket(b, d) VALUES (?1, ?2)")?;
    for (i, d) in b.0.iter().enumerate() {
        put.execute(params![i as i64, &d[..]])?;
    }
    Ok(b)
}

/// The buckets in `dirty` computed again from their records, the others as
/// stored (all of them computed when the store has none yet).
pub fn update(c: &Connection, dirty: &BTreeSet<u8>) -> Result<Buckets> {
    let mut b = Buckets::empty();
    let mut have = 0;
    {
        let mut st = c.prepare_cached("SELECT b, d FROM digest_bucket")?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            let i: i64 = r.get(0)?;
            let d: Vec<u8> = r.get(1)?;
            match (b.0.get_mut(i as usize), <[u8; 32]>::try_from(d)) {
                (Some(slot), Ok(d)) => {
                    *slot = d;
                    have += 1;
                }
                _ => return rebuild(c),
            }
        }
    }
    if have != 256 {
        return rebuild(c);
    }
    let mut put = c.prepare_cached(
        "INSERT INTO digest_bucket(b, d) VALUES (?1, ?2) ON CONFLICT(b) DO UPDATE SET d = ?2",
    )?;
    for &k in dirty {
        let mut d = SortedDigest::default();
        each_record(
            c,
            "SELECT kind, id, hash FROM records WHERE b = ?1 ORDER BY kind, id",
            &[&(k as i64)],
            |kind, id, h| d.push(kind, id, h),
        )?;
        b.0[k as usize] = d.finish_bytes();
        put.execute(params![k as i64, &b.0[k as usize][..]])?;
    }
    Ok(b)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::Record;

    #[test]
    fn a_bucket_is_read_from_the_table_by_its_key_in_key_order() {
        let c = crate::store::test_support::empty_directory();
        let plan: Vec<String> = c
            .prepare(
                "EXPLAIN QUERY PLAN SELECT kind, id, hash FROM records
                 WHERE b = ?1 ORDER BY kind, id",
            )
            .unwrap()
            .query_map([7i64], |r| r.get(3))
            .unwrap()
            .collect::<rusqlite::Result<_>>()
            .unwrap();
        let plan = plan.join("; ");
        assert!(plan.contains("PRIMARY KEY (b=?)"), "{plan}");
        assert!(!plan.contains("TEMP B-TREE"), "{plan}");
        // And what it finds is the bucket's records, in the digest's order.
        let recs: Vec<Record> = (0..400)
            .map(|i| Record {
                kind: RecordKind::Service,
                id: format!("s{i}"),
                body: format!("{{\"n\":{i}}}"),
            })
            .collect();
        let puts: Vec<super::super::blocks::Put<'_>> = recs
            .iter()
            .map(|r| super::super::blocks::Put {
                kind: r.kind,
                id: &r.id,
                body: &r.body,
                hash: r.hash(),
            })
            .collect();
        super::super::blocks::write_all(&c, &puts).unwrap();
        let all = rebuild(&c).unwrap();
        assert_eq!(all.digest(), crate::feed::records_digest(&recs));
        let dirty: BTreeSet<u8> = (0..=255).collect();
        c.execute("UPDATE digest_bucket SET d = zeroblob(32)", [])
            .unwrap();
        assert_eq!(update(&c, &dirty).unwrap(), all);
    }

    use crate::api::Fyr;
    use crate::feed::digest::content_digest_v1;
    use crate::model::Service;
    use crate::store::ContentPosition;

    use crate::store::test_support::{all_records as all, open};

    /// The next version as a hub would publish it: one service's phone hours
    /// changed, one service closed down, in the given digest format.
    fn next(
        f: &Fyr,
        n: usize,
        v1: bool,
    ) -> (ContentPosition, Vec<Record>, Vec<(RecordKind, String)>) {
        let mut records = all(f);
        let i = records
            .iter()
            .enumerate()
            .filter(|(_, r)| r.kind == RecordKind::Service)
            .nth(n)
            .map(|(i, _)| i)
            .unwrap();
        let mut s: Service = records[i].decode().unwrap();
        s.hours = format!("mon-fri 08:00-{}:00", 12 + n % 10);
        let up = Record::new(RecordKind::Service, s.id.clone(), &s);
        records[i] = up.clone();
        let gone = records
            .iter()
            .filter(|r| r.kind == RecordKind::Service)
            .nth(n + 1)
            .unwrap()
            .id
            .clone();
        records.retain(|r| !(r.kind == RecordKind::Service && r.id == gone));
        let hashes = records.iter().map(|r| (r.kind, r.id.as_str(), r.hash()));
        let digest = if v1 {
            content_digest_v1(hashes)
        } else {
            crate::feed::records_digest(&records)
        };
        let pos = f.store().position().unwrap();
        (
            ContentPosition {
                version: pos.version + 1,
                digest,
                ..pos
            },
            vec![up],
            vec![(RecordKind::Service, gone)],
        )
    }

    fn kept(f: &Fyr) -> i64 {
        f.store()
            .dir()
            .query_row("SELECT count(*) FROM digest_bucket", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn deltas_verify_in_either_format_and_the_kept_buckets_follow() {
        let d = tempfile::tempdir().unwrap();
        let f = open(d.path());
        // A hub that publishes format 2: the buckets are computed once, then
        // kept and followed.
        for n in 0..3 {
            let (to, up, del) = next(&f, n, false);
            f.store().apply(&to, up, del, false).unwrap();
            assert_eq!(f.store().position().unwrap().digest, to.digest);
            assert_eq!(kept(&f), 256);
        }
        // An older hub (format 1): verified by a pass over every record, the
        // buckets forgotten (they would go stale)...
        let (to, up, del) = next(&f, 3, true);
        f.store().apply(&to, up, del, false).unwrap();
        assert_eq!(f.store().position().unwrap().digest, to.digest);
        assert_eq!(kept(&f), 0);
        // ... and computed again by the next format-2 delta.
        let (to, up, del) = next(&f, 4, false);
        f.store().apply(&to, up, del, false).unwrap();
        assert_eq!(f.store().position().unwrap().digest, to.digest);
        assert_eq!(kept(&f), 256);
        assert_eq!(
            f.store().position().unwrap().digest,
            crate::feed::records_digest(&all(&f))
        );
    }

    #[test]
    fn a_wrong_digest_in_format_two_changes_nothing() {
        let d = tempfile::tempdir().unwrap();
        let f = open(d.path());
        let (to, up, del) = next(&f, 0, false);
        f.store().apply(&to, up, del, false).unwrap();
        let before = f.store().position().unwrap();
        let count = all(&f).len();
        let (mut to, up, del) = next(&f, 1, false);
        to.digest = format!("v2:{}", "00".repeat(32));
        let e = f.store().apply(&to, up, del, false).unwrap_err();
        assert!(e.to_string().contains("digest mismatch"), "{e}");
        assert_eq!(f.store().position().unwrap(), before);
        assert_eq!(all(&f).len(), count);
    }

    #[test]
    fn stale_kept_buckets_are_computed_again_before_a_version_is_refused() {
        let d = tempfile::tempdir().unwrap();
        let f = open(d.path());
        let (to, up, del) = next(&f, 0, false);
        f.store().apply(&to, up, del, false).unwrap();
        // A kept bucket no longer matches the records (a bug, a bit flip).
        f.store()
            .dir()
            .execute(
                "UPDATE digest_bucket SET d = zeroblob(32) WHERE b = 200",
                [],
            )
            .unwrap();
        let (to, up, del) = next(&f, 1, false);
        f.store().apply(&to, up, del, false).unwrap();
        assert_eq!(f.store().position().unwrap().digest, to.digest);
        // A store from before the buckets (none kept) computes them at its
        // first apply.
        f.store()
            .dir()
            .execute("DELETE FROM digest_bucket", [])
            .unwrap();
        let (to, up, del) = next(&f, 2, false);
        f.store().apply(&to, up, del, false).unwrap();
        assert_eq!(f.store().position().unwrap().digest, to.digest);
        assert_eq!(kept(&f), 256);
    }
}
