//! The embedded desk's sign-in without third-party cookies: the sign-in popup (on Hovor's own origin,
//! where the tab's cookie works) asks for a single-use code bound to the frame's challenge; the frame
//! exchanges it with its verifier for a bearer token it keeps in memory; the event stream opens with a
//! single-use ticket, since an `EventSource` sends no header.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use base64::Engine;
use hovor_types::auth::{
    EMBED_CODE_MS, EmbedCode, EmbedCodeRequest, EmbedNonce, EmbedSessionRequest, EmbedToken,
    EmbedTokenRequest, STREAM_TICKET_MS, StreamTicket, check_challenge, check_verifier,
};
use hovor_types::error::ErrorBody;
use sha2::{Digest, Sha256};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::{self, CurrentUser, SessionKind};
use crate::change::Change;
use crate::error::{AppError, AppResult};
use crate::extract::AppJson;
use crate::store::embed;

/// A single-use sign-in code for the frame whose verifier hashes to `challenge`, valid a minute. The
/// sign-in popup asks for it once the user is signed in on Hovor's own origin, and hands it to the
/// frame that opened it. Only the tab's session (its cookie) may ask: a frame's bearer token cannot
/// renew itself past its session's end.
#[utoipa::path(post, path = "/api/embed/codes", tag = "embed", request_body = EmbedCodeRequest,
    responses((status = 201, body = EmbedCode), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn code(
    State(state): State<AppState>,
    headers: HeaderMap,
    AppJson(request): AppJson<EmbedCodeRequest>,
) -> AppResult<(StatusCode, Json<EmbedCode>)> {
    let (session, kind) = auth::presented(&headers).ok_or(AppError::Unauthenticated)?;
    if kind != SessionKind::Tab {
        return Err(AppError::Forbidden);
    }
    let me = auth::user_of_session(&state, session, kind).await?;
    check_challenge(&request.challenge)?;
    let mut change = Change::begin(&state).await?;
    let (code, expires_at) = embed::issue_code(&mut change, me.id, &request.challenge, EMBED_CODE_MS).await?;
    change.commit(&state).await?;
    Ok((StatusCode::CREATED, Json(EmbedCode { code, expires_at })))
}

/// Exchanges a sign-in code and the frame's verifier for a bearer token. A code works once and for a
/// minute, and only with the verifier its challenge was made from (401 otherwise).
#[utoipa::path(post, path = "/api/embed/token", tag = "embed", security(()), request_body = EmbedTokenRequest,
    responses((status = 201, body = EmbedToken), (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn token(
    State(state): State<AppState>,
    AppJson(request): AppJson<EmbedTokenRequest>,
) -> AppResult<(StatusCode, Json<EmbedToken>)> {
    check_verifier(&request.verifier)?;
    let mut change = Change::begin(&state).await?;
    let taken = embed::take_code(&mut change, &request.code).await?;
    // The code is spent even when the verifier is wrong: a stolen code is good for one guess.
    change.commit(&state).await?;
    let (user_id, challenge) = taken.ok_or(AppError::Unauthenticated)?;
    let made =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(request.verifier.as_bytes()));
    if !auth::same_secret(&made, &challenge) {
        return Err(AppError::Unauthenticated);
    }
    let token = auth::open_session(&state.pool, user_id, SessionKind::Embed).await?;
    Ok((
        StatusCode::CREATED,
        Json(EmbedToken { token, expires_at: auth::session_ends_at(state.clock.now()) }),
    ))
}

/// A single-use nonce, valid a minute, for the CRM's server to sign into an assertion
/// (`POST /api/embed/session` takes it back once).
#[utoipa::path(post, path = "/api/embed/nonces", tag = "embed", security(()),
    responses((status = 201, body = EmbedNonce)))]
pub async fn nonce(State(state): State<AppState>) -> AppResult<(StatusCode, Json<EmbedNonce>)> {
    let mut change = Change::begin(&state).await?;
    let (nonce, expires_at) = embed::issue_nonce(&mut change, EMBED_CODE_MS).await?;
    change.commit(&state).await?;
    Ok((StatusCode::CREATED, Json(EmbedNonce { nonce, expires_at })))
}

/// Signs the agent in with an assertion the CRM's server signed (`--embed-assertion-secret`; HS256,
/// audience `hovor-embed`, issuer a listed CRM origin, a minute at most, a nonce Hovor issued and not
/// yet taken, a single-use `jti`, the user name of an agent or a supervisor as `sub`): the bearer
/// token, with no sign-in window. 401 for anything else, replays included.
#[utoipa::path(post, path = "/api/embed/session", tag = "embed", security(()), request_body = EmbedSessionRequest,
    responses((status = 201, body = EmbedToken), (status = 401, body = ErrorBody)))]
pub async fn assertion(
    State(state): State<AppState>,
    AppJson(request): AppJson<EmbedSessionRequest>,
) -> AppResult<(StatusCode, Json<EmbedToken>)> {
    let secret = state.embed_assertion_secret.as_deref().ok_or(AppError::Unauthenticated)?;
    let now = state.clock.now();
    let claims = crate::embed_assertion::verify(
        &request.assertion,
        secret,
        &state.embed_host_origins,
        &request.nonce,
        now,
    )
    .map_err(|refusal| {
        tracing::info!(?refusal, "a CRM assertion was refused");
        AppError::Unauthenticated
    })?;
    let mut change = Change::begin(&state).await?;
    let first = embed::first_use_of_assertion(&mut change, &claims.jti, claims.exp * 1000).await?;
    let issued = embed::take_nonce(&mut change, &request.nonce).await?;
    let user = embed::desk_user_named(&mut change, &claims.sub).await?;
    change.commit(&state).await?;
    let user_id = user.filter(|_| first && issued).ok_or(AppError::Unauthenticated)?;
    let token = auth::open_session(&state.pool, user_id, SessionKind::Embed).await?;
    Ok((StatusCode::CREATED, Json(EmbedToken { token, expires_at: auth::session_ends_at(now) })))
}

/// A single-use ticket, valid 30 seconds, that opens this session's event stream
/// (`GET /api/events?ticket=…`).
#[utoipa::path(post, path = "/api/events/ticket", tag = "events",
    responses((status = 201, body = StreamTicket), (status = 401, body = ErrorBody)))]
pub async fn ticket(
    State(state): State<AppState>,
    CurrentUser(_): CurrentUser,
    headers: HeaderMap,
) -> AppResult<(StatusCode, Json<StreamTicket>)> {
    let (session, _) = auth::presented(&headers).ok_or(AppError::Unauthenticated)?;
    let mut change = Change::begin(&state).await?;
    let (ticket, expires_at) = embed::issue_ticket(&mut change, &session, STREAM_TICKET_MS).await?;
    change.commit(&state).await?;
    Ok((StatusCode::CREATED, Json(StreamTicket { ticket, expires_at })))
}

/// This module's routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(code))
        .routes(routes!(token))
        .routes(routes!(nonce))
        .routes(routes!(assertion))
        .routes(routes!(ticket))
}
