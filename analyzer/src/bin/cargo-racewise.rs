//! `cargo racewise ...`: cargo runs `cargo-racewise racewise ...`; see `racewise::cli::cargo_args`.
// The same allocator as the `racewise` binary (see src/bin/racewise.rs).
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let code = racewise::cli::run_cargo(
        std::env::args_os().collect(),
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    );
    std::process::exit(code);
}
