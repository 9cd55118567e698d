//! The workspace call graph and per-fn summaries: which sync fns block or exit, directly or
//! through up to [`MAX_CHAIN`] calls, with the shortest witness chain.
//!
//! Nodes are the fn and method bodies the walker recorded ([`FnDef`]); an edge is a call site
//! whose callee resolves to exactly one of them:
//! - a path call through the crate's module-scoped resolution (`load_settings()`,
//!   `crate::db::open()`, `Store::new()`, `Self::helper()`), or into a workspace member the
//!   crate names (`store::open()`);
//! - a method call through its receiver's type (`self.reload()`, `state.cache.refresh()`), on
//!   this crate's or a member's type;
//! - `Trait::method(..)` on a trait of the workspace with exactly one body for that method.
//! - a fn handed as an argument to a path call of a fn that calls that parameter in place
//!   (`init_protocol("ftp", init_ftp).await` where `init_protocol` does `init().await`: see
//!   [`CallSite::handed_to`] and [`FnDef::in_place_params`]); handed anywhere else, it is a
//!   call the graph cannot follow.
//!
//! Calls through trait objects, generic parameters, closures or fn pointers have no known
//! callee: they end the chain (silence), and are counted as unknown. A key two bodies share (an
//! inherent and a trait method of one name, a macro-made duplicate) resolves to nothing.
//!
//! Summaries are computed over the graph in rounds of increasing chain length, so a fn's
//! witness is a shortest chain, cycles and recursion need no special case, and nothing is walked
//! twice. Only calls that run whenever their fn runs (not in a closure handed to another fn,
//! not in an async block) and that stay in sync code count: a sync fn that spawns a thread or
//! builds a future does not block its caller.

use std::collections::BTreeSet;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::CrateCx;
use super::facts::{CallShape, CallSite, Callee, FileFacts, FnDef, Hazard};
use super::index::CrateIndex;

/// The most calls a chain from an async call site to the blocking call may take.
pub const MAX_CHAIN: usize = 4;

/// The rules whose hazards the summaries track, in summary slot order, and the walker's own
/// record of blocking calls (for the lock queries).
pub const HAZARD_RULES: [&str; 5] = [
    "blocking_fs_in_async",
    "blocking_sleep_in_async",
    "blocking_lock_in_async",
    "exit_in_async",
    super::facts::BLOCKING_CALL,
];

const LOCK_SLOT: usize = 2;
const BLOCKING_SLOT: usize = 4;

/// A node: crate, file (index in that crate's files), fn (index in the file's `fns`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct FnRef {
    pub krate: usize,
    pub file: usize,
    pub func: u32,
}

#[derive(Debug, Clone, Copy)]
struct Edge {
    from: u32,
    to: u32,
    /// The call site: (crate, file, index in the file's `calls`).
    krate: usize,
    file: usize,
    site: usize,
}

/// Where a summary's witness goes next.
#[derive(Debug, Clone, Copy)]
enum Via {
    /// The fn's own hazard: index into the graph's hazard list.
    Own(u32),
    /// A call (edge index) to a fn with a witness one shorter.
    Call(u32),
}

#[derive(Debug, Clone, Copy)]
struct Witness {
    /// Calls from this fn to the hazard (0: its own body).
    len: u8,
    via: Via,
}

/// A hazard as the graph keeps it: from a rule's record or a lock acquisition.
#[derive(Debug, Clone)]
struct HazardAt {
    file: usize,
    krate: usize,
    what: String,
    region: crate::finding::Region,
}

/// One crate's share of the input.
pub struct CrateInput<'c, 'a> {
    pub id: usize,
    pub cx: &'c CrateCx<'a>,
}

#[derive(Debug, Default, Clone, Copy)]
pub struct CallStats {
    /// Call sites whose callee resolved to a workspace fn.
    pub resolved: usize,
    /// Call sites that name the workspace (a `crate::`/member path, or a method on a workspace
    /// type) but no single body of it, plus method calls on receivers of unknown type.
    pub unknown: usize,
}

/// One step of a witness chain, for messages and related locations.
#[derive(Debug, Clone)]
pub struct Step {
    /// Crate and file of the step (the fn whose body makes the call).
    pub krate: usize,
    pub file: usize,
    pub region: crate::finding::Region,
    /// The fn making the call, as messages name it.
    pub caller: String,
    /// What it calls: "`helper`" for a call, the blocking call's path for the last step.
    pub calls: String,
    /// For a call: the called fn and the line of its name.
    pub target: Option<(FnRef, u32)>,
}

/// An async-context call of a sync fn that transitively does what `rule` flags (the first such
/// call of that fn in each calling fn).
#[derive(Debug, Clone)]
pub struct HazardCall<'a> {
    /// File (index in the crate's files) and the call site.
    pub file: usize,
    pub site: &'a CallSite,
    pub callee: &'a FnDef,
    /// The callee's crate and file.
    pub callee_at: FnRef,
    /// From the callee's call (or blocking call) to the blocking call, one step per fn.
    pub chain: Vec<Step>,
}

#[derive(Default)]
pub struct CallGraph {
    nodes: Vec<FnRef>,
    /// Per (crate, file): where its fns start in `nodes` and its call sites in `site_edge`.
    /// A file's fns and sites are numbered consecutively, so one entry per file is enough (a
    /// map per fn and per site was 30 MB on the whole registry).
    files: FxHashMap<(usize, usize), FileSpan>,
    edges: Vec<Edge>,
    /// Out-edges (sync, inline) per node, by edge index.
    hazards: Vec<HazardAt>,
    /// Per node, per hazard rule: the shortest witness.
    summaries: Vec<[Option<Witness>; HAZARD_RULES.len()]>,
    /// Edge per call site (see `files`), [`NO_EDGE`] for a site that resolved to none.
    site_edge: Vec<u32>,
    /// In-edges per node (for reachability from entry points).
    callers: Vec<Vec<u32>>,
    /// Calls made while a guard is alive, of a fn that takes another lock (see
    /// [`CallGraph::lock_calls`]).
    lock_calls: Vec<LockCall>,
    /// Position in the input of each crate id: a run over a registry has thousands of crates.
    pos: FxHashMap<usize, usize>,
    /// Names of calls the graph could not follow (see `FileFacts::unfollowed_names`), and of
    /// the sites that resolved to no fn: a fn of such a name may have unseen callers.
    unfollowed: rustc_hash::FxHashSet<u64>,
    /// Names of method calls on values other crates' types made (see
    /// `CrateIndex::made_outside`), and on trait objects and type parameters (see
    /// `FileFacts::trait_method_calls`): no call of an inherent method of the workspace, but
    /// maybe of a workspace trait's method implemented for that type.
    unfollowed_by_trait: rustc_hash::FxHashSet<u64>,
    /// Edges of calls whose future is handed to a fn that runs it with a runtime's
    /// `block_on` (see `CallSite::future_to`): awaited there, off the workers.
    block_on_edges: rustc_hash::FxHashSet<u32>,
    /// Edges of a call through a type parameter's trait (see `CallSite::dispatch`) to each
    /// impl's fn: callers for the questions asked up the graph (who runs a fn, and where), never
    /// followed down by a summary, so a chain still ends at such a call.
    dispatch_edges: rustc_hash::FxHashSet<u32>,
    /// Keys of method calls on receivers of unknown type made in place in an async fn and
    /// awaited there (see `FileFacts::untyped_awaits`), with the crate (by position) and fn of
    /// each, and whether it is made off the workers: a fn they may call is run by those fns,
    /// where they run (see [`CallGraph::off_worker_only`]).
    unseen_awaits: FxHashMap<u64, Vec<(usize, u32, bool)>>,
    /// Fns of impls of a trait declared in the workspace (see `trait_home`).
    workspace_trait_impls: rustc_hash::FxHashSet<u32>,
    /// Per call site (see `files`) that named several bodies ([`Resolution::Many`]): those.
    site_candidates: FxHashMap<usize, Vec<u32>>,
    /// Per crate (by position): the keys of its sites that resolved to no fn, sorted. With each
    /// file's `unfollowed_names`, what [`CallGraph::may_be_called_unseen`] searches.
    unfollowed_sites: Vec<Vec<u64>>,
    /// Per crate (by position): the crates that name it (`use member::..`), which alone can call
    /// its inherent fns and methods.
    dependents: Vec<Vec<usize>>,
    /// Per crate (by position): the crates it names, ascending (`dependents` inverted).
    named: Vec<Vec<usize>>,
    /// Per crate (by position): its locks some holder keeps long (see
    /// [`CrateCx::long_held_locks`]).
    long_held: Vec<super::locks::LongHeld>,
    /// Per fn (node), its calls (in its own body) of fns that start a task or thread, themselves
    /// or through the fns they call in turn: where each call starts, and the branch it is in
    /// (see [`CallGraph::started_before`]).
    starting: FxHashMap<u32, Vec<StartingCall>>,
    /// The same for tasks only (threads and blocking jobs left out, see `FnDef::spawns_task`):
    /// what a blocked runtime thread may stall.
    starting_tasks: FxHashMap<u32, Vec<StartingCall>>,
    pub stats: CallStats,
}

/// A call made while guards are alive, of a fn of the same crate that (within [`MAX_CHAIN`]
/// calls) acquires a lock: a sync fn, or an async fn the call awaits (its body runs under the
/// caller's guards). For the lock-order rules, an acquisition at the call site. `acquisition` is the callee's acquisition, moved to the call: its region, function,
/// snippet, guards held and test flag are the call's.
#[derive(Debug, Clone)]
pub struct LockCall {
    pub krate: usize,
    pub file: usize,
    pub acquisition: super::Acquisition,
    /// The fn called, and the chain from it to the real acquisition.
    pub callee: String,
    pub chain: Vec<Step>,
}

/// A file's fns and call sites in the graph's numbering.
#[derive(Debug, Clone, Copy)]
struct FileSpan {
    first_node: u32,
    fns: u32,
    first_site: u32,
    sites: u32,
}

const NO_EDGE: u32 = u32::MAX;

/// A call of a fn that starts a task or thread: where the call starts, and the branch it is in
/// (see [`CallSite::branch`]).
type StartingCall = (u32, (u32, u32));

/// What a key names: one body; several, each under a `#[cfg]` of its own, or free fns of one
/// path all but one so (a platform's or a feature's version of one fn, also beside the default
/// version that such a build must leave out: a call reaches whichever the build picks, so each
/// is followed; see [`alternatives`]); or several otherwise (ambiguous, resolves to nothing).
#[derive(Clone)]
enum Slot {
    One(u32),
    Alternatives(Vec<u32>),
    /// Bodies under one key no `#[cfg]` tells apart (`TryFrom<A>` and `TryFrom<&A>` for one
    /// type): a call of the key may be any of them.
    Many(Vec<u32>),
}

/// How a body under a shared key may stand beside the others (see [`Slot`]).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Gate {
    /// Under a `#[cfg]` of its own: `free` when it is a free fn (no impl); `pred` tells its
    /// predicate apart (two bodies under one predicate are built together).
    Cfg { free: bool, pred: u64 },
    /// No `#[cfg]`, a free fn: at most one build's version beside `#[cfg]`-gated free fns of
    /// its path (two free fns of one path do not compile together; methods of one name may
    /// sit in impls of different type arguments, so they are no such pair).
    PlainFree,
    /// Anything else: a method without a `#[cfg]`, or a body kept compiled out
    /// (`#[cfg(any())]`, `#[cfg(FALSE)]`).
    Other,
}

/// Two `#[cfg]` predicates (as `FnDef::cfg` spells them) no build satisfies both of: a part
/// of one is a part's `not(..)` of the other.
fn cfg_contradicts(a: &str, b: &str) -> bool {
    let negates = |x: &str, y: &str| {
        x.strip_prefix("not(")
            .and_then(|rest| rest.strip_suffix(')'))
            .is_some_and(|inner| inner == y)
    };
    let (a, b) = (cfg_parts(a), cfg_parts(b));
    a.iter()
        .any(|x| b.iter().any(|y| negates(x, y) || negates(y, x)))
}

/// The predicates `FnDef::cfg` joins (an impl's or a module's, then the fn's own), split at
/// its top-level commas: `all(unix, test)` stays one.
fn cfg_parts(cfg: &str) -> Vec<&str> {
    let (mut parts, mut depth, mut quoted, mut start) = (Vec::new(), 0u32, false, 0);
    for (i, c) in cfg.char_indices() {
        match c {
            '"' => quoted = !quoted,
            '(' if !quoted => depth += 1,
            ')' if !quoted => depth = depth.saturating_sub(1),
            ',' if !quoted && depth == 0 => {
                parts.push(&cfg[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&cfg[start..]);
    parts
}

/// A caller built under `#[cfg(own)]` never runs a callee built under `#[cfg(theirs)]`. Features
/// and `test` are each crate's own: across crates only a target's predicates (`unix`,
/// `target_family = "wasm"`) agree.
fn cfg_excludes(own: &str, theirs: &str, same_crate: bool) -> bool {
    cfg_contradicts(own, theirs)
        && (same_crate
            || ![own, theirs]
                .iter()
                .any(|p| p.contains("feature") || p.contains("test")))
}

/// Bodies that are versions of one fn, each build compiling at most one: all under a `#[cfg]`,
/// or free fns of one path of which one has none.
fn alternatives(gates: impl IntoIterator<Item = Gate>) -> bool {
    let (mut plain, mut methods, mut preds) = (0, 0, Vec::new());
    for g in gates {
        match g {
            Gate::Other => return false,
            Gate::PlainFree => plain += 1,
            Gate::Cfg { free, pred } => {
                // Two bodies under one predicate are both built: no build picks one.
                if preds.contains(&pred) {
                    return false;
                }
                preds.push(pred);
                methods += usize::from(!free);
            }
        }
    }
    plain == 0 || (plain == 1 && methods == 0)
}

fn insert(
    map: &mut FxHashMap<(usize, String), Slot>,
    key: (usize, String),
    node: u32,
    gate: impl Fn(u32) -> Gate,
) {
    use std::collections::hash_map::Entry;
    match map.entry(key) {
        Entry::Vacant(v) => {
            v.insert(Slot::One(node));
        }
        Entry::Occupied(mut o) => {
            let next = match o.get_mut() {
                Slot::One(a) if alternatives([gate(*a), gate(node)]) => {
                    Slot::Alternatives(vec![*a, node])
                }
                Slot::Alternatives(v)
                    if alternatives(v.iter().chain([&node]).map(|n| gate(*n))) =>
                {
                    v.push(node);
                    return;
                }
                Slot::Many(v) => {
                    v.push(node);
                    return;
                }
                Slot::One(a) => Slot::Many(vec![*a, node]),
                Slot::Alternatives(v) => Slot::Many(v.iter().copied().chain([node]).collect()),
            };
            o.insert(next);
        }
    }
}

struct Resolver<'g, 'c, 'a> {
    crates: &'g [CrateInput<'c, 'a>],
    /// (crate, key) → body. Keys: a free fn's canonical path, `Owner::method`.
    by_key: FxHashMap<(usize, String), Slot>,
    /// (crate, canonical trait path, method) → bodies of that method in the trait's impls and
    /// default.
    by_trait: FxHashMap<(usize, String), Slot>,
    /// (crate of the trait, its canonical path `::` fn) → the impls' fns without a `self`
    /// (`impl CliClient for NativeClient { async fn load(id: &str) }`), in any crate: what a
    /// call through a type parameter bounded by the trait may run. Fns with a `self` are left
    /// out: a method call on a trait object leaves no name to find them by.
    impls: FxHashMap<(usize, String), Vec<u32>>,
    /// The same for the impls' fns with a `self`: what a method call on a value of a type
    /// parameter bounded by the trait may run (see `Resolver::on_type_param`).
    method_impls: FxHashMap<(usize, String), Vec<u32>>,
    /// Associated fns without a `self` (`World::load(level, ..)`): never what a method call
    /// (`self.world.load()`, an `ArcSwap`'s) names, however its receiver is typed.
    receiverless: rustc_hash::FxHashSet<u32>,
    /// Crate position of each crate id in `crates` (the graph's own).
    pos: &'g FxHashMap<usize, usize>,
    /// Crate id of each crate's index, for a member a crate names through its index.
    by_index: &'g FxHashMap<usize, usize>,
}

impl Resolver<'_, '_, '_> {
    /// What a call site of crate `ci` names; `None` for another crate's path
    /// (`serde_json::from_str`).
    /// `module`: the calling file's module, whose glob imports a path the file could not
    /// resolve may come through (`use mylib::*;` in a binary, then `Server::start(..)`).
    fn site(
        &self,
        ci: &CrateInput<'_, '_>,
        site: &CallSite,
        facts: &FileFacts,
    ) -> Option<Resolution> {
        let module = facts.module.as_str();
        if let (Some(t), Callee::Path(p)) = (&site.dispatch, &site.callee)
            && let Some((home, path)) = trait_home(ci.cx.index, self.by_index, ci.id, t)
            && let Some(ns) = self.impls.get(&(
                home,
                format!("{path}::{}", crate::semantic::syntax::last_segment(p)),
            ))
        {
            return Some(Resolution::Dispatch(ns.clone()));
        }
        match &site.callee {
            Callee::Path(p) => {
                let local = p.starts_with("crate::");
                let member = p
                    .split_once("::")
                    .is_some_and(|(root, _)| ci.cx.index.sibling(root).is_some());
                if local || member {
                    return Some(self.path(ci.id, p, 0));
                }
                // Another crate's path, or a name (`start`, `Server::start`) a glob brought in:
                // only a fn the module's names lead to counts, anything else stays another
                // crate's. A lowercase root (`serde_json::from_str`) is a crate's name.
                let root = p.split("::").next().unwrap_or(p);
                let glob_name = !p.contains("::") || root.starts_with(|c: char| c.is_uppercase());
                if module.is_empty() || !glob_name || super::types::is_external(root) {
                    return None;
                }
                match self.path(ci.id, &format!("{module}::{p}"), 0) {
                    found @ (Resolution::Fn(_) | Resolution::Alternatives(_)) => Some(found),
                    _ => None,
                }
            }
            Callee::Method(ty, name) => Some(
                self.on_type_param(ci, facts.fns.get(site.caller as usize), ty, name)
                    .unwrap_or_else(|| self.method(ci.id, ty, name)),
            ),
        }
    }

    /// A method call on a value of a type parameter of the calling fn or its impl
    /// (`job.run(storage)` with `job: J`, `J: Runnable`): only a trait's method can be called
    /// on it — the impls' of the workspace traits bounding it that declare the method, or
    /// (none doing so) another crate's trait's, which the graph does not follow. `None` for a
    /// receiver of any other type.
    fn on_type_param(
        &self,
        ci: &CrateInput<'_, '_>,
        caller: Option<&FnDef>,
        receiver: &super::TyExpr,
        name: &str,
    ) -> Option<Resolution> {
        let caller = caller.filter(|d| !d.type_params.is_empty())?;
        let ty = ci.cx.index.eval(receiver);
        let super::Ty::Path { path, args } = ty.peel() else {
            return None;
        };
        if !args.is_empty() {
            return None;
        }
        let (_, bounds) = caller.type_params.iter().find(|(p, _)| **p == **path)?;
        // No workspace trait bounds it: another crate's trait, or `Deref<Target = Store>`
        // reaching a workspace type's own method: left to the name match, as before.
        if bounds.is_empty() {
            return None;
        }
        let mut impls: Vec<u32> = bounds
            .iter()
            .filter_map(|t| trait_home(ci.cx.index, self.by_index, ci.id, t))
            .filter_map(|(home, t)| self.method_impls.get(&(home, format!("{t}::{name}"))))
            .flatten()
            .copied()
            .collect();
        impls.sort_unstable();
        impls.dedup();
        Some(match impls.is_empty() {
            true => Resolution::MadeOutside,
            false => Resolution::Dispatch(impls),
        })
    }

    fn index(&self, krate: usize) -> Option<&CrateIndex> {
        Some(self.crates.get(*self.pos.get(&krate)?)?.cx.index)
    }

    /// The crate a member-rooted path (`store::open`) leads to, and the path inside it.
    fn in_member(&self, krate: usize, path: &str) -> Option<(usize, String)> {
        let index = self.index(krate)?;
        let (root, rest) = path.split_once("::")?;
        let sib = index.sibling(root)?;
        let c = *self.by_index.get(&index_key(sib))?;
        Some((c, format!("crate::{rest}")))
    }

    fn lookup(&self, krate: usize, key: String) -> Option<Slot> {
        self.by_key.get(&(krate, key)).cloned()
    }

    /// [`Self::lookup`] of what a method call may name: the bodies that take a `self`.
    fn method_slot(&self, krate: usize, key: String) -> Option<Slot> {
        match self.lookup(krate, key)? {
            Slot::One(n) if self.receiverless.contains(&n) => None,
            Slot::Alternatives(mut ns) => {
                ns.retain(|n| !self.receiverless.contains(n));
                match ns.as_slice() {
                    [] => None,
                    [n] => Some(Slot::One(*n)),
                    _ => Some(Slot::Alternatives(ns)),
                }
            }
            other => Some(other),
        }
    }

    /// A path call (already `crate::`-rooted, or member-rooted) in crate `krate`.
    fn path(&self, krate: usize, path: &str, depth: u8) -> Resolution {
        if !path.starts_with("crate::") {
            if depth > 0 {
                return Resolution::External;
            }
            return match self.in_member(krate, path) {
                Some((c, inner)) => self.path(c, &inner, depth + 1),
                None => Resolution::External,
            };
        }
        let Some(index) = self.index(krate) else {
            return Resolution::Unknown;
        };
        let canon = index.canon(path);
        if !canon.starts_with("crate::") {
            // A re-export of another crate's item (`pub use store::open;`).
            return match self.in_member(krate, &canon) {
                Some((c, inner)) if depth == 0 => self.path(c, &inner, depth + 1),
                _ => Resolution::External,
            };
        }
        let value = index.value_beside_module(&canon);
        match self.lookup(krate, value.unwrap_or_else(|| canon.clone())) {
            Some(Slot::One(n)) => return Resolution::Fn(n),
            Some(Slot::Alternatives(ns)) => return Resolution::Alternatives(ns),
            Some(Slot::Many(ns)) => return Resolution::Many(ns),
            None => {}
        }
        // `Type::method` / `Trait::method`: the owner is followed on its own.
        let Some((owner, name)) = canon.rsplit_once("::") else {
            return Resolution::Unknown;
        };
        let owner = index.canon(owner);
        if !owner.starts_with("crate::") {
            return match self.in_member(krate, &owner) {
                Some((c, inner)) if depth == 0 => {
                    self.path(c, &format!("{inner}::{name}"), depth + 1)
                }
                _ => Resolution::External,
            };
        }
        match self.lookup(krate, format!("{owner}::{name}")) {
            Some(Slot::One(n)) => return Resolution::Fn(n),
            Some(Slot::Alternatives(ns)) => return Resolution::Alternatives(ns),
            Some(Slot::Many(ns)) => return Resolution::Many(ns),
            None => {}
        }
        match self.by_trait.get(&(krate, format!("{owner}::{name}"))) {
            Some(Slot::One(n)) => Resolution::Fn(*n),
            _ => Resolution::Unknown,
        }
    }

    fn method(&self, krate: usize, receiver: &super::TyExpr, name: &str) -> Resolution {
        self.method_at(krate, receiver, name, false)
    }

    fn method_at(
        &self,
        krate: usize,
        receiver: &super::TyExpr,
        name: &str,
        deref_step: bool,
    ) -> Resolution {
        let Some(index) = self.index(krate) else {
            return Resolution::Unknown;
        };
        if index.eval(receiver).owns_method(name) {
            return Resolution::External;
        }
        let Some(owner) = index.method_owner(receiver) else {
            return if index.made_outside(receiver) {
                Resolution::MadeOutside
            } else {
                Resolution::Unknown
            };
        };
        let (krate, owner) = if owner.starts_with("crate::") {
            (krate, owner)
        } else {
            match self.in_member(krate, &owner) {
                Some(found) => found,
                None => return Resolution::External,
            }
        };
        let owner = match self.index(krate) {
            Some(index) => enum_of_variant(index, owner),
            None => owner,
        };
        match self.method_slot(krate, format!("{owner}::{name}")) {
            Some(Slot::One(n)) => Resolution::Fn(n),
            Some(Slot::Alternatives(ns)) => Resolution::Alternatives(ns),
            Some(Slot::Many(ns)) => Resolution::Many(ns),
            // Auto-deref to the target of the wrapper's `Deref` (one level).
            None if !deref_step => match index.deref_target(&owner) {
                Some(target) => self.method_at(krate, &super::TyExpr::Known(target), name, true),
                None => undeclared_or_external(index, &owner),
            },
            // A derived or external trait's method (`clone`, `to_string`) on a crate type.
            None => undeclared_or_external(index, &owner),
        }
    }
}

/// The enum a variant's value belongs to (`MerkleStage::Execution { .. }.execute(..)` calls
/// `MerkleStage`'s `execute`): a variant with fields, or a path the crate declares no item at
/// (a unit variant), under a type it declares.
fn enum_of_variant(index: &CrateIndex, owner: String) -> String {
    let canon = index.canon(&owner);
    if index.declares_item(&canon) && !index.is_variant(&canon) {
        return owner;
    }
    match owner.rsplit_once("::") {
        Some((parent, _))
            if crate::semantic::syntax::last_segment(parent)
                .starts_with(|c: char| c.is_ascii_uppercase())
                && index.declares_item(&index.canon(parent)) =>
        {
            index.canon(parent)
        }
        _ => owner,
    }
}

/// A method no impl of `owner` declares: a derived or external trait's on a crate type; on a
/// name the crate declares nothing at (a type parameter a glob import made look like one,
/// `crate::jobs::T`), any type's, which the graph cannot follow.
fn undeclared_or_external(index: &CrateIndex, owner: &str) -> Resolution {
    if owner.starts_with("crate::") && !index.declares_item(owner) {
        Resolution::Unknown
    } else {
        Resolution::External
    }
}

/// Drops every crate index's memoized lookups. They pay off within one crate's pass over its
/// sites and acquisitions; kept for all crates at once they were 90 MB of a whole-registry run.
fn release_caches(crates: &[CrateInput<'_, '_>]) {
    for ci in crates {
        ci.cx.index.clear_caches();
    }
}

/// Whether a path rooted in a lowercase name (`store::open`) may lead into the workspace: the
/// root is a member's name or a module of this crate named without `crate::`
/// (`handlers::upload` in the crate root), and a member's re-export of another crate (`use
/// api::tonic;` where `api` has `pub use tonic;`) leads out again.
/// `member_globs`: the calling module glob-imports a member ([`CrateIndex::globs_member`]), whose modules
/// a bare lowercase root may then name. A primitive type's root (`u64::reload(&n)`, an impl of a
/// workspace trait for it) is the workspace's too.
fn may_name_workspace(
    index: &CrateIndex,
    members: &BTreeSet<String>,
    member_globs: bool,
    path: &str,
) -> bool {
    let Some((root, rest)) = path.split_once("::") else {
        return true;
    };
    if member_globs
        || matches!(root, "crate" | "self" | "super")
        || super::types::is_primitive(root)
        || index.has_module(&format!("crate::{root}"))
    {
        return true;
    }
    match index.sibling(root) {
        Some(member) => {
            let canon = member.canon(&format!("crate::{rest}"));
            canon.starts_with("crate::")
                || canon
                    .split_once("::")
                    .is_some_and(|(r, _)| members.contains(r) || member.sibling(r).is_some())
        }
        None => members.contains(root),
    }
}

/// A crate index's identity (its address: a member reaches its siblings' indexes by `Arc`).
/// The crate that declares trait `path` (as crate `id` names it) and the trait's canonical
/// path there: `crate::cli::Client` in its own crate, a member's `core::cli::Client` in that
/// member.
fn trait_home(
    index: &CrateIndex,
    by_index: &FxHashMap<usize, usize>,
    id: usize,
    path: &str,
) -> Option<(usize, String)> {
    let canon = index.canon(path);
    if canon.starts_with("crate::") {
        return Some((id, canon));
    }
    // Through members' re-exports (`use app::storage::Runnable`, where `app::storage` has `pub
    // use store_runtime::Runnable`), a few hops at most.
    let mut index = index;
    let mut canon = canon;
    for _ in 0..4 {
        let (root, rest) = canon.split_once("::")?;
        let sib = index.sibling(root)?;
        let inner = sib.canon(&format!("crate::{rest}"));
        if inner.starts_with("crate::") {
            return Some((*by_index.get(&index_key(sib))?, inner));
        }
        index = sib;
        canon = inner;
    }
    None
}

fn index_key(index: &CrateIndex) -> usize {
    index as *const CrateIndex as usize
}

/// What a startup chain must not have done before a call (see `CallGraph::startup_chains`).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Before {
    /// Anything may have run: only the chain's shape counts.
    Nothing,
    /// Started a task or thread, or kept a value for its destructor: what an exit cuts off.
    Work,
    /// Started a task or thread: what a blocking call could stall.
    Tasks,
}

enum Resolution {
    Fn(u32),
    /// A fn whose versions each carry a `#[cfg]` (see [`Slot::Alternatives`]).
    Alternatives(Vec<u32>),
    /// Any of the impls of a type parameter's trait (see `CallSite::dispatch`).
    Dispatch(Vec<u32>),
    /// One of several bodies under the name (see [`Slot::Many`]): a call the graph does not
    /// follow, whose candidates answer [`CallGraph::callee_loses_no_error`].
    Many(Vec<u32>),
    /// Names something outside the workspace: not a call graph question.
    External,
    /// A method of a value another crate's type made (see `CrateIndex::made_outside`): that
    /// crate's, or a workspace trait's implemented for the type.
    MadeOutside,
    Unknown,
}

/// `fn main() { oxide_tokio_rt::run(run()) }`: the future a sync `main` hands, as the only
/// argument (or, to a `run*` entry, the second after a runtime builder: `run_builder(&mut
/// builder, run())`), to a fn of a crate outside the workspace that is no spawn nor a
/// one-thread runtime's entry (see [`crate::semantic::syntax::runner_entry`]). Another crate's
/// entry wrapper builds a runtime and runs the future with its `block_on` on the main thread (what
/// else could a sync `main` do with it?), as a workspace helper that does so is followed to
/// (see [`FnDef::block_on_params`]). `workspace(path)`: the path may name a member's item.
fn outside_runner_in_main(
    facts: &FileFacts,
    sites: &[Option<Resolution>],
    (outer, arg): (u32, u8),
    workspace: impl Fn(&str) -> bool,
) -> bool {
    let Some(call) = facts.calls.get(outer as usize) else {
        return false;
    };
    let Callee::Path(path) = &call.callee else {
        return false;
    };
    let outside = match sites.get(outer as usize) {
        Some(Some(Resolution::External)) => true,
        Some(None) => path.starts_with(|c: char| c.is_ascii_lowercase()) && !workspace(path),
        _ => false,
    };
    let argc = match call.argc {
        n if n == CallShape::count(1) => 1,
        n if n == CallShape::count(2) => 2,
        _ => return false,
    };
    crate::semantic::syntax::runner_entry(path, argc, arg.into())
        && call.inline
        && !call.in_async
        && outside
        && facts
            .fns
            .get(call.caller as usize)
            .is_some_and(|d| d.is_main && !d.is_async)
}

/// Per crate (by position in `crates`), the crates that name it as a workspace member.
fn dependents(crates: &[CrateInput<'_, '_>]) -> Vec<Vec<usize>> {
    let at: FxHashMap<*const CrateIndex, usize> = crates
        .iter()
        .enumerate()
        .map(|(i, c)| (c.cx.index as *const CrateIndex, i))
        .collect();
    let mut out = vec![Vec::new(); crates.len()];
    for (i, c) in crates.iter().enumerate() {
        for s in c.cx.index.sibling_indexes() {
            if let Some(&j) = at.get(&(s as *const CrateIndex))
                && j != i
            {
                out[j].push(i);
            }
        }
    }
    out
}

impl CallGraph {
    /// The graph of the given crates (the workspace members of one run) and its summaries.
    /// `members`: the names the workspace's crates go by (`store` of `use store::Db`): a path
    /// rooted in any other lowercase name is another crate's, whose fns call none of ours.
    pub fn build(crates: &[CrateInput<'_, '_>], members: &BTreeSet<String>) -> CallGraph {
        let dependents = dependents(crates);
        let mut named = vec![Vec::new(); crates.len()];
        for (dep, names_it) in dependents.iter().enumerate() {
            for &c in names_it {
                named[c].push(dep);
            }
        }
        let mut g = CallGraph {
            pos: crates.iter().enumerate().map(|(i, c)| (c.id, i)).collect(),
            unfollowed_sites: vec![Vec::new(); crates.len()],
            dependents,
            named,
            ..CallGraph::default()
        };
        let mut by_key: FxHashMap<(usize, String), Slot> = FxHashMap::default();
        let mut by_trait: FxHashMap<(usize, String), Slot> = FxHashMap::default();
        let mut receiverless = rustc_hash::FxHashSet::default();
        let mut impls: FxHashMap<(usize, String), Vec<u32>> = FxHashMap::default();
        let mut method_impls: FxHashMap<(usize, String), Vec<u32>> = FxHashMap::default();
        let by_index: FxHashMap<usize, usize> = crates
            .iter()
            .map(|c| (index_key(c.cx.index), c.id))
            .collect();
        // Canonical paths come from the crate index and are independent per file: computed in
        // parallel, inserted in file order (so slots and node numbers do not depend on threads).
        let files: Vec<(usize, usize)> = crates
            .iter()
            .enumerate()
            .flat_map(|(c, ci)| (0..ci.cx.files.len()).map(move |f| (c, f)))
            .collect();
        type Keys = (
            String,
            Option<String>,
            Option<((usize, String), bool)>,
            bool,
        );
        let keys: Vec<Vec<Keys>> = files
            .par_iter()
            .map(|&(c, file)| {
                let index = crates[c].cx.index;
                let id = crates[c].id;
                crates[c].cx.files[file]
                    .fns
                    .iter()
                    .map(|def| {
                        let key = match &def.owner {
                            Some(owner) => format!("{}::{}", index.canon(owner), def.path),
                            None => index.canon(&def.path),
                        };
                        let by_trait = match &def.trait_path {
                            Some(t) => Some(format!("{}::{}", index.canon(t), def.path)),
                            // A trait's default body is one of the trait's bodies for the
                            // method (an inherent method's key is never a trait's, so it costs
                            // nothing).
                            None => def.owner.is_some().then(|| key.clone()),
                        };
                        let home = def
                            .trait_path
                            .as_deref()
                            .and_then(|t| trait_home(index, &by_index, id, t));
                        let workspace_trait = home.is_some();
                        let dispatched = home
                            .map(|(home, t)| ((home, format!("{t}::{}", def.path)), def.has_self));
                        (key, by_trait, dispatched, workspace_trait)
                    })
                    .collect()
            })
            .collect();
        let mut sites = 0u32;
        for (&(c, file), keys) in files.iter().zip(keys) {
            let ci = &crates[c];
            let calls = ci.cx.files[file].calls.len() as u32;
            g.files.insert(
                (ci.id, file),
                FileSpan {
                    first_node: g.nodes.len() as u32,
                    fns: keys.len() as u32,
                    first_site: sites,
                    sites: calls,
                },
            );
            sites += calls;
            for (func, (key, trait_key, dispatched, workspace_trait)) in
                keys.into_iter().enumerate()
            {
                let r = FnRef {
                    krate: ci.id,
                    file,
                    func: func as u32,
                };
                let node = g.nodes.len() as u32;
                g.nodes.push(r);
                if let Some(def) = ci.cx.files[file].fns.get(func)
                    && def.owner.is_some()
                    && !def.has_self
                {
                    receiverless.insert(node);
                }
                let gate = |n: u32| {
                    let def = g.nodes.get(n as usize).and_then(|r| {
                        g.pos
                            .get(&r.krate)
                            .and_then(|&c| crates.get(c)?.cx.files.get(r.file))
                            .and_then(|f| f.fns.get(r.func as usize))
                    });
                    match def {
                        // Code kept compiled out: `#[cfg(any())]`, `#[cfg(FALSE)]`.
                        Some(d)
                            if d.cfg.as_deref().is_some_and(|c| {
                                cfg_parts(c).into_iter().any(|p| {
                                    matches!(p, "any()" | "FALSE" | "false" | "never" | "disabled")
                                })
                            }) =>
                        {
                            Gate::Other
                        }
                        Some(d) if d.cfg.is_some() => Gate::Cfg {
                            free: d.owner.is_none(),
                            pred: {
                                use std::hash::{Hash, Hasher};
                                let mut h = rustc_hash::FxHasher::default();
                                d.cfg.hash(&mut h);
                                h.finish()
                            },
                        },
                        Some(d) if d.owner.is_none() => Gate::PlainFree,
                        _ => Gate::Other,
                    }
                };
                insert(&mut by_key, (ci.id, key), node, gate);
                if let Some(t) = trait_key {
                    insert(&mut by_trait, (ci.id, t), node, gate);
                }
                match dispatched {
                    Some((key, true)) => method_impls.entry(key).or_default().push(node),
                    Some((key, false)) => impls.entry(key).or_default().push(node),
                    None => {}
                }
                if workspace_trait {
                    g.workspace_trait_impls.insert(node);
                }
            }
        }
        g.site_edge = vec![NO_EDGE; sites as usize];
        let resolver = Resolver {
            crates,
            by_key,
            by_trait,
            impls,
            method_impls,
            receiverless,
            pos: &g.pos,
            by_index: &by_index,
        };
        // Kept through resolution, the key pass's lookups saved 0.5% of the graph's work and
        // added 23 MB to the whole registry's peak: dropped (see `release_caches`).
        release_caches(crates);
        // Resolving a site asks the index (canonical paths, method owners): per crate and per
        // file in parallel, edges added in file order. A crate's caches are released once its
        // sites are resolved.
        let resolved: Vec<Vec<Option<Resolution>>> = crates
            .par_iter()
            .flat_map_iter(|ci| {
                let sites: Vec<Vec<Option<Resolution>>> = ci
                    .cx
                    .files
                    .par_iter()
                    .map(|facts| {
                        facts
                            .calls
                            .iter()
                            .map(|site| resolver.site(ci, site, facts))
                            .collect()
                    })
                    .collect();
                ci.cx.index.clear_caches();
                sites
            })
            .collect();
        // Its key maps are a third of the graph's size: gone before the summaries are built.
        drop(resolver);
        for (&(c, file), sites) in files.iter().zip(resolved) {
            let ci = &crates[c];
            let facts = ci.cx.files[file];
            let member_globs = ci
                .cx
                .index
                .globs_member(&facts.module, |r| members.contains(r));
            g.stats.unknown += facts.untyped_method_calls;
            g.unfollowed.extend(facts.unfollowed_names.iter().copied());
            g.unfollowed_by_trait
                .extend(facts.trait_method_calls.iter().copied());
            for u in &facts.untyped_awaits {
                let at = FnRef {
                    krate: ci.id,
                    file,
                    func: u.caller,
                };
                match g.node_of(&at) {
                    Some(n) => g
                        .unseen_awaits
                        .entry(u.key)
                        .or_default()
                        .push((c, n, u.off_worker)),
                    None => {
                        g.unfollowed.insert(u.key);
                        g.unfollowed_sites[c].push(u.key);
                    }
                }
            }
            for (path, key) in &facts.unfollowed_elsewhere {
                if may_name_workspace(ci.cx.index, members, member_globs, path) {
                    g.unfollowed.insert(*key);
                    g.unfollowed_sites[c].push(*key);
                }
            }
            for (site_ix, (site, res)) in facts.calls.iter().zip(&sites).enumerate() {
                // A fn handed to another as a value is followed only where that one calls it
                // in place (see `CallSite::handed_to`); anywhere else, another crate's fn
                // included, it is a value the graph cannot follow.
                let res = match (site.handed_to, res) {
                    (Some(h), Some(Resolution::Fn(n)))
                        if !g.runs_in_place(crates, &sites, h, *n) =>
                    {
                        &None
                    }
                    (Some(_), Some(Resolution::Alternatives(_) | Resolution::External)) => &None,
                    _ => res,
                };
                let one;
                let to: &[u32] = match res {
                    Some(Resolution::Fn(n)) => {
                        one = [*n];
                        &one
                    }
                    Some(Resolution::Alternatives(ns) | Resolution::Dispatch(ns)) => ns,
                    Some(Resolution::External) => continue,
                    Some(Resolution::MadeOutside) => {
                        g.unfollowed_by_trait
                            .insert(site.unfollowed_key(|o| ci.cx.index.names_alias(o)));
                        continue;
                    }
                    // Another crate's path (`None`) may be a member's the index does not link;
                    // one rooted in a name no member goes by (`regex::Regex::new(..)`) is not.
                    None if matches!(&site.callee, Callee::Path(p)
                        if p.starts_with(|c: char| c.is_ascii_lowercase())
                            && !may_name_workspace(ci.cx.index, members, member_globs, p)) =>
                    {
                        continue;
                    }
                    None | Some(Resolution::Unknown | Resolution::Many(_)) => {
                        if res.is_some() {
                            g.stats.unknown += 1;
                        }
                        if let (Some(Resolution::Many(ns)), Some(slot)) =
                            (res, g.site_slot(ci.id, file, site_ix))
                        {
                            g.site_candidates.insert(slot, ns.clone());
                        }
                        let key = site.unfollowed_key(|o| ci.cx.index.names_alias(o));
                        // A member's path (`store::open`) reaches only that member's fns and
                        // what it re-exports: the key is that member's (see
                        // `may_be_called_unseen`, which searches a fn's crate and those naming it).
                        let at = match &site.callee {
                            Callee::Path(p) if !p.starts_with("crate::") => p
                                .split_once("::")
                                .and_then(|(root, _)| ci.cx.index.sibling(root))
                                .and_then(|m| by_index.get(&index_key(m)))
                                .and_then(|id| g.pos.get(id))
                                .copied()
                                .unwrap_or(c),
                            _ => c,
                        };
                        // Awaited in place in an async fn: it runs where that fn runs (see
                        // `unseen_awaits`).
                        let caller = FnRef {
                            krate: ci.id,
                            file,
                            func: site.caller,
                        };
                        match g.node_of(&caller) {
                            Some(n)
                                if site.awaited
                                    && site.inline
                                    && site.in_async
                                    && site.handed_to.is_none() =>
                            {
                                g.unseen_awaits.entry(key).or_default().push((
                                    at,
                                    n,
                                    site.off_worker,
                                ));
                            }
                            _ => {
                                g.unfollowed.insert(key);
                                g.unfollowed_sites[at].push(key);
                            }
                        }
                        continue;
                    }
                };
                g.stats.resolved += 1;
                let Some(from) = g.node_of(&FnRef {
                    krate: ci.id,
                    file,
                    func: site.caller,
                }) else {
                    continue;
                };
                // A caller built only where `cfg(P)` holds calls no alternative built only
                // where it does not (`#[cfg(target_family = "wasm")] fn from_config` reaches the
                // wasm `fetch_private_key`, not the one under `not(target_family = "wasm")`).
                let kept: Vec<u32>;
                let to: &[u32] = match g.def(crates, from).and_then(|d| d.cfg.as_deref()) {
                    Some(own) if to.len() > 1 => {
                        kept = to
                            .iter()
                            .copied()
                            .filter(|&n| {
                                let same_crate = g.nodes.get(n as usize).map(|r| r.krate)
                                    == g.nodes.get(from as usize).map(|r| r.krate);
                                g.def(crates, n)
                                    .and_then(|d| d.cfg.as_deref())
                                    .is_none_or(|theirs| !cfg_excludes(own, theirs, same_crate))
                            })
                            .collect();
                        if kept.is_empty() { to } else { &kept }
                    }
                    _ => to,
                };
                // A site's first edge is the one `site_edge` keeps (its finding's chain); a
                // cfg alternative's others are followed alike.
                let e = g.edges.len() as u32;
                if let Some(h) = site.future_to
                    && (g.runs_under_block_on(crates, &sites, h)
                        || outside_runner_in_main(facts, &sites, h, |p| {
                            may_name_workspace(ci.cx.index, members, member_globs, p)
                        }))
                {
                    g.block_on_edges.extend(e..e + to.len() as u32);
                }
                for &to in to {
                    g.edges.push(Edge {
                        from,
                        to,
                        krate: ci.id,
                        file,
                        site: site_ix,
                    });
                }
                if matches!(res, Some(Resolution::Dispatch(_))) {
                    g.dispatch_edges.extend(e..e + to.len() as u32);
                } else if let Some(slot) = g.site_slot(ci.id, file, site_ix) {
                    g.site_edge[slot] = e;
                }
            }
        }
        for keys in &mut g.unfollowed_sites {
            keys.sort_unstable();
            keys.dedup();
        }
        g.summarize(crates);
        g.lock_calls = g.lock_calls(crates);
        release_caches(crates);
        g
    }

    /// Whether fn `value`, handed as argument `arg` to the call at site `outer` of the same file
    /// (whose resolutions are `sites`), runs where that call runs: the called fn is one known
    /// fn that calls that parameter in place, and a future `value` makes is awaited there (an
    /// async fn handed to a sync one only gets its future made).
    fn runs_in_place(
        &self,
        crates: &[CrateInput<'_, '_>],
        sites: &[Option<Resolution>],
        (outer, arg): (u32, u8),
        value: u32,
    ) -> bool {
        let (Some((helper, param)), Some(value)) = (
            self.receiving_param(crates, sites, (outer, arg)),
            self.def(crates, value),
        ) else {
            return false;
        };
        helper.in_place_params & (1 << param) != 0 && (helper.is_async || !value.is_async)
    }

    /// The one known fn the call at site `outer` (whose resolutions are `sites`) reaches, and
    /// which of its parameters (below 64, as `FnDef`'s bit sets count them) argument `arg` is.
    fn receiving_param<'c>(
        &self,
        crates: &'c [CrateInput<'_, '_>],
        sites: &[Option<Resolution>],
        (outer, arg): (u32, u8),
    ) -> Option<(&'c FnDef, u8)> {
        let Some(Resolution::Fn(helper)) = sites.get(outer as usize)? else {
            return None;
        };
        let helper = self.def(crates, *helper)?;
        // A method called by path (`Type::run(&self_value, f)`) is handed its receiver first.
        let param = arg.checked_sub(u8::from(helper.has_self))?;
        (param < 64).then_some((helper, param))
    }

    /// Whether the future a call makes as argument `arg` of the call at site `outer` (whose
    /// resolutions are `sites`) is run off the workers there: the called fn is one known fn that
    /// hands that parameter to a runtime's `block_on` (see [`FnDef::block_on_params`]).
    fn runs_under_block_on(
        &self,
        crates: &[CrateInput<'_, '_>],
        sites: &[Option<Resolution>],
        handed: (u32, u8),
    ) -> bool {
        self.receiving_param(crates, sites, handed)
            .is_some_and(|(helper, param)| helper.block_on_params & (1 << param) != 0)
    }

    /// Per node, the locks it acquires itself or through up to [`MAX_CHAIN`] - 1 further calls
    /// (identity → its shortest witness), then every call with guards alive of a fn that
    /// acquires one (an async fn only where the call is awaited).
    fn lock_calls(&self, crates: &[CrateInput<'_, '_>]) -> Vec<LockCall> {
        // (identity, len, acquisition (crate, file, index), next edge or none)
        type Held = (String, u8, (usize, usize, usize), Option<u32>);
        let mut acquires: Vec<Vec<Held>> = vec![Vec::new(); self.nodes.len()];
        let mut any = false;
        for ci in crates {
            for (file, facts) in ci.cx.files.iter().enumerate() {
                for (ai, a) in facts.acquisitions.iter().enumerate() {
                    let Some(caller) = a.caller else { continue };
                    if !a.inline || a.method.starts_with("try_") {
                        continue;
                    }
                    let r = FnRef {
                        krate: ci.id,
                        file,
                        func: caller,
                    };
                    // An async fn's own body runs when its future is awaited: its locks, async
                    // ones included (`.lock().await`), are taken under the awaiting caller's
                    // guards. In a sync fn, an async block's locks run later, elsewhere.
                    let in_async_fn = ci
                        .cx
                        .files
                        .get(file)
                        .and_then(|f| f.fns.get(caller as usize))
                        .is_some_and(|d| d.is_async);
                    if !in_async_fn && (a.in_async || a.awaited) {
                        continue;
                    }
                    if ci
                        .cx
                        .lock_kind(a)
                        .is_none_or(|k| k == super::LockKind::RefCell)
                    {
                        continue;
                    }
                    let Some(id) = ci.cx.lock_identity(a) else {
                        continue;
                    };
                    let Some(node) = self.node_of(&r) else {
                        continue;
                    };
                    let list = &mut acquires[node as usize];
                    if !list.iter().any(|h| h.0 == id) {
                        list.push((id, 0, (ci.id, file, ai), None));
                        any = true;
                    }
                }
            }
        }
        if !any {
            return Vec::new();
        }
        let site = |e: &Edge| self.edge_site(crates, e);
        let def = |n: u32| self.def(crates, n);
        // Within one crate (lock names are a crate's), calls that run whenever their fn runs:
        // sync → sync; and from an async fn's own body, a sync call or an awaited async fn
        // (`self.refresh().await`: the callee's body runs right there). A sync fn calling an
        // async fn only builds a future, and an un-awaited future runs wherever it is polled.
        let follow: Vec<u32> = self
            .edges
            .iter()
            .enumerate()
            .filter(|(i, e)| {
                // A call through a type parameter may run any impl: no lock order of its own.
                if self.dispatch_edges.contains(&(*i as u32))
                    || self.nodes[e.from as usize].krate != self.nodes[e.to as usize].krate
                {
                    return false;
                }
                let (Some(from), Some(to), Some(s)) = (def(e.from), def(e.to), site(e)) else {
                    return false;
                };
                s.inline
                    && (!s.in_test || from.in_test)
                    && if from.is_async {
                        !to.is_async || s.awaited
                    } else {
                        !to.is_async && !s.in_async
                    }
            })
            .map(|(i, _)| i as u32)
            .collect();
        for len in 1..MAX_CHAIN as u8 {
            for &ei in &follow {
                let e = self.edges[ei as usize];
                let found: Vec<Held> = acquires[e.to as usize]
                    .iter()
                    .filter(|h| h.1 == len - 1)
                    .filter(|h| !acquires[e.from as usize].iter().any(|o| o.0 == h.0))
                    .map(|h| (h.0.clone(), len, h.2, Some(ei)))
                    .collect();
                for h in found {
                    if !acquires[e.from as usize].iter().any(|o| o.0 == h.0) {
                        acquires[e.from as usize].push(h);
                    }
                }
            }
        }
        let mut out = Vec::new();
        for (ei, e) in self.edges.iter().enumerate() {
            let Some(s) = site(e) else { continue };
            if s.held().is_empty()
                || self.nodes[e.to as usize].krate != e.krate
                || self.dispatch_edges.contains(&(ei as u32))
            {
                continue;
            }
            let Some(callee) = def(e.to) else { continue };
            if callee.is_async && !s.awaited {
                continue;
            }
            // A call that hands out the guard of the lock it takes (`users()`, see
            // `CrateIndex::lock_identity`) is that acquisition at the call already.
            let handed = self.krate(crates, e.krate).and_then(|c| {
                let a =
                    c.cx.files
                        .get(e.file)?
                        .acquisitions
                        .iter()
                        .find(|a| a.via_call && a.region == s.region)?;
                c.cx.lock_identity(a)
            });
            for h in &acquires[e.to as usize] {
                if handed.as_deref() == Some(h.0.as_str()) {
                    continue;
                }
                let (kc, kf, ka) = h.2;
                let Some(real) = self
                    .krate(crates, kc)
                    .and_then(|c| c.cx.files.get(kf)?.acquisitions.get(ka))
                else {
                    continue;
                };
                let mut chain = Vec::new();
                let mut node = e.to;
                let mut next = h.3;
                while let Some(step) = next {
                    let se = self.edges[step as usize];
                    let (Some(from), Some(to), Some(at)) = (def(node), def(se.to), site(&se))
                    else {
                        break;
                    };
                    chain.push(Step {
                        krate: se.krate,
                        file: se.file,
                        region: at.region,
                        caller: from.display.clone(),
                        calls: format!("`{}`", to.display),
                        target: Some((self.nodes[se.to as usize], to.region.line)),
                    });
                    node = se.to;
                    next = acquires[node as usize]
                        .iter()
                        .find(|o| o.0 == h.0)
                        .and_then(|o| o.3);
                }
                chain.push(Step {
                    krate: kc,
                    file: kf,
                    region: real.region,
                    caller: def(node).map(|d| d.display.clone()).unwrap_or_default(),
                    calls: format!("`{}`", real.call_text()),
                    target: None,
                });
                let mut acquisition = real.clone();
                // Ids above every walker-assigned guard id of the file: never a real guard.
                acquisition.id = u32::MAX - (out.len() as u32).min(u32::MAX / 2);
                acquisition.region = s.region;
                acquisition.function = s.function().cloned();
                acquisition.snippet = s.snippet().to_string();
                acquisition.held = s.held().to_vec();
                acquisition.sibling_temps = s.sibling_temps().to_vec();
                acquisition.in_test = s.in_test;
                acquisition.in_async = s.in_async;
                acquisition.body = u32::MAX;
                acquisition.caller = Some(s.caller);
                out.push(LockCall {
                    krate: e.krate,
                    file: e.file,
                    acquisition,
                    callee: callee.display.clone(),
                    chain,
                });
                let _ = ei;
            }
        }
        out
    }

    fn krate<'c, 'a>(
        &self,
        crates: &'c [CrateInput<'c, 'a>],
        id: usize,
    ) -> Option<&'c CrateInput<'c, 'a>> {
        crates.get(*self.pos.get(&id)?)
    }

    /// The call site an edge stands for.
    fn edge_site<'c, 'a>(
        &self,
        crates: &'c [CrateInput<'c, 'a>],
        e: &Edge,
    ) -> Option<&'c CallSite> {
        self.krate(crates, e.krate)?
            .cx
            .files
            .get(e.file)?
            .calls
            .get(e.site)
    }

    fn node_of(&self, r: &FnRef) -> Option<u32> {
        let span = self.files.get(&(r.krate, r.file))?;
        (r.func < span.fns).then(|| span.first_node + r.func)
    }

    fn site_slot(&self, krate: usize, file: usize, site: usize) -> Option<usize> {
        let span = self.files.get(&(krate, file))?;
        (site < span.sites as usize).then(|| span.first_site as usize + site)
    }

    fn edge_of_site(&self, krate: usize, file: usize, site: usize) -> Option<u32> {
        let e = *self.site_edge.get(self.site_slot(krate, file, site)?)?;
        (e != NO_EDGE).then_some(e)
    }

    /// Whether fn `node` loses no error a caller drops: it never returns `Err`, or reports each
    /// error where it makes it (`FnDef::logged_errors`) and so does every callee whose error
    /// it hands on with `?` or as its value, followed up to a few levels. A callee the graph
    /// did not resolve (a library's) hands on an error nobody reported.
    fn loses_no_error(&self, crates: &[CrateInput<'_, '_>], node: u32, depth: usize) -> bool {
        let Some(def) = self.def(crates, node) else {
            return false;
        };
        if def.never_errs || def.errs_with_unit {
            return true;
        }
        let (Some(via), true) = (&def.logged_errors, depth < MAX_CHAIN) else {
            return false;
        };
        let r = self.nodes[node as usize];
        let Some(facts) = self
            .krate(crates, r.krate)
            .and_then(|c| c.cx.files.get(r.file))
        else {
            return false;
        };
        via.iter().all(|at| {
            facts
                .calls
                .iter()
                .position(|c| c.region == *at)
                .and_then(|site| self.edge_of_site(r.krate, r.file, site))
                .and_then(|e| self.edges.get(e as usize))
                .is_some_and(|e| e.to != node && self.loses_no_error(crates, e.to, depth + 1))
        })
    }

    fn def<'a>(&self, crates: &[CrateInput<'_, 'a>], node: u32) -> Option<&'a FnDef> {
        let r = self.nodes.get(node as usize)?;
        let ci = self.krate(crates, r.krate)?;
        ci.cx.files.get(r.file)?.fns.get(r.func as usize)
    }

    fn summarize(&mut self, crates: &[CrateInput<'_, '_>]) {
        self.summaries = vec![[None; HAZARD_RULES.len()]; self.nodes.len()];
        self.callers = vec![Vec::new(); self.nodes.len()];
        for ci in crates {
            for (file, facts) in ci.cx.files.iter().enumerate() {
                for h in &facts.hazards {
                    self.own(ci.id, file, h);
                }
            }
        }
        let sync: Vec<bool> = (0..self.nodes.len() as u32)
            .map(|n| self.def(crates, n).is_some_and(|d| !d.is_async))
            .collect();
        let site = |e: &Edge| self.edge_site(crates, e);
        let test_fn = |n: u32| self.def(crates, n).is_some_and(|d| d.in_test);
        // Edges a summary may follow: a sync fn's inline call of another sync fn — not a call a
        // production fn makes only in its test builds (`#[cfg(test)] if opts.diff_check {..}`).
        let follow: Vec<u32> = self
            .edges
            .iter()
            .enumerate()
            .filter(|(i, e)| {
                !self.dispatch_edges.contains(&(*i as u32))
                    && sync[e.from as usize]
                    && sync[e.to as usize]
                    && site(e)
                        .is_some_and(|s| s.inline && !s.in_async && (!s.in_test || test_fn(e.from)))
            })
            .map(|(i, _)| i as u32)
            .collect();
        for (i, e) in self.edges.iter().enumerate() {
            self.callers[e.to as usize].push(i as u32);
        }
        self.starting = self.starting_calls(crates, |d| d.spawns);
        self.starting_tasks = self.starting_calls(crates, |d| d.spawns_task);
        self.propagate(&follow, |slot| slot != LOCK_SLOT);
        // Which locks are held long needs the blocking summaries; which fns take such a lock
        // needs that.
        self.long_held = crates
            .iter()
            .map(|ci| {
                ci.cx
                    .long_held_locks(|file, site| self.blocking_callee(crates, ci.id, file, site))
            })
            .collect();
        for ci in crates {
            for (file, facts) in ci.cx.files.iter().enumerate() {
                // A std/parking_lot lock taken in a sync fn blocks its async callers: the same
                // acquisitions blocking_lock_in_async reports in async bodies.
                for a in &facts.acquisitions {
                    let Some(caller) = a.caller else { continue };
                    if a.in_async || !a.inline || a.awaited || a.method.starts_with("try_") {
                        continue;
                    }
                    let Some(kind) = ci.cx.lock_kind(a) else {
                        continue;
                    };
                    let what = if kind.is_thread_lock() {
                        let reader = ci.cx.shared_acquisition(a);
                        let Some(hold) = ci.cx.lock_identity(a).and_then(|id| {
                            self.long_hold(ci.id, &id, (ci.id, file, a.region), reader)
                        }) else {
                            continue;
                        };
                        format!(
                            "`{}` (a {}; {})",
                            a.call_text(),
                            kind.describe(),
                            hold.describe()
                        )
                    } else if kind.panics_in_async(&a.method) {
                        format!(
                            "`{}` (tokio's, which panics in async context)",
                            a.call_text()
                        )
                    } else {
                        continue;
                    };
                    let h = Hazard {
                        caller,
                        rule: "blocking_lock_in_async",
                        what,
                        region: a.region,
                    };
                    self.own(ci.id, file, &h);
                }
            }
        }
        self.propagate(&follow, |slot| slot == LOCK_SLOT);
    }

    /// How a lock crate `krate` takes (by identity) is held long by an acquisition other than
    /// `except` (crate, file, region): in that crate, or in a workspace member it names (a type
    /// or static declared there, held long by its own code). A `reader` waits only for a
    /// writer's hold.
    pub fn long_hold(
        &self,
        krate: usize,
        identity: &str,
        except: (usize, usize, crate::finding::Region),
        reader: bool,
    ) -> Option<&super::locks::LongHold> {
        let pos = *self.pos.get(&krate)?;
        let except = (self.pos.get(&except.0).copied(), except.1, except.2);
        let held = |at: usize| {
            self.long_held
                .get(at)?
                .get(identity)?
                .iter()
                .find(|h| (Some(at), h.holder.0, h.holder.1) != except && h.blocks(reader))
        };
        held(pos).or_else(|| self.named.get(pos)?.iter().find_map(|&dep| held(dep)))
    }

    /// Record `h` as its fn's own hazard, unless the fn already has one for that rule.
    fn own(&mut self, krate: usize, file: usize, h: &Hazard) {
        let Some(slot) = HAZARD_RULES.iter().position(|r| *r == h.rule) else {
            return;
        };
        let Some(node) = self.node_of(&FnRef {
            krate,
            file,
            func: h.caller,
        }) else {
            return;
        };
        if self.summaries[node as usize][slot].is_some() {
            return;
        }
        let hz = self.hazards.len() as u32;
        self.hazards.push(HazardAt {
            file,
            krate,
            what: h.what.clone(),
            region: h.region,
        });
        self.summaries[node as usize][slot] = Some(Witness {
            len: 0,
            via: Via::Own(hz),
        });
    }

    /// Extend the summaries of the slots `slots` accepts along `follow`, shortest witness first.
    fn propagate(&mut self, follow: &[u32], slots: impl Fn(usize) -> bool) {
        for len in 1..MAX_CHAIN as u8 {
            for &ei in follow {
                let e = self.edges[ei as usize];
                for slot in (0..HAZARD_RULES.len()).filter(|&s| slots(s)) {
                    if self.summaries[e.from as usize][slot].is_some() {
                        continue;
                    }
                    if self.summaries[e.to as usize][slot].is_some_and(|w| w.len == len - 1) {
                        self.summaries[e.from as usize][slot] = Some(Witness {
                            len,
                            via: Via::Call(ei),
                        });
                    }
                }
            }
        }
    }

    /// If call site `site` of a file of crate `krate` calls a sync fn that (within
    /// [`MAX_CHAIN`] calls) makes a blocking call: "a call of `flush`, which calls
    /// std::fs::write".
    fn blocking_callee(
        &self,
        crates: &[CrateInput<'_, '_>],
        krate: usize,
        file: usize,
        site: usize,
    ) -> Option<String> {
        let e = self.edge_of_site(krate, file, site)?;
        let to = self.edges[e as usize].to;
        let callee = self.def(crates, to)?;
        if callee.is_async {
            return None;
        }
        self.summaries[to as usize][BLOCKING_SLOT]?;
        let chain = self.chain(crates, to, BLOCKING_SLOT);
        let mut text = format!("a call of `{}`", callee.display);
        for step in &chain {
            text.push_str(", which calls ");
            text.push_str(&step.calls);
        }
        Some(text)
    }

    /// The async-context calls in crate `krate` of sync fns whose summary has `rule`'s hazard
    /// within [`MAX_CHAIN`] calls of the call site, with each one's chain. Calls inside a
    /// closure handed to `spawn_blocking`/`block_in_place` are not in async context.
    pub fn hazard_calls<'a>(
        &self,
        crates: &[CrateInput<'_, 'a>],
        krate: usize,
        rule: &str,
        keep: &dyn Fn(usize, &CallSite) -> bool,
    ) -> Vec<HazardCall<'a>> {
        let mut out = Vec::new();
        let Some(slot) = HAZARD_RULES.iter().position(|r| *r == rule) else {
            return out;
        };
        let Some(ci) = self.krate(crates, krate) else {
            return out;
        };
        // One finding per calling fn and callee: its first call (a fn logging through the same
        // helper twenty times has one thing to fix).
        let mut seen: rustc_hash::FxHashSet<(usize, u32, u32)> = Default::default();
        let mut exit_heads: rustc_hash::FxHashSet<(usize, u32, u32)> = Default::default();
        // Blocking parks a worker; off the workers it parks only the thread that chose to
        // block (an exit ends the process wherever it runs).
        let blocks = rule != "exit_in_async";
        for (file, facts) in ci.cx.files.iter().enumerate() {
            for (site_ix, site) in facts.calls.iter().enumerate() {
                if !site.in_async || (blocks && site.off_worker) {
                    continue;
                }
                let Some(ei) = self.edge_of_site(krate, file, site_ix) else {
                    continue;
                };
                let to = self.edges[ei as usize].to;
                let Some(callee) = self.def(crates, to) else {
                    continue;
                };
                if callee.is_async || self.summaries[to as usize][slot].is_none() {
                    continue;
                }
                // Before the dedup: a first call that stalls nothing (before main spawned
                // anything) leaves a later one (after) to report.
                if blocks
                    && site.inline
                    && self.stalls_nothing(
                        crates,
                        FnRef {
                            krate,
                            file,
                            func: site.caller,
                        },
                        site.region.start_byte,
                        site.tasks_before,
                    )
                {
                    continue;
                }
                if !keep(file, site) || !seen.insert((file, site.caller, to)) {
                    continue;
                }
                let chain = self.chain(crates, to, slot);
                if chain.is_empty() {
                    continue;
                }
                // An exit: one finding per calling fn's own body (not a task it spawns) and
                // fn that decides to exit — the last before the exit helper, so
                // `config_or_die()` and `db_or_die()` sharing a `die()` are two. Every arm of a
                // CLI's dispatch calling `ctx.chain_or_exit()`, then a builder that calls it
                // again, is one thing to fix, and the later calls exit only if what the first
                // checked changed.
                if !blocks && site.inline {
                    let through = self.chain_nodes(to, slot);
                    let decides = through[through.len().saturating_sub(2)];
                    if !exit_heads.insert((file, site.caller, decides)) {
                        continue;
                    }
                }
                out.push(HazardCall {
                    file,
                    site,
                    callee,
                    callee_at: self.nodes[to as usize],
                    chain,
                });
            }
        }
        out
    }

    /// See [`CallGraph::starting`] (the field).
    fn starting_calls(
        &self,
        crates: &[CrateInput<'_, '_>],
        starts_itself: impl Fn(&FnDef) -> bool,
    ) -> FxHashMap<u32, Vec<StartingCall>> {
        let site = |e: &Edge| self.edge_site(crates, e);
        // A call runs its callee's body when it is made in place and, for an async fn, awaited.
        let runs = |e: &Edge| {
            site(e).is_some_and(|s| {
                s.inline && (s.awaited || self.def(crates, e.to).is_some_and(|d| !d.is_async))
            })
        };
        let mut starts: Vec<bool> = (0..self.nodes.len() as u32)
            .map(|n| self.def(crates, n).is_some_and(&starts_itself))
            .collect();
        let mut work: Vec<u32> = (0..self.nodes.len() as u32)
            .filter(|&n| starts[n as usize])
            .collect();
        while let Some(n) = work.pop() {
            for &ei in &self.callers[n as usize] {
                let e = &self.edges[ei as usize];
                if !starts[e.from as usize] && runs(e) {
                    starts[e.from as usize] = true;
                    work.push(e.from);
                }
            }
        }
        // Per calling fn, its calls of such fns: where each starts, and the branch it is in. A
        // later call in that branch (or outside it, when it is in none) comes after it; one in
        // another `match` arm does not.
        let mut starting: FxHashMap<u32, Vec<StartingCall>> = FxHashMap::default();
        for e in &self.edges {
            if starts[e.to as usize]
                && runs(e)
                && let Some(s) = site(e)
            {
                starting
                    .entry(e.from)
                    .or_default()
                    .push((s.region.start_byte, s.branch));
            }
        }
        starting
    }

    /// Whether fn `node`, before the point `at` (a byte offset in its file) of its body, has
    /// made a call of a fn that starts a task or thread (see [`CallGraph::starting`]): one in
    /// the same branch as `at`, or in none. One in another `match` arm or `if` branch does not
    /// count.
    fn started_before(&self, node: u32, at: u32) -> bool {
        Self::started_in(&self.starting, node, at)
    }

    /// [`CallGraph::started_before`], of tasks only.
    fn started_tasks_before(&self, node: u32, at: u32) -> bool {
        Self::started_in(&self.starting_tasks, node, at)
    }

    fn started_in(starting: &FxHashMap<u32, Vec<StartingCall>>, node: u32, at: u32) -> bool {
        starting.get(&node).is_some_and(|calls| {
            calls
                .iter()
                .any(|&(start, (lo, hi))| start < at && lo <= at && at <= hi)
        })
    }

    /// The witness chain of `node`'s summary in `slot`: one step per fn, callee first.
    /// The fns a hazard's witness chain from `node` goes through, `node` first.
    fn chain_nodes(&self, mut node: u32, slot: usize) -> Vec<u32> {
        let mut out = vec![node];
        for _ in 0..MAX_CHAIN {
            match self.summaries[node as usize][slot].map(|w| w.via) {
                Some(Via::Call(e)) => {
                    node = self.edges[e as usize].to;
                    out.push(node);
                }
                _ => break,
            }
        }
        out
    }

    fn chain(&self, crates: &[CrateInput<'_, '_>], mut node: u32, slot: usize) -> Vec<Step> {
        let mut steps = Vec::new();
        for _ in 0..MAX_CHAIN {
            let Some(w) = self.summaries[node as usize][slot] else {
                return Vec::new();
            };
            let Some(def) = self.def(crates, node) else {
                return Vec::new();
            };
            match w.via {
                Via::Own(h) => {
                    let h = &self.hazards[h as usize];
                    steps.push(Step {
                        krate: h.krate,
                        file: h.file,
                        region: h.region,
                        caller: def.display.clone(),
                        calls: h.what.clone(),
                        target: None,
                    });
                    return steps;
                }
                Via::Call(e) => {
                    let e = self.edges[e as usize];
                    let Some(callee) = self.def(crates, e.to) else {
                        return Vec::new();
                    };
                    let Some(site) = self.edge_site(crates, &e) else {
                        return Vec::new();
                    };
                    steps.push(Step {
                        krate: e.krate,
                        file: e.file,
                        region: site.region,
                        caller: def.display.clone(),
                        calls: format!("`{}`", callee.display),
                        target: Some((self.nodes[e.to as usize], callee.region.line)),
                    });
                    node = e.to;
                }
            }
        }
        Vec::new()
    }

    /// Whether fn `at` is reached from the workspace's startup only: every chain of resolved
    /// calls into it (up to a few levels) starts at a `main` fn, and none comes from a place
    /// the graph cannot see (a fn nothing resolved calls: a handler registered by name, a
    /// task's body, a trait impl). An approximation of "runs before the server starts".
    pub fn startup_only(&self, crates: &[CrateInput<'_, '_>], at: FnRef) -> bool {
        self.startup_chains(crates, at, Before::Nothing, false)
    }

    /// Whether fn `at` is test support production never calls: its name or its module's says
    /// test (`init_test_federation_config`, `utils::test::parse_lemmy_person` in a `pub mod
    /// test;` no `#[cfg(test)]` marks), it has callers, every one of them is test code, and no
    /// call the graph could not follow may be a call of it. Findings in its body are test code.
    pub fn test_only(&self, crates: &[CrateInput<'_, '_>], at: FnRef) -> bool {
        let Some(n) = self.node_of(&at) else {
            return false;
        };
        let Some(def) = self.def(crates, n) else {
            return false;
        };
        if def.in_test || def.is_main || def.dispatched || !named_for_tests(def) {
            return false;
        }
        let callers = &self.callers[n as usize];
        !callers.is_empty()
            && callers.iter().all(|&ei| {
                self.edge_site(crates, &self.edges[ei as usize])
                    .is_some_and(|s| s.in_test)
            })
            && !self.may_be_called_unseen(crates, &at, def)
    }

    /// Whether fn `at` is reached from the workspace's startup only (see [`Self::startup_only`])
    /// before anything has started that an exit would cut off: at no call of a chain into it
    /// had the calling fn spawned a task or thread, or did it keep a value alive only for its
    /// destructor (see [`CallSite::cuts_off`]).
    pub fn startup_before_work(&self, crates: &[CrateInput<'_, '_>], at: FnRef) -> bool {
        self.startup_chains(crates, at, Before::Work, false)
    }

    /// `seen_only`: also no call the graph could not follow may be a call of a fn of the chain
    /// (see [`Self::may_be_called_unseen`]: a handler registered by value, a same-named method
    /// on a receiver of unknown type).
    fn startup_chains(
        &self,
        crates: &[CrateInput<'_, '_>],
        at: FnRef,
        before: Before,
        seen_only: bool,
    ) -> bool {
        self.every_caller_chain(
            crates,
            at,
            |at, def| {
                if def.is_main {
                    Some(true)
                } else if seen_only && self.may_be_called_unseen(crates, at, def) {
                    Some(false)
                } else {
                    None
                }
            },
            // Called from a spawned task or a closure handed elsewhere: runs later, anywhere;
            // an async fn's future not awaited right there (`tokio::spawn(run())`) too.
            |callee, site, e| {
                let started = match before {
                    Before::Nothing => false,
                    Before::Work => site.cuts_off,
                    Before::Tasks => site.tasks_before,
                };
                (!site.inline
                    || (callee.makes_future()
                        && !site.awaited
                        && !site.returned
                        && !self.block_on_edges.contains(&(e as u32)))
                    || (before != Before::Nothing
                        && (started
                            || self.edges.get(e).is_none_or(|e| match before {
                                Before::Tasks => {
                                    self.started_tasks_before(e.from, site.region.start_byte)
                                }
                                _ => self.started_before(e.from, site.region.start_byte),
                            }))))
                .then_some(false)
            },
            |_, _| Vec::new(),
        )
    }

    /// Whether every run of fn `at` holds one process-wide lock its callers took: each resolved
    /// call into it is made in place (awaited, for an async fn) while the calling fn holds a
    /// `lock()`/`write()` guard of the same static (`select_next(&mut map).await` under `let
    /// mut map = QUERIERS.write().await`, at every call), and no call the graph could not
    /// follow may be a call of it. Two runs of `at` then never interleave. Callers holding
    /// different locks, or a lock of their own instance (`self.shards.lock()`), serialize
    /// nothing between them.
    pub fn serialized_by_callers(&self, crates: &[CrateInput<'_, '_>], at: FnRef) -> bool {
        // The locks held at every call so far: each call that ends its chain well leaves it
        // non-empty, and an empty one ends the walk with no.
        let common: std::cell::RefCell<Option<BTreeSet<String>>> = std::cell::RefCell::new(None);
        self.every_caller_chain(
            crates,
            at,
            |at, def| (def.is_main || self.may_be_called_unseen(crates, at, def)).then_some(false),
            |callee, site, e| {
                let in_place = site.inline && (!callee.makes_future() || site.awaited);
                let held = self.static_exclusive_guards(crates, e, site);
                let mut common = common.borrow_mut();
                let now: std::collections::BTreeSet<String> = match common.take() {
                    None => held,
                    Some(before) => before.intersection(&held).cloned().collect(),
                };
                let ok = in_place && !now.is_empty();
                *common = Some(now);
                Some(ok)
            },
            |_, _| Vec::new(),
        )
    }

    /// The identities of the exclusive guards (`lock`/`write`, not a read) of statics alive at
    /// the call `site` that edge `e` stands for.
    fn static_exclusive_guards(
        &self,
        crates: &[CrateInput<'_, '_>],
        e: usize,
        site: &CallSite,
    ) -> std::collections::BTreeSet<String> {
        let (Some(ctx), Some(edge)) = (&site.context, self.edges.get(e)) else {
            return Default::default();
        };
        let Some(ci) = self.krate(crates, edge.krate) else {
            return Default::default();
        };
        let Some(facts) = ci.cx.files.get(edge.file) else {
            return Default::default();
        };
        ctx.held
            .iter()
            .filter_map(|&id| facts.acquisitions.iter().find(|a| a.id == id))
            .filter(|a| !ci.cx.shared_acquisition(a) && super::types::is_static_rooted(&a.receiver))
            .filter_map(|a| ci.cx.lock_identity(a))
            .collect()
    }

    /// Whether blocking at byte `at_byte` of fn `at` stalls no other task: the fn runs only off
    /// the runtime's workers ([`Self::off_worker_only`]), or only in the program's startup
    /// before anything was started ([`Self::startup_before_work`], and the fn has started
    /// nothing itself before that point) — a one-shot command's file read on a current-thread
    /// runtime, where no other task exists yet to wait.
    pub fn stalls_nothing(
        &self,
        crates: &[CrateInput<'_, '_>],
        at: FnRef,
        at_byte: u32,
        started_here: bool,
    ) -> bool {
        self.off_worker_only(crates, at)
            || (!started_here
                && self
                    .node_of(&at)
                    .is_some_and(|n| !self.started_tasks_before(n, at_byte))
                && self.startup_chains(crates, at, Before::Tasks, true))
    }

    /// Whether async fn `at` runs only off the runtime's workers: every resolved call into it
    /// is awaited in place by a thread that is not a worker — the future a runtime's
    /// `block_on` runs from sync code (`rt.block_on(serve(cfg))`), the body of `#[tokio::main]`
    /// — directly or through async fns only reached that way themselves (followed up to a few
    /// levels). A call the graph cannot see (a fn nothing resolved calls, or a call it could
    /// not follow bearing the fn's name), a spawned or unawaited future, or one awaited inside
    /// another async block makes the answer no. A method call on a receiver of unknown type
    /// that bears the fn's name and is awaited in place in an async fn (`cmd.build(o).await?
    /// .run().await`) counts as a call of it from that fn, which must then answer yes too —
    /// for a fn with resolved callers, or an impl of a workspace trait (see
    /// [`Self::unseen_awaiting`]).
    pub fn off_worker_only(&self, crates: &[CrateInput<'_, '_>], at: FnRef) -> bool {
        self.every_caller_chain(
            crates,
            at,
            |at, def| {
                (!def.makes_future() || self.called_unseen_elsewhere(crates, at, def))
                    .then_some(false)
            },
            |_, site, edge| {
                if self.block_on_edges.contains(&(edge as u32)) {
                    Some(true)
                } else if site.returned {
                    // Polled where the returning fn's value is: its callers answer.
                    None
                } else if !site.awaited {
                    Some(false)
                } else if site.off_worker {
                    Some(true)
                } else if site.by_executor && site.inline && !site.in_async {
                    // `block_on(opt.run())` in a sync fn: on the thread that calls that fn.
                    let from = self.edges.get(edge).map(|e| self.nodes[e.from as usize]);
                    Some(from.is_some_and(|f| self.sync_off_worker(crates, f)))
                } else if !site.inline {
                    Some(false)
                } else {
                    None
                }
            },
            // An untyped call awaited in place is a call such as the last arm goes on from.
            |at, def| self.unseen_awaiting(at, def),
        )
    }

    /// Whether sync fn `at` runs on no runtime worker: every chain of resolved calls into it
    /// is made in place by sync fns and starts at a sync `main` that nothing calls (`fn main()
    /// { cmd.process() }` where `process` runs `block_on(opt.run())`). An async fn on the way
    /// (its sync callee runs on the worker polling it), a closure handed elsewhere, or a caller
    /// the graph cannot see makes the answer no.
    fn sync_off_worker(&self, crates: &[CrateInput<'_, '_>], at: FnRef) -> bool {
        self.every_caller_chain(
            crates,
            at,
            |at, def| {
                if def.makes_future() {
                    Some(false)
                } else if def.is_main {
                    // The program's entry, not a `main` some other code calls.
                    Some(
                        self.node_of(at)
                            .is_some_and(|n| self.callers[n as usize].is_empty()),
                    )
                } else {
                    self.may_be_called_unseen(crates, at, def).then_some(false)
                }
            },
            |_, site, _| (!site.inline || site.in_async).then_some(false),
            |_, _| Vec::new(),
        )
    }

    /// Whether a call the graph could not follow may be a call of `def` (see
    /// [`FnDef::call_keys`]). A trait's method may be called through the trait from any crate;
    /// an inherent fn or method only from its own crate and the crates that name it, directly
    /// or through another member's re-export (api-client's `next.run(req, ext)` is no call of
    /// cargo-shuttle's `Shuttle::run(args, init)`).
    fn may_be_called_unseen(&self, crates: &[CrateInput<'_, '_>], at: &FnRef, def: &FnDef) -> bool {
        self.called_unseen_elsewhere(crates, at, def) || !self.unseen_awaiting(at, def).is_empty()
    }

    /// The fns that may call `def` by an untyped method call awaited in place (see
    /// [`CallGraph::unseen_awaits`]), each with whether that call is made off the workers; from
    /// the same crates as in [`Self::may_be_called_unseen`].
    fn unseen_awaiting(&self, at: &FnRef, def: &FnDef) -> Vec<(u32, bool)> {
        if self.unseen_awaits.is_empty() {
            return Vec::new();
        }
        // A fn nothing resolved calls may be reached from anywhere (a handler registered by
        // name, another workspace's call): its unseen callers are some of them at most. Only
        // a workspace trait's impl is called through the trait, from this workspace alone.
        let resolved = self
            .node_of(at)
            .is_some_and(|n| !self.callers[n as usize].is_empty());
        if !resolved
            && !self
                .node_of(at)
                .is_some_and(|n| self.workspace_trait_impls.contains(&n))
        {
            return Vec::new();
        }
        let home = self.pos.get(&at.krate).copied();
        let mut naming: Option<Vec<usize>> = None;
        let mut out = Vec::new();
        for key in def.call_keys() {
            for &(c, n, off_worker) in self.unseen_awaits.get(&key).into_iter().flatten() {
                let reaches = def.dispatched
                    || home.is_none_or(|h| {
                        naming
                            .get_or_insert_with(|| self.naming_crates(h))
                            .contains(&c)
                    });
                if reaches {
                    out.push((n, off_worker));
                }
            }
        }
        out
    }

    /// Crate `home` (by position) and the crates that name it, directly or through others.
    fn naming_crates(&self, home: usize) -> Vec<usize> {
        let mut seen = vec![home];
        let mut work = vec![home];
        while let Some(c) = work.pop() {
            for &d in self.dependents.get(c).into_iter().flatten() {
                if !seen.contains(&d) {
                    seen.push(d);
                    work.push(d);
                }
            }
        }
        seen
    }

    /// [`Self::may_be_called_unseen`] but for the untyped calls awaited in place.
    fn called_unseen_elsewhere(
        &self,
        crates: &[CrateInput<'_, '_>],
        at: &FnRef,
        def: &FnDef,
    ) -> bool {
        let keys: Vec<u64> = def
            .call_keys()
            .filter(|k| {
                self.unfollowed.contains(k)
                    || (def.dispatched && self.unfollowed_by_trait.contains(k))
            })
            .collect();
        if keys.is_empty() {
            return false;
        }
        let Some(&home) = self.pos.get(&at.krate) else {
            return true;
        };
        if def.dispatched {
            return true;
        }
        let has_key = |sorted: &[u64]| keys.iter().any(|k| sorted.binary_search(k).is_ok());
        self.naming_crates(home).into_iter().any(|c| {
            self.unfollowed_sites.get(c).is_some_and(|s| has_key(s))
                || crates
                    .get(c)
                    .is_some_and(|ci| ci.cx.files.iter().any(|f| has_key(&f.unfollowed_names)))
        })
    }

    /// Walks the resolved calls into `at` upward, up to a few levels. `node` judges each fn
    /// reached and `edge` each call into it (with the callee): `Some(true)` ends that chain
    /// well, `Some(false)` answers no, `None` goes on to the caller. A fn without callers, a
    /// chain too deep, or no chain ending well answers no. Calls made in test code are left
    /// out for a fn that is not test code itself. `unseen` adds callers the graph did not
    /// resolve (see [`Self::unseen_awaiting`]): one made off the workers ends its chain well,
    /// any other goes on to its fn.
    fn every_caller_chain(
        &self,
        crates: &[CrateInput<'_, '_>],
        at: FnRef,
        node: impl Fn(&FnRef, &FnDef) -> Option<bool>,
        edge: impl Fn(&FnDef, &CallSite, usize) -> Option<bool>,
        unseen: impl Fn(&FnRef, &FnDef) -> Vec<(u32, bool)>,
    ) -> bool {
        let Some(start) = self.node_of(&at) else {
            return false;
        };
        let start_in_test = self.def(crates, start).is_some_and(|d| d.in_test);
        let mut seen = vec![start];
        let mut work = vec![(start, 0usize)];
        let mut ended_well = false;
        while let Some((n, depth)) = work.pop() {
            let Some(def) = self.def(crates, n) else {
                return false;
            };
            match node(&self.nodes[n as usize], def) {
                Some(true) => {
                    ended_well = true;
                    continue;
                }
                Some(false) => return false,
                None => {}
            }
            let callers = &self.callers[n as usize];
            let unseen = unseen(&self.nodes[n as usize], def);
            if (callers.is_empty() && unseen.is_empty()) || depth >= 2 * MAX_CHAIN {
                return false;
            }
            for (from, off_worker) in unseen {
                if off_worker {
                    ended_well = true;
                } else if !seen.contains(&from) {
                    seen.push(from);
                    work.push((from, depth + 1));
                }
            }
            for &ei in callers {
                let e = self.edges[ei as usize];
                let Some(site) = self.edge_site(crates, &e) else {
                    return false;
                };
                // A test calling production code is no path production takes.
                if site.in_test && !start_in_test {
                    continue;
                }
                match edge(def, site, ei as usize) {
                    Some(true) => {
                        ended_well = true;
                        continue;
                    }
                    Some(false) => return false,
                    None => {}
                }
                if !seen.contains(&e.from) {
                    seen.push(e.from);
                    work.push((e.from, depth + 1));
                }
            }
        }
        ended_well
    }
}

/// A fn whose name or module path has the word `test`, `tests` or `testing` in it.
fn named_for_tests(def: &FnDef) -> bool {
    def.path
        .split("::")
        .chain(std::iter::once(def.display.as_str()))
        .any(|seg| {
            // Most names hold no `test` at all: spare them the word split.
            seg.as_bytes()
                .windows(4)
                .any(|w| w.eq_ignore_ascii_case(b"test"))
                && super::secret_names::split_words(seg)
                    .iter()
                    .any(|w| matches!(w.as_str(), "test" | "tests" | "testing"))
        })
}

/// What a crate's rules see of the graph: the graph, every crate it spans, and which one is
/// being checked.
#[derive(Clone, Copy)]
pub struct CallsView<'a> {
    pub graph: &'a CallGraph,
    pub crates: &'a [CrateInput<'a, 'a>],
    pub krate: usize,
}

impl<'a> CallsView<'a> {
    /// See [`CallGraph::hazard_calls`].
    pub fn hazard_calls(&self, rule: &str) -> Vec<HazardCall<'a>> {
        self.graph
            .hazard_calls(self.crates, self.krate, rule, &|_, _| true)
    }

    /// [`Self::hazard_calls`] among the call sites `keep` accepts (file index, site): a fn's
    /// first such call is its finding.
    pub fn hazard_calls_where(
        &self,
        rule: &str,
        keep: &dyn Fn(usize, &CallSite) -> bool,
    ) -> Vec<HazardCall<'a>> {
        self.graph.hazard_calls(self.crates, self.krate, rule, keep)
    }

    /// Whether the call site `site` of file `file` resolved to a fn that loses no error (see
    /// [`CallGraph::loses_no_error`]), or to several bodies that each lose none (two
    /// `TryFrom` impls of one type whose `Error` is `()`).
    pub fn callee_loses_no_error(&self, file: usize, site: usize) -> bool {
        let g = self.graph;
        match g.edge_of_site(self.krate, file, site) {
            Some(e) => g
                .edges
                .get(e as usize)
                .is_some_and(|e| g.loses_no_error(self.crates, e.to, 0)),
            None => g
                .site_slot(self.krate, file, site)
                .and_then(|slot| g.site_candidates.get(&slot))
                .is_some_and(|ns| ns.iter().all(|&n| g.loses_no_error(self.crates, n, 0))),
        }
    }

    /// The report path of a file of any crate of the graph.
    pub fn path(&self, krate: usize, file: usize) -> Option<&'a str> {
        let ci = self.graph.krate(self.crates, krate)?;
        ci.cx.paths.get(file).copied()
    }

    /// The names (as findings spell their `function`) of the fns of file `file` in the crate
    /// being checked that only test code calls (see [`CallGraph::test_only`]).
    pub fn test_only_fns(&self, file: usize) -> Vec<&'a str> {
        let Some(facts) = self
            .graph
            .krate(self.crates, self.krate)
            .and_then(|c| c.cx.files.get(file))
        else {
            return Vec::new();
        };
        facts
            .fns
            .iter()
            .enumerate()
            .filter(|(_, def)| named_for_tests(def))
            .filter(|(func, _)| {
                self.graph.test_only(
                    self.crates,
                    FnRef {
                        krate: self.krate,
                        file,
                        func: *func as u32,
                    },
                )
            })
            .map(|(_, def)| def.display.as_str())
            .collect()
    }

    /// See [`CallGraph::startup_only`]: `file`/`func` in the crate being checked.
    pub fn startup_only(&self, file: usize, func: u32) -> bool {
        self.graph.startup_only(
            self.crates,
            FnRef {
                krate: self.krate,
                file,
                func,
            },
        )
    }

    /// See [`CallGraph::serialized_by_callers`]: `file`/`func` in the crate being checked.
    pub fn serialized_by_callers(&self, file: usize, func: u32) -> bool {
        self.graph.serialized_by_callers(
            self.crates,
            FnRef {
                krate: self.krate,
                file,
                func,
            },
        )
    }

    /// See [`CallGraph::startup_before_work`]: fn `func` of file `file` in the crate being
    /// checked, up to byte `at` of its body, before which the fn itself has not called one that
    /// starts work either (see [`CallGraph::started_before`]).
    pub fn startup_before_work(&self, file: usize, func: u32, at: u32) -> bool {
        let at_fn = FnRef {
            krate: self.krate,
            file,
            func,
        };
        self.graph
            .node_of(&at_fn)
            .is_some_and(|n| !self.graph.started_before(n, at))
            && self.graph.startup_before_work(self.crates, at_fn)
    }

    /// See [`CallGraph::stalls_nothing`]: byte `at` of fn `func` of file `file` in the crate
    /// being checked.
    pub fn stalls_nothing(&self, file: usize, func: u32, at: u32, started_here: bool) -> bool {
        self.graph.stalls_nothing(
            self.crates,
            FnRef {
                krate: self.krate,
                file,
                func,
            },
            at,
            started_here,
        )
    }

    /// The chain as related locations, relative to a finding in file `file` of this crate, and
    /// as message text: "calls `a` (src/a.rs:3), which calls `b` (src/b.rs:9), which calls
    /// std::fs::read".
    pub fn describe(
        &self,
        file: usize,
        call: &HazardCall<'_>,
    ) -> (String, Vec<crate::finding::Related>) {
        let mut text = format!("calls `{}`", call.callee.display);
        if let Some(p) = self.path(call.callee_at.krate, call.callee_at.file) {
            text.push_str(&format!(" ({p}:{})", call.callee.region.line));
        }
        let mut related = Vec::new();
        for step in &call.chain {
            let path = self.path(step.krate, step.file);
            text.push_str(", which calls ");
            text.push_str(&step.calls);
            if let Some((at, line)) = step.target
                && let Some(p) = self.path(at.krate, at.file)
            {
                text.push_str(&format!(" ({p}:{line})"));
            }
            let same_file = step.krate == self.krate && step.file == file;
            related.push(crate::finding::Related {
                file: if same_file {
                    None
                } else {
                    path.map(str::to_string)
                },
                region: step.region,
                message: format!("`{}` calls {}", step.caller, step.calls),
            });
        }
        (text, related)
    }
}

impl CallsView<'_> {
    /// A finding of `rule` at an async-context call whose callee does the hazard: "calls
    /// `load_settings` (src/config.rs:12), which calls std::fs::read_to_string{effect}", with
    /// each step of the chain as a related location.
    pub fn chain_finding(
        &self,
        rule: &'static crate::lint::RuleMeta,
        call: &HazardCall<'_>,
        effect: &str,
        help: &str,
    ) -> crate::lint::CrateFinding {
        let (text, related) = self.describe(call.file, call);
        crate::lint::CrateFinding {
            file: call.file,
            finding: crate::finding::Finding {
                fix: None,
                rule: rule.name,
                severity: rule.default_severity,
                region: call.site.region,
                message: format!("{text}{effect}"),
                help: help.to_string(),
                function: call.site.function().cloned(),
                snippet: call.site.snippet().to_string(),
                related,
                in_test: call.site.in_test,
            },
        }
    }
}

impl<'a> CallsView<'a> {
    /// Calls in this crate made while guards are alive, of a fn that acquires a lock (see
    /// [`LockCall`]).
    pub fn lock_calls(&self) -> impl Iterator<Item = &'a LockCall> + use<'a> {
        let krate = self.krate;
        self.graph
            .lock_calls
            .iter()
            .filter(move |l| l.krate == krate)
    }
}
