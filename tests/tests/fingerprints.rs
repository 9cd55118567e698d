//! Fingerprints survive unrelated edits (lines added above, other functions reformatted or
//! changed) and tell identical findings in different functions apart.

mod ci_support;

use std::collections::BTreeMap;

use ci_support::{FIVE, Scratch, check_json, ci_fixture, findings};

/// fingerprint -> (file, rule, function, line)
fn by_fingerprint(dir: &str) -> BTreeMap<String, (String, String, String, u64)> {
    let (_, j) = check_json(&[dir, "--select", FIVE, "--fail-on", "never"]);
    let list = findings(&j);
    let map: BTreeMap<_, _> = list
        .iter()
        .map(|f| {
            (
                f["fingerprint"].as_str().unwrap().to_string(),
                (
                    f["file"].as_str().unwrap().to_string(),
                    f["rule"].as_str().unwrap().to_string(),
                    f["function"].as_str().unwrap_or("").to_string(),
                    f["line"].as_u64().unwrap(),
                ),
            )
        })
        .collect();
    assert_eq!(
        map.len(),
        list.len(),
        "fingerprints are unique within a run"
    );
    map
}

fn strip_lines(
    m: &BTreeMap<String, (String, String, String, u64)>,
) -> BTreeMap<String, (String, String, String)> {
    m.iter()
        .map(|(k, (f, r, func, _))| (k.clone(), (f.clone(), r.clone(), func.clone())))
        .collect()
}

#[test]
fn stable_across_unrelated_edits() {
    let scratch = Scratch::copy_of(&ci_fixture("service"));
    let before = by_fingerprint(&scratch.path());
    assert!(before.len() >= 10);

    // Lines added above every finding of routes.rs.
    let routes = scratch.read("src/routes.rs");
    scratch.write(
        "src/routes.rs",
        &format!("//! HTTP routes.\n//!\n//! Every handler takes the shared state.\n\n#![allow(clippy::unused_async)]\n\n{routes}"),
    );
    // Another function reformatted (no finding in it).
    scratch.edit(
        "src/routes.rs",
        "pub fn router(state: Arc<AppState>) -> Router {\n    Router::new()",
        "pub fn router(\n    state: Arc<AppState>,\n) -> Router\n{\n    Router::new()",
    );
    // Another function's body changed, and a flagged line re-indented (indentation and runs of
    // spaces are normalized away).
    scratch.edit(
        "src/worker.rs",
        "async fn upload(id: u64) {\n    let _ = id;\n}",
        "async fn upload(id: u64) {\n    tracing::debug!(id, \"uploading\");\n    let _ = id;\n}",
    );
    scratch.edit(
        "src/worker.rs",
        "    std::fs::read_to_string(state.export_dir.join(\"orders.json\")).unwrap_or_default()\n}\n\npub async fn load_invoices",
        "        std::fs::read_to_string(state.export_dir.join(\"orders.json\")).unwrap_or_default()\n}\n\npub async fn load_invoices",
    );

    let after = by_fingerprint(&scratch.path());
    assert_eq!(
        strip_lines(&before),
        strip_lines(&after),
        "same fingerprints after unrelated edits"
    );
    // ...although the findings in routes.rs moved.
    let moved = before
        .iter()
        .filter(|(k, v)| v.0 == "src/routes.rs" && after[*k].3 != v.3)
        .count();
    assert!(moved >= 3, "routes.rs findings moved down");
}

#[test]
fn identical_findings_in_different_functions_differ() {
    let fps = by_fingerprint(&ci_fixture("service").to_string_lossy());
    let in_fn = |name: &str| -> Vec<&String> {
        fps.iter()
            .filter(|(_, v)| v.2 == name)
            .map(|(k, _)| k)
            .collect()
    };
    // `load_orders` and `load_invoices` contain the very same line.
    let (a, b) = (in_fn("load_orders"), in_fn("load_invoices"));
    assert_eq!((a.len(), b.len()), (1, 1));
    assert_ne!(a[0], b[0]);
}

#[test]
fn identical_findings_in_one_function_differ_and_stay_stable() {
    let scratch = Scratch::copy_of(&ci_fixture("service"));
    scratch.edit(
        "src/worker.rs",
        "pub fn compact(",
        "pub async fn twice(state: &AppState) {\n    let _ = std::fs::remove_file(state.export_dir.join(\"a\"));\n    let _ = std::fs::remove_file(state.export_dir.join(\"a\"));\n}\n\npub fn compact(",
    );
    let first = by_fingerprint(&scratch.path());
    let twice: Vec<&String> = first
        .iter()
        .filter(|(_, v)| v.2 == "twice")
        .map(|(k, _)| k)
        .collect();
    assert_eq!(twice.len(), 2);
    assert_ne!(twice[0], twice[1]);
    let again = by_fingerprint(&scratch.path());
    assert_eq!(first, again, "deterministic");
}
