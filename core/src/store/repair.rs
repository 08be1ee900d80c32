//! Damage met after open, at any read of the directory: in the search
//! index's file (a chunk that does not match its checksum), the index is
//! made again from the records, which are whole; in directory.db's own
//! pages, the store is rebuilt from the bundle and the damaged file kept
//! aside. Either way a notice says what happened.

use super::{check, directory, is_corruption, move_aside, prepare_file, Store, DIRECTORY_FILE};
use crate::error::{Error, Result};
use crate::search::index::FacetIndex;
use rusqlite::Connection;
use std::sync::Arc;

impl Store {
    /// Runs a read of the directory; damage it meets (at any query, not
    /// only at open) is repaired and `f` runs once more. Damage in the
    /// index file is mended by making the index again from the records
    /// (nothing is lost); damage in directory.db's pages, or an index that
    /// cannot be made again, by rebuilding the store from its bundled
    /// content when the store knows it (else the error is returned).
    pub fn with_dir<T>(&self, f: impl Fn(&Connection, &FacetIndex) -> Result<T>) -> Result<T> {
        let run = || {
            let c = self.dir();
            let ix = self.index();
            f(&c, &ix)
        };
        match run() {
            Err(e) if is_corruption(&e) => {
                let left = match self.index().damaged() {
                    true => self.remake_index(&e).err(),
                    false => Some(e),
                };
                match left {
                    None => {}
                    Some(e) if is_corruption(&e) && self.rebuild_from.is_some() => {
                        self.rebuild_directory(&e)?
                    }
                    Some(e) => return Err(e),
                }
                run()
            }
            r => r,
        }
    }

    /// Makes the search index again from the records after a read met
    /// damage in its file (`cause`), and says so.
    fn remake_index(&self, cause: &Error) -> Result<()> {
        let mut conn = self.dir();
        let current = self.index();
        if !current.damaged() {
            // Another read made it again meanwhile.
            return Ok(());
        }
        self.with_dev(|d| check::starting_write(d))?;
        let ix = directory::remake_index(&mut conn, &current)?;
        self.finished_write(&conn)?;
        *self.index.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(ix);
        self.notices
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(format!(
                "The search index was found damaged by a search and was made again from the stored content; nothing was lost. ({cause})"
            ));
        Ok(())
    }

    /// Moves a damaged directory.db aside and rebuilds it from the bundle.
    fn rebuild_directory(&self, cause: &Error) -> Result<()> {
        let Some(source) = &self.rebuild_from else {
            return Ok(());
        };
        let path = self.data_dir.join(DIRECTORY_FILE);
        let mut conn = self.dir();
        // Close the damaged file before moving it.
        let old = std::mem::replace(&mut *conn, Connection::open_in_memory()?);
        drop(old);
        self.with_dev(|d| check::starting_write(d))?;
        let was = directory::damaged_position(&path);
        let aside = move_aside(&path)?;
        prepare_file(&path)?;
        let (c, ix) = directory::open(
            &path,
            None,
            &*source.load,
            source.peek.as_deref(),
            false,
            &mut || Ok(()),
            &mut Vec::new(),
        )?;
        let pos = directory::position(&c)?;
        let lost = directory::describe_loss(was.as_ref(), &pos);
        self.finished_write(&c)?;
        *conn = c;
        *self.index.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(ix);
        drop(conn);
        self.notices
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(format!(
                "The directory store was found damaged ({cause}) and was rebuilt from the bundled content (version {}). {lost} The damaged file was kept as {}.",
                pos.version,
                aside.display()
            ));
        Ok(())
    }
}
