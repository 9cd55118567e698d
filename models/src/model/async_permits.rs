//! Async permits of the MCP-server audit: a request takes the global permit, then its session's
//! permit under a deadline; per-session semaphores are created on first use.
//!
//! - [`admit_request`]: global, then session (one fixed order), each permit a guard, so an early
//!   return on the session timeout gives the global permit back.
//! - [`SessionSemaphores::get_or_create`]: get-or-insert under one lock acquisition, with no
//!   `.await` inside it.
//!
//! Invariants: after every task finished, no permit is out (checked by
//! [`Semaphore::assert_no_leak`](super::async_backend::Semaphore::assert_no_leak)); one semaphore
//! per session (checked when one is created).
//!
//! Broken variants ([`PermitsVariant`]): the global permit taken without a guard and given back
//! by hand on the happy path only, so the session timeout's early return leaks it; the session
//! looked up, then created and inserted under a second lock acquisition after an `.await`.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::async_backend::{self as future, Deadline, Elapsed, Mutex, Semaphore, timeout};
use crate::invariant::violated;

/// Which part is broken, one bug per variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PermitsVariant {
    /// Everything correct.
    Correct,
    /// [`admit_request`] takes the global permit without a guard and only gives it back at the
    /// end of the happy path.
    PartialAcquisitionLeak,
    /// [`SessionSemaphores::get_or_create`] checks, awaits, then inserts.
    SessionCheckThenInsert,
}

/// Admits one request: the global permit, then the session's permit unless `deadline` fires
/// first (`Err(Elapsed)`), then the request's work.
///
/// # Errors
/// The deadline fired while waiting for the session's permit.
pub async fn admit_request(
    variant: PermitsVariant,
    global: &Semaphore,
    session: &Semaphore,
    deadline: &Deadline,
) -> Result<(), Elapsed> {
    if variant == PermitsVariant::PartialAcquisitionLeak {
        // BROKEN: counted by hand instead of held by a guard...
        let Ok(global_permit) = global.acquire().await;
        global_permit.forget();
        // ...so this early return never gives the global permit back.
        let Ok(session_permit) = timeout(deadline, session.acquire()).await?;
        future::yield_now().await; // the request's work
        drop(session_permit);
        global.add_permits(1);
        return Ok(());
    }
    let Ok(_global) = global.acquire().await;
    let Ok(_session) = timeout(deadline, session.acquire()).await?;
    future::yield_now().await; // the request's work
    Ok(())
}

/// A session's identifier.
pub type SessionId = u32;

#[derive(Debug, Default)]
struct Sessions {
    map: BTreeMap<SessionId, Arc<Semaphore>>,
    /// Ledger: semaphores ever created per session (this model never removes one).
    created: BTreeMap<SessionId, u32>,
}

impl Sessions {
    fn insert(&mut self, session: SessionId, sem: &Arc<Semaphore>) {
        let created = self.created.entry(session).or_insert(0);
        *created += 1;
        if *created > 1 {
            violated(format!(
                "{created} semaphores created for session {session}: its permit limit no longer \
                 holds (check-then-insert across an await)"
            ));
        }
        self.map.insert(session, Arc::clone(sem));
    }
}

/// One semaphore per session, created on first use.
#[derive(Debug)]
pub struct SessionSemaphores {
    variant: PermitsVariant,
    per_session: usize,
    sessions: Mutex<Sessions>,
}

impl SessionSemaphores {
    /// An empty registry whose sessions each get `per_session` permits.
    pub fn new(variant: PermitsVariant, per_session: usize) -> Self {
        Self {
            variant,
            per_session,
            sessions: Mutex::named("sessions", Sessions::default()),
        }
    }

    /// The session's semaphore, created if it has none.
    pub async fn get_or_create(&self, session: SessionId) -> Arc<Semaphore> {
        if self.variant == PermitsVariant::SessionCheckThenInsert {
            let found = self.sessions.lock().await.map.get(&session).cloned();
            if let Some(sem) = found {
                return sem;
            }
            // BROKEN: the lock is released across this await (reading the session's configured
            // limit, say): another request can miss the lookup too.
            future::yield_now().await;
            let sem = Arc::new(Semaphore::named("session", self.per_session));
            self.sessions.lock().await.insert(session, &sem);
            return sem;
        }
        let mut sessions = self.sessions.lock().await;
        if let Some(sem) = sessions.map.get(&session) {
            return Arc::clone(sem);
        }
        let sem = Arc::new(Semaphore::named("session", self.per_session));
        sessions.insert(session, &sem);
        sem
    }
}

/// The concurrent scenarios the checkers run, each the root task of one execution.
pub mod scenarios {
    use std::sync::Arc;

    use super::super::async_backend::{self as future, Deadline, Semaphore};
    use super::{PermitsVariant, SessionSemaphores, admit_request};

    /// A request waits for its session's permit, held by another request, while a timer fires
    /// its deadline (before, during or after the wait). Once every task finished, no permit may
    /// still be out.
    pub async fn session_permit_times_out(variant: PermitsVariant) {
        let global = Arc::new(Semaphore::named("global", 2));
        let session = Arc::new(Semaphore::named("session", 1));
        let deadline = Arc::new(Deadline::new("request deadline"));
        let holder = {
            let session = Arc::clone(&session);
            future::spawn_named("session-holder", async move {
                let Ok(_permit) = session.acquire().await;
                future::yield_now().await;
            })
        };
        let request = {
            let (global, session, deadline) = (
                Arc::clone(&global),
                Arc::clone(&session),
                Arc::clone(&deadline),
            );
            future::spawn_named("request", async move {
                let _ = admit_request(variant, &global, &session, &deadline).await;
            })
        };
        let timer = {
            let deadline = Arc::clone(&deadline);
            future::spawn_named("timer", async move { deadline.fire() })
        };
        for task in [holder, request, timer] {
            task.await.expect("no task is cancelled");
        }
        global.assert_no_leak();
        session.assert_no_leak();
    }

    /// Two requests on one new session race to create its semaphore.
    pub async fn two_requests_one_new_session(variant: PermitsVariant) {
        let registry = Arc::new(SessionSemaphores::new(variant, 1));
        let requests: Vec<_> = ["request-a", "request-b"]
            .into_iter()
            .map(|name| {
                let registry = Arc::clone(&registry);
                future::spawn_named(name, async move {
                    let sem = registry.get_or_create(7).await;
                    let Ok(_permit) = sem.acquire().await;
                })
            })
            .collect();
        for request in requests {
            request.await.expect("no task is cancelled");
        }
    }
}
