//! Runs one stage over independent items on several threads and keeps their
//! order. Files are read and parsed, and documents turned into facts, each
//! on its own, so the joined result is exactly what a single pass gives.

/// How many threads to give `count` items so that each gets at least
/// `per_thread`: up to one per core, never fewer than one.
pub(crate) fn threads_for(count: usize, per_thread: usize) -> usize {
    std::thread::available_parallelism()
        .map_or(1, std::num::NonZeroUsize::get)
        .min(count / per_thread.max(1))
        .max(1)
}

/// `map` over contiguous runs of `items`, one run per thread (at most
/// `threads`), the results joined in order. A panic inside `map` is a bug
/// and is passed on as is.
pub(crate) fn map_in_runs<T: Sync, R: Send>(
    items: &[T],
    threads: usize,
    map: impl Fn(&[T]) -> Vec<R> + Sync,
) -> Vec<R> {
    if threads <= 1 || items.len() < 2 {
        return map(items);
    }
    let run = items.len().div_ceil(threads);
    map_each_on_a_thread(items.chunks(run).collect(), map)
}

/// [`map_in_runs`] for owned items: each thread takes its run of `items`
/// by value, so `map` may consume them.
pub(crate) fn map_owned_in_runs<T: Send, R: Send>(
    mut items: Vec<T>,
    threads: usize,
    map: impl Fn(Vec<T>) -> Vec<R> + Sync,
) -> Vec<R> {
    if threads <= 1 || items.len() < 2 {
        return map(items);
    }
    let run = items.len().div_ceil(threads);
    let mut runs = Vec::with_capacity(threads);
    while items.len() > run {
        let rest = items.split_off(run);
        runs.push(std::mem::replace(&mut items, rest));
    }
    runs.push(items);
    map_each_on_a_thread(runs, map)
}

/// `map` over each run on a thread of its own; the results joined in the
/// runs' order.
fn map_each_on_a_thread<I: Send, R: Send>(
    runs: Vec<I>,
    map: impl Fn(I) -> Vec<R> + Sync,
) -> Vec<R> {
    let map = &map;
    std::thread::scope(|scope| {
        let handles: Vec<_> = runs
            .into_iter()
            .map(|run| scope.spawn(move || map(run)))
            .collect();
        let mut joined = Vec::new();
        for handle in handles {
            match handle.join() {
                Ok(part) if joined.is_empty() => joined = part,
                Ok(part) => joined.extend(part),
                Err(payload) => std::panic::resume_unwind(payload),
            }
        }
        joined
    })
}
