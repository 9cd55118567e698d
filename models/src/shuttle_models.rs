//! The reference models over shuttle's primitives ([`crate::shuttle_sync`]) in *every* build, so
//! `racewise models check` (see [`crate::catalog`]) can run the shuttle checks from the normally built
//! binary.
//!
//! Each model is written once, under `src/model/`, and compiled once per backend module: the
//! files refer to their primitives only through `super::backend`, which this module binds.

use crate::shuttle_sync as backend;

#[path = "model/common.rs"]
mod common;

// The async models (issue 15) over the matching async facade.
use crate::shuttle_future as async_backend;
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
