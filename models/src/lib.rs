//! racewise-models: reference concurrency models (issue 7) and the `#[model_check]` harness (issue 5).
//!
//! - [`sync`]: the facade the models are written against (`std`, or loom / shuttle under
//!   `--cfg loom` / `--cfg shuttle`); [`shuttle_sync`]: the same surface over shuttle, always.
//! - `model/`: the scheduler, execution queue and semaphore family, with their broken variants
//!   and the scenarios the checkers run, and the execution queue at the level of Redis commands
//!   (`redis_queue`), written once; [`sync_models`] compiles them over
//!   [`sync`], [`shuttle_models`] over [`shuttle_sync`].
//! - [`future`]: the async facade beside [`sync`] (tasks, cancellation by drop, tokio-like
//!   primitives) on the backend's executor; [`shuttle_future`]: the same over shuttle, always;
//!   [`trace`]: the per-task event log its primitives keep, printed on failure. The async models
//!   (`sync_models::async_permits`, `sync_models::async_requests`) are written against it.
//! - [`catalog`]: every variant with its expected verdict, and the in-process shuttle runner
//!   behind `racewise models check`.
//!
//! Running the checks (each backend in its own target dir, so the cfg builds never invalidate
//! the normal one):
//!
//! ```text
//! cargo test -p racewise-models                                             # std
//! RUSTFLAGS="--cfg shuttle" cargo test -p racewise-models --release --target-dir target/shuttle
//! RUSTFLAGS="--cfg loom" cargo test -p racewise-models --release --target-dir target/loom
//! racewise models check [NAME ...]                     # shuttle, from the normal binary
//! ```
//!
//! Every bound is pinned in the test that uses it (loom preemption bound, shuttle iterations,
//! seed and PCT depth), never read from `LOOM_MAX_PREEMPTIONS` and friends, and loom runs are
//! never truncated: a "passed" is a proof within the bound named in the test.

// `sync_models` and `shuttle_models` compile the same `src/model/` module over two backends: that
// is the design (one source per model), not an accident.
#![allow(clippy::duplicate_mod)]

pub mod catalog;
pub mod future;
pub mod invariant;
pub mod shuttle_future;
pub mod shuttle_models;
pub mod shuttle_sync;
pub mod sync;
pub mod sync_models;
pub mod token_bucket;
pub mod trace;

#[doc(hidden)]
pub mod harness;

pub use racewise_macros::model_check;
