//! The crate-wide phase: deferred findings whose conditions need the whole crate, the rules'
//! crate-wide checks over the crate index, and the rules' checks of the crates' manifests.

use std::collections::{BTreeMap, BTreeSet};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use racewise_lints::Finding;
use racewise_lints::lint::Lint;
use racewise_lints::registry::RuleEntry;
use racewise_lints::semantic::callgraph::{CallGraph, CallStats, CallsView, CrateInput};
use racewise_lints::semantic::index::FileIndex;
use racewise_lints::semantic::{CrateCx, CrateIndex};

use crate::discover::{self, Discovered, SourceFile};
use crate::error::{ErrorKind, FileError};

use super::file_pipeline::FileOutcome;

/// What the crate-wide phase found.
pub(super) struct CrateFindings {
    /// Every analyzed file's findings, by discovery index: its own, the deferred ones whose
    /// conditions hold in its crate, and those the crate-wide checks placed in it.
    pub(super) per_file: Vec<Vec<Finding>>,
    /// Findings in manifests, with each manifest's text (for snippets).
    pub(super) manifests: Vec<(SourceFile, Arc<str>, Vec<Finding>)>,
    /// Rules that panicked in their crate-wide check.
    pub(super) errors: Vec<FileError>,
    /// Lock-like calls whose receiver type stayed unknown (`--verbose`).
    pub(super) unresolved_lock_receivers: usize,
    /// Call sites the call graph resolved / could not resolve (`--verbose`).
    pub(super) calls: CallStats,
    /// Time spent building the call graph and its summaries.
    pub(super) call_graph_secs: f64,
}

/// The crate-wide phase over every crate (`file_crate`: each file's crate), and the manifests.
/// Takes each file's share of the crate index out of its facts.
pub(super) fn run(
    found: &Discovered,
    file_crate: &[usize],
    crate_names: &[Option<String>],
    outcomes: &mut [FileOutcome],
    rules: &[&'static RuleEntry],
    excludes: &globset::GlobSet,
    blocking_paths: &[String],
) -> CrateFindings {
    let mut per_file: Vec<Vec<Finding>> = vec![Vec::new(); found.files.len()];
    let mut errors = Vec::new();
    let mut by_crate: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, &c) in file_crate.iter().enumerate() {
        if outcomes[i].facts.is_some() {
            by_crate.entry(c).or_default().push(i);
        }
    }
    // A file's own findings are final: moved out, not copied (the crate phase reads facts only).
    for (i, o) in outcomes.iter_mut().enumerate() {
        if let Some(f) = o.facts.as_mut() {
            per_file[i] = std::mem::take(&mut f.findings);
        }
    }
    let crate_rules: Vec<Box<dyn Lint>> = rules.iter().map(|r| (r.make)()).collect();
    let mut unresolved_lock_receivers = 0;
    // Only lock acquisitions and deferred findings consult the index: a crate without either
    // (most dependencies, `windows-sys`) skips building it, unless a crate that does names it
    // (`use other_member::Holder;` in a workspace).
    let needs_index: BTreeSet<usize> = by_crate
        .iter()
        .filter(|(_, members)| {
            members.iter().any(|&i| {
                outcomes[i].facts.as_ref().is_some_and(|f| {
                    !f.acquisitions.is_empty()
                        || !f.pending.is_empty()
                        || f.calls.iter().any(|c| c.in_async)
                })
            })
        })
        .map(|(&c, _)| c)
        .collect();
    let by_name: BTreeMap<&str, usize> = by_crate
        .keys()
        .filter_map(|&c| Some((crate_names.get(c)?.as_deref()?, c)))
        .collect();
    // Each crate's imported roots, named members only (computed once: the closure below asks
    // again for every crate it reaches).
    let roots_of: BTreeMap<usize, BTreeSet<String>> = by_crate
        .iter()
        .map(|(&c, members)| {
            let files: Vec<&FileIndex> = members
                .iter()
                .filter_map(|&i| outcomes[i].facts.as_ref().map(|f| &f.index))
                .collect();
            (c, CrateIndex::imported_roots(&files))
        })
        .collect();
    // Crates with a `main`: where a chain of calls into a wanted crate can start.
    let has_main: BTreeSet<usize> = by_crate
        .iter()
        .filter(|(_, members)| {
            members.iter().any(|&i| {
                outcomes[i]
                    .facts
                    .as_ref()
                    .is_some_and(|f| f.fns.iter().any(|d| d.is_main))
            })
        })
        .map(|(&c, _)| c)
        .collect();
    let mut imports: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
    // Crates whose own files import them by name (a package's bins and tests use its library).
    let mut self_named: BTreeSet<usize> = BTreeSet::new();
    // The crates named, and those they name in turn: a path through a re-export
    // (`vector_lib::top::state::Event`, where `vector_lib` has `pub use vector_top as top;`) is
    // followed into the member that declares it. And the programs (crates with a `main`) that
    // name a wanted one: their calls into it are its callers (a sync CLI member's
    // `block_on(opts.process())` of a library member's async fn says where that fn runs); a
    // library naming it adds nothing that starts a chain (many of them cost the graph dearly).
    let mut wanted: BTreeSet<usize> = needs_index.clone();
    let mut work: Vec<usize> = needs_index.iter().copied().collect();
    loop {
        while let Some(c) = work.pop() {
            let roots = &roots_of[&c];
            if crate_names
                .get(c)
                .and_then(Option::as_deref)
                .is_some_and(|own| roots.contains(own))
            {
                self_named.insert(c);
            }
            let named: BTreeSet<String> = roots
                .iter()
                .filter(|r| by_name.get(r.as_str()).is_some_and(|&s| s != c))
                .cloned()
                .collect();
            for r in &named {
                if let Some(&s) = by_name.get(r.as_str())
                    && wanted.insert(s)
                {
                    work.push(s);
                }
            }
            imports.insert(c, named);
        }
        let wanted_names: BTreeSet<&str> = wanted
            .iter()
            .filter_map(|&c| crate_names.get(c)?.as_deref())
            .collect();
        for (&c, roots) in &roots_of {
            if !wanted.contains(&c)
                && has_main.contains(&c)
                && roots.iter().any(|r| wanted_names.contains(r.as_str()))
            {
                wanted.insert(c);
                work.push(c);
            }
        }
        if work.is_empty() {
            break;
        }
    }
    let mut indexes: BTreeMap<usize, Arc<CrateIndex>> = BTreeMap::new();
    for (&c, members) in &by_crate {
        let mut index = CrateIndex::default();
        for &i in members {
            if let Some(f) = outcomes[i].facts.as_mut() {
                let file_index = std::mem::take(&mut f.index);
                if wanted.contains(&c) {
                    index.add_file(file_index);
                }
            }
        }
        indexes.insert(c, Arc::new(index));
    }
    for &c in &self_named {
        if let (Some(index), Some(Some(name))) = (indexes.get(&c), crate_names.get(c)) {
            index.set_self_name(name.clone());
        }
    }
    for (c, names) in &imports {
        let siblings: BTreeMap<String, Arc<CrateIndex>> = names
            .iter()
            .filter_map(|n| Some((n.clone(), indexes.get(by_name.get(n.as_str())?)?.clone())))
            .collect();
        if !siblings.is_empty() {
            indexes[c].set_siblings(siblings);
        }
    }
    let t_graph = std::time::Instant::now();
    let bare: Vec<(usize, CrateCx)> = by_crate
        .iter()
        .map(|(&c, members)| {
            let index: &CrateIndex = indexes.get(&c).map(|i| &**i).unwrap_or(&EMPTY_INDEX);
            let cx = CrateCx {
                index,
                files: members
                    .iter()
                    .filter_map(|&i| outcomes[i].facts.as_ref())
                    .collect(),
                paths: members
                    .iter()
                    .filter(|&&i| outcomes[i].facts.is_some())
                    .map(|&i| found.files[i].rel.as_str())
                    .collect(),
                calls: None,
            };
            (c, cx)
        })
        .collect();
    let inputs: Vec<CrateInput> = bare
        .iter()
        .filter(|(c, _)| wanted.contains(c))
        .map(|(c, cx)| CrateInput { id: *c, cx })
        .collect();
    let members: BTreeSet<String> = by_name.keys().map(|n| n.to_string()).collect();
    let graph = CallGraph::build(&inputs, &members);
    let call_graph_secs = t_graph.elapsed().as_secs_f64();
    // Crates are independent here (each reads only its own facts, the indexes and the graph):
    // checked in parallel, merged in crate order.
    let checked: Vec<CrateChecked> = bare
        .par_iter()
        .map(|(c, bare_cx)| {
            let c = *c;
            let members = &by_crate[&c];
            let cx = CrateCx {
                index: bare_cx.index,
                files: bare_cx.files.clone(),
                paths: bare_cx.paths.clone(),
                calls: wanted.contains(&c).then_some(CallsView {
                    graph: &graph,
                    crates: &inputs,
                    krate: c,
                }),
            };
            let checked = check_crate(
                &cx,
                members,
                needs_index.contains(&c),
                rules,
                blocking_paths,
            );
            // Released once its checks are done (a crate that names it as a sibling recomputes).
            cx.index.clear_caches();
            checked
        })
        .collect();
    for (checked, (c, _)) in checked.into_iter().zip(&bare) {
        unresolved_lock_receivers += checked.unresolved_lock_receivers;
        errors.extend(checked.errors);
        for (k, (found, test_fns)) in checked
            .per_member
            .into_iter()
            .zip(checked.test_only_fns)
            .enumerate()
        {
            if let Some(&fi) = by_crate[c].get(k) {
                per_file[fi].extend(found);
                mark_test_only(&mut per_file[fi], &test_fns);
            }
        }
    }
    let manifests = manifest_findings(&found.root, &found.files, excludes, &crate_rules);
    CrateFindings {
        per_file,
        manifests,
        errors,
        unresolved_lock_receivers,
        calls: graph.stats,
        call_graph_secs,
    }
}

/// Findings in a fn only test code calls (see `CallGraph::test_only`) are test code's.
fn mark_test_only(findings: &mut [Finding], test_fns: &[String]) {
    if test_fns.is_empty() {
        return;
    }
    for f in findings {
        if f.function
            .as_ref()
            .is_some_and(|name| test_fns.contains(name))
        {
            f.in_test = true;
        }
    }
}

/// One crate's share of the crate-wide phase.
struct CrateChecked {
    /// Findings per member file (the crate's order of `by_crate`), after the file's own.
    per_member: Vec<Vec<Finding>>,
    /// Per member file, the fns only test code calls.
    test_only_fns: Vec<Vec<String>>,
    errors: Vec<FileError>,
    unresolved_lock_receivers: usize,
}

/// A crate's deferred findings whose conditions hold, and the rules' crate-wide checks (each
/// rule made afresh: rules are not shared between threads).
fn check_crate(
    cx: &CrateCx<'_>,
    members: &[usize],
    needs_index: bool,
    rules: &[&'static RuleEntry],
    blocking_paths: &[String],
) -> CrateChecked {
    let mut per_member: Vec<Vec<Finding>> = vec![Vec::new(); members.len()];
    for (k, f) in cx.files.iter().enumerate() {
        for p in &f.pending {
            if let Some(finding) = cx.settle(k, p, blocking_paths) {
                per_member[k].push(finding);
            }
        }
    }
    let mut errors = Vec::new();
    let mut out = Vec::new();
    for entry in rules {
        let rule = (entry.make)();
        let r = catch_unwind(AssertUnwindSafe(|| rule.check_crate(cx, &mut out)));
        if r.is_err() {
            errors.push(FileError::new(
                String::new(),
                ErrorKind::InternalError,
                None,
                format!(
                    "rule `{}` panicked in its crate-wide phase",
                    rule.meta().name
                ),
            ));
        }
    }
    for cf in out {
        if let Some(found) = per_member.get_mut(cf.file) {
            found.push(cf.finding);
        }
    }
    let test_only_fns = (0..members.len())
        .map(|k| match &cx.calls {
            Some(calls) => calls
                .test_only_fns(k)
                .into_iter()
                .map(str::to_string)
                .collect(),
            None => Vec::new(),
        })
        .collect();
    CrateChecked {
        per_member,
        test_only_fns,
        errors,
        unresolved_lock_receivers: if needs_index {
            cx.unresolved_lock_receivers()
        } else {
            0
        },
    }
}

static EMPTY_INDEX: std::sync::LazyLock<CrateIndex> = std::sync::LazyLock::new(CrateIndex::default);

/// Rules' findings in the manifests (`Cargo.toml`) of the crates and workspaces that contain the
/// analyzed files, up to the scan root (a crate's `[lints]` table or a workspace's
/// `[workspace.lints]` configures code racewise analyzes). Excluded and unreadable manifests are
/// skipped: a manifest is configuration, not a source file, so it never becomes an error entry.
fn manifest_findings(
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
                    explicit: false,
                },
                Arc::from(text),
                list,
            ));
        }
    }
    out
}
