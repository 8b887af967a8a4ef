//! Sending a message (agent or customer): stored once per idempotency key, however often the client retries.

use crate::db::Conn;
use hovor_types::error::Reason;
use hovor_types::event::ServerEvent;
use hovor_types::message::{Direction, Message};

use super::conversations::bad_value;
use super::tags;
use crate::change::Change;
use crate::error::{AppError, AppResult};
use crate::hub::Audience;

/// A message about to be stored.
pub struct NewMessage<'a> {
    pub conversation_id: i64,
    pub queue_id: i64,
    pub contact_id: Option<i64>,
    pub direction: Direction,
    pub author: &'a str,
    /// The agent who wrote it: their draft of the conversation goes with the send.
    pub author_user: Option<i64>,
    pub body: &'a str,
    pub idempotency_key: Option<&'a str>,
}

/// Stores a message and its `MessageCreated` event (for the queue and the customer) in the change,
/// if the conversation is still active; a customer's message also gets the tags of the keyword rules
/// it matches. A retry with the same key answers with the first message and changes nothing, also
/// after the conversation ended.
pub async fn send(change: &mut Change, m: NewMessage<'_>) -> AppResult<Message> {
    let inserted: Option<(i64, i64)> = sqlx::query_as(
        "INSERT INTO messages (conversation_id, contact_id, direction, author, body, at, idempotency_key)
         SELECT $1, $2, $3, $4, $5, $6, $7
         WHERE EXISTS (SELECT 1 FROM conversations WHERE id = $1 AND status = 'active')
         ON CONFLICT (conversation_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
         RETURNING id, at",
    )
    .bind(m.conversation_id)
    .bind(m.contact_id)
    .bind(m.direction.as_str())
    .bind(m.author)
    .bind(m.body)
    .bind(change.now)
    .bind(m.idempotency_key)
    .fetch_optional(&mut **change)
    .await?;
    let Some((id, at)) = inserted else {
        // Not stored: a retry (the key exists, also after the end), or the conversation has ended.
        return match already_sent(change, m.conversation_id, m.idempotency_key).await? {
            Some(first) => Ok(first),
            None => Err(AppError::Conflict(Reason::Ended)),
        };
    };
    if let Some(user) = m.author_user {
        super::drafts::discard(change, user, m.conversation_id).await?;
    }
    let message = Message {
        id,
        conversation_id: m.conversation_id,
        direction: m.direction,
        author: m.author.to_owned(),
        body: m.body.to_owned(),
        at,
    };
    let event = ServerEvent::MessageCreated { message: message.clone() };
    let audience = Audience::QueueAndCustomer { queue: m.queue_id, conversation: m.conversation_id };
    change.emit(audience, event).await?;
    if m.direction == Direction::Inbound {
        tags::apply_keywords(change, m.conversation_id, m.queue_id, m.body, at).await?;
    }
    Ok(message)
}

/// The message stored earlier under this idempotency key, as it was stored.
async fn already_sent(
    conn: &mut Conn,
    conversation_id: i64,
    key: Option<&str>,
) -> AppResult<Option<Message>> {
    let Some(key) = key else { return Ok(None) };
    let row: Option<(i64, String, String, String, i64)> = sqlx::query_as(
        "SELECT id, direction, author, body, at FROM messages WHERE conversation_id = $1 AND idempotency_key = $2",
    )
    .bind(conversation_id)
    .bind(key)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|(id, direction, author, body, at)| {
        let direction = Direction::parse(&direction).ok_or_else(|| bad_value("direction", &direction))?;
        Ok(Message { id, conversation_id, direction, author, body, at })
    })
    .transpose()
}
