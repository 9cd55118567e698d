//! The per-file pipeline, run on a worker for every file: read it (size-capped, UTF-8), bound
//! its nesting, blank doc comments, parse, walk it once with every rule's hooks behind a panic
//! boundary, and parse its suppression comments.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use racewise_lints::lint::Lint;
use racewise_lints::registry::RuleEntry;
use racewise_lints::semantic::{self, FileFacts, FileOptions, SourceText};
use rayon::prelude::*;

use crate::discover::SourceFile;
use crate::doc_comments;
use crate::error::{ErrorKind, FileError};
use crate::nesting;
use crate::suppress::{self, Suppression};

use super::Options;
use super::crate_assignment::Crates;

#[derive(Clone)]
pub(super) struct FileOutcome {
    pub(super) facts: Option<FileFacts>,
    pub(super) errors: Vec<FileError>,
    pub(super) text: Option<Arc<str>>,
    /// Parsed on the worker, so the text can be dropped when no reporter needs it.
    pub(super) suppressions: Vec<Suppression>,
}

impl FileOutcome {
    /// Facts and errors; the text and suppressions are filled in afterwards, if at all.
    fn new(facts: Option<FileFacts>, errors: Vec<FileError>) -> Self {
        FileOutcome {
            facts,
            errors,
            text: None,
            suppressions: Vec::new(),
        }
    }
}

/// Every file through the pipeline on the run's workers; the outcomes in discovery order.
pub(super) fn analyze_files(
    pool: &rayon::ThreadPool,
    files: &[SourceFile],
    crates: &Crates,
    rules: &[&'static RuleEntry],
    opts: &Options,
) -> Vec<FileOutcome> {
    let blocking_paths: Arc<[String]> = Arc::from(opts.config.blocking_paths.clone());
    let reexports: Arc<[(String, String)]> = Arc::from(opts.config.reexports.clone());
    // Largest files first: a big file handed out last kept one worker busy while the others
    // idled (longest-processing-time-first scheduling). Outcomes go back to discovery order.
    // The one `stat` of each file (on overlay filesystems path lookups cost more than reading).
    let sizes: Vec<std::io::Result<u64>> = pool.install(|| {
        files
            .par_iter()
            .map(|f| match opts.overrides.get(&f.abs) {
                Some(text) => Ok(text.len() as u64),
                None => std::fs::metadata(&f.abs).map(|m| m.len()),
            })
            .collect()
    });
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(*sizes[i].as_ref().unwrap_or(&0)));
    // Every worker takes the next file off the sorted list (rayon's splitting would hand the
    // second worker the middle of the list, not the next-largest file).
    let next = AtomicUsize::new(0);
    let analyzed: Vec<Vec<(usize, FileOutcome)>> = pool.broadcast(|_| {
        let mut done = Vec::new();
        loop {
            let k = next.fetch_add(1, Ordering::Relaxed);
            let Some(&i) = order.get(k) else {
                break;
            };
            let info = &crates.infos[crates.file_crate[i]];
            let file_opts = FileOptions {
                edition: info.edition,
                tokio_fs: info.tokio.fs,
                tokio_time: info.tokio.time,
                test_file: crates.test_file[i],
                module_path: crates.module_path[i].clone(),
                crate_root: crates.crate_root[i].clone(),
                spliced_items: crates.spliced_items[i].clone(),
                blocking_paths: blocking_paths.clone(),
                reexports: reexports.clone(),
                // Decided per file from its text (`analyze_text`).
                item_extents: true,
            };
            let key = opts
                .cache
                .as_ref()
                .map(|_| cache_key(&files[i], &file_opts, rules, opts));
            if let (Some(cache), Some(key)) = (&opts.cache, key)
                && let Some(hit) = cache.get(&files[i].abs, key)
            {
                done.push((i, hit));
                continue;
            }
            let overlay = opts.overlay.as_ref().and_then(|o| o.get(&files[i].rel));
            let outcome = analyze_one(
                &files[i],
                &sizes[i],
                overlay.map(|t| &**t),
                file_opts,
                rules,
                opts,
            );
            if let (Some(cache), Some(key)) = (&opts.cache, key) {
                cache.put(files[i].abs.clone(), key, outcome.clone());
            }
            done.push((i, outcome));
        }
        done
    });
    let mut slots: Vec<Option<FileOutcome>> = (0..files.len()).map(|_| None).collect();
    for (i, outcome) in analyzed.into_iter().flatten() {
        slots[i] = Some(outcome);
    }
    slots.into_iter().flatten().collect()
}

/// What a file's outcome depends on: its text (the override's, or the file's size and mtime
/// on disk), its per-file options (crate, module, config) and the rules.
fn cache_key(
    file: &SourceFile,
    file_opts: &FileOptions,
    rules: &[&'static RuleEntry],
    opts: &Options,
) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    match opts.overrides.get(&file.abs) {
        Some(text) => (0u8, text).hash(&mut h),
        None => match std::fs::metadata(&file.abs) {
            Ok(m) => (1u8, m.len(), m.modified().ok()).hash(&mut h),
            // Unreadable: never a hit (the error is produced again).
            Err(_) => (2u8, std::time::SystemTime::now()).hash(&mut h),
        },
    }
    format!("{file_opts:?}").hash(&mut h);
    for r in rules {
        r.meta.name.hash(&mut h);
    }
    opts.max_file_bytes.hash(&mut h);
    h.finish()
}

/// Per-file outcomes kept between runs (`racewise server`): a keystroke re-walks the edited
/// file only; the crate-wide phase and the suppressions run again over all of them, so the
/// result is the one a run without the cache gives.
#[derive(Default)]
pub struct FileCache {
    entries: std::sync::Mutex<std::collections::HashMap<std::path::PathBuf, (u64, FileOutcome)>>,
}

impl std::fmt::Debug for FileCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.entries.lock().map(|m| m.len()).unwrap_or(0);
        write!(f, "FileCache({n} files)")
    }
}

impl FileCache {
    fn get(&self, path: &Path, key: u64) -> Option<FileOutcome> {
        let map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        map.get(path)
            .filter(|(k, _)| *k == key)
            .map(|(_, o)| o.clone())
    }

    fn put(&self, path: std::path::PathBuf, key: u64, outcome: FileOutcome) {
        let mut map = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        map.insert(path, (key, outcome));
    }
}

fn analyze_one(
    file: &SourceFile,
    size: &std::io::Result<u64>,
    overlay: Option<&str>,
    opts: FileOptions,
    rules: &[&'static RuleEntry],
    run: &Options,
) -> FileOutcome {
    let overridden = run.overrides.get(&file.abs).map(|t| t.as_bytes().to_vec());
    let (mut out, text) = analyze_file_text(
        file,
        size,
        overlay,
        opts,
        rules,
        run.max_file_bytes,
        overridden,
    );
    if let Some(text) = text {
        // Shared with the reporters only when one shows source lines (a copy per file else).
        out.text = run.keep_sources.then(|| Arc::from(text));
    }
    // Item extents only serve suppression parsing: don't keep them through the crate phase.
    if let Some(f) = &mut out.facts {
        f.items = Vec::new();
    }
    out
}

/// One file's outcome (its `text` left empty, its suppressions parsed) and its text, if it could
/// be read.
fn analyze_file_text(
    file: &SourceFile,
    size: &std::io::Result<u64>,
    overlay: Option<&str>,
    opts: FileOptions,
    rules: &[&'static RuleEntry],
    max_bytes: u64,
    overridden: Option<Vec<u8>>,
) -> (FileOutcome, Option<String>) {
    let fail = |kind, line, message| {
        let error = FileError::new(file.rel.clone(), kind, line, message);
        (FileOutcome::new(None, vec![error]), None)
    };
    if let Some(text) = overlay {
        return analyze_read_text(file, text.to_string(), opts, rules);
    }
    let size = match size {
        Ok(n) if *n > max_bytes => {
            return fail(
                ErrorKind::TooLarge,
                None,
                format!("file is {n} bytes; the limit is {max_bytes}"),
            );
        }
        Ok(n) => *n,
        Err(e) => return fail(ErrorKind::Io, None, e.to_string()),
    };
    let read = match overridden {
        Some(bytes) => Ok(bytes),
        None => read_capped(&file.abs, size, max_bytes),
    };
    let bytes = match read {
        Ok(b) => b,
        Err(e) => return fail(ErrorKind::Io, None, e.to_string()),
    };
    if bytes.len() as u64 > max_bytes {
        let n = bytes.len();
        return fail(
            ErrorKind::TooLarge,
            None,
            format!("file grew to over {n} bytes; the limit is {max_bytes}"),
        );
    }
    let text = match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            let line = e.as_bytes()[..e.utf8_error().valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u32
                + 1;
            return fail(
                ErrorKind::NonUtf8,
                Some(line),
                format!("file is not valid UTF-8: {}", e.utf8_error()),
            );
        }
    };
    analyze_read_text(file, text, opts, rules)
}

/// The rest of [`analyze_file_text`] once the file's text is known (read from disk, or the
/// edited text `--fix` verifies before writing it).
fn analyze_read_text(
    file: &SourceFile,
    text: String,
    opts: FileOptions,
    rules: &[&'static RuleEntry],
) -> (FileOutcome, Option<String>) {
    // Item extents only serve item-level suppressions: recorded, and the suppression lines
    // scanned, only in files that hold the marker at all.
    let marked = suppress::may_have_suppressions(&text);
    let opts = FileOptions {
        item_extents: marked,
        ..opts
    };
    let result = catch_unwind(AssertUnwindSafe(|| analyze_text(&text, opts, rules)));
    #[cfg(not(fuzzing))]
    proc_macro2::extra::invalidate_current_thread_spans();
    let mut outcome = match result {
        Ok(Ok(facts)) => {
            // A rule that panicked was disabled for the rest of this file; the rest still counts.
            let errors = facts
                .panicked
                .iter()
                .map(|(rule, msg)| {
                    FileError::new(
                        file.rel.clone(),
                        ErrorKind::InternalError,
                        None,
                        format!("rule `{rule}` panicked (disabled for this file): {msg}"),
                    )
                })
                .collect();
            FileOutcome::new(Some(facts), errors)
        }
        Ok(Err(mut err)) => {
            err.file = file.rel.clone();
            FileOutcome::new(None, vec![err])
        }
        Err(panic) => {
            let msg = semantic::walk::panic_message(&*panic);
            let error = FileError::new(
                file.rel.clone(),
                ErrorKind::InternalError,
                None,
                format!("analysis panicked: {msg}"),
            );
            FileOutcome::new(None, vec![error])
        }
    };
    if marked {
        let items = outcome
            .facts
            .as_ref()
            .map(|f| f.items.as_slice())
            .unwrap_or(&[]);
        outcome.suppressions = suppress::parse(&text, items);
    }
    (outcome, Some(text))
}

/// A file's bytes, read with the size known from its `stat` (no second lookup of the path) and
/// never more than one byte past `max_bytes`, should it have grown since.
fn read_capped(path: &Path, size: u64, max_bytes: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let file = std::fs::File::open(path)?;
    let mut bytes = Vec::with_capacity(usize::try_from(size.min(max_bytes)).unwrap_or(0) + 1);
    file.take(max_bytes.saturating_add(1))
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Parse and walk one file's text. The file name in a returned error is filled in by the caller.
pub fn analyze_text(
    text: &str,
    opts: FileOptions,
    rules: &[&'static RuleEntry],
) -> Result<FileFacts, FileError> {
    let depth = nesting::estimate(text, nesting::MAX_NESTING);
    if depth > nesting::MAX_NESTING {
        return Err(FileError::new(
            String::new(),
            ErrorKind::TooLarge,
            None,
            format!(
                "nesting is more than {} levels deep: not parsed (the parser would overflow its stack)",
                nesting::MAX_NESTING
            ),
        ));
    }
    // Rules read no documentation, and item-level suppressions (`item_extents`) are placed by
    // where an item's doc comments start: blank them only where no suppression can look.
    let blanked = if opts.item_extents {
        None
    } else {
        doc_comments::blank(text)
    };
    let ast = syn::parse_file(blanked.as_deref().unwrap_or(text)).map_err(|e| {
        let start = e.span().start();
        let mut err = FileError::new(
            String::new(),
            ErrorKind::ParseError,
            Some(start.line as u32),
            e.to_string(),
        );
        err.column = Some(start.column as u32 + 1);
        err
    })?;
    drop(blanked);
    let src = SourceText::parsed(text, &ast);
    let mut lints: Vec<Box<dyn Lint>> = rules.iter().map(|r| (r.make)()).collect();
    let facts = racewise_lints::finding::with_line_index(src.lexed(), || {
        semantic::analyze_file(&ast, &src, opts, &mut lints)
    });
    drop((lints, src, ast));
    Ok(facts.compacted())
}
