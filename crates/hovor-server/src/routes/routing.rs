//! The agent's side of routing: state, offers, ending, wrap-up, transfer, typing and focus time.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use hovor_types::chat::TypingRequest;
use hovor_types::error::ErrorBody;
use hovor_types::error::Reason;
use hovor_types::event::{Party, ServerEvent};
use hovor_types::routing::{
    AcceptOffers, AcceptedOffers, AgentStatus, Offer, SetStatusRequest, validate_status,
};
use hovor_types::wrap_up::{
    FocusReport, FocusTime, InteractionRecord, TransferRequest, TransferTargets, WrapUpReason, WrapUpRequest,
    search_reasons, validate_transfer,
};

use crate::extract::{AppJson, AppPath, AppQuery, Visible};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::change::Change;
use crate::error::{AppError, AppResult};
use crate::hub::Audience;
use crate::routing::{Work, agents, lifecycle, offers};
use crate::store::activities;
use crate::voice::flows;

/// The signed-in agent's state.
#[utoipa::path(get, path = "/api/me/status", tag = "routing",
    responses((status = 200, body = AgentStatus), (status = 401, body = ErrorBody)))]
pub async fn status(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
) -> AppResult<Json<AgentStatus>> {
    Ok(Json(agents::status(&state.pool, me.id).await?))
}

/// Available, or Idle with a reason.
#[utoipa::path(put, path = "/api/me/status", tag = "routing", request_body = SetStatusRequest,
    responses((status = 200, body = AgentStatus), (status = 422, body = ErrorBody)))]
pub async fn set_status(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    AppJson(request): AppJson<SetStatusRequest>,
) -> AppResult<Json<AgentStatus>> {
    validate_status(&request)?;
    let mut work = Work::begin(&state).await?;
    agents::set_state(&mut work, me.id, request.state, request.idle_reason).await?;
    work.finish(&state).await?;
    Ok(Json(agents::status(&state.pool, me.id).await?))
}

/// The offers on the agent's screen, in stack order (emails, chats, calls; earliest first).
#[utoipa::path(get, path = "/api/offers", tag = "routing",
    responses((status = 200, body = Vec<Offer>), (status = 401, body = ErrorBody)))]
pub async fn list_offers(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
) -> AppResult<Json<Vec<Offer>>> {
    Ok(Json(offers::of_agent(&state.pool, me.id).await?))
}

/// Accepts one or several offers ("Accept N requests"). Offers that expired or went elsewhere are
/// listed as `gone`.
#[utoipa::path(post, path = "/api/offers/accept", tag = "routing", request_body = AcceptOffers,
    responses((status = 200, body = AcceptedOffers), (status = 401, body = ErrorBody)))]
pub async fn accept(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    AppJson(request): AppJson<AcceptOffers>,
) -> AppResult<Json<AcceptedOffers>> {
    let mut work = Work::begin(&state).await?;
    let result = offers::accept(&mut work, me.id, &me.display_name, &request.conversation_ids).await?;
    flows::answer_accepted(&mut work, &state, me.id, &result.accepted).await?;
    work.finish(&state).await?;
    Ok(Json(result))
}

/// Declines an offer: the conversation returns to its queue for another agent.
#[utoipa::path(post, path = "/api/offers/{id}/decline", tag = "routing", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn decline(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    AppPath(id): AppPath<i64>,
) -> AppResult<StatusCode> {
    let mut work = Work::begin(&state).await?;
    offers::decline(&mut work, me.id, id).await?;
    work.finish(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Ends the conversation; the agent then owes its wrap-up.
#[utoipa::path(post, path = "/api/conversations/{id}/end", tag = "routing", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn end(
    State(state): State<AppState>,
    Visible { me, conversation: c }: Visible,
) -> AppResult<StatusCode> {
    if c.agent_id != Some(me.id) {
        return Err(AppError::Conflict(Reason::NotAssigned));
    }
    let mut work = Work::begin(&state).await?;
    flows::end_by_agent(&mut work, &state, me.id, c.id).await?;
    work.finish(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReasonQuery {
    /// Words of the reason, at least 3 characters; case and diacritics do not matter.
    query: Option<String>,
}

/// The wrap-up reasons of the queue the agent handled the conversation in, searched by `query`.
#[utoipa::path(get, path = "/api/conversations/{id}/wrap-up-reasons", tag = "routing",
    params(("id" = i64, Path), ReasonQuery),
    responses((status = 200, body = Vec<WrapUpReason>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn wrap_up_reasons(
    State(state): State<AppState>,
    Visible { me, conversation: c }: Visible,
    AppQuery(q): AppQuery<ReasonQuery>,
) -> AppResult<Json<Vec<WrapUpReason>>> {
    let reasons = activities::reasons_for(&state.pool, me.id, &c).await?;
    let found = search_reasons(&reasons, q.query.as_deref().unwrap_or_default())?;
    Ok(Json(found.into_iter().cloned().collect()))
}

/// Submits the wrap-up: the agent's activity closes and the conversation leaves their task list.
/// Repeating it with the same reason changes nothing.
#[utoipa::path(post, path = "/api/conversations/{id}/wrap-up", tag = "routing", params(("id" = i64, Path)),
    request_body = WrapUpRequest,
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn wrap_up(
    State(state): State<AppState>,
    Visible { me, conversation: c }: Visible,
    AppJson(request): AppJson<WrapUpRequest>,
) -> AppResult<StatusCode> {
    let mut work = Work::begin(&state).await?;
    lifecycle::wrap_up(&mut work, me.id, c.id, request.reason_id).await?;
    work.finish(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Queues and available agents the conversation can be transferred to.
#[utoipa::path(get, path = "/api/conversations/{id}/transfer-targets", tag = "routing", params(("id" = i64, Path)),
    responses((status = 200, body = TransferTargets), (status = 404, body = ErrorBody)))]
pub async fn transfer_targets(
    State(state): State<AppState>,
    Visible { me, conversation: c }: Visible,
) -> AppResult<Json<TransferTargets>> {
    Ok(Json(activities::transfer_targets(&state.pool, me.id, &c).await?))
}

/// Transfers the conversation to a queue or an available agent, with a note for the receiver; a call
/// is transferred blind (the customer waits with the queue's music until the receiver answers). A
/// call may also go to a number outside Hovor: the agent's part ends there (409
/// `unsupported_destination` when no phone has the number).
#[utoipa::path(post, path = "/api/conversations/{id}/transfer", tag = "routing", params(("id" = i64, Path)),
    request_body = TransferRequest,
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn transfer(
    State(state): State<AppState>,
    Visible { me, conversation: c }: Visible,
    AppJson(request): AppJson<TransferRequest>,
) -> AppResult<StatusCode> {
    validate_transfer(&request)?;
    if let Some(number) = &request.number {
        if c.agent_id != Some(me.id) {
            return Err(AppError::Conflict(Reason::NotHandling));
        }
        flows::transfer_to_number(&state, me.id, c.id, number).await?;
        return Ok(StatusCode::NO_CONTENT);
    }
    let mut work = Work::begin(&state).await?;
    lifecycle::transfer(&mut work, me.id, c.id, &request).await?;
    // A call goes back to waiting (the queue's music) until routing rings the receiver; last, so a
    // refused transfer leaves the call as it was.
    flows::transfer_by_agent(&mut work, &state, me.id, c.id).await?;
    work.finish(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The agent started or stopped typing: the customer sees it.
#[utoipa::path(post, path = "/api/conversations/{id}/typing", tag = "routing", params(("id" = i64, Path)),
    request_body = TypingRequest, responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn typing(
    State(state): State<AppState>,
    Visible { me, conversation: c }: Visible,
    AppJson(request): AppJson<TypingRequest>,
) -> AppResult<StatusCode> {
    if c.agent_id != Some(me.id) || !c.is_active() {
        return Ok(StatusCode::NO_CONTENT);
    }
    let event = ServerEvent::Typing { conversation_id: c.id, party: Party::Agent, typing: request.typing };
    Change::event_only(&state, Audience::Customer(c.id), event).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A focus-time report for the agent's activity on the conversation.
#[utoipa::path(post, path = "/api/conversations/{id}/focus", tag = "routing", params(("id" = i64, Path)),
    request_body = FocusReport, responses((status = 200, body = FocusTime), (status = 404, body = ErrorBody)))]
pub async fn focus(
    State(state): State<AppState>,
    Visible { me, conversation: c }: Visible,
    AppJson(report): AppJson<FocusReport>,
) -> AppResult<Json<FocusTime>> {
    let mut change = Change::begin(&state).await?;
    let now = change.now;
    let focus = activities::report_focus(&mut change, me.id, c.id, &report, now).await?;
    change.commit(&state).await?;
    Ok(Json(focus))
}

/// The interaction (queue entry to end) and each agent's activity on it.
#[utoipa::path(get, path = "/api/conversations/{id}/interaction", tag = "routing", params(("id" = i64, Path)),
    responses((status = 200, body = InteractionRecord), (status = 404, body = ErrorBody)))]
pub async fn interaction(
    State(state): State<AppState>,
    Visible { conversation: c, .. }: Visible,
) -> AppResult<Json<InteractionRecord>> {
    Ok(Json(activities::interaction(&state.pool, &c).await?))
}

/// This module's routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(status, set_status))
        .routes(routes!(list_offers))
        .routes(routes!(accept))
        .routes(routes!(decline))
        .routes(routes!(end))
        .routes(routes!(wrap_up_reasons))
        .routes(routes!(wrap_up))
        .routes(routes!(transfer_targets))
        .routes(routes!(transfer))
        .routes(routes!(typing))
        .routes(routes!(focus))
        .routes(routes!(interaction))
}
