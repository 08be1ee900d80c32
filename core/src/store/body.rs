//! Record bodies at rest: compressed, so the store holds each record's text
//! once and compactly (the search index holds only terms and postings).
//!
//! A body is stored as a BLOB `[1] ++ raw deflate` of its JSON, compressed
//! after a fixed dictionary of the records' structure (keys and vocabulary
//! words, no content): flate2's pure-Rust backend has no preset-dictionary
//! call, so the dictionary is fed through the compressor first and flushed
//! to a byte boundary, and only what follows is kept. Decoding puts the
//! dictionary back in front as a stored (uncompressed) deflate block, which
//! gives the inflater the same history. A TEXT body (a store written by an
//! older app) is read as it is.
//!
//! Written by hand (a few lines over flate2, which the tree already has)
//! because no crate in the tree offers a dictionary with miniz_oxide.

use crate::error::{Error, Result};
use flate2::{Compress, Compression, Decompress, FlushCompress, FlushDecompress, Status};
use rusqlite::types::ValueRef;

/// Format 1: raw deflate after [`DICT_V1`]. Never change this dictionary:
/// stored bodies need it to be read; a new one takes a new format byte.
const FORMAT_V1: u8 = 1;

/// The records' structure: keys and vocabulary values, nothing of any
/// organisation's content. Most useful bytes last (deflate prefers near
/// matches).
const DICT_V1: &[u8] = br#"{"code":"","name":"","county_code":"","county_name":"","localities":[],"lat":,"lon":}{"id":"","name":{"sv":"","en":""},"kind":"","agency_kind":"","web":"https://www.","email":"","source":"unverified: ","verified_on":"2026-"}
"groups":["everyone","women","men","children","youth","lgbtq","elderly","disability","foreign_born","perpetrators","relatives","professionals"],
"needs":["acute_danger","protected_housing","counselling","legal_support","medical_care","financial_support","report_crime","child_support","perpetrator_help","information"],
"forms":["physical","psychological","sexual","latent","digital","economic","material","neglect","honour","prostitution_trafficking"],
"hours":"mon-fri 08:00-16:00; closed-holidays","hours":"oncall: mon-thu 16:30-08:00; fri 15:00-mon 08:00; holidays 00:00-24:00","hours":"24/7",
"phones":[{"number":"","kind":"voice","label":{"sv":"","en":""}},{"number":"","kind":"sms"},{"number":"","kind":"chat"}],
{"id":"","organization":"","name":{"sv":"","en":""},"description":{"sv":"","en":""},"area":{"kind":"national"},"area":{"kind":"county","code":""},"area":{"kind":"municipalities","codes":[""]},"groups":["everyone"],"needs":[],"forms":[],"languages":["sv","en"],"phones":[{"number":"","kind":"voice","label":{"sv":"","en":""}}],"web":"https://www.","hours":"","location":{"municipality":"","lat":,"lon":},"confidential_address":false,"source":"","demo":false,"tags":[""]}"#;

/// deflate's level for one record: the fast one. Records this short gain
/// little from a higher one.
const LEVEL: u32 = 1;

/// A record's JSON as it is stored on its own (the index's delta rows; a
/// store before schema v6 kept every record so).
pub fn pack(json: &str) -> Vec<u8> {
    deflate_after_dict(FORMAT_V1, LEVEL, json.as_bytes())
}

/// `bytes` as `[format] ++ raw deflate` after [`DICT_V1`] at `level` (the
/// record blocks use it too, with their own format byte: store::blocks).
pub(super) fn deflate_after_dict(format: u8, level: u32, bytes: &[u8]) -> Vec<u8> {
    let mut c = Compress::new(Compression::new(level), false);
    let mut out = Vec::with_capacity(bytes.len() / 2 + DICT_V1.len() + 64);
    run(&mut c, DICT_V1, &mut out, FlushCompress::Sync);
    let skip = out.len();
    run(&mut c, bytes, &mut out, FlushCompress::Finish);
    let mut v = Vec::with_capacity(out.len() - skip + 1);
    v.push(format);
    v.extend_from_slice(&out[skip..]);
    v
}

/// The bytes [`deflate_after_dict`] was given (`packed` without its format
/// byte); None when they do not inflate.
pub(super) fn inflate_after_dict(packed: &[u8]) -> Option<Vec<u8>> {
    with_inflated(packed, <[u8]>::to_vec)
}

/// The most of an inflate buffer a thread keeps between calls.
const KEEP_AT_MOST: usize = 256 * 1024;

thread_local! {
    /// This thread's inflater and output buffer, kept between calls: a
    /// first query inflates tens of blocks, and a fresh inflater each time
    /// cost its allocation (state and a 32 KiB window, each page touched
    /// anew) and a reader's byte-at-a-time calls.
    static INFLATE: std::cell::RefCell<(Option<Decompress>, Vec<u8>)> =
        const { std::cell::RefCell::new((None, Vec::new())) };
}

/// This thread's inflater made, its window and buffer written through
/// (the dictionary inflated), ahead of the blocks a first query inflates:
/// the helper thread does this while the store opens (`par::warm`).
pub fn warm() {
    let _ = with_inflated_until(&[], |_, _| Some(()));
}

/// `f` over the bytes [`deflate_after_dict`] was given (`packed` without
/// its format byte), inflated whole into this thread's buffer; None when
/// they do not inflate (damage, or a stream cut short). The dictionary goes
/// in front as a stored (uncompressed) deflate block, which gives the
/// inflater the same history; `f` sees only what follows it. Not reentrant
/// (`f` must not inflate).
pub(super) fn with_inflated<R>(packed: &[u8], f: impl FnOnce(&[u8]) -> R) -> Option<R> {
    let mut f = Some(f);
    with_inflated_until(packed, |all, ended| match ended {
        true => f.take().map(|f| f(all)),
        false => None,
    })
}

/// Output inflated at a time by [`with_inflated_until`].
const STEP: usize = 4096;

/// As [`with_inflated`], step by step: `f` is given what is inflated so
/// far (after the dictionary) and whether that is all of it, and the
/// inflating stops at its first answer (a record found in the first part of
/// a block costs only that part). None when the bytes do not inflate as far
/// as `f` needs, or when `f` has no answer at the stream's end. Bytes after
/// the stream's end are damage when the inflating reaches it; what lies past
/// the answer is not read (its damage is found by the read that needs it).
pub(super) fn with_inflated_until<R>(
    packed: &[u8],
    mut f: impl FnMut(&[u8], bool) -> Option<R>,
) -> Option<R> {
    // The dictionary as a stored block, not the last: its length and the
    // length's complement.
    let n = DICT_V1.len() as u16;
    let mut head = [0u8; 5];
    head[1..3].copy_from_slice(&n.to_le_bytes());
    head[3..5].copy_from_slice(&(!n).to_le_bytes());
    INFLATE.with_borrow_mut(|(d, out)| {
        let d = d.get_or_insert_with(|| Decompress::new(false));
        d.reset(false);
        out.clear();
        out.reserve(DICT_V1.len() + STEP);
        for input in [&head[..], DICT_V1] {
            if feed(d, input, out)? {
                return None;
            }
        }
        if out.len() != DICT_V1.len() {
            return None;
        }
        let mut input = packed;
        let r = loop {
            let (before_in, before_out, at) = (d.total_in(), d.total_out(), out.len());
            // At most STEP bytes of output this step.
            out.resize(at + STEP, 0);
            let st = d.decompress(input, &mut out[at..], FlushDecompress::None);
            out.truncate(at + (d.total_out() - before_out) as usize);
            let Ok(st) = st else { break None };
            input = &input[(d.total_in() - before_in) as usize..];
            let ended = match st {
                Status::StreamEnd => {
                    if !input.is_empty() {
                        break None;
                    }
                    true
                }
                // No progress: the stream is cut short.
                _ if out.len() == at && d.total_in() == before_in => break None,
                _ => false,
            };
            if let Some(r) = f(&out[DICT_V1.len()..], ended) {
                break Some(r);
            }
            if ended {
                break None;
            }
        };
        if out.capacity() > KEEP_AT_MOST {
            *out = Vec::new();
        }
        r
    })
}

/// Feeds all of `input` to `d`, growing `out` as needed: whether the stream
/// ended (None: the bytes are not deflate, or the stream ended early).
fn feed(d: &mut Decompress, mut input: &[u8], out: &mut Vec<u8>) -> Option<bool> {
    loop {
        if out.len() == out.capacity() {
            out.reserve(out.capacity().max(4096));
        }
        let before = d.total_in();
        let st = d.decompress_vec(input, out, FlushDecompress::None).ok()?;
        input = &input[(d.total_in() - before) as usize..];
        match st {
            Status::StreamEnd => return input.is_empty().then_some(true),
            _ if input.is_empty() && out.len() < out.capacity() => return Some(false),
            Status::BufError if out.len() < out.capacity() => return None,
            _ => {}
        }
    }
}

fn run(c: &mut Compress, mut input: &[u8], out: &mut Vec<u8>, flush: FlushCompress) {
    loop {
        if out.capacity() - out.len() < 64 {
            out.reserve(out.capacity().max(256));
        }
        let before = c.total_in();
        let st = c
            .compress_vec(input, out, flush)
            .expect("deflate of an in-memory buffer");
        input = &input[(c.total_in() - before) as usize..];
        let done = match flush {
            FlushCompress::Finish => st == Status::StreamEnd,
            _ => input.is_empty() && out.len() < out.capacity(),
        };
        if done {
            return;
        }
    }
}

/// The JSON of a stored body (compressed or, from an older app, as text).
pub fn unpack(v: ValueRef<'_>) -> Result<String> {
    let bad = |why: &str| Error::Damaged(format!("a record body is damaged ({why})"));
    match v {
        ValueRef::Text(t) => Ok(std::str::from_utf8(t)
            .map_err(|_| bad("not UTF-8"))?
            .to_string()),
        ValueRef::Blob(b) if b.first() == Some(&FORMAT_V1) => {
            let out = inflate_after_dict(&b[1..]).ok_or_else(|| bad("does not inflate"))?;
            String::from_utf8(out).map_err(|_| bad("not UTF-8"))
        }
        _ => Err(bad("unknown format")),
    }
}

/// [`unpack`] for a row's column, as a rusqlite error (for row closures).
pub fn column(r: &rusqlite::Row<'_>, i: usize) -> rusqlite::Result<String> {
    unpack(r.get_ref(i)?).map_err(|e| {
        rusqlite::Error::FromSqlConversionFailure(i, rusqlite::types::Type::Blob, Box::new(e))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_body_comes_back_as_it_went_in_and_smaller() {
        // The exact sizes depend on the deflate backend cargo unifies into
        // the build (miniz_oxide on a phone, another in a workspace build):
        // every body comes back exactly, none grows by more than the
        // format's few bytes, and the whole directory shrinks by a third.
        let (mut raw, mut packed) = (0, 0);
        for r in crate::bundle::embedded_records().unwrap() {
            let p = pack(&r.body);
            assert_eq!(unpack(ValueRef::Blob(&p)).unwrap(), r.body, "{}", r.id);
            assert!(
                p.len() <= r.body.len() + 16,
                "{} {} {}",
                r.id,
                p.len(),
                r.body.len()
            );
            raw += r.body.len();
            packed += p.len();
        }
        assert!(packed < raw * 2 / 3, "{packed} of {raw}");
        // Empty and long bodies too.
        assert_eq!(unpack(ValueRef::Blob(&pack(""))).unwrap(), "");
        let long = "å".repeat(100_000);
        assert_eq!(unpack(ValueRef::Blob(&pack(&long))).unwrap(), long);
    }

    #[test]
    fn an_older_apps_text_body_is_read_as_it_is() {
        assert_eq!(unpack(ValueRef::Text(b"{\"a\":1}")).unwrap(), "{\"a\":1}");
    }

    #[test]
    fn a_damaged_body_is_named_damaged() {
        let mut p = pack(r#"{"id":"ljungby-kvinnojour","name":{"sv":"Kvinnojouren"}}"#);
        for b in p.iter_mut().skip(3) {
            *b = 0xff;
        }
        let e = unpack(ValueRef::Blob(&p)).unwrap_err();
        assert!(crate::store::is_corruption(&e), "{e}");
        assert!(unpack(ValueRef::Blob(&[9, 1, 2])).is_err());
        assert!(unpack(ValueRef::Integer(3)).is_err());
    }
}
