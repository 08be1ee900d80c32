//! Spreadsheets as coordinators keep them: `.xlsx` and `.ods` workbooks
//! (read with `calamine`) and CSV files with comma or semicolon, in UTF-8 or
//! Windows-1252 (what Swedish Excel saves; decoded with `encoding_rs`),
//! with the content tables' sheets and columns; and an `.xlsx` export, one
//! sheet per table (`rust_xlsxwriter`), every cell text so that `0780` stays `0780`.

use crate::report::Report;
use crate::tables::{columns, Fields, Origin, Row, Tables, TABLES};
use crate::{Incoming, ReadError};
use std::io::{Cursor, Read};

/// The table a sheet or file name stands for (English or Swedish, any case,
/// with or without `.csv` and folder).
pub fn table_of(name: &str) -> Option<&'static str> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name).trim();
    let base = base
        .strip_suffix(".csv")
        .or_else(|| base.strip_suffix(".CSV"))
        .unwrap_or(base)
        .to_lowercase();
    Some(match base.as_str() {
        "municipalities" | "kommuner" => "municipalities",
        "organizations" | "organisationer" => "organizations",
        "services" | "verksamheter" => "services",
        "phones" | "telefoner" | "telefonnummer" => "phones",
        _ => return None,
    })
}

/// Adds one table's rows (a header row and data rows, as cell texts) to
/// `tables`; header problems and ragged rows go to the report.
fn add_rows(
    file: &str,
    table: &'static str,
    mut rows: impl Iterator<Item = (usize, Vec<String>)>,
    tables: &mut Tables,
    report: &mut Report,
) {
    let cols = columns(table);
    let Some((hrow, header)) = rows.next() else {
        report.fail(file, Some(1), None, None, "empty: no header row");
        return;
    };
    let mut map: Vec<Option<&'static str>> = Vec::new();
    let mut ok = true;
    for (i, h) in header.iter().enumerate() {
        let h = h.trim().trim_start_matches('\u{feff}');
        if h.is_empty() {
            map.push(None);
            continue;
        }
        match cols.iter().find(|c| c.eq_ignore_ascii_case(h)) {
            Some(c) if map.contains(&Some(*c)) => {
                report.fail(
                    file,
                    Some(hrow),
                    Some(c),
                    None,
                    format!("the header names the column '{c}' twice"),
                );
                ok = false;
                map.push(None);
            }
            Some(c) => map.push(Some(*c)),
            None => {
                report.fail(
                    file,
                    Some(hrow),
                    Some(h),
                    None,
                    format!(
                        "unknown column '{h}' (header cell {}); the columns of {table} are {}",
                        i + 1,
                        cols.join(",")
                    ),
                );
                ok = false;
                map.push(None);
            }
        }
    }
    for c in cols {
        if !map.contains(&Some(*c)) && *c != "localities" {
            report.fail(
                file,
                Some(hrow),
                Some(c),
                None,
                format!("missing column '{c}' in the header"),
            );
            ok = false;
        }
    }
    if !ok {
        return;
    }
    for (row, cells) in rows {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let extra = cells
            .iter()
            .enumerate()
            .skip(map.len())
            .find(|(_, c)| !c.trim().is_empty());
        if let Some((i, c)) = extra {
            report.fail(
                file,
                Some(row),
                None,
                None,
                format!(
                    "a value '{c}' in cell {} beyond the header's columns",
                    i + 1
                ),
            );
            continue;
        }
        let mut fields = Fields::new();
        for (i, col) in map.iter().enumerate() {
            if let Some(col) = col {
                fields.insert(col.to_string(), cells.get(i).cloned().unwrap_or_default());
            }
        }
        tables.table_mut(table).push(Row {
            fields,
            origin: Some(Origin {
                file: file.to_string(),
                row,
            }),
        });
    }
}

/// Decodes a CSV file: UTF-8 (with or without a byte order mark), else Windows-1252.
pub fn decode(bytes: &[u8]) -> (String, &'static str) {
    let bytes = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_string(), "UTF-8"),
        Err(_) => {
            let (s, _, _) = encoding_rs::WINDOWS_1252.decode(bytes);
            (s.into_owned(), "Windows-1252")
        }
    }
}

/// The separator of a CSV file, from its header line: `;` when it has more
/// semicolons than commas (Swedish Excel), `,` otherwise.
pub fn separator(text: &str) -> u8 {
    let head = text.lines().next().unwrap_or("");
    if head.matches(';').count() > head.matches(',').count() {
        b';'
    } else {
        b','
    }
}

/// Reads CSV text into (row number, cells) pairs; the row number is the
/// file's line where the row starts.
pub fn csv_rows(file: &str, text: &str, report: &mut Report) -> Vec<(usize, Vec<String>)> {
    let mut rd = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(separator(text))
        .from_reader(text.as_bytes());
    let mut out = Vec::new();
    // Newlines counted so far, up to byte `seen` (counted on, not from the
    // start for every record: a national file has thousands of rows).
    let bytes = text.as_bytes();
    let (mut seen, mut newlines) = (0usize, 0usize);
    for rec in rd.records() {
        match rec {
            Ok(r) => {
                // The line where the record's text starts (csv's own line
                // count lags a line behind after a CRLF line end).
                let line = r
                    .position()
                    .map(|p| {
                        let mut b = p.byte() as usize;
                        while matches!(bytes.get(b), Some(b'\r' | b'\n')) {
                            b += 1;
                        }
                        let b = b.min(bytes.len());
                        if b < seen {
                            (seen, newlines) = (0, 0);
                        }
                        newlines += bytes[seen..b].iter().filter(|c| **c == b'\n').count();
                        seen = b;
                        newlines + 1
                    })
                    .unwrap_or(0);
                out.push((line, r.iter().map(str::to_string).collect()));
            }
            Err(e) => {
                let line = e.position().map(|p| p.line() as usize);
                report.fail(file, line, None, None, format!("cannot read the row: {e}"));
            }
        }
    }
    out
}

/// Reads content CSV files (any of the four tables, named by file name).
pub fn read_content_csvs(files: &[(String, Vec<u8>)]) -> Result<Incoming, ReadError> {
    let mut inc = Incoming::default();
    inc.report.source = files
        .iter()
        .map(|f| f.0.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let mut any = false;
    for (name, bytes) in files {
        let Some(table) = table_of(name) else {
            if name.to_ascii_lowercase().ends_with(".csv") {
                inc.report.drop(
                    name.clone(),
                    "not one of the content tables (municipalities, organizations, services, phones)",
                );
            }
            continue;
        };
        any = true;
        let (text, _) = decode(bytes);
        let rows = csv_rows(name, &text, &mut inc.report);
        add_rows(
            name,
            table,
            rows.into_iter(),
            &mut inc.tables,
            &mut inc.report,
        );
    }
    if !any {
        return Err(ReadError(format!(
            "{}: none of the files is a content table (municipalities.csv, organizations.csv, services.csv, phones.csv)",
            inc.report.source
        )));
    }
    Ok(inc)
}

fn cell_text(d: &calamine::Data) -> String {
    use calamine::Data;
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 1e15 {
                format!("{}", *f as i64)
            } else {
                f.to_string()
            }
        }
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "yes" } else { "no" }.to_string(),
        Data::DateTime(dt) => dt
            .as_datetime()
            .map(|t| {
                if t.time() == chrono::NaiveTime::MIN {
                    t.date().format("%Y-%m-%d").to_string()
                } else {
                    t.format("%Y-%m-%d %H:%M").to_string()
                }
            })
            .unwrap_or_else(|| dt.to_string()),
        Data::DateTimeIso(s) => {
            if s.len() >= 10 && s.ends_with("T00:00:00") || s.len() == 10 {
                s[..10].to_string()
            } else {
                s.clone()
            }
        }
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// Reads an `.xlsx` or `.ods` workbook: one sheet per table, named like
/// the content files (`services`, `phones` …, or Swedish `verksamheter`,
/// `telefoner` …); other sheets are listed as dropped.
pub fn read_workbook(name: &str, bytes: &[u8]) -> Result<Incoming, ReadError> {
    use calamine::Reader;
    let mut wb = calamine::open_workbook_auto_from_rs(Cursor::new(bytes.to_vec()))
        .map_err(|e| ReadError(format!("{name}: cannot read the workbook: {e}")))?;
    let mut inc = Incoming::default();
    inc.report.source = name.to_string();
    let mut any = false;
    for sheet in wb.sheet_names().to_vec() {
        let Some(table) = table_of(&sheet) else {
            inc.report.drop(
                format!("{name} sheet '{sheet}'"),
                "not one of the content tables (municipalities, organizations, services, phones)",
            );
            continue;
        };
        any = true;
        let range = wb
            .worksheet_range(&sheet)
            .map_err(|e| ReadError(format!("{name} sheet '{sheet}': {e}")))?;
        let start = range.start().map(|(r, _)| r as usize).unwrap_or(0);
        let rows: Vec<(usize, Vec<String>)> = range
            .rows()
            .enumerate()
            .map(|(i, r)| (start + i + 1, r.iter().map(cell_text).collect()))
            .collect();
        let label = format!("{name} sheet '{sheet}'");
        add_rows(
            &label,
            table,
            rows.into_iter(),
            &mut inc.tables,
            &mut inc.report,
        );
    }
    if !any {
        return Err(ReadError(format!(
            "{name}: no sheet is a content table: name the sheets municipalities, organizations, services and phones"
        )));
    }
    Ok(inc)
}

/// The tables as an `.xlsx` workbook, one sheet per table (header bold and
/// frozen, every cell text).
pub fn write_xlsx(t: &Tables) -> Result<Vec<u8>, String> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    for (name, cols, _) in TABLES {
        let ws = wb.add_worksheet();
        ws.set_name(name).map_err(|e| e.to_string())?;
        for (c, col) in cols.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *col, &bold)
                .map_err(|e| e.to_string())?;
            ws.set_column_format(c as u16, &text)
                .map_err(|e| e.to_string())?;
        }
        for (r, row) in t.table(name).iter().enumerate() {
            for (c, col) in cols.iter().enumerate() {
                let v = row.fields.get(*col).map(String::as_str).unwrap_or("");
                if !v.is_empty() {
                    ws.write_string((r + 1) as u32, c as u16, v)
                        .map_err(|e| e.to_string())?;
                }
            }
        }
        ws.set_freeze_panes(1, 0).map_err(|e| e.to_string())?;
    }
    wb.save_to_buffer().map_err(|e| e.to_string())
}

/// Largest total size unpacked from a zip (a zip bomb stops here).
const MAX_UNZIPPED: u64 = 64 << 20;

/// The files in a zip (CSV and JSON only), by name.
pub fn unzip(name: &str, bytes: &[u8]) -> Result<Vec<(String, Vec<u8>)>, ReadError> {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| ReadError(format!("{name}: not a readable zip file: {e}")))?;
    let mut out = Vec::new();
    let mut total = 0u64;
    for i in 0..z.len() {
        let mut f = z
            .by_index(i)
            .map_err(|e| ReadError(format!("{name}: entry {i}: {e}")))?;
        let n = f.name().to_string();
        let lower = n.to_ascii_lowercase();
        if f.is_dir() || !(lower.ends_with(".csv") || lower.ends_with(".json")) {
            continue;
        }
        let mut b = Vec::new();
        (&mut f)
            .take(MAX_UNZIPPED - total + 1)
            .read_to_end(&mut b)
            .map_err(|e| ReadError(format!("{name}: {n}: {e}")))?;
        total += b.len() as u64;
        if total > MAX_UNZIPPED {
            return Err(ReadError(format!(
                "{name}: unpacks to more than {} MiB",
                MAX_UNZIPPED >> 20
            )));
        }
        out.push((n, b));
    }
    Ok(out)
}

/// A zip of named files (for the tabular HSDS download).
pub fn zip(files: &[(String, Vec<u8>)]) -> Result<Vec<u8>, String> {
    use std::io::Write;
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (n, b) in files {
        w.start_file(n.as_str(), opts).map_err(|e| e.to_string())?;
        w.write_all(b).map_err(|e| e.to_string())?;
    }
    Ok(w.finish().map_err(|e| e.to_string())?.into_inner())
}
