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
            // `names()` (the other member's) takes the table's parking_lot read lock: the call
            // graph follows it.
            at(30, "blocking_lock_in_async"),
            at(41, "blocking_lock_in_async"),
        ],
        "{json:#}"
    );
}

/// The call graph spans the members: a handler calling the other member's sync helper (by path,
/// or as a method of its type) is reported at the call, with the chain in the other crate.
#[test]
fn call_chains_cross_into_another_member() {
    let root = ci_fixture("workspace").to_string_lossy().into_owned();
    let (_, json) = check_json(&[
        &root,
        "--select",
        "blocking_fs_in_async",
        "--fail-on",
        "never",
    ]);
    let at = |line: u64| {
        (
            "server/src/routes/files.rs".to_string(),
            line,
            "blocking_fs_in_async".to_string(),
        )
    };
    assert_eq!(sites(&json), vec![at(7), at(13)], "{json:#}");
    let findings = json["findings"].as_array().expect("findings");
    let steps: Vec<(String, u64)> = findings[0]["related"]
        .as_array()
        .expect("the chain")
        .iter()
        .map(|r| {
            (
                r["file"].as_str().unwrap_or("").to_string(),
                r["line"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    let disk = "common/src/disk.rs".to_string();
    assert_eq!(steps, vec![(disk.clone(), 6), (disk, 10)], "{json:#}");
}
