//! `fyr-bench sync`: the sync benchmark (fyr-testkit's bench kit on a
//! synthetic national feed).

/// Sync on a 20,000-service synthetic feed: bytes and requests on the wire,
/// apply times, a throttled link that drops once, hub throughput.
pub fn sync() {
    const N: usize = 20_000;
    let d = crate::synth::directory(N, 7);
    let records = fyr_core::feed::directory_records(&d);
    println!(
        "synthetic feed: {} records ({} services)",
        records.len(),
        d.services.len()
    );
    // The throttled runs move the whole 20,000-service snapshot at 64 kbit/s:
    // this benchmark takes several minutes.
    let opts = fyr_testkit::benchkit::BenchOptions::default();
    let make_store = |dir: &std::path::Path| -> Box<dyn fyr_core::sync::SyncStore> {
        Box::new(
            fyr_core::store::Store::open(dir, &fyr_core::bundle::bundled).expect("device store"),
        )
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let mut say = |l: String| println!("{l}");
    let f = rt
        .block_on(fyr_testkit::benchkit::measure_sync(
            records,
            &opts,
            &make_store,
            &mut say,
        ))
        .expect("sync bench");
    let pct = |a: u64| 100.0 * a as f64 / f.snapshot_bytes.max(1) as f64;
    println!("\n{:<44} {:>10} {:>9}", "", "bytes", "requests");
    println!(
        "{:<44} {:>10} {:>9}   target: ≤ 1.0 MB",
        "first sync (snapshot)", f.first_sync_bytes, f.first_sync_requests
    );
    println!(
        "{:<44} {:>10} {:>9}   target: 1 request, ≤ 300 B",
        "unchanged sync", f.unchanged_bytes, f.unchanged_requests
    );
    println!(
        "{:<44} {:>10} {:>9}   target: ≤ 3 KB",
        "one service changed", f.one_change_bytes, f.one_change_requests
    );
    println!(
        "{:<44} {:>10} {:>9}   = {:.1} % of the snapshot (target ≤ 10 %)",
        "1 % of services changed",
        f.one_percent_bytes,
        f.one_percent_requests,
        pct(f.one_percent_bytes)
    );
    println!(
        "snapshot: {} B; publish {:.0} ms",
        f.snapshot_bytes, f.publish_ms
    );
    println!(
        "apply: snapshot {:.0} ms, one change {:.0} ms, 1 % {:.0} ms",
        f.apply_snapshot_ms, f.apply_one_change_ms, f.apply_one_percent_ms
    );
    println!(
        "throttled (64 kbit/s, 300 ms, one drop; {} B snapshot): {} B vs {} B clean = {:.3}× (target ≤ 1.05) in {:.1} s",
        f.throttled_snapshot_bytes, f.throttled_bytes, f.throttled_clean_bytes, f.throttled_bytes_ratio, f.throttled_seconds
    );
    println!(
        "hub: {:.0} unchanged-sync requests/s, 304 (target ≥ 10,000)",
        f.hub_rps
    );
    let mut j = serde_json::to_value(&f).unwrap();
    j["bench"] = "sync".into();
    println!("{j}");
}
