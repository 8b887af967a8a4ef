//! The post-chat survey: a queue's questions, and the answers a customer gives once their chat has
//! ended (once per chat). The first rating is also kept on the conversation, for the listing.

use std::collections::HashMap;

use hovor_types::error::Reason;
use hovor_types::feedback::{
    FeedbackAnswer, FeedbackForm, FeedbackKind, FeedbackQuestion, SubmitFeedback, check_replies,
};

use super::conversations::bad_value;
use crate::db::{Conn, Flag};
use crate::error::{AppError, AppResult};

/// The queue's questions, in the order they are asked.
pub async fn questions(conn: &mut Conn, queue_id: i64) -> AppResult<Vec<FeedbackQuestion>> {
    let rows: Vec<(i64, String, String, Flag)> = sqlx::query_as(
        "SELECT id, kind, label, required FROM feedback_questions WHERE queue_id = $1 ORDER BY position, id",
    )
    .bind(queue_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|(id, kind, label, Flag(required))| {
            let kind = FeedbackKind::parse(&kind).ok_or_else(|| bad_value("kind", &kind))?;
            Ok(FeedbackQuestion { id, kind, label, required })
        })
        .collect()
}

/// Replaces the queue's questions (checked by the caller); `NotFound` when there is no such queue.
/// Answers already given keep the questions as they were asked.
pub async fn set_questions(conn: &mut Conn, queue_id: i64, questions: &[FeedbackQuestion]) -> AppResult<()> {
    let queue: Option<i64> = sqlx::query_scalar("SELECT id FROM queues WHERE id = $1")
        .bind(queue_id)
        .fetch_optional(&mut *conn)
        .await?;
    queue.ok_or(AppError::NotFound)?;
    sqlx::query("DELETE FROM feedback_questions WHERE queue_id = $1")
        .bind(queue_id)
        .execute(&mut *conn)
        .await?;
    for (position, q) in questions.iter().enumerate() {
        sqlx::query(
            "INSERT INTO feedback_questions (queue_id, position, kind, label, required) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(queue_id)
        .bind(i64::try_from(position).unwrap_or(i64::MAX))
        .bind(q.kind.as_str())
        .bind(q.label.trim())
        .bind(i64::from(q.required))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

async fn answered(conn: &mut Conn, conversation_id: i64) -> AppResult<bool> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM feedback_answers WHERE conversation_id = $1 LIMIT 1")
            .bind(conversation_id)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(found.is_some())
}

/// What the customer of `conversation_id` (in `queue_id`) is asked, and whether they already answered.
pub async fn form(conn: &mut Conn, conversation_id: i64, queue_id: i64) -> AppResult<FeedbackForm> {
    Ok(FeedbackForm {
        questions: questions(conn, queue_id).await?,
        answered: answered(conn, conversation_id).await?,
    })
}

/// Stores the customer's answers inside the caller's transaction: only once the chat has ended
/// (`Conflict(NotEnded)`) and only once (`Conflict(AlreadyAnswered)`), checked against the queue's
/// questions as they are now.
pub async fn submit(conn: &mut Conn, conversation_id: i64, submit: &SubmitFeedback) -> AppResult<()> {
    // Takes the conversation's row first: a second submission waits here and then sees the first's answers.
    let found: Option<(i64, String)> =
        sqlx::query_as("UPDATE conversations SET rating = rating WHERE id = $1 RETURNING queue_id, status")
            .bind(conversation_id)
            .fetch_optional(&mut *conn)
            .await?;
    let (queue_id, status) = found.ok_or(AppError::NotFound)?;
    if status != "ended" {
        return Err(AppError::Conflict(Reason::NotEnded));
    }
    if answered(conn, conversation_id).await? {
        return Err(AppError::Conflict(Reason::AlreadyAnswered));
    }
    let questions = questions(conn, queue_id).await?;
    check_replies(&questions, submit)?;
    let mut first_rating = None;
    for question in &questions {
        let Some(reply) = submit.replies.iter().find(|r| r.question_id == question.id) else { continue };
        let comment = reply.comment.as_deref().map(str::trim).filter(|c| !c.is_empty());
        if reply.rating.is_none() && comment.is_none() {
            continue;
        }
        first_rating = first_rating.or(reply.rating);
        sqlx::query(
            "INSERT INTO feedback_answers (conversation_id, question, kind, rating, comment) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(conversation_id)
        .bind(&question.label)
        .bind(question.kind.as_str())
        .bind(reply.rating.map(i64::from))
        .bind(comment)
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query("UPDATE conversations SET rating = $2 WHERE id = $1")
        .bind(conversation_id)
        .bind(first_rating.map(i64::from))
        .execute(&mut *conn)
        .await?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct AnswerRow {
    conversation_id: i64,
    question: String,
    kind: String,
    rating: Option<i64>,
    comment: Option<String>,
}

/// The answers given on the conversations `ids`, in the order they were asked.
pub async fn answers(conn: &mut Conn, ids: &[i64]) -> AppResult<HashMap<i64, Vec<FeedbackAnswer>>> {
    let mut answers: HashMap<i64, Vec<FeedbackAnswer>> = HashMap::new();
    if ids.is_empty() {
        return Ok(answers);
    }
    let list = serde_json::to_string(ids).map_err(|e| AppError::Internal(e.into()))?;
    let rows: Vec<AnswerRow> = sqlx::query_as(
        "SELECT conversation_id, question, kind, rating, comment FROM feedback_answers
         WHERE conversation_id IN (SELECT CAST(value AS BIGINT) FROM json_each($1)) ORDER BY id",
    )
    .bind(list)
    .fetch_all(&mut *conn)
    .await?;
    for row in rows {
        let kind = FeedbackKind::parse(&row.kind).ok_or_else(|| bad_value("kind", &row.kind))?;
        let rating = row.rating.and_then(|r| u8::try_from(r).ok());
        let answer = FeedbackAnswer { question: row.question, kind, rating, comment: row.comment };
        answers.entry(row.conversation_id).or_default().push(answer);
    }
    Ok(answers)
}
