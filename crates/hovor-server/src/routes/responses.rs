//! Standard responses at the desk: Find and `#`, favourites, the category tree, a conversation's
//! suggestion categories (Select category) and the values its placeholders are filled with.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use hovor_types::customer::LANGUAGES;
use hovor_types::error::{ErrorBody, FieldError, Rule};
use hovor_types::response::{ResponseCategory, SelectCategory, SuggestedResponse, validate_query};
use serde::Deserialize;

use crate::extract::{AppJson, AppPath, AppQuery, Visible};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::change::Change;
use crate::error::AppResult;
use crate::store::conversations as conversation_store;
use crate::store::{placeholders, response_admin, responses};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Words, or `#` and a shortcut; blank lists favourites, then the library.
    #[serde(default)]
    pub q: String,
    /// Only responses in this language.
    pub language: Option<String>,
    /// Only responses in the language this conversation's customer writes in (when `language` is not
    /// given).
    pub conversation: Option<i64>,
}

/// Find and `#`: the agent's matching favourites first, then the other matches, each ranked.
#[utoipa::path(get, path = "/api/responses", tag = "responses", params(SearchQuery),
    responses((status = 200, body = Vec<SuggestedResponse>), (status = 422, body = ErrorBody)))]
pub async fn search(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    AppQuery(q): AppQuery<SearchQuery>,
) -> AppResult<Json<Vec<SuggestedResponse>>> {
    let query = validate_query(&q.q)?;
    if q.language.as_deref().is_some_and(|l| !LANGUAGES.contains(&l)) {
        return Err(FieldError::new("language", Rule::NotAnOption).into());
    }
    let language = match (q.language, q.conversation) {
        (Some(language), _) => Some(language),
        (None, Some(id)) => {
            let c = conversation_store::visible(&state.pool, me.id, id).await?;
            Some(responses::reply_language(&state.pool, &c).await?)
        }
        (None, None) => None,
    };
    let library = state.responses.current(&state.pool).await?;
    let favourites = responses::favourite_ids(&state.pool, me.id).await?;
    let found = library.search(query, language.as_deref(), &favourites);
    Ok(Json(found.into_iter().map(|hit| library.shown(hit, &favourites)).collect()))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FavouritesQuery {
    /// Only favourites in the language this conversation's customer writes in.
    pub conversation: Option<i64>,
}

/// The signed-in agent's favourites, the most recently added first.
#[utoipa::path(get, path = "/api/responses/favourites", tag = "responses", params(FavouritesQuery),
    responses((status = 200, body = Vec<SuggestedResponse>), (status = 404, body = ErrorBody)))]
pub async fn favourites(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    AppQuery(q): AppQuery<FavouritesQuery>,
) -> AppResult<Json<Vec<SuggestedResponse>>> {
    let language = match q.conversation {
        Some(id) => {
            let c = conversation_store::visible(&state.pool, me.id, id).await?;
            Some(responses::reply_language(&state.pool, &c).await?)
        }
        None => None,
    };
    Ok(Json(responses::favourites(&state.pool, &state.responses, me.id, language.as_deref()).await?))
}

/// Add favourite: the response joins the agent's favourites (adding one twice is no change).
#[utoipa::path(put, path = "/api/responses/{id}/favourite", tag = "responses", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_favourite(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    AppPath(id): AppPath<i64>,
) -> AppResult<StatusCode> {
    let mut change = Change::begin(&state).await?;
    responses::add_favourite(&mut change, me.id, id).await?;
    change.commit(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Remove: only a favourite can be removed (404 otherwise).
#[utoipa::path(delete, path = "/api/responses/{id}/favourite", tag = "responses", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn remove_favourite(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    AppPath(id): AppPath<i64>,
) -> AppResult<StatusCode> {
    responses::remove_favourite(&state.pool, me.id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The category tree (flat; each category names its parent).
#[utoipa::path(get, path = "/api/response-categories", tag = "responses",
    responses((status = 200, body = Vec<ResponseCategory>)))]
pub async fn categories(
    State(state): State<AppState>,
    CurrentUser(_): CurrentUser,
) -> AppResult<Json<Vec<ResponseCategory>>> {
    let mut conn = state.pool.acquire().await?;
    Ok(Json(response_admin::categories(&mut conn).await?))
}

/// The categories the conversation's auto-suggestions draw from.
#[utoipa::path(get, path = "/api/conversations/{id}/categories", tag = "responses", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<i64>), (status = 404, body = ErrorBody)))]
pub async fn conversation_categories(
    State(state): State<AppState>,
    Visible { conversation: c, .. }: Visible,
) -> AppResult<Json<Vec<i64>>> {
    Ok(Json(responses::conversation_categories(&state.pool, c.id).await?))
}

/// Select category: the category (and those under it) joins the conversation's auto-suggestions.
#[utoipa::path(post, path = "/api/conversations/{id}/categories", tag = "responses", params(("id" = i64, Path)),
    request_body = SelectCategory,
    responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn select_category(
    State(state): State<AppState>,
    Visible { conversation: c, .. }: Visible,
    AppJson(request): AppJson<SelectCategory>,
) -> AppResult<StatusCode> {
    let mut change = Change::begin(&state).await?;
    responses::select_category(&mut change, c.id, request.category_id).await?;
    change.commit(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Takes a category out of the conversation's auto-suggestions.
#[utoipa::path(delete, path = "/api/conversations/{id}/categories/{category_id}", tag = "responses",
    params(("id" = i64, Path), ("category_id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn remove_category(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    AppPath((id, category_id)): AppPath<(i64, i64)>,
) -> AppResult<StatusCode> {
    let c = conversation_store::visible(&state.pool, me.id, id).await?;
    let mut change = Change::begin(&state).await?;
    responses::remove_category(&mut change, c.id, category_id).await?;
    change.commit(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The values placeholders such as `{{contact.first_name}}` take in this conversation; a key without a
/// value is absent.
#[utoipa::path(get, path = "/api/conversations/{id}/placeholders", tag = "responses", params(("id" = i64, Path)),
    responses((status = 200, body = BTreeMap<String, String>), (status = 404, body = ErrorBody)))]
pub async fn placeholder_values(
    State(state): State<AppState>,
    Visible { me, conversation: c }: Visible,
) -> AppResult<Json<BTreeMap<String, String>>> {
    Ok(Json(placeholders::values(&state.pool, &c, &me.display_name).await?))
}

/// This module's routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(search))
        .routes(routes!(favourites))
        .routes(routes!(add_favourite, remove_favourite))
        .routes(routes!(categories))
        .routes(routes!(conversation_categories, select_category))
        .routes(routes!(remove_category))
        .routes(routes!(placeholder_values))
}
