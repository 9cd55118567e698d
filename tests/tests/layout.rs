//! A package laid out as rustc sees it, not as its directories suggest: a `[lib] path` and a
//! `[[bin]] path` under `src/cli/` are both the crate root, types spliced in with `include!` are
//! the includer's module's, a variant's binding has its field's type (also `Self::Login(l)`),
//! `Cli::parse()` is a `Cli`, a `select!` branch and a `#[cfg]` alternative of a fn are calls
//! like any other, a name a `use admin_cli::*;` brings in is called, a `#[tokio::main]` fn
//! other than `main` is a sync fn to its callers, a `src/bin/backfill/main.rs` binary's
//! `mod steps;` is its sibling `steps.rs`, whose `crate::` is that binary, and a `[[bin]]`
//! outside `src/` (`bin/repair.rs`) is a binary of its own, whose `use admin_cli::repair_index;`
//! names the library's re-export and whose `mod args;` (`bin/args.rs`, sorting first) is its
//! module, not another binary.

mod ci_support;

use ci_support::{check_json, ci_fixture, sites};

/// The command handlers and the foreground daemon of a one-shot admin tool exit before anything
/// runs: only the exit in the task `serve` spawns is reported. When any of the above is
/// misread, main no longer visibly reaches `LoginOpt::exec`, `UserOpt::exec`, `run_daemon`,
/// backfill's `steps::run` or `repair_index`, and their exits are reported as reachable from
/// anywhere.
#[test]
fn exits_only_main_reaches_through_a_cli_dispatch_are_startup() {
    let root = ci_fixture("layout").to_string_lossy().into_owned();
    let (_, json) = check_json(&[&root, "--select", "exit_in_async", "--fail-on", "never"]);
    assert_eq!(
        sites(&json),
        vec![(
            "src/cli/serve.rs".to_string(),
            10,
            "exit_in_async".to_string()
        )],
        "{json:#}"
    );
    let finding = &json["findings"][0];
    assert_eq!(finding["severity"], "critical", "{finding:#}");
    // `fail` is the library's own fn (`src/cli/lib.rs` is the crate root), so the chain names it.
    let message = finding["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("calls `fail` (src/cli/lib.rs:13)"),
        "{message}"
    );
}
