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
    /// A symlink (given on the command line, or met by a `--follow` walk).
    pub symlink: bool,
    /// Named on the command line (not found by walking a directory): analyzed even when no
    /// crate root's module tree reaches it.
    pub explicit: bool,
}

#[derive(Debug, Clone, Default)]
pub struct DiscoverOptions {
    pub no_ignore: bool,
    pub exclude: Vec<String>,
    /// The project root report paths are relative to (`crate::root`); the old per-argument
    /// scan root when not set (library callers that scan one directory).
    pub root: Option<PathBuf>,
    /// Follow symbolic links while walking (`--follow`); links are not followed by default.
    pub follow: bool,
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
        // A bare name (`generated`, `*.pb.rs`) matches at any depth, as in a `.gitignore`.
        if !p.contains('/')
            && let Ok(g) = Glob::new(&format!("**/{p}"))
        {
            b.add(g);
            if let Ok(g) = Glob::new(&format!("**/{p}/**")) {
                b.add(g);
            }
        }
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
    let (root, paths) = match &opts.root {
        Some(r) => (
            r.clone(),
            paths.iter().map(|p| crate::root::absolute(p)).collect(),
        ),
        None => (scan_root(paths), paths.to_vec()),
    };
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in &paths {
        if crate::symlinks::is_loop(path) {
            errors.push(crate::symlinks::loop_error(relative(&root, path)));
            continue;
        }
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
                explicit: true,
            });
            continue;
        }
        let mut builder = ignore::WalkBuilder::new(path);
        builder
            .standard_filters(!opts.no_ignore)
            .require_git(false)
            .follow_links(opts.follow)
            .sort_by_file_name(|a, b| a.cmp(b));
        let no_ignore = opts.no_ignore;
        builder.filter_entry(move |e| {
            no_ignore || !(e.file_name() == "target" && e.file_type().is_some_and(|t| t.is_dir()))
        });
        for entry in builder.build() {
            match entry {
                Ok(e) => {
                    let p = e.path();
                    if e.path_is_symlink() && crate::symlinks::is_loop(p) {
                        errors.push(crate::symlinks::loop_error(relative(&root, p)));
                        continue;
                    }
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
                        symlink: e.path_is_symlink(),
                        explicit: false,
                    });
                }
                Err(err) => {
                    let file = err_path(&err)
                        .map(|p| relative(&root, &p))
                        .unwrap_or_default();
                    if is_loop_error(&err) {
                        errors.push(crate::symlinks::loop_error(file));
                        continue;
                    }
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

fn is_loop_error(err: &ignore::Error) -> bool {
    match err {
        ignore::Error::Loop { .. } => true,
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => is_loop_error(err),
        ignore::Error::Io(e) => crate::symlinks::is_eloop(e),
        _ => false,
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
