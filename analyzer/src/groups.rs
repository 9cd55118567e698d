//! Rule groups for `--select`/`--ignore` (`blocking`, `locks`, `errors`, `security`, `shutdown`,
//! `all`), and the resolution of what a user typed into rule names: case-insensitive, spaces
//! around commas ignored, unknown names answered with the nearest valid one.

use racewise_lints::registry;

use crate::error::UsageError;

/// Every group and its rules. Each rule belongs to exactly one group (a test checks it, so a new
/// rule cannot be forgotten here).
pub const GROUPS: &[(&str, &str, &[&str])] = &[
    (
        "blocking",
        "blocking calls on the async runtime",
        &[
            "blocking_fs_in_async",
            "blocking_sleep_in_async",
            "blocking_lock_in_async",
        ],
    ),
    (
        "locks",
        "guards, lock ordering and races between a check and an act",
        &[
            "lock_across_await",
            "lock_order_inversion",
            "multiple_locks_held",
            "check_then_act",
        ],
    ),
    (
        "errors",
        "errors and warnings silenced",
        &["swallowed_result", "broad_lint_allow", "unused_suppression"],
    ),
    (
        "security",
        "secrets, timing leaks and predictable temp files",
        &[
            "secret_in_log",
            "non_constant_time_compare",
            "nonunique_temp_path",
        ],
    ),
    (
        "shutdown",
        "process exit, shutdown signals and tasks nobody awaits",
        &[
            "exit_in_async",
            "ignored_shutdown_signal",
            "detached_spawn",
            "broadcast_lagged_exit",
        ],
    ),
];

/// The group a rule belongs to.
pub fn group_of(rule: &str) -> Option<&'static str> {
    GROUPS
        .iter()
        .find(|(_, _, rules)| rules.contains(&rule))
        .map(|(g, _, _)| *g)
}

fn suggestion(word: &str) -> Option<&'static str> {
    let candidates = registry::names()
        .into_iter()
        .chain(GROUPS.iter().map(|(g, _, _)| *g))
        .chain(["all"]);
    candidates
        .map(|c| (strsim::jaro_winkler(word, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// Rule names for what was typed in `--select`/`--ignore` (`flag` names it in errors): groups
/// expanded, names lower-cased and trimmed, empty entries (`a,,b`, a trailing comma) dropped.
pub fn resolve(items: &[String], flag: &str) -> Result<Vec<String>, UsageError> {
    let mut out: Vec<String> = Vec::new();
    for raw in items.iter().flat_map(|s| s.split(',')) {
        let name = raw.trim().to_ascii_lowercase().replace('-', "_");
        if name.is_empty() {
            continue;
        }
        if name == "all" {
            out.extend(registry::names().into_iter().map(String::from));
        } else if let Some((_, _, rules)) = GROUPS.iter().find(|(g, _, _)| *g == name) {
            out.extend(rules.iter().map(|r| r.to_string()));
        } else if registry::find(&name).is_some() {
            out.push(name);
        } else {
            let hint = suggestion(&name)
                .map(|s| format!("did you mean `{s}`? "))
                .unwrap_or_default();
            let groups: Vec<&str> = GROUPS.iter().map(|(g, _, _)| *g).collect();
            return Err(UsageError::Usage(format!(
                "unknown rule or group `{}` in {flag}; {hint}groups: {}, all; rules: {}",
                raw.trim(),
                groups.join(", "),
                registry::names().join(", ")
            )));
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    out.retain(|r| seen.insert(r.clone()));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_in_exactly_one_group() {
        for name in registry::names() {
            let n = GROUPS.iter().filter(|(_, _, r)| r.contains(&name)).count();
            assert_eq!(n, 1, "rule `{name}` is in {n} groups");
        }
        for (g, _, rules) in GROUPS {
            for r in *rules {
                assert!(
                    registry::find(r).is_some(),
                    "group {g} names unknown rule {r}"
                );
            }
        }
    }

    #[test]
    fn spaces_case_groups_and_suggestions() {
        let got = resolve(&["Exit_In_Async, blocking".into()], "--select").unwrap();
        assert_eq!(
            got,
            [
                "exit_in_async",
                "blocking_fs_in_async",
                "blocking_sleep_in_async",
                "blocking_lock_in_async"
            ]
        );
        let e = resolve(&["exit_in_asink".into()], "--select").unwrap_err();
        assert!(
            e.to_string().contains("did you mean `exit_in_async`"),
            "{e}"
        );
    }
}
