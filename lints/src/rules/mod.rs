//! One module per rule. Each file opens with the rule's documentation in four parts (What it
//! does, Why is this bad, Example, Use instead), which `racewise explain` prints.

pub mod blocking_fs_in_async;
pub mod blocking_lock_in_async;
pub mod blocking_sleep_in_async;
pub mod broad_lint_allow;
pub mod broadcast_lagged_exit;
pub mod check_then_act;
pub mod detached_spawn;
pub mod exit_in_async;
pub mod ignored_shutdown_signal;
pub mod lock_across_await;
pub mod lock_order_inversion;
pub mod multiple_locks_held;
pub mod non_constant_time_compare;
pub mod nonunique_temp_path;
pub mod secret_in_log;
pub mod swallowed_result;
pub mod unused_suppression;
