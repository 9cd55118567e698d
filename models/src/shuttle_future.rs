//! The [`crate::future`] surface over shuttle's executor and primitives in every build, so
//! `racewise models check` can run the async models from the normally built binary (see
//! [`crate::shuttle_models`]).

use crate::shuttle_sync as backend;

#[path = "future/exec_shuttle.rs"]
mod exec;

#[path = "future/surface.rs"]
mod surface;
pub use surface::*;
