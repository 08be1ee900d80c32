//! The routing model and lexicon of directory.db's content, attached to
//! its search index when the index is loaded or built (the embedded ones
//! when the content has none), with the entry positions of the lines that
//! always answer.

use super::directory::records;
use super::lexicon_cache;
use crate::error::{Error, Result};
use crate::feed::RecordKind;
use crate::routing::Lexicon;
use crate::search::index::FacetIndex;
use rusqlite::{Connection, OptionalExtension};
use std::collections::HashMap;
use std::path::Path;

/// The stored routing model's and lexicon's JSON (None: the content has
/// none), read before they are parsed (which can run beside the index's
/// read: [`open`]).
pub(super) struct RoutingText {
    routing: Option<String>,
    lexicon: Option<String>,
}

pub(super) fn routing_text(c: &Connection) -> Result<RoutingText> {
    let one = |kind: RecordKind| -> Result<Option<String>> {
        Ok(records(c, kind)?.into_iter().next().map(|r| r.body))
    };
    Ok(RoutingText {
        routing: one(RecordKind::Routing)?,
        lexicon: one(RecordKind::Lexicon)?,
    })
}

pub(super) type Parsed = (
    std::sync::Arc<crate::routing::Routing>,
    std::sync::Arc<crate::routing::Lexicon>,
);

impl RoutingText {
    /// The lexicon's JSON: the stored record's, else the embedded one's.
    pub(super) fn lexicon_json(&self) -> &str {
        match &self.lexicon {
            Some(j) => j,
            None => crate::routing::embedded_lexicon_json(),
        }
    }
}

fn embedded_err(e: Vec<crate::routing::RoutingError>) -> Error {
    Error::Content(format!("{}", e[0]))
}

/// The routing model and lexicon parsed (the embedded ones when the content
/// has none, e.g. a feed from a hub that does not publish them yet, or when
/// a stored one does not parse). The lexicon is read compiled from `cache`
/// when it holds this one ([`lexicon_cache`]); else it is compiled and kept
/// there.
fn parse_routing(t: &RoutingText, cache: Option<&Path>) -> Result<Parsed> {
    let lexicon = match cache.and_then(|p| lexicon_cache::load(p, t.lexicon_json())) {
        Some(l) => l,
        None => compile_lexicon(t, cache)?,
    };
    with_lexicon(t, lexicon)
}

/// The routing model and lexicon of the stored content, made while
/// `read_index` runs here (an open's read of the index). The lexicon is
/// read compiled (`lexicon.bin`), on the other core from the store's open
/// on (`ahead`), and the routing model parsed there after it. Without a
/// compiled lexicon to read (a first start) the lexicon is compiled on
/// another core while the index is read (a compile takes most of a ms);
/// one kept under another key (a new lexicon not yet compiled, a new app)
/// is known only when the read ahead is taken, after the index, and the
/// lexicon is compiled then, on this thread.
pub(super) fn routing_beside<I>(
    c: &Connection,
    ahead: Option<lexicon_cache::Ahead>,
    read_index: impl FnOnce() -> I,
) -> Result<(Result<Parsed>, I)> {
    use std::sync::Arc;
    let text = Arc::new(routing_text(c)?);
    let cache = lexicon_cache::path_for(c);
    Ok(match ahead {
        Some(ahead) => {
            let want = lexicon_cache::key(text.lexicon_json());
            let t = text.clone();
            let routing = crate::par::ahead(move || routing_of(&t));
            let ix = read_index();
            let lexicon = match ahead.take(want) {
                Some(l) => Ok(l),
                None => compile_lexicon(&text, cache.as_deref()),
            };
            let parsed = lexicon.and_then(|l| Ok((routing.take()?, Arc::new(l))));
            (parsed, ix)
        }
        None => match cache
            .as_deref()
            .and_then(|p| lexicon_cache::load(p, text.lexicon_json()))
        {
            Some(l) => (with_lexicon(&text, l), read_index()),
            None => crate::par::beside(
                move || with_lexicon(&text, compile_lexicon(&text, cache.as_deref())?),
                read_index,
            ),
        },
    })
}

/// The lexicon compiled from its JSON (the embedded one when the stored
/// one does not parse), and kept at `cache`.
fn compile_lexicon(t: &RoutingText, cache: Option<&Path>) -> Result<Lexicon> {
    let stored = t
        .lexicon
        .as_deref()
        .and_then(|b| Lexicon::from_json("lexicon record", b).ok().map(|l| (b, l)));
    let (json, lexicon) = match stored {
        Some(v) => v,
        None => (
            crate::routing::embedded_lexicon_json(),
            crate::routing::embedded_lexicon().map_err(embedded_err)?,
        ),
    };
    if let Some(p) = cache {
        lexicon_cache::save(p, json, &lexicon);
    }
    Ok(lexicon)
}

/// The routing model parsed, with the lexicon already had.
fn with_lexicon(t: &RoutingText, lexicon: Lexicon) -> Result<Parsed> {
    Ok((routing_of(t)?, std::sync::Arc::new(lexicon)))
}

/// The stored routing model parsed (the embedded one when the content has
/// none, or when the stored one does not parse).
fn routing_of(t: &RoutingText) -> Result<std::sync::Arc<crate::routing::Routing>> {
    use crate::routing::{embedded_routing, Routing};
    let routing = match t
        .routing
        .as_deref()
        .and_then(|b| Routing::from_json("routing record", b).ok())
    {
        Some(r) => r,
        None => embedded_routing().map_err(embedded_err)?,
    };
    Ok(std::sync::Arc::new(routing))
}

/// Attaches the routing model and lexicon of the stored content to the
/// index. `keep`: the ones already parsed, when the change did not touch
/// them.
pub(super) fn attach_routing(
    c: &Connection,
    ix: &mut FacetIndex,
    keep: Option<&crate::search::index::RoutingState>,
) -> Result<()> {
    let parsed = match keep {
        Some(k) => (k.routing.clone(), k.lexicon.clone()),
        None => parse_routing(&routing_text(c)?, lexicon_cache::path_for(c).as_deref())?,
    };
    attach(c, ix, parsed)
}

pub(super) fn attach(
    c: &Connection,
    ix: &mut FacetIndex,
    (routing, lexicon): Parsed,
) -> Result<()> {
    let line_pos = line_positions(c, ix, &routing)?;
    ix.routing = Some(std::sync::Arc::new(crate::search::index::RoutingState {
        routing,
        lexicon,
        line_pos,
    }));
    Ok(())
}

/// The entry positions of the lines that always answer.
fn line_positions(
    c: &Connection,
    ix: &FacetIndex,
    routing: &crate::routing::Routing,
) -> Result<HashMap<String, u32>> {
    let mut line_pos = HashMap::new();
    let mut st = c.prepare_cached("SELECT rowid FROM svc WHERE id = ?1")?;
    for id in routing.line_services() {
        let rowid: Option<i64> = st.query_row([id], |r| r.get(0)).optional()?;
        // A scan for these few, so that open does not make the rowid map.
        let pos = rowid.and_then(|r| ix.entries.position_of_rowid(r as u32));
        if let Some(pos) = pos {
            line_pos.insert(id.to_string(), pos as u32);
        }
    }
    Ok(line_pos)
}
