//! A counting semaphore with RAII permits (tokio's `Semaphore` surface, minus fairness).
//!
//! A waiting `acquire` registers its waker and deregisters when dropped, so a cancelled
//! acquisition (a `timeout` firing, a `select` losing) never takes a permit. The semaphore knows
//! how many permits are out, so a model can check at the end of its body that none leaked
//! ([`Semaphore::assert_no_leak`]).

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use super::backend::Mutex;
use super::common::{Waiters, lock, record, torn_down, wake};
use crate::invariant::violated;

#[derive(Debug)]
struct State {
    available: usize,
    /// Permits created by `add_permits` beyond the initial ones.
    added: usize,
    waiters: Waiters,
}

/// `acquire` failed: tokio's error for a closed semaphore. These semaphores are never closed, so
/// the type has no value and `let Ok(permit) = sem.acquire().await;` is irrefutable; it exists
/// so that code written against `tokio::sync::Semaphore` compiles unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AcquireError {}

impl fmt::Display for AcquireError {
    fn fmt(&self, _: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {}
    }
}

impl std::error::Error for AcquireError {}

/// `try_acquire` found no free permit (tokio's `TryAcquireError::NoPermits`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TryAcquireError {
    /// Every permit is taken.
    NoPermits,
}

impl fmt::Display for TryAcquireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("no permits available")
    }
}

impl std::error::Error for TryAcquireError {}

/// A counting semaphore. See the module docs.
#[derive(Debug)]
pub struct Semaphore {
    name: &'static str,
    capacity: usize,
    state: Mutex<State>,
}

/// A permit borrowed from a [`Semaphore`], released when dropped.
#[derive(Debug)]
#[must_use = "a permit is released as soon as it is dropped"]
pub struct SemaphorePermit<'a> {
    sem: &'a Semaphore,
}

/// A permit of an `Arc<Semaphore>`, released when dropped.
#[derive(Debug)]
#[must_use = "a permit is released as soon as it is dropped"]
pub struct OwnedSemaphorePermit {
    sem: Arc<Semaphore>,
}

impl Semaphore {
    /// A semaphore with `permits` permits (tokio's constructor).
    pub fn new(permits: usize) -> Self {
        Self::named("semaphore", permits)
    }

    /// A semaphore with `permits` permits, called `name` in messages and the event log.
    pub fn named(name: &'static str, permits: usize) -> Self {
        Self {
            name,
            capacity: permits,
            state: Mutex::new(State {
                available: permits,
                added: 0,
                waiters: Waiters::default(),
            }),
        }
    }

    /// The semaphore's name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Permits free right now.
    pub fn available_permits(&self) -> usize {
        lock(&self.state).available
    }

    /// Permits taken and not given back (by a guard's drop or [`Semaphore::add_permits`]).
    pub fn held(&self) -> usize {
        let s = lock(&self.state);
        (self.capacity + s.added).saturating_sub(s.available)
    }

    /// Waits for a permit.
    pub fn acquire(&self) -> Acquire<'_> {
        Acquire {
            sem: self,
            waiter: None,
        }
    }

    /// Waits for a permit that owns a reference to the semaphore.
    ///
    /// # Errors
    /// Never (see [`AcquireError`]).
    pub async fn acquire_owned(self: Arc<Self>) -> Result<OwnedSemaphorePermit, AcquireError> {
        let Ok(permit) = self.acquire().await;
        std::mem::forget(permit);
        Ok(OwnedSemaphorePermit { sem: self })
    }

    /// Takes a permit if one is free right now.
    ///
    /// # Errors
    /// Every permit is taken.
    pub fn try_acquire(&self) -> Result<SemaphorePermit<'_>, TryAcquireError> {
        let mut s = lock(&self.state);
        if s.available == 0 {
            return Err(TryAcquireError::NoPermits);
        }
        s.available -= 1;
        record(|| format!("acquired {}", self.name));
        drop(s);
        Ok(SemaphorePermit { sem: self })
    }

    /// Gives `n` permits back (or adds new ones): the manual counterpart of
    /// [`SemaphorePermit::forget`].
    pub fn add_permits(&self, n: usize) {
        let mut s = lock(&self.state);
        s.available += n;
        let total = self.capacity + s.added;
        if s.available > total {
            s.added += s.available - total;
        }
        let wakers = s.waiters.take_all();
        record(|| format!("added {n} permit(s) to {}", self.name));
        drop(s);
        wake(wakers);
    }

    fn release(&self) {
        let mut s = lock(&self.state);
        s.available += 1;
        let wakers = s.waiters.take_all();
        record(|| format!("released {}", self.name));
        drop(s);
        wake(wakers);
    }

    /// Checks, once every task is done, that every permit is back: panics with
    /// `invariant violated: permit leaked on NAME: ...` otherwise.
    pub fn assert_no_leak(&self) {
        let held = self.held();
        if held > 0 {
            violated(format!(
                "permit leaked on {}: {held} of {} still held after every task finished",
                self.name,
                self.capacity + lock(&self.state).added
            ));
        }
    }
}

impl SemaphorePermit<'_> {
    /// Keeps the permit taken without a guard: whoever forgets it must give it back with
    /// [`Semaphore::add_permits`] on every path.
    pub fn forget(self) {
        record(|| format!("took {} without a guard", self.sem.name));
        std::mem::forget(self);
    }
}

impl Drop for SemaphorePermit<'_> {
    fn drop(&mut self) {
        if !torn_down() {
            self.sem.release();
        }
    }
}

impl Drop for OwnedSemaphorePermit {
    fn drop(&mut self) {
        if !torn_down() {
            self.sem.release();
        }
    }
}

/// The future of [`Semaphore::acquire`]; dropping it while it waits gives up the wait.
#[derive(Debug)]
#[must_use = "futures do nothing unless awaited"]
pub struct Acquire<'a> {
    sem: &'a Semaphore,
    waiter: Option<u64>,
}

impl<'a> Future for Acquire<'a> {
    type Output = Result<SemaphorePermit<'a>, AcquireError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let sem = this.sem;
        let mut s = lock(&sem.state);
        if s.available > 0 {
            s.available -= 1;
            s.waiters.remove(&mut this.waiter);
            record(|| format!("acquired {}", sem.name));
            drop(s);
            return Poll::Ready(Ok(SemaphorePermit { sem }));
        }
        if this.waiter.is_none() {
            record(|| format!("waiting for {}", sem.name));
        }
        s.waiters.register(&mut this.waiter, cx.waker());
        drop(s);
        Poll::Pending
    }
}

impl Drop for Acquire<'_> {
    fn drop(&mut self) {
        if self.waiter.is_none() || torn_down() {
            return;
        }
        let mut s = lock(&self.sem.state);
        s.waiters.remove(&mut self.waiter);
        record(|| format!("gave up waiting for {}", self.sem.name));
        drop(s);
    }
}
