//! Snapshot and delta blobs: the gzip layer as downloaded, and (so the fuzzer
//! reaches the JSON and the records) the input gzipped here, then decoded
//! into a directory as a device applies it.
#![no_main]
use fyr_core::feed::{self, Delta, Snapshot};
use libfuzzer_sys::fuzz_target;

const LIMIT: u64 = 1 << 20;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let gz = if mode & 1 == 0 {
        rest.to_vec()
    } else {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut enc, rest).unwrap();
        enc.finish().unwrap()
    };
    if mode & 2 == 0 {
        if let Ok(s) = feed::decode_blob::<Snapshot>(&gz, LIMIT) {
            let _ = feed::records_digest(&s.records);
            let _ = feed::records_directory(&s.records);
        }
    } else if let Ok(d) = feed::decode_blob::<Delta>(&gz, LIMIT) {
        let _ = feed::records_directory(&d.upserts);
    }
});
