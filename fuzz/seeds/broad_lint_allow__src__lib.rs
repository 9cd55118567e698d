//! Session service.
// Positive: crate-wide allows (no RefCell borrow is held across an await anywhere in the crate).
#![allow(clippy::await_holding_refcell_ref)] //~ broad_lint_allow
#![cfg_attr(docsrs, allow(clippy::let_underscore_future))] //~ broad_lint_allow
// Negative: other lints and levels at crate level.
#![warn(clippy::await_holding_lock)]
#![allow(clippy::module_name_repetitions)]
#![cfg_attr(feature = "strict", deny(clippy::all))]

// Positive: `mod cache;` with an allow covers all of cache.rs, which holds a guard across an await.
#[allow(clippy::await_holding_lock)] //~ broad_lint_allow
mod cache;
pub mod generated;
pub mod sessions;
pub mod state;
pub mod tools;
