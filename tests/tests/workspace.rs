//! A workspace is many crates: `use other_member::Type;` reaches the item declared in that member,
//! so fields typed by a sibling crate's wrapper, its statics and its guard-returning methods are
//! typed (issue 11, class 4).

mod ci_support;

use ci_support::{check_json, ci_fixture, sites};

/// The findings of `json` in one file, as `(file, line, rule)`.
fn sites_in(json: &serde_json::Value, file: &str) -> Vec<(String, u64, String)> {
    sites(json).into_iter().filter(|s| s.0 == file).collect()
}

/// The JSON report of the workspace fixture for the selected rules.
fn workspace_report(rules: &str) -> serde_json::Value {
    let root = ci_fixture("workspace").to_string_lossy().into_owned();
    check_json(&[&root, "--select", rules, "--fail-on", "never"]).1
}

#[test]
fn items_of_another_workspace_member_are_typed() {
    let json = workspace_report("lock_across_await,blocking_lock_in_async");
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
    let json = workspace_report("blocking_fs_in_async");
    let at = |line: u64| {
        (
            "server/src/routes/files.rs".to_string(),
            line,
            "blocking_fs_in_async".to_string(),
        )
    };
    let in_routes: Vec<_> = sites(&json)
        .into_iter()
        .filter(|s| s.0.starts_with("server/src/routes/"))
        .collect();
    assert_eq!(in_routes, vec![at(7), at(13)], "{json:#}");
    let findings = json["findings"].as_array().expect("findings");
    let first = findings
        .iter()
        .find(|f| f["file"] == "server/src/routes/files.rs")
        .expect("a finding in files.rs");
    let steps: Vec<(String, u64)> = first["related"]
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

/// An async fn only `main` awaits runs off the workers, unless a call racewise cannot follow may
/// be a call of it. For an inherent method, only calls in its own crate or a crate that names
/// it can be: `shared-common`'s `next.run(req, ext)` is no call of the server's
/// `Maintenance::run(dir, dry_run)`, while the server's own `pool.compact(dir)` may be one of
/// `Maintenance::compact(dir)`.
#[test]
fn unfollowed_calls_count_only_in_crates_that_can_call_the_fn() {
    let json = workspace_report("blocking_fs_in_async");
    let in_maintenance = sites_in(&json, "server/src/maintenance.rs");
    assert_eq!(
        in_maintenance,
        vec![(
            "server/src/maintenance.rs".to_string(),
            26,
            "blocking_fs_in_async".to_string()
        )],
        "{json:#}"
    );
}

/// A send in a loop loses nothing to a gone receiver when every receiver of its channel is
/// drained until the channel closes: here the `telemetry` member's updater, reached through
/// `shared-common`'s re-export and the member's type aliases. The alert channel, whose receiver
/// a struct keeps, stays a finding.
#[test]
fn sends_on_a_channel_another_member_drains_are_not_lost() {
    let json = workspace_report("swallowed_result");
    let in_pollers = sites_in(&json, "server/src/pollers.rs");
    assert_eq!(
        in_pollers,
        vec![(
            "server/src/pollers.rs".to_string(),
            32,
            "swallowed_result".to_string()
        )],
        "{json:#}"
    );
}

/// A member named only in a call's path (`archive::export::write_snapshot(..)`, no `use`) is a
/// member the crate names: the chain into it is followed like one through an import.
#[test]
fn a_member_named_only_in_a_call_path_is_followed() {
    let json = workspace_report("blocking_fs_in_async");
    let exported = sites_in(&json, "server/src/export.rs");
    assert_eq!(
        exported,
        vec![(
            "server/src/export.rs".to_string(),
            7,
            "blocking_fs_in_async".to_string()
        )],
        "{json:#}"
    );
}

/// A daemon whose `main` starts the router member through `block_on`: the router's start runs
/// off the workers though every step of the way hides it — an `extern crate router as engine;`
/// in a fn body, an `async_exec` with a `#[cfg]`-gated developer-build twin, and entry points
/// that return `AssertUnwindSafe(run::start(dir)).catch_unwind().map_err(..).unwrap_or_else(Err)
/// .boxed()`. The reload the daemon spawns runs on a worker; the `#[cfg(FALSE)]` twin of the
/// interval it reads there is compiled out, so no call reaches its file read.
#[test]
fn startup_through_an_extern_crate_alias_a_cfg_twin_and_a_boxed_entry_point() {
    let json = workspace_report("blocking_fs_in_async");
    assert_eq!(sites_in(&json, "daemon/src/lib.rs"), vec![], "{json:#}");
    assert_eq!(
        sites_in(&json, "router/src/run.rs"),
        vec![(
            "router/src/run.rs".to_string(),
            12,
            "blocking_fs_in_async".to_string()
        )],
        "{json:#}"
    );
}

/// A sync CLI member that no lock, deferred finding or async call of its own puts in the call
/// graph still calls into the library member: its `run_block_on(opt.process(..))`, from its sync
/// `main` through a clap subcommand's `process`, is where the library's async fn runs, off any
/// runtime worker. A future the CLI runs with a current-thread runtime's `block_on` shares that
/// thread with the task it spawns, and the library's other async fn, which nothing in the
/// workspace runs, may be polled anywhere: both stay findings.
#[test]
fn a_sync_cli_member_is_where_a_library_members_future_runs() {
    let json = workspace_report("blocking_fs_in_async");
    assert_eq!(
        sites_in(&json, "packages/src/cmd/download.rs"),
        vec![],
        "{json:#}"
    );
    assert_eq!(
        sites_in(&json, "packages/src/cmd/mirror.rs"),
        vec![(
            "packages/src/cmd/mirror.rs".to_string(),
            18,
            "blocking_fs_in_async".to_string()
        )],
        "{json:#}"
    );
    assert_eq!(
        sites_in(&json, "packages/src/cmd/publish.rs"),
        vec![(
            "packages/src/cmd/publish.rs".to_string(),
            10,
            "blocking_fs_in_async".to_string()
        )],
        "{json:#}"
    );
}
