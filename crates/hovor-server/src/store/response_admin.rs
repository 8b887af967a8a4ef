//! The administration of the standard responses library: categories (a tree) and responses, each change
//! audited in the transaction that makes it.

use hovor_types::error::Reason;
use std::collections::HashMap;

use crate::db::{Conn, Flag};
use hovor_types::audit::AuditedRecord;
use hovor_types::error::{FieldError, Rule};
use hovor_types::response::{
    CATEGORY_DEPTH_MAX, CategoryFields, ResponseCategory, ResponseFields, StandardResponse, check_parent,
    subtree_height, validate_category, validate_response,
};

use super::audit::{self, Edit};
use super::responses::{phrases_column, phrases_of_column};
use super::versions::{self, Versioned};
use crate::error::{AppError, AppResult};

/// Every category with its parent and how many responses it holds directly, by name.
pub async fn categories(conn: &mut Conn) -> AppResult<Vec<ResponseCategory>> {
    let rows: Vec<(i64, Option<i64>, String, i64)> = sqlx::query_as(
        "SELECT k.id, k.parent_id, k.name, (SELECT count(*) FROM responses r WHERE r.category_id = k.id)
         FROM response_categories k ORDER BY lower(k.name), k.id",
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, parent_id, name, responses)| ResponseCategory {
            id,
            parent_id,
            name,
            responses: responses as u32,
        })
        .collect())
}

/// Checks that the category may sit under `parent`: the parent exists, and the tree stays acyclic and
/// within its depth.
async fn check_place(conn: &mut Conn, category: Option<i64>, parent: Option<i64>) -> AppResult<()> {
    let tree: HashMap<i64, Option<i64>> = sqlx::query_as("SELECT id, parent_id FROM response_categories")
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .collect();
    if parent.is_some_and(|p| !tree.contains_key(&p)) {
        return Err(FieldError::new("parent_id", Rule::NotAnOption).into());
    }
    let height = category.map_or(1, |c| subtree_height(&tree, c));
    check_parent(category, parent, |id| tree.get(&id).copied().flatten(), height)?;
    Ok(())
}

/// A category's place for the audit trail, which outlives ids: its path from the top ("Billing › Refunds"),
/// since names repeat under different parents. The top level is blank.
async fn name_of(conn: &mut Conn, category: Option<i64>) -> AppResult<String> {
    let mut path = Vec::new();
    let mut at = category;
    while let Some(id) = at.filter(|_| path.len() < CATEGORY_DEPTH_MAX) {
        let row: Option<(String, Option<i64>)> =
            sqlx::query_as("SELECT name, parent_id FROM response_categories WHERE id = $1")
                .bind(id)
                .fetch_optional(&mut *conn)
                .await?;
        let Some((name, parent)) = row else { break };
        path.push(name);
        at = parent;
    }
    path.reverse();
    Ok(path.join(" › "))
}

pub async fn create_category(conn: &mut Conn, f: &CategoryFields, by: Edit) -> AppResult<i64> {
    let name = validate_category(f)?;
    check_place(conn, None, f.parent_id).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO response_categories (key, name, parent_id) VALUES ($1, $2, $3) RETURNING id",
    )
    // A category made here has no key of the seeded library's; a random one keeps keys unique.
    .bind(hex::encode(rand::random::<[u8; 8]>()))
    .bind(&name)
    .bind(f.parent_id)
    .fetch_one(&mut *conn)
    .await?;
    audit::record(conn, AuditedRecord::ResponseCategory, id, "created", None, Some(&name), by).await?;
    Ok(id)
}

pub async fn update_category(conn: &mut Conn, id: i64, f: &CategoryFields, by: Edit) -> AppResult<()> {
    let name = validate_category(f)?;
    let before: Option<(String, Option<i64>)> =
        sqlx::query_as("SELECT name, parent_id FROM response_categories WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut *conn)
            .await?;
    let Some((old_name, old_parent)) = before else { return Err(AppError::NotFound) };
    check_place(conn, Some(id), f.parent_id).await?;
    sqlx::query("UPDATE response_categories SET name = $1, parent_id = $2 WHERE id = $3")
        .bind(&name)
        .bind(f.parent_id)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    let rec = AuditedRecord::ResponseCategory;
    audit::changed(conn, rec, id, "name", &old_name, &name, by).await?;
    if old_parent != f.parent_id {
        let (old, new) = (name_of(conn, old_parent).await?, name_of(conn, f.parent_id).await?);
        audit::changed(conn, rec, id, "parent", &old, &new, by).await?;
    }
    Ok(())
}

/// Removes an empty category; one that still holds responses or categories is refused.
pub async fn delete_category(conn: &mut Conn, id: i64, by: Edit) -> AppResult<()> {
    let name: Option<String> = sqlx::query_scalar("SELECT name FROM response_categories WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(name) = name else { return Err(AppError::NotFound) };
    let Flag(in_use) = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM responses WHERE category_id = $1)
             OR EXISTS (SELECT 1 FROM response_categories WHERE parent_id = $1)",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    if in_use {
        return Err(AppError::Conflict(Reason::CategoryNotEmpty));
    }
    sqlx::query("DELETE FROM response_categories WHERE id = $1").bind(id).execute(&mut *conn).await?;
    audit::record(conn, AuditedRecord::ResponseCategory, id, "deleted", Some(&name), None, by).await?;
    Ok(())
}

type ResponseRow = (i64, i64, String, String, String, Option<String>, String, i64);

fn response(
    (id, category_id, language, title, body, shortcut, phrases, version): ResponseRow,
) -> StandardResponse {
    let phrases = phrases_of_column(&phrases);
    StandardResponse { id, category_id, language, title, body, shortcut, phrases, version }
}

pub async fn load(conn: &mut Conn, id: i64) -> AppResult<Option<StandardResponse>> {
    let row: Option<ResponseRow> = sqlx::query_as(concat!(
        "SELECT id, category_id, language, title, body, shortcut, phrases, version FROM responses",
        " WHERE id = $1"
    ))
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.map(response))
}

/// The responses of a category (every language), by language and title.
pub async fn list(conn: &mut Conn, category: i64) -> AppResult<Vec<StandardResponse>> {
    let rows: Vec<ResponseRow> = sqlx::query_as(concat!(
        "SELECT id, category_id, language, title, body, shortcut, phrases, version FROM responses",
        " WHERE category_id = $1 ORDER BY language, lower(title), id"
    ))
    .bind(category)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rows.into_iter().map(response).collect())
}

/// The form's category must exist and its shortcut be free in its language.
async fn check_response(conn: &mut Conn, id: Option<i64>, f: &ResponseFields) -> AppResult<()> {
    let Flag(category) =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM response_categories WHERE id = $1)")
            .bind(f.category_id)
            .fetch_one(&mut *conn)
            .await?;
    if !category {
        return Err(FieldError::new("category_id", Rule::NotAnOption).into());
    }
    if let Some(shortcut) = &f.shortcut {
        let Flag(taken) = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM responses WHERE language = $1 AND shortcut = $2 AND id IS DISTINCT FROM $3)",
        )
        .bind(&f.language)
        .bind(shortcut)
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
        if taken {
            return Err(FieldError::new("shortcut", Rule::Taken).into());
        }
    }
    Ok(())
}

pub async fn create(conn: &mut Conn, f: &ResponseFields, by: Edit) -> AppResult<StandardResponse> {
    let f = validate_response(f)?;
    check_response(conn, None, &f).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO responses (category_id, language, title, body, shortcut, phrases, updated_by, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(f.category_id)
    .bind(&f.language)
    .bind(&f.title)
    .bind(&f.body)
    .bind(&f.shortcut)
    .bind(phrases_column(&f.phrases))
    .bind(by.user)
    .bind(by.at)
    .fetch_one(&mut *conn)
    .await?;
    audit::record(conn, AuditedRecord::Response, id, "created", None, Some(&f.title), by).await?;
    load(conn, id).await?.ok_or(AppError::NotFound)
}

/// Saves an edit made on `f.version`; an older version is answered with the response as it is now.
pub async fn update(conn: &mut Conn, id: i64, f: &ResponseFields, by: Edit) -> AppResult<StandardResponse> {
    let f = validate_response(f)?;
    let Some(before) = load(conn, id).await? else { return Err(AppError::NotFound) };
    check_response(conn, Some(id), &f).await?;
    versions::claim(conn, Versioned::Response, id, f.version, by).await?;
    sqlx::query(
        "UPDATE responses SET category_id = $1, language = $2, title = $3, body = $4, shortcut = $5, phrases = $6
         WHERE id = $7",
    )
    .bind(f.category_id)
    .bind(&f.language)
    .bind(&f.title)
    .bind(&f.body)
    .bind(&f.shortcut)
    .bind(phrases_column(&f.phrases))
    .bind(id)
    .execute(&mut *conn)
    .await?;
    let rec = AuditedRecord::Response;
    if before.category_id != f.category_id {
        let old = name_of(conn, Some(before.category_id)).await?;
        let new = name_of(conn, Some(f.category_id)).await?;
        audit::changed(conn, rec, id, "category", &old, &new, by).await?;
    }
    audit::changed(conn, rec, id, "language", &before.language, &f.language, by).await?;
    audit::changed(conn, rec, id, "title", &before.title, &f.title, by).await?;
    audit::changed(conn, rec, id, "body", &before.body, &f.body, by).await?;
    let shortcut = |s: &Option<String>| s.clone().unwrap_or_default();
    audit::changed(conn, rec, id, "shortcut", &shortcut(&before.shortcut), &shortcut(&f.shortcut), by)
        .await?;
    let (old, new) = (phrases_column(&before.phrases), phrases_column(&f.phrases));
    audit::changed(conn, rec, id, "phrases", &old, &new, by).await?;
    load(conn, id).await?.ok_or(AppError::NotFound)
}

pub async fn delete(conn: &mut Conn, id: i64, by: Edit) -> AppResult<()> {
    let Some(before) = load(conn, id).await? else { return Err(AppError::NotFound) };
    sqlx::query("DELETE FROM responses WHERE id = $1").bind(id).execute(&mut *conn).await?;
    audit::record(conn, AuditedRecord::Response, id, "deleted", Some(&before.title), None, by).await?;
    Ok(())
}
