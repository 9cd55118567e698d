//! Connecting to the server a user points the stress at: bounded in time, and refusing anything
//! that does not answer like Redis.

use std::time::Duration;

use redis::{Client, Connection, ErrorKind, IntoConnectionInfo};
use thiserror::Error;

/// How long connecting (TCP, `AUTH`, `HELLO`/`SELECT`) may take.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// How long one command may take.
pub const COMMAND_TIMEOUT: Duration = Duration::from_secs(5);

/// Why the stress could not run (or stopped).
#[derive(Debug, Error)]
pub enum StressError {
    /// The URL does not parse.
    #[error("invalid Redis URL {url:?}: {reason}")]
    BadUrl {
        /// As given.
        url: String,
        /// Why.
        reason: String,
    },
    /// Nothing accepts connections there.
    #[error("cannot connect to {url}: {reason}")]
    Unreachable {
        /// As given (password hidden).
        url: String,
        /// Why.
        reason: String,
    },
    /// The server refused the credentials.
    #[error("authentication to {url} failed: {reason}")]
    Auth {
        /// As given (password hidden).
        url: String,
        /// The server's answer.
        reason: String,
    },
    /// Something answered, but not like Redis.
    #[error("{url} does not look like a Redis server: {reason}")]
    NotRedis {
        /// As given (password hidden).
        url: String,
        /// What went wrong.
        reason: String,
    },
    /// A command failed or timed out mid-stress.
    #[error("Redis command failed during the stress: {0}")]
    Command(#[from] redis::RedisError),
    /// Ctrl-C: stopped between rounds (or mid-round, a command cut short by the signal), keys
    /// cleaned up.
    #[error("interrupted after {rounds} rounds; the stress's keys were removed")]
    Interrupted {
        /// Rounds completed (over every design) before the interruption.
        rounds: usize,
    },
}

/// `url` with any password replaced by `***`, for messages.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    match rest.split_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
            None => url.to_string(),
        },
        None => url.to_string(),
    }
}

/// A client for `url`, checked to parse.
///
/// # Errors
/// [`StressError::BadUrl`].
pub fn client(url: &str) -> Result<Client, StressError> {
    if !(url.starts_with("redis://")
        || url.starts_with("redis+unix://")
        || url.starts_with("unix://"))
    {
        return Err(StressError::BadUrl {
            url: redact(url),
            reason: "expected redis://[:PASSWORD@]HOST:PORT[/DB]".to_string(),
        });
    }
    let bad = |e: redis::RedisError| StressError::BadUrl {
        url: redact(url),
        reason: e.to_string(),
    };
    let info = url.into_connection_info().map_err(bad)?;
    // No `CLIENT SETINFO` in the handshake: each of its replies would get the whole connect
    // timeout from a server that never answers, and the PING below tells Redis apart anyway.
    let settings = info.redis_settings().clone().set_skip_set_lib_name();
    Client::open(info.set_redis_settings(settings)).map_err(bad)
}

/// Opens one connection with connect and command timeouts, and makes sure a Redis answers:
/// `PING` must say `PONG`.
///
/// # Errors
/// [`StressError::Unreachable`], [`StressError::Auth`] or [`StressError::NotRedis`].
pub fn connect(client: &Client, url: &str) -> Result<Connection, StressError> {
    let shown = redact(url);
    let mut con = client
        .get_connection_with_timeout(CONNECT_TIMEOUT)
        .map_err(|e| classify(&shown, &e))?;
    let timeouts = |con: &Connection, t| {
        con.set_read_timeout(Some(t))
            .and_then(|()| con.set_write_timeout(Some(t)))
    };
    timeouts(&con, CONNECT_TIMEOUT).map_err(|e| classify(&shown, &e))?;
    let pong: String = redis::cmd("PING")
        .query(&mut con)
        .map_err(|e| classify(&shown, &e))?;
    if pong != "PONG" {
        return Err(StressError::NotRedis {
            url: shown,
            reason: format!("PING answered {pong:?}"),
        });
    }
    timeouts(&con, COMMAND_TIMEOUT).map_err(|e| classify(&shown, &e))?;
    Ok(con)
}

/// Sorts a connection-time error into what the user should hear.
fn classify(url: &str, e: &redis::RedisError) -> StressError {
    let url = url.to_string();
    let reason = e.to_string();
    if e.kind() == ErrorKind::AuthenticationFailed
        || e.code().is_some_and(|c| c == "WRONGPASS" || c == "NOAUTH")
        || reason.contains("AUTH")
    {
        return StressError::Auth { url, reason };
    }
    if e.is_connection_refusal() {
        return StressError::Unreachable { url, reason };
    }
    if e.is_timeout() {
        return StressError::NotRedis {
            url,
            reason: format!("no reply to PING within {} s", CONNECT_TIMEOUT.as_secs()),
        };
    }
    if e.is_io_error() && !e.is_unrecoverable_error() {
        return StressError::Unreachable { url, reason };
    }
    StressError::NotRedis {
        url,
        reason: format!("its reply to PING is not the Redis protocol ({reason})"),
    }
}
