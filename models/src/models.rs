//! The reference models over the cfg-selected facade [`crate::sync`]: `std` in a plain build,
//! loom under `--cfg loom`, shuttle under `--cfg shuttle`. This is what the loom and shuttle test
//! suites check.
//!
//! Each model is written once, under `src/model/`, and compiled once per backend module: the
//! files refer to their primitives only through `super::backend`, which this module binds.

use crate::sync as backend;

#[path = "model/common.rs"]
mod common;

// The async models (issue 15) over the matching async facade.
use crate::future as async_backend;
#[path = "model/async_permits.rs"]
pub mod async_permits;
#[path = "model/async_requests.rs"]
pub mod async_requests;
#[path = "model/async_variants.rs"]
pub mod async_variants;
#[path = "model/execution_queue.rs"]
pub mod execution_queue;
#[path = "model/scheduler.rs"]
pub mod scheduler;
#[path = "model/semaphore.rs"]
pub mod semaphore;
#[path = "model/variants.rs"]
pub mod variants;

#[cfg(all(test, not(loom), not(shuttle)))]
#[path = "model/tests/execution_queue.rs"]
mod execution_queue_tests;
/// Unit tests of the models' sequential behaviour, on `std` only: under `--cfg loom` or
/// `--cfg shuttle` the primitives only work inside a checker, and the suites under `tests/` run.
#[cfg(all(test, not(loom), not(shuttle)))]
#[path = "model/tests/scheduler.rs"]
mod scheduler_tests;
#[cfg(all(test, not(loom), not(shuttle)))]
#[path = "model/tests/semaphore.rs"]
mod semaphore_tests;
