//! `racewise.toml`: errors with file, line and what is valid (exit 2); per-rule settings,
//! per-path overrides, excludes, blocking_paths; the command line over the file.

mod ci_support;

use ci_support::{FIVE, check_json, ci_config, ci_fixture, findings, sites};
use racewise_tests::racewise;

fn service() -> String {
    ci_fixture("service").to_string_lossy().into_owned()
}

/// Run with a config that must be rejected; returns stderr.
fn rejected(config: &str) -> String {
    let cfg = ci_config(config);
    let run = racewise(&["check", &service(), "--config", &cfg, "--format", "json"]);
    assert_eq!(
        run.code, 2,
        "stdout: {}\nstderr: {}",
        run.stdout, run.stderr
    );
    assert!(run.stdout.is_empty(), "no report on a config error");
    assert!(run.stderr.contains(&cfg), "names the file: {}", run.stderr);
    run.stderr
}

#[test]
fn unknown_rule_is_an_error_with_line_and_valid_names() {
    let err = rejected("unknown_rule.toml");
    assert!(err.contains("unknown_rule.toml:4:"), "{err}");
    assert!(err.contains("unknown rule `blocking_fs_in_asnyc`"), "{err}");
    for name in racewise_lints::registry::names() {
        assert!(err.contains(name), "lists {name}: {err}");
    }
}

#[test]
fn unknown_rule_in_an_override_is_an_error() {
    let err = rejected("override_unknown_rule.toml");
    assert!(err.contains("override_unknown_rule.toml:7:"), "{err}");
    assert!(err.contains("unknown rule `blocking_fs`"), "{err}");
    assert!(err.contains("blocking_fs_in_async"), "{err}");
}

#[test]
fn unknown_keys_are_errors_with_line_and_valid_keys() {
    let err = rejected("unknown_key.toml");
    assert!(err.contains("unknown_key.toml:3:"), "{err}");
    assert!(err.contains("`exclued`"), "{err}");
    for key in ["exclude", "rules", "overrides", "blocking_paths"] {
        assert!(err.contains(&format!("`{key}`")), "lists {key}: {err}");
    }
    let err = rejected("unknown_rule_key.toml");
    assert!(err.contains("unknown_rule_key.toml:3:"), "{err}");
    assert!(
        err.contains("`enable`") && err.contains("`enabled`") && err.contains("`severity`"),
        "{err}"
    );
}

#[test]
fn bad_severity_is_an_error_with_line() {
    let err = rejected("bad_severity.toml");
    assert!(err.contains("bad_severity.toml:5:"), "{err}");
    assert!(
        err.contains("`urgent`") && err.contains("critical, high, medium, low"),
        "{err}"
    );
}

#[test]
fn missing_config_file_is_an_error() {
    let run = racewise(&[
        "check",
        &service(),
        "--config",
        "/nonexistent/racewise.toml",
    ]);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("/nonexistent/racewise.toml"),
        "{}",
        run.stderr
    );
}

#[test]
fn per_path_overrides() {
    let (_, plain) = check_json(&[&service(), "--select", FIVE, "--fail-on", "never"]);
    let cfg = ci_config("overrides.toml");
    let (_, over) = check_json(&[
        &service(),
        "--select",
        FIVE,
        "--fail-on",
        "never",
        "--config",
        &cfg,
    ]);
    let in_bin = |j: &serde_json::Value| {
        sites(j)
            .iter()
            .filter(|(f, _, _)| f.starts_with("src/bin/"))
            .count()
    };
    assert_eq!(in_bin(&plain), 2, "the fixture has findings under src/bin");
    assert_eq!(in_bin(&over), 0, "switched off for src/bin/**");
    // Elsewhere the rule still runs.
    assert!(
        sites(&over)
            .iter()
            .any(|(f, _, r)| f == "src/routes.rs" && r == "blocking_fs_in_async")
    );
    // Severity override for one file only.
    let sev = |j: &serde_json::Value, file: &str| -> Vec<String> {
        findings(j)
            .iter()
            .filter(|f| f["rule"] == "blocking_lock_in_async" && f["file"] == file)
            .map(|f| f["severity"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(sev(&over, "src/worker.rs"), ["high"]);
    assert_eq!(sev(&over, "src/routes.rs"), ["medium"]);
    assert_eq!(sev(&plain, "src/worker.rs"), ["medium"]);
}

#[test]
fn rule_settings_and_the_command_line_over_the_file() {
    let cfg = ci_config("rules.toml");
    let rules_of =
        |j: &serde_json::Value| -> Vec<String> { sites(j).into_iter().map(|s| s.2).collect() };
    let (_, file_only) = check_json(&[
        &service(),
        "--config",
        &cfg,
        "--fail-on",
        "never",
        "--ignore",
        "lock_order_inversion",
    ]);
    assert!(
        !rules_of(&file_only).contains(&"exit_in_async".to_string()),
        "disabled in the file"
    );
    let sleep = findings(&file_only)
        .into_iter()
        .find(|f| f["rule"] == "blocking_sleep_in_async")
        .expect("sleep still reported");
    assert_eq!(sleep["severity"], "low", "severity from the file");

    // --select wins over `enabled = false`.
    let (_, selected) = check_json(&[
        &service(),
        "--config",
        &cfg,
        "--fail-on",
        "never",
        "--select",
        "exit_in_async",
    ]);
    assert_eq!(rules_of(&selected), ["exit_in_async", "exit_in_async"]);
    // --ignore wins over `enabled = true`.
    let (_, ignored) = check_json(&[
        &service(),
        "--config",
        &cfg,
        "--fail-on",
        "never",
        "--select",
        FIVE,
        "--ignore",
        "lock_across_await",
    ]);
    assert!(!rules_of(&ignored).contains(&"lock_across_await".to_string()));
    assert!(rules_of(&ignored).contains(&"blocking_lock_in_async".to_string()));
}

#[test]
fn blocking_paths_flag_configured_calls_in_async_context() {
    let cfg = ci_config("blocking.toml");
    let (_, without) = check_json(&[
        &service(),
        "--select",
        "blocking_fs_in_async",
        "--fail-on",
        "never",
    ]);
    let (_, with) = check_json(&[
        &service(),
        "--select",
        "blocking_fs_in_async",
        "--fail-on",
        "never",
        "--config",
        &cfg,
    ]);
    let configured: Vec<(String, u64, String)> = findings(&with)
        .iter()
        .filter(|f| f["message"].as_str().unwrap().contains("blocking_paths"))
        .map(|f| {
            (
                f["file"].as_str().unwrap().to_string(),
                f["line"].as_u64().unwrap(),
                f["message"]
                    .as_str()
                    .unwrap()
                    .split(' ')
                    .next()
                    .unwrap()
                    .to_string(),
            )
        })
        .collect();
    assert_eq!(
        configured,
        [
            // `Client::new()` and `client.post(..)` on a `reqwest::blocking::Client` in `async fn send`.
            (
                "src/notify.rs".to_string(),
                18,
                "reqwest::blocking::Client::new".to_string()
            ),
            (
                "src/notify.rs".to_string(),
                19,
                "reqwest::blocking::Client::post".to_string()
            ),
            (
                "src/notify.rs".to_string(),
                25,
                "reqwest::blocking::get".to_string()
            ),
            // `query_sync` imported with `use crate::db::query_sync`.
            (
                "src/routes.rs".to_string(),
                36,
                "crate::db::query_sync".to_string()
            ),
        ],
        "not flagged: the sync `send_sync`, the call inside spawn_blocking, the worker's own query_sync"
    );
    assert_eq!(
        findings(&with).len(),
        findings(&without).len() + configured.len()
    );
    let msg = findings(&with)
        .into_iter()
        .find(|f| f["line"] == 36 && f["file"] == "src/routes.rs")
        .unwrap();
    assert!(
        msg["message"]
            .as_str()
            .unwrap()
            .contains("`crate::db::query_sync`"),
        "{msg}"
    );
}

/// The `wrapped` fixture's `racewise.toml` lists methods of `Db` (a type declared in
/// `store.rs`, reached through fields declared in `state.rs`) and says `common` stands for tokio
/// and `common::fs`/`blockfs` for std::fs.
#[test]
fn blocking_methods_of_other_files_types_and_declared_reexports() {
    let dir = ci_fixture("wrapped").to_string_lossy().into_owned();
    let sites_of = |json: &serde_json::Value| -> Vec<(String, String, u64)> {
        findings(json)
            .iter()
            .filter(|f| f["rule"] != "swallowed_result")
            .map(|f| {
                (
                    f["rule"].as_str().unwrap_or_default().to_string(),
                    f["file"].as_str().unwrap_or_default().to_string(),
                    f["line"].as_u64().unwrap_or_default(),
                )
            })
            .collect()
    };
    let (run, with) = check_json(&[&dir, "--fail-on", "never"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let site = |rule: &str, file: &str, line: u64| (rule.to_string(), file.to_string(), line);
    assert_eq!(
        sites_of(&with),
        [
            site("blocking_fs_in_async", "src/handlers.rs", 11),
            site("blocking_fs_in_async", "src/handlers.rs", 16),
            site("blocking_fs_in_async", "src/handlers.rs", 21),
            site("detached_spawn", "src/jobs.rs", 13),
            site("blocking_fs_in_async", "src/jobs.rs", 18),
            site("blocking_fs_in_async", "src/jobs.rs", 19),
            site("blocking_fs_in_async", "src/jobs.rs", 26),
        ],
        "not flagged: Cache::get, the async accessor, spawn_blocking, the sync fn, \
         common::fs_async, common::time::sleep"
    );
    let all = findings(&with);
    let messages: Vec<&str> = all.iter().filter_map(|f| f["message"].as_str()).collect();
    assert!(
        messages.iter().any(|m| m.starts_with(
            "crate::store::Db::get blocks the async runtime's worker thread (listed in blocking_paths as `Db::get`)"
        )),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("crate::store::Db::flush_sync blocks")
                && m.contains("`crate::store::Db::*_sync`")),
        "{messages:?}"
    );

    // Without the file, nothing here names a well-known crate or a listed method; only the call
    // graph still sees that `Db::get` itself calls std::fs::read.
    let empty = std::env::temp_dir().join(format!("racewise-empty-{}.toml", std::process::id()));
    std::fs::write(&empty, "").expect("write empty config");
    let e = empty.to_string_lossy().into_owned();
    let (_, without) = check_json(&[&dir, "--fail-on", "never", "--config", &e]);
    let _ = std::fs::remove_file(&empty);
    assert_eq!(
        sites_of(&without),
        [site("blocking_fs_in_async", "src/handlers.rs", 11)]
    );
    assert!(
        findings(&without)[0]["message"].as_str().is_some_and(
            |m| m.starts_with("calls `Db::get` (src/store.rs:12), which calls std::fs::read")
        ),
        "{without}"
    );
}

#[test]
fn bad_reexports_are_errors() {
    let err = rejected("bad_reexport_key.toml");
    assert!(err.contains("bad_reexport_key.toml:3:"), "{err}");
    assert!(
        err.contains("invalid key `tokio` in `resolve.reexports`") && err.contains("already knows"),
        "{err}"
    );
    let err = rejected("bad_reexport_value.toml");
    assert!(err.contains("bad_reexport_value.toml:4:"), "{err}");
    assert!(
        err.contains("invalid value `tokio::*` for `common` in `resolve.reexports`"),
        "{err}"
    );
    let err = rejected("bad_resolve_key.toml");
    assert!(err.contains("bad_resolve_key.toml:2:"), "{err}");
    assert!(
        err.contains("`reexport`") && err.contains("`reexports`"),
        "{err}"
    );
}

#[test]
fn racewise_toml_at_the_scan_root_is_used() {
    let dir = ci_fixture("configured");
    let (_, j) = check_json(&[
        &dir.to_string_lossy(),
        "--select",
        "blocking_fs_in_async",
        "--fail-on",
        "never",
    ]);
    let got = sites(&j);
    // src/generated/** is excluded; crate::legacy::* is a blocking path; severity is raised.
    assert_eq!(
        got,
        [
            (
                "src/lib.rs".to_string(),
                5,
                "blocking_fs_in_async".to_string()
            ),
            (
                "src/lib.rs".to_string(),
                9,
                "blocking_fs_in_async".to_string()
            ),
        ]
    );
    assert!(findings(&j).iter().all(|f| f["severity"] == "high"));
    assert_eq!(j["summary"]["files_scanned"], 2);
}
