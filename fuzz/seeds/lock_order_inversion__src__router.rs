//! Request router: route table and backend list behind parking_lot RwLocks, plus a scoped-thread
//! rebuild on fn-local mutexes.

use std::sync::Mutex;

use parking_lot::RwLock;

pub struct Router {
    routes: RwLock<Vec<String>>,
    backends: RwLock<Vec<String>>,
    cache: RwLock<Vec<String>>,
}

pub trait Store {
    fn lock(&self) -> Box<dyn std::any::Any + '_>;
}

impl Router {
    // Positive: both orders in one function, on different branches: two sites of one cycle.
    pub fn sync(&self, forward: bool) {
        if forward {
            let routes = self.routes.write();
            let backends = self.backends.read(); //~ lock_order_inversion
            let _ = (routes.len(), backends.len());
        } else {
            let backends = self.backends.write();
            let routes = self.routes.read(); //~ lock_order_inversion
            let _ = (routes.len(), backends.len());
        }
    }

    // Positive: read/read is still part of the cycle: with writers queued on both locks, the
    // readers wait too.
    pub fn describe(&self) -> String {
        let backends = self.backends.read();
        let routes = self.routes.read(); //~ lock_order_inversion
        format!("{} routes over {} backends", routes.len(), backends.len())
    }

    // Negative: routes → cache only; cache never leads back.
    pub fn refresh_cache(&self) {
        let routes = self.routes.read();
        let mut cache = self.cache.write();
        cache.clone_from(&routes);
    }
}

// Positive: two scoped threads take the same fn-local mutexes in opposite orders.
pub fn rebuild(parts: Vec<String>) -> usize {
    let names = Mutex::new(Vec::<String>::new());
    let sizes = Mutex::new(Vec::<usize>::new());
    std::thread::scope(|s| {
        s.spawn(|| {
            let mut n = names.lock().unwrap();
            let mut z = sizes.lock().unwrap(); //~ lock_order_inversion
            n.extend(parts.iter().cloned());
            z.extend(parts.iter().map(|p| p.len()));
        });
        s.spawn(|| {
            let z = sizes.lock().unwrap();
            let n = names.lock().unwrap(); //~ lock_order_inversion
            let _ = (n.len(), z.len());
        });
    });
    names.into_inner().unwrap().len()
}

// Negative: receivers of trait-object type: whatever `lock` means there, racewise cannot name it.
pub fn merge(a: &dyn Store, b: &dyn Store) {
    let x = a.lock();
    let y = b.lock();
    let _ = (x, y);
    let y = b.lock();
    let x = a.lock();
    let _ = (x, y);
}
