//! `--format sarif`: valid against the official SARIF 2.1.0 schema, and what GitHub code
//! scanning needs (rule metadata, relative locations, fingerprints, related locations).

mod ci_support;

use std::path::Path;

use ci_support::{FIVE, Scratch, check_output, ci_fixture};
use racewise::report::sarif::line_hashes;
use racewise_tests::{fixtures, racewise};
use serde_json::Value;

fn schema_validator() -> jsonschema::Validator {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/sarif-schema-2.1.0.json");
    let text = std::fs::read_to_string(&path).expect("schema file");
    let schema: Value = serde_json::from_str(&text).expect("schema is JSON");
    jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

fn assert_valid(sarif: &Value) {
    let validator = schema_validator();
    let errors: Vec<String> = validator
        .iter_errors(sarif)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF schema violations:\n{}",
        errors.join("\n")
    );
}

fn sarif(args: &[&str]) -> Value {
    serde_json::from_str(&check_output("sarif", args)).expect("SARIF is JSON")
}

fn results(v: &Value) -> Vec<Value> {
    v["runs"][0]["results"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn schema_rejects_a_broken_log() {
    // The validator must be able to fail, or the tests below prove nothing.
    let bad = serde_json::json!({"version": "2.1.0", "runs": [{"tool": {"driver": {}}, "results": [{"level": "fatal"}]}]});
    assert!(!schema_validator().is_valid(&bad));
}

#[test]
fn service_fixture_is_valid_sarif() {
    let dir = ci_fixture("service");
    let v = sarif(&[&dir.to_string_lossy(), "--select", FIVE]);
    assert_valid(&v);
    assert_eq!(v["version"], "2.1.0");
    let run = &v["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    let root = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        root.starts_with("file:///") && root.ends_with('/'),
        "{root}"
    );

    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "racewise");
    assert!(
        driver["informationUri"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), racewise_lints::registry::RULES.len());
    let exit = rules.iter().find(|r| r["id"] == "exit_in_async").unwrap();
    assert_eq!(exit["name"], "ExitInAsync");
    assert_eq!(exit["defaultConfiguration"]["level"], "error");
    assert_eq!(exit["properties"]["security-severity"], "9.5");
    assert!(
        exit["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("## Why is this bad")
    );
    assert!(
        exit["help"]["text"]
            .as_str()
            .unwrap()
            .contains("## Use instead")
    );
    assert!(
        exit["fullDescription"]["text"]
            .as_str()
            .unwrap()
            .starts_with("Flags `std::process::exit`")
    );
    let fs = rules
        .iter()
        .find(|r| r["id"] == "blocking_fs_in_async")
        .unwrap();
    assert_eq!(fs["defaultConfiguration"]["level"], "warning");
    assert_eq!(fs["properties"]["security-severity"], "5.5");

    let results = results(&v);
    assert!(!results.is_empty());
    for r in &results {
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(
            rules[idx]["id"], r["ruleId"],
            "ruleIndex points at the rule"
        );
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
        assert!(uri.starts_with("src/"), "relative uri: {uri}");
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(loc["region"]["startColumn"].as_u64().unwrap() >= 1);
        let fp = &r["partialFingerprints"];
        assert_eq!(fp["racewiseFingerprint/v1"].as_str().unwrap().len(), 32);
        let h = fp["primaryLocationLineHash"].as_str().unwrap();
        let (hex, n) = h.split_once(':').unwrap();
        assert!(
            hex.chars().all(|c| c.is_ascii_hexdigit()) && n.parse::<u32>().unwrap() >= 1,
            "{h}"
        );
    }
    // Levels follow the severity mapping.
    let level_of = |rule: &str| {
        results
            .iter()
            .find(|r| r["ruleId"] == rule)
            .map(|r| r["level"].clone())
            .unwrap()
    };
    assert_eq!(level_of("blocking_sleep_in_async"), "error");
    assert_eq!(level_of("blocking_lock_in_async"), "warning");

    // The guard held across an await points at the await.
    let held = results
        .iter()
        .find(|r| r["ruleId"] == "lock_across_await")
        .unwrap();
    let rel = held["relatedLocations"].as_array().unwrap();
    assert_eq!(rel[0]["id"], 1);
    assert_eq!(
        rel[0]["physicalLocation"]["artifactLocation"]["uri"],
        "src/worker.rs"
    );
}

#[test]
fn line_hash_matches_the_file_content() {
    let dir = ci_fixture("service");
    let v = sarif(&[&dir.to_string_lossy(), "--select", FIVE]);
    for r in results(&v) {
        let loc = &r["locations"][0]["physicalLocation"];
        let file = loc["artifactLocation"]["uri"].as_str().unwrap();
        let line = loc["region"]["startLine"].as_u64().unwrap() as usize;
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        assert_eq!(
            r["partialFingerprints"]["primaryLocationLineHash"]
                .as_str()
                .unwrap(),
            line_hashes(&text)[line - 1]
        );
    }
}

/// The expected values are the test vectors of github/codeql-action's `src/fingerprints.test.ts`
/// (the upload action's own tests), so the port computes what the action computes.
#[test]
fn line_hash_matches_codeql_action_vectors() {
    let cases: &[(&str, &[&str])] = &[
        ("", &["c129715d7a2bc9a3:1"]),
        (
            " a\nb\n  \t\tc\n d",
            &[
                "271789c17abda88f:1",
                "54703d4cd895b18:1",
                "180aee12dab6264:1",
                "a23a3dc5e078b07b:1",
            ],
        ),
        (
            " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End",
            &[
                "8b7cf3e952e7aeb2:1",
                "b1ae1287ec4718d9:1",
                "bff680108adb0fcc:1",
                "c6805c5e1288b612:1",
                "b86d3392aea1be30:1",
                "e6ceba753e1a442:1",
            ],
        ),
    ];
    let with_eof_line: &[&str] = &[
        "e9496ae3ebfced30:1",
        "fb7c023a8b9ccb3f:1",
        "ce8ba1a563dcdaca:1",
        "e20e36e16fcb0cc8:1",
        "b3edc88f2938467e:1",
        "c8e28b0b4002a3a0:1",
        "c129715d7a2bc9a3:1",
    ];
    for (input, expected) in cases {
        assert_eq!(line_hashes(input), *expected, "input {input:?}");
    }
    // Every newline convention hashes the same.
    for input in [
        " hello; \t\nworld!!!\n\n\n  \t\tGreetings\n End\n",
        " hello; \t\nworld!!!\r\r\r  \t\tGreetings\r End\r",
        " hello; \t\r\nworld!!!\r\n\r\n\r\n  \t\tGreetings\r\n End\r\n",
        " hello; \t\nworld!!!\r\n\n\r  \t\tGreetings\r End\r\n",
    ] {
        assert_eq!(line_hashes(input), with_eof_line, "input {input:?}");
    }
    // Identical lines are told apart by their count.
    let lorem = "Lorem ipsum dolor sit amet.\n".repeat(10);
    assert_eq!(
        line_hashes(&lorem),
        [
            "a7f2ff13bc495cf2:1",
            "a7f2ff13bc495cf2:2",
            "a7f2ff13bc495cf2:3",
            "a7f2ff13bc495cf2:4",
            "a7f2ff13bc495cf2:5",
            "a7f2ff13bc495cf2:6",
            "a7f2ff1481e87703:1",
            "a9cf91f7bbf1862b:1",
            "55ec222b86bcae53:1",
            "cc97dc7b1d7d8f7b:1",
            "c129715d7a2bc9a3:1",
        ]
    );
}

#[test]
fn lock_order_cycle_has_related_locations_and_a_code_flow() {
    let dir = ci_fixture("service");
    let v = sarif(&[&dir.to_string_lossy(), "--select", "lock_order_inversion"]);
    assert_valid(&v);
    let results = results(&v);
    assert_eq!(results.len(), 2, "both sites of the cycle: {results:#?}");
    for r in &results {
        assert!(!r["relatedLocations"].as_array().unwrap().is_empty());
        let flows = r["codeFlows"][0]["threadFlows"].as_array().unwrap();
        assert!(flows.len() >= 2, "one thread flow per site: {flows:#?}");
        let lines: Vec<u64> = flows
            .iter()
            .flat_map(|f| f["locations"].as_array().unwrap().clone())
            .map(|l| {
                l["location"]["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap()
            })
            .collect();
        assert!(
            lines.contains(
                &r["locations"][0]["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap()
            )
        );
    }
}

#[test]
fn suppressed_and_baselined_are_left_out_unless_asked() {
    let dir = ci_fixture("suppressions");
    let d = dir.to_string_lossy();
    let plain = sarif(&[&d, "--select", FIVE]);
    assert!(
        results(&plain)
            .iter()
            .all(|r| r.get("suppressions").is_none())
    );
    let all = sarif(&[&d, "--select", FIVE, "--include-suppressed"]);
    assert_valid(&all);
    let all_results = results(&all);
    let suppressed: Vec<&Value> = all_results
        .iter()
        .filter(|r| r.get("suppressions").is_some())
        .collect();
    assert!(!suppressed.is_empty());
    assert_eq!(all_results.len(), results(&plain).len() + suppressed.len());
    assert!(
        suppressed
            .iter()
            .all(|r| r["suppressions"][0]["kind"] == "inSource")
    );

    // Baselined: left out, or kept with baselineState.
    let scratch = Scratch::copy_of(&ci_fixture("service"));
    let base = scratch.file("baseline.json").to_string_lossy().into_owned();
    let run = racewise(&[
        "check",
        &scratch.path(),
        "--select",
        FIVE,
        "--write-baseline",
        &base,
        "--fail-on",
        "never",
    ]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let known = sarif(&[&scratch.path(), "--select", FIVE, "--baseline", &base]);
    assert!(results(&known).is_empty());
    let marked = sarif(&[
        &scratch.path(),
        "--select",
        FIVE,
        "--baseline",
        &base,
        "--include-suppressed",
    ]);
    assert_valid(&marked);
    assert!(!results(&marked).is_empty());
    assert!(
        results(&marked)
            .iter()
            .all(|r| r["baselineState"] == "unchanged")
    );
}

#[test]
fn parse_errors_are_tool_notifications() {
    let dir = fixtures().join("e2e/broken");
    let v = sarif(&[&dir.to_string_lossy(), "--select", FIVE]);
    assert_valid(&v);
    let inv = &v["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], true);
    let notes = inv["toolExecutionNotifications"].as_array().unwrap();
    assert!(!notes.is_empty());
    let parse = notes
        .iter()
        .find(|n| n["descriptor"]["id"] == "parse_error")
        .unwrap();
    assert_eq!(parse["level"], "error");
    let loc = &parse["locations"][0]["physicalLocation"];
    assert!(
        loc["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with(".rs")
    );
    assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
}

#[test]
fn same_input_same_bytes() {
    let dir = ci_fixture("service");
    let d = dir.to_string_lossy();
    let a = racewise(&[
        "check", &d, "--select", FIVE, "--format", "sarif", "--jobs", "1",
    ]);
    let b = racewise(&[
        "check", &d, "--select", FIVE, "--format", "sarif", "--jobs", "2",
    ]);
    assert_eq!(a.stdout, b.stdout);
}

#[test]
fn call_chain_is_a_code_flow_one_step_per_call() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rules/blocking_fs_in_async");
    let v = sarif(&[&dir.to_string_lossy(), "--select", "blocking_fs_in_async"]);
    assert_valid(&v);
    let results = results(&v);
    let deep = results
        .iter()
        .find(|r| {
            r["message"]["text"]
                .as_str()
                .is_some_and(|m| m.starts_with("calls `level1`"))
        })
        .expect("the four-call chain is reported");
    let steps = deep["codeFlows"][0]["threadFlows"][0]["locations"]
        .as_array()
        .expect("one thread flow");
    let at: Vec<(String, u64, u64)> = steps
        .iter()
        .map(|s| {
            let loc = &s["location"]["physicalLocation"];
            (
                loc["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap_or("")
                    .to_string(),
                loc["region"]["startLine"].as_u64().unwrap_or(0),
                s["nestingLevel"].as_u64().unwrap_or(99),
            )
        })
        .collect();
    let layers = "src/settings/layers.rs".to_string();
    assert_eq!(
        at,
        vec![
            ("src/settings/routes.rs".to_string(), 24, 0),
            (layers.clone(), 18, 1),
            (layers.clone(), 22, 2),
            (layers.clone(), 26, 3),
            (layers, 7, 4),
        ],
        "{deep:#}"
    );
    // A single-body finding has no chain, and no code flow.
    let direct = results
        .iter()
        .find(|r| {
            r["relatedLocations"]
                .as_array()
                .is_none_or(|a| a.is_empty())
        })
        .expect("a direct finding");
    assert!(direct["codeFlows"].is_null(), "{direct:#}");
}

#[test]
fn fixes_are_sarif_fixes_with_replacements() {
    let dir = fixtures().join("fix/blocking_unsafe/before");
    let v = sarif(&[&dir.to_string_lossy()]);
    assert_valid(&v);
    let with_fix: Vec<Value> = results(&v)
        .into_iter()
        .filter(|r| r.get("fixes").is_some())
        .collect();
    assert_eq!(with_fix.len(), 6, "{with_fix:#?}");
    let sleep = with_fix
        .iter()
        .find(|r| r["ruleId"] == "blocking_sleep_in_async")
        .expect("the sleep fix");
    let fix = &sleep["fixes"][0];
    assert_eq!(fix["properties"]["safety"], "unsafe");
    let change = &fix["artifactChanges"][0];
    assert_eq!(change["artifactLocation"]["uri"], "svc/src/routes.rs");
    let reps = change["replacements"].as_array().expect("replacements");
    assert_eq!(reps[0]["insertedContent"]["text"], "tokio::time::sleep");
    assert_eq!(reps[0]["deletedRegion"]["startLine"], 20);
    assert_eq!(reps[1]["insertedContent"]["text"], ".await");
    // The broken-schema guard above proves the validator can fail; this proves a fix can be
    // invalid too (a replacement needs a deletedRegion).
    let mut broken = v.clone();
    broken["runs"][0]["results"][0]["fixes"] = serde_json::json!([{"artifactChanges": [{"artifactLocation": {"uri": "x"}, "replacements": [{}]}]}]);
    assert!(!schema_validator().is_valid(&broken));
}
