//! The API: every route, its OpenAPI description, and the access rule it applies.

mod admin;
mod chat;
mod conversations;
mod events;
mod routing;
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
        .routes(routes!(conversations::drafts))
        .routes(routes!(conversations::save_draft))
        .routes(routes!(conversations::suggestions))
        .routes(routes!(events::stream))
        .routes(routes!(routing::status, routing::set_status))
        .routes(routes!(routing::list_offers))
        .routes(routes!(routing::accept))
        .routes(routes!(routing::decline))
        .routes(routes!(routing::end))
        .routes(routes!(routing::wrap_up_reasons))
        .routes(routes!(routing::wrap_up))
        .routes(routes!(routing::transfer_targets))
        .routes(routes!(routing::transfer))
        .routes(routes!(routing::typing))
        .routes(routes!(routing::focus))
        .routes(routes!(routing::interaction))
        .routes(routes!(chat::setup))
        .routes(routes!(chat::start))
        .routes(routes!(chat::conversation))
        .routes(routes!(chat::send_message))
        .routes(routes!(chat::typing))
        .routes(routes!(chat::self_service))
        .routes(routes!(chat::context))
        .routes(routes!(chat::end))
        .routes(routes!(chat::events))
        .routes(routes!(admin::set_capacity))
        .routes(routes!(admin::set_queue_routing))
        .with_state(state)
        .split_for_parts();
    Ok(router.merge(system::openapi_route(api)?))
}
