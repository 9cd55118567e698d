//! Chat gateway: connection handling, presence, background maintenance.

pub mod gateway;
pub mod handlers;
pub mod maintenance;
pub mod rt;
pub mod state;
