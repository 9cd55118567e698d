//! How the models report a broken invariant.
//!
//! Every model checks its invariants at the end of each critical section (inside the operation,
//! not only when a test finishes), and reports a violation by panicking with a message that
//! starts with [`PREFIX`]. The message is distinctive on purpose: tests of broken variants match
//! on it (`#[should_panic(expected = "invariant violated: ...")]`), so an unrelated panic or a
//! checker-reported deadlock can never make such a test pass by accident.

/// The prefix of every invariant-violation panic message.
pub const PREFIX: &str = "invariant violated: ";

/// Panics with `invariant violated: <what>`.
///
/// The payload is always a `String` (via [`std::panic::panic_any`]): shuttle only appends the
/// failing schedule to `String` payloads, and a formatted `panic!` may be optimized into a
/// `&'static str` payload.
#[track_caller]
pub fn violated(what: impl std::fmt::Display) -> ! {
    std::panic::panic_any(format!("{PREFIX}{what}"))
}

/// Checks `cond`, reporting `what` (evaluated lazily) as a violation when it is false.
#[track_caller]
pub fn ensure(cond: bool, what: impl FnOnce() -> String) {
    if !cond {
        violated(what());
    }
}
