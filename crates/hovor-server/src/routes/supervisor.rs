//! The supervisor page's API (role supervisor or administrator): the board of the queues a supervisor
//! oversees with their agents, and setting an agent Available or Idle, recorded, for agents of those
//! queues only (checked here, not by the page).

use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use hovor_types::auth::{Me, Role};
use hovor_types::error::{ErrorBody, FieldError, Rule};
use hovor_types::routing::{AgentStatus, SetStatusRequest, validate_status};
use hovor_types::supervisor::SupervisorBoard;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::extract::{AppJson, AppPath, AppQuery};
use crate::routing::{Work, agents};
use crate::store::supervisor;

/// The longest "today" a board counts: a local midnight is never further back than this.
const TODAY_MAX_MS: i64 = 36 * 3_600_000;

/// A supervisor or an administrator (403 for anyone else).
pub struct Supervisor(pub Me);

impl Supervisor {
    fn admin(&self) -> bool {
        self.0.role == Role::Admin
    }
}

impl FromRequestParts<AppState> for Supervisor {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        let CurrentUser(me) = CurrentUser::from_request_parts(parts, state).await?;
        match me.role {
            Role::Supervisor | Role::Admin => Ok(Supervisor(me)),
            Role::Agent => Err(AppError::Forbidden),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BoardQuery {
    /// Where "today" starts: the supervisor's local midnight, in milliseconds since the epoch (at most
    /// 36 hours back). Without it, midnight UTC.
    pub today_from: Option<i64>,
}

/// The queues the supervisor oversees (their own; every queue for an administrator) with live counts
/// and today's and the last 30 minutes' figures, and those queues' agents.
#[utoipa::path(get, path = "/api/supervisor/board", tag = "supervisor", params(BoardQuery),
    responses((status = 200, body = SupervisorBoard), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn board(
    State(state): State<AppState>,
    who: Supervisor,
    AppQuery(q): AppQuery<BoardQuery>,
) -> AppResult<Json<SupervisorBoard>> {
    let now = state.clock.now();
    let today_from = q.today_from.unwrap_or(now - now.rem_euclid(86_400_000));
    if today_from > now || now - today_from > TODAY_MAX_MS {
        return Err(FieldError::new("today_from", Rule::NotAnOption).into());
    }
    let mut conn = state.pool.acquire().await?;
    Ok(Json(supervisor::board(&mut conn, who.0.id, who.admin(), today_from, now).await?))
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
    if !supervisor::oversees(&mut work, who.0.id, who.admin(), agent_id).await? {
        return Err(AppError::Forbidden);
    }
    agents::set_state(&mut work, agent_id, request.state, request.idle_reason).await?;
    let detail = match request.idle_reason {
        Some(reason) => format!("{}:{}", request.state.as_str(), reason.as_str()),
        None => request.state.as_str().to_owned(),
    };
    let now = work.now;
    sqlx::query(
        "INSERT INTO supervisor_actions (supervisor_id, agent_id, action, detail, at) VALUES ($1, $2, 'set_state', $3, $4)",
    )
    .bind(who.0.id)
    .bind(agent_id)
    .bind(detail)
    .bind(now)
    .execute(&mut *work.tx)
    .await?;
    work.finish(&state).await?;
    Ok(Json(agents::status(&state.pool, agent_id).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(board)).routes(routes!(set_status))
}
