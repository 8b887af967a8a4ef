//! The History tab: a contact's interactions across channels, newest first, and one opened in place.

use std::collections::HashMap;

use crate::db::{Conn, Pool};
use hovor_types::conversation::{Channel, SurveyAnswer};
use hovor_types::history::{
    EmailDetails, HISTORY_PAGE, HistoryItem, HistoryPage, InteractionDetails, Note, Transcript,
};
use hovor_types::message::{Direction, Message};

use super::audit::SYSTEM;
use super::conversations::{self, bad_value};
use super::{contacts, responses, session_data, tags};
use crate::error::{AppError, AppResult};

/// A preview is the first customer message cut to this many characters.
const PREVIEW_CHARS: usize = 140;

fn preview(body: &str) -> String {
    if body.chars().count() <= PREVIEW_CHARS {
        return body.to_owned();
    }
    let mut cut: String = body.chars().take(PREVIEW_CHARS - 1).collect();
    cut.push('…');
    cut
}

#[derive(sqlx::FromRow)]
struct ItemRow {
    id: i64,
    channel: String,
    direction: String,
    started_at: i64,
    ended_at: Option<i64>,
    queue_name: String,
    agent_name: Option<String>,
    subject: Option<String>,
    preview: Option<String>,
    callbacks_agreed: i64,
    callback_call: i64,
}

/// One page of the contact's interactions the user may see (only those tagged `tag`, if given), newest
/// first. Like every conversation read: in one of the user's queues, or worked on by the user.
pub async fn page(
    conn: &mut Conn,
    user_id: i64,
    contact_id: i64,
    page: u32,
    tag: Option<i64>,
) -> AppResult<HistoryPage> {
    contacts::get(conn, contact_id).await?;
    let mut rows: Vec<ItemRow> = sqlx::query_as(
        "SELECT c.id, c.channel, c.direction, c.started_at, c.ended_at, q.name AS queue_name,
                u.display_name AS agent_name, c.subject,
                (SELECT body FROM messages WHERE conversation_id = c.id AND direction = 'inbound'
                 ORDER BY at, id LIMIT 1) AS preview,
                (SELECT COUNT(*) FROM callbacks b WHERE b.conversation_id = c.id AND b.kind = 'scheduled')
                    AS callbacks_agreed,
                (SELECT COUNT(*) FROM callbacks b WHERE b.placed_conversation_id = c.id) AS callback_call
         FROM conversations c JOIN queues q ON q.id = c.queue_id LEFT JOIN users u ON u.id = c.agent_id
         WHERE c.contact_id = $1
           AND ($2 IS NULL OR EXISTS (SELECT 1 FROM conversation_tags t WHERE t.conversation_id = c.id AND t.tag_id = $2))
           AND (EXISTS (SELECT 1 FROM queue_members m WHERE m.queue_id = c.queue_id AND m.user_id = $5)
                OR EXISTS (SELECT 1 FROM activities a WHERE a.conversation_id = c.id AND a.agent_id = $5))
         ORDER BY c.started_at DESC, c.id DESC LIMIT $3 OFFSET $4",
    )
    .bind(contact_id)
    .bind(tag)
    .bind(i64::from(HISTORY_PAGE) + 1)
    .bind(i64::from(page) * i64::from(HISTORY_PAGE))
    .bind(user_id)
    .fetch_all(&mut *conn)
    .await?;
    let has_next = rows.len() > HISTORY_PAGE as usize;
    rows.truncate(HISTORY_PAGE as usize);
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let mut tags = tags::of_conversations(conn, &ids).await?;
    let mut surveys = surveys(conn, &ids).await?;
    let mut feedback = super::feedback::answers(conn, &ids).await?;
    let items = rows
        .into_iter()
        .map(|r| {
            Ok(HistoryItem {
                conversation_id: r.id,
                channel: Channel::parse(&r.channel).ok_or_else(|| bad_value("channel", &r.channel))?,
                direction: Direction::parse(&r.direction)
                    .ok_or_else(|| bad_value("direction", &r.direction))?,
                started_at: r.started_at,
                ended_at: r.ended_at,
                queue_name: r.queue_name,
                agent_name: r.agent_name,
                subject: r.subject,
                preview: r.preview.as_deref().map(preview),
                survey: surveys.remove(&r.id).unwrap_or_default(),
                feedback: feedback.remove(&r.id).unwrap_or_default(),
                tags: tags.remove(&r.id).unwrap_or_default(),
                callbacks_agreed: u32::try_from(r.callbacks_agreed).unwrap_or(0),
                callback_call: r.callback_call > 0,
            })
        })
        .collect::<AppResult<_>>()?;
    Ok(HistoryPage { items, page, has_next })
}

async fn surveys(conn: &mut Conn, ids: &[i64]) -> AppResult<HashMap<i64, Vec<SurveyAnswer>>> {
    let ids = serde_json::to_string(ids).map_err(|e| AppError::Internal(e.into()))?;
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT conversation_id, question, answer FROM survey_answers
         WHERE conversation_id IN (SELECT CAST(value AS BIGINT) FROM json_each($1)) ORDER BY id",
    )
    .bind(ids)
    .fetch_all(&mut *conn)
    .await?;
    let mut answers: HashMap<i64, Vec<SurveyAnswer>> = HashMap::new();
    for (id, question, answer) in rows {
        answers.entry(id).or_default().push(SurveyAnswer { question, answer });
    }
    Ok(answers)
}

#[derive(sqlx::FromRow)]
struct DetailsRow {
    queue_name: String,
    agent_name: Option<String>,
    contact_name: Option<String>,
    email_from: Option<String>,
    email_cc: String,
}

/// One of the contact's interactions with its transcript, suggestions, notes and attached data.
pub async fn transcript(
    pool: &Pool,
    library: (&responses::LibraryCache, &super::learning::LearnedCache),
    user_id: i64,
    contact_id: i64,
    conversation_id: i64,
) -> AppResult<Transcript> {
    // Outside the user's queues and work, an interaction is as absent as one that does not exist.
    conversations::visible(pool, user_id, conversation_id).await?;
    let mut conn = pool.acquire().await?;
    contacts::get(&mut conn, contact_id).await?;
    let c = conversations::by_id(&mut conn, conversation_id)
        .await?
        .filter(|c| c.contact_id == Some(contact_id))
        .ok_or(AppError::NotFound)?;
    let d: DetailsRow = sqlx::query_as(
        "SELECT q.name AS queue_name, u.display_name AS agent_name, p.first_name || ' ' || p.last_name AS contact_name,
                c.email_from, c.email_cc
         FROM conversations c JOIN queues q ON q.id = c.queue_id LEFT JOIN users u ON u.id = c.agent_id
         LEFT JOIN contacts p ON p.id = c.contact_id WHERE c.id = $1",
    )
    .bind(c.id)
    .fetch_one(&mut *conn)
    .await?;
    let channel = c.channel;
    let email = match (channel, d.email_from) {
        (Channel::Email, Some(from)) => Some(EmailDetails {
            from,
            cc: serde_json::from_str(&d.email_cc).map_err(|e| AppError::Internal(e.into()))?,
        }),
        _ => None,
    };
    let details = InteractionDetails {
        channel,
        status: c.status.as_str().to_owned(),
        subject: c.subject.clone(),
        contact_name: d.contact_name,
        queue_name: d.queue_name,
        agent_name: d.agent_name,
        started_at: c.started_at,
        ended_at: c.ended_at,
        email,
    };
    let rows: Vec<(i64, String, String, String, i64)> = sqlx::query_as(
        "SELECT id, direction, author, body, at FROM messages WHERE conversation_id = $1 ORDER BY at, id",
    )
    .bind(c.id)
    .fetch_all(&mut *conn)
    .await?;
    let messages = rows
        .into_iter()
        .map(|(id, direction, author, body, at)| {
            let direction = Direction::parse(&direction).ok_or_else(|| bad_value("direction", &direction))?;
            Ok(Message { id, conversation_id: c.id, direction, author, body, at })
        })
        .collect::<AppResult<_>>()?;
    let operator = session_data::operator_note(&mut conn, c.id).await?;
    let mut notes = Vec::new();
    if !operator.body.is_empty() {
        notes.push(Note {
            id: 0,
            body: operator.body,
            by: operator.by.unwrap_or_else(|| SYSTEM.to_owned()),
            at: operator.at.unwrap_or(c.started_at),
        });
    }
    let written: Vec<(i64, String, Option<String>, i64)> = sqlx::query_as(
        "SELECT n.id, n.body, u.display_name, n.at FROM notes n LEFT JOIN users u ON u.id = n.author_id
         WHERE n.conversation_id = $1 ORDER BY n.at, n.id",
    )
    .bind(c.id)
    .fetch_all(&mut *conn)
    .await?;
    notes.extend(written.into_iter().map(|(id, body, by, at)| Note {
        id,
        body,
        by: by.unwrap_or_else(|| SYSTEM.to_owned()),
        at,
    }));
    let attached_data = session_data::attached_data(&mut conn, &c).await?;
    let recordings = super::recordings::of(&mut conn, c.id).await?;
    drop(conn);
    Ok(Transcript {
        conversation_id: c.id,
        details,
        messages,
        suggestions: responses::suggestions(pool, library, &c, user_id).await?,
        notes,
        attached_data,
        recordings,
    })
}
