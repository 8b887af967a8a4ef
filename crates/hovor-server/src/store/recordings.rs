//! A call's recordings as the desk lists them (Activities, History's transcript); the timeline reads
//! them with the record's other entries.

use hovor_types::voice::RecordingInfo;

use crate::db::Conn;
use crate::error::AppResult;

/// The conversation's recordings, the oldest first. The caller has checked the conversation is visible.
pub async fn of(conn: &mut Conn, conversation_id: i64) -> AppResult<Vec<RecordingInfo>> {
    let rows: Vec<(i64, i64, Option<i64>)> = sqlx::query_as(
        "SELECT id, started_at, ended_at FROM recordings WHERE conversation_id = $1 ORDER BY started_at, id",
    )
    .bind(conversation_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, started_at, ended_at)| RecordingInfo { id, started_at, ended_at })
        .collect())
}
