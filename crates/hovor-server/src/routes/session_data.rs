//! The Session pane of a conversation: tags, operator note, parameters, attached and custom data.
//! Every route first checks that the conversation is visible to the caller; all of it stays
//! editable after the conversation ended.

use axum::Json;
use axum::extract::State;
use hovor_types::audit::{AuditEntry, AuditedRecord};
use hovor_types::error::{ErrorBody, FieldError, Rule};
use hovor_types::session_data::{
    AddTag, CustomDataEdit, OperatorNote, OperatorNoteEdit, Parameter, ParameterEdit, SessionData, Tag,
    TagSource, validate_note, validate_parameter, validate_tag_name,
};

use crate::extract::{AppJson, AppPath, Visible};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::change::Change;
use crate::error::AppResult;
use crate::store::audit::{self, Edit};
use crate::store::{conversations, session_data, tags};

/// The conversation's changes: contact and case links, tags, operator note, parameters, custom data.
#[utoipa::path(get, path = "/api/conversations/{id}/audit", tag = "session", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<AuditEntry>), (status = 404, body = ErrorBody)))]
pub async fn audit_trail(
    State(state): State<AppState>,
    Visible { conversation: c, .. }: Visible,
) -> AppResult<Json<Vec<AuditEntry>>> {
    let mut conn = state.pool.acquire().await?;
    Ok(Json(audit::list(&mut conn, AuditedRecord::Conversation, c.id).await?))
}

#[utoipa::path(get, path = "/api/conversations/{id}/session", tag = "session", params(("id" = i64, Path)),
    responses((status = 200, body = SessionData), (status = 404, body = ErrorBody)))]
pub async fn session(
    State(state): State<AppState>,
    Visible { me, conversation: c }: Visible,
) -> AppResult<Json<SessionData>> {
    let mut conn = state.pool.acquire().await?;
    Ok(Json(session_data::session(&mut conn, &c, me.id).await?))
}

/// Adds a tag: typed (a new company tag if the name is new), or one of the company's or the agent's
/// recent tags (which must exist). The conversation's queue sees the change at once.
#[utoipa::path(post, path = "/api/conversations/{id}/tags", tag = "session", params(("id" = i64, Path)),
    request_body = AddTag,
    responses((status = 200, body = Vec<Tag>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_tag(
    State(state): State<AppState>,
    Visible { me, conversation: c }: Visible,
    AppJson(request): AppJson<AddTag>,
) -> AppResult<Json<Vec<Tag>>> {
    let name = validate_tag_name(&request.name)?;
    let by = Edit::by(me.id);
    let mut change = Change::begin(&state).await?;
    let tag = match request.source {
        TagSource::Typed => tags::find_or_create(&mut change, name, by.at).await?,
        TagSource::Company | TagSource::Recent => {
            tags::find(&mut change, name).await?.ok_or(FieldError::new("name", Rule::NotAnOption))?
        }
        // Only the server's rules add keyword tags.
        TagSource::Keyword => return Err(FieldError::new("source", Rule::NotAnOption).into()),
    };
    let now = tags::add(&mut change, c.id, c.queue_id, &tag, request.source, by).await?;
    change.commit(&state).await?;
    Ok(Json(now))
}

#[utoipa::path(delete, path = "/api/conversations/{id}/tags/{tag_id}", tag = "session",
    params(("id" = i64, Path), ("tag_id" = i64, Path)),
    responses((status = 200, body = Vec<Tag>), (status = 404, body = ErrorBody)))]
pub async fn remove_tag(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    AppPath((id, tag_id)): AppPath<(i64, i64)>,
) -> AppResult<Json<Vec<Tag>>> {
    let c = conversations::visible(&state.pool, me.id, id).await?;
    let mut change = Change::begin(&state).await?;
    let now = tags::remove(&mut change, c.id, c.queue_id, tag_id, Edit::by(me.id)).await?;
    change.commit(&state).await?;
    Ok(Json(now))
}

/// The operator note, which also helps find the conversation later; on the version it was read at.
#[utoipa::path(put, path = "/api/conversations/{id}/operator-note", tag = "session", params(("id" = i64, Path)),
    request_body = OperatorNoteEdit,
    responses((status = 200, body = OperatorNote), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn operator_note(
    State(state): State<AppState>,
    Visible { me, conversation: c }: Visible,
    AppJson(edit): AppJson<OperatorNoteEdit>,
) -> AppResult<Json<OperatorNote>> {
    validate_note("body", &edit.body, false)?;
    let mut change = Change::begin(&state).await?;
    let note = session_data::set_operator_note(&mut change, c.id, &edit, Edit::by(me.id)).await?;
    change.commit(&state).await?;
    Ok(Json(note))
}

/// Adds a parameter (a new key) or changes one (on the version it was read at).
#[utoipa::path(put, path = "/api/conversations/{id}/parameters", tag = "session", params(("id" = i64, Path)),
    request_body = ParameterEdit,
    responses((status = 200, body = Parameter), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn parameter(
    State(state): State<AppState>,
    Visible { me, conversation: c }: Visible,
    AppJson(edit): AppJson<ParameterEdit>,
) -> AppResult<Json<Parameter>> {
    validate_parameter(&edit)?;
    let mut change = Change::begin(&state).await?;
    let parameter = session_data::set_parameter(&mut change, &c, &edit, Edit::by(me.id)).await?;
    change.commit(&state).await?;
    Ok(Json(parameter))
}

/// New values for the custom data's keys, on the version it was read at.
#[utoipa::path(put, path = "/api/conversations/{id}/custom-data", tag = "session", params(("id" = i64, Path)),
    request_body = CustomDataEdit,
    responses((status = 200, body = SessionData), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn custom_data(
    State(state): State<AppState>,
    Visible { me, conversation: c }: Visible,
    AppJson(edit): AppJson<CustomDataEdit>,
) -> AppResult<Json<SessionData>> {
    let mut change = Change::begin(&state).await?;
    session_data::set_custom_data(&mut change, c.id, &edit, Edit::by(me.id)).await?;
    let data = session_data::session(&mut change, &c, me.id).await?;
    change.commit(&state).await?;
    Ok(Json(data))
}

/// This module's routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(session))
        .routes(routes!(audit_trail))
        .routes(routes!(add_tag))
        .routes(routes!(remove_tag))
        .routes(routes!(operator_note))
        .routes(routes!(parameter))
        .routes(routes!(custom_data))
}
