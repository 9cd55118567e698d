//! The `redis_queue` family through the catalog (what `racewise models check redis_queue` runs),
//! over shuttle from a plain build.
//!
//! The claim checked here is the issue's: at the pinned iteration counts, shuttle random and PCT
//! find every bug of the broken designs for at least 9 of 10 seeds (each found failure must carry
//! the variant's own invariant message and replay to it), and the correct design passes.
//!
//! `cargo test -p racewise-models --release --test redis_queue_catalog -- --nocapture` prints the
//! iterations each seed took.

use racewise_models::catalog::{self, CheckOptions, Expected, ModelVariant, Outcome, Strategy};

/// Iterations a broken variant gets per seed.
const BUG_ITERATIONS: usize = 200;
/// Iterations the correct design passes per seed (it runs six scenarios, two with 11 threads).
const CORRECT_ITERATIONS: usize = 100;
/// Seeds per variant and scheduler, and how many must find the bug.
const SEEDS: u64 = 10;
const MUST_FIND: usize = 9;

fn family() -> Vec<ModelVariant> {
    catalog::select(&["redis_queue".to_string()]).expect("the redis_queue family is registered")
}

fn strategies(v: &ModelVariant) -> [Strategy; 2] {
    [Strategy::Random, Strategy::Pct { depth: v.pct_depth }]
}

#[test]
fn the_family_has_a_correct_design_and_seven_bugs() {
    let all = family();
    assert_eq!(all.len(), 8);
    assert_eq!(all[0].name(), "redis_queue/correct");
    assert_eq!(all[0].expected, Expected::Pass);
    for v in &all[1..] {
        let Expected::Bug(cause) = v.expected else {
            panic!("{} must be a broken variant", v.name());
        };
        assert!(cause.starts_with("invariant violated: "), "{cause}");
    }
}

#[test]
fn every_bug_is_found_for_at_least_9_of_10_seeds() {
    for v in family().iter().filter(|v| v.expected != Expected::Pass) {
        for strategy in strategies(v) {
            let mut found = Vec::new();
            for seed in 0..SEEDS {
                let options = CheckOptions {
                    strategy,
                    iterations: BUG_ITERATIONS,
                    seed,
                };
                let outcome = catalog::quietly(|| catalog::check(v, &options));
                if let Outcome::Failed(failure) = &outcome {
                    assert!(v.meets_expectation(&outcome), "{}: {failure:?}", v.name());
                    let schedule = failure.schedule.as_deref().expect("a schedule");
                    let again = catalog::quietly(|| catalog::replay(v, schedule)).expect("decodes");
                    assert!(v.meets_expectation(&again), "replay: {again:?}");
                    found.push(failure.iteration);
                }
            }
            found.sort_unstable();
            eprintln!(
                "{:<45} {:<6} found for {}/{SEEDS} seeds within {BUG_ITERATIONS}, iterations {found:?}",
                v.name(),
                strategy.name(),
                found.len()
            );
            assert!(
                found.len() >= MUST_FIND,
                "{} under {}: found for only {} of {SEEDS} seeds",
                v.name(),
                strategy.name(),
                found.len()
            );
        }
    }
}

#[test]
fn the_correct_design_passes() {
    let correct = family()[0];
    for strategy in strategies(&correct) {
        for seed in 0..2 {
            let options = CheckOptions {
                strategy,
                iterations: CORRECT_ITERATIONS,
                seed,
            };
            let outcome = catalog::check(&correct, &options);
            assert_eq!(
                outcome,
                Outcome::Passed {
                    iterations: CORRECT_ITERATIONS
                },
                "under {}",
                strategy.name()
            );
        }
    }
}

/// The README's replay command for each `redis_queue` bug reproduces that bug: the schedules it
/// prints must stay true when the models change.
#[test]
fn the_readme_replay_commands_reproduce_their_bugs() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md"))
        .expect("README.md");
    let mut replayed = Vec::new();
    for line in readme.lines() {
        let Some(rest) = line.strip_prefix("racewise models replay redis_queue/") else {
            continue;
        };
        let (variant, schedule) = rest.split_once(" --schedule ").expect("a schedule");
        let v = family()
            .into_iter()
            .find(|v| v.variant == variant)
            .unwrap_or_else(|| panic!("README names an unknown variant {variant}"));
        let outcome = catalog::quietly(|| catalog::replay(&v, schedule.trim())).expect("decodes");
        assert!(
            matches!(outcome, Outcome::Failed(_)) && v.meets_expectation(&outcome),
            "README's replay of {variant} does not reproduce its bug: {outcome:?}"
        );
        replayed.push(variant.to_string());
    }
    let bugs: Vec<String> = family()
        .iter()
        .filter(|v| v.expected != Expected::Pass)
        .map(|v| v.variant.to_string())
        .collect();
    assert_eq!(
        replayed, bugs,
        "the README must replay every bug, in catalog order"
    );
}
