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
    /// Set for a call to a method `blocking_paths` may list, on a receiver whose type only the
    /// crate index knows (a field declared in another file): the finding stands if the
    /// receiver's type and the method match an entry.
    pub configured: Option<ConfiguredMethod>,
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
    /// Rules whose hooks panicked in this file (name, panic message): each was disabled for the
    /// rest of the file and is reported as an `internal_error` naming it.
    pub panicked: Vec<(&'static str, String)>,
    /// Regions of `#[allow(...)]`-style attributes with their target scope, for broad_lint_allow.
    pub allows: Vec<AllowFact>,
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
