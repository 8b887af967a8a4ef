//! Voice signalling: a browser's audio connection to the media switch.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use hovor_types::conversation::{DialNumber, TaskSummary};
use hovor_types::error::{ErrorBody, FieldError, Rule};
use hovor_types::voice::{
    CallCommand, CallView, ConsultTargets, RecordingInfo, SOUND_CHECK_SECONDS, SessionDescription, check_sdp,
};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::extract::{AppJson, Visible};
use crate::limits::{ClientAddr, knock};
use crate::routing::{Work, outbound};
use crate::store::conversations as conversation_store;
use crate::voice::flows;
use crate::voice::switch::Feed;

/// The sound check: connects the browser's audio (its SDP offer in, the server's answer out) and plays
/// its own microphone back to it through the server for at most a minute, so an agent or a customer
/// hears their headset and their network as a call would. Each client address may start a few, then
/// one a minute (429 `rate_limited`).
#[utoipa::path(post, path = "/api/voice/sound-check", tag = "voice", security(()),
    request_body = SessionDescription,
    responses((status = 201, body = SessionDescription), (status = 422, body = ErrorBody),
              (status = 429, body = ErrorBody)))]
pub async fn sound_check(
    State(state): State<AppState>,
    ClientAddr(from): ClientAddr,
    AppJson(offer): AppJson<SessionDescription>,
) -> AppResult<(StatusCode, Json<SessionDescription>)> {
    check_sdp(&offer)?;
    knock(&state.doors.sound_checks, from)?;
    let switch =
        state.voice.as_ref().ok_or_else(|| AppError::Internal(anyhow::anyhow!("no media switch")))?.switch();
    let (peer, answer) = switch
        .connect(&offer.sdp)
        .map_err(|_| AppError::Validation(FieldError::new("sdp", Rule::Malformed)))?;
    switch.route(peer, vec![Feed::Peer(peer)]).map_err(AppError::Internal)?;
    let switch = switch.clone();
    tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_secs(SOUND_CHECK_SECONDS)).await;
        let _ = switch.remove(peer);
    });
    Ok((StatusCode::CREATED, Json(SessionDescription { sdp: answer })))
}

/// Dial a number (a CRM's click-to-dial, on the agent's tap): an outbound call of the agent's from the
/// first of their queues that takes calls; the phone on that number rings. 422 on `number`; 409
/// `no_calling_queue`, or `call_limit_reached` at `--max-outbound-calls`.
#[utoipa::path(post, path = "/api/calls", tag = "voice", request_body = DialNumber,
    responses((status = 201, body = TaskSummary), (status = 401, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn dial(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    AppJson(request): AppJson<DialNumber>,
) -> AppResult<(StatusCode, Json<TaskSummary>)> {
    let number = request.checked()?;
    let mut work = Work::begin(&state).await?;
    let started = outbound::dial(&mut work, (me.id, &me.display_name), number).await?;
    let placed = flows::place(&mut work, &state, me.id, started).await?;
    if let Err(e) = work.finish(&state).await {
        if let Some(calls) = state.voice.as_ref().filter(|_| placed) {
            calls.drop_call(started);
        }
        return Err(e);
    }
    let mut conn = state.pool.acquire().await?;
    let task = conversation_store::task(&mut conn, me.id, started).await?;
    Ok((StatusCode::CREATED, Json(task)))
}

/// The conversation's call as the agent's desk sees it: the legs, the agent's own, and since when it
/// is connected. 409 `no_call` when no call is going on.
#[utoipa::path(get, path = "/api/conversations/{id}/call", tag = "voice", params(("id" = i64, Path)),
    responses((status = 200, body = CallView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn call(
    State(state): State<AppState>,
    Visible { me, conversation: c }: Visible,
) -> AppResult<Json<CallView>> {
    Ok(Json(flows::view(&state, c.id, me.id)?))
}

/// A command from the agent's control pane (Hold, Resume, Mute, Consult, End Consult, Conference,
/// Transfer, Answer a consult request, Exit); answered with the call as it is now. Refused with 409
/// when the call does not allow it (`call_refused`), the consult's target cannot take it
/// (`unsupported_destination`), or it has ended.
#[utoipa::path(post, path = "/api/conversations/{id}/call", tag = "voice", params(("id" = i64, Path)),
    request_body = CallCommand,
    responses((status = 200, body = CallView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn command(
    State(state): State<AppState>,
    Visible { me, conversation: c }: Visible,
    AppJson(command): AppJson<CallCommand>,
) -> AppResult<Json<CallView>> {
    flows::command(&state, c.id, me.id, command).await?;
    // An agent who just left sees the call without their leg (it may have ended for everyone).
    Ok(Json(flows::calls(&state)?.view(c.id, me.id).unwrap_or_else(|| CallView::over(c.id))))
}

/// Whom a consult may call now: the call's queue's other agents who are signed in and on no call, and
/// the queues with such an agent available (a number needs no listing).
#[utoipa::path(get, path = "/api/conversations/{id}/call/consult-targets", tag = "voice", params(("id" = i64, Path)),
    responses((status = 200, body = ConsultTargets), (status = 404, body = ErrorBody)))]
pub async fn consult_targets(
    State(state): State<AppState>,
    Visible { me, conversation: c }: Visible,
) -> AppResult<Json<ConsultTargets>> {
    let mut work = Work::begin(&state).await?;
    let targets = flows::consult_targets(&mut work, c.id, me.id).await?;
    work.finish(&state).await?;
    Ok(Json(targets))
}

/// Connects the agent's desk audio to their leg of the call (again after a reload: the new connection
/// replaces the old), or, while the call is offered to them, before they answer (it hears nothing
/// until then). The desk's SDP offer in, the server's answer out.
#[utoipa::path(post, path = "/api/conversations/{id}/call/audio", tag = "voice", params(("id" = i64, Path)),
    request_body = SessionDescription,
    responses((status = 201, body = SessionDescription), (status = 404, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn audio(
    State(state): State<AppState>,
    Visible { me, conversation: c }: Visible,
    AppJson(offer): AppJson<SessionDescription>,
) -> AppResult<(StatusCode, Json<SessionDescription>)> {
    check_sdp(&offer)?;
    let offered = crate::routing::offers::rings(&mut *state.pool.acquire().await?, me.id, c.id).await?;
    let answer = flows::calls(&state)?.join(c.id, me.id, offered, &offer.sdp)?;
    Ok((StatusCode::CREATED, Json(SessionDescription { sdp: answer })))
}

/// The desk lets go of its audio connection (sent as its page closes or reloads): the agent stays on
/// the call and the customer hears hold music until the desk connects again.
#[utoipa::path(delete, path = "/api/conversations/{id}/call/audio", tag = "voice", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn leave_audio(
    State(state): State<AppState>,
    Visible { me, conversation: c }: Visible,
) -> AppResult<StatusCode> {
    flows::calls(&state)?.leave_audio(c.id, me.id)?;
    Ok(StatusCode::NO_CONTENT)
}

/// The conversation's call recordings, the oldest first.
#[utoipa::path(get, path = "/api/conversations/{id}/recordings", tag = "voice", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<RecordingInfo>), (status = 404, body = ErrorBody)))]
pub async fn recordings(
    State(state): State<AppState>,
    Visible { conversation: c, .. }: Visible,
) -> AppResult<Json<Vec<RecordingInfo>>> {
    let mut conn = state.pool.acquire().await?;
    Ok(Json(crate::store::recordings::of(&mut conn, c.id).await?))
}

/// A recording's audio (Ogg Opus), for whoever may see its conversation; 404 for anyone else, as for a
/// recording that does not exist.
#[utoipa::path(get, path = "/api/recordings/{id}/audio", tag = "voice", params(("id" = i64, Path)),
    responses((status = 200, description = "The recording as Ogg Opus", content_type = "audio/ogg"),
              (status = 401, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn recording_audio(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Path(id): Path<i64>,
) -> AppResult<impl IntoResponse> {
    let row: Option<(i64, String)> =
        sqlx::query_as("SELECT conversation_id, file FROM recordings WHERE id = $1")
            .bind(id)
            .fetch_optional(&state.pool)
            .await?;
    let (conversation_id, file) = row.ok_or(AppError::NotFound)?;
    conversation_store::visible(&state.pool, me.id, conversation_id).await?;
    let calls = flows::calls(&state).map_err(|_| AppError::NotFound)?;
    let audio = tokio::fs::read(calls.recordings().join(&file)).await.map_err(|_| AppError::NotFound)?;
    let headers = [
        (header::CONTENT_TYPE, HeaderValue::from_static("audio/ogg")),
        (header::CACHE_CONTROL, HeaderValue::from_static("private, no-store")),
    ];
    Ok((headers, audio))
}

/// This module's routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(sound_check))
        .routes(routes!(dial))
        .routes(routes!(call, command))
        .routes(routes!(consult_targets))
        .routes(routes!(recordings))
        .routes(routes!(recording_audio))
        .routes(routes!(audio, leave_audio))
}
