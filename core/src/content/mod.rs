//! The directory content: the CSV files a coordinator edits in a spreadsheet
//! (`content/municipalities.csv`, `content/directory/{organizations,services,phones}.csv`,
//! described in `content/README.md`), their loader and their validation.
//!
//! Loading never stops at the first problem: every problem found in every file
//! is reported as a [`ContentError`] naming the file, the line, the item id and
//! what is wrong, so a coordinator can fix a whole spreadsheet in one go.

mod csv;
mod validate;

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

/// Collects the problems of one row.
struct RowErrors<'e> {
    file: &'e str,
    line: usize,
    id: Option<String>,
    errors: &'e mut Vec<ContentError>,
    count: usize,
}

impl<'e> RowErrors<'e> {
    /// The errors of one row, named by its line and (when not empty) its id.
    fn new(
        file: &'e str,
        line: usize,
        id: &str,
        errors: &'e mut Vec<ContentError>,
    ) -> RowErrors<'e> {
        RowErrors {
            file,
            line,
            id: Some(id.to_owned()).filter(|c| !c.is_empty()),
            errors,
            count: 0,
        }
    }

    fn push(&mut self, problem: impl Into<String>) {
        self.count += 1;
        self.errors.push(ContentError::new(
            self.file,
            Some(self.line),
            self.id.clone(),
            problem.into(),
        ));
    }
}

type IdSet = Option<HashSet<String>>;

/// Returns the valid municipalities and the municipality and county codes of all rows.
fn parse_municipalities(
    (file, text): (&str, &str),
    errors: &mut Vec<ContentError>,
) -> (Vec<Municipality>, IdSet, IdSet) {
    let Some(rows) = csv::read_table(file, text, MUNICIPALITY_COLUMNS, errors) else {
        return (Vec::new(), None, None);
    };
    let mut counties = HashSet::new();
    let mut out: Vec<Municipality> = Vec::new();
    let mut lines: HashMap<String, usize> = HashMap::new();
    let mut county_names: HashMap<String, String> = HashMap::new();
    for row in rows {
        let code = row.get("code").to_owned();
        let mut e = RowErrors::new(file, row.line, &code, errors);
        if !(code.len() == 4 && code.bytes().all(|b| b.is_ascii_digit())) {
            e.push(format!(
                "municipality code '{code}' is not four digits (SCB code, e.g. 0780)"
            ));
        }
        let county_code = row.get("county_code").to_owned();
        counties.insert(county_code.clone());
        if !(county_code.len() == 2 && county_code.bytes().all(|b| b.is_ascii_digit())) {
            e.push(format!(
                "county code '{county_code}' is not two digits (e.g. 07)"
            ));
        } else if code.len() == 4 && !code.starts_with(&county_code) {
            e.push(format!(
                "municipality code {code} does not start with its county code {county_code}"
            ));
        }
        let name = row.get("name").to_owned();
        if name.is_empty() {
            e.push("empty name");
        }
        let county_name = row.get("county_name").to_owned();
        if county_name.is_empty() {
            e.push("empty county_name");
        } else if let Some(prev) = county_names.get(&county_code) {
            if *prev != county_name {
                e.push(format!("county {county_code} is named '{county_name}' here but '{prev}' in an earlier row"));
            }
        } else {
            county_names.insert(county_code.clone(), county_name.clone());
        }
        let coords =
            validate::coordinates(row.get("lat"), row.get("lon"), true, &mut |p| e.push(p));
        if let Some(prev) = lines.get(&code) {
            e.push(format!(
                "duplicate municipality code {code} (first on row {prev})"
            ));
        } else {
            lines.insert(code.clone(), row.line);
        }
        if e.count == 0 {
            let (lat, lon) = coords.unwrap_or_default();
            out.push(Municipality {
                code,
                name,
                county_code,
                county_name,
                localities: row
                    .get("localities")
                    .split(';')
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned)
                    .collect(),
                lat,
                lon,
            });
        }
    }
    (out, Some(lines.into_keys().collect()), Some(counties))
}

/// Returns the valid organizations and the ids of all rows.
fn parse_organizations(
    (file, text): (&str, &str),
    errors: &mut Vec<ContentError>,
) -> (Vec<Organization>, IdSet) {
    let Some(rows) = csv::read_table(file, text, ORGANIZATION_COLUMNS, errors) else {
        return (Vec::new(), None);
    };
    let mut out = Vec::new();
    let mut lines: HashMap<String, usize> = HashMap::new();
    for row in rows {
        let id = row.get("id").to_owned();
        let mut e = RowErrors::new(file, row.line, &id, errors);
        validate::id(&id, &mut |p| e.push(p));
        if let Some(prev) = lines.get(&id) {
            e.push(format!(
                "duplicate organization id '{id}' (first on row {prev})"
            ));
        } else if !id.is_empty() {
            lines.insert(id.clone(), row.line);
        }
        let name = row.get("name").to_owned();
        if name.is_empty() {
            e.push("empty name");
        }
        let kind = row.get("agency_kind");
        let agency_kind = AgencyKind::parse(kind);
        if agency_kind.is_none() {
            e.push(format!("unknown agency kind '{kind}'"));
        }
        let role_sv = row.get("role_sv");
        if role_sv.is_empty() {
            e.push("empty role_sv: describe the party's role in the work in Swedish");
        } else if is_demo_name(&name) && !role_sv.starts_with("Demo") {
            e.push("a demo organization's role_sv must begin with the demo mark ('Demopost – …') so that nobody takes its role for a real party's");
        }
        let website = row.opt("website");
        if let Some(w) = &website {
            validate::web(w, &mut |p| e.push(p));
        }
        if let (0, Some(agency_kind)) = (e.count, agency_kind) {
            out.push(Organization {
                id,
                name,
                agency_kind,
                role: Text::new(role_sv, row.get("role_en")),
                website,
            });
        }
    }
    (out, Some(lines.into_keys().collect()))
}

/// Parses a `;` list of vocabulary ids, reporting each unknown value; `*`
/// stands for all values. An empty list is an error when `required`.
fn vocab_list<T: Copy + PartialEq>(
    cell: &str,
    what: &str,
    parse: fn(&str) -> Option<T>,
    all: &[T],
    required: bool,
    e: &mut RowErrors,
) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for v in csv::split_list(cell) {
        if v == "*" {
            for a in all {
                if !out.contains(a) {
                    out.push(*a);
                }
            }
            continue;
        }
        match parse(&v) {
            Some(x) if !out.contains(&x) => out.push(x),
            Some(_) => {}
            None => e.push(format!("unknown {what} '{v}'")),
        }
    }
    if required && out.is_empty() && e.count == 0 {
        e.push(format!("no {what}s given (at least one is required)"));
    }
    out
}

/// Returns the valid services and the ids of all service rows (valid or not).
fn parse_services(
    (file, text): (&str, &str),
    known: &Known,
    errors: &mut Vec<ContentError>,
) -> (Vec<ServiceRow>, Option<ServiceIds>) {
    let Some(rows) = csv::read_table(file, text, SERVICE_COLUMNS, errors) else {
        return (Vec::new(), None);
    };
    let mut out = Vec::new();
    let mut lines: HashMap<String, usize> = HashMap::new();
    let mut non_demo = HashSet::new();
    for row in rows {
        let id = row.get("id").to_owned();
        let mut e = RowErrors::new(file, row.line, &id, errors);
        validate::id(&id, &mut |p| e.push(p));
        if let Some(prev) = lines.get(&id) {
            e.push(format!("duplicate service id '{id}' (first on row {prev})"));
        } else if !id.is_empty() {
            lines.insert(id.clone(), row.line);
        }

        let organization = row.get("organization").to_owned();
        let agency_kind = known.agency_kinds.get(&organization).copied();
        if organization.is_empty() {
            e.push("empty organization");
        } else if known
            .organizations
            .as_ref()
            .is_some_and(|ids| !ids.contains(&organization))
        {
            e.push(format!("unknown organization '{organization}'"));
        }

        let name_sv = row.get("name_sv");
        if name_sv.is_empty() {
            e.push("empty name_sv (the Swedish name is required)");
        }
        let description_sv = row.get("description_sv");
        if description_sv.is_empty() {
            e.push("empty description_sv");
        }

        let area = validate::area(row.get("area"), known, &mut |p| e.push(p));
        let groups = vocab_list(
            row.get("groups"),
            "group",
            Group::parse,
            Group::ALL,
            true,
            &mut e,
        );
        let needs = vocab_list(
            row.get("needs"),
            "need",
            Need::parse,
            Need::ALL,
            false,
            &mut e,
        );
        let forms = vocab_list(
            row.get("forms"),
            "form",
            Form::parse,
            Form::ALL,
            false,
            &mut e,
        );

        let languages = row.list("languages");
        for l in &languages {
            if !crate::model::is_language_code(l) {
                e.push(format!(
                    "language '{l}' is not an ISO 639-1 code (two lower-case letters, e.g. sv; 639-3 for a language without one, e.g. sma)"
                ));
            }
        }

        // Empty hours are right only for a service with no phone or chat
        // (information); `validate::check_contactable` checks that.
        let hours = row.get("hours").to_owned();
        if !hours.is_empty() {
            validate::hours(&hours, &mut |p| e.push(p));
        }

        let web = row.opt("web");
        if let Some(w) = &web {
            validate::web(w, &mut |p| e.push(p));
        }
        let email = row.opt("email");
        if let Some(m) = &email {
            validate::email(m, &mut |p| e.push(p));
        }

        let confidential_address = validate::yes_no(
            row.get("confidential_address"),
            "confidential_address",
            &mut |p| e.push(p),
        );
        let demo = validate::yes_no(row.get("demo"), "demo", &mut |p| e.push(p));
        if demo == Some(false) {
            non_demo.insert(id.clone());
        }
        let address = row.opt("address");
        let municipality = row.opt("municipality");
        if let Some(m) = &municipality {
            if known
                .municipalities
                .as_ref()
                .is_some_and(|codes| !codes.contains(m))
            {
                e.push(format!(
                    "unknown municipality '{m}' (not in municipalities.csv)"
                ));
            }
        }
        let coords =
            validate::coordinates(row.get("lat"), row.get("lon"), false, &mut |p| e.push(p));
        if confidential_address == Some(true) {
            if address.is_some() {
                e.push("confidential_address=yes but an address is given: never store a confidential address");
            }
            if coords.is_some() || !row.get("lat").is_empty() || !row.get("lon").is_empty() {
                e.push("confidential_address=yes but coordinates are given: never store a confidential location");
            }
        }
        if confidential_address == Some(false)
            && matches!(
                agency_kind,
                Some(AgencyKind::WomensShelter | AgencyKind::YoungWomensShelter)
            )
        {
            e.push("a shelter's service must have confidential_address=yes");
        }

        let verified_on = match row.get("verified_on") {
            "" => None,
            d => validate::date(d, &mut |p| e.push(p)),
        };
        let source = row.get("source").to_owned();
        if demo == Some(true) && !name_sv.is_empty() && !is_demo_name(name_sv) {
            e.push(format!(
                "a demo entry's name_sv must begin with '{DEMO_MARK}' (e.g. 'Demo: kvinnojour för Härjedalen och Berg') so that nobody takes it for a real service"
            ));
        }
        if demo == Some(false) && known.demo_organizations.contains(&organization) {
            e.push(format!(
                "organization '{organization}' is a demo organization: its services are demo entries (demo=yes)"
            ));
        }
        if demo == Some(true) && area.as_ref() == Some(&ServiceArea::National) {
            e.push("a national line is never a demo entry: give its source and verified_on, or mark it unverified (source 'unverified: what must be checked')");
        }
        match demo {
            Some(true) if !row.get("verified_on").is_empty() => {
                e.push("a demo entry cannot have verified_on (leave it empty)")
            }
            Some(false) if unverified_note(&source).is_some() => {
                if !row.get("verified_on").is_empty() {
                    e.push("an unverified entry cannot have verified_on: remove 'unverified:' from source once its facts are confirmed from the organization's own page");
                }
                if unverified_note(&source).is_some_and(str::is_empty) {
                    e.push("source 'unverified:' must say what must be checked (e.g. 'unverified: number and hours on the organization's own page')");
                }
            }
            Some(false) => {
                if row.get("verified_on").is_empty() {
                    e.push("a non-demo entry needs verified_on (the date its facts were checked, YYYY-MM-DD)");
                }
                if source.is_empty() {
                    e.push("a non-demo entry needs a source (where its facts come from)");
                }
            }
            _ => {}
        }

        if e.count == 0 {
            let location = if address.is_some() || municipality.is_some() || coords.is_some() {
                Some(Location {
                    address,
                    municipality,
                    lat: coords.map(|c| c.0),
                    lon: coords.map(|c| c.1),
                })
            } else {
                None
            };
            out.push(ServiceRow {
                line: row.line,
                service: Service {
                    id,
                    organization,
                    name: Text::new(name_sv, row.get("name_en")),
                    description: Text::new(description_sv, row.get("description_en")),
                    area: area.unwrap_or(ServiceArea::National),
                    groups,
                    needs,
                    forms,
                    languages,
                    phones: Vec::new(),
                    web,
                    email,
                    hours,
                    location,
                    confidential_address: confidential_address.unwrap_or(true),
                    verified_on,
                    source,
                    demo: demo.unwrap_or(true),
                    tags: row.list("tags"),
                },
            });
        }
    }
    (
        out,
        Some(ServiceIds {
            all: lines.into_keys().collect(),
            non_demo,
        }),
    )
}

/// Returns the valid phones and the service ids named by all rows.
fn parse_phones(
    (file, text): (&str, &str),
    errors: &mut Vec<ContentError>,
) -> (Vec<PhoneRow>, IdSet) {
    let Some(rows) = csv::read_table(file, text, PHONE_COLUMNS, errors) else {
        return (Vec::new(), None);
    };
    let mut out = Vec::new();
    let mut named = HashSet::new();
    for row in rows {
        let service = row.get("service").to_owned();
        named.insert(service.clone());
        let mut e = RowErrors::new(file, row.line, &service, errors);
        if service.is_empty() {
            e.push("empty service");
        }
        let number = row.get("number").to_owned();
        validate::phone_number(&number, &mut |p| e.push(p));
        let kind = row.get("kind");
        let phone_kind = match kind {
            "voice" | "sms" | "chat" => PhoneKind::parse(kind),
            _ => None,
        };
        if phone_kind.is_none() {
            e.push(format!("bad phone kind '{kind}' (voice, sms or chat)"));
        }
        let label_sv = row.get("label_sv");
        let label_en = row.get("label_en");
        if label_sv.is_empty() && !label_en.is_empty() {
            e.push("label_en is given without label_sv");
        }
        let hours = row.opt("hours");
        if let Some(h) = &hours {
            validate::hours(h, &mut |p| e.push(p));
        }
        if let (0, Some(kind)) = (e.count, phone_kind) {
            let label = if label_sv.is_empty() {
                None
            } else {
                Some(Text::new(label_sv, label_en))
            };
            out.push(PhoneRow {
                line: row.line,
                service,
                phone: Phone {
                    number,
                    kind,
                    label,
                    hours,
                },
            });
        }
    }
    (out, Some(named))
}

#[cfg(test)]
mod tests;
