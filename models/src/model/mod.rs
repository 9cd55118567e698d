//! The reference models, written once and compiled once per backend: [`crate::sync_models`] and
//! [`crate::shuttle_models`] each load this module over their own `backend` (the sync facade the
//! model files name as `super::backend`). Adding a model is one line here, plus its variants in
//! `variants.rs`.

use super::{async_backend, backend};

pub mod async_permits;
pub mod async_requests;
pub mod async_variants;
mod common;
pub mod execution_queue;
pub mod redis_queue;
pub mod scheduler;
pub mod semaphore;
pub mod variants;
