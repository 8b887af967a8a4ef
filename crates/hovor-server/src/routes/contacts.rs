//! Contacts: read, add, edit, remove, their details, audit trail, merges and history. Any signed-in
//! user may work with the directory; conversation links are checked against the caller's queues.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use hovor_types::audit::{AuditEntry, AuditedRecord};
use hovor_types::customer::{
    Contact, ContactFields, MergeRecord, MergeRequest, NewContact, validate_contact, validate_merge,
    validate_new_contact,
};
use hovor_types::error::ErrorBody;
use hovor_types::history::{HistoryPage, Transcript};
use serde::Deserialize;

use super::directory::VersionQuery;
use crate::extract::{AppJson, AppPath, AppQuery};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::change::Change;
use crate::error::{AppError, AppResult};
use crate::store::audit::{self, Edit};
use crate::store::{contacts, conversations, customers, history, merges};

/// Adds a contact with its first phone and email (each the default of its kind), linked at once to a
/// conversation when asked.
#[utoipa::path(post, path = "/api/contacts", tag = "directory", request_body = NewContact,
    responses((status = 201, body = Contact), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    AppJson(new): AppJson<NewContact>,
) -> AppResult<(StatusCode, Json<Contact>)> {
    validate_new_contact(&new)?;
    let conversation = match new.link_conversation {
        Some(id) => Some(conversations::visible(&state.pool, me.id, id).await?),
        None => None,
    };
    let by = Edit::by(me.id);
    let mut change = Change::begin(&state).await?;
    let id = contacts::create(&mut change, &new, by).await?;
    if let Some(c) = conversation {
        customers::set_contact(&mut change, c.id, Some(id), by).await?;
    }
    let contact = contacts::get(&mut change, id).await?;
    change.commit(&state).await?;
    Ok((StatusCode::CREATED, Json(contact)))
}

#[utoipa::path(get, path = "/api/contacts/{id}", tag = "directory", params(("id" = i64, Path)),
    responses((status = 200, body = Contact), (status = 404, body = ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    CurrentUser(_): CurrentUser,
    AppPath(id): AppPath<i64>,
) -> AppResult<Json<Contact>> {
    let mut conn = state.pool.acquire().await?;
    Ok(Json(contacts::get(&mut conn, id).await?))
}

/// Edits names, language and account, on the version the form was read at.
#[utoipa::path(put, path = "/api/contacts/{id}", tag = "directory", params(("id" = i64, Path)),
    request_body = ContactFields,
    responses((status = 200, body = Contact), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    AppPath(id): AppPath<i64>,
    AppJson(fields): AppJson<ContactFields>,
) -> AppResult<Json<Contact>> {
    validate_contact(&fields)?;
    hovor_types::validate::version(fields.version)?;
    let mut change = Change::begin(&state).await?;
    contacts::update(&mut change, id, &fields, Edit::by(me.id)).await?;
    let contact = contacts::get(&mut change, id).await?;
    change.commit(&state).await?;
    Ok(Json(contact))
}

/// Remove from directory: the contact's conversations and cases stay, without a contact.
#[utoipa::path(delete, path = "/api/contacts/{id}", tag = "directory", params(("id" = i64, Path), VersionQuery),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn remove(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    AppPath(id): AppPath<i64>,
    AppQuery(q): AppQuery<VersionQuery>,
) -> AppResult<StatusCode> {
    hovor_types::validate::version(q.version)?;
    let mut change = Change::begin(&state).await?;
    contacts::remove(&mut change, id, q.version, Edit::by(me.id)).await?;
    change.commit(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Who changed what on the contact, newest first (at most 200).
#[utoipa::path(get, path = "/api/contacts/{id}/audit", tag = "directory", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<AuditEntry>), (status = 404, body = ErrorBody)))]
pub async fn audit_trail(
    State(state): State<AppState>,
    CurrentUser(_): CurrentUser,
    AppPath(id): AppPath<i64>,
) -> AppResult<Json<Vec<AuditEntry>>> {
    let mut conn = state.pool.acquire().await?;
    contacts::load_any(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    Ok(Json(audit::list(&mut conn, AuditedRecord::Contact, id).await?))
}

/// Merges a duplicate (the child) into this contact: the chosen field values, both contacts' details,
/// the child's interactions and cases. The child is hidden until the merge is undone.
#[utoipa::path(post, path = "/api/contacts/{id}/merge", tag = "directory", params(("id" = i64, Path)),
    request_body = MergeRequest,
    responses((status = 200, body = Contact), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn merge(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    AppPath(id): AppPath<i64>,
    AppJson(request): AppJson<MergeRequest>,
) -> AppResult<Json<Contact>> {
    validate_merge(id, &request)?;
    let mut change = Change::begin(&state).await?;
    merges::merge(&mut change, id, &request, Edit::by(me.id)).await?;
    let contact = contacts::get(&mut change, id).await?;
    change.commit(&state).await?;
    Ok(Json(contact))
}

/// The merges into this contact, newest first.
#[utoipa::path(get, path = "/api/contacts/{id}/merges", tag = "directory", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<MergeRecord>), (status = 404, body = ErrorBody)))]
pub async fn list_merges(
    State(state): State<AppState>,
    CurrentUser(_): CurrentUser,
    AppPath(id): AppPath<i64>,
) -> AppResult<Json<Vec<MergeRecord>>> {
    let mut conn = state.pool.acquire().await?;
    contacts::get(&mut conn, id).await?;
    Ok(Json(merges::list(&mut conn, id).await?))
}

/// Undoes the last merge into this contact, unless the contact was edited since.
#[utoipa::path(post, path = "/api/contacts/{id}/merges/undo", tag = "directory", params(("id" = i64, Path)),
    responses((status = 200, body = Contact), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn undo_merge(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    AppPath(id): AppPath<i64>,
) -> AppResult<Json<Contact>> {
    let mut change = Change::begin(&state).await?;
    merges::undo(&mut change, id, Edit::by(me.id)).await?;
    let contact = contacts::get(&mut change, id).await?;
    change.commit(&state).await?;
    Ok(Json(contact))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// Zero-based page.
    page: Option<u32>,
    /// Only the interactions with this tag.
    tag: Option<i64>,
}

/// Every interaction of the contact across channels, newest first.
#[utoipa::path(get, path = "/api/contacts/{id}/history", tag = "directory", params(("id" = i64, Path), HistoryQuery),
    responses((status = 200, body = HistoryPage), (status = 404, body = ErrorBody)))]
pub async fn history_page(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    AppPath(id): AppPath<i64>,
    AppQuery(q): AppQuery<HistoryQuery>,
) -> AppResult<Json<HistoryPage>> {
    let mut conn = state.pool.acquire().await?;
    Ok(Json(history::page(&mut conn, me.id, id, q.page.unwrap_or(0), q.tag).await?))
}

/// One of the contact's interactions, opened from the History tab.
#[utoipa::path(get, path = "/api/contacts/{id}/history/{conversation_id}", tag = "directory",
    params(("id" = i64, Path), ("conversation_id" = i64, Path)),
    responses((status = 200, body = Transcript), (status = 404, body = ErrorBody)))]
pub async fn transcript(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    AppPath((id, conversation_id)): AppPath<(i64, i64)>,
) -> AppResult<Json<Transcript>> {
    Ok(Json(
        history::transcript(&state.pool, (&state.responses, &state.learned), me.id, id, conversation_id)
            .await?,
    ))
}

/// This module's routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create))
        .routes(routes!(get, update, remove))
        .routes(routes!(audit_trail))
        .routes(routes!(merge))
        .routes(routes!(list_merges))
        .routes(routes!(undo_merge))
        .routes(routes!(history_page))
        .routes(routes!(transcript))
}
