//! The email channel: the mail gateway posts arriving email (raw RFC 5322); agents read a conversation's
//! thread and send replies, replies to all and forwards, which the outbox hands to the SMTP relay.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use hovor_types::conversation::{Channel, TaskSummary};
use hovor_types::email::{ComposeEmail, Email, EmailThread, SendEmail, validate_send};
use hovor_types::error::Reason;
use hovor_types::error::{ErrorBody, FieldError, Rule};
use serde::{Deserialize, Serialize};

use crate::extract::{AppJson, AppQuery, IdempotencyKey, Visible};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::change::Change;
use crate::email::incoming::{self, Unreadable};
use crate::error::{AppError, AppResult};
use crate::routing::Work;
use crate::store::emails;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InboundQuery {
    /// The envelope recipient, when the gateway knows it (mail to a mailbox only in Bcc says so here).
    pub recipient: Option<String>,
}

/// Where an arriving email was put.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Delivered {
    pub conversation_id: i64,
    pub message_id: i64,
    /// False when this email had arrived before (the gateway retried): nothing changed.
    pub stored: bool,
}

/// The mail gateway, known by its token. An extractor of the request's head, so a caller without the
/// token is turned away before any of the body is read.
pub struct MailGateway;

impl FromRequestParts<AppState> for MailGateway {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> AppResult<Self> {
        let expected = state.mail.inbound_token.as_deref().ok_or(AppError::Unauthenticated)?;
        let presented = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .unwrap_or_default();
        if crate::auth::same_secret(presented, expected) {
            Ok(MailGateway)
        } else {
            Err(AppError::Unauthenticated)
        }
    }
}

/// An email arrives: the mail gateway posts it raw (`message/rfc822`, at most 10 MB) with its token.
/// It joins the active conversation of its thread (In-Reply-To, References), or starts a conversation
/// in the queue of the mailbox it was sent to, routed like a chat.
#[utoipa::path(post, path = "/api/email/inbound", tag = "email", security(("gateway" = [])), params(InboundQuery),
    request_body(content = String, content_type = "message/rfc822"),
    responses((status = 201, body = Delivered), (status = 200, body = Delivered, description = "Already here"),
              (status = 401, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub async fn inbound(
    State(state): State<AppState>,
    _gateway: MailGateway,
    AppQuery(query): AppQuery<InboundQuery>,
    raw: Bytes,
) -> AppResult<(StatusCode, Json<Delivered>)> {
    // Parsing and sanitising take milliseconds of CPU: off the threads that serve requests.
    let email = tokio::task::spawn_blocking(move || incoming::read(&raw))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(|e| match e {
            Unreadable::NotAnEmail => FieldError::new("message", Rule::Malformed),
            Unreadable::NoSender => FieldError::new("from", Rule::Required),
            Unreadable::BadSender => FieldError::new("from", Rule::Malformed),
        })?;
    let recipients: Vec<String> =
        query.recipient.into_iter().chain(email.to.iter().cloned()).chain(email.cc.iter().cloned()).collect();
    let mailbox =
        emails::mailbox(&state.pool, &recipients).await?.ok_or(FieldError::new("to", Rule::NotAnOption))?;
    let mut work = Work::begin(&state).await?;
    let received = emails::receive(&mut work, &mailbox, &email).await?;
    work.finish(&state).await?;
    tracing::info!(conversation = received.conversation_id, stored = received.stored, "email arrived");
    let status = if received.stored { StatusCode::CREATED } else { StatusCode::OK };
    Ok((
        status,
        Json(Delivered {
            conversation_id: received.conversation_id,
            message_id: received.message_id,
            stored: received.stored,
        }),
    ))
}

/// The conversation's emails, oldest first, with their HTML sanitised and their delivery status, and
/// the mailbox they are with.
#[utoipa::path(get, path = "/api/conversations/{id}/emails", tag = "email", params(("id" = i64, Path)),
    responses((status = 200, body = EmailThread), (status = 404, body = ErrorBody)))]
pub async fn thread(
    State(state): State<AppState>,
    Visible { conversation: c, .. }: Visible,
) -> AppResult<Json<EmailThread>> {
    Ok(Json(emails::thread(&state.pool, c.id).await?))
}

/// Compose a new email (a CRM's compose): an outbound email conversation of the agent's from the
/// first of their queues with a mailbox, its New email to `to`. 422 on `to` or `subject`; 409
/// `no_mailbox`.
#[utoipa::path(post, path = "/api/emails", tag = "email", request_body = ComposeEmail,
    responses((status = 201, body = TaskSummary), (status = 401, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn compose(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    AppJson(request): AppJson<ComposeEmail>,
) -> AppResult<(StatusCode, Json<TaskSummary>)> {
    let (to, subject) = request.checked()?;
    let mut work = Work::begin(&state).await?;
    let started =
        crate::routing::outbound::compose(&mut work, (me.id, &me.display_name), to, subject).await?;
    work.finish(&state).await?;
    let mut conn = state.pool.acquire().await?;
    let task = crate::store::conversations::task(&mut conn, me.id, started).await?;
    Ok((StatusCode::CREATED, Json(task)))
}

/// Reply, reply all, forward or a New email's first email, from the conversation's mailbox. It is
/// Waiting until the relay takes it. A repeated `Idempotency-Key` returns the first email.
#[utoipa::path(post, path = "/api/conversations/{id}/emails", tag = "email",
    params(("id" = i64, Path), ("Idempotency-Key" = Option<String>, Header, description = "Retries with the same key queue one email")),
    request_body = SendEmail,
    responses((status = 201, body = Email), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody),
              (status = 422, body = ErrorBody)))]
pub async fn send(
    State(state): State<AppState>,
    Visible { me, conversation: c }: Visible,
    IdempotencyKey(key): IdempotencyKey,
    AppJson(request): AppJson<SendEmail>,
) -> AppResult<(StatusCode, Json<Email>)> {
    let email = validate_send(&request)?;
    if c.channel != Channel::Email {
        return Err(AppError::Conflict(Reason::NotEmail));
    }
    if c.agent_id != Some(me.id) {
        return Err(AppError::Conflict(Reason::NotAssigned));
    }
    if state.mail.relay.is_none() {
        return Err(AppError::Conflict(Reason::NoSmtpRelay));
    }
    let mut change = Change::begin(&state).await?;
    let stored = emails::queue(&mut change, (me.id, &me.display_name), &c, &email, key.as_deref()).await?;
    if let Some(used) = email.used_response {
        let at = change.now;
        crate::store::learning::record(&mut change, c.id, me.id, used, at).await?;
    }
    change.commit(&state).await?;
    state.mail.wake.notify_one();
    Ok((StatusCode::CREATED, Json(stored)))
}

/// This module's routes.
pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(thread, send)).routes(routes!(compose))
}

/// The mail gateway's door: raw email is larger than any JSON request, so it has its own body limit.
pub fn gateway_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(inbound))
        .layer(axum::extract::DefaultBodyLimit::max(crate::email::incoming::RAW_MAX_BYTES))
}
