//! Token cache (legacy code, still holds a std guard across the refresh).
// Positive: file-level allow; this module really holds a guard across an await.
#![allow(clippy::await_holding_lock)] //~ broad_lint_allow

use std::collections::HashMap;
use std::sync::Mutex;

pub struct TokenCache {
    tokens: Mutex<HashMap<String, String>>,
    http: reqwest::Client,
}

impl TokenCache {
    pub async fn get(&self, user: &str) -> String {
        let mut tokens = self.tokens.lock().unwrap();
        if let Some(t) = tokens.get(user) {
            return t.clone();
        }
        let fresh = crate::state::fetch_token(&self.http, user).await;
        tokens.insert(user.to_string(), fresh.clone());
        fresh
    }
}
