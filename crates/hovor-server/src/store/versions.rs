//! Optimistic versions. An edit claims the next version with `UPDATE … WHERE id = ? AND version = ?`
//! inside its immediate transaction: of two writers on the same version exactly one updates a row,
//! whatever the timing; the other is answered with the record as it is now and who saved it.

use crate::db::Conn;
use hovor_types::validate;
use hovor_types::version::{CurrentRecord, VersionConflict};

use super::audit::{Edit, SYSTEM};
use super::{accounts, cases, contacts, response_admin};
use crate::error::{AppError, AppResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Versioned {
    Contact,
    Account,
    Case,
    Response,
}

impl Versioned {
    fn claim_sql(self) -> &'static str {
        match self {
            // A contact merged into another cannot be edited until the merge is undone.
            Versioned::Contact => {
                "UPDATE contacts SET version = version + 1, updated_by = $1, updated_at = $2
                 WHERE id = $3 AND version = $4 AND merged_into IS NULL"
            }
            Versioned::Account => {
                "UPDATE accounts SET version = version + 1, updated_by = $1, updated_at = $2 WHERE id = $3 AND version = $4"
            }
            Versioned::Case => {
                "UPDATE cases SET version = version + 1, updated_by = $1, updated_at = $2 WHERE id = $3 AND version = $4"
            }
            Versioned::Response => {
                "UPDATE responses SET version = version + 1, updated_by = $1, updated_at = $2 WHERE id = $3 AND version = $4"
            }
        }
    }

    fn changed_by_sql(self) -> &'static str {
        match self {
            Versioned::Contact => {
                "SELECT u.display_name, t.updated_at FROM contacts t LEFT JOIN users u ON u.id = t.updated_by WHERE t.id = $1"
            }
            Versioned::Account => {
                "SELECT u.display_name, t.updated_at FROM accounts t LEFT JOIN users u ON u.id = t.updated_by WHERE t.id = $1"
            }
            Versioned::Case => {
                "SELECT u.display_name, t.updated_at FROM cases t LEFT JOIN users u ON u.id = t.updated_by WHERE t.id = $1"
            }
            Versioned::Response => {
                "SELECT u.display_name, t.updated_at FROM responses t LEFT JOIN users u ON u.id = t.updated_by WHERE t.id = $1"
            }
        }
    }
}

/// Claims the version after `version` for this edit; returns it. Without a version: 422 `version`.
/// On an older version: `VersionConflict` with the current record; on an absent record: `NotFound`.
pub async fn claim(
    conn: &mut Conn,
    record: Versioned,
    id: i64,
    version: Option<i64>,
    by: Edit,
) -> AppResult<i64> {
    let version = validate::version(version)?;
    let claimed = sqlx::query(record.claim_sql())
        .bind(by.user)
        .bind(by.at)
        .bind(id)
        .bind(version)
        .execute(&mut *conn)
        .await?;
    if claimed.rows_affected() == 1 {
        return Ok(version + 1);
    }
    Err(conflict(conn, record, id).await?)
}

/// The answer to an edit made on an older version: the record now and its last change's author.
pub async fn conflict(conn: &mut Conn, record: Versioned, id: i64) -> AppResult<AppError> {
    let current = match record {
        Versioned::Contact => contacts::load(conn, id).await?.map(CurrentRecord::Contact),
        Versioned::Account => accounts::load(conn, id).await?.map(CurrentRecord::Account),
        Versioned::Case => cases::load(conn, id).await?.map(CurrentRecord::Case),
        Versioned::Response => response_admin::load(conn, id).await?.map(CurrentRecord::Response),
    };
    let Some(current) = current else { return Ok(AppError::NotFound) };
    let (changed_by, changed_at): (Option<String>, Option<i64>) =
        sqlx::query_as(record.changed_by_sql()).bind(id).fetch_one(&mut *conn).await?;
    Ok(stale(changed_by, changed_at, current))
}

/// A `VersionConflict` error; `changed_by` None means the system (or nobody since the record was made).
pub fn stale(changed_by: Option<String>, changed_at: Option<i64>, current: CurrentRecord) -> AppError {
    AppError::VersionConflict(Box::new(VersionConflict {
        changed_by: changed_by.unwrap_or_else(|| SYSTEM.to_owned()),
        changed_at: changed_at.unwrap_or(0),
        current,
    }))
}
