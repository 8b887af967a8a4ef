//! The API: every route, its OpenAPI description, and the access rule it applies. Each module serves
//! one area and lists its own routes in its `router()`.

mod accounts;
mod admin;
mod call_data;
mod callbacks;
mod cases;
mod chat;
mod collaboration;
mod contacts;
mod conversations;
mod details;
mod directory;
mod email;
mod embed;
mod events;
mod feedback;
mod listings;
mod phone;
mod quality;
mod response_admin;
mod responses;
mod retention;
mod routing;
mod session;
mod session_data;
mod supervisor;
mod system;
mod translations;
mod voice;

use axum::Router;
use tower_http::limit::RequestBodyLimitLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::AppState;
use crate::openapi::ApiDoc;

/// Largest JSON request the API accepts.
pub const BODY_LIMIT_BYTES: usize = 256 * 1024;

/// Every route with its description, before the state is attached.
fn api() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(system::router())
        .merge(session::router())
        .merge(embed::router())
        .merge(conversations::router())
        .merge(responses::router())
        .merge(response_admin::router())
        .merge(directory::router())
        .merge(contacts::router())
        .merge(details::router())
        .merge(accounts::router())
        .merge(cases::router())
        .merge(session_data::router())
        .merge(events::router())
        .merge(routing::router())
        .merge(chat::router())
        .merge(feedback::router())
        .merge(admin::router())
        .merge(translations::router())
        .merge(email::router())
        .merge(collaboration::router())
        .merge(voice::router())
        .merge(call_data::router())
        .merge(callbacks::router())
        .merge(supervisor::router())
        .merge(listings::router())
        .merge(quality::router())
        .merge(retention::router())
        .merge(phone::router())
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT_BYTES))
        .merge(email::gateway_router())
}

pub fn api_router(state: AppState) -> anyhow::Result<Router> {
    let (router, api) = api().with_state(state).split_for_parts();
    Ok(router.merge(system::openapi_route(crate::openapi::finish(api))?))
}

/// The OpenAPI document, as `/api/openapi.json` serves it.
pub fn openapi_document() -> anyhow::Result<utoipa::openapi::OpenApi> {
    Ok(crate::openapi::finish(api().split_for_parts().1))
}
