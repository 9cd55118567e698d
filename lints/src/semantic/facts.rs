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
    pub in_test: bool,
    /// `.lock().await`: an async lock, whatever its type resolves to.
    pub awaited: bool,
    /// Guards alive when this one was acquired (in acquisition order).
    pub held: Vec<GuardId>,
    pub body: u32,
    /// The guard is the value a crate fn or method returned (`let s = self.stats();`):
    /// `receiver` is then the call's return type, which must turn out to be a guard type
    /// (`MutexGuard<'_, T>`, `RwLockWriteGuard`, `RefMut`, ...), and `method` the callee's name.
    pub via_call: bool,
    /// The fn whose body made this acquisition (index into [`FileFacts::fns`]), and whether it
    /// runs whenever that fn runs (not in a closure handed elsewhere or an async block): what
    /// the call graph's summaries count.
    pub caller: Option<u32>,
    pub inline: bool,
}

impl Acquisition {
    /// The acquiring call as a user wrote it: `self.jobs.lock()`, `self.stats()`, `registry()`.
    pub fn call_text(&self) -> String {
        if self.receiver_text.is_empty() {
            format!("{}()", self.method)
        } else {
            format!("{}.{}()", self.receiver_text, self.method)
        }
    }
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
    pub holds: fn(&Ty) -> bool,
}

#[derive(Debug, Clone)]
pub struct Pending {
    pub finding: Finding,
    pub conditions: Vec<Condition>,
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

#[derive(Debug, Default, Clone)]
pub struct FileFacts {
    pub index: FileIndex,
    pub acquisitions: Vec<Acquisition>,
    pub awaits: Vec<AwaitPoint>,
    pub pending: Vec<Pending>,
    pub findings: Vec<Finding>,
    pub items: Vec<ItemExtent>,
    pub skipped_macros: usize,
    /// Calls whose callee is a bare name nothing in scope declares (a glob of another crate, a
    /// macro-made item): the call-based rules stay silent on them. Counted for `--verbose`.
    pub unresolved_calls: usize,
    /// Method calls on a receiver of unknown type: the call graph cannot follow them.
    pub untyped_method_calls: usize,
    /// Rules whose hooks panicked in this file (name, panic message): each was disabled for the
    /// rest of the file and is reported as an `internal_error` naming it.
    pub panicked: Vec<(&'static str, String)>,
    /// Regions of `#[allow(...)]`-style attributes with their target scope, for broad_lint_allow.
    pub allows: Vec<AllowFact>,
    /// Every fn and method body of the file: the call graph's nodes.
    pub fns: Vec<FnDef>,
    /// Calls that may name a fn or method of the workspace, by body.
    pub calls: Vec<CallSite>,
    /// Blocking/exiting calls the rules saw in sync fn bodies (see [`Hazard`]).
    pub hazards: Vec<Hazard>,
    /// Findings whose severity depends on who calls their fn (index into `fns`): the rule
    /// settles them in its crate-wide check, over the call graph.
    pub fn_findings: Vec<(u32, Finding)>,
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
    /// The crate root's `fn main` (async or not).
    pub is_main: bool,
    pub in_test: bool,
}

/// What a call names, as far as one file can tell.
#[derive(Debug, Clone)]
pub enum Callee {
    /// A path call (`load_settings()`, `crate::db::open()`, `Store::new()`, `other::f()`).
    Path(String),
    /// A method call: the receiver's type and the method's name.
    Method(TyExpr, String),
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
    /// The call runs whenever its fn runs (not inside a closure handed to another fn, nor an
    /// async block).
    pub inline: bool,
    pub in_test: bool,
    /// The call's `.await` follows it (`init_db().await`).
    pub awaited: bool,
    /// Guards alive at the call (lock ordering through calls).
    pub held: Vec<GuardId>,
    /// Enclosing item and snippet, recorded for async-context calls and calls made with guards
    /// alive (where a finding can sit).
    pub function: Option<String>,
    pub snippet: String,
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
}
