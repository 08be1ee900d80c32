//! Loading a content directory into feed records for `fyr hub publish`:
//! the directory CSVs and the checklists, validated by the core with the
//! core's messages (every problem reported, naming file, row and id).

use crate::HubError;
use fyr_core::feed::Record;
use std::path::Path;

/// Reads and validates `<dir>/municipalities.csv`, `<dir>/directory/*.csv`
/// and `<dir>/checklists/*.toml` (when that folder exists) into records.
pub fn load_content(dir: &Path) -> Result<Vec<Record>, HubError> {
    fyr_core::bundle::load_content_dir(dir).map_err(|e| {
        let problems = e.to_string();
        HubError::Content(format!(
            "{} problem(s) in {}:\n{problems}",
            problems.lines().count(),
            dir.display()
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use fyr_core::feed::RecordKind;

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
