//! `cargo racewise`: the cargo-aware front of `racewise check`. Cargo's own selection flags —
//! `--manifest-path`, `-p/--package`, `--workspace` — become the paths to scan, read from
//! `cargo metadata` (the cargo that runs us, `$CARGO`); without them the package holding the
//! current directory is scanned (the workspace, from a virtual workspace's root), so the command
//! works from any subdirectory.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Cargo's selection flags, taken out of a `check` command line.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Selection {
    pub manifest_path: Option<PathBuf>,
    pub packages: Vec<String>,
    pub workspace: bool,
}

impl Selection {
    pub fn is_empty(&self) -> bool {
        self.manifest_path.is_none() && self.packages.is_empty() && !self.workspace
    }
}

/// Remove cargo's flags from `args` (everything after the subcommand) and return them.
pub fn take_flags(args: &mut Vec<OsString>) -> Result<Selection, String> {
    let mut sel = Selection::default();
    let mut kept = Vec::with_capacity(args.len());
    let mut it = std::mem::take(args).into_iter();
    while let Some(a) = it.next() {
        let s = a.to_string_lossy().into_owned();
        let mut value = |flag: &str| -> Result<String, String> {
            it.next()
                .map(|v| v.to_string_lossy().into_owned())
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        if s == "--" {
            kept.push(a);
            kept.extend(it.by_ref());
            break;
        } else if s == "--manifest-path" {
            sel.manifest_path = Some(PathBuf::from(value("--manifest-path")?));
        } else if let Some(v) = s.strip_prefix("--manifest-path=") {
            sel.manifest_path = Some(PathBuf::from(v));
        } else if s == "-p" || s == "--package" {
            sel.packages.push(value(&s)?);
        } else if let Some(v) = s.strip_prefix("--package=") {
            sel.packages.push(v.to_string());
        } else if let Some(v) = s.strip_prefix("-p").filter(|v| !v.is_empty()) {
            sel.packages.push(v.to_string());
        } else if s == "--workspace" || s == "--all" {
            sel.workspace = true;
        } else {
            kept.push(a);
        }
    }
    *args = kept;
    Ok(sel)
}

struct Metadata {
    workspace_root: PathBuf,
    /// `(name, package directory)`.
    packages: Vec<(String, PathBuf)>,
}

fn metadata(manifest: Option<&Path>) -> Result<Metadata, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args(["metadata", "--no-deps", "--format-version", "1"]);
    if let Some(m) = manifest {
        cmd.arg("--manifest-path").arg(m);
    }
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run `cargo metadata`: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "`cargo metadata` failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("`cargo metadata` gave no JSON: {e}"))?;
    let workspace_root = PathBuf::from(v["workspace_root"].as_str().unwrap_or("."));
    let packages = v["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|p| {
            let name = p["name"].as_str()?.to_string();
            let dir = Path::new(p["manifest_path"].as_str()?)
                .parent()?
                .to_path_buf();
            Some((name, dir))
        })
        .collect();
    Ok(Metadata {
        workspace_root,
        packages,
    })
}

/// The directories `sel` stands for; `None` when cargo's flags were not used and the command
/// line's own paths (or the current directory) apply.
pub fn paths(sel: &Selection, have_paths: bool) -> Result<Option<Vec<PathBuf>>, String> {
    if sel.is_empty() && have_paths {
        return Ok(None);
    }
    let meta = match metadata(sel.manifest_path.as_deref()) {
        Ok(m) => m,
        // Not in a cargo project and nothing cargo-specific asked: scan the current directory.
        Err(_) if sel.is_empty() => return Ok(None),
        Err(e) => return Err(e),
    };
    if sel.workspace {
        return Ok(Some(vec![meta.workspace_root]));
    }
    if !sel.packages.is_empty() {
        let mut out = Vec::new();
        for name in &sel.packages {
            match meta.packages.iter().find(|(n, _)| n == name) {
                Some((_, dir)) => out.push(dir.clone()),
                None => {
                    let known: Vec<&str> = meta.packages.iter().map(|p| p.0.as_str()).collect();
                    return Err(format!(
                        "package `{name}` is not in the workspace (packages: {})",
                        known.join(", ")
                    ));
                }
            }
        }
        return Ok(Some(out));
    }
    if let Some(m) = &sel.manifest_path {
        let dir = m.parent().map(Path::to_path_buf).unwrap_or_default();
        let dir = if dir.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            dir
        };
        return Ok(Some(vec![dir]));
    }
    // No flags, no paths: the package holding the current directory, else the workspace.
    let cwd = crate::root::absolute(Path::new("."));
    let here = meta
        .packages
        .iter()
        .filter(|(_, d)| cwd.starts_with(crate::root::absolute(d)))
        .max_by_key(|(_, d)| d.components().count())
        .map(|(_, d)| d.clone());
    Ok(Some(vec![here.unwrap_or(meta.workspace_root)]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_taken_out() {
        let mut args: Vec<OsString> = [
            "check",
            "-p",
            "a",
            "--package=b",
            "-pc",
            "--workspace",
            "--format",
            "json",
            "--manifest-path",
            "x/Cargo.toml",
            "src",
        ]
        .iter()
        .map(OsString::from)
        .collect();
        let sel = take_flags(&mut args).unwrap();
        assert_eq!(sel.packages, ["a", "b", "c"]);
        assert!(sel.workspace);
        assert_eq!(sel.manifest_path, Some(PathBuf::from("x/Cargo.toml")));
        assert_eq!(
            args,
            ["check", "--format", "json", "src"].map(OsString::from)
        );
    }
}
