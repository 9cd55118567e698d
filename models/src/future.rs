//! The async facade, beside [`crate::sync`]: tasks, cancellation, and tokio-like primitives,
//! mapped to the executor of the selected backend.
//!
//! | build | executor |
//! |---|---|
//! | plain | a current-thread executor: the root future and every task polled on one OS thread |
//! | `--cfg shuttle` | shuttle's: `shuttle::future::block_on` for the root, `shuttle::future::spawn` for tasks |
//! | `--cfg loom` | `loom::future::block_on` for the root, and each task a loom thread driving its future with `loom::future::block_on` (loom has no task executor; at most 4 tasks, loom's thread limit) |
//!
//! On it: [`spawn`] (a [`JoinHandle`] whose `.await` gives `Result<T, JoinError>` and whose
//! `abort` really drops the future), [`yield_now`], a counting [`Semaphore`] with RAII permits,
//! an async [`Mutex`], [`Notify`], a bounded [`mpsc`] channel, and cancellation by drop:
//! [`timeout`] against an injected [`Deadline`], and a two-branch [`select`]. Each primitive
//! records what each task did in a bounded event log ([`crate::trace`]) printed on failure.
//!
//! The primitives keep their state under the sync facade's `Mutex`, so the checkers interleave
//! tasks at each of their operations as well as at every await point.
//!
//! [`crate::shuttle_future`] is the same surface over shuttle in every build, for
//! `racewise models check`.

use crate::sync as backend;

#[cfg(loom)]
#[path = "future/exec_loom.rs"]
mod exec;
#[cfg(all(shuttle, not(loom)))]
#[path = "future/exec_shuttle.rs"]
mod exec;
#[cfg(not(any(loom, shuttle)))]
#[path = "future/exec_std.rs"]
mod exec;

#[path = "future/surface.rs"]
mod surface;
pub use surface::*;

#[cfg(all(test, not(loom), not(shuttle)))]
#[path = "future/tests.rs"]
mod tests;
