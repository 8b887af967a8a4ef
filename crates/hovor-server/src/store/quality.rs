//! Quality reviews: scorecards and the reviews of interactions against them.

use hovor_types::listing::Named;
use hovor_types::quality::{Criterion, NewReview, NewScorecard, Review, Scorecard};

use crate::db::Conn;
use crate::error::{AppError, AppResult};

fn json<T: serde::Serialize>(value: &T) -> AppResult<String> {
    serde_json::to_string(value).map_err(|e| AppError::Internal(e.into()))
}

fn parsed<T: serde::de::DeserializeOwned>(column: &str, text: &str) -> AppResult<T> {
    serde_json::from_str(text).map_err(|_| super::conversations::bad_value(column, text))
}

pub async fn scorecards(conn: &mut Conn) -> AppResult<Vec<Scorecard>> {
    let rows: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT id, name, criteria FROM qa_scorecards ORDER BY name, id")
            .fetch_all(&mut *conn)
            .await?;
    rows.into_iter()
        .map(|(id, name, criteria)| {
            Ok(Scorecard { id, name, criteria: parsed::<Vec<Criterion>>("criteria", &criteria)? })
        })
        .collect()
}

pub async fn scorecard(conn: &mut Conn, id: i64) -> AppResult<Option<Scorecard>> {
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT name, criteria FROM qa_scorecards WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    row.map(|(name, criteria)| Ok(Scorecard { id, name, criteria: parsed("criteria", &criteria)? }))
        .transpose()
}

pub async fn add_scorecard(conn: &mut Conn, card: &NewScorecard) -> AppResult<Scorecard> {
    let id: i64 =
        sqlx::query_scalar("INSERT INTO qa_scorecards (name, criteria) VALUES ($1, $2) RETURNING id")
            .bind(&card.name)
            .bind(json(&card.criteria)?)
            .fetch_one(&mut *conn)
            .await?;
    Ok(Scorecard { id, name: card.name.clone(), criteria: card.criteria.clone() })
}

#[derive(sqlx::FromRow)]
struct ReviewRow {
    id: i64,
    scorecard_id: i64,
    scorecard_name: String,
    criteria: String,
    reviewer_id: Option<i64>,
    reviewer_name: Option<String>,
    at: i64,
    scores: String,
    comment: String,
}

/// The interaction's reviews, oldest first.
pub async fn reviews(conn: &mut Conn, conversation_id: i64) -> AppResult<Vec<Review>> {
    let rows: Vec<ReviewRow> = sqlx::query_as(
        "SELECT r.id, r.scorecard_id, s.name AS scorecard_name, s.criteria, r.reviewer_id,
                u.display_name AS reviewer_name, r.at, r.scores, r.comment
         FROM qa_reviews r JOIN qa_scorecards s ON s.id = r.scorecard_id LEFT JOIN users u ON u.id = r.reviewer_id
         WHERE r.conversation_id = $1 ORDER BY r.at, r.id",
    )
    .bind(conversation_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            let card = Scorecard {
                id: r.scorecard_id,
                name: r.scorecard_name,
                criteria: parsed("criteria", &r.criteria)?,
            };
            let scores: Vec<u32> = parsed("scores", &r.scores)?;
            Ok(Review {
                id: r.id,
                reviewer: Named { id: r.reviewer_id.unwrap_or(0), name: r.reviewer_name.unwrap_or_default() },
                at: r.at,
                total: scores.iter().sum(),
                max_total: card.max_total(),
                scores,
                comment: r.comment,
                scorecard: Named { id: card.id, name: card.name },
            })
        })
        .collect()
}

/// Stores a checked review of the interaction by `reviewer_id`; returns its id.
pub async fn add_review(
    conn: &mut Conn,
    conversation_id: i64,
    reviewer_id: i64,
    review: &NewReview,
    at: i64,
) -> AppResult<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO qa_reviews (conversation_id, scorecard_id, reviewer_id, at, scores, comment)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(conversation_id)
    .bind(review.scorecard_id)
    .bind(reviewer_id)
    .bind(at)
    .bind(json(&review.scores)?)
    .bind(&review.comment)
    .fetch_one(&mut *conn)
    .await?)
}
