//! The signed manifest: the raw file as a device downloads it, and (so the
//! fuzzer gets past the signature) the input signed with a fixed key, then
//! the checks a device runs against what it has.
#![no_main]
use ed25519_dalek::SigningKey;
use fyr_core::feed;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let key = SigningKey::from_bytes(&[42; 32]);
    let trusted = [key.verifying_key()];
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let file = if mode & 1 == 0 {
        rest.to_vec()
    } else {
        feed::sign_manifest_bytes(rest, &key)
    };
    if let Ok(m) = feed::verify_manifest(&file, &trusted) {
        let now = chrono::DateTime::from_timestamp(1_780_000_000, 0).unwrap();
        let _ = feed::check_manifest(&m, "", 0, "", now);
        let _ = feed::check_manifest(&m, &m.feed_id, m.version, "x", now);
        let _ = m.snapshot.rel_path();
        for d in &m.deltas {
            let _ = d.blob.rel_path();
        }
    }
});
