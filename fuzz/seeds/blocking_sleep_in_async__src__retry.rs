use std::thread;
use std::time::Duration;

use tracing::warn;

use crate::util;

// Positive: `thread::sleep` in an async retry loop parks the whole runtime worker.
pub async fn fetch_with_retry(client: &reqwest::Client, url: &str) -> reqwest::Result<String> {
    let mut attempt = 0;
    loop {
        match client.get(url).send().await {
            Ok(resp) => return resp.text().await,
            Err(err) if attempt < 4 => {
                warn!("attempt {attempt} for {url} failed: {err}");
                thread::sleep(util::backoff(attempt)); //~ blocking_sleep_in_async
                attempt += 1;
            }
            Err(err) => return Err(err),
        }
    }
}

// Negative: the fixed version awaits `tokio::time::sleep`.
pub async fn fetch_with_backoff(client: &reqwest::Client, url: &str) -> reqwest::Result<String> {
    let mut attempt = 0;
    loop {
        match client.get(url).send().await {
            Ok(resp) => return resp.text().await,
            Err(err) if attempt < 4 => {
                warn!("attempt {attempt} for {url} failed: {err}");
                tokio::time::sleep(util::backoff(attempt)).await;
                attempt += 1;
            }
            Err(err) => return Err(err),
        }
    }
}

// Negative: the blocking client is used from sync code, where sleeping is expected.
pub fn fetch_blocking(client: &reqwest::blocking::Client, url: &str) -> reqwest::Result<String> {
    let mut attempt = 0;
    loop {
        match client.get(url).send() {
            Ok(resp) => return resp.text(),
            Err(_) if attempt < 4 => {
                thread::sleep(util::backoff(attempt));
                attempt += 1;
            }
            Err(err) => return Err(err),
        }
    }
}

// Negative: `util::sleep` is the crate's own async sleep, not `std::thread::sleep`.
pub async fn fetch_with_jitter(client: &reqwest::Client, url: &str) -> reqwest::Result<String> {
    for attempt in 0..4 {
        if let Ok(resp) = client.get(url).send().await {
            return resp.text().await;
        }
        util::sleep(util::backoff(attempt)).await;
    }
    client.get(url).send().await?.text().await
}

// Positive: a closure nested in an async fn runs on the runtime thread.
pub async fn pace_requests(client: &reqwest::Client, urls: &[String], gap: Duration) -> usize {
    let started: Vec<_> = urls
        .iter()
        .map(|url| {
            thread::sleep(gap); //~ blocking_sleep_in_async
            client.get(url).send()
        })
        .collect();
    let mut ok = 0;
    for fut in started {
        if fut.await.is_ok() {
            ok += 1;
        }
    }
    ok
}
