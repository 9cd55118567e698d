//! axum handlers.

pub mod sessions;
