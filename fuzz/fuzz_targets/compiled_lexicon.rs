//! The compiled lexicon kept beside the store (`lexicon.bin`) as a damaged
//! or foreign file may hold it: reading it gives a lexicon or None, never a
//! panic, and a lexicon it gives reads any text without one. The checksum
//! and the key are made right here, so the layout's own checks are what the
//! fuzzer meets.
#![no_main]
use fyr_core::routing::Lexicon;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The key the bytes say (after the magic), so that a mutated file is
    // read past its key check.
    let key = data
        .get(8..16)
        .map_or(0, |k| u64::from_le_bytes(k.try_into().unwrap()));
    let _ = Lexicon::from_bytes(data, key);
    // The same bytes with a checksum that fits them.
    let body = data.get(..data.len().saturating_sub(4)).unwrap_or(&[]);
    let mut b = body.to_vec();
    b.extend_from_slice(&crc32fast::hash(body).to_le_bytes());
    if let Some(l) = Lexicon::from_bytes(&b, key) {
        let _ = l.folded_words();
        for text in ["min man slar mig och barnen", "kvinnojour", "hon ar 15 ar"] {
            let _ = fyr_core::understand::read(&l, &|_| false, text, &[]);
        }
    }
});
