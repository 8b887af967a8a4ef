//! What administrators set for routing: agents' capacity per channel and queues' routing settings.

use hovor_types::conversation::Channel;
use hovor_types::routing::QueueRouting;
use sqlx::SqliteConnection;

use crate::error::{AppError, AppResult};

/// How many conversations of `channel` the agent handles at once (404 for anyone not an agent).
pub async fn set_capacity(
    conn: &mut SqliteConnection,
    agent_id: i64,
    channel: Channel,
    capacity: u32,
) -> AppResult<()> {
    let exists: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users WHERE id = ? AND role = 'agent')")
            .bind(agent_id)
            .fetch_one(&mut *conn)
            .await?;
    if !exists {
        return Err(AppError::NotFound);
    }
    sqlx::query(
        "INSERT INTO agent_capacity (user_id, channel, capacity) VALUES (?, ?, ?)
         ON CONFLICT (user_id, channel) DO UPDATE SET capacity = excluded.capacity",
    )
    .bind(agent_id)
    .bind(channel.as_str())
    .bind(capacity)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The queue's routing settings, validated already (404 for no such queue).
pub async fn set_queue_routing(
    conn: &mut SqliteConnection,
    queue_id: i64,
    routing: &QueueRouting,
) -> AppResult<()> {
    let variables =
        serde_json::to_string(&routing.popover_variables).map_err(|e| AppError::Internal(e.into()))?;
    let updated = sqlx::query(
        "UPDATE queues SET rona_seconds = ?, mask_sensitive = ?, popover_variables = ?, max_waiting = ?,
                abandon_after_seconds = ? WHERE id = ?",
    )
    .bind(routing.rona_seconds)
    .bind(routing.mask_sensitive)
    .bind(variables)
    .bind(routing.max_waiting)
    .bind(routing.abandon_after_seconds)
    .bind(queue_id)
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}
