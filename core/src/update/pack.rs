//! The update pack: a transport for one update in one request.
//!
//! A change costs the client workflow five to six requests (the next root,
//! timestamp, snapshot, targets, the manifest target, the delta blob), and
//! on a phone link each costs a round trip and some 300 bytes of HTTP
//! framing. A hub that knows what the device holds answers all of them in
//! one body: `GET <feed>/pack?<have>` (see [`Have`]) returns the files the
//! workflow will ask for, gzipped together, or 304 when the timestamp the
//! device trusts (its ETag in `If-None-Match`) is still the current one.
//!
//! The pack is only a cache in front of the same fetches: the workflow asks
//! for each file by its URL and verifies it exactly as if it had come over
//! the network (signatures, thresholds, versions, lengths, hashes); a file
//! the pack lacks is fetched as usual. An entry marked absent is the hub's
//! 404 for that file (it ends the root chain walk, as a 404 would). Only
//! the origin is asked for a pack; a static host or mirror without one
//! answers 404 and the device uses the file-by-file workflow.
//!
//! Encoding (before gzip): `FYRPACK1`, then per entry a u16 name length,
//! the name (UTF-8, a path under the feed folder, e.g.
//! `metadata/2.root.json`), a u8 kind (0 file, 1 absent), a u32 length and
//! the bytes (none when absent); all integers big-endian.

use std::collections::BTreeMap;
use std::io::Read;

const MAGIC: &[u8; 8] = b"FYRPACK1";
/// Entries in one pack at most.
pub const MAX_ENTRIES: usize = 300;

/// What the device holds, sent as the query of the pack request:
/// `root.snapshot.targets.content.manifest` (versions, then the first 16
/// hex digits of the applied manifest's sha256; 0 and empty when none).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Have {
    pub root: u64,
    pub snapshot: u64,
    pub targets: u64,
    pub content: u64,
    pub manifest: String,
}

impl Have {
    pub fn query(&self) -> String {
        let m: String = self
            .manifest
            .chars()
            .filter(|c| c.is_ascii_hexdigit())
            .take(16)
            .collect();
        format!(
            "{}.{}.{}.{}.{}",
            self.root, self.snapshot, self.targets, self.content, m
        )
    }

    /// Parses a query; `None` when it is not one.
    pub fn parse(q: &str) -> Option<Have> {
        let mut it = q.split('.');
        let mut num = || it.next()?.parse::<u64>().ok();
        let (root, snapshot, targets, content) = (num()?, num()?, num()?, num()?);
        let manifest = it.next().unwrap_or("").to_ascii_lowercase();
        if it.next().is_some()
            || manifest.len() > 16
            || !manifest.bytes().all(|b| b.is_ascii_hexdigit())
        {
            return None;
        }
        Some(Have {
            root,
            snapshot,
            targets,
            content,
            manifest,
        })
    }
}

/// Whether `path` names a file under the feed folder and nowhere else:
/// non-empty segments of letters, digits, `.`, `-` and `_`, none hidden
/// (so no `..`). The hub serves only such paths and a pack holds only such.
pub fn is_plain_path(path: &str) -> bool {
    !path.is_empty()
        && path.split('/').all(|p| {
            !p.is_empty()
                && !p.starts_with('.')
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
        })
}

/// The files of one pack by name; `None` = absent (the hub's 404).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pack {
    pub entries: BTreeMap<String, Option<Vec<u8>>>,
}

/// Why a pack could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PackError {
    #[error("the update pack is damaged: {0}")]
    Damaged(String),
    #[error("the update pack is larger than {0} bytes unpacked")]
    TooLarge(u64),
}

impl Pack {
    pub fn file(&mut self, name: &str, bytes: Vec<u8>) {
        self.entries.insert(name.to_string(), Some(bytes));
    }

    pub fn absent(&mut self, name: &str) {
        self.entries.insert(name.to_string(), None);
    }

    /// The pack gzipped, as the hub sends it.
    pub fn encode(&self) -> Vec<u8> {
        let mut raw = MAGIC.to_vec();
        for (name, data) in &self.entries {
            raw.extend_from_slice(&(name.len() as u16).to_be_bytes());
            raw.extend_from_slice(name.as_bytes());
            match data {
                Some(d) => {
                    raw.push(0);
                    raw.extend_from_slice(&(d.len() as u32).to_be_bytes());
                    raw.extend_from_slice(d);
                }
                None => {
                    raw.push(1);
                    raw.extend_from_slice(&0u32.to_be_bytes());
                }
            }
        }
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        std::io::Write::write_all(&mut enc, &raw).expect("writing to memory");
        enc.finish().expect("writing to memory")
    }

    /// Reads a gzipped pack, refusing more than `limit` bytes unpacked.
    pub fn decode(gz: &[u8], limit: u64) -> Result<Pack, PackError> {
        let mut raw = Vec::new();
        flate2::read::GzDecoder::new(gz)
            .take(limit + 1)
            .read_to_end(&mut raw)
            .map_err(|e| PackError::Damaged(e.to_string()))?;
        if raw.len() as u64 > limit {
            return Err(PackError::TooLarge(limit));
        }
        let bad = |what: &str| PackError::Damaged(what.to_string());
        let rest = raw
            .strip_prefix(MAGIC)
            .ok_or_else(|| bad("no FYRPACK1 header"))?;
        let mut at = 0usize;
        let take = |at: &mut usize, n: usize| -> Result<&[u8], PackError> {
            let s = rest
                .get(*at..*at + n)
                .ok_or_else(|| PackError::Damaged("an entry is cut off".into()))?;
            *at += n;
            Ok(s)
        };
        let mut pack = Pack::default();
        while at < rest.len() {
            if pack.entries.len() == MAX_ENTRIES {
                return Err(bad("too many entries"));
            }
            let n = u16::from_be_bytes(take(&mut at, 2)?.try_into().expect("2 bytes")) as usize;
            let name = std::str::from_utf8(take(&mut at, n)?)
                .map_err(|_| bad("an entry's name is not UTF-8"))?
                .to_string();
            if !is_plain_path(&name) {
                return Err(PackError::Damaged(format!("entry name {name:?}")));
            }
            let kind = take(&mut at, 1)?[0];
            let len = u32::from_be_bytes(take(&mut at, 4)?.try_into().expect("4 bytes")) as usize;
            match kind {
                0 => {
                    let data = take(&mut at, len)?.to_vec();
                    pack.entries.insert(name, Some(data));
                }
                1 if len == 0 => {
                    pack.entries.insert(name, None);
                }
                _ => {
                    return Err(PackError::Damaged(format!(
                        "entry {name:?} has kind {kind}"
                    )))
                }
            }
        }
        Ok(pack)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pack_round_trips_and_names_what_is_absent() {
        let mut p = Pack::default();
        p.absent("metadata/3.root.json");
        p.file("metadata/timestamp.json", b"{\"signed\":{}}".to_vec());
        p.file("blobs/ab.gz", vec![0, 1, 2, 255]);
        let q = Pack::decode(&p.encode(), 1 << 20).unwrap();
        assert_eq!(q, p);
    }

    #[test]
    fn damaged_packs_are_refused_with_the_reason() {
        let mut p = Pack::default();
        p.file("metadata/timestamp.json", vec![7; 100]);
        let gz = p.encode();
        // Not gzip at all.
        assert!(matches!(
            Pack::decode(b"hello", 1000),
            Err(PackError::Damaged(_))
        ));
        // Cut off inside the gzip stream.
        assert!(Pack::decode(&gz[..gz.len() / 2], 1000).is_err());
        // Larger unpacked than allowed.
        assert_eq!(Pack::decode(&gz, 50), Err(PackError::TooLarge(50)));
        // A name that climbs out of the feed folder.
        let mut evil = Pack::default();
        evil.file("../secret", vec![1]);
        let e = Pack::decode(&evil.encode(), 1000).unwrap_err();
        assert!(e.to_string().contains("../secret"), "{e}");
    }

    #[test]
    fn the_have_query_round_trips_and_rejects_junk() {
        let h = Have {
            root: 2,
            snapshot: 14,
            targets: 9,
            content: 31,
            manifest: "EBC627EB1161695E86DA".into(),
        };
        let q = h.query();
        assert_eq!(q, "2.14.9.31.EBC627EB1161695E");
        let back = Have::parse(&q).unwrap();
        assert_eq!(back.manifest, "ebc627eb1161695e");
        assert_eq!((back.root, back.content), (2, 31));
        assert_eq!(Have::parse("1.2.3.4.").unwrap().manifest, "");
        for junk in [
            "",
            "1.2.3",
            "a.b.c.d.e",
            "1.2.3.4.zz",
            "1.2.3.4.5.6",
            "1.2.3.4.0123456789abcdef0",
        ] {
            assert!(Have::parse(junk).is_none(), "{junk}");
        }
    }
}
