//! Voice signalling: a browser's audio connection to the media switch.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use hovor_types::error::{ErrorBody, FieldError, Rule};
use hovor_types::voice::{SOUND_CHECK_SECONDS, SessionDescription, check_sdp};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::error::{AppError, AppResult};
use crate::extract::AppJson;
use crate::limits::{ClientAddr, knock};
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
        state.voice.as_ref().ok_or_else(|| AppError::Internal(anyhow::anyhow!("no media switch")))?;
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

/// This module's routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(sound_check))
}
