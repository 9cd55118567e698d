//! Name resolution through `use` declarations, without compiling: a stack of scopes (modules and
//! blocks), each mapping a local name to the full path it was imported as.
//!
//! Rust modules do not inherit their parent's imports, so a module scope stops the lookup; a block
//! scope (a fn body) sees its module's imports. Items are order-independent, so each scope is filled
//! from all of its `use` items before any code in it is walked.

// Fx: the keys are short identifiers and paths hashed on every lookup; SipHash's DoS
// resistance buys nothing for source text the user scans on purpose.
use rustc_hash::{FxHashMap as HashMap, FxHashSet};

/// Public members of the std/tokio/parking_lot modules racewise cares about, used to resolve names
/// brought in by glob imports such as `use std::sync::*;`. A glob from any other module is opaque:
/// a name it might have brought in stays unresolved (silence beats a guess).
const GLOB_MEMBERS: &[(&str, &[&str])] = &[
    (
        "std::sync",
        &[
            "Mutex",
            "RwLock",
            "MutexGuard",
            "RwLockReadGuard",
            "RwLockWriteGuard",
            "Arc",
            "Condvar",
            "Once",
            "OnceLock",
            "LazyLock",
            "Barrier",
            "mpsc",
            "atomic",
            "PoisonError",
            "Weak",
        ],
    ),
    (
        "std::fs",
        &[
            "File",
            "OpenOptions",
            "read",
            "read_to_string",
            "write",
            "create_dir",
            "create_dir_all",
            "remove_file",
            "remove_dir",
            "remove_dir_all",
            "rename",
            "copy",
            "metadata",
            "symlink_metadata",
            "read_dir",
            "read_link",
            "canonicalize",
            "hard_link",
            "set_permissions",
        ],
    ),
    (
        "std::thread",
        &[
            "sleep",
            "spawn",
            "scope",
            "yield_now",
            "Builder",
            "JoinHandle",
        ],
    ),
    ("std::process", &["exit", "abort", "id", "Command"]),
    ("std::cell", &["RefCell", "Cell", "OnceCell"]),
    (
        "tokio::sync",
        &[
            "Mutex",
            "RwLock",
            "Semaphore",
            "Notify",
            "OnceCell",
            "broadcast",
            "mpsc",
            "oneshot",
            "watch",
            "Barrier",
        ],
    ),
    (
        "parking_lot",
        &[
            "Mutex",
            "RwLock",
            "ReentrantMutex",
            "FairMutex",
            "Condvar",
            "Once",
        ],
    ),
];

/// Names every Rust module sees without a `use`: the parts of the prelude that matter to rules.
const PRELUDE: &[(&str, &str)] = &[
    ("drop", "std::mem::drop"),
    ("Box", "std::boxed::Box"),
    ("Vec", "std::vec::Vec"),
    ("String", "std::string::String"),
    ("Option", "std::option::Option"),
    ("Some", "std::option::Option::Some"),
    ("None", "std::option::Option::None"),
    ("Result", "std::result::Result"),
    ("Ok", "std::result::Result::Ok"),
    ("Err", "std::result::Result::Err"),
];

#[derive(Debug, Default, Clone)]
struct Scope {
    /// Identifies the scope for `UseScopes::cache`; 0 for a block that declares nothing.
    id: u32,
    /// A module scope stops lookups: modules don't see their parent's imports.
    is_module: bool,
    /// The module's path below `crate` (module scopes only; blocks inherit their module's).
    module: Vec<String>,
    /// Where items declared in this scope live in the crate index: the module's path, or for a
    /// block (a fn body with a `static` of its own) the module's path plus the block's label
    /// (`crate::jobs::registry()`), so a fn-local `static STATE` is not the module's `STATE`.
    item_prefix: String,
    names: HashMap<String, String>,
    /// Items declared in this scope (they shadow globs and the prelude).
    items: FxHashSet<String>,
    /// Those of `items` in the type namespace (modules, types, traits) declared with no
    /// `#[cfg]`: where this scope also imports the name with no `#[cfg]` either, the import is a
    /// macro's or a value's (`use log::debug; mod debug;` compiles), and a path through the
    /// name (`debug::run()`) is the item's. (`#[cfg(x)] mod store` beside `#[cfg(not(x))] use
    /// backends::store;` are alternatives: such names are left out, see `cfg_names`.)
    type_items: FxHashSet<String>,
    /// Names an item or import under a `#[cfg]` declares.
    cfg_names: FxHashSet<String>,
    globs: Vec<String>,
}

/// A module's imports and items, exported to the crate index so that `crate::`/`super::` paths
/// from other files can be followed (`use crate::sync::Mutex` where `sync.rs` re-exports
/// `parking_lot::Mutex`).
#[derive(Debug, Default, Clone)]
pub struct ModuleExport {
    /// `crate::a::b`.
    pub path: String,
    pub names: Vec<(String, String)>,
    pub items: Vec<String>,
    pub globs: Vec<String>,
}

#[derive(Debug, Default, Clone)]
pub struct UseScopes {
    scopes: Vec<Scope>,
    next_id: u32,
    /// Resolved paths by (innermost declaring scope, path text, leading `::`). What a path
    /// resolves to depends only on the scopes that declare something, and the innermost of
    /// them identifies that chain; the same paths recur all over a file (`Arc::new`, `Ok`).
    cache: std::cell::RefCell<HashMap<(u32, String, bool), String>>,
    /// Module path of the file's root module (`["routes", "admin"]` for `src/routes/admin.rs`).
    file_module: Vec<String>,
    /// The module `crate::` names in this file (see `FileOptions::crate_root`).
    crate_root: Vec<String>,
    /// `[resolve] reexports` (see `FileOptions::reexports`).
    reexports: std::sync::Arc<[(String, String)]>,
}

/// A module path as a `crate::`-rooted string.
fn crate_path(module: &[String]) -> String {
    std::iter::once("crate")
        .chain(module.iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join("::")
}

/// `self::x`/`super::x` declared in `module` as an absolute `crate::` path, when it leaves no
/// inline module to resolve through.
fn absolutize(path: &str, module: &[String]) -> String {
    let mut module = module.to_vec();
    let mut rest = path;
    loop {
        if let Some(r) = rest.strip_prefix("self::") {
            rest = r;
        } else if let Some(r) = rest.strip_prefix("super::") {
            if module.pop().is_none() {
                return path.to_string();
            }
            rest = r;
        } else if rest == "self" {
            return crate_path(&module);
        } else if rest == "super" {
            module.pop();
            return crate_path(&module);
        } else {
            break;
        }
    }
    if rest.starts_with("crate::") || rest == "crate" {
        return rest.to_string();
    }
    format!("{}::{rest}", crate_path(&module))
}

impl UseScopes {
    pub fn new() -> Self {
        Self::default()
    }

    /// Scopes for a file whose root module is `crate::<file_module>`.
    pub fn for_module(file_module: Vec<String>) -> Self {
        UseScopes {
            file_module,
            ..UseScopes::default()
        }
    }

    /// `crate::` in this file names the module `root` (an integration test's own root).
    pub fn with_crate_root(mut self, root: Vec<String>) -> Self {
        self.crate_root = root;
        self
    }

    /// `crate::x` written in this file, as a path from the real crate root.
    fn rebase_crate(&self, path: String) -> String {
        if self.crate_root.is_empty() {
            return path;
        }
        match path.strip_prefix("crate") {
            Some("") => crate_path(&self.crate_root),
            Some(rest) if rest.starts_with("::") => {
                format!("{}{rest}", crate_path(&self.crate_root))
            }
            _ => path,
        }
    }

    /// Paths through the user's declared re-exports (`common::spawn` with `common = "tokio"`)
    /// resolve to what they stand for.
    pub fn with_reexports(mut self, reexports: std::sync::Arc<[(String, String)]>) -> Self {
        self.reexports = reexports;
        self
    }

    /// The path of the module being walked (`crate::routes::admin`): where the items it
    /// declares live in the crate index.
    pub fn module_path(&self) -> String {
        match self.scopes.iter().rev().find(|s| s.id != 0) {
            Some(s) => s.item_prefix.clone(),
            None => crate_path(&self.file_module),
        }
    }

    fn current_module(&self) -> Vec<String> {
        self.scopes
            .iter()
            .rev()
            .find(|s| s.is_module)
            .map(|s| s.module.clone())
            .unwrap_or_else(|| self.file_module.clone())
    }

    /// Enter a module: the file's root (`name = None`) or an inline `mod name { .. }`.
    pub fn push_module(&mut self, name: Option<&str>, items: &[syn::Item]) {
        let module = match name {
            None => self.file_module.clone(),
            Some(n) => {
                let mut m = self.current_module();
                m.push(n.to_string());
                m
            }
        };
        self.push(true, module, items.iter());
    }

    /// Enter a block; `label` names it in the paths of the items it declares (the enclosing
    /// fn's name).
    pub fn push_block(&mut self, stmts: &[syn::Stmt], label: &str) {
        // Most blocks declare nothing: an empty scope needs no module path (it is only read for
        // a scope's own items and globs), and cloning it per block was a measurable cost.
        if !stmts.iter().any(|s| matches!(s, syn::Stmt::Item(_))) {
            self.scopes.push(Scope::default());
            return;
        }
        let items = stmts.iter().filter_map(|s| match s {
            syn::Stmt::Item(item) => Some(item),
            _ => None,
        });
        let module = self.current_module();
        let prefix = format!("{}::{label}", self.module_path());
        self.push(false, module, items);
        if let Some(s) = self.scopes.last_mut() {
            s.item_prefix = prefix;
        }
    }

    pub fn pop(&mut self) {
        self.scopes.pop();
    }

    fn push<'a>(
        &mut self,
        is_module: bool,
        module: Vec<String>,
        items: impl Iterator<Item = &'a syn::Item>,
    ) {
        self.next_id += 1;
        let mut scope = Scope {
            id: self.next_id,
            is_module,
            item_prefix: crate_path(&module),
            module,
            ..Scope::default()
        };
        for item in items {
            declare(item, &mut scope);
        }
        if !self.crate_root.is_empty() {
            for target in scope.names.values_mut().chain(scope.globs.iter_mut()) {
                *target = self.rebase_crate(std::mem::take(target));
            }
        }
        let module = scope.module.clone();
        for g in &mut scope.globs {
            if g.starts_with("self") || g.starts_with("super") {
                *g = absolutize(g, &module);
            } else if g
                .split("::")
                .next()
                .is_some_and(|first| scope.items.contains(first))
            {
                // `mod relay; use relay::*;` (2018 uniform paths): the module declared here.
                *g = format!("{}::{g}", crate_path(&module));
            }
        }
        self.scopes.push(scope);
    }

    /// A scope in force glob-imports a module that is not a known external one (`use
    /// mylib::*;`, `use super::*;`): a bare name may come from the workspace.
    pub fn has_workspace_globs(&self) -> bool {
        self.scopes.iter().any(|s| {
            s.globs
                .iter()
                .any(|g| !super::types::is_external(g.split("::").next().unwrap_or(g)))
        })
    }

    /// Items the innermost scope declares in text the walker does not see (an `include!`d
    /// file's).
    pub fn declare_items(&mut self, names: &[String]) {
        if let Some(scope) = self.scopes.last_mut() {
            scope.items.extend(names.iter().cloned());
        }
    }

    /// What the innermost module scope exports to the crate index.
    pub fn module_export(&self) -> Option<ModuleExport> {
        let scope = self.scopes.last().filter(|s| s.is_module)?;
        let mut names: Vec<(String, String)> = scope
            .names
            .keys()
            .map(|name| {
                (
                    name.clone(),
                    self.resolve_segments(std::slice::from_ref(name), false),
                )
            })
            .collect();
        names.sort();
        let mut items: Vec<String> = scope.items.iter().cloned().collect();
        items.sort();
        Some(ModuleExport {
            path: crate_path(&scope.module),
            names,
            items,
            globs: scope.globs.clone(),
        })
    }

    /// Find `name` in the scopes below `top`, stopping at the innermost module boundary; returns
    /// the full path and the index of the scope that declared it.
    fn lookup(&self, name: &str, top: usize) -> Option<(String, usize)> {
        // A name no scope declares may come from a glob of a crate module (`use super::*;`):
        // it resolves to the name in the module that holds the glob, and the crate index follows
        // that module's globs once every file is known. Never for the root of a well-known
        // crate: `std::fs::read` in a file with `use super::*;` is still std's.
        let mut crate_glob = None;
        let extern_root = super::types::is_external(name) || matches!(name, "core" | "alloc");
        for (i, scope) in self.scopes[..top.min(self.scopes.len())]
            .iter()
            .enumerate()
            .rev()
        {
            if let Some(full) = scope.names.get(name) {
                return Some((full.clone(), i));
            }
            if scope.items.contains(name) {
                return Some((format!("{}::{name}", scope.item_prefix), i));
            }
            for glob in &scope.globs {
                if glob_has(glob, name) {
                    return Some((format!("{glob}::{name}"), i));
                }
                // `use mylib::cmd::*;` in the package's binary, or a member's module: the crate
                // index follows a module's globs into the package's own library. Only for a
                // type-namespace name (`Command::Init(c)`): a lowercase one may be any crate's.
                let workspace_glob = glob.starts_with("crate")
                    || (scope.is_module
                        && name.starts_with(|c: char| c.is_ascii_uppercase())
                        && !super::types::is_external(glob.split("::").next().unwrap_or(glob)));
                if crate_glob.is_none() && !extern_root && workspace_glob {
                    // A module's globs are in the crate index, which follows all of them; a
                    // block's are not, so its (first) glob is taken as it is.
                    let from = if scope.is_module {
                        crate_path(&scope.module)
                    } else {
                        glob.clone()
                    };
                    crate_glob = Some((format!("{from}::{name}"), i));
                }
            }
            if scope.is_module {
                break;
            }
        }
        if let Some((_, full)) = PRELUDE.iter().find(|(short, _)| *short == name) {
            return Some((full.to_string(), 0));
        }
        // Maybe brought in by a glob of a crate module: the crate index can tell.
        crate_glob
    }

    /// The scope (below `top`) that first answers a lookup of `name`, when it both imports the
    /// name and declares a type-namespace item of it (see `Scope::type_items`).
    fn type_item_beside_import(&self, name: &str, top: usize) -> Option<usize> {
        for (i, scope) in self.scopes[..top.min(self.scopes.len())]
            .iter()
            .enumerate()
            .rev()
        {
            if scope.names.contains_key(name) || scope.items.contains(name) {
                return (scope.names.contains_key(name)
                    && scope.type_items.contains(name)
                    && !scope.cfg_names.contains(name))
                .then_some(i);
            }
            if scope.is_module {
                break;
            }
        }
        None
    }

    /// Whether import target `full` (found for `name` in scope `at`) starts with a name that
    /// scope declares itself (a child module, another import), rather than a crate's name.
    fn declared_relative(&self, full: &str, name: &str, at: usize) -> bool {
        let Some((first, _)) = full.split_once("::") else {
            return false;
        };
        if first == name || matches!(first, "crate" | "self" | "super" | "std" | "core" | "alloc") {
            return false;
        }
        self.scopes
            .get(at)
            .is_some_and(|s| s.items.contains(first) || s.names.contains_key(first))
    }

    /// Whether import target `full` of `name` starts with a module of the same name that scope
    /// `at` declares (`mod kill; use kill::kill;`).
    fn imports_from_same_named_module(&self, full: &str, name: &str, at: usize) -> bool {
        full.split_once("::")
            .is_some_and(|(first, _)| first == name)
            && self.scopes.get(at).is_some_and(|s| s.items.contains(name))
    }

    /// Index of the innermost module scope below `top`.
    fn module_at(&self, top: usize) -> Option<usize> {
        self.scopes[..top.min(self.scopes.len())]
            .iter()
            .rposition(|s| s.is_module)
    }

    /// The full path a path expression or type path names, e.g. `fs::write` →
    /// `std::fs::write`. Crate-local paths come back rooted at `crate::` (followed across files
    /// by the crate index later); rules compare against external paths only, so those never
    /// match by accident.
    pub fn resolve(&self, path: &syn::Path) -> String {
        use std::fmt::Write;
        let mut text = String::new();
        for (i, seg) in path.segments.iter().enumerate() {
            if i > 0 {
                text.push_str("::");
            }
            let _ = write!(text, "{}", seg.ident);
        }
        let scope = self
            .scopes
            .iter()
            .rev()
            .find(|s| s.id != 0)
            .map_or(0, |s| s.id);
        let key = (scope, text, path.leading_colon.is_some());
        if let Some(hit) = self.cache.borrow().get(&key) {
            return hit.clone();
        }
        let segs: Vec<String> = key.1.split("::").map(str::to_string).collect();
        let resolved = self.resolve_segments(&segs, key.2);
        self.cache.borrow_mut().insert(key, resolved.clone());
        resolved
    }

    pub fn resolve_segments(&self, segs: &[String], leading_colon: bool) -> String {
        let resolved = self.resolve_from(segs, leading_colon, self.scopes.len(), 0);
        let resolved = match resolved.strip_prefix("::") {
            Some(rest) => normalize_root(rest.trim_start_matches("::")),
            None if resolved.starts_with("core::") || resolved.starts_with("alloc::") => {
                normalize_root(&resolved)
            }
            None => resolved,
        };
        through_reexport(declared_reexport(resolved, &self.reexports))
    }

    /// Resolve `segs` as seen from the scopes below `top`. `self::`/`super::` paths are
    /// followed through inline modules of this file; past the file's root module they become
    /// absolute `crate::` paths.
    fn resolve_from(
        &self,
        segs: &[String],
        leading_colon: bool,
        top: usize,
        depth: usize,
    ) -> String {
        let Some(first) = segs.first() else {
            return String::new();
        };
        let rest = &segs[1..];
        let joined = |head: String| {
            if rest.is_empty() {
                head
            } else {
                format!("{head}::{}", rest.join("::"))
            }
        };
        if leading_colon || depth > 16 {
            return joined(first.clone());
        }
        match first.as_str() {
            "self" | "super" if !rest.is_empty() => {
                let Some(mut m) = self.module_at(top) else {
                    return absolutize(&segs.join("::"), &self.file_module);
                };
                if first == "super" {
                    match self.module_at(m) {
                        Some(parent) => m = parent,
                        None => return absolutize(&segs.join("::"), &self.scopes[m].module),
                    }
                }
                let module_scope = &self.scopes[m];
                let head = &rest[0];
                // `super::super::x`: go up again from the parent.
                if head == "super" || head == "self" {
                    return self.resolve_from(rest, false, m + 1, depth + 1);
                }
                let declared = module_scope.names.contains_key(head)
                    || module_scope.items.contains(head)
                    || module_scope.globs.iter().any(|g| glob_has(g, head));
                if declared {
                    self.resolve_from(rest, false, m + 1, depth + 1)
                } else {
                    format!("{}::{}", crate_path(&module_scope.module), rest.join("::"))
                }
            }
            "crate" => joined(self.rebase_crate(first.clone())),
            "Self" | "self" | "super" => joined(first.clone()),
            name => {
                if !rest.is_empty()
                    && let Some(at) = self.type_item_beside_import(name, top)
                {
                    return joined(format!("{}::{name}", self.scopes[at].item_prefix));
                }
                match self.lookup(name, top) {
                    Some((full, at))
                        if full.starts_with("self::") || full.starts_with("super::") =>
                    {
                        let mut all: Vec<String> = full.split("::").map(str::to_string).collect();
                        all.extend(rest.iter().cloned());
                        self.resolve_from(&all, false, at + 1, depth + 1)
                    }
                    // `mod kill; use kill::kill;`: the import names the module's own item, so a
                    // value `kill(..)` is the fn in that module, and a path through `kill::` is the
                    // module (the type namespace, where a path's first segment is looked up).
                    Some((full, at)) if self.imports_from_same_named_module(&full, name, at) => {
                        let module = format!("{}::{name}", self.scopes[at].item_prefix);
                        if rest.is_empty() {
                            format!("{module}{}", &full[name.len()..])
                        } else {
                            joined(module)
                        }
                    }
                    // `use holder::Holder;` (2018 uniform paths): an import whose first segment is
                    // an item or import of the scope that declared it resolves from there.
                    Some((full, at)) if self.declared_relative(&full, name, at) => {
                        let mut all: Vec<String> = full.split("::").map(str::to_string).collect();
                        all.extend(rest.iter().cloned());
                        self.resolve_from(&all, false, at + 1, depth + 1)
                    }
                    Some((full, _)) => joined(full),
                    None => joined(name.to_string()),
                }
            }
        }
    }
}

/// Crates services re-export from a shared crate of their own (`use common::tokio;`,
/// `pub use parking_lot;` in a `prelude`): a path through such a re-export names the crate's
/// item, whatever crate it passes through.
const REEXPORTED_ROOTS: &[&str] = &["std", "tokio", "parking_lot", "futures", "futures_util"];

/// `common::spawn` → `tokio::spawn` when the config says `common = "tokio"` (the first, i.e.
/// longest, matching prefix).
fn declared_reexport(path: String, reexports: &[(String, String)]) -> String {
    for (from, to) in reexports {
        if let Some(rest) = path.strip_prefix(from.as_str()) {
            if rest.is_empty() {
                return to.clone();
            }
            if let Some(rest) = rest.strip_prefix("::") {
                return format!("{to}::{rest}");
            }
        }
    }
    path
}

/// `common::tokio::spawn` → `tokio::spawn`; `fs_err::read` → `std::fs::read` (fs_err is a
/// drop-in for `std::fs` with better errors, as blocking; its `tokio` module is async).
fn through_reexport(path: String) -> String {
    if let Some(rest) = path.strip_prefix("fs_err::") {
        return match rest.strip_prefix("tokio::") {
            Some(t) => format!("tokio::fs::{t}"),
            None => format!("std::fs::{rest}"),
        };
    }
    if path == "fs_err" {
        return "std::fs".to_string();
    }
    let first = path.split("::").next().unwrap_or_default();
    if first == "crate" || REEXPORTED_ROOTS.contains(&first) || super::types::is_external(first) {
        return path;
    }
    // Past the first segment (another crate's name; a crate-local module named `tokio` is
    // followed by the crate index), from the first well-known crate on.
    let tail = path
        .match_indices("::")
        .map(|(i, _)| &path[i + 2..])
        .find(|rest| REEXPORTED_ROOTS.contains(&rest.split("::").next().unwrap_or_default()));
    match tail {
        Some(t) => normalize_root(t),
        None => path,
    }
}

/// `core::`/`alloc::` paths are the same items as `std::` ones.
fn normalize_root(path: &str) -> String {
    for root in ["core::", "alloc::"] {
        if let Some(rest) = path.strip_prefix(root) {
            return format!("std::{rest}");
        }
    }
    path.to_string()
}

pub(crate) fn glob_has(glob: &str, name: &str) -> bool {
    GLOB_MEMBERS
        .iter()
        .any(|(module, members)| *module == glob && members.contains(&name))
}

fn join(prefix: &str, seg: &str) -> String {
    if prefix.is_empty() || prefix == "::" {
        format!("{prefix}{seg}")
    } else {
        format!("{prefix}::{seg}")
    }
}

fn collect_use_tree(tree: &syn::UseTree, prefix: String, scope: &mut Scope) {
    match tree {
        syn::UseTree::Path(p) => {
            collect_use_tree(&p.tree, join(&prefix, &p.ident.to_string()), scope)
        }
        syn::UseTree::Name(n) => {
            let name = n.ident.to_string();
            if name == "self" {
                // `use std::fs::{self}` imports `fs`.
                let last = crate::semantic::syntax::last_segment(&prefix);
                scope.names.insert(last.to_string(), clean(&prefix));
            } else {
                scope
                    .names
                    .insert(name.clone(), clean(&join(&prefix, &name)));
            }
        }
        syn::UseTree::Rename(r) => {
            let target = if r.ident == "self" {
                clean(&prefix)
            } else {
                clean(&join(&prefix, &r.ident.to_string()))
            };
            let alias = r.rename.to_string();
            if alias != "_" {
                scope.names.insert(alias, target);
            }
        }
        syn::UseTree::Glob(_) => scope.globs.push(normalize_root(&clean(&prefix))),
        syn::UseTree::Group(g) => {
            for t in &g.items {
                collect_use_tree(t, prefix.clone(), scope);
            }
        }
    }
}

fn clean(path: &str) -> String {
    normalize_root(path.trim_start_matches("::"))
}

/// Add what `item` declares to `scope`: its imports, or its name (items declared here shadow
/// glob imports and the prelude); a `cfg_if!` block declares what its branches do.
fn declare(item: &syn::Item, scope: &mut Scope) {
    match item {
        syn::Item::Use(u) => {
            let root = if u.leading_colon.is_some() { "::" } else { "" };
            let before: Option<FxHashSet<String>> =
                has_cfg(&u.attrs).then(|| scope.names.keys().cloned().collect());
            collect_use_tree(&u.tree, root.to_string(), scope);
            if let Some(before) = before {
                let added: Vec<String> = scope
                    .names
                    .keys()
                    .filter(|k| !before.contains(*k))
                    .cloned()
                    .collect();
                scope.cfg_names.extend(added);
            }
        }
        // `extern crate tuwunel_router as router;` (also in a fn body): an import of the crate.
        syn::Item::ExternCrate(e) => {
            if let Some((_, alias)) = &e.rename {
                let target = if e.ident == "self" {
                    "crate".to_string()
                } else {
                    e.ident.to_string()
                };
                scope.names.insert(alias.to_string(), target);
            }
        }
        syn::Item::Macro(m) => {
            if let Some(items) = super::macros::cfg_block_items(&m.mac) {
                for it in &items {
                    declare(it, scope);
                }
            } else if super::macros::macro_name(&m.mac) == "macro_rules" {
                for it in super::macros::macro_rules_items(&m.mac) {
                    declare(&it, scope);
                }
            }
            scope.items.extend(macro_item_names(item));
        }
        other => {
            if let Some((ident, attrs, type_ns)) = named_item(other) {
                let name = ident.to_string();
                if type_ns {
                    scope.type_items.insert(name.clone());
                }
                if has_cfg(attrs) {
                    scope.cfg_names.insert(name.clone());
                }
                scope.items.insert(name);
            }
        }
    }
}

/// Statics declared by `lazy_static!`/`thread_local!` items: names the module declares, though
/// no `syn::Item` names them.
fn macro_item_names(item: &syn::Item) -> Vec<String> {
    let syn::Item::Macro(m) = item else {
        return Vec::new();
    };
    if m.mac
        .path
        .segments
        .last()
        .is_none_or(|s| s.ident != "lazy_static" && s.ident != "thread_local")
    {
        return Vec::new();
    }
    // `[pub] static [ref] NAME: Ty = ..;` repeated: the ident after `static` (and `ref`).
    let mut names = Vec::new();
    let mut after_static = false;
    for tt in m.mac.tokens.clone() {
        if let proc_macro2::TokenTree::Ident(i) = tt {
            if i == "static" {
                after_static = true;
            } else if after_static && i != "ref" {
                names.push(i.to_string());
                after_static = false;
            }
        }
    }
    names
}

fn has_cfg(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("cfg"))
}

/// A named item's name, its attributes, and whether the name is in the type namespace
/// (modules, types, traits) rather than the value namespace (fns, statics, consts).
fn named_item(item: &syn::Item) -> Option<(&syn::Ident, &[syn::Attribute], bool)> {
    Some(match item {
        syn::Item::Fn(f) => (&f.sig.ident, &f.attrs, false),
        syn::Item::Struct(s) => (&s.ident, &s.attrs, true),
        syn::Item::Enum(e) => (&e.ident, &e.attrs, true),
        syn::Item::Type(t) => (&t.ident, &t.attrs, true),
        syn::Item::Mod(m) => (&m.ident, &m.attrs, true),
        syn::Item::Static(s) => (&s.ident, &s.attrs, false),
        syn::Item::Const(c) => (&c.ident, &c.attrs, false),
        syn::Item::Trait(t) => (&t.ident, &t.attrs, true),
        syn::Item::Union(u) => (&u.ident, &u.attrs, true),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scopes(src: &str) -> UseScopes {
        let file: syn::File = syn::parse_str(src).expect("test source parses");
        let mut s = UseScopes::new();
        s.push_module(None, &file.items);
        s
    }

    fn resolve(s: &UseScopes, path: &str) -> String {
        let p: syn::Path = syn::parse_str(path).expect("path parses");
        s.resolve(&p)
    }

    #[test]
    fn resolves_groups_aliases_and_self() {
        let s = scopes(
            "use std::{fs::{self, File}, process::exit as die, sync::Mutex};\nuse ::tokio::sync::Mutex as AsyncMutex;",
        );
        assert_eq!(resolve(&s, "fs::write"), "std::fs::write");
        assert_eq!(resolve(&s, "File::open"), "std::fs::File::open");
        assert_eq!(resolve(&s, "die"), "std::process::exit");
        assert_eq!(resolve(&s, "Mutex::new"), "std::sync::Mutex::new");
        assert_eq!(resolve(&s, "AsyncMutex"), "tokio::sync::Mutex");
        assert_eq!(resolve(&s, "drop"), "std::mem::drop");
    }

    #[test]
    fn a_crate_glob_does_not_hide_fs_err() {
        let s = scopes("use crate::util::*;");
        assert_eq!(resolve(&s, "fs_err::write"), "std::fs::write");
    }

    #[test]
    fn extern_crate_aliases() {
        let s = scopes("extern crate tuwunel_router as router; extern crate self as app;");
        assert_eq!(resolve(&s, "router::start"), "tuwunel_router::start");
        assert_eq!(resolve(&s, "app::config::load"), "crate::config::load");
    }

    #[test]
    fn import_of_a_same_named_module_item() {
        let mut sub = UseScopes::for_module(vec!["commands".into()]);
        let file: syn::File =
            syn::parse_str("mod kill; mod log; use kill::kill; use log::print_logs;")
                .expect("parses");
        sub.push_module(None, &file.items);
        assert_eq!(resolve(&sub, "kill"), "crate::commands::kill::kill");
        assert_eq!(
            resolve(&sub, "kill::helper"),
            "crate::commands::kill::helper"
        );
        assert_eq!(
            resolve(&sub, "print_logs"),
            "crate::commands::log::print_logs"
        );
        // No module of that name here: the crate `log`'s own item.
        let ext = scopes("use log::log;");
        assert_eq!(resolve(&ext, "log"), "log::log");
        // A macro imported beside a module of its name: a path through it is the module's.
        let mut fda = UseScopes::for_module(Vec::new());
        let file: syn::File = syn::parse_str("use log::{debug, info}; mod debug;").expect("parses");
        fda.push_module(None, &file.items);
        assert_eq!(resolve(&fda, "debug::debug"), "crate::debug::debug");
        assert_eq!(resolve(&fda, "debug"), "log::debug");
        // `#[cfg]` alternatives: the import may be the module in the build that has it.
        let mut alt = UseScopes::for_module(Vec::new());
        let file: syn::File = syn::parse_str(
            "#[cfg(feature = \"embedded\")] pub mod store {} #[cfg(not(feature = \"embedded\"))] use backends::store;",
        )
        .expect("parses");
        alt.push_module(None, &file.items);
        assert_eq!(resolve(&alt, "store::fetch"), "backends::store::fetch");
    }

    #[test]
    fn crates_reexported_through_another_crate() {
        let s = scopes(
            "use common::tokio::{self, sync::Mutex}; use fs_err as fs; use shared::rt::parking_lot;",
        );
        assert_eq!(resolve(&s, "tokio::spawn"), "tokio::spawn");
        assert_eq!(resolve(&s, "Mutex"), "tokio::sync::Mutex");
        assert_eq!(resolve(&s, "fs::read_to_string"), "std::fs::read_to_string");
        assert_eq!(resolve(&s, "fs::tokio::read"), "tokio::fs::read");
        assert_eq!(resolve(&s, "parking_lot::Mutex"), "parking_lot::Mutex");
        assert_eq!(
            resolve(&s, "common::tokio_util::Thing"),
            "common::tokio_util::Thing"
        );
        assert_eq!(resolve(&s, "common::stdx::Mutex"), "common::stdx::Mutex");
    }

    #[test]
    fn globs_only_resolve_known_members() {
        let s = scopes("use std::sync::*; use my_crate::sync::*;");
        assert_eq!(resolve(&s, "Mutex"), "std::sync::Mutex");
        // A type-namespace name may come from `my_crate` (the package's own library, or a
        // member): the crate index follows the module's glob. A value's name is left alone.
        assert_eq!(resolve(&s, "Frobnicate"), "crate::Frobnicate");
        assert_eq!(resolve(&s, "Command::Init"), "crate::Command::Init");
        assert_eq!(resolve(&s, "frobnicate"), "frobnicate");
        assert_eq!(resolve(&s, "Vec::new"), "std::vec::Vec::new");
        let mut sub = UseScopes::for_module(vec!["worker".into()]);
        let file: syn::File =
            syn::parse_str("use super::*; use super::process; use self::inner::X;")
                .expect("parses");
        sub.push_module(None, &file.items);
        assert_eq!(resolve(&sub, "process::exit"), "crate::process::exit");
        // Left to the crate index, which follows `crate::worker`'s glob of `crate`.
        assert_eq!(resolve(&sub, "Frobnicate"), "crate::worker::Frobnicate");
        // A well-known crate's root is never taken from a crate glob.
        assert_eq!(resolve(&sub, "std::fs::read"), "std::fs::read");
        assert_eq!(resolve(&sub, "tokio::spawn"), "tokio::spawn");
        assert_eq!(resolve(&sub, "X"), "crate::worker::inner::X");
    }

    /// `mod relay; use relay::*;` (2018 uniform paths) glob-imports the module declared here:
    /// the crate index follows it as `crate::relay`, and a bare name may come from it.
    #[test]
    fn a_glob_of_a_module_declared_here_is_that_module() {
        let s = scopes("mod relay; use relay::*; use hbbs::*;");
        let export = s.module_export().expect("the file's module");
        assert_eq!(export.globs, ["crate::relay", "hbbs"]);
        assert!(s.has_workspace_globs());
        assert!(!scopes("use std::sync::*; use tokio::sync::*;").has_workspace_globs());
    }

    #[test]
    fn local_items_shadow_globs_and_modules_do_not_inherit() {
        let s = scopes("use std::sync::*; struct Mutex;");
        assert_eq!(resolve(&s, "Mutex"), "crate::Mutex");
        let mut inner = s.clone();
        inner.push_module(Some("inner"), &[]);
        assert_eq!(resolve(&inner, "Mutex"), "Mutex");
        let mut block = s.clone();
        block.push_block(&[], "f()");
        assert_eq!(resolve(&block, "Mutex"), "crate::Mutex");
        assert_eq!(resolve(&s, "core::mem::drop"), "std::mem::drop");
    }
}
