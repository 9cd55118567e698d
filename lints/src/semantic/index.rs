//! The crate index: struct fields, statics, type aliases, fn and method return types of every file
//! of a crate, so `self.state.jobs.lock()` in one file is typed by a field declared in another.
//!
//! Every item is keyed by the path of the module that declares it (`crate::jobs::STATE`), never
//! by its bare name: two private `static STATE`s in different modules are two locks. A path a file
//! names (`super::STATE`, `crate::prelude::Db` through a `pub use`, a name a `use super::*;`
//! brought in) is followed through the modules' imports, re-exports and globs to the item's
//! declaring path ([`CrateIndex::canon`]), the way rustc's def map does, scaled down to what syn
//! gives. A path defined twice with different types is ambiguous and resolves to nothing (silence
//! beats a guess).
//!
//! Each file contributes a [`FileIndex`] while it is walked; the engine merges them per crate and
//! evaluates the [`TyExpr`]s the walker could not settle alone.

use crate::semantic::syntax::last_segment;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, OnceLock};

use super::paths::ModuleExport;
use super::types::{Ty, TyExpr};

/// One file's contribution. Item paths are the declaring module's path plus the item's name;
/// method owners are the impl's self type as the file resolved it (an import, possibly a
/// re-export: canonicalised once the whole crate is known).
#[derive(Debug, Default, Clone)]
pub struct FileIndex {
    pub structs: Vec<(String, Vec<(String, Ty)>)>,
    /// Enum variants with fields (`Auth::Bearer { token }`, `Cmd::Login(opt)` as field `0`), by
    /// the variant's path: typed like struct fields, but no type of that name.
    pub variants: Vec<(String, Vec<(String, Ty)>)>,
    /// The type parameters of generic structs, of each variant of a generic enum and of
    /// generic type aliases, by path (`Commands::Ext` of `enum Commands<C, SubCmd>`: `C`,
    /// `SubCmd`), which the fields' and aliases' types name as bare parameter names.
    pub generics: Vec<(String, Vec<String>)>,
    pub statics: Vec<(String, Ty)>,
    /// `const` items whose value is a string literal, with the value (`const
    /// API_V3_CONFIGURE_TOKEN: &str = "/api/v3/configure/token"`).
    pub str_consts: Vec<(String, String)>,
    pub aliases: Vec<(String, Ty)>,
    pub fns: Vec<(String, Ty)>,
    /// (self type path, method name, return type)
    pub methods: Vec<(String, String, Ty)>,
    /// Each module's imports and items (the file's root module and inline modules).
    pub modules: Vec<ModuleExport>,
    /// Parameters typed as a channel's receiver (or an alias named like one).
    pub receivers: Vec<ReceiverParam>,
    /// Crates the file names in a call's path without a `use` (`atuin_ai::commands::run(..)`),
    /// each once: workspace members reached that way are named like imported ones.
    pub path_roots: Vec<String>,
    /// Free fns that return the guard of a lock they take as their tail, by path, with that
    /// lock's receiver (see `Walker::note_guard_accessor`).
    pub guard_fns: Vec<(String, TyExpr)>,
    /// The same for methods: (owner path as written, method name, receiver).
    pub guard_methods: Vec<(String, String, TyExpr)>,
    /// Those of `guard_fns` (by path) and `guard_methods` (owner as written, name) whose tail
    /// takes the lock with parking_lot's `read_recursive()`.
    pub recursive_guard_fns: Vec<String>,
    pub recursive_guard_methods: Vec<(String, String)>,
}

/// A parameter that may be a channel's receiver (see [`FileIndex::receivers`]).
#[derive(Debug, Clone)]
pub struct ReceiverParam {
    pub ty: Ty,
    /// The fn drains it until its channel closes (see [`super::drain`]).
    pub drained: bool,
    /// The fn's other parameters that may be senders, and its owner's path (a method's
    /// `self`, as the file resolved it): a fn that drains one channel into another of the same
    /// message type (a forwarder) shows the type names more than one channel.
    pub peers: Vec<Ty>,
    pub owner: Option<String>,
}

/// The method name under which a type's `Deref::Target` is indexed (no method can be named so).
pub const DEREF: &str = "<deref>";

/// The [`CrateIndex::methods`] keys that record a hand-written `impl Debug` / `impl Display`.
pub const DEBUG_IMPL: &str = "<debug>";
pub const DISPLAY_IMPL: &str = "<display>";

/// The key a hand-written impl of the formatting trait `name` is recorded under, if it is one.
pub fn format_marker(name: &str) -> Option<&'static str> {
    match name {
        "Debug" => Some(DEBUG_IMPL),
        "Display" => Some(DISPLAY_IMPL),
        _ => None,
    }
}

#[derive(Debug, Default)]
struct ModuleTable {
    names: BTreeMap<String, String>,
    /// A set: every path the call graph resolves asks it, and a module can hold thousands.
    items: rustc_hash::FxHashSet<String>,
    globs: Vec<String>,
}

#[derive(Debug, Default)]
pub struct CrateIndex {
    fields: BTreeMap<(String, String), Vec<Ty>>,
    /// The owners in `fields` that are enum variants (see [`FileIndex::variants`]).
    variants: BTreeSet<String>,
    /// See [`FileIndex::generics`].
    generics: BTreeMap<String, Vec<Vec<String>>>,
    statics: BTreeMap<String, Vec<Ty>>,
    /// See [`FileIndex::str_consts`]; a path declared twice (under `#[cfg]`s) keeps neither.
    str_consts: BTreeMap<String, Option<String>>,
    aliases: BTreeMap<String, Vec<Ty>>,
    fns: BTreeMap<String, Vec<Ty>>,
    /// Method return types by the owner path as written (see [`FileIndex::methods`]).
    raw_methods: Vec<(String, String, Ty)>,
    modules: BTreeMap<String, ModuleTable>,
    /// See [`FileIndex::receivers`].
    receivers: Vec<ReceiverParam>,
    /// Per channel, whether every receiver the crate declares (parameters, fields) is drained
    /// until the channel closes: built on first query.
    drained: OnceLock<rustc_hash::FxHashMap<super::types::ChannelKey, bool>>,
    /// Built on first query, once every file has been added: owners canonicalised, and how
    /// many items share each bare name (lock names stay short unless that is ambiguous).
    sealed: OnceLock<Sealed>,
    /// Other crates of the workspace this one names (`use other_member::Holder;`), by the name
    /// it uses for them: a path rooted there is looked up in that crate's index.
    siblings: OnceLock<BTreeMap<String, Arc<CrateIndex>>>,
    /// The crate's own name where its files use it (`use vector::app::Application;` in
    /// `src/main.rs`, `tests/*.rs`): the library of the same package, this index.
    self_name: OnceLock<String>,
    /// `canon` results: the same few hundred paths are followed for every acquisition, field
    /// and deferred finding of the crate, each walk allocating its module prefixes.
    canon_cache: std::sync::Mutex<rustc_hash::FxHashMap<String, String>>,
    /// `eval` results: the call graph and the lock queries evaluate the same receiver types
    /// (`self.state`, `MethodRet(self.inner, "get")`) for every call and acquisition of a crate.
    eval_cache: std::sync::Mutex<rustc_hash::FxHashMap<TyExpr, Ty>>,
    /// `method_owner` results: the call graph asks it for every method call of the crate, and a
    /// crate's calls share few receivers (`self`, a handful of fields).
    owner_cache: std::sync::Mutex<rustc_hash::FxHashMap<TyExpr, Option<String>>>,
    /// See [`CrateIndex::pairs_access_keys`]: built on first query.
    pairs_access_keys: OnceLock<bool>,
    /// See [`FileIndex::guard_fns`]: a path declared more than once keeps every receiver.
    guard_fns: BTreeMap<String, Vec<TyExpr>>,
    raw_guard_methods: Vec<(String, String, TyExpr)>,
    /// See [`FileIndex::recursive_guard_fns`].
    recursive_guard_fns: BTreeSet<String>,
    raw_recursive_guard_methods: Vec<(String, String)>,
}

#[derive(Debug, Default)]
struct Sealed {
    methods: BTreeMap<(String, String), Vec<Ty>>,
    short_names: BTreeMap<String, usize>,
    /// (canonical owner, method) → receivers of the lock whose guard the method returns.
    guard_methods: BTreeMap<(String, String), Vec<TyExpr>>,
    /// (canonical owner, method) of those that take it with `read_recursive()`.
    recursive_guard_methods: BTreeSet<(String, String)>,
}

fn add<K: Ord, V: PartialEq>(map: &mut BTreeMap<K, Vec<V>>, key: K, ty: V) {
    let slot = map.entry(key).or_default();
    if !slot.contains(&ty) {
        // Nearly every item has one type: a first push would reserve room for four.
        slot.reserve_exact(1);
        slot.push(ty);
    }
}

fn unique(v: Option<&Vec<Ty>>) -> Option<Ty> {
    match v {
        Some(v) if v.len() == 1 => Some(v[0].clone()),
        _ => None,
    }
}

const MAX_DEPTH: usize = 24;

/// The (module, name) lookups of one `canon` query: done (with their answer) or in progress.
/// Without it a crate whose modules glob-import each other (generated bindings, preludes
/// re-exported at every level) was searched once per path through the glob graph, which is
/// exponential in its depth: the call graph, which canonicalises every fn of every crate, spent
/// minutes in one such crate of cargo's registry.
type Lookups = rustc_hash::FxHashMap<(String, String), Option<Option<String>>>;

impl CrateIndex {
    /// Merge one file's index, taking its contents: nothing reads a file's own index after the
    /// merge, and cloning every field, fn and import of a crate was a serial cost of the run.
    pub fn add_file(&mut self, f: FileIndex) {
        for (path, fields) in f.structs {
            for (field, ty) in fields {
                add(&mut self.fields, (path.clone(), field), ty);
            }
        }
        for (path, fields) in f.variants {
            for (field, ty) in fields {
                add(&mut self.fields, (path.clone(), field), ty);
            }
            self.variants.insert(path);
        }
        for (path, params) in f.generics {
            add(&mut self.generics, path, params);
        }
        for (path, ty) in f.statics {
            add(&mut self.statics, path, ty);
        }
        for (path, value) in f.str_consts {
            self.str_consts
                .entry(path)
                .and_modify(|v| *v = None)
                .or_insert(Some(value));
        }
        for (path, ty) in f.aliases {
            add(&mut self.aliases, path, ty);
        }
        for (path, ty) in f.fns {
            add(&mut self.fns, path, ty);
        }
        self.raw_methods.extend(f.methods);
        for (path, receiver) in f.guard_fns {
            add(&mut self.guard_fns, path, receiver);
        }
        self.raw_guard_methods.extend(f.guard_methods);
        self.recursive_guard_fns.extend(f.recursive_guard_fns);
        self.raw_recursive_guard_methods
            .extend(f.recursive_guard_methods);
        self.receivers.extend(f.receivers);
        self.drained = OnceLock::new();
        self.clear_caches();
        for m in f.modules {
            let t = self.modules.entry(m.path).or_default();
            for (name, full) in m.names {
                t.names.entry(name).or_insert(full);
            }
            t.items.extend(m.items);
            t.globs.extend(m.globs);
        }
        self.sealed = OnceLock::new();
        self.pairs_access_keys = OnceLock::new();
    }

    /// The workspace members this crate refers to by name (set once, after every index exists).
    pub fn set_siblings(&self, siblings: BTreeMap<String, Arc<CrateIndex>>) {
        let _ = self.siblings.set(siblings);
        self.clear_caches();
    }

    /// Crate names a crate's imports start with (`other_member` of `use other_member::Holder;`):
    /// which sibling indexes it needs.
    pub fn imported_roots(files: &[&FileIndex]) -> std::collections::BTreeSet<String> {
        files
            .iter()
            .flat_map(|f| {
                f.modules
                    .iter()
                    .flat_map(|m| m.names.iter().map(|(_, full)| full).chain(&m.globs))
                    .chain(&f.path_roots)
            })
            .filter_map(|full| full.split("::").next())
            .filter(|root| *root != "crate" && !super::types::is_external(root))
            .map(str::to_string)
            .collect()
    }

    /// The sibling crate a path is rooted in, with the path inside that crate (`crate::..`).
    fn sibling_of(&self, path: &str) -> Option<(&CrateIndex, String)> {
        let (root, rest) = path.split_once("::")?;
        let sib = self.sibling(root)?;
        Some((sib, format!("crate::{rest}")))
    }

    fn sealed(&self) -> &Sealed {
        self.sealed.get_or_init(|| {
            let mut sealed = Sealed::default();
            for (owner, name, ty) in &self.raw_methods {
                let owner = self.canon(owner);
                add(&mut sealed.methods, (owner, name.clone()), ty.clone());
            }
            for (owner, name, receiver) in &self.raw_guard_methods {
                let key = (self.canon(owner), name.clone());
                add(&mut sealed.guard_methods, key, receiver.clone());
            }
            for (owner, name) in &self.raw_recursive_guard_methods {
                sealed
                    .recursive_guard_methods
                    .insert((self.canon(owner), name.clone()));
            }
            // A variant is no type: `Mode::Timeline { .. }` leaves the name `Timeline` unique.
            let mut seen: Vec<&str> = self
                .fields
                .keys()
                .map(|(s, _)| s.as_str())
                .filter(|s| !self.variants.contains(*s))
                .collect();
            seen.dedup();
            seen.extend(self.statics.keys().map(String::as_str));
            seen.extend(self.fns.keys().map(String::as_str));
            for path in seen {
                *sealed
                    .short_names
                    .entry(last_segment(path).to_string())
                    .or_default() += 1;
            }
            sealed
        })
    }

    /// Follow a `crate::` path through the modules' imports, re-exports and globs until it names
    /// an external item (`crate::sync::Mutex` → `parking_lot::Mutex`) or the path of the module
    /// that declares it (`crate::prelude::STATE` → `crate::state::STATE`). A path nothing in the
    /// crate declares comes back as it was.
    pub fn canon(&self, path: &str) -> String {
        if !path.starts_with("crate::") {
            return path.to_string();
        }
        if let Ok(cache) = self.canon_cache.lock()
            && let Some(hit) = cache.get(path)
        {
            return hit.clone();
        }
        let out = self.canon_depth(path, 0, &mut Lookups::default());
        if let Ok(mut cache) = self.canon_cache.lock() {
            cache.insert(path.to_string(), out.clone());
        }
        out
    }

    fn canon_depth(&self, path: &str, depth: usize, seen: &mut Lookups) -> String {
        let mut cur = path.to_string();
        for _ in depth..MAX_DEPTH {
            if !cur.starts_with("crate::") {
                return cur;
            }
            // The longest prefix that is a module of the crate; the next segment is looked up in
            // it. Prefixes are slices of the path (ends of `::`), tried longest first.
            let seps: Vec<usize> = cur.match_indices("::").map(|(i, _)| i).collect();
            let Some(&end) = seps
                .iter()
                .rev()
                .find(|&&i| self.modules.contains_key(&cur[..i]))
            else {
                return cur;
            };
            let module = &cur[..end];
            let after = &cur[end + 2..];
            let (name, rest) = match after.split_once("::") {
                Some((name, rest)) => (name, Some(rest)),
                None => (after, None),
            };
            let Some(target) = self.lookup_in(module, name, depth + 1, seen) else {
                return cur;
            };
            let next = match rest {
                None => target,
                Some(rest) => format!("{target}::{rest}"),
            };
            if next == cur {
                return cur;
            }
            cur = next;
        }
        cur
    }

    /// What `name` means inside `module`, in Rust's shadowing order: an item declared there, an
    /// explicit import, then a glob import (a crate module's, followed through its own imports and
    /// globs, or a known external module's members).
    fn lookup_in(
        &self,
        module: &str,
        name: &str,
        depth: usize,
        seen: &mut Lookups,
    ) -> Option<String> {
        if depth > MAX_DEPTH {
            return None;
        }
        let key = (module.to_string(), name.to_string());
        match seen.get(&key) {
            Some(Some(done)) => return done.clone(),
            // Being looked up further up this chain: a glob cycle adds nothing.
            Some(None) => return None,
            None => {}
        }
        seen.insert(key.clone(), None);
        let found = self.lookup_uncached(module, name, depth, seen);
        seen.insert(key, Some(found.clone()));
        found
    }

    fn lookup_uncached(
        &self,
        module: &str,
        name: &str,
        depth: usize,
        seen: &mut Lookups,
    ) -> Option<String> {
        let table = self.modules.get(module)?;
        if table.items.contains(name) {
            return Some(format!("{module}::{name}"));
        }
        if let Some(full) = table.names.get(name) {
            return Some(full.clone());
        }
        for g in &table.globs {
            // `use mylib::*;` in the package's own binary: the crate's own root.
            let g = match g
                .split_once("::")
                .map_or((g.as_str(), ""), |(r, rest)| (r, rest))
            {
                (root, rest) if self.self_name.get().is_some_and(|n| n == root) => {
                    if rest.is_empty() {
                        "crate".to_string()
                    } else {
                        format!("crate::{rest}")
                    }
                }
                _ => g.clone(),
            };
            let g = self.canon_depth(&g, depth + 1, seen);
            if g.starts_with("crate") {
                if g != module && self.lookup_in(&g, name, depth + 1, seen).is_some() {
                    return Some(format!("{g}::{name}"));
                }
            } else if super::paths::glob_has(&g, name) {
                return Some(format!("{g}::{name}"));
            }
        }
        None
    }

    /// The crate-local path a type or value path denotes, canonicalised; a path rooted in
    /// another crate's name that this crate declares (`myapp::state::AppState` from the crate's
    /// own `main.rs`) counts as crate-local.
    fn local_path(&self, path: &str) -> Option<String> {
        if path.starts_with("crate::") {
            return Some(self.canon(path));
        }
        if super::types::is_external(path) {
            return None;
        }
        let (_, rest) = path.split_once("::")?;
        let own = self.canon(&format!("crate::{rest}"));
        self.declares(&own).then_some(own)
    }

    /// Whether an item is declared at `path`.
    fn declares(&self, path: &str) -> bool {
        self.fields
            .range((path.to_string(), String::new())..)
            .next()
            .is_some_and(|((s, _), _)| s == path)
            || self.statics.contains_key(path)
            || self.fns.contains_key(path)
            || self.aliases.contains_key(path)
    }

    /// A short name for an item path in messages and lock identities: its last segment, or the
    /// path below `crate::` when another item of the crate has the same last segment.
    pub fn display_name(&self, path: &str) -> String {
        let short = last_segment(path);
        if self.sealed().short_names.get(short).copied().unwrap_or(0) > 1 {
            path.strip_prefix("crate::").unwrap_or(path).to_string()
        } else {
            short.to_string()
        }
    }

    /// The workspace members this crate names (see [`CrateIndex::set_siblings`]).
    pub fn sibling_indexes(&self) -> impl Iterator<Item = &CrateIndex> {
        self.siblings
            .get()
            .into_iter()
            .flat_map(|s| s.values().map(|i| &**i))
    }

    /// The crate `name` names: a workspace member (see [`CrateIndex::set_siblings`]), or this
    /// crate itself under its own name (see [`CrateIndex::set_self_name`]).
    pub fn sibling(&self, name: &str) -> Option<&CrateIndex> {
        if self.self_name.get().is_some_and(|n| n == name) {
            return Some(self);
        }
        self.siblings.get()?.get(name).map(|s| &**s)
    }

    /// The name this crate's bins, tests and examples import it by (`use vector::app::..`).
    pub fn set_self_name(&self, name: String) {
        let _ = self.self_name.set(name);
        self.clear_caches();
    }

    /// Whether a receiver is a value another crate's type (or macro: `sqlx::migrate!(..)`)
    /// made right there (see [`TyExpr::Made`]): `AxoUpdater::new_for("atuin")`, also through
    /// `?`/`.unwrap()`, where
    /// the type's crate is neither this one nor a workspace member. Its inherent methods are
    /// that crate's, so a method call on it is no call of an inherent method of the workspace
    /// (atuin's `updater.run()` is not its `Cmd::run`); a workspace trait implemented for the
    /// type may still be called (see `CallGraph::unfollowed_by_trait`). Only the value itself:
    /// what its methods return may be a workspace value it holds (`HashMap::new()`'s `get`), an
    /// awaited call's output may be what it ran, and a type given generic arguments or one that
    /// derefs to what it wraps is left out.
    pub fn made_outside(&self, receiver: &TyExpr) -> bool {
        let mut made = receiver;
        while let TyExpr::Ok(inner) = made {
            made = inner;
        }
        let TyExpr::Made(call) = made else {
            return false;
        };
        let TyExpr::MethodRet(owner, _) = &**call else {
            return false;
        };
        let TyExpr::Known(Ty::Path { path, args }) = &**owner else {
            return false;
        };
        let Some((root, rest)) = path.split_once("::") else {
            return false;
        };
        args.is_empty()
            && root.starts_with(|c: char| c.is_ascii_lowercase())
            && !matches!(root, "crate" | "self" | "super")
            && !derefs_to_wrapped(super::syntax::last_segment(path))
            && self.sibling(root).is_none()
            // Either reading of the path: rooted in another crate, or (a module of this one
            // named without `crate::`) in this one.
            && !self.declares_item(&format!("crate::{rest}"))
            && !self.declares_item(&format!("crate::{path}"))
            && !self.modules.contains_key(&format!("crate::{root}"))
    }

    /// Whether a canonical path names an enum variant with fields (see [`FileIndex::variants`]).
    pub fn is_variant(&self, path: &str) -> bool {
        self.variants.contains(path)
    }

    /// Whether a `crate::` path names a module of this crate.
    pub fn has_module(&self, path: &str) -> bool {
        self.modules.contains_key(path)
    }

    /// What a called path that names a module (`crate::agent::setup`) calls: the fn its
    /// parent module imports under the same name (`mod setup; pub use setup::setup;`), which
    /// lives in the value namespace the module does not take. `None` when there is no such
    /// import.
    pub fn value_beside_module(&self, path: &str) -> Option<String> {
        if !self.has_module(path) {
            return None;
        }
        let (parent, name) = path.rsplit_once("::")?;
        let target = self.modules.get(parent)?.names.get(name)?;
        let target = self.canon(target);
        (target != path).then_some(target)
    }

    /// Whether `module` (or an inline module in it) glob-imports a workspace member (`use
    /// corelib::*;`): a path it roots in a name the crate does not declare
    /// (`plugins::reload(..)`) may then be one of that member's modules. Another module's glob
    /// (another binary's) brings nothing here.
    pub fn globs_member(&self, module: &str, is_member: impl Fn(&str) -> bool) -> bool {
        // The module and the inline modules below it (`module::..`, a range of its own: a
        // sibling `module1` sorts between the two).
        let below = format!("{module}::");
        self.modules
            .get(module)
            .into_iter()
            .chain(
                self.modules
                    .range(below.clone()..)
                    .take_while(|(k, _)| k.starts_with(&below))
                    .map(|(_, t)| t),
            )
            .flat_map(|t| &t.globs)
            .any(|g| {
                let root = g.split("::").next().unwrap_or(g);
                !matches!(root, "crate" | "self" | "super")
                    && (is_member(root) || self.sibling(root).is_some())
            })
    }

    /// The string literal a `const` at `path` (as a file of this crate resolves it) holds: one
    /// of this crate, or of a member it names.
    pub fn str_const(&self, path: &str) -> Option<&str> {
        if let Some(local) = self.local_path(path) {
            return self.str_consts.get(&local)?.as_deref();
        }
        let (sib, inner) = self.sibling_of(path)?;
        sib.str_consts.get(&sib.canon(&inner))?.as_deref()
    }

    /// Whether a `crate::` path names an item of this crate (a type without fields included).
    pub fn declares_item(&self, path: &str) -> bool {
        let canon = self.canon(path);
        canon.rsplit_once("::").is_some_and(|(module, name)| {
            self.modules
                .get(module)
                .is_some_and(|t| t.items.contains(name))
        }) || self.declares(&canon)
    }

    /// The declaring path of the type a method is called on, as the call graph keys methods:
    /// this crate's types canonical (`crate::sched::Scheduler`), a workspace member's rooted in
    /// the name this crate uses for it (`store::Db`). `None` when the type is unknown or
    /// external.
    pub fn method_owner(&self, receiver: &TyExpr) -> Option<String> {
        if let Ok(cache) = self.owner_cache.lock()
            && let Some(hit) = cache.get(receiver)
        {
            return hit.clone();
        }
        let out = self.method_owner_uncached(receiver);
        if let Ok(mut cache) = self.owner_cache.lock() {
            cache.insert(receiver.clone(), out.clone());
        }
        out
    }

    fn method_owner_uncached(&self, receiver: &TyExpr) -> Option<String> {
        let ty = self.eval(receiver);
        if let Some(own) = self.owner_path(&ty) {
            return Some(own);
        }
        let path = ty.peel().path_str()?;
        let (root, _) = path.split_once("::")?;
        let (sib, inner) = self.sibling_of(path)?;
        let inner = sib.canon(&inner);
        Some(format!("{root}::{}", inner.strip_prefix("crate::")?))
    }

    fn canon_ty(&self, ty: &Ty) -> Ty {
        match ty {
            Ty::Path { path, args } => Ty::Path {
                path: if path.starts_with("crate::") {
                    self.canon(path)
                } else {
                    path.clone()
                },
                args: args.iter().map(|a| self.canon_ty(a)).collect(),
            },
            Ty::Tuple(elems) => Ty::Tuple(elems.iter().map(|e| self.canon_ty(e)).collect()),
            Ty::Slice(inner) => Ty::Slice(Box::new(self.canon_ty(inner))),
            Ty::Unknown => Ty::Unknown,
        }
    }

    /// Whether a send on a sender of this type cannot find its receiver gone: the message type
    /// is a workspace type, and every receiver of that channel the crate that declares the
    /// message type holds as a parameter or a field is a parameter drained until the channel
    /// closes (at least one is). Receivers only a local binding holds (`let (tx, rx) =
    /// channel();`) are not seen; they are handed to the fns that drain them as parameters.
    pub fn drained_sender(&self, sender: &Ty) -> bool {
        let Some((mut index, key)) = self.sender_channel(sender, 0) else {
            return false;
        };
        let mut message = key.message.clone();
        for _ in 0..4 {
            let Some(path) = message.path_str().map(str::to_string) else {
                return false;
            };
            if let Some(local) = index.local_path(&path) {
                let key = super::types::ChannelKey {
                    message: index.canon_ty(&Ty::Path {
                        path: local,
                        args: match &message {
                            Ty::Path { args, .. } => args.clone(),
                            _ => Vec::new(),
                        },
                    }),
                    ..key
                };
                return index.drained_channels().get(&key).copied().unwrap_or(false);
            }
            // A message type of another workspace member: that crate's receivers decide.
            let Some((sib, inner)) = index.sibling_of(&path) else {
                return false;
            };
            let canon = sib.canon(&inner);
            message = match message {
                Ty::Path { args, .. } => Ty::Path { path: canon, args },
                other => other,
            };
            index = sib;
        }
        false
    }

    /// The channel of a sender type, and the crate whose paths its key uses: through aliases
    /// of this crate and of the members it names (`shared::state::UpdateTx`, declared where
    /// `shared` re-exports it from).
    fn sender_channel(
        &self,
        ty: &Ty,
        depth: usize,
    ) -> Option<(&CrateIndex, super::types::ChannelKey)> {
        let ty = self.expand(ty);
        if let Some(key) = super::types::channel_key(&ty, true) {
            return Some((self, key));
        }
        if depth > 4 {
            return None;
        }
        let (sib, inner) = self.sibling_of(ty.peel().path_str()?)?;
        sib.sender_channel(&Ty::path(&sib.canon(&inner)), depth + 1)
    }

    fn drained_channels(&self) -> &rustc_hash::FxHashMap<super::types::ChannelKey, bool> {
        self.drained.get_or_init(|| {
            let mut out = rustc_hash::FxHashMap::default();
            let sender_key = |ty: &Ty| super::types::channel_key(&self.expand(ty), true);
            for r in &self.receivers {
                let Some(key) = super::types::channel_key(&self.expand(&r.ty), false) else {
                    continue;
                };
                let owner_fields = r.owner.iter().flat_map(|o| {
                    let o = self.canon(o);
                    self.fields
                        .range((o.clone(), String::new())..)
                        .take_while(move |((owner, _), _)| *owner == o)
                        .flat_map(|(_, tys)| tys.iter().cloned())
                        .collect::<Vec<_>>()
                });
                let forwards = r
                    .peers
                    .iter()
                    .cloned()
                    .chain(owner_fields)
                    .any(|t| sender_key(&t).as_ref() == Some(&key));
                *out.entry(key).or_insert(true) &= r.drained && !forwards;
            }
            // A receiver kept in a struct lives as long as its owner, whatever drains it.
            for tys in self.fields.values() {
                for ty in tys {
                    if let Some(key) = super::types::channel_key(&self.expand(ty), false) {
                        out.insert(key, false);
                    }
                }
            }
            out
        })
    }

    /// Whether a type alias of the crate goes by this name (`Store` for `type Store =
    /// DiskStore;`), wherever it is declared.
    pub fn names_alias(&self, name: &str) -> bool {
        self.aliases
            .keys()
            .any(|p| super::syntax::last_segment(p) == name)
    }

    /// Expand crate-local type aliases (`type Shared = Arc<Mutex<Db>>`).
    pub fn expand(&self, ty: &Ty) -> Ty {
        let mut cur = self.canon_ty(ty);
        for _ in 0..MAX_DEPTH {
            let Some(path) = cur.peel().path_str().and_then(|p| self.local_path(p)) else {
                return cur;
            };
            match unique(self.aliases.get(&path)) {
                // `type Tagged<T> = Envelope<Meta, T>`: `Tagged<Upload>` is an
                // `Envelope<Meta, Upload>`, not one of whatever `T` a caller has.
                Some(next) => cur = self.canon_ty(&self.instantiate(&path, next, &cur)),
                None => return cur,
            }
        }
        Ty::Unknown
    }

    /// The field type of a crate newtype over a number or a `bool` (`struct InstanceToken(u64)`,
    /// one tuple field, declared once): what the newtype holds.
    pub fn number_newtype(&self, ty: &Ty) -> Option<Ty> {
        let owner = self.owner_path(ty)?;
        if self.fields.contains_key(&(owner.clone(), "1".to_string())) {
            return None;
        }
        let inner = unique(self.fields.get(&(owner, "0".to_string())))?;
        inner
            .path_str()
            .is_some_and(|p| super::types::NUMBERS_AND_BOOL.contains(&p))
            .then_some(inner)
    }

    /// Whether this crate or a workspace crate it names declares an S3-style key pair: one
    /// struct with an access key field and a `secret_key`/`secret_access_key` beside it
    /// (`Credentials { access_key, secret_key, .. }`). There an `access_key` is the pair's
    /// public half, the key *ID* (a user name in audit logs), not a credential.
    pub fn pairs_access_keys(&self) -> bool {
        *self.pairs_access_keys.get_or_init(|| {
            std::iter::once(self)
                .chain(self.sibling_indexes())
                .any(CrateIndex::declares_key_pair)
        })
    }

    fn declares_key_pair(&self) -> bool {
        let mut owner: Option<&str> = None;
        let (mut access, mut secret) = (false, false);
        // `fields` is ordered by owner: one pass, resetting at each new owner.
        for (o, field) in self.fields.keys() {
            if owner != Some(o.as_str()) {
                owner = Some(o.as_str());
                (access, secret) = (false, false);
            }
            access |= super::secret_names::names_access_key(field);
            secret |= super::secret_names::names_secret_key_of_pair(field);
            if access && secret {
                return true;
            }
        }
        false
    }

    /// The crate-local path of a type's owner (after peeling `Arc`/`&`/...): what fields and
    /// methods are keyed by.
    fn owner_path(&self, ty: &Ty) -> Option<String> {
        self.local_path(ty.peel().path_str()?)
    }

    /// Whether every way to format a value of this type (or, for a collection, its elements)
    /// is a hand-written `Debug` of a workspace type: it has one and no `Display`, so `{}`
    /// cannot name it and `{:?}` prints what its author chose (unleash's `EdgeToken`, whose
    /// `Debug` prints `project:env.[redacted]`).
    /// Also a type with neither, whose derived `Debug` shows its secret-named fields
    /// (`access_token: Token`) through such a hand-written `Debug` (one level deep).
    pub fn formats_by_hand(&self, ty: &Ty) -> bool {
        self.formats_by_hand_depth(ty, 0)
    }

    fn formats_by_hand_depth(&self, ty: &Ty, depth: usize) -> bool {
        let element = ty.element();
        [ty.peel(), element.peel()].into_iter().any(|t| {
            let Some(path) = t.path_str() else {
                return false;
            };
            match self.local_path(path) {
                Some(owner) => self.owner_formats_by_hand(&owner, depth),
                None => self.sibling_of(path).is_some_and(|(sib, inner)| {
                    sib.owner_formats_by_hand(&sib.canon(&inner), depth)
                }),
            }
        })
    }

    fn owner_formats_by_hand(&self, owner: &str, depth: usize) -> bool {
        let has = |key: &str| {
            self.sealed()
                .methods
                .contains_key(&(owner.to_string(), key.to_string()))
        };
        if has(DISPLAY_IMPL) {
            return false;
        }
        if has(DEBUG_IMPL) {
            return true;
        }
        if depth > 0 {
            return false;
        }
        let mut secret_fields = self
            .fields
            .range((owner.to_string(), String::new())..)
            .take_while(|((o, _), _)| o == owner)
            .filter(|((_, field), _)| super::secret_names::names_credential(field))
            .peekable();
        secret_fields.peek().is_some()
            && secret_fields.all(|(_, tys)| {
                !tys.is_empty() && tys.iter().all(|t| self.formats_by_hand_depth(t, depth + 1))
            })
    }

    /// The `Deref::Target` of a crate type (`owner` canonical), when exactly one impl says it.
    pub fn deref_target(&self, owner: &str) -> Option<Ty> {
        unique(
            self.sealed()
                .methods
                .get(&(owner.to_string(), DEREF.to_string())),
        )
    }

    /// The same question (`ask`: a field, a method's return) asked of `owner`'s `Deref::Target`
    /// instead: what auto-deref reaches when the wrapper has no such member.
    fn through_deref(
        &self,
        owner: &str,
        depth: usize,
        ask: impl FnOnce(Arc<TyExpr>) -> TyExpr,
    ) -> Option<Ty> {
        let target = self.deref_target(owner)?;
        Some(self.eval_depth(&ask(Arc::new(TyExpr::Known(target))), depth + 1))
    }

    /// Field type `ty` of generic item `owner` as `base`'s type arguments make it
    /// (`Holder<Job>`'s `inner: T` is a `Job`); a parameter `base` gives no argument for is
    /// unknown (not the bare name, which a caller's own parameter of that name would take).
    fn instantiate(&self, owner: &str, ty: Ty, base: &Ty) -> Ty {
        let Some([params]) = self.generics.get(owner).map(Vec::as_slice) else {
            return ty;
        };
        let args = base.peel().args();
        ty.subst(&|p| {
            let i = params.iter().position(|q| q == p)?;
            Some(args.get(i).cloned().unwrap_or(Ty::Unknown))
        })
    }

    /// Whether `path` (a value's type) is item `item` or the enum `item` is a variant of.
    fn is_item_or_parent(&self, path: &str, item: &str) -> bool {
        let Some(own) = self.local_path(path) else {
            return false;
        };
        let item = self.canon(item);
        own == item
            || item
                .rsplit_once("::")
                .is_some_and(|(parent, _)| own == parent)
    }

    pub fn eval(&self, e: &TyExpr) -> Ty {
        if let TyExpr::Known(_) | TyExpr::Unknown = e {
            return self.eval_depth(e, 0);
        }
        if let Ok(cache) = self.eval_cache.lock()
            && let Some(hit) = cache.get(e)
        {
            return hit.clone();
        }
        let out = self.eval_depth(e, 0);
        if let Ok(mut cache) = self.eval_cache.lock() {
            cache.insert(e.clone(), out.clone());
        }
        out
    }

    /// Forgets the memoized lookups (and their memory): after the index changes, and when a
    /// phase is done with a crate.
    pub fn clear_caches(&self) {
        if let Ok(mut cache) = self.canon_cache.lock() {
            *cache = Default::default();
        }
        if let Ok(mut cache) = self.eval_cache.lock() {
            *cache = Default::default();
        }
        if let Ok(mut cache) = self.owner_cache.lock() {
            *cache = Default::default();
        }
    }

    /// An item of a sibling crate, typed by that crate's index; its `crate::` paths are renamed
    /// to the sibling's name, so this crate can follow them on.
    fn in_sibling(
        &self,
        path: &str,
        lookup: impl Fn(&CrateIndex, &str) -> Option<Ty>,
    ) -> Option<Ty> {
        let (root, _) = path.split_once("::")?;
        let (sib, inner) = self.sibling_of(path)?;
        let inner = sib.canon(&inner);
        let ty = lookup(sib, &inner)?;
        Some(rebase(&sib.expand(&ty), root))
    }

    fn eval_depth(&self, e: &TyExpr, depth: usize) -> Ty {
        if depth > MAX_DEPTH {
            return Ty::Unknown;
        }
        let ty = match e {
            TyExpr::Known(t) => t.clone(),
            TyExpr::Unknown => Ty::Unknown,
            TyExpr::Field(base, field) => {
                let base = match &**base {
                    // `(key, value)` of a map's iteration (racewise types a map's element as its
                    // value): the pair's parts. The map is evaluated once, for either answer
                    // (the depths are those of `eval_depth(Elem(map))`).
                    TyExpr::Elem(map) if depth < MAX_DEPTH => {
                        let map = self.eval_depth(map, depth + 2);
                        if let Some(part) = field
                            .parse::<usize>()
                            .ok()
                            .and_then(|i| map.map_entry_part(i))
                        {
                            return self.expand(&part);
                        }
                        self.expand(&map.element())
                    }
                    other => self.eval_depth(other, depth + 1),
                };
                match (base.peel(), self.owner_path(&base)) {
                    (Ty::Tuple(elems), _) => field
                        .parse::<usize>()
                        .ok()
                        .and_then(|i| elems.get(i).cloned())
                        .unwrap_or(Ty::Unknown),
                    (_, Some(owner)) => unique(self.fields.get(&(owner.clone(), field.clone())))
                        .map(|ty| self.instantiate(&owner, ty, &base))
                        // Auto-deref: `self.services.sending` through `Deref for OnceServices`.
                        .or_else(|| {
                            self.through_deref(&owner, depth, |t| TyExpr::Field(t, field.clone()))
                        })
                        .unwrap_or(Ty::Unknown),
                    (Ty::Path { path, .. }, None) => self
                        .in_sibling(path, |sib, p| {
                            unique(sib.fields.get(&(p.to_string(), field.clone())))
                        })
                        .unwrap_or(Ty::Unknown),
                    _ => Ty::Unknown,
                }
            }
            TyExpr::VariantOf(value, variant) => {
                let value = self.eval_depth(value, depth + 1);
                let args = match value.peel() {
                    Ty::Path { path, args }
                        if !args.is_empty() && self.is_item_or_parent(path, variant) =>
                    {
                        args.clone()
                    }
                    _ => Vec::new(),
                };
                Ty::Path {
                    path: variant.clone(),
                    args,
                }
            }
            TyExpr::Elem(base) => self.eval_depth(base, depth + 1).element(),
            TyExpr::Ok(base) => self.eval_depth(base, depth + 1).ok_value(),
            TyExpr::Awaited(base) => self.eval_depth(base, depth + 1).future_output(),
            TyExpr::Made(call) => self.eval_depth(call, depth),
            TyExpr::WrapperCall(call, arg) => {
                let wrapper = match &**call {
                    TyExpr::MethodRet(ty, name) => self
                        .eval_depth(ty, depth + 1)
                        .path_str()
                        .is_some_and(|p| super::types::is_transparent_ctor(p, name)),
                    _ => false,
                };
                self.eval_depth(if wrapper { arg } else { call }, depth + 1)
            }
            TyExpr::Tuple(parts) => Ty::Tuple(
                parts
                    .iter()
                    .map(|p| self.eval_depth(p, depth + 1))
                    .collect(),
            ),
            TyExpr::Static(path) => self
                .local_path(path)
                .and_then(|p| unique(self.statics.get(&p)))
                .or_else(|| self.in_sibling(path, |sib, p| unique(sib.statics.get(p))))
                .unwrap_or(Ty::Unknown),
            TyExpr::FnRet(path, turbofish) => self
                .local_path(path)
                .and_then(|p| unique(self.fns.get(&p)))
                .or_else(|| self.in_sibling(path, |sib, p| unique(sib.fns.get(p))))
                // A re-exported channel constructor (`pub use tokio::sync::oneshot;`).
                .or_else(|| super::types::channel_pair(&self.canon(path), turbofish.clone()))
                .unwrap_or(Ty::Unknown),
            TyExpr::MethodRet(base, name) => {
                let base = self.eval_depth(base, depth + 1);
                let owner = self.owner_path(&base);
                let is_workspace_type = owner.is_some();
                let declared = match (owner, base.peel().path_str()) {
                    (Some(owner), _) => unique(
                        self.sealed().methods.get(&(owner.clone(), name.clone())),
                    )
                    .or_else(|| {
                        self.through_deref(&owner, depth, |t| TyExpr::MethodRet(t, name.clone()))
                    }),
                    (None, Some(path)) if self.sibling_of(path).is_some() => self
                        .in_sibling(path, |sib, p| {
                            unique(sib.sealed().methods.get(&(p.to_string(), name.clone())))
                        }),
                    _ => super::types::known_method_ret(&base, name),
                };
                // A constructor no impl of the workspace declares (a derived `default()` or
                // `parse()`, a `From` impl's `from`, another crate's `BroadcastStream::new`):
                // the type.
                declared
                    .or_else(|| {
                        let derived = super::types::DERIVED_CONSTRUCTORS.contains(&name.as_str())
                            && is_workspace_type;
                        (derived || super::types::CONSTRUCTORS.contains(&name.as_str()))
                            .then(|| base.clone())
                    })
                    .or_else(|| {
                        (is_workspace_type
                            && super::types::DERIVED_FALLIBLE_CONSTRUCTORS.contains(&name.as_str()))
                        .then(|| Ty::Path {
                            path: "std::result::Result".to_string(),
                            args: vec![base.clone(), Ty::Unknown],
                        })
                    })
                    .unwrap_or(Ty::Unknown)
            }
        };
        self.expand(&ty)
    }

    /// A stable, crate-wide name for the lock an expression denotes: `Type.field` for struct
    /// fields, the static's name, `Type::method()` for accessors (names made longer only where
    /// two items of the crate share one). `None` for locks that are not identifiable across
    /// functions (parameters, locals) or whose item does not resolve.
    pub fn lock_identity(&self, e: &TyExpr) -> Option<String> {
        self.identity(e, true)
    }

    /// Whether `e`, a guard accessor's call (`stats.input_status()`), hands out a guard its tail
    /// took with parking_lot's `read_recursive()` (see [`FileIndex::recursive_guard_fns`]).
    pub fn hands_out_recursive_read(&self, e: &TyExpr) -> bool {
        match e {
            TyExpr::FnRet(path, _) => self
                .local_path(path)
                .is_some_and(|p| self.recursive_guard_fns.contains(&p)),
            TyExpr::MethodRet(base, name) => {
                self.owner_path(&self.eval(base)).is_some_and(|owner| {
                    self.sealed()
                        .recursive_guard_methods
                        .contains(&(owner, name.clone()))
                })
            }
            _ => false,
        }
    }

    /// See [`Self::lock_identity`]; `follow`: through a guard accessor to the lock it takes
    /// (once: the accessor's own receiver is not followed again).
    fn identity(&self, e: &TyExpr, follow: bool) -> Option<String> {
        match e {
            // `for (id, agent) in reg.agents.iter()`: a map's entry is its value, as `eval` has
            // it, so the pair's parts are that element.
            TyExpr::Field(base, field)
                if matches!(**base, TyExpr::Elem(_)) && field.parse::<usize>().is_ok() =>
            {
                self.identity(base, follow)
            }
            TyExpr::Field(base, field) => {
                let ty = self.eval(base);
                match self.owner_path(&ty) {
                    Some(owner) => Some(format!("{}.{field}", self.display_name(&owner))),
                    // A type of a workspace member this crate names: as that member names it.
                    None => {
                        let (sib, inner) = self.sibling_of(ty.peel().path_str()?)?;
                        let inner = sib.canon(&inner);
                        Some(format!("{}.{field}", sib.display_name(&inner)))
                    }
                }
            }
            TyExpr::Static(path) => match self.local_path(path) {
                Some(local) => self
                    .statics
                    .contains_key(&local)
                    .then(|| self.display_name(&local)),
                // A static of a workspace member this crate names (`use shared::CONNECTIONS`).
                None => {
                    let (sib, inner) = self.sibling_of(path)?;
                    let inner = sib.canon(&inner);
                    sib.statics
                        .contains_key(&inner)
                        .then(|| sib.display_name(&inner))
                }
            },
            TyExpr::FnRet(path, _) => {
                let path = self.local_path(path)?;
                // A guard accessor's callers hold the lock it takes (one receiver only: a fn
                // with `#[cfg]` versions over different locks stays its own name).
                if follow
                    && let Some([receiver]) = self.guard_fns.get(&path).map(Vec::as_slice)
                    && let Some(id) = self.identity(receiver, false)
                {
                    return Some(id);
                }
                Some(format!("{}()", self.display_name(&path)))
            }
            TyExpr::MethodRet(base, name) => match self.owner_path(&self.eval(base)) {
                Some(owner) => {
                    if follow
                        && let Some([receiver]) = self
                            .sealed()
                            .guard_methods
                            .get(&(owner.clone(), name.clone()))
                            .map(Vec::as_slice)
                        && let Some(id) = self.identity(receiver, false)
                    {
                        return Some(id);
                    }
                    Some(format!("{}::{name}()", self.display_name(&owner)))
                }
                // `self.lists.get_unchecked(i)` on a collection: one of its elements.
                None if super::types::ELEMENT_METHODS.contains(&name.as_str()) => {
                    self.identity(base, follow).map(|id| format!("{id}[]"))
                }
                None => None,
            },
            TyExpr::Elem(base) => self.identity(base, follow).map(|id| format!("{id}[]")),
            TyExpr::Ok(base) | TyExpr::Awaited(base) => self.identity(base, follow),
            TyExpr::Made(call) => self.identity(call, follow),
            _ => None,
        }
    }
}

/// A type from crate `name`'s index, as another crate names it: `crate::` becomes `name::`.
fn rebase(ty: &Ty, name: &str) -> Ty {
    match ty {
        Ty::Path { path, args } => Ty::Path {
            path: match path.strip_prefix("crate::") {
                Some(rest) => format!("{name}::{rest}"),
                None => path.clone(),
            },
            args: args.iter().map(|a| rebase(a, name)).collect(),
        },
        Ty::Tuple(elems) => Ty::Tuple(elems.iter().map(|e| rebase(e, name)).collect()),
        Ty::Slice(inner) => Ty::Slice(Box::new(rebase(inner, name))),
        Ty::Unknown => Ty::Unknown,
    }
}

/// Types of other crates that deref to the value they wrap (`Data::new(state)`, `Lazy::new(..)`,
/// a mapped lock guard), so that a method called on one may be the wrapped workspace value's.
fn derefs_to_wrapped(ty: &str) -> bool {
    DEREF_WRAPPERS.contains(&ty)
        || ty.ends_with("Guard")
        || ty.ends_with("Ref")
        || ty.ends_with("RefMut")
}

const DEREF_WRAPPERS: &[&str] = &[
    "Arc",
    "Rc",
    "Box",
    "Pin",
    "Lazy",
    "LazyLock",
    "Data",
    "Extension",
    "State",
    "Json",
    "ManuallyDrop",
    "Cow",
    "Weak",
    "Gc",
    "Intern",
    "Owned",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::semantic::paths::UseScopes;

    /// The index of a crate given as (module path, source) pairs, one per file, with a resolver
    /// for each module.
    fn index(files: &[(&[&str], &str)]) -> (CrateIndex, Vec<UseScopes>) {
        let mut idx = CrateIndex::default();
        let mut scopes = Vec::new();
        for (module, src) in files {
            let file: syn::File = syn::parse_str(src).expect("test source parses");
            let mut s = UseScopes::for_module(module.iter().map(|m| m.to_string()).collect());
            s.push_module(None, &file.items);
            let mut fi = FileIndex::default();
            fi.modules.extend(s.module_export());
            for item in &file.items {
                if let syn::Item::Static(st) = item {
                    let ty = Ty::from_syn(&st.ty, &s);
                    fi.statics
                        .push((format!("{}::{}", s.module_path(), st.ident), ty));
                }
            }
            idx.add_file(fi);
            scopes.push(s);
        }
        (idx, scopes)
    }

    fn static_ty(idx: &CrateIndex, s: &UseScopes, path: &str) -> Option<String> {
        let p: syn::Path = syn::parse_str(path).expect("path parses");
        let ty = idx.eval(&TyExpr::Static(s.resolve(&p)));
        ty.path_str().map(str::to_string)
    }

    #[test]
    fn same_named_statics_in_two_modules_stay_apart() {
        let (idx, s) = index(&[
            (
                &["jobs"],
                "use std::sync::Mutex; static STATE: Mutex<u8> = Mutex::new(0);",
            ),
            (
                &["cache"],
                "static STATE: parking_lot::RwLock<u8> = todo!();",
            ),
            (&["api"], "use crate::cache::STATE;"),
        ]);
        assert_eq!(
            static_ty(&idx, &s[0], "STATE").as_deref(),
            Some("std::sync::Mutex")
        );
        assert_eq!(
            static_ty(&idx, &s[1], "STATE").as_deref(),
            Some("parking_lot::RwLock")
        );
        assert_eq!(
            static_ty(&idx, &s[2], "STATE").as_deref(),
            Some("parking_lot::RwLock")
        );
        let id = idx.lock_identity(&TyExpr::Static("crate::jobs::STATE".into()));
        assert_eq!(id.as_deref(), Some("jobs::STATE"));
    }

    #[test]
    fn crate_globs_follow_reexports_and_shadowing() {
        let (idx, s) = index(&[
            (&[], "mod prelude; mod state; mod api;"),
            (
                &["prelude"],
                "pub use crate::state::*; pub use std::sync::Mutex;",
            ),
            (
                &["state"],
                "use std::sync::Mutex; pub static REGISTRY: Mutex<u8> = Mutex::new(0);",
            ),
            (
                &["api"],
                "use crate::prelude::*; static LOCAL: std::sync::RwLock<u8> = todo!();",
            ),
        ]);
        let api = &s[3];
        assert_eq!(
            static_ty(&idx, api, "REGISTRY").as_deref(),
            Some("std::sync::Mutex")
        );
        assert_eq!(
            static_ty(&idx, api, "LOCAL").as_deref(),
            Some("std::sync::RwLock")
        );
        assert_eq!(idx.canon("crate::api::Mutex"), "std::sync::Mutex");
        assert_eq!(static_ty(&idx, api, "NOWHERE"), None);
    }

    #[test]
    fn a_value_another_crate_made_is_not_a_workspace_receiver() {
        let (idx, _) = index(&[
            (&[], "pub mod updater;"),
            (&["updater"], "pub struct AxoUpdater;"),
        ]);
        let ret = |path: &str, args: Vec<Ty>, f: &str| {
            TyExpr::Known(Ty::Path {
                path: path.to_string(),
                args,
            })
            .method_ret(f)
        };
        let made = |path: &str, args: Vec<Ty>, f: &str| TyExpr::Made(Arc::new(ret(path, args, f)));
        let updater = made("axoupdater::AxoUpdater", Vec::new(), "new_for");
        assert!(idx.made_outside(&updater));
        // `AxoUpdater::new_for(..)?` is the same value; what an awaited call gives may be
        // what it ran (`Retry::spawn(s, || Db::connect(u)).await?`).
        assert!(idx.made_outside(&TyExpr::Ok(Arc::new(updater.clone()))));
        assert!(!idx.made_outside(&TyExpr::Awaited(Arc::new(updater.clone()))));
        // What the value's methods return may be a workspace value it holds, and so may a
        // method's of a value of a known external type (`ctx.data::<Db>()?`).
        assert!(!idx.made_outside(&updater.method_ret("get")));
        assert!(!idx.made_outside(&ret("async_graphql::Context", Vec::new(), "data")));
        // A wrapper that derefs to what it is given, a type given generic arguments, this
        // crate's own type (by `crate::`, by a module named without it, by the crate's name)
        // are not.
        assert!(!idx.made_outside(&made("actix_web::web::Data", Vec::new(), "new")));
        assert!(!idx.made_outside(&made("lock_api::MutexGuard", Vec::new(), "map")));
        assert!(!idx.made_outside(&made(
            "dashmap::DashMap",
            vec![Ty::path("crate::Job")],
            "new"
        )));
        assert!(!idx.made_outside(&made("crate::updater::AxoUpdater", Vec::new(), "new")));
        assert!(!idx.made_outside(&made("updater::AxoUpdater", Vec::new(), "new")));
        assert!(!idx.made_outside(&made("updater::Other", Vec::new(), "new")));
        assert!(!idx.made_outside(&made("app::updater::AxoUpdater", Vec::new(), "new")));
        idx.set_self_name("app".into());
        assert!(!idx.made_outside(&made("app::jobs::Queue", Vec::new(), "new")));
        assert!(!idx.made_outside(&made("Updater", Vec::new(), "new")));
    }

    #[test]
    fn a_generic_items_fields_take_the_values_type_arguments() {
        let mut idx = CrateIndex::default();
        let t = || Ty::path("T");
        let boxed = |inner: Ty| Ty::Path {
            path: "std::boxed::Box".into(),
            args: vec![inner],
        };
        let fi = FileIndex {
            structs: vec![
                (
                    "crate::Holder".into(),
                    vec![("inner".into(), t()), ("all".into(), boxed(t()))],
                ),
                ("crate::Job".into(), Vec::new()),
            ],
            variants: vec![("crate::Task::Once".into(), vec![("0".into(), t())])],
            generics: vec![
                ("crate::Holder".into(), vec!["T".into()]),
                ("crate::Task::Once".into(), vec!["T".into()]),
            ],
            ..FileIndex::default()
        };
        idx.add_file(fi);
        let of = |args: Vec<Ty>| {
            TyExpr::Known(Ty::Path {
                path: "crate::Holder".into(),
                args,
            })
        };
        let job = Ty::path("crate::Job");
        assert_eq!(idx.eval(&of(vec![job.clone()]).field("inner")), job);
        assert_eq!(
            idx.eval(&of(vec![job.clone()]).field("all")),
            boxed(job.clone())
        );
        // No arguments: not the bare `T`, which a caller's own `T` would take for its own.
        assert_eq!(idx.eval(&of(Vec::new()).field("inner")), Ty::Unknown);
        // A pattern's variant over a `Task<Job>` binds a `Job`; over a value of another type,
        // nothing is known of the arguments.
        let task = |path: &str| {
            TyExpr::Known(Ty::Path {
                path: path.into(),
                args: vec![job.clone()],
            })
        };
        let once = |value: TyExpr| {
            TyExpr::VariantOf(Arc::new(value), "crate::Task::Once".into()).field("0")
        };
        assert_eq!(idx.eval(&once(task("crate::Task"))), job);
        assert_eq!(idx.eval(&once(task("crate::Other"))), Ty::Unknown);
    }
}
