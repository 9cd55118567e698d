//! Compile-error tests for `#[model_check]` (trybuild). Run only in the plain std build: under
//! `--cfg loom`/`--cfg shuttle` trybuild would rebuild racewise-models with those cfgs for nothing.
//!
//! To update the expected output after changing a message: `TRYBUILD=overwrite cargo test -p
//! racewise-macros --test ui`, then review the `.stderr` diffs.
#![cfg(not(any(loom, shuttle)))]

#[test]
fn compile_errors() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
