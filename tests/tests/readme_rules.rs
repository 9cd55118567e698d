//! The README's rules table is what `racewise rules` prints, which comes from the catalog: a rule
//! added, renamed or re-worded shows up here until the README says the same.

use racewise_tests::racewise;

/// The fenced block that follows the line "`racewise rules`:" in the README.
fn readme_rules_block(readme: &str) -> Option<&str> {
    let after = &readme[readme.find("\n`racewise rules`:\n")?..];
    let open = after.find("```\n")? + "```\n".len();
    let len = after[open..].find("```")?;
    Some(&after[open..open + len])
}

#[test]
fn readme_rules_table_is_racewise_rules_output() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md");
    let readme = std::fs::read_to_string(path).expect("README.md");
    let table = readme_rules_block(&readme).expect("README has a `racewise rules`: block");
    let run = racewise(&["rules"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.lines().take_while(|l| !l.is_empty()).count()
            == racewise_lints::registry::RULES.len(),
        "one line per rule, then the groups:\n{}",
        run.stdout
    );
    assert_eq!(
        table, run.stdout,
        "README.md's rules table differs from `racewise rules`; paste its output there"
    );
}
