//! Scheduler: a priority queue of tasks, a running set bounded by `max_concurrent`, a token-bucket
//! rate limiter on injected time, and zombie reaping of expired leases.
//!
//! Lock order: there is one lock, `state`. The clock is an atomic read while holding it.
//!
//! Invariants, checked at the end of every critical section:
//! - never more than `max_concurrent` tasks running;
//! - no task both queued and running;
//! - no task lost: every submitted task is in exactly one of queued / running / completed.
//!
//! The broken variant ([`SchedulerVariant::SplitCapacityCheck`]) checks the capacity under one
//! acquisition of the lock and inserts into the running set under a later one, so several workers
//! can pass the check before any of them inserts: the audit finding "max_concurrent is advisory".

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};

use super::backend::Mutex;
use super::backend::atomic::{AtomicU64, Ordering};
use super::common::lock;
use crate::invariant::{ensure, violated};
use crate::token_bucket::TokenBucket;

/// A task's identifier.
pub type TaskId = u32;
/// A task's priority: higher runs first; equal priorities run in submission order.
pub type Priority = u8;

/// Injected time, in ticks. Neither loom nor shuttle models wall-clock time, so the models never
/// read it: a check drives a [`ManualClock`] instead.
pub trait Clock: Send + Sync {
    /// The current tick.
    fn now(&self) -> u64;
}

/// A clock that only moves when told to (by a test or a "ticker" thread).
#[derive(Debug)]
pub struct ManualClock {
    ticks: AtomicU64,
}

impl ManualClock {
    /// A clock reading `start`.
    pub fn new(start: u64) -> Self {
        Self {
            ticks: AtomicU64::new(start),
        }
    }

    /// Moves the clock forward by `by` ticks.
    pub fn advance(&self, by: u64) {
        self.ticks.fetch_add(by, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> u64 {
        self.ticks.load(Ordering::SeqCst)
    }
}

/// Which implementation of [`Scheduler::next_task`] to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SchedulerVariant {
    /// Capacity check and insert into the running set in one critical section.
    Correct,
    /// Capacity check and insert under separate acquisitions of the lock (the bug).
    SplitCapacityCheck,
}

/// Limits of a [`Scheduler`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SchedulerConfig {
    /// Most tasks running at once.
    pub max_concurrent: usize,
    /// Token-bucket capacity: the burst of dispatches allowed at once.
    pub rate_capacity: u32,
    /// Ticks per refilled token (`0`: never refills).
    pub refill_every: u64,
    /// Ticks a dispatched task may run before [`Scheduler::reap_zombies`] takes it back.
    pub lease: u64,
}

/// A dispatched task: the worker hands it back to [`Scheduler::complete`].
///
/// The attempt number makes a late `complete` from a worker whose lease was reaped (a zombie)
/// harmless: it no longer matches the task's current run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Lease {
    /// The task.
    pub task: TaskId,
    /// Which dispatch of the task this is (1 for the first).
    pub attempt: u32,
}

/// Counters for monitoring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SchedulerStats {
    /// Tasks waiting to run.
    pub queued: usize,
    /// Tasks running.
    pub running: usize,
    /// Tasks completed.
    pub completed: usize,
    /// Leases taken back from zombies.
    pub reaped: u64,
    /// Dispatches refused by the rate limiter.
    pub rate_limited: u64,
}

type QueueKey = (Reverse<Priority>, u64);

#[derive(Debug, Clone, Copy)]
struct Running {
    attempt: u32,
    priority: Priority,
    expires: u64,
}

#[derive(Debug)]
struct State {
    queue: BTreeMap<QueueKey, TaskId>,
    queued: BTreeMap<TaskId, QueueKey>,
    running: BTreeMap<TaskId, Running>,
    completed: BTreeSet<TaskId>,
    submitted: BTreeMap<TaskId, u32>,
    next_seq: u64,
    bucket: TokenBucket,
    reaped: u64,
    rate_limited: u64,
}

impl State {
    fn enqueue(&mut self, task: TaskId, priority: Priority) {
        let key = (Reverse(priority), self.next_seq);
        self.next_seq += 1;
        self.queue.insert(key, task);
        self.queued.insert(task, key);
    }

    /// Pops the highest-priority task into the running set, if a token allows it. The capacity
    /// check is the caller's: that is exactly what the two variants disagree on.
    fn dispatch(&mut self, now: u64, lease: u64) -> Option<Lease> {
        let (&key, &task) = self.queue.first_key_value()?;
        if !self.bucket.try_take(now) {
            self.rate_limited += 1;
            return None;
        }
        self.queue.remove(&key);
        self.queued.remove(&task);
        let attempt = self.submitted.get(&task).copied().unwrap_or(0) + 1;
        self.submitted.insert(task, attempt);
        self.running.insert(
            task,
            Running {
                attempt,
                priority: key.0.0,
                expires: now.saturating_add(lease),
            },
        );
        Some(Lease { task, attempt })
    }

    fn check(&self, max_concurrent: usize) {
        ensure(self.running.len() <= max_concurrent, || {
            format!(
                "running {} > max_concurrent {max_concurrent}",
                self.running.len()
            )
        });
        for task in self.running.keys() {
            ensure(!self.queued.contains_key(task), || {
                format!("task {task} both queued and running")
            });
        }
        ensure(self.queue.len() == self.queued.len(), || {
            format!(
                "priority queue holds {} tasks but its index {}",
                self.queue.len(),
                self.queued.len()
            )
        });
        for task in self.submitted.keys() {
            let places = usize::from(self.queued.contains_key(task))
                + usize::from(self.running.contains_key(task))
                + usize::from(self.completed.contains(task));
            match places {
                1 => {}
                0 => violated(format!("task {task} lost")),
                n => violated(format!("task {task} in {n} places at once")),
            }
        }
        ensure(self.bucket.tokens() <= self.bucket.capacity(), || {
            format!(
                "rate limiter holds {} > capacity {} tokens",
                self.bucket.tokens(),
                self.bucket.capacity()
            )
        });
    }
}

/// The scheduler model. See the module docs for its invariants and broken variant.
#[derive(Debug)]
pub struct Scheduler<C: Clock = ManualClock> {
    variant: SchedulerVariant,
    config: SchedulerConfig,
    clock: C,
    state: Mutex<State>,
}

impl<C: Clock> Scheduler<C> {
    /// An empty scheduler with a full token bucket.
    pub fn new(variant: SchedulerVariant, config: SchedulerConfig, clock: C) -> Self {
        let bucket = TokenBucket::new(config.rate_capacity, config.refill_every, clock.now());
        Self {
            variant,
            config,
            clock,
            state: Mutex::new(State {
                queue: BTreeMap::new(),
                queued: BTreeMap::new(),
                running: BTreeMap::new(),
                completed: BTreeSet::new(),
                submitted: BTreeMap::new(),
                next_seq: 0,
                bucket,
                reaped: 0,
                rate_limited: 0,
            }),
        }
    }

    /// The injected clock.
    pub fn clock(&self) -> &C {
        &self.clock
    }

    /// Queues `task`. Returns `false` (and changes nothing) if it was submitted before.
    pub fn submit(&self, task: TaskId, priority: Priority) -> bool {
        let mut s = lock(&self.state);
        if s.submitted.contains_key(&task) {
            return false;
        }
        s.submitted.insert(task, 0);
        s.enqueue(task, priority);
        s.check(self.config.max_concurrent);
        true
    }

    /// Dispatches the highest-priority queued task, unless `max_concurrent` tasks are running,
    /// the queue is empty, or the rate limiter has no token.
    pub fn next_task(&self) -> Option<Lease> {
        match self.variant {
            SchedulerVariant::Correct => self.next_task_atomic(),
            SchedulerVariant::SplitCapacityCheck => self.next_task_split(),
        }
    }

    fn next_task_atomic(&self) -> Option<Lease> {
        let mut s = lock(&self.state);
        if s.running.len() >= self.config.max_concurrent {
            return None;
        }
        let now = self.clock.now();
        let lease = s.dispatch(now, self.config.lease);
        s.check(self.config.max_concurrent);
        lease
    }

    /// BROKEN: the capacity check and the insert happen under separate lock acquisitions.
    fn next_task_split(&self) -> Option<Lease> {
        {
            let mut s = lock(&self.state);
            let now = self.clock.now();
            if s.running.len() >= self.config.max_concurrent
                || s.queue.is_empty()
                || !s.bucket.has_token(now)
            {
                return None;
            }
        } // The lock is released here: other workers can pass the same check.
        let mut s = lock(&self.state);
        let now = self.clock.now();
        let lease = s.dispatch(now, self.config.lease);
        s.check(self.config.max_concurrent);
        lease
    }

    /// Marks the lease's task completed. Returns `false` if the lease is stale (its task was
    /// reaped, and possibly re-dispatched, since).
    pub fn complete(&self, lease: &Lease) -> bool {
        let mut s = lock(&self.state);
        let current = s.running.get(&lease.task).map(|r| r.attempt);
        if current != Some(lease.attempt) {
            return false;
        }
        s.running.remove(&lease.task);
        s.completed.insert(lease.task);
        s.check(self.config.max_concurrent);
        true
    }

    /// Takes back every lease that expired by now (the worker is presumed dead) and requeues its
    /// task with its original priority. Returns the reaped tasks, in id order.
    pub fn reap_zombies(&self) -> Vec<TaskId> {
        let mut s = lock(&self.state);
        let now = self.clock.now();
        let expired: Vec<(TaskId, Priority)> = s
            .running
            .iter()
            .filter(|(_, r)| r.expires <= now)
            .map(|(&task, r)| (task, r.priority))
            .collect();
        for &(task, priority) in &expired {
            s.running.remove(&task);
            s.enqueue(task, priority);
            s.reaped += 1;
        }
        s.check(self.config.max_concurrent);
        expired.into_iter().map(|(task, _)| task).collect()
    }

    /// A snapshot of the counters.
    pub fn stats(&self) -> SchedulerStats {
        let s = lock(&self.state);
        SchedulerStats {
            queued: s.queue.len(),
            running: s.running.len(),
            completed: s.completed.len(),
            reaped: s.reaped,
            rate_limited: s.rate_limited,
        }
    }

    /// Checks the invariants now (they are also checked inside every operation).
    pub fn check_invariants(&self) {
        lock(&self.state).check(self.config.max_concurrent);
    }
}

/// The concurrent scenarios the checkers run. Each builds its own scheduler, so one execution
/// never leaks state into the next (loom and shuttle re-run the body many times).
pub mod scenarios {
    use super::super::backend::{Arc, thread};
    use super::super::common::join;
    use super::{ManualClock, Scheduler, SchedulerConfig, SchedulerVariant};
    use crate::invariant::ensure;

    /// Three workers race for two slots (`max_concurrent = 2`), each running one task and
    /// completing it. The broken variant lets all three in; a checker needs three workers (and,
    /// for loom, a preemption bound of at least 3) to see it.
    pub fn three_workers_two_slots(variant: SchedulerVariant) {
        let config = SchedulerConfig {
            max_concurrent: 2,
            rate_capacity: 3,
            refill_every: 0,
            lease: u64::MAX,
        };
        let sched = Arc::new(Scheduler::new(variant, config, ManualClock::new(0)));
        for task in 1..=3 {
            sched.submit(task, 1);
        }
        let workers: Vec<_> = (0..3)
            .map(|_| {
                let sched = Arc::clone(&sched);
                thread::spawn(move || {
                    if let Some(lease) = sched.next_task() {
                        sched.complete(&lease);
                    }
                })
            })
            .collect();
        for worker in workers {
            join(worker);
        }
        let stats = sched.stats();
        ensure(
            stats.running == 0 && stats.completed + stats.queued == 3,
            || format!("task lost after three workers: {stats:?}"),
        );
    }

    /// A worker dies holding a lease; a reaper advances the clock, takes the lease back and the
    /// task runs again, while the rate limiter (one token per 2 ticks) throttles dispatch. The
    /// dead worker's late `complete` must be ignored, and in the end every task completes once.
    pub fn zombie_reaped_under_rate_limit(variant: SchedulerVariant) {
        let config = SchedulerConfig {
            max_concurrent: 1,
            rate_capacity: 1,
            refill_every: 2,
            lease: 2,
        };
        let sched = Arc::new(Scheduler::new(variant, config, ManualClock::new(0)));
        sched.submit(1, 5);
        sched.submit(2, 1);
        let zombie = {
            let sched = Arc::clone(&sched);
            thread::spawn(move || sched.next_task())
        };
        let reaper = {
            let sched = Arc::clone(&sched);
            thread::spawn(move || {
                sched.clock().advance(2);
                sched.reap_zombies();
            })
        };
        let stale = join(zombie);
        join(reaper);
        // Drain on one thread: time moves on, zombies are reaped, every task completes.
        for _ in 0..8 {
            sched.clock().advance(2);
            sched.reap_zombies();
            if let Some(lease) = sched.next_task() {
                ensure(Some(lease) != stale, || {
                    format!("lease {lease:?} handed out twice")
                });
                sched.complete(&lease);
            }
        }
        if let Some(stale) = stale {
            ensure(!sched.complete(&stale), || {
                format!("a reaped zombie's late complete of {stale:?} was accepted")
            });
        }
        let stats = sched.stats();
        ensure(
            stats.completed == 2 && stats.queued == 0 && stats.running == 0,
            || format!("tasks did not all complete: {stats:?}"),
        );
    }
}
