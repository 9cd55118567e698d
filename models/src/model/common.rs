//! Small helpers shared by the models of one backend.

use super::backend::thread::JoinHandle;
use super::backend::{Condvar, Mutex, MutexGuard};
use std::sync::PoisonError;

/// Locks `m`, ignoring poisoning: a model panics only to report a violation, and that first
/// panic is the one a test must see, not a cascade of `PoisonError`s from the other threads.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// [`Condvar::wait`], ignoring poisoning for the same reason as [`lock`].
pub(crate) fn wait<'a, T>(cv: &Condvar, guard: MutexGuard<'a, T>) -> MutexGuard<'a, T> {
    cv.wait(guard).unwrap_or_else(PoisonError::into_inner)
}

/// Joins `handle`, re-raising the thread's panic (with its original message) in the caller.
pub(crate) fn join<T>(handle: JoinHandle<T>) -> T {
    match handle.join() {
        Ok(value) => value,
        Err(payload) => std::panic::resume_unwind(payload),
    }
}

/// Whether a destructor must leave the backend's primitives alone: under loom, a failed execution
/// (a deadlock, say) unwinds the other threads' stacks, and a loom primitive touched while
/// unwinding panics again, which aborts the whole test binary. The execution is over anyway.
pub(crate) fn torn_down_by_loom() -> bool {
    super::backend::BACKEND == "loom" && std::thread::panicking()
}
