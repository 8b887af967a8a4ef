//! What a supervisor does to an agent of their queues: set them Available or Idle, sign them out.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use hovor_types::error::{ErrorBody, Reason};
use hovor_types::routing::{AgentState, AgentStatus, IdleReason, SetStatusRequest, validate_status};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::Supervisor;
use crate::AppState;
use crate::error::{AppError, AppResult};
use crate::extract::{AppJson, AppPath};
use crate::routing::{Work, agents};
use crate::store::{monitoring, supervisor};

/// The agent, when the supervisor oversees them (403 otherwise).
async fn overseen(work: &mut Work, who: &Supervisor, agent_id: i64) -> AppResult<()> {
    if supervisor::oversees(work, who.0.id, who.admin(), agent_id).await? {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Sets an agent of the supervisor's queues Available or Idle with a reason, as the agent would (their
/// desk shows it at once); recorded in `supervisor_actions`. 403 for an agent outside those queues.
#[utoipa::path(put, path = "/api/supervisor/agents/{id}/status", tag = "supervisor", params(("id" = i64, Path)),
    request_body = SetStatusRequest,
    responses((status = 200, body = AgentStatus), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_status(
    State(state): State<AppState>,
    who: Supervisor,
    AppPath(agent_id): AppPath<i64>,
    AppJson(request): AppJson<SetStatusRequest>,
) -> AppResult<Json<AgentStatus>> {
    validate_status(&request)?;
    let mut work = Work::begin(&state).await?;
    overseen(&mut work, &who, agent_id).await?;
    agents::set_state(&mut work, agent_id, request.state, request.idle_reason).await?;
    let detail = match request.idle_reason {
        Some(reason) => format!("{}:{}", request.state.as_str(), reason.as_str()),
        None => request.state.as_str().to_owned(),
    };
    monitoring::record(&mut work, who.0.id, agent_id, None, "set_state", Some(&detail)).await?;
    work.finish(&state).await?;
    Ok(Json(agents::status(&state.pool, agent_id).await?))
}

/// Signs an agent of the supervisor's queues out of every desk they have open: they become Idle
/// (signed out), their offers go back to the queue, and each desk shows the sign-in page. The
/// conversations they handle stay theirs until reassigned. 409 `on_a_call` during a call.
#[utoipa::path(post, path = "/api/supervisor/agents/{id}/sign-out", tag = "supervisor", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn sign_out(
    State(state): State<AppState>,
    who: Supervisor,
    AppPath(agent_id): AppPath<i64>,
) -> AppResult<StatusCode> {
    let mut work = Work::begin(&state).await?;
    overseen(&mut work, &who, agent_id).await?;
    if agents::on_a_call(&mut work, agent_id).await? {
        return Err(AppError::Conflict(Reason::OnACall));
    }
    agents::set_state(&mut work, agent_id, AgentState::Idle, Some(IdleReason::SignedOut)).await?;
    sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(agent_id).execute(&mut *work.tx).await?;
    monitoring::record(&mut work, who.0.id, agent_id, None, "sign_out", None).await?;
    work.finish(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(set_status)).routes(routes!(sign_out))
}
