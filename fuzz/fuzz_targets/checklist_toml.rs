//! A checklist file as a coordinator writes it: TOML, parsed and validated.
#![no_main]
use fyr_core::checklist::Checklist;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(c) = Checklist::from_toml("fuzz.toml", text) {
        // What a valid checklist round-trips through (the feed carries JSON).
        let back = Checklist::from_json("fuzz.json", &c.to_json());
        assert!(back.is_ok(), "a valid checklist did not survive JSON: {back:?}");
    }
});
