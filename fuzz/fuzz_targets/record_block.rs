//! A stored block of records (store::blocks) as a damaged file may hold it:
//! reading one record or every record names the damage, never panics, never
//! allocates what the bytes do not hold.
#![no_main]
use fyr_core::store::blocks;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&cut, rest)) = data.split_first() else {
        return;
    };
    // The id looked for: a prefix of the rest (often one the block holds).
    let (id, packed) = rest.split_at((cut as usize).min(rest.len()) / 8);
    let id = String::from_utf8_lossy(id);
    let _ = blocks::find(packed, &id);
    let _ = blocks::decode(packed);
});
