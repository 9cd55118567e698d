use std::collections::HashMap;
use std::sync::Mutex;

#[derive(Debug, Clone)]
pub struct Session {
    pub user: String,
    pub token: String,
}

// Negative: an allow on a struct covers no code that could await.
#[allow(clippy::await_holding_lock)]
pub struct SessionStore {
    pub sessions: Mutex<HashMap<u64, Session>>,
    pub http: reqwest::Client,
}

pub async fn fetch_token(http: &reqwest::Client, user: &str) -> String {
    match http.get(format!("http://auth.internal/token/{user}")).send().await {
        Ok(r) => r.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    }
}
