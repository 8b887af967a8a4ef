//! The customer's side of web chat. No sign-in: starting a chat sets the `hovor_chat` cookie (HttpOnly,
//! path `/api/chat`), and every later call acts on that cookie's conversation only.

use std::convert::Infallible;

use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::sse::{Event, Sse};
use futures_util::Stream;
use hovor_types::callback::ChatCallbackRequest;
use hovor_types::chat::{
    ChatSetup, ChatView, ContextRequest, ReportedAction, StartChat, TypingRequest, validate_action,
    validate_context, validate_reported_at, validate_start,
};
use hovor_types::error::ErrorBody;
use hovor_types::event::{Party, ServerEvent};
use hovor_types::message::{Direction, Message, SendMessageRequest, validate_message_body};

use super::events::open;
use crate::extract::{AppJson, AppPath, AppQuery, IdempotencyKey, LastEventId, ResumeQuery};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::{CHAT_COOKIE, PHONE_COOKIE, cookie, new_token, set_cookie, token_hash};
use crate::change::Change;
use crate::error::{AppError, AppResult};
use crate::hub::Audience;
use crate::hub::Viewer;
use crate::limits::{ClientAddr, knock};
use crate::routing::presence::Present;
use crate::routing::{Work, lifecycle};
use crate::store::chat::{self, Customer};
use crate::store::{messages, translations};
use crate::voice::flows;
use hovor_types::customer::LANGUAGES;
use hovor_types::voice::{SessionDescription, check_sdp};

/// A chat session lasts a day.
const CHAT_COOKIE_MAX_AGE_S: i64 = 24 * 60 * 60;

/// The customer of the request's chat cookie; 401 without one.
pub struct ChatCustomer(pub Customer);

impl FromRequestParts<AppState> for ChatCustomer {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        let token = cookie(&parts.headers, CHAT_COOKIE).ok_or(AppError::Unauthenticated)?;
        Ok(ChatCustomer(chat::customer(&state.pool, &token_hash(token)).await?))
    }
}

#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SetupQuery {
    /// The customer's language (`en`, `cs`, `bg`, `uk`); another or none shows the texts as configured.
    pub lang: Option<String>,
}

/// The queue's name and pre-chat survey, in the customer's language where the administrator
/// translated them.
#[utoipa::path(get, path = "/api/chat/queues/{id}", tag = "chat", security(()), params(("id" = i64, Path), SetupQuery),
    responses((status = 200, body = ChatSetup), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn setup(
    State(state): State<AppState>,
    AppPath(queue_id): AppPath<i64>,
    AppQuery(q): AppQuery<SetupQuery>,
) -> AppResult<Json<ChatSetup>> {
    let mut conn = state.pool.acquire().await?;
    let language = q.lang.filter(|l| LANGUAGES.contains(&l.as_str()));
    let translations = match language {
        Some(language) => translations::for_language(&mut conn, &language).await?,
        None => Default::default(),
    };
    Ok(Json(chat::setup(&mut conn, queue_id).await?.translated(&translations)))
}

/// Starts a chat in the queue: it waits there until an agent accepts it.
/// Each client address may start a few chats, then one a minute (429 `rate_limited`); a queue that
/// holds as many waiting conversations as its administrator allows refuses more (429 `queue_full`).
#[utoipa::path(post, path = "/api/chat/queues/{id}/conversations", tag = "chat", security(()), params(("id" = i64, Path)),
    request_body = StartChat,
    responses((status = 201, body = ChatView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody),
              (status = 429, body = ErrorBody)))]
pub async fn start(
    State(state): State<AppState>,
    ClientAddr(from): ClientAddr,
    AppPath(queue_id): AppPath<i64>,
    AppJson(request): AppJson<StartChat>,
) -> AppResult<(StatusCode, [(axum::http::HeaderName, HeaderValue); 1], Json<ChatView>)> {
    let setup = chat::setup(&mut *state.pool.acquire().await?, queue_id).await?;
    let now = crate::db::now_ms();
    validate_start(&request, &setup.survey)?;
    validate_reported_at(&request.self_service, now)?;
    knock(&state.doors.chat_starts, from)?;
    let identity = request
        .identity
        .as_ref()
        .filter(|i| chat::identity_is_valid(i, state.chat_identity_secret.as_deref(), now));
    let token = new_token();
    let mut work = Work::begin(&state).await?;
    chat::start(&mut work, queue_id, &request, &setup.survey, identity, &token_hash(&token)).await?;
    work.finish(&state).await?;
    let customer = chat::customer(&state.pool, &token_hash(&token)).await?;
    let view = chat::view(&state.pool, &customer).await?;
    let cookie = format!(
        "{CHAT_COOKIE}={token}; Path=/api/chat; {}; Max-Age={CHAT_COOKIE_MAX_AGE_S}",
        state.cookie_attributes()
    );
    let cookie = HeaderValue::from_str(&cookie).map_err(|e| AppError::Internal(e.into()))?;
    Ok((StatusCode::CREATED, set_cookie(cookie), Json(view)))
}

/// The customer's conversation: status, agent and transcript.
#[utoipa::path(get, path = "/api/chat/conversation", tag = "chat", security(("chat" = [])),
    responses((status = 200, body = ChatView), (status = 401, body = ErrorBody)))]
pub async fn conversation(
    State(state): State<AppState>,
    ChatCustomer(c): ChatCustomer,
) -> AppResult<Json<ChatView>> {
    Ok(Json(chat::view(&state.pool, &c).await?))
}

/// A message from the customer. A repeated `Idempotency-Key` returns the first message.
#[utoipa::path(post, path = "/api/chat/messages", tag = "chat", security(("chat" = [])), request_body = SendMessageRequest,
    params(("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key store one message")),
    responses((status = 201, body = Message), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn send_message(
    State(state): State<AppState>,
    ChatCustomer(c): ChatCustomer,
    IdempotencyKey(key): IdempotencyKey,
    AppJson(request): AppJson<SendMessageRequest>,
) -> AppResult<(StatusCode, Json<Message>)> {
    let body = validate_message_body(&request.body)?;
    let mut change = Change::begin(&state).await?;
    let message = messages::send(
        &mut change,
        messages::NewMessage {
            conversation_id: c.conversation_id,
            queue_id: c.queue_id,
            contact_id: c.contact_id,
            direction: Direction::Inbound,
            author: &c.name,
            author_user: None,
            body,
            idempotency_key: key.as_deref(),
        },
    )
    .await?;
    change.commit(&state).await?;
    Ok((StatusCode::CREATED, Json(message)))
}

/// The customer started or stopped typing: their agent sees it.
#[utoipa::path(post, path = "/api/chat/typing", tag = "chat", security(("chat" = [])), request_body = TypingRequest,
    responses((status = 204), (status = 401, body = ErrorBody)))]
pub async fn typing(
    State(state): State<AppState>,
    ChatCustomer(c): ChatCustomer,
    AppJson(request): AppJson<TypingRequest>,
) -> AppResult<StatusCode> {
    if let (Some(agent_id), true) = (c.agent_id, c.status == "active") {
        let event = ServerEvent::Typing {
            conversation_id: c.conversation_id,
            party: Party::Customer,
            typing: request.typing,
        };
        Change::event_only(&state, Audience::User(agent_id), event).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// A self-service action the host site reported after the chat started; refused once the chat ended.
#[utoipa::path(post, path = "/api/chat/self-service", tag = "chat", security(("chat" = [])), request_body = ReportedAction,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn self_service(
    State(state): State<AppState>,
    ChatCustomer(c): ChatCustomer,
    AppJson(action): AppJson<ReportedAction>,
) -> AppResult<StatusCode> {
    validate_action(&action)?;
    validate_reported_at(std::slice::from_ref(&action), crate::db::now_ms())?;
    let mut change = Change::begin(&state).await?;
    chat::add_action(&mut change, c.conversation_id, &action).await?;
    change.commit(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Context variables from the host site (its `setContextProvider`), added or replaced by key; refused
/// once the chat ended.
#[utoipa::path(post, path = "/api/chat/context", tag = "chat", security(("chat" = [])), request_body = ContextRequest,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn context(
    State(state): State<AppState>,
    ChatCustomer(c): ChatCustomer,
    AppJson(request): AppJson<ContextRequest>,
) -> AppResult<StatusCode> {
    request.vars.iter().try_for_each(validate_context)?;
    let mut change = Change::begin(&state).await?;
    chat::set_context(&mut change, c.conversation_id, &request.vars).await?;
    change.commit(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The customer ends the chat.
#[utoipa::path(post, path = "/api/chat/end", tag = "chat", security(("chat" = [])),
    responses((status = 204), (status = 401, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub async fn end(State(state): State<AppState>, ChatCustomer(c): ChatCustomer) -> AppResult<StatusCode> {
    let mut work = Work::begin(&state).await?;
    lifecycle::end(&mut work, c.conversation_id, None).await?;
    work.finish(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The customer's events (messages, typing, status) as server-sent events, resumable like `/api/events`.
#[utoipa::path(get, path = "/api/chat/events", tag = "chat", security(("chat" = [])), params(ResumeQuery, ("Last-Event-ID" = Option<i64>, Header, description = "The id of the last event the client saw")),
    responses((status = 200, description = "text/event-stream of EventEnvelope", content_type = "text/event-stream"),
              (status = 401, body = ErrorBody)))]
pub async fn events(
    State(state): State<AppState>,
    ChatCustomer(c): ChatCustomer,
    LastEventId(resume): LastEventId,
) -> AppResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    let present = Present::arrive(&state, c.conversation_id).await?;
    open(state, Viewer::Customer { conversation_id: c.conversation_id }, resume, Some(present)).await
}

/// "Call us": the chat's customer calls the chat's queue from the page. The call carries the chat's
/// identity, survey answers and self-service trail, waits with the queue's music and is offered like
/// any call; the page follows it as the phone page does (`/api/phone/call`, `/api/phone/events`, with
/// the `hovor_phone` cookie this sets). Rate-limited like dialling.
#[utoipa::path(post, path = "/api/chat/call", tag = "chat", security(("chat" = [])),
    request_body = SessionDescription,
    responses((status = 201, body = SessionDescription), (status = 401, body = ErrorBody),
              (status = 409, body = ErrorBody), (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn call(
    State(state): State<AppState>,
    ClientAddr(from): ClientAddr,
    ChatCustomer(c): ChatCustomer,
    AppJson(offer): AppJson<SessionDescription>,
) -> AppResult<(StatusCode, [(axum::http::HeaderName, HeaderValue); 1], Json<SessionDescription>)> {
    check_sdp(&offer)?;
    knock(&state.doors.calls, from)?;
    let token = new_token();
    let answer = flows::call_from_chat(&state, c.conversation_id, &offer.sdp, &token_hash(&token)).await?;
    let cookie = super::phone::phone_cookie(&state, PHONE_COOKIE, &token)?;
    Ok((StatusCode::CREATED, set_cookie(cookie), Json(SessionDescription { sdp: answer })))
}

/// "Call me back" on the chat page: the customer still waiting for an agent leaves a number and is
/// called back when their turn comes, keeping the chat's place in the queue; the chat ends. Limited
/// per address like web callbacks.
#[utoipa::path(post, path = "/api/chat/callback", tag = "chat", security(("chat" = [])),
    request_body = ChatCallbackRequest,
    responses((status = 204), (status = 401, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub async fn callback(
    State(state): State<AppState>,
    ClientAddr(from): ClientAddr,
    ChatCustomer(c): ChatCustomer,
    AppJson(request): AppJson<ChatCallbackRequest>,
) -> AppResult<StatusCode> {
    knock(&state.doors.callback_requests, from)?;
    let mut work = Work::begin(&state).await?;
    crate::callbacks::courtesy_from_chat(&mut work, c.conversation_id, &request.phone).await?;
    work.finish(&state).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// This module's routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(call))
        .routes(routes!(callback))
        .routes(routes!(setup))
        .routes(routes!(start))
        .routes(routes!(conversation))
        .routes(routes!(send_message))
        .routes(routes!(typing))
        .routes(routes!(self_service))
        .routes(routes!(context))
        .routes(routes!(end))
        .routes(routes!(events))
}
