//! The [`crate::sync`] surface over shuttle's primitives, available in every build.
//!
//! `racewise models check` runs from the normally built binary (no `--cfg`), so the models are
//! also compiled against this module (see [`crate::shuttle_models`]). Under `--cfg shuttle`,
//! [`crate::sync`] simply re-exports it.

/// Which backend this facade is bound to.
pub const BACKEND: &str = "shuttle";

pub use shuttle::sync::{
    Arc, Condvar, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard, WaitTimeoutResult,
};
pub use std::sync::{LockResult, TryLockResult};

/// Shuttle's atomics (every ordering behaves as `SeqCst` under shuttle).
pub mod atomic {
    pub use shuttle::sync::atomic::{
        AtomicBool, AtomicI32, AtomicI64, AtomicIsize, AtomicU8, AtomicU16, AtomicU32, AtomicU64,
        AtomicUsize, Ordering, fence,
    };
}

/// Shuttle's threads; `yield_now` is a scheduling point, so spin loops must call it.
pub mod thread {
    pub use shuttle::thread::{JoinHandle, Thread, ThreadId, current, spawn, yield_now};
}
