//! `cargo racewise ...`: cargo runs `cargo-racewise racewise ...`; drop the subcommand name.
fn main() {
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    if args.get(1).is_some_and(|a| a == "racewise") {
        args.remove(1);
    }
    // `cargo racewise` alone means `racewise check`.
    if args.len() == 1
        || args.get(1).is_some_and(|a| {
            a.to_string_lossy().starts_with('-')
                && a != "--help"
                && a != "-h"
                && a != "--version"
                && a != "-V"
        })
    {
        args.insert(1, "check".into());
    }
    let code = racewise::cli::run(
        args,
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    );
    std::process::exit(code);
}
