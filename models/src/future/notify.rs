//! Notify a task (tokio's `Notify` surface): `notify_one` wakes one waiter or, if none waits,
//! leaves a permit the next `notified().await` consumes at once, so a notification sent before the
//! waiter arrives is not lost; `notify_waiters` wakes every current waiter and leaves no permit.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use super::backend::Mutex;
use super::common::{lock, record, torn_down};

#[derive(Debug, Default)]
struct State {
    permit: bool,
    next: u64,
    /// Waiters in arrival order: (id, waker, notified).
    waiters: Vec<(u64, Waker, bool)>,
}

/// A notification primitive. See the module docs.
#[derive(Debug)]
pub struct Notify {
    name: &'static str,
    state: Mutex<State>,
}

impl Notify {
    /// A notify (tokio's constructor).
    pub fn new() -> Self {
        Self::named("notify")
    }

    /// A notify called `name` in the event log.
    pub fn named(name: &'static str) -> Self {
        Self {
            name,
            state: Mutex::new(State::default()),
        }
    }

    /// Wakes the longest-waiting task, or stores a permit if none waits.
    pub fn notify_one(&self) {
        let mut s = lock(&self.state);
        let waker = match s.waiters.iter_mut().find(|(_, _, notified)| !notified) {
            Some((_, w, notified)) => {
                *notified = true;
                Some(w.clone())
            }
            None => {
                s.permit = true;
                None
            }
        };
        record(|| format!("notified {}", self.name));
        drop(s);
        if let Some(w) = waker {
            w.wake();
        }
    }

    /// Wakes every task waiting now.
    pub fn notify_waiters(&self) {
        let mut s = lock(&self.state);
        let wakers: Vec<Waker> = s
            .waiters
            .iter_mut()
            .filter(|(_, _, n)| !*n)
            .map(|(_, w, n)| {
                *n = true;
                w.clone()
            })
            .collect();
        record(|| format!("notified every waiter of {}", self.name));
        drop(s);
        for w in wakers {
            w.wake();
        }
    }

    /// Waits for a notification.
    pub fn notified(&self) -> Notified<'_> {
        Notified {
            notify: self,
            id: None,
            done: false,
        }
    }
}

impl Default for Notify {
    fn default() -> Self {
        Self::new()
    }
}

/// The future of [`Notify::notified`].
#[derive(Debug)]
#[must_use = "futures do nothing unless awaited"]
pub struct Notified<'a> {
    notify: &'a Notify,
    id: Option<u64>,
    done: bool,
}

impl Future for Notified<'_> {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        let mut s = lock(&this.notify.state);
        match this.id {
            None if s.permit => {
                s.permit = false;
                this.done = true;
                Poll::Ready(())
            }
            None => {
                s.next += 1;
                let id = s.next;
                s.waiters.push((id, cx.waker().clone(), false));
                this.id = Some(id);
                record(|| format!("waiting on {}", this.notify.name));
                drop(s);
                Poll::Pending
            }
            Some(id) => {
                let Some(i) = s.waiters.iter().position(|(w, _, _)| *w == id) else {
                    return Poll::Pending;
                };
                if s.waiters[i].2 {
                    s.waiters.remove(i);
                    this.done = true;
                    Poll::Ready(())
                } else {
                    s.waiters[i].1.clone_from(cx.waker());
                    Poll::Pending
                }
            }
        }
    }
}

impl Drop for Notified<'_> {
    fn drop(&mut self) {
        let Some(id) = self.id else { return };
        if self.done || torn_down() {
            return;
        }
        let mut s = lock(&self.notify.state);
        let Some(i) = s.waiters.iter().position(|(w, _, _)| *w == id) else {
            return;
        };
        let (_, _, notified) = s.waiters.remove(i);
        drop(s);
        // A waiter cancelled after being chosen must not swallow the notification.
        if notified {
            self.notify.notify_one();
        }
    }
}
