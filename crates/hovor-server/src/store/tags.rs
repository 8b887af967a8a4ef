//! Tags: the company's list, those on a conversation (added by agents or by keyword rules on
//! customer messages), the agent's recent ones, and the keyword rules. Every change to a
//! conversation's tags is audited and announced to its queue with `TagsChanged` in its transaction.

use std::collections::HashMap;

use crate::db::Conn;
use hovor_types::audit::AuditedRecord;
use hovor_types::event::ServerEvent;
use hovor_types::session_data::{
    RECENT_TAGS, Tag, TagColours, TagRule, TagSource, keyword_matches, tag_colours_for,
};

use super::audit::{self, Edit};
use crate::change::Change;
use crate::error::{AppError, AppResult};
use crate::hub::Audience;

type TagRow = (i64, String, String, String);

fn to_tag((id, name, background, text): TagRow) -> Tag {
    Tag { id, name, background, text }
}

/// Every company tag, by name.
pub async fn all(conn: &mut Conn) -> AppResult<Vec<Tag>> {
    let rows: Vec<TagRow> =
        sqlx::query_as("SELECT id, name, background, text FROM tags ORDER BY lower(name), id")
            .fetch_all(&mut *conn)
            .await?;
    Ok(rows.into_iter().map(to_tag).collect())
}

pub async fn of_conversation(conn: &mut Conn, conversation_id: i64) -> AppResult<Vec<Tag>> {
    let rows: Vec<TagRow> = sqlx::query_as(
        "SELECT t.id, t.name, t.background, t.text FROM conversation_tags ct JOIN tags t ON t.id = ct.tag_id
         WHERE ct.conversation_id = $1 ORDER BY lower(t.name), t.id",
    )
    .bind(conversation_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(to_tag).collect())
}

/// The tags of several conversations at once (task list, history), each list by name.
pub async fn of_conversations(conn: &mut Conn, ids: &[i64]) -> AppResult<HashMap<i64, Vec<Tag>>> {
    let mut tags: HashMap<i64, Vec<Tag>> = HashMap::new();
    if ids.is_empty() {
        return Ok(tags);
    }
    let ids = serde_json::to_string(ids).map_err(|e| AppError::Internal(e.into()))?;
    let rows: Vec<(i64, i64, String, String, String)> = sqlx::query_as(
        "SELECT ct.conversation_id, t.id, t.name, t.background, t.text
         FROM conversation_tags ct JOIN tags t ON t.id = ct.tag_id
         WHERE ct.conversation_id IN (SELECT CAST(value AS BIGINT) FROM json_each($1)) ORDER BY lower(t.name), t.id",
    )
    .bind(ids)
    .fetch_all(&mut *conn)
    .await?;
    for (conversation_id, id, name, background, text) in rows {
        tags.entry(conversation_id).or_default().push(Tag { id, name, background, text });
    }
    Ok(tags)
}

/// The agent's most recently used tags that the conversation does not have yet.
pub async fn recent(conn: &mut Conn, user_id: i64, conversation_id: i64) -> AppResult<Vec<Tag>> {
    let rows: Vec<TagRow> = sqlx::query_as(
        "SELECT t.id, t.name, t.background, t.text FROM agent_tag_use u JOIN tags t ON t.id = u.tag_id
         WHERE u.user_id = $1
           AND NOT EXISTS (SELECT 1 FROM conversation_tags WHERE conversation_id = $2 AND tag_id = t.id)
         ORDER BY u.used_at DESC, t.id DESC LIMIT $3",
    )
    .bind(user_id)
    .bind(conversation_id)
    .bind(RECENT_TAGS as i64)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(to_tag).collect())
}

/// The company tag of this name, ignoring case in any script (the column's NOCASE folds ASCII only).
pub async fn find(conn: &mut Conn, name: &str) -> AppResult<Option<Tag>> {
    let wanted = name.trim().to_lowercase();
    Ok(all(conn).await?.into_iter().find(|t| t.name.to_lowercase() == wanted))
}

/// The company tag of this name, created with its palette colours if there is none.
pub async fn find_or_create(conn: &mut Conn, name: &str, at: i64) -> AppResult<Tag> {
    if let Some(tag) = find(conn, name).await? {
        return Ok(tag);
    }
    let name = name.trim();
    let TagColours { background, text } = tag_colours_for(name);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO tags (name, background, text, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(name)
    .bind(&background)
    .bind(&text)
    .bind(at)
    .fetch_one(&mut *conn)
    .await?;
    Ok(Tag { id, name: name.to_owned(), background, text })
}

/// Puts the tag on the conversation (nothing if it is there already); returns whether it was added.
async fn put(
    conn: &mut Conn,
    conversation_id: i64,
    tag: &Tag,
    source: TagSource,
    by: Edit,
) -> AppResult<bool> {
    let added = sqlx::query(
        "INSERT INTO conversation_tags (conversation_id, tag_id, source, added_by, at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
    )
    .bind(conversation_id)
    .bind(tag.id)
    .bind(source.as_str())
    .bind(by.user)
    .bind(by.at)
    .execute(&mut *conn)
    .await?
    .rows_affected()
        == 1;
    if added {
        audit::record(conn, AuditedRecord::Conversation, conversation_id, "tag", None, Some(&tag.name), by)
            .await?;
    }
    Ok(added)
}

/// The conversation's tags now, told to its queue.
async fn announce(change: &mut Change, conversation_id: i64, queue_id: i64) -> AppResult<Vec<Tag>> {
    let tags = of_conversation(change, conversation_id).await?;
    let event = ServerEvent::TagsChanged { conversation_id, tags: tags.clone() };
    change.emit(Audience::Queue(queue_id), event).await?;
    Ok(tags)
}

/// An agent adds a tag; it becomes one of their recent tags. Returns the conversation's tags; the
/// queue hears of them when they changed.
pub async fn add(
    change: &mut Change,
    conversation_id: i64,
    queue_id: i64,
    tag: &Tag,
    source: TagSource,
    by: Edit,
) -> AppResult<Vec<Tag>> {
    let conn: &mut Conn = change;
    let added = put(conn, conversation_id, tag, source, by).await?;
    if let Some(user) = by.user {
        sqlx::query(
            "INSERT INTO agent_tag_use (user_id, tag_id, used_at) VALUES ($1, $2, $3)
             ON CONFLICT (user_id, tag_id) DO UPDATE SET used_at = excluded.used_at",
        )
        .bind(user)
        .bind(tag.id)
        .bind(by.at)
        .execute(&mut *conn)
        .await?;
    }
    if !added {
        return of_conversation(conn, conversation_id).await;
    }
    announce(change, conversation_id, queue_id).await
}

pub async fn remove(
    change: &mut Change,
    conversation_id: i64,
    queue_id: i64,
    tag_id: i64,
    by: Edit,
) -> AppResult<Vec<Tag>> {
    let conn: &mut Conn = change;
    let name: Option<String> = sqlx::query_scalar(
        "DELETE FROM conversation_tags WHERE conversation_id = $1 AND tag_id = $2
         RETURNING (SELECT name FROM tags WHERE id = conversation_tags.tag_id)",
    )
    .bind(conversation_id)
    .bind(tag_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(name) = name else {
        return of_conversation(conn, conversation_id).await;
    };
    audit::record(conn, AuditedRecord::Conversation, conversation_id, "tag", Some(&name), None, by).await?;
    announce(change, conversation_id, queue_id).await
}

/// Every keyword rule whose keyword the customer's message contains puts its tag on the
/// conversation; the queue hears of it when a tag was added.
pub async fn apply_keywords(
    change: &mut Change,
    conversation_id: i64,
    queue_id: i64,
    body: &str,
    at: i64,
) -> AppResult<()> {
    let conn: &mut Conn = change;
    let rules: Vec<(String, i64, String, String, String)> = sqlx::query_as(
        "SELECT r.keyword, t.id, t.name, t.background, t.text FROM tag_rules r JOIN tags t ON t.id = r.tag_id ORDER BY r.id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let by = Edit { user: None, at };
    let mut added = false;
    for (keyword, id, name, background, text) in rules {
        if keyword_matches(&keyword, body) {
            let tag = Tag { id, name, background, text };
            added |= put(conn, conversation_id, &tag, TagSource::Keyword, by).await?;
        }
    }
    if added {
        announce(change, conversation_id, queue_id).await?;
    }
    Ok(())
}

/// Removes a keyword rule (404 when there is none); the tags it gave stay.
pub async fn remove_rule(conn: &mut Conn, id: i64) -> AppResult<()> {
    let removed = sqlx::query("DELETE FROM tag_rules WHERE id = $1").bind(id).execute(&mut *conn).await?;
    if removed.rows_affected() == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

pub async fn rules(conn: &mut Conn) -> AppResult<Vec<TagRule>> {
    let rows: Vec<(i64, String, i64, String, String, String)> = sqlx::query_as(
        "SELECT r.id, r.keyword, t.id, t.name, t.background, t.text FROM tag_rules r JOIN tags t ON t.id = r.tag_id
         ORDER BY r.keyword, r.id",
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, keyword, tag_id, name, background, text)| TagRule {
            id,
            keyword,
            tag: Tag { id: tag_id, name, background, text },
        })
        .collect())
}

pub async fn add_rule(conn: &mut Conn, keyword: &str, tag_name: &str, at: i64) -> AppResult<TagRule> {
    let tag = find_or_create(conn, tag_name, at).await?;
    let keyword = keyword.trim();
    let id: i64 = sqlx::query_scalar("INSERT INTO tag_rules (keyword, tag_id) VALUES ($1, $2) RETURNING id")
        .bind(keyword)
        .bind(tag.id)
        .fetch_one(&mut *conn)
        .await?;
    Ok(TagRule { id, keyword: keyword.to_owned(), tag })
}

pub async fn set_colours(conn: &mut Conn, id: i64, colours: &TagColours) -> AppResult<Tag> {
    let row: Option<TagRow> = sqlx::query_as(
        "UPDATE tags SET background = $1, text = $2 WHERE id = $3 RETURNING id, name, background, text",
    )
    .bind(&colours.background)
    .bind(&colours.text)
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(to_tag).ok_or(AppError::NotFound)
}
