//! The opening-hours syntax, and the questions a device asks of a parsed
//! schedule (open now? next change?) at instants that matter: julafton
//! evening, a DST night, midsummer, a new year's midnight.
#![no_main]
use fyr_core::schedule::Schedule;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(s) = Schedule::parse(text) else {
        return;
    };
    for t in [
        "2026-12-24T21:00:00Z",
        "2026-03-29T01:30:00Z",
        "2026-10-25T00:30:00Z",
        "2026-06-19T10:00:00Z",
        "2026-12-31T23:00:00Z",
    ] {
        let at: chrono::DateTime<chrono::Utc> = t.parse().unwrap();
        let _ = s.is_open(at);
        let _ = s.next_change(at);
    }
});
