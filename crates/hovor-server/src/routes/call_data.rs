//! Call settings and call-associated data (WBX CAD variables): a queue's variables, recording and
//! callbacks (administrators), and the values on a conversation (anyone who may see it; saved only where
//! the queue allows, first save wins).

use axum::Json;
use axum::extract::State;
use hovor_types::callback::{QueueCallbacks, check_queue_callbacks};
use hovor_types::error::ErrorBody;
use hovor_types::voice::{
    AdminQueue, CallValue, CallValueEdit, QueueCallVariables, QueueRecording, check_call_variables,
    check_queue_recording,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::admin::Admin;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::change::Change;
use crate::db::Flag;
use crate::error::{AppError, AppResult};
use crate::extract::{AppJson, AppPath, Visible};
use crate::store::audit::Edit;
use crate::store::{call_data, conversations};

/// The conversation's values, one per variable of its queue in order; secure values masked.
#[utoipa::path(get, path = "/api/conversations/{id}/call-data", tag = "voice", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<CallValue>), (status = 404, body = ErrorBody)))]
pub async fn values(
    State(state): State<AppState>,
    Visible { conversation: c, .. }: Visible,
) -> AppResult<Json<Vec<CallValue>>> {
    let mut conn = state.pool.acquire().await?;
    Ok(Json(call_data::values(&mut conn, &c).await?))
}

/// Saves one value on the version it was read at (0: never saved). 409 `conflict` (`not_editable`)
/// when the queue does not let agents change it, `saved_first` when someone saved on that version first.
#[utoipa::path(put, path = "/api/conversations/{id}/call-data/{name}", tag = "voice",
    params(("id" = i64, Path), ("name" = String, Path)), request_body = CallValueEdit,
    responses((status = 200, body = CallValue), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn save(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    AppPath((id, name)): AppPath<(i64, String)>,
    AppJson(edit): AppJson<CallValueEdit>,
) -> AppResult<Json<CallValue>> {
    let c = conversations::visible(&state.pool, me.id, id).await?;
    let mut change = Change::begin(&state).await?;
    let value = call_data::save(&mut change, &c, &name, &edit, Edit::by(me.id)).await?;
    change.commit(&state).await?;
    Ok(Json(value))
}

/// A secure value in full, for the agent who asks; every reveal is audited.
#[utoipa::path(post, path = "/api/conversations/{id}/call-data/{name}/reveal", tag = "voice",
    params(("id" = i64, Path), ("name" = String, Path)),
    responses((status = 200, body = CallValue), (status = 404, body = ErrorBody)))]
pub async fn reveal(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    AppPath((id, name)): AppPath<(i64, String)>,
) -> AppResult<Json<CallValue>> {
    let c = conversations::visible(&state.pool, me.id, id).await?;
    let mut change = Change::begin(&state).await?;
    let value = call_data::reveal(&mut change, &c, &name, Edit::by(me.id)).await?;
    change.commit(&state).await?;
    Ok(Json(value))
}

/// The queue's variables in order.
#[utoipa::path(get, path = "/api/admin/queues/{id}/call-variables", tag = "admin", params(("id" = i64, Path)),
    responses((status = 200, body = QueueCallVariables), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn variables(
    State(state): State<AppState>,
    _: Admin,
    AppPath(queue_id): AppPath<i64>,
) -> AppResult<Json<QueueCallVariables>> {
    let mut conn = state.pool.acquire().await?;
    Ok(Json(QueueCallVariables { variables: call_data::variables(&mut conn, queue_id).await? }))
}

/// Replaces the queue's variables; the values of those that remain are kept.
#[utoipa::path(put, path = "/api/admin/queues/{id}/call-variables", tag = "admin", params(("id" = i64, Path)),
    request_body = QueueCallVariables,
    responses((status = 200, body = QueueCallVariables), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn set_variables(
    State(state): State<AppState>,
    _: Admin,
    AppPath(queue_id): AppPath<i64>,
    AppJson(request): AppJson<QueueCallVariables>,
) -> AppResult<Json<QueueCallVariables>> {
    check_call_variables(&request.variables)?;
    let mut change = Change::begin(&state).await?;
    call_data::set_variables(&mut change, queue_id, &request.variables).await?;
    let variables = call_data::variables(&mut change, queue_id).await?;
    change.commit(&state).await?;
    Ok(Json(QueueCallVariables { variables }))
}

/// Every queue, for the call settings page: name and entry-point number.
#[utoipa::path(get, path = "/api/admin/queues", tag = "admin",
    responses((status = 200, body = Vec<AdminQueue>), (status = 403, body = ErrorBody)))]
pub async fn queues(State(state): State<AppState>, _: Admin) -> AppResult<Json<Vec<AdminQueue>>> {
    let rows: Vec<(i64, String, Option<String>)> =
        sqlx::query_as("SELECT id, name, entry_number FROM queues ORDER BY name, id")
            .fetch_all(&state.pool)
            .await?;
    Ok(Json(rows.into_iter().map(|(id, name, entry_number)| AdminQueue { id, name, entry_number }).collect()))
}

/// Whether the queue records its calls, and how long a pause of a recording lasts.
#[utoipa::path(get, path = "/api/admin/queues/{id}/recording", tag = "admin", params(("id" = i64, Path)),
    responses((status = 200, body = QueueRecording), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn recording(
    State(state): State<AppState>,
    _: Admin,
    AppPath(queue_id): AppPath<i64>,
) -> AppResult<Json<QueueRecording>> {
    let row: Option<(Flag, i64)> =
        sqlx::query_as("SELECT record_calls, recording_pause_s FROM queues WHERE id = $1")
            .bind(queue_id)
            .fetch_optional(&state.pool)
            .await?;
    let (Flag(record_calls), pause) = row.ok_or(AppError::NotFound)?;
    Ok(Json(QueueRecording { record_calls, pause_seconds: u32::try_from(pause).unwrap_or(0) }))
}

/// Sets whether the queue records its calls (from the next call on) and the pause's length.
#[utoipa::path(put, path = "/api/admin/queues/{id}/recording", tag = "admin", params(("id" = i64, Path)),
    request_body = QueueRecording,
    responses((status = 200, body = QueueRecording), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn set_recording(
    State(state): State<AppState>,
    _: Admin,
    AppPath(queue_id): AppPath<i64>,
    AppJson(request): AppJson<QueueRecording>,
) -> AppResult<Json<QueueRecording>> {
    check_queue_recording(&request)?;
    let mut change = Change::begin(&state).await?;
    let updated = sqlx::query("UPDATE queues SET record_calls = $1, recording_pause_s = $2 WHERE id = $3")
        .bind(i64::from(request.record_calls))
        .bind(i64::from(request.pause_seconds))
        .bind(queue_id)
        .execute(&mut *change)
        .await?;
    if updated.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    change.commit(&state).await?;
    Ok(Json(request))
}

/// The queue's callbacks: the retry policy and whether an agent may cancel one while it rings.
#[utoipa::path(get, path = "/api/admin/queues/{id}/callbacks", tag = "admin", params(("id" = i64, Path)),
    responses((status = 200, body = QueueCallbacks), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn callbacks(
    State(state): State<AppState>,
    _: Admin,
    AppPath(queue_id): AppPath<i64>,
) -> AppResult<Json<QueueCallbacks>> {
    let row: Option<(i64, i64, Flag)> = sqlx::query_as(
        "SELECT callback_attempts, callback_retry_minutes, callback_cancel FROM queues WHERE id = $1",
    )
    .bind(queue_id)
    .fetch_optional(&state.pool)
    .await?;
    let (attempts, retry_minutes, Flag(agent_may_cancel)) = row.ok_or(AppError::NotFound)?;
    Ok(Json(QueueCallbacks {
        attempts: u32::try_from(attempts).unwrap_or(0),
        retry_minutes: u32::try_from(retry_minutes).unwrap_or(0),
        agent_may_cancel,
    }))
}

/// Sets the queue's callbacks: from the next unanswered call on.
#[utoipa::path(put, path = "/api/admin/queues/{id}/callbacks", tag = "admin", params(("id" = i64, Path)),
    request_body = QueueCallbacks,
    responses((status = 200, body = QueueCallbacks), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn set_callbacks(
    State(state): State<AppState>,
    _: Admin,
    AppPath(queue_id): AppPath<i64>,
    AppJson(request): AppJson<QueueCallbacks>,
) -> AppResult<Json<QueueCallbacks>> {
    check_queue_callbacks(&request)?;
    let mut change = Change::begin(&state).await?;
    let updated = sqlx::query(
        "UPDATE queues SET callback_attempts = $1, callback_retry_minutes = $2, callback_cancel = $3 WHERE id = $4",
    )
    .bind(i64::from(request.attempts))
    .bind(i64::from(request.retry_minutes))
    .bind(i64::from(request.agent_may_cancel))
    .bind(queue_id)
    .execute(&mut *change)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    change.commit(&state).await?;
    Ok(Json(request))
}

/// This module's routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(values))
        .routes(routes!(save))
        .routes(routes!(reveal))
        .routes(routes!(variables, set_variables))
        .routes(routes!(queues))
        .routes(routes!(recording, set_recording))
        .routes(routes!(callbacks, set_callbacks))
}
