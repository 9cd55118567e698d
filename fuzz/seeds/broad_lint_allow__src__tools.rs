//! Plugin tool interface.

use std::future::Future;

// Positive: a trait-wide allow of a config-driven lint (neutral message).
#[allow(clippy::await_holding_invalid_type)] //~ broad_lint_allow
pub trait Tool {
    fn run(&self) -> impl Future<Output = ()> + Send;

    fn warmup(&self) -> impl Future<Output = ()> + Send {
        async {}
    }
}

// Negative: an allow on a const and on a type alias covers no awaits.
#[allow(clippy::let_underscore_future)]
pub const TOOL_LIMIT: usize = 8;

#[allow(clippy::await_holding_lock)]
pub type BoxedTool = Box<dyn Fn() + Send>;
