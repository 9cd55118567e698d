//! How many analysis threads a run uses. More threads than files or than a few per core only
//! cost memory (each gets a large stack) and setup time: `--jobs 100000` used to run for minutes
//! or fail setting up stack guard pages.

/// Threads per core at most: analysis is CPU-bound, a little oversubscription hides I/O waits.
pub const PER_CORE: usize = 2;

pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

/// The thread count for `requested` (`--jobs`, all cores when `None`) over `files` files.
pub fn effective(requested: Option<usize>, files: usize) -> usize {
    let cores = cores();
    requested
        .unwrap_or(cores)
        .min(cores * PER_CORE)
        .min(files.max(1))
        .max(1)
}

/// `--jobs` parser: a positive integer (0 is an error, exit 2).
pub fn parse(s: &str) -> Result<usize, String> {
    match s.trim().parse::<usize>() {
        Ok(0) => Err("must be at least 1".into()),
        Ok(n) => Ok(n),
        Err(e) => Err(format!("not a positive integer: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clamped_to_files_and_cores() {
        assert_eq!(effective(Some(100_000), 3), 3.min(cores() * PER_CORE));
        assert!(effective(Some(100_000), 1_000_000) <= cores() * PER_CORE);
        assert_eq!(effective(Some(1), 1000), 1);
        assert_eq!(effective(None, 0), 1);
        assert!(parse("0").is_err());
        assert_eq!(parse("4"), Ok(4));
    }
}
