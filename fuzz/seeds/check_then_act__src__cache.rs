//! DNS resolver cache.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

pub struct Resolver {
    cache: Arc<Mutex<HashMap<String, IpAddr>>>,
}

fn lookup(_host: &str) -> IpAddr {
    IpAddr::from([127, 0, 0, 1])
}

impl Resolver {
    // Positive: cache miss checked under one acquisition, filled under another: concurrent
    // misses resolve twice and overwrite each other.
    pub fn resolve(&self, host: &str) -> IpAddr {
        if let Some(ip) = self.cache.lock().unwrap().get(host) {
            return *ip;
        }
        let ip = lookup(host);
        self.cache.lock().unwrap().insert(host.to_string(), ip); //~ check_then_act
        ip
    }

    // Negative: `entry` + `or_insert_with` under one acquisition.
    pub fn resolve_fixed(&self, host: &str) -> IpAddr {
        *self.cache.lock().unwrap().entry(host.to_string()).or_insert_with(|| lookup(host))
    }

    // Negative: the `if let` guard is still alive in the body: one acquisition, no second one.
    pub fn refresh(&self, host: &str) {
        if let Some(ip) = self.cache.lock().unwrap().get_mut(host) {
            *ip = lookup(host);
        }
    }
}
