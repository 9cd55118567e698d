use std::sync::Arc;

use super::{Inner, Task};

// Positive: Inner.workers → Inner.queue, the opposite of `Pool::submit`.
pub fn next_task(inner: Arc<Inner>, me: usize) -> Option<Task> {
    let mut workers = inner.workers.lock().unwrap();
    let task = inner.queue.lock().unwrap().pop_front(); //~ lock_order_inversion
    if let Some(slot) = workers.get_mut(me) {
        slot.busy = task.is_some();
    }
    task
}

// Negative: the worker slot guard is scoped before the queue is touched.
pub fn idle(inner: &Inner, me: usize) -> usize {
    if let Some(slot) = inner.workers.lock().unwrap().get_mut(me) {
        slot.busy = false;
    }
    inner.queue.lock().unwrap().len()
}
