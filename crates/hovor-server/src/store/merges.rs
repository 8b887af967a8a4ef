//! Merging a duplicate contact (the child) into another (the master), and undoing it. The child is
//! never changed, only hidden (`merged_into`); the master's changes are recorded in a snapshot, so
//! the last merge can be undone as long as nobody edited the master since.

use hovor_types::error::Reason;
use std::collections::HashSet;

use crate::db::Conn;
use hovor_types::audit::AuditedRecord;
use hovor_types::customer::{Address, Contact, DetailKind, MergeRecord, MergeRequest, Side};
use hovor_types::error::{FieldError, Rule};
use hovor_types::text::fold;
use hovor_types::validate::phone_digits;
use serde::{Deserialize, Serialize};

use super::audit::{self, Edit};
use super::contacts;
use super::directory;
use super::versions::{self, Versioned};
use crate::error::{AppError, AppResult};

/// What undoing a merge needs: the master's fields before it, what was added to the master, and what
/// moved from the child to the master.
#[derive(Debug, Serialize, Deserialize)]
struct Snapshot {
    first_name: String,
    last_name: String,
    language: String,
    account_id: Option<i64>,
    added_points: Vec<i64>,
    added_addresses: Vec<i64>,
    conversations: Vec<i64>,
    cases: Vec<i64>,
    notes: Vec<i64>,
    master_version_after: i64,
}

fn pick<T: Clone>(side: Side, master: &T, child: &T) -> T {
    match side {
        Side::Master => master.clone(),
        Side::Child => child.clone(),
    }
}

/// How two details are told to be the same: phone digits, lower-cased email, identifier name and value.
fn same_as(kind: DetailKind, label: &str, value: &str) -> (DetailKind, String) {
    let value = match kind {
        DetailKind::Phone => phone_digits(value),
        DetailKind::Email => value.trim().to_lowercase(),
        DetailKind::Identifier => format!("{}\u{1f}{}", fold(label.trim()), fold(value.trim())),
    };
    (kind, value)
}

fn same_place(a: &Address) -> String {
    fold(&format!(
        "{}\u{1f}{}\u{1f}{}\u{1f}{}",
        a.street.trim(),
        a.city.trim(),
        a.postcode.trim(),
        a.country.trim()
    ))
}

fn ids_json(ids: &[i64]) -> AppResult<String> {
    serde_json::to_string(ids).map_err(|e| AppError::Internal(e.into()))
}

/// Merges `m.child_id` into `master_id` in the caller's transaction.
pub async fn merge(conn: &mut Conn, master_id: i64, m: &MergeRequest, by: Edit) -> AppResult<()> {
    let child_state: Option<Option<i64>> =
        sqlx::query_scalar("SELECT merged_into FROM contacts WHERE id = $1")
            .bind(m.child_id)
            .fetch_optional(&mut *conn)
            .await?;
    if !matches!(child_state, Some(None)) {
        return Err(FieldError::new("child_id", Rule::NotAnOption).into());
    }
    let master_version_after =
        versions::claim(conn, Versioned::Contact, master_id, m.master_version, by).await?;
    let hidden = sqlx::query(
        "UPDATE contacts SET merged_into = $1 WHERE id = $2 AND version = $3 AND merged_into IS NULL",
    )
    .bind(master_id)
    .bind(m.child_id)
    .bind(m.child_version)
    .execute(&mut *conn)
    .await?;
    if hidden.rows_affected() == 0 {
        return Err(versions::conflict(conn, Versioned::Contact, m.child_id).await?);
    }
    let master = contacts::get(conn, master_id).await?;
    let child = contacts::load_any(conn, m.child_id).await?.ok_or(AppError::NotFound)?;

    sqlx::query(
        "UPDATE contacts SET first_name = $1, last_name = $2, language = $3, account_id = $4 WHERE id = $5",
    )
    .bind(pick(m.first_name, &master.first_name, &child.first_name))
    .bind(pick(m.last_name, &master.last_name, &child.last_name))
    .bind(pick(m.language, &master.language, &child.language))
    .bind(pick(m.account, &master.account_id, &child.account_id))
    .bind(master_id)
    .execute(&mut *conn)
    .await?;
    let added_points = copy_points(conn, &master, &child).await?;
    let added_addresses = copy_addresses(conn, &master, &child).await?;

    let conversations: Vec<i64> =
        sqlx::query_scalar("UPDATE conversations SET contact_id = $1 WHERE contact_id = $2 RETURNING id")
            .bind(master_id)
            .bind(child.id)
            .fetch_all(&mut *conn)
            .await?;
    sqlx::query(
        "UPDATE messages SET contact_id = $1 WHERE conversation_id IN (SELECT CAST(value AS BIGINT) FROM json_each($2))",
    )
    .bind(master_id)
    .bind(ids_json(&conversations)?)
    .execute(&mut *conn)
    .await?;
    let cases: Vec<i64> =
        sqlx::query_scalar("UPDATE cases SET contact_id = $1 WHERE contact_id = $2 RETURNING id")
            .bind(master_id)
            .bind(child.id)
            .fetch_all(&mut *conn)
            .await?;
    let notes: Vec<i64> =
        sqlx::query_scalar("UPDATE notes SET contact_id = $1 WHERE contact_id = $2 RETURNING id")
            .bind(master_id)
            .bind(child.id)
            .fetch_all(&mut *conn)
            .await?;
    directory::refresh_contact(conn, master_id).await?;

    let snapshot = Snapshot {
        first_name: master.first_name,
        last_name: master.last_name,
        language: master.language,
        account_id: master.account_id,
        added_points,
        added_addresses,
        conversations,
        cases,
        notes,
        master_version_after,
    };
    sqlx::query(
        "INSERT INTO merges (master_id, child_id, user_id, at, master_version_after, snapshot) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(master_id)
    .bind(child.id)
    .bind(by.user)
    .bind(by.at)
    .bind(master_version_after)
    .bind(serde_json::to_string(&snapshot).map_err(|e| AppError::Internal(e.into()))?)
    .execute(&mut *conn)
    .await?;
    audit::record(conn, AuditedRecord::Contact, master_id, "merged", None, Some(&child.full_name()), by).await
}

/// Copies the child's phones, emails and identifiers the master lacks; a copy is the default of its
/// kind only when the master has none. Returns the new rows.
async fn copy_points(conn: &mut Conn, master: &Contact, child: &Contact) -> AppResult<Vec<i64>> {
    let kinds = [
        (DetailKind::Phone, &master.phones, &child.phones),
        (DetailKind::Email, &master.emails, &child.emails),
        (DetailKind::Identifier, &master.identifiers, &child.identifiers),
    ];
    let mut added = Vec::new();
    for (kind, mine, theirs) in kinds {
        let mut known: HashSet<_> = mine.iter().map(|p| same_as(kind, &p.label, &p.value)).collect();
        // The child's default comes first, so it takes over a missing default.
        let mut wants_default = kind != DetailKind::Identifier && !mine.iter().any(|p| p.is_default);
        for point in theirs {
            if !known.insert(same_as(kind, &point.label, &point.value)) {
                continue;
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO contact_points (contact_id, kind, value, label, is_default) VALUES ($1, $2, $3, $4, $5) RETURNING id",
            )
            .bind(master.id)
            .bind(kind.as_str())
            .bind(&point.value)
            .bind(&point.label)
            .bind(i64::from(wants_default))
            .fetch_one(&mut *conn)
            .await?;
            wants_default = false;
            added.push(id);
        }
    }
    Ok(added)
}

async fn copy_addresses(conn: &mut Conn, master: &Contact, child: &Contact) -> AppResult<Vec<i64>> {
    let mut known: HashSet<String> = master.addresses.iter().map(same_place).collect();
    let mut added = Vec::new();
    for a in &child.addresses {
        if !known.insert(same_place(a)) {
            continue;
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO addresses (contact_id, label, street, city, postcode, country) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(master.id)
        .bind(&a.label)
        .bind(&a.street)
        .bind(&a.city)
        .bind(&a.postcode)
        .bind(&a.country)
        .fetch_one(&mut *conn)
        .await?;
        added.push(id);
    }
    Ok(added)
}

/// Undoes the master's last merge: its fields and details as before, the interactions, cases and
/// notes back with the child, the child visible again.
pub async fn undo(conn: &mut Conn, master_id: i64, by: Edit) -> AppResult<()> {
    let master = contacts::get(conn, master_id).await?;
    let last: Option<(i64, i64, i64, String)> = sqlx::query_as(
        "SELECT id, child_id, master_version_after, snapshot FROM merges
         WHERE master_id = $1 AND undone_at IS NULL ORDER BY at DESC, id DESC LIMIT 1",
    )
    .bind(master_id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((merge_id, child_id, version_after, snapshot)) = last else {
        return Err(AppError::Conflict(Reason::NoMerge));
    };
    if master.version != version_after {
        return Err(AppError::Conflict(Reason::ChangedSinceMerge));
    }
    let s: Snapshot = serde_json::from_str(&snapshot).map_err(|e| AppError::Internal(e.into()))?;
    sqlx::query(
        "UPDATE contacts SET first_name = $1, last_name = $2, language = $3, account_id = $4,
                             version = version + 1, updated_by = $5, updated_at = $6
         WHERE id = $7",
    )
    .bind(&s.first_name)
    .bind(&s.last_name)
    .bind(&s.language)
    .bind(s.account_id)
    .bind(by.user)
    .bind(by.at)
    .bind(master_id)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM contact_points WHERE contact_id = $1 AND id IN (SELECT CAST(value AS BIGINT) FROM json_each($2))")
        .bind(master_id)
        .bind(ids_json(&s.added_points)?)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM addresses WHERE contact_id = $1 AND id IN (SELECT CAST(value AS BIGINT) FROM json_each($2))")
        .bind(master_id)
        .bind(ids_json(&s.added_addresses)?)
        .execute(&mut *conn)
        .await?;
    // Only what still belongs to the master goes back: a conversation linked elsewhere since stays.
    let back: Vec<i64> = sqlx::query_scalar(
        "UPDATE conversations SET contact_id = $1
         WHERE contact_id = $2 AND id IN (SELECT CAST(value AS BIGINT) FROM json_each($3)) RETURNING id",
    )
    .bind(child_id)
    .bind(master_id)
    .bind(ids_json(&s.conversations)?)
    .fetch_all(&mut *conn)
    .await?;
    sqlx::query(
        "UPDATE messages SET contact_id = $1 WHERE conversation_id IN (SELECT CAST(value AS BIGINT) FROM json_each($2))",
    )
    .bind(child_id)
    .bind(ids_json(&back)?)
    .execute(&mut *conn)
    .await?;
    let cases = "UPDATE cases SET contact_id = $1 WHERE contact_id = $2 AND id IN (SELECT CAST(value AS BIGINT) FROM json_each($3))";
    let notes = "UPDATE notes SET contact_id = $1 WHERE contact_id = $2 AND id IN (SELECT CAST(value AS BIGINT) FROM json_each($3))";
    for (sql, ids) in [(cases, &s.cases), (notes, &s.notes)] {
        sqlx::query(sql).bind(child_id).bind(master_id).bind(ids_json(ids)?).execute(&mut *conn).await?;
    }
    sqlx::query("UPDATE contacts SET merged_into = NULL WHERE id = $1")
        .bind(child_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE merges SET undone_at = $1 WHERE id = $2")
        .bind(by.at)
        .bind(merge_id)
        .execute(&mut *conn)
        .await?;
    directory::refresh_contact(conn, master_id).await?;
    let child_name = contacts::name(conn, child_id).await?;
    audit::record(conn, AuditedRecord::Contact, master_id, "merge undone", None, child_name.as_deref(), by)
        .await
}

/// id, child, child's name, interactions moved, by, at, undone at.
type MergeRow = (i64, i64, String, i64, Option<String>, i64, Option<i64>);

/// The merges into this contact, newest first.
pub async fn list(conn: &mut Conn, master_id: i64) -> AppResult<Vec<MergeRecord>> {
    let rows: Vec<MergeRow> = sqlx::query_as(
        "SELECT m.id, m.child_id, c.first_name || ' ' || c.last_name, json_array_length(m.snapshot, '$.conversations'),
                u.display_name, m.at, m.undone_at
         FROM merges m JOIN contacts c ON c.id = m.child_id LEFT JOIN users u ON u.id = m.user_id
         WHERE m.master_id = $1 ORDER BY m.at DESC, m.id DESC",
    )
    .bind(master_id)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, child_id, child_name, interactions_moved, by, at, undone_at)| MergeRecord {
            id,
            master_id,
            child_id,
            child_name,
            interactions_moved,
            by: by.unwrap_or_else(|| audit::SYSTEM.to_owned()),
            at,
            undone_at,
        })
        .collect())
}
