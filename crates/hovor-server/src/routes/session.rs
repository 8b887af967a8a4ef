//! Sign-in, sign-out and who is signed in.

use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use hovor_types::auth::{Me, SignInRequest};
use hovor_types::error::ErrorBody;
use hovor_types::error::Reason;

use crate::extract::AppJson;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::{self, CurrentUser, set_cookie};
use crate::error::{AppError, AppResult};
use crate::limits::ClientAddr;
use crate::routing::{Work, agents};
use hovor_types::routing::{AgentState, IdleReason};

/// Checks the password and sets the `hovor_session` cookie (HttpOnly).
/// Repeated failures are throttled per account and per client address with growing waits (429 with
/// `retry_after_s`); an address the account signed in from before is not held back by failures from
/// elsewhere.
#[utoipa::path(post, path = "/api/session", tag = "session", security(()), request_body = SignInRequest,
    responses((status = 200, body = Me), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn sign_in(
    State(state): State<AppState>,
    ClientAddr(from): ClientAddr,
    AppJson(request): AppJson<SignInRequest>,
) -> AppResult<impl IntoResponse> {
    let (me, cookie) = auth::sign_in(&state, request.username.trim(), &request.password, from).await?;
    Ok((set_cookie(cookie), Json(me)))
}

/// Ends the session and clears the cookie; the agent becomes Idle (signed out). Refused while a
/// request is offered to the agent (they must accept or decline it first) and during a call (it must
/// end first).
#[utoipa::path(delete, path = "/api/session", tag = "session", responses((status = 204), (status = 409, body = ErrorBody)))]
pub async fn sign_out(State(state): State<AppState>, headers: HeaderMap) -> AppResult<impl IntoResponse> {
    if let Some(user_id) = auth::session_user(&state.pool, &headers).await? {
        let mut work = Work::begin(&state).await?;
        if agents::has_offers(&mut work, user_id).await? {
            return Err(AppError::Conflict(Reason::OffersPending));
        }
        if agents::on_a_call(&mut work, user_id).await? {
            return Err(AppError::Conflict(Reason::OnACall));
        }
        agents::set_state(&mut work, user_id, AgentState::Idle, Some(IdleReason::SignedOut)).await?;
        work.finish(&state).await?;
    }
    let by_bearer = auth::presented(&headers).is_some_and(|(_, kind)| kind == auth::SessionKind::Embed);
    let cookie = auth::sign_out(&state, &headers).await?;
    // A frame's sign-out ends its own session; the tab's cookie, if any, is not its to clear.
    let cleared: Vec<_> = if by_bearer { Vec::new() } else { Vec::from(set_cookie(cookie)) };
    Ok((StatusCode::NO_CONTENT, axum::response::AppendHeaders(cleared)))
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/session", tag = "session",
    responses((status = 200, body = Me), (status = 401, body = ErrorBody)))]
pub async fn current(CurrentUser(me): CurrentUser) -> Json<Me> {
    Json(me)
}

/// This module's routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(sign_in, sign_out, current))
}
