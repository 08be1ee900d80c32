//! A small pool of hub database connections, so one slow query does not
//! stall every request (`fyr hub serve --db-connections N`).
//!
//! Hand-written rather than `r2d2`: the connections are [`Db`]s (either
//! backend, the PostgreSQL one already on a thread of its own), opened all
//! at the start so a bad database stops the start, and never recycled; what
//! is left is picking a free one, which is a few lines over `Mutex`.

use super::{Db, Target};
use crate::HubError;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};

/// Connections per hub process unless `--db-connections` says otherwise.
pub const DEFAULT_SIZE: usize = 4;

pub struct Pool {
    conns: Vec<Mutex<Db>>,
    next: AtomicUsize,
}

impl Pool {
    /// Opens `size` connections (at least one) to `target`; the first makes
    /// the tables, the others find them.
    pub fn open(target: &Target, size: usize) -> Result<Pool, HubError> {
        let mut conns = Vec::with_capacity(size.max(1));
        for _ in 0..size.max(1) {
            conns.push(Mutex::new(Db::open(target)?));
        }
        Ok(Pool {
            conns,
            next: AtomicUsize::new(0),
        })
    }

    /// One connection, wrapped (tests, one-shot commands).
    pub fn of(db: Db) -> Pool {
        Pool {
            conns: vec![Mutex::new(db)],
            next: AtomicUsize::new(0),
        }
    }

    pub fn size(&self) -> usize {
        self.conns.len()
    }

    /// A free connection if there is one, else waits for the next in turn.
    /// Hold it for one piece of work and drop it; never take a second one
    /// while holding one.
    pub fn get(&self) -> MutexGuard<'_, Db> {
        let n = self.conns.len();
        let start = self.next.fetch_add(1, Ordering::Relaxed);
        for i in 0..n {
            if let Ok(g) = self.conns[(start + i) % n].try_lock() {
                return g;
            }
        }
        self.conns[start % n]
            .lock()
            .unwrap_or_else(|p| p.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Sql;

    #[test]
    fn a_held_connection_does_not_block_the_others() {
        let dir = tempfile::tempdir().unwrap();
        let pool = Pool::open(&crate::db::testing::target(dir.path()), 3).unwrap();
        let slow = pool.get();
        // While one request holds a connection, the next ones get others.
        let a = pool.get();
        let b = pool.get();
        for c in [&slow, &a, &b] {
            assert_eq!(
                c.row("SELECT COUNT(*) FROM events", &[])
                    .unwrap()
                    .unwrap()
                    .int(0)
                    .unwrap(),
                0
            );
        }
        let ptrs = [&*slow as *const Db, &*a as *const Db, &*b as *const Db];
        assert!(ptrs[0] != ptrs[1] && ptrs[1] != ptrs[2] && ptrs[0] != ptrs[2]);
    }
}
