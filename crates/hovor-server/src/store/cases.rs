//! Cases: the one linked to a conversation, the customer's recent ones, search, and adding and
//! editing them (versioned and audited).

use crate::db::{Conn, Pool};
use hovor_types::audit::AuditedRecord;
use hovor_types::case::{CaseFields, CaseInfo, CasePane, CaseStatus, Priority};
use hovor_types::error::{FieldError, Rule};

use super::audit::{self, Edit};
use super::conversations::{ConversationRow, bad_value};
use super::directory;
use super::versions::{self, Versioned};
use crate::error::{AppError, AppResult};

/// How many recent cases the pane lists.
const RECENT_CASES: i64 = 5;
/// How many cases a search returns.
pub const SEARCH_MAX: i64 = 20;

const AUDITED: AuditedRecord = AuditedRecord::Case;

#[derive(sqlx::FromRow)]
struct CaseRow {
    id: i64,
    number: String,
    title: String,
    priority: String,
    status: String,
    description: String,
    contact_id: Option<i64>,
    version: i64,
    created_at: i64,
}

impl CaseRow {
    fn into_case(self) -> AppResult<CaseInfo> {
        Ok(CaseInfo {
            id: self.id,
            number: self.number,
            title: self.title,
            priority: Priority::parse(&self.priority).ok_or_else(|| bad_value("priority", &self.priority))?,
            status: CaseStatus::parse(&self.status).ok_or_else(|| bad_value("status", &self.status))?,
            description: self.description,
            contact_id: self.contact_id,
            version: self.version,
            created_at: self.created_at,
        })
    }
}

fn to_cases(rows: Vec<CaseRow>) -> AppResult<Vec<CaseInfo>> {
    rows.into_iter().map(CaseRow::into_case).collect()
}

pub async fn load(conn: &mut Conn, id: i64) -> AppResult<Option<CaseInfo>> {
    sqlx::query_as::<_, CaseRow>(
        "SELECT id, number, title, priority, status, description, contact_id, version, created_at FROM cases WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?
    .map(CaseRow::into_case)
    .transpose()
}

pub async fn get(conn: &mut Conn, id: i64) -> AppResult<CaseInfo> {
    load(conn, id).await?.ok_or(AppError::NotFound)
}

pub async fn pane(pool: &Pool, c: &ConversationRow) -> AppResult<CasePane> {
    let mut conn = pool.acquire().await?;
    let linked = match c.case_id {
        Some(id) => load(&mut conn, id).await?,
        None => None,
    };
    let recent = match c.contact_id {
        Some(contact_id) => to_cases(
            sqlx::query_as(
                "SELECT id, number, title, priority, status, description, contact_id, version, created_at FROM cases
                 WHERE contact_id = $1 AND id IS DISTINCT FROM $2 ORDER BY created_at DESC, id DESC LIMIT $3",
            )
            .bind(contact_id)
            .bind(c.case_id)
            .bind(RECENT_CASES)
            .fetch_all(&mut *conn)
            .await?,
        )?,
        None => Vec::new(),
    };
    Ok(CasePane { linked, recent })
}

/// Cases whose number or title contain every term (folded), newest first.
pub async fn search(conn: &mut Conn, terms: &[String]) -> AppResult<Vec<CaseInfo>> {
    let terms = serde_json::to_string(terms).map_err(|e| AppError::Internal(e.into()))?;
    to_cases(
        sqlx::query_as(
            "SELECT id, number, title, priority, status, description, contact_id, version, created_at FROM cases
             WHERE NOT EXISTS (SELECT 1 FROM json_each($1) t WHERE instr(search_key, t.value) = 0)
             ORDER BY created_at DESC, id DESC LIMIT $2",
        )
        .bind(terms)
        .bind(SEARCH_MAX)
        .fetch_all(&mut *conn)
        .await?,
    )
}

/// A new case for the contact (if any), numbered after the highest number so far ("CAS-01042").
pub async fn create(conn: &mut Conn, f: &CaseFields, contact_id: Option<i64>, by: Edit) -> AppResult<i64> {
    let next: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(CAST(substr(number, 5) AS INTEGER)), 0) + 1 FROM cases WHERE number LIKE 'CAS-%'",
    )
    .fetch_one(&mut *conn)
    .await?;
    let number = format!("CAS-{next:05}");
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO cases (number, contact_id, title, priority, status, description, created_at, updated_by, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(&number)
    .bind(contact_id)
    .bind(f.title.trim())
    .bind(f.priority.as_str())
    .bind(f.status.as_str())
    .bind(f.description.trim())
    .bind(by.at)
    .bind(by.user)
    .bind(by.at)
    .fetch_one(&mut *conn)
    .await?;
    directory::refresh_case(conn, id).await?;
    audit::record(conn, AUDITED, id, "created", None, Some(&number), by).await?;
    Ok(id)
}

/// Title, priority, status and description; each changed field is audited.
pub async fn update(conn: &mut Conn, id: i64, f: &CaseFields, by: Edit) -> AppResult<()> {
    versions::claim(conn, Versioned::Case, id, f.version, by).await?;
    let before = get(conn, id).await?;
    let (title, description) = (f.title.trim(), f.description.trim());
    sqlx::query("UPDATE cases SET title = $1, priority = $2, status = $3, description = $4 WHERE id = $5")
        .bind(title)
        .bind(f.priority.as_str())
        .bind(f.status.as_str())
        .bind(description)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    audit::changed(conn, AUDITED, id, "title", &before.title, title, by).await?;
    audit::changed(conn, AUDITED, id, "priority", before.priority.as_str(), f.priority.as_str(), by).await?;
    audit::changed(conn, AUDITED, id, "status", before.status.as_str(), f.status.as_str(), by).await?;
    audit::changed(conn, AUDITED, id, "description", &before.description, description, by).await?;
    if title != before.title {
        directory::refresh_case(conn, id).await?;
    }
    Ok(())
}

/// "CAS-00042 · Refund for order 118": how a case is named in lists and the audit trail.
pub async fn label(conn: &mut Conn, id: Option<i64>) -> AppResult<Option<String>> {
    let Some(id) = id else { return Ok(None) };
    Ok(sqlx::query_scalar("SELECT number || ' · ' || title FROM cases WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?)
}

/// Links the case to the conversation (or unlinks it); audited on the conversation.
pub async fn link(conn: &mut Conn, conversation_id: i64, case_id: Option<i64>, by: Edit) -> AppResult<()> {
    let new = label(conn, case_id).await?;
    if case_id.is_some() && new.is_none() {
        return Err(FieldError::new("case_id", Rule::NotAnOption).into());
    }
    let old_id: Option<i64> = sqlx::query_scalar("SELECT case_id FROM conversations WHERE id = $1")
        .bind(conversation_id)
        .fetch_one(&mut *conn)
        .await?;
    if old_id == case_id {
        return Ok(());
    }
    let old = label(conn, old_id).await?;
    sqlx::query("UPDATE conversations SET case_id = $1 WHERE id = $2")
        .bind(case_id)
        .bind(conversation_id)
        .execute(&mut *conn)
        .await?;
    audit::record(
        conn,
        AuditedRecord::Conversation,
        conversation_id,
        "case",
        old.as_deref(),
        new.as_deref(),
        by,
    )
    .await
}
