//! Calls meet conversations: a dialled entry point becomes a voice conversation waiting in its queue,
//! an accepted offer answers the call, End ends it, and a customer hanging up ends the conversation.
//! Each runs in one routing [`Work`], so the conversation, its activities and the call's events
//! commit together.

use hovor_types::chat::ConversationStatus;
use hovor_types::collaboration::Colleague;
use hovor_types::error::{FieldError, Reason, Rule};
use hovor_types::routing::mask_phone;
use hovor_types::validate::phone_digits;
use hovor_types::voice::{
    CallAgent, CallCommand, CallView, Callee, ConsultTargets, ConsultTo, Dial, IncomingCall, LineNews, Party,
    check_number,
};
use hovor_types::wrap_up::Target;

use super::calls::{Calls, RecordingSetting};
use super::lines;
use crate::AppState;
use crate::db::Flag;
use crate::error::{AppError, AppResult};
use crate::routing::{Work, lifecycle};

pub fn calls(state: &AppState) -> AppResult<&Calls> {
    state.voice.as_ref().ok_or(AppError::Conflict(Reason::NoCall))
}

/// A phone dials a queue's entry point: the call waits in the queue, hearing its music, and is offered
/// like a chat. The caller is the contact whose phone has the same digits, if there is one. Returns
/// the phone's secret (its cookie) and its audio answer.
pub async fn dial(state: &AppState, dial: &Dial, token_hash: &str) -> AppResult<String> {
    let calls = calls(state)?;
    let mut work = Work::begin(state).await?;
    let queue: Option<(i64, Flag)> =
        // A deactivated queue's number is not in service.
        sqlx::query_as("SELECT id, mask_sensitive FROM queues WHERE entry_number = $1 AND deactivated_at IS NULL")
            .bind(phone_digits(&dial.to))
            .fetch_optional(&mut *work.tx)
            .await?;
    let (queue_id, Flag(mask_sensitive)) = queue.ok_or(FieldError::new("to", Rule::NotAnOption))?;
    let recording = recording_setting(&mut work, queue_id).await?;
    let caller = phone_digits(&dial.from);
    let contact = crate::store::contacts::by_phone(&mut work.tx, &dial.from).await?;
    let (contact_id, language) = contact.map_or((None, "en".to_owned()), |(id, l)| (Some(id), l));
    // An unknown caller is known by their number in the task list, masked where the queue says so.
    // The number as the desks may see it: its last 4 digits where the queue protects sensitive data.
    let shown_number = match mask_sensitive {
        true => mask_phone(dial.from.trim()),
        false => dial.from.trim().to_owned(),
    };
    let caller_name = contact_id.is_none().then(|| shown_number.clone());
    let conversation_id: i64 = sqlx::query_scalar(
        "INSERT INTO conversations (queue_id, channel, contact_id, status, language, queued_at, started_at,
                                    customer_token_hash, caller_number, customer_name, call_host)
         VALUES ($1, 'voice', $2, 'active', $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(queue_id)
    .bind(contact_id)
    .bind(language)
    .bind(work.now)
    .bind(work.now)
    .bind(token_hash)
    .bind(&caller)
    .bind(caller_name)
    .bind(calls.host())
    .fetch_one(&mut *work.tx)
    .await?;
    work.conversation_changed(queue_id, conversation_id, ConversationStatus::Queued, None).await?;
    let answer = calls.dial(conversation_id, &shown_number, &dial.sdp, recording)?;
    if let Err(e) = work.finish(state).await {
        calls.drop_call(conversation_id);
        return Err(e);
    }
    Ok(answer)
}

/// "Call us" on the web chat page: the chat's customer calls the chat's queue. The call is a voice
/// conversation of its own, waiting with the queue's music like a dialled call, that carries the chat's
/// contact, name, language, visitor details, survey answers, self-service trail and categories, so the
/// agent who answers sees who calls and what they did. Returns the phone's answer; `token_hash` is the
/// call's `hovor_phone` cookie.
pub async fn call_from_chat(
    state: &AppState,
    chat_id: i64,
    offer: &str,
    token_hash: &str,
) -> AppResult<String> {
    let calls = calls(state)?;
    let mut work = Work::begin(state).await?;
    let (queue_id, name): (i64, Option<String>) = sqlx::query_as(
        "SELECT queue_id, customer_name FROM conversations WHERE id = $1 AND channel = 'chat'",
    )
    .bind(chat_id)
    .fetch_optional(&mut *work.tx)
    .await?
    .ok_or(AppError::Conflict(Reason::WrongChannel))?;
    let recording = recording_setting(&mut work, queue_id).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO conversations (queue_id, channel, contact_id, status, language, queued_at, started_at,
                                    visitor, additional_details, customer_token_hash, customer_name, call_host)
         SELECT queue_id, 'voice', contact_id, 'active', language, $2, $2, visitor, additional_details, $3,
                customer_name, $4
         FROM conversations WHERE id = $1 RETURNING id",
    )
    .bind(chat_id)
    .bind(work.now)
    .bind(token_hash)
    .bind(calls.host())
    .fetch_one(&mut *work.tx)
    .await?;
    carry_chat_trail(&mut work, chat_id, id).await?;
    work.conversation_changed(queue_id, id, ConversationStatus::Queued, None).await?;
    let answer = calls.dial(id, name.as_deref().unwrap_or_default(), offer, recording)?;
    if let Err(e) = work.finish(state).await {
        calls.drop_call(id);
        return Err(e);
    }
    Ok(answer)
}

/// What the customer told the chat (survey answers, self-service trail, categories), carried into the
/// call `call_id` that follows it.
pub async fn carry_chat_trail(work: &mut Work, chat_id: i64, call_id: i64) -> AppResult<()> {
    for copy in [
        "INSERT INTO survey_answers (conversation_id, question, answer)
         SELECT $1, question, answer FROM survey_answers WHERE conversation_id = $2 ORDER BY id",
        "INSERT INTO self_service_actions (conversation_id, kind, detail, at)
         SELECT $1, kind, detail, at FROM self_service_actions WHERE conversation_id = $2 ORDER BY at",
        "INSERT INTO conversation_categories (conversation_id, category_id)
         SELECT $1, category_id FROM conversation_categories WHERE conversation_id = $2",
    ] {
        sqlx::query(copy).bind(call_id).bind(chat_id).execute(&mut *work.tx).await?;
    }
    Ok(())
}

/// Start call from the customer card, or Dial a number: the new voice conversation `conversation_id`
/// calls the number dialled, else the contact's default phone, with the agent on the call at once.
/// Rings the customer's phone once the work is stored (see [`ring`]). Without a media switch, the
/// conversation is only a record of the call, as before.
pub async fn place(
    work: &mut Work,
    state: &AppState,
    agent_id: i64,
    conversation_id: i64,
) -> AppResult<bool> {
    let Some(calls) = state.voice.as_ref() else { return Ok(false) };
    within_call_limit(work, state, conversation_id).await?;
    let (number, caller, queue_id): (String, String, i64) = sqlx::query_as(
        "SELECT COALESCE(c.caller_number, p.value), q.name, q.id FROM conversations c
         JOIN queues q ON q.id = c.queue_id
         LEFT JOIN contact_points p ON p.contact_id = c.contact_id AND p.kind = 'phone' AND p.is_default = 1
         WHERE c.id = $1",
    )
    .bind(conversation_id)
    .fetch_one(&mut *work.tx)
    .await?;
    sqlx::query("UPDATE conversations SET call_host = $1 WHERE id = $2")
        .bind(calls.host())
        .bind(conversation_id)
        .execute(&mut *work.tx)
        .await?;
    let recording = recording_setting(work, queue_id).await?;
    let agent = call_agent(&mut work.tx, agent_id).await?;
    calls.place(conversation_id, agent, &number, recording);
    ring(work, &number, IncomingCall { conversation_id, caller, party: Party::Customer }).await?;
    Ok(true)
}

/// Refuses one more outbound call once `--max-outbound-calls` go on (409 `call_limit_reached`),
/// counted in the database so every instance counts the same calls.
async fn within_call_limit(work: &mut Work, state: &AppState, conversation_id: i64) -> AppResult<()> {
    let Some(limit) = state.max_outbound_calls else { return Ok(()) };
    let going_on: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM conversations WHERE channel = 'voice' AND direction = 'outbound'
         AND status = 'active' AND call_host IS NOT NULL AND id <> $1",
    )
    .bind(conversation_id)
    .fetch_one(&mut *work.tx)
    .await?;
    if going_on >= i64::from(limit) {
        return Err(AppError::Conflict(Reason::CallLimitReached));
    }
    Ok(())
}

/// Whether the queue records its calls, and its longest pause.
async fn recording_setting(work: &mut Work, queue_id: i64) -> AppResult<RecordingSetting> {
    let (Flag(record), pause_s): (Flag, i64) =
        sqlx::query_as("SELECT record_calls, recording_pause_s FROM queues WHERE id = $1")
            .bind(queue_id)
            .fetch_one(&mut *work.tx)
            .await?;
    Ok(RecordingSetting { record, pause_ms: pause_s * 1000 })
}

/// Rings the phone pages on the line of `number`, once the work that placed the call commits.
async fn ring(work: &mut Work, number: &str, call: IncomingCall) -> AppResult<()> {
    lines::tell(work, number, LineNews::Ring(call)).await
}

/// The phone on the line with `digits` answers a call Hovor placed to it. As the call's customer it
/// gets `token_hash` as its cookie for `/api/phone/call` and its events; as a number a consult or
/// transfer called, it follows the call on its line. Returns its audio answer and which it is.
pub async fn phone_answers(
    state: &AppState,
    conversation_id: i64,
    digits: &str,
    offer: &str,
    token_hash: &str,
) -> AppResult<(String, Party)> {
    let calls = calls(state)?;
    let party = calls.ringing_party(conversation_id, digits).ok_or(AppError::Conflict(Reason::NoCall))?;
    let mut work = Work::begin(state).await?;
    if party == Party::Customer {
        let updated = sqlx::query(
            "UPDATE conversations SET dialling = 0, customer_token_hash = $1
             WHERE id = $2 AND channel = 'voice' AND status = 'active'",
        )
        .bind(token_hash)
        .bind(conversation_id)
        .execute(&mut *work.tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(AppError::Conflict(Reason::NoCall));
        }
    }
    let (answer, changed) = calls.phone_answers(conversation_id, digits, offer, work.now)?;
    publish_and_end(&mut work, changed).await?;
    work.finish(state).await?;
    Ok((answer, party))
}

/// The phone on the line with `digits` declines a call ringing it: as the customer, the call and its
/// conversation end; as a number, the consult or transfer that called it does.
pub async fn phone_declines(state: &AppState, conversation_id: i64, digits: &str) -> AppResult<()> {
    match calls(state)?.ringing_party(conversation_id, digits) {
        Some(Party::Customer) => customer_hung_up(state, conversation_id).await,
        Some(_) => number_hangs_up(state, conversation_id, digits).await,
        None => Err(AppError::Conflict(Reason::NoCall)),
    }
}

/// The number on the line with `digits` hangs up a call it takes part in (or declines it). 409
/// `no_call` when it is on no such call.
pub async fn number_hangs_up(state: &AppState, conversation_id: i64, digits: &str) -> AppResult<()> {
    let calls = calls(state)?;
    let mut work = Work::begin(state).await?;
    let changed = calls.number_left(conversation_id, digits)?.ok_or(AppError::Conflict(Reason::NoCall))?;
    follow_call(&mut work, &changed).await?;
    publish_and_end(&mut work, changed).await?;
    work.finish(state).await
}

/// Offers the agent accepted: those that are calls on this instance are answered; a callback's dials
/// the customer. Returns the phones to ring once the work is stored (see [`ring`]).
pub async fn answer_accepted(
    work: &mut Work,
    state: &AppState,
    agent_id: i64,
    accepted: &[i64],
) -> AppResult<()> {
    let Some(calls) = state.voice.as_ref() else { return Ok(()) };
    if accepted.is_empty() {
        return Ok(());
    }
    let agent = call_agent(&mut work.tx, agent_id).await?;
    for &conversation_id in accepted {
        if let Some(changed) = calls.answer(conversation_id, agent.clone(), work.now)? {
            changed.publish(work).await?;
        } else if let Some(number) = crate::callbacks::number_of(work, conversation_id).await? {
            within_call_limit(work, state, conversation_id).await?;
            dial_callback(work, calls, agent.clone(), conversation_id, &number).await?;
        }
    }
    Ok(())
}

/// Accept on a callback: the agent calls the customer's number, as Start call does.
async fn dial_callback(
    work: &mut Work,
    calls: &Calls,
    agent: CallAgent,
    conversation_id: i64,
    number: &str,
) -> AppResult<()> {
    let (queue_id, caller): (i64, String) = sqlx::query_as(
        "SELECT q.id, q.name FROM conversations c JOIN queues q ON q.id = c.queue_id WHERE c.id = $1",
    )
    .bind(conversation_id)
    .fetch_one(&mut *work.tx)
    .await?;
    sqlx::query("UPDATE conversations SET call_host = $1, dialling = 1 WHERE id = $2")
        .bind(calls.host())
        .bind(conversation_id)
        .execute(&mut *work.tx)
        .await?;
    sqlx::query(
        "UPDATE callbacks SET state = 'placed', attempts = attempts + 1 WHERE placed_conversation_id = $1",
    )
    .bind(conversation_id)
    .execute(&mut *work.tx)
    .await?;
    let recording = recording_setting(work, queue_id).await?;
    calls.place(conversation_id, agent, number, recording);
    ring(work, number, IncomingCall { conversation_id, caller, party: Party::Customer }).await
}

/// The agent handling the conversation transfers it: its call (if it is one on this instance) goes
/// back to waiting first, refused when the call does not allow it (in a consult or a conference).
pub async fn transfer_by_agent(
    work: &mut Work,
    state: &AppState,
    agent_id: i64,
    conversation_id: i64,
) -> AppResult<()> {
    let Some(calls) = state.voice.as_ref() else { return Ok(()) };
    if let Some(changed) = calls.blind_transfer(conversation_id, agent_id, None)? {
        changed.publish(work).await?;
    }
    Ok(())
}

/// The agent in control sends the call to a number outside Hovor (blind): the agent's part and the
/// conversation end (their wrap-up follows) while the customer waits for the number to answer; a
/// number that declines ends the call. 409 `unsupported_destination` when no phone has the number,
/// `no_call` for a conversation that is not a call of this instance.
pub async fn transfer_to_number(
    state: &AppState,
    agent_id: i64,
    conversation_id: i64,
    number: &str,
) -> AppResult<()> {
    let calls = calls(state)?;
    check_number(number)?;
    let mut work = Work::begin(state).await?;
    let now = work.now;
    if !lines::listened(&mut work.tx, number, now).await? {
        return Err(AppError::Conflict(Reason::UnsupportedDestination));
    }
    let (caller, rona_ms) = queue_of(&mut work, conversation_id).await?;
    let callee = Callee::Number { number: number.to_owned() };
    let changed = calls
        .blind_transfer(conversation_id, agent_id, Some(callee))?
        .ok_or(AppError::Conflict(Reason::NoCall))?;
    follow_call(&mut work, &changed).await?;
    publish_and_end(&mut work, changed).await?;
    ring(&mut work, number, IncomingCall { conversation_id, caller, party: Party::Number }).await?;
    work.finish(state).await?;
    stop_ringing_after(state.clone(), conversation_id, rona_ms);
    Ok(())
}

/// The conversation's queue: its name (who calls, on a phone a consult or a transfer rings) and how
/// long it lets an offer ring (RONA), as long as a consult or a transfer to a number rings. Read before
/// the call changes, so a failed read leaves the call as it was.
async fn queue_of(work: &mut Work, conversation_id: i64) -> AppResult<(String, hovor_types::Millis)> {
    let (name, seconds): (String, i64) = sqlx::query_as(
        "SELECT q.name, q.rona_seconds FROM conversations c JOIN queues q ON q.id = c.queue_id WHERE c.id = $1",
    )
    .bind(conversation_id)
    .fetch_one(&mut *work.tx)
    .await?;
    Ok((name, seconds * 1000))
}

/// The party a consult or a transfer to a number rings stops ringing after `after_ms` unanswered:
/// a consult goes back to the agent with the customer held, a transfer to a number ends the call.
fn stop_ringing_after(state: AppState, conversation_id: i64, after_ms: hovor_types::Millis) {
    let Some(leg) = state.voice.as_ref().and_then(|calls| calls.ringing_callee(conversation_id)) else {
        return;
    };
    tokio::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_millis(u64::try_from(after_ms).unwrap_or(0))).await;
        let stopped = async {
            let calls = calls(&state)?;
            let Some(changed) = calls.stop_ringing(conversation_id, leg)? else { return Ok(()) };
            let mut work = Work::begin(&state).await?;
            follow_call(&mut work, &changed).await?;
            publish_and_end(&mut work, changed).await?;
            work.finish(&state).await
        };
        if let Err(e) = stopped.await {
            tracing::warn!(conversation_id, error = ?e, "stopping an unanswered consult failed");
        }
    });
}

/// The agent handling the conversation ends it: its call (if any) ends first, refused while on hold;
/// then the conversation, and the agent owes the wrap-up.
pub async fn end_by_agent(
    work: &mut Work,
    state: &AppState,
    agent_id: i64,
    conversation_id: i64,
) -> AppResult<()> {
    if let Some(calls) = &state.voice
        && let Some(changed) = calls.end(conversation_id, agent_id)?
    {
        changed.publish(work).await?;
    }
    lifecycle::end(work, conversation_id, Some(agent_id)).await
}

/// A command from an agent's control pane. A consult calls an agent of the call's queue who is signed
/// in and on no other call, the longest-free available agent of a queue, or a number a phone has (else
/// 409 `unsupported_destination`). Afterwards the conversation follows
/// the call: the agent in control handles it (a transfer, or the primary leaving a conference, hands
/// it over: the leaving agent owes the wrap-up), the other agents talking on it are its
/// collaborators (in their task lists, without a wrap-up), and a call with no one left ends it.
pub async fn command(
    state: &AppState,
    conversation_id: i64,
    user_id: i64,
    command: CallCommand,
) -> AppResult<()> {
    let calls = calls(state)?;
    let mut work = Work::begin(state).await?;
    let (command, callee) = match command {
        CallCommand::Consult { to } => {
            let (to, callee) = consult_target(&mut work, conversation_id, user_id, to).await?;
            (CallCommand::Consult { to }, callee)
        }
        command => (command, None),
    };
    let queue = match &command {
        CallCommand::Consult { .. } => Some(queue_of(&mut work, conversation_id).await?),
        _ => None,
    };
    let changed = calls.command(conversation_id, user_id, command.clone(), callee)?;
    follow_call(&mut work, &changed).await?;
    publish_and_end(&mut work, changed).await?;
    if let (Some((caller, _)), CallCommand::Consult { to: ConsultTo::Number { number } }) = (&queue, &command)
    {
        let call = IncomingCall { conversation_id, caller: caller.clone(), party: Party::Number };
        ring(&mut work, number, call).await?;
    }
    work.finish(state).await?;
    if let Some((_, rona_ms)) = queue {
        stop_ringing_after(state.clone(), conversation_id, rona_ms);
    }
    if command == CallCommand::PauseRecording
        && let Some(until) = calls.paused_until(conversation_id)
    {
        resume_recording_at(state.clone(), conversation_id, until);
    }
    Ok(())
}

/// A pause of a recording ends by itself at `until` (WBX: the administrator sets its length).
fn resume_recording_at(state: AppState, conversation_id: i64, until: hovor_types::Millis) {
    tokio::spawn(async move {
        let wait = u64::try_from(until - crate::db::now_ms()).unwrap_or(0);
        tokio::time::sleep(std::time::Duration::from_millis(wait)).await;
        let resumed = async {
            let calls = calls(&state)?;
            let mut work = Work::begin(&state).await?;
            if let Some(changed) = calls.resume_recording(conversation_id, until)? {
                changed.publish(&mut work).await?;
            }
            work.finish(&state).await
        };
        if let Err(e) = resumed.await {
            tracing::warn!(conversation_id, error = ?e, "resuming a paused recording failed");
        }
    });
}

/// The SQL condition "the user (`$user`, an SQL expression) is signed in (a session of theirs is open)
/// and on no call": whom a consult may ring.
macro_rules! free_to_talk {
    ($user:literal) => {
        concat!(
            "EXISTS (SELECT 1 FROM sessions x WHERE x.user_id = ",
            $user,
            ") AND NOT ",
            crate::on_a_call!($user)
        )
    };
}

/// Whom a consult may call: the queue's other agents who are signed in and on no call, and the queues
/// with an agent who is available, signed in and on no call.
pub async fn consult_targets(work: &mut Work, conversation_id: i64, me: i64) -> AppResult<ConsultTargets> {
    let agents = consult_agents(work, conversation_id, me).await?;
    let queues: Vec<(i64, String)> = sqlx::query_as(concat!(
        "SELECT q.id, q.name FROM queues q WHERE EXISTS (
             SELECT 1 FROM queue_members m JOIN agent_states s ON s.user_id = m.user_id
             WHERE m.queue_id = q.id AND m.user_id <> $1 AND s.state = 'available' AND ",
        free_to_talk!("m.user_id"),
        ") ORDER BY q.name"
    ))
    .bind(me)
    .fetch_all(&mut *work.tx)
    .await?;
    let queues = queues.into_iter().map(|(id, name)| Target { id, name }).collect();
    Ok(ConsultTargets { agents, queues })
}

/// The longest-free available agent of the queue, signed in and on no call, other than `me`.
async fn queue_agent(work: &mut Work, queue_id: i64, me: i64) -> AppResult<Option<(i64, String)>> {
    Ok(sqlx::query_as(concat!(
        "SELECT u.id, u.display_name FROM queue_members m JOIN agent_states s ON s.user_id = m.user_id
         JOIN users u ON u.id = m.user_id
         WHERE m.queue_id = $1 AND m.user_id <> $2 AND s.state = 'available' AND ",
        free_to_talk!("m.user_id"),
        " ORDER BY s.free_since, u.id LIMIT 1"
    ))
    .bind(queue_id)
    .bind(me)
    .fetch_optional(&mut *work.tx)
    .await?)
}

/// The queue's other agents, signed in (a session of theirs is open), on no call.
async fn consult_agents(work: &mut Work, conversation_id: i64, me: i64) -> AppResult<Vec<Colleague>> {
    let rows: Vec<(i64, String)> = sqlx::query_as(concat!(
        "SELECT u.id, u.display_name FROM conversations c
         JOIN queue_members m ON m.queue_id = c.queue_id JOIN users u ON u.id = m.user_id
         WHERE c.id = $1 AND u.id <> $2 AND ",
        free_to_talk!("u.id"),
        " ORDER BY u.display_name"
    ))
    .bind(conversation_id)
    .bind(me)
    .fetch_all(&mut *work.tx)
    .await?;
    Ok(rows.into_iter().map(|(id, name)| Colleague { id, name }).collect())
}

/// Whom a consult calls, checked: a queue becomes its agent; an agent comes with their name.
async fn consult_target(
    work: &mut Work,
    conversation_id: i64,
    me: i64,
    to: ConsultTo,
) -> AppResult<(ConsultTo, Option<CallAgent>)> {
    let unsupported = AppError::Conflict(Reason::UnsupportedDestination);
    let agent = match to {
        ConsultTo::Number { number } => {
            check_number(&number)?;
            let now = work.now;
            if !lines::listened(&mut work.tx, &number, now).await? {
                return Err(unsupported);
            }
            return Ok((ConsultTo::Number { number }, None));
        }
        ConsultTo::Agent { user_id } => consult_agents(work, conversation_id, me)
            .await?
            .into_iter()
            .find(|c| c.id == user_id)
            .map(|c| (c.id, c.name)),
        ConsultTo::Queue { queue_id } => queue_agent(work, queue_id, me).await?,
    };
    let (user_id, _) = agent.ok_or(unsupported)?;
    Ok((ConsultTo::Agent { user_id }, Some(call_agent(&mut work.tx, user_id).await?)))
}

/// A user as the call shows them to the other agents on it.
pub async fn call_agent(conn: &mut crate::db::Conn, user_id: i64) -> AppResult<CallAgent> {
    let (name, number, team): (String, Option<String>, Option<String>) =
        sqlx::query_as("SELECT display_name, phone_number, team FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_one(conn)
            .await?;
    Ok(CallAgent { user_id, name, number, team })
}

/// The conversation follows its call's parties: see [`command`].
/// A change a supervisor made to a call (listen, coach, barge in, stop): the conversation follows it
/// as after a command from a control pane.
pub async fn supervised(work: &mut Work, changed: super::calls::Changed) -> AppResult<()> {
    follow_call(work, &changed).await?;
    publish_and_end(work, changed).await
}

async fn follow_call(work: &mut Work, changed: &super::calls::Changed) -> AppResult<()> {
    let id = changed.conversation_id;
    let handler: Option<Option<i64>> =
        sqlx::query_scalar("SELECT agent_id FROM conversations WHERE id = $1 AND status = 'active'")
            .bind(id)
            .fetch_optional(&mut *work.tx)
            .await?;
    let Some(handler) = handler else { return Ok(()) };
    if let Some(primary) = changed.primary
        && handler != Some(primary)
    {
        sqlx::query("UPDATE activities SET ended_at = $1 WHERE conversation_id = $2 AND agent_id <> $3 AND ended_at IS NULL")
            .bind(work.now)
            .bind(id)
            .bind(primary)
            .execute(&mut *work.tx)
            .await?;
        sqlx::query("UPDATE conversations SET agent_id = $1 WHERE id = $2")
            .bind(primary)
            .bind(id)
            .execute(&mut *work.tx)
            .await?;
        sqlx::query(
            "INSERT INTO activities (conversation_id, agent_id, queue_id, accepted_at)
             SELECT id, $2, queue_id, $3 FROM conversations WHERE id = $1",
        )
        .bind(id)
        .bind(primary)
        .bind(work.now)
        .execute(&mut *work.tx)
        .await?;
    }
    let present: Vec<i64> =
        sqlx::query_scalar("SELECT user_id FROM collaborators WHERE conversation_id = $1")
            .bind(id)
            .fetch_all(&mut *work.tx)
            .await?;
    for gone in present.iter().filter(|u| !changed.helpers.contains(u)) {
        sqlx::query("DELETE FROM collaborators WHERE conversation_id = $1 AND user_id = $2")
            .bind(id)
            .bind(gone)
            .execute(&mut *work.tx)
            .await?;
    }
    for joined in changed.helpers.iter().filter(|u| !present.contains(u)) {
        sqlx::query(
            "INSERT INTO collaborators (conversation_id, user_id, added_by, added_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(joined)
        .bind(changed.primary.or(handler))
        .bind(work.now)
        .execute(&mut *work.tx)
        .await?;
    }
    Ok(())
}

/// The customer hung up, or their phone's connection was lost. A call with no one left ends its
/// conversation; the agent then owes the wrap-up.
pub async fn customer_hung_up(state: &AppState, conversation_id: i64) -> AppResult<()> {
    let calls = calls(state)?;
    let mut work = Work::begin(state).await?;
    let Some(changed) = calls.customer_left(conversation_id)? else { return Ok(()) };
    publish_and_end(&mut work, changed).await?;
    work.finish(state).await
}

/// A caller waiting in a queue asks to be called back instead (a courtesy callback, WBX): the call is
/// put down but its conversation keeps its place in the queue, now a callback to the caller's number;
/// whoever accepts it calls them (see [`dial_callback`]). Returns the number that will be called. 409
/// `call_refused` once an agent has the call.
pub async fn callback_instead(state: &AppState, conversation_id: i64) -> AppResult<String> {
    let calls = calls(state)?;
    let mut work = Work::begin(state).await?;
    let waiting: Option<(Option<String>, Option<String>)> = sqlx::query_as(
        "SELECT c.caller_number, COALESCE(p.first_name || ' ' || p.last_name, c.customer_name)
         FROM conversations c LEFT JOIN contacts p ON p.id = c.contact_id
         WHERE c.id = $1 AND c.channel = 'voice' AND c.status = 'active' AND c.agent_id IS NULL
           AND c.direction = 'inbound'",
    )
    .bind(conversation_id)
    .fetch_optional(&mut *work.tx)
    .await?;
    let Some((Some(number), name)) = waiting else { return Err(AppError::Conflict(Reason::CallRefused)) };
    crate::callbacks::courtesy(&mut work, conversation_id, &number, name.as_deref().unwrap_or(&number))
        .await?;
    // The call is put down; a restart no longer ends the conversation as a call left behind.
    sqlx::query("UPDATE conversations SET call_host = NULL WHERE id = $1")
        .bind(conversation_id)
        .execute(&mut *work.tx)
        .await?;
    work.finish(state).await?;
    calls.drop_call(conversation_id);
    Ok(number)
}

/// Tells the call's parties of a change; a call with no one left ends its conversation (the agent
/// then owes the wrap-up).
async fn publish_and_end(work: &mut Work, changed: super::calls::Changed) -> AppResult<()> {
    let (conversation_id, ended) = (changed.conversation_id, changed.ended || changed.left_to_numbers);
    changed.publish(work).await?;
    if ended {
        match lifecycle::end(work, conversation_id, None).await {
            // Ended by the agent at the same moment.
            Ok(()) | Err(AppError::Conflict(Reason::NotHandling)) => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// The calls this instance held when it stopped: their audio went with the process, so their
/// conversations end now (the agent owes the wrap-up, a waiting call leaves its queue) and no task list
/// keeps a call nobody can hear. Run at start, before the first request. Returns how many ended.
pub async fn end_calls_left_behind(state: &AppState) -> AppResult<usize> {
    let calls = calls(state)?;
    let mut work = Work::begin(state).await?;
    let left: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM conversations WHERE channel = 'voice' AND status = 'active' AND call_host = $1 ORDER BY id",
    )
    .bind(calls.host())
    .fetch_all(&mut *work.tx)
    .await?;
    for &conversation_id in &left {
        lifecycle::end(&mut work, conversation_id, None).await?;
    }
    work.finish(state).await?;
    Ok(left.len())
}

/// The call as the agent's desk sees it.
pub fn view(state: &AppState, conversation_id: i64, user_id: i64) -> AppResult<CallView> {
    calls(state)?.view(conversation_id, user_id).ok_or(AppError::Conflict(Reason::NoCall))
}

/// Follows the media switch's news: a phone whose connection is gone has hung up. An agent's lost
/// connection keeps their leg: their page connects again and hears the call on.
pub fn follow_peers(
    state: AppState,
    mut events: tokio::sync::mpsc::UnboundedReceiver<super::switch::PeerEvent>,
) {
    tokio::spawn(async move {
        while let Some(event) = events.recv().await {
            let super::switch::PeerEvent::Gone(peer) = event else { continue };
            let Some(calls) = state.voice.as_ref() else { continue };
            let hung_up = match calls.peer_gone(peer) {
                Some((conversation_id, Party::Customer, _)) => {
                    (conversation_id, customer_hung_up(&state, conversation_id).await)
                }
                Some((conversation_id, Party::Number, Some(digits))) => {
                    (conversation_id, number_hangs_up(&state, conversation_id, &digits).await)
                }
                _ => continue,
            };
            if let (conversation_id, Err(e)) = hung_up {
                tracing::warn!(conversation_id, error = ?e, "ending the leg of a phone that went away failed");
            }
        }
    });
}
