//! The reference models over the cfg-selected facade [`crate::sync`]: `std` in a plain build,
//! loom under `--cfg loom`, shuttle under `--cfg shuttle`. This is what the loom and shuttle test
//! suites check.

use crate::sync as backend;

// The async models (issue 15) over the matching async facade.
use crate::future as async_backend;

#[path = "model/mod.rs"]
mod model;
pub use model::*;

/// Unit tests of the models' sequential behaviour, on `std` only: under `--cfg loom` or
/// `--cfg shuttle` the primitives only work inside a checker, and the suites under `tests/` run.
#[cfg(all(test, not(loom), not(shuttle)))]
#[path = "model/tests/execution_queue.rs"]
mod execution_queue_tests;
#[cfg(all(test, not(loom), not(shuttle)))]
#[path = "model/redis_queue/tests.rs"]
mod redis_queue_tests;
#[cfg(all(test, not(loom), not(shuttle)))]
#[path = "model/tests/scheduler.rs"]
mod scheduler_tests;
#[cfg(all(test, not(loom), not(shuttle)))]
#[path = "model/tests/semaphore.rs"]
mod semaphore_tests;
