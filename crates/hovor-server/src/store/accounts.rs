//! Accounts (companies): read, created, edited and removed, versioned and audited like contacts.

use crate::db::Conn;
use hovor_types::audit::AuditedRecord;
use hovor_types::customer::{Account, AccountFields, ContactRef, DetailKind};

use super::audit::{self, Edit};
use super::details::{self, Owner};
use super::directory;
use super::versions::{self, Versioned};
use crate::error::{AppError, AppResult};

const AUDITED: AuditedRecord = AuditedRecord::Account;

#[derive(sqlx::FromRow)]
struct AccountRow {
    version: i64,
    name: String,
    city: String,
    country: String,
    primary_id: Option<i64>,
    primary_name: Option<String>,
}

pub async fn load(conn: &mut Conn, id: i64) -> AppResult<Option<Account>> {
    let row: Option<AccountRow> = sqlx::query_as(
        "SELECT a.version, a.name, a.city, a.country, p.id AS primary_id,
                p.first_name || ' ' || p.last_name AS primary_name
         FROM accounts a LEFT JOIN contacts p ON p.id = a.primary_contact_id WHERE a.id = $1",
    )
    .bind(id)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(r) = row else { return Ok(None) };
    let d = details::load(conn, Owner::Account(id)).await?;
    Ok(Some(Account {
        id,
        version: r.version,
        name: r.name,
        city: r.city,
        country: r.country,
        primary_contact: r.primary_id.map(|id| ContactRef { id, name: r.primary_name.unwrap_or_default() }),
        phones: d.phones,
        emails: d.emails,
        identifiers: d.identifiers,
        addresses: d.addresses,
    }))
}

pub async fn get(conn: &mut Conn, id: i64) -> AppResult<Account> {
    load(conn, id).await?.ok_or(AppError::NotFound)
}

/// The first phone, given on create (later phones are details).
fn phone(f: &AccountFields) -> Option<&str> {
    f.phone.as_deref().map(str::trim).filter(|p| !p.is_empty())
}

pub async fn create(conn: &mut Conn, f: &AccountFields, by: Edit) -> AppResult<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO accounts (name, city, country, updated_by, updated_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(f.name.trim())
    .bind(f.city.trim())
    .bind(f.country.trim())
    .bind(by.user)
    .bind(by.at)
    .fetch_one(&mut *conn)
    .await?;
    if let Some(phone) = phone(f) {
        details::insert_point(conn, Owner::Account(id), DetailKind::Phone, "", phone, true).await?;
    }
    directory::refresh_account(conn, id).await?;
    audit::record(conn, AUDITED, id, "created", None, Some(f.name.trim()), by).await?;
    Ok(id)
}

pub async fn update(conn: &mut Conn, id: i64, f: &AccountFields, by: Edit) -> AppResult<()> {
    versions::claim(conn, Versioned::Account, id, f.version, by).await?;
    let before = get(conn, id).await?;
    let (name, city, country) = (f.name.trim(), f.city.trim(), f.country.trim());
    sqlx::query("UPDATE accounts SET name = $1, city = $2, country = $3 WHERE id = $4")
        .bind(name)
        .bind(city)
        .bind(country)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    audit::changed(conn, AUDITED, id, "name", &before.name, name, by).await?;
    audit::changed(conn, AUDITED, id, "city", &before.city, city, by).await?;
    audit::changed(conn, AUDITED, id, "country", &before.country, country, by).await?;
    directory::refresh_account(conn, id).await
}

/// Removes the account; its contacts stay, without an account.
pub async fn remove(conn: &mut Conn, id: i64, version: Option<i64>, by: Edit) -> AppResult<()> {
    versions::claim(conn, Versioned::Account, id, version, by).await?;
    let name: String =
        sqlx::query_scalar("SELECT name FROM accounts WHERE id = $1").bind(id).fetch_one(&mut *conn).await?;
    sqlx::query("DELETE FROM accounts WHERE id = $1").bind(id).execute(&mut *conn).await?;
    audit::record(conn, AUDITED, id, "deleted", Some(&name), None, by).await
}
