//! Where reports go: the main `--format`/`--output`, extra `--report FORMAT=PATH` outputs, and
//! `--write-baseline`. Every file destination is checked before the scan, so a typo in a
//! directory name fails at once instead of throwing away a finished analysis.

use std::path::{Path, PathBuf};

use crate::error::UsageError;

/// One output of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output<F> {
    pub format: F,
    /// `None`: stdout.
    pub path: Option<PathBuf>,
}

/// Fail now if `path` cannot be written: its directory is missing or not a directory, or the
/// file cannot be opened for writing. An existing file is left as it is.
pub fn check_writable(path: &Path, what: &str) -> Result<(), UsageError> {
    let fail = |why: String| {
        Err(UsageError::Usage(format!(
            "cannot write {what} to {}: {why}",
            path.display()
        )))
    };
    if path.is_dir() {
        return fail("it is a directory".into());
    }
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return fail(format!("directory {} does not exist", dir.display()));
    }
    let existed = path.exists();
    match std::fs::OpenOptions::new()
        .append(true)
        .create(true)
        .open(path)
    {
        Ok(_) => {
            if !existed {
                let _ = std::fs::remove_file(path);
            }
            Ok(())
        }
        Err(e) => fail(e.to_string()),
    }
}

pub fn write(path: &Path, text: &str) -> Result<(), UsageError> {
    std::fs::write(path, text).map_err(|source| UsageError::Write {
        path: path.display().to_string(),
        source,
    })
}
