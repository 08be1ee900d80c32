//! The phone library's own tests: the exported object through its Rust face.

use super::*;

#[test]
fn a_panic_becomes_internal_error() {
    let r: Result<(), FyrError> = guard("test", || panic!("boom {}", 42));
    match r {
        Err(FyrError::Internal { message }) => {
            assert!(message.contains("boom 42"), "{message}")
        }
        other => panic!("expected Internal, got {other:?}"),
    }
    let r: Result<u8, FyrError> = guard("test", || Ok(7));
    assert_eq!(r, Ok(7));
}

fn query(text: &str, municipality: &str, at: &str, without: &[&str]) -> SearchQuery {
    SearchQuery {
        text: text.into(),
        municipality: Some(municipality.into()),
        groups: vec![],
        needs: vec![],
        forms: vec![],
        language: None,
        open_now: false,
        at: Some(at.into()),
        near: None,
        limit: 0,
        without: without.iter().map(|s| s.to_string()).collect(),
    }
}

/// A fresh install, as an app opens it: the fixed 112 action whatever the
/// query, the reading as removable chips, and a removed chip searched
/// again without that reading.
#[test]
fn search_full_carries_the_reading_and_the_fixed_emergency_action() {
    let d = tempfile::tempdir().unwrap();
    let core = FyrCore::open(d.path().display().to_string(), None, "sv".into()).unwrap();
    // Julafton 22:00 in Strömsund, typed without å/ä/ö.
    let r = core
        .search_full(query(
            "min man slar mig",
            "Stromsund",
            "2026-12-24T22:00:00+01:00",
            &[],
        ))
        .unwrap();
    assert_eq!(r.emergency.label, "Akut fara? Ring 112");
    assert_eq!(r.emergency.uri, "tel:112");
    assert!(
        r.understood.roles.contains(&"subjected".to_string()),
        "{:?}",
        r.understood
    );
    assert!(
        !r.understood.groups.contains(&"men".to_string()),
        "{:?}",
        r.understood
    );
    assert!(!r.understood.danger);
    assert!(
        r.understood.summary.starts_with("Tolkat som: "),
        "{}",
        r.understood.summary
    );
    assert!(r.understood.chips.iter().any(|c| c.key == "role:subjected"));
    assert!(!r.hits.is_empty());
    assert_ne!(
        r.hits[0].agency_kind, "emergency",
        "no danger now: 112 is the strip, not the first hit"
    );
    // The user removes the 'physical violence' chip.
    let again = core
        .search_full(query(
            "min man slar mig",
            "Stromsund",
            "2026-12-24T22:00:00+01:00",
            &["form:physical"],
        ))
        .unwrap();
    assert!(!again.understood.forms.contains(&"physical".to_string()));
    assert_eq!(again.emergency.number, "112");
    // Nothing typed: nothing read, the strip is still there.
    let empty = core
        .search_full(query("", "Ljungby", "2026-03-29T02:30:00+01:00", &[]))
        .unwrap();
    assert!(empty.understood.chips.is_empty() && empty.understood.summary.is_empty());
    assert_eq!(empty.emergency.label, "Akut fara? Ring 112");
    // An unknown municipality is a clear error, not an empty list.
    assert!(core
        .search_full(query("tolk", "Narnia", "2026-03-10T10:00:00+01:00", &[]))
        .is_err());
}
