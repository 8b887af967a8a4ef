//! Sending a message: stored once per idempotency key, however often the client retries.

use hovor_types::event::ServerEvent;
use hovor_types::message::{Direction, Message};
use sqlx::SqlitePool;

use super::conversations::ConversationRow;
use super::events::{self, Audience, Published};
use crate::db::now_ms;
use crate::error::{AppError, AppResult};

/// Stores an agent's message and its `MessageCreated` event in one transaction. Returns the message and,
/// when this call created it (not a retry), the event for the hub.
pub async fn send(
    pool: &SqlitePool,
    c: &ConversationRow,
    author: &str,
    body: &str,
    idempotency_key: Option<&str>,
) -> AppResult<(Message, Option<Published>)> {
    if c.status != "active" {
        return Err(AppError::Conflict("The conversation has ended."));
    }
    let mut tx = pool.begin().await?;
    let inserted: Option<(i64, i64)> = sqlx::query_as(
        "INSERT INTO messages (conversation_id, contact_id, direction, author, body, at, idempotency_key)
         VALUES (?, ?, 'outbound', ?, ?, ?, ?)
         ON CONFLICT (conversation_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
         RETURNING id, at",
    )
    .bind(c.id)
    .bind(c.contact_id)
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
        .bind(c.id)
        .bind(idempotency_key)
        .fetch_one(pool)
        .await?;
        let message = Message { id, conversation_id: c.id, direction: Direction::Outbound, author, body, at };
        return Ok((message, None));
    };
    let message = Message {
        id,
        conversation_id: c.id,
        direction: Direction::Outbound,
        author: author.to_owned(),
        body: body.to_owned(),
        at,
    };
    let event = ServerEvent::MessageCreated { message: message.clone() };
    let published = events::append(&mut tx, Audience::Queue(c.queue_id), event).await?;
    tx.commit().await?;
    Ok((message, Some(published)))
}
