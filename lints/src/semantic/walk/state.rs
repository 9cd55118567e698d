//! The walker's state: lexical binding frames (for types and guard ownership) and, per body
//! (fn, closure, async block), the flow state of guard liveness.

use std::collections::BTreeMap;

use crate::semantic::facts::{AccessId, GuardId};
use crate::semantic::types::TyExpr;

/// Who keeps a guard alive: a binding in frame `n`, or the temporaries of temp scope `n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Frame(usize),
    Temp(u32),
}

/// Guard liveness along one control-flow path.
#[derive(Debug, Clone, Default)]
pub struct Flow {
    pub live: BTreeMap<GuardId, Owner>,
    pub reachable: bool,
}

impl Flow {
    pub fn start() -> Flow {
        Flow {
            live: BTreeMap::new(),
            reachable: true,
        }
    }

    pub fn unreachable() -> Flow {
        Flow {
            live: BTreeMap::new(),
            reachable: false,
        }
    }

    /// Join of two paths: a guard is (may be) alive if it is alive on any reachable path.
    pub fn merge(mut self, other: Flow) -> Flow {
        match (self.reachable, other.reachable) {
            (false, _) => other,
            (_, false) => self,
            _ => {
                for (g, owner) in other.live {
                    self.live.entry(g).or_insert(owner);
                }
                self
            }
        }
    }

    pub fn held(&self) -> Vec<GuardId> {
        if self.reachable {
            self.live.keys().copied().collect()
        } else {
            Vec::new()
        }
    }
}

#[derive(Debug, Clone)]
pub struct Binding {
    pub name: String,
    pub ty: TyExpr,
    pub guards: Vec<GuardId>,
    /// State accesses its value was computed from (`let full = q.lock().len() >= max;`): a
    /// condition mentioning it decides on them.
    pub reads: Vec<AccessId>,
    /// Its value has an identity of its own (a handle, a connection, a fresh id): see
    /// `facts::Written::Identity`.
    pub identity: bool,
    /// Fn-local state it holds (`let flag = Arc::new(AtomicBool::new(false))`, or a clone of
    /// such a binding).
    pub local: Option<crate::semantic::facts::LocalId>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Boundary {
    /// An ordinary block.
    Block,
    /// A closure or async block: sees the enclosing bindings (captures).
    Capture,
    /// A fn item: sees nothing of the enclosing body.
    Item,
}

#[derive(Debug)]
pub struct Frame {
    pub boundary: Boundary,
    pub bindings: Vec<Binding>,
    /// The `bindings` that keep a value alive only for its destructor (see
    /// `Core::exit_cuts_off`), until a `drop(name)` ends them early.
    pub kept_for_drop: Vec<String>,
}

#[derive(Debug, Default)]
pub struct Env {
    pub frames: Vec<Frame>,
}

impl Env {
    pub fn push(&mut self, boundary: Boundary) -> usize {
        self.frames.push(Frame {
            boundary,
            bindings: Vec::new(),
            kept_for_drop: Vec::new(),
        });
        self.frames.len() - 1
    }

    pub fn pop(&mut self) {
        self.frames.pop();
    }

    pub fn depth(&self) -> usize {
        self.frames.len().saturating_sub(1)
    }

    pub fn bind(&mut self, binding: Binding) {
        if let Some(f) = self.frames.last_mut() {
            f.bindings.push(binding);
        }
    }

    pub fn lookup(&self, name: &str) -> Option<&Binding> {
        self.nearest(|b| b == name)
    }

    /// [`Env::lookup`] of an identifier, compared without making it a `String` (a raw `r#x` is
    /// equal to the name `r#x`, as its `to_string()` is).
    pub fn lookup_ident(&self, name: &proc_macro2::Ident) -> Option<&Binding> {
        self.nearest(|b| name == b)
    }

    /// The innermost binding whose name `is` accepts, up to the enclosing item.
    fn nearest(&self, is: impl Fn(&str) -> bool) -> Option<&Binding> {
        for frame in self.frames.iter().rev() {
            if let Some(b) = frame.bindings.iter().rev().find(|b| is(&b.name)) {
                return Some(b);
            }
            if frame.boundary == Boundary::Item {
                break;
            }
        }
        None
    }

    /// Whether a binding other than `name` holds guard `g` (it was moved there).
    pub fn held_by_other(&self, name: &str, g: GuardId) -> bool {
        self.frames
            .iter()
            .flat_map(|f| &f.bindings)
            .any(|b| b.name != name && b.guards.contains(&g))
    }

    /// Where `lookup(name)` finds its binding: (frame, binding).
    pub fn locate(&self, name: &str) -> Option<(usize, usize)> {
        for (fi, frame) in self.frames.iter().enumerate().rev() {
            if let Some(bi) = frame.bindings.iter().rposition(|b| b.name == name) {
                return Some((fi, bi));
            }
            if frame.boundary == Boundary::Item {
                break;
            }
        }
        None
    }

    /// The frame that holds the nearest binding of `name`, with the binding.
    pub fn lookup_mut(&mut self, name: &str) -> Option<(usize, &mut Binding)> {
        let (fi, bi) = self.locate(name)?;
        Some((fi, &mut self.frames[fi].bindings[bi]))
    }
}

/// A loop being walked: the flows that leave it through `break`.
#[derive(Debug)]
pub struct LoopCx {
    pub label: Option<String>,
    pub exits: Vec<Flow>,
    /// End byte of the loop body: where code a `continue`/`break` skips ends.
    pub end: u32,
    /// The first frame and the first guard made inside the loop: a `break` drops the guards
    /// the loop's bindings own and the temporaries made since it started, as leaving their
    /// scopes does.
    pub first_frame: usize,
    pub first_guard: GuardId,
}

/// One body being interpreted: a fn, a closure, an async block.
#[derive(Debug)]
pub struct Body {
    pub id: u32,
    pub is_async: bool,
    /// Async by its own `async` (fn, block, closure), not by a plain closure inheriting it.
    pub own_async: bool,
    pub async_main: bool,
    pub in_test: bool,
    pub flow: Flow,
    pub temp_level: u32,
    /// The first guard this body made: those before are a caller's, inherited by a closure
    /// run in place.
    pub first_guard: crate::semantic::facts::GuardId,
    pub loops: Vec<LoopCx>,
    /// A condition on locked/atomic state was recorded in this body: calls after it are
    /// recorded as call sites it may gate.
    pub decided: bool,
    /// The fn this body belongs to (index into `FileFacts::fns`); `None` in const initializers.
    pub fn_id: Option<u32>,
    /// Runs whenever that fn runs: the fn's own body, or a closure it calls in place.
    pub inline: bool,
    /// Polled by the thread that called a multi-thread runtime's `block_on`, not by a worker:
    /// the body of `#[tokio::main]` (multi-thread by default) or of `#[tokio::test(flavor =
    /// "multi_thread")]`, and closures it runs in place. Blocking there parks no worker.
    pub off_worker: bool,
    /// May run more than once per run of its parent body: a plain closure not handed to a
    /// `spawn`, or any closure/async block created inside one of the parent's loops.
    pub repeats: bool,
    /// clippy's await-holding lints allowed where this body starts (see `Core::clippy_allows`):
    /// clippy reads their level at the async body, so an allow on the guard's own `let` does
    /// not count, one on the fn or on a statement around an `async` block does.
    pub clippy_allows: u8,
    /// The `async` block a sync fn other than `main` runs to completion with `block_on`, in
    /// place: its code runs on the fn's own thread, during the call of the fn.
    pub sync_block_on: bool,
    /// The future a `block_on` runs in a sync body that is not run in place (a closure handed
    /// to `thread::spawn`): the top-level code of that thread, not a task of any runtime.
    pub thread_block_on: bool,
}
