//! Anonymising an interaction: every piece of personal data tied to it goes (messages, email bodies
//! with their attachments' names, call data and recordings, survey answers before and after the chat,
//! the visitor's details, notes, drafts, the events that carried any of it, the audit trail's old values, and the contact when
//! no other interaction needs it). A tombstone stays for statistics: the queue, channel, agent, status,
//! times, activities, queue segments and offers. On SQLite every connection runs with `secure_delete`,
//! so the removed rows are overwritten in the file, and the write-ahead log is cut right after
//! ([`crate::db::erase_removed`]); PostgreSQL's files are compacted by the next retention run.

use hovor_types::audit::AuditedRecord;
use hovor_types::error::Reason;

use crate::db::Conn;
use crate::error::{AppError, AppResult};
use crate::store::audit::{self, Edit};

/// What the caller removes once the change has committed: files outside the database.
#[derive(Debug, Default)]
pub struct Removed {
    /// Recording files, relative to the recordings directory.
    pub recordings: Vec<String>,
}

impl Removed {
    /// Deletes the files; one that is already gone is no error.
    pub fn delete_files(&self, recordings_dir: Option<&std::path::Path>) {
        let Some(dir) = recordings_dir else { return };
        for file in &self.recordings {
            match std::fs::remove_file(dir.join(file)) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => tracing::warn!(error = %e, "a removed recording's file could not be deleted"),
            }
        }
    }
}

/// Rows of the interaction's own tables, all personal: removed whole.
const OWN_ROWS: &[&str] = &[
    "DELETE FROM messages WHERE conversation_id = $1",
    "DELETE FROM survey_answers WHERE conversation_id = $1",
    "DELETE FROM feedback_answers WHERE conversation_id = $1",
    "DELETE FROM self_service_actions WHERE conversation_id = $1",
    "DELETE FROM drafts WHERE conversation_id = $1",
    "DELETE FROM notes WHERE conversation_id = $1",
    "DELETE FROM conversation_parameters WHERE conversation_id = $1",
    "DELETE FROM call_values WHERE conversation_id = $1",
    "DELETE FROM recordings WHERE conversation_id = $1",
    "DELETE FROM whispers WHERE conversation_id = $1",
    "DELETE FROM invitations WHERE conversation_id = $1",
    "DELETE FROM callbacks WHERE conversation_id = $1 OR placed_conversation_id = $1",
    "DELETE FROM events WHERE conversation_id = $1 OR customer_conversation_id = $1",
    "DELETE FROM audit_log WHERE record = 'conversation' AND record_id = $1",
    "UPDATE activities SET transfer_note = NULL WHERE conversation_id = $1",
    "UPDATE conversations SET subject = NULL, customer_name = NULL, visitor = '{}', additional_details = '[]',
         transfer_note = NULL, customer_token_hash = NULL, email_from = NULL, email_cc = '[]',
         attached_data = '[]', custom_data = '[]', operator_note = '', caller_number = NULL,
         recipient = NULL, contact_id = NULL, case_id = NULL
     WHERE id = $1",
];

/// Anonymises the ended interaction `id` inside the caller's transaction, recording who did it;
/// `Conflict(NotEnded)` while it goes on, `NotFound` when there is none. Anonymising one already
/// anonymised is harmless.
pub async fn anonymise(conn: &mut Conn, id: i64, by: Edit) -> AppResult<Removed> {
    let removed = strip(conn, id, by.at).await?;
    audit::record(conn, AuditedRecord::Conversation, id, "anonymised", None, None, by).await?;
    Ok(removed)
}

/// Removes the interaction's personal data, leaving its tombstone stamped `at` (a retention run's
/// audit is the run itself).
pub async fn strip(conn: &mut Conn, id: i64, at: i64) -> AppResult<Removed> {
    let found: Option<(String, Option<i64>)> =
        sqlx::query_as("SELECT status, contact_id FROM conversations WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    let (status, contact_id) = found.ok_or(AppError::NotFound)?;
    if status != "ended" {
        return Err(AppError::Conflict(Reason::NotEnded));
    }
    let removed = Removed {
        recordings: sqlx::query_scalar("SELECT file FROM recordings WHERE conversation_id = $1")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?,
    };
    // Translations are keyed by the text they translate: those of its messages go first.
    sqlx::query(
        "DELETE FROM translations WHERE source IN (SELECT body FROM messages WHERE conversation_id = $1)",
    )
    .bind(id)
    .execute(&mut *conn)
    .await?;
    for &statement in OWN_ROWS {
        // Fixed text, above.
        sqlx::query(sqlx::AssertSqlSafe(statement)).bind(id).execute(&mut *conn).await?;
    }
    sqlx::query("UPDATE conversations SET anonymised_at = COALESCE(anonymised_at, $2) WHERE id = $1")
        .bind(id)
        .bind(at)
        .execute(&mut *conn)
        .await?;
    if let Some(contact_id) = contact_id {
        remove_contact_if_unneeded(conn, contact_id).await?;
    }
    erase_pending(conn).await?;
    Ok(removed)
}

/// Removes the contact (with the contacts merged into it, their notes and their audit trail) when no
/// other interaction or callback refers to any of them.
async fn remove_contact_if_unneeded(conn: &mut Conn, contact_id: i64) -> AppResult<()> {
    let same_person: Vec<i64> = sqlx::query_scalar(
        "WITH RECURSIVE person(id) AS (
             SELECT id FROM contacts WHERE id = $1
             UNION ALL SELECT c.id FROM contacts c JOIN person p ON c.merged_into = p.id)
         SELECT id FROM person",
    )
    .bind(contact_id)
    .fetch_all(&mut *conn)
    .await?;
    let ids = serde_json::to_string(&same_person).map_err(|e| AppError::Internal(e.into()))?;
    let needed: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM conversations WHERE contact_id IN (SELECT CAST(value AS BIGINT) FROM json_each($1))
         UNION ALL SELECT 1 FROM callbacks WHERE contact_id IN (SELECT CAST(value AS BIGINT) FROM json_each($1))
         LIMIT 1",
    )
    .bind(&ids)
    .fetch_optional(&mut *conn)
    .await?;
    if needed.is_some() {
        return Ok(());
    }
    for statement in [
        "DELETE FROM notes WHERE contact_id IN (SELECT CAST(value AS BIGINT) FROM json_each($1))",
        "DELETE FROM audit_log WHERE record = 'contact' AND record_id IN (SELECT CAST(value AS BIGINT) FROM json_each($1))",
        "UPDATE contacts SET merged_into = NULL WHERE id IN (SELECT CAST(value AS BIGINT) FROM json_each($1))",
        "DELETE FROM contacts WHERE id IN (SELECT CAST(value AS BIGINT) FROM json_each($1))",
    ] {
        sqlx::query(statement).bind(&ids).execute(&mut *conn).await?;
    }
    Ok(())
}

/// Notes that rows were removed: the next retention run compacts PostgreSQL's files, and what was
/// read from them is read again.
pub async fn erase_pending(conn: &mut Conn) -> AppResult<()> {
    sqlx::query("UPDATE retention_schedule SET erase_pending = 1, removals = removals + 1 WHERE id = 1")
        .execute(&mut *conn)
        .await?;
    Ok(())
}
