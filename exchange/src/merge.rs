//! Merging incoming rows into the current tables, entry by entry.
//!
//! An entry is a municipality (by code), an organization (by id) or a
//! service (by id) *with all its phones*: it comes in whole or not at all.
//! An entry identical to the current one is left as it is (its verification
//! kept); a new or changed service is unverified (`verified_on` emptied)
//! until a coordinator verifies it. The merged tables are validated by the
//! core's rules (unverified services checked as if verified today, so every
//! other rule applies); an incoming entry with a problem is left out and
//! named in the report with its file or sheet, row, column and problem, and
//! entries that depend on it (services of a refused organization) follow.

use crate::report::{Mapped, Report};
use crate::tables::{canonical, column_of, columns, Fields, Row, Tables};
use crate::Incoming;
use chrono::NaiveDate;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// A rights check on each new or changed entry: `(kind, current, new)`;
/// `Err(reason)` refuses it.
pub type Allow<'a> = &'a dyn Fn(&str, Option<&Fields>, &Fields) -> Result<(), String>;

pub struct MergeOptions<'a> {
    /// The date unverified entries are checked as if verified on.
    pub today: NaiveDate,
    pub allow: Option<Allow<'a>>,
}

/// The merged tables, the report, and the entries that change.
#[derive(Debug)]
pub struct Outcome {
    pub tables: Tables,
    pub report: Report,
    /// (kind, id) of every added or changed entry.
    pub changed: BTreeSet<(String, String)>,
}

/// Whether two rows say the same (as the core reads them), `skip` aside.
fn same(table: &str, a: &Fields, b: &Fields, skip: &[&str]) -> bool {
    let (a, b) = (canonical(table, a), canonical(table, b));
    columns(table)
        .iter()
        .filter(|c| !skip.contains(c))
        .all(|c| a.get(*c) == b.get(*c))
}

fn clean(table: &str, f: &Fields) -> Fields {
    columns(table)
        .iter()
        .map(|c| {
            (
                c.to_string(),
                f.get(*c).map(|s| s.trim().to_string()).unwrap_or_default(),
            )
        })
        .collect()
}

const KINDS: [(&str, &str, &str); 3] = [
    ("municipality", "municipalities", "code"),
    ("organization", "organizations", "id"),
    ("service", "services", "id"),
];

/// Merges `incoming` into `current`; see the module documentation.
pub fn merge(current: &Tables, incoming: Incoming, opts: &MergeOptions) -> Outcome {
    let Incoming {
        tables: inc,
        mut report,
    } = incoming;
    let mut merged = current.clone();
    let mut changed: BTreeSet<(String, String)> = BTreeSet::new();
    let mut actions: BTreeMap<(String, String), String> = BTreeMap::new();
    // The current version of each changed entry, to restore on failure.
    let mut before: BTreeMap<(String, String), (Option<Row>, Vec<Row>)> = BTreeMap::new();

    // Phones by service in the input.
    let mut inc_phones: BTreeMap<String, Vec<Row>> = BTreeMap::new();
    for p in &inc.phones {
        inc_phones
            .entry(p.get("service").to_string())
            .or_default()
            .push(p.clone());
    }
    for (kind, table, key) in KINDS {
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        let mut ids: Vec<String> = Vec::new();
        let mut rows: BTreeMap<String, Row> = BTreeMap::new();
        for r in inc.table(table) {
            let id = r.get(key).to_string();
            let here = r
                .origin
                .as_ref()
                .map(|o| format!("{} row {}", o.file, o.row))
                .unwrap_or_default();
            if let Some(prev) = seen.get(&id) {
                let (file, row) = r
                    .origin
                    .as_ref()
                    .map(|o| (o.file.clone(), Some(o.row)))
                    .unwrap_or((table.to_string(), None));
                report.fail(
                    &file,
                    row,
                    Some(key),
                    Some(&id),
                    format!(
                        "{kind} '{id}' appears twice (first at {prev}); the second is not imported"
                    ),
                );
                continue;
            }
            seen.insert(id.clone(), here);
            ids.push(id.clone());
            rows.insert(id, r.clone());
        }
        if kind == "service" {
            // Phones for a service that is not in the input change that service's phones.
            let current_at = index(&current.services, "id");
            for s in inc_phones.keys() {
                if !rows.contains_key(s) {
                    if let Some(cur) = current_at.get(s).map(|i| &current.services[*i]) {
                        ids.push(s.clone());
                        rows.insert(s.clone(), cur.clone());
                    }
                }
            }
        }
        // Indexes, so a national file merges in linear time: each id is
        // merged once, so its current phones are read before any change.
        let mut at: HashMap<String, usize> = index(merged.table(table), key);
        let mut cur_by_service: HashMap<String, Vec<Row>> = HashMap::new();
        if kind == "service" {
            for p in &merged.phones {
                cur_by_service
                    .entry(p.get("service").to_string())
                    .or_default()
                    .push(p.clone());
            }
        }
        let mut new_phones_of: Vec<(String, Vec<Row>)> = Vec::new();
        for id in ids {
            let new = &rows[&id];
            let pos = at.get(&id).copied();
            let cur = pos.map(|i| merged.table(table)[i].clone());
            let cur_phones: Vec<Row> = cur_by_service.remove(&id).unwrap_or_default();
            let new_phones = if kind == "service" {
                inc_phones.get(&id).cloned()
            } else {
                None
            };
            let phones_same = match &new_phones {
                None => true,
                Some(np) => {
                    np.len() == cur_phones.len()
                        && np
                            .iter()
                            .zip(&cur_phones)
                            .all(|(a, b)| same("phones", &a.fields, &b.fields, &[]))
                }
            };
            let skip: &[&str] = if kind == "service" {
                &["verified_on"]
            } else {
                &[]
            };
            let unchanged = cur
                .as_ref()
                .is_some_and(|c| same(table, &c.fields, &new.fields, skip))
                && phones_same;
            let k = (kind.to_string(), id.clone());
            if unchanged {
                actions.insert(k, "unchanged".into());
                continue;
            }
            if let Some(allow) = opts.allow {
                if let Err(why) = allow(kind, cur.as_ref().map(|c| &c.fields), &new.fields) {
                    let (file, row) = new
                        .origin
                        .as_ref()
                        .map(|o| (o.file.clone(), Some(o.row)))
                        .unwrap_or((table.to_string(), None));
                    report.fail(&file, row, None, Some(&id), why);
                    continue;
                }
            }
            let mut row = Row {
                fields: clean(table, &new.fields),
                origin: new.origin.clone(),
            };
            if kind == "service" && !is_demo(row.get("demo")) {
                row.fields.insert("verified_on".into(), String::new());
            }
            before.insert(k.clone(), (cur.clone(), cur_phones));
            match pos {
                Some(i) => merged.table_mut(table)[i] = row,
                None => {
                    at.insert(id.clone(), merged.table(table).len());
                    merged.table_mut(table).push(row);
                }
            }
            if let Some(np) = new_phones {
                new_phones_of.push((id.clone(), np));
            }
            actions.insert(
                k.clone(),
                if cur.is_some() { "changed" } else { "added" }.into(),
            );
            changed.insert(k);
        }
        replace_all_phones(&mut merged, new_phones_of);
    }

    // Validate; leave out failing incoming entries until the rest is clean.
    let mut noted: BTreeSet<String> = BTreeSet::new();
    for _ in 0..8 {
        let mut check = merged.clone();
        for r in &mut check.services {
            // Verifying gives a date to what a coordinator can confirm; an
            // entry marked unverified (source 'unverified: …') stays so.
            if !is_demo(r.get("demo"))
                && r.get("verified_on").is_empty()
                && fyr_core::content::unverified_note(r.get("source")).is_none()
            {
                r.fields.insert(
                    "verified_on".into(),
                    opts.today.format("%Y-%m-%d").to_string(),
                );
            }
        }
        let Err(errors) = check.directory_located() else {
            break;
        };
        let mut refused: BTreeSet<(String, String)> = BTreeSet::new();
        for (e, located) in errors {
            let entry = located.map(|(table, i)| {
                let r = &check.table(table)[i];
                match table {
                    "municipalities" => ("municipality".to_string(), r.get("code").to_string()),
                    "organizations" => ("organization".to_string(), r.get("id").to_string()),
                    _ => (
                        "service".to_string(),
                        r.get(if table == "phones" { "service" } else { "id" })
                            .to_string(),
                    ),
                }
            });
            match entry {
                Some(k) if changed.contains(&k) => {
                    let fields = located.map(|(t, i)| check.table(t)[i].fields.clone());
                    let column = fields.as_ref().and_then(|f| column_of(&e.problem, f));
                    report.fail(
                        &e.file,
                        e.row,
                        column.as_deref(),
                        e.id.as_deref(),
                        e.problem,
                    );
                    refused.insert(k);
                }
                _ => {
                    let text = e.to_string();
                    if noted.insert(text.clone()) {
                        report.check.push(format!(
                            "already in the directory, not from this import: {text}"
                        ));
                    }
                }
            }
        }
        if refused.is_empty() {
            break;
        }
        for k in refused {
            changed.remove(&k);
            actions.remove(&k);
            let (cur, cur_phones) = before.remove(&k).unwrap_or((None, Vec::new()));
            let table = KINDS
                .iter()
                .find(|x| x.0 == k.0)
                .map(|x| x.1)
                .unwrap_or("services");
            let key = if table == "municipalities" {
                "code"
            } else {
                "id"
            };
            let pos = merged.table(table).iter().position(|r| r.get(key) == k.1);
            match (pos, cur) {
                (Some(i), Some(c)) => merged.table_mut(table)[i] = c,
                (Some(i), None) => {
                    merged.table_mut(table).remove(i);
                }
                _ => {}
            }
            if table == "services" {
                replace_phones(&mut merged, &k.1, cur_phones);
            }
        }
    }

    let found: BTreeMap<&str, HashMap<String, usize>> = KINDS
        .iter()
        .map(|(_, table, key)| (*table, index(merged.table(table), key)))
        .collect();
    let mut phone_count: HashMap<&str, usize> = HashMap::new();
    for p in &merged.phones {
        *phone_count.entry(p.get("service")).or_default() += 1;
    }
    for ((kind, id), action) in &actions {
        let table = KINDS
            .iter()
            .find(|x| x.0 == kind)
            .map(|x| x.1)
            .unwrap_or("services");
        let Some(r) = found[table].get(id).map(|i| &merged.table(table)[*i]) else {
            continue;
        };
        let name = match table {
            "services" => r.get("name_sv"),
            _ => r.get("name"),
        }
        .to_string();
        let detail = match table {
            "services" => {
                let phones = phone_count.get(id.as_str()).copied().unwrap_or(0);
                let hours = r.get("hours");
                let verified = if is_demo(r.get("demo")) {
                    "demo".to_string()
                } else if r.get("verified_on").is_empty() {
                    "unverified until a coordinator verifies it".to_string()
                } else {
                    format!("verified {}", r.get("verified_on"))
                };
                format!(
                    "{phones} phone(s); hours '{}'; area {}; {verified}",
                    if hours.is_empty() { "(none)" } else { hours },
                    r.get("area")
                )
            }
            "organizations" => format!("agency kind {}", r.get("agency_kind")),
            _ => format!("county {}", r.get("county_code")),
        };
        report.mapped.push(Mapped {
            kind: kind.clone(),
            id: id.clone(),
            name,
            action: action.clone(),
            detail,
        });
    }
    for t in ["municipalities", "organizations", "services", "phones"] {
        for r in merged.table_mut(t) {
            r.origin = None;
        }
    }
    Outcome {
        tables: merged,
        report,
        changed,
    }
}

/// Row index by key (the first row with each key).
fn index(rows: &[Row], key: &str) -> HashMap<String, usize> {
    let mut m = HashMap::with_capacity(rows.len());
    for (i, r) in rows.iter().enumerate() {
        m.entry(r.get(key).to_string()).or_insert(i);
    }
    m
}

/// [`replace_phones`] for many services in one pass: each service's new
/// phones take the place of its first current phone (or go at the end, in
/// the order given).
fn replace_all_phones(t: &mut Tables, new: Vec<(String, Vec<Row>)>) {
    if new.is_empty() {
        return;
    }
    let mut order: Vec<String> = Vec::with_capacity(new.len());
    let mut by: HashMap<String, Vec<Row>> = HashMap::with_capacity(new.len());
    for (id, phones) in new {
        order.push(id.clone());
        by.insert(id, phones);
    }
    let mut out = Vec::with_capacity(t.phones.len());
    let mut placed: BTreeSet<String> = BTreeSet::new();
    for p in std::mem::take(&mut t.phones) {
        let service = p.get("service").to_string();
        match by.get_mut(&service) {
            None => out.push(p),
            Some(np) => {
                if placed.insert(service) {
                    out.extend(np.drain(..).map(|mut q| {
                        q.fields = clean("phones", &q.fields);
                        q
                    }));
                }
            }
        }
    }
    for id in order {
        if !placed.contains(&id) {
            if let Some(np) = by.remove(&id) {
                out.extend(np.into_iter().map(|mut q| {
                    q.fields = clean("phones", &q.fields);
                    q
                }));
            }
        }
    }
    t.phones = out;
}

fn replace_phones(t: &mut Tables, service: &str, phones: Vec<Row>) {
    let at = t
        .phones
        .iter()
        .position(|p| p.get("service") == service)
        .unwrap_or(t.phones.len());
    t.phones.retain(|p| p.get("service") != service);
    let at = at.min(t.phones.len());
    for (i, mut p) in phones.into_iter().enumerate() {
        p.fields = clean("phones", &p.fields);
        t.phones.insert(at + i, p);
    }
}

/// A `demo` cell that says yes (`yes` or `ja`, any case).
fn is_demo(cell: &str) -> bool {
    cell.eq_ignore_ascii_case("yes") || cell.eq_ignore_ascii_case("ja")
}
