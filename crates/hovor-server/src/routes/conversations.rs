//! The Active Conversation: task list, summary, customer, cases, timeline, messages and suggestions.
//! Each conversation route first checks that the conversation is in one of the caller's queues.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use hovor_types::case::CasePane;
use hovor_types::conversation::{
    Channel, ConversationSummary, ReadUpTo, SetContact, StartOutbound, TaskSummary,
};
use hovor_types::customer::CustomerCard;
use hovor_types::error::ErrorBody;
use hovor_types::error::Reason;
use hovor_types::message::{
    Direction, Draft, Message, SavedDraft, SendMessageRequest, validate_agent_message, validate_draft,
};
use hovor_types::response::SuggestedResponse;
use hovor_types::session_data::validate_note;
use hovor_types::timeline::{
    NewNote, RelatedRecord, TIMELINE_MAX_PAGE, TIMELINE_PAGE, TimelineCursor, TimelineEntry, TimelinePage,
};
use serde::Deserialize;

use crate::extract::{AppJson, AppQuery, IdempotencyKey, Visible};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::change::Change;
use crate::error::{AppError, AppResult};
use crate::routing::{Work, outbound};
use crate::store::audit::Edit;
use crate::store::conversations::ConversationRow;
use crate::store::{
    cases as case_store, conversations as store, customers, drafts, messages, reads, responses,
    timeline as tl,
};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TasksQuery {
    /// Only the conversations with this tag.
    tag: Option<i64>,
}

/// The signed-in agent's active conversations, each with its tags.
#[utoipa::path(get, path = "/api/tasks", tag = "conversations", params(TasksQuery),
    responses((status = 200, body = Vec<TaskSummary>), (status = 401, body = ErrorBody)))]
pub async fn tasks(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    AppQuery(q): AppQuery<TasksQuery>,
) -> AppResult<Json<Vec<TaskSummary>>> {
    let mut conn = state.pool.acquire().await?;
    Ok(Json(store::tasks(&mut conn, me.id, q.tag, None).await?))
}

/// Channel, wait time, skills, queue, start time and the survey, self-service and visitor tabs.
#[utoipa::path(get, path = "/api/conversations/{id}", tag = "conversations", params(("id" = i64, Path)),
    responses((status = 200, body = ConversationSummary), (status = 404, body = ErrorBody)))]
pub async fn summary(
    State(state): State<AppState>,
    Visible { conversation: c, .. }: Visible,
) -> AppResult<Json<ConversationSummary>> {
    Ok(Json(store::summary(&state.pool, &c).await?))
}

/// The linked contact and account, and what the conversation knows of an unlinked customer.
#[utoipa::path(get, path = "/api/conversations/{id}/customer", tag = "conversations", params(("id" = i64, Path)),
    responses((status = 200, body = CustomerCard), (status = 404, body = ErrorBody)))]
pub async fn customer(
    State(state): State<AppState>,
    Visible { conversation: c, .. }: Visible,
) -> AppResult<Json<CustomerCard>> {
    let mut conn = state.pool.acquire().await?;
    Ok(Json(customers::card(&mut conn, &c).await?))
}

/// Set contact, Change contact or Unlink from directory: for the conversation and every interaction
/// started from it, with their messages.
#[utoipa::path(put, path = "/api/conversations/{id}/contact", tag = "conversations", params(("id" = i64, Path)),
    request_body = SetContact,
    responses((status = 200, body = CustomerCard), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn set_contact(
    State(state): State<AppState>,
    Visible { me, conversation: c }: Visible,
    AppJson(request): AppJson<SetContact>,
) -> AppResult<Json<CustomerCard>> {
    let mut change = Change::begin(&state).await?;
    customers::set_contact(&mut change, c.id, request.contact_id, Edit::by(me.id)).await?;
    let c = ConversationRow { contact_id: request.contact_id, ..c };
    let card = customers::card(&mut change, &c).await?;
    change.commit(&state).await?;
    Ok(Json(card))
}

/// Start call or New email to the contact's default phone or email: a new outbound interaction of
/// the agent's, a child of this conversation.
#[utoipa::path(post, path = "/api/conversations/{id}/outbound", tag = "conversations", params(("id" = i64, Path)),
    request_body = StartOutbound,
    responses((status = 201, body = TaskSummary), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn outbound(
    State(state): State<AppState>,
    Visible { me, conversation: c }: Visible,
    AppJson(request): AppJson<StartOutbound>,
) -> AppResult<(StatusCode, Json<TaskSummary>)> {
    let mut work = Work::begin(&state).await?;
    let agent = (me.id, me.display_name.as_str());
    let started = outbound::start(&mut work, agent, c.id, request.channel).await?;
    let placed = match request.channel {
        Channel::Voice => crate::voice::flows::place(&mut work, &state, agent.0, started).await?,
        _ => false,
    };
    if let Err(e) = work.finish(&state).await {
        if let Some(calls) = state.voice.as_ref().filter(|_| placed) {
            calls.drop_call(started);
        }
        return Err(e);
    }
    let mut conn = state.pool.acquire().await?;
    let task = store::task(&mut conn, me.id, started).await?;
    Ok((StatusCode::CREATED, Json(task)))
}

/// The linked case and the customer's recent cases.
#[utoipa::path(get, path = "/api/conversations/{id}/cases", tag = "conversations", params(("id" = i64, Path)),
    responses((status = 200, body = CasePane), (status = 404, body = ErrorBody)))]
pub async fn cases(
    State(state): State<AppState>,
    Visible { conversation: c, .. }: Visible,
) -> AppResult<Json<CasePane>> {
    Ok(Json(case_store::pane(&state.pool, &c).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TimelineQuery {
    /// The related record to follow; by default the contact, else the case, else this conversation alone.
    record: Option<RelatedRecord>,
    /// With `before_key`: return entries strictly older than this point (from the previous page's `older`).
    before_at: Option<i64>,
    before_key: Option<i64>,
    /// Entries per page, 1–200 (default 50).
    limit: Option<u32>,
}

/// One page of the related record's timeline, newest end first requested; older pages through `older`.
#[utoipa::path(get, path = "/api/conversations/{id}/timeline", tag = "conversations",
    params(("id" = i64, Path), TimelineQuery),
    responses((status = 200, body = TimelinePage), (status = 400, body = ErrorBody), (status = 404, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn timeline(
    State(state): State<AppState>,
    Visible { me, conversation: c }: Visible,
    AppQuery(q): AppQuery<TimelineQuery>,
) -> AppResult<Json<TimelinePage>> {
    let before = match (q.before_at, q.before_key) {
        (Some(before_at), Some(before_key)) => Some(TimelineCursor { before_at, before_key }),
        (None, None) => None,
        _ => return Err(AppError::bad_field("before_key", "before_at and before_key go together.")),
    };
    let limit = q.limit.unwrap_or(TIMELINE_PAGE);
    if !(1..=TIMELINE_MAX_PAGE).contains(&limit) {
        return Err(AppError::bad_field(
            "limit",
            format!("limit must be between 1 and {TIMELINE_MAX_PAGE}."),
        ));
    }
    Ok(Json(tl::page(&state.pool, me.id, &c, q.record, before, limit).await?))
}

/// A quick note on the conversation's contact, account or case; it appears on that record's timeline.
#[utoipa::path(post, path = "/api/conversations/{id}/notes", tag = "conversations", params(("id" = i64, Path)),
    request_body = NewNote,
    responses((status = 201, body = TimelineEntry), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn add_note(
    State(state): State<AppState>,
    Visible { me, conversation: c }: Visible,
    AppJson(note): AppJson<NewNote>,
) -> AppResult<(StatusCode, Json<TimelineEntry>)> {
    validate_note("body", &note.body, true)?;
    let mut change = Change::begin(&state).await?;
    let entry = tl::add_note(
        &mut change,
        &c,
        note.record,
        note.body.trim(),
        (me.id, &me.display_name),
        crate::db::now_ms(),
    )
    .await?;
    change.commit(&state).await?;
    Ok((StatusCode::CREATED, Json(entry)))
}

/// Sends a chat message as the signed-in agent. A repeated `Idempotency-Key` returns the first message.
#[utoipa::path(post, path = "/api/conversations/{id}/messages", tag = "conversations",
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key store one message")),
    request_body = SendMessageRequest,
    responses((status = 201, body = Message), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn send_message(
    State(state): State<AppState>,
    Visible { me, conversation: c }: Visible,
    IdempotencyKey(key): IdempotencyKey,
    AppJson(request): AppJson<SendMessageRequest>,
) -> AppResult<(StatusCode, Json<Message>)> {
    let body = validate_agent_message(&request.body)?;
    let collaborating = || crate::store::collaboration::is_collaborator(&state.pool, c.id, me.id);
    if c.is_active() && c.agent_id != Some(me.id) && !collaborating().await? {
        return Err(AppError::Conflict(Reason::NotAssigned));
    }
    let mut change = Change::begin(&state).await?;
    let message = messages::send(
        &mut change,
        messages::NewMessage {
            conversation_id: c.id,
            queue_id: c.queue_id,
            contact_id: c.contact_id,
            direction: Direction::Outbound,
            author: &me.display_name,
            author_user: Some(me.id),
            body,
            idempotency_key: key.as_deref(),
        },
    )
    .await?;
    if let Some(used) = request.used_response {
        let at = change.now;
        crate::store::learning::record(&mut change, c.id, me.id, used, at).await?;
    }
    change.commit(&state).await?;
    Ok((StatusCode::CREATED, Json(message)))
}

/// Standard responses of the conversation's categories, ranked by relevance to the latest customer message.
#[utoipa::path(get, path = "/api/conversations/{id}/suggestions", tag = "conversations", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<SuggestedResponse>), (status = 404, body = ErrorBody)))]
pub async fn suggestions(
    State(state): State<AppState>,
    Visible { me, conversation: c }: Visible,
) -> AppResult<Json<Vec<SuggestedResponse>>> {
    Ok(Json(responses::suggestions(&state.pool, (&state.responses, &state.learned), &c, me.id).await?))
}

/// The signed-in agent's unsent drafts in the conversations they may still see.
#[utoipa::path(get, path = "/api/drafts", tag = "conversations",
    responses((status = 200, body = Vec<SavedDraft>), (status = 401, body = ErrorBody)))]
pub async fn drafts(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
) -> AppResult<Json<Vec<SavedDraft>>> {
    Ok(Json(drafts::of_agent(&state.pool, me.id).await?))
}

/// Keeps the agent's unsent text; an empty body removes it.
#[utoipa::path(put, path = "/api/conversations/{id}/draft", tag = "conversations", params(("id" = i64, Path)),
    request_body = Draft,
    responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn save_draft(
    State(state): State<AppState>,
    Visible { me, conversation: c }: Visible,
    AppJson(draft): AppJson<Draft>,
) -> AppResult<StatusCode> {
    validate_draft(&draft)?;
    let mut change = Change::begin(&state).await?;
    let now = change.now;
    drafts::save(&mut change, me.id, c.id, &draft.body, now).await?;
    change.commit(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The agent has seen the conversation up to a message: the task list stops counting it as unread.
#[utoipa::path(put, path = "/api/conversations/{id}/read", tag = "conversations", params(("id" = i64, Path)),
    request_body = ReadUpTo,
    responses((status = 204), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn mark_read(
    State(state): State<AppState>,
    Visible { me, conversation: c }: Visible,
    AppJson(read): AppJson<ReadUpTo>,
) -> AppResult<StatusCode> {
    let mut change = Change::begin(&state).await?;
    reads::mark(&mut change, me.id, c.id, read.message_id).await?;
    change.commit(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// This module's routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(tasks))
        .routes(routes!(mark_read))
        .routes(routes!(summary))
        .routes(routes!(customer))
        .routes(routes!(cases))
        .routes(routes!(timeline))
        .routes(routes!(send_message))
        .routes(routes!(drafts))
        .routes(routes!(save_draft))
        .routes(routes!(suggestions))
        .routes(routes!(set_contact))
        .routes(routes!(outbound))
        .routes(routes!(add_note))
}
