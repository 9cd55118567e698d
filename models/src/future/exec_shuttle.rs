//! The shuttle executor behind [`crate::future`]: tasks are shuttle tasks, so the scheduler picks
//! which task runs at every await point and every lock.

use std::future::Future;

/// What keeps a spawned task attached to the execution: shuttle's own handle (dropping it
/// detaches the task, like tokio's).
pub(crate) type RawHandle = shuttle::future::JoinHandle<()>;

/// Spawns `fut` as a shuttle task named `name` (shown in shuttle's deadlock reports).
pub(crate) fn spawn_raw<F>(name: String, fut: F) -> RawHandle
where
    F: Future<Output = ()> + Send + 'static,
{
    shuttle::future::spawn(async move {
        shuttle::current::set_name_for_task(shuttle::current::me(), name);
        fut.await;
    })
}

/// Runs the root future on the current shuttle task.
pub(crate) fn block_on<F: Future>(name: &str, fut: F) -> F::Output {
    shuttle::current::set_name_for_task(shuttle::current::me(), name);
    shuttle::future::block_on(fut)
}

/// A scheduling point: the scheduler may run any other task before this one continues.
pub(crate) async fn yield_now() {
    shuttle::future::yield_now().await;
}

/// The running task's name (`main` for the root).
pub(crate) fn current_task_name() -> String {
    shuttle::current::get_current_task()
        .and_then(shuttle::current::get_name_for_task)
        .map(String::from)
        .unwrap_or_else(|| "?".to_string())
}

/// Whether a destructor must leave the primitives alone: outside a running execution (shuttle
/// drops leftover tasks after it finished) a shuttle lock would panic.
pub(crate) fn torn_down() -> bool {
    std::thread::panicking() || shuttle::current::get_current_task().is_none()
}
