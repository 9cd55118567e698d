//! The reference models over shuttle's primitives ([`crate::shuttle_sync`]) in *every* build, so
//! `racewise models check` (see [`crate::catalog`]) can run the shuttle checks from the normally built
//! binary.
//!
//! Each model is written once, under `src/model/`, and compiled once per backend module: the
//! files refer to their primitives only through `super::backend`, which this module binds.

use crate::shuttle_sync as backend;

#[path = "model/common.rs"]
mod common;
#[path = "model/execution_queue.rs"]
pub mod execution_queue;
#[path = "model/redis_queue/mod.rs"]
pub mod redis_queue;
#[path = "model/scheduler.rs"]
pub mod scheduler;
#[path = "model/semaphore.rs"]
pub mod semaphore;
#[path = "model/variants.rs"]
pub mod variants;
