//! Administration of the standard responses library (admin only): categories and responses, audited.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use hovor_types::audit::{AuditEntry, AuditedRecord};
use hovor_types::error::ErrorBody;
use hovor_types::response::{
    CategoryFields, ResponseCategory, ResponseFields, StandardResponse, validate_response,
};
use serde::Deserialize;

use super::admin::Admin;
use crate::extract::{AppJson, AppPath, AppQuery};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::change::Change;
use crate::error::{AppError, AppResult};
use crate::store::audit::{self, Edit};
use crate::store::response_admin as store;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CategoryQuery {
    pub category_id: i64,
}

/// The responses of one category, every language.
#[utoipa::path(get, path = "/api/admin/responses", tag = "admin", params(CategoryQuery),
    responses((status = 200, body = Vec<StandardResponse>), (status = 403, body = ErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    _: Admin,
    AppQuery(q): AppQuery<CategoryQuery>,
) -> AppResult<Json<Vec<StandardResponse>>> {
    let mut conn = state.pool.acquire().await?;
    Ok(Json(store::list(&mut conn, q.category_id).await?))
}

#[utoipa::path(post, path = "/api/admin/responses", tag = "admin", request_body = ResponseFields,
    responses((status = 201, body = StandardResponse), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    Admin(me): Admin,
    AppJson(fields): AppJson<ResponseFields>,
) -> AppResult<(StatusCode, Json<StandardResponse>)> {
    validate_response(&fields)?;
    let mut change = Change::begin(&state).await?;
    let created = store::create(&mut change, &fields, Edit::by(me.id)).await?;
    change.commit(&state).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Saves an edit made on `version`; an older version is refused (409) with the response as it is now.
#[utoipa::path(put, path = "/api/admin/responses/{id}", tag = "admin", params(("id" = i64, Path)),
    request_body = ResponseFields,
    responses((status = 200, body = StandardResponse), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    Admin(me): Admin,
    AppPath(id): AppPath<i64>,
    AppJson(fields): AppJson<ResponseFields>,
) -> AppResult<Json<StandardResponse>> {
    validate_response(&fields)?;
    hovor_types::validate::version(fields.version)?;
    let mut change = Change::begin(&state).await?;
    let saved = store::update(&mut change, id, &fields, Edit::by(me.id)).await?;
    change.commit(&state).await?;
    Ok(Json(saved))
}

#[utoipa::path(delete, path = "/api/admin/responses/{id}", tag = "admin", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    Admin(me): Admin,
    AppPath(id): AppPath<i64>,
) -> AppResult<StatusCode> {
    let mut change = Change::begin(&state).await?;
    store::delete(&mut change, id, Edit::by(me.id)).await?;
    change.commit(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/admin/responses/{id}/audit", tag = "admin", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<AuditEntry>), (status = 403, body = ErrorBody)))]
pub async fn response_audit(
    State(state): State<AppState>,
    _: Admin,
    AppPath(id): AppPath<i64>,
) -> AppResult<Json<Vec<AuditEntry>>> {
    let mut conn = state.pool.acquire().await?;
    Ok(Json(audit::list(&mut conn, AuditedRecord::Response, id).await?))
}

#[utoipa::path(post, path = "/api/admin/response-categories", tag = "admin", request_body = CategoryFields,
    responses((status = 201, body = ResponseCategory), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create_category(
    State(state): State<AppState>,
    Admin(me): Admin,
    AppJson(fields): AppJson<CategoryFields>,
) -> AppResult<(StatusCode, Json<ResponseCategory>)> {
    let mut change = Change::begin(&state).await?;
    let id = store::create_category(&mut change, &fields, Edit::by(me.id)).await?;
    let created = category(&mut change, id).await?;
    change.commit(&state).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Renames a category or moves it under another (never inside itself).
#[utoipa::path(put, path = "/api/admin/response-categories/{id}", tag = "admin", params(("id" = i64, Path)),
    request_body = CategoryFields,
    responses((status = 200, body = ResponseCategory), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn update_category(
    State(state): State<AppState>,
    Admin(me): Admin,
    AppPath(id): AppPath<i64>,
    AppJson(fields): AppJson<CategoryFields>,
) -> AppResult<Json<ResponseCategory>> {
    let mut change = Change::begin(&state).await?;
    store::update_category(&mut change, id, &fields, Edit::by(me.id)).await?;
    let saved = category(&mut change, id).await?;
    change.commit(&state).await?;
    Ok(Json(saved))
}

/// Removes an empty category; one with responses or categories in it is refused (409).
#[utoipa::path(delete, path = "/api/admin/response-categories/{id}", tag = "admin", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn delete_category(
    State(state): State<AppState>,
    Admin(me): Admin,
    AppPath(id): AppPath<i64>,
) -> AppResult<StatusCode> {
    let mut change = Change::begin(&state).await?;
    store::delete_category(&mut change, id, Edit::by(me.id)).await?;
    change.commit(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/admin/response-categories/{id}/audit", tag = "admin", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<AuditEntry>), (status = 403, body = ErrorBody)))]
pub async fn category_audit(
    State(state): State<AppState>,
    _: Admin,
    AppPath(id): AppPath<i64>,
) -> AppResult<Json<Vec<AuditEntry>>> {
    let mut conn = state.pool.acquire().await?;
    Ok(Json(audit::list(&mut conn, AuditedRecord::ResponseCategory, id).await?))
}

async fn category(conn: &mut crate::db::Conn, id: i64) -> AppResult<ResponseCategory> {
    store::categories(conn).await?.into_iter().find(|c| c.id == id).ok_or(AppError::NotFound)
}

/// This module's routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(update, delete))
        .routes(routes!(response_audit))
        .routes(routes!(create_category))
        .routes(routes!(update_category, delete_category))
        .routes(routes!(category_audit))
}
