//! axum admin API.

pub mod admin;
