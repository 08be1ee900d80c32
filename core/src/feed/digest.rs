//! The content digest: a version's records named in one string that the
//! manifest signs, the hub compares between versions and the device
//! recomputes after every apply (a delta applied to the wrong content, or a
//! store that lost a record, is found before commit).
//!
//! **Format 2** (`v2:` then 64 hex digits). Each record is put in one of
//! 256 buckets by the first byte of its record hash. A bucket's digest is
//! the sha256 over one line per record in it, `kind, 0, id, 0, hex(record
//! hash), "\n"`, the lines sorted by (kind, id) bytewise; an empty bucket's
//! is the sha256 of nothing. The content digest is the sha256 over the 256
//! bucket digests in bucket order. A change of a few records recomputes
//! only the buckets they leave and enter (`store::digest`): at 20,000
//! services that is about 80 records a bucket instead of every record.
//!
//! **Format 1** (64 hex digits, no prefix), what hubs published before: the
//! sha256 over every such line in the same order. A device still verifies a
//! feed that uses it, by a pass over every record.

use super::{Record, RecordKind};
use sha2::{Digest, Sha256};

/// The prefix of a format-2 digest.
pub const V2: &str = "v2:";

/// Whether `digest` is a format-1 digest (empty: none given).
pub fn is_v1(digest: &str) -> bool {
    !digest.is_empty() && !digest.starts_with(V2)
}

/// Which bucket a record with this record hash is in.
#[inline]
pub fn bucket(hash: &[u8; 32]) -> u8 {
    hash[0]
}

/// Lines given sorted by kind id, then id (bytewise, as SQLite's
/// `ORDER BY kind, id` gives them): no list, no sort, no allocation per
/// record.
#[derive(Default)]
pub struct SortedDigest(Sha256);

impl SortedDigest {
    pub fn push(&mut self, kind: &str, id: &str, hash: &[u8; 32]) {
        let mut hexed = [0u8; 64];
        hex::encode_to_slice(hash, &mut hexed).expect("64 bytes for 32");
        self.0.update(kind.as_bytes());
        self.0.update([0u8]);
        self.0.update(id.as_bytes());
        self.0.update([0u8]);
        self.0.update(hexed);
        self.0.update(b"\n");
    }

    /// Hex, as format 1 gives the digest of all lines.
    pub fn finish(self) -> String {
        hex::encode(self.0.finalize())
    }

    /// As one bucket's digest.
    pub fn finish_bytes(self) -> [u8; 32] {
        self.0.finalize().into()
    }
}

/// The 256 bucket digests of a content set.
#[derive(Debug, Clone, PartialEq)]
pub struct Buckets(pub Vec<[u8; 32]>);

impl Buckets {
    /// Every bucket empty.
    pub fn empty() -> Buckets {
        Buckets(vec![SortedDigest::default().finish_bytes(); 256])
    }

    /// The content digest (format 2).
    pub fn digest(&self) -> String {
        let mut h = Sha256::new();
        for b in &self.0 {
            h.update(b);
        }
        format!("{V2}{}", hex::encode(h.finalize()))
    }
}

fn sorted<'a>(
    hashes: impl Iterator<Item = (RecordKind, &'a str, [u8; 32])>,
) -> Vec<(&'a str, &'a str, [u8; 32])> {
    let mut v: Vec<(&str, &str, [u8; 32])> = hashes.map(|(k, id, h)| (k.id(), id, h)).collect();
    v.sort_by(|a, b| (a.0, a.1).cmp(&(b.0, b.1)));
    v
}

/// The content digest of a content set from its per-record hashes (any
/// order), in format 2.
pub fn content_digest<'a>(hashes: impl Iterator<Item = (RecordKind, &'a str, [u8; 32])>) -> String {
    let mut per: Vec<SortedDigest> = (0..256).map(|_| SortedDigest::default()).collect();
    for (kind, id, hash) in sorted(hashes) {
        per[bucket(&hash) as usize].push(kind, id, &hash);
    }
    Buckets(per.into_iter().map(SortedDigest::finish_bytes).collect()).digest()
}

/// The same in format 1 (feeds published before format 2).
pub fn content_digest_v1<'a>(
    hashes: impl Iterator<Item = (RecordKind, &'a str, [u8; 32])>,
) -> String {
    let mut d = SortedDigest::default();
    for (kind, id, hash) in sorted(hashes) {
        d.push(kind, id, &hash);
    }
    d.finish()
}

/// The content digest in the format of `like` (a published digest).
pub fn content_digest_like<'a>(
    like: &str,
    hashes: impl Iterator<Item = (RecordKind, &'a str, [u8; 32])>,
) -> String {
    if is_v1(like) {
        content_digest_v1(hashes)
    } else {
        content_digest(hashes)
    }
}

/// The content digest of a list of records (format 2).
pub fn records_digest(records: &[Record]) -> String {
    let hashes: Vec<(RecordKind, &str, [u8; 32])> = records
        .iter()
        .map(|r| (r.kind, r.id.as_str(), r.hash()))
        .collect();
    content_digest(hashes.into_iter())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(kind: RecordKind, id: &str, body: &str) -> Record {
        Record {
            kind,
            id: id.into(),
            body: body.into(),
        }
    }

    #[test]
    fn the_digest_names_the_content_not_its_order_and_changes_with_any_record() {
        let a = vec![
            rec(RecordKind::Service, "kvinnojouren-ljungby", r#"{"n":1}"#),
            rec(RecordKind::Service, "socialjour-vaxjo", r#"{"n":2}"#),
            rec(RecordKind::Organization, "region-kronoberg", r#"{"n":3}"#),
        ];
        let d = records_digest(&a);
        assert!(d.starts_with("v2:") && d.len() == 3 + 64, "{d}");
        let mut b = a.clone();
        b.reverse();
        assert_eq!(records_digest(&b), d);
        b[0].body = r#"{"n":4}"#.into();
        assert_ne!(records_digest(&b), d);
        assert_ne!(records_digest(&a[..2]), d);
        // A record moved to another id is another content.
        let mut c = a.clone();
        c[0].id = "kvinnojouren-alvesta".into();
        assert_ne!(records_digest(&c), d);
    }

    #[test]
    fn format_one_is_still_computed_for_the_feeds_that_use_it() {
        let a = vec![
            rec(RecordKind::Service, "s1", "{}"),
            rec(RecordKind::Municipality, "0780", "{}"),
        ];
        let hashes = || a.iter().map(|r| (r.kind, r.id.as_str(), r.hash()));
        // Format 1 by its definition: every line, sorted by kind id then id.
        let mut d = SortedDigest::default();
        let mut v: Vec<_> = hashes().collect();
        v.sort_by(|x, y| (x.0.id(), x.1).cmp(&(y.0.id(), y.1)));
        for (k, id, h) in &v {
            d.push(k.id(), id, h);
        }
        let v1 = d.finish();
        assert_eq!(content_digest_v1(hashes()), v1);
        assert!(is_v1(&v1) && !is_v1("") && !is_v1(&records_digest(&a)));
        assert_eq!(content_digest_like(&v1, hashes()), v1);
        assert_eq!(
            content_digest_like(&records_digest(&a), hashes()),
            records_digest(&a)
        );
        // Format 2 by its definition: the buckets' digests, then theirs.
        assert_ne!(bucket(&a[0].hash()), bucket(&a[1].hash()), "two buckets");
        let mut buckets = Buckets::empty();
        for (k, id, h) in &v {
            let mut one = SortedDigest::default();
            one.push(k.id(), id, h);
            buckets.0[bucket(h) as usize] = one.finish_bytes();
        }
        assert_eq!(buckets.digest(), records_digest(&a));
    }
}
