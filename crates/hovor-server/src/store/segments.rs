//! Queue segments: a conversation's time in one queue, from entering it to an agent's accept (answered),
//! the customer leaving first (abandoned) or a move to another queue (transferred). They are what the
//! supervisor's figures count; kept by `Change::conversation_changed`, the one place every status change
//! of a conversation passes, so no flow can forget them.

use hovor_types::chat::ConversationStatus;

use crate::db::Conn;
use crate::error::AppResult;

/// Follows a conversation's new status in `queue_id` at `now`.
pub async fn follow(
    conn: &mut Conn,
    queue_id: i64,
    conversation_id: i64,
    status: ConversationStatus,
    now: i64,
) -> AppResult<()> {
    match status {
        ConversationStatus::Queued => {
            let open: Option<(i64, i64)> = sqlx::query_as(
                "SELECT id, queue_id FROM queue_segments WHERE conversation_id = $1 AND left_at IS NULL",
            )
            .bind(conversation_id)
            .fetch_optional(&mut *conn)
            .await?;
            match open {
                // Back in the same queue (a decline, a RONA, an offer withdrawn): still the same wait.
                Some((_, queue)) if queue == queue_id => return Ok(()),
                Some((id, _)) => close(conn, id, "transferred", now).await?,
                None => {}
            }
            sqlx::query(
                "INSERT INTO queue_segments (conversation_id, queue_id, entered_at) VALUES ($1, $2, $3)",
            )
            .bind(conversation_id)
            .bind(queue_id)
            .bind(now)
            .execute(&mut *conn)
            .await?;
        }
        ConversationStatus::Active => {
            sqlx::query(
                "UPDATE queue_segments SET answered_at = $2, left_at = $2, outcome = 'answered'
                 WHERE conversation_id = $1 AND left_at IS NULL",
            )
            .bind(conversation_id)
            .bind(now)
            .execute(&mut *conn)
            .await?;
        }
        ConversationStatus::Ended => {
            sqlx::query(
                "UPDATE queue_segments SET left_at = $2, outcome = 'abandoned'
                 WHERE conversation_id = $1 AND left_at IS NULL",
            )
            .bind(conversation_id)
            .bind(now)
            .execute(&mut *conn)
            .await?;
        }
        ConversationStatus::Offered => {}
    }
    Ok(())
}

async fn close(conn: &mut Conn, id: i64, outcome: &str, now: i64) -> AppResult<()> {
    sqlx::query("UPDATE queue_segments SET left_at = $2, outcome = $3 WHERE id = $1")
        .bind(id)
        .bind(now)
        .bind(outcome)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// An offer of the waiting conversation went unanswered (RONA).
pub async fn rona(conn: &mut Conn, conversation_id: i64) -> AppResult<()> {
    sqlx::query("UPDATE queue_segments SET ronas = ronas + 1 WHERE conversation_id = $1 AND left_at IS NULL")
        .bind(conversation_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
