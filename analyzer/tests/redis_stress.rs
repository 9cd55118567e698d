//! `racewise models redis-stress` end to end, from the built binary, against a `redis-server` the
//! test starts on a free loopback port (`.ci/run` installs it when missing).

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use racewise_redis_queue::server::{RedisServer, free_port};
use serde_json::Value;

fn racewise(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_racewise"))
        .args(args)
        .output()
        .expect("runs racewise")
}

fn server() -> RedisServer {
    RedisServer::start().unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn json_report_counts_violations_per_design_and_the_scripts_are_clean() {
    let server = server();
    let url = server.url();
    let out = racewise(&[
        "models",
        "redis-stress",
        "--url",
        &url,
        "--rounds",
        "20",
        "--format",
        "json",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_str(&stdout).expect("json");
    let designs = report["designs"].as_array().expect("designs");
    let names: Vec<&str> = designs
        .iter()
        .filter_map(|d| d["design"].as_str())
        .collect();
    assert_eq!(names, ["audited", "prescribed_fix", "scripts"]);
    for d in designs {
        assert_eq!(d["rounds"], 20);
        let kinds = d["violations"].as_object().expect("violations");
        let sum: u64 = kinds.values().filter_map(Value::as_u64).sum();
        assert_eq!(d["total"].as_u64(), Some(sum));
    }
    assert_eq!(designs[2]["total"], 0);
    assert_eq!(report["clients"], 10);
    assert_eq!(report["bound"], 3);
    assert_eq!(server.key_count().expect("DBSIZE"), 0, "keys left behind");
}

#[test]
fn human_report_is_a_table() {
    let server = server();
    let out = racewise(&[
        "models",
        "redis-stress",
        "--url",
        &server.url(),
        "--rounds",
        "5",
    ]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("5 rounds per design, 10 concurrent clients"),
        "{stdout}"
    );
    let header = stdout
        .lines()
        .find(|l| l.starts_with("DESIGN"))
        .expect("table header");
    assert!(
        header.contains("double_start") && header.contains("stranded"),
        "{header}"
    );
    let scripts = stdout
        .lines()
        .find(|l| l.starts_with("scripts ") && l.contains("/5"))
        .expect("scripts row");
    assert!(scripts.contains(" 0/5 "), "{scripts}");
}

/// Unreachable, wrong password, not Redis, bad URL: a one-line error, exit 2, quickly.
#[test]
fn bad_targets_exit_2_with_a_clear_error() {
    let protected =
        RedisServer::start_with_password(Some("s3cret")).unwrap_or_else(|e| panic!("{e}"));
    let silent = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let silent_url = format!(
        "redis://127.0.0.1:{}",
        silent.local_addr().expect("addr").port()
    );
    let cases = [
        (
            format!("redis://127.0.0.1:{}", free_port().expect("port")),
            "cannot connect to",
        ),
        (
            format!("redis://:wrong@127.0.0.1:{}", protected.port()),
            "authentication to redis://:***@",
        ),
        (silent_url, "does not look like a Redis server"),
        ("localhost:6379".to_string(), "invalid Redis URL"),
    ];
    for (url, expected) in cases {
        let start = Instant::now();
        let out = racewise(&["models", "redis-stress", "--url", &url, "--rounds", "1"]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{url}: {stderr}");
        assert!(stderr.contains(expected), "{url}: {stderr}");
        assert!(!stderr.contains("wrong"), "password shown: {stderr}");
        assert!(start.elapsed() < Duration::from_secs(10), "{url} hung");
    }
}

/// SIGINT mid-stress: the round in progress finishes, the keys are removed, exit code 130.
#[test]
fn ctrl_c_stops_the_stress_and_removes_its_keys() {
    let server = server();
    let url = server.url();
    let mut child = Command::new(env!("CARGO_BIN_EXE_racewise"))
        .args([
            "models",
            "redis-stress",
            "--url",
            &url,
            "--rounds",
            "1000000",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawns");
    // Signal only once the stress is running (its keys exist): before that, the handler may not
    // be installed yet on a loaded machine.
    let start = Instant::now();
    while server.key_count().unwrap_or(0) == 0 {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "the stress never started"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    let killed = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            panic!("racewise did not stop within 10 s of SIGINT");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().expect("stderr"), &mut stderr)
        .expect("reads");
    assert_eq!(status.code(), Some(130), "{stderr}");
    assert!(
        stderr.contains("the stress's keys were removed"),
        "{stderr}"
    );
    assert_eq!(server.key_count().expect("DBSIZE"), 0, "keys left behind");
}
