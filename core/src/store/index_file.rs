//! The search index's file, `directory.ix` beside directory.db: the index
//! blob (`search/codec.rs`) in a file of its own, so that it is used where
//! it lies through a memory map. A cold start maps it and checks its head;
//! its entries and its text index are read in place (pages the system
//! already caches, mapped many at a time), with no copy into fresh memory.
//!
//! The file and the records agree through a generation: a random number
//! written into the file's head and, in the transaction that writes the
//! records it was made from, into directory.db's `meta`
//! (`index_generation`). The file is written whole under a temporary name,
//! synced and renamed over the old one before that transaction commits, so
//! the file on disk is always whole; if the transaction then does not
//! commit, the generations differ and the next open rebuilds the index from
//! the records (which are the truth). The deltas recorded since the file was
//! written (`index_delta`) are replayed onto it at open as before.
//!
//! The file is never changed in place (only replaced by a rename), which is
//! what makes the maps sound: an index keeps the file it was read from
//! (its inode) for as long as it lives, whatever replaces it on disk.

use crate::error::{Error, Result};
use crate::search::index::FacetIndex;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The index file of directory.db at `db`.
pub fn path_of(db: &Path) -> PathBuf {
    db.with_extension("ix")
}

/// Writes `ix` as the index file of `db`, whole or not at all; returns the
/// generation to record in the same transaction as the records.
pub fn write(db: &Path, ix: &FacetIndex) -> Result<u64> {
    let generation = loop {
        // Never 0, which no file has (a missing generation reads as 0).
        let g: u64 = rand::random();
        if g != 0 {
            break g;
        }
    };
    let blob = ix.encode(generation)?;
    let path = path_of(db);
    let tmp = path.with_extension("ix-new");
    let io = |e: std::io::Error| {
        Error::Storage(format!(
            "could not write the search index file {}: {e}",
            path.display()
        ))
    };
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut f = opts.open(&tmp).map_err(io)?;
    f.write_all(&blob).map_err(io)?;
    f.sync_all().map_err(io)?;
    drop(f);
    std::fs::rename(&tmp, &path).map_err(io)?;
    // The rename itself made durable (where a directory can be synced).
    if let Some(dir) = path.parent().and_then(|p| std::fs::File::open(p).ok()) {
        let _ = dir.sync_all();
    }
    Ok(generation)
}

/// The index in `db`'s index file if its generation is `generation`; None
/// when there is no file, it is of another format or another generation
/// (the index is rebuilt from the records). A file of this format and
/// generation that does not check is damage.
pub fn read(db: &Path, generation: u64) -> Result<Option<FacetIndex>> {
    let file = match std::fs::File::open(path_of(db)) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::Storage(format!("the search index file: {e}"))),
    };
    let damaged = |e: std::io::Error| Error::Damaged(format!("the search index is damaged ({e})"));
    // SAFETY: the file is never changed in place, only replaced by a rename
    // (`write`; see the module's text), so the mapped bytes do not change
    // under the maps while they live.
    let map = unsafe { memmap2::Mmap::map(&file) }.map_err(damaged)?;
    if crate::search::codec::generation(&map) != Some(generation) {
        return Ok(None);
    }
    // SAFETY: as above; the private map's writes (a delta's edit in place)
    // go to copies of its pages, never to the file.
    let private = unsafe { memmap2::MmapOptions::new().map_copy(&file) }.map_err(damaged)?;
    FacetIndex::from_maps(std::sync::Arc::new(map), private).map(Some)
}
