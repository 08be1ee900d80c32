//! The bundled default content, compiled into the binary: a first start with
//! no network and no files has the whole directory and all checklists.

use crate::error::{Error, Result};
use crate::model::Directory;
use crate::store::{Bundle, ContentPosition, RecordRow};

pub const BUNDLED_FEED_ID: &str = "fyr-bundled";

/// The records of a directory (municipalities, organizations, services).
pub fn directory_records(d: &Directory) -> Result<Vec<RecordRow>> {
    let mut v =
        Vec::with_capacity(d.municipalities.len() + d.organizations.len() + d.services.len());
    for m in &d.municipalities {
        v.push(RecordRow::new("municipality", &m.code, m)?);
    }
    for o in &d.organizations {
        v.push(RecordRow::new("organization", &o.id, o)?);
    }
    for s in &d.services {
        v.push(RecordRow::new("service", &s.id, s)?);
    }
    Ok(v)
}

/// The embedded content as records, validated.
pub fn embedded_records() -> Result<Vec<RecordRow>> {
    let dir = crate::content::parse_directory(&crate::content::embedded_directory_sources())
        .map_err(|errs| {
            Error::Content(
                errs.iter()
                    .map(|e| e.to_string())
                    .collect::<Vec<_>>()
                    .join("\n"),
            )
        })?;
    directory_records(&dir)
}

pub fn bundled() -> Result<Bundle> {
    let records = embedded_records()?;
    let digest = crate::store::directory::content_digest(
        records
            .iter()
            .map(|r| (r.kind.as_str(), r.id.as_str(), r.hash())),
    );
    Ok(Bundle {
        position: ContentPosition {
            feed_id: BUNDLED_FEED_ID.into(),
            version: 0,
            digest,
            created: String::new(),
            stale_after_days: 0,
        },
        records,
    })
}
