//! Call-associated data (WBX CAD variables): the variables a queue defines and their values on each of
//! its conversations. Secure values leave the server masked unless an agent reveals one, which is
//! audited; neither a secure value nor its reveal ever reaches the audit trail's text.

use hovor_types::audit::AuditedRecord;
use hovor_types::error::Reason;
use hovor_types::voice::{CallValue, CallValueEdit, CallValueKind, CallVariable, check_call_value};

use super::audit::{self, Edit};
use super::conversations::ConversationRow;
use crate::db::{Conn, Flag};
use crate::error::{AppError, AppResult};

const AUDITED: AuditedRecord = AuditedRecord::Conversation;

type VariableRow = (String, String, i64, String, i64, i64);
/// A variable's row with the conversation's value and version, when it has one.
type ValueRow = (String, String, i64, String, i64, i64, Option<String>, Option<i64>);

fn variable((name, label, order, kind, editable, secure): VariableRow) -> AppResult<CallVariable> {
    let kind = CallValueKind::parse(&kind)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("call variable {name}: unknown kind {kind}")))?;
    let order = i32::try_from(order).map_err(|e| AppError::Internal(e.into()))?;
    Ok(CallVariable { name, label, order, kind, editable: editable != 0, secure: secure != 0 })
}

/// The queue's variables in their order; 404 when there is no such queue.
pub async fn variables(conn: &mut Conn, queue_id: i64) -> AppResult<Vec<CallVariable>> {
    let Flag(exists) = sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM queues WHERE id = $1)")
        .bind(queue_id)
        .fetch_one(&mut *conn)
        .await?;
    if !exists {
        return Err(AppError::NotFound);
    }
    let rows: Vec<VariableRow> = sqlx::query_as(
        "SELECT name, label, position, kind, editable, secure FROM call_variables WHERE queue_id = $1
         ORDER BY position, name",
    )
    .bind(queue_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter().map(variable).collect()
}

/// Replaces the queue's variables (already checked). Values of variables that remain are kept.
pub async fn set_variables(conn: &mut Conn, queue_id: i64, variables: &[CallVariable]) -> AppResult<()> {
    self::variables(conn, queue_id).await?;
    sqlx::query("DELETE FROM call_variables WHERE queue_id = $1").bind(queue_id).execute(&mut *conn).await?;
    for v in variables {
        sqlx::query(
            "INSERT INTO call_variables (queue_id, name, label, position, kind, editable, secure)
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(queue_id)
        .bind(&v.name)
        .bind(v.label.trim())
        .bind(i64::from(v.order))
        .bind(v.kind.as_str())
        .bind(i64::from(v.editable))
        .bind(i64::from(v.secure))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// A value as stored (an empty value on version 0 when never saved).
struct Stored {
    value: String,
    version: i64,
}

async fn stored(conn: &mut Conn, conversation_id: i64, name: &str) -> AppResult<Stored> {
    let row: Option<(String, i64)> =
        sqlx::query_as("SELECT value, version FROM call_values WHERE conversation_id = $1 AND name = $2")
            .bind(conversation_id)
            .bind(name)
            .fetch_optional(&mut *conn)
            .await?;
    Ok(match row {
        Some((value, version)) => Stored { value, version },
        None => Stored { value: String::new(), version: 0 },
    })
}

/// The conversation's values, one per variable of its queue in order, secure ones masked: one query.
pub async fn values(conn: &mut Conn, c: &ConversationRow) -> AppResult<Vec<CallValue>> {
    let rows: Vec<ValueRow> = sqlx::query_as(
        "SELECT v.name, v.label, v.position, v.kind, v.editable, v.secure, s.value, s.version
         FROM call_variables v
         LEFT JOIN call_values s ON s.conversation_id = $1 AND s.name = v.name
         WHERE v.queue_id = $2 ORDER BY v.position, v.name",
    )
    .bind(c.id)
    .bind(c.queue_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|(name, label, order, kind, editable, secure, value, version)| {
            let variable = variable((name, label, order, kind, editable, secure))?;
            Ok(CallValue::masked(variable, value.as_deref().unwrap_or(""), version.unwrap_or(0)))
        })
        .collect()
}

/// The queue's variable `name`; 404 when it has none of that name.
async fn variable_named(conn: &mut Conn, c: &ConversationRow, name: &str) -> AppResult<CallVariable> {
    let row: Option<VariableRow> = sqlx::query_as(
        "SELECT name, label, position, kind, editable, secure FROM call_variables WHERE queue_id = $1 AND name = $2",
    )
    .bind(c.queue_id)
    .bind(name)
    .fetch_optional(&mut *conn)
    .await?;
    variable(row.ok_or(AppError::NotFound)?)
}

/// A secure value shown in full to the agent who asked; the reveal is audited (not the value).
pub async fn reveal(conn: &mut Conn, c: &ConversationRow, name: &str, by: Edit) -> AppResult<CallValue> {
    let variable = variable_named(conn, c, name).await?;
    let stored = stored(conn, c.id, name).await?;
    if variable.secure {
        audit::record(conn, AUDITED, c.id, &format!("call_data.{name}.revealed"), None, None, by).await?;
    }
    Ok(CallValue { variable, value: stored.value, version: stored.version })
}

/// Saves a value on the version the agent read: the first save on a version wins, a later one is
/// refused (409 `conflict`, `saved_first`); the agent reads the value again.
pub async fn save(
    conn: &mut Conn,
    c: &ConversationRow,
    name: &str,
    edit: &CallValueEdit,
    by: Edit,
) -> AppResult<CallValue> {
    let variable = variable_named(conn, c, name).await?;
    if !variable.editable {
        return Err(AppError::Conflict(Reason::NotEditable));
    }
    let value = check_call_value(variable.kind, &edit.value)?;
    let before = stored(conn, c.id, name).await?;
    let saved = if edit.version == 0 {
        sqlx::query(
            "INSERT INTO call_values (conversation_id, name, value, version, saved_by, saved_at)
             VALUES ($1, $2, $3, 1, $4, $5) ON CONFLICT (conversation_id, name) DO NOTHING",
        )
        .bind(c.id)
        .bind(name)
        .bind(value)
        .bind(by.user)
        .bind(by.at)
        .execute(&mut *conn)
        .await?
    } else {
        sqlx::query(
            "UPDATE call_values SET value = $1, version = version + 1, saved_by = $2, saved_at = $3
             WHERE conversation_id = $4 AND name = $5 AND version = $6",
        )
        .bind(value)
        .bind(by.user)
        .bind(by.at)
        .bind(c.id)
        .bind(name)
        .bind(edit.version)
        .execute(&mut *conn)
        .await?
    };
    if saved.rows_affected() == 0 {
        return Err(AppError::Conflict(Reason::SavedFirst));
    }
    let field = format!("call_data.{name}");
    if variable.secure {
        // That it changed, never what it says.
        audit::record(conn, AUDITED, c.id, &field, None, None, by).await?;
    } else {
        audit::changed(conn, AUDITED, c.id, &field, &before.value, value, by).await?;
    }
    Ok(CallValue::masked(variable, value, edit.version + 1))
}
