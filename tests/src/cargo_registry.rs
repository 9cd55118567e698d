//! Crates as cargo unpacked them into its registry (`$CARGO_HOME/registry/src/<index>/`), for
//! the real-crate corpus test and the scan benchmark. The benchmark includes this file by path:
//! it cannot depend on this crate, which depends on the analyzer.

use std::path::{Path, PathBuf};

/// The registry's unpacked-source directories, one per index, sorted.
pub fn source_dirs() -> Vec<PathBuf> {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")));
    let Some(home) = home else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = std::fs::read_dir(home.join("registry").join("src"))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .collect();
    out.sort();
    out
}

/// The newest unpacked `crate-major.x.y` directory for an entry like `syn-2.`, versions compared
/// numerically, so the same major version is picked on any machine.
pub fn newest(prefix: &str) -> Option<PathBuf> {
    // The version starts after the entry's last `-`.
    let version_at = prefix.rfind('-').map_or(0, |i| i + 1);
    let mut best: Option<(Vec<u64>, PathBuf)> = None;
    for reg in source_dirs() {
        for e in std::fs::read_dir(&reg).into_iter().flatten().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if !name.starts_with(prefix) || !e.path().join("Cargo.toml").is_file() {
                continue;
            }
            let version: Vec<u64> = name[version_at..]
                .split(['.', '-', '+'])
                .map(|p| p.parse().unwrap_or(0))
                .collect();
            if best.as_ref().is_none_or(|(b, _)| version > *b) {
                best = Some((version, e.path()));
            }
        }
    }
    best.map(|(_, p)| p)
}
