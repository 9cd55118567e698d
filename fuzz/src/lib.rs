//! The one entry point both fuzz targets drive: an input becomes the only source file of a
//! one-file crate in a scratch directory, and `racewise check` runs on it through the real CLI
//! (`racewise::cli::run`) — discovery, reading, parsing, the semantic model, every rule's per-file
//! hooks, the crate-wide phase, suppressions, fingerprints and a reporter. The reporter is chosen
//! by the input's length from every `--format` the CLI declares, so a reporter added later is
//! fuzzed without touching this file.
//!
//! Every panic is a crash here, even one the analyzer's panic boundaries catch and report as an
//! `internal_error`: libfuzzer-sys installs a panic hook that aborts the process.

use std::path::PathBuf;
use std::sync::OnceLock;

use clap::ValueEnum;
use racewise::cli::Format;

/// A per-process scratch crate (libFuzzer's `-fork`/`-jobs` run several processes), on tmpfs
/// when there is one.
fn scratch() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let base = ["/dev/shm"]
            .iter()
            .map(PathBuf::from)
            .find(|p| p.is_dir())
            .unwrap_or_else(std::env::temp_dir);
        let dir = base.join(format!("racewise-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("src")).expect("scratch dir");
        std::fs::write(
            dir.join("Cargo.toml"),
            "[package]\nname = \"fuzzed\"\nedition = \"2021\"\n\n[workspace]\n",
        )
        .expect("scratch manifest");
        dir
    })
}

/// Run the whole pipeline on `data` as `src/lib.rs`. Panics (= a crash) if the CLI fails.
pub fn run_pipeline(data: &[u8]) {
    let dir = scratch();
    std::fs::write(dir.join("src").join("lib.rs"), data).expect("write input");
    let formats = Format::value_variants();
    let format = formats[data.len() % formats.len()]
        .to_possible_value()
        .expect("formats have names");
    let dir_arg = dir.to_string_lossy().into_owned();
    let args = [
        "racewise",
        "check",
        &dir_arg,
        "--format",
        format.get_name(),
        "--fail-on",
        "never",
        "--jobs",
        "1",
    ];
    let mut out = Vec::new();
    let mut err = Vec::new();
    let code = racewise::cli::run(args, &mut out, &mut err);
    assert_eq!(
        code,
        0,
        "racewise check exited {code}: {}",
        String::from_utf8_lossy(&err)
    );
    if format.get_name() == "json" {
        let text = String::from_utf8_lossy(&out);
        assert!(
            !text.contains("\"internal_error\""),
            "internal error reported: {text}"
        );
    }
}
