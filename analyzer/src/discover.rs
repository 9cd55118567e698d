//! The walker over the filesystem: which `.rs` files a scan covers, with paths relative to the
//! scan root. `.gitignore`d paths, hidden directories and `target/` are skipped unless
//! `--no-ignore`; `--exclude` globs and config excludes always apply. Symlink loops, unreadable
//! directories and other walk errors become reported errors, never aborts.

use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::error::{ErrorKind, FileError};

#[derive(Debug, Clone)]
pub struct SourceFile {
    pub abs: PathBuf,
    /// Relative to the scan root, `/`-separated.
    pub rel: String,
    /// A symlink given on the command line (the walk itself does not follow links).
    pub symlink: bool,
}

#[derive(Debug, Clone, Default)]
pub struct DiscoverOptions {
    pub no_ignore: bool,
    pub exclude: Vec<String>,
}

pub struct Discovered {
    pub root: PathBuf,
    pub files: Vec<SourceFile>,
    pub errors: Vec<FileError>,
}

pub fn build_globset(patterns: &[String]) -> Result<GlobSet, String> {
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        let glob = Glob::new(p).map_err(|e| format!("invalid glob `{p}`: {e}"))?;
        b.add(glob);
        // `generated` should also exclude everything below it.
        if !p.ends_with("/**")
            && let Ok(g) = Glob::new(&format!("{}/**", p.trim_end_matches('/')))
        {
            b.add(g);
        }
    }
    b.build().map_err(|e| e.to_string())
}

/// The scan root for a set of paths: the single directory given, a single file's directory, or
/// the current directory when several paths are given.
pub fn scan_root(paths: &[PathBuf]) -> PathBuf {
    match paths {
        [one] if one.is_dir() => one.clone(),
        [one] => one
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from(".")),
        _ => PathBuf::from("."),
    }
}

pub fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let s = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    if s.is_empty() {
        path.to_string_lossy().replace('\\', "/")
    } else {
        s
    }
}

pub fn discover(paths: &[PathBuf], opts: &DiscoverOptions, excludes: &GlobSet) -> Discovered {
    let root = scan_root(paths);
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if !path.exists() {
            errors.push(FileError::new(
                relative(&root, path),
                ErrorKind::Io,
                None,
                "path does not exist".into(),
            ));
            continue;
        }
        if path.is_file() {
            files.push(SourceFile {
                abs: path.clone(),
                rel: relative(&root, path),
                symlink: path.is_symlink(),
            });
            continue;
        }
        let mut builder = ignore::WalkBuilder::new(path);
        builder
            .standard_filters(!opts.no_ignore)
            .require_git(false)
            .follow_links(false)
            .sort_by_file_name(|a, b| a.cmp(b));
        let no_ignore = opts.no_ignore;
        builder.filter_entry(move |e| {
            no_ignore || !(e.file_name() == "target" && e.file_type().is_some_and(|t| t.is_dir()))
        });
        for entry in builder.build() {
            match entry {
                Ok(e) => {
                    let p = e.path();
                    let is_file = e.file_type().is_some_and(|t| t.is_file());
                    if !is_file || p.extension().is_none_or(|x| x != "rs") {
                        continue;
                    }
                    let rel = relative(&root, p);
                    if excludes.is_match(&rel) {
                        continue;
                    }
                    files.push(SourceFile {
                        abs: p.to_path_buf(),
                        rel,
                        symlink: false,
                    });
                }
                Err(err) => {
                    let file = err_path(&err)
                        .map(|p| relative(&root, &p))
                        .unwrap_or_default();
                    errors.push(FileError::new(file, ErrorKind::Io, None, err.to_string()));
                }
            }
        }
    }
    files.sort_by(|a, b| a.rel.cmp(&b.rel));
    files.dedup_by(|a, b| a.rel == b.rel);
    Discovered {
        root,
        files,
        errors,
    }
}

fn err_path(err: &ignore::Error) -> Option<PathBuf> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path.clone()),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            err_path(err)
        }
        ignore::Error::Loop { child, .. } => Some(child.clone()),
        ignore::Error::Partial(errs) => errs.first().and_then(err_path),
        _ => None,
    }
}
