//! The record blocks (store::blocks) through the changes syncs bring, damage
//! and a store from before blocks.

use super::*;

use super::super::test_support::empty_directory as store;

/// Each block's compressed size.
fn packed_sizes(c: &Connection) -> Vec<i64> {
    c.prepare("SELECT length(body) FROM blocks")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap()
}

/// A county's worth of services as a hub would publish them: long Swedish
/// texts that share most of their words, a few short ones.
fn service(i: usize, note: &str) -> (String, String) {
    let id = format!("s{i:05}");
    let body = format!(
        r#"{{"id":"{id}","organization":"o{o}","name":{{"sv":"Kvinnojouren i kommun {i}"}},"description":{{"sv":"Stöd, samtal och skyddat boende för kvinnor och barn som utsatts för våld i nära relation. {note}"}},"hours":"mon-fri 08:00-16:00"}}"#,
        o = i / 7
    );
    (id, body)
}

fn put<'a>(rs: &'a [(String, String)]) -> Vec<Put<'a>> {
    rs.iter()
        .map(|(id, body)| Put {
            kind: RecordKind::Service,
            id,
            body,
            hash: crate::feed::record_hash(RecordKind::Service, id, body),
        })
        .collect()
}

#[test]
fn records_come_back_as_written_through_changes_and_blocks_stay_full() {
    let c = store();
    let mut now: BTreeMap<String, String> = (0..1200).map(|i| service(i, "")).collect();
    let all: Vec<(String, String)> = now.clone().into_iter().collect();
    write_all(&c, &put(&all)).unwrap();
    let packed = packed_sizes(&c);
    let raw: usize = all.iter().map(|(i, b)| i.len() + b.len()).sum();
    let total: i64 = packed.iter().sum();
    assert!((total as usize) < raw / 5, "{total} of {raw}");
    // Blocks fill their half page: none over, few far under.
    assert!(
        packed.iter().all(|&n| n as usize <= BLOCK_PACKED),
        "{packed:?}"
    );
    // (A load packs long runs on several threads: a piece ends in a
    // block less than full.)
    assert!(
        packed.len() as i64 <= total / (BLOCK_PACKED as i64 * 3 / 4) + 4,
        "{packed:?}"
    );
    // Changes as syncs bring them: edits, closures, new services, an id
    // that comes and goes within one change.
    for round in 0..5 {
        let mut ups: Vec<(String, String)> = Vec::new();
        for i in (round..500).step_by(37) {
            ups.push(service(i, &format!("Ändrad {round}.")));
        }
        for i in 0..3 {
            ups.push(service(5000 + round * 10 + i, "Ny."));
        }
        // Before the kind's first id, and many within one block's run
        // (it splits).
        let (_, body) = service(round, "Först.");
        ups.push((format!("a{round}"), body));
        if round == 2 {
            for j in 0..120 {
                let (_, body) = service(250, "Mitt i.");
                ups.push((format!("s00250-{j:03}"), body));
            }
        }
        let dels: Vec<(RecordKind, String)> = (round * 3..500)
            .step_by(101)
            .map(|i| (RecordKind::Service, format!("s{i:05}")))
            .collect();
        let ups: Vec<(String, String)> = ups
            .into_iter()
            .filter(|(id, _)| !dels.iter().any(|(_, d)| d == id))
            .collect();
        write(&c, &put(&ups), &dels).unwrap();
        for (_, id) in &dels {
            now.remove(id);
        }
        now.extend(ups);
        let back = scan(&c, "service").unwrap();
        assert_eq!(back, now.clone().into_iter().collect::<Vec<_>>());
        let sizes = packed_sizes(&c);
        assert!(
            sizes.iter().all(|&n| n as usize <= BLOCK_PACKED),
            "{sizes:?}"
        );
        let mapped: i64 = c
            .query_row("SELECT count(*) FROM records", [], |r| r.get(0))
            .unwrap();
        assert_eq!(mapped as usize, now.len(), "one hash a record");
        for (id, body) in &now {
            assert_eq!(get(&c, "service", id).unwrap().as_deref(), Some(&**body));
        }
        // Between two ids, before the first, after the last.
        for absent in ["s00000x", "0", "zzz", "s00250-"] {
            assert_eq!(get(&c, "service", absent).unwrap(), None, "{absent}");
        }
        assert_eq!(get(&c, "organization", "s00001").unwrap(), None);
        let hash: Vec<u8> = c
            .query_row(
                "SELECT hash FROM records WHERE kind = 'service' AND id = 's05000'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        let (id, body) = service(5000, "Ny.");
        assert_eq!(
            hash,
            crate::feed::record_hash(RecordKind::Service, &id, &body).to_vec()
        );
    }
    // Every record of a block deleted: the block goes.
    let dels: Vec<(RecordKind, String)> = now
        .keys()
        .map(|id| (RecordKind::Service, id.clone()))
        .collect();
    write(&c, &[], &dels).unwrap();
    let left: i64 = c
        .query_row("SELECT count(*) FROM blocks", [], |r| r.get(0))
        .unwrap();
    assert_eq!(left, 0);
    assert!(scan(&c, "service").unwrap().is_empty());
}

#[test]
fn a_damaged_block_is_named_damaged() {
    let c = store();
    let all: Vec<(String, String)> = (0..100).map(|i| service(i, "")).collect();
    write_all(&c, &put(&all)).unwrap();
    // Bytes overwritten in place, and a body that is no longer a BLOB.
    for damage in [
        "UPDATE blocks SET body = CAST(substr(body, 1, 40) || zeroblob(20) || substr(body, 61) AS BLOB) WHERE id = (SELECT min(id) FROM blocks)",
        "UPDATE blocks SET body = 'x' WHERE id = (SELECT min(id) FROM blocks)",
    ] {
        c.execute(damage, []).unwrap();
        let e = get(&c, "service", "s00000").unwrap_err();
        assert!(crate::store::is_corruption(&e), "{e}");
        assert!(e.to_string().contains("damaged"), "{e}");
        assert!(crate::store::is_corruption(&scan(&c, "service").unwrap_err()));
    }
}

#[test]
fn a_block_whose_lengths_lie_is_damaged_not_a_crash() {
    let mut raw = Vec::new();
    put_var(&mut raw, 3);
    raw.extend_from_slice(b"s01");
    put_var(&mut raw, 1 << 60);
    raw.extend_from_slice(b"{}");
    let lying = deflate_after_dict(FORMAT_BLOCK, LEVEL, &raw);
    for e in [
        find(&lying, "s01").unwrap_err(),
        decode(&lying).unwrap_err(),
    ] {
        assert!(crate::store::is_corruption(&e), "{e}");
    }
    let mut raw = Vec::new();
    put_var(&mut raw, usize::MAX >> 1);
    let lying = deflate_after_dict(FORMAT_BLOCK, LEVEL, &raw);
    assert!(find(&lying, "s01").is_err());
    assert!(decode(&lying).is_err());
    for junk in [&b""[..], &[2], &[2, 0xff, 0xff], &[1, 2, 3]] {
        assert!(find(junk, "s01").is_err());
        assert!(decode(junk).is_err());
    }
    // A block cut short, or with bytes after its end, is damaged for the
    // read that reaches the damage (the last record, an id it does not
    // hold, the whole block); a record before it is read as it is, its
    // part of the block being whole (only what a read needs is inflated).
    // The same thread then reads a sound block as it is.
    let all: Vec<(String, String)> = (0..40).map(|i| service(i, "")).collect();
    let good = encode(&all);
    for bad in [&good[..good.len() - 3], &[&good[..], &[7, 7][..]].concat()] {
        for id in ["s00039", "s00039x"] {
            let e = find(bad, id).unwrap_err();
            assert!(crate::store::is_corruption(&e), "{id}: {e}");
        }
        assert!(decode(bad).is_err());
        assert_eq!(
            find(bad, "s00001").unwrap().as_deref(),
            Some(all[1].1.as_str())
        );
    }
    assert_eq!(
        find(&good, "s00039").unwrap().as_deref(),
        Some(all[39].1.as_str())
    );
    assert_eq!(find(&good, "s00039x").unwrap(), None);
    assert_eq!(decode(&good).unwrap().len(), 40);
}

#[test]
fn a_store_from_before_blocks_is_converted_keeping_every_record_and_hash() {
    let mut c = Connection::open_in_memory().unwrap();
    super::super::schema::migrate(
        &mut c,
        &super::super::schema::DIRECTORY_MIGRATIONS[..5],
        "directory.db",
    )
    .unwrap();
    let all: Vec<(String, String)> = (0..60).map(|i| service(i, "")).collect();
    for (n, (id, body)) in all.iter().enumerate() {
        let h = crate::feed::record_hash(RecordKind::Service, id, body);
        // An older app's text body, and compressed ones.
        let stored = if n == 0 {
            rusqlite::types::Value::Text(body.clone())
        } else {
            rusqlite::types::Value::Blob(super::super::body::pack(body))
        };
        c.execute(
            "INSERT INTO records(kind, id, body, hash) VALUES ('service', ?1, ?2, ?3)",
            params![id, stored, &h[..]],
        )
        .unwrap();
    }
    super::super::schema::migrate(
        &mut c,
        super::super::schema::DIRECTORY_MIGRATIONS,
        "directory.db",
    )
    .unwrap();
    assert!(convert_v5(&c).unwrap());
    assert!(!convert_v5(&c).unwrap(), "once");
    assert_eq!(scan(&c, "service").unwrap(), all);
    let b7: i64 = c
        .query_row(
            "SELECT b FROM records WHERE kind = 'service' AND id = 's00007'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    let (id, body) = &all[7];
    assert_eq!(
        b7,
        crate::feed::record_hash(RecordKind::Service, id, body)[0] as i64
    );
}

/// Reading record after record through the store's own connection never
/// plans the shared statement again (a bound range is planned once: each
/// new plan parsed its SQL anew, most of what a record's read cost).
#[test]
fn reading_records_one_by_one_does_not_plan_the_statement_again() {
    let d = tempfile::tempdir().unwrap();
    let f = super::super::test_support::open(d.path());
    let ids: Vec<String> = f
        .store()
        .records(RecordKind::Service)
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    assert!(ids.len() > 20, "{}", ids.len());
    f.store()
        .with_dir(|c, _| {
            for id in ids.iter().step_by(3) {
                assert!(get(c, "service", id)?.is_some(), "{id}");
            }
            let st = c.prepare_cached(BLOCK_WITH_BODY)?;
            let again = st.get_status(rusqlite::StatementStatus::RePrepare);
            assert_eq!(again, 0, "planned again {again} times");
            Ok(())
        })
        .unwrap();
}
