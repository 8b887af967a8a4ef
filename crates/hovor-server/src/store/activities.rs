//! The interaction and its activities (DAK), wrap-up reasons, transfer targets and focus time.

use crate::db::{Conn, Flag, Pool};
use hovor_types::wrap_up::{
    Activity, FocusReport, FocusTime, InteractionRecord, Target, TransferTargets, WrapUpReason, add_focus,
};

use super::conversations::ConversationRow;
use crate::error::{AppError, AppResult};

pub async fn reasons(pool: &Pool, queue_id: i64) -> AppResult<Vec<WrapUpReason>> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, label FROM wrap_up_reasons WHERE queue_id = $1 ORDER BY label")
            .bind(queue_id)
            .fetch_all(pool)
            .await?;
    Ok(rows.into_iter().map(|(id, label)| WrapUpReason { id, label }).collect())
}

/// The wrap-up reasons for the agent's activity on the conversation: those of the queue it was in.
pub async fn reasons_for(pool: &Pool, agent_id: i64, c: &ConversationRow) -> AppResult<Vec<WrapUpReason>> {
    let queue_id: Option<i64> = sqlx::query_scalar(
        "SELECT queue_id FROM activities WHERE conversation_id = $1 AND agent_id = $2 ORDER BY accepted_at DESC LIMIT 1",
    )
    .bind(c.id)
    .bind(agent_id)
    .fetch_optional(pool)
    .await?;
    reasons(pool, queue_id.unwrap_or(c.queue_id)).await
}

#[derive(sqlx::FromRow)]
struct ActivityRow {
    id: i64,
    agent_name: String,
    queue_name: String,
    accepted_at: i64,
    ended_at: Option<i64>,
    wrapped_up_at: Option<i64>,
    wrap_up_reason: Option<String>,
    transfer_note: Option<String>,
    focused_ms: i64,
    interruptions: i64,
    #[sqlx(try_from = "crate::db::Flag")]
    focus_anomaly: bool,
}

pub async fn interaction(pool: &Pool, c: &ConversationRow) -> AppResult<InteractionRecord> {
    let ended_at: Option<i64> = sqlx::query_scalar("SELECT ended_at FROM conversations WHERE id = $1")
        .bind(c.id)
        .fetch_one(pool)
        .await?;
    let rows: Vec<ActivityRow> = sqlx::query_as(
        "SELECT a.id, u.display_name AS agent_name, q.name AS queue_name, a.accepted_at, a.ended_at,
                a.wrapped_up_at, r.label AS wrap_up_reason, a.transfer_note, a.focused_ms, a.interruptions,
                a.focus_anomaly
         FROM activities a JOIN users u ON u.id = a.agent_id JOIN queues q ON q.id = a.queue_id
         LEFT JOIN wrap_up_reasons r ON r.id = a.wrap_up_reason_id
         WHERE a.conversation_id = $1 ORDER BY a.accepted_at, a.id",
    )
    .bind(c.id)
    .fetch_all(pool)
    .await?;
    let activities = rows
        .into_iter()
        .map(|r| Activity {
            id: r.id,
            agent_name: r.agent_name,
            queue_name: r.queue_name,
            accepted_at: r.accepted_at,
            ended_at: r.ended_at,
            wrapped_up_at: r.wrapped_up_at,
            wrap_up_reason: r.wrap_up_reason,
            transfer_note: r.transfer_note,
            focus: FocusTime {
                focused_ms: r.focused_ms,
                interruptions: u32::try_from(r.interruptions).unwrap_or(u32::MAX),
                anomaly: r.focus_anomaly,
            },
        })
        .collect();
    Ok(InteractionRecord { queued_at: c.queued_at, ended_at, activities })
}

/// Adds a focus report to the agent's open activity on the conversation.
/// How long after the wrap-up the desk's last focus report still counts.
const LATE_FOCUS_REPORT_MS: i64 = 60_000;

pub async fn report_focus(
    conn: &mut Conn,
    agent_id: i64,
    conversation_id: i64,
    report: &FocusReport,
    now: i64,
) -> AppResult<FocusTime> {
    let row: Option<(i64, i64, i64, Flag, Option<i64>)> = sqlx::query_as(
        "SELECT id, focused_ms, interruptions, focus_anomaly, focus_reported_at FROM activities
         WHERE conversation_id = $1 AND agent_id = $2 AND (wrapped_up_at IS NULL OR wrapped_up_at >= $3)
         ORDER BY wrapped_up_at IS NULL DESC, accepted_at DESC LIMIT 1",
    )
    .bind(conversation_id)
    .bind(agent_id)
    // The desk sends its last report as the wrapped-up conversation leaves the screen.
    .bind(now - LATE_FOCUS_REPORT_MS)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((id, focused_ms, interruptions, Flag(anomaly), reported_at)) = row else {
        return Err(AppError::NotFound);
    };
    let total =
        FocusTime { focused_ms, interruptions: u32::try_from(interruptions).unwrap_or(u32::MAX), anomaly };
    let total = add_focus(total, report, reported_at.map(|at| now - at));
    sqlx::query(
        "UPDATE activities SET focused_ms = $1, interruptions = $2, focus_anomaly = $3, focus_reported_at = $4 WHERE id = $5",
    )
    .bind(total.focused_ms)
    .bind(i64::from(total.interruptions))
    .bind(i64::from(total.anomaly))
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(total)
}

/// Every queue, and the available agents of the conversation's queue other than the caller.
pub async fn transfer_targets(pool: &Pool, agent_id: i64, c: &ConversationRow) -> AppResult<TransferTargets> {
    let queues: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM queues ORDER BY name").fetch_all(pool).await?;
    let agents: Vec<(i64, String)> = sqlx::query_as(
        "SELECT u.id, u.display_name FROM users u
         JOIN queue_members m ON m.user_id = u.id AND m.queue_id = $1
         JOIN agent_states s ON s.user_id = u.id AND s.state = 'available'
         WHERE u.id <> $2 ORDER BY u.display_name",
    )
    .bind(c.queue_id)
    .bind(agent_id)
    .fetch_all(pool)
    .await?;
    let target = |(id, name)| Target { id, name };
    Ok(TransferTargets {
        queues: queues.into_iter().map(target).collect(),
        agents: agents.into_iter().map(target).collect(),
    })
}
