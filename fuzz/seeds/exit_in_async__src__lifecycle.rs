//! Graceful process lifecycle. `exit` in this module is the crate's own shutdown request:
//! it records the exit code and cancels the root token; `main` returns once everything drained.

use std::sync::atomic::{AtomicI32, Ordering};
use std::sync::OnceLock;

use tokio_util::sync::CancellationToken;

static SHUTDOWN: OnceLock<CancellationToken> = OnceLock::new();
static EXIT_CODE: AtomicI32 = AtomicI32::new(0);

pub fn token() -> CancellationToken {
    SHUTDOWN.get_or_init(CancellationToken::new).clone()
}

/// Request a graceful shutdown with the given exit code.
pub fn exit(code: i32) {
    EXIT_CODE.store(code, Ordering::SeqCst);
    token().cancel();
}

pub fn exit_code() -> i32 {
    EXIT_CODE.load(Ordering::SeqCst)
}

// Negative: the panic hook is installed from sync code; aborting from the hook is deliberate.
pub fn install_panic_hook() {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        default_hook(info);
        if std::env::var_os("JOBRUNNER_ABORT_ON_PANIC").is_some() {
            std::process::abort();
        }
    }));
}
