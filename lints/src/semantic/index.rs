//! The crate index: struct fields, statics, type aliases and fn return types of every file of a
//! crate, so `self.state.jobs.lock()` in one file is typed by a field declared in another.
//!
//! Each file contributes a [`FileIndex`] while it is walked; the engine merges them per crate and
//! evaluates the [`TyExpr`]s the walker could not settle alone. A name defined twice with different
//! types is ambiguous and resolves to nothing (silence beats a guess).

use std::collections::BTreeMap;

use super::types::{Ty, TyExpr};

#[derive(Debug, Default, Clone)]
pub struct FileIndex {
    pub structs: Vec<(String, Vec<(String, Ty)>)>,
    pub statics: Vec<(String, Ty)>,
    pub aliases: Vec<(String, Ty)>,
    pub fns: Vec<(String, Ty)>,
    /// (self type name, method name, return type)
    pub methods: Vec<(String, String, Ty)>,
}

#[derive(Debug, Default)]
pub struct CrateIndex {
    fields: BTreeMap<(String, String), Vec<Ty>>,
    statics: BTreeMap<String, Vec<Ty>>,
    aliases: BTreeMap<String, Vec<Ty>>,
    fns: BTreeMap<String, Vec<Ty>>,
    methods: BTreeMap<(String, String), Vec<Ty>>,
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
    pub fn add_file(&mut self, f: &FileIndex) {
        for (name, fields) in &f.structs {
            for (field, ty) in fields {
                add(&mut self.fields, (name.clone(), field.clone()), ty.clone());
            }
        }
        for (name, ty) in &f.statics {
            add(&mut self.statics, name.clone(), ty.clone());
        }
        for (name, ty) in &f.aliases {
            add(&mut self.aliases, name.clone(), ty.clone());
        }
        for (name, ty) in &f.fns {
            add(&mut self.fns, name.clone(), ty.clone());
        }
        for (owner, name, ty) in &f.methods {
            add(&mut self.methods, (owner.clone(), name.clone()), ty.clone());
        }
    }

    /// Expand crate-local type aliases (`type Shared = Arc<Mutex<Db>>`).
    pub fn expand(&self, ty: &Ty) -> Ty {
        let mut cur = ty.clone();
        for _ in 0..MAX_DEPTH {
            let Some(name) = cur.local_name() else {
                return cur;
            };
            match unique(self.aliases.get(name)) {
                Some(next) => cur = next,
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
                    None => Ty::Unknown,
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
