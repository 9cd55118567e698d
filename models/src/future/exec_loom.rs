//! The loom executor behind [`crate::future`]: each spawned task is a loom thread driving its
//! future with `loom::future::block_on`, so loom explores the interleavings of the tasks at every
//! lock and every wakeup. loom allows 5 threads including the main one: a body spawns at most 4
//! tasks.

use std::future::Future;

/// The loom thread running a task; dropping it leaves the thread running (loom still waits for
/// it before the execution ends).
pub(crate) type RawHandle = loom::thread::JoinHandle<()>;

/// Spawns `fut` on a new loom thread named `name`.
pub(crate) fn spawn_raw<F>(name: String, fut: F) -> RawHandle
where
    F: Future<Output = ()> + Send + 'static,
{
    loom::thread::Builder::new()
        .name(name)
        .spawn(move || loom::future::block_on(fut))
        .unwrap_or_else(|e| panic!("loom could not spawn a task thread: {e}"))
}

/// Runs the root future on the current loom thread.
pub(crate) fn block_on<F: Future>(_name: &str, fut: F) -> F::Output {
    loom::future::block_on(fut)
}

/// A scheduling point: loom may run any other thread before this one continues. The future
/// also returns `Pending` once, as an await point does on a real executor, so a `timeout` or
/// `select` around it can drop it there.
pub(crate) async fn yield_now() {
    let mut yielded = false;
    std::future::poll_fn(|cx| {
        if yielded {
            return std::task::Poll::Ready(());
        }
        yielded = true;
        loom::thread::yield_now();
        cx.waker().wake_by_ref();
        std::task::Poll::Pending
    })
    .await;
}

/// The running task's name (`main` for the root).
pub(crate) fn current_task_name() -> String {
    loom::thread::current().name().unwrap_or("main").to_string()
}

/// Whether a destructor must leave the primitives alone: a loom primitive touched while a failed
/// execution unwinds panics again, which aborts the test binary.
pub(crate) fn torn_down() -> bool {
    std::thread::panicking()
}
