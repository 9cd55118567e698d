//! The async facade's surface, written once: [`crate::future`] and [`crate::shuttle_future`] each
//! load this module over their own `backend` (sync facade) and `exec` (executor), which the
//! primitives name as `super::backend` / `super::exec`. Adding a primitive is one edit here.

use super::{backend, exec};

mod common;
pub mod mpsc;
mod mutex;
mod notify;
mod select;
mod semaphore;
mod task;
mod time;

pub use mutex::{Mutex, MutexGuard};
pub use notify::{Notified, Notify};
pub use select::{Either, Select, select};
pub use semaphore::{
    Acquire, AcquireError, OwnedSemaphorePermit, Semaphore, SemaphorePermit, TryAcquireError,
};
pub use task::{JoinError, JoinHandle, block_on, note, spawn, spawn_named, torn_down, yield_now};
pub use time::{Deadline, Elapsed, Timeout, timeout};
