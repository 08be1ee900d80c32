//! One CSV file's rows into the model: municipalities, organizations,
//! services and phones, every problem of a row collected (`RowErrors`) with
//! its file, line and id.

use super::*;

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
pub(super) fn parse_municipalities(
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
pub(super) fn parse_organizations(
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
pub(super) fn parse_services(
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
pub(super) fn parse_phones(
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
