//! Every rule in the catalog against its fixture crate under `fixtures/rules/<rule>/`: each line
//! marked `//~ rule` must produce that finding, and no other line may; and what a user reads of
//! those findings (message, help, spans, related locations) must match the rule's snapshot in
//! `snapshots/rule_fixtures__<rule>.snap`, so a wording or span change is a reviewed diff.

use std::panic::catch_unwind;

use racewise_lints::registry::RULES;
use racewise_tests::{assert_fixture, fixtures};

/// A rule's findings as the JSON report gives them, without what the snapshot need not pin:
/// the rule (the snapshot's name), the fingerprint (tested on its own) and the state.
fn user_facing(report: &serde_json::Value, rule: &str) -> serde_json::Value {
    let findings = report["findings"].as_array().into_iter().flatten();
    findings
        .filter(|f| f["rule"] == rule)
        .map(|f| {
            let mut f = f.clone();
            if let Some(fields) = f.as_object_mut() {
                for key in ["rule", "fingerprint", "state"] {
                    fields.remove(key);
                }
            }
            f
        })
        .collect()
}

#[test]
fn every_rule_matches_its_fixture_markers_and_message_snapshot() {
    // Each rule separately, so one failing rule does not hide the others.
    let failed: Vec<&str> = RULES
        .iter()
        .map(|r| r.meta.name)
        .filter(|&rule| {
            catch_unwind(|| {
                let report = assert_fixture(rule);
                insta::assert_json_snapshot!(rule, user_facing(&report, rule));
            })
            .is_err()
        })
        .collect();
    assert!(failed.is_empty(), "rules failing (see above): {failed:?}");
}

#[test]
fn every_fixture_crate_belongs_to_a_rule() {
    let dir = fixtures().join("rules");
    let mut strays = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("fixtures/rules") {
        let path = entry.expect("fixture entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_dir() && !RULES.iter().any(|r| r.meta.name == name) {
            strays.push(name.to_string());
        }
    }
    assert!(strays.is_empty(), "fixture crates for no rule: {strays:?}");
}
