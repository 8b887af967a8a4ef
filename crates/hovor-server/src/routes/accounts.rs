//! Accounts: read, add (from the card, for the conversation's contact), edit, remove, audit trail.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use hovor_types::audit::{AuditEntry, AuditedRecord};
use hovor_types::customer::{Account, AccountFields, validate_account};
use hovor_types::error::ErrorBody;
use hovor_types::error::Reason;

use super::directory::VersionQuery;
use crate::extract::{AppJson, AppPath, AppQuery};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::change::Change;
use crate::error::{AppError, AppResult};
use crate::store::audit::{self, Edit};
use crate::store::{accounts, contacts, conversations};

/// Adds an account; with `link_conversation`, the conversation's contact joins it.
#[utoipa::path(post, path = "/api/accounts", tag = "directory", request_body = AccountFields,
    responses((status = 201, body = Account), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    AppJson(fields): AppJson<AccountFields>,
) -> AppResult<(StatusCode, Json<Account>)> {
    validate_account(&fields)?;
    let conversation = match fields.link_conversation {
        Some(id) => Some(conversations::visible(&state.pool, me.id, id).await?),
        None => None,
    };
    let by = Edit::by(me.id);
    let mut change = Change::begin(&state).await?;
    let id = accounts::create(&mut change, &fields, by).await?;
    if let Some(c) = conversation {
        let contact = crate::store::conversations::live_contact(&mut change, c.id).await?;
        let contact = contact.ok_or(AppError::Conflict(Reason::NoContact))?;
        contacts::set_account(&mut change, contact, id, by).await?;
    }
    let account = accounts::get(&mut change, id).await?;
    change.commit(&state).await?;
    Ok((StatusCode::CREATED, Json(account)))
}

#[utoipa::path(get, path = "/api/accounts/{id}", tag = "directory", params(("id" = i64, Path)),
    responses((status = 200, body = Account), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    CurrentUser(_): CurrentUser,
    AppPath(id): AppPath<i64>,
) -> AppResult<Json<Account>> {
    let mut conn = state.pool.acquire().await?;
    Ok(Json(accounts::get(&mut conn, id).await?))
}

#[utoipa::path(put, path = "/api/accounts/{id}", tag = "directory", params(("id" = i64, Path)),
    request_body = AccountFields,
    responses((status = 200, body = Account), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    AppPath(id): AppPath<i64>,
    AppJson(fields): AppJson<AccountFields>,
) -> AppResult<Json<Account>> {
    validate_account(&fields)?;
    hovor_types::validate::version(fields.version)?;
    let mut change = Change::begin(&state).await?;
    accounts::update(&mut change, id, &fields, Edit::by(me.id)).await?;
    let account = accounts::get(&mut change, id).await?;
    change.commit(&state).await?;
    Ok(Json(account))
}

/// Removes the account; its contacts stay, without an account.
#[utoipa::path(delete, path = "/api/accounts/{id}", tag = "directory", params(("id" = i64, Path), VersionQuery),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn remove(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    AppPath(id): AppPath<i64>,
    AppQuery(q): AppQuery<VersionQuery>,
) -> AppResult<StatusCode> {
    hovor_types::validate::version(q.version)?;
    let mut change = Change::begin(&state).await?;
    accounts::remove(&mut change, id, q.version, Edit::by(me.id)).await?;
    change.commit(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/accounts/{id}/audit", tag = "directory", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<AuditEntry>), (status = 404, body = ErrorBody)))]
pub async fn audit_trail(
    State(state): State<AppState>,
    CurrentUser(_): CurrentUser,
    AppPath(id): AppPath<i64>,
) -> AppResult<Json<Vec<AuditEntry>>> {
    let mut conn = state.pool.acquire().await?;
    accounts::get(&mut conn, id).await?;
    Ok(Json(audit::list(&mut conn, AuditedRecord::Account, id).await?))
}

/// This module's routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create))
        .routes(routes!(get, update, remove))
        .routes(routes!(audit_trail))
}
