//! The API: every route, its OpenAPI description, and the access rule it applies.

mod accounts;
mod admin;
mod cases;
mod chat;
mod collaboration;
mod contacts;
mod conversations;
mod details;
mod directory;
mod email;
mod events;
mod response_admin;
mod responses;
mod routing;
mod session;
mod session_data;
mod system;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use tower_http::limit::RequestBodyLimitLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::openapi::ApiDoc;

/// Largest JSON request the API accepts.
pub const BODY_LIMIT_BYTES: usize = 256 * 1024;

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
        .routes(routes!(responses::search))
        .routes(routes!(responses::favourites))
        .routes(routes!(responses::add_favourite, responses::remove_favourite))
        .routes(routes!(responses::categories))
        .routes(routes!(responses::conversation_categories, responses::select_category))
        .routes(routes!(responses::remove_category))
        .routes(routes!(responses::placeholder_values))
        .routes(routes!(response_admin::list, response_admin::create))
        .routes(routes!(response_admin::update, response_admin::delete))
        .routes(routes!(response_admin::response_audit))
        .routes(routes!(response_admin::create_category))
        .routes(routes!(response_admin::update_category, response_admin::delete_category))
        .routes(routes!(response_admin::category_audit))
        .routes(routes!(conversations::set_contact))
        .routes(routes!(conversations::outbound))
        .routes(routes!(conversations::add_note))
        .routes(routes!(directory::search))
        .routes(routes!(contacts::create))
        .routes(routes!(contacts::get, contacts::update, contacts::remove))
        .routes(routes!(details::contact_add_detail))
        .routes(routes!(details::contact_set_default))
        .routes(routes!(details::contact_remove_detail))
        .routes(routes!(details::contact_add_address))
        .routes(routes!(details::contact_update_address, details::contact_remove_address))
        .routes(routes!(details::account_add_detail))
        .routes(routes!(details::account_set_default))
        .routes(routes!(details::account_remove_detail))
        .routes(routes!(details::account_add_address))
        .routes(routes!(details::account_update_address, details::account_remove_address))
        .routes(routes!(contacts::audit_trail))
        .routes(routes!(contacts::merge))
        .routes(routes!(contacts::list_merges))
        .routes(routes!(contacts::undo_merge))
        .routes(routes!(contacts::history_page))
        .routes(routes!(contacts::transcript))
        .routes(routes!(accounts::create))
        .routes(routes!(accounts::get, accounts::update, accounts::remove))
        .routes(routes!(accounts::audit_trail))
        .routes(routes!(cases::search, cases::create))
        .routes(routes!(cases::update))
        .routes(routes!(cases::audit_trail))
        .routes(routes!(cases::link))
        .routes(routes!(session_data::session))
        .routes(routes!(session_data::audit_trail))
        .routes(routes!(session_data::add_tag))
        .routes(routes!(session_data::remove_tag))
        .routes(routes!(session_data::operator_note))
        .routes(routes!(session_data::parameter))
        .routes(routes!(session_data::custom_data))
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
        .routes(routes!(admin::tag_rules, admin::add_tag_rule))
        .routes(routes!(admin::remove_tag_rule))
        .routes(routes!(admin::tag_colours))
        .routes(routes!(email::thread, email::send))
        .routes(routes!(collaboration::view))
        .routes(routes!(collaboration::invite))
        .routes(routes!(collaboration::delete_invitation))
        .routes(routes!(collaboration::mine))
        .routes(routes!(collaboration::accept))
        .routes(routes!(collaboration::decline))
        .routes(routes!(collaboration::propose))
        .routes(routes!(collaboration::add_collaborator))
        .routes(routes!(collaboration::remove_collaborator))
        .layer(RequestBodyLimitLayer::new(BODY_LIMIT_BYTES))
        // Raw email is larger than any JSON request: it has its own limit.
        .routes(routes!(email::inbound))
        .layer(DefaultBodyLimit::max(crate::email::incoming::RAW_MAX_BYTES))
        .with_state(state)
        .split_for_parts();
    Ok(router.merge(system::openapi_route(api)?))
}
