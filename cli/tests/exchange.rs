//! `fyr hub export` and `fyr hub import` through the real binary: every
//! export format, imports into a content folder and into the hub's working
//! directory, reports, exit codes.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn fyr(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fyr"))
        .args(args)
        .env("HOME", std::env::temp_dir())
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let p = e.path();
        if p.file_name().unwrap() == "feed" {
            continue;
        }
        if p.is_dir() {
            copy_dir(&p, &to.join(p.file_name().unwrap()));
        } else {
            std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
        }
    }
}

#[test]
fn every_export_format_is_written() {
    let t = tempfile::tempdir().unwrap();
    let p = |n: &str| t.path().join(n).display().to_string();
    for (format, out) in [
        ("hsds-json", p("dir.json")),
        ("hsds-csv", p("tabular")),
        ("hsds-csv", p("tabular.zip")),
        ("xlsx", p("katalog.xlsx")),
    ] {
        let o = fyr(&["hub", "export", "--format", format, "--out", &out]);
        assert!(o.status.success(), "{format}: {}", text(&o));
        assert!(
            text(&o).contains(&format!("{} services", bundled_services())),
            "{}",
            text(&o)
        );
    }
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(t.path().join("dir.json")).unwrap()).unwrap();
    assert_eq!(v["hsds_version"], "3.0");
    assert!(t.path().join("tabular/datapackage.json").is_file());
    assert!(t.path().join("tabular/services.csv").is_file());
    assert!(std::fs::read(t.path().join("katalog.xlsx"))
        .unwrap()
        .starts_with(b"PK"));
    // A bad format is a usage error.
    let o = fyr(&["hub", "export", "--format", "pdf", "--out", &p("x")]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

#[test]
fn a_swedish_excel_csv_and_an_hsds_file_import_into_a_content_folder() {
    let t = tempfile::tempdir().unwrap();
    let content = t.path().join("content");
    copy_dir(&repo().join("content"), &content);
    // services.csv as Swedish Excel saves it: semicolons, Windows-1252.
    let cols = fyr_core::content::SERVICE_COLUMNS;
    let val = |c: &str| match c {
        "id" => "stromsund-samtal",
        "organization" => "stromsund-socialtjanst",
        "name_sv" => "Demo: samtalsstöd i Strömsund",
        "description_sv" => {
            "Demopost – kontrollera uppgifterna lokalt. Samtal för den som utsatts för våld."
        }
        "area" => "2313",
        "groups" => "\"women;men\"",
        "web" => "https://www.stromsund.se",
        "confidential_address" => "nej",
        "source" => "demo",
        "demo" => "ja",
        _ => "",
    };
    let csv = format!(
        "{}\r\n{}\r\n",
        cols.join(";"),
        cols.iter().map(|c| val(c)).collect::<Vec<_>>().join(";")
    );
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&csv);
    let file = t.path().join("services.csv");
    std::fs::write(&file, &bytes).unwrap();
    let report = t.path().join("report.txt");
    let o = fyr(&[
        "hub",
        "import",
        file.to_str().unwrap(),
        "--content",
        content.to_str().unwrap(),
        "--report",
        report.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains("added service 'stromsund-samtal'"),
        "{}",
        text(&o)
    );
    assert!(std::fs::read_to_string(&report)
        .unwrap()
        .contains("stromsund-samtal"));
    let d = fyr_core::content::load_directory_dir(&content).unwrap();
    let s = d
        .services
        .iter()
        .find(|s| s.id == "stromsund-samtal")
        .unwrap();
    assert_eq!(s.name.sv, "Demo: samtalsstöd i Strömsund");

    // The official HSDS example: mapped, unverified, so the folder no longer
    // publishes until a coordinator verifies it.
    let ex = repo().join("../shared/hsds-3/examples/service_full.json");
    assert!(
        ex.is_file(),
        "the HSDS 3 examples are missing: {} (../shared/hsds-3 beside the repository root)",
        ex.display()
    );
    let json_report = t.path().join("report.json");
    let o = fyr(&[
        "hub",
        "import",
        ex.to_str().unwrap(),
        "--content",
        content.to_str().unwrap(),
        "--report",
        json_report.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let r: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&json_report).unwrap()).unwrap();
    assert!(r["mapped"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["id"] == "community-counselling"));
    let errors = fyr_core::content::load_directory_dir(&content).unwrap_err();
    assert!(
        errors
            .iter()
            .any(|e| e.id.as_deref() == Some("community-counselling")
                && e.problem.contains("verified_on")),
        "{errors:?}"
    );
}

#[test]
fn a_failing_row_exits_1_and_names_its_row_and_column_and_bad_arguments_exit_2() {
    let t = tempfile::tempdir().unwrap();
    let content = t.path().join("content");
    copy_dir(&repo().join("content"), &content);
    let before = std::fs::read(content.join("directory/phones.csv")).unwrap();
    let file = t.path().join("phones.csv");
    std::fs::write(
        &file,
        "service,number,kind,label_sv,label_en,hours\nvaxjo-socialtjanst,070-174 06 58,voice,,,\nvaxjo-socialtjanst,ring mig,sms,,,\n",
    )
    .unwrap();
    let o = fyr(&[
        "hub",
        "import",
        file.to_str().unwrap(),
        "--content",
        content.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("phones.csv row 3 column number (id vaxjo-socialtjanst)"),
        "{}",
        text(&o)
    );
    assert_eq!(
        std::fs::read(content.join("directory/phones.csv")).unwrap(),
        before,
        "the service's phones are imported whole or not at all"
    );
    let o = fyr(&["hub", "import", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let o = fyr(&[
        "hub",
        "import",
        "/nonexistent/x.xlsx",
        "--content",
        content.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

#[test]
fn a_workbook_imports_into_the_hubs_working_directory() {
    let t = tempfile::tempdir().unwrap();
    let xlsx = t.path().join("k.xlsx");
    let o = fyr(&[
        "hub",
        "export",
        "--format",
        "xlsx",
        "--out",
        xlsx.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    let db = t.path().join("hub.db");
    // The exported workbook, unchanged: nothing to import.
    let o = fyr(&[
        "hub",
        "import",
        xlsx.to_str().unwrap(),
        "--db",
        db.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        text(&o).contains(&format!(
            "service: 0 added, 0 changed, {} unchanged",
            bundled_services()
        )),
        "{}",
        text(&o)
    );
    // A dry run of an HSDS file writes nothing.
    let ex = repo().join("../shared/hsds-3/examples/service_full.json");
    if ex.is_file() {
        let o = fyr(&[
            "hub",
            "import",
            ex.to_str().unwrap(),
            "--db",
            db.to_str().unwrap(),
            "--dry-run",
        ]);
        assert!(o.status.success(), "{}", text(&o));
        let conn = rusqlite::Connection::open(&db).unwrap();
        let n: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM console_rows WHERE key = 'community-counselling'",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n, 0);
        let o = fyr(&[
            "hub",
            "import",
            ex.to_str().unwrap(),
            "--db",
            db.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", text(&o));
        let (fields, audit): (String, i64) = conn
            .query_row(
                "SELECT fields, (SELECT COUNT(*) FROM console_audit WHERE action = 'service.import') FROM console_rows WHERE key = 'community-counselling'",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .unwrap();
        let f: serde_json::Value = serde_json::from_str(&fields).unwrap();
        assert_eq!(f["verified_on"], "", "imported entries are unverified");
        assert_eq!(f["hours"], "thu,fri 10:00-18:00");
        assert_eq!(audit, 1);
    }
}

/// How many services the bundled directory has (content/directory/services.csv,
/// one row each after the header): the exports and imports above carry all.
fn bundled_services() -> usize {
    let csv = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../content/directory/services.csv"),
    )
    .unwrap();
    csv.lines().skip(1).filter(|l| !l.trim().is_empty()).count()
}
