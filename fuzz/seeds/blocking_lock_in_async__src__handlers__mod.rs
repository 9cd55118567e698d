pub mod admin;
pub mod jobs;

use std::sync::Arc;

use axum::routing::{get, post, put};
use axum::Router;

use crate::state::AppState;

pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/jobs", post(jobs::enqueue))
        .route("/jobs/status", post(jobs::batch_status))
        .route("/jobs/:id", get(jobs::get_job))
        .route("/queue/depth", get(jobs::queue_depth))
        .route("/whoami/:token", get(jobs::whoami))
        .route("/config", get(admin::get_config).put(admin::update_config))
        .route("/routes", get(admin::list_routes))
        .route("/metrics", get(admin::metrics))
        .route("/snapshot", get(admin::snapshot))
        .route("/maintenance", get(admin::maintenance))
        .route("/export", get(admin::export))
        .route("/audit/seal", put(admin::seal_audit))
        .route("/workers/:name", put(admin::register_worker))
        .with_state(state)
}
