//! The distance passes that stop early (`grid`, `rank::Ranker::each`) keep
//! exactly what the passes over every entry keep: the same hits, in the
//! same order, with the same reasons, for the bundled content and for a
//! directory thirty times its size, at many places and instants.

use super::rank::tests::{EXHAUSTIVE, VISITED};
use super::*;
use crate::api::Fyr;
use crate::feed::{Record, RecordKind};
use crate::model::Service;

/// The bundled content as a first start imports it.
fn bundled() -> crate::store::Bundle {
    crate::bundle::bundled().unwrap()
}

/// The bundled content with every service that has its own position copied
/// 29 more times over the country (new ids, positions moved): a directory
/// large enough that the nearest cells hold the best long before the last.
fn grown() -> crate::store::Bundle {
    let mut b = bundled();
    // Other records than the signed ones: no digest to hold them to.
    b.position.digest = String::new();
    let placed: Vec<(Service, f64, f64)> = b
        .records
        .iter()
        .filter(|r| r.kind == RecordKind::Service)
        .map(|r| r.decode::<Service>().unwrap())
        .filter_map(|s| {
            let (lat, lon) = s.location.as_ref().and_then(|l| l.lat.zip(l.lon))?;
            Some((s, lat, lon))
        })
        .collect();
    assert!(placed.len() > 20, "{} placed services", placed.len());
    for k in 1..30u32 {
        for (s, lat, lon) in &placed {
            let mut s = s.clone();
            s.id = format!("{}-copy{k}", s.id);
            let loc = s.location.as_mut().expect("placed");
            // Moved within Sweden's span, differently for each copy.
            loc.lat = Some(55.3 + (lat - 55.3 + 0.37 * k as f64).rem_euclid(13.5));
            loc.lon = Some(11.2 + (lon - 11.2 + 0.61 * k as f64).rem_euclid(12.5));
            b.records
                .push(Record::new(RecordKind::Service, s.id.clone(), &s));
        }
    }
    b
}

fn hits(f: &Fyr, q: &SearchQuery) -> Vec<(String, Vec<String>, Option<u64>)> {
    f.search_full(q)
        .unwrap()
        .hits
        .into_iter()
        // Distances to the metre: the same hit has the same distance.
        .map(|h| {
            (
                h.id,
                h.why,
                h.distance_km.map(|d| (d * 1000.0).round() as u64),
            )
        })
        .collect()
}

/// Places people search from (towns of both counties, elsewhere, the
/// mountains, the far north and south), and a coarse net over the country.
fn places() -> Vec<(f64, f64)> {
    let mut p = vec![
        (62.545, 12.545), // Funäsdalen
        (56.833, 13.941), // Ljungby
        (63.853, 15.557), // Strömsund
        (63.179, 14.636), // Östersund
        (56.879, 14.806), // Växjö
        (59.33, 18.06),   // Stockholm
        (67.855, 20.225), // Kiruna
        (55.605, 13.0),   // Malmö
        (63.2, 14.0),     // between villages
    ];
    let mut lat = 55.2;
    while lat < 69.0 {
        let mut lon = 11.0;
        while lon < 24.0 {
            p.push((lat, lon));
            lon += 3.1;
        }
        lat += 1.7;
    }
    p
}

fn at(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

#[test]
fn the_pruned_distance_passes_keep_what_the_full_passes_keep() {
    let instants = [
        at("2026-12-24T22:00:00+01:00"), // julafton, the offices closed
        at("2026-11-25T10:00:00+01:00"), // a Wednesday morning
        at("2027-03-28T02:30:00+02:00"), // the night the clocks go forward
    ];
    // What people type (sentences, no å/ä/ö), and nothing.
    let texts = [
        None,
        Some("min man slar mig"),
        Some("barn far illa hemma"),
        Some("vart kan hon ta vagen inatt"),
        Some("kvinnojour"),
    ];
    let munis = [None, Some("Ljungby"), Some("Berg"), Some("Stromsund")];
    for (label, b) in [("bundled", bundled()), ("thirty times", grown())] {
        let (_d, f) = super::fixture::open_with(b.records, b.position);
        let mut visited_pruned = 0;
        let mut visited_full = 0;
        let mut compared = 0;
        for &when in &instants {
            for text in texts {
                for muni in munis {
                    let near: Vec<Option<(f64, f64)>> = if muni.is_some() {
                        vec![None, Some((62.545, 12.545))]
                    } else {
                        // No place at all too (the cells by kind,
                        // schedule and reach).
                        std::iter::once(None)
                            .chain(places().into_iter().map(Some))
                            .collect()
                    };
                    for near in near {
                        // Open now, filters (a place to sleep for
                        // women), a language: each with and without.
                        for variant in 0..4 {
                            let open_now = variant == 1;
                            let filtered = variant == 2;
                            let q = SearchQuery {
                                text: text.map(str::to_string),
                                municipality: muni.map(str::to_string),
                                near,
                                open_now,
                                groups: if filtered { vec![Group::Women] } else { vec![] },
                                needs: if filtered {
                                    vec![Need::ProtectedHousing]
                                } else {
                                    vec![]
                                },
                                language: (variant == 3).then(|| "ar".to_string()),
                                at: Some(when),
                                ..Default::default()
                            };
                            VISITED.set(0);
                            let pruned = hits(&f, &q);
                            let took = VISITED.get();
                            VISITED.set(0);
                            EXHAUSTIVE.set(true);
                            let full = hits(&f, &q);
                            EXHAUSTIVE.set(false);
                            // Where the place decides (no words, or a
                            // municipality), the nearest cells should do.
                            if text.is_none() || muni.is_some() {
                                visited_pruned += took;
                                visited_full += VISITED.get();
                            }
                            assert_eq!(
                                pruned, full,
                                "{label}: {text:?} in {muni:?} near {near:?} at {when} (variant {variant})"
                            );
                            compared += 1;
                        }
                    }
                }
            }
        }
        assert!(compared > 500, "{label}: {compared} queries compared");
        if label == "thirty times" {
            // The larger directory is where stopping early must pay.
            assert!(
                visited_pruned * 4 < visited_full * 3,
                "{label}: the pruned passes took {visited_pruned} entries of {visited_full}"
            );
        }
    }
}
