//! Throughput benchmark: bare `syn::parse_file` against the full `racewise check` pipeline (every
//! rule, the crate phase, suppressions, fingerprints and JSON rendering into a sink) over the same
//! files, on 1 thread and on all cores. Prints MB/s and files/s per configuration and the ratio
//! full / parse, which issue 6 bounds at 1.3. A third row parses the texts with their doc
//! comments blanked, which is what the full pipeline parses (`racewise::doc_comments`), so that
//! the cost of everything but parsing can be read off too: full / blanked.
//!
//! ```text
//! cargo bench -p racewise --bench scan -- [--threads 1,2] [--runs 5] [--mode both|parse|full] [--services] [DIR ...]
//! ```
//!
//! Without directories it scans a fixed corpus of real crates from cargo's registry (the ones that
//! are present). Those are libraries: few locks, handlers or spawned tasks, so the rules that
//! follow them have little to do. `--services` scans [`SERVICES`] instead, async service code
//! published on crates.io (a proxy framework, a sync server, a tunnel), where the lock, await
//! and call-graph work is. `scripts/bench.sh` fetches them with `cargo fetch` over a throwaway
//! manifest under `target/bench-services/` (cargo unpacks them into its registry); nothing of
//! them is kept in the repository. `--mode full --runs 1` is what `scripts/bench.sh` runs to read the peak RSS of the
//! full pipeline alone (printed from `/proc/self/status` as `VmHWM`).

use std::io::Write;
use std::path::PathBuf;
use std::time::Instant;

#[path = "../../tests/src/cargo_registry.rs"]
mod cargo_registry;

use racewise::discover::{self, DiscoverOptions};
use racewise::engine::{self, Options};
use rayon::prelude::*;

// The allocator the `racewise` binary ships with (see src/bin/racewise.rs): both the parse baseline
// and the full pipeline run on it.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The fixed corpus, looked up in `$CARGO_HOME/registry/src/*/`. Each entry is `crate-major.`,
/// so a registry holding several versions picks the newest of the same major version and the
/// corpus stays comparable across machines.
const CORPUS: &[&str] = &[
    "tokio-1.",
    "hyper-1.",
    "axum-0.8.",
    "syn-2.",
    "regex-1.",
    "serde-1.",
    "sqlx-core-0.8.",
    "actix-web-4.",
];

/// The service corpus (`--services`), pinned: `scripts/bench.sh` fetches exactly these versions.
/// pingora-proxy/pingora-core: Cloudflare's proxy framework (connection pools behind locks,
/// spawned tasks, shutdown watches); atuin-server: an axum sync server (handlers, database
/// state); rathole: a NAT-traversal tunnel (a task per connection, control channels).
const SERVICES: &[&str] = &[
    "pingora-proxy-0.9.1",
    "pingora-core-0.9.1",
    "atuin-server-18.24.4",
    "rathole-0.5.0",
];

struct Args {
    threads: Vec<usize>,
    runs: usize,
    parse: bool,
    full: bool,
    dirs: Vec<PathBuf>,
    list: bool,
    services: bool,
}

fn parse_args() -> Result<Args, String> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut a = Args {
        threads: if cores > 1 { vec![1, cores] } else { vec![1] },
        runs: 5,
        parse: true,
        full: true,
        dirs: Vec::new(),
        list: false,
        services: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            // `cargo bench` passes `--bench` to harness-less benches.
            "--bench" => {}
            "--threads" => {
                let v = it.next().ok_or("--threads needs a value")?;
                a.threads = v
                    .split(',')
                    .map(|s| s.parse().map_err(|_| format!("bad thread count `{s}`")))
                    .collect::<Result<_, _>>()?;
            }
            "--runs" => {
                let v = it.next().ok_or("--runs needs a value")?;
                a.runs = v.parse().map_err(|_| format!("bad run count `{v}`"))?;
            }
            // Print the corpus directories, one per line, and exit (for scripts/bench.sh).
            "--list" => a.list = true,
            "--services" => a.services = true,
            "--mode" => match it.next().as_deref() {
                Some("both") => (a.parse, a.full) = (true, true),
                Some("parse") => (a.parse, a.full) = (true, false),
                Some("full") => (a.parse, a.full) = (false, true),
                other => return Err(format!("bad --mode {other:?}")),
            },
            s if s.starts_with('-') => return Err(format!("unknown flag {s}")),
            dir => a.dirs.push(PathBuf::from(dir)),
        }
    }
    if a.dirs.is_empty() {
        a.dirs = default_corpus(if a.services { SERVICES } else { CORPUS });
    }
    if a.dirs.is_empty() {
        return Err(if a.services {
            "no service corpus in cargo's registry: run scripts/bench.sh (it fetches them)".into()
        } else {
            "no corpus: pass directories, or build once so cargo's registry is filled".into()
        });
    }
    a.runs = a.runs.max(1);
    Ok(a)
}

/// Newest unpacked version of each corpus crate.
fn default_corpus(corpus: &[&str]) -> Vec<PathBuf> {
    corpus
        .iter()
        .filter_map(|name| cargo_registry::newest(name))
        .collect()
}

fn vm_hwm_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Bare parsing of the texts the full pipeline parses (see `racewise::doc_comments`).
const BLANKED: &str = "syn::parse_file, docs blanked";

struct Row {
    what: &'static str,
    threads: usize,
    secs: f64,
}

fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("scan: {e}");
            std::process::exit(2);
        }
    };
    if args.list {
        for d in &args.dirs {
            println!("{}", d.display());
        }
        return;
    }
    // The same file set `racewise check` discovers (gitignore, target/, hidden dirs).
    let mut files = Vec::new();
    for dir in &args.dirs {
        let found = discover::discover(
            std::slice::from_ref(dir),
            &DiscoverOptions::default(),
            &discover::build_globset(&[]).unwrap_or_default(),
        );
        files.extend(found.files.into_iter().map(|f| f.abs));
    }
    let bytes: u64 = files
        .iter()
        .map(|f| std::fs::metadata(f).map_or(0, |m| m.len()))
        .sum();
    let mb = bytes as f64 / 1e6;
    println!(
        "corpus: {} dirs, {} files, {:.2} MB",
        args.dirs.len(),
        files.len(),
        mb
    );
    for d in &args.dirs {
        println!("  {}", d.display());
    }

    // Texts are read once up front: the parse row is the parser alone.
    let texts: Vec<String> = if args.parse {
        files
            .iter()
            .filter_map(|f| std::fs::read(f).ok())
            .filter_map(|b| String::from_utf8(b).ok())
            .collect()
    } else {
        Vec::new()
    };
    // The same texts with their doc comments blanked, as the full pipeline parses them: the
    // row shows how much of the full pipeline's lead on bare parsing that part buys.
    let blanked: Vec<String> = texts
        .iter()
        .map(|t| racewise::doc_comments::blank(t).unwrap_or_else(|| t.clone()))
        .collect();
    let mut rows = Vec::new();
    for &t in &args.threads {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(t)
            .stack_size(256 * 1024 * 1024)
            .build()
            .expect("thread pool");
        let parse_all = |texts: &[String]| {
            pool.install(|| {
                texts
                    .par_iter()
                    .map(|t| {
                        let ok = syn::parse_file(t).is_ok();
                        proc_macro2::extra::invalidate_current_thread_spans();
                        usize::from(ok)
                    })
                    .sum::<usize>()
            })
        };
        let parse = || parse_all(&texts);
        let parse_blanked = || parse_all(&blanked);
        let mut opts = Options::new(args.dirs.clone());
        opts.jobs = Some(t);
        let full = || {
            let analysis = engine::run(&opts).expect("engine run");
            let json = racewise::report::json::render(&analysis.report);
            let _ = std::io::sink().write_all(json.as_bytes());
            analysis.report.findings.len()
        };
        // The two pipelines alternate, run by run, so that a noisy neighbour or a clock change
        // weighs on both rows alike; each row reports its fastest run.
        let (mut best_parse, mut best_blanked, mut best_full) =
            (f64::INFINITY, f64::INFINITY, f64::INFINITY);
        if args.runs > 1 {
            if args.parse {
                std::hint::black_box(parse());
            }
            if args.full {
                std::hint::black_box(full());
            }
        }
        for _ in 0..args.runs {
            if args.parse {
                best_parse = best_parse.min(timed(parse));
                best_blanked = best_blanked.min(timed(parse_blanked));
            }
            if args.full {
                best_full = best_full.min(timed(full));
            }
        }
        if args.parse {
            rows.push(Row {
                what: "syn::parse_file",
                threads: t,
                secs: best_parse,
            });
            rows.push(Row {
                what: BLANKED,
                threads: t,
                secs: best_blanked,
            });
        }
        if args.full {
            rows.push(Row {
                what: "racewise check (json)",
                threads: t,
                secs: best_full,
            });
        }
    }
    rows.sort_by_key(|r| {
        let order = ["syn::parse_file", BLANKED]
            .iter()
            .position(|w| *w == r.what);
        (order.unwrap_or(2), r.threads)
    });

    println!();
    println!(
        "{:<28} {:>7} {:>9} {:>8} {:>9} {:>11}",
        "pipeline", "threads", "seconds", "MB/s", "files/s", "vs parse"
    );
    for r in &rows {
        let parse = rows
            .iter()
            .find(|p| p.what == "syn::parse_file" && p.threads == r.threads)
            .map(|p| format!("{:.2}x", r.secs / p.secs))
            .unwrap_or_else(|| "-".into());
        let scale = rows
            .iter()
            .find(|p| p.what == r.what && p.threads == 1)
            .filter(|_| r.threads > 1)
            .map(|p| format!(" (scaling {:.2}x)", p.secs / r.secs))
            .unwrap_or_default();
        println!(
            "{:<28} {:>7} {:>9.3} {:>8.2} {:>9.0} {:>11}{scale}",
            r.what,
            r.threads,
            r.secs,
            mb / r.secs,
            files.len() as f64 / r.secs,
            parse
        );
    }
    if let Some(kb) = vm_hwm_kb() {
        println!("\npeak RSS (VmHWM): {:.1} MB", kb as f64 / 1024.0);
    }
}

/// Fastest of `runs` timed runs (after one untimed warm-up when running more than once): the
/// minimum is the least disturbed by other processes on a shared machine.
fn timed<T>(f: impl Fn() -> T) -> f64 {
    let t = Instant::now();
    std::hint::black_box(f());
    t.elapsed().as_secs_f64()
}
