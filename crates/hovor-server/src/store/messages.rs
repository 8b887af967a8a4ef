//! Sending a message: stored once per idempotency key, however often the client retries.

use hovor_types::message::{Direction, Message};
use sqlx::SqlitePool;

use super::conversations::ConversationRow;
use crate::db::now_ms;
use crate::error::{AppError, AppResult};

pub async fn send(
    pool: &SqlitePool,
    c: &ConversationRow,
    author: &str,
    body: &str,
    idempotency_key: Option<&str>,
) -> AppResult<Message> {
    if c.status != "active" {
        return Err(AppError::Conflict("The conversation has ended."));
    }
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
    .fetch_optional(pool)
    .await?;
    let (id, at, author, body) =
        match inserted {
            Some((id, at)) => (id, at, author.to_owned(), body.to_owned()),
            // A retry: answer with the message the first attempt stored.
            None => sqlx::query_as(
                "SELECT id, at, author, body FROM messages WHERE conversation_id = ? AND idempotency_key = ?",
            )
            .bind(c.id)
            .bind(idempotency_key)
            .fetch_one(pool)
            .await?,
        };
    Ok(Message { id, conversation_id: c.id, direction: Direction::Outbound, author, body, at })
}
