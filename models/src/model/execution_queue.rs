//! ExecutionQueue: per key, at most one running execution and a bounded FIFO of waiting ones.
//!
//! `submit` acquires the key's running slot or enqueues, atomically; `complete` pops the next
//! waiting entry and marks it running, atomically (or marks the key idle). One lock, `state`.
//!
//! Invariants, checked inside every operation (the ledger fields of `State` are bookkeeping kept
//! apart from the queue logic, so a broken variant cannot fool them):
//! - at most one running execution per key ("double start" otherwise);
//! - no execution runs twice;
//! - no entry lost: a key with waiting entries always has a running one;
//! - the waiting list of a key never exceeds `max_queue`.
//!
//! Broken variants: [`QueueVariant::CheckThenSetSubmit`] checks the slot is free and takes it
//! under separate acquisitions (two submitters both start: double start);
//! [`QueueVariant::PopThenSetComplete`] pops the next entry and sets the running slot under
//! separate acquisitions (a submit in between enqueues behind a key that then goes idle: lost).

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::fmt::Debug;

use super::backend::Mutex;
use super::common::lock;
use crate::invariant::{ensure, violated};

/// What [`ExecutionQueue::submit`] did with an execution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Submit {
    /// The key was idle: the caller runs the execution now and must `complete` the key after.
    Running,
    /// Queued behind the running execution, at this position (0 = next).
    Queued(usize),
    /// This very execution is already running or waiting on the key: refused, so it cannot run
    /// twice.
    Busy,
    /// The key's waiting list is at `max_queue`: refused.
    QueueFull,
}

/// Which implementation of `submit`/`complete` to use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueueVariant {
    /// Both operations are one critical section each.
    Correct,
    /// BROKEN: `submit` checks the slot is free, then takes it under a second acquisition.
    CheckThenSetSubmit,
    /// BROKEN: `complete` pops the next entry, then sets the slot under a second acquisition.
    PopThenSetComplete,
}

#[derive(Debug)]
struct Slot<E> {
    running: Option<E>,
    waiting: VecDeque<E>,
}

impl<E> Default for Slot<E> {
    fn default() -> Self {
        Self {
            running: None,
            waiting: VecDeque::new(),
        }
    }
}

#[derive(Debug)]
struct State<K, E> {
    slots: BTreeMap<K, Slot<E>>,
    /// Ledger: executions handed to a caller to run and not yet completed, per key.
    active: BTreeMap<K, Vec<E>>,
    /// Ledger: every execution ever started.
    started: BTreeSet<(K, E)>,
    /// Ledger: accepted (running or waiting) and not yet completed.
    accepted: BTreeSet<(K, E)>,
}

impl<K: Ord + Clone + Debug, E: Ord + Clone + Debug> State<K, E> {
    /// Records that `exec` was handed to a caller to run.
    fn start(&mut self, key: &K, exec: &E) {
        let active = self.active.entry(key.clone()).or_default();
        if let Some(other) = active.first() {
            violated(format!(
                "double start on key {key:?}: {exec:?} started while {other:?} is still running"
            ));
        }
        active.push(exec.clone());
        if !self.started.insert((key.clone(), exec.clone())) {
            violated(format!("execution {exec:?} on key {key:?} run twice"));
        }
        self.accepted.insert((key.clone(), exec.clone()));
    }

    /// Records that the execution running on `key` finished.
    fn finish(&mut self, key: &K, exec: &E) {
        if let Some(active) = self.active.get_mut(key) {
            active.retain(|e| e != exec);
            if active.is_empty() {
                self.active.remove(key);
            }
        }
        self.accepted.remove(&(key.clone(), exec.clone()));
    }

    fn check(&self, max_queue: usize) {
        for (key, slot) in &self.slots {
            ensure(slot.waiting.len() <= max_queue, || {
                format!(
                    "queue for key {key:?} holds {} > max_queue {max_queue}",
                    slot.waiting.len()
                )
            });
            ensure(slot.running.is_some() || slot.waiting.is_empty(), || {
                format!(
                    "entry lost: key {key:?} idle with {} waiting ({:?})",
                    slot.waiting.len(),
                    slot.waiting
                )
            });
        }
    }

    fn drop_if_idle(&mut self, key: &K) {
        if self
            .slots
            .get(key)
            .is_some_and(|s| s.running.is_none() && s.waiting.is_empty())
        {
            self.slots.remove(key);
        }
    }
}

/// The per-key execution queue model. See the module docs.
#[derive(Debug)]
pub struct ExecutionQueue<K, E> {
    variant: QueueVariant,
    max_queue: usize,
    state: Mutex<State<K, E>>,
}

impl<K: Ord + Clone + Debug, E: Ord + Clone + Debug> ExecutionQueue<K, E> {
    /// An empty queue allowing `max_queue` waiting executions per key.
    pub fn new(variant: QueueVariant, max_queue: usize) -> Self {
        Self {
            variant,
            max_queue,
            state: Mutex::new(State {
                slots: BTreeMap::new(),
                active: BTreeMap::new(),
                started: BTreeSet::new(),
                accepted: BTreeSet::new(),
            }),
        }
    }

    /// Runs `exec` now if `key` is idle, else queues it (bounded by `max_queue`).
    pub fn submit(&self, key: K, exec: E) -> Submit {
        match self.variant {
            QueueVariant::CheckThenSetSubmit => self.submit_check_then_set(key, exec),
            QueueVariant::Correct | QueueVariant::PopThenSetComplete => {
                let mut s = lock(&self.state);
                let r = Self::submit_locked(&mut s, self.max_queue, key, exec);
                s.check(self.max_queue);
                r
            }
        }
    }

    fn submit_locked(s: &mut State<K, E>, max_queue: usize, key: K, exec: E) -> Submit {
        let slot = s.slots.entry(key.clone()).or_default();
        if slot.running.as_ref() == Some(&exec) || slot.waiting.contains(&exec) {
            return Submit::Busy;
        }
        if slot.running.is_none() {
            slot.running = Some(exec.clone());
            s.start(&key, &exec);
            return Submit::Running;
        }
        if slot.waiting.len() >= max_queue {
            return Submit::QueueFull;
        }
        slot.waiting.push_back(exec.clone());
        let position = slot.waiting.len() - 1;
        s.accepted.insert((key, exec));
        Submit::Queued(position)
    }

    /// BROKEN: the "is the key idle?" check and taking the slot are separate acquisitions.
    fn submit_check_then_set(&self, key: K, exec: E) -> Submit {
        let idle = {
            let s = lock(&self.state);
            match s.slots.get(&key) {
                Some(slot) if slot.running.as_ref() == Some(&exec) => return Submit::Busy,
                Some(slot) if slot.waiting.contains(&exec) => return Submit::Busy,
                Some(slot) => slot.running.is_none(),
                None => true,
            }
        }; // Released: another submitter can see the key idle too.
        let mut s = lock(&self.state);
        let r = if idle {
            s.slots.entry(key.clone()).or_default().running = Some(exec.clone());
            s.start(&key, &exec);
            Submit::Running
        } else {
            Self::submit_locked(&mut s, self.max_queue, key, exec)
        };
        s.check(self.max_queue);
        r
    }

    /// Called by whoever ran `key`'s execution when it finishes: hands back the next waiting
    /// execution, now running (the caller runs it), or `None` when the key goes idle.
    pub fn complete(&self, key: &K) -> Option<E> {
        match self.variant {
            QueueVariant::PopThenSetComplete => self.complete_pop_then_set(key),
            QueueVariant::Correct | QueueVariant::CheckThenSetSubmit => {
                let mut s = lock(&self.state);
                let slot = s.slots.get_mut(key)?;
                let done = slot.running.take()?;
                let next = slot.waiting.pop_front();
                slot.running.clone_from(&next);
                s.finish(key, &done);
                if let Some(next) = &next {
                    s.start(key, next);
                }
                s.drop_if_idle(key);
                s.check(self.max_queue);
                next
            }
        }
    }

    /// BROKEN: pops the next entry, then sets the running slot under a second acquisition.
    fn complete_pop_then_set(&self, key: &K) -> Option<E> {
        let next = {
            let mut s = lock(&self.state);
            let slot = s.slots.get_mut(key)?;
            let done = slot.running.clone()?;
            let next = slot.waiting.pop_front();
            s.finish(key, &done);
            s.check(self.max_queue);
            next
        }; // Released with the old execution still marked running: a submit now queues.
        let mut s = lock(&self.state);
        s.slots.entry(key.clone()).or_default().running = next.clone();
        if let Some(next) = &next {
            s.start(key, next);
        }
        s.check(self.max_queue);
        s.drop_if_idle(key);
        next
    }

    /// Whether `key` has a running execution.
    pub fn is_running(&self, key: &K) -> bool {
        lock(&self.state)
            .slots
            .get(key)
            .is_some_and(|s| s.running.is_some())
    }

    /// How many executions wait on `key`.
    pub fn waiting(&self, key: &K) -> usize {
        lock(&self.state)
            .slots
            .get(key)
            .map_or(0, |s| s.waiting.len())
    }

    /// Checks the quiescent invariant: nothing running or waiting, and every accepted execution
    /// completed (none lost).
    pub fn assert_drained(&self) {
        let s = lock(&self.state);
        s.check(self.max_queue);
        if let Some((key, exec)) = s.accepted.first() {
            violated(format!(
                "execution {exec:?} on key {key:?} lost: accepted but never completed"
            ));
        }
        ensure(s.slots.is_empty(), || {
            format!("keys still busy after draining: {:?}", s.slots.keys())
        });
    }
}

/// The concurrent scenarios the checkers run.
pub mod scenarios {
    use super::super::backend::{Arc, thread};
    use super::super::common::join;
    use super::{ExecutionQueue, QueueVariant, Submit};
    use crate::invariant::{ensure, violated};

    type Queue = ExecutionQueue<u8, u32>;
    const KEY: u8 = 0;

    /// Runs `first` (the caller was told to), then whatever `complete` hands back, in turn.
    /// Returns the executions run.
    fn run_chain(queue: &Queue, first: u32) -> Vec<u32> {
        let mut ran = vec![first];
        while let Some(next) = queue.complete(&KEY) {
            ran.push(next);
        }
        ran
    }

    /// Two submitters race on an idle key; completions happen after both submitted. The
    /// check-then-set variant starts both.
    pub fn two_submitters(variant: QueueVariant) {
        let queue = Arc::new(Queue::new(variant, 2));
        let submitters: Vec<_> = (1..=2)
            .map(|exec| {
                let queue = Arc::clone(&queue);
                thread::spawn(move || queue.submit(KEY, exec))
            })
            .collect();
        let results: Vec<Submit> = submitters.into_iter().map(join).collect();
        let told_to_run: Vec<u32> = (1..=2)
            .zip(&results)
            .filter(|(_, r)| **r == Submit::Running)
            .map(|(exec, _)| exec)
            .collect();
        let [first] = told_to_run[..] else {
            violated(format!(
                "{} submitters told to run on one key: {results:?}",
                told_to_run.len()
            ));
        };
        // The one told to run finishes; the queued one is handed over, runs and finishes.
        let mut ran = run_chain(&queue, first);
        ran.sort_unstable();
        ensure(ran == [1, 2], || {
            format!("executions ran {ran:?}, expected each of [1, 2] once")
        });
        queue.assert_drained();
    }

    /// The running execution completes while another is submitted. The pop-then-set variant
    /// lets the submit queue behind a key that then goes idle: the entry is lost.
    pub fn complete_races_submit(variant: QueueVariant) {
        let queue = Arc::new(Queue::new(variant, 2));
        ensure(queue.submit(KEY, 1) == Submit::Running, || {
            "first submit on an idle key must run".to_string()
        });
        let completer = {
            let queue = Arc::clone(&queue);
            thread::spawn(move || run_chain(&queue, 1))
        };
        let submitter = {
            let queue = Arc::clone(&queue);
            thread::spawn(move || match queue.submit(KEY, 2) {
                Submit::Running => run_chain(&queue, 2),
                _ => Vec::new(),
            })
        };
        let mut ran = join(completer);
        ran.extend(join(submitter));
        ran.sort_unstable();
        ensure(ran == [1, 2], || {
            format!("executions ran {ran:?}, expected each of [1, 2] once")
        });
        queue.assert_drained();
    }
}
