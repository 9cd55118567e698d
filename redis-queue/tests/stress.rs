//! The three designs against a real `redis-server` this test starts on a free loopback port.
//!
//! Needs `redis-server` on `PATH` (`.ci/run` installs the Debian package when it is missing).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::sync::atomic::AtomicBool;
use std::time::{Duration, Instant};

use racewise_redis_queue::connect::StressError;
use racewise_redis_queue::designs::{Design, Submitted};
use racewise_redis_queue::history::{Event, History, Kind};
use racewise_redis_queue::server::{RedisServer, free_port};
use racewise_redis_queue::stress::{self, StressOptions};

/// Rounds per design here: ~1 s a design on the 2-core CI machine; the README's figures come
/// from `racewise models redis-stress --rounds 500`.
const ROUNDS: usize = 100;

fn server() -> RedisServer {
    RedisServer::start().unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn the_scripts_are_clean_and_the_broken_designs_are_counted() {
    let server = server();
    let start = Instant::now();
    let options = StressOptions {
        rounds: ROUNDS,
        ..StressOptions::default()
    };
    let report = stress::run(&server.url(), &options, &AtomicBool::new(false)).expect("runs");
    let took = start.elapsed();
    eprintln!("{ROUNDS} rounds per design in {took:.1?}");
    assert!(
        took < Duration::from_secs(60),
        "the CI stress must stay under 60 s: {took:?}"
    );
    assert_eq!(report.designs.len(), 3);
    for d in &report.designs {
        eprintln!(
            "{:<15} rounds with violations {:>4}/{}  {:?}  e.g. {:?}",
            d.design.name(),
            d.rounds_with_violations,
            d.rounds,
            d.violations,
            d.example
        );
        assert_eq!(d.rounds, ROUNDS);
    }
    let scripts = &report.designs[2];
    assert_eq!(scripts.design, Design::Scripts);
    assert_eq!(scripts.total(), 0, "{scripts:?}");
    assert_eq!(scripts.rounds_with_violations, 0);
    assert_eq!(
        server.key_count().expect("DBSIZE"),
        0,
        "the stress left keys behind"
    );
}

/// The checker notices each kind of violation in a hand-written history, and passes a clean one.
#[test]
fn the_history_checker_notices_known_bad_histories() {
    use Event::{Finished, Started, Submitted as S};
    let history = |events: Vec<Event>, running_after, waiting_after: Vec<u32>| History {
        events: events.into_iter().zip(0..).map(|(e, i)| (i, e)).collect(),
        bound: 3,
        running_after,
        waiting_after,
    };
    let kinds = |h: &History| h.check().iter().map(|v| v.kind).collect::<Vec<_>>();

    let clean = history(
        vec![
            S(1, Submitted::Running),
            Started(1),
            S(2, Submitted::Queued(1)),
            Finished(1),
            Started(2),
            Finished(2),
            S(3, Submitted::Running),
            Started(3),
            Finished(3),
        ],
        None,
        vec![],
    );
    assert_eq!(kinds(&clean), []);

    let double_start = history(
        vec![
            S(1, Submitted::Running),
            Started(1),
            S(2, Submitted::Running),
            Started(2),
            Finished(1),
            Finished(2),
        ],
        None,
        vec![],
    );
    assert_eq!(kinds(&double_start), [Kind::DoubleStart]);

    let run_twice = history(
        vec![
            S(1, Submitted::Running),
            Started(1),
            Finished(1),
            Started(1),
            Finished(1),
        ],
        None,
        vec![],
    );
    assert_eq!(kinds(&run_twice), [Kind::RunTwice]);

    let overflow = history(
        vec![
            S(1, Submitted::Running),
            Started(1),
            S(2, Submitted::Queued(4)),
            Finished(1),
            Started(2),
            Finished(2),
        ],
        None,
        vec![],
    );
    assert_eq!(kinds(&overflow), [Kind::BoundExceeded]);

    let stranded = history(
        vec![
            S(1, Submitted::Running),
            Started(1),
            S(2, Submitted::Queued(1)),
            Finished(1),
        ],
        None,
        vec![2],
    );
    assert_eq!(kinds(&stranded), [Kind::Stranded]);

    let lost = history(
        vec![
            S(1, Submitted::Running),
            Started(1),
            S(2, Submitted::Queued(1)),
            Finished(1),
        ],
        None,
        vec![],
    );
    assert_eq!(kinds(&lost), [Kind::Lost]);

    let stuck = history(
        vec![S(1, Submitted::Running), Started(1), Finished(1)],
        Some(1),
        vec![],
    );
    assert_eq!(kinds(&stuck), [Kind::StuckBusy]);

    // Order is by sequence number, not by position: B started after A finished.
    let mut reordered = history(vec![], None, vec![]);
    reordered.events = vec![
        (3, Started(2)),
        (0, S(1, Submitted::Running)),
        (1, Started(1)),
        (2, Finished(1)),
        (4, Finished(2)),
        (1, S(2, Submitted::Running)),
    ];
    assert_eq!(kinds(&reordered), []);
}

fn expect_error(url: &str) -> (StressError, Duration) {
    let start = Instant::now();
    let options = StressOptions {
        rounds: 1,
        ..StressOptions::default()
    };
    let err = stress::run(url, &options, &AtomicBool::new(false)).expect_err("must fail");
    (err, start.elapsed())
}

#[test]
fn a_refused_connection_is_unreachable() {
    let port = free_port().expect("port");
    let (err, took) = expect_error(&format!("redis://127.0.0.1:{port}"));
    assert!(matches!(err, StressError::Unreachable { .. }), "{err}");
    assert!(err.to_string().contains("cannot connect to"), "{err}");
    assert!(took < Duration::from_secs(5), "{took:?}");
}

#[test]
fn a_bad_url_is_refused() {
    let (err, _) = expect_error("http://127.0.0.1:1");
    assert!(matches!(err, StressError::BadUrl { .. }), "{err}");
}

/// A port that accepts and answers like HTTP, and one that accepts and says nothing: both are
/// "not Redis", within the connect timeout.
#[test]
fn a_server_that_is_not_redis_is_refused_without_hanging() {
    for reply in [
        Some(&b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n"[..]),
        None,
    ] {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let fake = std::thread::spawn(move || {
            // Serve the one connection attempt, then hold it open until the client gives up.
            if let Ok((mut s, _)) = listener.accept() {
                let _ = s.set_read_timeout(Some(Duration::from_secs(10)));
                let mut buf = [0u8; 512];
                let _ = s.read(&mut buf);
                if let Some(reply) = reply {
                    let _ = s.write_all(reply);
                }
                let _ = s.read(&mut buf);
            }
        });
        let (err, took) = expect_error(&format!("redis://127.0.0.1:{port}"));
        eprintln!("{err} ({took:?})");
        assert!(matches!(err, StressError::NotRedis { .. }), "{err}");
        assert!(
            err.to_string()
                .contains("does not look like a Redis server"),
            "{err}"
        );
        assert!(took < Duration::from_secs(8), "{took:?}");
        fake.join().expect("fake server");
    }
}

#[test]
fn a_wrong_or_missing_password_is_an_auth_error() {
    let server = RedisServer::start_with_password(Some("s3cret")).unwrap_or_else(|e| panic!("{e}"));
    let port = server.port();
    for url in [
        format!("redis://:wrong@127.0.0.1:{port}"),
        format!("redis://127.0.0.1:{port}"),
    ] {
        let (err, _) = expect_error(&url);
        eprintln!("{err}");
        assert!(matches!(err, StressError::Auth { .. }), "{url}: {err}");
        assert!(!err.to_string().contains("wrong@"), "password shown: {err}");
    }
    let options = StressOptions {
        rounds: 2,
        ..StressOptions::default()
    };
    let report = stress::run(&server.url(), &options, &AtomicBool::new(false)).expect("runs");
    assert_eq!(report.designs[2].total(), 0);
}

/// Stopped mid-run (as Ctrl-C does from the CLI), the stress ends after the round in progress,
/// reports the interruption and leaves no key behind.
#[test]
fn an_interrupted_stress_leaves_no_key() {
    let server = server();
    let options = StressOptions {
        rounds: 1_000_000,
        ..StressOptions::default()
    };
    let stop = AtomicBool::new(false);
    let start = Instant::now();
    let err = std::thread::scope(|scope| {
        scope.spawn(|| {
            std::thread::sleep(Duration::from_millis(300));
            stop.store(true, std::sync::atomic::Ordering::SeqCst);
        });
        stress::run(&server.url(), &options, &stop).expect_err("stopped")
    });
    assert!(
        matches!(err, StressError::Interrupted { rounds } if rounds > 0),
        "{err}"
    );
    assert!(start.elapsed() < Duration::from_secs(5));
    assert_eq!(server.key_count().expect("DBSIZE"), 0);
}
