//! Screening sessions through the facade: versions, restarts, old seals, overrides, keys, referrals.
use super::*;
use crate::api::OpenOptions;

fn open(dir: &std::path::Path) -> Fyr {
    Fyr::open(OpenOptions {
        data_dir: dir.into(),
        key: Some([7u8; 32]),
        lang: Lang::Sv,
    })
    .unwrap()
}

#[test]
fn a_session_in_progress_keeps_its_checklist_version_when_a_newer_one_arrives() {
    let d = tempfile::tempdir().unwrap();
    let f = open(d.path());
    let now = Utc::now();
    let v = f.start_screening("routine", Some("Åre"), now).unwrap();
    let pinned = v.version;
    let first = v.next_item.unwrap().id;
    f.answer(&v.session_id, &first, Answer::No, now).unwrap();
    // A newer routine checklist arrives (as by sync), with one question fewer.
    let mut c = f.checklist("routine").unwrap();
    c.version = pinned + 1;
    c.sections[0].items.retain(|i| i.id == first);
    c.key_items.retain(|k| *k == first);
    let pos = f.position().unwrap();
    f.store
        .apply(
            &crate::store::ContentPosition {
                version: pos.version + 1,
                digest: String::new(),
                ..pos
            },
            vec![crate::feed::Record::new(
                crate::feed::RecordKind::Checklist,
                "routine",
                &c,
            )],
            vec![],
            false,
        )
        .unwrap();
    assert_eq!(f.checklist("routine").unwrap().version, pinned + 1);
    drop(f);
    // After a restart the session resumes on version 1.
    let f = open(d.path());
    let v = f.screening(&v.session_id).unwrap();
    assert_eq!(v.version, pinned);
    assert!(v.visible > 1);
    let out = f
        .complete_screening(&v.session_id, None, None, now)
        .unwrap();
    assert_eq!(out.version, pinned);
    let stat = &f.outbox().unwrap()[0].event.payload;
    assert_eq!(stat["checklist_version"], pinned);
    // A new session gets the newer version.
    assert_eq!(
        f.start_screening("routine", None, now).unwrap().version,
        pinned + 1
    );
}

#[test]
fn a_completed_result_is_given_again_after_a_restart() {
    let d = tempfile::tempdir().unwrap();
    let f = open(d.path());
    let now = Utc::now();
    let v = f.start_screening("routine", Some("Åre"), now).unwrap();
    let first = v.next_item.unwrap().id;
    f.answer(&v.session_id, &first, Answer::Yes, now).unwrap();
    // Not completed yet: no result to give, and the error says so.
    let err = f.screening_result(&v.session_id, now).unwrap_err();
    assert!(err.to_string().contains("not completed"), "{err}");
    let done = f
        .complete_screening(&v.session_id, None, Some("anteckning".into()), now)
        .unwrap();
    // The process ends; the result comes back from the sealed record.
    drop(f);
    let f = open(d.path());
    let again = f.screening_result(&v.session_id, now).unwrap();
    assert_eq!(again.session_id, done.session_id);
    assert_eq!(again.level, done.level);
    assert_eq!(again.level_label, done.level_label);
    assert_eq!(again.score, done.score);
    assert_eq!(again.red_flags, done.red_flags);
    assert_eq!(again.actions, done.actions);
    assert_eq!(again.unanswered, done.unanswered);
    assert_eq!(again.missing_key, done.missing_key);
    let ids = |o: &ScreeningOutcome| o.referrals.iter().map(|h| h.id.clone()).collect::<Vec<_>>();
    assert!(!again.referrals.is_empty());
    assert_eq!(ids(&again), ids(&done));
    // Only one statistics record: giving the result again sends nothing.
    assert_eq!(f.outbox().unwrap().len(), 1);
    // An unknown session is an error that names it.
    let err = f.screening_result("no-such-session", now).unwrap_err();
    assert!(err.to_string().contains("no-such-session"), "{err}");
}

#[test]
fn a_session_sealed_by_an_older_version_still_opens_and_completes() {
    // An app update in the middle of a screening: the sealed checklist
    // has no subject, key items or acute levels, the result no
    // not_assessed fields.
    let d = tempfile::tempdir().unwrap();
    let f = open(d.path());
    let now = Utc::now();
    let v = f
        .start_screening("adult-risk", Some("Ljungby"), now)
        .unwrap();
    f.answer(&v.session_id, "physical_violence", Answer::Yes, now)
        .unwrap();
    let key = f.seal_key().unwrap();
    let blob = device::get_session(&f.store.dev(), &v.session_id)
        .unwrap()
        .unwrap();
    let plain = crypto::open(&key, v.session_id.as_bytes(), &blob).unwrap();
    let mut old: serde_json::Value = serde_json::from_slice(&plain).unwrap();
    let c = old["checklist"].as_object_mut().unwrap();
    c.remove("subject");
    c.remove("key_items");
    for l in c["levels"].as_array_mut().unwrap() {
        l.as_object_mut().unwrap().remove("acute");
    }
    let blob = crypto::seal(
        &key,
        v.session_id.as_bytes(),
        &serde_json::to_vec(&old).unwrap(),
    );
    device::put_session(&f.store.dev(), &v.session_id, &blob).unwrap();
    drop(f);
    let f = open(d.path());
    assert_eq!(f.screenings().unwrap().len(), 1);
    let view = f.screening(&v.session_id).unwrap();
    assert_eq!(view.answered, 1);
    assert!(
        !view.next_item.unwrap().key,
        "no key items in the old definition"
    );
    let out = f
        .complete_screening(&v.session_id, None, None, now)
        .unwrap();
    assert_eq!(
        out.level, "low",
        "the old behaviour, on the version it started on"
    );
    assert!(out.missing_key.is_empty());
}

#[test]
fn override_levels_follow_the_result() {
    let d = tempfile::tempdir().unwrap();
    let f = open(d.path());
    let now = Utc::now();
    let v = f.start_screening("adult-risk", None, now).unwrap();
    let ids = |f: &Fyr| -> Vec<String> {
        f.override_levels(&v.session_id)
            .unwrap()
            .into_iter()
            .map(|l| l.id)
            .collect()
    };
    // Nothing answered: not assessed; never "low".
    assert_eq!(ids(&f), ["elevated", "high", "acute"]);
    let first = f.override_levels(&v.session_id).unwrap();
    assert_eq!(first[0].label_sv, "Förhöjd risk");
    assert_eq!(first[0].label_en, "Elevated risk");
    assert!(first[2].acute);
    f.answer(&v.session_id, "strangulation", Answer::Yes, now)
        .unwrap();
    assert_eq!(ids(&f), ["acute"]);
    f.answer(&v.session_id, "danger_now", Answer::Yes, now)
        .unwrap();
    assert!(ids(&f).is_empty());
    let out = f
        .complete_screening(&v.session_id, None, None, now)
        .unwrap();
    assert!(out.acute && !out.not_assessed);
    let texts: Vec<&str> = out.red_flags.iter().map(|r| r.text.as_str()).collect();
    assert_eq!(texts, ["Stryptag eller kvävning", "I fara nu"]);
    assert!(out.actions[0].starts_with("Ring 112"));
}

#[test]
fn without_a_key_the_directory_works_but_screenings_are_refused() {
    let d = tempfile::tempdir().unwrap();
    let f = Fyr::open(OpenOptions {
        data_dir: d.path().into(),
        key: None,
        lang: Lang::Sv,
    })
    .unwrap();
    assert!(!f.search(&SearchQuery::default()).unwrap().is_empty());
    let e = f.start_screening("routine", None, Utc::now()).unwrap_err();
    assert_eq!(e.kind(), crate::ErrorKind::ScreeningsLocked);
}

#[test]
fn referrals_without_a_municipality_are_national_only() {
    let d = tempfile::tempdir().unwrap();
    let f = open(d.path());
    let v = f.start_screening("adult-risk", None, Utc::now()).unwrap();
    f.answer(&v.session_id, "strangulation", Answer::Yes, Utc::now())
        .unwrap_or_else(|_| {
            // strangulation may be behind show_if; answer the first item then.
            let first = v.next_item.clone().unwrap().id;
            f.answer(&v.session_id, &first, Answer::Yes, Utc::now())
                .unwrap()
        });
    let out = f
        .complete_screening(&v.session_id, None, None, Utc::now())
        .unwrap();
    assert!(!out.referrals.is_empty());
    assert!(out.referrals.iter().all(|h| h.national));
}
