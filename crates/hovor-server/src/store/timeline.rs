//! The timeline, read a page at a time from the newest end: the customer's messages across all
//! their interactions, or only this conversation's when the customer is unknown.

use hovor_types::conversation::Channel;
use hovor_types::message::Direction;
use hovor_types::timeline::{TimelineCursor, TimelineEntry, TimelinePage};
use sqlx::SqlitePool;

use super::conversations::{ConversationRow, bad_value};
use crate::error::AppResult;

/// One page, newest first, of the messages matching `$filter = ?` (both variants use an index).
macro_rules! page_sql {
    ($filter:literal) => {
        concat!(
            "SELECT m.id, m.conversation_id, c.channel, c.started_at, m.direction, m.author, m.body, m.at
             FROM messages m JOIN conversations c ON c.id = m.conversation_id
             WHERE ",
            $filter,
            " = ? AND (m.at, m.id) < (?, ?)
             ORDER BY m.at DESC, m.id DESC LIMIT ?"
        )
    };
}

type EntryRow = (i64, i64, String, i64, String, String, String, i64);

pub async fn page(
    pool: &SqlitePool,
    c: &ConversationRow,
    before: Option<TimelineCursor>,
    limit: u32,
) -> AppResult<TimelinePage> {
    let (before_at, before_id) = before.map_or((i64::MAX, i64::MAX), |b| (b.before_at, b.before_id));
    let (sql, key) = match c.contact_id {
        Some(contact_id) => (page_sql!("m.contact_id"), contact_id),
        None => (page_sql!("m.conversation_id"), c.id),
    };
    let mut rows: Vec<EntryRow> = sqlx::query_as(sql)
        .bind(key)
        .bind(before_at)
        .bind(before_id)
        .bind(i64::from(limit) + 1)
        .fetch_all(pool)
        .await?;
    let has_older = rows.len() > limit as usize;
    rows.truncate(limit as usize);
    rows.reverse();
    let entries = rows
        .into_iter()
        .map(|(id, conversation_id, channel, started, direction, author, body, at)| {
            Ok(TimelineEntry {
                id,
                conversation_id,
                channel: Channel::parse(&channel).ok_or_else(|| bad_value("channel", &channel))?,
                interaction_started_at: started,
                direction: Direction::parse(&direction).ok_or_else(|| bad_value("direction", &direction))?,
                author,
                body,
                at,
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    let older = match entries.first() {
        Some(first) if has_older => Some(TimelineCursor { before_at: first.at, before_id: first.id }),
        _ => None,
    };
    Ok(TimelinePage { entries, older })
}
