//! A delta applied in place answers every query exactly as the same change
//! applied as a snapshot (a full rebuild of the index) does.

use super::{reindex, ContentPosition};
use crate::api::Fyr;
use crate::feed::{Record, RecordKind};
use crate::model::{Service, ServiceArea};
use crate::search::SearchQuery;
use crate::vocab::{Group, Need};
use chrono::{TimeZone, Utc};

use super::test_support::{all_records, open};

fn service(records: &[Record], id: &str) -> Service {
    records
        .iter()
        .find(|r| r.kind == RecordKind::Service && r.id == id)
        .unwrap_or_else(|| panic!("no {id}"))
        .decode()
        .unwrap()
}

/// What people type and pick, at instants that matter (a weekday evening,
/// julafton 22:00, the night clocks go back).
fn queries() -> Vec<SearchQuery> {
    let texts = [
        "kvinnojour",
        "kvinnojouren ljungby",
        "min man slår mig",
        "jag blev slagen igår",
        "barn som far illa",
        "hedersvald",
        "skyddat boende",
        "polis",
        "ostersund",
        "harjedalen",
        "kvinnof",
        "trygghetsboende",
        "nattoppet stodsamtal",
        "våldtäkt",
        "tolk arabiska",
        "brottsoffer",
        "socialjouren",
        "akut",
    ];
    let instants = [
        Utc.with_ymd_and_hms(2026, 11, 24, 20, 0, 0).unwrap(),
        Utc.with_ymd_and_hms(2026, 12, 24, 21, 0, 0).unwrap(),
        Utc.with_ymd_and_hms(2026, 10, 25, 1, 30, 0).unwrap(),
    ];
    let mut out = Vec::new();
    for at in instants {
        for t in texts {
            out.push(SearchQuery {
                text: Some(t.into()),
                at: Some(at),
                ..Default::default()
            });
        }
        for muni in ["Ljungby", "Berg", "ostersund", "Växjö", "Stromsund"] {
            out.push(SearchQuery {
                municipality: Some(muni.into()),
                open_now: true,
                at: Some(at),
                ..Default::default()
            });
            out.push(SearchQuery {
                text: Some("jour".into()),
                municipality: Some(muni.into()),
                at: Some(at),
                ..Default::default()
            });
        }
        out.push(SearchQuery {
            needs: vec![Need::ProtectedHousing],
            groups: vec![Group::Women],
            at: Some(at),
            ..Default::default()
        });
        out.push(SearchQuery {
            near: Some((62.39, 17.31)),
            at: Some(at),
            limit: 100,
            ..Default::default()
        });
        out.push(SearchQuery {
            near: Some((56.83, 13.94)),
            language: Some("ar".into()),
            at: Some(at),
            ..Default::default()
        });
        out.push(SearchQuery {
            at: Some(at),
            limit: 1000,
            ..Default::default()
        });
    }
    out
}

#[test]
fn a_delta_applied_in_place_answers_as_a_full_rebuild_does() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    drop(open(a.path()));
    for f in [super::DIRECTORY_FILE, super::DEVICE_FILE] {
        std::fs::copy(a.path().join(f), b.path().join(f)).unwrap();
    }
    let fa = open(a.path());
    let before = all_records(&fa);

    // The next version: one service reworded, re-timed and given a language
    // and another municipality; one closed down; two new ones (ids sorting
    // first and last) in existing places.
    let mut changed = service(&before, "kvinnojouren-ljungby");
    changed
        .description
        .sv
        .push_str(" Nu även trygghetsboende och nattöppet stödsamtal.");
    changed.hours = "mon-fri 08:00-22:00; closed-holidays".into();
    changed.languages.push("ar".into());
    if let ServiceArea::Municipalities { codes } = &mut changed.area {
        codes.push("2361".into());
    }
    let mut first = service(&before, "kvinnojouren-ostersund");
    first.id = "aaa-jour-harjedalen".into();
    first.name.sv = "Stödlinjen i Härjedalen".into();
    let mut last = service(&before, "socialjour-vaxjo");
    last.id = "zzz-trygghetsboende".into();
    last.name.sv = "Trygghetsboende Växjö".into();
    let upserts = vec![
        Record::new(RecordKind::Service, changed.id.clone(), &changed),
        Record::new(RecordKind::Service, first.id.clone(), &first),
        Record::new(RecordKind::Service, last.id.clone(), &last),
    ];
    let deletes = vec![(RecordKind::Service, "kvinnojouren-alvesta".to_string())];
    assert!(reindex::can_update(&upserts, &deletes, false), "in place");
    {
        // The store's index is the one the update starts from (else apply
        // would fall back to a rebuild and this test would prove nothing).
        let mut c = fa.store().dir();
        let tx = c.transaction().unwrap();
        let ix = fa.store().index();
        let ids = reindex::touched_services(&upserts, &deletes);
        assert!(reindex::update_index(&tx, &ix, &ids, None)
            .unwrap()
            .is_some());
    }

    let pos = fa.store().position().unwrap();
    let next = ContentPosition {
        version: pos.version + 1,
        digest: String::new(),
        ..pos
    };
    fa.store().apply(&next, upserts, deletes, false).unwrap();
    let after = all_records(&fa);
    assert_eq!(after.len(), before.len() + 1);

    // The same change as a snapshot (the full rebuild) on a copy of the
    // store as it was.
    let fb = open(b.path());
    fb.store()
        .apply(&next, after.clone(), vec![], true)
        .unwrap();
    assert_eq!(
        fa.store().position().unwrap().digest,
        fb.store().position().unwrap().digest
    );

    let qs = queries();
    let mut compared = 0;
    for q in &qs {
        let ha = fa.search(q).unwrap();
        let hb = fb.search(q).unwrap();
        assert_eq!(
            serde_json::to_value(&ha).unwrap(),
            serde_json::to_value(&hb).unwrap(),
            "{q:?}"
        );
        compared += ha.len();
    }
    assert!(compared > 500, "the queries find things: {compared}");
    // The change is found, the closed one is gone, the new ones are there.
    let hits = super::test_support::ids;
    let t = hits(&fa, "trygghetsboende");
    assert!(t.contains(&"kvinnojouren-ljungby".to_string()), "{t:?}");
    assert!(t.contains(&"zzz-trygghetsboende".to_string()), "{t:?}");
    assert!(!hits(&fa, "kvinnojour").contains(&"kvinnojouren-alvesta".to_string()));
    assert!(hits(&fa, "harjedalen").contains(&"aaa-jour-harjedalen".to_string()));
    for id in [
        "kvinnojouren-ljungby",
        "aaa-jour-harjedalen",
        "zzz-trygghetsboende",
    ] {
        let at = Some(Utc.with_ymd_and_hms(2026, 12, 24, 21, 0, 0).unwrap());
        assert_eq!(
            serde_json::to_value(fa.show(id, at, None).unwrap()).unwrap(),
            serde_json::to_value(fb.show(id, at, None).unwrap()).unwrap(),
            "{id}"
        );
    }
    // Reopened from the stored index, it still answers the same.
    drop(fa);
    let fa = open(a.path());
    for q in &qs {
        assert_eq!(
            serde_json::to_value(fa.search(q).unwrap()).unwrap(),
            serde_json::to_value(fb.search(q).unwrap()).unwrap(),
            "{q:?}"
        );
    }
}

#[test]
fn a_changed_organization_or_a_snapshot_rebuilds_whole() {
    let r = |k| Record {
        kind: k,
        id: "x".into(),
        body: "{}".into(),
    };
    assert!(!reindex::can_update(
        &[r(RecordKind::Organization)],
        &[],
        false
    ));
    assert!(!reindex::can_update(
        &[],
        &[(RecordKind::Municipality, "0780".into())],
        false
    ));
    assert!(!reindex::can_update(&[r(RecordKind::Service)], &[], true));
    assert!(reindex::can_update(
        &[r(RecordKind::Service), r(RecordKind::HelpCard)],
        &[],
        false
    ));
}

#[test]
fn an_index_in_an_older_format_is_rebuilt_from_the_records_not_taken_for_damage() {
    let d = tempfile::tempdir().unwrap();
    let f = open(d.path());
    let synced = super::test_support::next_version(&f);
    f.store()
        .apply(
            &synced,
            vec![],
            vec![(RecordKind::Service, "kvinnojouren-alvesta".into())],
            false,
        )
        .unwrap();
    drop(f);
    {
        // An index file in another format (an older or newer app's): the
        // same file under the previous tag.
        let file = super::test_support::index_file(d.path());
        let mut blob: Vec<u8> = std::fs::read(&file).unwrap();
        blob[..6].copy_from_slice(b"FYRIX6");
        std::fs::write(&file, blob).unwrap();
    }
    super::test_support::kept(&open(d.path()), &synced);
}

#[test]
fn edits_in_place_over_many_syncs_answer_as_a_full_rebuild_does_and_share_the_text_index() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    drop(open(a.path()));
    for f in [super::DIRECTORY_FILE, super::DEVICE_FILE] {
        std::fs::copy(a.path().join(f), b.path().join(f)).unwrap();
    }
    let fa = open(a.path());
    let fb = open(b.path());
    let mut qs = queries();
    let at = Some(Utc.with_ymd_and_hms(2026, 12, 24, 21, 0, 0).unwrap());
    // The words the edits take away and bring (as typed, some as prefixes).
    for t in [
        "kvinnojouren ljungby",
        "sunnerbo",
        "sunn",
        "stodcentrum",
        "stodsamtal",
        "jour ljungby",
        "nattjour",
        "hedersrelaterat",
        "lattlast",
    ] {
        qs.push(SearchQuery {
            text: Some(t.into()),
            at,
            ..Default::default()
        });
    }
    let same = |fa: &Fyr, fb: &Fyr, step: &str| {
        let mut found = 0;
        for q in &qs {
            let ha = fa.search(q).unwrap();
            assert_eq!(
                serde_json::to_value(&ha).unwrap(),
                serde_json::to_value(fb.search(q).unwrap()).unwrap(),
                "{step}: {q:?}"
            );
            found += ha.len();
        }
        assert!(found > 500, "{step}: the queries find things: {found}");
    };
    // A coordinator's weeks: each sync edits one or two services that stay
    // (renamed so old words vanish, re-described, re-timed); one service is
    // edited again and again. More syncs than the deltas kept before the
    // index blob is written whole.
    type Edit = (&'static str, Box<dyn Fn(&mut Service)>);
    let edits: Vec<Edit> = vec![
        (
            "kvinnojouren-ljungby",
            Box::new(|s| s.name.sv = "Stödcentrum Sunnerbo".into()),
        ),
        (
            "socialjour-vaxjo",
            Box::new(|s| s.description.sv.push_str(" Nattjour alla dagar.")),
        ),
        (
            "kvinnojouren-ljungby",
            Box::new(|s| s.description.sv = "Stödsamtal, lättläst information.".into()),
        ),
        (
            "kvinnojouren-ostersund",
            Box::new(|s| s.hours = "mon-sun 00:00-24:00".into()),
        ),
        (
            "kvinnojouren-ljungby",
            Box::new(|s| s.name.sv = "Kvinnojouren Sunnerbo".into()),
        ),
        (
            "kvinnojouren-alvesta",
            Box::new(|s| s.description.sv.push_str(" Hedersrelaterat våld.")),
        ),
        (
            "socialjour-vaxjo",
            Box::new(|s| s.description.sv = "Socialjouren i Växjö.".into()),
        ),
        (
            "kvinnojouren-ljungby",
            Box::new(|s| s.languages.push("ar".into())),
        ),
        (
            "kvinnojouren-ostersund",
            Box::new(|s| s.name.sv.push_str(" (Jämtland)")),
        ),
        (
            "kvinnojouren-alvesta",
            Box::new(|s| s.name.sv = "Alvesta stödcentrum".into()),
        ),
    ];
    for (i, pair) in edits.chunks(2).enumerate() {
        let before = fa.store().index();
        let records = all_records(&fa);
        let mut upserts = Vec::new();
        for (id, edit) in pair {
            let mut s = service(&records, id);
            edit(&mut s);
            // Both edits of a pair may touch one service: the later wins.
            upserts.retain(|r: &Record| r.id != *id);
            upserts.push(Record::new(RecordKind::Service, id.to_string(), &s));
        }
        let pos = fa.store().position().unwrap();
        let next = ContentPosition {
            version: pos.version + 1,
            digest: String::new(),
            ..pos
        };
        fa.store().apply(&next, upserts, vec![], false).unwrap();
        let after = fa.store().index();
        let deltas: i64 = fa
            .store()
            .dir()
            .query_row("SELECT count(*) FROM index_delta", [], |r| r.get(0))
            .unwrap();
        if deltas > 0 {
            assert!(
                std::sync::Arc::ptr_eq(&before.text, &after.text),
                "sync {i}: an edit in place shares the text index, it is not copied"
            );
        }
        fb.store()
            .apply(&next, all_records(&fa), vec![], true)
            .unwrap();
        assert_eq!(
            fa.store().position().unwrap().digest,
            fb.store().position().unwrap().digest
        );
        same(&fa, &fb, &format!("sync {i}"));
        for id in [
            "kvinnojouren-ljungby",
            "socialjour-vaxjo",
            "kvinnojouren-alvesta",
        ] {
            assert_eq!(
                serde_json::to_value(fa.show(id, at, None).unwrap()).unwrap(),
                serde_json::to_value(fb.show(id, at, None).unwrap()).unwrap(),
                "sync {i}: {id}"
            );
        }
    }
    // Renamed away: its old name no longer finds it, the new one does.
    let ids = |t: &str| super::test_support::ids(&fa, t);
    assert!(ids("sunnerbo").contains(&"kvinnojouren-ljungby".to_string()));
    assert!(ids("stodcentrum").contains(&"kvinnojouren-alvesta".to_string()));
    // Reopened (the index file written whole at the eighth sync, and the deltas
    // since replayed on it), it still answers the same.
    drop(fa);
    let fa = open(a.path());
    same(&fa, &fb, "reopened");
}
