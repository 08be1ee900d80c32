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
    let threads = cores().min(8).min(items.len() / min_piece.max(1));
    if threads < 2 {
        return f(items);
    }
    let piece = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|s| {
        let handles: Vec<_> = items
            .chunks(piece)
            .map(|chunk| s.spawn(move || f(chunk)))
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
}
