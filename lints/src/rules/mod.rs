//! One module per rule. Each file opens with the rule's documentation in four parts (What it
//! does, Why is this bad, Example, Use instead), which `racewise explain` prints.

pub mod blocking_fs_in_async;
pub mod blocking_lock_in_async;
pub mod blocking_sleep_in_async;
pub mod exit_in_async;
pub mod lock_across_await;
pub mod unused_suppression;
