//! The per-agent execution queue on a real Redis (issue 18): the three designs
//! `racewise_models::sync_models::redis_queue` model-checks — the audited code, the audit's prescribed
//! fix, and submit and complete as one Lua script each — and a stress that runs them with 10
//! concurrent clients and counts the violations in what the clients saw.
//!
//! - [`designs`]: the command sequences and Lua scripts (`EVALSHA`, with `EVAL` as fallback);
//! - [`history`]: the events of a round and the invariants checked on them;
//! - [`stress`]: the rounds, the report, and the cleanup of the stress's keys;
//! - [`connect`]: connect and command timeouts, and telling a non-Redis server or a bad password
//!   apart from a refused connection;
//! - [`server`]: a throwaway `redis-server` on a free loopback port, for tests.

pub mod connect;
pub mod designs;
pub mod history;
pub mod server;
pub mod stress;
