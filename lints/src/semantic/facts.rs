//! What the walk of one file leaves behind for the crate-wide phase: index contributions, every
//! potential lock acquisition and await (with the guards alive there), and findings whose truth
//! depends on types only the crate index can settle. Plain data: no syn nodes, no spans.

use crate::finding::{Finding, Region};

use super::index::FileIndex;
use super::types::{Ty, TyExpr};

pub type GuardId = u32;

/// A call that acquires a lock if its receiver turns out to be one (`x.lock()`, `x.read()`,
/// `cell.borrow_mut()`, `m.lock().await`).
#[derive(Debug, Clone)]
pub struct Acquisition {
    pub id: GuardId,
    /// The receiver's type (also its crate-wide identity, see `CrateIndex::lock_identity`).
    pub receiver: TyExpr,
    /// Identity for locks only nameable inside one function (`let m = Mutex::new(..)`).
    pub local_identity: Option<String>,
    pub receiver_text: String,
    pub method: String,
    pub region: Region,
    pub function: Option<String>,
    pub snippet: String,
    pub in_async: bool,
    /// Off the runtime's workers (see `Cx::off_worker`).
    pub off_worker: bool,
    pub in_test: bool,
    /// `.lock().await`: an async lock, whatever its type resolves to.
    pub awaited: bool,
    /// Guards alive when this one was acquired (in acquisition order).
    pub held: Vec<GuardId>,
    /// Those of `held` that are temporaries of this acquisition's own temporary scope: made
    /// and dropped by the same expression (`Stats { a: self.a.lock().len(), b:
    /// self.b.lock().len() }`), not bound to a name nor kept by an enclosing `match`, and not
    /// the receiver of a method call whose arguments take this lock.
    pub sibling_temps: Vec<GuardId>,
    pub body: u32,
    /// The guard is the value a crate fn or method returned (`let s = self.stats();`):
    /// `receiver` is then the call's return type, which must turn out to be a guard type
    /// (`MutexGuard<'_, T>`, `RwLockWriteGuard`, `RefMut`, ...), and `method` the callee's name.
    pub via_call: bool,
    /// In a `&mut self`/`self` method, a lock reached through `self.field`: that field (the
    /// lock is the method's own unless the field is a shared handle such as `Arc` whose value
    /// is shared).
    pub exclusive_root: Option<SelfField>,
    /// A lock reached through a fn-local binding (see [`LocalUse`]).
    pub local: Option<LocalUse>,
    /// A lock of a value the fn owns alone (`let gns = Gns::empty();`, never cloned; see
    /// [`crate::semantic::syntax::owned_locals`]), taken in the
    /// fn's own run, through plain fields: the types along the way (the binding's, then each
    /// field's), none of which may be a shared handle (see `CrateCx::held_pairs`).
    pub owned: Option<Vec<TyExpr>>,
    /// The fn whose body made this acquisition (index into [`FileFacts::fns`]), and whether it
    /// runs whenever that fn runs (not in a closure handed elsewhere or an async block): what
    /// the call graph's summaries count.
    pub caller: Option<u32>,
    pub inline: bool,
    /// clippy's await-holding lints an `allow`/`expect` at the acquiring async body names (on
    /// its fn, or on a statement around its `async` block): `syntax::ALLOWS_AWAIT_HOLDING_LOCK`
    /// / `_REFCELL` bits.
    pub clippy_allows: u8,
}

impl Acquisition {
    /// A read lock's shared acquisition (`read()`, `read_owned()`, `blocking_read()`, and
    /// parking_lot's `upgradable_read()`, which excludes writers and upgraders, not readers):
    /// it waits for writers only, and other readers do not wait for it. A guard accessor's is
    /// settled with the crate index (`CrateCx::shared_acquisition`).
    pub fn shared(&self) -> bool {
        !self.via_call
            && matches!(
                self.method.trim_start_matches("blocking_"),
                "read" | "read_owned" | "try_read" | "upgradable_read"
            )
            || self.recursive_read()
    }

    /// parking_lot's `read_recursive()`: a shared acquisition that a queued writer does not
    /// hold up, only one holding the lock.
    pub fn recursive_read(&self) -> bool {
        !self.via_call && self.method.starts_with("read_recursive")
    }

    /// The acquiring call as a user wrote it: `self.jobs.lock()`, `self.stats()`, `registry()`.
    pub fn call_text(&self) -> String {
        if self.receiver_text.is_empty() {
            format!("{}()", self.method)
        } else {
            format!("{}.{}()", self.receiver_text, self.method)
        }
    }
}

pub type AccessId = u32;

/// The `self.field` a `&mut self`/`self` method reaches state through.
#[derive(Debug, Clone)]
pub struct SelfField {
    /// The field's type.
    pub ty: TyExpr,
    /// As in [`FileFacts::handed_out_fields`].
    pub name: String,
}

/// State created in a fn body (`let flag = Arc::new(AtomicBool::new(false))`, an
/// `AtomicUsize::new(0)`, a `Mutex::new(..)`) and the bindings cloned from it
/// (`let f = flag.clone()`): index into [`FileFacts::locals`].
pub type LocalId = u32;

#[derive(Debug, Clone, Default)]
pub struct LocalState {
    /// Body that created it.
    pub body: u32,
    /// A binding of it was used other than as the receiver of a lock or atomic operation, a
    /// `let` clone, a closure capture or a format argument: handed to a fn, stored, returned.
    /// Who else reaches it is unknown.
    pub escaped: bool,
    /// It was cloned into another binding.
    pub aliased: bool,
}

/// An access to local state from the body it is made in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalUse {
    pub id: LocalId,
    /// The body making the access may run more than once over the same state: a plain closure
    /// (called any number of times, maybe concurrently), or a closure/async block created in a
    /// loop, between the state's creation and this body.
    pub repeated: bool,
}

/// What a [`StateAccess`] reads or writes: the state behind a lock guard, or an atomic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccessTarget {
    /// Through the guard of acquisition `GuardId` (a temporary or a bound guard).
    Guard(GuardId),
    /// `x.load(Ordering::..)`, `x.store(v, Ordering::..)`, `x.fetch_add(n, Ordering::..)`: an
    /// atomic, named by its receiver's source text.
    Atomic(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessKind {
    Read,
    Write,
}

/// What a write stores, as far as a check-then-act judgement needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Written {
    /// A literal or a constant/unit-variant path (`true`, `STATE_FIRED`, `Phase::Running`).
    Constant(String),
    /// A value with an identity of its own: a handle, a connection, a fresh id, a sync
    /// primitive (`Arc::new(Semaphore::new(..))`, `connect(..).await?`, `Uuid::new_v4()`).
    Identity,
    /// Anything else (a computed value, an update such as `+= 1`, a removal).
    Other,
    /// A removal by key whose result the statement drops (`map.remove(&k);`, `let _ =
    /// cache.pop(&k);`): it writes no value, and a second removal of the key finds nothing
    /// and does nothing.
    KeyRemoved,
    /// A set's insert whose result the statement drops (`set.insert(k);`): a second insert of
    /// the key leaves the set as the first did.
    KeyInserted,
    /// A local binding stored as it is (`*g = available;`).
    Local(String),
    /// A value built from locals by a struct literal or a constructor (`Some(RespawnPoint {
    /// dimension, position: block_pos, .. })`, `Health::new(new_state)`): the locals it names,
    /// and the end byte of the value (the calls that make it end there).
    Built(Vec<String>, u32),
    /// A clock read (`*last = SystemTime::now()`): a timestamp, not a claim.
    Clock,
    /// A write that decides each element for itself under its own guard, by a predicate or an
    /// order over the elements alone (`retain(|d| !d.is_gone())`, `sort_by_key(|d| d.load())`,
    /// `dedup()`): run again, it changes nothing the first run left.
    SelfDecided,
}

/// One read or write of locked or atomic state: a method called on a guard (`g.len()`,
/// `m.lock().insert(..)`), a field or deref read through one, an assignment through one
/// (`*g = ..`, `g.n += 1`), or an atomic load/store/read-modify-write.
#[derive(Debug, Clone)]
pub struct StateAccess {
    /// Index in `FileFacts::accesses`.
    pub id: AccessId,
    pub body: u32,
    pub region: Region,
    pub target: AccessTarget,
    pub kind: AccessKind,
    /// The method (`len`, `insert`, `store`), or `field`, `deref`, `assign`, `compound`.
    pub op: String,
    /// The field of the guarded value the access goes through (`available` in
    /// `g.available -= 1`); `None` for the whole value.
    pub field: Option<String>,
    /// Guards alive at the access.
    pub held: Vec<GuardId>,
    /// The access's result decides a condition (`if !set.lock().insert(id)`, `match
    /// m.lock().remove(k)`, `let prev = ..insert(..); if prev.is_some()`): it re-checks.
    pub decided: bool,
    /// For a write: what it stores.
    pub written: Written,
    /// For a write: the accesses the stored value was computed from (`store(n + 1, ..)` after
    /// `let n = x.load(..)`).
    pub value_reads: Vec<AccessId>,
    /// In a `&mut self`/`self` method, for state reached through `self.field`: that field.
    /// Exclusive access unless it is a shared handle (`Arc`) whose value is shared.
    pub exclusive_root: Option<SelfField>,
    /// For an atomic reached through a fn-local binding: which one (see [`LocalUse`]).
    pub local: Option<LocalUse>,
    pub function: Option<String>,
    pub in_test: bool,
    /// Source line of an atomic write (empty otherwise).
    pub snippet: String,
    /// An atomic write whose statement the next one leaves after (`FLAG.store(true, ..);
    /// break;`): nothing on this path runs after it.
    pub then_leaves: bool,
    /// An assignment through a guard after which the path leaves with an error (see
    /// `exit_path::error_exit_follows`): `*backoff.lock() = now + retry; .. return Err(..)`.
    pub then_errs: bool,
    /// For a set's `contains(k)`/`insert(k)`: the key's text (see `walk::access::key_text`).
    pub key: Option<String>,
}

/// A condition that reads locked or atomic state, with the code whose execution it decides: the
/// branches of an `if`/`match`/`while`, and, when a branch leaves (`return`, `continue`, `break`,
/// a `let .. else`), the rest of the enclosing loop body or fn body.
#[derive(Debug, Clone)]
pub struct Decision {
    pub body: u32,
    pub region: Region,
    /// Accesses the condition's value depends on, directly or through `let` bindings.
    pub reads: Vec<AccessId>,
    /// Byte ranges (start, end) of the decided code.
    pub gated: Vec<(u32, u32)>,
    /// `if let Some(v) = ..get(k) { return v.. }`: a lookup whose hit returns early.
    pub memo: bool,
    /// A leaving branch returns a `bool` (`if f.load(..) { return false }`): the caller acts on
    /// the outcome.
    pub reports_outcome: bool,
    /// A statement `if` whose branches neither leave nor hand a value on: what it decides is
    /// only the side effects of its branches.
    pub side_effects_only: bool,
    /// The locals an `==`/`!=` condition compares with (`available` in `if available ==
    /// *g { return }`), also each comparison of an `&&` chain (`dim == p.dim && pos == p.pos`).
    pub compared: Vec<String>,
    /// Identifiers the condition mentions (`STATE_FIRED` in `x.load(..) == STATE_FIRED`).
    pub idents: Vec<String>,
    /// An `assert!`'s condition: it re-checks the state a later write through the same guard
    /// replaces, but is no check a claim relies on (it states an invariant).
    pub assertion: bool,
    /// The condition is a claim attempt on the guarded value (`guard.try_mark(..)`, a `try_`
    /// method named for marking, reserving or inserting): `Some(true)` when negated (`if
    /// !guard.try_mark(..) { return Err(..) }`), `Some(false)` as is.
    pub try_claim: Option<bool>,
    /// The fn (index into [`FileFacts::fns`]) whose every run runs this condition's body once:
    /// the fn's own body or a closure it runs in place (`None` in a closure handed elsewhere,
    /// an `async` block or a task).
    pub inline_fn: Option<u32>,
}

impl Decision {
    pub fn gates(&self, r: &Region) -> bool {
        self.gated
            .iter()
            .any(|&(s, e)| s <= r.start_byte && r.start_byte < e)
    }
}

/// A call of a crate fn made in code some [`Decision`] may gate: `self.insert_job(..)` (callee
/// `Scheduler::insert_job`, as `Acquisition::function` spells it) or `helper(..)`.
#[derive(Debug, Clone)]
pub struct GatedCall {
    pub body: u32,
    pub region: Region,
    pub callee: String,
    pub held: Vec<GuardId>,
    pub snippet: String,
}

#[derive(Debug, Clone)]
pub struct AwaitPoint {
    pub region: Region,
    pub held: Vec<GuardId>,
    pub body: u32,
    pub in_test: bool,
    /// `.await`, or the macro (`select!`, `join!`) that awaits.
    pub what: String,
}

/// A condition a deferred finding needs to hold once the crate index is complete.
#[derive(Debug, Clone)]
pub struct Condition {
    pub ty: TyExpr,
    pub holds: Holds,
}

/// The test a settled type must pass.
#[derive(Debug, Clone, Copy)]
pub enum Holds {
    Ty(fn(&Ty) -> bool),
    /// The type may carry a secret, by the test given: a crate type is settled with the crate
    /// index, which reads a newtype over a number (`struct InstanceToken(u64)`) as the number.
    Secret(fn(&Ty) -> bool),
    /// As [`Holds::Secret`], for a value a log formats: not a workspace type whose only
    /// formatting is a hand-written `Debug` (`CrateIndex::formats_by_hand`), which prints what
    /// its author chose.
    Printed(fn(&Ty) -> bool),
    /// The type's path (through `Arc`, `&`, `Option`...) is not one `is` accepts: the finding
    /// stands unless the type turns out to be, say, a oneshot sender.
    PathIsNot(fn(&str) -> bool),
    /// The type is not a sender whose every receiver the crate drains until the channel closes
    /// (`CrateIndex::drained_sender`): only the crate index can tell, and an unknown type
    /// passes (the finding stands).
    NotDrainedSender,
    /// Not a `const` (the condition's type is `TyExpr::Static` of its path) whose name and
    /// string value the test accepts (`CrateIndex::str_const`): a route constant named for a
    /// token is a public string, `EXO_JWT_SECRET = "EXO_JWT_SECRET"` an environment variable's
    /// name. Settled by the crate index; anything else holds.
    ConstValueIsNot(fn(&str, &str) -> bool),
    /// Not an S3-style access key ID: the crate does not pair access keys with secret keys
    /// (`CrateIndex::pairs_access_keys`). Settled by the crate index alone; the type is unused.
    NotAccessKeyId,
}

impl Holds {
    /// The test, as far as the type alone can settle it.
    pub fn test(self, t: &Ty) -> bool {
        match self {
            Holds::Ty(f) | Holds::Secret(f) | Holds::Printed(f) => f(t),
            Holds::PathIsNot(is) => !t.peel().path_str().is_some_and(is),
            Holds::NotDrainedSender | Holds::NotAccessKeyId | Holds::ConstValueIsNot(_) => true,
        }
    }

    /// Whether only the crate index settles it, whatever one file knows of the type `t`.
    pub fn needs_crate(self, t: &TyExpr) -> bool {
        match self {
            Holds::NotDrainedSender | Holds::NotAccessKeyId | Holds::ConstValueIsNot(_) => true,
            Holds::Secret(_) => matches!(t, TyExpr::Known(t) if t.mentions_crate_path()),
            Holds::Printed(_) => !t.is_unknown(),
            _ => false,
        }
    }

    /// Whether the type plays no part: the crate index settles it from the crate alone.
    pub fn crate_only(self) -> bool {
        matches!(self, Holds::NotAccessKeyId | Holds::ConstValueIsNot(_))
    }
}

#[derive(Debug, Clone)]
pub struct Pending {
    pub finding: Finding,
    pub conditions: Vec<Condition>,
    /// Set for a call to a method `blocking_paths` may list, on a receiver whose type only the
    /// crate index knows (a field declared in another file): the finding stands if the
    /// receiver's type and the method match an entry.
    pub configured: Option<ConfiguredMethod>,
    /// The finding stands unless the call at this region (a call site the walker recorded)
    /// resolves, through the call graph, to a fn that loses no error: it never returns `Err`,
    /// or reports each one itself.
    pub unless_callee: Option<CalleeTest>,
    /// The finding is about code in the own body of a fn, and stands unless the call graph
    /// shows every call into the fn is of the kind named (see [`CallersOf`]).
    pub unless_callers: Option<CallersOf>,
}

/// A fn (index into `fns`) and what its callers must all be for a finding in its body to drop.
#[derive(Debug, Clone, Copy)]
pub struct CallersOf {
    pub func: u32,
    pub are: CallersAre,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallersAre {
    /// The finding is about blocking a runtime worker in an async fn: the fn only runs off the
    /// workers, or in the startup before any other task exists (`CallGraph::stalls_nothing`).
    /// `started_here`: the fn itself has already started a task or thread at the finding (see
    /// `Core::spawned_before`).
    OffWorker { started_here: bool },
    /// The finding is about output a long-running program would keep: the fn runs in the
    /// program's startup only (`CallGraph::startup_only`), a one-shot command's own work.
    Startup,
}

/// See [`Pending::unless_callee`]: the callee's name in the call (a method's name, a path
/// call's path), whose callee must lose no error for the finding to drop (see
/// `CallGraph::loses_no_error`).
#[derive(Debug, Clone, Copy)]
pub struct CalleeTest {
    pub at: crate::finding::Region,
}

/// See [`Pending::configured`].
#[derive(Debug, Clone)]
pub struct ConfiguredMethod {
    pub receiver: TyExpr,
    pub method: String,
    /// The finding's message, from the resolved `Type::method` path and the entry it matched.
    pub message: fn(&str, &str) -> String,
}

/// An item's extent and the suppressions written in its attributes/doc comments are found by the
/// engine from the source; the walker records item regions so item-level suppressions apply.
#[derive(Debug, Clone)]
pub struct ItemExtent {
    /// The attribute-bearing item (including its attributes).
    pub region: Region,
    /// Line of the first attribute (or the item itself when it has none).
    pub first_line: u32,
    /// Line where the last outer attribute (or doc comment) ends; 0 when there is none. A
    /// suppression comment between `first_line` and the item's header applies to the item.
    pub attrs_end_line: u32,
}

/// A method call on a receiver of unknown type, in place in an async body (`cmd.build(opts)
/// .await?.run().await`): it may be a call of any fn of its name and shape, like the keys of
/// [`FileFacts::unfollowed_names`], and it runs where its fn runs once it is awaited there.
#[derive(Debug, Clone)]
pub struct UntypedAwait {
    /// Its [`call_key`] (see [`scoped_key`]).
    pub key: u64,
    /// The calling fn (index into [`FileFacts::fns`]).
    pub caller: u32,
    /// The method name's bytes, which the `.await` after the call finds it by.
    pub span: (u32, u32),
    pub awaited: bool,
    /// Made off the runtime's workers (see `Cx::off_worker`): the body of `#[tokio::main]`.
    pub off_worker: bool,
}

#[derive(Debug, Default, Clone)]
pub struct FileFacts {
    pub index: FileIndex,
    /// The file's own module (`crate::routes::admin`), where a path call the file could not
    /// resolve (a name a glob import brought in) is looked up again by the call graph.
    pub module: String,
    pub acquisitions: Vec<Acquisition>,
    pub awaits: Vec<AwaitPoint>,
    /// Reads and writes of locked/atomic state, and the conditions deciding on them.
    pub accesses: Vec<StateAccess>,
    pub decisions: Vec<Decision>,
    pub gated_calls: Vec<GatedCall>,
    /// (body, start byte) of the calls made after a decision in its body: work a decided flag
    /// can guard.
    pub work: Vec<(u32, u32)>,
    pub pending: Vec<Pending>,
    pub findings: Vec<Finding>,
    pub items: Vec<ItemExtent>,
    pub skipped_macros: usize,
    /// Calls whose callee is a bare name nothing in scope declares (a glob of another crate, a
    /// macro-made item): the call-based rules stay silent on them. Counted for `--verbose`.
    pub unresolved_calls: usize,
    /// Method calls on a receiver of unknown type: the call graph cannot follow them.
    pub untyped_method_calls: usize,
    /// The names and shapes (hashed with [`call_key`], sorted, deduplicated) of the calls
    /// above, of both kinds, and of paths used as values that may name a fn (`post(upload)`):
    /// a fn of that name and arity may have callers the call graph does not see. Calls in test
    /// code are kept under their [`scoped_key`]: they may call only test code.
    pub unfollowed_names: Vec<u64>,
    /// Those of the method calls above made in place in an async body and awaited there: kept
    /// apart, with their fn, because such a call runs where that fn runs (see
    /// `CallGraph::unseen_awaits`). The walk moves the ones never awaited into
    /// `unfollowed_names`.
    pub untyped_awaits: Vec<UntypedAwait>,
    /// The keys of method calls on a trait object (`Box<dyn Command>`, `&dyn Store`) or a type
    /// parameter, sorted, deduplicated: calls of some impl's fn of a trait, which the call graph
    /// does not follow (see `CallGraph::unfollowed_by_trait`).
    pub trait_method_calls: Vec<u64>,
    /// Paths used as values that resolve into another crate's name (`anyhow::Error::new`), with
    /// their key, sorted, deduplicated: unfollowed only when the path may lead into the
    /// workspace (a member, or a module of this crate named without `crate::`).
    pub unfollowed_elsewhere: Vec<(String, u64)>,
    /// Rules whose hooks panicked in this file (name, panic message): each was disabled for the
    /// rest of the file and is reported as an `internal_error` naming it.
    pub panicked: Vec<(&'static str, String)>,
    /// Regions of `#[allow(...)]`-style attributes with their target scope, for broad_lint_allow.
    pub allows: Vec<AllowFact>,
    /// Fn-local state (see [`LocalState`]).
    pub locals: Vec<LocalState>,
    /// Names of fields whose value the file hands out or in: cloned (`self.x.clone()`,
    /// `Arc::clone(&s.x)`), borrowed or moved into a call, a return, a struct; set from a value
    /// not created right there (`Self { x: shared }`); or a field of a `Clone` struct. A tuple
    /// struct's field is named `Owner.N` (`Pool.0`). Sorted.
    pub handed_out_fields: Vec<String>,
    /// Fn bodies that hold an exclusive guard racewise does not model from a byte offset to
    /// their end: (body, start byte). A guard parameter (`_guard: &ExclusiveGuard<Op>`, held from
    /// the start) or a top-level `let` of a lock-named call (`let _lock =
    /// trace_exclusive_lock(&self.op_locks, id).await;`). Two runs of such a fn never interleave
    /// past that point.
    pub serialized: Vec<(u32, u32)>,
    /// Every fn and method body of the file: the call graph's nodes.
    pub fns: Vec<FnDef>,
    /// Calls that may name a fn or method of the workspace, by body.
    pub calls: Vec<CallSite>,
    /// Blocking/exiting calls the rules saw in sync fn bodies (see [`Hazard`]), and the
    /// blocking calls the walker itself saw there ([`BLOCKING_CALL`]).
    pub hazards: Vec<Hazard>,
    /// Blocking calls made while guards are alive (see [`HeldBlock`]).
    pub held_blocks: Vec<HeldBlock>,
    /// Findings whose severity depends on who calls their fn (index into `fns`): the rule
    /// settles them in its crate-wide check, over the call graph.
    pub fn_findings: Vec<FnFinding>,
}

/// A finding in fn `func`'s own body whose fate depends on who calls the fn.
#[derive(Debug, Clone)]
pub struct FnFinding {
    pub func: u32,
    pub finding: Finding,
    /// Exiting the process at the finding would cut off something its fn started (see
    /// `Core::exit_cuts_off`).
    pub cuts_off: bool,
}

impl FileFacts {
    /// A copy in fresh allocations of exactly the sizes needed, for facts kept until the crate
    /// phase: make it once the file's syntax tree is dropped. The walk's facts sit among the
    /// tree's nodes (and a growing `Vec` leaves up to half of it unused); the copy fills the holes
    /// the tree left. On the whole registry, this made the peak resident memory 140 MB smaller.
    pub fn compacted(self) -> FileFacts {
        self.clone()
    }
}

/// A fn or method body, as the call graph keys it.
#[derive(Debug, Clone)]
pub struct FnDef {
    /// For a free fn its declaring path (`crate::config::load_settings`); for a method or a
    /// trait's default method the bare name, with `owner` set.
    pub path: String,
    /// The impl's self type (or the trait) as the file resolved it: canonicalised by the crate
    /// index, like `FileIndex::methods`.
    pub owner: Option<String>,
    /// `impl Trait for Type`: the trait's path as the file resolved it.
    pub trait_path: Option<String>,
    /// How messages name it: `load_settings`, `Scheduler::next_task`.
    pub display: String,
    /// The fn's name.
    pub region: Region,
    pub is_async: bool,
    /// A sync fn that returns a future it makes (see [`super::returned`]): an async fn
    /// spelled by hand, whose returned `async` blocks run where its callers poll its value.
    pub returns_future: bool,
    /// The crate root's `fn main` (async or not).
    pub is_main: bool,
    /// Takes `self` (a method's receiver).
    pub has_self: bool,
    /// A trait's method (an impl's or the trait's own body): code that only knows the trait,
    /// in any crate, may call it.
    pub dispatched: bool,
    /// Parameters after `self` (see [`CallShape::count`]).
    pub params: u8,
    /// Those of the first four parameters after `self` that can take a closure or a struct
    /// literal written at the call (see [`CallShape::MethodFn`]), as a mask.
    pub composite_params: u8,
    pub in_test: bool,
    /// Declared to return a `Result`, but its body can only return `Ok(..)` (see
    /// [`super::fallible::never_errs`]): discarding its result loses no error.
    pub never_errs: bool,
    /// Declared to fail with `()` (see [`super::fallible::errs_with_unit`]): its `Err` holds
    /// nothing a caller could report, so discarding it loses nothing either.
    pub errs_with_unit: bool,
    /// Declared to return a `Result`, and reports each error where it makes it (see
    /// [`super::fallible::logged_error_exits`]), but for those of the calls whose callee names
    /// are at these regions (`helper(..).await?`): the call graph settles whether those callees
    /// report theirs. `None`: some error goes out unreported.
    pub logged_errors: Option<Box<[crate::finding::Region]>>,
    /// Its own body starts a task or thread (see `Core::note_spawn`).
    pub spawns: bool,
    /// Of those, a task (not only threads or blocking jobs).
    pub spawns_task: bool,
    /// The predicate of its own `#[cfg(..)]` after those of the inline modules and the impl
    /// around it, spaces removed (`not(target_family="wasm")`):
    /// one of the bodies a platform or feature picks (`#[cfg(unix)] fn signal_handler` beside
    /// `#[cfg(windows)] fn signal_handler`). Several `cfg`s are joined with `,`.
    pub cfg: Option<Box<str>>,
    /// The parameters (bit `i` for the `i`-th after `self`, up to 64) its own body calls in
    /// place: `init().await` in an async fn, `f(x)` in a sync one, not inside a closure or an
    /// async block (see [`crate::semantic::syntax::params_called_in_place`]). A fn handed to
    /// it there (`init_protocol("ftp", init_ftp_system).await`) runs right where it is called.
    pub in_place_params: u64,
    /// The parameters (bits as in `in_place_params`) its own sync body hands to a runtime's
    /// `block_on` (`fn with_enough_stack(fut: impl Future) -> T { rt.block_on(fut) }`), off
    /// the workers (see `Core::note_block_on`): a future made as that argument runs there.
    pub block_on_params: u64,
    /// The type parameters of the fn and of its impl, as the file reads each written alone
    /// (see `walk::items::param_spellings`), with the workspace traits bounding each: a value
    /// of such a type is whatever the caller picked, whose methods only a trait bound makes
    /// callable.
    pub type_params: Box<[TypeParam]>,
}

/// A type parameter as the file spells it, and the workspace traits bounding it (see
/// [`FnDef::type_params`]).
pub type TypeParam = (Box<str>, Box<[Box<str>]>);

/// What a call names, as far as one file can tell.
#[derive(Debug, Clone)]
pub enum Callee {
    /// A path call (`load_settings()`, `crate::db::open()`, `Store::new()`, `other::f()`).
    Path(String),
    /// A method call: the receiver's type and the method's name.
    Method(TyExpr, Box<str>),
}

#[derive(Debug, Clone)]
pub struct CallSite {
    /// The calling fn (index into [`FileFacts::fns`]).
    pub caller: u32,
    pub callee: Callee,
    /// The callee's path or method name.
    pub region: Region,
    /// The call runs in async context (see `Cx::in_async`).
    pub in_async: bool,
    /// Directly inside `async fn main`.
    pub async_main: bool,
    /// Off the runtime's workers (see `Cx::off_worker`).
    pub off_worker: bool,
    /// The call runs whenever its fn runs (not inside a closure handed to another fn, nor an
    /// async block).
    pub inline: bool,
    pub in_test: bool,
    /// The call's `.await` follows it (`init_db().await`).
    pub awaited: bool,
    /// Run to completion by another crate's executor fn on the calling thread
    /// (`futures::executor::block_on(f())`, `fluvio_future::task::run_block_on(f())`), not a
    /// runtime's `block_on` method: no tasks of a runtime share that thread with the future, so
    /// it is off the workers wherever its sync fn is (see `CallGraph::off_worker_only`).
    pub by_executor: bool,
    /// Exiting the process during the call would cut off something its fn started (see
    /// `Core::exit_cuts_off`).
    pub cuts_off: bool,
    /// The fn has started a task or thread before the call (the part of `cuts_off` that other
    /// tasks are made of, without values kept for their destructor).
    pub spawned_before: bool,
    /// Of those, a task (see `Core::task_spawned_before`).
    pub tasks_before: bool,
    /// The byte range of the innermost `if`/`else` branch or `match` arm around the call
    /// (the whole file when there is none): what else runs whenever the call does.
    pub branch: (u32, u32),
    /// Its arguments, a method call's receiver not counted (see [`CallShape::count`]).
    pub argc: u8,
    /// Recorded only where a finding can sit: async-context calls and calls made with guards
    /// alive (a third of the calls; boxed, so the others cost one pointer).
    pub context: Option<Box<CallContext>>,
    /// Not a call but a fn handed to one as a value (`init_protocol("ftp", init_ftp_system)`):
    /// the index of that call among the file's `calls`, and the argument's position. The call
    /// graph follows it as a call made there where the receiving fn calls that parameter in
    /// place ([`FnDef::in_place_params`]); elsewhere it is a call the graph cannot follow.
    pub handed_to: Option<(u32, u8)>,
    /// A call whose future is an argument of another (`with_enough_stack(cli::init(c))`): the
    /// index of that call among the file's `calls`, and the argument's position. The call graph
    /// counts it run off the workers where the receiving fn hands that parameter to a
    /// runtime's `block_on` ([`FnDef::block_on_params`]).
    pub future_to: Option<(u32, u8)>,
    /// A path call whose owner is a type parameter in scope (`Backend::open(..)` in `impl<Backend:
    /// Storage>`): any type's fn of that name may be the callee.
    pub generic_owner: bool,
    /// Of a `generic_owner` call, the one workspace trait that bounds the owner (`C::load(id)`
    /// with `C: CliClient`): the call reaches that trait's impls of the fn, each a possible
    /// callee (see `CallGraph::dispatch_edges`).
    pub dispatch: Option<Box<str>>,
    /// The arguments written as closures or struct literals (see [`CallShape::composite`]).
    pub composite_args: u8,
    /// Its future is what its (sync) fn returns (`Box::pin(test.run())` as the value of a
    /// [`FnDef::returns_future`] fn): polled where that fn's callers poll its value.
    pub returned: bool,
}

/// Where a call site's finding would sit, and the guards alive at it.
#[derive(Debug, Clone)]
pub struct CallContext {
    /// Guards alive at the call (lock ordering through calls).
    pub held: Vec<GuardId>,
    /// Those of `held` that are temporaries of another operand of the call's statement, done
    /// with before the call (see [`Acquisition::sibling_temps`]).
    pub sibling_temps: Vec<GuardId>,
    /// Enclosing item and snippet.
    pub function: Option<String>,
    pub snippet: String,
}

impl FnDef {
    /// Calling it makes a future (an async fn, or a sync fn returning one it builds): its
    /// body, or the part in that future, runs where the future is polled.
    pub fn makes_future(&self) -> bool {
        self.is_async || self.returns_future
    }

    /// The keys of method calls handing closures or struct literals where this method's
    /// parameters can take them: one per non-empty subset of those positions (the first four).
    fn composite_keys(&self, name: &str) -> impl Iterator<Item = u64> + '_ {
        let can = if self.has_self {
            self.composite_params
        } else {
            0
        };
        let name = name.to_string();
        (1..=can)
            .filter(move |m| m & !can == 0)
            .map(move |m| call_key(&name, CallShape::MethodFn(self.params, m)))
    }

    /// The [`call_key`]s of the calls that may reach this fn unseen: its name as a value, or
    /// called with its arity, as a path or (a method) on a receiver; for a fn in test code,
    /// also those calls made in test code (see [`scoped_key`]).
    /// An associated fn answers to `Owner::name(..)` and `Trait::name(..)` calls by its impl's
    /// type and trait, and to the calls whose owner is generic (see [`assoc_call_name`]).
    pub fn call_keys(&self) -> impl Iterator<Item = u64> + '_ {
        let name = crate::semantic::syntax::last_segment(&self.path);
        let path = self.params.saturating_add(u8::from(self.has_self));
        // `Owner::name` keys, by the impl's type and its trait.
        let qualified = |owner: &Option<String>, shape: CallShape| {
            owner
                .as_deref()
                .map(crate::semantic::syntax::last_segment)
                .filter(|o| !o.is_empty())
                .map(|o| call_key(&format!("{o}::{name}"), shape))
        };
        [
            Some(call_key(name, CallShape::Value)),
            qualified(&self.owner, CallShape::Value),
            qualified(&self.trait_path, CallShape::Value),
            Some(match self.owner {
                Some(_) => call_key(name, CallShape::Assoc(path)),
                None => call_key(name, CallShape::Path(path)),
            }),
            qualified(&self.owner, CallShape::Assoc(path)),
            qualified(&self.trait_path, CallShape::Assoc(path)),
            self.has_self
                .then(|| call_key(name, CallShape::Method(self.params))),
        ]
        .into_iter()
        .flatten()
        .chain(self.composite_keys(name))
        .flat_map(move |key| {
            let test = self.in_test.then(|| scoped_key(key, true));
            std::iter::once(key).chain(test)
        })
    }
}

impl CallSite {
    /// The [`call_key`] of this call when the graph cannot follow it (see [`scoped_key`]).
    /// `alias`: whether an owner names a type alias of the crate (`type Store = DiskStore;`),
    /// which stands for another type, so any fn of the name may be the callee.
    pub fn unfollowed_key(&self, alias: impl Fn(&str) -> bool) -> u64 {
        // Asked only of an associated call's owner (the alias test scans the crate's aliases).
        let generic = |p: &str| self.generic_owner || owner_segment(p).is_some_and(&alias);
        let key = match &self.callee {
            Callee::Path(p) if self.handed_to.is_some() => match CallShape::of_path(p, 0) {
                CallShape::Assoc(_) => call_key(&assoc_call_name(p, generic(p)), CallShape::Value),
                _ => call_key(&value_call_name(p, false), CallShape::Value),
            },
            Callee::Path(p) => match CallShape::of_path(p, self.argc) {
                shape @ CallShape::Assoc(_) => call_key(&assoc_call_name(p, generic(p)), shape),
                shape => call_key(crate::semantic::syntax::last_segment(p), shape),
            },
            Callee::Method(_, m) => call_key(m, CallShape::method(self.argc, self.composite_args)),
        };
        scoped_key(key, self.in_test)
    }

    /// Guards alive at the call.
    pub fn held(&self) -> &[GuardId] {
        self.context.as_ref().map_or(&[], |c| &c.held)
    }

    /// See [`CallContext::sibling_temps`].
    pub fn sibling_temps(&self) -> &[GuardId] {
        self.context.as_ref().map_or(&[], |c| &c.sibling_temps)
    }

    pub fn function(&self) -> Option<&String> {
        self.context.as_ref().and_then(|c| c.function.as_ref())
    }

    pub fn snippet(&self) -> &str {
        self.context.as_ref().map_or("", |c| &c.snippet)
    }
}

/// A blocking or exiting call a rule saw inline in a sync fn body: harmless there, a finding
/// where an async body calls that fn (through up to a few sync calls).
#[derive(Debug, Clone)]
pub struct Hazard {
    pub caller: u32,
    /// The rule that would have reported it in async context.
    pub rule: &'static str,
    /// What it calls, for messages: `std::fs::read_to_string`.
    pub what: String,
    pub region: Region,
}

/// The [`Hazard::rule`] of a blocking call the walker recorded itself, whichever rules run: the
/// call graph's summary of "this sync fn blocks", for the lock queries (a lock held across such
/// a call is held long).
pub const BLOCKING_CALL: &str = "blocking_call";

/// A blocking call (see [`super::blocking_paths::is_blocking_call`] and
/// [`super::blocking_paths::is_blocking_method`]) made while guards are alive: those locks'
/// holders hold them as long as the call takes.
#[derive(Debug, Clone)]
pub struct HeldBlock {
    pub held: Vec<GuardId>,
    /// A method call whose receiver's type the file could not settle (`f.write_all(..)` with
    /// `f` from `self.file.lock()`): blocking if the crate index settles it to a type whose
    /// method `what` blocks (see [`super::blocking_paths::is_blocking_method`]).
    pub receiver: Option<TyExpr>,
    /// What it calls, for messages: `std::fs::write`.
    pub what: String,
    pub region: Region,
}

/// A lint-level attribute (`allow`/`expect`, possibly inside `cfg_attr`) naming a clippy lint on
/// an item. `scope` is the item's extent (for "does this scope hold a guard across an await").
#[derive(Debug, Clone)]
pub struct AllowFact {
    pub lint: String,
    pub level: String,
    pub region: Region,
    pub scope: Region,
    pub item_kind: &'static str,
    pub item_name: String,
    pub snippet: String,
    /// The `cfg_attr` predicates the allow sits behind (`feature = "x"`, nested ones joined
    /// with ` and `): it applies in the builds where they hold.
    pub cond: Option<String>,
    /// What deleting the lint from the attribute removes: the whole attribute (its line, when
    /// it is alone there) if it names only this lint, else the lint and one adjacent comma.
    /// `None` behind `cfg_attr` (the predicate's intent is not the fix's to judge).
    pub removal: Option<Region>,
}

/// How a call the graph could not follow names its callee, with the arguments it passes: a fn
/// can only be that call's callee if the shapes agree (Rust has no overloading, so
/// `conn.execute(query)` cannot call a two-parameter `SubCommand::execute`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CallShape {
    /// A path used as a value (`post(upload)`, `.map(Self::parse)`): called later with any
    /// arguments.
    Value,
    /// `name(a, b)`, `module::name(a, b)`: a free fn's arguments.
    Path(u8),
    /// `Type::name(a, b)`, `T::name(a, b)`: an associated fn's arguments, a method's `self`
    /// included. No free fn is such a call's callee (`Config::init()` is no call of
    /// `infra::init()`).
    Assoc(u8),
    /// `x.name(a, b)`: the arguments after the receiver.
    Method(u8),
    /// `x.name(a, |ctx| ..)`, `x.name(Input { .. })`: a method call handing closures or
    /// struct literals written right there, at the argument positions the mask's bits give
    /// (the first four). Only a fn whose parameters there can take such a value (not a
    /// `bool`, a `&str`, an `Option<..>`: see `FnDef::composite_params`) is its callee:
    /// watchexec's `job.run(move |ctx| ..)` is no call of `fn run(self, locked: bool)`.
    MethodFn(u8, u8),
}

impl CallShape {
    /// An argument count as a shape keeps it (counts past 255 fold together).
    pub fn count(n: usize) -> u8 {
        u8::try_from(n).unwrap_or(u8::MAX)
    }

    /// A method call's shape: its argument count, and which arguments are closures or struct
    /// literals (see [`CallShape::MethodFn`]).
    pub fn method(argc: u8, composite: u8) -> CallShape {
        match composite {
            0 => CallShape::Method(argc),
            m => CallShape::MethodFn(argc, m),
        }
    }

    /// The mask of `args` written as closures or struct literals (also as a block's value:
    /// `{ let job = job.clone(); move |ctx| .. }`), for [`CallShape::method`]: the first four,
    /// as many as [`FnDef::call_keys`] answers to (one later is no evidence).
    pub fn composite<'e>(args: impl IntoIterator<Item = &'e syn::Expr>) -> u8 {
        args.into_iter()
            .take(4)
            .enumerate()
            .filter(|(_, a)| {
                matches!(
                    crate::semantic::syntax::block_tail(a),
                    syn::Expr::Closure(_) | syn::Expr::Struct(_)
                )
            })
            .fold(0, |m, (i, _)| m | 1 << i)
    }

    /// The shape of a call of `path` with `argc` arguments: [`CallShape::Assoc`] when the
    /// segment before the name is a type's (capitalized), else [`CallShape::Path`].
    pub fn of_path(path: &str, argc: u8) -> CallShape {
        let owner = path
            .rsplit_once("::")
            .map(|(owner, _)| crate::semantic::syntax::last_segment(owner));
        // A primitive's (`u64::reload(&n)`, a workspace trait's impl for it) or an owner the
        // walker could not name (`Self::f` in `impl T for &Foo`, rebased to `::f`) too.
        match owner {
            Some(o)
                if o.is_empty()
                    || o.starts_with(|c: char| c.is_ascii_uppercase())
                    || crate::semantic::types::is_primitive(o) =>
            {
                CallShape::Assoc(argc)
            }
            _ => CallShape::Path(argc),
        }
    }
}

/// The key a call the graph could not follow is kept under: a call in test code under a key
/// of its own, which only a fn in test code answers to (see `FnDef::call_keys`). A test
/// harness runs production fns too, but no production path: a test's unseen call of a
/// production fn is no chain by which production code reaches it.
pub fn scoped_key(key: u64, in_test: bool) -> u64 {
    if in_test {
        key.rotate_left(17) ^ 0x9e37_79b9_7f4a_7c15
    } else {
        key
    }
}

/// The name an unfollowed `Owner::name(..)` call is kept under: `Owner::name` (`Transport::new`
/// is no call of `Server::new`, whatever `Transport` turns out to be), or `name` alone when the
/// owner may stand for any type (`Self`, a type parameter `T::new()`, an owner the walker could
/// not name).
/// `generic`: the caller knows the owner to be a type parameter or an alias.
pub fn assoc_call_name(path: &str, generic: bool) -> String {
    let name = crate::semantic::syntax::last_segment(path);
    let owner = owner_segment(path).unwrap_or("");
    let generic = generic
        || owner.is_empty()
        || owner == "Self"
        || (owner.len() <= 2 && owner.chars().all(|c| c.is_ascii_uppercase()));
    if generic {
        name.to_string()
    } else {
        format!("{owner}::{name}")
    }
}

/// The name an unfollowed fn value (`.map(Owner::new)`, `post(upload)`) is kept under: an
/// associated fn's as [`assoc_call_name`] gives it, a free fn's last segment.
pub fn value_call_name(path: &str, generic: bool) -> String {
    match CallShape::of_path(path, 0) {
        CallShape::Assoc(_) => assoc_call_name(path, generic),
        _ => crate::semantic::syntax::last_segment(path).to_string(),
    }
}

/// The segment before a path's last (`Transport` in `net::Transport::new`).
pub fn owner_segment(path: &str) -> Option<&str> {
    path.rsplit_once("::")
        .map(|(owner, _)| crate::semantic::syntax::last_segment(owner))
}

/// A call as [`FileFacts::unfollowed_names`] keeps it: the last path segment or the method
/// name, with its [`CallShape`].
pub fn call_key(name: &str, shape: CallShape) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = rustc_hash::FxHasher::default();
    name.hash(&mut h);
    shape.hash(&mut h);
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unfollowed_associated_call_keeps_its_owner_unless_the_owner_is_generic() {
        assert_eq!(assoc_call_name("Frame::new", false), "Frame::new");
        assert_eq!(
            assoc_call_name("gossip_wire::Frame::new", false),
            "Frame::new"
        );
        assert_eq!(assoc_call_name("u64::reload", false), "u64::reload");
        // Any type may stand behind these owners.
        assert_eq!(assoc_call_name("Self::new", false), "new");
        assert_eq!(assoc_call_name("T::new", false), "new");
        assert_eq!(assoc_call_name("::new", false), "new");
        // A type parameter or alias the caller knows of.
        assert_eq!(assoc_call_name("Backend::open", true), "open");
        // A fn value: an associated fn's owner is kept, a free fn is its name.
        assert_eq!(value_call_name("Codec::new", false), "Codec::new");
        assert_eq!(value_call_name("handlers::upload", false), "upload");
        assert_ne!(
            call_key(&assoc_call_name("Frame::new", false), CallShape::Assoc(2)),
            call_key(
                &assoc_call_name("Transport::new", false),
                CallShape::Assoc(2)
            )
        );
    }
}
