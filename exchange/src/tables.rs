//! The directory as the four content tables (`municipalities`,
//! `organizations`, `services`, `phones`): rows of cells under the core's
//! column names, exactly what `content/*.csv`, a workbook's sheets and the
//! hub's working directory hold. Validation is always the core's
//! (`fyr_core::content::parse_directory` over CSV text built from the rows).

use fyr_core::content::{self, ContentError, DirectorySources};
use fyr_core::model::{Directory, ServiceArea};
use std::collections::BTreeMap;

/// One row: column name → cell text.
pub type Fields = BTreeMap<String, String>;

/// The four tables: (name, columns, path in a content folder).
pub use fyr_core::content::DIRECTORY_TABLES as TABLES;

/// The columns of a table by name.
pub fn columns(table: &str) -> &'static [&'static str] {
    TABLES
        .iter()
        .find(|t| t.0 == table)
        .map(|t| t.1)
        .unwrap_or(&[])
}

/// Where a row came from, for messages: a file or sheet and its 1-based row (the header is row 1).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Origin {
    pub file: String,
    pub row: usize,
}

/// A row with where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub fields: Fields,
    pub origin: Option<Origin>,
}

impl Row {
    pub fn new(fields: Fields) -> Row {
        Row {
            fields,
            origin: None,
        }
    }
    pub fn get(&self, col: &str) -> &str {
        self.fields.get(col).map(|s| s.trim()).unwrap_or("")
    }
}

/// The four content tables.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tables {
    pub municipalities: Vec<Row>,
    pub organizations: Vec<Row>,
    pub services: Vec<Row>,
    pub phones: Vec<Row>,
}

impl Tables {
    pub fn table(&self, name: &str) -> &Vec<Row> {
        match name {
            "municipalities" => &self.municipalities,
            "organizations" => &self.organizations,
            "services" => &self.services,
            _ => &self.phones,
        }
    }
    pub fn table_mut(&mut self, name: &str) -> &mut Vec<Row> {
        match name {
            "municipalities" => &mut self.municipalities,
            "organizations" => &mut self.organizations,
            "services" => &mut self.services,
            _ => &mut self.phones,
        }
    }

    /// The tables of a directory, one cell per column as a coordinator writes it.
    pub fn from_directory(d: &Directory) -> Tables {
        let f = |pairs: Vec<(&str, String)>| -> Row {
            Row::new(pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect())
        };
        let yn = |b: bool| if b { "yes" } else { "no" }.to_string();
        let opt = |o: &Option<String>| o.clone().unwrap_or_default();
        // Coordinates as the feed carries them (six decimals).
        let coord = fyr_core::model::coord::text;
        let num = |o: Option<f64>| o.map(coord).unwrap_or_default();
        let mut t = Tables::default();
        for m in &d.municipalities {
            t.municipalities.push(f(vec![
                ("code", m.code.clone()),
                ("name", m.name.clone()),
                ("county_code", m.county_code.clone()),
                ("county_name", m.county_name.clone()),
                ("lat", coord(m.lat)),
                ("lon", coord(m.lon)),
                ("localities", m.localities.join(";")),
            ]));
        }
        for o in &d.organizations {
            t.organizations.push(f(vec![
                ("id", o.id.clone()),
                ("name", o.name.clone()),
                ("agency_kind", o.agency_kind.id().to_string()),
                ("role_sv", o.role.sv.clone()),
                ("role_en", opt(&o.role.en)),
                ("website", opt(&o.website)),
            ]));
        }
        for s in &d.services {
            let loc = s.location.as_ref();
            t.services.push(f(vec![
                ("id", s.id.clone()),
                ("organization", s.organization.clone()),
                ("name_sv", s.name.sv.clone()),
                ("name_en", opt(&s.name.en)),
                ("description_sv", s.description.sv.clone()),
                ("description_en", opt(&s.description.en)),
                ("area", area_cell(&s.area)),
                (
                    "groups",
                    s.groups
                        .iter()
                        .map(|g| g.id())
                        .collect::<Vec<_>>()
                        .join(";"),
                ),
                (
                    "needs",
                    s.needs.iter().map(|g| g.id()).collect::<Vec<_>>().join(";"),
                ),
                (
                    "forms",
                    s.forms.iter().map(|g| g.id()).collect::<Vec<_>>().join(";"),
                ),
                ("languages", s.languages.join(";")),
                ("hours", s.hours.clone()),
                ("web", opt(&s.web)),
                ("email", opt(&s.email)),
                (
                    "address",
                    loc.and_then(|l| l.address.clone()).unwrap_or_default(),
                ),
                (
                    "municipality",
                    loc.and_then(|l| l.municipality.clone()).unwrap_or_default(),
                ),
                ("lat", num(loc.and_then(|l| l.lat))),
                ("lon", num(loc.and_then(|l| l.lon))),
                ("confidential_address", yn(s.confidential_address)),
                (
                    "verified_on",
                    s.verified_on.map(|d| d.to_string()).unwrap_or_default(),
                ),
                ("source", s.source.clone()),
                ("demo", yn(s.demo)),
                ("tags", s.tags.join(";")),
            ]));
            for p in &s.phones {
                let label = p.label.as_ref();
                t.phones.push(f(vec![
                    ("service", s.id.clone()),
                    ("number", p.number.clone()),
                    ("kind", p.kind.id().to_string()),
                    ("label_sv", label.map(|l| l.sv.clone()).unwrap_or_default()),
                    (
                        "label_en",
                        label.and_then(|l| l.en.clone()).unwrap_or_default(),
                    ),
                    ("hours", opt(&p.hours)),
                ]));
            }
        }
        t
    }

    /// The CSV text of one table (header and rows, `\n` line ends), and for
    /// each row the line it starts on, so the core's line numbers can be
    /// traced back to the row's origin.
    pub fn csv(&self, table: &str) -> (String, Vec<usize>) {
        let cols = columns(table);
        let mut out = String::new();
        let mut lines = Vec::new();
        let mut line = 1usize;
        let write = |cells: Vec<&str>, out: &mut String| -> usize {
            let mut w = csv::WriterBuilder::new()
                .terminator(csv::Terminator::Any(b'\n'))
                .from_writer(Vec::new());
            let _ = w.write_record(&cells);
            let text = String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default();
            out.push_str(&text);
            text.matches('\n').count()
        };
        line += write(cols.to_vec(), &mut out);
        for r in self.table(table) {
            lines.push(line);
            line += write(
                cols.iter()
                    .map(|c| r.fields.get(*c).map(String::as_str).unwrap_or(""))
                    .collect(),
                &mut out,
            );
        }
        (out, lines)
    }

    /// Parses and validates the tables with the core's rules. Errors name
    /// the row's origin (file or sheet, row) when it is known.
    pub fn directory(&self) -> Result<Directory, Vec<ContentError>> {
        self.directory_located()
            .map_err(|v| v.into_iter().map(|(e, _)| e).collect())
    }

    /// As [`Tables::directory`], each error with the table and row index it
    /// is about, when known.
    #[allow(clippy::type_complexity)]
    pub fn directory_located(
        &self,
    ) -> Result<Directory, Vec<(ContentError, Option<(&'static str, usize)>)>> {
        let texts: Vec<(String, (String, Vec<usize>))> = TABLES
            .iter()
            .map(|t| (format!("content/{}", t.2), self.csv(t.0)))
            .collect();
        let src = DirectorySources {
            municipalities: (&texts[0].0, &texts[0].1 .0),
            organizations: (&texts[1].0, &texts[1].1 .0),
            services: (&texts[2].0, &texts[2].1 .0),
            phones: (&texts[3].0, &texts[3].1 .0),
        };
        content::parse_directory(&src).map_err(|errors| {
            errors
                .into_iter()
                .map(|mut e| {
                    let mut at = None;
                    if let Some(i) = TABLES.iter().position(|t| e.file.ends_with(t.2)) {
                        let rows = self.table(TABLES[i].0);
                        let lines = &texts[i].1 .1;
                        if let Some(k) = e.row.and_then(|l| lines.iter().position(|x| *x == l)) {
                            at = Some((TABLES[i].0, k));
                            if let Some(o) = &rows[k].origin {
                                e.file = o.file.clone();
                                e.row = Some(o.row);
                            }
                        }
                    }
                    if at.is_none() {
                        at = self.locate(&e);
                    }
                    (e, at)
                })
                .collect()
        })
    }

    /// Which table and row index a core error is about, by its file and id.
    pub fn locate(&self, e: &ContentError) -> Option<(&'static str, usize)> {
        let name = TABLES.iter().find(|t| e.file.ends_with(t.2))?.0;
        let id = e.id.as_deref()?;
        let key = if name == "municipalities" {
            "code"
        } else if name == "phones" {
            "service"
        } else {
            "id"
        };
        self.table(name)
            .iter()
            .position(|r| r.get(key) == id)
            .map(|i| (name, i))
    }
}

/// A service area as its cell: `SE`, `county:NN` or `0780;0781`.
pub fn area_cell(a: &ServiceArea) -> String {
    match a {
        ServiceArea::National => "SE".into(),
        ServiceArea::County { code } => format!("county:{code}"),
        ServiceArea::Municipalities { codes } => codes.join(";"),
    }
}

/// The column a core problem is about: the column the message names, or
/// whose value it quotes; `None` for the row as a whole.
pub fn column_of(problem: &str, fields: &Fields) -> Option<String> {
    for (col, v) in fields.iter().filter(|(_, v)| v.trim().len() > 1) {
        if col != "id" && problem.contains(&format!("'{}'", v.trim())) {
            return Some(col.clone());
        }
    }
    let mut cols: Vec<&String> = fields.keys().collect();
    cols.sort_by_key(|c| std::cmp::Reverse(c.len()));
    cols.into_iter()
        .find(|c| problem.contains(c.as_str()))
        .cloned()
}

/// A coordinate cell in the canonical form the feed carries (six decimals,
/// `model::coord`); a cell that is no number is left for the content's check
/// to name.
pub(crate) fn coord_cell(v: &str) -> String {
    v.trim()
        .parse::<f64>()
        .map(fyr_core::model::coord::text)
        .unwrap_or_else(|_| v.to_string())
}

/// A row as the core reads it, for comparing rows written differently
/// (`*` or listed forms, `ja` or `yes`, `56.830` or `56.83`, spaces after `;`).
pub fn canonical(table: &str, f: &Fields) -> Fields {
    use fyr_core::vocab::{AgencyKind, Form, Group, Need};
    fn vocab<T: Copy + PartialEq>(
        cell: &str,
        parse: fn(&str) -> Option<T>,
        id: fn(T) -> &'static str,
        all: &[T],
    ) -> String {
        let mut out: Vec<String> = Vec::new();
        for v in cell.split(';').map(str::trim).filter(|v| !v.is_empty()) {
            let ids: Vec<String> = if v == "*" {
                all.iter().map(|a| id(*a).to_string()).collect()
            } else {
                vec![parse(v)
                    .map(|x| id(x).to_string())
                    .unwrap_or_else(|| v.to_string())]
            };
            for i in ids {
                if !out.contains(&i) {
                    out.push(i);
                }
            }
        }
        out.join(";")
    }
    let list = |c: &str| {
        c.split(';')
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect::<Vec<_>>()
            .join(";")
    };
    let mut out = Fields::new();
    for col in columns(table) {
        let v = f.get(*col).map(|s| s.trim()).unwrap_or("");
        let c = match (table, *col) {
            (_, "lat" | "lon") => coord_cell(v),
            ("services", "groups") => vocab(v, Group::parse, Group::id, Group::ALL),
            ("services", "needs") => vocab(v, Need::parse, Need::id, Need::ALL),
            ("services", "forms") => vocab(v, Form::parse, Form::id, Form::ALL),
            ("organizations", "agency_kind") => AgencyKind::parse(v)
                .map(|k| k.id().to_string())
                .unwrap_or_else(|| v.to_string()),
            ("services", "confidential_address" | "demo") => {
                match v.to_ascii_lowercase().as_str() {
                    "ja" | "yes" => "yes".into(),
                    "nej" | "no" => "no".into(),
                    o => o.to_string(),
                }
            }
            ("services", "area") if v.eq_ignore_ascii_case("se") => "SE".into(),
            ("services", "area") => match v.strip_prefix("county:") {
                Some(c) => format!("county:{}", c.trim()),
                None => list(v),
            },
            (_, "languages" | "tags" | "localities") => list(v),
            ("phones", "kind") => v.to_ascii_lowercase(),
            _ => v.to_string(),
        };
        out.insert(col.to_string(), c);
    }
    out
}
