//! Health and the OpenAPI document: open to everyone.

use std::sync::Arc;

use axum::Router;
use axum::http::header;
use axum::routing::get;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;

/// Answers 200 once the server accepts requests (the database is open and migrated by then).
#[utoipa::path(get, path = "/api/health", tag = "system", security(()),
    responses((status = 200, description = "Ready", body = String)))]
pub async fn health() -> &'static str {
    "ok"
}

/// `GET /api/openapi.json`. The document is serialized once and shared: handlers are cloned for every
/// connection, and a captured `OpenApi` value would be deep-copied each time (~450 KB).
pub fn openapi_route(api: utoipa::openapi::OpenApi) -> anyhow::Result<Router> {
    let json: Arc<str> = api.to_json()?.into();
    let handler = move || {
        let json = json.clone();
        async move { ([(header::CONTENT_TYPE, "application/json")], json.to_string()) }
    };
    Ok(Router::new().route("/api/openapi.json", get(handler)))
}

/// This module's routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(health))
}
