//! The outbox: events appended in the transaction of the change they describe, read back in id order
//! by each stream for its user (the user's own events and those of the queues they belong to).

use hovor_types::event::{EventEnvelope, ServerEvent};
use sqlx::{Sqlite, SqlitePool, Transaction};

use crate::db::now_ms;
use crate::error::{AppError, AppResult};

/// Who sees an event.
#[derive(Debug, Clone, Copy)]
pub enum Audience {
    Queue(i64),
    User(i64),
}

/// Appends `event` inside `tx`; returns its id (valid once `tx` commits).
pub async fn append(
    tx: &mut Transaction<'_, Sqlite>,
    audience: Audience,
    event: &ServerEvent,
) -> AppResult<i64> {
    let payload = serde_json::to_string(event).map_err(|e| AppError::Internal(e.into()))?;
    let (queue_id, user_id) = match audience {
        Audience::Queue(q) => (Some(q), None),
        Audience::User(u) => (None, Some(u)),
    };
    let id = sqlx::query_scalar(
        "INSERT INTO events (at, queue_id, user_id, payload) VALUES (?, ?, ?, ?) RETURNING id",
    )
    .bind(now_ms())
    .bind(queue_id)
    .bind(user_id)
    .bind(payload)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

/// Up to `limit` of the user's events after `after`, oldest first.
pub async fn after(pool: &SqlitePool, user_id: i64, after: i64, limit: i64) -> AppResult<Vec<EventEnvelope>> {
    let rows: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT id, at, payload FROM events
         WHERE id > ? AND (user_id = ? OR queue_id IN (SELECT queue_id FROM queue_members WHERE user_id = ?))
         ORDER BY id LIMIT ?",
    )
    .bind(after)
    .bind(user_id)
    .bind(user_id)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|(id, at, payload)| {
            let event = serde_json::from_str(&payload).map_err(|e| AppError::Internal(e.into()))?;
            Ok(EventEnvelope { id, at, event })
        })
        .collect()
}

/// The oldest and newest event ids still stored (0, 0 when there are none).
pub async fn bounds(pool: &SqlitePool) -> AppResult<(i64, i64)> {
    let (min, max): (Option<i64>, Option<i64>) =
        sqlx::query_as("SELECT MIN(id), MAX(id) FROM events").fetch_one(pool).await?;
    Ok((min.unwrap_or(0), max.unwrap_or(0)))
}
