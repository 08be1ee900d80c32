//! The import report: what was mapped, what was dropped and why, which rows
//! failed and why. Shown before anything is written (console) or printed and
//! saved (`fyr hub import --report FILE`).

use serde::Serialize;
use std::fmt;

/// An entry the import brings in (or leaves as it was).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mapped {
    /// `municipality`, `organization` or `service`.
    pub kind: String,
    pub id: String,
    pub name: String,
    /// `added`, `changed` or `unchanged`.
    pub action: String,
    /// What was carried: e.g. "2 phones; hours 'thu,fri 10:00-18:00'; unverified".
    pub detail: String,
}

/// Something in the input that Fyr does not carry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dropped {
    /// Where it was: "service 'Community Counselling'", "fees.csv" …
    pub what: String,
    pub why: String,
}

/// A row that failed: named by file or sheet, row, column and problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Failed {
    pub file: String,
    pub row: Option<usize>,
    pub column: Option<String>,
    pub id: Option<String>,
    pub problem: String,
}

impl fmt::Display for Failed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(r) = self.row {
            write!(f, " row {r}")?;
        }
        if let Some(c) = &self.column {
            write!(f, " column {c}")?;
        }
        if let Some(id) = &self.id {
            write!(f, " (id {id})")?;
        }
        write!(f, ": {}", self.problem)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    pub source: String,
    pub mapped: Vec<Mapped>,
    pub dropped: Vec<Dropped>,
    pub failed: Vec<Failed>,
    /// What a coordinator must check before verifying (an area guessed, a
    /// number reformatted, a schedule's validity dates not carried …).
    pub check: Vec<String>,
}

impl Report {
    pub fn drop(&mut self, what: impl Into<String>, why: impl Into<String>) {
        self.dropped.push(Dropped {
            what: what.into(),
            why: why.into(),
        });
    }
    pub fn fail(
        &mut self,
        file: &str,
        row: Option<usize>,
        column: Option<&str>,
        id: Option<&str>,
        problem: impl Into<String>,
    ) {
        self.failed.push(Failed {
            file: file.to_string(),
            row,
            column: column.map(str::to_string),
            id: id.filter(|s| !s.is_empty()).map(str::to_string),
            problem: problem.into(),
        });
    }
    pub fn count(&self, kind: &str, action: &str) -> usize {
        self.mapped
            .iter()
            .filter(|m| m.kind == kind && m.action == action)
            .count()
    }
    /// Whether the import changes anything.
    pub fn changes(&self) -> bool {
        self.mapped.iter().any(|m| m.action != "unchanged")
    }

    /// The report as plain text, for a terminal or a file.
    pub fn to_text(&self) -> String {
        let mut s = format!("import report: {}\n", self.source);
        for kind in ["municipality", "organization", "service"] {
            let (a, c, u) = (
                self.count(kind, "added"),
                self.count(kind, "changed"),
                self.count(kind, "unchanged"),
            );
            if a + c + u > 0 {
                s += &format!("{kind}: {a} added, {c} changed, {u} unchanged\n");
            }
        }
        if !self.mapped.is_empty() {
            s += "\nmapped:\n";
            for m in &self.mapped {
                s += &format!(
                    "  {} {} '{}' ({}): {}\n",
                    m.action, m.kind, m.id, m.name, m.detail
                );
            }
        }
        if !self.check.is_empty() {
            s += "\ncheck before verifying:\n";
            for c in &self.check {
                s += &format!("  {c}\n");
            }
        }
        if !self.dropped.is_empty() {
            s += "\ndropped (Fyr has no place for it):\n";
            for d in &self.dropped {
                s += &format!("  {}: {}\n", d.what, d.why);
            }
        }
        if !self.failed.is_empty() {
            s += &format!("\nfailed ({}; not imported):\n", self.failed.len());
            for f in &self.failed {
                s += &format!("  {f}\n");
            }
        }
        s
    }
}
