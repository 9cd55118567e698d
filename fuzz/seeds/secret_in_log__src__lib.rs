//! A billing service: config loading, an auth middleware, an upstream API client and a
//! template lexer.

pub mod auth;
pub mod client;
pub mod config;
pub mod lexer;
pub mod usage;
