//! Emails in the database: an arriving email threaded into its conversation (or starting one that is
//! routed like a chat), the thread as the desk reads it, an agent's email queued in the outbox, and
//! the outbox's progress.

use crate::db::{Conn, Pool};
use hovor_types::chat::ConversationStatus;
use hovor_types::email::{Attachment, Email, EmailKind, EmailStatus, EmailThread, SendEmail};
use hovor_types::error::Reason;
use hovor_types::error::{FieldError, Rule};
use hovor_types::event::ServerEvent;
use hovor_types::message::{Direction, Message};

use super::conversations::{ConversationRow, bad_value};
use crate::change::Change;
use crate::email::incoming::{Incoming, PREVIEW_MAX_CHARS, cut_chars};
use crate::email::outgoing::{self, Original, Outgoing};
use crate::error::{AppError, AppResult};
use crate::hub::Audience;

/// The mailbox among the recipients (the envelope's first, when the gateway gave it): `(address, queue)`.
pub async fn mailbox(pool: &Pool, recipients: &[String]) -> AppResult<Option<(String, i64)>> {
    let list = json(&recipients)?;
    Ok(sqlx::query_as(
        "SELECT m.address, m.queue_id FROM mailboxes m JOIN json_each($1) r ON lower(r.value) = lower(m.address)
         ORDER BY r.key LIMIT 1",
    )
    .bind(list)
    .fetch_optional(pool)
    .await?)
}

/// Where an arriving email went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Received {
    pub conversation_id: i64,
    pub message_id: i64,
    /// False when the email was already here (a gateway's retry): nothing changed.
    pub stored: bool,
}

/// Stores an arriving email: into the active conversation of its thread, or a new conversation
/// queued for routing (a follow-up of the thread's ended one, or the first of a new thread).
pub async fn receive(change: &mut Change, mailbox: &(String, i64), email: &Incoming) -> AppResult<Received> {
    let seen: Option<(i64, i64)> = sqlx::query_as(
        "SELECT conversation_id, message_id FROM emails WHERE kind = 'received' AND header_id = $1",
    )
    .bind(&email.header_id)
    .fetch_optional(&mut *change.tx)
    .await?;
    if let Some((conversation_id, message_id)) = seen {
        return Ok(Received { conversation_id, message_id, stored: false });
    }
    let thread: Option<(i64, String, i64, Option<i64>)> = sqlx::query_as(
        "SELECT c.id, c.status, c.queue_id, c.contact_id FROM emails e JOIN conversations c ON c.id = e.conversation_id
         WHERE e.header_id IN (SELECT value FROM json_each($1)) ORDER BY e.message_id DESC LIMIT 1",
    )
    .bind(json(&email.references)?)
    .fetch_optional(&mut *change.tx)
    .await?;
    let ended = thread.as_ref().filter(|t| t.1 != "active").map(|t| t.0);
    let thread = match ended {
        Some(ended) => follow_up(&mut change.tx, ended).await?.or(thread),
        None => thread,
    };
    let (conversation_id, queue_id, contact_id) = match thread {
        Some((id, status, queue_id, contact_id)) if status == "active" => (id, queue_id, contact_id),
        Some((parent, _, queue_id, contact_id)) => {
            let id = start(change, email, &mailbox.0, queue_id, contact_id, Some(parent)).await?;
            (id, queue_id, contact_id)
        }
        None => {
            let contact_id = contact_by_address(&mut change.tx, &email.from).await?;
            let id = start(change, email, &mailbox.0, mailbox.1, contact_id, None).await?;
            (id, mailbox.1, contact_id)
        }
    };
    let (preview, _) = cut_chars(&email.text, PREVIEW_MAX_CHARS);
    // The timeline's row: the subject when the email has no text (an image, say).
    let preview = if preview.trim().is_empty() { email.subject.as_str() } else { preview.trim() };
    let now = change.now;
    let message = insert_message(
        &mut change.tx,
        conversation_id,
        contact_id,
        Direction::Inbound,
        &email.from_name,
        preview,
        now,
        None,
    )
    .await?
    .ok_or(AppError::Conflict(Reason::Ended))?;
    let row = EmailRow {
        header_id: &email.header_id,
        in_reply_to: email.in_reply_to.as_deref(),
        references: &email.references,
        kind: EmailKind::Received,
        from_name: &email.from_name,
        from: &email.from,
        to: &email.to,
        cc: &email.cc,
        subject: &email.subject,
        text: &email.text,
        html: email.html.as_deref(),
        truncated: email.truncated,
        attachments: &email.attachments,
        status: EmailStatus::Received,
    };
    insert_email(&mut change.tx, message.id, conversation_id, &row, None).await?;
    let audience = Audience::QueueAndCustomer { queue: queue_id, conversation: conversation_id };
    change.emit(audience, ServerEvent::MessageCreated { message: message.clone() }).await?;
    let text = format!("{}\n{}", email.subject, email.text);
    super::tags::apply_keywords(change, conversation_id, queue_id, &text, now).await?;
    Ok(Received { conversation_id, message_id: message.id, stored: true })
}

/// The active follow-up of an ended email conversation (its child, or the child's child…), if any: a
/// customer answering an older email of the thread joins the conversation going on.
async fn follow_up(conn: &mut Conn, ended: i64) -> AppResult<Option<(i64, String, i64, Option<i64>)>> {
    Ok(sqlx::query_as(
        "WITH RECURSIVE later(id) AS (
             SELECT id FROM conversations WHERE parent_id = $1 AND channel = 'email'
             UNION SELECT c.id FROM conversations c JOIN later l ON c.parent_id = l.id WHERE c.channel = 'email'
         )
         SELECT c.id, c.status, c.queue_id, c.contact_id FROM conversations c JOIN later l ON l.id = c.id
         WHERE c.status = 'active' ORDER BY c.id DESC LIMIT 1",
    )
    .bind(ended)
    .fetch_optional(&mut *conn)
    .await?)
}

/// A new email conversation waiting in its queue.
async fn start(
    change: &mut Change,
    email: &Incoming,
    mailbox: &str,
    queue_id: i64,
    contact_id: Option<i64>,
    parent: Option<i64>,
) -> AppResult<i64> {
    let language: Option<String> = match contact_id {
        Some(id) => {
            sqlx::query_scalar("SELECT language FROM contacts WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *change.tx)
                .await?
        }
        None => None,
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO conversations (queue_id, channel, contact_id, status, subject, language, queued_at, started_at,
                                    customer_name, email_from, email_cc, mailbox, parent_id)
         VALUES ($1, 'email', $2, 'active', $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
    )
    .bind(queue_id)
    .bind(contact_id)
    .bind(&email.subject)
    .bind(language.as_deref().unwrap_or("en"))
    .bind(change.now)
    .bind(change.now)
    .bind(&email.from_name)
    .bind(&email.from)
    .bind(json(&email.cc)?)
    .bind(mailbox)
    .bind(parent)
    .fetch_one(&mut *change.tx)
    .await?;
    // Suggestions draw on the thread's categories, or the queue's usual ones for a new thread.
    sqlx::query(
        "INSERT INTO conversation_categories (conversation_id, category_id)
         SELECT DISTINCT $1, cc.category_id FROM conversation_categories cc JOIN conversations c ON c.id = cc.conversation_id
         WHERE CASE WHEN $2 IS NULL THEN c.queue_id = $3 ELSE c.id = $2 END",
    )
    .bind(id)
    .bind(parent)
    .bind(queue_id)
    .execute(&mut *change.tx)
    .await?;
    change.conversation_changed(queue_id, id, ConversationStatus::Queued, None).await?;
    Ok(id)
}

/// The directory contact with this email (never one merged away), its default email first.
pub async fn contact_by_address(conn: &mut Conn, address: &str) -> AppResult<Option<i64>> {
    Ok(super::contacts::by_address(conn, address).await?.map(|(id, _)| id))
}

/// The conversation's emails, oldest first, and its mailbox.
pub async fn thread(pool: &Pool, conversation_id: i64) -> AppResult<EmailThread> {
    let mut conn = pool.acquire().await?;
    let mailbox = mailbox_of(&mut conn, conversation_id).await?;
    let (recipient, subject): (Option<String>, Option<String>) = sqlx::query_as(
        "SELECT COALESCE(c.recipient, (SELECT p.value FROM contact_points p
                                       WHERE p.contact_id = c.contact_id AND p.kind = 'email' AND p.is_default = 1)),
                c.subject
         FROM conversations c WHERE c.id = $1",
    )
    .bind(conversation_id)
    .fetch_one(&mut *conn)
    .await?;
    drop(conn);
    Ok(EmailThread { mailbox, emails: emails(pool, conversation_id).await?, recipient, subject })
}

/// The mailbox the conversation is with: its own, else its queue's first.
async fn mailbox_of(conn: &mut Conn, conversation_id: i64) -> AppResult<Option<String>> {
    Ok(sqlx::query_scalar(
        "SELECT COALESCE(c.mailbox, (SELECT address FROM mailboxes m WHERE m.queue_id = c.queue_id ORDER BY m.id LIMIT 1))
         FROM conversations c WHERE c.id = $1",
    )
    .bind(conversation_id)
    .fetch_one(&mut *conn)
    .await?)
}

async fn emails(pool: &Pool, conversation_id: i64) -> AppResult<Vec<Email>> {
    let rows: Vec<StoredEmail> =
        sqlx::query_as(concat!(stored_columns!(), "WHERE e.conversation_id = $1 ORDER BY m.at, m.id"))
            .bind(conversation_id)
            .fetch_all(pool)
            .await?;
    rows.into_iter().map(StoredEmail::into_email).collect()
}

async fn one(conn: &mut Conn, message_id: i64) -> AppResult<Email> {
    let row: StoredEmail = sqlx::query_as(concat!(stored_columns!(), "WHERE e.message_id = $1"))
        .bind(message_id)
        .fetch_one(&mut *conn)
        .await?;
    row.into_email()
}

/// An agent's email: stored with its message and queued in the outbox, once per idempotency key.
/// `email` is already validated. Returns the email (the first one stored under the key on a retry).
pub async fn queue(
    change: &mut Change,
    agent: (i64, &str),
    c: &ConversationRow,
    email: &SendEmail,
    key: Option<&str>,
) -> AppResult<Email> {
    let now = change.now;
    let tx: &mut Conn = change;
    if let Some(key) = key {
        let earlier: Option<i64> = sqlx::query_scalar(
            "SELECT e.message_id FROM messages m JOIN emails e ON e.message_id = m.id
             WHERE m.conversation_id = $1 AND m.idempotency_key = $2",
        )
        .bind(c.id)
        .bind(key)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(id) = earlier {
            return one(tx, id).await;
        }
    }
    let mailbox = mailbox_of(&mut *tx, c.id).await?.ok_or(AppError::Conflict(Reason::NoMailbox))?;
    let original = match email.replying_to {
        Some(id) => Some(
            original(&mut *tx, c.id, id).await?.ok_or(FieldError::new("replying_to", Rule::NotAnOption))?,
        ),
        None => None,
    };
    let text = outgoing::text_with_original(email.kind, &email.body, original.as_ref());
    let (in_reply_to, references) = outgoing::threading(email.kind, original.as_ref());
    let header_id = outgoing::new_header_id(&mailbox);
    let (preview, _) = cut_chars(&email.body, PREVIEW_MAX_CHARS);
    let message =
        insert_message(&mut *tx, c.id, c.contact_id, Direction::Outbound, agent.1, preview, now, key)
            .await?
            .ok_or(AppError::Conflict(Reason::Ended))?;
    let row = EmailRow {
        header_id: &header_id,
        in_reply_to: in_reply_to.as_deref(),
        references: &references,
        kind: email.kind,
        from_name: agent.1,
        from: &mailbox,
        to: &email.to,
        cc: &email.cc,
        subject: &email.subject,
        text: &text,
        html: None,
        truncated: false,
        attachments: &[],
        status: EmailStatus::Waiting,
    };
    insert_email(&mut *tx, message.id, c.id, &row, Some(now)).await?;
    super::drafts::discard(tx, agent.0, c.id).await?;
    let audience = Audience::QueueAndCustomer { queue: c.queue_id, conversation: c.id };
    change.emit(audience, ServerEvent::MessageCreated { message: message.clone() }).await?;
    one(change, message.id).await
}

async fn original(conn: &mut Conn, conversation_id: i64, message_id: i64) -> AppResult<Option<Original>> {
    let row: Option<(String, String, String, String, String, String, String)> = sqlx::query_as(
        "SELECT header_id, refs, from_name, from_address, to_addresses, subject, text FROM emails
         WHERE message_id = $1 AND conversation_id = $2",
    )
    .bind(message_id)
    .bind(conversation_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|(header_id, refs, from_name, from, to, subject, text)| {
        Ok(Original { header_id, references: parse(&refs)?, from_name, from, to: parse(&to)?, subject, text })
    })
    .transpose()
}

/// One email the outbox should try now.
pub struct Due {
    pub message_id: i64,
    pub conversation_id: i64,
    pub queue_id: i64,
    pub attempts: i64,
    pub outgoing: Outgoing,
}

/// Claims the waiting emails whose next attempt is due, oldest first: their next attempt moves to
/// `lease_until`, so no other instance's outbox takes them while this one tries. An instance that
/// dies mid-attempt leaves the email to be tried again once the lease runs out.
pub async fn claim_due(change: &mut Change, lease_until: i64, limit: i64) -> AppResult<Vec<Due>> {
    let now = change.now;
    let due = due(change, now, limit).await?;
    let ids: Vec<i64> = due.iter().map(|email| email.message_id).collect();
    sqlx::query(
        "UPDATE emails SET next_attempt_at = $1
         WHERE message_id IN (SELECT CAST(value AS BIGINT) FROM json_each($2))",
    )
    .bind(lease_until)
    .bind(json(&ids)?)
    .execute(&mut **change)
    .await?;
    Ok(due)
}

/// Waiting emails whose next attempt is due, oldest first.
async fn due(conn: &mut Conn, now: i64, limit: i64) -> AppResult<Vec<Due>> {
    type Row =
        (i64, i64, i64, i64, String, Option<String>, String, String, String, String, String, String, String);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT e.message_id, e.conversation_id, c.queue_id, e.attempts, e.header_id, e.in_reply_to, e.refs,
                e.from_name, e.from_address, e.to_addresses, e.cc_addresses, e.subject, e.text
         FROM emails e JOIN conversations c ON c.id = e.conversation_id
         WHERE e.status = 'waiting' AND e.next_attempt_at <= $1 ORDER BY e.next_attempt_at, e.message_id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(
            |(
                message_id,
                conversation_id,
                queue_id,
                attempts,
                header_id,
                in_reply_to,
                refs,
                from_name,
                from,
                to,
                cc,
                subject,
                text,
            )| {
                Ok(Due {
                    message_id,
                    conversation_id,
                    queue_id,
                    attempts,
                    outgoing: Outgoing {
                        header_id,
                        in_reply_to,
                        references: parse(&refs)?,
                        from_name,
                        from,
                        to: parse(&to)?,
                        cc: parse(&cc)?,
                        subject,
                        text,
                    },
                })
            },
        )
        .collect()
}

/// When the next waiting email is due, if any.
pub async fn next_due(pool: &Pool) -> AppResult<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT MIN(next_attempt_at) FROM emails WHERE status = 'waiting'")
        .fetch_one(pool)
        .await?)
}

/// Records an attempt: Sent, Waiting again at `retry_at`, or Failed; the desks of the queue hear of it.
pub async fn attempted(
    change: &mut Change,
    due: &Due,
    status: EmailStatus,
    retry_at: Option<i64>,
    error: Option<&str>,
) -> AppResult<()> {
    sqlx::query("UPDATE emails SET status = $1, attempts = attempts + 1, next_attempt_at = $2, last_error = $3 WHERE message_id = $4")
        .bind(status.as_str())
        .bind(retry_at)
        .bind(error)
        .bind(due.message_id)
        .execute(&mut **change)
        .await?;
    let event = ServerEvent::EmailStatusChanged {
        conversation_id: due.conversation_id,
        message_id: due.message_id,
        status,
    };
    change.emit(Audience::Queue(due.queue_id), event).await
}

#[allow(clippy::too_many_arguments)]
async fn insert_message(
    conn: &mut Conn,
    conversation_id: i64,
    contact_id: Option<i64>,
    direction: Direction,
    author: &str,
    body: &str,
    at: i64,
    key: Option<&str>,
) -> AppResult<Option<Message>> {
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO messages (conversation_id, contact_id, direction, author, body, at, idempotency_key)
         SELECT $1, $2, $3, $4, $5, $6, $7 WHERE EXISTS (SELECT 1 FROM conversations WHERE id = $1 AND status = 'active')
         RETURNING id",
    )
    .bind(conversation_id)
    .bind(contact_id)
    .bind(direction.as_str())
    .bind(author)
    .bind(body)
    .bind(at)
    .bind(key)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(id.map(|id| Message {
        id,
        conversation_id,
        direction,
        author: author.to_owned(),
        body: body.to_owned(),
        at,
    }))
}

struct EmailRow<'a> {
    header_id: &'a str,
    in_reply_to: Option<&'a str>,
    references: &'a [String],
    kind: EmailKind,
    from_name: &'a str,
    from: &'a str,
    to: &'a [String],
    cc: &'a [String],
    subject: &'a str,
    text: &'a str,
    html: Option<&'a str>,
    truncated: bool,
    attachments: &'a [Attachment],
    status: EmailStatus,
}

async fn insert_email(
    conn: &mut Conn,
    message_id: i64,
    conversation_id: i64,
    e: &EmailRow<'_>,
    next_attempt_at: Option<i64>,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO emails (message_id, conversation_id, header_id, in_reply_to, refs, kind, from_name, from_address,
                             to_addresses, cc_addresses, subject, text, html, truncated, attachments, status, next_attempt_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
    )
    .bind(message_id)
    .bind(conversation_id)
    .bind(e.header_id)
    .bind(e.in_reply_to)
    .bind(json(&e.references)?)
    .bind(e.kind.as_str())
    .bind(e.from_name)
    .bind(e.from)
    .bind(json(&e.to)?)
    .bind(json(&e.cc)?)
    .bind(e.subject)
    .bind(e.text)
    .bind(e.html)
    .bind(i64::from(e.truncated))
    .bind(json(&e.attachments)?)
    .bind(e.status.as_str())
    .bind(next_attempt_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

macro_rules! stored_columns {
    () => {
        "SELECT e.message_id, e.conversation_id, m.direction, e.kind, e.from_name, e.from_address, e.to_addresses,
                e.cc_addresses, e.subject, e.text, e.html, e.truncated, e.attachments, e.status, e.last_error,
                e.attempts, m.at
         FROM emails e JOIN messages m ON m.id = e.message_id "
    };
}
use stored_columns;

#[derive(sqlx::FromRow)]
struct StoredEmail {
    message_id: i64,
    conversation_id: i64,
    direction: String,
    kind: String,
    from_name: String,
    from_address: String,
    to_addresses: String,
    cc_addresses: String,
    subject: String,
    text: String,
    html: Option<String>,
    #[sqlx(try_from = "crate::db::Flag")]
    truncated: bool,
    attachments: String,
    status: String,
    last_error: Option<String>,
    attempts: i64,
    at: i64,
}

impl StoredEmail {
    fn into_email(self) -> AppResult<Email> {
        Ok(Email {
            id: self.message_id,
            conversation_id: self.conversation_id,
            direction: Direction::parse(&self.direction)
                .ok_or_else(|| bad_value("direction", &self.direction))?,
            kind: EmailKind::parse(&self.kind).ok_or_else(|| bad_value("kind", &self.kind))?,
            from_name: self.from_name,
            from: self.from_address,
            to: parse(&self.to_addresses)?,
            cc: parse(&self.cc_addresses)?,
            subject: self.subject,
            text: self.text,
            html: self.html,
            truncated: self.truncated,
            attachments: parse(&self.attachments)?,
            status: EmailStatus::parse(&self.status).ok_or_else(|| bad_value("status", &self.status))?,
            error: self.last_error,
            attempts: self.attempts,
            at: self.at,
        })
    }
}

fn json<T: serde::Serialize + ?Sized>(value: &T) -> AppResult<String> {
    serde_json::to_string(value).map_err(|e| AppError::Internal(e.into()))
}

fn parse<T: serde::de::DeserializeOwned>(text: &str) -> AppResult<T> {
    serde_json::from_str(text).map_err(|e| AppError::Internal(e.into()))
}
