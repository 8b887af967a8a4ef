//! Start call and New email from the customer card (an outbound interaction to the contact's default
//! phone or email, a child of the conversation it was started from), and a CRM's Dial a number and
//! Compose: each already the agent's own.

use hovor_types::chat::ConversationStatus;
use hovor_types::conversation::Channel;
use hovor_types::error::Reason;
use hovor_types::error::{FieldError, Rule};
use hovor_types::routing::mask_phone;

use super::Work;
use crate::db::Flag;
use crate::error::{AppError, AppResult};

/// Creates the interaction with the agent's accepted activity; returns its id.
pub async fn start(work: &mut Work, agent: (i64, &str), parent_id: i64, channel: Channel) -> AppResult<i64> {
    let kind = match channel {
        Channel::Voice => "phone",
        Channel::Email => "email",
        Channel::Chat => return Err(FieldError::new("channel", Rule::NotAnOption).into()),
    };
    let parent: (i64, Option<i64>, Option<String>) =
        sqlx::query_as("SELECT queue_id, contact_id, subject FROM conversations WHERE id = $1")
            .bind(parent_id)
            .fetch_one(&mut *work.tx)
            .await?;
    let (queue_id, contact_id, subject) = parent;
    let Some(contact_id) = contact_id else {
        return Err(AppError::Conflict(Reason::NoContact));
    };
    let contact: Option<(String, Flag)> = sqlx::query_as(
        "SELECT c.language, EXISTS (SELECT 1 FROM contact_points WHERE contact_id = c.id AND kind = $1 AND is_default = 1)
         FROM contacts c WHERE c.id = $2 AND c.merged_into IS NULL",
    )
    .bind(kind)
    .bind(contact_id)
    .fetch_optional(&mut *work.tx)
    .await?;
    let Some((language, Flag(reachable))) = contact else {
        return Err(AppError::Conflict(Reason::NoContact));
    };
    if !reachable {
        return Err(AppError::Conflict(match channel {
            Channel::Voice => Reason::NoDefaultPhone,
            _ => Reason::NoDefaultEmail,
        }));
    }
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO conversations (queue_id, channel, contact_id, agent_id, status, subject, language, queued_at,
                                    started_at, direction, parent_id, dialling)
         VALUES ($1, $2, $3, $4, 'active', $5, $6, $7, $8, 'outbound', $9, $10) RETURNING id",
    )
    .bind(queue_id)
    .bind(channel.as_str())
    .bind(contact_id)
    .bind(agent.0)
    .bind(if channel == Channel::Email { subject } else { None })
    .bind(language)
    .bind(work.now)
    .bind(work.now)
    .bind(parent_id)
    .bind(i64::from(channel == Channel::Voice))
    .fetch_one(&mut *work.tx)
    .await?;
    // Suggestions draw on what the conversation it came from was about.
    sqlx::query(
        "INSERT INTO conversation_categories (conversation_id, category_id)
         SELECT $1, category_id FROM conversation_categories WHERE conversation_id = $2",
    )
    .bind(id)
    .bind(parent_id)
    .execute(&mut *work.tx)
    .await?;
    taken_on(work, agent, queue_id, id).await?;
    Ok(id)
}

/// Dial a number (a CRM's click-to-dial): a new outbound call of the agent's from the first of their
/// queues that takes calls, linked to the contact whose phone it is when there is one; returns its id.
/// 409 `no_calling_queue` when none of the agent's queues takes calls.
pub async fn dial(work: &mut Work, agent: (i64, &str), number: &str) -> AppResult<i64> {
    let queue: Option<(i64, Flag)> = sqlx::query_as(
        "SELECT q.id, q.mask_sensitive FROM queues q JOIN queue_members m ON m.queue_id = q.id
         WHERE m.user_id = $1 AND q.entry_number IS NOT NULL AND q.deactivated_at IS NULL ORDER BY q.id LIMIT 1",
    )
    .bind(agent.0)
    .fetch_optional(&mut *work.tx)
    .await?;
    let (queue_id, Flag(masked)) = queue.ok_or(AppError::Conflict(Reason::NoCallingQueue))?;
    let contact = crate::store::contacts::by_phone(&mut work.tx, number).await?;
    let (contact_id, language) =
        contact.map_or((None, "en".to_owned()), |(id, language)| (Some(id), language));
    // A number without a contact is known by itself in the task list, as an unknown caller is.
    let shown = contact_id.is_none().then(|| if masked { mask_phone(number) } else { number.to_owned() });
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO conversations (queue_id, channel, contact_id, agent_id, status, language, queued_at,
                                    started_at, direction, caller_number, customer_name, dialling)
         VALUES ($1, 'voice', $2, $3, 'active', $4, $5, $6, 'outbound', $7, $8, 1) RETURNING id",
    )
    .bind(queue_id)
    .bind(contact_id)
    .bind(agent.0)
    .bind(language)
    .bind(work.now)
    .bind(work.now)
    .bind(number)
    .bind(shown)
    .fetch_one(&mut *work.tx)
    .await?;
    taken_on(work, agent, queue_id, id).await?;
    Ok(id)
}

/// Compose a new email (a CRM's compose): a new outbound email conversation of the agent's from the
/// first of their queues with a mailbox, to `to` (the contact with that address when there is one);
/// its New email goes there. Returns its id. 409 `no_mailbox` when none of the agent's queues has one.
pub async fn compose(work: &mut Work, agent: (i64, &str), to: &str, subject: &str) -> AppResult<i64> {
    let queue_id: Option<i64> = sqlx::query_scalar(
        "SELECT q.id FROM queues q JOIN queue_members m ON m.queue_id = q.id
         WHERE m.user_id = $1 AND q.deactivated_at IS NULL
           AND EXISTS (SELECT 1 FROM mailboxes b WHERE b.queue_id = q.id)
         ORDER BY q.id LIMIT 1",
    )
    .bind(agent.0)
    .fetch_optional(&mut *work.tx)
    .await?;
    let queue_id = queue_id.ok_or(AppError::Conflict(Reason::NoMailbox))?;
    let contact = crate::store::contacts::by_address(&mut work.tx, to).await?;
    let (contact_id, language) =
        contact.map_or((None, "en".to_owned()), |(id, language)| (Some(id), language));
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO conversations (queue_id, channel, contact_id, agent_id, status, subject, language, queued_at,
                                    started_at, direction, recipient, customer_name)
         VALUES ($1, 'email', $2, $3, 'active', $4, $5, $6, $7, 'outbound', $8, $9) RETURNING id",
    )
    .bind(queue_id)
    .bind(contact_id)
    .bind(agent.0)
    .bind((!subject.is_empty()).then_some(subject))
    .bind(language)
    .bind(work.now)
    .bind(work.now)
    .bind(to)
    .bind(contact_id.is_none().then_some(to))
    .fetch_one(&mut *work.tx)
    .await?;
    taken_on(work, agent, queue_id, id).await?;
    Ok(id)
}

/// The new outbound interaction `id` is the agent's from now: its accepted activity, and the news.
async fn taken_on(work: &mut Work, agent: (i64, &str), queue_id: i64, id: i64) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO activities (conversation_id, agent_id, queue_id, accepted_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(id)
    .bind(agent.0)
    .bind(queue_id)
    .bind(work.now)
    .execute(&mut *work.tx)
    .await?;
    work.conversation_changed(queue_id, id, ConversationStatus::Active, Some(agent.1.to_owned())).await
}
