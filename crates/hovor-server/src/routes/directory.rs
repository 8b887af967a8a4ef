//! The directory search: contacts and accounts in one list. Any signed-in user may search it.

use axum::Json;
use axum::extract::State;
use hovor_types::directory::{DirectoryPage, search_terms, validate_query};
use hovor_types::error::ErrorBody;
use serde::Deserialize;

use crate::extract::AppQuery;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::AppResult;
use crate::store::directory;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DirectoryQuery {
    /// Words of a name, an email or identifier, or a phone number in any spacing; empty lists everything.
    q: Option<String>,
    /// Zero-based page.
    page: Option<u32>,
}

/// Contacts and accounts whose names, emails, identifiers or phones contain every word of `q`,
/// ignoring case and diacritics, by name.
#[utoipa::path(get, path = "/api/directory", tag = "directory", params(DirectoryQuery),
    responses((status = 200, body = DirectoryPage), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn search(
    State(state): State<AppState>,
    CurrentUser(_): CurrentUser,
    AppQuery(q): AppQuery<DirectoryQuery>,
) -> AppResult<Json<DirectoryPage>> {
    let query = q.q.unwrap_or_default();
    validate_query(&query)?;
    let mut conn = state.pool.acquire().await?;
    Ok(Json(directory::page(&mut conn, &search_terms(&query), q.page.unwrap_or(0)).await?))
}

/// `?version=N`, for removals: a DELETE has no body.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionQuery {
    /// The version of the record the removal was decided on.
    pub version: Option<i64>,
}

/// This module's routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(search))
}
