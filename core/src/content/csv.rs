//! Reading one content CSV file into rows addressed by column name, with the
//! line number of every row kept for error messages.
//!
//! The files are what a coordinator saves from a spreadsheet: UTF-8 (a byte
//! order mark is accepted), comma-separated, a header row naming the columns
//! (in any order), quoted fields where needed. Rows whose cells are all empty
//! (trailing rows of a spreadsheet export) are skipped.

use super::ContentError;
use std::collections::HashMap;

/// One data row of a table.
#[derive(Debug, Clone)]
pub(crate) struct Row {
    /// 1-based line number in the file where the row starts (the header is line 1).
    pub line: usize,
    cells: HashMap<&'static str, String>,
}

impl Row {
    /// The trimmed cell of a column (empty when the column is missing).
    pub fn get(&self, column: &str) -> &str {
        self.cells.get(column).map(|s| s.trim()).unwrap_or("")
    }

    /// The cell as an optional value: `None` when empty.
    pub fn opt(&self, column: &str) -> Option<String> {
        let v = self.get(column);
        if v.is_empty() {
            None
        } else {
            Some(v.to_owned())
        }
    }

    /// A multi-value cell split on `;`, each value trimmed, empty values dropped.
    pub fn list(&self, column: &str) -> Vec<String> {
        split_list(self.get(column))
    }
}

/// Splits a multi-value cell on `;`.
pub(crate) fn split_list(cell: &str) -> Vec<String> {
    cell.split(';')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Columns that may be left out of a file's header altogether.
pub(crate) const OPTIONAL_COLUMNS: &[&str] = &["localities"];

/// Reads a table whose header must hold exactly the `expected` columns (in
/// any order; those in `OPTIONAL_COLUMNS` may be missing). Problems are pushed to `errors`; returns `None` when the header
/// is unusable, otherwise the rows that could be read.
pub(crate) fn read_table(
    file: &str,
    text: &str,
    expected: &[&'static str],
    errors: &mut Vec<ContentError>,
) -> Option<Vec<Row>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_line = text.lines().next().unwrap_or("");
    if first_line.trim().is_empty() {
        errors.push(ContentError::new(
            file,
            Some(1),
            None,
            format!(
                "missing header row; expected the columns {}",
                expected.join(",")
            ),
        ));
        return None;
    }
    if !first_line.contains(',') && first_line.contains(';') {
        errors.push(ContentError::new(
            file,
            Some(1),
            None,
            "the file is semicolon-separated; save it as comma-separated CSV (UTF-8) — `;` separates values inside a cell".to_owned(),
        ));
        return None;
    }

    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = reader.records();

    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => {
            errors.push(ContentError::new(
                file,
                Some(1),
                None,
                format!("cannot read the header row: {e}"),
            ));
            return None;
        }
        None => {
            errors.push(ContentError::new(
                file,
                Some(1),
                None,
                "missing header row".to_owned(),
            ));
            return None;
        }
    };

    // Map each header position to an expected column.
    let mut positions: Vec<Option<&'static str>> = Vec::with_capacity(header.len());
    let mut seen: HashMap<&'static str, usize> = HashMap::new();
    let mut header_ok = true;
    for (i, name) in header.iter().enumerate() {
        let name = name.trim();
        match expected.iter().find(|c| c.eq_ignore_ascii_case(name)) {
            Some(col) => {
                if seen.insert(col, i).is_some() {
                    errors.push(ContentError::new(
                        file,
                        Some(1),
                        None,
                        format!("header names the column '{col}' twice"),
                    ));
                    header_ok = false;
                }
                positions.push(Some(col));
            }
            None => {
                if name.is_empty() {
                    errors.push(ContentError::new(
                        file,
                        Some(1),
                        None,
                        format!("header column {} is empty", i + 1),
                    ));
                } else {
                    errors.push(ContentError::new(
                        file,
                        Some(1),
                        None,
                        format!(
                            "unknown column '{name}' in the header; expected {}",
                            expected.join(",")
                        ),
                    ));
                }
                header_ok = false;
                positions.push(None);
            }
        }
    }
    for col in expected {
        if !seen.contains_key(col) && !OPTIONAL_COLUMNS.contains(col) {
            errors.push(ContentError::new(
                file,
                Some(1),
                None,
                format!("missing column '{col}' in the header"),
            ));
            header_ok = false;
        }
    }
    if !header_ok {
        return None;
    }

    let mut rows = Vec::new();
    for record in records {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| p.line() as usize);
                errors.push(ContentError::new(
                    file,
                    line,
                    None,
                    format!("cannot read the row: {e}"),
                ));
                continue;
            }
        };
        let line = record.position().map(|p| p.line() as usize).unwrap_or(0);
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if record.len() != positions.len() {
            let first = record
                .get(0)
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned);
            errors.push(ContentError::new(
                file,
                Some(line),
                first,
                format!(
                    "the row has {} cells but the header has {} columns",
                    record.len(),
                    positions.len()
                ),
            ));
            continue;
        }
        let mut cells = HashMap::with_capacity(positions.len());
        for (pos, cell) in positions.iter().zip(record.iter()) {
            if let Some(col) = pos {
                cells.insert(*col, cell.to_owned());
            }
        }
        rows.push(Row { line, cells });
    }
    Some(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    const COLS: &[&str] = &["id", "name", "tags"];

    #[test]
    fn reads_rows_by_column_name_with_line_numbers() {
        let mut errors = Vec::new();
        let text = "\u{feff}name,id,tags\n\"Växjö, centrum\",a, x ; y;\n,,\n\"multi\nline\",b,\nplain,c,z\n";
        let rows = read_table("t.csv", text, COLS, &mut errors).unwrap();
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].get("id"), "a");
        assert_eq!(rows[0].get("name"), "Växjö, centrum");
        assert_eq!(rows[0].list("tags"), vec!["x", "y"]);
        assert_eq!(rows[0].line, 2);
        assert_eq!(rows[1].line, 4);
        assert_eq!(rows[1].opt("tags"), None);
        assert_eq!(rows[2].line, 6);
    }

    #[test]
    fn header_problems_are_named() {
        let mut errors = Vec::new();
        assert!(read_table("t.csv", "id,nme\n1,2\n", COLS, &mut errors).is_none());
        let msgs: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        assert!(
            msgs.iter().any(|m| m.contains("unknown column 'nme'")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter().any(|m| m.contains("missing column 'name'")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter().any(|m| m.contains("missing column 'tags'")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter().all(|m| m.starts_with("t.csv row 1:")),
            "{msgs:?}"
        );

        let mut errors = Vec::new();
        assert!(read_table("t.csv", "id;name;tags\n", COLS, &mut errors).is_none());
        assert!(errors[0].problem.contains("semicolon-separated"));

        let mut errors = Vec::new();
        assert!(read_table("t.csv", "id,name,tags,id\n", COLS, &mut errors).is_none());
        assert!(errors[0].problem.contains("twice"));

        let mut errors = Vec::new();
        assert!(read_table("t.csv", "", COLS, &mut errors).is_none());
        assert!(errors[0].problem.contains("missing header"));
    }

    #[test]
    fn ragged_rows_are_reported_and_skipped() {
        let mut errors = Vec::new();
        let rows = read_table("t.csv", "id,name,tags\na,b\nc,d,e\n", COLS, &mut errors).unwrap();
        assert_eq!(rows.len(), 1);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].row, Some(2));
        assert_eq!(errors[0].id.as_deref(), Some("a"));
        assert!(errors[0].problem.contains("2 cells"), "{}", errors[0]);
    }
}
