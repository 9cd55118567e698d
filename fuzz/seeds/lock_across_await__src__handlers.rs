use std::sync::Arc;
use std::time::Instant;

use axum::extract::{Json, Path, State};
use axum::http::StatusCode;

use crate::state::{AppState, Message, Peer, PeerId, SessionId};

async fn refresh_token(http: &reqwest::Client, token: &str) -> String {
    match http.post("http://auth.internal/refresh").body(token.to_owned()).send().await {
        Ok(resp) => resp.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    }
}

async fn revoke_token(http: &reqwest::Client, token: &str) {
    let _ = http.post("http://auth.internal/revoke").body(token.to_owned()).send().await;
}

async fn enrich(http: &reqwest::Client, mut msg: Message) -> Message {
    if let Ok(resp) = http.get("http://geo.internal/lookup").send().await {
        msg.body.push_str(&resp.text().await.unwrap_or_default());
    }
    msg
}

async fn generate_key(http: &reqwest::Client) -> String {
    match http.post("http://kms.internal/keys").send().await {
        Ok(resp) => resp.text().await.unwrap_or_default(),
        Err(_) => String::new(),
    }
}

// Positive: the classic: a std guard bound with `let` and held across a network call.
pub async fn refresh_session(State(state): State<Arc<AppState>>, Path(id): Path<SessionId>) -> StatusCode {
    let mut sessions = state.sessions.lock().unwrap(); //~ lock_across_await
    let Some(session) = sessions.get_mut(&id) else {
        return StatusCode::NOT_FOUND;
    };
    session.token = refresh_token(&state.http, &session.token).await;
    StatusCode::OK
}

// Negative: the guard is dropped with `drop(..)` before the await.
pub async fn logout(State(state): State<Arc<AppState>>, Path(id): Path<SessionId>) -> StatusCode {
    let mut sessions = state.sessions.lock().unwrap();
    let removed = sessions.remove(&id);
    drop(sessions);
    if let Some(session) = removed {
        revoke_token(&state.http, &session.token).await;
    }
    StatusCode::NO_CONTENT
}

// Positive: a std `RwLock` read guard held while calling the upstream.
pub async fn proxy(State(state): State<Arc<AppState>>, Json(req): Json<serde_json::Value>) -> Result<String, StatusCode> {
    let cfg = state.config.read().unwrap(); //~ lock_across_await
    let resp = state.http.post(&cfg.upstream_url).json(&req).send().await.map_err(|_| StatusCode::BAD_GATEWAY)?;
    resp.text().await.map_err(|_| StatusCode::BAD_GATEWAY)
}

// Negative: the URL is copied out inside a block expression; the guard dies with the block.
pub async fn proxy_fixed(State(state): State<Arc<AppState>>, Json(req): Json<serde_json::Value>) -> Result<String, StatusCode> {
    let upstream = {
        let cfg = state.config.read().unwrap();
        cfg.upstream_url.clone()
    };
    let resp = state.http.post(&upstream).json(&req).send().await.map_err(|_| StatusCode::BAD_GATEWAY)?;
    resp.text().await.map_err(|_| StatusCode::BAD_GATEWAY)
}

// Negative: the temporary guard is dropped at the end of the `let` statement.
pub async fn session_count(State(state): State<Arc<AppState>>) -> String {
    let n = state.sessions.lock().unwrap().len();
    let _ = state.http.post("http://metrics.internal/gauge").body(n.to_string()).send().await;
    n.to_string()
}

// Positive: the receiver's temporary guard is still alive while the argument is awaited.
pub async fn append_event(State(state): State<Arc<AppState>>, Json(msg): Json<Message>) -> StatusCode {
    state.inner.events.lock().unwrap().push(enrich(&state.http, msg).await); //~ lock_across_await
    StatusCode::ACCEPTED
}

// Negative: temporaries in an `if` condition are dropped before the body runs.
pub async fn kick(State(state): State<Arc<AppState>>) -> StatusCode {
    if state.queue.lock().unwrap().is_empty() {
        let _ = state.http.post("http://workers.internal/idle").send().await;
    }
    StatusCode::OK
}

// Positive: an `if let` scrutinee's temporary guard lives through the whole body.
pub async fn push_to_session(State(state): State<Arc<AppState>>, Path(id): Path<SessionId>, Json(msg): Json<Message>) -> StatusCode {
    if let Some(session) = state.sessions.lock().unwrap().get(&id) { //~ lock_across_await
        let _ = session.tx.send(msg).await;
        return StatusCode::OK;
    }
    StatusCode::NOT_FOUND
}

// Negative: `peers` is a tokio mutex; holding its guard across `.await` is what it is for.
pub async fn connect_peer(State(state): State<Arc<AppState>>, Path(peer_id): Path<PeerId>) -> StatusCode {
    let mut peers = state.peers.lock().await;
    let peer = peers.entry(peer_id.clone()).or_insert_with(|| Peer { addr: peer_id });
    match peer.connect().await {
        Ok(()) => StatusCode::OK,
        Err(_) => StatusCode::BAD_GATEWAY,
    }
}

// Positive: a parking_lot guard held across an await.
pub async fn health(State(state): State<Arc<AppState>>) -> StatusCode {
    let mut metrics = state.metrics.lock(); //~ lock_across_await
    let started = Instant::now();
    let ok = state.http.get("http://upstream.internal/health").send().await.is_ok();
    metrics.observe(started.elapsed());
    if ok { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE }
}

// Positive: a `_`-prefixed binding still owns the guard until the end of the scope.
pub async fn rotate_keys(State(state): State<Arc<AppState>>) -> StatusCode {
    let _serialize = state.inner.rotation.lock().unwrap(); //~ lock_across_await
    let key = generate_key(&state.http).await;
    state.inner.keys.write().unwrap().push(key);
    StatusCode::OK
}

// Negative: `let _ = ..` drops the guard at once (used here to wait out a rotation in progress).
pub async fn wait_for_rotation(State(state): State<Arc<AppState>>) -> StatusCode {
    let _ = state.inner.rotation.lock();
    let _ = state.http.get("http://kms.internal/ping").send().await;
    StatusCode::OK
}

// Negative: the guard is taken only after the await.
pub async fn publish(State(state): State<Arc<AppState>>, Json(msg): Json<Message>) -> StatusCode {
    let msg = enrich(&state.http, msg).await;
    let mut queue = state.queue.lock().unwrap();
    queue.push_back(msg);
    StatusCode::ACCEPTED
}

// Negative: `routes` is a tokio `RwLock`.
pub async fn route(State(state): State<Arc<AppState>>, Path(topic): Path<String>) -> Result<String, StatusCode> {
    let routes = state.routes.read().await;
    let target = routes.get(&topic).ok_or(StatusCode::NOT_FOUND)?;
    let resp = state.http.get(target).send().await.map_err(|_| StatusCode::BAD_GATEWAY)?;
    resp.text().await.map_err(|_| StatusCode::BAD_GATEWAY)
}

// Negative: one arm returns while holding the guard; the arm that awaits dropped it first.
pub async fn session_token(State(state): State<Arc<AppState>>, Path(id): Path<SessionId>) -> Result<String, StatusCode> {
    let sessions = state.sessions.lock().unwrap();
    match sessions.get(&id) {
        Some(session) if !session.expired() => return Ok(session.token.clone()),
        _ => {
            drop(sessions);
            let token = refresh_token(&state.http, "anonymous").await;
            Ok(token)
        }
    }
}
