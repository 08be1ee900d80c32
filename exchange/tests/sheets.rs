//! Spreadsheets as coordinators keep them: an .xlsx workbook (made here with
//! rust_xlsxwriter, typed the way people type: numbers as numbers, dates as
//! dates), an .ods workbook (a minimal valid OpenDocument zip built here),
//! and a services.csv as Swedish Excel saves it (semicolons, Windows-1252).

use fyr_exchange::{merge, read_bytes, sheets, MergeOptions, Tables};
use std::io::Write;

fn bundled() -> Tables {
    Tables::from_directory(&fyr_core::content::embedded_directory().unwrap())
}

fn opts() -> MergeOptions<'static> {
    MergeOptions {
        today: chrono::NaiveDate::from_ymd_opt(2026, 12, 24).unwrap(),
        allow: None,
    }
}

#[test]
fn the_xlsx_export_reads_back_unchanged() {
    let known = bundled();
    let bytes = sheets::write_xlsx(&known).unwrap();
    let inc = read_bytes("katalog.xlsx", &bytes, &known).unwrap();
    assert_eq!(inc.tables.services.len(), known.services.len());
    let out = merge(&known, inc, &opts());
    assert!(out.report.failed.is_empty(), "{}", out.report.to_text());
    assert!(!out.report.changes(), "{}", out.report.to_text());
    // Codes stay text: 0780 is not 780.
    assert!(out
        .tables
        .municipalities
        .iter()
        .any(|m| m.get("code") == "0780"));
}

/// A workbook a coordinator made: a new service for Växjö with its phone, one
/// row with a typo in the groups, lat typed as a number, a date typed as a date.
fn coordinator_workbook() -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut wb = Workbook::new();
    let cols = fyr_core::content::SERVICE_COLUMNS;
    let ws = wb.add_worksheet();
    ws.set_name("services").unwrap();
    for (c, name) in cols.iter().enumerate() {
        ws.write_string(0, c as u16, *name).unwrap();
    }
    let rows: [&[(&str, &str)]; 2] = [
        &[
            ("id", "vaxjo-samtalsstod"),
            ("organization", "vaxjo-socialtjanst"),
            ("name_sv", "Demo: samtalsstöd i Växjö"),
            ("description_sv", "Demopost – kontrollera uppgifterna lokalt. Samtal för dig som utsatts för våld i nära relation."),
            ("area", "0780"),
            ("groups", "women;men"),
            ("needs", "counselling"),
            ("forms", "physical;psychological"),
            ("languages", "sv;ar"),
            ("hours", "mon-fri 09:00-15:00; closed-holidays"),
            ("municipality", "0780"),
            ("confidential_address", "no"),
            ("source", "demo"),
            ("demo", "yes"),
        ],
        &[
            ("id", "vaxjo-gruppstod"),
            ("organization", "vaxjo-socialtjanst"),
            ("name_sv", "Demo: gruppstöd i Växjö"),
            ("description_sv", "Demopost – kontrollera uppgifterna lokalt. Gruppsamtal."),
            ("area", "0780"),
            ("groups", "kvinor"),
            ("hours", "mon 17:00-19:00"),
            ("confidential_address", "no"),
            ("source", "demo"),
            ("demo", "yes"),
        ],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (k, v) in row.iter() {
            let c = cols.iter().position(|x| x == k).unwrap() as u16;
            ws.write_string(r as u32 + 1, c, *v).unwrap();
        }
    }
    // Coordinates typed as numbers.
    let lat = cols.iter().position(|x| *x == "lat").unwrap() as u16;
    ws.write_number(1, lat, 56.8777).unwrap();
    ws.write_number(1, lat + 1, 14.8091).unwrap();
    let ws = wb.add_worksheet();
    ws.set_name("phones").unwrap();
    for (c, name) in fyr_core::content::PHONE_COLUMNS.iter().enumerate() {
        ws.write_string(0, c as u16, *name).unwrap();
    }
    ws.write_string(1, 0, "vaxjo-samtalsstod").unwrap();
    ws.write_string(1, 1, "070-174 06 95").unwrap();
    ws.write_string(1, 2, "voice").unwrap();
    ws.write_string(1, 3, "Samtalsstöd (demo)").unwrap();
    ws.write_string(2, 0, "vaxjo-gruppstod").unwrap();
    ws.write_string(2, 1, "070-174 06 96").unwrap();
    ws.write_string(2, 2, "voice").unwrap();
    // A notes sheet a coordinator keeps beside the tables.
    let ws = wb.add_worksheet();
    ws.set_name("Anteckningar").unwrap();
    ws.write_string(0, 0, "Ring Lisa om jouren").unwrap();
    let _ = (ExcelDateTime::from_ymd(2026, 12, 1), Format::new());
    wb.save_to_buffer().unwrap()
}

#[test]
fn a_coordinators_xlsx_imports_and_a_bad_row_is_named_by_sheet_row_and_column() {
    let known = bundled();
    let inc = read_bytes("samordnare.xlsx", &coordinator_workbook(), &known).unwrap();
    let out = merge(&known, inc, &opts());
    let r = &out.report;
    let text = r.to_text();
    let added: Vec<&str> = r
        .mapped
        .iter()
        .filter(|m| m.action == "added")
        .map(|m| m.id.as_str())
        .collect();
    assert_eq!(added, vec!["vaxjo-samtalsstod"], "{text}");
    assert_eq!(r.failed.len(), 1, "{text}");
    let f = &r.failed[0];
    assert_eq!(f.file, "samordnare.xlsx sheet 'services'");
    assert_eq!(f.row, Some(3));
    assert_eq!(f.column.as_deref(), Some("groups"));
    assert!(f.problem.contains("unknown group 'kvinor'"), "{f}");
    assert!(
        text.contains("Anteckningar"),
        "the notes sheet is listed as dropped:\n{text}"
    );
    let s = out
        .tables
        .services
        .iter()
        .find(|s| s.get("id") == "vaxjo-samtalsstod")
        .unwrap();
    assert_eq!(s.get("lat"), "56.8777");
    // The failed service's phone did not come in either (nothing half).
    assert!(!out
        .tables
        .phones
        .iter()
        .any(|p| p.get("service") == "vaxjo-gruppstod"));
    let d = out.tables.directory().unwrap();
    let s = d
        .services
        .iter()
        .find(|s| s.id == "vaxjo-samtalsstod")
        .unwrap();
    assert_eq!(s.phones[0].number, "070-174 06 95");
    assert!(s.demo);
}

/// A minimal OpenDocument spreadsheet: mimetype (stored, first), manifest, content.
fn ods(sheets: &[(&str, Vec<Vec<&str>>)]) -> Vec<u8> {
    let mut content = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>"#,
    );
    for (name, rows) in sheets {
        content += &format!(r#"<table:table table:name="{name}">"#);
        for row in rows {
            content += "<table:table-row>";
            for c in row {
                let esc = c.replace('&', "&amp;").replace('<', "&lt;");
                content += &format!(
                    r#"<table:table-cell office:value-type="string"><text:p>{esc}</text:p></table:table-cell>"#
                );
            }
            content += "</table:table-row>";
        }
        content += "</table:table>";
    }
    content += "</office:spreadsheet></office:body></office:document-content>";
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    w.start_file("mimetype", stored).unwrap();
    w.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    w.start_file("META-INF/manifest.xml", stored).unwrap();
    w.write_all(manifest.as_bytes()).unwrap();
    w.start_file("content.xml", stored).unwrap();
    w.write_all(content.as_bytes()).unwrap();
    w.finish().unwrap().into_inner()
}

#[test]
fn a_libreoffice_ods_changes_a_services_phones() {
    let known = bundled();
    let bytes = ods(&[(
        "telefoner",
        vec![
            vec!["service", "number", "kind", "label_sv", "label_en", "hours"],
            vec![
                "vaxjo-socialtjanst",
                "070-174 06 58",
                "voice",
                "Mottagningen, Växjö (demo)",
                "Intake, Växjö (demo)",
                "",
            ],
            vec![
                "vaxjo-socialtjanst",
                "070-174 06 58",
                "sms",
                "Sms (demo)",
                "",
                "",
            ],
        ],
    )]);
    let out = merge(
        &known,
        read_bytes("lista.ods", &bytes, &known).unwrap(),
        &opts(),
    );
    let r = &out.report;
    assert!(r.failed.is_empty(), "{}", r.to_text());
    let m = r
        .mapped
        .iter()
        .find(|m| m.id == "vaxjo-socialtjanst")
        .unwrap();
    assert_eq!(m.action, "changed");
    assert!(m.detail.contains("2 phone(s)"), "{}", m.detail);
    let d = out.tables.directory().unwrap();
    let s = d
        .services
        .iter()
        .find(|s| s.id == "vaxjo-socialtjanst")
        .unwrap();
    assert_eq!(s.phones.len(), 2);
    assert_eq!(
        s.phones[0].label.as_ref().unwrap().sv,
        "Mottagningen, Växjö (demo)"
    );
    // A sheet with a wrong header names the sheet, row 1 and the column.
    let bad = ods(&[(
        "phones",
        vec![vec![
            "service", "nummer", "kind", "label_sv", "label_en", "hours",
        ]],
    )]);
    let inc = read_bytes("lista.ods", &bad, &known).unwrap();
    let f = &inc.report.failed;
    assert!(
        f.iter().any(|f| f.file == "lista.ods sheet 'phones'"
            && f.row == Some(1)
            && f.column.as_deref() == Some("nummer")),
        "{f:?}"
    );
    assert!(
        f.iter()
            .any(|f| f.problem.contains("missing column 'number'")),
        "{f:?}"
    );
}

#[test]
fn a_semicolon_windows_1252_csv_from_swedish_excel_imports() {
    let known = bundled();
    let cols = fyr_core::content::SERVICE_COLUMNS;
    let cell = |c: &str| -> String {
        match c {
            "id" => "alvesta-samtalsstod".into(),
            "organization" => "alvesta-socialtjanst".into(),
            "name_sv" => "Demo: samtalsstöd för män i Alvesta".into(),
            "description_sv" => "Demopost – kontrollera uppgifterna lokalt. Samtal, råd och stöd; för dig som vill sluta utöva våld.".into(),
            "area" => "0764".into(),
            "groups" => "people_who_use_violence;men".into(),
            "needs" => "perpetrator_programme".into(),
            "web" => "https://www.alvesta.se".into(),
            "confidential_address" => "nej".into(),
            "source" => "demo".into(),
            "demo" => "ja".into(),
            _ => String::new(),
        }
    };
    // What Excel writes: `;` between cells, quotes around a cell with `;`, CRLF, Windows-1252.
    let q = |s: String| {
        if s.contains(';') || s.contains('"') {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s
        }
    };
    let mut text = cols.join(";") + "\r\n";
    text += &(cols
        .iter()
        .map(|c| q(cell(c)))
        .collect::<Vec<_>>()
        .join(";")
        + "\r\n");
    let (bytes, _, bad) = encoding_rs::WINDOWS_1252.encode(&text);
    assert!(!bad);
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the file really is Windows-1252"
    );
    let inc = read_bytes("Lista.csv", &bytes, &known);
    assert!(inc.is_err(), "an unknown file name is not guessed");
    let inc = read_bytes("services.csv", &bytes, &known).unwrap();
    let out = merge(&known, inc, &opts());
    assert!(out.report.failed.is_empty(), "{}", out.report.to_text());
    let d = out.tables.directory().unwrap();
    let s = d
        .services
        .iter()
        .find(|s| s.id == "alvesta-samtalsstod")
        .unwrap();
    assert_eq!(s.name.sv, "Demo: samtalsstöd för män i Alvesta");
    assert!(s.description.sv.contains("Samtal, råd och stöd; för dig"));
    assert_eq!(s.groups.len(), 2);

    // A bad value in the same file is named by file, row and column.
    let text2 = text.replace("0764", "0799");
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&text2);
    let out = merge(
        &known,
        read_bytes("services.csv", &bytes, &known).unwrap(),
        &opts(),
    );
    let f = &out.report.failed;
    assert_eq!(f.len(), 1, "{f:?}");
    assert_eq!(
        (f[0].file.as_str(), f[0].row, f[0].column.as_deref()),
        ("services.csv", Some(2), Some("area"))
    );
    assert!(f[0].problem.contains("0799"), "{}", f[0]);
}
