//! The one SQL dialect the hub writes, and its two spellings.

use super::Backend;
use std::borrow::Cow;

/// `$1` placeholders become `?1` for SQLite (outside quoted text); PostgreSQL
/// takes the statement as written.
pub fn placeholders(sql: &str, backend: Backend) -> Cow<'_, str> {
    if backend == Backend::Postgres || !sql.contains('$') {
        return Cow::Borrowed(sql);
    }
    let mut out = String::with_capacity(sql.len());
    let mut quote: Option<char> = None;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == '$' && chars.peek().is_some_and(char::is_ascii_digit) => {
                out.push('?');
                continue;
            }
            None => {}
        }
        out.push(c);
    }
    Cow::Owned(out)
}

/// A schema statement written for SQLite (`INTEGER`, `BLOB`, `WITHOUT
/// ROWID`, an `INTEGER PRIMARY KEY` numbered by the database) in
/// PostgreSQL's spelling (`BIGINT`, `BYTEA`, a plain table, `BIGSERIAL`),
/// so both backends are made by the same statements.
pub fn ddl(sql: &str, backend: Backend) -> String {
    match backend {
        Backend::Sqlite => sql.to_string(),
        Backend::Postgres => sql
            .replace(" WITHOUT ROWID", "")
            .replace(" INTEGER PRIMARY KEY", " BIGSERIAL PRIMARY KEY")
            .replace(" INTEGER", " BIGINT")
            .replace(" BLOB", " BYTEA"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_rewritten_outside_quotes_only() {
        assert_eq!(
            placeholders(
                "SELECT a FROM t WHERE b = $2 AND c = '$1' AND d = $10",
                Backend::Sqlite
            ),
            "SELECT a FROM t WHERE b = ?2 AND c = '$1' AND d = ?10"
        );
        assert_eq!(placeholders("SELECT $1", Backend::Postgres), "SELECT $1");
    }

    #[test]
    fn schema_types_map_for_postgres() {
        let s = "CREATE TABLE x (a TEXT PRIMARY KEY, n INTEGER NOT NULL, b BLOB) WITHOUT ROWID;";
        assert_eq!(
            ddl(s, Backend::Postgres),
            "CREATE TABLE x (a TEXT PRIMARY KEY, n BIGINT NOT NULL, b BYTEA);"
        );
        assert_eq!(ddl(s, Backend::Sqlite), s);
        // A key the database numbers when an insert leaves it out.
        assert_eq!(
            ddl(
                "CREATE TABLE a (id INTEGER PRIMARY KEY, at TEXT)",
                Backend::Postgres
            ),
            "CREATE TABLE a (id BIGSERIAL PRIMARY KEY, at TEXT)"
        );
    }
}
