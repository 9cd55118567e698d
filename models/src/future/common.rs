//! Helpers shared by the async primitives of one backend.

use std::sync::PoisonError;
use std::task::Waker;

use super::backend::{Mutex, MutexGuard};
use super::exec;

/// Locks a primitive's state, ignoring poisoning: a model panics only to report a violation, and
/// that first panic is the one a test must see.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Records `event` for the running task in the event log ([`crate::trace`]).
pub(crate) fn record(event: impl FnOnce() -> String) {
    crate::trace::record(exec::current_task_name(), event);
}

/// Whether a destructor must leave the primitives alone (a failed execution being torn down).
pub(crate) fn torn_down() -> bool {
    exec::torn_down()
}

/// The tasks waiting on one primitive, each under the id its future was given.
#[derive(Debug, Default)]
pub(crate) struct Waiters {
    next: u64,
    list: Vec<(u64, Waker)>,
}

impl Waiters {
    /// Registers (or refreshes) the waker of the future holding `slot`.
    pub(crate) fn register(&mut self, slot: &mut Option<u64>, waker: &Waker) {
        match slot.and_then(|id| self.list.iter_mut().find(|(i, _)| *i == id)) {
            Some((_, w)) => w.clone_from(waker),
            None => {
                self.next += 1;
                *slot = Some(self.next);
                self.list.push((self.next, waker.clone()));
            }
        }
    }

    /// Forgets the future holding `slot` (it completed or was dropped).
    pub(crate) fn remove(&mut self, slot: &mut Option<u64>) {
        if let Some(id) = slot.take() {
            self.list.retain(|(i, _)| *i != id);
        }
    }

    /// Takes every waker, to be woken once the state's lock is released. Waking all (rather than
    /// one) is what keeps a waiter cancelled right after being woken from losing the wakeup for
    /// the others.
    pub(crate) fn take_all(&mut self) -> Vec<Waker> {
        self.list.drain(..).map(|(_, w)| w).collect()
    }
}

/// Wakes `wakers` (after the state's lock is released).
pub(crate) fn wake(wakers: Vec<Waker>) {
    for w in wakers {
        w.wake();
    }
}
