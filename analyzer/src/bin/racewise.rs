// The analysis allocates and frees many small syntax-tree nodes and facts per file, from two or
// more threads at once: glibc's malloc and free were about a quarter of a profile, and with
// mimalloc the full pipeline runs about 20% faster on the bench corpus. `benches/scan.rs` uses
// it too, so its parse baseline and the full pipeline are measured with the same allocator.
// Built with `no_thp` (analyzer/Cargo.toml): a run faults in fresh memory as facts accumulate,
// and zeroing 2 MiB huge pages for it cost a 1-thread run about 11% and a third of its peak.
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
