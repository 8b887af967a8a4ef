//! The end of a conversation, the wrap-up that closes an agent's activity, and transfers.

use hovor_types::chat::ConversationStatus;
use hovor_types::error::Reason;
use hovor_types::error::{FieldError, Rule};
use hovor_types::event::ServerEvent;
use hovor_types::wrap_up::TransferRequest;

use super::{Work, agents, offers};
use crate::db::Flag;
use crate::error::{AppError, AppResult};
use crate::hub::Audience;

/// Ends a conversation: by its customer (`by_agent` None), or by the agent handling it. Its agent
/// still owes the wrap-up.
pub async fn end(work: &mut Work, conversation_id: i64, by_agent: Option<i64>) -> AppResult<()> {
    // Read before the end clears it: a callback nobody answered is tried again.
    let unanswered: Option<Flag> = sqlx::query_scalar("SELECT dialling FROM conversations WHERE id = $1")
        .bind(conversation_id)
        .fetch_optional(&mut *work.tx)
        .await?;
    let queue_id: Option<i64> = sqlx::query_scalar(
        "UPDATE conversations SET status = 'ended', ended_at = $1, dialling = 0
         WHERE id = $2 AND status = 'active' AND ($3 IS NULL OR agent_id = $3) RETURNING queue_id",
    )
    .bind(work.now)
    .bind(conversation_id)
    .bind(by_agent)
    .fetch_optional(&mut *work.tx)
    .await?;
    let Some(queue_id) = queue_id else {
        return Err(AppError::Conflict(Reason::NotHandling));
    };
    crate::callbacks::call_ended(work, conversation_id, unanswered.is_some_and(|f| f.0)).await?;
    offers::cancel(work, conversation_id).await?;
    end_monitoring(work, conversation_id).await?;
    sqlx::query("UPDATE activities SET ended_at = $1 WHERE conversation_id = $2 AND ended_at IS NULL")
        .bind(work.now)
        .bind(conversation_id)
        .execute(&mut *work.tx)
        .await?;
    work.conversation_changed(queue_id, conversation_id, ConversationStatus::Ended, None).await
}

/// Supervisors follow an agent's work: when the conversation ends or leaves its agent, they stop.
async fn end_monitoring(work: &mut Work, conversation_id: i64) -> AppResult<()> {
    sqlx::query("DELETE FROM monitors WHERE conversation_id = $1")
        .bind(conversation_id)
        .execute(&mut *work.tx)
        .await?;
    Ok(())
}

/// Closes the agent's activity on the conversation with a reason of its queue. Submitting again with
/// the same reason changes nothing (a retried submit).
pub async fn wrap_up(work: &mut Work, agent_id: i64, conversation_id: i64, reason_id: i64) -> AppResult<()> {
    let activity: Option<(i64, i64, Option<i64>, Option<i64>)> = sqlx::query_as(
        "SELECT id, queue_id, ended_at, wrap_up_reason_id FROM activities
         WHERE conversation_id = $1 AND agent_id = $2 ORDER BY wrapped_up_at IS NULL DESC, accepted_at DESC LIMIT 1",
    )
    .bind(conversation_id)
    .bind(agent_id)
    .fetch_optional(&mut *work.tx)
    .await?;
    let Some((activity_id, queue_id, ended_at, done_with)) = activity else { return Err(AppError::NotFound) };
    if let Some(done_with) = done_with {
        return if done_with == reason_id {
            Ok(())
        } else {
            Err(AppError::Conflict(Reason::AlreadyWrappedUp))
        };
    }
    if ended_at.is_none() {
        return Err(AppError::Conflict(Reason::NotEnded));
    }
    let Flag(offered) =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM wrap_up_reasons WHERE id = $1 AND queue_id = $2)")
            .bind(reason_id)
            .bind(queue_id)
            .fetch_one(&mut *work.tx)
            .await?;
    if !offered {
        return Err(FieldError::new("reason_id", Rule::NotAnOption).into());
    }
    sqlx::query("UPDATE activities SET wrapped_up_at = $1, wrap_up_reason_id = $2 WHERE id = $3")
        .bind(work.now)
        .bind(reason_id)
        .bind(activity_id)
        .execute(&mut *work.tx)
        .await?;
    agents::touch_free_since(work, agent_id).await?;
    // The supervisors of the queue the work was done in see the agent's load fall.
    work.emit(Audience::Queue(queue_id), ServerEvent::WorkloadChanged { user_id: agent_id }).await?;
    work.emit(Audience::User(agent_id), ServerEvent::WrappedUp { conversation_id }).await
}

/// Hands a conversation the agent is handling to a queue, or to one available agent of its queue,
/// with a note for the receiver. The agent's activity ends here (they owe its wrap-up); the
/// receiver's starts when they accept.
pub async fn transfer(
    work: &mut Work,
    agent_id: i64,
    conversation_id: i64,
    request: &TransferRequest,
) -> AppResult<()> {
    let from_queue: i64 = sqlx::query_scalar(
        "SELECT queue_id FROM conversations WHERE id = $1 AND agent_id = $2 AND status = 'active'",
    )
    .bind(conversation_id)
    .bind(agent_id)
    .fetch_optional(&mut *work.tx)
    .await?
    .ok_or(AppError::Conflict(Reason::NotHandling))?;
    let to_queue = request.queue_id.unwrap_or(from_queue);
    let Flag(queue_exists) = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM queues WHERE id = $1)")
        .bind(to_queue)
        .fetch_one(&mut *work.tx)
        .await?;
    if !queue_exists {
        return Err(FieldError::new("queue_id", Rule::NotAnOption).into());
    }
    if let Some(wanted) = request.agent_id
        && (wanted == agent_id || !agents::available_in(work, wanted, to_queue).await?)
    {
        return Err(FieldError::new("agent_id", Rule::NotAnOption).into());
    }
    let note = Some(request.note.trim()).filter(|n| !n.is_empty());
    sqlx::query(
        "UPDATE conversations SET agent_id = NULL, queue_id = $1, wanted_agent_id = $2, transfer_note = $3 WHERE id = $4",
    )
    .bind(to_queue)
    .bind(request.agent_id)
    .bind(note)
    .bind(conversation_id)
    .execute(&mut *work.tx)
    .await?;
    sqlx::query(
        "UPDATE activities SET ended_at = $1 WHERE conversation_id = $2 AND agent_id = $3 AND ended_at IS NULL",
    )
    .bind(work.now)
    .bind(conversation_id)
    .bind(agent_id)
    .execute(&mut *work.tx)
    .await?;
    end_monitoring(work, conversation_id).await?;
    work.conversation_changed(to_queue, conversation_id, ConversationStatus::Queued, None).await?;
    if to_queue != from_queue {
        // The old queue's desks learn it left them.
        let changed = ServerEvent::ConversationChanged {
            conversation_id,
            status: ConversationStatus::Queued,
            agent_name: None,
        };
        work.emit(Audience::Queue(from_queue), changed).await?;
    }
    Ok(())
}
