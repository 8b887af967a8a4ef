//! The assignment pass: every waiting conversation, highest priority (a callback's) and then oldest
//! queue entry first, is offered to the
//! longest-idle eligible agent, if there is one.

use hovor_types::chat::ConversationStatus;
use hovor_types::conversation::Channel;
use hovor_types::event::ServerEvent;
use hovor_types::routing::default_capacity;

use super::{REFUSAL_MS, Work, offers};
use crate::error::AppResult;
use crate::hub::Audience;
use crate::store::conversations::bad_value;

#[derive(sqlx::FromRow)]
struct Waiting {
    id: i64,
    queue_id: i64,
    channel: String,
    wanted_agent_id: Option<i64>,
    rona_seconds: i64,
}

pub async fn pass(work: &mut Work) -> AppResult<()> {
    let waiting: Vec<Waiting> = sqlx::query_as(
        "SELECT c.id, c.queue_id, c.channel, c.wanted_agent_id, q.rona_seconds
         FROM conversations c JOIN queues q ON q.id = c.queue_id
         WHERE c.status = 'active' AND c.agent_id IS NULL
           -- A chat whose customer closed the page rings nobody.
           AND c.customer_left_at IS NULL
           AND NOT EXISTS (SELECT 1 FROM offers o WHERE o.conversation_id = c.id)
         ORDER BY c.priority DESC, c.queued_at, c.id",
    )
    .fetch_all(&mut *work.tx)
    .await?;
    for w in waiting {
        let channel = Channel::parse(&w.channel).ok_or_else(|| bad_value("channel", &w.channel))?;
        let Some(agent_id) = pick_agent(work, &w, channel).await? else { continue };
        let expires_at = work.now + w.rona_seconds * 1000;
        sqlx::query(
            "INSERT INTO offers (conversation_id, agent_id, offered_at, expires_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(w.id)
        .bind(agent_id)
        .bind(work.now)
        .bind(expires_at)
        .execute(&mut *work.tx)
        .await?;
        offers::log_offered(work, w.id, agent_id, w.queue_id).await?;
        let offer = offers::describe(work, w.id).await?;
        work.emit(Audience::User(agent_id), ServerEvent::OfferCreated { offer }).await?;
        work.conversation_changed(w.queue_id, w.id, ConversationStatus::Offered, None).await?;
    }
    Ok(())
}

/// The longest-idle available member of the queue with all its skills and a free slot in the channel
/// (open activities and pending offers both take a slot), who has not just refused this conversation
/// and does not still hold it (the agent who transferred it owes its wrap-up).
async fn pick_agent(work: &mut Work, w: &Waiting, channel: Channel) -> AppResult<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT s.user_id FROM agent_states s
         JOIN queue_members m ON m.user_id = s.user_id AND m.queue_id = $1
         WHERE s.state = 'available'
           AND ($2 IS NULL OR s.user_id = $2)
           AND NOT EXISTS (
               SELECT 1 FROM queue_skills qs WHERE qs.queue_id = $1
                 AND qs.skill_id NOT IN (SELECT skill_id FROM user_skills WHERE user_id = s.user_id))
           AND NOT EXISTS (
               SELECT 1 FROM activities a
               WHERE a.conversation_id = $3 AND a.agent_id = s.user_id AND a.wrapped_up_at IS NULL)
           AND NOT EXISTS (
               SELECT 1 FROM offer_refusals r
               WHERE r.conversation_id = $3 AND r.agent_id = s.user_id AND r.at > $4)
           AND (SELECT COUNT(*) FROM activities a JOIN conversations c ON c.id = a.conversation_id
                WHERE a.agent_id = s.user_id AND a.wrapped_up_at IS NULL AND c.channel = $5)
             + (SELECT COUNT(*) FROM offers o JOIN conversations c ON c.id = o.conversation_id
                WHERE o.agent_id = s.user_id AND c.channel = $5)
             < COALESCE((SELECT capacity FROM agent_capacity WHERE user_id = s.user_id AND channel = $5), $6)
         ORDER BY s.free_since, s.user_id
         LIMIT 1",
    )
    .bind(w.queue_id)
    .bind(w.wanted_agent_id)
    .bind(w.id)
    .bind(work.now - REFUSAL_MS)
    .bind(channel.as_str())
    .bind(i64::from(default_capacity(channel)))
    .fetch_optional(&mut *work.tx)
    .await?)
}
