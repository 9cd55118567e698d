//! `cargo racewise ...`: cargo runs `cargo-racewise racewise ...`; see `racewise::cli::cargo_args`.
fn main() {
    let code = racewise::cli::run_cargo(
        std::env::args_os().collect(),
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    );
    std::process::exit(code);
}
