//! `racewise models check` keeps shuttle's own advice ("pass that string to `shuttle::replay`",
//! "SHUTTLE_RANDOM_SEED") off stderr: the only replay instruction is racewise's command (issue
//! 13, defect 12). Runs the real binary, since the test harness captures `eprintln!` in-process.

use std::process::Command;

#[test]
fn models_check_prints_only_racewise_advice() {
    let out = Command::new(env!("CARGO_BIN_EXE_racewise"))
        .args(["models", "check", "scheduler", "--iterations", "200"])
        .output()
        .expect("run racewise");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stdout.contains("replay:   racewise models replay scheduler/"),
        "{stdout}"
    );
    assert!(!stderr.contains("shuttle::"), "stderr: {stderr}");
    assert!(!stderr.contains("SHUTTLE_RANDOM_SEED"), "stderr: {stderr}");
    assert!(!stderr.contains("failing schedule"), "stderr: {stderr}");
}

#[test]
fn bare_racewise_prints_help() {
    let out = Command::new(env!("CARGO_BIN_EXE_racewise"))
        .output()
        .expect("run racewise");
    let all =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    // The help itself (commands with their descriptions), not clap's "requires a subcommand"
    // error.
    assert!(all.contains("Commands:"), "{all}");
    assert!(all.contains("Analyze Rust source trees"), "{all}");
    assert!(!all.contains("error:"), "{all}");
}
