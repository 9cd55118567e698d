//! `--format github`: workflow-command annotations, most severe first, at most 10 per level,
//! with one closing notice for what GitHub would not show.

mod ci_support;

use ci_support::{FIVE, Scratch, check_output, ci_fixture};

fn github(dir: &str, extra: &[&str]) -> String {
    check_output("github", &[&[dir], extra].concat())
}

#[test]
fn service_annotations_snapshot() {
    let dir = ci_fixture("service");
    let out = github(&dir.to_string_lossy(), &["--select", FIVE]);
    insta::assert_snapshot!("service_github", out);
}

#[test]
fn most_severe_first_and_levels() {
    let dir = ci_fixture("service");
    let out = github(&dir.to_string_lossy(), &["--select", FIVE]);
    let lines: Vec<&str> = out.lines().collect();
    assert!(lines[0].starts_with("::error ") && lines[0].contains("exit_in_async (critical)"));
    let rank = |l: &str| match l.split_whitespace().next() {
        Some("::error") => 0,
        Some("::warning") => 1,
        _ => 2,
    };
    assert!(lines.windows(2).all(|w| rank(w[0]) <= rank(w[1])), "{out}");
    for l in &lines {
        assert!(
            l.contains("file=src/") && l.contains(",line=") && l.contains(",col="),
            "{l}"
        );
        assert!(!l.contains('\n'));
    }
}

#[test]
fn caps_each_level_at_ten_and_counts_the_rest() {
    // Fourteen sleeps (error), twelve file writes (warning) in one async fn.
    let scratch = Scratch::copy_of(&ci_fixture("service"));
    let mut body = String::from("use std::time::Duration;\n\npub async fn storm() {\n");
    for i in 0..14 {
        body.push_str(&format!(
            "    std::thread::sleep(Duration::from_millis({i}));\n"
        ));
    }
    for i in 0..12 {
        body.push_str(&format!("    let _ = std::fs::write(\"f{i}\", b\"x\");\n"));
    }
    body.push_str("}\n");
    scratch.write("src/storm.rs", &body);
    scratch.edit("src/main.rs", "mod db;", "mod db;\nmod storm;");
    let out = github(
        &scratch.path(),
        &[
            "--select",
            "blocking_sleep_in_async,blocking_fs_in_async,exit_in_async",
        ],
    );
    let count = |p: &str| out.lines().filter(|l| l.starts_with(p)).count();
    assert_eq!(count("::error "), 10, "{out}");
    assert_eq!(count("::warning "), 10, "{out}");
    // The closing notice is always shown (notices are capped at 9 when it is needed).
    let last = out.lines().last().unwrap();
    assert!(
        last.starts_with("::notice title=racewise%3A more findings::"),
        "{last}"
    );
    // service has 1 critical + 1 high in FIVE's subset selected here: exit (critical), sleep
    // (high) in routes; storm adds 14 high; service has 5 + 12 medium file findings.
    let total_err = 1 + 1 + 14;
    let total_warn = 5 + 12;
    let hidden = (total_err - 10) + (total_warn - 10);
    assert!(
        last.contains(&format!("::{hidden} more racewise results")),
        "{last}"
    );
}

#[test]
fn escapes_data_and_properties() {
    let scratch = Scratch::copy_of(&ci_fixture("service"));
    std::fs::create_dir_all(scratch.file("src/a,b")).unwrap();
    scratch.write(
        "src/a,b/x:y.rs",
        "pub async fn f() {\n    std::process::exit(1);\n}\n",
    );
    // Declared, or the crate would not compile it (and racewise would skip it).
    scratch.edit(
        "src/main.rs",
        "mod db;",
        "mod db;\n#[path = \"a,b/x:y.rs\"]\nmod odd_name;",
    );
    let out = github(&scratch.path(), &["--select", "exit_in_async"]);
    let line = out.lines().find(|l| l.contains("x%3Ay.rs")).expect(&out);
    assert!(line.contains("file=src/a%2Cb/x%3Ay.rs,"), "{line}");
    // The message's newline before the help is escaped.
    assert!(line.contains("%0A%0Ahelp: "), "{line}");
}
