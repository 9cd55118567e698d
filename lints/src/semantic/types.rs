//! Light type model: enough to tell a std mutex from a tokio one, follow `self.state.jobs` through
//! struct fields declared in other files, and see through `Arc`/`Option`/`&` wrappers.
//!
//! A [`Ty`] is what a type annotation says (resolved through `use`); a [`TyExpr`] is what an
//! expression's type depends on (a field of a struct, a static, a fn's return type), evaluated only
//! once the crate index is complete, so one parse per file is enough.

use serde::{Deserialize, Serialize};
use std::sync::Arc;

use super::paths::UseScopes;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Ty {
    /// A resolved path with generic arguments: `std::sync::Mutex<T>` or `crate::state::AppState`.
    Path {
        path: String,
        args: Vec<Ty>,
    },
    Tuple(Vec<Ty>),
    /// `[T]`, `[T; N]`.
    Slice(Box<Ty>),
    Unknown,
}

/// The lock types racewise understands. Everything else is "not a lock" or unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum LockKind {
    StdMutex,
    StdRwLock,
    ParkingLotMutex,
    ParkingLotRwLock,
    AsyncMutex,
    AsyncRwLock,
    RefCell,
}

impl LockKind {
    /// Guards of these block the thread (or, for `RefCell`, panic) and must not live across awaits.
    pub fn is_blocking(self) -> bool {
        !matches!(self, LockKind::AsyncMutex | LockKind::AsyncRwLock)
    }

    pub fn is_thread_lock(self) -> bool {
        !matches!(
            self,
            LockKind::AsyncMutex | LockKind::AsyncRwLock | LockKind::RefCell
        )
    }

    /// tokio's entry points for sync code (`blocking_lock()`, `blocking_read()`,
    /// `blocking_write()`), which panic when called in async context.
    pub fn panics_in_async(self, method: &str) -> bool {
        !self.is_blocking() && method.starts_with("blocking_")
    }

    /// Which zero-argument methods acquire this lock.
    pub fn acquires(self, method: &str) -> bool {
        // tokio's entry points for sync code: `blocking_lock`, `blocking_read`, `blocking_write`.
        if let Some(plain) = method.strip_prefix("blocking_") {
            return matches!(self, LockKind::AsyncMutex | LockKind::AsyncRwLock)
                && self.acquires(plain);
        }
        match self {
            LockKind::StdMutex | LockKind::ParkingLotMutex | LockKind::AsyncMutex => {
                matches!(
                    method,
                    "lock" | "try_lock" | "lock_owned" | "try_lock_owned"
                )
            }
            LockKind::StdRwLock | LockKind::ParkingLotRwLock | LockKind::AsyncRwLock => matches!(
                method,
                "read"
                    | "write"
                    | "try_read"
                    | "try_write"
                    | "upgradable_read"
                    | "read_recursive"
                    | "read_owned"
                    | "write_owned"
            ),
            LockKind::RefCell => matches!(method, "borrow" | "borrow_mut"),
        }
    }

    pub fn describe(self) -> &'static str {
        match self {
            LockKind::StdMutex => "std::sync::Mutex",
            LockKind::StdRwLock => "std::sync::RwLock",
            LockKind::ParkingLotMutex => "parking_lot::Mutex",
            LockKind::ParkingLotRwLock => "parking_lot::RwLock",
            LockKind::AsyncMutex => "async Mutex",
            LockKind::AsyncRwLock => "async RwLock",
            LockKind::RefCell => "RefCell",
        }
    }
}

/// Method names that may acquire some lock when called with no arguments.
pub fn is_acquire_method(name: &str) -> bool {
    matches!(
        name,
        "lock"
            | "try_lock"
            | "lock_owned"
            | "try_lock_owned"
            | "read"
            | "write"
            | "try_read"
            | "try_write"
            | "upgradable_read"
            | "read_recursive"
            | "read_owned"
            | "write_owned"
            | "borrow"
            | "borrow_mut"
            | "blocking_lock"
            | "blocking_lock_owned"
            | "blocking_read"
            | "blocking_write"
    )
}

/// A receiver reached from a static (`QUERIERS`, `USERS.get().expect("set")`, `LAZY.clone()`):
/// one lock for the whole process, not one per instance.
pub fn is_static_rooted(e: &TyExpr) -> bool {
    match e {
        TyExpr::Static(_) => true,
        TyExpr::MethodRet(base, _) | TyExpr::Ok(base) | TyExpr::Awaited(base) => {
            is_static_rooted(base)
        }
        _ => false,
    }
}

pub fn lock_kind_of_path(path: &str) -> Option<LockKind> {
    Some(match path {
        "std::sync::Mutex" => LockKind::StdMutex,
        "std::sync::RwLock" => LockKind::StdRwLock,
        "parking_lot::Mutex" | "parking_lot::FairMutex" | "parking_lot::ReentrantMutex" => {
            LockKind::ParkingLotMutex
        }
        "parking_lot::RwLock" => LockKind::ParkingLotRwLock,
        "tokio::sync::Mutex"
        | "futures::lock::Mutex"
        | "async_std::sync::Mutex"
        | "async_lock::Mutex"
        | "futures_util::lock::Mutex" => LockKind::AsyncMutex,
        "tokio::sync::RwLock" | "async_std::sync::RwLock" | "async_lock::RwLock" => {
            LockKind::AsyncRwLock
        }
        "std::cell::RefCell" => LockKind::RefCell,
        _ => return None,
    })
}

/// The lock a guard type belongs to: a fn returning `MutexGuard<'_, T>` hands its caller an
/// acquisition of a std mutex.
pub fn guard_kind(ty: &Ty) -> Option<LockKind> {
    // A `Result`/`Option` of a guard (`LockResult<MutexGuard<..>>`) is unwrapped by the caller.
    let ty = match ty.peel() {
        Ty::Path { path, args }
            if matches!(
                path.as_str(),
                "std::result::Result" | "std::sync::LockResult" | "std::sync::TryLockResult"
            ) =>
        {
            args.first()?.peel()
        }
        t => t,
    };
    Some(match ty.path_str()? {
        "std::sync::MutexGuard" | "std::sync::MappedMutexGuard" => LockKind::StdMutex,
        "std::sync::RwLockReadGuard"
        | "std::sync::RwLockWriteGuard"
        | "std::sync::MappedRwLockReadGuard"
        | "std::sync::MappedRwLockWriteGuard" => LockKind::StdRwLock,
        "parking_lot::MutexGuard"
        | "parking_lot::MappedMutexGuard"
        | "parking_lot::ReentrantMutexGuard"
        | "parking_lot::FairMutexGuard"
        | "lock_api::MutexGuard"
        | "lock_api::MappedMutexGuard" => LockKind::ParkingLotMutex,
        "parking_lot::RwLockReadGuard"
        | "parking_lot::RwLockWriteGuard"
        | "parking_lot::RwLockUpgradableReadGuard"
        | "parking_lot::MappedRwLockReadGuard"
        | "parking_lot::MappedRwLockWriteGuard"
        | "lock_api::RwLockReadGuard"
        | "lock_api::RwLockWriteGuard" => LockKind::ParkingLotRwLock,
        "std::cell::Ref" | "std::cell::RefMut" => LockKind::RefCell,
        "tokio::sync::MutexGuard"
        | "tokio::sync::OwnedMutexGuard"
        | "tokio::sync::MappedMutexGuard" => LockKind::AsyncMutex,
        "tokio::sync::RwLockReadGuard"
        | "tokio::sync::RwLockWriteGuard"
        | "tokio::sync::OwnedRwLockReadGuard"
        | "tokio::sync::OwnedRwLockWriteGuard" => LockKind::AsyncRwLock,
        _ => return None,
    })
}

/// Smart pointers and cells whose contents are reached by auto-deref or `.get()`: for racewise,
/// `Arc<Mutex<T>>` and `LazyLock<Mutex<T>>` are the mutex.
const TRANSPARENT: &[&str] = &[
    "std::sync::Arc",
    "std::rc::Rc",
    "std::sync::Weak",
    "std::rc::Weak",
    "std::boxed::Box",
    "std::option::Option",
    "std::pin::Pin",
    "std::mem::ManuallyDrop",
    "std::sync::LazyLock",
    "std::sync::OnceLock",
    "std::cell::LazyCell",
    "std::cell::OnceCell",
    "once_cell::sync::Lazy",
    "once_cell::sync::OnceCell",
    "once_cell::unsync::Lazy",
    "once_cell::unsync::OnceCell",
    "lazy_static::Lazy",
    "triomphe::Arc",
    "arc_swap::ArcSwap",
    "axum::extract::State",
    "axum::Extension",
    "axum::extract::Extension",
    "actix_web::web::Data",
];

/// Those of [`TRANSPARENT`] that do not `Deref` to what they hold, with their own methods: a
/// call of one of those (`opt.take()`, `weak.upgrade()`, `swap.load()`) is the wrapper's,
/// never the held type's method of that name.
const OWN_METHODS: &[(&str, &[&str])] = &[
    (
        "std::option::Option",
        &[
            "take",
            "replace",
            "insert",
            "get_or_insert",
            "get_or_insert_with",
            "map",
            "as_ref",
            "as_mut",
            "as_deref",
            "as_deref_mut",
            "unwrap",
            "expect",
            "unwrap_or",
            "unwrap_or_default",
            "unwrap_or_else",
            "is_some",
            "is_none",
            "is_some_and",
            "is_none_or",
            "and_then",
            "ok_or",
            "ok_or_else",
            "filter",
            "cloned",
            "copied",
            "iter",
            "zip",
            "or",
            "or_else",
            "xor",
            "map_or",
            "map_or_else",
            "flatten",
            "take_if",
            "inspect",
            "unzip",
        ],
    ),
    ("std::sync::Weak", WEAK_METHODS),
    ("std::rc::Weak", WEAK_METHODS),
    ("std::sync::OnceLock", ONCE_METHODS),
    ("std::cell::OnceCell", ONCE_METHODS),
    ("once_cell::sync::OnceCell", ONCE_METHODS),
    ("once_cell::unsync::OnceCell", ONCE_METHODS),
    (
        "arc_swap::ArcSwap",
        &[
            "load",
            "load_full",
            "store",
            "swap",
            "rcu",
            "compare_and_swap",
            "into_inner",
            "as_raw",
            "map",
        ],
    ),
];

const WEAK_METHODS: &[&str] = &[
    "upgrade",
    "strong_count",
    "weak_count",
    "ptr_eq",
    "into_raw",
];

const ONCE_METHODS: &[&str] = &[
    "get",
    "get_mut",
    "set",
    "get_or_init",
    "get_or_try_init",
    "take",
    "into_inner",
    "wait",
];

/// Collections indexed or iterated to reach an element (`shards[i].lock()`); maps yield values.
const COLLECTIONS: &[&str] = &[
    "std::vec::Vec",
    "std::collections::VecDeque",
    "std::collections::HashMap",
    "std::collections::BTreeMap",
    "std::collections::hash_map::HashMap",
    "std::collections::btree_map::BTreeMap",
    "indexmap::IndexMap",
    "dashmap::DashMap",
    "smallvec::SmallVec",
];

/// Sockets and listeners of std and tokio.
pub const SOCKET_TYPES: &[&str] = &[
    "std::net::TcpStream",
    "std::net::TcpListener",
    "std::net::UdpSocket",
    "std::os::unix::net::UnixStream",
    "std::os::unix::net::UnixListener",
    "tokio::net::TcpStream",
    "tokio::net::TcpListener",
    "tokio::net::UdpSocket",
    "tokio::net::UnixStream",
    "tokio::net::UnixListener",
];

/// Receivers whose one type argument is the message type.
const CHANNEL_RECEIVERS: &[&str] = &[
    "tokio::sync::mpsc::Receiver",
    "tokio::sync::mpsc::UnboundedReceiver",
    "tokio::sync::broadcast::Receiver",
    "std::sync::mpsc::Receiver",
    "futures::channel::mpsc::Receiver",
    "futures::channel::mpsc::UnboundedReceiver",
    "flume::Receiver",
    "crossbeam_channel::Receiver",
    "async_channel::Receiver",
    "kanal::Receiver",
    "kanal::AsyncReceiver",
];

/// The channel one end of a message queue belongs to, as far as types tell: the channel's
/// module, whether it is unbounded, and the message type. A sender and a receiver with the same
/// key may be two ends of one channel (`mpsc::Sender<Event>` and `mpsc::Receiver<Event>`);
/// broadcast and watch channels, whose sends do not need a receiver, have none.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ChannelKey {
    pub module: String,
    pub unbounded: bool,
    pub message: Ty,
}

/// The [`ChannelKey`] of a sender (`sender`) or receiver type, through `Arc`, `Option` and
/// locks (`Mutex<Option<mpsc::Receiver<Job>>>`).
pub fn channel_key(ty: &Ty, sender: bool) -> Option<ChannelKey> {
    let mut cur = ty.peel();
    for _ in 0..4 {
        let Ty::Path { path, args } = cur else {
            return None;
        };
        if lock_kind_of_path(path).is_some() {
            cur = args.first()?.peel();
            continue;
        }
        let (module, end) = super::syntax::split_last(path);
        let module = module?;
        if !CHANNEL_RECEIVERS.contains(&format!("{module}::Receiver").as_str())
            && !CHANNEL_RECEIVERS.contains(&format!("{module}::UnboundedReceiver").as_str())
            || module == "tokio::sync::broadcast"
        {
            return None;
        }
        let unbounded = match (sender, end) {
            (true, "Sender" | "SyncSender" | "AsyncSender") => false,
            (true, "UnboundedSender") => true,
            (false, "Receiver" | "AsyncReceiver") => false,
            (false, "UnboundedReceiver") => true,
            _ => return None,
        };
        return Some(ChannelKey {
            module: module.to_string(),
            unbounded,
            message: args.first()?.clone(),
        });
    }
    None
}

/// Any `Result`: std's, a crate's alias, `anyhow::Result<T>`, `io::Result<T>` (all put the
/// value first and the error second).
pub fn is_result_path(path: &str) -> bool {
    path == "Result" || path.ends_with("::Result")
}

/// What calling an `async fn` gives: a future of its declared return type (the crate index
/// records async fns' returns so, and `.await` takes the output back out).
pub(crate) const FUTURE: &str = "std::future::Future";

impl Ty {
    pub fn path(path: &str) -> Ty {
        Ty::Path {
            path: path.to_string(),
            args: Vec::new(),
        }
    }

    /// This type with the generic parameters named in `params` (unresolved bare names, as
    /// `from_syn` leaves them) made unknown, and their associated types (`S::Error`) too.
    pub fn erase(self, params: &[String]) -> Ty {
        if params.is_empty() {
            return self;
        }
        let generic = |path: &str| {
            let first = path.split("::").next().unwrap_or(path);
            params.iter().any(|p| p == first)
        };
        match self {
            Ty::Path { path, args } if args.is_empty() && params.contains(&path) => Ty::Unknown,
            Ty::Path { path, .. } if path.contains("::") && generic(&path) => Ty::Unknown,
            Ty::Path { path, args } => Ty::Path {
                path,
                args: args.into_iter().map(|a| a.erase(params)).collect(),
            },
            Ty::Tuple(e) => Ty::Tuple(e.into_iter().map(|a| a.erase(params)).collect()),
            Ty::Slice(i) => Ty::Slice(Box::new(i.erase(params))),
            Ty::Unknown => Ty::Unknown,
        }
    }

    /// Each arg-less path `with` answers for (a type parameter) replaced by its answer.
    pub fn subst(self, with: &impl Fn(&str) -> Option<Ty>) -> Ty {
        match self {
            Ty::Path { path, args } if args.is_empty() => {
                with(&path).unwrap_or(Ty::Path { path, args })
            }
            Ty::Path { path, args } => Ty::Path {
                path,
                args: args.into_iter().map(|a| a.subst(with)).collect(),
            },
            Ty::Tuple(e) => Ty::Tuple(e.into_iter().map(|a| a.subst(with)).collect()),
            Ty::Slice(i) => Ty::Slice(Box::new(i.subst(with))),
            Ty::Unknown => Ty::Unknown,
        }
    }

    /// The future an `async fn` declared to return `output` returns.
    pub fn future(output: Ty) -> Ty {
        Ty::Path {
            path: FUTURE.into(),
            args: vec![output],
        }
    }

    /// The value `.await` gives: only a future's output is known (a `JoinHandle`, a
    /// `BoxFuture` or a hand-written future's output is not typed).
    pub fn future_output(&self) -> Ty {
        match self {
            Ty::Path { path, args } if path == FUTURE => {
                args.first().cloned().unwrap_or(Ty::Unknown)
            }
            _ => Ty::Unknown,
        }
    }

    /// Resolve a syntactic type through the file's imports.
    pub fn from_syn(ty: &syn::Type, uses: &UseScopes) -> Ty {
        match ty {
            syn::Type::Path(tp) if tp.qself.is_none() => {
                let path = uses.resolve(&tp.path);
                let args = tp
                    .path
                    .segments
                    .last()
                    .map(|seg| generic_types(&seg.arguments, uses))
                    .unwrap_or_default();
                Ty::Path { path, args }
            }
            syn::Type::Reference(r) => Ty::from_syn(&r.elem, uses),
            syn::Type::Paren(p) => Ty::from_syn(&p.elem, uses),
            syn::Type::Group(g) => Ty::from_syn(&g.elem, uses),
            syn::Type::Tuple(t) => {
                Ty::Tuple(t.elems.iter().map(|e| Ty::from_syn(e, uses)).collect())
            }
            syn::Type::Slice(s) => Ty::Slice(Box::new(Ty::from_syn(&s.elem, uses))),
            syn::Type::Array(a) => Ty::Slice(Box::new(Ty::from_syn(&a.elem, uses))),
            syn::Type::Ptr(p) => Ty::from_syn(&p.elem, uses),
            _ => Ty::Unknown,
        }
    }

    /// Whether any path in this type is crate-local (`crate::...`), i.e. may be a re-export the
    /// crate index can still resolve.
    pub fn mentions_crate_path(&self) -> bool {
        match self {
            Ty::Path { path, args } => {
                path.starts_with("crate::") || args.iter().any(Ty::mentions_crate_path)
            }
            Ty::Tuple(e) => e.iter().any(Ty::mentions_crate_path),
            Ty::Slice(i) => i.mentions_crate_path(),
            Ty::Unknown => false,
        }
    }

    pub fn path_str(&self) -> Option<&str> {
        match self {
            Ty::Path { path, .. } => Some(path),
            _ => None,
        }
    }

    pub fn args(&self) -> &[Ty] {
        match self {
            Ty::Path { args, .. } => args,
            _ => &[],
        }
    }

    /// Strip `Arc`/`Box`/`Option`/`LazyLock`/`&`… until something meaningful remains.
    pub fn peel(&self) -> &Ty {
        let mut cur = self;
        for _ in 0..16 {
            match cur {
                Ty::Path { path, args } if TRANSPARENT.contains(&path.as_str()) => {
                    match args.first() {
                        Some(inner) => cur = inner,
                        None => return cur,
                    }
                }
                _ => return cur,
            }
        }
        cur
    }

    /// Whether `method` called on a value of this type is the wrapper's own (see
    /// [`OWN_METHODS`]), after auto-deref through the wrappers that do deref (`Arc<Option<T>>`).
    pub fn owns_method(&self, method: &str) -> bool {
        let mut cur = self;
        for _ in 0..16 {
            let Ty::Path { path, args } = cur else {
                return false;
            };
            if let Some((_, own)) = OWN_METHODS.iter().find(|(w, _)| w == path) {
                return own.contains(&method);
            }
            match args.first() {
                Some(inner) if TRANSPARENT.contains(&path.as_str()) => cur = inner,
                _ => return false,
            }
        }
        false
    }

    pub fn lock_kind(&self) -> Option<LockKind> {
        self.peel().path_str().and_then(lock_kind_of_path)
    }

    /// `Result<T, E>` (any `..::Result`, see [`is_result_path`]) or `Option<T>` → `T`; anything
    /// else is its own value.
    pub fn ok_value(&self) -> Ty {
        match self {
            Ty::Path { path, args } if path == "std::option::Option" || is_result_path(path) => {
                args.first().cloned().unwrap_or(Ty::Unknown)
            }
            other => other.clone(),
        }
    }

    /// The element type reached by indexing or iterating a collection.
    pub fn element(&self) -> Ty {
        // `opt.map(|x| ..)`, `res.and_then(|v| ..)`, `for x in opt`: the value inside (before
        // `peel`, which sees through an `Option`).
        if let Ty::Path { path, args } = self
            && (path == "std::option::Option" || is_result_path(path))
        {
            return args.first().cloned().unwrap_or(Ty::Unknown);
        }
        match self.peel() {
            Ty::Slice(inner) => (**inner).clone(),
            Ty::Path { path, args } if COLLECTIONS.contains(&path.as_str()) => {
                args.last().cloned().unwrap_or(Ty::Unknown)
            }
            // A channel's receiving end: its message (`rx.recv().await`, `for msg in rx`).
            Ty::Path { path, args } if CHANNEL_RECEIVERS.contains(&path.as_str()) => {
                args.first().cloned().unwrap_or(Ty::Unknown)
            }
            _ => Ty::Unknown,
        }
    }

    /// Part `i` of a map's `(key, value)` entry, as iterating the map yields it.
    pub fn map_entry_part(&self, i: usize) -> Option<Ty> {
        match self.peel() {
            Ty::Path { path, args }
                if args.len() == 2 && COLLECTIONS.contains(&path.as_str()) && i < 2 =>
            {
                args.get(i).cloned()
            }
            _ => None,
        }
    }

    /// The crate-local name to look up in the crate index (struct, alias), if this is a path
    /// that isn't a known external type.
    pub fn local_name(&self) -> Option<&str> {
        let path = self.peel().path_str()?;
        if is_external(path) {
            return None;
        }
        Some(crate::semantic::syntax::last_segment(path))
    }
}

/// Paths rooted in a crate racewise knows are never crate-local structs.
pub fn is_external(path: &str) -> bool {
    const ROOTS: &[&str] = &[
        "std",
        "tokio",
        "parking_lot",
        "futures",
        "futures_util",
        "async_std",
        "async_lock",
        "once_cell",
        "lazy_static",
        "axum",
        "actix_web",
        "serde",
        "hyper",
        "tower",
        "tracing",
        "log",
        "anyhow",
        "thiserror",
        "reqwest",
        "sqlx",
        "dashmap",
        "indexmap",
        "smallvec",
        "triomphe",
        "arc_swap",
        "tokio_util",
        "crossbeam",
        "crossbeam_channel",
        "flume",
        "bytes",
        "uuid",
        "chrono",
        "tempfile",
        // `std::fs` with better errors (see `paths::through_reexport`).
        "fs_err",
    ];
    // The root ends at the first `:` (of `::`); a byte scan, not a substring search: this is
    // asked for every path the walker types.
    let root = path
        .as_bytes()
        .iter()
        .position(|&b| b == b':')
        .map_or(path, |i| &path[..i]);
    ROOTS.contains(&root)
}

/// The type arguments of a path segment: `T` and `U` of `Foo<T, U>` (or `::<T, U>`).
pub(crate) fn generic_types(args: &syn::PathArguments, uses: &UseScopes) -> Vec<Ty> {
    match args {
        syn::PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter_map(|arg| match arg {
                syn::GenericArgument::Type(t) => Some(Ty::from_syn(t, uses)),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// An expression's type, possibly depending on crate-wide facts not known while the file is
/// walked. Evaluated by `CrateIndex::eval`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TyExpr {
    Known(Ty),
    /// `base.field` (tuple fields by index as a string).
    Field(Arc<TyExpr>, String),
    /// The variant or struct a pattern names (`Commands::Ext(cmd)`, `Holder { inner }`) of the
    /// value the pattern matches: the variant's path with the value's type arguments when the
    /// value's type is the variant's enum (or the struct itself), so the fields the pattern
    /// binds are typed by them (see `CrateIndex::instantiate`).
    VariantOf(Arc<TyExpr>, String),
    /// Element of a collection: `base[i]`, `base.get(i)`, the item of `for x in base`.
    Elem(Arc<TyExpr>),
    /// A `static` (or `lazy_static!`) by name.
    Static(String),
    /// The return type of a crate fn by name, with the call's turbofish types (which type a
    /// re-exported channel constructor's pair: `mpsc::unbounded_channel::<Job>()`).
    FnRet(String, Vec<Ty>),
    /// The return type of method `name` on the receiver's type.
    MethodRet(Arc<TyExpr>, String),
    /// The value an associated fn of a type outside the crate's known paths made right there
    /// (`AxoUpdater::new_for("atuin")`: a `MethodRet` of the type), with arguments that carry
    /// no value of another type into it (literals, bindings, fields; no closure, call or
    /// borrow) and no turbofish on the fn. Typed as the `MethodRet` inside; the crate index
    /// tells whether the type is another crate's (see `CrateIndex::made_outside`).
    Made(Arc<TyExpr>),
    /// The value inside: `Ok(x)` of a `Result`, `Some(x)` of an `Option` (a pattern, `?`,
    /// `.unwrap()`).
    Ok(Arc<TyExpr>),
    /// A tuple some of whose parts wait for the crate index (`(reply_tx, addrs)` where
    /// `reply_tx` came through a glob import); fully known tuples are `Known(Ty::Tuple)`.
    Tuple(Vec<TyExpr>),
    /// `T::new(arg)` where `T` is a crate path the crate index settles (`Arc::new(Mutex::new(..))`
    /// with `Arc` brought in by `use super::*;`): the argument's type when `T` turns out to be a
    /// transparent wrapper (`Arc`, `Rc`, `Box`, `Pin`), else the method's declared return.
    WrapperCall(Arc<TyExpr>, Arc<TyExpr>),
    /// The output of awaiting the base (`tenant.timeline(id).await`): known when the base is
    /// a crate `async fn`'s call (see [`Ty::future`]).
    Awaited(Arc<TyExpr>),
    Unknown,
}

impl TyExpr {
    pub fn field(self, name: impl Into<String>) -> TyExpr {
        let name = name.into();
        match self {
            TyExpr::Unknown => TyExpr::Unknown,
            TyExpr::Tuple(mut parts) => match name.parse::<usize>() {
                Ok(i) if i < parts.len() => parts.swap_remove(i),
                _ => TyExpr::Unknown,
            },
            base => TyExpr::Field(Arc::new(base), name),
        }
    }

    /// The type of a tuple expression from its parts' types.
    pub fn tuple(parts: Vec<TyExpr>) -> TyExpr {
        if parts.iter().all(|p| p.known().is_some()) {
            return TyExpr::Known(Ty::Tuple(
                parts
                    .into_iter()
                    .filter_map(|p| p.known().cloned())
                    .collect(),
            ));
        }
        if parts.iter().all(TyExpr::is_unknown) {
            return TyExpr::Unknown;
        }
        TyExpr::Tuple(parts)
    }

    pub fn elem(self) -> TyExpr {
        match self {
            TyExpr::Unknown => TyExpr::Unknown,
            // A type naming crate paths (`mpsc::Receiver<Job>` through a glob import, an
            // alias) is settled by the crate index first.
            TyExpr::Known(t) if !t.mentions_crate_path() => TyExpr::Known(t.element()),
            base => TyExpr::Elem(Arc::new(base)),
        }
    }

    /// The value `Ok(..)`/`Some(..)` (or `?`, `.unwrap()`) takes out of this type.
    pub fn ok(self) -> TyExpr {
        match self {
            TyExpr::Unknown => TyExpr::Unknown,
            TyExpr::Known(t) => TyExpr::Known(t.ok_value()),
            // A tuple is its own value, as `Ty::ok_value` has it.
            TyExpr::Tuple(parts) => TyExpr::Tuple(parts),
            base => TyExpr::Ok(Arc::new(base)),
        }
    }

    /// The return type of method `name` on a receiver of this type (settled by the crate
    /// index).
    pub fn method_ret(self, name: impl Into<String>) -> TyExpr {
        TyExpr::MethodRet(Arc::new(self), name.into())
    }

    /// The value `.await` on this type gives.
    pub fn awaited(self) -> TyExpr {
        match self {
            TyExpr::Unknown => TyExpr::Unknown,
            TyExpr::Known(t) => match t.future_output() {
                Ty::Unknown => TyExpr::Unknown,
                out => TyExpr::Known(out),
            },
            base => TyExpr::Awaited(Arc::new(base)),
        }
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, TyExpr::Unknown | TyExpr::Known(Ty::Unknown))
    }

    /// Whether the crate index may find this to be one of the crate's own types (whose
    /// methods shadow the std names racewise types by name).
    pub fn may_be_crate_type(&self) -> bool {
        match self {
            TyExpr::Known(t) => t.mentions_crate_path(),
            TyExpr::Unknown => false,
            _ => true,
        }
    }

    /// If this type is fully known without the crate index, its lock kind.
    pub fn known(&self) -> Option<&Ty> {
        match self {
            TyExpr::Known(t) => Some(t),
            _ => None,
        }
    }
}

/// Channel constructors whose `(Sender, Receiver)` pair racewise types, so that
/// `let (tx, mut rx) = broadcast::channel(16);` gives `rx` its receiver type. `args` are the
/// turbofish's types (`channel::<Event>(16)`), if any.
pub fn channel_pair(ctor: &str, args: Vec<Ty>) -> Option<Ty> {
    let module = match ctor {
        "tokio::sync::broadcast::channel" => "tokio::sync::broadcast",
        "tokio::sync::mpsc::channel" => "tokio::sync::mpsc",
        "tokio::sync::watch::channel" => "tokio::sync::watch",
        "tokio::sync::oneshot::channel" => "tokio::sync::oneshot",
        "futures::channel::oneshot::channel" => "futures::channel::oneshot",
        "std::sync::mpsc::channel" => "std::sync::mpsc",
        "std::sync::mpsc::sync_channel" => {
            return Some(Ty::Tuple(vec![
                Ty::Path {
                    path: "std::sync::mpsc::SyncSender".into(),
                    args: args.clone(),
                },
                Ty::Path {
                    path: "std::sync::mpsc::Receiver".into(),
                    args,
                },
            ]));
        }
        "tokio::sync::mpsc::unbounded_channel" => {
            return Some(Ty::Tuple(vec![
                Ty::Path {
                    path: "tokio::sync::mpsc::UnboundedSender".into(),
                    args: args.clone(),
                },
                Ty::Path {
                    path: "tokio::sync::mpsc::UnboundedReceiver".into(),
                    args,
                },
            ]));
        }
        _ => return None,
    };
    Some(Ty::Tuple(vec![
        Ty::Path {
            path: format!("{module}::Sender"),
            args: args.clone(),
        },
        Ty::Path {
            path: format!("{module}::Receiver"),
            args,
        },
    ]))
}

/// The primitive numbers and `bool`: values no secret, lock or channel is.
pub const NUMBERS_AND_BOOL: &[&str] = &[
    "u8", "u16", "u32", "u64", "u128", "usize", "i8", "i16", "i32", "i64", "i128", "isize", "f32",
    "f64", "bool",
];

/// A primitive type's name (`u64`, `bool`, `str`, `char`): no workspace type, though a
/// workspace trait may be implemented for it (`u64::reload(&n)`).
pub fn is_primitive(name: &str) -> bool {
    NUMBERS_AND_BOOL.contains(&name) || matches!(name, "str" | "char")
}

/// Methods a derive gives a workspace type that return the type (clap's
/// `Parser::parse`/`parse_from`, structopt's `from_args`, argh's `from_env`): `Cli::parse()`
/// is a `Cli` when no impl of the workspace declares its own `parse`.
pub const DERIVED_CONSTRUCTORS: &[&str] = &["parse", "parse_from", "from_args", "from_env"];

/// Derived methods that return the type in a `Result` (clap's `Parser::try_parse`,
/// `try_parse_from`, `FromArgMatches::from_arg_matches`): `Cli::from_arg_matches(&m)?` is a
/// `Cli`.
pub const DERIVED_FALLIBLE_CONSTRUCTORS: &[&str] = &[
    "try_parse",
    "try_parse_from",
    "from_arg_matches",
    "from_arg_matches_mut",
];

/// Constructors: `Mutex::new(..)` has type `Mutex`.
pub const CONSTRUCTORS: &[&str] = &[
    "new",
    // `Uuid::new_v4()`, `Uuid::now_v7()`: a fresh id.
    "new_v4",
    "new_v7",
    "now_v7",
    "default",
    "from",
    "with_capacity",
    "const_new",
    "new_in",
    "with_hasher",
];

/// Methods that reach an element of a collection (`map.get(k)`, `v.first()`): typed as the
/// element (the `Option` around it is seen through as patterns and `?` see through it). On a
/// crate type they are its own methods (`mgr.get(id)`), which the crate index settles.
pub const ELEMENT_METHODS: &[&str] = &[
    "get",
    "get_mut",
    "first",
    "last",
    "front",
    "back",
    "first_mut",
    "last_mut",
    "get_unchecked",
];

/// Return types of methods of external types that rules care about: a broadcast/watch
/// `Sender::subscribe()` (and `Receiver::resubscribe()`) is a receiver of the same channel.
pub fn known_method_ret(recv: &Ty, method: &str) -> Option<Ty> {
    if ELEMENT_METHODS.contains(&method) {
        return match recv.element() {
            Ty::Unknown => None,
            element => Some(element),
        };
    }
    let Ty::Path { path, args } = recv.peel() else {
        return None;
    };
    // `m.lock()` on a thread lock: the guard (in std's `Result`), which stands for what it
    // guards where a rule asks (a `MutexGuard<File>` written to is a file written to).
    if let Some(kind) = lock_kind_of_path(path)
        && kind.is_blocking()
        && kind.acquires(method)
    {
        return Some(thread_guard(kind, method, args.first().cloned()));
    }
    // `listener.accept()`: the connection and its peer's address.
    if method == "accept" && path.ends_with("Listener") && SOCKET_TYPES.contains(&path.as_str()) {
        let stream = path.replace("Listener", "Stream");
        let addr = if path.contains("unix") {
            "std::os::unix::net::SocketAddr"
        } else {
            "std::net::SocketAddr"
        };
        return Some(Ty::Tuple(vec![Ty::path(&stream), Ty::path(addr)]));
    }
    // An element taken out of a collection (`if let Some((_, reply)) = pending.remove(&id)`),
    // through the `Option` that `Some(..)` patterns look through.
    if COLLECTIONS.contains(&path.as_str())
        && matches!(
            method,
            "remove" | "pop" | "pop_front" | "pop_back" | "swap_remove" | "shift_remove"
        )
    {
        return Some(recv.element());
    }
    let receiver = match (path.as_str(), method) {
        ("tokio::sync::broadcast::Sender", "subscribe")
        | ("tokio::sync::broadcast::Receiver", "resubscribe") => "tokio::sync::broadcast::Receiver",
        ("tokio::sync::watch::Sender", "subscribe") => "tokio::sync::watch::Receiver",
        _ => return None,
    };
    Some(Ty::Path {
        path: receiver.into(),
        args: args.clone(),
    })
}

/// The guard a blocking acquisition of `kind` hands out (in a `Result` for std's locks).
fn thread_guard(kind: LockKind, method: &str, inner: Option<Ty>) -> Ty {
    let write = method.contains("write") || method.contains("upgradable");
    let path = match kind {
        LockKind::StdMutex => "std::sync::MutexGuard",
        LockKind::StdRwLock if write => "std::sync::RwLockWriteGuard",
        LockKind::StdRwLock => "std::sync::RwLockReadGuard",
        LockKind::ParkingLotMutex => "parking_lot::MutexGuard",
        LockKind::ParkingLotRwLock if write => "parking_lot::RwLockWriteGuard",
        LockKind::ParkingLotRwLock => "parking_lot::RwLockReadGuard",
        LockKind::RefCell if method == "borrow_mut" => "std::cell::RefMut",
        _ => "std::cell::Ref",
    };
    let guard = Ty::Path {
        path: path.into(),
        args: inner.into_iter().collect(),
    };
    if matches!(kind, LockKind::StdMutex | LockKind::StdRwLock) {
        Ty::Path {
            path: "std::result::Result".into(),
            args: vec![guard],
        }
    } else {
        guard
    }
}

/// Wrappers whose constructor's type is its argument's type for racewise's purposes.
pub(crate) const WRAPPER_CTORS: &[&str] = &[
    "std::sync::Arc::new",
    "std::rc::Rc::new",
    "std::boxed::Box::new",
    "std::pin::Pin::new",
    "std::sync::Arc::clone",
    "std::rc::Rc::clone",
    "std::option::Option::Some",
    "std::result::Result::Ok",
    "std::boxed::Box::pin",
    "std::sync::Arc::from",
    // `Arc::downgrade(&state)`: a `Weak` of the same value (`Weak` is as transparent as `Arc`;
    // its `upgrade()` gives the value back).
    "std::sync::Arc::downgrade",
    "std::rc::Rc::downgrade",
];

/// Whether `path::name` is one of the [`WRAPPER_CTORS`].
pub fn is_transparent_ctor(path: &str, name: &str) -> bool {
    WRAPPER_CTORS
        .iter()
        .any(|c| c.strip_suffix(name).and_then(|p| p.strip_suffix("::")) == Some(path))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn awaiting_gives_a_futures_output_and_nothing_else() {
        let timeline = Ty::path("crate::tenant::Timeline");
        let fut = Ty::future(timeline.clone());
        assert_eq!(fut.future_output(), timeline);
        // What an async fn's call gives, once awaited.
        assert_eq!(
            TyExpr::Known(fut).awaited(),
            TyExpr::Known(timeline.clone())
        );
        // A `JoinHandle` (or any other known type) is not typed through `.await`.
        let handle = Ty::Path {
            path: "tokio::task::JoinHandle".into(),
            args: vec![timeline.clone()],
        };
        assert_eq!(TyExpr::Known(handle).awaited(), TyExpr::Unknown);
        assert_eq!(TyExpr::Unknown.awaited(), TyExpr::Unknown);
        // A call the crate index settles waits for it.
        let call = TyExpr::MethodRet(Arc::new(TyExpr::Known(timeline)), "load".into());
        assert_eq!(
            call.clone().awaited(),
            TyExpr::Awaited(Arc::new(call.clone()))
        );
        assert!(call.may_be_crate_type());
    }

    #[test]
    fn element_methods_reach_a_collections_element_only() {
        let jobs = Ty::Path {
            path: "std::vec::Vec".into(),
            args: vec![Ty::path("crate::Job")],
        };
        assert_eq!(
            known_method_ret(&jobs, "first"),
            Some(Ty::path("crate::Job"))
        );
        assert_eq!(known_method_ret(&Ty::path("crate::Registry"), "get"), None);
    }

    #[test]
    fn an_options_or_results_element_is_its_value() {
        let cert = Ty::path("crate::TlsCertConfig");
        let opt = Ty::Path {
            path: "std::option::Option".into(),
            args: vec![cert.clone()],
        };
        assert_eq!(opt.element(), cert);
        let res = Ty::Path {
            path: "std::result::Result".into(),
            args: vec![cert.clone(), Ty::path("crate::Error")],
        };
        assert_eq!(res.element(), cert);
        // An `Option` of a collection: the collection (`opt.map(|v| v.len())`).
        let jobs = Ty::Path {
            path: "std::vec::Vec".into(),
            args: vec![cert.clone()],
        };
        let opt_jobs = Ty::Path {
            path: "std::option::Option".into(),
            args: vec![jobs.clone()],
        };
        assert_eq!(opt_jobs.element(), jobs);
        assert_eq!(jobs.element(), cert);
        assert_eq!(cert.element(), Ty::Unknown);
    }
}
