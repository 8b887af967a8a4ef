//! The customer's side of web chat: the queue's survey, starting a chat, the customer's session
//! (a cookie whose SHA-256 is stored on the conversation), and what the customer's page shows.

use crate::db::{Conn, Db, Flag, Pool};
use hmac::{Hmac, Mac};
use hovor_types::chat::{
    ChatSetup, ChatView, ConversationStatus, ReportedAction, SignedIdentity, StartChat, SurveyQuestion,
};
use hovor_types::conversation::ConversationState;
use hovor_types::conversation::{KeyValue, VisitorDetails};
use hovor_types::error::Reason;
use hovor_types::message::{Direction, Message};
use sha2::Sha256;
use sqlx::Transaction;

use super::conversations::bad_value;
use crate::change::Change;
use crate::error::{AppError, AppResult};

/// A signed identity is accepted this long after it was issued.
const IDENTITY_VALID_MS: i64 = 24 * 60 * 60 * 1000;

pub async fn setup(conn: &mut Conn, queue_id: i64) -> AppResult<ChatSetup> {
    // A deactivated queue takes no new chats: its page finds no chat to start.
    let queue_name: String =
        sqlx::query_scalar("SELECT name FROM queues WHERE id = $1 AND deactivated_at IS NULL")
            .bind(queue_id)
            .fetch_optional(&mut *conn)
            .await?
            .ok_or(AppError::NotFound)?;
    Ok(ChatSetup { queue_id, queue_name, survey: survey(conn, queue_id).await? })
}

pub async fn survey(conn: &mut Conn, queue_id: i64) -> AppResult<Vec<SurveyQuestion>> {
    let rows: Vec<(i64, String, Flag, String)> = sqlx::query_as(
        "SELECT id, label, required, options FROM survey_questions WHERE queue_id = $1 ORDER BY position, id",
    )
    .bind(queue_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|(id, label, Flag(required), options)| {
            let options: Vec<String> =
                serde_json::from_str(&options).map_err(|e| AppError::Internal(e.into()))?;
            Ok(SurveyQuestion { id, label, required, option_labels: options.clone(), options })
        })
        .collect()
}

/// Whether the host site signed this identity with the shared secret, recently.
pub fn identity_is_valid(identity: &SignedIdentity, secret: Option<&str>, now: i64) -> bool {
    let Some(secret) = secret else { return false };
    let Ok(signature) = hex::decode(&identity.signature) else { return false };
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else { return false };
    mac.update(identity.signed_text().as_bytes());
    let fresh = identity.issued_at <= now + 60_000 && now - identity.issued_at <= IDENTITY_VALID_MS;
    fresh && mac.verify_slice(&signature).is_ok()
}

/// Stores a new chat waiting in its queue, with everything the customer's page sent; returns its id.
/// `authenticated` is the verified identity, whose email links the directory contact.
pub async fn start(
    change: &mut Change,
    queue_id: i64,
    start: &StartChat,
    survey: &[SurveyQuestion],
    authenticated: Option<&SignedIdentity>,
    token_hash: &str,
) -> AppResult<i64> {
    // Inside the routing lock: two starts cannot both take the last waiting place.
    let (max_waiting, waiting): (Option<i64>, i64) = sqlx::query_as(
        "SELECT q.max_waiting, (SELECT COUNT(*) FROM conversations c
                                WHERE c.queue_id = q.id AND c.status = 'active' AND c.agent_id IS NULL)
         FROM queues q WHERE q.id = $1",
    )
    .bind(queue_id)
    .fetch_one(&mut *change.tx)
    .await?;
    if max_waiting.is_some_and(|max| waiting >= max) {
        return Err(AppError::QueueFull);
    }
    let contact_id: Option<i64> = match authenticated {
        Some(identity) => super::emails::contact_by_address(&mut change.tx, &identity.email).await?,
        None => None,
    };
    let visitor = VisitorDetails { authenticated: authenticated.is_some(), ..start.visitor.clone() };
    let language = visitor.language.as_deref().and_then(|l| l.get(..2)).unwrap_or("en").to_owned();
    let name = authenticated.map_or(start.name.trim(), |i| i.name.trim());
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO conversations (queue_id, channel, contact_id, status, language, queued_at, started_at,
                                    visitor, additional_details, customer_token_hash, customer_name)
         VALUES ($1, 'chat', $2, 'active', $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(queue_id)
    .bind(contact_id)
    .bind(language)
    .bind(change.now)
    .bind(change.now)
    .bind(serde_json::to_string(&visitor).map_err(|e| AppError::Internal(e.into()))?)
    .bind(serde_json::to_string(&start.context).map_err(|e| AppError::Internal(e.into()))?)
    .bind(token_hash)
    .bind(name)
    .fetch_one(&mut *change.tx)
    .await?;
    for question in survey {
        if let Some(reply) = start.answers.iter().find(|a| a.question_id == question.id)
            && !reply.answer.trim().is_empty()
        {
            insert_answer(&mut change.tx, id, &question.label, reply.answer.trim()).await?;
        }
    }
    // After the queue's questions: the popover's "first answer" is the first question's, never this.
    if let Some(email) = start.email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
        insert_answer(&mut change.tx, id, "Email", email).await?;
    }
    for action in &start.self_service {
        add_action(&mut change.tx, id, action).await?;
    }
    // Auto-suggestions draw on the queue's usual categories until an agent chooses others.
    sqlx::query(
        "INSERT INTO conversation_categories (conversation_id, category_id)
         SELECT DISTINCT $1, cc.category_id FROM conversation_categories cc
         JOIN conversations c ON c.id = cc.conversation_id WHERE c.queue_id = $2",
    )
    .bind(id)
    .bind(queue_id)
    .execute(&mut *change.tx)
    .await?;
    change.conversation_changed(queue_id, id, ConversationStatus::Queued, None).await?;
    Ok(id)
}

async fn insert_answer(tx: &mut Transaction<'_, Db>, id: i64, question: &str, answer: &str) -> AppResult<()> {
    sqlx::query("INSERT INTO survey_answers (conversation_id, question, answer) VALUES ($1, $2, $3)")
        .bind(id)
        .bind(question)
        .bind(answer)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Adds a self-service action to a conversation still going on (409 `ended` otherwise).
pub async fn add_action(conn: &mut Conn, id: i64, action: &ReportedAction) -> AppResult<()> {
    let added = sqlx::query(
        "INSERT INTO self_service_actions (conversation_id, kind, detail, at)
         SELECT id, $2, $3, $4 FROM conversations WHERE id = $1 AND status = 'active'",
    )
    .bind(id)
    .bind(action.kind.as_str())
    .bind(action.detail.trim())
    .bind(action.at)
    .execute(&mut *conn)
    .await?;
    if added.rows_affected() == 0 {
        return Err(AppError::Conflict(Reason::Ended));
    }
    Ok(())
}

/// Adds or replaces context variables (by key) on the conversation.
pub async fn set_context(conn: &mut Conn, id: i64, vars: &[KeyValue]) -> AppResult<()> {
    let (current, status): (String, String) =
        sqlx::query_as("SELECT additional_details, status FROM conversations WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
    if status != ConversationState::Active.as_str() {
        return Err(AppError::Conflict(Reason::Ended));
    }
    let mut details: Vec<KeyValue> =
        serde_json::from_str(&current).map_err(|e| AppError::Internal(e.into()))?;
    for var in vars {
        match details.iter_mut().find(|d| d.key == var.key) {
            Some(existing) => existing.value = var.value.clone(),
            None => details.push(var.clone()),
        }
    }
    if details.len() > hovor_types::chat::REPORTED_MAX {
        return Err(hovor_types::error::FieldError::new(
            "vars",
            hovor_types::error::Rule::TooLong { max: hovor_types::chat::REPORTED_MAX },
        )
        .into());
    }
    sqlx::query("UPDATE conversations SET additional_details = $1 WHERE id = $2")
        .bind(serde_json::to_string(&details).map_err(|e| AppError::Internal(e.into()))?)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The customer's conversation, found by the hash of their chat cookie.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Customer {
    pub conversation_id: i64,
    pub queue_id: i64,
    pub agent_id: Option<i64>,
    pub contact_id: Option<i64>,
    pub status: String,
    pub name: String,
}

pub async fn customer(pool: &Pool, token_hash: &str) -> AppResult<Customer> {
    sqlx::query_as(
        "SELECT id AS conversation_id, queue_id, agent_id, contact_id, status, COALESCE(customer_name, '') AS name
         FROM conversations WHERE customer_token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::Unauthenticated)
}

/// What the customer's page shows, with the event id its stream resumes after.
pub async fn view(pool: &Pool, c: &Customer) -> AppResult<ChatView> {
    // Read the cursor first: whatever happens after it is replayed by the stream (and deduplicated).
    let cursor: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM events").fetch_one(pool).await?;
    let (queue_name, Flag(offered), agent_name): (String, Flag, Option<String>) = sqlx::query_as(
        "SELECT q.name, EXISTS (SELECT 1 FROM offers WHERE conversation_id = c.id), u.display_name
         FROM conversations c JOIN queues q ON q.id = c.queue_id LEFT JOIN users u ON u.id = c.agent_id
         WHERE c.id = $1",
    )
    .bind(c.conversation_id)
    .fetch_one(pool)
    .await?;
    let rows: Vec<(i64, String, String, String, i64)> = sqlx::query_as(
        "SELECT id, direction, author, body, at FROM messages WHERE conversation_id = $1 ORDER BY at, id",
    )
    .bind(c.conversation_id)
    .fetch_all(pool)
    .await?;
    let messages = rows
        .into_iter()
        .map(|(id, direction, author, body, at)| {
            let direction = Direction::parse(&direction).ok_or_else(|| bad_value("direction", &direction))?;
            Ok(Message { id, conversation_id: c.conversation_id, direction, author, body, at })
        })
        .collect::<AppResult<_>>()?;
    let status = match (c.status.as_str(), c.agent_id, offered) {
        ("ended", _, _) => ConversationStatus::Ended,
        (_, Some(_), _) => ConversationStatus::Active,
        (_, None, true) => ConversationStatus::Offered,
        (_, None, false) => ConversationStatus::Queued,
    };
    Ok(ChatView {
        conversation_id: c.conversation_id,
        queue_name,
        status,
        agent_name,
        customer_name: c.name.clone(),
        messages,
        last_event_id: cursor.unwrap_or(0),
    })
}
