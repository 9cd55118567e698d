//! axum handlers.

pub mod admin;
pub mod api;
pub mod sessions;
