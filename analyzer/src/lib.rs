//! racewise: the analyzer engine, its CLI and reporters.
//!
//! - [`discover`]: which files a scan covers.
//! - [`engine`]: per-file analysis in parallel, the crate-wide phase, suppressions, baselines.
//! - [`report`]: one module per output format.
//! - [`cli`]: the `racewise` command line.
//!
//! The rules and the semantic model they share live in the `racewise-lints` crate.

pub mod cargo_cmd;
pub mod cli;
pub mod config;
pub mod discover;
pub mod doc_comments;
pub mod engine;
pub mod error;
pub mod fingerprint;
pub mod fix;
pub mod groups;
pub mod jobs;
mod lexical;
pub mod models_cmd;
pub mod nesting;
pub mod new_from_rev;
pub mod outputs;
pub mod redis_stress_cmd;
pub mod report;
pub mod root;
pub mod server;
pub mod stderr_guard;
pub mod suppress;
pub mod symlinks;

pub use engine::{Analysis, Options, run};
