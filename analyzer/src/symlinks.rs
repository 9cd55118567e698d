//! Symbolic links. The walk does not follow them unless `--follow` (as ruff and ripgrep do): a
//! linked file or directory inside the tree is skipped, a link given as an argument is scanned.
//! A link that leads back to itself or to a directory above it is a loop, reported as a
//! `symlink_loop` error whether or not links are followed, so a broken tree never goes unnoticed.

use std::path::Path;

use crate::error::{ErrorKind, FileError};

/// ELOOP on Linux and the BSDs/macOS.
pub fn is_eloop(e: &std::io::Error) -> bool {
    matches!(e.raw_os_error(), Some(40) | Some(62))
        || e.to_string()
            .to_lowercase()
            .contains("too many levels of symbolic links")
}

/// `path` is a symlink that cannot be resolved because of a cycle, or a directory link that
/// points at one of its own ancestors.
pub fn is_loop(path: &Path) -> bool {
    if !path.is_symlink() {
        return false;
    }
    match std::fs::metadata(path) {
        Err(e) => is_eloop(&e),
        Ok(m) if m.is_dir() => {
            let (Ok(target), Some(Ok(parent))) = (
                std::fs::canonicalize(path),
                path.parent().map(std::fs::canonicalize),
            ) else {
                return false;
            };
            parent.starts_with(&target)
        }
        Ok(_) => false,
    }
}

pub fn loop_error(file: String) -> FileError {
    FileError::new(
        file,
        ErrorKind::SymlinkLoop,
        None,
        "symbolic link loop: the link leads back to itself or to a directory above it".into(),
    )
}
