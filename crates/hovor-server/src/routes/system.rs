//! Health and the OpenAPI document: open to everyone.

use axum::routing::get;
use axum::{Json, Router};

/// Answers 200 once the server accepts requests (the database is open and migrated by then).
#[utoipa::path(get, path = "/api/health", tag = "system", security(()),
    responses((status = 200, description = "Ready", body = String)))]
pub async fn health() -> &'static str {
    "ok"
}

/// `GET /api/openapi.json`.
pub fn openapi_route(api: utoipa::openapi::OpenApi) -> Router {
    Router::new().route("/api/openapi.json", get(move || async move { Json(api) }))
}
