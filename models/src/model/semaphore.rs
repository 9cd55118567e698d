//! Semaphore family: a counting semaphore with RAII permits, a global → provider → session
//! acquisition helper, and a per-session registry of semaphores.
//!
//! - [`Semaphore`]: `acquire`, `try_acquire`, and `acquire_timeout` against an injected
//!   [`Deadline`]. Neither checker models wall-clock time (a `wait_timeout` never times out), so
//!   the deadline is a [`ManualDeadline`] that a "timer" thread fires and then wakes the waiters
//!   with [`Semaphore::wake_all`]: the checkers explore the timeout firing before, during and
//!   after an acquisition. A [`Permit`] releases on drop, on every path.
//! - [`acquire_ordered`]: global, then provider, then session; [`OrderedPermits`] releases in
//!   the reverse order. Every path that takes more than one of them goes through it.
//! - [`SessionRegistry`]: one semaphore per session, created get-or-insert under one lock and
//!   removed when idle.
//!
//! Invariants, checked inside every operation: permits conserved (available + held = capacity);
//! one semaphore per session.
//!
//! Broken variants ([`SemaphoreVariant`]): a permit leaked on the timeout path (found by the
//! accounting check once every holder finished: `permit leaked on pool`; the next acquirer would
//! wait forever); a refresh path taking the three semaphores in the
//! opposite order (deadlock against a request path); racy per-session creation (two semaphores
//! for one session).

use std::collections::BTreeMap;

use super::backend::atomic::{AtomicBool, Ordering};
use super::backend::{Arc, Condvar, Mutex};
use super::common::{lock, torn_down_by_loom, wait};
use crate::invariant::{ensure, violated};

/// Which parts of the family are broken, one bug per variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SemaphoreVariant {
    /// Everything correct.
    Correct,
    /// `acquire_timeout` re-checks the deadline after taking the permit and returns
    /// `Err(TimedOut)` without releasing it.
    PermitLeakOnTimeout,
    /// [`acquire_for_refresh`] takes session → provider → global, the reverse of
    /// [`acquire_ordered`].
    OppositeOrders,
    /// [`SessionRegistry::get_or_create`] looks up and inserts under separate acquisitions.
    RacySessionCreate,
}

/// An injected deadline: the models ask it whether time is up instead of reading a clock.
pub trait Deadline: Send + Sync {
    /// Whether the deadline has passed.
    fn expired(&self) -> bool;
}

/// A deadline that expires when [`fire`](ManualDeadline::fire) is called (by a timer thread).
#[derive(Debug)]
pub struct ManualDeadline {
    fired: AtomicBool,
}

impl ManualDeadline {
    /// A deadline that has not passed.
    pub fn new() -> Self {
        Self {
            fired: AtomicBool::new(false),
        }
    }

    /// Expires the deadline. The timer must then wake the waiters ([`Semaphore::wake_all`]):
    /// a waiter blocked in `acquire_timeout` only re-checks the deadline when woken.
    pub fn fire(&self) {
        self.fired.store(true, Ordering::SeqCst);
    }
}

impl Default for ManualDeadline {
    fn default() -> Self {
        Self::new()
    }
}

impl Deadline for ManualDeadline {
    fn expired(&self) -> bool {
        self.fired.load(Ordering::SeqCst)
    }
}

/// `acquire_timeout` gave up: the deadline passed before a permit was free.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimedOut;

#[derive(Debug)]
struct Counts {
    available: usize,
    held: usize,
}

/// A counting semaphore. See the module docs.
#[derive(Debug)]
pub struct Semaphore {
    name: &'static str,
    capacity: usize,
    variant: SemaphoreVariant,
    counts: Mutex<Counts>,
    freed: Condvar,
}

/// One permit of a [`Semaphore`], released when dropped.
#[derive(Debug)]
#[must_use = "a permit is released as soon as it is dropped"]
pub struct Permit<'a> {
    sem: &'a Semaphore,
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        if torn_down_by_loom() {
            return;
        }
        self.sem.release();
    }
}

impl Semaphore {
    /// A semaphore with `capacity` permits, named for messages.
    pub fn new(name: &'static str, capacity: usize, variant: SemaphoreVariant) -> Self {
        Self {
            name,
            capacity,
            variant,
            counts: Mutex::new(Counts {
                available: capacity,
                held: 0,
            }),
            freed: Condvar::new(),
        }
    }

    /// The semaphore's name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    fn check(&self, c: &Counts) {
        ensure(c.available + c.held == self.capacity, || {
            format!(
                "permits not conserved on {}: available {} + held {} != capacity {}",
                self.name, c.available, c.held, self.capacity
            )
        });
    }

    /// Takes a permit out of `c` (the caller checked one is available).
    fn take(&self, c: &mut Counts) {
        c.available -= 1;
        c.held += 1;
        self.check(c);
    }

    fn release(&self) {
        let mut c = lock(&self.counts);
        if c.held == 0 {
            violated(format!("{}: permit released twice", self.name));
        }
        c.held -= 1;
        c.available += 1;
        self.check(&c);
        drop(c);
        // All, not one: a waiter whose deadline passed may consume a single notification
        // without taking the permit, and another waiter would then sleep forever.
        self.freed.notify_all();
    }

    /// Waits for a permit.
    pub fn acquire(&self) -> Permit<'_> {
        let mut c = lock(&self.counts);
        while c.available == 0 {
            c = wait(&self.freed, c);
        }
        self.take(&mut c);
        Permit { sem: self }
    }

    /// Takes a permit if one is free right now.
    pub fn try_acquire(&self) -> Option<Permit<'_>> {
        let mut c = lock(&self.counts);
        if c.available == 0 {
            return None;
        }
        self.take(&mut c);
        Some(Permit { sem: self })
    }

    /// Waits for a permit until `deadline` expires. Whoever expires the deadline must call
    /// [`wake_all`](Semaphore::wake_all) afterwards.
    pub fn acquire_timeout(&self, deadline: &dyn Deadline) -> Result<Permit<'_>, TimedOut> {
        let mut c = lock(&self.counts);
        loop {
            if c.available > 0 {
                self.take(&mut c);
                break;
            }
            if deadline.expired() {
                return Err(TimedOut);
            }
            c = wait(&self.freed, c);
        }
        drop(c);
        if self.variant == SemaphoreVariant::PermitLeakOnTimeout && deadline.expired() {
            // BROKEN: "we are past the deadline anyway" -- but the permit taken above is never
            // released: no `Permit` owns it.
            return Err(TimedOut);
        }
        Ok(Permit { sem: self })
    }

    /// Wakes every waiter so it re-checks its deadline (a timer calls this after firing one).
    pub fn wake_all(&self) {
        let c = lock(&self.counts);
        drop(c);
        self.freed.notify_all();
    }

    /// Whether no permit is held.
    pub fn is_idle(&self) -> bool {
        let c = lock(&self.counts);
        self.check(&c);
        c.held == 0
    }

    /// Checks the quiescent invariant: every permit is back.
    pub fn assert_idle(&self) {
        let c = lock(&self.counts);
        self.check(&c);
        ensure(c.held == 0, || {
            format!(
                "permit leaked on {}: {} of {} still held after every holder finished",
                self.name, c.held, self.capacity
            )
        });
    }
}

/// Permits on global, provider and session semaphores, released in reverse order of
/// acquisition (session, provider, global) when dropped.
#[derive(Debug)]
pub struct OrderedPermits<'a> {
    // Fields drop in declaration order: session first, global last.
    session: Permit<'a>,
    provider: Permit<'a>,
    global: Permit<'a>,
}

impl OrderedPermits<'_> {
    /// The names of the semaphores held, in acquisition order.
    pub fn held(&self) -> [&'static str; 3] {
        [
            self.global.sem.name(),
            self.provider.sem.name(),
            self.session.sem.name(),
        ]
    }
}

/// The one acquisition order: global, then provider, then session.
pub fn acquire_ordered<'a>(
    global: &'a Semaphore,
    provider: &'a Semaphore,
    session: &'a Semaphore,
) -> OrderedPermits<'a> {
    let global = global.acquire();
    let provider = provider.acquire();
    let session = session.acquire();
    OrderedPermits {
        session,
        provider,
        global,
    }
}

/// A second code path (a token refresh) that needs the same three permits. Correct: it goes
/// through [`acquire_ordered`]. Broken ([`SemaphoreVariant::OppositeOrders`]): it starts from
/// the session it is refreshing and works outwards, the reverse order.
pub fn acquire_for_refresh<'a>(
    variant: SemaphoreVariant,
    global: &'a Semaphore,
    provider: &'a Semaphore,
    session: &'a Semaphore,
) -> OrderedPermits<'a> {
    if variant != SemaphoreVariant::OppositeOrders {
        return acquire_ordered(global, provider, session);
    }
    let session = session.acquire();
    let provider = provider.acquire();
    let global = global.acquire();
    OrderedPermits {
        session,
        provider,
        global,
    }
}

/// A session's identifier.
pub type SessionId = u32;

#[derive(Debug)]
struct Sessions {
    map: BTreeMap<SessionId, Arc<Semaphore>>,
    /// Ledger: semaphores created for each session and not yet removed.
    live: BTreeMap<SessionId, u32>,
}

impl Sessions {
    fn created(&mut self, session: SessionId) {
        let live = self.live.entry(session).or_insert(0);
        *live += 1;
        if *live > 1 {
            violated(format!("{live} semaphores for session {session}"));
        }
    }
}

/// Per-session semaphores, each created on first use and removed when idle.
#[derive(Debug)]
pub struct SessionRegistry {
    variant: SemaphoreVariant,
    per_session: usize,
    sessions: Mutex<Sessions>,
}

impl SessionRegistry {
    /// An empty registry whose sessions each get `per_session` permits.
    pub fn new(variant: SemaphoreVariant, per_session: usize) -> Self {
        Self {
            variant,
            per_session,
            sessions: Mutex::new(Sessions {
                map: BTreeMap::new(),
                live: BTreeMap::new(),
            }),
        }
    }

    /// The session's semaphore, created if it has none.
    pub fn get_or_create(&self, session: SessionId) -> Arc<Semaphore> {
        if self.variant == SemaphoreVariant::RacySessionCreate {
            return self.get_or_create_racy(session);
        }
        let mut s = lock(&self.sessions);
        if let Some(sem) = s.map.get(&session) {
            return Arc::clone(sem);
        }
        let sem = Arc::new(Semaphore::new("session", self.per_session, self.variant));
        s.created(session);
        s.map.insert(session, Arc::clone(&sem));
        sem
    }

    /// BROKEN: look up, then create and insert under a second acquisition.
    fn get_or_create_racy(&self, session: SessionId) -> Arc<Semaphore> {
        if let Some(sem) = lock(&self.sessions).map.get(&session) {
            return Arc::clone(sem);
        } // Released: another caller can miss the lookup too.
        let sem = Arc::new(Semaphore::new("session", self.per_session, self.variant));
        let mut s = lock(&self.sessions);
        s.created(session);
        s.map.insert(session, Arc::clone(&sem));
        sem
    }

    /// Removes the session's semaphore if nobody else holds it and no permit is out. Returns
    /// whether it was removed.
    pub fn remove_idle(&self, session: SessionId) -> bool {
        let mut s = lock(&self.sessions);
        let idle = s
            .map
            .get(&session)
            .is_some_and(|sem| Arc::strong_count(sem) == 1 && sem.is_idle());
        if idle {
            s.map.remove(&session);
            if let Some(live) = s.live.get_mut(&session) {
                *live -= 1;
                if *live == 0 {
                    s.live.remove(&session);
                }
            }
        }
        idle
    }

    /// How many sessions have a semaphore.
    pub fn len(&self) -> usize {
        lock(&self.sessions).map.len()
    }

    /// Whether no session has a semaphore.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The concurrent scenarios the checkers run.
///
/// The deadlock-prone ones share their semaphores through `std::sync::Arc`, not the facade's:
/// under loom, a deadlock while a thread holds a `loom::sync::Arc` aborts the whole test binary
/// instead of failing the test.
pub mod scenarios {
    use super::super::backend::{Arc, thread};
    use super::super::common::join;
    use super::{
        ManualDeadline, Semaphore, SemaphoreVariant, SessionRegistry, acquire_for_refresh,
        acquire_ordered,
    };
    use crate::invariant::ensure;

    /// A holder, a waiter with a deadline and a timer race on one permit: the timer may fire
    /// before, during or after the waiter's acquisition. Afterwards the permit must be free
    /// again: with the leak variant, `permit leaked on pool: 1 of 1 still held ...`.
    pub fn timeout_during_acquire(variant: SemaphoreVariant) {
        let sem = std::sync::Arc::new(Semaphore::new("pool", 1, variant));
        let deadline = std::sync::Arc::new(ManualDeadline::new());
        // The holder waits under the same deadline: on a permit leaked before it got one, it
        // gives up when the timer fires instead of waiting forever, so the leak is reported by
        // the accounting check below rather than as a deadlock.
        let holder = {
            let (sem, deadline) = (
                std::sync::Arc::clone(&sem),
                std::sync::Arc::clone(&deadline),
            );
            thread::spawn(move || drop(sem.acquire_timeout(&*deadline)))
        };
        let waiter = {
            let (sem, deadline) = (
                std::sync::Arc::clone(&sem),
                std::sync::Arc::clone(&deadline),
            );
            thread::spawn(move || sem.acquire_timeout(&*deadline).is_ok())
        };
        let timer = {
            let (sem, deadline) = (
                std::sync::Arc::clone(&sem),
                std::sync::Arc::clone(&deadline),
            );
            thread::spawn(move || {
                deadline.fire();
                sem.wake_all();
            })
        };
        join(holder);
        join(waiter);
        join(timer);
        // Checked before the next request, which would block forever on a leaked permit: the
        // failure then says a permit leaked instead of only "deadlock".
        sem.assert_idle();
        drop(sem.acquire());
    }

    /// A request path (global → provider → session) and a refresh path run at once, on one
    /// provider slot and one session slot. With opposite orders they deadlock.
    pub fn request_and_refresh(variant: SemaphoreVariant) {
        let sems = std::sync::Arc::new([
            Semaphore::new("global", 2, variant),
            Semaphore::new("provider", 1, variant),
            Semaphore::new("session", 1, variant),
        ]);
        let request = {
            let sems = std::sync::Arc::clone(&sems);
            thread::spawn(move || {
                let [global, provider, session] = &*sems;
                drop(acquire_ordered(global, provider, session));
            })
        };
        let refresh = {
            let sems = std::sync::Arc::clone(&sems);
            thread::spawn(move || {
                let [global, provider, session] = &*sems;
                drop(acquire_for_refresh(variant, global, provider, session));
            })
        };
        join(request);
        join(refresh);
        for sem in sems.iter() {
            sem.assert_idle();
        }
    }

    /// Two requests on one new session race to create its semaphore while a sweeper removes
    /// idle sessions. There must never be two live semaphores for the session.
    pub fn session_created_twice(variant: SemaphoreVariant) {
        const SESSION: u32 = 7;
        let registry = Arc::new(SessionRegistry::new(variant, 1));
        let requests: Vec<_> = (0..2)
            .map(|_| {
                let registry = Arc::clone(&registry);
                thread::spawn(move || {
                    let sem = registry.get_or_create(SESSION);
                    drop(sem.acquire());
                })
            })
            .collect();
        let sweeper = {
            let registry = Arc::clone(&registry);
            thread::spawn(move || registry.remove_idle(SESSION))
        };
        for request in requests {
            join(request);
        }
        join(sweeper);
        registry.remove_idle(SESSION);
        ensure(registry.is_empty(), || {
            format!("{} idle sessions not removed", registry.len())
        });
    }
}
