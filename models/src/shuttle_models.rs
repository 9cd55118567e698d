//! The reference models over shuttle's primitives ([`crate::shuttle_sync`]) in *every* build, so
//! `racewise models check` (see [`crate::catalog`]) can run the shuttle checks from the normally
//! built binary.

use crate::shuttle_sync as backend;

// The async models (issue 15) over the matching async facade.
use crate::shuttle_future as async_backend;

#[path = "model/mod.rs"]
mod model;
pub use model::*;
