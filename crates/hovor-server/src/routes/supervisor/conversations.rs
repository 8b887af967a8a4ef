//! What a supervisor does about a conversation of their queues: offer a waiting one to a named agent,
//! reassign one to another agent or queue, monitor it (read a chat or an email live, listen to a call
//! or coach its agent), whisper to the agent and barge in. And what the agent reads of it.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use hovor_types::conversation::Channel;
use hovor_types::error::{ErrorBody, FieldError, Reason, Rule};
use hovor_types::supervisor::{
    MonitorMode, NewWhisper, OfferToAgent, QueueMonitoring, StartMonitoring, Supervision, Whisper,
    check_monitoring, validate_whisper,
};
use hovor_types::wrap_up::{TransferRequest, validate_transfer};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::Overseen;
use crate::AppState;
use crate::change::Change;
use crate::db::Flag;
use crate::error::{AppError, AppResult};
use crate::extract::{AppJson, AppPath, Visible};
use crate::routes::admin::Admin;
use crate::routing::{Work, agents, lifecycle, offers};
use crate::store::conversations::ConversationRow;
use crate::store::{collaboration, monitoring, supervisor};
use crate::voice::flows;

/// The agent handling the conversation now (409 `not_assigned` when no one does).
fn handler(c: &ConversationRow) -> AppResult<i64> {
    match c.agent_id {
        Some(agent) if c.is_active() => Ok(agent),
        _ if !c.is_active() => Err(AppError::Conflict(Reason::Ended)),
        _ => Err(AppError::Conflict(Reason::NotAssigned)),
    }
}

/// Offers a waiting conversation to an Available agent of its queue (one the supervisor oversees):
/// an offer ringing elsewhere is withdrawn, and should the agent decline or not answer, the
/// conversation goes back to the whole queue. An agent without a free slot gets it once one frees up.
/// 409 `not_waiting` once an agent took it.
#[utoipa::path(post, path = "/api/supervisor/conversations/{id}/offer", tag = "supervisor", params(("id" = i64, Path)),
    request_body = OfferToAgent,
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn offer(
    State(state): State<AppState>,
    Overseen { me, conversation: c }: Overseen,
    AppJson(request): AppJson<OfferToAgent>,
) -> AppResult<StatusCode> {
    let agent = request.user_id.ok_or(FieldError::new("user_id", Rule::Required))?;
    let mut work = Work::begin(&state).await?;
    let Flag(waiting) = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM conversations WHERE id = $1 AND status = 'active' AND agent_id IS NULL)",
    )
    .bind(c.id)
    .fetch_one(&mut *work.tx)
    .await?;
    if !waiting {
        return Err(AppError::Conflict(Reason::NotWaiting));
    }
    if !agents::available_in(&mut work, agent, c.queue_id).await? {
        return Err(FieldError::new("user_id", Rule::NotAnOption).into());
    }
    offers::cancel(&mut work, c.id).await?;
    sqlx::query("UPDATE conversations SET wanted_agent_id = $1 WHERE id = $2")
        .bind(agent)
        .bind(c.id)
        .execute(&mut *work.tx)
        .await?;
    monitoring::record(&mut work, me.id, agent, Some(c.id), "offer", None).await?;
    work.finish(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Takes a conversation from its agent and hands it to a queue or to an Available agent of its
/// queue, with a note for the receiver, as the agent's Transfer would (a call goes blind to the
/// receiver); the agent owes its wrap-up. Both queues must be the supervisor's.
#[utoipa::path(post, path = "/api/supervisor/conversations/{id}/reassign", tag = "supervisor", params(("id" = i64, Path)),
    request_body = TransferRequest,
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn reassign(
    State(state): State<AppState>,
    Overseen { me, conversation: c }: Overseen,
    AppJson(request): AppJson<TransferRequest>,
) -> AppResult<StatusCode> {
    validate_transfer(&request)?;
    if request.number.is_some() {
        return Err(FieldError::new("number", Rule::NotAnOption).into());
    }
    let agent = handler(&c)?;
    let mut work = Work::begin(&state).await?;
    if let Some(queue) = request.queue_id
        && !supervisor::oversees_queue(&mut work, me.id, me.role == hovor_types::auth::Role::Admin, queue)
            .await?
    {
        return Err(FieldError::new("queue_id", Rule::NotAnOption).into());
    }
    lifecycle::transfer(&mut work, agent, c.id, &request).await?;
    flows::transfer_by_agent(&mut work, &state, agent, c.id).await?;
    let detail = match (request.queue_id, request.agent_id) {
        (Some(queue), _) => format!("queue:{queue}"),
        (_, Some(user)) => format!("agent:{user}"),
        _ => String::new(),
    };
    monitoring::record(&mut work, me.id, agent, Some(c.id), "reassign", Some(&detail)).await?;
    work.finish(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Starts following a conversation an agent handles, or switches how: a chat or an email is read
/// live (`read`), a call heard silently (`listen`: the supervisor's microphone reaches no one) or
/// with the supervisor heard by the agent only (`coach`); the supervisor's desk then connects its
/// audio as an agent's does. The agent is told when the queue says so.
#[utoipa::path(post, path = "/api/supervisor/conversations/{id}/monitor", tag = "supervisor", params(("id" = i64, Path)),
    request_body = StartMonitoring,
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn monitor(
    State(state): State<AppState>,
    Overseen { me, conversation: c }: Overseen,
    AppJson(request): AppJson<StartMonitoring>,
) -> AppResult<StatusCode> {
    check_monitoring(&request, c.channel)?;
    let agent = handler(&c)?;
    if agent == me.id {
        return Err(AppError::Conflict(Reason::NotAssigned));
    }
    let mut work = Work::begin(&state).await?;
    if c.channel == Channel::Voice {
        let coach = request.mode == MonitorMode::Coach;
        let supervisor = flows::call_agent(&mut work.tx, me.id).await?;
        let changed = flows::calls(&state)?.monitor(c.id, supervisor, coach)?;
        flows::supervised(&mut work, changed.ok_or(AppError::Conflict(Reason::NoCall))?).await?;
    }
    monitoring::start(&mut work, (c.id, c.queue_id), agent, me.id, request.mode).await?;
    work.finish(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Stops following the conversation (a call: the supervisor's audio leaves it).
#[utoipa::path(delete, path = "/api/supervisor/conversations/{id}/monitor", tag = "supervisor", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody)))]
pub async fn stop_monitoring(
    State(state): State<AppState>,
    Overseen { me, conversation: c }: Overseen,
) -> AppResult<StatusCode> {
    let mut work = Work::begin(&state).await?;
    if c.channel == Channel::Voice
        && let Some(calls) = &state.voice
    {
        // Gone already when the call ended, or when the supervisor barged in and left.
        match calls.stop_monitoring(c.id, me.id) {
            Ok(Some(changed)) => flows::supervised(&mut work, changed).await?,
            Ok(None) | Err(AppError::Conflict(_)) => {}
            Err(e) => return Err(e),
        }
    }
    monitoring::stop(&mut work, (c.id, c.queue_id), c.agent_id, me.id).await?;
    work.finish(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Whispers to the agent of a conversation: their desk shows it beside the conversation, the
/// customer never sees it.
#[utoipa::path(post, path = "/api/supervisor/conversations/{id}/whispers", tag = "supervisor", params(("id" = i64, Path)),
    request_body = NewWhisper,
    responses((status = 201, body = Whisper), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn whisper(
    State(state): State<AppState>,
    Overseen { me, conversation: c }: Overseen,
    AppJson(request): AppJson<NewWhisper>,
) -> AppResult<(StatusCode, Json<Whisper>)> {
    let body = validate_whisper(&request)?;
    let agent = handler(&c)?;
    let mut change = Change::begin(&state).await?;
    let whisper = monitoring::whisper(&mut change, c.id, agent, (me.id, &me.display_name), body).await?;
    change.commit(&state).await?;
    Ok((StatusCode::CREATED, Json(whisper)))
}

/// Joins the conversation: a chat as its collaborator (writing to the customer beside the agent, in
/// the supervisor's task list), a call monitored now as a party of a conference.
#[utoipa::path(post, path = "/api/supervisor/conversations/{id}/barge-in", tag = "supervisor", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn barge_in(
    State(state): State<AppState>,
    Overseen { me, conversation: c }: Overseen,
) -> AppResult<StatusCode> {
    let agent = handler(&c)?;
    let mut work = Work::begin(&state).await?;
    match c.channel {
        Channel::Voice => {
            let changed = flows::calls(&state)?.barge_in(c.id, me.id)?;
            flows::supervised(&mut work, changed.ok_or(AppError::Conflict(Reason::NoCall))?).await?;
        }
        Channel::Chat => collaboration::add_collaborator(&mut work, c.id, agent, me.id).await?,
        Channel::Email => return Err(AppError::Conflict(Reason::WrongChannel)),
    }
    monitoring::stop(&mut work, (c.id, c.queue_id), None, me.id).await?;
    monitoring::record(&mut work, me.id, agent, Some(c.id), "barge_in", None).await?;
    work.finish(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What the desk shows of supervision beside a conversation: the whispers to its agent, and who
/// monitors it (only when its queue tells agents, or to a supervisor of the queue). For the agent
/// handling it (or who handled it) and the queue's supervisors; 404 for anyone else.
#[utoipa::path(get, path = "/api/conversations/{id}/supervision", tag = "supervisor", params(("id" = i64, Path)),
    responses((status = 200, body = Supervision), (status = 404, body = ErrorBody)))]
pub async fn supervision(
    State(state): State<AppState>,
    Visible { me, conversation: c }: Visible,
) -> AppResult<Json<Supervision>> {
    let mut conn = state.pool.acquire().await?;
    let supervises = me.role != hovor_types::auth::Role::Agent;
    let Flag(worked_on) = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM activities WHERE conversation_id = $1 AND agent_id = $2)",
    )
    .bind(c.id)
    .bind(me.id)
    .fetch_one(&mut *conn)
    .await?;
    if !supervises && !worked_on {
        return Err(AppError::NotFound);
    }
    let announced = supervises || monitoring::announced(&mut conn, c.queue_id).await?;
    let monitors = if announced { monitoring::monitors(&mut conn, c.id).await? } else { Vec::new() };
    Ok(Json(Supervision { whispers: monitoring::whispers(&mut conn, c.id).await?, monitors }))
}

/// Whether the queue's agents are told when a supervisor monitors them.
#[utoipa::path(get, path = "/api/admin/queues/{id}/monitoring", tag = "admin", params(("id" = i64, Path)),
    responses((status = 200, body = QueueMonitoring), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn queue_monitoring(
    State(state): State<AppState>,
    _: Admin,
    AppPath(queue_id): AppPath<i64>,
) -> AppResult<Json<QueueMonitoring>> {
    let announce: Option<Flag> = sqlx::query_scalar("SELECT announce_monitoring FROM queues WHERE id = $1")
        .bind(queue_id)
        .fetch_optional(&state.pool)
        .await?;
    let Flag(announce) = announce.ok_or(AppError::NotFound)?;
    Ok(Json(QueueMonitoring { announce }))
}

/// Sets whether the queue's agents are told when a supervisor monitors them, from the next
/// monitoring on.
#[utoipa::path(put, path = "/api/admin/queues/{id}/monitoring", tag = "admin", params(("id" = i64, Path)),
    request_body = QueueMonitoring,
    responses((status = 200, body = QueueMonitoring), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn set_queue_monitoring(
    State(state): State<AppState>,
    _: Admin,
    AppPath(queue_id): AppPath<i64>,
    AppJson(request): AppJson<QueueMonitoring>,
) -> AppResult<Json<QueueMonitoring>> {
    let mut change = Change::begin(&state).await?;
    let updated = sqlx::query("UPDATE queues SET announce_monitoring = $1 WHERE id = $2")
        .bind(i64::from(request.announce))
        .bind(queue_id)
        .execute(&mut *change)
        .await?;
    if updated.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    change.commit(&state).await?;
    Ok(Json(request))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(offer))
        .routes(routes!(reassign))
        .routes(routes!(monitor, stop_monitoring))
        .routes(routes!(whisper))
        .routes(routes!(barge_in))
        .routes(routes!(supervision))
        .routes(routes!(queue_monitoring, set_queue_monitoring))
}
