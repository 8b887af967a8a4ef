//! The API: every route, its OpenAPI description, and the access rule it applies.

mod conversations;
mod events;
mod session;
mod system;

use axum::Router;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::openapi::ApiDoc;

pub fn api_router(state: AppState) -> anyhow::Result<Router> {
    let (router, api) = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(system::health))
        .routes(routes!(session::sign_in, session::sign_out, session::current))
        .routes(routes!(conversations::tasks))
        .routes(routes!(conversations::summary))
        .routes(routes!(conversations::customer))
        .routes(routes!(conversations::cases))
        .routes(routes!(conversations::timeline))
        .routes(routes!(conversations::send_message))
        .routes(routes!(conversations::suggestions))
        .routes(routes!(events::stream))
        .with_state(state)
        .split_for_parts();
    Ok(router.merge(system::openapi_route(api)?))
}
