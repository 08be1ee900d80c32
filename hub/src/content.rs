//! Loading a content directory into feed records for `fyr hub publish`:
//! the directory CSVs and the checklists, validated by the core with the
//! core's messages (every problem reported, naming file, row and id).

use crate::HubError;
use fyr_core::feed::{self, Record, RecordKind};
use std::path::Path;

/// Reads and validates `<dir>/municipalities.csv`, `<dir>/directory/*.csv`
/// and `<dir>/checklists/*.toml` (when that folder exists) into records.
pub fn load_content(dir: &Path) -> Result<Vec<Record>, HubError> {
    let mut problems: Vec<String> = Vec::new();
    let mut records = Vec::new();
    match fyr_core::content::load_directory_dir(dir) {
        Ok(d) => records.extend(feed::directory_records(&d)),
        Err(errs) => problems.extend(errs.iter().map(|e| e.to_string())),
    }
    let checklists = dir.join("checklists");
    if checklists.is_dir() {
        match fyr_core::checklist::load_dir(&checklists) {
            Ok(list) => {
                for c in &list {
                    records.push(Record::new(RecordKind::Checklist, c.id.clone(), c));
                }
            }
            Err(errs) => problems.extend(errs.iter().map(|e| e.to_string())),
        }
    }
    if !problems.is_empty() {
        return Err(HubError::Content(format!(
            "{} problem(s) in {}:\n{}",
            problems.len(),
            dir.display(),
            problems.join("\n")
        )));
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_repository_content_loads() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../content");
        let recs = load_content(&dir).unwrap();
        assert!(recs.iter().any(|r| r.kind == RecordKind::Service));
        assert!(recs.iter().any(|r| r.kind == RecordKind::Checklist));
        assert!(recs
            .iter()
            .any(|r| r.kind == RecordKind::Municipality && r.id == "0780"));
    }

    #[test]
    fn problems_name_the_file() {
        let tmp = tempfile::tempdir().unwrap();
        let e = load_content(tmp.path()).unwrap_err().to_string();
        assert!(e.contains("municipalities.csv"), "{e}");
    }
}
