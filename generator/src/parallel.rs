//! Independent jobs (one per API, one per emitted file, one per spec file)
//! spread over the machine's cores, with results in the order of the input:
//! the output never depends on which worker finished first.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

/// The phases recurse over the spec's nesting, which the limits bound; every
/// thread they run on is given this much stack, so that the bounds, not the
/// stack, end a run.
pub const STACK_BYTES: usize = 256 * 1024 * 1024;

/// `job` applied to each item, the results in the items' order. Items are
/// handed out in `order` (the largest first balances the workers best); a
/// single core, or a single item, runs on the calling thread.
pub fn map_ordered<T, R, F>(items: Vec<T>, order: &[usize], job: F) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    debug_assert_eq!(order.len(), items.len());
    let workers = cores().min(items.len());
    if workers <= 1 {
        return items.into_iter().map(job).collect();
    }
    let count = items.len();
    let items: Vec<Mutex<Option<T>>> = items.into_iter().map(|i| Mutex::new(Some(i))).collect();
    let results: Vec<Mutex<Option<R>>> = (0..count).map(|_| Mutex::new(None)).collect();
    let next = AtomicUsize::new(0);
    let work = || {
        while let Some(&index) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
            let item = take(&items[index]).expect("each item is handed out once");
            let result = job(item);
            *results[index].lock().unwrap_or_else(|e| e.into_inner()) = Some(result);
        }
    };
    std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..workers)
            .map(|_| {
                std::thread::Builder::new()
                    .stack_size(STACK_BYTES)
                    .spawn_scoped(scope, work)
            })
            .collect();
        // The calling thread works too; a helper that could not start leaves its share to it.
        work();
        for helper in helpers.into_iter().flatten() {
            if let Err(panic) = helper.join() {
                std::panic::resume_unwind(panic);
            }
        }
    });
    results
        .iter()
        .map(|result| take(result).expect("every item was run"))
        .collect()
}

/// Like [`map_ordered`], handing the items out in their own order.
pub fn map<T, R, F>(items: Vec<T>, job: F) -> Vec<R>
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    let order: Vec<usize> = (0..items.len()).collect();
    map_ordered(items, &order, job)
}

/// `job` applied to `a` and `b`, side by side, the results in that order.
pub fn pair<T, R, F>(a: T, b: T, job: F) -> (R, R)
where
    T: Send,
    R: Send,
    F: Fn(T) -> R + Sync,
{
    let mut results = map(vec![a, b], job).into_iter();
    match (results.next(), results.next()) {
        (Some(a), Some(b)) => (a, b),
        _ => unreachable!("map returns one result per item"),
    }
}

/// The cores this process may use, asked once: the answer reads cgroup files.
fn cores() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(1, usize::from))
}

fn take<V>(slot: &Mutex<Option<V>>) -> Option<V> {
    slot.lock().unwrap_or_else(|e| e.into_inner()).take()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_items_order_whoever_finishes_first() {
        // The first items take longest, so the workers finish out of order.
        let items: Vec<u64> = (0..16).collect();
        let slow_first = |i: u64| {
            std::thread::sleep(std::time::Duration::from_millis(16 - i));
            i * 10
        };
        let expected: Vec<u64> = items.iter().map(|i| i * 10).collect();
        assert_eq!(map(items, slow_first), expected);
        assert_eq!(pair(0, 15, slow_first), (0, 150));
    }
}
