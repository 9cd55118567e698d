//! A DNS-style cache in front of a slow resolver.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

pub enum Command {
    Get(String),
    Refresh(String),
}

pub enum Reply {
    Addr(Option<IpAddr>),
}

pub struct Resolver {
    entries: Mutex<HashMap<String, IpAddr>>,
    http: reqwest::Client,
}

impl Resolver {
    async fn resolve(&self, host: &str) -> Option<IpAddr> {
        let resp = self.http.get(format!("http://dns.internal/{host}")).send().await.ok()?;
        resp.text().await.ok()?.parse().ok()
    }

    // Positive: `match` scrutinee temporaries live to the end of the match, `.cloned()` or not.
    pub async fn lookup(&self, host: &str) -> Option<IpAddr> {
        match self.entries.lock().unwrap().get(host).cloned() { //~ lock_across_await
            Some(ip) => Some(ip),
            None => self.resolve(host).await,
        }
    }

    // Negative: the cached value is copied into a local first; the match holds no guard.
    pub async fn lookup_fixed(&self, host: &str) -> Option<IpAddr> {
        let cached = self.entries.lock().unwrap().get(host).cloned();
        match cached {
            Some(ip) => Some(ip),
            None => self.resolve(host).await,
        }
    }

    // Negative: the guard lives in one `match` arm, the await in another.
    pub async fn handle(&self, cmd: Command) -> Reply {
        match cmd {
            Command::Get(host) => {
                let entries = self.entries.lock().unwrap();
                Reply::Addr(entries.get(&host).copied())
            }
            Command::Refresh(host) => {
                let ip = self.resolve(&host).await;
                Reply::Addr(ip)
            }
        }
    }

    // Negative: the branch holding the `if let` guard returns; the await comes after the `if let` ends.
    pub async fn get_or_resolve(&self, host: &str) -> Option<IpAddr> {
        if let Some(ip) = self.entries.lock().unwrap().get(host) {
            return Some(*ip);
        }
        let ip = self.resolve(host).await?;
        self.entries.lock().unwrap().insert(host.to_owned(), ip);
        Some(ip)
    }

    // Positive: a `?` on the lock result still yields a live guard.
    pub async fn refresh(&self, host: &str) -> anyhow::Result<()> {
        let mut entries = self.entries.lock().map_err(|_| anyhow::anyhow!("resolver cache poisoned"))?; //~ lock_across_await
        if let Some(ip) = self.resolve(host).await {
            entries.insert(host.to_owned(), ip);
        }
        Ok(())
    }
}
