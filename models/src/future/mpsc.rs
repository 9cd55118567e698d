//! A bounded multi-producer, single-consumer channel (tokio's `mpsc::channel` surface):
//! `send(v).await` waits while the channel is full, `recv().await` gives `None` once every sender
//! is gone and the queue is empty. A cancelled `send` never enqueues its value.

use std::collections::VecDeque;
use std::fmt;
use std::future::poll_fn;
use std::sync::Arc;
use std::task::Poll;

use super::backend::Mutex;
use super::common::{Waiters, lock, record, torn_down, wake};

#[derive(Debug)]
struct State<T> {
    queue: VecDeque<T>,
    capacity: usize,
    senders: usize,
    receiver_alive: bool,
    send_waiters: Waiters,
    recv_waiters: Waiters,
}

struct Chan<T> {
    name: &'static str,
    state: Mutex<State<T>>,
}

/// The sending half; clone it for more producers.
pub struct Sender<T> {
    chan: Arc<Chan<T>>,
}

/// The receiving half.
pub struct Receiver<T> {
    chan: Arc<Chan<T>>,
}

/// The receiver is gone; the value comes back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendError<T>(pub T);

impl<T> fmt::Display for SendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("channel closed")
    }
}

impl<T: fmt::Debug> std::error::Error for SendError<T> {}

/// A channel holding at most `capacity` (≥ 1) values (tokio's constructor).
pub fn channel<T>(capacity: usize) -> (Sender<T>, Receiver<T>) {
    named_channel("channel", capacity)
}

/// A channel holding at most `capacity` (≥ 1) values, called `name` in the event log.
pub fn named_channel<T>(name: &'static str, capacity: usize) -> (Sender<T>, Receiver<T>) {
    assert!(capacity > 0, "mpsc::channel needs a capacity of at least 1");
    let chan = Arc::new(Chan {
        name,
        state: Mutex::new(State {
            queue: VecDeque::new(),
            capacity,
            senders: 1,
            receiver_alive: true,
            send_waiters: Waiters::default(),
            recv_waiters: Waiters::default(),
        }),
    });
    (
        Sender {
            chan: Arc::clone(&chan),
        },
        Receiver { chan },
    )
}

impl<T> Sender<T> {
    /// Sends `value`, waiting while the channel is full.
    ///
    /// # Errors
    /// The receiver was dropped.
    pub async fn send(&self, value: T) -> Result<(), SendError<T>> {
        let chan = &self.chan;
        let mut value = Some(value);
        let mut waiter = None;
        let mut guard = WaiterGuard {
            chan,
            waiter: &mut waiter,
        };
        poll_fn(|cx| {
            let mut s = lock(&chan.state);
            let Some(v) = value.take() else {
                return Poll::Pending;
            };
            if !s.receiver_alive {
                s.send_waiters.remove(guard.waiter);
                return Poll::Ready(Err(SendError(v)));
            }
            if s.queue.len() < s.capacity {
                s.queue.push_back(v);
                s.send_waiters.remove(guard.waiter);
                let wakers = s.recv_waiters.take_all();
                record(|| format!("pushed to {}", chan.name));
                drop(s);
                wake(wakers);
                return Poll::Ready(Ok(()));
            }
            value = Some(v);
            s.send_waiters.register(guard.waiter, cx.waker());
            Poll::Pending
        })
        .await
        .inspect(|()| guard.waiter_done())
    }
}

/// Deregisters a cancelled `send` from the channel's waiters.
struct WaiterGuard<'a, T> {
    chan: &'a Chan<T>,
    waiter: &'a mut Option<u64>,
}

impl<T> WaiterGuard<'_, T> {
    fn waiter_done(&mut self) {
        *self.waiter = None;
    }
}

impl<T> Drop for WaiterGuard<'_, T> {
    fn drop(&mut self) {
        if self.waiter.is_some() && !torn_down() {
            lock(&self.chan.state).send_waiters.remove(self.waiter);
        }
    }
}

impl<T> Receiver<T> {
    /// The next value; `None` once every sender is gone and the queue is empty.
    pub async fn recv(&mut self) -> Option<T> {
        let chan = &self.chan;
        let mut waiter = None;
        poll_fn(|cx| {
            let mut s = lock(&chan.state);
            if let Some(v) = s.queue.pop_front() {
                s.recv_waiters.remove(&mut waiter);
                let wakers = s.send_waiters.take_all();
                record(|| format!("popped from {}", chan.name));
                drop(s);
                wake(wakers);
                return Poll::Ready(Some(v));
            }
            if s.senders == 0 {
                s.recv_waiters.remove(&mut waiter);
                return Poll::Ready(None);
            }
            s.recv_waiters.register(&mut waiter, cx.waker());
            Poll::Pending
        })
        .await
    }

    /// Values queued now.
    pub fn len(&self) -> usize {
        lock(&self.chan.state).queue.len()
    }

    /// Whether nothing is queued now.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        lock(&self.chan.state).senders += 1;
        Self {
            chan: Arc::clone(&self.chan),
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        if torn_down() {
            return;
        }
        let mut s = lock(&self.chan.state);
        s.senders -= 1;
        let wakers = if s.senders == 0 {
            s.recv_waiters.take_all()
        } else {
            Vec::new()
        };
        drop(s);
        wake(wakers);
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        if torn_down() {
            return;
        }
        let mut s = lock(&self.chan.state);
        s.receiver_alive = false;
        let wakers = s.send_waiters.take_all();
        drop(s);
        wake(wakers);
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sender")
            .field("channel", &self.chan.name)
            .finish()
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Receiver")
            .field("channel", &self.chan.name)
            .finish()
    }
}
