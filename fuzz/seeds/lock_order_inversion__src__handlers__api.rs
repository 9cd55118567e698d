use axum::extract::Path;
use axum::http::StatusCode;

use crate::config::{CACHE, CONFIG};

// Positive: CACHE → CONFIG, the opposite of `config::reload`.
pub async fn lookup(Path(key): Path<String>) -> Result<String, StatusCode> {
    let mut cache = CACHE.lock().unwrap();
    let ttl = CONFIG.read().unwrap().ttl_secs; //~ lock_order_inversion
    if ttl == 0 {
        cache.clear();
    }
    cache.get(&key).cloned().ok_or(StatusCode::NOT_FOUND)
}

// Negative: CACHE then CONFIG, but the cache guard ends with its block.
pub async fn warm(Path(key): Path<String>) -> StatusCode {
    {
        let mut cache = crate::config::CACHE.lock().unwrap();
        cache.insert(key, String::new());
    }
    let _cfg = crate::config::CONFIG.read().unwrap();
    StatusCode::OK
}
