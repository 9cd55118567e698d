//! Crate assignment: which crate each discovered file belongs to (the nearest `Cargo.toml` with a
//! `[package]`), the crate's edition, whether the file is test code and its module path.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::discover::SourceFile;

pub(super) struct CrateInfo {
    pub(super) edition: u16,
    /// The name other crates of the workspace use for it (`[lib] name`, else `[package] name`
    /// with `-` as `_`), so `use other_member::Holder;` reaches its index.
    pub(super) name: Option<String>,
    /// The features of its `tokio` dependency (fixes that call `tokio::fs`/`tokio::time` are
    /// only offered where they compile).
    pub(super) tokio: TokioFeatures,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct TokioFeatures {
    pub(crate) fs: bool,
    pub(crate) time: bool,
}

pub(super) struct Crates {
    pub(super) infos: Vec<CrateInfo>,
    pub(super) file_crate: Vec<usize>,
    /// The file lies under its crate's `tests/` or `benches/` directory.
    pub(super) test_file: Vec<bool>,
    /// The file's module path below its crate root.
    pub(super) module_path: Vec<Vec<String>>,
    /// The module its `crate::` names (see [`target_modules`]): empty but for the files
    /// of an integration test, bench, example or `src/bin/` binary.
    pub(super) crate_root: Vec<Vec<String>>,
    /// The file lies under its crate's `src/` but no crate root's module tree reaches it: the
    /// compiler never sees it (see `module_tree`).
    pub(super) unreachable: Vec<bool>,
    /// Names of items the files it `include!`s declare (see `FileOptions::spliced_items`).
    pub(super) spliced_items: Vec<std::sync::Arc<[String]>>,
}

impl Crates {
    /// Drop the files `keep` says no to, keeping the per-file vectors aligned with the files.
    pub(super) fn retain(&mut self, keep: &[bool]) {
        fn filter<T>(v: &mut Vec<T>, keep: &[bool]) {
            let mut i = 0;
            v.retain(|_| {
                i += 1;
                keep[i - 1]
            });
        }
        filter(&mut self.file_crate, keep);
        filter(&mut self.test_file, keep);
        filter(&mut self.module_path, keep);
        filter(&mut self.crate_root, keep);
        filter(&mut self.unreachable, keep);
        filter(&mut self.spliced_items, keep);
    }
}

/// Group files by their crate (nearest ancestor directory with a `Cargo.toml` that has a
/// `[package]`); files outside any crate form one crate rooted at the scan root.
pub(super) fn assign(files: &[SourceFile]) -> Crates {
    let mut infos: Vec<CrateInfo> = Vec::new();
    let mut by_root: HashMap<PathBuf, usize> = HashMap::new();
    let mut dir_cache: HashMap<PathBuf, Option<PathBuf>> = HashMap::new();
    let mut file_crate = Vec::with_capacity(files.len());
    let mut test_file = Vec::with_capacity(files.len());
    let mut module_path = Vec::with_capacity(files.len());
    let mut canonical_dirs: HashMap<PathBuf, PathBuf> = HashMap::new();
    let mut manifests = Manifests::default();
    let mut located: Vec<(PathBuf, Option<PathBuf>)> = Vec::with_capacity(files.len());
    for f in files {
        let abs = canonical_file(f, &mut canonical_dirs);
        let root = abs.parent().and_then(|d| crate_root(d, &mut dir_cache));
        located.push((abs.clone(), root.clone()));
        let is_test = root.as_ref().is_some_and(|r| {
            abs.strip_prefix(r).ok().is_some_and(|in_crate| {
                in_crate
                    .components()
                    .next()
                    .is_some_and(|c| is_test_dir(c.as_os_str().to_str()))
                    || in_test_tree(&f.rel, in_crate.components().count())
            })
        });
        let mp = root
            .as_ref()
            .map(|r| module_of(&abs, r))
            .unwrap_or_default();
        let root = root.unwrap_or_default();
        let idx = *by_root.entry(root.clone()).or_insert_with(|| {
            infos.push(CrateInfo {
                edition: edition_of(&root, &mut manifests),
                name: crate_name(&root, &mut manifests),
                tokio: tokio_features(&root, &mut manifests),
            });
            infos.len() - 1
        });
        file_crate.push(idx);
        test_file.push(is_test);
        module_path.push(mp);
    }
    let Trees {
        unreachable,
        modules: tree_modules,
        spliced_items,
    } = module_trees(files, &located);
    for (i, tree) in tree_modules.into_iter().enumerate() {
        if let Some(tree) = tree.filter(|_| !test_file[i]) {
            module_path[i] = tree;
        }
    }
    // A binary declared outside `src/` (`[[bin]] path = "bin/main.rs"`, or `repair.rs` at the
    // package root) is a target too, with what its module tree reaches: as module `crate`
    // beside the library it would merge its `use cli::handle_command;` into the library's
    // root, where that name is the library's own re-export.
    let mut declared: HashMap<PathBuf, Vec<PathBuf>> = HashMap::new();
    let mut bin_roots: Vec<(usize, String)> = Vec::new();
    for (i, (abs, root)) in located.iter().enumerate() {
        let Some(r) = root else { continue };
        let bins = declared
            .entry(r.clone())
            .or_insert_with(|| outside_bins(r, &mut manifests));
        if bins.iter().any(|b| b == abs)
            && let Ok(rel) = abs.strip_prefix(r)
        {
            let name = rel.with_extension("").to_string_lossy().replace('\\', "/");
            bin_roots.push((i, name));
        }
    }
    let mut in_target_dir: Vec<bool> = located
        .iter()
        .zip(&test_file)
        .map(|((abs, root), t)| {
            *t || root
                .as_ref()
                .is_some_and(|r| abs.starts_with(r.join("src/bin")))
        })
        .collect();
    if !bin_roots.is_empty() {
        let known: HashSet<&Path> = located.iter().map(|(a, _)| a.as_path()).collect();
        let root_files: Vec<PathBuf> = bin_roots
            .iter()
            .map(|&(i, _)| located[i].0.clone())
            .collect();
        let at: HashMap<&Path, usize> = located
            .iter()
            .enumerate()
            .map(|(i, (a, _))| (a.as_path(), i))
            .collect();
        for reach in super::module_tree::reachable_from(&root_files, &known)
            .into_iter()
            .flatten()
        {
            for f in reach {
                if let Some(&i) = at.get(f.as_path()) {
                    in_target_dir[i] = true;
                }
            }
        }
        for &(i, _) in &bin_roots {
            in_target_dir[i] = true;
        }
    }
    let crate_root = target_modules(&located, &in_target_dir, &bin_roots, &mut module_path);
    mark_cfg_test_modules(files, &mut test_file);
    mark_test_support_modules(&located, &file_crate, &infos, &mut test_file);
    let mut roots = vec![PathBuf::new(); infos.len()];
    for (root, &k) in &by_root {
        roots[k].clone_from(root);
    }
    mark_dev_only_crates(&roots, &file_crate, &mut manifests, &mut test_file);
    Crates {
        infos,
        file_crate,
        test_file,
        module_path,
        crate_root,
        unreachable,
        spliced_items,
    }
}

/// Each integration test, bench, example and `src/bin/` binary (`tests/x.rs`, `tests/x/main.rs`,
/// likewise under `benches/`, `examples/` and `src/bin/`) is a crate of its own, whose
/// `crate::` is that file: in `tests/integration.rs`, `mod common;` makes
/// `tests/common/mod.rs` `crate::common`, and in `src/bin/tool/main.rs`, `mod commands;` is
/// `src/bin/tool/commands.rs`. They stay
/// in their package's crate for the index and the call graph (they call its library), under
/// a module of their own named for the root's path (`tests/integration`, `src/bin/tool`, which
/// no Rust module can be named); their `crate::` paths resolve inside it. A helper file several roots reach
/// belongs to the first of them (by path): the others' paths into it stay unresolved, which
/// is silence, not a wrong answer. Files no root reaches keep their place (`tests::x`).
/// Returns each file's crate-root module (empty outside such targets).
fn target_modules(
    located: &[(PathBuf, Option<PathBuf>)],
    in_target_dir: &[bool],
    bin_roots: &[(usize, String)],
    module_path: &mut [Vec<String>],
) -> Vec<Vec<String>> {
    let mut crate_root = vec![Vec::new(); located.len()];
    let mut roots: Vec<(PathBuf, usize, String)> = Vec::new();
    for (i, (abs, root)) in located.iter().enumerate() {
        let Some(root) = root.as_ref().filter(|_| in_target_dir[i]) else {
            continue;
        };
        let Ok(rel) = abs.strip_prefix(root) else {
            continue;
        };
        let parts: Vec<&str> = rel
            .components()
            .filter_map(|c| c.as_os_str().to_str())
            .collect();
        let name = match parts.as_slice() {
            [dir, file] => file.strip_suffix(".rs").map(|stem| format!("{dir}/{stem}")),
            [dir, target, "main.rs"] => Some(format!("{dir}/{target}")),
            ["src", "bin", file] => file
                .strip_suffix(".rs")
                .map(|stem| format!("src/bin/{stem}")),
            ["src", "bin", target, "main.rs"] => Some(format!("src/bin/{target}")),
            _ => None,
        };
        let declared = bin_roots
            .iter()
            .find(|(b, _)| *b == i)
            .map(|(_, n)| n.clone());
        if let Some(name) = declared.or(name) {
            roots.push((abs.clone(), i, name));
        }
    }
    if roots.is_empty() {
        return crate_root;
    }
    // Declared binaries first: a module of theirs (`bin/args.rs` of `bin/repair.rs`) is theirs,
    // though its path would make it a root of its own and sorts first.
    roots.sort_by_key(|(path, i, _)| (!bin_roots.iter().any(|(b, _)| b == i), path.clone()));
    let index: HashMap<&Path, usize> = located
        .iter()
        .enumerate()
        .map(|(i, (abs, _))| (abs.as_path(), i))
        .collect();
    let known: HashSet<&Path> = index.keys().copied().collect();
    let root_files: Vec<PathBuf> = roots.iter().map(|(r, _, _)| r.clone()).collect();
    let reached = super::module_tree::reachable_from(&root_files, &known);
    let mut claimed: HashSet<usize> = HashSet::new();
    for ((root_file, root_idx, name), reach) in roots.iter().zip(reached) {
        if !claimed.insert(*root_idx) {
            continue;
        }
        let top = vec![name.clone()];
        let dir = root_file.parent().unwrap_or(Path::new(""));
        module_path[*root_idx] = top.clone();
        crate_root[*root_idx] = top.clone();
        let mut members: Vec<usize> = reach
            .into_iter()
            .flatten()
            .filter_map(|f| index.get(f.as_path()).copied())
            .filter(|&i| in_target_dir[i])
            .collect();
        members.sort_unstable();
        for i in members {
            if claimed.insert(i) {
                let mut path = top.clone();
                path.extend(module_below(&located[i].0, dir));
                module_path[i] = path;
                crate_root[i] = top.clone();
            }
        }
    }
    crate_root
}

/// Files of a package that no module tree of the package reaches (a file named on the command
/// line is kept: the user asked for it): under `src/` a leftover nobody declares, elsewhere a
/// directory no target names (`depricated/`, `scripts/`); cargo builds neither. And each
/// file's module path as the library's
/// or a binary's module tree has it, where that can be told (see
/// [`super::module_tree::Reach::modules`]): its place on disk says otherwise for `include!`d
/// and `#[path]` files and under a `[lib] path`.
fn module_trees(files: &[SourceFile], located: &[(PathBuf, Option<PathBuf>)]) -> Trees {
    let candidate: Vec<bool> = files
        .iter()
        .zip(located)
        .map(|(f, (_, root))| !f.explicit && root.is_some())
        .collect();
    let mut roots: Vec<&Path> = located
        .iter()
        .zip(&candidate)
        .filter(|(_, c)| **c)
        .filter_map(|((_, r), _)| r.as_deref())
        .collect();
    roots.sort();
    roots.dedup();
    let none: std::sync::Arc<[String]> = std::sync::Arc::from([]);
    if roots.is_empty() {
        return Trees {
            unreachable: vec![false; files.len()],
            modules: vec![None; files.len()],
            spliced_items: vec![none; files.len()],
        };
    }
    let known: HashSet<&Path> = located.iter().map(|(a, _)| a.as_path()).collect();
    let reach = super::module_tree::reachable(&roots, &known);
    // Includes are rare: the included files' names are read here, once each.
    let mut spliced: HashMap<&Path, Vec<String>> = HashMap::new();
    for (includer, included) in reach.values().flatten().flat_map(|r| &r.includes) {
        let names = std::fs::read_to_string(included)
            .map(|t| super::module_tree::item_names(&t))
            .unwrap_or_default();
        spliced.entry(includer.as_path()).or_default().extend(names);
    }
    let (unreachable, modules) = located
        .iter()
        .zip(&candidate)
        .map(|((abs, root), c)| {
            let Some(reach) = root
                .as_ref()
                .and_then(|r| reach.get(r))
                .and_then(Option::as_ref)
            else {
                return (false, None);
            };
            (
                *c && !reach.files.contains(abs),
                reach.modules.get(abs).cloned(),
            )
        })
        .unzip();
    let spliced_items = located
        .iter()
        .map(|(abs, _)| match spliced.get(abs.as_path()) {
            Some(names) => std::sync::Arc::from(names.as_slice()),
            None => none.clone(),
        })
        .collect();
    Trees {
        unreachable,
        modules,
        spliced_items,
    }
}

/// What the crates' module trees tell about each file (see [`module_trees`]).
struct Trees {
    unreachable: Vec<bool>,
    modules: Vec<Option<Vec<String>>>,
    spliced_items: Vec<std::sync::Arc<[String]>>,
}

/// A directory whose files are test, bench or example code.
fn is_test_dir(name: Option<&str>) -> bool {
    matches!(name, Some("tests" | "benches" | "examples"))
}

/// A crate that itself lives in a `tests/`, `benches/` or `examples/` directory of the project
/// (spin's `tests/test-components/components/*`, a workspace's `examples/*` packages): test
/// support, like the files of a crate's own `tests/`. `rel` is the file's report path (from the
/// scan root, or the project root a `--root`/`racewise.toml` names), `in_crate` how many of its
/// components lie inside the crate. Such code is still checked; its findings are marked
/// `in_test` and lowered like any test code's.
fn in_test_tree(rel: &str, in_crate: usize) -> bool {
    let parts: Vec<&str> = rel.split('/').collect();
    parts
        .len()
        .checked_sub(in_crate)
        .is_some_and(|above| parts[..above].iter().any(|p| is_test_dir(Some(p))))
}

/// The canonical path of a file: its directory's (resolved once per directory), or, for a
/// symlink, the link's target's. Canonicalizing every file was a dozen syscalls each.
fn canonical_file(f: &SourceFile, dirs: &mut HashMap<PathBuf, PathBuf>) -> PathBuf {
    let file = f.abs.as_path();
    match (file.parent(), file.file_name()) {
        (Some(dir), Some(name)) if !f.symlink => {
            let canon = dirs.entry(dir.to_path_buf()).or_insert_with(|| {
                std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf())
            });
            canon.join(name)
        }
        _ => std::fs::canonicalize(file).unwrap_or_else(|_| file.to_path_buf()),
    }
}

/// Module names that say a module is test support: fixtures and harnesses that set up state for
/// tests (kanidm's `testkit`, `test_utils`), often `pub` so other crates' tests can reach them,
/// which no `#[cfg(test)]` marks. Only whole names: `test_vrl` (vector's `vector test` command)
/// and `test_case` are production code as often as not.
const TEST_SUPPORT_MODULES: &[&str] = &[
    "testkit",
    "testing",
    "test_util",
    "test_utils",
    "testutil",
    "testutils",
    "test_helper",
    "test_helpers",
    "test_support",
    "test_harness",
    "test_common",
];

/// Files of a test-support module (see [`TEST_SUPPORT_MODULES`]) below their crate's root —
/// the module's own file, or any file under its directory — are test code, and so is every
/// file of a crate whose name has the word `test`, `tests` or `testing` in it (`*_test_fakes`,
/// `conformance-tests`, `neon_test_utils`): a crate of fakes and harnesses other crates' tests
/// depend on.
fn mark_test_support_modules(
    located: &[(PathBuf, Option<PathBuf>)],
    file_crate: &[usize],
    infos: &[CrateInfo],
    test_file: &mut [bool],
) {
    let test_crate: Vec<bool> = infos
        .iter()
        .map(|i| {
            i.name.as_deref().is_some_and(|n| {
                n.split(['_', '-'])
                    .any(|w| matches!(w, "test" | "tests" | "testing"))
            })
        })
        .collect();
    for (((abs, root), k), t) in located.iter().zip(file_crate).zip(test_file.iter_mut()) {
        // Files in no package have no name to go by (the crate they form has none).
        let Some(rel) = root.as_ref().and_then(|r| abs.strip_prefix(r).ok()) else {
            continue;
        };
        if test_crate.get(*k).copied().unwrap_or(false) {
            *t = true;
            continue;
        }
        let named = rel
            .iter()
            .filter_map(|c| c.to_str())
            .any(|c| TEST_SUPPORT_MODULES.contains(&c.strip_suffix(".rs").unwrap_or(c)));
        if named {
            *t = true;
        }
    }
}

/// Every file of an unpublished package (`publish = false`) the other scanned packages name
/// only in `[dev-dependencies]` is test code: a harness their tests start (`monero-harness`,
/// which runs a node for `swap`'s tests). Not a package with a binary, nor a published one
/// (its users are beyond the scan: `insta`), nor one any scanned package names in
/// `[dependencies]` or `[build-dependencies]` (also target-specific ones).
fn mark_dev_only_crates(
    roots: &[PathBuf],
    file_crate: &[usize],
    manifests: &mut Manifests,
    test_file: &mut [bool],
) {
    let norm = |n: &str| n.replace('-', "_");
    let names: Vec<Option<String>> = roots
        .iter()
        .map(|r| {
            let m = manifests.get(r)?;
            Some(norm(m.get("package")?.get("name")?.as_str()?))
        })
        .collect();
    let (mut dev, mut used): (HashSet<String>, HashSet<String>) = Default::default();
    for (k, root) in roots.iter().enumerate() {
        let Some(manifest) = manifests.get(root) else {
            continue;
        };
        // The package's own tables, then each `[target.'cfg(..)'.*]`'s.
        let mut scopes: Vec<&toml::Table> = vec![&manifest];
        scopes.extend(
            manifest
                .get("target")
                .and_then(|t| t.as_table())
                .into_iter()
                .flat_map(|t| t.values())
                .filter_map(|t| t.as_table()),
        );
        let tables = scopes.into_iter().flat_map(|t| {
            [
                ("dependencies", false),
                ("build-dependencies", false),
                ("dev-dependencies", true),
            ]
            .into_iter()
            .filter_map(move |(key, dev_only)| Some((t.get(key)?, dev_only)))
        });
        for (table, dev_only) in tables {
            for (key, dep) in table.as_table().into_iter().flatten() {
                let name = norm(dep.get("package").and_then(|p| p.as_str()).unwrap_or(key));
                if names[k].as_deref() == Some(name.as_str()) {
                    continue;
                }
                if dev_only {
                    dev.insert(name);
                } else {
                    used.insert(name);
                }
            }
        }
    }
    let harness: Vec<bool> = roots
        .iter()
        .zip(&names)
        .map(|(root, name)| {
            name.as_ref()
                .is_some_and(|n| dev.contains(n) && !used.contains(n))
                && !root.join("src/main.rs").exists()
                && !root.join("src/bin").is_dir()
                && manifests.get(root).is_some_and(|m| {
                    // A published library is someone's dependency beyond the scan.
                    let unpublished = m
                        .get("package")
                        .and_then(|p| p.get("publish"))
                        .is_some_and(|p| p.as_bool() == Some(false));
                    m.get("bin").is_none() && unpublished
                })
        })
        .collect();
    for (&k, t) in file_crate.iter().zip(test_file.iter_mut()) {
        if harness.get(k).copied().unwrap_or(false) {
            *t = true;
        }
    }
}

/// Files of modules declared `#[cfg(test)] mod name;` in another file (`runtime/tests/*.rs`,
/// `mocks.rs`) are test code too, though nothing in them says so.
fn mark_cfg_test_modules(files: &[SourceFile], test_file: &mut [bool]) {
    // Only a file whose module directory holds other scanned files can declare one of them:
    // reading just those skips most leaf modules (`a/b.rs` without an `a/b/`).
    let dirs: HashSet<&Path> = files
        .iter()
        .flat_map(|f| f.abs.ancestors().skip(1))
        .collect();
    let roots: Vec<PathBuf> = files
        .par_iter()
        .filter(|f| dirs.contains(module_dir(&f.abs).as_path()))
        .flat_map_iter(|f| {
            let text = std::fs::read_to_string(&f.abs).unwrap_or_default();
            // `#[cfg(test)]`, and `#[cfg(all(test, feature = ".."))]` as well.
            let names = if text.contains("#[cfg(") && text.contains("test") {
                cfg_test_children(&text)
            } else {
                Vec::new()
            };
            let base = module_dir(&f.abs);
            names.into_iter().map(move |n| base.join(n))
        })
        .collect();
    if roots.is_empty() {
        return;
    }
    // `Path::starts_with` re-parses components on every call (7 ms for 16 roots over tokio's
    // files); the same test on the bytes, at a separator boundary.
    let roots: Vec<(Vec<u8>, PathBuf)> = roots
        .into_iter()
        .map(|r| {
            (
                r.as_os_str().as_encoded_bytes().to_vec(),
                r.with_extension("rs"),
            )
        })
        .collect();
    for (f, t) in files.iter().zip(test_file.iter_mut()) {
        let p = f.abs.as_os_str().as_encoded_bytes();
        let hit = roots.iter().any(|(dir, file)| {
            p.strip_prefix(dir.as_slice()).is_some_and(|rest| {
                rest.is_empty() || rest.starts_with(std::path::MAIN_SEPARATOR_STR.as_bytes())
            }) || f.abs == *file
        });
        *t = *t || hit;
    }
}

/// Where a file's child modules live: `a/b.rs` → `a/b/`; `a/mod.rs`, `lib.rs`, `main.rs` → `a/`.
fn module_dir(file: &Path) -> PathBuf {
    let parent = file.parent().map(Path::to_path_buf).unwrap_or_default();
    match file.file_stem().and_then(|s| s.to_str()) {
        Some("mod" | "lib" | "main") | None => parent,
        Some(stem) => parent.join(stem),
    }
}

/// Names of out-of-line modules declared under `#[cfg(test)]` (`#[cfg(test)] mod tests;`).
fn cfg_test_children(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut pending = false;
    for line in text.lines() {
        let mut t = line.trim();
        if t.starts_with("#[cfg(") && t.contains("test") && !t.contains("not(") {
            pending = true;
            t = t[t.find(")]").map_or(t.len(), |i| i + 2)..].trim();
            if t.is_empty() {
                continue;
            }
        } else if pending && (t.is_empty() || t.starts_with("#[") || t.starts_with("//")) {
            continue;
        }
        if pending {
            let decl = t
                .strip_prefix("pub(crate) ")
                .or_else(|| t.strip_prefix("pub(super) "))
                .or_else(|| t.strip_prefix("pub "))
                .unwrap_or(t);
            if let Some(name) = decl.strip_prefix("mod ").and_then(|r| r.strip_suffix(';')) {
                out.push(name.trim().to_string());
            }
        }
        pending = false;
    }
    out
}

/// `src/routes/admin.rs` → `["routes", "admin"]`; `src/lib.rs`, `src/main.rs` → `[]`;
/// `src/routes/mod.rs` → `["routes"]`.
fn module_of(file: &Path, crate_root: &Path) -> Vec<String> {
    let src = crate_root.join("src");
    match file.starts_with(&src) {
        true => module_below(file, &src),
        false => module_below(file, crate_root),
    }
}

/// The module path of `file` below the directory `dir` of its crate root file.
fn module_below(file: &Path, dir: &Path) -> Vec<String> {
    let Ok(rel) = file.strip_prefix(dir) else {
        return Vec::new();
    };
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let Some(last) = parts.pop() else {
        return parts;
    };
    let stem = last.strip_suffix(".rs").unwrap_or(&last);
    let is_root = parts.is_empty() && (stem == "lib" || stem == "main");
    if stem != "mod" && !is_root {
        parts.push(stem.to_string());
    }
    parts
}

fn crate_root(dir: &Path, cache: &mut HashMap<PathBuf, Option<PathBuf>>) -> Option<PathBuf> {
    if let Some(hit) = cache.get(dir) {
        return hit.clone();
    }
    let manifest = dir.join("Cargo.toml");
    let found = if manifest.is_file()
        && std::fs::read_to_string(&manifest).is_ok_and(|t| t.contains("[package]"))
    {
        Some(dir.to_path_buf())
    } else {
        dir.parent().and_then(|p| crate_root(p, cache))
    };
    cache.insert(dir.to_path_buf(), found.clone());
    found
}

/// Parsed manifests by directory, each read once: a workspace's root manifest was parsed again for
/// every member that inherits its edition (a third of crate assignment on a 60-member workspace).
#[derive(Default)]
struct Manifests(HashMap<PathBuf, Option<std::rc::Rc<toml::Table>>>);

impl Manifests {
    fn get(&mut self, dir: &Path) -> Option<std::rc::Rc<toml::Table>> {
        // The crate of files in no package has no manifest (not the working directory's).
        if dir.as_os_str().is_empty() {
            return None;
        }
        self.0
            .entry(dir.to_path_buf())
            .or_insert_with(|| {
                std::fs::read_to_string(dir.join("Cargo.toml"))
                    .ok()?
                    .parse::<toml::Table>()
                    .ok()
                    .map(std::rc::Rc::new)
            })
            .clone()
    }
}

/// The files of the package's `[[bin]]` targets that lie outside `src/` (`bin/main.rs`,
/// `repair.rs` at the package root), other than the library's own root file.
fn outside_bins(root: &Path, manifests: &mut Manifests) -> Vec<PathBuf> {
    let Some(manifest) = manifests.get(root) else {
        return Vec::new();
    };
    let path_of = |v: &toml::Value| {
        v.get("path")
            .and_then(|p| p.as_str())
            .map(|p| super::module_tree::normalize(&root.join(p)))
    };
    let lib = manifest.get("lib").and_then(path_of);
    manifest
        .get("bin")
        .and_then(|b| b.as_array())
        .into_iter()
        .flatten()
        .filter_map(path_of)
        .filter(|p| !p.starts_with(root.join("src")) && Some(p) != lib.as_ref())
        .collect()
}

/// The crate's library name (or package name), as `use` paths spell it.
fn crate_name(root: &Path, manifests: &mut Manifests) -> Option<String> {
    let manifest = manifests.get(root)?;
    let lib = manifest.get("lib").and_then(|l| l.get("name"));
    let package = manifest.get("package").and_then(|p| p.get("name"));
    Some(lib.or(package)?.as_str()?.replace('-', "_"))
}

/// The features the crate's `tokio` dependency enables: its own `features` (in
/// `[dependencies]` or a `[target.*.dependencies]` table, not dev-dependencies: the fixes are
/// for library and binary code), plus those of the workspace dependency it inherits with
/// `workspace = true`. `full` enables both.
fn tokio_features(root: &Path, manifests: &mut Manifests) -> TokioFeatures {
    let Some(manifest) = manifests.get(root) else {
        return TokioFeatures::default();
    };
    let mut names: Vec<String> = Vec::new();
    let mut inherits = false;
    let mut deps: Vec<&toml::Value> = manifest.get("dependencies").into_iter().collect();
    if let Some(targets) = manifest.get("target").and_then(|t| t.as_table()) {
        deps.extend(targets.values().filter_map(|t| t.get("dependencies")));
    }
    let feature_list = |dep: &toml::Value, names: &mut Vec<String>| {
        let list = dep.get("features").and_then(|f| f.as_array());
        names.extend(
            list.into_iter()
                .flatten()
                .filter_map(|f| f.as_str())
                .map(str::to_string),
        );
    };
    for dep in deps.iter().filter_map(|d| d.get("tokio")) {
        feature_list(dep, &mut names);
        inherits |= dep.get("workspace").and_then(|w| w.as_bool()) == Some(true);
    }
    if inherits {
        // The package may be the workspace root itself.
        let mut dir = Some(root);
        while let Some(d) = dir {
            if let Some(ws) = manifests.get(d)
                && let Some(w) = ws.get("workspace")
            {
                if let Some(dep) = w.get("dependencies").and_then(|d| d.get("tokio")) {
                    feature_list(dep, &mut names);
                }
                break;
            }
            dir = d.parent();
        }
    }
    let has = |f: &str| names.iter().any(|n| n == f || n == "full");
    TokioFeatures {
        fs: has("fs"),
        time: has("time"),
    }
}

/// The crate's edition from its manifest (following `edition.workspace = true`); 2021 if unknown.
fn edition_of(root: &Path, manifests: &mut Manifests) -> u16 {
    let Some(manifest) = manifests.get(root) else {
        return 2021;
    };
    let edition = manifest.get("package").and_then(|p| p.get("edition"));
    let as_year = |v: &toml::Value| v.as_str().and_then(|s| s.parse::<u16>().ok());
    match edition {
        Some(v) if v.is_str() => as_year(v).unwrap_or(2021),
        Some(v) if v.get("workspace").is_some() => {
            let mut dir = root.parent();
            while let Some(d) = dir {
                if let Some(ws) = manifests.get(d)
                    && let Some(w) = ws.get("workspace")
                {
                    return w
                        .get("package")
                        .and_then(|p| p.get("edition"))
                        .and_then(as_year)
                        .unwrap_or(2021);
                }
                dir = d.parent();
            }
            2021
        }
        Some(_) => 2021,
        None => 2015,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packages_inside_test_directories_are_test_code() {
        assert!(in_test_tree("tests/components/echo/src/lib.rs", 2));
        assert!(in_test_tree("examples/timer/src/main.rs", 2));
        assert!(!in_test_tree("crates/echo/src/lib.rs", 2));
        // The crate's own files: only the part above the crate root counts.
        assert!(!in_test_tree("src/tests.rs", 2));
        assert!(!in_test_tree("tests_common/src/lib.rs", 2));
    }

    #[test]
    fn test_support_modules_and_crates_are_test_code() {
        let root = Some(PathBuf::from("/w/server"));
        let located: Vec<(PathBuf, Option<PathBuf>)> = [
            "/w/server/src/lib.rs",
            "/w/server/src/testkit.rs",
            "/w/server/src/test_utils/fixtures.rs",
            "/w/server/src/commands/test_vrl.rs",
            "/w/server/src/contest.rs",
            "/w/fakes/src/lib.rs",
        ]
        .iter()
        .map(|p| {
            let own = match p.starts_with("/w/fakes") {
                true => Some(PathBuf::from("/w/fakes")),
                false => root.clone(),
            };
            (PathBuf::from(p), own)
        })
        .collect();
        let info = |name: &str| CrateInfo {
            edition: 2021,
            name: Some(name.to_string()),
            tokio: TokioFeatures::default(),
        };
        let infos = [info("server"), info("docs_rs_test_fakes")];
        let file_crate = [0, 0, 0, 0, 0, 1];
        let mut test = vec![false; located.len()];
        mark_test_support_modules(&located, &file_crate, &infos, &mut test);
        assert_eq!(test, [false, true, true, false, false, true]);
    }

    #[test]
    fn finds_out_of_line_cfg_test_modules() {
        let text = "mod real;\n#[cfg(test)]\nmod tests;\n#[cfg(test)] pub(crate) mod mocks;\n#[cfg(not(test))]\nmod prod;\n#[cfg(test)]\n/// helpers\n#[path = \"x.rs\"]\nmod helpers;\n#[cfg(test)]\nmod inline {\n}\n";
        assert_eq!(cfg_test_children(text), ["tests", "mocks", "helpers"]);
        assert_eq!(module_dir(Path::new("src/fs/mod.rs")), Path::new("src/fs"));
        assert_eq!(module_dir(Path::new("src/fs.rs")), Path::new("src/fs"));
    }
}
