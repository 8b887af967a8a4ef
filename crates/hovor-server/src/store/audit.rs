//! The audit trail: one row per changed field, written in the transaction of the change it records.

use crate::db::Conn;
use hovor_types::audit::{AuditEntry, AuditedRecord};

use crate::db::now_ms;
use crate::error::AppResult;

/// The most entries a record's trail lists.
const LIST_MAX: i64 = 200;

/// Who makes a change (`None`: the system, such as a keyword rule), and when.
#[derive(Debug, Clone, Copy)]
pub struct Edit {
    pub user: Option<i64>,
    pub at: i64,
}

impl Edit {
    /// A change by this user, now.
    pub fn by(user: i64) -> Edit {
        Edit { user: Some(user), at: now_ms() }
    }
}

/// Appends one row to the record's trail.
pub async fn record(
    conn: &mut Conn,
    record: AuditedRecord,
    record_id: i64,
    field: &str,
    old: Option<&str>,
    new: Option<&str>,
    by: Edit,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO audit_log (record, record_id, field, old_value, new_value, user_id, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(record.as_str())
    .bind(record_id)
    .bind(field)
    .bind(old)
    .bind(new)
    .bind(by.user)
    .bind(by.at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Records `field` only when its value changed.
pub async fn changed(
    conn: &mut Conn,
    rec: AuditedRecord,
    record_id: i64,
    field: &str,
    old: &str,
    new: &str,
    by: Edit,
) -> AppResult<()> {
    if old != new {
        record(conn, rec, record_id, field, Some(old), Some(new), by).await?;
    }
    Ok(())
}

/// id, field, old, new, author, at.
type EntryRow = (i64, String, Option<String>, Option<String>, Option<String>, i64);

/// The record's trail, newest first.
pub async fn list(conn: &mut Conn, rec: AuditedRecord, record_id: i64) -> AppResult<Vec<AuditEntry>> {
    let rows: Vec<EntryRow> = sqlx::query_as(
        "SELECT a.id, a.field, a.old_value, a.new_value, u.display_name, a.at
         FROM audit_log a LEFT JOIN users u ON u.id = a.user_id
         WHERE a.record = $1 AND a.record_id = $2 ORDER BY a.at DESC, a.id DESC LIMIT $3",
    )
    .bind(rec.as_str())
    .bind(record_id)
    .bind(LIST_MAX)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, field, old_value, new_value, by, at)| AuditEntry {
            id,
            field,
            old_value,
            new_value,
            by: by.unwrap_or_else(|| SYSTEM.to_owned()),
            at,
        })
        .collect())
}

/// The author of changes no user made.
pub const SYSTEM: &str = "System";

/// How a change reads on the timeline: "status: open → resolved".
pub fn change_text(field: &str, old: Option<&str>, new: Option<&str>) -> String {
    match (old, new) {
        (Some(old), Some(new)) => format!("{field}: {old} → {new}"),
        (None, Some(new)) => format!("{field}: {new}"),
        (Some(old), None) => format!("{field}: {old} → —"),
        (None, None) => field.to_owned(),
    }
}
