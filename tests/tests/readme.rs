//! The README's example outputs come from the real command line. Each example is a fenced block
//! right after a `<!-- example: ARGS -->` comment; the test runs `racewise ARGS` (from the
//! repository root) and checks the block against the output. A block may be an excerpt: `...`
//! lines split it into parts, each of which must appear whole, in order.
//!
//! `RACEWISE_BLESS_README=1 cargo test -p racewise-tests --test readme` rewrites the blocks that
//! hold no `...` with the current output (excerpts are edited by hand; the failure shows the
//! output to take them from).

use std::path::{Path, PathBuf};

use racewise_tests::racewise;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("workspace root")
        .to_path_buf()
}

struct Example {
    args: Vec<String>,
    /// Line indexes of the block's body in the README.
    body: std::ops::Range<usize>,
}

fn examples(lines: &[&str]) -> Vec<Example> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        if let Some(args) = lines[i]
            .trim()
            .strip_prefix("<!-- example:")
            .and_then(|r| r.strip_suffix("-->"))
        {
            let fence_at = i + 1;
            let fence = lines
                .get(fence_at)
                .map(|l| l.chars().take_while(|&c| c == '`').collect::<String>())
                .filter(|f| f.len() >= 3)
                .unwrap_or_else(|| {
                    panic!(
                        "README line {}: no fenced block after the example marker",
                        i + 1
                    )
                });
            let end = (fence_at + 1..lines.len())
                .find(|&j| lines[j].trim_end() == fence)
                .unwrap_or_else(|| panic!("README line {}: unclosed block", fence_at + 1));
            out.push(Example {
                args: args.split_whitespace().map(String::from).collect(),
                body: fence_at + 1..end,
            });
            i = end;
        }
        i += 1;
    }
    out
}

fn output(args: &[String]) -> String {
    let root = repo();
    let args: Vec<String> = args
        .iter()
        .map(|a| {
            if a.starts_with("tests/") {
                root.join(a).to_string_lossy().into_owned()
            } else {
                a.clone()
            }
        })
        .collect();
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    let run = racewise(&refs);
    assert!(run.code != 2, "racewise {args:?} failed: {}", run.stderr);
    run.stdout
}

/// Whether every `...`-separated part of `block` appears in `actual`, in order.
fn matches(block: &[&str], actual: &str) -> bool {
    if block
        .iter()
        .all(|l| l.trim().is_empty() || l.trim() == "...")
    {
        return false;
    }
    let actual: Vec<&str> = actual.lines().map(str::trim_end).collect();
    let mut from = 0;
    for part in block.split(|l| l.trim() == "...") {
        let part: Vec<&str> = part.iter().map(|l| l.trim_end()).collect();
        if part.is_empty() {
            continue;
        }
        if from + part.len() > actual.len() {
            return false;
        }
        match (from..=actual.len().saturating_sub(part.len()))
            .find(|&k| actual[k..k + part.len()] == part[..])
        {
            Some(k) => from = k + part.len(),
            None => return false,
        }
    }
    true
}

#[test]
fn readme_examples_match_the_real_output() {
    let path = repo().join("README.md");
    let text = std::fs::read_to_string(&path).expect("README.md");
    let lines: Vec<&str> = text.lines().collect();
    let found = examples(&lines);
    assert!(found.len() >= 5, "README examples found: {}", found.len());
    let bless = std::env::var_os("RACEWISE_BLESS_README").is_some();
    let mut new_lines: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    let mut failures = Vec::new();
    // Back to front, so blessing a block does not move the ones before it.
    for ex in found.iter().rev() {
        let actual = output(&ex.args);
        let block = &lines[ex.body.clone()];
        if matches(block, &actual) {
            continue;
        }
        let excerpt = block.iter().any(|l| l.trim() == "...");
        if bless && !excerpt {
            new_lines.splice(
                ex.body.clone(),
                actual.lines().map(|l| l.trim_end().to_string()),
            );
        } else {
            failures.push(format!(
                "README lines {}-{} (`racewise {}`) differ from the output:\n{actual}",
                ex.body.start + 1,
                ex.body.end,
                ex.args.join(" ")
            ));
        }
    }
    if bless {
        std::fs::write(&path, new_lines.join("\n") + "\n").expect("write README.md");
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn excerpts_match_in_order() {
    let actual = "a\nb\nc\nd\n";
    assert!(matches(&["a", "b", "...", "d"], actual));
    assert!(!matches(&["b", "a"], actual));
    assert!(!matches(&["a", "c"], actual));
    assert!(!matches(&[], actual), "an empty block is never up to date");
}
