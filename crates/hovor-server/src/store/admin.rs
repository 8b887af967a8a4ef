//! What administrators set for routing: agents' capacity per channel and queues' routing settings.

use crate::db::{Conn, Flag};
use hovor_types::conversation::Channel;
use hovor_types::routing::QueueRouting;

use crate::error::{AppError, AppResult};

/// How many conversations of `channel` the agent handles at once (404 for anyone not an agent).
pub async fn set_capacity(conn: &mut Conn, agent_id: i64, channel: Channel, capacity: u32) -> AppResult<()> {
    let Flag(exists) =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users WHERE id = $1 AND role = 'agent')")
            .bind(agent_id)
            .fetch_one(&mut *conn)
            .await?;
    if !exists {
        return Err(AppError::NotFound);
    }
    sqlx::query(
        "INSERT INTO agent_capacity (user_id, channel, capacity) VALUES ($1, $2, $3)
         ON CONFLICT (user_id, channel) DO UPDATE SET capacity = excluded.capacity",
    )
    .bind(agent_id)
    .bind(channel.as_str())
    .bind(i64::from(capacity))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The queue's routing settings, validated already (404 for no such queue).
pub async fn set_queue_routing(conn: &mut Conn, queue_id: i64, routing: &QueueRouting) -> AppResult<()> {
    let variables =
        serde_json::to_string(&routing.popover_variables).map_err(|e| AppError::Internal(e.into()))?;
    let updated = sqlx::query(
        "UPDATE queues SET rona_seconds = $1, mask_sensitive = $2, popover_variables = $3, max_waiting = $4,
                abandon_after_seconds = $5 WHERE id = $6",
    )
    .bind(i64::from(routing.rona_seconds))
    .bind(i64::from(routing.mask_sensitive))
    .bind(variables)
    .bind(routing.max_waiting.map(i64::from))
    .bind(i64::from(routing.abandon_after_seconds))
    .bind(queue_id)
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// The group the queue is listed under (checked already); 404 for no such queue.
pub async fn set_queue_group(conn: &mut Conn, queue_id: i64, group: Option<&str>) -> AppResult<()> {
    let updated = sqlx::query("UPDATE queues SET queue_group = $1 WHERE id = $2")
        .bind(group)
        .bind(queue_id)
        .execute(&mut *conn)
        .await?;
    if updated.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

/// What an administrator deactivates.
#[derive(Debug, Clone, Copy)]
pub enum Deactivatable {
    /// Can sign in no more; their open sessions are for the caller to end.
    User,
    /// Takes no new chats or calls.
    Queue,
}

/// Marks the user or queue `id` deactivated (since `now`, kept if it already was) or active again;
/// 404 when there is none.
pub async fn set_active(
    conn: &mut Conn,
    what: Deactivatable,
    id: i64,
    active: bool,
    now: i64,
) -> AppResult<()> {
    // Fixed text per kind: the table is never the caller's.
    let table = match what {
        Deactivatable::User => "users",
        Deactivatable::Queue => "queues",
    };
    let sql = format!(
        "UPDATE {table} SET deactivated_at = CASE WHEN $1 = 1 THEN NULL ELSE COALESCE(deactivated_at, $2) END
         WHERE id = $3"
    );
    let updated = sqlx::query(sqlx::AssertSqlSafe(sql))
        .bind(i64::from(active))
        .bind(now)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    if updated.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}
