//! Agent states: Available or Idle with a reason, chosen by the agent or set by RONA.

use crate::db::{Flag, Pool};
use hovor_types::event::ServerEvent;
use hovor_types::routing::{AgentState, AgentStatus, IdleReason};

use super::{Work, offers};
use crate::error::AppResult;
use crate::hub::Audience;
use crate::store::conversations::bad_value;

/// The agent's state; Idle (signed out) before their first choice.
pub async fn status(pool: &Pool, agent_id: i64) -> AppResult<AgentStatus> {
    let row: Option<(String, Option<String>, i64)> =
        sqlx::query_as("SELECT state, idle_reason, since FROM agent_states WHERE user_id = $1")
            .bind(agent_id)
            .fetch_optional(pool)
            .await?;
    let Some((state, reason, since)) = row else {
        return Ok(AgentStatus {
            state: AgentState::Idle,
            idle_reason: Some(IdleReason::SignedOut),
            since: 0,
        });
    };
    Ok(AgentStatus {
        state: AgentState::parse(&state).ok_or_else(|| bad_value("state", &state))?,
        idle_reason: reason
            .as_deref()
            .map(|r| IdleReason::parse(r).ok_or_else(|| bad_value("idle_reason", r)))
            .transpose()?,
        since,
    })
}

/// Sets the agent's state and tells their desks. Becoming Available starts their idle time.
pub async fn set_state(
    work: &mut Work,
    agent_id: i64,
    state: AgentState,
    reason: Option<IdleReason>,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO agent_states (user_id, state, idle_reason, since, free_since) VALUES ($1, $2, $3, $4, $4)
         ON CONFLICT (user_id) DO UPDATE SET
             free_since = CASE WHEN $2 = 'available' AND agent_states.state <> 'available' THEN $4
                               ELSE agent_states.free_since END,
             state = $2, idle_reason = $3, since = $4",
    )
    .bind(agent_id)
    .bind(state.as_str())
    .bind(reason.map(IdleReason::as_str))
    .bind(work.now)
    .execute(&mut *work.tx)
    .await?;
    if state == AgentState::Idle {
        offers::release_all(work, agent_id).await?;
        // A transfer meant for this agent goes to the whole queue instead.
        sqlx::query(
            "UPDATE conversations SET wanted_agent_id = NULL WHERE wanted_agent_id = $1 AND agent_id IS NULL",
        )
        .bind(agent_id)
        .execute(&mut *work.tx)
        .await?;
    }
    let status = AgentStatus { state, idle_reason: reason, since: work.now };
    let queues: Vec<i64> = sqlx::query_scalar("SELECT queue_id FROM queue_members WHERE user_id = $1")
        .bind(agent_id)
        .fetch_all(&mut *work.tx)
        .await?;
    for queue in queues {
        let event = ServerEvent::AgentStateChanged { user_id: agent_id, status: status.clone() };
        work.emit(Audience::Queue(queue), event).await?;
    }
    work.emit(Audience::User(agent_id), ServerEvent::StatusChanged { status }).await
}

/// Whether the agent is Available and a member of the queue: whom a transfer or a supervisor may
/// name to receive a conversation of it.
pub async fn available_in(work: &mut Work, agent_id: i64, queue_id: i64) -> AppResult<bool> {
    let Flag(available) = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM agent_states s JOIN queue_members m ON m.user_id = s.user_id
                        WHERE s.user_id = $1 AND m.queue_id = $2 AND s.state = 'available')",
    )
    .bind(agent_id)
    .bind(queue_id)
    .fetch_one(&mut *work.tx)
    .await?;
    Ok(available)
}

/// The agent just took work or finished some: their idle time starts again now.
pub async fn touch_free_since(work: &mut Work, agent_id: i64) -> AppResult<()> {
    sqlx::query("UPDATE agent_states SET free_since = $1 WHERE user_id = $2")
        .bind(work.now)
        .bind(agent_id)
        .execute(&mut *work.tx)
        .await?;
    Ok(())
}

/// The SQL condition "the user (`$user`, an SQL expression) handles or talks on a call that has not
/// ended, on any instance".
#[macro_export]
macro_rules! on_a_call {
    ($user:literal) => {
        concat!(
            "(EXISTS (SELECT 1 FROM conversations c1 WHERE c1.agent_id = ", $user,
            " AND c1.channel = 'voice' AND c1.status = 'active')
              OR EXISTS (SELECT 1 FROM collaborators k1 JOIN conversations c1 ON c1.id = k1.conversation_id
                         WHERE k1.user_id = ", $user, " AND c1.channel = 'voice' AND c1.status = 'active'))"
        )
    };
}

/// The agent handles or talks on a call that has not ended (on any instance).
pub async fn on_a_call(work: &mut Work, agent_id: i64) -> AppResult<bool> {
    let Flag(on) = sqlx::query_scalar(concat!("SELECT ", crate::on_a_call!("$1")))
        .bind(agent_id)
        .fetch_one(&mut *work.tx)
        .await?;
    Ok(on)
}

/// Whether the agent has offers on screen: they may not sign out then.
pub async fn has_offers(work: &mut Work, agent_id: i64) -> AppResult<bool> {
    let Flag(has) = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM offers WHERE agent_id = $1)")
        .bind(agent_id)
        .fetch_one(&mut *work.tx)
        .await?;
    Ok(has)
}
