//! Callbacks on the server: the time-zone database their windows are read with, and opening a window:
//! the callback becomes a voice conversation waiting in its queue, offered like a call, and Accept
//! dials the customer (`voice::flows::dial_callback`).

use hovor_types::Millis;
use hovor_types::callback::{CallbackFailure, CallbackKind, CheckedCallback, Date, TimeZones, check_phone};
use hovor_types::chat::ConversationStatus;
use jiff::civil::DateTime;

use hovor_types::error::Reason;

use crate::db::{Flag, Pool};
use crate::error::{AppError, AppResult};
use crate::routing::Work;
use crate::store::callbacks::{self, Links};
use jiff::tz::TimeZone;

/// The IANA database built into the binary (jiff's bundle), so every instance agrees.
pub struct BundledZones;

impl TimeZones for BundledZones {
    fn instant(&self, zone: &str, date: Date, minute: u16) -> Option<Millis> {
        let zone = TimeZone::get(zone).ok()?;
        let local = DateTime::new(
            i16::try_from(date.year).ok()?,
            date.month as i8,
            date.day as i8,
            (minute / 60) as i8,
            (minute % 60) as i8,
            0,
            0,
        )
        .ok()?;
        // "Compatible", as calendars read them: a time in a spring gap moves on by the gap, one an autumn
        // night repeats is the first.
        let zoned = zone.to_ambiguous_zoned(local).compatible().ok()?;
        Some(zoned.timestamp().as_millisecond())
    }
}

impl BundledZones {
    /// The date on the calendar in `zone` at `now`; `None` when `zone` is not an IANA zone name.
    pub fn today(&self, zone: &str, now: Millis) -> Option<Date> {
        let zone = TimeZone::get(zone).ok()?;
        let date = jiff::Timestamp::from_millisecond(now).ok()?.to_zoned(zone).date();
        Some(Date { year: i32::from(date.year()), month: date.month() as u8, day: date.day() as u8 })
    }
}

/// Opens every callback whose window has started: each becomes a queued voice conversation in its
/// queue, once only (the state moves from `scheduled` in the statement that claims it, so two instances,
/// or a restart, never place one twice). Returns how many opened.
pub async fn open_due(work: &mut Work) -> AppResult<usize> {
    let due: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM callbacks WHERE state = 'scheduled' AND starts_at <= $1 ORDER BY starts_at, id LIMIT 50",
    )
    .bind(work.now)
    .fetch_all(&mut *work.tx)
    .await?;
    let mut opened = 0;
    for id in due {
        let claimed =
            sqlx::query("UPDATE callbacks SET state = 'queued' WHERE id = $1 AND state = 'scheduled'")
                .bind(id)
                .execute(&mut *work.tx)
                .await?;
        if claimed.rows_affected() == 0 {
            continue;
        }
        let (queue_id, conversation_id): (i64, i64) = sqlx::query_as(
            // A personal callback waits for its assignee alone.
            "INSERT INTO conversations (queue_id, channel, contact_id, status, language, queued_at, started_at,
                                        caller_number, customer_name, direction, wanted_agent_id, priority)
             SELECT b.queue_id, 'voice', b.contact_id, 'active',
                    COALESCE((SELECT c.language FROM contacts c WHERE c.id = b.contact_id), 'en'), $2, $2,
                    b.phone, b.name, 'outbound', b.assignee_id, b.priority
             FROM callbacks b WHERE b.id = $1 RETURNING queue_id, id",
        )
        .bind(id)
        .bind(work.now)
        .fetch_one(&mut *work.tx)
        .await?;
        sqlx::query("UPDATE callbacks SET placed_conversation_id = $1 WHERE id = $2")
            .bind(conversation_id)
            .bind(id)
            .execute(&mut *work.tx)
            .await?;
        work.conversation_changed(queue_id, conversation_id, ConversationStatus::Queued, None).await?;
        opened += 1;
    }
    Ok(opened)
}

/// A callback to be called as soon as an agent is free (courtesy, web): its window is the next day,
/// written in UTC.
pub fn right_away(
    now: Millis,
    queue_id: i64,
    phone: &str,
    name: &str,
    reason: &str,
) -> AppResult<CheckedCallback> {
    let internal = |e: jiff::Error| AppError::Internal(e.into());
    let start = jiff::Timestamp::from_millisecond(now).map_err(internal)?.to_zoned(TimeZone::UTC);
    let end = start.checked_add(jiff::SignedDuration::from_hours(24)).map_err(internal)?;
    let date = Date { year: i32::from(start.year()), month: start.month() as u8, day: start.day() as u8 };
    Ok(CheckedCallback {
        phone: phone.to_owned(),
        name: name.to_owned(),
        reason: reason.to_owned(),
        queue_id,
        date,
        start: start.strftime("%H:%M").to_string(),
        end: end.strftime("%H:%M").to_string(),
        time_zone: "UTC".into(),
        starts_at: now,
        ends_at: end.timestamp().as_millisecond(),
        priority: hovor_types::callback::DEFAULT_PRIORITY,
    })
}

/// A courtesy callback for the caller waiting in `conversation_id`: queued at once, in the call's own
/// conversation, so it keeps the caller's place.
pub async fn courtesy(work: &mut Work, conversation_id: i64, number: &str, name: &str) -> AppResult<()> {
    let (queue_id, contact_id): (i64, Option<i64>) =
        sqlx::query_as("SELECT queue_id, contact_id FROM conversations WHERE id = $1")
            .bind(conversation_id)
            .fetch_one(&mut *work.tx)
            .await?;
    let checked = right_away(work.now, queue_id, number, name, "")?;
    let links = Links { assignee_id: None, contact_id, conversation_id: Some(conversation_id) };
    let now = work.now;
    let id = callbacks::insert(work, CallbackKind::Courtesy, &checked, links, None, now).await?;
    sqlx::query("UPDATE callbacks SET state = 'queued', placed_conversation_id = $1 WHERE id = $2")
        .bind(conversation_id)
        .bind(id)
        .execute(&mut *work.tx)
        .await?;
    Ok(())
}

/// A customer waiting in a chat queue asks to be called back instead (a courtesy callback, WBX): a
/// callback's call takes the chat's place in the queue (its time queued), carrying the chat's
/// customer, survey answers and trail, and the chat ends. 422 on `phone` by the form's rule; 409
/// `call_refused` once an agent has the chat; 409 `wrong_channel` when its queue takes no calls.
pub async fn courtesy_from_chat(work: &mut Work, chat_id: i64, phone: &str) -> AppResult<()> {
    let phone = check_phone(phone)?;
    // Queue, contact, the customer's name, and the queue's entry number (if it takes calls).
    type WaitingChat = (i64, Option<i64>, Option<String>, Option<String>);
    let waiting: Option<WaitingChat> = sqlx::query_as(
        "SELECT c.queue_id, c.contact_id, COALESCE(p.first_name || ' ' || p.last_name, c.customer_name),
                q.entry_number
         FROM conversations c JOIN queues q ON q.id = c.queue_id LEFT JOIN contacts p ON p.id = c.contact_id
         WHERE c.id = $1 AND c.channel = 'chat' AND c.status = 'active' AND c.agent_id IS NULL",
    )
    .bind(chat_id)
    .fetch_optional(&mut *work.tx)
    .await?;
    let Some((queue_id, contact_id, name, entry)) = waiting else {
        return Err(AppError::Conflict(Reason::CallRefused));
    };
    if entry.is_none() {
        return Err(AppError::Conflict(Reason::WrongChannel));
    }
    let call_id: i64 = sqlx::query_scalar(
        "INSERT INTO conversations (queue_id, channel, contact_id, status, language, queued_at, started_at,
                                    visitor, additional_details, customer_name, caller_number, direction)
         SELECT queue_id, 'voice', contact_id, 'active', language, queued_at, $2, visitor,
                additional_details, customer_name, $3, 'outbound'
         FROM conversations WHERE id = $1 RETURNING id",
    )
    .bind(chat_id)
    .bind(work.now)
    .bind(phone)
    .fetch_one(&mut *work.tx)
    .await?;
    crate::voice::flows::carry_chat_trail(work, chat_id, call_id).await?;
    let checked = right_away(work.now, queue_id, phone, name.as_deref().unwrap_or(phone), "")?;
    let links = Links { assignee_id: None, contact_id, conversation_id: Some(chat_id) };
    let now = work.now;
    let id = callbacks::insert(work, CallbackKind::Courtesy, &checked, links, None, now).await?;
    sqlx::query("UPDATE callbacks SET state = 'queued', placed_conversation_id = $1 WHERE id = $2")
        .bind(call_id)
        .bind(id)
        .execute(&mut *work.tx)
        .await?;
    crate::routing::lifecycle::end(work, chat_id, None).await?;
    work.conversation_changed(queue_id, call_id, ConversationStatus::Queued, None).await
}

/// A callback's call ended. Answered, it is done; nobody answered (`unanswered`: still dialling, or
/// declined as busy), it is tried again after the queue's spacing while attempts and its window last,
/// else it fails with its reason code.
pub async fn call_ended(work: &mut Work, conversation_id: i64, unanswered: bool) -> AppResult<()> {
    if !unanswered {
        return Ok(());
    }
    let row: Option<(i64, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT b.id, b.attempts, b.ends_at, q.callback_attempts, q.callback_retry_minutes
         FROM callbacks b JOIN queues q ON q.id = b.queue_id
         WHERE b.placed_conversation_id = $1 AND b.state = 'placed'",
    )
    .bind(conversation_id)
    .fetch_optional(&mut *work.tx)
    .await?;
    let Some((id, attempts, ends_at, allowed, spacing_minutes)) = row else { return Ok(()) };
    let next = work.now + spacing_minutes * 60_000;
    let failure = match () {
        _ if attempts >= allowed => Some(CallbackFailure::NoAnswer),
        _ if next >= ends_at => Some(CallbackFailure::WindowClosed),
        _ => None,
    };
    let update = match failure {
        Some(failure) => sqlx::query("UPDATE callbacks SET state = 'failed', failure = $2 WHERE id = $1")
            .bind(id)
            .bind(failure.as_str()),
        None => sqlx::query(
            "UPDATE callbacks SET state = 'scheduled', starts_at = $2, placed_conversation_id = NULL WHERE id = $1",
        )
        .bind(id)
        .bind(next),
    };
    update.execute(&mut *work.tx).await?;
    Ok(())
}

/// Cancel while the customer's phone rings (the queue's "End call for web callback"): the callback
/// fails as cancelled and is not tried again; ending the conversation afterwards opens the wrap-up.
/// 409 `wrong_channel` when the conversation is no callback's call, 403 when its queue does not allow
/// it, 409 `call_refused` once the customer has answered.
pub async fn cancel(work: &mut Work, conversation_id: i64) -> AppResult<()> {
    let row: Option<(Flag, Flag)> = sqlx::query_as(
        "SELECT q.callback_cancel, c.dialling FROM callbacks b JOIN queues q ON q.id = b.queue_id
         JOIN conversations c ON c.id = b.placed_conversation_id
         WHERE b.placed_conversation_id = $1 AND b.state = 'placed'",
    )
    .bind(conversation_id)
    .fetch_optional(&mut *work.tx)
    .await?;
    let (Flag(allowed), Flag(ringing)) = row.ok_or(AppError::Conflict(Reason::WrongChannel))?;
    if !allowed {
        return Err(AppError::Forbidden);
    }
    if !ringing {
        return Err(AppError::Conflict(Reason::CallRefused));
    }
    sqlx::query("UPDATE callbacks SET state = 'failed', failure = $2 WHERE placed_conversation_id = $1")
        .bind(conversation_id)
        .bind(CallbackFailure::Cancelled.as_str())
        .execute(&mut *work.tx)
        .await?;
    Ok(())
}

/// When the next scheduled window opens.
pub async fn next_due(pool: &Pool) -> AppResult<Option<Millis>> {
    Ok(sqlx::query_scalar("SELECT MIN(starts_at) FROM callbacks WHERE state = 'scheduled'")
        .fetch_one(pool)
        .await?)
}

/// The number a callback conversation calls, if `conversation_id` is one.
pub async fn number_of(work: &mut Work, conversation_id: i64) -> AppResult<Option<String>> {
    Ok(sqlx::query_scalar("SELECT phone FROM callbacks WHERE placed_conversation_id = $1")
        .bind(conversation_id)
        .fetch_optional(&mut *work.tx)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(zone: &str, date: &str, minute: u16) -> Option<Millis> {
        BundledZones.instant(zone, Date::parse(date).unwrap(), minute)
    }

    #[test]
    fn local_times_follow_the_zones_rules() {
        // 2026-06-10 14:00 in Prague is 12:00 UTC; in Kyiv 11:00 UTC.
        assert_eq!(at("Europe/Prague", "2026-06-10", 14 * 60), Some(1_781_092_800_000));
        assert_eq!(at("Europe/Kyiv", "2026-06-10", 14 * 60), Some(1_781_092_800_000 - 3_600_000));
        // 02:30 on 29 March 2026 does not exist in Prague: read as 03:30 summer time = 01:30 UTC.
        assert_eq!(at("Europe/Prague", "2026-03-29", 150), at("Europe/Prague", "2026-03-29", 210));
        // 02:30 on 25 October happens twice: the first, in summer time, like midnight.
        let midnight = at("Europe/Prague", "2026-10-25", 0).unwrap();
        assert_eq!(at("Europe/Prague", "2026-10-25", 150), Some(midnight + 150 * 60_000));
        assert_eq!(at("Europe/Praha", "2026-06-10", 0), None);
    }
}
