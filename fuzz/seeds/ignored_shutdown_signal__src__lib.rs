//! Agent runtime: tools behind a common interface, background workers, a server.

pub mod server;
pub mod tools;
pub mod workers;
