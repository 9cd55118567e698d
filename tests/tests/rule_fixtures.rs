//! Every rule against its fixture crate under `fixtures/rules/<rule>/`: each line marked
//! `//~ rule` must produce that finding, and no other line may.

macro_rules! fixture_tests {
    ($($rule:ident),* $(,)?) => {
        $(
            #[test]
            fn $rule() {
                racewise_tests::assert_fixture(stringify!($rule));
            }
        )*
    };
}

fixture_tests!(
    exit_in_async,
    blocking_fs_in_async,
    blocking_sleep_in_async,
    blocking_lock_in_async,
    lock_across_await,
    broad_lint_allow,
    ignored_shutdown_signal,
    swallowed_result,
    detached_spawn,
    broadcast_lagged_exit,
    lock_order_inversion,
    multiple_locks_held,
    check_then_act,
    nonunique_temp_path,
    secret_in_log,
    non_constant_time_compare,
    unused_suppression,
);
