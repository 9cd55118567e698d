//! Reporter throughput (issue 13): findings rendered per second by each output format, for one
//! generated file holding N findings (default 100,000) — the case that was quadratic when the
//! human and Markdown reporters copied the whole file text per finding.
//!
//! ```text
//! cargo bench -p racewise --bench reporters -- [--findings N] [--formats human,json,...]
//! ```
//!
//! The analysis runs once (not timed); each format is then rendered once and timed.

use std::time::Instant;

use racewise::engine::{self, Options};
use racewise::report;

fn main() {
    let mut n = 100_000usize;
    let mut formats: Vec<String> = ["json", "github", "concise", "sarif", "human", "markdown"]
        .map(String::from)
        .to_vec();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--findings" => n = args.next().and_then(|v| v.parse().ok()).unwrap_or(n),
            "--formats" => {
                formats = args
                    .next()
                    .unwrap_or_default()
                    .split(',')
                    .map(String::from)
                    .collect()
            }
            // cargo bench passes `--bench`.
            _ => {}
        }
    }
    let dir = std::env::temp_dir().join(format!("racewise-bench-reporters-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let file = dir.join("many.rs");
    let mut text = String::from("async fn many(d: std::time::Duration) {\n");
    for _ in 0..n {
        text.push_str("    std::thread::sleep(d);\n");
    }
    text.push_str("}\n");
    if let Err(e) = std::fs::write(&file, &text) {
        eprintln!("cannot write {}: {e}", file.display());
        std::process::exit(2);
    }
    let mut opts = Options::new(vec![file.clone()]);
    opts.select = Some(vec!["blocking_sleep_in_async".into()]);
    let t = Instant::now();
    let analysis = match engine::run(&opts) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("analysis failed: {e}");
            std::process::exit(2);
        }
    };
    let found = analysis.report.findings.len();
    println!(
        "analysis: {found} findings in {:.2}s ({} bytes of source)",
        t.elapsed().as_secs_f64(),
        text.len()
    );
    for f in &formats {
        let t = Instant::now();
        let Some(bytes) = render(f, &analysis) else {
            println!("{f:>9}: (no such format)");
            continue;
        };
        let secs = t.elapsed().as_secs_f64();
        println!(
            "{f:>9}: {secs:8.3}s  {:>12.0} findings/s  {:>11} bytes",
            found as f64 / secs.max(1e-9),
            bytes
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

fn render(format: &str, a: &racewise::Analysis) -> Option<usize> {
    let config = racewise::config::Config::default();
    let s = match format {
        "json" => report::json::render(&a.report),
        "concise" => report::concise::render(&a.report, false),
        "github" => report::github::render(&a.report),
        "sarif" => report::sarif::render(
            &a.report,
            &a.sources,
            &report::sarif::SarifOptions {
                root: &a.root,
                config: &config,
                include_suppressed: false,
                baseline_used: false,
            },
        ),
        "human" => report::human::render(
            &a.report,
            &a.sources,
            &report::human::HumanOptions {
                color: false,
                width: 100,
                include_suppressed: false,
            },
        ),
        "markdown" => report::markdown::render(&a.report, &a.sources),
        _ => return None,
    };
    Some(s.len())
}
