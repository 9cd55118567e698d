//! The three designs of the per-agent execution queue on a real Redis, command for command the
//! ones `racewise_models::sync_models::redis_queue` model-checks: the audited code, the audit's
//! prescribed fix, and the correct design (submit and complete each one Lua script, sent with
//! `EVALSHA`, falling back to `EVAL` when the server does not have it cached).

use std::sync::LazyLock;

use redis::{Connection, RedisResult, Script};
use serde::Serialize;

/// Which command sequences implement `submit` and `complete`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Design {
    /// `GET running` then `SET running`, or `LLEN` then `LPUSH` when busy; complete `RPOP` then
    /// `SET running` or `DEL running`.
    Audited,
    /// `SET running NX EX ttl`, and when that fails `LLEN` then `LPUSH`; complete one script.
    PrescribedFix,
    /// Submit and complete each one script; no TTL.
    Scripts,
}

impl Design {
    /// Every design, in report order.
    pub const ALL: [Design; 3] = [Design::Audited, Design::PrescribedFix, Design::Scripts];

    /// The name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Design::Audited => "audited",
            Design::PrescribedFix => "prescribed_fix",
            Design::Scripts => "scripts",
        }
    }

    /// One line on the commands it sends.
    pub fn summary(self) -> &'static str {
        match self {
            Design::Audited => "GET/SET submit, RPOP/SET complete",
            Design::PrescribedFix => "SET NX EX + LLEN/LPUSH submit, Lua complete",
            Design::Scripts => "Lua submit, Lua complete, no TTL",
        }
    }
}

/// The two keys of one agent.
#[derive(Debug, Clone)]
pub struct Keys {
    /// A string: the execution running now.
    pub running: String,
    /// A list: `LPUSH` to wait, `RPOP` to take the oldest.
    pub queue: String,
}

impl Keys {
    /// The keys of the agent named `agent` under `prefix`.
    pub fn new(prefix: &str, agent: &str) -> Self {
        Self {
            running: format!("{prefix}:{agent}:running"),
            queue: format!("{prefix}:{agent}:queue"),
        }
    }
}

/// What `submit` answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Submitted {
    /// Run it now, then complete.
    Running,
    /// Queued; the list held this many entries after the push.
    Queued(usize),
    /// The queue was full.
    Rejected,
}

/// How one agent's queue is configured.
#[derive(Debug, Clone, Copy)]
pub struct QueueConfig {
    /// Most entries the queue may hold.
    pub bound: usize,
    /// The prescribed fix's `EX` on the running key, in seconds.
    pub ttl_secs: u64,
}

/// Correct submit: running -> queue unless full (-1), else take the agent (0). Queued returns the
/// list's length after the push.
static SUBMIT: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
if redis.call('EXISTS', KEYS[1]) == 1 then
  if redis.call('LLEN', KEYS[2]) >= tonumber(ARGV[2]) then
    return -1
  end
  return redis.call('LPUSH', KEYS[2], ARGV[1])
end
redis.call('SET', KEYS[1], ARGV[1])
return 0
",
    )
});

/// Complete, as the audit wrote it: RPOP, then SET running to it or DEL running.
static COMPLETE: LazyLock<Script> = LazyLock::new(|| {
    Script::new(
        r"
local next = redis.call('RPOP', KEYS[2])
if next then
  redis.call('SET', KEYS[1], next)
  return tonumber(next)
end
redis.call('DEL', KEYS[1])
return false
",
    )
});

/// Submits `exec` to the agent.
///
/// # Errors
/// The server's or the connection's.
pub fn submit(
    con: &mut Connection,
    design: Design,
    keys: &Keys,
    config: QueueConfig,
    exec: u32,
) -> RedisResult<Submitted> {
    match design {
        Design::Audited => {
            let running: Option<u32> = redis::cmd("GET").arg(&keys.running).query(con)?;
            if running.is_none() {
                redis::cmd("SET").arg(&keys.running).arg(exec).exec(con)?;
                return Ok(Submitted::Running);
            }
            busy_path(con, keys, config, exec)
        }
        Design::PrescribedFix => {
            let set: Option<String> = redis::cmd("SET")
                .arg(&keys.running)
                .arg(exec)
                .arg("NX")
                .arg("EX")
                .arg(config.ttl_secs)
                .query(con)?;
            if set.is_some() {
                return Ok(Submitted::Running);
            }
            busy_path(con, keys, config, exec)
        }
        Design::Scripts => {
            let reply: i64 = SUBMIT
                .key(&keys.running)
                .key(&keys.queue)
                .arg(exec)
                .arg(config.bound)
                .invoke(con)?;
            Ok(match reply {
                0 => Submitted::Running,
                n if n > 0 => Submitted::Queued(usize::try_from(n).unwrap_or(usize::MAX)),
                _ => Submitted::Rejected,
            })
        }
    }
}

/// `LLEN`, then `LPUSH` unless full: two commands.
fn busy_path(
    con: &mut Connection,
    keys: &Keys,
    config: QueueConfig,
    exec: u32,
) -> RedisResult<Submitted> {
    let len: usize = redis::cmd("LLEN").arg(&keys.queue).query(con)?;
    if len >= config.bound {
        return Ok(Submitted::Rejected);
    }
    let len: usize = redis::cmd("LPUSH").arg(&keys.queue).arg(exec).query(con)?;
    Ok(Submitted::Queued(len))
}

/// The running execution is done: returns the next one (now the agent's running execution; the
/// caller runs it), or `None` when the agent went idle.
///
/// # Errors
/// The server's or the connection's.
pub fn complete(con: &mut Connection, design: Design, keys: &Keys) -> RedisResult<Option<u32>> {
    match design {
        Design::Audited => {
            let next: Option<u32> = redis::cmd("RPOP").arg(&keys.queue).query(con)?;
            match next {
                Some(next) => redis::cmd("SET").arg(&keys.running).arg(next).exec(con)?,
                None => redis::cmd("DEL").arg(&keys.running).exec(con)?,
            }
            Ok(next)
        }
        Design::PrescribedFix | Design::Scripts => {
            COMPLETE.key(&keys.running).key(&keys.queue).invoke(con)
        }
    }
}
