//! Fyr benchmarks. `cargo run --release -p fyr-bench -- directory` (and `sync`, `load`).
//! Figures are printed, never asserted: targets are checked by reading them.
//! The last line printed is one JSON object with the headline figures.

mod load;
mod sync;
mod synth;

use chrono::{DateTime, TimeZone, Utc};
use fyr_core::search::SearchQuery;
use fyr_core::store::{Bundle, ContentPosition};
use fyr_core::vocab::{Group, Lang, Need};
use fyr_core::{Fyr, OpenOptions};
use std::time::{Duration, Instant};

fn main() {
    let which = std::env::args().nth(1).unwrap_or_default();
    match which.as_str() {
        "directory" => directory(),
        "sync" => sync::sync(),
        "cold" => cold(std::path::Path::new(
            &std::env::args().nth(2).unwrap_or_default(),
        )),
        "load" => load::load(),
        "query" => query(&std::env::args().skip(2).collect::<Vec<_>>()),
        "hub" => load::serve(&std::env::args().skip(2).collect::<Vec<_>>()),
        _ => {
            eprintln!(
                "usage: fyr-bench directory | sync | load | query DIR TEXT [N] (cold DIR: used by directory; hub …: used by load)"
            );
            std::process::exit(2);
        }
    }
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.to_string())
        })
        .and_then(|l| {
            l.split_whitespace()
                .nth(1)
                .and_then(|k| k.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

/// Resident memory now (VmRSS), MiB.
fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|k| k.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

/// Minor page faults of this process so far (a first touch of a mapped or
/// newly allocated page; /proc/self/stat's tenth field).
fn minor_faults() -> u64 {
    std::fs::read_to_string("/proc/self/stat")
        .ok()
        .and_then(|s| {
            // After the command's name in parentheses: state is field 3.
            let rest = s.rsplit_once(')')?.1;
            rest.split_whitespace().nth(7)?.parse().ok()
        })
        .unwrap_or(0)
}

/// Fresh processes the cold start is the median of.
const COLD_RUNS: usize = 15;

/// Cold start in this fresh process: open the store in `dir` (made by
/// `directory`) and answer the first query; prints one JSON line.
fn cold(dir: &std::path::Path) {
    let rss0 = rss_mb();
    let faults0 = minor_faults();
    let t = Instant::now();
    let f = open(dir, &same);
    let opened = t.elapsed();
    let faults_open = minor_faults() - faults0;
    // (The bench's own read of /proc is not counted.)
    let rss_open = rss_mb();
    let at: DateTime<Utc> = Utc.with_ymd_and_hms(2026, 11, 24, 21, 0, 0).unwrap();
    let t = Instant::now();
    let h = f
        .search(&SearchQuery {
            text: Some("kvinnojour".into()),
            at: Some(at),
            ..Default::default()
        })
        .unwrap();
    let total = opened + t.elapsed();
    let faults = minor_faults() - faults0;
    assert!(!h.is_empty());
    println!(
        "{}",
        serde_json::json!({
            "open_us": opened.as_micros() as u64,
            "total_us": total.as_micros() as u64,
            "rss_open_mb": rss_open - rss0,
            "faults_open": faults_open,
            "faults": faults,
        })
    );
}

/// One text query repeated `N` times (default 2,000) on a store kept by
/// `directory` (`FYR_BENCH_KEEP`), at the directory run's instant: its
/// p50 and p99, to profile one query on its own (e.g. under `perf`).
fn query(args: &[String]) {
    let (Some(dir), Some(text)) = (args.first(), args.get(1)) else {
        eprintln!("usage: fyr-bench query DIR TEXT [N]");
        std::process::exit(2);
    };
    let n: usize = match args.get(2).map(|n| n.parse()) {
        None => 2_000,
        Some(Ok(n)) if n > 0 => n,
        Some(_) => {
            eprintln!("fyr-bench query: N must be a whole number above 0");
            std::process::exit(2);
        }
    };
    let f = open(std::path::Path::new(dir), &same);
    let q = SearchQuery {
        text: Some(text.clone()),
        at: Some(Utc.with_ymd_and_hms(2026, 11, 24, 21, 0, 0).unwrap()),
        ..Default::default()
    };
    let mut times = Vec::with_capacity(n);
    let mut hits = 0;
    for _ in 0..n {
        let t = Instant::now();
        hits = f.search(&q).unwrap().len();
        times.push(t.elapsed());
    }
    println!(
        "{text:?}: {hits} hits, p50 {} µs, p99 {} µs ({n} runs)",
        percentile(&mut times, 0.5).as_micros(),
        percentile(&mut times, 0.99).as_micros()
    );
}

/// What an app with the bench's bundle offers at a later open: the version
/// only (the store already holds it, so nothing is decoded or adopted).
fn same() -> fyr_core::Result<Bundle> {
    Ok(Bundle {
        position: ContentPosition {
            feed_id: "bench".into(),
            version: 1,
            ..Default::default()
        },
        records: Vec::new(),
    })
}

fn percentile(v: &mut [Duration], p: f64) -> Duration {
    v.sort();
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

fn open(dir: &std::path::Path, bundle: &dyn Fn() -> fyr_core::Result<Bundle>) -> Fyr {
    Fyr::open_with_bundle(
        OpenOptions {
            data_dir: dir.into(),
            key: None,
            lang: Lang::Sv,
        },
        bundle,
    )
    .expect("open")
}

fn directory() {
    const N: usize = 20_000;
    let d = synth::directory(N, 7);
    println!(
        "synthetic directory: {} services, {} organizations, {} municipalities",
        d.services.len(),
        d.organizations.len(),
        d.municipalities.len()
    );
    let records = fyr_core::feed::directory_records(&d);
    let at: DateTime<Utc> = Utc.with_ymd_and_hms(2026, 11, 24, 21, 0, 0).unwrap(); // a Tuesday evening
    let muni = d.municipalities[137].clone();
    let muni_plain = fyr_core::text::fold(&muni.name);

    // Load into a fresh store (median of 3, each into a fresh directory;
    // the last is the store the rest of the run uses).
    let bundle = || {
        Ok(Bundle {
            position: ContentPosition {
                feed_id: "bench".into(),
                version: 1,
                ..Default::default()
            },
            records: records.clone(),
        })
    };
    let mut loads = Vec::new();
    let mut tmp = tempfile::tempdir().unwrap();
    for i in 0..3 {
        if i > 0 {
            tmp = tempfile::tempdir().unwrap();
        }
        let t = Instant::now();
        let fyr = open(tmp.path(), &bundle);
        loads.push(t.elapsed());
        drop(fyr);
    }
    let load = percentile(&mut loads, 0.5);
    if let Some(keep) = std::env::var_os("FYR_BENCH_KEEP") {
        // The store the cold start opens, closed (`fyr-bench cold KEEP/cold`
        // repeats it, e.g. under `perf`).
        let to = std::path::Path::new(&keep).join("cold");
        std::fs::create_dir_all(&to).unwrap();
        for e in std::fs::read_dir(tmp.path()).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_file() {
                std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
            }
        }
    }

    // Cold start: a fresh process opens the store and answers the first
    // query (median of 15: one process's time moves with what else the
    // machine does; the process's own start is not counted).
    let mut colds = Vec::new();
    let mut opens = Vec::new();
    let mut rss_open = Vec::new();
    let mut faults = Vec::new();
    for _ in 0..COLD_RUNS {
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .arg("cold")
            .arg(tmp.path())
            .output()
            .expect("cold start process");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        colds.push(Duration::from_micros(v["total_us"].as_u64().unwrap()));
        opens.push(Duration::from_micros(v["open_us"].as_u64().unwrap()));
        rss_open.push(v["rss_open_mb"].as_f64().unwrap());
        faults.push(v["faults"].as_u64().unwrap());
    }
    let cold = percentile(&mut colds, 0.5);
    let cold_open = percentile(&mut opens, 0.5);
    rss_open.sort_by(f64::total_cmp);
    let rss_after_open = rss_open[COLD_RUNS / 2];
    faults.sort_unstable();
    let cold_faults = faults[COLD_RUNS / 2];

    let fyr = open(tmp.path(), &same);

    // Apply a delta that changes one service (median of 7, each a different
    // service), as a sync does after verifying it.
    let mut applies = Vec::new();
    let services: Vec<&fyr_core::feed::Record> = records
        .iter()
        .filter(|r| r.kind == fyr_core::feed::RecordKind::Service)
        .collect();
    let change = |i: usize| {
        let r = services[(i * 2_857 + 11) % services.len()];
        let mut s: fyr_core::model::Service = r.decode().unwrap();
        s.description.sv.push_str(" Ändrad.");
        let up = fyr_core::feed::Record::new(fyr_core::feed::RecordKind::Service, s.id.clone(), &s);
        let mut pos = fyr.store().position().unwrap();
        pos.version += 1;
        pos.digest = String::new();
        let t = Instant::now();
        fyr.store().apply(&pos, vec![up], vec![], false).unwrap();
        t.elapsed()
    };
    // Seven deltas: the most the store keeps before it writes the index
    // file whole again (the eighth change, timed on its own below).
    // The store on disk after each change: its largest is the figure (the
    // write-ahead log grows with each change until one moves it into the
    // file).
    let file_mb =
        |f: &str| std::fs::metadata(tmp.path().join(f)).map_or(0, |m| m.len()) as f64 / 1_048_576.0;
    let sizes = || {
        let s = [
            file_mb("directory.db"),
            file_mb("directory.db-wal"),
            file_mb("directory.ix"),
            file_mb("lexicon.bin"),
        ];
        (s.iter().sum::<f64>(), s)
    };
    let mut largest = sizes();
    for i in 0..7 {
        applies.push(change(i));
        let now = sizes();
        if now.0 > largest.0 {
            largest = now;
        }
    }
    let each_apply: Vec<String> = applies
        .iter()
        .map(|d| format!("{:.2}", d.as_secs_f64() * 1e3))
        .collect();
    let apply_one = percentile(&mut applies, 0.5);
    let (store_mb, [db_mb, wal_mb, ix_mb, lex_mb]) = largest;
    let mobile_mb = mobile_lib_mb();
    if let Some(keep) = std::env::var_os("FYR_BENCH_KEEP") {
        // A copy of the store to look into (e.g. sqlite3's dbstat): as the
        // deltas left it (open-*: the file and its write-ahead log, whose
        // frames name the pages each change wrote), and closed.
        std::fs::create_dir_all(&keep).unwrap();
        for f in ["directory.db", "directory.db-wal"] {
            let _ = std::fs::copy(
                tmp.path().join(f),
                std::path::Path::new(&keep).join(format!("open-{f}")),
            );
        }
        drop(fyr);
        std::fs::create_dir_all(&keep).unwrap();
        for f in ["directory.db", "directory.ix"] {
            std::fs::copy(tmp.path().join(f), std::path::Path::new(&keep).join(f)).unwrap();
        }
        return;
    }
    // The eighth change writes, syncs and renames the index file whole.
    let apply_merge = change(7);

    let queries: Vec<(&str, SearchQuery)> = vec![
        (
            "text 'kvinnojour'",
            SearchQuery {
                text: Some("kvinnojour".into()),
                at: Some(at),
                ..Default::default()
            },
        ),
        (
            "text + municipality (no å/ä/ö) + open now",
            SearchQuery {
                text: Some("socialjour".into()),
                municipality: Some(muni_plain.clone()),
                open_now: true,
                at: Some(at),
                ..Default::default()
            },
        ),
        (
            "sentence read (understanding, fills)",
            SearchQuery {
                text: Some("min man slar mig vagar inte ga hem inatt".into()),
                municipality: Some(muni_plain.clone()),
                at: Some(at),
                ..Default::default()
            },
        ),
        (
            "filters only: need + group",
            SearchQuery {
                needs: vec![Need::ProtectedHousing],
                groups: vec![Group::Women],
                at: Some(at),
                ..Default::default()
            },
        ),
        (
            "prefix as typed 'brottso'",
            SearchQuery {
                text: Some("brottso".into()),
                at: Some(at),
                ..Default::default()
            },
        ),
        (
            "near a position, no text",
            SearchQuery {
                near: Some((59.33, 18.06)),
                at: Some(at),
                ..Default::default()
            },
        ),
    ];
    const ITER: usize = 1000;
    let mut worst_p99 = Duration::ZERO;
    let mut p50s = Vec::new();
    println!(
        "\n{:<45} {:>8} {:>10} {:>10} {:>12} {:>12}",
        "query", "hits", "p50 µs", "p99 µs", "LIKE p50 µs", "LIKE p99 µs"
    );
    // The baseline: the same queries as a naive LIKE scan over one table.
    let base = baseline_db(&d);
    let mut worst_base = Duration::ZERO;
    for (name, q) in &queries {
        let hits = fyr.search(q).unwrap().len();
        let mut lat = Vec::with_capacity(ITER);
        for _ in 0..ITER {
            let t = Instant::now();
            std::hint::black_box(fyr.search(q).unwrap());
            lat.push(t.elapsed());
        }
        let (p50, p99) = (percentile(&mut lat, 0.5), percentile(&mut lat, 0.99));
        let mut bl = Vec::with_capacity(100);
        for _ in 0..100 {
            let t = Instant::now();
            std::hint::black_box(baseline_query(&base, q, &muni.code));
            bl.push(t.elapsed());
        }
        let (b50, b99) = (percentile(&mut bl, 0.5), percentile(&mut bl, 0.99));
        worst_p99 = worst_p99.max(p99);
        worst_base = worst_base.max(b99);
        p50s.push(p50);
        println!(
            "{name:<45} {hits:>8} {:>10} {:>10} {:>12} {:>12}",
            p50.as_micros(),
            p99.as_micros(),
            b50.as_micros(),
            b99.as_micros()
        );
    }
    let worst_p50 = p50s.iter().max().copied().unwrap_or_default();
    let rss = peak_rss_mb();
    println!(
        "\nload {N} services into a fresh store (median of 3): {} ms (target ≤ 400)",
        load.as_millis()
    );
    println!(
        "cold start (fresh process: open + first query, median of {COLD_RUNS}): {:.2} ms (target ≤ 2)",
        cold.as_secs_f64() * 1000.0
    );
    println!(
        "  of it open: {:.2} ms; memory taken by open (RSS growth): {rss_after_open:.1} MB; fresh pages touched (minor faults): {cold_faults}",
        cold_open.as_secs_f64() * 1000.0
    );
    println!(
        "apply a delta changing one service (median of 7): {:.1} ms (target ≤ 1)",
        apply_one.as_secs_f64() * 1000.0
    );
    println!(
        "  the seven in order, ms: {} (the first after the open reads its pages; one in a few also moves the write-ahead log into the file)",
        each_apply.join(", ")
    );
    println!(
        "  every 8th change also writes the index file whole (synced, renamed): {:.1} ms",
        apply_merge.as_secs_f64() * 1000.0
    );
    println!(
        "worst p99: {} µs (target ≤ 500); naive LIKE baseline worst p99: {} µs",
        worst_p99.as_micros(),
        worst_base.as_micros()
    );
    println!(
        "store on disk, the most after any of the seven changes: {store_mb:.2} MiB = {:.2} MB (target ≤ 6 MB; in MiB: directory.db {db_mb:.2}, its write-ahead log {wal_mb:.2}, the index file {ix_mb:.2}, the compiled lexicon {lex_mb:.2})",
        store_mb * 1.048576
    );
    match mobile_mb {
        Some(mb) => println!(
            "mobile library, stripped x86_64 (last scripts/mobile-size.sh): {mb:.2} MB, budget ≤ {MOBILE_BUDGET_MB:.1} MB — {}",
            if mb <= MOBILE_BUDGET_MB { "met" } else { "over" }
        ),
        None => println!(
            "mobile library: not measured (run scripts/mobile-size.sh; budget ≤ {MOBILE_BUDGET_MB:.1} MB stripped x86_64)"
        ),
    }
    println!("peak RSS: {rss:.1} MB");
    println!(
        "{}",
        serde_json::json!({
            "bench": "directory",
            "services": N,
            "p50_us": worst_p50.as_micros() as u64,
            "p99_us": worst_p99.as_micros() as u64,
            // In hundredths: the target is 2 ms, and a tenth hides which side.
            "cold_start_ms": (cold.as_secs_f64() * 1000.0 * 100.0).round() / 100.0,
            "cold_open_ms": (cold_open.as_secs_f64() * 1000.0 * 100.0).round() / 100.0,
            "rss_open_mb": (rss_after_open * 10.0).round() / 10.0,
            "cold_faults": cold_faults,
            "load_ms": load.as_millis() as u64,
            "apply_one_ms": (apply_one.as_secs_f64() * 1000.0 * 100.0).round() / 100.0,
            "apply_merge_ms": (apply_merge.as_secs_f64() * 1000.0 * 10.0).round() / 10.0,
            // MB of 10^6 bytes, as the target and the mobile line.
            "store_mb": (store_mb * 1.048576 * 100.0).round() / 100.0,
            "store_mib": (store_mb * 100.0).round() / 100.0,
            "mobile_lib_mb": mobile_mb.map(|m| (m * 100.0).round() / 100.0),
            "peak_rss_mb": (rss * 10.0).round() / 10.0,
            "baseline_p99_us": worst_base.as_micros() as u64,
        })
    );
}

/// The phone library's budget (issue 20): 4.0 MB = 4,000,000 bytes stripped.
const MOBILE_BUDGET_MB: f64 = 4.0;

/// The stripped size scripts/mobile-size.sh last measured (it writes
/// target/mobile/libfyr_ffi.stripped-bytes), in MB (10^6 bytes, as the
/// budget is stated).
fn mobile_lib_mb() -> Option<f64> {
    let target = std::env::var("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target"));
    let bytes: u64 = std::fs::read_to_string(target.join("mobile/libfyr_ffi.stripped-bytes"))
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(bytes as f64 / 1_000_000.0)
}

fn baseline_db(d: &fyr_core::model::Directory) -> rusqlite::Connection {
    let c = rusqlite::Connection::open_in_memory().unwrap();
    c.execute_batch("CREATE TABLE naive(id TEXT, text TEXT, munis TEXT, needs TEXT, groups_ TEXT, lat REAL, lon REAL, always INTEGER)").unwrap();
    let mut st = c
        .prepare("INSERT INTO naive VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")
        .unwrap();
    for s in &d.services {
        let munis = match &s.area {
            fyr_core::model::ServiceArea::Municipalities { codes } => codes.join(";"),
            fyr_core::model::ServiceArea::County { code } => format!("county:{code}"),
            fyr_core::model::ServiceArea::National => "SE".into(),
        };
        let text = format!("{} {} {}", s.name.sv, s.description.sv, s.tags.join(" "));
        let loc = s.location.as_ref();
        st.execute(rusqlite::params![
            s.id,
            text,
            munis,
            s.needs.iter().map(|n| n.id()).collect::<Vec<_>>().join(";"),
            s.groups
                .iter()
                .map(|n| n.id())
                .collect::<Vec<_>>()
                .join(";"),
            loc.and_then(|l| l.lat),
            loc.and_then(|l| l.lon),
            (s.hours == "24/7") as i64
        ])
        .unwrap();
    }
    drop(st);
    c
}

/// The same query as a straightforward LIKE scan (no index, no folding beyond SQLite's ASCII LIKE).
fn baseline_query(c: &rusqlite::Connection, q: &SearchQuery, muni: &str) -> usize {
    let mut sql = "SELECT id, lat, lon FROM naive WHERE 1".to_string();
    let mut args: Vec<String> = Vec::new();
    if let Some(t) = &q.text {
        args.push(format!("%{t}%"));
        sql.push_str(&format!(" AND text LIKE ?{}", args.len()));
    }
    if q.municipality.is_some() {
        args.push(format!("%{muni}%"));
        sql.push_str(&format!(
            " AND (munis LIKE ?{} OR munis = 'SE' OR munis LIKE 'county:%')",
            args.len()
        ));
    }
    for n in &q.needs {
        args.push(format!("%{}%", n.id()));
        sql.push_str(&format!(" AND needs LIKE ?{}", args.len()));
    }
    for g in &q.groups {
        args.push(format!("%{}%", g.id()));
        sql.push_str(&format!(" AND groups_ LIKE ?{}", args.len()));
    }
    if let Some((lat, lon)) = q.near {
        sql.push_str(&format!(
            " ORDER BY ((lat - {lat}) * (lat - {lat}) + (lon - {lon}) * (lon - {lon}))"
        ));
    }
    sql.push_str(" LIMIT 20");
    let mut st = c.prepare_cached(&sql).unwrap();
    let rows = st
        .query_map(rusqlite::params_from_iter(args.iter()), |r| {
            r.get::<_, String>(0)
        })
        .unwrap();
    rows.count()
}
