//! Sending a message (agent or customer): stored once per idempotency key, however often the client retries.

use hovor_types::event::ServerEvent;
use hovor_types::message::{Direction, Message};
use sqlx::SqlitePool;

use super::events::{self, Audience, Published};
use crate::db::now_ms;
use crate::error::{AppError, AppResult};

/// A message about to be stored.
pub struct NewMessage<'a> {
    pub conversation_id: i64,
    pub queue_id: i64,
    pub contact_id: Option<i64>,
    /// Whether the conversation is still active; an ended one takes no messages.
    pub active: bool,
    pub direction: Direction,
    pub author: &'a str,
    pub body: &'a str,
    pub idempotency_key: Option<&'a str>,
}

/// Stores a message and its `MessageCreated` event (for the queue and the customer) in one
/// transaction. Returns the message and, when this call created it (not a retry), the event for the hub.
pub async fn send(pool: &SqlitePool, m: NewMessage<'_>) -> AppResult<(Message, Option<Published>)> {
    let NewMessage {
        conversation_id,
        queue_id,
        contact_id,
        active,
        direction,
        author,
        body,
        idempotency_key,
    } = m;
    if !active {
        return Err(AppError::Conflict("The conversation has ended."));
    }
    let mut tx = pool.begin().await?;
    let inserted: Option<(i64, i64)> = sqlx::query_as(
        "INSERT INTO messages (conversation_id, contact_id, direction, author, body, at, idempotency_key)
         VALUES (?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (conversation_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
         RETURNING id, at",
    )
    .bind(conversation_id)
    .bind(contact_id)
    .bind(direction.as_str())
    .bind(author)
    .bind(body)
    .bind(now_ms())
    .bind(idempotency_key)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((id, at)) = inserted else {
        // A retry: answer with the message the first attempt stored; nothing new happened.
        tx.rollback().await?;
        let (id, at, author, body) = sqlx::query_as(
            "SELECT id, at, author, body FROM messages WHERE conversation_id = ? AND idempotency_key = ?",
        )
        .bind(conversation_id)
        .bind(idempotency_key)
        .fetch_one(pool)
        .await?;
        let message = Message { id, conversation_id, direction, author, body, at };
        return Ok((message, None));
    };
    let message =
        Message { id, conversation_id, direction, author: author.to_owned(), body: body.to_owned(), at };
    let event = ServerEvent::MessageCreated { message: message.clone() };
    let published = events::append(
        &mut tx,
        Audience::QueueAndCustomer { queue: queue_id, conversation: conversation_id },
        event,
    )
    .await?;
    tx.commit().await?;
    Ok((message, Some(published)))
}
