//! Supervisors following conversations: who monitors which conversation now, their whispers to its
//! agent, whether the queue tells its agents, and the record of what supervisors did.

use hovor_types::event::ServerEvent;
use hovor_types::supervisor::{Monitor, MonitorMode, Monitoring, Whisper};

use crate::change::Change;
use crate::db::Conn;
use crate::error::AppResult;
use crate::hub::Audience;
use crate::store::conversations::bad_value;

/// Records what a supervisor did (`set_state`, `sign_out`, `offer`, `reassign`, `monitor`, `whisper`,
/// `barge_in`, …) to an agent, and about which conversation.
pub async fn record(
    change: &mut Change,
    supervisor: i64,
    agent: i64,
    conversation: Option<i64>,
    action: &str,
    detail: Option<&str>,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO supervisor_actions (supervisor_id, agent_id, conversation_id, action, detail, at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(supervisor)
    .bind(agent)
    .bind(conversation)
    .bind(action)
    .bind(detail)
    .bind(change.now)
    .execute(&mut *change.tx)
    .await?;
    Ok(())
}

/// The supervisors following the conversation now.
pub async fn monitors(conn: &mut Conn, conversation_id: i64) -> AppResult<Vec<Monitor>> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT m.supervisor_id, u.display_name, m.mode FROM monitors m JOIN users u ON u.id = m.supervisor_id
         WHERE m.conversation_id = $1 ORDER BY m.started_at, m.supervisor_id",
    )
    .bind(conversation_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|(user_id, name, mode)| {
            let mode = MonitorMode::parse(&mode).ok_or_else(|| bad_value("mode", &mode))?;
            Ok(Monitor { user_id, name, mode })
        })
        .collect()
}

/// What the supervisor monitors now.
pub async fn of_supervisor(conn: &mut Conn, supervisor: i64) -> AppResult<Vec<Monitoring>> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT conversation_id, mode FROM monitors WHERE supervisor_id = $1 ORDER BY started_at, conversation_id",
    )
    .bind(supervisor)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|(conversation_id, mode)| {
            let mode = MonitorMode::parse(&mode).ok_or_else(|| bad_value("mode", &mode))?;
            Ok(Monitoring { conversation_id, mode })
        })
        .collect()
}

/// Whether the conversation's queue tells its agents they are monitored.
pub async fn announced(conn: &mut Conn, queue_id: i64) -> AppResult<bool> {
    let announce: i64 = sqlx::query_scalar("SELECT announce_monitoring FROM queues WHERE id = $1")
        .bind(queue_id)
        .fetch_one(&mut *conn)
        .await?;
    Ok(announce != 0)
}

/// Starts (or switches the mode of) a supervisor's monitoring, and tells the agent when the queue
/// says so.
pub async fn start(
    change: &mut Change,
    conversation: (i64, i64),
    agent: i64,
    supervisor: i64,
    mode: MonitorMode,
) -> AppResult<()> {
    let (conversation_id, queue_id) = conversation;
    sqlx::query(
        "INSERT INTO monitors (conversation_id, supervisor_id, mode, started_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (conversation_id, supervisor_id) DO UPDATE SET mode = excluded.mode",
    )
    .bind(conversation_id)
    .bind(supervisor)
    .bind(mode.as_str())
    .bind(change.now)
    .execute(&mut *change.tx)
    .await?;
    record(change, supervisor, agent, Some(conversation_id), "monitor", Some(mode.as_str())).await?;
    tell_agent(change, conversation_id, queue_id, agent).await
}

/// Ends a supervisor's monitoring; `false` when they were not monitoring it.
pub async fn stop(
    change: &mut Change,
    conversation: (i64, i64),
    agent: Option<i64>,
    supervisor: i64,
) -> AppResult<bool> {
    let (conversation_id, queue_id) = conversation;
    let stopped = sqlx::query("DELETE FROM monitors WHERE conversation_id = $1 AND supervisor_id = $2")
        .bind(conversation_id)
        .bind(supervisor)
        .execute(&mut *change.tx)
        .await?
        .rows_affected()
        > 0;
    if stopped && let Some(agent) = agent {
        record(change, supervisor, agent, Some(conversation_id), "stop_monitoring", None).await?;
        tell_agent(change, conversation_id, queue_id, agent).await?;
    }
    Ok(stopped)
}

async fn tell_agent(change: &mut Change, conversation_id: i64, queue_id: i64, agent: i64) -> AppResult<()> {
    if !announced(&mut change.tx, queue_id).await? {
        return Ok(());
    }
    change.emit(Audience::User(agent), ServerEvent::MonitoringChanged { conversation_id }).await
}

/// Stores a whisper and sends it to the agent and the supervisor (never to the customer: whispers are
/// not messages, and no customer-facing read touches this table).
pub async fn whisper(
    change: &mut Change,
    conversation_id: i64,
    agent: i64,
    author: (i64, &str),
    body: &str,
) -> AppResult<Whisper> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO whispers (conversation_id, author_user, body, at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(conversation_id)
    .bind(author.0)
    .bind(body)
    .bind(change.now)
    .fetch_one(&mut *change.tx)
    .await?;
    let whisper = Whisper {
        id,
        conversation_id,
        author_user: author.0,
        author: author.1.to_owned(),
        body: body.to_owned(),
        at: change.now,
    };
    record(change, author.0, agent, Some(conversation_id), "whisper", None).await?;
    for user in [agent, author.0] {
        change.emit(Audience::User(user), ServerEvent::WhisperCreated { conversation_id }).await?;
    }
    Ok(whisper)
}

/// The conversation's whispers, the oldest first.
pub async fn whispers(conn: &mut Conn, conversation_id: i64) -> AppResult<Vec<Whisper>> {
    let rows: Vec<(i64, i64, String, String, i64)> = sqlx::query_as(
        "SELECT w.id, w.author_user, u.display_name, w.body, w.at FROM whispers w JOIN users u ON u.id = w.author_user
         WHERE w.conversation_id = $1 ORDER BY w.id",
    )
    .bind(conversation_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, author_user, author, body, at)| Whisper {
            id,
            conversation_id,
            author_user,
            author,
            body,
            at,
        })
        .collect())
}
