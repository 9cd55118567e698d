//! The sync facade every model is written against.
//!
//! It maps to `std` by default, to `loom` under `RUSTFLAGS="--cfg loom"` and to `shuttle` under
//! `RUSTFLAGS="--cfg shuttle"`. A `cfg` rather than a cargo feature on purpose: workspace feature
//! unification or `--all-features` must never flip plain `std` tests into a checker that is not
//! actually running them.
//!
//! The surface is the intersection the three backends share with the same signatures (`lock()`
//! returns a `LockResult`, `Condvar::wait` takes and returns the guard, ...), so a model that
//! compiles against one backend compiles against all three.
//!
//! [`crate::shuttle_sync`] is the same surface over shuttle in *every* build, so the
//! `racewise models check` command can run the shuttle checks from a normally built binary.

#[cfg(all(loom, shuttle))]
compile_error!(
    "racewise-models: `--cfg loom` and `--cfg shuttle` are mutually exclusive; \
     build the loom and shuttle checks separately (each with its own --target-dir)"
);

/// Which backend this facade is bound to, for messages and the harness.
pub const BACKEND: &str = if cfg!(loom) {
    "loom"
} else if cfg!(shuttle) {
    "shuttle"
} else {
    "std"
};

#[cfg(all(shuttle, not(loom)))]
pub use crate::shuttle_sync::*;

#[cfg(loom)]
pub use loom::sync::{
    Arc, Condvar, LockResult, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard,
    TryLockResult, WaitTimeoutResult,
};

#[cfg(not(any(loom, shuttle)))]
pub use std::sync::{
    Arc, Condvar, LockResult, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard,
    TryLockResult, WaitTimeoutResult,
};

/// Atomics of the selected backend. Note that loom weakens `SeqCst` and shuttle treats every
/// ordering as `SeqCst`: the models use `SeqCst` or lock-protected state where ordering matters.
#[cfg(any(loom, not(shuttle)))]
pub mod atomic {
    #[cfg(loom)]
    pub use loom::sync::atomic::{
        AtomicBool, AtomicI32, AtomicI64, AtomicIsize, AtomicU8, AtomicU16, AtomicU32, AtomicU64,
        AtomicUsize, Ordering, fence,
    };
    #[cfg(not(loom))]
    pub use std::sync::atomic::{
        AtomicBool, AtomicI32, AtomicI64, AtomicIsize, AtomicU8, AtomicU16, AtomicU32, AtomicU64,
        AtomicUsize, Ordering, fence,
    };
}

/// Threads of the selected backend. Spin loops must call [`thread::yield_now`]: loom and shuttle
/// only switch threads at instrumented operations, so a spin without it never terminates.
#[cfg(any(loom, not(shuttle)))]
pub mod thread {
    #[cfg(loom)]
    pub use loom::thread::{JoinHandle, Thread, ThreadId, current, spawn, yield_now};
    #[cfg(not(loom))]
    pub use std::thread::{JoinHandle, Thread, ThreadId, current, spawn, yield_now};
}

#[cfg(all(test, not(loom), not(shuttle)))]
mod tests {
    use super::atomic::{AtomicUsize, Ordering};
    use super::{Arc, Condvar, Mutex, thread};

    #[test]
    fn plain_builds_get_std() {
        assert_eq!(super::BACKEND, "std");
        let m = Arc::new((Mutex::new(0), Condvar::new()));
        let n = Arc::new(AtomicUsize::new(0));
        let h = {
            let (m, n) = (Arc::clone(&m), Arc::clone(&n));
            thread::spawn(move || {
                *m.0.lock().unwrap() += 1;
                n.fetch_add(1, Ordering::SeqCst);
                m.1.notify_all();
            })
        };
        let mut g = m.0.lock().unwrap();
        while *g == 0 {
            g = m.1.wait(g).unwrap();
        }
        drop(g);
        h.join().unwrap();
        assert_eq!(n.load(Ordering::SeqCst), 1);
    }
}
