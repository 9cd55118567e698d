//! One-shot CLI mode: `jobrunner run <job>`.

use std::process::*;

pub struct Args {
    pub job: String,
    pub config: String,
}

// Negative: argument parsing is sync and runs before any runtime exists.
pub fn parse_args(mut argv: impl Iterator<Item = String>) -> Args {
    let _bin = argv.next();
    let Some(job) = argv.next() else {
        eprintln!("usage: jobrunner run <job> [config]");
        exit(64);
    };
    Args { job, config: argv.next().unwrap_or_else(|| "jobrunner.toml".to_owned()) }
}

// Positive: the async block given to `block_on` is async context; `exit` comes from `use std::process::*`.
pub fn run_oneshot(args: &Args) -> i32 {
    let rt = tokio::runtime::Runtime::new().expect("tokio runtime");
    rt.block_on(async {
        if let Err(err) = crate::worker::run_once(&args.job).await {
            eprintln!("{err:#}");
            exit(1); //~ exit_in_async
        }
    });
    0
}

// Negative: `exit` is a parameter (injected so tests can observe it); it shadows the glob import.
pub async fn run_with<F: FnOnce(i32)>(args: Args, exit: F) {
    match crate::worker::run_once(&args.job).await {
        Ok(()) => exit(0),
        Err(_) => exit(1),
    }
}

// Negative: spawning a child with `tokio::process::Command` is fine; nothing exits.
pub async fn run_hook(script: &str) -> std::io::Result<ExitStatus> {
    tokio::process::Command::new("/bin/sh").arg("-c").arg(script).status().await
}

#[cfg(test)]
mod tests {
    use super::*;

    // Negative: a plain `#[test]` fn is sync.
    #[test]
    fn parses_job_name() {
        let args = parse_args(["jobrunner".to_owned(), "reindex".to_owned()].into_iter());
        if args.job != "reindex" {
            exit(1);
        }
    }
}
