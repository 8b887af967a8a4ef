//! Offers: what the popover shows, and accepting, declining and missing them.

use hovor_types::chat::ConversationStatus;
use hovor_types::conversation::Channel;
use hovor_types::event::ServerEvent;
use hovor_types::routing::{
    AcceptedOffers, AgentState, CallbackOffer, IdleReason, Offer, OfferEnd, PopoverField, PopoverVariable,
    mask_phone, stack_order,
};
use serde::Deserialize;

use super::{Work, agents};
use crate::error::{AppError, AppResult};
use crate::hub::Audience;
use crate::store::conversations::bad_value;

#[derive(sqlx::FromRow)]
struct OfferRow {
    conversation_id: i64,
    channel: String,
    queue_name: String,
    queued_at: i64,
    offered_at: i64,
    expires_at: i64,
    popover_variables: String,
    #[sqlx(try_from = "crate::db::Flag")]
    mask_sensitive: bool,
    subject: Option<String>,
    language: String,
    transfer_note: Option<String>,
    customer_name: Option<String>,
    contact_name: Option<String>,
    phone: Option<String>,
    email: Option<String>,
    first_answer: Option<String>,
    callback_phone: Option<String>,
    entry_number: Option<String>,
}

/// One conversation's offer (`?1`) or one agent's offers (`?2`).
const OFFER_SELECT: &str = "
    SELECT c.id AS conversation_id, c.queue_id, c.channel, q.name AS queue_name, c.queued_at,
           o.offered_at, o.expires_at, q.popover_variables, q.mask_sensitive, c.subject, c.language,
           c.transfer_note, c.customer_name,
           p.first_name || ' ' || p.last_name AS contact_name,
           COALESCE((SELECT value FROM contact_points WHERE contact_id = c.contact_id AND kind = 'phone' AND is_default = 1),
                    c.caller_number) AS phone,
           (SELECT value FROM contact_points WHERE contact_id = c.contact_id AND kind = 'email' AND is_default = 1) AS email,
           (SELECT question || ': ' || answer FROM survey_answers
            WHERE conversation_id = c.id
              AND question IN (SELECT label FROM survey_questions WHERE queue_id = c.queue_id)
            ORDER BY id LIMIT 1)
               AS first_answer,
           (SELECT b.phone FROM callbacks b WHERE b.placed_conversation_id = c.id) AS callback_phone,
           q.entry_number
    FROM offers o
    JOIN conversations c ON c.id = o.conversation_id
    JOIN queues q ON q.id = c.queue_id
    LEFT JOIN contacts p ON p.id = c.contact_id
    WHERE ($1 IS NULL OR o.conversation_id = $1) AND ($2 IS NULL OR o.agent_id = $2)";

/// One configured popover variable of a queue.
#[derive(Deserialize)]
struct Configured {
    field: String,
    #[serde(default)]
    secure: bool,
}

impl OfferRow {
    fn into_offer(self) -> AppResult<Offer> {
        let configured: Vec<Configured> =
            serde_json::from_str(&self.popover_variables).map_err(|e| AppError::Internal(e.into()))?;
        // Secure variables never leave the server on a popover.
        let mut fields: Vec<PopoverField> =
            configured.iter().filter(|c| !c.secure).filter_map(|c| PopoverField::parse(&c.field)).collect();
        // An email's offer always says what it is about: its subject, unless configured as secure.
        let subject_configured = configured.iter().any(|c| c.field == PopoverField::Subject.as_str());
        if self.channel == Channel::Email.as_str() && !subject_configured {
            fields.push(PopoverField::Subject);
        }
        let variables = fields
            .into_iter()
            .filter_map(|field| {
                let value = match field {
                    PopoverField::CustomerName => self.contact_name.clone().or(self.customer_name.clone()),
                    PopoverField::Queue => Some(self.queue_name.clone()),
                    PopoverField::WaitTime => {
                        Some(((self.offered_at - self.queued_at).max(0) / 1000).to_string())
                    }
                    PopoverField::Phone => self
                        .phone
                        .as_deref()
                        .map(|p| if self.mask_sensitive { mask_phone(p) } else { p.to_owned() }),
                    PopoverField::Email => self.email.clone(),
                    PopoverField::Subject => self.subject.clone(),
                    PopoverField::Language => Some(self.language.clone()),
                    PopoverField::FirstAnswer => self.first_answer.clone(),
                }?;
                Some(PopoverVariable { field, value })
            })
            .collect();
        Ok(Offer {
            conversation_id: self.conversation_id,
            channel: Channel::parse(&self.channel).ok_or_else(|| bad_value("channel", &self.channel))?,
            queue_name: self.queue_name,
            queued_at: self.queued_at,
            offered_at: self.offered_at,
            expires_at: self.expires_at,
            variables,
            transfer_note: self.transfer_note,
            callback: self.callback_phone.map(|number| CallbackOffer {
                number: if self.mask_sensitive { mask_phone(&number) } else { number },
                dialled: self.entry_number,
            }),
        })
    }
}

/// The offer of a conversation, as its popover shows it.
pub async fn describe(work: &mut Work, conversation_id: i64) -> AppResult<Offer> {
    let row: OfferRow = sqlx::query_as(OFFER_SELECT)
        .bind(Some(conversation_id))
        .bind(None::<i64>)
        .fetch_one(&mut *work.tx)
        .await?;
    row.into_offer()
}

/// The agent's offers in stack order.
pub async fn of_agent(pool: &crate::db::Pool, agent_id: i64) -> AppResult<Vec<Offer>> {
    let rows: Vec<OfferRow> =
        sqlx::query_as(OFFER_SELECT).bind(None::<i64>).bind(Some(agent_id)).fetch_all(pool).await?;
    let mut offers = rows.into_iter().map(OfferRow::into_offer).collect::<AppResult<Vec<_>>>()?;
    stack_order(&mut offers);
    Ok(offers)
}

/// Accepts those of `ids` still offered to the agent: each becomes theirs with a new activity.
pub async fn accept(
    work: &mut Work,
    agent_id: i64,
    agent_name: &str,
    ids: &[i64],
) -> AppResult<AcceptedOffers> {
    let mut result = AcceptedOffers { accepted: Vec::new(), gone: Vec::new() };
    for &id in ids {
        let queue_id: Option<i64> = sqlx::query_scalar(
            "DELETE FROM offers WHERE conversation_id = $1 AND agent_id = $2
             RETURNING (SELECT queue_id FROM conversations WHERE id = offers.conversation_id)",
        )
        .bind(id)
        .bind(agent_id)
        .fetch_optional(&mut *work.tx)
        .await?;
        let Some(queue_id) = queue_id else {
            result.gone.push(id);
            continue;
        };
        log_ended(work, id, agent_id, OfferEnd::Accepted).await?;
        // The note a transfer brought, read before the conversation's copy is cleared below.
        let transfer_note: Option<String> =
            sqlx::query_scalar("SELECT transfer_note FROM conversations WHERE id = $1")
                .bind(id)
                .fetch_one(&mut *work.tx)
                .await?;
        // The first acceptance ends the wait in the queue; later ones (after a transfer) keep it.
        sqlx::query(
            "UPDATE conversations SET agent_id = $1,
                 started_at = CASE WHEN EXISTS (SELECT 1 FROM activities WHERE conversation_id = $2)
                                   THEN started_at ELSE $3 END,
                 wanted_agent_id = NULL, transfer_note = NULL
             WHERE id = $2",
        )
        .bind(agent_id)
        .bind(id)
        .bind(work.now)
        .execute(&mut *work.tx)
        .await?;
        sqlx::query(
            "INSERT INTO activities (conversation_id, agent_id, queue_id, accepted_at, transfer_note)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(id)
        .bind(agent_id)
        .bind(queue_id)
        .bind(work.now)
        .bind(transfer_note)
        .execute(&mut *work.tx)
        .await?;
        work.emit(
            Audience::User(agent_id),
            ServerEvent::OfferEnded { conversation_id: id, reason: OfferEnd::Accepted },
        )
        .await?;
        work.conversation_changed(queue_id, id, ConversationStatus::Active, Some(agent_name.to_owned()))
            .await?;
        result.accepted.push(id);
    }
    if !result.accepted.is_empty() {
        agents::touch_free_since(work, agent_id).await?;
    }
    Ok(result)
}

/// Takes the offer off its agent's stack; returns the agent and the conversation's queue.
async fn take_offer(
    work: &mut Work,
    conversation_id: i64,
    reason: OfferEnd,
) -> AppResult<Option<(i64, i64)>> {
    let row: Option<(i64, i64)> = sqlx::query_as(
        "DELETE FROM offers WHERE conversation_id = $1
         RETURNING agent_id, (SELECT queue_id FROM conversations WHERE id = offers.conversation_id)",
    )
    .bind(conversation_id)
    .fetch_optional(&mut *work.tx)
    .await?;
    if let Some((agent_id, _)) = row {
        log_ended(work, conversation_id, agent_id, reason).await?;
        work.emit(Audience::User(agent_id), ServerEvent::OfferEnded { conversation_id, reason }).await?;
    }
    Ok(row)
}

/// Keeps the offer for the interaction's processing path (`offer_log`).
pub async fn log_offered(
    work: &mut Work,
    conversation_id: i64,
    agent_id: i64,
    queue_id: i64,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO offer_log (conversation_id, agent_id, queue_id, offered_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(conversation_id)
    .bind(agent_id)
    .bind(queue_id)
    .bind(work.now)
    .execute(&mut *work.tx)
    .await?;
    Ok(())
}

/// Notes how and when the agent's open offer of the conversation ended.
async fn log_ended(work: &mut Work, conversation_id: i64, agent_id: i64, outcome: OfferEnd) -> AppResult<()> {
    sqlx::query(
        "UPDATE offer_log SET ended_at = $3, outcome = $4
         WHERE conversation_id = $1 AND agent_id = $2 AND ended_at IS NULL",
    )
    .bind(conversation_id)
    .bind(agent_id)
    .bind(work.now)
    .bind(outcome.as_str())
    .execute(&mut *work.tx)
    .await?;
    Ok(())
}

/// The agent declined or missed the offer: the conversation goes back to its queue, at the place its
/// queue entry gives it (the front, for anything that waited longer than the rest), and that agent is
/// not offered it again for a while. Returns the agent.
async fn refuse(work: &mut Work, conversation_id: i64, reason: OfferEnd) -> AppResult<Option<i64>> {
    let Some((agent_id, queue_id)) = take_offer(work, conversation_id, reason).await? else {
        return Ok(None);
    };
    sqlx::query(
        "INSERT INTO offer_refusals (conversation_id, agent_id, at) VALUES ($1, $2, $3)
         ON CONFLICT (conversation_id, agent_id) DO UPDATE SET at = excluded.at",
    )
    .bind(conversation_id)
    .bind(agent_id)
    .bind(work.now)
    .execute(&mut *work.tx)
    .await?;
    // A transfer to this agent who did not take it falls back to the whole queue.
    sqlx::query("UPDATE conversations SET wanted_agent_id = NULL WHERE id = $1 AND wanted_agent_id = $2")
        .bind(conversation_id)
        .bind(agent_id)
        .execute(&mut *work.tx)
        .await?;
    work.conversation_changed(queue_id, conversation_id, ConversationStatus::Queued, None).await?;
    Ok(Some(agent_id))
}

/// Whether the conversation is offered to this agent now.
pub async fn rings(conn: &mut crate::db::Conn, agent_id: i64, conversation_id: i64) -> AppResult<bool> {
    let offered: Option<i64> =
        sqlx::query_scalar("SELECT agent_id FROM offers WHERE conversation_id = $1 AND agent_id = $2")
            .bind(conversation_id)
            .bind(agent_id)
            .fetch_optional(conn)
            .await?;
    Ok(offered.is_some())
}

pub async fn decline(work: &mut Work, agent_id: i64, conversation_id: i64) -> AppResult<()> {
    if !rings(&mut work.tx, agent_id, conversation_id).await? {
        return Err(AppError::NotFound);
    }
    refuse(work, conversation_id, OfferEnd::Declined).await?;
    Ok(())
}

/// The agent left Available: their offers go back to the queue for others (no refusal: they may get
/// them again once Available).
pub async fn release_all(work: &mut Work, agent_id: i64) -> AppResult<()> {
    let offered: Vec<i64> = sqlx::query_scalar("SELECT conversation_id FROM offers WHERE agent_id = $1")
        .bind(agent_id)
        .fetch_all(&mut *work.tx)
        .await?;
    for conversation_id in offered {
        if let Some((_, queue_id)) = take_offer(work, conversation_id, OfferEnd::Withdrawn).await? {
            work.conversation_changed(queue_id, conversation_id, ConversationStatus::Queued, None).await?;
        }
    }
    Ok(())
}

/// The customer left while waiting: the offer, if any, disappears from the agent's stack.
pub async fn cancel(work: &mut Work, conversation_id: i64) -> AppResult<()> {
    take_offer(work, conversation_id, OfferEnd::Withdrawn).await?;
    Ok(())
}

/// RONA: every offer past its deadline goes back to its queue and its agent becomes Idle.
pub async fn expire(work: &mut Work) -> AppResult<()> {
    let due: Vec<i64> =
        sqlx::query_scalar("SELECT conversation_id FROM offers WHERE expires_at <= $1 ORDER BY expires_at")
            .bind(work.now)
            .fetch_all(&mut *work.tx)
            .await?;
    for conversation_id in due {
        if let Some(agent_id) = refuse(work, conversation_id, OfferEnd::NoAnswer).await? {
            crate::store::segments::rona(&mut work.tx, conversation_id).await?;
            agents::set_state(work, agent_id, AgentState::Idle, Some(IdleReason::NoAnswer)).await?;
        }
    }
    Ok(())
}
