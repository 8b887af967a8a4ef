//! Agents' unsent text, kept per conversation so that it survives reloads and other devices.

use crate::db::{Conn, Pool};
use hovor_types::message::SavedDraft;

use crate::error::AppResult;

/// The agent's drafts in the conversations they may still see, newest first.
pub async fn of_agent(pool: &Pool, user_id: i64) -> AppResult<Vec<SavedDraft>> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT d.conversation_id, d.body FROM drafts d JOIN conversations c ON c.id = d.conversation_id
         WHERE d.user_id = $1
           AND (EXISTS (SELECT 1 FROM queue_members m WHERE m.queue_id = c.queue_id AND m.user_id = $1)
                OR EXISTS (SELECT 1 FROM activities a WHERE a.conversation_id = c.id AND a.agent_id = $1))
         ORDER BY d.updated_at DESC LIMIT 200",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|(conversation_id, body)| SavedDraft { conversation_id, body }).collect())
}

/// Keeps the draft; an empty (or blank) body removes it.
pub async fn save(
    conn: &mut Conn,
    user_id: i64,
    conversation_id: i64,
    body: &str,
    now: i64,
) -> AppResult<()> {
    if body.trim().is_empty() {
        return discard(conn, user_id, conversation_id).await;
    }
    sqlx::query(
        "INSERT INTO drafts (user_id, conversation_id, body, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id, conversation_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
    )
    .bind(user_id)
    .bind(conversation_id)
    .bind(body)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The draft is gone: sent, or emptied.
pub async fn discard(conn: &mut Conn, user_id: i64, conversation_id: i64) -> AppResult<()> {
    sqlx::query("DELETE FROM drafts WHERE user_id = $1 AND conversation_id = $2")
        .bind(user_id)
        .bind(conversation_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
