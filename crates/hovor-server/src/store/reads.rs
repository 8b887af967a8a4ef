//! How far each agent has read each conversation: the task list counts the customer's messages after it.

use hovor_types::error::{FieldError, Rule};

use crate::db::Conn;
use crate::error::{AppError, AppResult};

/// The agent has seen `conversation_id` up to `message_id`, one of its messages (`None`: its newest). A
/// read never moves back: an older mark arriving late (another tab, a retry) changes nothing.
pub async fn mark(
    conn: &mut Conn,
    user_id: i64,
    conversation_id: i64,
    message_id: Option<i64>,
) -> AppResult<()> {
    let done = sqlx::query(
        "INSERT INTO conversation_reads (user_id, conversation_id, read_to)
         SELECT $1, $2, MAX(id) FROM messages WHERE conversation_id = $2 AND ($3 IS NULL OR id = $3)
         HAVING COUNT(*) > 0
         ON CONFLICT (user_id, conversation_id) DO UPDATE
         SET read_to = CASE WHEN excluded.read_to > conversation_reads.read_to
                            THEN excluded.read_to ELSE conversation_reads.read_to END",
    )
    .bind(user_id)
    .bind(conversation_id)
    .bind(message_id)
    .execute(&mut *conn)
    .await?;
    // A conversation without messages has nothing to read; a message of another one is refused.
    if done.rows_affected() == 0 && message_id.is_some() {
        return Err(AppError::Validation(FieldError::new("message_id", Rule::NotAnOption)));
    }
    Ok(())
}
