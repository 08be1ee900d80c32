//! The text index's tests: lookups built and read from a blob, the
//! postings' format, and damage found chunk by chunk.

use super::*;

fn words(n: usize) -> Vec<String> {
    let mut w: Vec<String> = (0..n)
        .map(|i| format!("{}{}", ["kvinno", "brotts", "jour", "ställe"][i % 4], i))
        .collect();
    w.sort();
    w
}

fn built(w: &[String]) -> TextIndex {
    let mut b = TextBuilder::new(w.len(), w.len() * 3);
    for (i, t) in w.iter().enumerate() {
        b.push(
            t,
            (0..(i % 5) as u32 + 1).map(|k| (k * 300 + i as u32, k as u8 + 1)),
        );
    }
    b.finish()
}

#[test]
fn every_term_is_found_with_its_postings_built_or_read_from_a_blob() {
    let w = words(100);
    let t = built(&w);
    let (n, dl, pl, bytes) = t.sections();
    let mut blob = b"head".to_vec();
    blob.extend_from_slice(bytes);
    let end = blob.len();
    blob.extend_from_slice(b"tail");
    let sums = crate::search::chunks::sums(&blob[4..end]);
    let r = TextIndex::from_blob(blob, 4, end, (n, dl, pl), 10_000, sums).unwrap();
    for ix in [&t, &r] {
        assert_eq!(ix.len(), 100);
        for (i, term) in w.iter().enumerate() {
            let c = ix.seek(term);
            assert_eq!(c.term(), term);
            let p: Vec<(u32, u8)> = c.postings().collect();
            assert_eq!(p.len(), i % 5 + 1, "{term}");
            assert_eq!(p[0], (i as u32, 1));
        }
        // Between terms, before the first and after the last.
        assert_eq!(ix.seek("a").term(), w[0]);
        assert!(!ix.seek("ö").valid());
        let c = ix.seek("jour");
        assert!(c.term().starts_with("jour"));
    }
}

#[test]
fn a_table_that_does_not_fit_its_sections_is_refused() {
    let t = built(&words(40));
    let (n, dl, pl, bytes) = t.sections();
    let blob = bytes.to_vec();
    let end = blob.len();
    let sums = crate::search::chunks::sums(&blob);
    let from = |b: Vec<u8>, counts| TextIndex::from_blob(b, 0, end, counts, 9, sums.clone());
    assert!(from(blob.clone(), (n + 20, dl, pl)).is_none());
    assert!(from(blob.clone(), (n, dl + 1, pl)).is_none());
    let mut bad = blob;
    let at = end - 8;
    bad[at..at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
    // (Its chunk's checksum is the written one: the offsets are refused.)
    let sums = crate::search::chunks::sums(&bad);
    assert!(TextIndex::from_blob(bad, 0, end, (n, dl, pl), 9, sums).is_none());
}

#[test]
fn postings_read_back_as_written_whatever_their_fields_and_gaps() {
    // Terms whose postings share one field, mostly one, or vary; gaps
    // of one byte and of several (a first position far in).
    let cases: Vec<(String, Vec<(u32, u8)>)> = vec![
        ("alla".into(), (0..50).map(|i| (i * 3, 8)).collect()),
        (
            "flest".into(),
            (0..50)
                .map(|i| (i * 70 + 1, if i % 7 == 0 { 1 | 16 } else { 16 }))
                .collect(),
        ),
        (
            "olika".into(),
            (0..31).map(|i| (20_000 + i * 200, i as u8 + 1)).collect(),
        ),
        ("ord".into(), vec![(70_000, 2)]),
    ];
    let mut b = TextBuilder::new(cases.len(), 200);
    for (t, p) in &cases {
        b.push(t, p.iter().copied());
    }
    let t = b.finish();
    let (n, dl, pl, bytes) = t.sections();
    let sums = crate::search::chunks::sums(bytes);
    let r =
        TextIndex::from_blob(bytes.to_vec(), 0, bytes.len(), (n, dl, pl), 100_000, sums).unwrap();
    for ix in [&t, &r] {
        for (term, p) in &cases {
            let got: Vec<(u32, u8)> = ix.seek(term).postings().collect();
            assert_eq!(&got, p, "{term}");
        }
    }
    // One byte a posting where the fields are the term's usual ones and
    // the gaps small, and the term's fields once.
    let mut one = TextBuilder::new(1, 50);
    one.push("alla", cases[0].1.iter().copied());
    assert_eq!(one.finish().sections().2, 1 + 50);
}

/// A byte flipped in one chunk: a term read from other chunks is found
/// as written; the term whose postings lie there reads as nothing and
/// the index says it is damaged; a check of every chunk says so too.
#[test]
fn a_damaged_chunk_is_found_by_the_read_that_meets_it_and_by_no_other() {
    let w = words(6000);
    let t = built(&w);
    let (n, dl, pl, bytes) = t.sections();
    assert!(bytes.len() > 4 * CHUNK, "{} bytes", bytes.len());
    let sums = crate::search::chunks::sums(bytes);
    let whole = TextIndex::from_blob(
        bytes.to_vec(),
        0,
        bytes.len(),
        (n, dl, pl),
        99_999,
        sums.clone(),
    )
    .unwrap();
    // A term whose postings lie in a chunk after the dictionary's, away
    // from the block table (read whole at open).
    let late = w
        .iter()
        .rev()
        .find(|t| {
            let at = whole.postings_at(t).unwrap();
            at / CHUNK > dl as usize / CHUNK + 1 && at / CHUNK + 1 < (dl + pl) as usize / CHUNK
        })
        .expect("a term in the middle of the postings");
    let at = whole.postings_at(late).unwrap();
    let mut bad = bytes.to_vec();
    bad[at] ^= 0x10;
    let r = TextIndex::from_blob(bad, 0, bytes.len(), (n, dl, pl), 99_999, sums).unwrap();
    assert!(!r.damaged(), "nothing is read at open but the block table");
    let early = &w[0];
    assert_eq!(
        r.seek(early).postings().count(),
        whole.seek(early).postings().count()
    );
    assert!(!r.damaged(), "{early} reads other chunks");
    assert_eq!(r.seek(late).postings().count(), 0);
    assert!(r.damaged(), "the read of {late} met the damage");
    assert!(!r.verify_all());
    assert!(whole.verify_all() && !whole.damaged());
}
