//! Drafts: a service changed since it was last published has an owner (who
//! changed it last) and a "ready" state. A publish ships only ready drafts;
//! a draft that is not ready is published as it was (its `base`: the
//! service and its phones as published, or nothing for a new service), and
//! the preview lists it as held back. Each service's version (`etag`) lets
//! an edit form refuse a stale save.

use super::workdir::{Fields, Row, WorkDir};
use crate::db::{Db, DbError, Row as DbRow, Sql};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// A service as it stands: its fields, phones and retirement.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
pub(crate) struct Snapshot {
    pub fields: Fields,
    pub phones: Vec<Fields>,
    pub retired: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Draft {
    pub service: String,
    pub owner: String,
    pub ready: bool,
    pub at: String,
}

pub(crate) fn snapshot(w: &WorkDir, id: &str) -> Option<Snapshot> {
    let r = w.row("services", id)?;
    Some(Snapshot {
        fields: r.fields.clone(),
        phones: w.phones_of(id).iter().map(|p| p.fields.clone()).collect(),
        retired: r.retired.clone(),
    })
}

/// The version of a service as an edit form carries it.
pub(crate) fn etag(w: &WorkDir, id: &str) -> String {
    let s = snapshot(w, id).unwrap_or_default();
    let json = serde_json::to_string(&s).unwrap_or_default();
    hex::encode(&Sha256::digest(json.as_bytes())[..12])
}

/// Notes a change of `id` by `owner`: the first change since publishing
/// keeps the published state (`before`) to hold the draft back with.
pub(crate) fn touch(
    conn: &Db,
    id: &str,
    owner: &str,
    ready: Option<bool>,
    before: Option<&Snapshot>,
) -> Result<(), DbError> {
    let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    let had = conn
        .row(
            "SELECT ready FROM console_drafts WHERE service = $1",
            &[id.into()],
        )?
        .map(|r| r.int(0).map(|v| v != 0))
        .transpose()?;
    match had {
        Some(was) => {
            conn.exec(
                "UPDATE console_drafts SET owner = $2, ready = $3, at = $4 WHERE service = $1",
                &[
                    id.into(),
                    owner.into(),
                    ready.unwrap_or(was).into(),
                    now.into(),
                ],
            )?;
        }
        None => {
            conn.exec(
                "INSERT INTO console_drafts (service, owner, ready, base, at) VALUES ($1, $2, $3, $4, $5)",
                &[
                    id.into(),
                    owner.into(),
                    ready.unwrap_or(true).into(),
                    before
                        .map(|b| serde_json::to_string(b).unwrap_or_default())
                        .into(),
                    now.into(),
                ],
            )?;
        }
    }
    Ok(())
}

pub(crate) fn set_ready(conn: &Db, id: &str, ready: bool) -> Result<u64, DbError> {
    conn.exec(
        "UPDATE console_drafts SET ready = $2 WHERE service = $1",
        &[id.into(), ready.into()],
    )
}

fn draft(r: &DbRow) -> Result<Draft, DbError> {
    Ok(Draft {
        service: r.text(0)?,
        owner: r.text(1)?,
        ready: r.int(2)? != 0,
        at: r.text(3)?,
    })
}

pub(crate) fn all(conn: &Db) -> Vec<Draft> {
    conn.rows(
        "SELECT service, owner, ready, at FROM console_drafts ORDER BY service",
        &[],
    )
    .and_then(|rows| rows.iter().map(draft).collect())
    .unwrap_or_default()
}

pub(crate) fn get(conn: &Db, id: &str) -> Option<Draft> {
    all(conn).into_iter().find(|d| d.service == id)
}

fn bases(conn: &Db) -> Vec<(String, Option<Snapshot>)> {
    conn.rows(
        "SELECT service, base FROM console_drafts WHERE ready = 0",
        &[],
    )
    .and_then(|rows| {
        rows.iter()
            .map(|r| {
                let b = r.opt_text(1)?;
                Ok((r.text(0)?, b.and_then(|b| serde_json::from_str(&b).ok())))
            })
            .collect()
    })
    .unwrap_or_default()
}

/// Puts a service back as `s` (or removes it when `None`).
pub(crate) fn put_back(w: &mut WorkDir, id: &str, s: Option<&Snapshot>) {
    let ord = w.row("services", id).map(|r| r.ord).unwrap_or(0);
    w.rows.retain(|r| {
        !((r.file == "services" && r.key == id)
            || (r.file == "phones" && r.fields.get("service").map(String::as_str) == Some(id)))
    });
    if let Some(s) = s {
        w.rows.push(Row {
            file: "services".into(),
            key: id.into(),
            ord,
            fields: s.fields.clone(),
            retired: s.retired.clone(),
        });
        for (i, p) in s.phones.iter().enumerate() {
            w.rows.push(Row {
                file: "phones".into(),
                key: format!("{id}#{:03}", i + 1),
                ord: 1_000_000 + i as i64,
                fields: p.clone(),
                retired: None,
            });
        }
    }
}

/// What a publish ships: the working directory with every draft that is
/// not ready put back as published.
pub(crate) fn publishable(conn: &Db, w: &WorkDir) -> WorkDir {
    let mut out = w.clone();
    for (id, base) in bases(conn) {
        put_back(&mut out, &id, base.as_ref());
    }
    out
}

/// After a publish: the ready drafts are published and end.
pub(crate) fn published(conn: &Db) -> Result<(), DbError> {
    conn.exec("DELETE FROM console_drafts WHERE ready = 1", &[])?;
    Ok(())
}

/// After going back to `w`: the drafts stay, held back against the content
/// devices now have.
pub(crate) fn rebase(conn: &Db, w: &WorkDir) -> Result<(), DbError> {
    for d in all(conn) {
        let base = snapshot(w, &d.service).map(|s| serde_json::to_string(&s).unwrap_or_default());
        conn.exec(
            "UPDATE console_drafts SET base = $2 WHERE service = $1",
            &[d.service.into(), base.into()],
        )?;
    }
    Ok(())
}
