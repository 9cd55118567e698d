//! The crate-wide phase: deferred findings whose conditions need the whole crate, the rules'
//! crate-wide checks over the crate index, and the rules' checks of the crates' manifests.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use racewise_lints::Finding;
use racewise_lints::lint::Lint;

use crate::discover::{self, SourceFile};

/// Rules' findings in the manifests (`Cargo.toml`) of the crates and workspaces that contain the
/// analyzed files, up to the scan root (a crate's `[lints]` table or a workspace's
/// `[workspace.lints]` configures code racewise analyzes). Excluded and unreadable manifests are
/// skipped: a manifest is configuration, not a source file, so it never becomes an error entry.
pub(super) fn manifest_findings(
    root: &Path,
    files: &[SourceFile],
    excludes: &globset::GlobSet,
    rules: &[Box<dyn Lint>],
) -> Vec<(SourceFile, Arc<str>, Vec<Finding>)> {
    let mut dirs: BTreeSet<PathBuf> = BTreeSet::new();
    for f in files {
        let mut dir = f.abs.parent();
        while let Some(d) = dir {
            let inside = d.starts_with(root) || root == Path::new(".");
            if d.as_os_str().is_empty() || !inside || !dirs.insert(d.to_path_buf()) {
                break;
            }
            if d == root {
                break;
            }
            dir = d.parent();
        }
    }
    let mut out = Vec::new();
    for d in dirs {
        let abs = d.join("Cargo.toml");
        let rel = discover::relative(root, &abs);
        if excludes.is_match(&rel) || !abs.is_file() {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(&abs) else {
            continue;
        };
        let list: Vec<Finding> = rules.iter().flat_map(|r| r.check_manifest(&text)).collect();
        if !list.is_empty() {
            out.push((
                SourceFile {
                    abs,
                    rel,
                    symlink: false,
                },
                Arc::from(text),
                list,
            ));
        }
    }
    out
}
