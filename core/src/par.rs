//! Work over a long slice split across the machine's cores, results in
//! order. For a load: a phone's first start has several cores and nothing
//! else to do. Short slices (or one core) run on the calling thread.

/// `f` over contiguous pieces of `items`, at least `min_piece` items each,
/// at most one piece a core (up to 8); the pieces' results concatenated in
/// order.
pub fn map_pieces<T: Sync, U: Send>(
    items: &[T],
    min_piece: usize,
    f: impl Fn(&[T]) -> Vec<U> + Sync,
) -> Vec<U> {
    map_pieces_at(items, min_piece, |_, piece| f(piece))
}

/// [`map_pieces`], `f` also given the index in `items` its piece starts at.
pub fn map_pieces_at<'a, T: Sync, U: Send>(
    items: &'a [T],
    min_piece: usize,
    f: impl Fn(usize, &'a [T]) -> Vec<U> + Sync,
) -> Vec<U> {
    let threads = cores().min(8).min(items.len() / min_piece.max(1));
    if threads < 2 {
        return f(0, items);
    }
    let piece = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(piece)
            .enumerate()
            .map(|(i, chunk)| s.spawn(move || f(i * piece, chunk)))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    })
}

/// The cores this process may use, asked once (the answer reads the
/// cgroup's files: tens of µs, which a first query would pay twice).
pub fn cores() -> usize {
    static N: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *N.get_or_init(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

/// `f` of each item, in order ([`map_pieces`] item by item).
pub fn map<T: Sync, U: Send>(items: &[T], min_piece: usize, f: impl Fn(&T) -> U + Sync) -> Vec<U> {
    map_pieces(items, min_piece, |piece| piece.iter().map(&f).collect())
}

/// A job for the helper thread.
type Job = Box<dyn FnOnce() + Send>;

/// The process's helper thread, made on first use when there is a core to
/// spare, kept for the process and given jobs one after another: a thread
/// made for each job (twice in a first query) cost its start and a fresh
/// allocation arena on the way to an answer, and came too late to help.
/// Its queue is a list under a lock with a condition variable (a channel
/// costs the phone library more code for the same).
struct Helper {
    jobs: std::sync::Mutex<std::collections::VecDeque<Job>>,
    ready: std::sync::Condvar,
}

fn helper() -> Option<&'static Helper> {
    static HELPER: std::sync::OnceLock<Option<&'static Helper>> = std::sync::OnceLock::new();
    *HELPER.get_or_init(|| {
        if cores() < 2 {
            return None;
        }
        let h: &'static Helper = Box::leak(Box::new(Helper {
            jobs: std::sync::Mutex::new(std::collections::VecDeque::new()),
            ready: std::sync::Condvar::new(),
        }));
        std::thread::Builder::new()
            .name("fyr-helper".into())
            .spawn(move || loop {
                let job = {
                    let mut q = h
                        .ready
                        .wait_while(h.jobs.lock().unwrap_or_else(|p| p.into_inner()), |q| {
                            q.is_empty()
                        })
                        .unwrap_or_else(|p| p.into_inner());
                    q.pop_front()
                };
                // A job's panic is its caller's to see (each job hands back
                // its own); the helper goes on.
                if let Some(job) = job {
                    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                }
            })
            .ok()?;
        Some(h)
    })
}

/// `job` given to the helper thread; false when there is none (one core,
/// or no thread could be made).
fn on_helper(job: Job) -> bool {
    let Some(h) = helper() else {
        return false;
    };
    h.jobs
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .push_back(job);
    h.ready.notify_one();
    true
}

/// Makes the helper thread now and has it run `warm` (its own buffers for
/// work it will be given): a cold start's open keeps one core busy and
/// the other idle, and the first query then finds the helper ready.
pub fn warm(warm: fn()) {
    on_helper(Box::new(warm));
}

/// What a helper thread hands back: its result, or its panic.
type Handed<U> = std::sync::Mutex<Vec<Option<std::thread::Result<U>>>>;

/// `f` of each item, in order, worked through by the calling thread and
/// one helper thread (when there is a core to spare), each item taken by
/// whichever comes first. Unlike [`map`], the caller never waits for the
/// helper: an item the helper has taken but not finished when the caller
/// runs out of items the caller does again itself (on a busy phone a
/// thread may not run for milliseconds). For a few short jobs on the way
/// to an answer (a first query's hits).
pub fn shared_map<T, U>(items: Vec<T>, f: fn(&T) -> U) -> Vec<U>
where
    T: Send + Sync + 'static,
    U: Send + 'static,
{
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    if cores() < 2 || items.len() < 2 {
        return items.iter().map(f).collect();
    }
    struct Shared<T, U> {
        items: Vec<T>,
        next: AtomicUsize,
        out: Handed<U>,
    }
    let n = items.len();
    let s = Arc::new(Shared {
        items,
        next: AtomicUsize::new(0),
        out: std::sync::Mutex::new((0..n).map(|_| None).collect()),
    });
    let helper = s.clone();
    // No helper (or one busy with other work) costs only the try: the
    // caller does every item itself.
    on_helper(Box::new(move || loop {
        let i = helper.next.fetch_add(1, Ordering::Relaxed);
        let Some(item) = helper.items.get(i) else {
            return;
        };
        let u = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(item)));
        // (The caller may have finished without it: then nothing is kept.)
        let mut out = helper.out.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(slot) = out.get_mut(i).filter(|s| s.is_none()) {
            *slot = Some(u);
        }
    }));
    let lock = || s.out.lock().unwrap_or_else(|p| p.into_inner());
    loop {
        let i = s.next.fetch_add(1, Ordering::Relaxed);
        let Some(item) = s.items.get(i) else { break };
        let u = f(item);
        lock()[i] = Some(Ok(u));
    }
    // What the helper has not finished is done here again.
    for i in 0..n {
        if lock()[i].is_none() {
            let u = f(&s.items[i]);
            lock()[i] = Some(Ok(u));
        }
    }
    let done = std::mem::take(&mut *lock());
    done.into_iter()
        .map(|u| match u.expect("every item done") {
            Ok(u) => u,
            Err(p) => std::panic::resume_unwind(p),
        })
        .collect()
}

/// `task` on a helper thread while the caller runs `own` ([`ahead`]).
pub fn beside<R, M>(task: impl FnOnce() -> R + Send + 'static, own: impl FnOnce() -> M) -> (R, M)
where
    R: Send + 'static,
{
    let task = ahead(task);
    let m = own();
    (task.take(), m)
}

/// A task given to the helper thread ahead of the moment its result is
/// needed ([`ahead`]).
pub struct Ahead<R> {
    slot: std::sync::Arc<Slot<R>>,
}

type Task<R> = Box<dyn FnOnce() -> R + Send>;

/// The task until someone takes it, then its result.
enum State<R> {
    Waiting(Task<R>),
    Running,
    Done(std::thread::Result<R>),
    /// Taken by the caller, or left (an [`Ahead`] dropped).
    Gone,
}

struct Slot<R> {
    state: std::sync::Mutex<State<R>>,
    done: std::sync::Condvar,
}

impl<R> Slot<R> {
    fn lock(&self) -> std::sync::MutexGuard<'_, State<R>> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The task, if nobody has taken it yet (its state becomes `then`).
    fn claim(&self, then: State<R>) -> Option<Task<R>> {
        let mut g = self.lock();
        match std::mem::replace(&mut *g, then) {
            State::Waiting(t) => Some(t),
            other => {
                *g = other;
                None
            }
        }
    }
}

/// `task` given to the helper thread now, its result taken later
/// ([`Ahead::take`]): work a later step needs that does not depend on what
/// the caller does meanwhile (a store's second file opened while the first
/// is read). If the helper has not started it by then, the caller runs it
/// itself (it never waits for a thread the system has not run), and the
/// helper, when it comes to it, leaves it. A task the helper has started is
/// waited for. One core, or no helper: the task runs at the take.
pub fn ahead<R: Send + 'static>(task: impl FnOnce() -> R + Send + 'static) -> Ahead<R> {
    let slot = std::sync::Arc::new(Slot {
        state: std::sync::Mutex::new(State::Waiting(Box::new(task))),
        done: std::sync::Condvar::new(),
    });
    // No helper (one core): the job is not queued, the take runs it.
    let helper = slot.clone();
    on_helper(Box::new(move || {
        if let Some(t) = helper.claim(State::Running) {
            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(t));
            // (Left meanwhile: the result goes with the slot.)
            *helper.lock() = State::Done(r);
            helper.done.notify_all();
        }
    }));
    Ahead { slot }
}

impl<R> Ahead<R> {
    /// The task's result: the helper's, waited for if it is at work, else
    /// the task run here. A panic in the task is this caller's.
    pub fn take(self) -> R {
        if let Some(t) = self.slot.claim(State::Gone) {
            return t();
        }
        let mut s = self
            .slot
            .done
            .wait_while(self.slot.lock(), |s| matches!(s, State::Running))
            .unwrap_or_else(|p| p.into_inner());
        match std::mem::replace(&mut *s, State::Gone) {
            State::Done(r) => r.unwrap_or_else(|p| std::panic::resume_unwind(p)),
            _ => unreachable!("an Ahead is taken once"),
        }
    }
}

impl<R> Drop for Ahead<R> {
    /// Left untaken (the caller stopped on an error): a task not started is
    /// not run; one at work finishes and its result is dropped.
    fn drop(&mut self) {
        let mut g = self.slot.lock();
        if !matches!(*g, State::Running) {
            *g = State::Gone;
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_come_in_order_whatever_the_pieces() {
        let items: Vec<u32> = (0..10_000).collect();
        for min in [1, 7, 256, 20_000] {
            assert_eq!(
                super::map(&items, min, |x| x * 2),
                (0..10_000).map(|x| x * 2).collect::<Vec<_>>()
            );
        }
        assert!(super::map(&[] as &[u8], 4, |x| *x).is_empty());
    }

    #[test]
    fn shared_work_comes_back_in_order_and_whole() {
        let items: Vec<u32> = (0..500).collect();
        let out = super::shared_map(items, |x| x * 3);
        assert_eq!(out, (0..500).map(|x| x * 3).collect::<Vec<_>>());
        let (a, b) = super::beside(|| (0..1000u64).sum::<u64>(), || 7);
        assert_eq!((a, b), (499_500, 7));
    }

    /// Tasks go to one helper thread kept for the process, not a thread
    /// each.
    #[test]
    fn one_kept_helper_thread_takes_the_tasks() {
        use std::sync::atomic::{AtomicBool, Ordering};
        use std::sync::Arc;
        if super::cores() < 2 {
            return;
        }
        super::warm(crate::store::body::warm);
        let mut seen = Vec::new();
        for _ in 0..3 {
            let started = Arc::new(AtomicBool::new(false));
            let s = started.clone();
            let (who, _) = super::beside(
                move || {
                    s.store(true, Ordering::SeqCst);
                    let t = std::thread::current();
                    (t.id(), t.name().map(String::from))
                },
                // Long enough for the helper to take the task (other tests
                // give it work too), never forever.
                || {
                    let until = std::time::Instant::now() + std::time::Duration::from_secs(5);
                    while !started.load(Ordering::SeqCst) && std::time::Instant::now() < until {
                        std::thread::sleep(std::time::Duration::from_millis(1));
                    }
                },
            );
            assert_eq!(who.1.as_deref(), Some("fyr-helper"));
            seen.push(who.0);
        }
        assert!(seen.windows(2).all(|w| w[0] == w[1]), "{seen:?}");
        assert_ne!(seen[0], std::thread::current().id());
    }

    /// Whether the helper runs first, the caller takes over, or the caller
    /// waits for a helper already at work: the task runs once.
    #[test]
    fn a_task_beside_runs_once_whoever_takes_it() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Arc;
        for own_ms in [0u64, 5] {
            for _ in 0..50 {
                let runs = Arc::new(AtomicUsize::new(0));
                let r = runs.clone();
                let (a, _) = super::beside(
                    move || {
                        std::thread::sleep(std::time::Duration::from_micros(200));
                        r.fetch_add(1, Ordering::SeqCst)
                    },
                    || std::thread::sleep(std::time::Duration::from_millis(own_ms)),
                );
                assert_eq!(a, 0);
                // A helper that comes late finds the task taken.
                std::thread::sleep(std::time::Duration::from_millis(2));
                assert_eq!(runs.load(Ordering::SeqCst), 1);
            }
        }
        let p = std::panic::catch_unwind(|| super::beside(|| panic!("the task"), || 1));
        assert!(p.is_err());
    }

    /// A task given ahead runs once, on the helper or at the take; one left
    /// untaken before anyone started it never runs; its panic is the
    /// taker's.
    #[test]
    fn a_task_ahead_runs_once_or_not_at_all_when_left() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::sync::Arc;
        for wait_ms in [0u64, 3] {
            for _ in 0..30 {
                let runs = Arc::new(AtomicUsize::new(0));
                let r = runs.clone();
                let a = super::ahead(move || r.fetch_add(1, Ordering::SeqCst) + 10);
                std::thread::sleep(std::time::Duration::from_millis(wait_ms));
                assert_eq!(a.take(), 10);
                std::thread::sleep(std::time::Duration::from_millis(1));
                assert_eq!(runs.load(Ordering::SeqCst), 1);
            }
        }
        // Left: the helper is kept busy until the Ahead is dropped, so the
        // task has not started when it is left.
        let (gate, open) = std::sync::mpsc::channel::<()>();
        let busy = super::ahead(move || open.recv().ok());
        let runs = Arc::new(AtomicUsize::new(0));
        let r = runs.clone();
        drop(super::ahead(move || r.fetch_add(1, Ordering::SeqCst)));
        gate.send(()).unwrap();
        busy.take();
        // The helper has come to the left task by now (jobs run in order).
        super::ahead(|| ()).take();
        std::thread::sleep(std::time::Duration::from_millis(5));
        assert_eq!(runs.load(Ordering::SeqCst), 0, "a left task is not run");
        let p = std::panic::catch_unwind(|| super::ahead(|| panic!("the task")).take());
        assert!(p.is_err());
    }

    #[test]
    fn a_panic_in_shared_work_reaches_the_caller() {
        let r = std::panic::catch_unwind(|| {
            super::shared_map((0..64u32).collect(), |x| {
                assert!(*x != 40, "item 40");
                *x
            })
        });
        assert!(r.is_err());
    }
}
