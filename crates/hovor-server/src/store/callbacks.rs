//! Callbacks: who may see and change them, and their rows.
//!
//! A user sees a callback when they are a member of its queue or it is assigned to them; a callback
//! is for a voice queue (one with an entry-point number) the creator, and its assignee, belong to. The
//! callbacks integration (a website or an IVR with the callbacks token, `viewer` None) sees them all.

use hovor_types::callback::{
    Callback, CallbackAssignee, CallbackChoices, CallbackFailure, CallbackKind, CallbackQueue, CallbackState,
    CheckedCallback,
};
use hovor_types::error::{FieldError, Reason, Rule};

use crate::db::{Conn, Flag};
use crate::error::{AppError, AppResult};

/// Who a callback is for, beside its form: the assignee, the contact, the conversation it came from.
#[derive(Debug, Clone, Copy, Default)]
pub struct Links {
    pub assignee_id: Option<i64>,
    pub contact_id: Option<i64>,
    pub conversation_id: Option<i64>,
}

macro_rules! callback_columns {
    () => {
        "SELECT b.id, b.kind, b.state, b.phone, b.name, b.local_date, b.local_start, b.local_end, b.time_zone,
                b.starts_at, b.ends_at, b.queue_id, q.name AS queue, b.reason, b.assignee_id,
                a.display_name AS assignee, b.contact_id, b.conversation_id, b.created_at,
                c.display_name AS created_by, b.attempts, b.failure, b.priority
         FROM callbacks b JOIN queues q ON q.id = b.queue_id
         LEFT JOIN users a ON a.id = b.assignee_id
         LEFT JOIN users c ON c.id = b.created_by "
    };
}

/// What `$1` (a user, or NULL for the callbacks integration) may see.
macro_rules! visible_to {
    () => {
        "($1 IS NULL OR b.assignee_id = $1
          OR EXISTS (SELECT 1 FROM queue_members m WHERE m.queue_id = b.queue_id AND m.user_id = $1))"
    };
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    #[sqlx(try_from = "String")]
    kind: CallbackKind,
    #[sqlx(try_from = "String")]
    state: CallbackState,
    phone: String,
    name: String,
    local_date: String,
    local_start: String,
    local_end: String,
    time_zone: String,
    starts_at: i64,
    ends_at: i64,
    queue_id: i64,
    queue: String,
    reason: String,
    assignee_id: Option<i64>,
    assignee: Option<String>,
    contact_id: Option<i64>,
    conversation_id: Option<i64>,
    created_at: i64,
    created_by: Option<String>,
    attempts: i64,
    failure: Option<String>,
    priority: i64,
}

impl From<Row> for Callback {
    fn from(r: Row) -> Callback {
        Callback {
            id: r.id,
            kind: r.kind,
            state: r.state,
            phone: r.phone,
            name: r.name,
            date: r.local_date,
            start: r.local_start,
            end: r.local_end,
            time_zone: r.time_zone,
            starts_at: r.starts_at,
            ends_at: r.ends_at,
            queue_id: r.queue_id,
            queue: r.queue,
            reason: r.reason,
            assignee: r.assignee_id.zip(r.assignee).map(|(id, name)| CallbackAssignee { id, name }),
            contact_id: r.contact_id,
            conversation_id: r.conversation_id,
            created_at: r.created_at,
            created_by: r.created_by,
            attempts: u32::try_from(r.attempts).unwrap_or(0),
            priority: u8::try_from(r.priority).unwrap_or(0),
            failure: r.failure.as_deref().and_then(CallbackFailure::parse),
        }
    }
}

/// The Manage list: the contact's callbacks the viewer may see (with `contact_id`) and the personal
/// callbacks assigned to the user, those still to come first. The integration without a contact gets
/// every callback still to come.
pub async fn list(conn: &mut Conn, viewer: Option<i64>, contact_id: Option<i64>) -> AppResult<Vec<Callback>> {
    let sql = concat!(
        callback_columns!(),
        "WHERE ((b.contact_id = $2 AND ",
        visible_to!(),
        ") OR b.assignee_id = $1
                OR ($1 IS NULL AND $2 = -1 AND b.state IN ('scheduled', 'queued')))
         ORDER BY CASE WHEN b.state IN ('scheduled', 'queued') THEN 0 ELSE 1 END, b.starts_at, b.id LIMIT 200"
    );
    let rows: Vec<Row> =
        sqlx::query_as(sql).bind(viewer).bind(contact_id.unwrap_or(-1)).fetch_all(&mut *conn).await?;
    Ok(rows.into_iter().map(Callback::from).collect())
}

/// One callback the viewer may see; 404 otherwise.
pub async fn visible(conn: &mut Conn, viewer: Option<i64>, id: i64) -> AppResult<Callback> {
    let sql = concat!(callback_columns!(), "WHERE b.id = $2 AND ", visible_to!());
    let row: Option<Row> = sqlx::query_as(sql).bind(viewer).bind(id).fetch_optional(&mut *conn).await?;
    row.map(Callback::from).ok_or(AppError::NotFound)
}

/// The queue takes calls and the viewer (a user; any for the integration) and the assignee, if any,
/// work in it; 422 on `queue_id` or `assignee_id` otherwise.
pub async fn check_queue(
    conn: &mut Conn,
    viewer: Option<i64>,
    queue_id: i64,
    assignee_id: Option<i64>,
) -> AppResult<()> {
    let usable: Option<Flag> = sqlx::query_scalar(
        "SELECT $2 IS NULL OR EXISTS (SELECT 1 FROM queue_members m WHERE m.queue_id = q.id AND m.user_id = $2)
         FROM queues q WHERE q.id = $1 AND q.entry_number IS NOT NULL",
    )
    .bind(queue_id)
    .bind(viewer)
    .fetch_optional(&mut *conn)
    .await?;
    if usable != Some(Flag(true)) {
        return Err(AppError::Validation(FieldError::new("queue_id", Rule::NotAnOption)));
    }
    if let Some(assignee) = assignee_id {
        let member: Flag = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM queue_members m JOIN users u ON u.id = m.user_id
                            WHERE m.queue_id = $1 AND m.user_id = $2 AND u.role = 'agent')",
        )
        .bind(queue_id)
        .bind(assignee)
        .fetch_one(&mut *conn)
        .await?;
        if !member.0 {
            return Err(AppError::Validation(FieldError::new("assignee_id", Rule::NotAnOption)));
        }
    }
    Ok(())
}

pub async fn insert(
    conn: &mut Conn,
    kind: CallbackKind,
    checked: &CheckedCallback,
    links: Links,
    created_by: Option<i64>,
    now: i64,
) -> AppResult<i64> {
    let id = sqlx::query_scalar(
        "INSERT INTO callbacks (kind, state, phone, name, local_date, local_start, local_end, time_zone,
                                starts_at, ends_at, queue_id, reason, assignee_id, contact_id, conversation_id,
                                created_by, created_at, priority)
         VALUES ($1, 'scheduled', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
         RETURNING id",
    )
    .bind(kind.as_str())
    .bind(&checked.phone)
    .bind(&checked.name)
    .bind(checked.date.to_string())
    .bind(&checked.start)
    .bind(&checked.end)
    .bind(&checked.time_zone)
    .bind(checked.starts_at)
    .bind(checked.ends_at)
    .bind(checked.queue_id)
    .bind(&checked.reason)
    .bind(links.assignee_id)
    .bind(links.contact_id)
    .bind(links.conversation_id)
    .bind(created_by)
    .bind(now)
    .bind(i64::from(checked.priority))
    .fetch_one(&mut *conn)
    .await?;
    Ok(id)
}

/// Replaces the form's fields of a callback still to come; 409 `callback_started` once its window has
/// started (checked in the same statement, so a window opening meanwhile wins).
pub async fn update(
    conn: &mut Conn,
    id: i64,
    checked: &CheckedCallback,
    assignee_id: Option<i64>,
    now: i64,
) -> AppResult<()> {
    let updated = sqlx::query(
        "UPDATE callbacks SET phone = $1, name = $2, local_date = $3, local_start = $4, local_end = $5,
                time_zone = $6, starts_at = $7, ends_at = $8, queue_id = $9, reason = $10, assignee_id = $11,
                priority = $14
         WHERE id = $12 AND state = 'scheduled' AND starts_at > $13",
    )
    .bind(&checked.phone)
    .bind(&checked.name)
    .bind(checked.date.to_string())
    .bind(&checked.start)
    .bind(&checked.end)
    .bind(&checked.time_zone)
    .bind(checked.starts_at)
    .bind(checked.ends_at)
    .bind(checked.queue_id)
    .bind(&checked.reason)
    .bind(assignee_id)
    .bind(id)
    .bind(now)
    .bind(i64::from(checked.priority))
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(AppError::Conflict(Reason::CallbackStarted));
    }
    Ok(())
}

/// Deletes a callback still to come; 409 `callback_started` once its window has started.
pub async fn delete(conn: &mut Conn, id: i64, now: i64) -> AppResult<()> {
    let deleted =
        sqlx::query("DELETE FROM callbacks WHERE id = $1 AND state = 'scheduled' AND starts_at > $2")
            .bind(id)
            .bind(now)
            .execute(&mut *conn)
            .await?;
    if deleted.rows_affected() == 0 {
        return Err(AppError::Conflict(Reason::CallbackStarted));
    }
    Ok(())
}

/// The form's choices for `user_id`: the voice queues they work in, each with its agents, and what
/// the contact's record (or the conversation's details) says of the customer.
pub async fn choices(
    conn: &mut Conn,
    user_id: i64,
    contact_id: Option<i64>,
    conversation_id: Option<i64>,
) -> AppResult<CallbackChoices> {
    let queues: Vec<(i64, String)> = sqlx::query_as(
        "SELECT q.id, q.name FROM queues q JOIN queue_members m ON m.queue_id = q.id AND m.user_id = $1
         WHERE q.entry_number IS NOT NULL ORDER BY q.name, q.id",
    )
    .bind(user_id)
    .fetch_all(&mut *conn)
    .await?;
    // Every agent of those queues in one read, grouped by queue below.
    let agents: Vec<(i64, i64, String)> = sqlx::query_as(
        "SELECT m.queue_id, u.id, u.display_name FROM users u JOIN queue_members m ON m.user_id = u.id
         WHERE u.role = 'agent'
           AND m.queue_id IN (SELECT queue_id FROM queue_members WHERE user_id = $1)
         ORDER BY u.display_name, u.id",
    )
    .bind(user_id)
    .fetch_all(&mut *conn)
    .await?;
    let choices = queues
        .into_iter()
        .map(|(id, name)| {
            let agents = agents
                .iter()
                .filter(|(queue, ..)| *queue == id)
                .map(|(_, agent, name)| CallbackAssignee { id: *agent, name: name.clone() })
                .collect();
            CallbackQueue { id, name, agents }
        })
        .collect();
    let (name, phone) = match contact_id {
        Some(contact) => sqlx::query_as::<_, (String, Option<String>)>(
            "SELECT c.first_name || ' ' || c.last_name,
                    (SELECT p.value FROM contact_points p WHERE p.contact_id = c.id AND p.kind = 'phone'
                     ORDER BY p.is_default DESC, p.id LIMIT 1)
             FROM contacts c WHERE c.id = $1",
        )
        .bind(contact)
        .fetch_optional(&mut *conn)
        .await?
        .map_or((None, None), |(name, phone)| (Some(name), phone)),
        None => (None, None),
    };
    let time_zone = zone_of(conn, contact_id, conversation_id).await?;
    Ok(CallbackChoices { queues: choices, time_zone, phone, name })
}

/// The customer's time zone as their conversations' details give it: the given conversation's, else
/// the contact's latest that says.
async fn zone_of(
    conn: &mut Conn,
    contact_id: Option<i64>,
    conversation_id: Option<i64>,
) -> AppResult<Option<String>> {
    let details: Vec<String> = sqlx::query_scalar(
        "SELECT additional_details FROM conversations
         WHERE id = $1 OR contact_id = $2 ORDER BY CASE WHEN id = $1 THEN 0 ELSE 1 END, started_at DESC LIMIT 20",
    )
    .bind(conversation_id.unwrap_or(-1))
    .bind(contact_id.unwrap_or(-1))
    .fetch_all(&mut *conn)
    .await?;
    Ok(details.iter().find_map(|json| {
        let pairs: Vec<hovor_types::conversation::KeyValue> = serde_json::from_str(json).ok()?;
        pairs.into_iter().find(|p| p.key == "Time zone").map(|p| p.value)
    }))
}
