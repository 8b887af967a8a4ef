//! Conversations: access by queue membership, the task list and the summary pane.

use crate::db::{Conn, Pool};
use hovor_types::conversation::{
    AgreedIn, Channel, ConversationState, ConversationSummary, KeyValue, SelfServiceAction, SelfServiceKind,
    SurveyAnswer, TaskCallback, TaskSummary, VisitorDetails,
};

use crate::error::{AppError, AppResult};

/// A conversation the caller may see.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ConversationRow {
    pub id: i64,
    pub queue_id: i64,
    #[sqlx(try_from = "String")]
    pub channel: Channel,
    pub contact_id: Option<i64>,
    pub agent_id: Option<i64>,
    pub case_id: Option<i64>,
    #[sqlx(try_from = "String")]
    pub status: ConversationState,
    pub subject: Option<String>,
    pub language: String,
    pub queued_at: i64,
    pub started_at: i64,
    pub visitor: String,
    pub additional_details: String,
    pub customer_name: Option<String>,
    pub ended_at: Option<i64>,
    #[sqlx(try_from = "crate::db::Flag")]
    pub is_campaign: bool,
}

impl ConversationRow {
    pub fn is_active(&self) -> bool {
        self.status == ConversationState::Active
    }
}

pub fn bad_value(column: &str, value: &str) -> AppError {
    AppError::Internal(anyhow::anyhow!("unexpected {column} value {value:?} in the database"))
}

/// The columns of a [`ConversationRow`].
macro_rules! row_columns {
    () => {
        "SELECT c.id, c.queue_id, c.channel, c.contact_id, c.agent_id, c.case_id, c.status, c.subject, c.language,
                c.queued_at, c.started_at, c.visitor, c.additional_details, c.customer_name, c.ended_at, c.is_campaign
         FROM conversations c "
    };
}

/// Any conversation, without an access check: for reads the caller has authorised otherwise
/// (a contact's history).
pub async fn by_id(conn: &mut Conn, id: i64) -> AppResult<Option<ConversationRow>> {
    Ok(sqlx::query_as(concat!(row_columns!(), "WHERE c.id = $1")).bind(id).fetch_optional(&mut *conn).await?)
}

/// The conversation, if it belongs to one of the user's queues; otherwise `NotFound`, exactly as if absent.
pub async fn visible(pool: &Pool, user_id: i64, id: i64) -> AppResult<ConversationRow> {
    sqlx::query_as(concat!(
        row_columns!(),
        "WHERE c.id = $2
           AND (EXISTS (SELECT 1 FROM queue_members m WHERE m.queue_id = c.queue_id AND m.user_id = $1)
                -- An agent keeps seeing what they worked on, also after transferring it to another queue.
                OR EXISTS (SELECT 1 FROM activities a WHERE a.conversation_id = c.id AND a.agent_id = $1))"
    ))
    .bind(user_id)
    .bind(id)
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::NotFound)
}

/// The user's work: every conversation they accepted and have not wrapped up yet, and every chat they
/// collaborate in while it goes on, in the order they took it. One that ended or was transferred stays until the wrap-up is submitted. `tag` keeps only
/// the conversations with that tag; `only` only that conversation.
/// Conversation `id` as the user's task list shows it (a new one of theirs, just started).
pub async fn task(conn: &mut Conn, user_id: i64, id: i64) -> AppResult<TaskSummary> {
    tasks(conn, user_id, None, Some(id)).await?.pop().ok_or(crate::error::AppError::NotFound)
}

pub async fn tasks(
    conn: &mut Conn,
    user_id: i64,
    tag: Option<i64>,
    only: Option<i64>,
) -> AppResult<Vec<TaskSummary>> {
    let rows: Vec<TaskRow> =
        sqlx::query_as(TASKS).bind(user_id).bind(tag).bind(only).fetch_all(&mut *conn).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut tags = super::tags::of_conversations(conn, &ids).await?;
    rows.into_iter()
        .map(|r| {
            Ok(TaskSummary {
                id: r.id,
                channel: Channel::parse(&r.channel).ok_or_else(|| bad_value("channel", &r.channel))?,
                customer_name: r.customer_name,
                queue_name: r.queue_name,
                last_message: r.last_message,
                started_at: r.started_at,
                needs_wrap_up: r.needs_wrap_up,
                tags: tags.remove(&r.id).unwrap_or_default(),
                dialling: r.dialling,
                collaborating: r.collaborating,
                unread: u32::try_from(r.unread).unwrap_or(u32::MAX),
                waiting_since: r.waiting_since,
                newest_message_id: r.newest_message_id,
                wrap_up_since: r.wrap_up_since,
                callback: r.callback_reason.map(|reason| TaskCallback {
                    reason,
                    cancellable: r.callback_cancellable.is_some_and(|f| f.0),
                    agreed_in: r
                        .agreed_in
                        .zip(r.agreed_in_channel.as_deref().and_then(Channel::parse))
                        .zip(r.agreed_in_at)
                        .map(|((conversation_id, channel), started_at)| AgreedIn {
                            conversation_id,
                            channel,
                            started_at,
                        }),
                }),
            })
        })
        .collect()
}

/// The customer's messages after the last one the agent (`$1`) has seen.
macro_rules! unread {
    () => {
        "(SELECT COUNT(*) FROM messages m WHERE m.conversation_id = c.id AND m.direction = 'inbound'
      AND m.id > COALESCE((SELECT r.read_to FROM conversation_reads r WHERE r.conversation_id = c.id AND r.user_id = $1), 0))"
    };
}

/// The customer's oldest message after the last one sent to them.
macro_rules! waiting_since {
    () => {
        "(SELECT MIN(m.at) FROM messages m WHERE m.conversation_id = c.id AND m.direction = 'inbound'
      AND m.id > COALESCE((SELECT MAX(o.id) FROM messages o WHERE o.conversation_id = c.id AND o.direction = 'outbound'), 0))"
    };
}

/// The newest message of the conversation, the point the two figures above are counted to.
macro_rules! newest_message {
    () => {
        "(SELECT MAX(m.id) FROM messages m WHERE m.conversation_id = c.id)"
    };
}

const TASKS: &str = concat!(
    "SELECT c.id, c.channel, COALESCE(p.first_name || ' ' || p.last_name, c.customer_name) AS customer_name,
                q.name AS queue_name,
                (SELECT body FROM messages WHERE conversation_id = c.id ORDER BY at DESC, id DESC LIMIT 1)
                    AS last_message,
                c.started_at, CASE WHEN a.ended_at IS NULL THEN 0 ELSE 1 END AS needs_wrap_up, c.dialling, 0 AS collaborating,
                a.accepted_at AS taken_at, ",
    unread!(),
    " AS unread, CASE WHEN a.ended_at IS NULL THEN ",
    waiting_since!(),
    " END AS waiting_since, ",
    newest_message!(),
    " AS newest_message_id, a.ended_at AS wrap_up_since,
         b.reason AS callback_reason, bq.callback_cancel AS callback_cancellable, o.id AS agreed_in,
         o.channel AS agreed_in_channel, o.started_at AS agreed_in_at
         FROM activities a
         JOIN conversations c ON c.id = a.conversation_id
         JOIN queues q ON q.id = a.queue_id
         LEFT JOIN contacts p ON p.id = c.contact_id
         -- A callback's call: the callback, its queue's Cancel setting and where it was agreed.
         LEFT JOIN callbacks b ON b.placed_conversation_id = c.id
         LEFT JOIN queues bq ON bq.id = b.queue_id
         LEFT JOIN conversations o ON o.id = b.conversation_id AND o.id <> c.id
         WHERE a.agent_id = $1 AND a.wrapped_up_at IS NULL
           AND ($2 IS NULL OR EXISTS (SELECT 1 FROM conversation_tags t WHERE t.conversation_id = c.id AND t.tag_id = $2))
           AND ($3 IS NULL OR c.id = $3)
         UNION ALL
         -- Chats the user writes in as a collaborator, while they go on.
         SELECT c.id, c.channel, COALESCE(p.first_name || ' ' || p.last_name, c.customer_name),
                q.name, (SELECT body FROM messages WHERE conversation_id = c.id ORDER BY at DESC, id DESC LIMIT 1),
                c.started_at, 0, c.dialling, 1, k.added_at, ",
    unread!(),
    ", ",
    waiting_since!(),
    ", ",
    newest_message!(),
    ", NULL, NULL, NULL, NULL, NULL, NULL
         FROM collaborators k
         JOIN conversations c ON c.id = k.conversation_id AND c.status = 'active'
         JOIN queues q ON q.id = c.queue_id
         LEFT JOIN contacts p ON p.id = c.contact_id
         WHERE k.user_id = $1
           AND EXISTS (SELECT 1 FROM queue_members m WHERE m.queue_id = c.queue_id AND m.user_id = $1)
           AND NOT EXISTS (SELECT 1 FROM activities a WHERE a.conversation_id = c.id AND a.agent_id = $1 AND a.wrapped_up_at IS NULL)
           AND ($2 IS NULL OR EXISTS (SELECT 1 FROM conversation_tags t WHERE t.conversation_id = c.id AND t.tag_id = $2))
           AND ($3 IS NULL OR c.id = $3)
         ORDER BY taken_at, 1"
);

#[derive(sqlx::FromRow)]
struct TaskRow {
    id: i64,
    channel: String,
    customer_name: Option<String>,
    queue_name: String,
    last_message: Option<String>,
    started_at: i64,
    #[sqlx(try_from = "crate::db::Flag")]
    needs_wrap_up: bool,
    unread: i64,
    waiting_since: Option<i64>,
    newest_message_id: Option<i64>,
    wrap_up_since: Option<i64>,
    callback_reason: Option<String>,
    callback_cancellable: Option<crate::db::Flag>,
    agreed_in: Option<i64>,
    agreed_in_channel: Option<String>,
    agreed_in_at: Option<i64>,
    #[sqlx(try_from = "crate::db::Flag")]
    dialling: bool,
    #[sqlx(try_from = "crate::db::Flag")]
    collaborating: bool,
}

pub async fn summary(pool: &Pool, c: &ConversationRow) -> AppResult<ConversationSummary> {
    let queue_name: String =
        sqlx::query_scalar("SELECT name FROM queues WHERE id = $1").bind(c.queue_id).fetch_one(pool).await?;
    let skills: Vec<String> = sqlx::query_scalar(
        "SELECT s.name FROM queue_skills qs JOIN skills s ON s.id = qs.skill_id WHERE qs.queue_id = $1 ORDER BY s.name",
    )
    .bind(c.queue_id)
    .fetch_all(pool)
    .await?;
    let survey: Vec<(String, String)> =
        sqlx::query_as("SELECT question, answer FROM survey_answers WHERE conversation_id = $1 ORDER BY id")
            .bind(c.id)
            .fetch_all(pool)
            .await?;
    let actions: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT kind, detail, at FROM self_service_actions WHERE conversation_id = $1 ORDER BY at DESC, id DESC",
    )
    .bind(c.id)
    .fetch_all(pool)
    .await?;
    let self_service = actions
        .into_iter()
        .map(|(kind, detail, at)| {
            let kind = SelfServiceKind::parse(&kind).ok_or_else(|| bad_value("kind", &kind))?;
            Ok(SelfServiceAction { kind, detail, at })
        })
        .collect::<AppResult<_>>()?;
    let visitor: VisitorDetails =
        serde_json::from_str(&c.visitor).map_err(|e| AppError::Internal(e.into()))?;
    let additional_details: Vec<KeyValue> =
        serde_json::from_str(&c.additional_details).map_err(|e| AppError::Internal(e.into()))?;
    Ok(ConversationSummary {
        id: c.id,
        channel: c.channel,
        queue_name,
        skills,
        started_at: c.started_at,
        wait_seconds: (c.started_at - c.queued_at).max(0) / 1000,
        subject: c.subject.clone(),
        pre_chat_survey: survey
            .into_iter()
            .map(|(question, answer)| SurveyAnswer { question, answer })
            .collect(),
        self_service,
        visitor,
        additional_details,
        ended: c.status == ConversationState::Ended,
        transfer_note: sqlx::query_scalar(
            "SELECT transfer_note FROM activities WHERE conversation_id = $1 ORDER BY accepted_at DESC, id DESC LIMIT 1",
        )
        .bind(c.id)
        .fetch_optional(pool)
        .await?
        .flatten(),
    })
}

/// The contact the conversation is linked to, if any and not merged into another.
pub async fn live_contact(conn: &mut Conn, conversation_id: i64) -> AppResult<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT p.id FROM conversations c JOIN contacts p ON p.id = c.contact_id AND p.merged_into IS NULL
         WHERE c.id = $1",
    )
    .bind(conversation_id)
    .fetch_optional(&mut *conn)
    .await?)
}

/// The contact the conversation is linked to, as stored.
pub async fn contact_of(conn: &mut Conn, conversation_id: i64) -> AppResult<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT contact_id FROM conversations WHERE id = $1")
        .bind(conversation_id)
        .fetch_one(&mut *conn)
        .await?)
}
