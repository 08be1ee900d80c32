//! A device upload as the hub receives it: the body parsed, then every event
//! validated (incl. the privacy check of correction reports), as the hub
//! does before storing; no database.
#![no_main]
use fyr_hub::events;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(batch) = events::parse_batch(data) {
        for ev in &batch.events {
            if let Ok((_, _, payload)) = events::validate_event(ev) {
                // What is stored is canonical and valid again.
                let v: serde_json::Value = serde_json::from_str(&payload).unwrap();
                let again = serde_json::json!({"event_id": "x", "kind": ev["kind"], "payload": v});
                assert!(events::validate_event(&again).is_ok(), "{payload}");
            }
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = fyr_core::privacy::find_personal_data(text);
    }
});
