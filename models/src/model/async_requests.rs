//! Async request handling of the MCP-server audit: a request registers itself in the in-flight
//! set and its call key in the call-key set, runs its tool as a spawned task under a deadline, and
//! must undo both registrations and stop the tool on every exit path.
//!
//! - [`call_tool`]: the registrations are a guard ([`InFlight`]) removed on drop: on success, on
//!   the tool's error, and when the request's future is dropped (cancelled).
//! - [`run_tool_with_deadline`]: on the timeout path the tool task is aborted and awaited before
//!   the request fails, and a guard aborts it if the request itself is cancelled.
//!
//! Invariants: once the request ended, neither set holds it (checked when every task finished);
//! a tool task never acts after its request failed (checked when it acts).
//!
//! Broken variants ([`RequestsVariant`]): cleanup only at the end of the happy path (a cancelled
//! or failing request leaves its entries behind); the timeout path drops the tool's join handle,
//! which detaches the task instead of cancelling it.

use std::collections::BTreeSet;
use std::future::Future;
use std::sync::Arc;

use super::async_backend::{self as future, Deadline, Elapsed, JoinHandle, Notify, timeout};
use super::backend::Mutex;
use super::common::lock;
use crate::invariant::{ensure, violated};

/// Which part is broken, one bug per variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestsVariant {
    /// Everything correct.
    Correct,
    /// [`call_tool`] removes its entries at the end of the happy path only.
    InflightNotCleaned,
    /// [`run_tool_with_deadline`] lets the tool task run on when the deadline fires.
    ToolTaskNotCancelled,
}

/// The tool failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ToolError;

#[derive(Debug, Default)]
struct State {
    inflight: BTreeSet<u64>,
    call_keys: BTreeSet<&'static str>,
    request_failed: bool,
    tool_gone: bool,
}

/// The server's shared request state.
#[derive(Debug)]
pub struct Server {
    variant: RequestsVariant,
    state: Mutex<State>,
    tool_gone: Notify,
}

impl Server {
    /// A server with no request in flight.
    pub fn new(variant: RequestsVariant) -> Self {
        Self {
            variant,
            state: Mutex::new(State::default()),
            tool_gone: Notify::named("tool gone"),
        }
    }

    fn register(&self, id: u64, key: &'static str) {
        let mut s = lock(&self.state);
        s.inflight.insert(id);
        s.call_keys.insert(key);
        future::note(format!("registered request {id} (call key {key:?})"));
    }

    fn unregister(&self, id: u64, key: &'static str) {
        let mut s = lock(&self.state);
        s.inflight.remove(&id);
        s.call_keys.remove(key);
        future::note(format!("removed request {id} (call key {key:?})"));
    }

    /// Checks, once every task finished, that no request is left registered.
    pub fn assert_clean(&self) {
        let s = lock(&self.state);
        if let Some(id) = s.inflight.first() {
            violated(format!(
                "request {id} still in the in-flight set after it ended (call keys left: {:?})",
                s.call_keys
            ));
        }
        ensure(s.call_keys.is_empty(), || {
            format!("call keys {:?} left after every request ended", s.call_keys)
        });
    }

    /// The tool's side effect: it must not happen once its request has failed.
    fn tool_acts(&self) {
        let failed = lock(&self.state).request_failed;
        ensure(!failed, || {
            "tool task ran on after its request failed: it was not cancelled".to_string()
        });
    }

    /// Waits until the tool task completed or was dropped.
    pub async fn tool_gone(&self) {
        loop {
            if lock(&self.state).tool_gone {
                return;
            }
            self.tool_gone.notified().await;
        }
    }
}

/// Removes a request's registrations when dropped: on every exit path, cancellation included.
#[derive(Debug)]
pub struct InFlight<'a> {
    server: &'a Server,
    id: u64,
    key: &'static str,
}

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        if !future::torn_down() {
            self.server.unregister(self.id, self.key);
        }
    }
}

/// Runs `tool` for request `id` with call key `key`, registered in the in-flight and call-key
/// sets meanwhile.
///
/// # Errors
/// The tool's error.
pub async fn call_tool<F>(
    server: &Server,
    id: u64,
    key: &'static str,
    tool: F,
) -> Result<u32, ToolError>
where
    F: Future<Output = Result<u32, ToolError>>,
{
    server.register(id, key);
    if server.variant == RequestsVariant::InflightNotCleaned {
        // BROKEN: the error's `?` and a cancellation at the await both skip the cleanup.
        let out = tool.await?;
        server.unregister(id, key);
        return Ok(out);
    }
    let _entry = InFlight { server, id, key };
    tool.await
}

/// Sets `tool_gone` when the tool's future completes or is dropped.
struct Gone(Arc<Server>);

impl Drop for Gone {
    fn drop(&mut self) {
        if future::torn_down() {
            return;
        }
        lock(&self.0.state).tool_gone = true;
        self.0.tool_gone.notify_one();
    }
}

/// Aborts the task when dropped (the request was cancelled).
struct AbortOnDrop<T>(JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        if !future::torn_down() {
            self.0.abort();
        }
    }
}

/// Spawns the request's tool as a task and waits for it until `deadline` fires.
///
/// # Errors
/// The deadline fired first.
pub async fn run_tool_with_deadline(
    server: &Arc<Server>,
    deadline: &Deadline,
) -> Result<u32, Elapsed> {
    let tool = {
        let server = Arc::clone(server);
        // Made outside the async block: a task cancelled before its first poll never runs any of
        // its body, but still drops what the block captured.
        let gone = Gone(Arc::clone(&server));
        future::spawn_named("tool", async move {
            let _gone = gone;
            future::yield_now().await; // the tool's call to the provider
            future::note("acted on the provider's answer");
            server.tool_acts();
            5
        })
    };
    if server.variant == RequestsVariant::ToolTaskNotCancelled {
        // BROKEN: on timeout the handle is dropped, which detaches the task: it runs on.
        return timeout(deadline, tool)
            .await
            .map(|joined| joined.expect("not cancelled"));
    }
    let mut tool = AbortOnDrop(tool);
    match timeout(deadline, &mut tool.0).await {
        Ok(joined) => Ok(joined.expect("not cancelled")),
        Err(elapsed) => {
            tool.0.abort();
            // Awaited, so the tool is gone (finished or dropped) before the request fails.
            let _ = (&mut tool.0).await;
            Err(elapsed)
        }
    }
}

/// The concurrent scenarios the checkers run, each the root task of one execution.
pub mod scenarios {
    use std::sync::Arc;

    use super::super::async_backend::{self as future, Deadline, timeout};
    use super::super::common::lock;
    use super::{RequestsVariant, Server, call_tool, run_tool_with_deadline};

    /// A request's tool call races its deadline: when the timer wins, the request's future is
    /// dropped mid-call. Once every task finished, nothing may be left registered.
    pub async fn request_cancelled_mid_call(variant: RequestsVariant) {
        let server = Arc::new(Server::new(variant));
        let deadline = Arc::new(Deadline::new("request deadline"));
        let request = {
            let (server, deadline) = (Arc::clone(&server), Arc::clone(&deadline));
            future::spawn_named("request", async move {
                let tool = async {
                    future::yield_now().await; // the provider's answer
                    Ok(1)
                };
                let _ = timeout(&deadline, call_tool(&server, 1, "search", tool)).await;
            })
        };
        let timer = {
            let deadline = Arc::clone(&deadline);
            future::spawn_named("timer", async move { deadline.fire() })
        };
        request.await.expect("not cancelled");
        timer.await.expect("not cancelled");
        server.assert_clean();
    }

    /// A request runs its tool as a task under a deadline a timer fires; when the deadline wins
    /// the request fails. The tool must not act after that.
    pub async fn request_fails_while_tool_runs(variant: RequestsVariant) {
        let server = Arc::new(Server::new(variant));
        let deadline = Arc::new(Deadline::new("request deadline"));
        let request = {
            let (server, deadline) = (Arc::clone(&server), Arc::clone(&deadline));
            future::spawn_named("request", async move {
                if run_tool_with_deadline(&server, &deadline).await.is_err() {
                    lock(&server.state).request_failed = true;
                }
            })
        };
        let timer = {
            let deadline = Arc::clone(&deadline);
            future::spawn_named("timer", async move { deadline.fire() })
        };
        request.await.expect("not cancelled");
        timer.await.expect("not cancelled");
        server.tool_gone().await;
    }
}
