//! The case linked to a conversation and the customer's recent cases.

use hovor_types::case::{CaseInfo, CasePane, CaseStatus, Priority};
use sqlx::SqlitePool;

use super::conversations::{ConversationRow, bad_value};
use crate::error::AppResult;

/// How many recent cases the pane lists.
const RECENT_CASES: i64 = 5;

type CaseRow = (i64, String, String, String, String, i64);

fn to_case((id, number, title, priority, status, created_at): CaseRow) -> AppResult<CaseInfo> {
    Ok(CaseInfo {
        id,
        number,
        title,
        priority: Priority::parse(&priority).ok_or_else(|| bad_value("priority", &priority))?,
        status: CaseStatus::parse(&status).ok_or_else(|| bad_value("status", &status))?,
        created_at,
    })
}

pub async fn pane(pool: &SqlitePool, c: &ConversationRow) -> AppResult<CasePane> {
    let linked = match c.case_id {
        Some(id) => sqlx::query_as::<_, CaseRow>(
            "SELECT id, number, title, priority, status, created_at FROM cases WHERE id = ?",
        )
        .bind(id)
        .fetch_optional(pool)
        .await?
        .map(to_case)
        .transpose()?,
        None => None,
    };
    let recent = match c.contact_id {
        Some(contact_id) => sqlx::query_as::<_, CaseRow>(
            "SELECT id, number, title, priority, status, created_at FROM cases
             WHERE contact_id = ? AND id IS NOT ? ORDER BY created_at DESC, id DESC LIMIT ?",
        )
        .bind(contact_id)
        .bind(c.case_id)
        .bind(RECENT_CASES)
        .fetch_all(pool)
        .await?
        .into_iter()
        .map(to_case)
        .collect::<AppResult<_>>()?,
        None => Vec::new(),
    };
    Ok(CasePane { linked, recent })
}
