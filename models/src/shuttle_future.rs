//! The [`crate::future`] surface over shuttle's executor and primitives in every build, so
//! `racewise models check` can run the async models from the normally built binary (see
//! [`crate::shuttle_models`]).

use crate::shuttle_sync as backend;

#[path = "future/exec_shuttle.rs"]
mod exec;

#[path = "future/common.rs"]
mod common;
#[path = "future/mpsc.rs"]
pub mod mpsc;
#[path = "future/mutex.rs"]
mod mutex;
#[path = "future/notify.rs"]
mod notify;
#[path = "future/select.rs"]
mod select;
#[path = "future/semaphore.rs"]
mod semaphore;
#[path = "future/task.rs"]
mod task;
#[path = "future/time.rs"]
mod time;

pub use mutex::{Mutex, MutexGuard};
pub use notify::{Notified, Notify};
pub use select::{Either, Select, select};
pub use semaphore::{
    Acquire, AcquireError, OwnedSemaphorePermit, Semaphore, SemaphorePermit, TryAcquireError,
};
pub use task::{JoinError, JoinHandle, block_on, note, spawn, spawn_named, torn_down, yield_now};
pub use time::{Deadline, Elapsed, Timeout, timeout};
