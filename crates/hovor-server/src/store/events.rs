//! The outbox: events appended in the transaction of the change they describe, read back in id order
//! by each stream for its user (the user's own events and those of the queues they belong to).

use crate::db::{Conn, Pool};
use hovor_types::event::{EventEnvelope, ServerEvent};
use hovor_types::voice::{LineEnvelope, LineNews};

use crate::db::now_ms;
use crate::error::{AppError, AppResult};
use crate::hub::{Audience, Published, Viewer};

/// Appends `event` inside the caller's transaction; hand the result to the hub once it has committed.
pub async fn append(tx: &mut Conn, audience: Audience, event: ServerEvent) -> AppResult<Published> {
    let payload = serde_json::to_string(&event).map_err(|e| AppError::Internal(e.into()))?;
    let (queue_id, user_id, customer, line) = match audience {
        Audience::Queue(q) => (Some(q), None, None, None),
        Audience::User(u) => (None, Some(u), None, None),
        Audience::Customer(c) => (None, None, Some(c), None),
        Audience::QueueAndCustomer { queue, conversation } => (Some(queue), None, Some(conversation), None),
        Audience::Line(l) => (None, None, None, Some(l)),
    };
    let about = event.conversation_id();
    let (id, at) = insert(tx, [queue_id, user_id, customer, line], about, payload).await?;
    Published::new(&EventEnvelope { id, at, event }, audience)
}

/// Appends a line's news inside the caller's transaction, for the phone pages on `line_id`.
pub async fn append_line(tx: &mut Conn, line_id: i64, news: LineNews) -> AppResult<Published> {
    let payload = serde_json::to_string(&news).map_err(|e| AppError::Internal(e.into()))?;
    let (id, at) = insert(tx, [None, None, None, Some(line_id)], None, payload).await?;
    Published::line(&LineEnvelope { id, at, event: news }, line_id)
}

/// Stores one event for its audience (queue, user, customer's conversation, line) with the
/// conversation it is about; its id and time.
async fn insert(
    tx: &mut Conn,
    audience: [Option<i64>; 4],
    about: Option<i64>,
    payload: String,
) -> AppResult<(i64, i64)> {
    let at = now_ms();
    let [queue_id, user_id, customer, line] = audience;
    let id = sqlx::query_scalar(
        "INSERT INTO events (at, queue_id, user_id, customer_conversation_id, line_id, conversation_id, payload)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(at)
    .bind(queue_id)
    .bind(user_id)
    .bind(customer)
    .bind(line)
    .bind(about)
    .bind(payload)
    .fetch_one(&mut *tx)
    .await?;
    Ok((id, at))
}

/// Up to `limit` of the viewer's events after `after`, oldest first.
pub async fn after(pool: &Pool, viewer: &Viewer, after: i64, limit: i64) -> AppResult<Vec<Published>> {
    let rows: Vec<EventRow> = match viewer {
        Viewer::Agent { user_id, .. } => {
            sqlx::query_as(
                "SELECT id, at, payload, queue_id, user_id, customer_conversation_id, line_id FROM events
                 WHERE id > $1 AND (user_id = $2 OR queue_id IN (SELECT queue_id FROM queue_members WHERE user_id = $3))
                 ORDER BY id LIMIT $4",
            )
            .bind(after)
            .bind(user_id)
            .bind(user_id)
            .bind(limit)
            .fetch_all(pool)
            .await?
        }
        // A customer's conversation and a phone's line each have a column of their own.
        Viewer::Customer { conversation_id: owner } | Viewer::Line { line_id: owner } => {
            let sql = match viewer {
                Viewer::Line { .. } => {
                    "SELECT id, at, payload, queue_id, user_id, customer_conversation_id, line_id FROM events
                     WHERE line_id = $1 AND id > $2 ORDER BY id LIMIT $3"
                }
                _ => {
                    "SELECT id, at, payload, queue_id, user_id, customer_conversation_id, line_id FROM events
                     WHERE customer_conversation_id = $1 AND id > $2 ORDER BY id LIMIT $3"
                }
            };
            sqlx::query_as(sql).bind(owner).bind(after).bind(limit).fetch_all(pool).await?
        }
    };
    published(rows)
}

/// Up to `limit` events after `after`, whoever sees them, oldest first: what another instance committed.
pub async fn all_after(pool: &Pool, after: i64, limit: i64) -> AppResult<Vec<Published>> {
    let rows: Vec<EventRow> = sqlx::query_as(
        "SELECT id, at, payload, queue_id, user_id, customer_conversation_id, line_id FROM events
         WHERE id > $1 ORDER BY id LIMIT $2",
    )
    .bind(after)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    published(rows)
}

fn parse<T: serde::de::DeserializeOwned>(payload: &str) -> AppResult<T> {
    serde_json::from_str(payload).map_err(|e| AppError::Internal(e.into()))
}

fn published(rows: Vec<EventRow>) -> AppResult<Vec<Published>> {
    rows.into_iter()
        .map(|EventRow { id, at, payload, queue_id, user_id, customer_conversation_id, line_id }| {
            let audience = match (queue_id, user_id, customer_conversation_id, line_id) {
                (_, _, _, Some(line)) => {
                    return Published::line(&LineEnvelope { id, at, event: parse(&payload)? }, line);
                }
                (Some(queue), _, Some(conversation), _) => Audience::QueueAndCustomer { queue, conversation },
                (Some(queue), _, None, _) => Audience::Queue(queue),
                (None, Some(user), _, _) => Audience::User(user),
                (None, None, Some(conversation), _) => Audience::Customer(conversation),
                (None, None, None, None) => {
                    return Err(AppError::Internal(anyhow::anyhow!("event {id} has no audience")));
                }
            };
            Published::new(&EventEnvelope { id, at, event: parse(&payload)? }, audience)
        })
        .collect()
}

/// The oldest and newest event ids still stored (0, 0 when there are none).
pub async fn bounds(pool: &Pool) -> AppResult<(i64, i64)> {
    let (min, max): (Option<i64>, Option<i64>) =
        sqlx::query_as("SELECT MIN(id), MAX(id) FROM events").fetch_one(pool).await?;
    Ok((min.unwrap_or(0), max.unwrap_or(0)))
}

#[derive(sqlx::FromRow)]
struct EventRow {
    id: i64,
    at: i64,
    payload: String,
    queue_id: Option<i64>,
    user_id: Option<i64>,
    customer_conversation_id: Option<i64>,
    line_id: Option<i64>,
}

/// The queues a user belongs to: the events of these queues reach the user's streams.
pub async fn queues_of(pool: &Pool, user_id: i64) -> AppResult<Vec<i64>> {
    Ok(sqlx::query_scalar("SELECT queue_id FROM queue_members WHERE user_id = $1")
        .bind(user_id)
        .fetch_all(pool)
        .await?)
}
