//! Timeouts against an injected deadline, and cancellation by drop.
//!
//! Neither checker models wall-clock time, so a [`Deadline`] expires when a task (the "timer")
//! calls [`Deadline::fire`]: the checker then explores the timeout firing before, during and
//! after whatever it bounds. [`timeout`] polls its future first (as tokio's does) and, once the
//! deadline has fired, drops it at the await point it is suspended at: its destructors run there,
//! which is exactly the path a cancellation-safety bug hides on.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::backend::Mutex;
use super::common::{Waiters, lock, record, torn_down, wake};

#[derive(Debug, Default)]
struct State {
    fired: bool,
    waiters: Waiters,
}

/// A deadline fired by a timer task. See the module docs.
#[derive(Debug)]
pub struct Deadline {
    name: &'static str,
    state: Mutex<State>,
}

impl Deadline {
    /// A deadline called `name` in the event log, not yet passed.
    pub fn new(name: &'static str) -> Self {
        Self {
            name,
            state: Mutex::new(State::default()),
        }
    }

    /// Expires the deadline and wakes every [`timeout`] waiting on it.
    pub fn fire(&self) {
        let mut s = lock(&self.state);
        s.fired = true;
        let wakers = s.waiters.take_all();
        record(|| format!("fired {}", self.name));
        drop(s);
        wake(wakers);
    }

    /// Whether the deadline has passed.
    pub fn expired(&self) -> bool {
        lock(&self.state).fired
    }
}

/// [`timeout`]'s deadline passed first; the future was dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elapsed;

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("deadline has elapsed")
    }
}

impl std::error::Error for Elapsed {}

/// Runs `fut` until `deadline` fires; then drops it and gives `Err(Elapsed)`.
pub fn timeout<F: Future>(deadline: &Deadline, fut: F) -> Timeout<'_, F> {
    Timeout {
        deadline,
        fut: Some(Box::pin(fut)),
        waiter: None,
    }
}

/// The future of [`timeout`].
#[must_use = "futures do nothing unless awaited"]
pub struct Timeout<'a, F> {
    deadline: &'a Deadline,
    fut: Option<Pin<Box<F>>>,
    waiter: Option<u64>,
}

impl<F: Future> Future for Timeout<'_, F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let Some(fut) = this.fut.as_mut() else {
            return Poll::Ready(Err(Elapsed));
        };
        if let Poll::Ready(v) = fut.as_mut().poll(cx) {
            this.fut = None;
            this.forget_waiter();
            return Poll::Ready(Ok(v));
        }
        let mut s = lock(&this.deadline.state);
        if s.fired {
            s.waiters.remove(&mut this.waiter);
            record(|| format!("timed out ({}): dropping the future", this.deadline.name));
            drop(s);
            this.fut = None;
            return Poll::Ready(Err(Elapsed));
        }
        s.waiters.register(&mut this.waiter, cx.waker());
        Poll::Pending
    }
}

impl<F> Timeout<'_, F> {
    fn forget_waiter(&mut self) {
        if self.waiter.is_some() && !torn_down() {
            lock(&self.deadline.state).waiters.remove(&mut self.waiter);
        }
    }
}

impl<F> Drop for Timeout<'_, F> {
    fn drop(&mut self) {
        self.forget_waiter();
    }
}

impl<F> fmt::Debug for Timeout<'_, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Timeout")
            .field("deadline", &self.deadline.name)
            .finish()
    }
}
