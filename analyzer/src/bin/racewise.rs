// The analysis allocates and frees many small syntax-tree nodes and facts per file, from two or
// more threads at once; mimalloc's per-thread free lists cut glibc malloc's share of a run (a
// quarter of the profile) roughly in half. `benches/scan.rs` uses it too, so its parse baseline
// and the full pipeline are measured with the same allocator.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let code = racewise::cli::run(
        std::env::args_os(),
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    );
    std::process::exit(code);
}
