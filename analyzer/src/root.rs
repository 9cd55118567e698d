//! The project root, found the way cargo and ruff find theirs, so that the answer does not depend
//! on how the paths are spelled: walking up from the scanned paths (their common ancestor; the
//! current directory when none is given) to the nearest `racewise.toml` or `Cargo.toml` with a
//! `[workspace.metadata.racewise]` / `[package.metadata.racewise]` table; else the cargo workspace
//! root (the package's own directory when no workspace lists it); else the git root; else the
//! scanned directory itself. Report paths, excludes and overrides are all relative to it.

use std::path::{Path, PathBuf};

/// Where the configuration of a project comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConfigSource {
    /// A `racewise.toml` file.
    File(PathBuf),
    /// The `racewise` table under `[workspace.metadata]` or `[package.metadata]` of a manifest;
    /// `key` is the dotted path of the table.
    Manifest { path: PathBuf, key: &'static str },
}

impl ConfigSource {
    pub fn path(&self) -> &Path {
        match self {
            ConfigSource::File(p) | ConfigSource::Manifest { path: p, .. } => p,
        }
    }
}

/// Why a directory was chosen as the root (for `--verbose`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RootKind {
    Config,
    Workspace,
    Package,
    Git,
    Scanned,
}

impl RootKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RootKind::Config => "racewise configuration",
            RootKind::Workspace => "cargo workspace",
            RootKind::Package => "cargo package",
            RootKind::Git => "git repository",
            RootKind::Scanned => "scanned directory (no project found above it)",
        }
    }
}

#[derive(Debug, Clone)]
pub struct ProjectRoot {
    /// Absolute, symlinks resolved.
    pub dir: PathBuf,
    pub kind: RootKind,
    pub config: Option<ConfigSource>,
}

/// An absolute form of `p` with its directory part resolved (a symlinked *file* keeps its own
/// name, so it is reported where it was given, not where it points).
pub fn absolute(p: &Path) -> PathBuf {
    if let Ok(c) = std::fs::canonicalize(p)
        && !p.is_symlink()
    {
        return c;
    }
    let abs = std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    match (abs.parent(), abs.file_name()) {
        (Some(dir), Some(name)) => std::fs::canonicalize(dir)
            .map(|d| d.join(name))
            .unwrap_or(abs.clone()),
        _ => abs,
    }
}

/// The directory the search starts from: the deepest directory containing every path.
pub fn anchor(paths: &[PathBuf]) -> PathBuf {
    let dirs: Vec<PathBuf> = paths
        .iter()
        .map(|p| {
            let abs = absolute(p);
            if abs.is_dir() {
                abs
            } else {
                abs.parent().map(Path::to_path_buf).unwrap_or(abs)
            }
        })
        .collect();
    let Some(first) = dirs.first() else {
        return absolute(Path::new("."));
    };
    let mut common = first.clone();
    for d in &dirs[1..] {
        while !d.starts_with(&common) {
            if !common.pop() {
                break;
            }
        }
    }
    common
}

fn read_manifest(dir: &Path) -> Option<toml::Table> {
    std::fs::read_to_string(dir.join("Cargo.toml"))
        .ok()?
        .parse::<toml::Table>()
        .ok()
}

fn racewise_table<'a>(manifest: &'a toml::Table, section: &str) -> Option<&'a toml::Table> {
    manifest
        .get(section)?
        .get("metadata")?
        .get("racewise")?
        .as_table()
}

/// The configuration file or table in `dir`, if it has one.
pub fn config_in(dir: &Path) -> Option<ConfigSource> {
    let file = dir.join("racewise.toml");
    if file.is_file() {
        return Some(ConfigSource::File(file));
    }
    let manifest = read_manifest(dir)?;
    let path = dir.join("Cargo.toml");
    if racewise_table(&manifest, "workspace").is_some() {
        return Some(ConfigSource::Manifest {
            path,
            key: "workspace.metadata.racewise",
        });
    }
    if racewise_table(&manifest, "package").is_some() {
        return Some(ConfigSource::Manifest {
            path,
            key: "package.metadata.racewise",
        });
    }
    None
}

/// The `racewise` table of a manifest config source, as TOML text.
pub fn manifest_table_text(path: &Path, key: &str) -> Option<String> {
    let text = std::fs::read_to_string(path).ok()?;
    let manifest = text.parse::<toml::Table>().ok()?;
    let section = key.split('.').next()?;
    let table = racewise_table(&manifest, section)?;
    toml::to_string(table).ok()
}

/// Whether the workspace manifest in `ws_dir` lists the package in `pkg_dir` as a member.
fn lists_member(ws: &toml::Table, ws_dir: &Path, pkg_dir: &Path) -> bool {
    if ws_dir == pkg_dir {
        return true;
    }
    let Some(w) = ws.get("workspace") else {
        return false;
    };
    let Ok(rel) = pkg_dir.strip_prefix(ws_dir) else {
        return false;
    };
    let rel = rel.to_string_lossy().replace('\\', "/");
    let matches = |key: &str| {
        w.get(key)
            .and_then(|m| m.as_array())
            .into_iter()
            .flatten()
            .filter_map(|m| m.as_str())
            .any(|pat| {
                let pat = pat.trim_end_matches('/');
                globset::Glob::new(pat).is_ok_and(|g| g.compile_matcher().is_match(&rel))
            })
    };
    matches("members") && !matches("exclude")
}

/// The cargo root above `start`: the workspace that lists the nearest package as a member, else
/// that package; a workspace manifest found first is the root itself.
fn cargo_root(start: &Path) -> Option<(PathBuf, RootKind)> {
    let mut package: Option<PathBuf> = None;
    for dir in start.ancestors() {
        let Some(manifest) = read_manifest(dir) else {
            continue;
        };
        let is_ws = manifest.contains_key("workspace");
        match &package {
            None if is_ws => return Some((dir.to_path_buf(), RootKind::Workspace)),
            None if manifest.contains_key("package") => {
                // `package.workspace = "../.."` names the workspace outright.
                if let Some(ws) = manifest
                    .get("package")
                    .and_then(|p| p.get("workspace"))
                    .and_then(|w| w.as_str())
                    && let Ok(ws) = std::fs::canonicalize(dir.join(ws))
                {
                    return Some((ws, RootKind::Workspace));
                }
                package = Some(dir.to_path_buf());
            }
            Some(pkg) if is_ws => {
                if lists_member(&manifest, dir, pkg) {
                    return Some((dir.to_path_buf(), RootKind::Workspace));
                }
                // Cargo stops at the first workspace above a package, member or not.
                break;
            }
            _ => {}
        }
    }
    package.map(|p| (p, RootKind::Package))
}

fn git_root(start: &Path) -> Option<PathBuf> {
    start
        .ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
}

/// The project root for a scan of `paths` (see the module docs).
pub fn find(paths: &[PathBuf]) -> ProjectRoot {
    let start = anchor(paths);
    for dir in start.ancestors() {
        if let Some(config) = config_in(dir) {
            return ProjectRoot {
                dir: dir.to_path_buf(),
                kind: RootKind::Config,
                config: Some(config),
            };
        }
    }
    let (dir, kind) = cargo_root(&start)
        .or_else(|| git_root(&start).map(|g| (g, RootKind::Git)))
        .unwrap_or((start, RootKind::Scanned));
    ProjectRoot {
        dir,
        kind,
        config: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_anchor_of_several_paths() {
        let tmp = std::env::temp_dir().join(format!("racewise-root-{}", std::process::id()));
        let _ = std::fs::create_dir_all(tmp.join("a/b"));
        let _ = std::fs::create_dir_all(tmp.join("a/c"));
        let tmp = std::fs::canonicalize(&tmp).unwrap_or(tmp);
        let got = anchor(&[tmp.join("a/b"), tmp.join("a/c/x.rs")]);
        assert_eq!(got, tmp.join("a"));
        let _ = std::fs::remove_dir_all(&tmp);
    }
}
