//! Auto-suggested responses: the conversation's categories, ranked against the customer's latest message.

use hovor_types::rank::RankIndex;
use hovor_types::response::SuggestedResponse;
use sqlx::SqlitePool;

use super::conversations::ConversationRow;
use crate::error::AppResult;

/// How many suggestions the pane receives.
pub const SUGGESTIONS: usize = 10;

pub async fn suggestions(pool: &SqlitePool, c: &ConversationRow) -> AppResult<Vec<SuggestedResponse>> {
    let rows: Vec<(i64, String, String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT r.id, r.title, r.body, k.name, r.language, r.shortcut
         FROM responses r
         JOIN conversation_categories cc ON cc.category_id = r.category_id AND cc.conversation_id = ?
         JOIN response_categories k ON k.id = r.category_id
         WHERE r.language = ?
         ORDER BY r.id",
    )
    .bind(c.id)
    .bind(&c.language)
    .fetch_all(pool)
    .await?;
    let latest: Option<String> = sqlx::query_scalar(
        "SELECT body FROM messages WHERE conversation_id = ? AND direction = 'inbound' ORDER BY at DESC, id DESC LIMIT 1",
    )
    .bind(c.id)
    .fetch_optional(pool)
    .await?;
    let query =
        [c.subject.as_deref(), latest.as_deref()].into_iter().flatten().collect::<Vec<_>>().join("\n");
    let index = RankIndex::new(rows.iter().map(|r| (r.1.as_str(), r.2.as_str())));
    Ok(index
        .rank(&query)
        .into_iter()
        .take(SUGGESTIONS)
        .map(|(i, score)| {
            let (id, title, body, category, language, shortcut) = rows[i].clone();
            SuggestedResponse {
                id,
                title,
                body,
                category,
                language,
                shortcut,
                relevance: (score * 1000.0).round() as u32,
            }
        })
        .collect())
}
