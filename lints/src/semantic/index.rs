//! The crate index: struct fields, statics, type aliases and fn return types of every file of a
//! crate, so `self.state.jobs.lock()` in one file is typed by a field declared in another.
//!
//! Each file contributes a [`FileIndex`] while it is walked; the engine merges them per crate and
//! evaluates the [`TyExpr`]s the walker could not settle alone. A name defined twice with different
//! types is ambiguous and resolves to nothing (silence beats a guess).

use std::collections::BTreeMap;

use super::paths::ModuleExport;
use super::types::{Ty, TyExpr};

#[derive(Debug, Default, Clone)]
pub struct FileIndex {
    pub structs: Vec<(String, Vec<(String, Ty)>)>,
    pub statics: Vec<(String, Ty)>,
    pub aliases: Vec<(String, Ty)>,
    pub fns: Vec<(String, Ty)>,
    /// (self type name, method name, return type)
    pub methods: Vec<(String, String, Ty)>,
    /// Each module's imports and items (the file's root module and inline modules).
    pub modules: Vec<ModuleExport>,
}

#[derive(Debug, Default)]
struct ModuleTable {
    names: BTreeMap<String, String>,
    items: Vec<String>,
    globs: Vec<String>,
}

#[derive(Debug, Default)]
pub struct CrateIndex {
    fields: BTreeMap<(String, String), Vec<Ty>>,
    statics: BTreeMap<String, Vec<Ty>>,
    aliases: BTreeMap<String, Vec<Ty>>,
    fns: BTreeMap<String, Vec<Ty>>,
    methods: BTreeMap<(String, String), Vec<Ty>>,
    modules: BTreeMap<String, ModuleTable>,
}

fn add<K: Ord>(map: &mut BTreeMap<K, Vec<Ty>>, key: K, ty: Ty) {
    let slot = map.entry(key).or_default();
    if !slot.contains(&ty) {
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

impl CrateIndex {
    /// Merge one file's index, taking its contents: nothing reads a file's own index after the
    /// merge, and cloning every field, fn and import of a crate was a serial cost of the run.
    pub fn add_file(&mut self, f: FileIndex) {
        for (name, fields) in f.structs {
            for (field, ty) in fields {
                add(&mut self.fields, (name.clone(), field), ty);
            }
        }
        for (name, ty) in f.statics {
            add(&mut self.statics, name, ty);
        }
        for (name, ty) in f.aliases {
            add(&mut self.aliases, name, ty);
        }
        for (name, ty) in f.fns {
            add(&mut self.fns, name, ty);
        }
        for (owner, name, ty) in f.methods {
            add(&mut self.methods, (owner, name), ty);
        }
        for m in f.modules {
            let t = self.modules.entry(m.path).or_default();
            for (name, full) in m.names {
                t.names.entry(name).or_insert(full);
            }
            t.items.extend(m.items);
            t.globs.extend(m.globs);
        }
    }

    /// Follow a `crate::` path through the modules' imports and re-exports until it names an
    /// external item (`crate::sync::Mutex` → `parking_lot::Mutex`) or something defined in the
    /// crate (returned as is).
    pub fn canon(&self, path: &str) -> String {
        let mut cur = path.to_string();
        'outer: for _ in 0..MAX_DEPTH {
            if !cur.starts_with("crate::") {
                return cur;
            }
            let segs: Vec<&str> = cur.split("::").collect();
            for k in (1..segs.len()).rev() {
                let module = segs[..k].join("::");
                let Some(table) = self.modules.get(&module) else {
                    continue;
                };
                let name = segs[k];
                let rest = &segs[k + 1..];
                let with_rest = |head: &str| {
                    if rest.is_empty() {
                        head.to_string()
                    } else {
                        format!("{head}::{}", rest.join("::"))
                    }
                };
                if let Some(full) = table.names.get(name) {
                    if full == &cur {
                        return cur;
                    }
                    cur = with_rest(full);
                    continue 'outer;
                }
                if table.items.iter().any(|i| i == name) {
                    return cur;
                }
                for g in &table.globs {
                    let candidate = with_rest(&format!("{g}::{name}"));
                    if candidate != cur
                        && (!g.starts_with("crate") || self.defines(&format!("{g}::{name}")))
                    {
                        cur = candidate;
                        continue 'outer;
                    }
                }
                return cur;
            }
            return cur;
        }
        cur
    }

    /// Whether module-path `path` (`crate::a::Name`) is imported or defined by its module.
    fn defines(&self, path: &str) -> bool {
        let Some((module, name)) = path.rsplit_once("::") else {
            return false;
        };
        self.modules
            .get(module)
            .is_some_and(|t| t.names.contains_key(name) || t.items.iter().any(|i| i == name))
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

    /// Expand crate-local type aliases (`type Shared = Arc<Mutex<Db>>`).
    pub fn expand(&self, ty: &Ty) -> Ty {
        let mut cur = self.canon_ty(ty);
        for _ in 0..MAX_DEPTH {
            let Some(name) = cur.local_name() else {
                return cur;
            };
            match unique(self.aliases.get(name)) {
                Some(next) => cur = self.canon_ty(&next),
                None => return cur,
            }
        }
        Ty::Unknown
    }

    pub fn eval(&self, e: &TyExpr) -> Ty {
        self.eval_depth(e, 0)
    }

    fn eval_depth(&self, e: &TyExpr, depth: usize) -> Ty {
        if depth > MAX_DEPTH {
            return Ty::Unknown;
        }
        let ty = match e {
            TyExpr::Known(t) => t.clone(),
            TyExpr::Unknown => Ty::Unknown,
            TyExpr::Field(base, field) => {
                let base = self.eval_depth(base, depth + 1);
                match (&base.peel(), base.local_name()) {
                    (Ty::Tuple(elems), _) => field
                        .parse::<usize>()
                        .ok()
                        .and_then(|i| elems.get(i).cloned())
                        .unwrap_or(Ty::Unknown),
                    (_, Some(owner)) => {
                        unique(self.fields.get(&(owner.to_string(), field.clone())))
                            .unwrap_or(Ty::Unknown)
                    }
                    _ => Ty::Unknown,
                }
            }
            TyExpr::Elem(base) => self.eval_depth(base, depth + 1).element(),
            TyExpr::Static(name) => unique(self.statics.get(name)).unwrap_or(Ty::Unknown),
            TyExpr::FnRet(name) => unique(self.fns.get(name)).unwrap_or(Ty::Unknown),
            TyExpr::MethodRet(base, name) => {
                let base = self.eval_depth(base, depth + 1);
                match base.local_name() {
                    Some(owner) => unique(self.methods.get(&(owner.to_string(), name.clone())))
                        .unwrap_or(Ty::Unknown),
                    None => super::types::known_method_ret(&base, name).unwrap_or(Ty::Unknown),
                }
            }
        };
        self.expand(&ty)
    }

    /// A stable, crate-wide name for the lock an expression denotes: `Type.field` for struct
    /// fields, the static's name, `Type::method()` for accessors. `None` for locks that are not
    /// identifiable across functions (parameters, locals).
    pub fn lock_identity(&self, e: &TyExpr) -> Option<String> {
        match e {
            TyExpr::Field(base, field) => {
                let owner = self.eval(base);
                let owner = owner.local_name()?;
                Some(format!("{owner}.{field}"))
            }
            TyExpr::Static(name) => Some(name.clone()),
            TyExpr::FnRet(name) => Some(format!("{name}()")),
            TyExpr::MethodRet(base, name) => {
                let owner = self.eval(base);
                Some(format!("{}::{name}()", owner.local_name()?))
            }
            TyExpr::Elem(base) => self.lock_identity(base).map(|id| format!("{id}[]")),
            _ => None,
        }
    }
}
