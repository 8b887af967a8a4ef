//! Configured texts in the desk's languages: every signed-in user reads them, administrators write them.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use hovor_types::customer::LANGUAGES;
use hovor_types::error::{ErrorBody, FieldError, Rule};
use hovor_types::translation::{Translation, Translations, validate_translation};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::admin::Admin;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::change::Change;
use crate::error::AppResult;
use crate::extract::{AppJson, AppPath};
use crate::store::translations;

/// The translations of configured texts (queues, survey questions, wrap-up reasons, tags, categories,
/// skills) into one of the desk's languages, keyed by the text as configured.
#[utoipa::path(get, path = "/api/translations/{language}", tag = "session", params(("language" = String, Path)),
    responses((status = 200, body = BTreeMap<String, String>), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn for_language(
    State(state): State<AppState>,
    _: CurrentUser,
    AppPath(language): AppPath<String>,
) -> AppResult<Json<Translations>> {
    if !LANGUAGES.contains(&language.as_str()) {
        return Err(FieldError::new("language", Rule::NotAnOption).into());
    }
    let mut conn = state.pool.acquire().await?;
    Ok(Json(translations::for_language(&mut conn, &language).await?))
}

/// A configured text in one language; replaces an earlier translation of it.
#[utoipa::path(put, path = "/api/admin/translations", tag = "admin", request_body = Translation,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set(
    State(state): State<AppState>,
    _: Admin,
    AppJson(translation): AppJson<Translation>,
) -> AppResult<StatusCode> {
    let translation = validate_translation(&translation)?;
    let mut change = Change::begin(&state).await?;
    translations::set(&mut change, &translation).await?;
    change.commit(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// This module's routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(for_language)).routes(routes!(set))
}
