//! Contacts: read with their details; created, edited and removed. Every edit claims the next
//! version, leaves its changes in the audit trail and rewrites the search key, in the caller's
//! immediate transaction.

use crate::db::{Conn, Flag};
use hovor_types::audit::AuditedRecord;
use hovor_types::customer::{Contact, ContactFields, DetailKind, NewContact};
use hovor_types::error::{FieldError, Rule};

use super::audit::{self, Edit};
use super::details::{self, Owner};
use super::directory;
use super::versions::{self, Versioned};
use crate::error::{AppError, AppResult};

const AUDITED: AuditedRecord = AuditedRecord::Contact;

#[derive(sqlx::FromRow)]
struct ContactRow {
    id: i64,
    version: i64,
    first_name: String,
    last_name: String,
    language: String,
    account_id: Option<i64>,
}

/// The contact whose phone has the digits of `number` (spaces, dashes, dots, brackets and `+`
/// dropped on both sides; the same SQL on SQLite and PostgreSQL), its default phone first: its id and
/// language.
pub async fn by_phone(conn: &mut Conn, number: &str) -> AppResult<Option<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT c.id, c.language FROM contact_points p JOIN contacts c ON c.id = p.contact_id
         WHERE p.kind = 'phone' AND c.merged_into IS NULL
           AND REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(p.value, ' ', ''), '-', ''), '.', ''),
                                       '(', ''), ')', ''), '+', '') = $1
         ORDER BY p.is_default DESC, c.id LIMIT 1",
    )
    .bind(hovor_types::validate::phone_digits(number))
    .fetch_optional(&mut *conn)
    .await?)
}

/// The contact with the email `address` (letters' case aside): its id and language.
pub async fn by_address(conn: &mut Conn, address: &str) -> AppResult<Option<(i64, String)>> {
    Ok(sqlx::query_as(
        "SELECT c.id, c.language FROM contact_points p JOIN contacts c ON c.id = p.contact_id AND c.merged_into IS NULL
         WHERE p.kind = 'email' AND lower(p.value) = lower($1) ORDER BY p.is_default DESC, p.id LIMIT 1",
    )
    .bind(address.trim())
    .fetch_optional(&mut *conn)
    .await?)
}

/// The contact with its details; `None` if absent or merged into another.
pub async fn load(conn: &mut Conn, id: i64) -> AppResult<Option<Contact>> {
    let row: Option<ContactRow> = sqlx::query_as(
        "SELECT id, version, first_name, last_name, language, account_id FROM contacts
         WHERE id = $1 AND merged_into IS NULL",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        Some(row) => Ok(Some(with_details(conn, row).await?)),
        None => Ok(None),
    }
}

/// Also a contact merged into another: the merge keeps it exactly as it was.
pub async fn load_any(conn: &mut Conn, id: i64) -> AppResult<Option<Contact>> {
    let row: Option<ContactRow> = sqlx::query_as(
        "SELECT id, version, first_name, last_name, language, account_id FROM contacts WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    match row {
        Some(row) => Ok(Some(with_details(conn, row).await?)),
        None => Ok(None),
    }
}

pub async fn get(conn: &mut Conn, id: i64) -> AppResult<Contact> {
    load(conn, id).await?.ok_or(AppError::NotFound)
}

async fn with_details(conn: &mut Conn, row: ContactRow) -> AppResult<Contact> {
    let d = details::load(conn, Owner::Contact(row.id)).await?;
    Ok(Contact {
        id: row.id,
        version: row.version,
        first_name: row.first_name,
        last_name: row.last_name,
        language: row.language,
        account_id: row.account_id,
        phones: d.phones,
        emails: d.emails,
        identifiers: d.identifiers,
        addresses: d.addresses,
    })
}

/// "First Last" of any contact, also one merged away.
pub async fn name(conn: &mut Conn, id: i64) -> AppResult<Option<String>> {
    Ok(sqlx::query_scalar("SELECT first_name || ' ' || last_name FROM contacts WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?)
}

async fn account_name(conn: &mut Conn, id: Option<i64>) -> AppResult<Option<String>> {
    let Some(id) = id else { return Ok(None) };
    Ok(sqlx::query_scalar("SELECT name FROM accounts WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?)
}

/// An account the contact may belong to: it must exist (422 `account_id`).
async fn check_account(conn: &mut Conn, id: Option<i64>) -> AppResult<()> {
    if id.is_some() && account_name(conn, id).await?.is_none() {
        return Err(FieldError::new("account_id", Rule::NotAnOption).into());
    }
    Ok(())
}

pub async fn create(conn: &mut Conn, new: &NewContact, by: Edit) -> AppResult<i64> {
    let f = &new.fields;
    check_account(conn, f.account_id).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO contacts (first_name, last_name, language, account_id, updated_by, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(f.first_name.trim())
    .bind(f.last_name.trim())
    .bind(&f.language)
    .bind(f.account_id)
    .bind(by.user)
    .bind(by.at)
    .fetch_one(&mut *conn)
    .await?;
    // Given with the contact, each becomes the default of its kind.
    for (kind, value) in [(DetailKind::Phone, &new.phone), (DetailKind::Email, &new.email)] {
        if let Some(value) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            details::insert_point(conn, Owner::Contact(id), kind, "", value, true).await?;
        }
    }
    directory::refresh_contact(conn, id).await?;
    let name = format!("{} {}", f.first_name.trim(), f.last_name.trim());
    audit::record(conn, AUDITED, id, "created", None, Some(&name), by).await?;
    Ok(id)
}

/// Names, language and account.
pub async fn update(conn: &mut Conn, id: i64, f: &ContactFields, by: Edit) -> AppResult<()> {
    versions::claim(conn, Versioned::Contact, id, f.version, by).await?;
    let before = get(conn, id).await?;
    if f.account_id != before.account_id {
        check_account(conn, f.account_id).await?;
    }
    let (first, last) = (f.first_name.trim(), f.last_name.trim());
    sqlx::query(
        "UPDATE contacts SET first_name = $1, last_name = $2, language = $3, account_id = $4 WHERE id = $5",
    )
    .bind(first)
    .bind(last)
    .bind(&f.language)
    .bind(f.account_id)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    audit::changed(conn, AUDITED, id, "first_name", &before.first_name, first, by).await?;
    audit::changed(conn, AUDITED, id, "last_name", &before.last_name, last, by).await?;
    audit::changed(conn, AUDITED, id, "language", &before.language, &f.language, by).await?;
    if f.account_id != before.account_id {
        let old = account_name(conn, before.account_id).await?;
        let new = account_name(conn, f.account_id).await?;
        audit::record(conn, AUDITED, id, "account", old.as_deref(), new.as_deref(), by).await?;
    }
    directory::refresh_contact(conn, id).await
}

/// Sets the contact's account on behalf of a link made elsewhere (Add account in the card).
pub async fn set_account(conn: &mut Conn, id: i64, account_id: i64, by: Edit) -> AppResult<()> {
    let before = get(conn, id).await?;
    sqlx::query(
        "UPDATE contacts SET account_id = $1, version = version + 1, updated_by = $2, updated_at = $3 WHERE id = $4",
    )
    .bind(account_id)
    .bind(by.user)
    .bind(by.at)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    let old = account_name(conn, before.account_id).await?;
    let new = account_name(conn, Some(account_id)).await?;
    audit::record(conn, AUDITED, id, "account", old.as_deref(), new.as_deref(), by).await
}

/// Removes the contact from the directory. Its conversations, messages and cases stay, without a
/// contact; contacts merged into it go with it (they were the same person).
pub async fn remove(conn: &mut Conn, id: i64, version: Option<i64>, by: Edit) -> AppResult<()> {
    versions::claim(conn, Versioned::Contact, id, version, by).await?;
    let name = name(conn, id).await?;
    sqlx::query(
        "DELETE FROM contacts WHERE id IN (
             WITH RECURSIVE merged(id) AS (
                 SELECT id FROM contacts WHERE merged_into = $1
                 UNION ALL SELECT c.id FROM contacts c JOIN merged m ON c.merged_into = m.id)
             SELECT id FROM merged)",
    )
    .bind(id)
    .execute(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM contacts WHERE id = $1").bind(id).execute(&mut *conn).await?;
    audit::record(conn, AUDITED, id, "deleted", name.as_deref(), None, by).await
}

/// Refuses a contact that is absent or merged away, as a choice in a form (422 `field`).
pub async fn check_linkable(conn: &mut Conn, id: i64, field: &'static str) -> AppResult<()> {
    let Flag(ok) =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM contacts WHERE id = $1 AND merged_into IS NULL)")
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
    if ok { Ok(()) } else { Err(FieldError::new(field, Rule::NotAnOption).into()) }
}
