//! What agents record on a conversation besides tags: the parameters (preset ones filled from the
//! conversation on first read), the operator note and the custom data; and the Session pane.

use crate::db::{Conn, Flag};
use hovor_types::audit::AuditedRecord;
use hovor_types::conversation::KeyValue;
use hovor_types::error::Reason;
use hovor_types::session_data::{
    CustomDataEdit, OperatorNote, OperatorNoteEdit, Parameter, ParameterEdit, SessionData,
    validate_custom_data,
};
use hovor_types::validate;
use hovor_types::version::CurrentRecord;

use super::audit::{self, Edit};
use super::conversations::ConversationRow;
use super::tags;
use super::versions::stale;
use crate::error::{AppError, AppResult};

const AUDITED: AuditedRecord = AuditedRecord::Conversation;

fn json<T: serde::de::DeserializeOwned>(text: &str) -> AppResult<T> {
    serde_json::from_str(text).map_err(|e| AppError::Internal(e.into()))
}

/// The preset parameters, from the conversation as it is when they are first read.
async fn ensure_presets(conn: &mut Conn, c: &ConversationRow) -> AppResult<()> {
    let Flag(present) = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM conversation_parameters WHERE conversation_id = $1 AND preset = 1)",
    )
    .bind(c.id)
    .fetch_one(&mut *conn)
    .await?;
    if present {
        return Ok(());
    }
    let (queue, contact): (String, Option<String>) = sqlx::query_as(
        "SELECT q.name, p.first_name || ' ' || p.last_name FROM conversations c JOIN queues q ON q.id = c.queue_id
         LEFT JOIN contacts p ON p.id = c.contact_id WHERE c.id = $1",
    )
    .bind(c.id)
    .fetch_one(&mut *conn)
    .await?;
    let customer = contact.or_else(|| c.customer_name.clone()).unwrap_or_default();
    let presets = [
        ("channel", c.channel.as_str()),
        ("queue", &queue),
        ("language", &c.language),
        ("customer_name", &customer),
    ];
    for (key, value) in presets {
        sqlx::query(
            "INSERT INTO conversation_parameters (conversation_id, key, value, preset) VALUES ($1, $2, $3, 1) ON CONFLICT DO NOTHING",
        )
        .bind(c.id)
        .bind(key)
        .bind(value)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Presets first, then the agents' own, in the order they were added.
async fn parameters(conn: &mut Conn, conversation_id: i64) -> AppResult<Vec<Parameter>> {
    let rows: Vec<(String, String, Flag, i64)> = sqlx::query_as(
        "SELECT key, value, preset, version FROM conversation_parameters WHERE conversation_id = $1
         ORDER BY preset DESC, rowid",
    )
    .bind(conversation_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(key, value, Flag(preset), version)| Parameter { key, value, preset, version })
        .collect())
}

pub async fn operator_note(conn: &mut Conn, conversation_id: i64) -> AppResult<OperatorNote> {
    let (body, by, at, version): (String, Option<String>, Option<i64>, i64) = sqlx::query_as(
        "SELECT c.operator_note, u.display_name, c.operator_note_at, c.operator_note_version
         FROM conversations c LEFT JOIN users u ON u.id = c.operator_note_by WHERE c.id = $1",
    )
    .bind(conversation_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(OperatorNote { body, by, at, version })
}

/// The interaction's attached data, absent for campaigns.
pub async fn attached_data(conn: &mut Conn, c: &ConversationRow) -> AppResult<Option<Vec<KeyValue>>> {
    if c.is_campaign {
        return Ok(None);
    }
    let text: String = sqlx::query_scalar("SELECT attached_data FROM conversations WHERE id = $1")
        .bind(c.id)
        .fetch_one(&mut *conn)
        .await?;
    Ok(Some(json(&text)?))
}

pub async fn session(conn: &mut Conn, c: &ConversationRow, user_id: i64) -> AppResult<SessionData> {
    ensure_presets(conn, c).await?;
    let (custom_data, custom_data_version): (String, i64) =
        sqlx::query_as("SELECT custom_data, custom_data_version FROM conversations WHERE id = $1")
            .bind(c.id)
            .fetch_one(&mut *conn)
            .await?;
    Ok(SessionData {
        tags: tags::of_conversation(conn, c.id).await?,
        company_tags: tags::all(conn).await?,
        recent_tags: tags::recent(conn, user_id, c.id).await?,
        operator_note: operator_note(conn, c.id).await?,
        parameters: parameters(conn, c.id).await?,
        attached_data: attached_data(conn, c).await?,
        custom_data: json(&custom_data)?,
        custom_data_version,
    })
}

async fn parameter(conn: &mut Conn, conversation_id: i64, key: &str) -> AppResult<Option<Parameter>> {
    let row: Option<(String, Flag, i64)> = sqlx::query_as(
        "SELECT value, preset, version FROM conversation_parameters WHERE conversation_id = $1 AND key = $2",
    )
    .bind(conversation_id)
    .bind(key)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(|(value, Flag(preset), version)| Parameter { key: key.to_owned(), value, preset, version }))
}

/// A new key is added as the agent's own; an existing one needs the version it was read at, so a
/// value added or changed meanwhile by someone else is never overwritten unseen.
pub async fn set_parameter(
    conn: &mut Conn,
    c: &ConversationRow,
    edit: &ParameterEdit,
    by: Edit,
) -> AppResult<Parameter> {
    ensure_presets(conn, c).await?;
    let (key, value) = (edit.key.trim(), edit.value.trim());
    let field = format!("parameter:{key}");
    let Some(current) = parameter(conn, c.id, key).await? else {
        sqlx::query(
            "INSERT INTO conversation_parameters (conversation_id, key, value, preset, version, updated_by, updated_at)
             VALUES ($1, $2, $3, 0, 1, $4, $5)",
        )
        .bind(c.id)
        .bind(key)
        .bind(value)
        .bind(by.user)
        .bind(by.at)
        .execute(&mut *conn)
        .await?;
        audit::record(conn, AUDITED, c.id, &field, None, Some(value), by).await?;
        return Ok(Parameter { key: key.to_owned(), value: value.to_owned(), preset: false, version: 1 });
    };
    let updated = sqlx::query(
        "UPDATE conversation_parameters SET value = $1, version = version + 1, updated_by = $2, updated_at = $3
         WHERE conversation_id = $4 AND key = $5 AND version = $6",
    )
    .bind(value)
    .bind(by.user)
    .bind(by.at)
    .bind(c.id)
    .bind(key)
    .bind(edit.version)
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() == 0 {
        let (changed_by, changed_at): (Option<String>, Option<i64>) = sqlx::query_as(
            "SELECT u.display_name, p.updated_at FROM conversation_parameters p LEFT JOIN users u ON u.id = p.updated_by
             WHERE p.conversation_id = $1 AND p.key = $2",
        )
        .bind(c.id)
        .bind(key)
        .fetch_one(&mut *conn)
        .await?;
        return Err(stale(changed_by, changed_at, CurrentRecord::Parameter(current)));
    }
    audit::changed(conn, AUDITED, c.id, &field, &current.value, value, by).await?;
    Ok(Parameter {
        key: key.to_owned(),
        value: value.to_owned(),
        preset: current.preset,
        version: current.version + 1,
    })
}

pub async fn set_operator_note(
    conn: &mut Conn,
    conversation_id: i64,
    edit: &OperatorNoteEdit,
    by: Edit,
) -> AppResult<OperatorNote> {
    let version = validate::version(edit.version)?;
    let body = edit.body.trim();
    let before = operator_note(conn, conversation_id).await?;
    let updated = sqlx::query(
        "UPDATE conversations SET operator_note = $1, operator_note_by = $2, operator_note_at = $3,
                                  operator_note_version = operator_note_version + 1
         WHERE id = $4 AND operator_note_version = $5",
    )
    .bind(body)
    .bind(by.user)
    .bind(by.at)
    .bind(conversation_id)
    .bind(version)
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() == 0 {
        let (by, at) = (before.by.clone(), before.at);
        return Err(stale(by, at, CurrentRecord::OperatorNote(before)));
    }
    audit::changed(conn, AUDITED, conversation_id, "operator_note", &before.body, body, by).await?;
    operator_note(conn, conversation_id).await
}

/// New values for the custom data's existing keys.
pub async fn set_custom_data(
    conn: &mut Conn,
    conversation_id: i64,
    edit: &CustomDataEdit,
    by: Edit,
) -> AppResult<()> {
    let (text, version): (String, i64) =
        sqlx::query_as("SELECT custom_data, custom_data_version FROM conversations WHERE id = $1")
            .bind(conversation_id)
            .fetch_one(&mut *conn)
            .await?;
    let mut data: Vec<KeyValue> = json(&text)?;
    validate_custom_data(&data, edit)?;
    if edit.version != Some(version) {
        return Err(AppError::Conflict(Reason::CustomDataChanged));
    }
    let mut changes = Vec::new();
    for kv in &edit.values {
        if let Some(existing) = data.iter_mut().find(|d| d.key == kv.key) {
            let value = kv.value.trim();
            if existing.value != value {
                changes.push((format!("custom_data:{}", kv.key), existing.value.clone(), value.to_owned()));
                existing.value = value.to_owned();
            }
        }
    }
    let updated = sqlx::query(
        "UPDATE conversations SET custom_data = $1, custom_data_version = custom_data_version + 1
         WHERE id = $2 AND custom_data_version = $3",
    )
    .bind(serde_json::to_string(&data).map_err(|e| AppError::Internal(e.into()))?)
    .bind(conversation_id)
    .bind(version)
    .execute(&mut *conn)
    .await?;
    if updated.rows_affected() == 0 {
        return Err(AppError::Conflict(Reason::CustomDataChanged));
    }
    for (field, old, new) in changes {
        audit::record(conn, AUDITED, conversation_id, &field, Some(&old), Some(&new), by).await?;
    }
    Ok(())
}
