//! Arbitrary bytes (invalid UTF-8, unbalanced delimiters, nightly syntax, ...) through the whole
//! `racewise check` pipeline: the result must be findings or an `errors` entry, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    racewise_fuzz::run_pipeline(data);
});
