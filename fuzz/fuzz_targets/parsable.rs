//! Structure-aware variant: inputs syn cannot parse are rejected (kept out of the corpus), so
//! libFuzzer's mutations of the seed files (real service code from the rule fixtures) stay Rust
//! and exercise the semantic model and the rules rather than the parser's error paths.
#![no_main]

use libfuzzer_sys::{Corpus, fuzz_target};

fuzz_target!(|data: &[u8]| -> Corpus {
    let Ok(text) = std::str::from_utf8(data) else {
        return Corpus::Reject;
    };
    let parses = syn::parse_file(text).is_ok();
    // The span source map is thread-local and grows with every parse: drop this parse's entry.
    proc_macro2::extra::invalidate_current_thread_spans();
    if !parses {
        return Corpus::Reject;
    }
    racewise_fuzz::run_pipeline(data);
    Corpus::Keep
});
