//! The rule catalog: every rule by its public name.

use crate::lint::{Lint, RuleMeta};
use crate::rules;

pub struct RuleEntry {
    pub meta: &'static RuleMeta,
    pub make: fn() -> Box<dyn Lint>,
}

macro_rules! entry {
    ($module:ident, $ty:ident) => {
        RuleEntry {
            meta: &rules::$module::META,
            make: || Box::new(rules::$module::$ty::default()),
        }
    };
}

/// Every rule, in catalog order: the one list `racewise rules`, the README's rules table, the
/// fixture tests and the message snapshots follow. (Each rule's `pub mod` line in `rules/mod.rs`
/// stays a plain declaration so rustfmt formats the file; a test below fails on a rule module
/// missing here.)
pub static RULES: &[RuleEntry] = &[
    entry!(exit_in_async, ExitInAsync),
    entry!(blocking_fs_in_async, BlockingFsInAsync),
    entry!(blocking_sleep_in_async, BlockingSleepInAsync),
    entry!(blocking_lock_in_async, BlockingLockInAsync),
    entry!(lock_across_await, LockAcrossAwait),
    entry!(broad_lint_allow, BroadLintAllow),
    entry!(ignored_shutdown_signal, IgnoredShutdownSignal),
    entry!(swallowed_result, SwallowedResult),
    entry!(detached_spawn, DetachedSpawn),
    entry!(broadcast_lagged_exit, BroadcastLaggedExit),
    entry!(lock_order_inversion, LockOrderInversion),
    entry!(multiple_locks_held, MultipleLocksHeld),
    entry!(check_then_act, CheckThenAct),
    entry!(nonunique_temp_path, NonuniqueTempPath),
    entry!(secret_in_log, SecretInLog),
    entry!(non_constant_time_compare, NonConstantTimeCompare),
    entry!(unused_suppression, UnusedSuppression),
];

pub fn find(name: &str) -> Option<&'static RuleEntry> {
    RULES.iter().find(|r| r.meta.name == name)
}

pub fn names() -> Vec<&'static str> {
    RULES.iter().map(|r| r.meta.name).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_documents_four_parts_and_names_match() {
        for r in RULES {
            let docs = r.meta.docs();
            for part in [
                "## What it does",
                "## Why is this bad",
                "## Example",
                "## Use instead",
            ] {
                assert!(docs.contains(part), "{} docs lack `{part}`", r.meta.name);
            }
            assert_eq!((r.make)().meta().name, r.meta.name);
        }
    }

    /// The compiler checks that every entry names a rule module; this checks the converse, and
    /// that each rule is named like its file.
    #[test]
    fn every_rule_module_is_in_the_catalog() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules");
        let mut modules: Vec<String> = std::fs::read_dir(&dir)
            .expect("lints/src/rules")
            .map(|e| e.expect("rules dir entry").path())
            .filter(|p| p.extension().is_some_and(|x| x == "rs"))
            .filter_map(|p| Some(p.file_stem()?.to_str()?.to_string()))
            .filter(|stem| stem != "mod")
            .collect();
        modules.sort();
        let mut catalog = names();
        catalog.sort();
        assert_eq!(modules, catalog);
    }
}
