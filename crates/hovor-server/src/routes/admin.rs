//! Configuration (admin only): agents' capacity per channel, queues' offer settings, users and queues
//! deactivated or active, queues' groups, keyword tagging rules and tag colours.

use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use hovor_types::auth::Role;
use hovor_types::error::{ErrorBody, Reason};
use hovor_types::listing::{QueueGroup, SetActive};
use hovor_types::routing::{AgentState, IdleReason};
use hovor_types::routing::{QueueRouting, SetCapacity, validate_capacity, validate_queue_routing};
use hovor_types::session_data::{
    NewTagRule, Tag, TagColours, TagRule, validate_tag_colours, validate_tag_rule,
};

use crate::extract::{AppJson, AppPath};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::change::Change;
use crate::db::now_ms;
use crate::error::{AppError, AppResult};
use crate::routing::{Work, agents};
use crate::store::admin::Deactivatable;
use crate::store::{admin, tags};

/// An administrator's request; anyone else is refused (403) before the body is read.
pub struct Admin(pub hovor_types::auth::Me);

impl FromRequestParts<AppState> for Admin {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        let CurrentUser(me) = CurrentUser::from_request_parts(parts, state).await?;
        if me.role == Role::Admin { Ok(Admin(me)) } else { Err(AppError::Forbidden) }
    }
}

/// How many conversations of a channel the agent handles at once.
#[utoipa::path(put, path = "/api/admin/agents/{id}/capacity", tag = "admin", params(("id" = i64, Path)),
    request_body = SetCapacity,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_capacity(
    State(state): State<AppState>,
    _: Admin,
    AppPath(agent_id): AppPath<i64>,
    AppJson(request): AppJson<SetCapacity>,
) -> AppResult<StatusCode> {
    validate_capacity(&request)?;
    let mut work = Work::begin(&state).await?;
    admin::set_capacity(&mut work, agent_id, request.channel, request.capacity).await?;
    // More room may mean new offers at once.
    work.finish(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The queue's no-answer time, sensitive-data protection, popover variables, the cap on waiting
/// conversations and how long a chat waits for a customer who left.
#[utoipa::path(put, path = "/api/admin/queues/{id}/routing", tag = "admin", params(("id" = i64, Path)),
    request_body = QueueRouting,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_queue_routing(
    State(state): State<AppState>,
    _: Admin,
    AppPath(queue_id): AppPath<i64>,
    AppJson(request): AppJson<QueueRouting>,
) -> AppResult<StatusCode> {
    validate_queue_routing(&request)?;
    let mut change = Change::begin(&state).await?;
    admin::set_queue_routing(&mut change, queue_id, &request).await?;
    change.commit(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Deactivates a user: they are signed out of every desk (their offers go back to the queue), can no
/// longer sign in and are offered no work; their interactions stay listed. Or activates them again.
/// An administrator cannot deactivate themselves (403); 409 `on_a_call` during a call.
#[utoipa::path(put, path = "/api/admin/users/{id}/active", tag = "admin", params(("id" = i64, Path)),
    request_body = SetActive,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn set_user_active(
    State(state): State<AppState>,
    Admin(me): Admin,
    AppPath(user_id): AppPath<i64>,
    AppJson(request): AppJson<SetActive>,
) -> AppResult<StatusCode> {
    if user_id == me.id && !request.active {
        return Err(AppError::Forbidden);
    }
    let mut work = Work::begin(&state).await?;
    if !request.active && agents::on_a_call(&mut work, user_id).await? {
        return Err(AppError::Conflict(Reason::OnACall));
    }
    admin::set_active(&mut work, Deactivatable::User, user_id, request.active, now_ms()).await?;
    if !request.active {
        agents::set_state(&mut work, user_id, AgentState::Idle, Some(IdleReason::SignedOut)).await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(user_id).execute(&mut *work.tx).await?;
    }
    work.finish(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Deactivates a queue: it takes no new chats or calls (the chat page and its number say it is
/// closed), while what already waits there is still offered and finished; its interactions stay
/// listed. Or activates it again.
#[utoipa::path(put, path = "/api/admin/queues/{id}/active", tag = "admin", params(("id" = i64, Path)),
    request_body = SetActive,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn set_queue_active(
    State(state): State<AppState>,
    _: Admin,
    AppPath(queue_id): AppPath<i64>,
    AppJson(request): AppJson<SetActive>,
) -> AppResult<StatusCode> {
    let mut change = Change::begin(&state).await?;
    admin::set_active(&mut change, Deactivatable::Queue, queue_id, request.active, now_ms()).await?;
    change.commit(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The group a queue is listed under in the listing's Queue filter (choosing the group chooses its
/// queues); none or blank: ungrouped.
#[utoipa::path(put, path = "/api/admin/queues/{id}/group", tag = "admin", params(("id" = i64, Path)),
    request_body = QueueGroup,
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_queue_group(
    State(state): State<AppState>,
    _: Admin,
    AppPath(queue_id): AppPath<i64>,
    AppJson(request): AppJson<QueueGroup>,
) -> AppResult<StatusCode> {
    let request = request.checked()?;
    let mut change = Change::begin(&state).await?;
    admin::set_queue_group(&mut change, queue_id, request.group.as_deref()).await?;
    change.commit(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The keyword rules that tag conversations from customer messages.
#[utoipa::path(get, path = "/api/admin/tag-rules", tag = "admin",
    responses((status = 200, body = Vec<TagRule>), (status = 403, body = ErrorBody)))]
pub async fn tag_rules(State(state): State<AppState>, _: Admin) -> AppResult<Json<Vec<TagRule>>> {
    let mut conn = state.pool.acquire().await?;
    Ok(Json(tags::rules(&mut conn).await?))
}

/// A new keyword rule; its tag is created if the company has none by that name.
#[utoipa::path(post, path = "/api/admin/tag-rules", tag = "admin", request_body = NewTagRule,
    responses((status = 201, body = TagRule), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_tag_rule(
    State(state): State<AppState>,
    _: Admin,
    AppJson(rule): AppJson<NewTagRule>,
) -> AppResult<(StatusCode, Json<TagRule>)> {
    validate_tag_rule(&rule)?;
    let mut change = Change::begin(&state).await?;
    let rule = tags::add_rule(&mut change, &rule.keyword, &rule.tag_name, crate::db::now_ms()).await?;
    change.commit(&state).await?;
    Ok((StatusCode::CREATED, Json(rule)))
}

#[utoipa::path(delete, path = "/api/admin/tag-rules/{id}", tag = "admin", params(("id" = i64, Path)),
    responses((status = 204), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub async fn remove_tag_rule(
    State(state): State<AppState>,
    _: Admin,
    AppPath(id): AppPath<i64>,
) -> AppResult<StatusCode> {
    let mut change = Change::begin(&state).await?;
    tags::remove_rule(&mut change, id).await?;
    change.commit(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A tag's colours.
#[utoipa::path(put, path = "/api/admin/tags/{id}/colours", tag = "admin", params(("id" = i64, Path)),
    request_body = TagColours,
    responses((status = 200, body = Tag), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn tag_colours(
    State(state): State<AppState>,
    _: Admin,
    AppPath(id): AppPath<i64>,
    AppJson(colours): AppJson<TagColours>,
) -> AppResult<Json<Tag>> {
    validate_tag_colours(&colours)?;
    let mut conn = state.pool.acquire().await?;
    Ok(Json(tags::set_colours(&mut conn, id, &colours).await?))
}

/// This module's routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(set_capacity))
        .routes(routes!(set_queue_routing))
        .routes(routes!(set_user_active))
        .routes(routes!(set_queue_active))
        .routes(routes!(set_queue_group))
        .routes(routes!(tag_rules, add_tag_rule))
        .routes(routes!(remove_tag_rule))
        .routes(routes!(tag_colours))
}
