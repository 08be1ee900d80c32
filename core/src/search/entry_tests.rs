//! The entries read in place and decoded: every width, edits in place,
//! records out of their tables and changed bytes found by the read that
//! meets them.
use super::*;

/// An entry for tests (schedule 0).
pub(crate) fn entry(rowid: u32, langs: u64, area: Area) -> Entry {
    Entry {
        rowid,
        kind: 3,
        groups: 1 << 20,
        needs: 5,
        forms: 0,
        langs,
        flags: 1,
        area,
        lat: 63.18,
        lon: -14.5,
        sched: 0,
    }
}

fn same(a: &Entry, b: &Entry) -> bool {
    (
        a.rowid, a.kind, a.groups, a.needs, a.forms, a.langs, a.flags, a.area, a.sched,
    ) == (
        b.rowid, b.kind, b.groups, b.needs, b.forms, b.langs, b.flags, b.area, b.sched,
    ) && a.lat.to_bits() == b.lat.to_bits()
        && a.lon.to_bits() == b.lon.to_bits()
}

const T: Tables = Tables {
    schedules: 2,
    area_munis: 300,
    counties: 3,
};

fn file(entries: &[Entry]) -> (std::fs::File, Widths) {
    let w = Widths::of(entries.iter());
    let mut b = b"head".to_vec();
    w.put_all(&mut b, entries.iter().copied());
    let mut f = tempfile::tempfile().unwrap();
    std::io::Write::write_all(&mut f, &b).unwrap();
    (f, w)
}

fn map(f: &std::fs::File) -> memmap2::MmapMut {
    // SAFETY: the test's own temporary file, not changed while mapped.
    unsafe { memmap2::MmapOptions::new().map_copy(f) }.unwrap()
}

/// The `n` entries of `f` (after its 4-byte head) read in place, with
/// the checksums of their chunks as the file has them now (`sums_of`:
/// as it had them before it was damaged).
fn mapped(f: &std::fs::File, n: usize, w: Widths, t: Tables) -> Option<Entries> {
    let file = std::sync::Arc::new(unsafe { memmap2::Mmap::map(f) }.unwrap());
    let end = (4 + n * w.record_len()).min(file.len());
    let sums = super::super::chunks::sums(&file[4..end]);
    Entries::mapped(map(f), file, (4, n), w, t, sums)
}

/// A national directory's large rowids, a 40th language and a long
/// list of municipalities need the wider fields; each comes back whole,
/// read in place and decoded.
/// Entries that need every width: a national directory's large rowids,
/// a 40th language, a long list of municipalities.
pub(crate) fn wide() -> Vec<Entry> {
    vec![
        entry(1, 1, Area::National),
        entry(70_000, 1 << 40, Area::County(2)),
        entry(
            4_000_000_000,
            0,
            Area::Munis {
                start: 10,
                len: 290,
            },
        ),
    ]
}

#[test]
fn entries_of_every_width_come_back() {
    let mut e = wide();
    e[0].lon = f32::NAN;
    let (f, w) = file(&e);
    let m = mapped(&f, 3, w, T).unwrap();
    assert!(m.is_mapped());
    let bytes = &map(&f)[4..];
    let d = Entries::decode(bytes, w, T).unwrap();
    for (i, x) in e.iter().enumerate() {
        assert!(same(&m.get(i), x), "{i}: {:?}", m.get(i));
        assert!(same(&d.get(i), x), "{i}");
    }
}

/// An edit that fits is written where the entry lies (the file stays
/// as it was); one that outgrows a width moves the entries into memory.
#[test]
fn an_edit_in_place_stays_in_the_map_unless_it_outgrows_a_width() {
    let e = vec![entry(1, 1, Area::National), entry(2, 1, Area::County(1))];
    let (f, w) = file(&e);
    let mut m = mapped(&f, 2, w, T).unwrap();
    m.set(1, entry(3, 1, Area::County(2)));
    assert!(m.is_mapped());
    assert!(same(&m.get(1), &entry(3, 1, Area::County(2))));
    assert!(same(&mapped(&f, 2, w, T).unwrap().get(1), &e[1]));
    m.set(0, entry(70_000, 1 << 40, Area::National));
    assert!(!m.is_mapped());
    assert!(same(&m.get(0), &entry(70_000, 1 << 40, Area::National)));
    assert!(same(&m.get(1), &entry(3, 1, Area::County(2))));
}

/// An entry pointing past its schedules, counties or municipalities,
/// or with an unknown area, is refused when decoded; read in place it
/// is found by the read that meets it, which marks the entries damaged
/// and reads it as pointing nowhere. More entries than the bytes hold
/// are refused.
#[test]
fn an_entry_out_of_its_tables_is_refused() {
    for (bad, t) in [
        (
            entry(1, 1, Area::Munis { start: 2, len: 2 }),
            Tables { area_munis: 3, ..T },
        ),
        (entry(1, 1, Area::County(3)), T),
    ] {
        let (f, w) = file(&[entry(2, 1, Area::National), bad]);
        assert!(Entries::decode(&map(&f)[4..], w, t).is_none(), "{bad:?}");
        let m = mapped(&f, 2, w, t).unwrap();
        assert!(same(&m.get(0), &entry(2, 1, Area::National)));
        assert!(!m.damaged(), "the other entry is not read");
        let got = m.get(1);
        assert!(m.damaged(), "{bad:?}");
        assert_eq!((got.area, got.sched), (Area::National, 0));
        let m = mapped(&f, 2, w, t).unwrap();
        assert!(!m.verify_all() && m.damaged());
    }
    // Entries but no schedules: refused whole.
    let (f, w) = file(&[entry(1, 1, Area::National)]);
    let none = Tables { schedules: 0, ..T };
    assert!(mapped(&f, 1, w, none).is_none());
    assert!(Entries::decode(&map(&f)[4..], w, none).is_none());
    assert!(mapped(&f, 2, w, T).is_none());
    let mut b = map(&f);
    b[4 + w.record_len() - 11] = 7; // the area tag
    assert!(Entries::decode(&b[4..], w, T).is_none());
}

/// A byte changed in the file after it was written (bit rot) is not
/// looked for until a read meets its chunk; then the entries say they
/// are damaged, and a check of all finds it too.
#[test]
fn a_changed_byte_is_found_by_the_read_that_meets_its_chunk() {
    let many: Vec<Entry> = (1..=3000)
        .map(|i| entry(i, 1, Area::County((i % 3) as u16)))
        .collect();
    let (mut f, w) = file(&many);
    let file = std::sync::Arc::new(unsafe { memmap2::Mmap::map(&f) }.unwrap());
    let n = many.len();
    let sums = super::super::chunks::sums(&file[4..4 + n * w.record_len()]);
    assert!(sums.len() >= 2, "{} chunks", sums.len());
    drop(file);
    // The last entry's groups, a bit flipped in the file.
    let at = 4 + (n - 1) * w.record_len() + 2;
    let mut b = Vec::new();
    use std::io::{Read, Seek};
    f.seek(std::io::SeekFrom::Start(0)).unwrap();
    f.read_to_end(&mut b).unwrap();
    b[at] ^= 0x02;
    let mut g = tempfile::tempfile().unwrap();
    std::io::Write::write_all(&mut g, &b).unwrap();
    let file = std::sync::Arc::new(unsafe { memmap2::Mmap::map(&g) }.unwrap());
    let m = Entries::mapped(map(&g), file.clone(), (4, n), w, T, sums.clone()).unwrap();
    assert!(same(&m.get(0), &many[0]) && !m.damaged());
    m.get(n - 1);
    assert!(m.damaged(), "the read of the last chunk met it");
    let m = Entries::mapped(map(&g), file, (4, n), w, T, sums).unwrap();
    assert!(!m.verify_all());
}

/// A rowid's position, read in place and decoded: where a whole load put
/// it (position rowid - 1), and where later changes moved it (rowids no
/// longer follow positions: a service added and one removed).
#[test]
fn a_rowid_is_found_where_a_load_put_it_and_where_changes_moved_it() {
    let loaded: Vec<Entry> = (1..=40).map(|r| entry(r, 1, Area::National)).collect();
    // After changes: rowid 41 (added) sorts between, rowid 7 is gone.
    let mut changed: Vec<Entry> = loaded.iter().copied().filter(|e| e.rowid != 7).collect();
    changed.insert(3, entry(41, 1, Area::National));
    for es in [loaded, changed] {
        let (f, w) = file(&es);
        let m = mapped(&f, es.len(), w, T).unwrap();
        let d = Entries::decode(&map(&f)[4..], w, T).unwrap();
        for (want, e) in es.iter().enumerate() {
            assert_eq!(
                m.position_of_rowid(e.rowid),
                Some(want),
                "mapped {}",
                e.rowid
            );
            assert_eq!(
                d.position_of_rowid(e.rowid),
                Some(want),
                "decoded {}",
                e.rowid
            );
        }
        for gone in [0, 99] {
            assert_eq!(m.position_of_rowid(gone), None);
            assert_eq!(d.position_of_rowid(gone), None);
        }
    }
    // Rowid 7 after the changes: not at position 6, nowhere.
    let es: Vec<Entry> = (1..=40)
        .filter(|&r| r != 7)
        .map(|r| entry(r, 1, Area::National))
        .collect();
    let (f, w) = file(&es);
    assert_eq!(
        mapped(&f, es.len(), w, T).unwrap().position_of_rowid(7),
        None
    );
    assert_eq!(
        mapped(&f, es.len(), w, T).unwrap().position_of_rowid(8),
        Some(6)
    );
}
