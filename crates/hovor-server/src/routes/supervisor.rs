//! The supervisor page's API (role supervisor or administrator): the board of the queues a supervisor
//! oversees with their agents, what supervisors do to those agents (`agents`) and about those queues'
//! conversations (`conversations`). Every action is checked here against the supervisor's queues (not
//! by the page) and recorded in `supervisor_actions`.

mod agents;
mod conversations;

use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use hovor_types::auth::{Me, Role};
use hovor_types::error::{ErrorBody, FieldError, Rule};
use hovor_types::supervisor::SupervisorBoard;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::extract::{AppPath, AppQuery};
use crate::store::conversations::{ConversationRow, by_id};
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

/// A conversation of a queue the supervisor oversees, named by the path's `{id}`; 404 exactly as if
/// it did not exist otherwise (and 403 for an agent).
pub struct Overseen {
    pub me: Me,
    pub conversation: ConversationRow,
}

impl FromRequestParts<AppState> for Overseen {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        let who = Supervisor::from_request_parts(parts, state).await?;
        let AppPath(id) = AppPath::<i64>::from_request_parts(parts, state).await?;
        let mut conn = state.pool.acquire().await?;
        let conversation = by_id(&mut conn, id).await?.ok_or(AppError::NotFound)?;
        if !supervisor::oversees_queue(&mut conn, who.0.id, who.admin(), conversation.queue_id).await? {
            return Err(AppError::NotFound);
        }
        Ok(Overseen { me: who.0, conversation })
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

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(board)).merge(agents::router()).merge(conversations::router())
}
