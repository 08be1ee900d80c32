//! The directory content: the CSV files a coordinator edits in a spreadsheet
//! (`content/municipalities.csv`, `content/directory/{organizations,services,phones}.csv`,
//! described in `content/README.md`), their loader and their validation.
//!
//! Loading never stops at the first problem: every problem found in every file
//! is reported as a [`ContentError`] naming the file, the line, the item id and
//! what is wrong, so a coordinator can fix a whole spreadsheet in one go.

mod csv;
mod rows;
mod validate;
use rows::{parse_municipalities, parse_organizations, parse_phones, parse_services};

use crate::model::{
    Directory, Location, Municipality, Organization, Phone, PhoneKind, Service, ServiceArea, Text,
};
use crate::vocab::{AgencyKind, Form, Group, Need};
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::Path;

pub use validate::{
    is_fiction_number, normalize_number, FICTION_RANGE, NATIONAL_NUMBERS, SWEDEN_LAT, SWEDEN_LON,
};

/// Columns of `municipalities.csv`.
pub const MUNICIPALITY_COLUMNS: &[&str] = &[
    "code",
    "name",
    "county_code",
    "county_name",
    "lat",
    "lon",
    "localities",
];
/// Columns of `directory/organizations.csv`.
pub const ORGANIZATION_COLUMNS: &[&str] =
    &["id", "name", "agency_kind", "role_sv", "role_en", "website"];
/// Columns of `directory/services.csv`.
pub const SERVICE_COLUMNS: &[&str] = &[
    "id",
    "organization",
    "name_sv",
    "name_en",
    "description_sv",
    "description_en",
    "area",
    "groups",
    "needs",
    "forms",
    "languages",
    "hours",
    "web",
    "email",
    "address",
    "municipality",
    "lat",
    "lon",
    "confidential_address",
    "verified_on",
    "source",
    "demo",
    "tags",
];
/// Columns of `directory/phones.csv`.
pub const PHONE_COLUMNS: &[&str] = &["service", "number", "kind", "label_sv", "label_en", "hours"];

/// The directory's four tables: (name, columns, path in a content folder).
/// One list for every reader and writer of the tables (the hub's working
/// directory, spreadsheets and HSDS exchange).
pub const DIRECTORY_TABLES: [(&str, &[&str], &str); 4] = [
    ("municipalities", MUNICIPALITY_COLUMNS, "municipalities.csv"),
    (
        "organizations",
        ORGANIZATION_COLUMNS,
        "directory/organizations.csv",
    ),
    ("services", SERVICE_COLUMNS, "directory/services.csv"),
    ("phones", PHONE_COLUMNS, "directory/phones.csv"),
];

/// One problem in the content, located as precisely as possible. Serializes
/// as `{"file", "row", "id", "problem"}` (row and id null when unknown).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ContentError {
    /// The file label, e.g. `content/directory/services.csv`.
    pub file: String,
    /// The 1-based line number in the file (the header is line 1).
    pub row: Option<usize>,
    /// The id of the item concerned (service id, organization id, municipality code…).
    pub id: Option<String>,
    pub problem: String,
}

impl ContentError {
    pub fn new(
        file: &str,
        row: Option<usize>,
        id: Option<String>,
        problem: String,
    ) -> ContentError {
        ContentError {
            file: file.to_owned(),
            row,
            id,
            problem,
        }
    }
}

impl fmt::Display for ContentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(row) = self.row {
            write!(f, " row {row}")?;
        }
        if let Some(id) = &self.id {
            write!(f, " (id {id})")?;
        }
        write!(f, ": {}", self.problem)
    }
}

impl std::error::Error for ContentError {}

/// Formats a list of errors one per line, for a CLI or a log.
pub fn format_errors(errors: &[ContentError]) -> String {
    errors
        .iter()
        .map(|e| e.to_string())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The four content files: each a (file label used in errors, file text) pair.
#[derive(Debug, Clone, Copy)]
pub struct DirectorySources<'a> {
    pub municipalities: (&'a str, &'a str),
    pub organizations: (&'a str, &'a str),
    pub services: (&'a str, &'a str),
    pub phones: (&'a str, &'a str),
}

/// The content bundled into the binary at build time.
pub fn embedded_directory_sources() -> DirectorySources<'static> {
    DirectorySources {
        municipalities: (
            "content/municipalities.csv",
            include_str!("../../../content/municipalities.csv"),
        ),
        organizations: (
            "content/directory/organizations.csv",
            include_str!("../../../content/directory/organizations.csv"),
        ),
        services: (
            "content/directory/services.csv",
            include_str!("../../../content/directory/services.csv"),
        ),
        phones: (
            "content/directory/phones.csv",
            include_str!("../../../content/directory/phones.csv"),
        ),
    }
}

/// Parses and validates the bundled content.
pub fn embedded_directory() -> Result<Directory, Vec<ContentError>> {
    parse_directory(&embedded_directory_sources())
}

/// Reads `<dir>/municipalities.csv` and `<dir>/directory/{organizations,services,phones}.csv`,
/// then parses and validates them as [`parse_directory`] does. File labels in
/// errors are the paths read.
pub fn load_directory_dir(dir: &Path) -> Result<Directory, Vec<ContentError>> {
    let paths = [
        dir.join("municipalities.csv"),
        dir.join("directory").join("organizations.csv"),
        dir.join("directory").join("services.csv"),
        dir.join("directory").join("phones.csv"),
    ];
    let labels: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    let mut texts = Vec::with_capacity(4);
    let mut errors = Vec::new();
    for (path, label) in paths.iter().zip(&labels) {
        match std::fs::read(path) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(t) => texts.push(t),
                Err(e) => {
                    errors.push(ContentError::new(
                        label,
                        None,
                        None,
                        format!(
                            "the file is not UTF-8 (byte {}); save it as CSV UTF-8",
                            e.utf8_error().valid_up_to()
                        ),
                    ));
                    texts.push(String::new());
                }
            },
            Err(e) => {
                errors.push(ContentError::new(
                    label,
                    None,
                    None,
                    format!("cannot read the file: {e}"),
                ));
                texts.push(String::new());
            }
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    parse_directory(&DirectorySources {
        municipalities: (&labels[0], &texts[0]),
        organizations: (&labels[1], &texts[1]),
        services: (&labels[2], &texts[2]),
        phones: (&labels[3], &texts[3]),
    })
}

/// Parses and validates the four files into a [`Directory`]; on any problem,
/// returns all problems found.
pub fn parse_directory(src: &DirectorySources) -> Result<Directory, Vec<ContentError>> {
    let mut errors = Vec::new();
    let (municipalities, municipality_codes, county_codes) =
        parse_municipalities(src.municipalities, &mut errors);
    let (organizations, organization_ids) = parse_organizations(src.organizations, &mut errors);
    let known = Known {
        municipalities: municipality_codes,
        counties: county_codes,
        organizations: organization_ids,
        agency_kinds: organizations
            .iter()
            .map(|o| (o.id.clone(), o.agency_kind))
            .collect(),
        demo_organizations: organizations
            .iter()
            .filter(|o| is_demo_name(&o.name))
            .map(|o| o.id.clone())
            .collect(),
    };
    let (mut services, service_rows) = parse_services(src.services, &known, &mut errors);
    let (phones, phoned) = parse_phones(src.phones, &mut errors);
    // When a file could not be read at all (its header is wrong), references
    // into it are not checked: that would only repeat the header problem.
    validate::attach_and_check_phones(
        src.services.0,
        src.phones.0,
        &mut services,
        service_rows.as_ref(),
        phones,
        &mut errors,
    );
    if let Some(phoned) = &phoned {
        validate::check_contactable(src.services.0, &services, phoned, &mut errors);
    }
    validate::check_own_channels(src.services.0, &services, &known.agency_kinds, &mut errors);
    if errors.is_empty() {
        Ok(Directory {
            municipalities,
            organizations,
            services: services.into_iter().map(|s| s.service).collect(),
        })
    } else {
        Err(errors)
    }
}

/// What earlier files define, for checking references in later ones. The id
/// sets hold every row's id, valid or not (a row with an error is reported once,
/// not again at every reference to it); they are `None` when the file could not
/// be read at all, so references into it are not checked either.
pub(crate) struct Known {
    pub municipalities: Option<HashSet<String>>,
    pub counties: Option<HashSet<String>>,
    pub organizations: Option<HashSet<String>>,
    pub agency_kinds: HashMap<String, AgencyKind>,
    /// Organizations whose name carries the demo mark ("Demo: …").
    pub demo_organizations: HashSet<String>,
}

/// The demo mark that begins the name of every demo organization and demo
/// service, so that nobody takes an invented entry for a real one.
pub const DEMO_MARK: &str = "Demo:";

/// For an entry whose facts are not confirmed: the source cell reads
/// `unverified: what must be checked`. Returns what must be checked (possibly
/// empty), or `None` for a confirmed or demo source.
pub fn unverified_note(source: &str) -> Option<&str> {
    let t = source.trim();
    let head = t.get(..10)?;
    if head.eq_ignore_ascii_case("unverified") {
        Some(t[10..].trim_start_matches([':', ' ']).trim())
    } else {
        None
    }
}

/// Whether a name carries the demo mark.
pub fn is_demo_name(name: &str) -> bool {
    name.trim_start().starts_with(DEMO_MARK)
}

/// The ids of all service rows (valid or not), and of those marked demo=no.
pub(crate) struct ServiceIds {
    pub all: HashSet<String>,
    pub non_demo: HashSet<String>,
}

/// A parsed service with the line it came from.
pub(crate) struct ServiceRow {
    pub line: usize,
    pub service: Service,
}

/// A parsed phone with the line it came from and the service id it names.
pub(crate) struct PhoneRow {
    pub line: usize,
    pub service: String,
    pub phone: Phone,
}

#[cfg(test)]
mod tests;
