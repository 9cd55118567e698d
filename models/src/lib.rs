//! racewise-models: reference concurrency models (issue 7) and the `#[model_check]` harness (issue 5).
//!
//! - [`sync`]: the facade the models are written against (`std`, or loom / shuttle under
//!   `--cfg loom` / `--cfg shuttle`); [`shuttle_sync`]: the same surface over shuttle, always.
//! - [`models`]: the scheduler, execution queue and semaphore family over [`sync`], with their
//!   broken variants and the scenarios the checkers run; [`shuttle_models`]: the same sources
//!   compiled over [`shuttle_sync`].
//! - [`catalog`]: every variant with its expected verdict, and the in-process shuttle runner
//!   behind `racewise models check`.

pub mod catalog;
pub mod invariant;
pub mod models;
pub mod shuttle_models;
pub mod shuttle_sync;
pub mod sync;
pub mod token_bucket;

#[doc(hidden)]
pub mod harness;

pub use racewise_macros::model_check;
