//! A workspace is many crates: `use other_member::Type;` reaches the item declared in that member,
//! so fields typed by a sibling crate's wrapper, its statics and its guard-returning methods are
//! typed (issue 11, class 4).

mod ci_support;

use ci_support::{check_json, ci_fixture, sites};

#[test]
fn items_of_another_workspace_member_are_typed() {
    let root = ci_fixture("workspace").to_string_lossy().into_owned();
    let (_, json) = check_json(&[
        &root,
        "--select",
        "lock_across_await,blocking_lock_in_async",
        "--fail-on",
        "never",
    ]);
    let at = |line: u64, rule: &str| {
        (
            "server/src/routes/mod.rs".to_string(),
            line,
            rule.to_string(),
        )
    };
    assert_eq!(
        sites(&json),
        vec![
            at(18, "blocking_lock_in_async"),
            at(18, "lock_across_await"),
            at(23, "blocking_lock_in_async"),
            at(23, "lock_across_await"),
            at(41, "blocking_lock_in_async"),
        ],
        "{json:#}"
    );
}
