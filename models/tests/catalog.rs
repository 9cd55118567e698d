//! The catalog's shuttle checks from a plain build: what `racewise models check` runs.
//!
//! Every correct variant passes and every broken variant is found, with its expected cause and
//! a schedule that replays to the same failure, under shuttle random and PCT (at each variant's
//! pinned depth, at least 3). Seeds
//! are pinned so the suite is deterministic.

use racewise_models::catalog::{self, CheckOptions, Expected, ModelVariant, Outcome, Strategy};

/// Iterations per check in this (debug-build) suite; the release CLI defaults to 1000.
const ITERATIONS: usize = 300;

fn options(strategy: Strategy, seed: u64) -> CheckOptions {
    CheckOptions {
        strategy,
        iterations: ITERATIONS,
        seed,
    }
}

fn verify(variant: &ModelVariant, strategy: Strategy) {
    let outcome = catalog::check(variant, &options(strategy, 1));
    assert!(
        variant.meets_expectation(&outcome),
        "{} under {}: {outcome:?}",
        variant.name(),
        strategy.name()
    );
    if let (Expected::Bug(cause), Outcome::Failed(failure)) = (variant.expected, &outcome) {
        let schedule = failure
            .schedule
            .as_deref()
            .expect("shuttle printed a schedule");
        let replayed = catalog::replay(variant, schedule).expect("schedule decodes");
        match replayed {
            Outcome::Failed(again) => assert!(again.message.contains(cause), "{again:?}"),
            Outcome::Passed { .. } => panic!("{}: replay of {schedule} passed", variant.name()),
        }
    }
}

#[test]
fn every_variant_meets_its_expectation_under_shuttle_random() {
    for variant in catalog::variants() {
        verify(&variant, Strategy::Random);
    }
}

#[test]
fn every_variant_meets_its_expectation_under_shuttle_pct_at_its_pinned_depth() {
    for variant in catalog::variants() {
        assert!(variant.pct_depth >= 3, "{}", variant.name());
        verify(
            &variant,
            Strategy::Pct {
                depth: variant.pct_depth,
            },
        );
    }
}

/// Median iterations to find each bug over 10 seeds, and wall time per check: the numbers in
/// the models' documentation. `cargo test -p racewise-models --release --test catalog -- --ignored --nocapture`
#[test]
#[ignore = "measurement, not a check"]
fn measure_iterations_to_find_each_bug() {
    for pct in [false, true] {
        for variant in catalog::variants() {
            let strategy = if pct {
                Strategy::Pct {
                    depth: variant.pct_depth,
                }
            } else {
                Strategy::Random
            };
            let mut found = Vec::new();
            let start = std::time::Instant::now();
            for seed in 0..10 {
                let opts = CheckOptions {
                    strategy,
                    iterations: 1000,
                    seed,
                };
                let outcome = catalog::quietly(|| catalog::check(&variant, &opts));
                assert!(
                    variant.meets_expectation(&outcome),
                    "{}: {outcome:?}",
                    variant.name()
                );
                found.push(outcome.iterations());
            }
            let secs = start.elapsed().as_secs_f64() * 1000.0 / 10.0;
            found.sort_unstable();
            println!(
                "{:<8} {:<40} median {:>5}  min {:>5}  max {:>5}  {:.2} ms/check",
                strategy.name(),
                variant.name(),
                found[4],
                found[0],
                found[9],
                secs
            );
        }
    }
}

/// Under `--cfg shuttle`, `racewise_models::sync_models` is compiled over shuttle too: the catalog run
/// over those cfg-selected models agrees with the catalog, and a found bug's schedule replays to
/// the same failure. (Not a `#[model_check]` test: it drives the catalog's runner and replay, not
/// one model body.)
#[cfg(shuttle)]
#[test]
fn every_catalog_variant_meets_its_expectation_over_the_cfg_models() {
    for variant in racewise_models::sync_models::variants::all() {
        for strategy in [
            Strategy::Random,
            Strategy::Pct {
                depth: variant.pct_depth,
            },
        ] {
            let options = CheckOptions {
                strategy,
                iterations: 500,
                seed: 7,
            };
            let outcome = catalog::check(&variant, &options);
            assert!(
                variant.meets_expectation(&outcome),
                "{}: {outcome:?}",
                variant.name()
            );
            if let Outcome::Failed(f) = outcome {
                let schedule = f.schedule.expect("schedule");
                let again = catalog::replay(&variant, &schedule).expect("decodes");
                assert!(variant.meets_expectation(&again), "replay: {again:?}");
            }
        }
    }
}
