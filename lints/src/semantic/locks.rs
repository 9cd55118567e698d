//! Lock queries several rules share, over the crate's acquisitions and awaits: the lock kind an
//! acquisition takes, its crate-wide identity and display name, which guards are held when
//! another lock is taken (`held_pairs`), which guards are alive at an await
//! (`first_awaits_held_across`), and which locks some holder keeps long (`long_held_locks`).
//! Rules ask these instead of re-deriving them.

use std::collections::{BTreeMap, BTreeSet};

use super::CrateCx;
use super::facts::{
    AccessKind, AccessTarget, Acquisition, AwaitPoint, Decision, GatedCall, GuardId, SelfField,
    StateAccess,
};
use super::types::{self, LockKind};

/// A handle other owners may hold too: what a `&mut self` method reaches through it is shared
/// when the handle's value is.
fn is_shared_handle(t: &super::Ty) -> bool {
    matches!(
        t.path_str(),
        Some("std::sync::Arc" | "std::rc::Rc" | "triomphe::Arc")
    )
}

/// What the crate shares, computed once, on the first query that asks.
#[derive(Default)]
pub struct Sharing<'a> {
    handed_out: std::cell::OnceCell<BTreeSet<&'a str>>,
}

impl<'a> Sharing<'a> {
    /// [`Self::owns`] for lock ordering: the field is the lock itself (`closed: Mutex<bool>`)
    /// or an `Arc` of one that the crate never hands out. A field reached further through
    /// (`self.shared.a` with `shared: &Shared`, a handle newtype `self.h.0.c`) may be another
    /// holder's too.
    pub fn owns_lock(&self, cx: &CrateCx<'a>, root: Option<&SelfField>) -> bool {
        root.is_some_and(|f| {
            let ty = cx.index.eval(&f.ty);
            match &ty {
                super::Ty::Path { args, .. } if is_shared_handle(&ty) => {
                    args.first()
                        .is_some_and(|inner| inner.lock_kind().is_some())
                        && !self.hands_out(cx, &f.name)
                }
                _ => ty.lock_kind().is_some(),
            }
        })
    }

    /// `self.field` in a `&mut self`/`self` method: the method's own, unless the field is a
    /// shared handle (`Arc`) whose value the crate shares: some code clones it or otherwise
    /// hands it out, sets it from a value made elsewhere, or the struct is `Clone`.
    pub fn owns(&self, cx: &CrateCx<'a>, root: Option<&SelfField>) -> bool {
        root.is_some_and(|f| {
            !is_shared_handle(&cx.index.eval(&f.ty)) || !self.hands_out(cx, &f.name)
        })
    }

    /// Some code of the crate hands a field of this name out (see
    /// `CrateCx::handed_out_fields`).
    fn hands_out(&self, cx: &CrateCx<'a>, field: &str) -> bool {
        self.handed_out
            .get_or_init(|| cx.handed_out_fields())
            .contains(field)
    }
}

/// A lock acquired while another lock's guard is alive, in file `file`.
#[derive(Debug, Clone)]
pub struct HeldPair<'a> {
    pub file: usize,
    pub held: &'a Acquisition,
    pub held_kind: LockKind,
    pub acquired: &'a Acquisition,
    pub acquired_kind: LockKind,
    /// The lock is taken inside a called fn: `acquired` stands at the call, and this is the
    /// call with its chain to the real acquisition.
    pub via: Option<&'a super::callgraph::LockCall>,
    /// `held` is a temporary of the same expression that takes `acquired` (see
    /// [`Acquisition::sibling_temps`]).
    pub sibling: bool,
}

impl HeldPair<'_> {
    /// " (in `refresh`, which calls ...)" for a lock taken inside a called fn, else empty.
    pub fn via_text(&self) -> String {
        match self.via {
            Some(l) => {
                let steps: Vec<String> = l
                    .chain
                    .iter()
                    .map(|s| format!("`{}` calls {}", s.caller, s.calls))
                    .collect();
                format!(" (through `{}`: {})", l.callee, steps.join(", "))
            }
            None => String::new(),
        }
    }

    /// The chain's steps as related locations, for a finding in file `file` of the crate.
    pub fn via_related(&self, cx: &CrateCx) -> Vec<crate::finding::Related> {
        let (Some(l), Some(calls)) = (self.via, cx.calls) else {
            return Vec::new();
        };
        l.chain
            .iter()
            .map(|s| crate::finding::Related {
                file: if s.krate == l.krate && s.file == self.file {
                    None
                } else {
                    calls.path(s.krate, s.file).map(str::to_string)
                },
                region: s.region,
                message: format!("`{}` calls {}", s.caller, s.calls),
            })
            .collect()
    }
}

/// A write of locked/atomic state that a condition decided on, the condition having read the same
/// state under an earlier acquisition (or atomic load) that is no longer held at the write: a
/// check-then-act candidate. Rules judge the policy (which writes count as acts).
#[derive(Debug, Clone)]
pub struct GatedAct<'a> {
    /// The file of the decision (and of `check`).
    pub file: usize,
    pub decision: &'a Decision,
    /// The read the decision depends on.
    pub check: &'a StateAccess,
    /// The guard the check read through (`None` for an atomic).
    pub check_acq: Option<&'a Acquisition>,
    /// The file of the write (another one when it is in a called helper).
    pub act_file: usize,
    pub act: &'a StateAccess,
    pub act_acq: Option<&'a Acquisition>,
    /// The decided call through which the write is reached (`self.insert_job(..)`), if it is
    /// in a helper one call level down.
    pub via: Option<&'a GatedCall>,
}

/// How a thread lock (std or parking_lot) is somewhere held for long: across an `.await`, a
/// blocking call (file I/O, a sleep, a join, a configured blocking path), a call of a sync fn
/// that makes one, or while waiting for another lock held that long. Whoever waits for it waits
/// that long too.
#[derive(Debug, Clone)]
pub struct LongHold {
    /// The report path of the file (of the holder's crate) and place where the holder does the
    /// long thing.
    pub path: Option<String>,
    pub region: crate::finding::Region,
    /// The holder's fn.
    pub function: Option<String>,
    /// What it holds the lock across: "`.await`", "std::fs::write", "a call of `flush`, which
    /// calls std::fs::write", "the wait for `Store.index`".
    pub across: String,
    /// The acquisition that holds it (file of the crate, region): a site's own long hold makes
    /// no other site wait, and it waits for nobody but another run of itself.
    pub holder: (usize, crate::finding::Region),
    /// The holder took a read lock's shared side (see [`Acquisition::shared`]): only a writer
    /// waits for it.
    pub shared: bool,
}

impl LongHold {
    /// Whether an acquisition (a reader's if `reader`) waits for this hold: a reader waits only
    /// for a writer's.
    pub fn blocks(&self, reader: bool) -> bool {
        !(reader && self.shared)
    }

    /// "`flush` holds it across std::fs::write (src/store.rs:88)".
    pub fn describe(&self) -> String {
        let who = match &self.function {
            Some(f) => format!("`{f}` holds it"),
            None => "it is held".to_string(),
        };
        match &self.path {
            Some(p) => format!("{who} across {} ({p}:{})", self.across, self.region.line),
            None => format!("{who} across {}", self.across),
        }
    }
}

/// Lock identity → its first long holds, by up to [`HOLDERS_KEPT`] distinct holders (see
/// [`CrateCx::long_held_locks`]).
pub type LongHeld = BTreeMap<String, Vec<LongHold>>;

/// Two holders of each side (shared, exclusive) are enough to answer "held long by someone
/// other than this site" for a reader and for a writer.
const HOLDERS_KEPT: usize = 2;

/// Add `hold` to `id`'s holds unless its holder already has one or enough holders of its side
/// (`shared`) are known.
fn add_hold(
    out: &mut LongHeld,
    id: String,
    hold: impl FnOnce() -> LongHold,
    holder: (usize, crate::finding::Region),
    shared: bool,
) -> bool {
    let holds = out.entry(id).or_default();
    if holds.iter().filter(|h| h.shared == shared).count() >= HOLDERS_KEPT
        || holds.iter().any(|h| h.holder == holder)
    {
        return false;
    }
    holds.push(hold());
    true
}

/// Whether an acquisition of a known kind counts for lock ordering: it can block, on a lock other
/// threads/tasks can contend for.
fn orders(kind: LockKind) -> bool {
    kind != LockKind::RefCell
}

impl<'a> CrateCx<'a> {
    /// The lock kind an acquisition turned out to take, if its receiver's type is known and the
    /// method acquires that kind of lock (or, for a guard a crate fn returned, the guard's kind).
    pub fn lock_kind(&self, a: &Acquisition) -> Option<LockKind> {
        if a.via_call {
            return types::guard_kind(&self.index.eval(&a.receiver));
        }
        let Some(kind) = self.index.eval(&a.receiver).lock_kind() else {
            // A crate type whose `read()`/`lock()` hands out a guard (a newtype around
            // `Arc<RwLock<..>>`, maybe declared in another workspace member); an `async fn
            // lock(&self)` hands it out once awaited.
            let ret = a.receiver.clone().method_ret(a.method.clone());
            let ret = if a.awaited { ret.awaited() } else { ret };
            return types::guard_kind(&self.index.eval(&ret));
        };
        if !kind.acquires(&a.method) {
            return None;
        }
        // `.lock().await` on something typed as a std lock would not compile: trust the await.
        if a.awaited && kind.is_thread_lock() {
            return None;
        }
        Some(kind)
    }

    /// A parking_lot `read_recursive()` acquisition (see [`Acquisition::recursive_read`]), also
    /// through a guard accessor whose tail takes it so.
    pub fn recursive_read_acquisition(&self, a: &Acquisition) -> bool {
        if a.via_call {
            return self.index.hands_out_recursive_read(&a.receiver);
        }
        a.recursive_read()
    }

    /// A read lock's shared acquisition (see [`Acquisition::shared`]), also through a guard
    /// accessor that returns a read guard (`fn config() -> RwLockReadGuard<..>`).
    pub fn shared_acquisition(&self, a: &Acquisition) -> bool {
        if a.via_call {
            return matches!(self.index.eval(&a.receiver).path_str(),
                Some(p) if crate::semantic::syntax::last_segment(p).contains("ReadGuard"));
        }
        a.shared()
    }

    pub fn acquisition(&self, file: usize, id: GuardId) -> Option<&'a Acquisition> {
        let facts = self.files.get(file)?;
        facts.acquisitions.iter().find(|a| a.id == id)
    }

    /// Stable crate-wide lock name (`Scheduler.running`, `REGISTRY`), or a function-local one.
    pub fn lock_identity(&self, a: &Acquisition) -> Option<String> {
        self.index
            .lock_identity(&a.receiver)
            .or_else(|| a.local_identity.clone())
    }

    /// Two locks with no crate-wide name, only their fns' (a local or a parameter: `secrets`
    /// in `fn load(secrets: Arc<RwLock<Secrets>>)`), of one type: which locks they are depends
    /// on the callers, and they may be one lock handed down.
    pub fn maybe_one_local_lock(&self, a: &Acquisition, b: &Acquisition) -> bool {
        let local = |x: &Acquisition| {
            self.index.lock_identity(&x.receiver).is_none() && x.local_identity.is_some()
        };
        let ty = |x: &Acquisition| self.index.eval(&x.receiver);
        local(a) && local(b) && !matches!(ty(a), super::Ty::Unknown) && ty(a) == ty(b)
    }

    /// The crate's locks that some non-test code waits for: a blocking (or awaited)
    /// acquisition, not only `try_*` attempts. A lock nobody waits for cannot be part of a
    /// deadlock cycle.
    pub fn waited_locks(&self) -> BTreeSet<String> {
        self.files
            .iter()
            .flat_map(|f| &f.acquisitions)
            .filter(|a| !a.in_test && !a.method.starts_with("try_"))
            .filter_map(|a| self.lock_identity(a))
            .collect()
    }

    /// How a lock is named in messages: its crate-wide identity when it has one, else its
    /// source text.
    pub fn lock_display_name(&self, a: &Acquisition) -> String {
        self.index
            .lock_identity(&a.receiver)
            .unwrap_or_else(|| a.receiver_text.clone())
    }

    /// The same receiver taken twice (`self.m.lock()` while a guard of `self.m` is alive): that
    /// is a re-entrancy question, not an ordering one. Two receivers with one identity but
    /// different text (`from.balance` / `to.balance`) are two instances and do count.
    pub fn same_lock(&self, a: &Acquisition, b: &Acquisition) -> bool {
        a.receiver_text == b.receiver_text && self.lock_identity(a) == self.lock_identity(b)
    }

    /// The kind of a lock an acquisition orders against others: a blocking one that really
    /// waits. tokio's `blocking_lock()`/`blocking_write()` in async context panic instead
    /// (`blocking_lock_in_async` reports that), so they hold nothing and wait for nothing.
    fn ordering_kind(&self, a: &Acquisition) -> Option<LockKind> {
        self.lock_kind(a)
            .filter(|k| orders(*k))
            .filter(|k| !(a.in_async && k.panics_in_async(&a.method)))
    }

    /// Whether the lock acquisition `a` takes may be one object for every executor that takes
    /// it: not a `RefCell` (each thread's own), nor a lock of a value the fn owns alone or of
    /// a `&mut self` method's own field (see [`Self::held_pairs`]). `sharing`: one per crate
    /// pass, so the fields the crate hands out are collected once.
    pub fn maybe_shared_lock(&self, sharing: &Sharing<'a>, a: &Acquisition) -> bool {
        !matches!(self.lock_kind(a), Some(LockKind::RefCell) | None)
            && !sharing.owns_lock(self, a.exclusive_root.as_ref())
            && !self.owned_alone(a)
    }

    /// Every (held, acquired) pair of the crate's non-test code: `acquired` is a blocking
    /// acquisition of a known lock kind, made while `held` (another known lock) is alive.
    ///
    /// A pair taken directly in a `&mut self` method where either lock is the method's own
    /// (see [`Sharing::owns_lock`]: `self.closed` of a struct nothing else holds a handle of)
    /// is left out: while the method runs no other executor can take that lock, so the
    /// nesting waits for nobody and closes no cycle. So is a pair where either lock belongs to
    /// a value the fn made and owns alone (see [`crate::semantic::facts::Acquisition::owned`]).
    /// A lock of a value the fn made and owns alone: a workspace struct (not a handle that
    /// derefs to shared state), reached through plain fields none of which is a shared handle
    /// (`c.models` of `let c = Catalog::empty()`; not `w.jobs: Arc<Mutex<..>>`).
    fn owned_alone(&self, a: &Acquisition) -> bool {
        let Some(steps) = a.owned.as_ref() else {
            return false;
        };
        let Some(root) = steps.last().map(|t| self.index.eval(t)) else {
            return false;
        };
        let own_struct = self
            .index
            .method_owner(&super::TyExpr::Known(root.clone()))
            .is_some_and(|o| o.starts_with("crate::") && self.index.deref_target(&o).is_none());
        own_struct
            && !is_shared_handle(&root)
            && steps.iter().all(|t| !is_shared_handle(&self.index.eval(t)))
    }

    pub fn held_pairs(&self) -> Vec<HeldPair<'a>> {
        let mut out = Vec::new();
        let sharing = Sharing::default();
        for (file, facts) in self.files.iter().enumerate() {
            for a in &facts.acquisitions {
                if a.held.is_empty() || a.method.starts_with("try_") {
                    continue;
                }
                let Some(acquired_kind) = self.ordering_kind(a) else {
                    continue;
                };
                for &g in &a.held {
                    let Some(h) = self.acquisition(file, g) else {
                        continue;
                    };
                    let Some(held_kind) = self.ordering_kind(h) else {
                        continue;
                    };
                    if self.same_lock(h, a)
                        || sharing.owns_lock(self, h.exclusive_root.as_ref())
                        || sharing.owns_lock(self, a.exclusive_root.as_ref())
                        || self.owned_alone(h)
                        || self.owned_alone(a)
                    {
                        continue;
                    }
                    out.push(HeldPair {
                        file,
                        held: h,
                        held_kind,
                        acquired: a,
                        acquired_kind,
                        via: None,
                        sibling: a.sibling_temps.contains(&g),
                    });
                }
            }
        }
        // Locks taken inside a fn called while a guard is alive (`self.refresh()` under `a`'s
        // guard, where `refresh` locks `b`): an a → b pair at the call.
        for l in self.calls.iter().flat_map(|c| c.lock_calls()) {
            let a = &l.acquisition;
            let Some(acquired_kind) = self.lock_kind(a).filter(|k| orders(*k)) else {
                continue;
            };
            for &g in &a.held {
                let Some(h) = self.acquisition(l.file, g) else {
                    continue;
                };
                let Some(held_kind) = self.ordering_kind(h) else {
                    continue;
                };
                if self.lock_identity(h) == self.lock_identity(a) {
                    continue;
                }
                out.push(HeldPair {
                    file: l.file,
                    held: h,
                    held_kind,
                    acquired: a,
                    acquired_kind,
                    via: Some(l),
                    sibling: a.sibling_temps.contains(&g),
                });
            }
        }
        out
    }

    /// Lock-like calls (`x.lock()`, `x.read()`, a crate fn's returned value) whose receiver type
    /// the crate index could not settle: the lock rules stay silent on them. For `--verbose`.
    pub fn unresolved_lock_receivers(&self) -> usize {
        self.files
            .iter()
            .flat_map(|f| &f.acquisitions)
            .filter(|a| {
                !a.via_call && !a.awaited && self.index.eval(&a.receiver) == super::Ty::Unknown
            })
            .count()
    }

    /// The crate's thread locks (std, parking_lot) that some non-test holder keeps long, by
    /// identity, with the first such hold: a guard alive at an `.await`, at a blocking call, at
    /// a call `blocking_callee(file, call site)` describes as blocking ("a call of `flush`,
    /// which calls std::fs::write"), or while it waits for another lock held long. A lock no
    /// holder keeps long is only ever held for a short critical section.
    pub fn long_held_locks(
        &self,
        blocking_callee: impl Fn(usize, usize) -> Option<String>,
    ) -> LongHeld {
        let mut out = LongHeld::new();
        // Guard `g` of file `file` is alive at `region`, across what `across` names: its lock is
        // held long there, by that acquisition. Whether that is a new hold.
        let hold = |out: &mut LongHeld,
                    file: usize,
                    g: GuardId,
                    region: crate::finding::Region,
                    across: &dyn Fn() -> String| {
            let Some(a) = self.acquisition(file, g) else {
                return false;
            };
            if a.in_test || !self.lock_kind(a).is_some_and(|k| k.is_thread_lock()) {
                return false;
            }
            let Some(id) = self.lock_identity(a) else {
                return false;
            };
            let holder = (file, a.region);
            let shared = self.shared_acquisition(a);
            let hold = || LongHold {
                path: self.path(file).map(str::to_string),
                region,
                function: a.function.clone(),
                across: across(),
                holder,
                shared,
            };
            add_hold(out, id, hold, holder, shared)
        };
        for (file, facts) in self.files.iter().enumerate() {
            for b in &facts.held_blocks {
                // A method call settled here: `f.write_all(..)` on a `std::fs::File`.
                let what = match &b.receiver {
                    None => b.what.clone(),
                    Some(ty) => {
                        let ty = self.index.eval(ty);
                        match super::blocking_paths::blocking_method_owner(&ty, &b.what, &[]) {
                            Some(owner) => format!("{owner}::{}", b.what),
                            None => continue,
                        }
                    }
                };
                for &g in &b.held {
                    hold(&mut out, file, g, b.region, &|| what.clone());
                }
            }
            for (site_ix, site) in facts.calls.iter().enumerate() {
                let Some(context) = site.context.as_deref() else {
                    continue;
                };
                if context.held.is_empty() {
                    continue;
                }
                let Some(across) = blocking_callee(file, site_ix) else {
                    continue;
                };
                for &g in &context.held {
                    hold(&mut out, file, g, site.region, &|| across.clone());
                }
            }
            for point in &facts.awaits {
                for &g in &point.held {
                    hold(&mut out, file, g, point.region, &|| {
                        format!("`{}`", point.what)
                    });
                }
            }
        }
        // Waiting for a lock held long, with another guard alive, holds that one long too.
        let pairs = self.held_pairs();
        loop {
            let mut grew = false;
            for p in &pairs {
                let Some(waited) = self.lock_identity(p.acquired) else {
                    continue;
                };
                // The wait is long if someone other than this very acquisition holds `waited`
                // long.
                let waiter = (p.file, p.acquired.region);
                let reader = self.shared_acquisition(p.acquired);
                if !out
                    .get(&waited)
                    .is_some_and(|hs| hs.iter().any(|h| h.holder != waiter && h.blocks(reader)))
                {
                    continue;
                }
                grew |= hold(&mut out, p.file, p.held.id, p.acquired.region, &|| {
                    format!("the wait for `{waited}`")
                });
            }
            if !grew {
                return out;
            }
        }
    }

    /// How the lock `a` (in file `file`) takes is held long by some other acquisition (see
    /// [`CrateCx::long_held_locks`]), once the call graph is built.
    pub fn long_hold(&self, file: usize, a: &Acquisition) -> Option<&'a LongHold> {
        let id = self.lock_identity(a)?;
        let calls = self.calls.as_ref()?;
        calls.graph.long_hold(
            calls.krate,
            &id,
            (calls.krate, file, a.region),
            self.shared_acquisition(a),
        )
    }

    /// For every guard of a blocking lock alive at some await of file `file`, the first such
    /// await.
    pub fn first_awaits_held_across(&self, file: usize) -> BTreeMap<GuardId, &'a AwaitPoint> {
        let mut first: BTreeMap<GuardId, &AwaitPoint> = BTreeMap::new();
        let Some(facts) = self.files.get(file) else {
            return first;
        };
        for point in &facts.awaits {
            for &g in &point.held {
                let Some(a) = self.acquisition(file, g) else {
                    continue;
                };
                if self.lock_kind(a).is_some_and(|k| k.is_blocking()) {
                    first.entry(g).or_insert(point);
                }
            }
        }
        first
    }

    /// The acquisition a guard access goes through.
    fn access_acq(&self, file: usize, a: &StateAccess) -> Option<&'a Acquisition> {
        match a.target {
            AccessTarget::Guard(g) => self.acquisition(file, g),
            AccessTarget::Atomic(_) => None,
        }
    }

    /// A lock that other threads/tasks can contend for, taken by a blocking acquisition.
    fn contended(&self, a: &Acquisition) -> bool {
        !a.method.starts_with("try_") && self.lock_kind(a).is_some_and(orders)
    }

    /// Whether a write re-checks: a condition of its own body, before it, tests the guard it
    /// writes through (`let mut q = m.lock(); if q.is_empty() { return } q.pop()`, or
    /// `if let Some(j) = jobs.get_mut(&id) { .. } jobs.remove(&id)`: the second guard handles the
    /// state it finds), also when the same condition compares with a value carried from an
    /// earlier guard. Another `load` of an atomic re-checks nothing: the value can change
    /// right after it as well.
    fn rechecked(&self, file: usize, w: &StateAccess, skip: Option<&Decision>) -> bool {
        let Some(facts) = self.files.get(file) else {
            return false;
        };
        facts.decisions.iter().any(|d| {
            // The check being judged re-checks only by what its own condition reads through
            // the write's guard (`if slot.epoch == epoch && slot.contexts.is_none()`), not by
            // the reads a carried value (`epoch`, from an earlier guard) brings along.
            let own = skip.is_some_and(|s| std::ptr::eq(s, d));
            d.body == w.body
                && matches!(w.target, AccessTarget::Guard(_))
                && d.region.start_byte < w.region.start_byte
                && d.reads.iter().any(|&r| {
                    facts.accesses.get(r as usize).is_some_and(|a| {
                        a.target == w.target
                            && (!own
                                || (d.region.start_byte <= a.region.start_byte
                                    && a.region.end_byte <= d.region.end_byte))
                    })
                })
        })
    }

    /// Double-checked locking: after check `r`, a later condition that gates write `w` reads the
    /// same lock again while a guard that is still alive at `w` is held (`let _g =
    /// self.reconnect_lock.lock().await;` taken between the two checks): that re-check and the
    /// write are serialized, and the first check was only a fast path.
    fn rechecked_serialized(
        &self,
        file: usize,
        r: &StateAccess,
        w: &StateAccess,
        b: Option<&Acquisition>,
    ) -> bool {
        let (Some(facts), Some(b)) = (self.files.get(file), b) else {
            return false;
        };
        facts.decisions.iter().any(|d| {
            d.body == w.body
                && d.region.start_byte > r.region.end_byte
                && d.region.start_byte < w.region.start_byte
                && d.gates(&w.region)
                && d.reads.iter().any(|&id| {
                    facts.accesses.get(id as usize).is_some_and(|r2| {
                        r2.kind == AccessKind::Read
                            && r2.held.iter().any(|g| w.held.contains(g))
                            && self
                                .access_acq(file, r2)
                                .is_some_and(|a2| self.same_lock(a2, b))
                    })
                })
        })
    }

    /// Whether check `r` (through `a`) and write `w` (through `b`) touch the same state with the
    /// check's guard released in between, and nothing else serializes them.
    fn separate(
        &self,
        r: &StateAccess,
        a: Option<&Acquisition>,
        w: &StateAccess,
        b: Option<&Acquisition>,
    ) -> bool {
        if let (Some(rf), Some(wf)) = (&r.field, &w.field)
            && rf != wf
        {
            return false;
        }
        // A guard alive at both (an outer lock) serializes check and act.
        if r.held.iter().any(|g| w.held.contains(g)) {
            return false;
        }
        match (&r.target, &w.target, a, b) {
            (AccessTarget::Guard(ga), AccessTarget::Guard(gb), Some(a), Some(b)) => {
                ga != gb
                    && !b.held.contains(ga)
                    && a.held.iter().all(|g| !b.held.contains(g))
                    && self.same_lock(a, b)
                    && self.contended(b)
            }
            (AccessTarget::Atomic(x), AccessTarget::Atomic(y), None, None) => x == y,
            _ => false,
        }
    }

    /// Every check-then-act candidate of the crate: for each condition reading locked or atomic
    /// state, the writes of the same state it decides that run under a later, separate
    /// acquisition (or atomic operation) and do not re-check, in its own body or — through a
    /// decided `self.helper(..)`/`helper(..)` call — in the helper's body. Test code included.
    pub fn gated_acts(&self) -> Vec<GatedAct<'a>> {
        let mut out = Vec::new();
        // Writes by fn name, for decided calls (built once, only if some call is decided).
        let mut by_fn: Option<BTreeMap<&str, Vec<(usize, &StateAccess)>>> = None;
        for (file, facts) in self.files.iter().enumerate() {
            for d in facts.decisions.iter().filter(|d| !d.assertion) {
                for &rid in &d.reads {
                    let Some(r) = facts.accesses.get(rid as usize) else {
                        continue;
                    };
                    if r.kind != AccessKind::Read {
                        continue;
                    }
                    let a = self.access_acq(file, r);
                    if matches!(r.target, AccessTarget::Guard(_))
                        && !a.is_some_and(|a| self.contended(a))
                    {
                        continue;
                    }
                    for w in &facts.accesses {
                        if w.body != d.body
                            || w.kind != AccessKind::Write
                            || w.decided
                            || !d.gates(&w.region)
                        {
                            continue;
                        }
                        let b = self.access_acq(file, w);
                        if !self.separate(r, a, w, b)
                            || self.rechecked(file, w, Some(d))
                            || self.rechecked_serialized(file, r, w, b)
                        {
                            continue;
                        }
                        out.push(GatedAct {
                            file,
                            decision: d,
                            check: r,
                            check_acq: a,
                            act_file: file,
                            act: w,
                            act_acq: b,
                            via: None,
                        });
                    }
                    let Some(a) = a else { continue };
                    for c in &facts.gated_calls {
                        // A guard alive at both the check and the call (an outer lock)
                        // serializes them, as for a write in the same body.
                        if c.body != d.body
                            || !d.gates(&c.region)
                            || c.held.contains(&a.id)
                            || r.held.iter().any(|g| c.held.contains(g))
                        {
                            continue;
                        }
                        let index = by_fn.get_or_insert_with(|| self.writes_by_fn());
                        for &(wf, w) in index.get(c.callee.as_str()).into_iter().flatten() {
                            let b = self.access_acq(wf, w);
                            if w.decided
                                || self.rechecked(wf, w, None)
                                || !b.is_some_and(|b| {
                                    self.same_lock(a, b) && self.contended(b) && b.held.is_empty()
                                })
                            {
                                continue;
                            }
                            if let (Some(rf), Some(wfld)) = (&r.field, &w.field)
                                && rf != wfld
                            {
                                continue;
                            }
                            out.push(GatedAct {
                                file,
                                decision: d,
                                check: r,
                                check_acq: Some(a),
                                act_file: wf,
                                act: w,
                                act_acq: b,
                                via: Some(c),
                            });
                        }
                    }
                }
            }
        }
        out
    }

    /// Whether the check and the act both run while their fn holds an exclusive guard it took
    /// before the check (see `FileFacts::serialized`): two runs of the fn never interleave
    /// there. The act is in the same body, or in a helper the fn calls past that point.
    pub fn serialized_by_fn_guard(&self, g: &GatedAct) -> bool {
        let Some(file) = self.files.get(g.file) else {
            return false;
        };
        file.serialized.iter().any(|&(body, from)| {
            body == g.check.body
                && g.check.region.start_byte >= from
                && match g.via {
                    Some(call) => call.body == body && call.region.start_byte >= from,
                    None => {
                        g.act_file == g.file
                            && g.act.body == body
                            && g.act.region.start_byte >= from
                    }
                }
        })
    }

    /// Whether a candidate's state is fn-local and nobody can race its check: it lives in a
    /// binding the fn created (`let flag = Arc::new(AtomicBool::new(false))`, or a clone of
    /// it), that was never handed anywhere but to closures and async blocks capturing it; the
    /// act's body runs once over it (the fn's own body, an async block or a spawned closure
    /// not created in a loop); and no other body (another task, thread or callback) writes it.
    pub fn unshared_local(&self, g: &GatedAct) -> bool {
        if g.via.is_some() {
            return false;
        }
        let used = match (&g.act.target, g.act_acq) {
            (AccessTarget::Atomic(_), _) => g.act.local,
            (AccessTarget::Guard(_), Some(b)) => b.local,
            _ => None,
        };
        let Some(used) = used.filter(|u| !u.repeated) else {
            return false;
        };
        let Some(facts) = self.files.get(g.act_file) else {
            return false;
        };
        if facts.locals.get(used.id as usize).is_none_or(|l| l.escaped) {
            return false;
        }
        let same = |l: Option<super::facts::LocalUse>| l.is_some_and(|l| l.id == used.id);
        !facts.accesses.iter().any(|a| {
            a.kind == AccessKind::Write
                && a.body != g.act.body
                && match a.target {
                    AccessTarget::Atomic(_) => same(a.local),
                    AccessTarget::Guard(id) => {
                        same(self.acquisition(g.act_file, id).and_then(|q| q.local))
                    }
                }
        })
    }

    /// Names of the fields the crate hands out or in anywhere (see
    /// `FileFacts::handed_out_fields`): a field of one of these names may be shared.
    pub fn handed_out_fields(&self) -> std::collections::BTreeSet<&'a str> {
        self.files
            .iter()
            .flat_map(|f| f.handed_out_fields.iter().map(String::as_str))
            .collect()
    }

    /// Whether decision `d` of file `file` runs once per process: in the body of a fn that only
    /// `main`'s startup reaches (see `CallGraph::startup_only`: every resolved chain into it
    /// starts in a `main` and runs in place, none from a task, a closure handed elsewhere or a
    /// caller the graph cannot see), or a closure that fn runs in place. Nothing runs that
    /// check and its act a second time to race with the first.
    pub fn runs_once_at_startup(&self, file: usize, d: &Decision) -> bool {
        match (d.inline_fn, self.calls) {
            (Some(f), Some(calls)) => calls.startup_only(file, f),
            _ => false,
        }
    }

    /// Whether decision `d` of file `file` runs only while every caller of its fn holds one
    /// static lock's exclusive guard across the call (see `CallGraph::serialized_by_callers`):
    /// a second run of the check and act waits for the first to finish.
    pub fn serialized_by_callers(&self, file: usize, d: &Decision) -> bool {
        match (d.inline_fn, self.calls) {
            (Some(f), Some(calls)) => calls.serialized_by_callers(file, f),
            _ => false,
        }
    }

    /// Whether `d` decides a call that does some work (other than formatting) in file `file`.
    pub fn decides_work(&self, file: usize, d: &Decision, except: &StateAccess) -> bool {
        self.decides_work_but(file, d, |at| at == except.region.start_byte)
    }

    /// [`Self::decides_work`], but for the work of the act's own statement up to `value_end`,
    /// the end of the value it writes (`Health::new(state)` in `*g = Health::new(state)`).
    pub fn decides_work_beside(
        &self,
        file: usize,
        d: &Decision,
        act: &StateAccess,
        value_end: u32,
    ) -> bool {
        self.decides_work_but(file, d, |at| at >= act.region.start_byte && at < value_end)
    }

    fn decides_work_but(&self, file: usize, d: &Decision, skip: impl Fn(u32) -> bool) -> bool {
        self.files.get(file).is_some_and(|f| {
            f.work.iter().any(|&(body, at)| {
                body == d.body && !skip(at) && d.gated.iter().any(|&(s, e)| s <= at && at < e)
            })
        })
    }

    fn writes_by_fn(&self) -> BTreeMap<&'a str, Vec<(usize, &'a StateAccess)>> {
        let mut m: BTreeMap<&str, Vec<(usize, &StateAccess)>> = BTreeMap::new();
        for (file, facts) in self.files.iter().enumerate() {
            for w in &facts.accesses {
                if w.kind == AccessKind::Write
                    && matches!(w.target, AccessTarget::Guard(_))
                    && let Some(f) = &w.function
                {
                    m.entry(f.as_str()).or_default().push((file, w));
                }
            }
        }
        m
    }
}
