//! The details of a contact or an account: phones, emails and identifiers (one default phone and one
//! default email) and addresses. Every change claims the owner's next version, is audited on the owner
//! and rewrites its search key, in the caller's immediate transaction.

use crate::db::{Conn, Flag};
use hovor_types::audit::AuditedRecord;
use hovor_types::customer::{Address, AddressFields, ContactPoint, DetailKind, NewDetail};
use hovor_types::error::{FieldError, Rule};

use super::audit::{self, Edit};
use super::conversations::bad_value;
use super::directory;
use super::versions::{self, Versioned};
use crate::error::{AppError, AppResult};

/// Whose details: a row carries `contact_id` or `account_id` (never both).
/// One statement for either owner: `owner_sql!(owner, "… WHERE ", " = ? …")` puts `contact_id` or
/// `account_id` between the parts, so each query is a constant that uses its owner's index.
macro_rules! owner_sql {
    ($owner:expr, $before:literal, $after:literal) => {
        match $owner {
            Owner::Contact(_) => concat!($before, "contact_id", $after),
            Owner::Account(_) => concat!($before, "account_id", $after),
        }
    };
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Owner {
    Contact(i64),
    Account(i64),
}

impl Owner {
    fn id(self) -> i64 {
        match self {
            Owner::Contact(id) | Owner::Account(id) => id,
        }
    }

    /// (contact_id, account_id) of a new row.
    fn columns(self) -> (Option<i64>, Option<i64>) {
        match self {
            Owner::Contact(id) => (Some(id), None),
            Owner::Account(id) => (None, Some(id)),
        }
    }

    fn versioned(self) -> Versioned {
        match self {
            Owner::Contact(_) => Versioned::Contact,
            Owner::Account(_) => Versioned::Account,
        }
    }

    fn audited(self) -> AuditedRecord {
        match self {
            Owner::Contact(_) => AuditedRecord::Contact,
            Owner::Account(_) => AuditedRecord::Account,
        }
    }

    async fn claim(self, conn: &mut Conn, version: Option<i64>, by: Edit) -> AppResult<()> {
        versions::claim(conn, self.versioned(), self.id(), version, by).await.map(|_| ())
    }

    async fn audit(
        self,
        conn: &mut Conn,
        field: &str,
        old: Option<&str>,
        new: Option<&str>,
        by: Edit,
    ) -> AppResult<()> {
        audit::record(conn, self.audited(), self.id(), field, old, new, by).await
    }

    async fn refresh(self, conn: &mut Conn) -> AppResult<()> {
        match self {
            Owner::Contact(id) => directory::refresh_contact(conn, id).await,
            Owner::Account(id) => directory::refresh_account(conn, id).await,
        }
    }
}

/// An owner's details, each list in display order (defaults first, then oldest first).
#[derive(Debug, Default)]
pub struct Details {
    pub phones: Vec<ContactPoint>,
    pub emails: Vec<ContactPoint>,
    pub identifiers: Vec<ContactPoint>,
    pub addresses: Vec<Address>,
}

pub async fn load(conn: &mut Conn, owner: Owner) -> AppResult<Details> {
    let points: Vec<(i64, String, String, String, Flag)> = sqlx::query_as(owner_sql!(
        owner,
        "SELECT id, kind, value, label, is_default FROM contact_points
         WHERE ",
        " = $1 ORDER BY is_default DESC, id"
    ))
    .bind(owner.id())
    .fetch_all(&mut *conn)
    .await?;
    let mut details = Details::default();
    for (id, kind, value, label, Flag(is_default)) in points {
        let point = ContactPoint { id, value, label, is_default };
        match DetailKind::parse(&kind).ok_or_else(|| bad_value("kind", &kind))? {
            DetailKind::Phone => details.phones.push(point),
            DetailKind::Email => details.emails.push(point),
            DetailKind::Identifier => details.identifiers.push(point),
        }
    }
    details.addresses = sqlx::query_as::<_, (i64, String, String, String, String, String)>(owner_sql!(
        owner,
        "SELECT id, label, street, city, postcode, country FROM addresses
         WHERE ",
        " = $1 ORDER BY id"
    ))
    .bind(owner.id())
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|(id, label, street, city, postcode, country)| Address {
        id,
        label,
        street,
        city,
        postcode,
        country,
    })
    .collect();
    Ok(details)
}

pub async fn insert_point(
    conn: &mut Conn,
    owner: Owner,
    kind: DetailKind,
    label: &str,
    value: &str,
    is_default: bool,
) -> AppResult<i64> {
    let (contact, account) = owner.columns();
    Ok(sqlx::query_scalar(
        "INSERT INTO contact_points (contact_id, account_id, kind, value, label, is_default)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(contact)
    .bind(account)
    .bind(kind.as_str())
    .bind(value)
    .bind(label)
    .bind(i64::from(is_default))
    .fetch_one(&mut *conn)
    .await?)
}

/// Adds a phone, an email or an identifier. A phone or email becomes the default when asked, or
/// when the owner has no default of its kind; an identifier never is.
pub async fn add(conn: &mut Conn, owner: Owner, d: &NewDetail, by: Edit) -> AppResult<()> {
    owner.claim(conn, d.version, by).await?;
    let (label, value) = (d.label.trim(), d.value.trim());
    let old_default = default_of(conn, owner, d.kind).await?;
    let is_default = d.kind != DetailKind::Identifier && (d.make_default || old_default.is_none());
    if is_default {
        // The old default gives way first: one default per kind is a unique index.
        clear_default(conn, owner, d.kind).await?;
    }
    insert_point(conn, owner, d.kind, label, value, is_default).await?;
    owner.audit(conn, &detail_field(d.kind, label), None, Some(value), by).await?;
    if is_default && let Some((_, old)) = old_default {
        owner.audit(conn, &format!("default {}", d.kind.as_str()), Some(&old), Some(value), by).await?;
    }
    owner.refresh(conn).await
}

async fn clear_default(conn: &mut Conn, owner: Owner, kind: DetailKind) -> AppResult<()> {
    sqlx::query(owner_sql!(
        owner,
        "UPDATE contact_points SET is_default = 0
         WHERE ",
        " = $1 AND kind = $2 AND is_default = 1"
    ))
    .bind(owner.id())
    .bind(kind.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The owner's default detail of a kind: (id, value).
async fn default_of(conn: &mut Conn, owner: Owner, kind: DetailKind) -> AppResult<Option<(i64, String)>> {
    Ok(sqlx::query_as(owner_sql!(
        owner,
        "SELECT id, value FROM contact_points
         WHERE ",
        " = $1 AND kind = $2 AND is_default = 1"
    ))
    .bind(owner.id())
    .bind(kind.as_str())
    .fetch_optional(&mut *conn)
    .await?)
}

/// One of the owner's details: (kind, label, value, is_default); `NotFound` if it is not theirs.
async fn point(
    conn: &mut Conn,
    owner: Owner,
    detail_id: i64,
) -> AppResult<(DetailKind, String, String, bool)> {
    let row: Option<(String, String, String, Flag)> = sqlx::query_as(owner_sql!(
        owner,
        "SELECT kind, label, value, is_default FROM contact_points
         WHERE id = $1 AND ",
        " = $2"
    ))
    .bind(detail_id)
    .bind(owner.id())
    .fetch_optional(&mut *conn)
    .await?;
    let (kind, label, value, Flag(is_default)) = row.ok_or(AppError::NotFound)?;
    Ok((DetailKind::parse(&kind).ok_or_else(|| bad_value("kind", &kind))?, label, value, is_default))
}

/// Mark as default: the phone or email becomes its kind's default.
pub async fn set_default(
    conn: &mut Conn,
    owner: Owner,
    detail_id: i64,
    version: Option<i64>,
    by: Edit,
) -> AppResult<()> {
    hovor_types::validate::version(version)?;
    let (kind, _, value, is_default) = point(conn, owner, detail_id).await?;
    if kind == DetailKind::Identifier {
        return Err(FieldError::new("detail_id", Rule::NotAnOption).into());
    }
    owner.claim(conn, version, by).await?;
    if is_default {
        return Ok(());
    }
    let old = default_of(conn, owner, kind).await?;
    clear_default(conn, owner, kind).await?;
    sqlx::query("UPDATE contact_points SET is_default = 1 WHERE id = $1")
        .bind(detail_id)
        .execute(&mut *conn)
        .await?;
    let field = format!("default {}", kind.as_str());
    owner.audit(conn, &field, old.map(|(_, v)| v).as_deref(), Some(&value), by).await
}

/// Removes a detail; when it was the default, the oldest remaining of its kind takes over.
pub async fn remove(
    conn: &mut Conn,
    owner: Owner,
    detail_id: i64,
    version: Option<i64>,
    by: Edit,
) -> AppResult<()> {
    hovor_types::validate::version(version)?;
    let (kind, label, value, is_default) = point(conn, owner, detail_id).await?;
    owner.claim(conn, version, by).await?;
    sqlx::query("DELETE FROM contact_points WHERE id = $1").bind(detail_id).execute(&mut *conn).await?;
    if is_default {
        sqlx::query(owner_sql!(
            owner,
            "UPDATE contact_points SET is_default = 1
             WHERE id = (SELECT id FROM contact_points
                         WHERE ",
            " = $1 AND kind = $2 ORDER BY id LIMIT 1)"
        ))
        .bind(owner.id())
        .bind(kind.as_str())
        .execute(&mut *conn)
        .await?;
    }
    owner.audit(conn, &detail_field(kind, &label), Some(&value), None, by).await?;
    owner.refresh(conn).await
}

/// How a detail is named in the audit trail: "phone", "email", "identifier:Customer number".
fn detail_field(kind: DetailKind, label: &str) -> String {
    match kind {
        DetailKind::Identifier => format!("identifier:{label}"),
        kind => kind.as_str().to_owned(),
    }
}

fn trimmed(id: i64, a: &AddressFields) -> Address {
    Address {
        id,
        label: a.label.trim().to_owned(),
        street: a.street.trim().to_owned(),
        city: a.city.trim().to_owned(),
        postcode: a.postcode.trim().to_owned(),
        country: a.country.trim().to_owned(),
    }
}

pub async fn add_address(conn: &mut Conn, owner: Owner, a: &AddressFields, by: Edit) -> AppResult<i64> {
    owner.claim(conn, a.version, by).await?;
    let new = trimmed(0, a);
    let (contact, account) = owner.columns();
    let id = sqlx::query_scalar(
        "INSERT INTO addresses (contact_id, account_id, label, street, city, postcode, country)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(contact)
    .bind(account)
    .bind(&new.label)
    .bind(&new.street)
    .bind(&new.city)
    .bind(&new.postcode)
    .bind(&new.country)
    .fetch_one(&mut *conn)
    .await?;
    owner.audit(conn, &address_field(&new.label), None, Some(&new.one_line()), by).await?;
    Ok(id)
}

fn address_field(label: &str) -> String {
    if label.is_empty() { "address".to_owned() } else { format!("address:{label}") }
}

async fn address(conn: &mut Conn, owner: Owner, address_id: i64) -> AppResult<Address> {
    let row: Option<(String, String, String, String, String)> = sqlx::query_as(owner_sql!(
        owner,
        "SELECT label, street, city, postcode, country FROM addresses
         WHERE id = $1 AND ",
        " = $2"
    ))
    .bind(address_id)
    .bind(owner.id())
    .fetch_optional(&mut *conn)
    .await?;
    let (label, street, city, postcode, country) = row.ok_or(AppError::NotFound)?;
    Ok(Address { id: address_id, label, street, city, postcode, country })
}

pub async fn update_address(
    conn: &mut Conn,
    owner: Owner,
    address_id: i64,
    a: &AddressFields,
    by: Edit,
) -> AppResult<()> {
    let before = address(conn, owner, address_id).await?;
    owner.claim(conn, a.version, by).await?;
    let after = trimmed(address_id, a);
    sqlx::query(
        "UPDATE addresses SET label = $1, street = $2, city = $3, postcode = $4, country = $5 WHERE id = $6",
    )
    .bind(&after.label)
    .bind(&after.street)
    .bind(&after.city)
    .bind(&after.postcode)
    .bind(&after.country)
    .bind(address_id)
    .execute(&mut *conn)
    .await?;
    if before != after {
        let (old, new) = (before.one_line(), after.one_line());
        owner.audit(conn, &address_field(&after.label), Some(&old), Some(&new), by).await?;
    }
    Ok(())
}

pub async fn remove_address(
    conn: &mut Conn,
    owner: Owner,
    address_id: i64,
    version: Option<i64>,
    by: Edit,
) -> AppResult<()> {
    hovor_types::validate::version(version)?;
    let before = address(conn, owner, address_id).await?;
    owner.claim(conn, version, by).await?;
    sqlx::query("DELETE FROM addresses WHERE id = $1").bind(address_id).execute(&mut *conn).await?;
    owner.audit(conn, &address_field(&before.label), Some(&before.one_line()), None, by).await
}
