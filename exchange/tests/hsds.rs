//! HSDS 3 conformance and round trips: exports validate against the
//! compiled HSDS 3 schemas (read from ../shared/hsds-3 beside the
//! repository, never copied in), the tabular export is a data package whose
//! rows validate against the tabular schema, the official examples import
//! with a report, and Fyr → HSDS → Fyr loses nothing.

use fyr_core::model::{Directory, Location};
use fyr_core::vocab::AgencyKind;
use fyr_exchange::{hsds, merge, read_bytes, read_path, MergeOptions, Tables};
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

#[path = "../../bench/src/synth.rs"]
#[allow(dead_code)]
mod synth;

/// ../shared/hsds-3 relative to the workspace root (beside the repository,
/// never copied in). Missing, every test that needs it fails naming the path.
fn hsds3() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/hsds-3");
    assert!(
        d.join("schema/compiled/service.json").is_file(),
        "the HSDS 3 schemas are missing at {} (../shared/hsds-3 beside the repository root); \
         put the Open Referral schemas and examples there",
        d.display()
    );
    d
}

fn schema(dir: &Path, name: &str) -> Value {
    let p = dir.join("schema/compiled").join(name);
    serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap()
}

/// Validates against a compiled schema; the tabular schema's `$ref`s to the
/// per-object schemas resolve to ../shared/hsds-3/schema/*.json.
fn validate(schema: &Value, instance: &Value, what: &str) {
    check(&validator(schema), instance, what);
}

fn validator(schema: &Value) -> jsonschema::Validator {
    let mut o = jsonschema::options()
        .should_validate_formats(true)
        .with_base_uri("https://hsds.invalid/schema/");
    let dir = hsds3().join("schema");
    for e in std::fs::read_dir(&dir).unwrap().flatten() {
        let p = e.path();
        if p.extension().is_some_and(|x| x == "json") {
            let v: Value = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            o = o.with_resource(
                format!("https://hsds.invalid/schema/{name}"),
                jsonschema::Resource::from_contents(v).unwrap(),
            );
        }
    }
    o.build(schema).unwrap()
}

fn check(v: &jsonschema::Validator, instance: &Value, what: &str) {
    let errors: Vec<String> = v
        .iter_errors(instance)
        .take(20)
        .map(|e| format!("{} at {}", e, e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} does not validate:\n{}",
        errors.join("\n")
    );
}

fn bundled() -> Directory {
    fyr_core::content::embedded_directory().unwrap()
}

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()
}

fn opts() -> MergeOptions<'static> {
    MergeOptions {
        today: today(),
        allow: None,
    }
}

/// Asserts two tables hold the same rows, naming the first difference (the
/// tables are large). The content is a set of records keyed by id (the feed
/// digest is order-free), so rows are compared by key; a service's phones
/// keep their order.
fn same(a: &Tables, b: &Tables, what: &str) {
    let sorted = |t: &Tables, name: &str| {
        let key = match name {
            "municipalities" => "code",
            "phones" => "service",
            _ => "id",
        };
        let mut v = t.table(name).clone();
        v.sort_by(|p, q| p.get(key).cmp(q.get(key)));
        v
    };
    for name in ["municipalities", "organizations", "services", "phones"] {
        let (x, y) = (&sorted(a, name), &sorted(b, name));
        for (i, (r, w)) in x.iter().zip(y).enumerate() {
            assert_eq!(r.fields, w.fields, "{what}: {name} row {i} differs");
        }
        assert_eq!(x.len(), y.len(), "{what}: {name} row count");
    }
}

fn strip(mut t: Tables) -> Tables {
    for name in ["municipalities", "organizations", "services", "phones"] {
        for r in t.table_mut(name) {
            r.origin = None;
        }
    }
    t
}

#[test]
fn the_json_export_validates_against_the_compiled_schemas() {
    let dir = hsds3();
    let d = bundled();
    let doc = hsds::export_json(&d);
    let orgs = &doc["organizations"];
    assert_eq!(orgs.as_array().unwrap().len(), d.organizations.len());
    validate(
        &schema(&dir, "organization_package.json"),
        orgs,
        "organizations",
    );
    let svc_schema = validator(&schema(&dir, "service.json"));
    let mut n = 0;
    for o in orgs.as_array().unwrap() {
        for s in o["services"].as_array().unwrap() {
            check(&svc_schema, s, &format!("service {}", s["fyr_id"]));
            n += 1;
        }
    }
    assert_eq!(n, d.services.len(), "every service is exported");
    // The same id gives the same UUID in every export.
    let again = hsds::export_json(&d);
    assert_eq!(doc, again);
    assert_eq!(
        orgs[0]["id"].as_str().unwrap(),
        hsds::uuid_for("organization", &d.organizations[0].id)
    );
    // ... and in every version of Fyr: a UUID v5 (RFC 4122) of `service:ID`
    // in the namespace v5(URL, "urn:fyr:hsds"), as Python's uuid module
    // computes it, so a partner's system keeps recognising the entry.
    assert_eq!(
        hsds::namespace().to_string(),
        "5eb4fe7b-109f-5162-af09-cdd2ad9e8c38"
    );
    assert_eq!(
        hsds::uuid_for("service", "kvinnofridslinjen"),
        "2484483b-a623-5ec2-9a77-a4d2fb76f32b"
    );
}

#[test]
fn the_tabular_export_is_a_data_package_that_validates() {
    let dir = hsds3();
    let d = bundled();
    let files = hsds::export_tabular(&d);
    let get = |n: &str| {
        files
            .iter()
            .find(|f| f.0 == n)
            .map(|f| f.1.clone())
            .unwrap_or_else(|| panic!("{n} missing"))
    };
    let dp: Value = serde_json::from_slice(&get("datapackage.json")).unwrap();
    assert_eq!(dp["profile"], "tabular-data-package");
    let tabular = schema(&dir, "tabular.json");
    let mut instance = serde_json::Map::new();
    for res in dp["resources"].as_array().unwrap() {
        let path = res["path"].as_str().unwrap();
        let fields: Vec<(String, String)> = res["schema"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["name"].as_str().unwrap().into(),
                    f["type"].as_str().unwrap().into(),
                )
            })
            .collect();
        let mut rd = csv::Reader::from_reader(std::io::Cursor::new(get(path)));
        let header: Vec<String> = rd.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(
            header,
            fields.iter().map(|f| f.0.clone()).collect::<Vec<_>>(),
            "{path}: the header is the resource's fields"
        );
        let obj = hsds::TABULAR.iter().find(|t| t.0 == path).unwrap().1;
        let props = tabular["properties"].get(obj).map(|p| &p["items"]);
        if let Some(items) = props {
            // Every HSDS column is a field of the HSDS table, with its type.
            for (name, ty) in fields.iter().filter(|f| !f.0.starts_with("fyr_")) {
                let p = &items["properties"][name];
                assert!(p.is_object(), "{path}: {name} is not an HSDS field");
                let dt = p["datapackage_type"]
                    .as_str()
                    .unwrap_or(p["type"].as_str().unwrap_or(""));
                let dt = if dt == "date-time" { "datetime" } else { dt };
                assert_eq!(dt, ty, "{path}: {name} type");
            }
        } else {
            assert!(
                obj.starts_with("fyr_"),
                "{path}: {obj} is not an HSDS table"
            );
        }
        let mut rows = Vec::new();
        for rec in rd.records() {
            let rec = rec.unwrap();
            let mut o = serde_json::Map::new();
            for ((name, ty), cell) in fields.iter().zip(rec.iter()) {
                if cell.is_empty() {
                    continue;
                }
                let v = match ty.as_str() {
                    "number" => json!(cell.parse::<f64>().unwrap()),
                    "boolean" => json!(cell.parse::<bool>().unwrap()),
                    _ => json!(cell),
                };
                o.insert(name.clone(), v);
            }
            rows.push(Value::Object(o));
        }
        if props.is_some() {
            instance.insert(obj.to_string(), Value::Array(rows));
        }
    }
    assert!(instance["service"].as_array().unwrap().len() == d.services.len());
    assert!(!instance["schedule"].as_array().unwrap().is_empty());
    validate(&tabular, &Value::Object(instance), "the tabular export");
}

#[test]
fn the_bundled_content_round_trips_through_json_and_tabular() {
    let d = bundled();
    let want = Tables::from_directory(&d);
    let doc = hsds::export_json(&d);
    let back = strip(fyr_exchange::hsds::import_json("x.json", &doc, &Tables::default()).tables);
    same(&back, &want, "JSON round trip");
    let files = hsds::export_tabular(&d);
    let back = strip(
        fyr_exchange::hsds::import_tabular("x", &files, &Tables::default())
            .unwrap()
            .tables,
    );
    same(&back, &want, "tabular round trip");
    let digest =
        |d: &Directory| fyr_core::feed::records_digest(&fyr_core::feed::directory_records(d));
    assert_eq!(
        digest(&back.directory().unwrap()),
        digest(&d),
        "the core reads back the same records"
    );

    // Imported into the directory it came from, nothing changes and no entry loses its verification.
    let inc = read_bytes("fyr.json", &serde_json::to_vec(&doc).unwrap(), &want).unwrap();
    let out = merge(&want, inc, &opts());
    assert!(out.report.failed.is_empty(), "{}", out.report.to_text());
    assert!(!out.report.changes(), "{}", out.report.to_text());
    assert_eq!(digest(&out.tables.directory().unwrap()), digest(&d));
}

#[test]
fn a_synthetic_national_directory_round_trips() {
    let mut d = synth::directory(4000, 7);
    // The generator places some young women's shelters; valid content never
    // has a shelter's location (the export drops it whatever the input, see below).
    let shelters: Vec<String> = d
        .organizations
        .iter()
        .filter(|o| {
            matches!(
                o.agency_kind,
                AgencyKind::WomensShelter | AgencyKind::YoungWomensShelter
            )
        })
        .map(|o| o.id.clone())
        .collect();
    for s in &mut d.services {
        if shelters.contains(&s.organization) {
            s.confidential_address = true;
            s.location = None;
        }
    }
    let want = Tables::from_directory(&d);
    let back =
        strip(hsds::import_json("x.json", &hsds::export_json(&d), &Tables::default()).tables);
    assert_eq!(back.services.len(), d.services.len());
    same(&back, &want, "JSON round trip");
    let back = strip(
        hsds::import_tabular("x", &hsds::export_tabular(&d), &Tables::default())
            .unwrap()
            .tables,
    );
    same(&back, &want, "tabular round trip");
}

#[test]
fn a_shelters_address_is_never_exported_whatever_the_input() {
    let mut d = bundled();
    let shelter_orgs: Vec<String> = d
        .organizations
        .iter()
        .filter(|o| {
            matches!(
                o.agency_kind,
                AgencyKind::WomensShelter | AgencyKind::YoungWomensShelter
            )
        })
        .map(|o| o.id.clone())
        .collect();
    let mut n = 0;
    for s in &mut d.services {
        // A wrong input: a shelter flagged as not confidential, with an address and coordinates.
        if shelter_orgs.contains(&s.organization) {
            s.confidential_address = false;
            s.location = Some(Location {
                address: Some(format!("Hemliga vägen {n}")),
                municipality: None,
                lat: Some(62.123456 + n as f64 / 1000.0),
                lon: Some(15.654321),
            });
            n += 1;
        } else if s.location.is_some() && n < 1000 {
            // A confidential flag on any service hides its address too.
            s.confidential_address = true;
            if let Some(l) = &mut s.location {
                l.address = Some("Skyddad adress 1".into());
            }
        }
    }
    assert!(n > 5, "the bundled content has shelters");
    let json = serde_json::to_string(&hsds::export_json(&d)).unwrap();
    let tab: String = hsds::export_tabular(&d)
        .into_iter()
        .map(|f| String::from_utf8(f.1).unwrap())
        .collect();
    for out in [&json, &tab] {
        assert!(
            !out.contains("Hemliga vägen"),
            "a shelter's address was exported"
        );
        assert!(
            !out.contains("Skyddad adress"),
            "a confidential address was exported"
        );
        assert!(
            !out.contains("62.12"),
            "a shelter's coordinates were exported"
        );
    }
}

fn import_example(dir: &Path, file: &str) -> fyr_exchange::Outcome {
    let known = Tables::from_directory(&bundled());
    let p = dir.join("examples").join(file);
    let inc = read_path(&p, &known).unwrap();
    merge(&known, inc, &opts())
}

#[test]
fn the_official_examples_import_with_a_report() {
    let dir = hsds3();
    for file in [
        "service_full.json",
        "organization_full.json",
        "service_at_location_full.json",
        "csv",
        "tabular.json",
    ] {
        let out = import_example(&dir, file);
        let r = &out.report;
        let text = r.to_text();
        assert!(r.failed.is_empty(), "{file}:\n{text}");
        let svc = r
            .mapped
            .iter()
            .find(|m| m.kind == "service" && m.name == "Community Counselling")
            .unwrap_or_else(|| panic!("{file}: the service is not mapped:\n{text}"));
        assert_eq!(svc.action, "added");
        assert!(svc.detail.contains("1 phone"), "{file}: {}", svc.detail);
        assert!(
            svc.detail.contains("hours 'thu,fri 10:00-18:00'"),
            "{file}: {}",
            svc.detail
        );
        assert!(svc.detail.contains("unverified"), "{file}: {}", svc.detail);
        let d = {
            // Checked as if verified, the merged directory is valid content.
            let mut t = out.tables.clone();
            for r in &mut t.services {
                if r.get("verified_on").is_empty()
                    && r.get("demo") == "no"
                    && fyr_core::content::unverified_note(r.get("source")).is_none()
                {
                    r.fields.insert("verified_on".into(), "2026-12-03".into());
                }
            }
            t.directory().unwrap_or_else(|e| panic!("{file}: {e:?}"))
        };
        let s = d
            .services
            .iter()
            .find(|s| s.name.sv == "Community Counselling")
            .unwrap();
        assert_eq!(s.phones[0].number, "+44 1234 234567");
        assert_eq!(s.languages, vec!["ur"]);
        assert!(
            s.location.as_ref().and_then(|l| l.lat).is_none(),
            "coordinates 100,101 are not in Sweden"
        );
        assert!(
            text.contains("fees_description"),
            "{file}: dropped fields are listed:\n{text}"
        );
        assert!(text.contains("outside Sweden"), "{file}:\n{text}");
        assert!(text.contains("area not understood"), "{file}:\n{text}");
        assert!(text.contains("agency kind"), "{file}:\n{text}");
        // The unverified entry blocks publishing until a coordinator verifies it.
        let err = out.tables.directory().unwrap_err();
        assert!(
            err.iter().any(|e| e.problem.contains("verified_on")),
            "{err:?}"
        );
    }
    // Files with no organization or service say so and change nothing.
    for file in ["taxonomy.json", "base.json", "location.json"] {
        let out = import_example(&dir, file);
        assert!(!out.report.changes(), "{file}");
        assert!(
            !out.report.dropped.is_empty(),
            "{file}: {}",
            out.report.to_text()
        );
    }
}

#[test]
fn a_changed_entry_becomes_unverified_and_a_bad_one_is_refused_whole() {
    let d = bundled();
    let known = Tables::from_directory(&d);
    let mut doc = hsds::export_json(&d);
    // Change Kvinnofridslinjen's description, and give BRIS a bad phone number.
    let mut touched = 0;
    for o in doc["organizations"].as_array_mut().unwrap() {
        for s in o["services"].as_array_mut().unwrap() {
            if s["fyr_id"] == "kvinnofridslinjen" {
                s["description"] = json!("Stödlinje dygnet runt – ny text.");
                touched += 1;
            }
            if s["fyr_id"] == "bris-116111" {
                s["phones"][0]["number"] = json!("ring oss");
                touched += 1;
            }
        }
    }
    assert_eq!(touched, 2);
    let out = merge(
        &known,
        hsds::import_json("edit.json", &doc, &known),
        &opts(),
    );
    let r = &out.report;
    let changed: Vec<&str> = r
        .mapped
        .iter()
        .filter(|m| m.action != "unchanged")
        .map(|m| m.id.as_str())
        .collect();
    assert_eq!(changed, vec!["kvinnofridslinjen"], "{}", r.to_text());
    assert_eq!(r.failed.len(), 1, "{}", r.to_text());
    assert_eq!(r.failed[0].id.as_deref(), Some("bris-116111"));
    assert!(r.failed[0].problem.contains("ring oss"));
    assert_eq!(
        r.failed[0].column.as_deref(),
        Some("number"),
        "{:?}",
        r.failed[0]
    );
    let kfl = out
        .tables
        .services
        .iter()
        .find(|s| s.get("id") == "kvinnofridslinjen")
        .unwrap();
    assert_eq!(kfl.get("verified_on"), "", "a changed entry is unverified");
    let bris = out
        .tables
        .phones
        .iter()
        .find(|p| p.get("service") == "bris-116111")
        .unwrap();
    assert_eq!(
        bris.get("number"),
        "116 111",
        "the refused entry keeps its current phones"
    );
}

/// The weaker equivalent (weekly `byday`/`opens_at`/`closes_at` rows, holiday
/// and dated rows) read back without `fyr_hours` means the same hours at the
/// instants that matter: Christmas, New Year, the DST nights.
#[test]
fn schedule_rows_alone_mean_the_same_hours_at_holidays_and_dst_nights() {
    use chrono::{Duration, TimeZone, Utc};
    use fyr_core::schedule::Schedule;
    let mut specs: Vec<String> = bundled().services.iter().map(|s| s.hours.clone()).collect();
    specs.extend(
        [
            "oncall: mon-thu 16:30-08:00; fri 15:00-mon 08:00; holidays 00:00-24:00",
            "mon-thu 08:00-16:30; fri 08:00-15:00; closed-holidays",
            "2026-12-24 closed; 2026-12-31 10:00-14:00; mon-fri 08:00-16:00; closed-holidays",
            "mon,wed,fri 13:00-19:00; sat-sun 22:00-02:00",
        ]
        .map(String::from),
    );
    specs.retain(|s| !s.is_empty());
    specs.sort();
    specs.dedup();
    let mut instants = Vec::new();
    for (from, days) in [
        (Utc.with_ymd_and_hms(2026, 12, 20, 0, 0, 0).unwrap(), 15),
        (Utc.with_ymd_and_hms(2026, 10, 23, 0, 0, 0).unwrap(), 4),
        (Utc.with_ymd_and_hms(2027, 3, 26, 0, 0, 0).unwrap(), 4),
        (Utc.with_ymd_and_hms(2027, 6, 24, 0, 0, 0).unwrap(), 3),
    ] {
        let mut t = from;
        while t < from + Duration::days(days) {
            instants.push(t);
            t += Duration::minutes(15);
        }
    }
    for spec in &specs {
        let rows = hsds::hours::to_rows(spec);
        assert!(!rows.is_empty(), "{spec}");
        assert!(rows
            .iter()
            .all(|r| r["fyr_time_zone"] == "Europe/Stockholm"));
        let refs: Vec<&serde_json::Map<String, Value>> = rows.iter().collect();
        let mut report = fyr_exchange::Report::default();
        let back = hsds::hours::from_rows(&refs, "test", &mut report)
            .unwrap_or_else(|| panic!("{spec}: {}", report.to_text()));
        let (a, b) = (
            Schedule::parse(spec).unwrap(),
            Schedule::parse(&back).unwrap(),
        );
        assert_eq!(a.on_call(), b.on_call(), "{spec} → {back}");
        for t in &instants {
            assert_eq!(a.is_open(*t), b.is_open(*t), "{spec} → {back} at {t}");
        }
    }
}
