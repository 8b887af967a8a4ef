//! The post-chat survey: the questions an administrator sets per queue, and the customer's answers
//! once their chat has ended (with the chat's cookie, once per chat).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use hovor_types::customer::LANGUAGES;
use hovor_types::error::ErrorBody;
use hovor_types::feedback::{FeedbackForm, QueueFeedback, SubmitFeedback, check_questions};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::admin::Admin;
use super::chat::{ChatCustomer, SetupQuery};
use crate::AppState;
use crate::change::Change;
use crate::error::AppResult;
use crate::extract::{AppJson, AppPath, AppQuery};
use crate::store::{feedback, translations};

/// The queue's post-chat survey.
#[utoipa::path(get, path = "/api/admin/queues/{id}/feedback", tag = "admin", params(("id" = i64, Path)),
    responses((status = 200, body = QueueFeedback), (status = 403, body = ErrorBody)))]
pub async fn questions(
    State(state): State<AppState>,
    _: Admin,
    AppPath(queue_id): AppPath<i64>,
) -> AppResult<Json<QueueFeedback>> {
    let mut conn = state.pool.acquire().await?;
    Ok(Json(QueueFeedback { questions: feedback::questions(&mut conn, queue_id).await? }))
}

/// Replaces the queue's post-chat survey: asked after every chat that ends from now on.
#[utoipa::path(put, path = "/api/admin/queues/{id}/feedback", tag = "admin", params(("id" = i64, Path)),
    request_body = QueueFeedback,
    responses((status = 200, body = QueueFeedback), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn set_questions(
    State(state): State<AppState>,
    _: Admin,
    AppPath(queue_id): AppPath<i64>,
    AppJson(request): AppJson<QueueFeedback>,
) -> AppResult<Json<QueueFeedback>> {
    check_questions(&request.questions)?;
    let mut change = Change::begin(&state).await?;
    feedback::set_questions(&mut change, queue_id, &request.questions).await?;
    let questions = feedback::questions(&mut change, queue_id).await?;
    change.commit(&state).await?;
    Ok(Json(QueueFeedback { questions }))
}

/// What the customer is asked about their chat, in their language where the administrator translated
/// it, and whether they already answered.
#[utoipa::path(get, path = "/api/chat/feedback", tag = "chat", security(("chat" = [])), params(SetupQuery),
    responses((status = 200, body = FeedbackForm), (status = 401, body = ErrorBody)))]
pub async fn form(
    State(state): State<AppState>,
    ChatCustomer(c): ChatCustomer,
    AppQuery(q): AppQuery<SetupQuery>,
) -> AppResult<Json<FeedbackForm>> {
    let mut conn = state.pool.acquire().await?;
    let form = feedback::form(&mut conn, c.conversation_id, c.queue_id).await?;
    Ok(Json(match q.lang.filter(|l| LANGUAGES.contains(&l.as_str())) {
        Some(language) => form.translated(&translations::for_language(&mut conn, &language).await?),
        None => form,
    }))
}

/// The customer's answers: once the chat has ended (409 `not_ended` before), once (409
/// `already_answered`); a rating from 1 to 5, a comment of at most 1,000 characters, every required
/// question answered (422 naming `replies.<question id>`).
#[utoipa::path(post, path = "/api/chat/feedback", tag = "chat", security(("chat" = [])), request_body = SubmitFeedback,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn submit(
    State(state): State<AppState>,
    ChatCustomer(c): ChatCustomer,
    AppJson(request): AppJson<SubmitFeedback>,
) -> AppResult<StatusCode> {
    let mut change = Change::begin(&state).await?;
    feedback::submit(&mut change, c.conversation_id, &request).await?;
    change.commit(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// This module's routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(questions, set_questions)).routes(routes!(form, submit))
}
