//! The customer card: a contact with its phones, emails and addresses, and its account.

use hovor_types::customer::{Account, Address, Contact, ContactPoint, ContactRef, CustomerCard};
use sqlx::SqlitePool;

use crate::error::AppResult;

pub async fn card(pool: &SqlitePool, contact_id: Option<i64>) -> AppResult<CustomerCard> {
    let Some(contact_id) = contact_id else {
        return Ok(CustomerCard { contact: None, account: None });
    };
    let Some((first_name, last_name, language, account_id)) =
        sqlx::query_as::<_, (String, String, String, Option<i64>)>(
            "SELECT first_name, last_name, language, account_id FROM contacts WHERE id = ?",
        )
        .bind(contact_id)
        .fetch_optional(pool)
        .await?
    else {
        return Ok(CustomerCard { contact: None, account: None });
    };
    let points: Vec<(i64, String, String, String, bool)> = sqlx::query_as(
        "SELECT id, kind, value, label, is_default FROM contact_points WHERE contact_id = ? ORDER BY is_default DESC, id",
    )
    .bind(contact_id)
    .fetch_all(pool)
    .await?;
    let (mut phones, mut emails) = (Vec::new(), Vec::new());
    for (id, kind, value, label, is_default) in points {
        let point = ContactPoint { id, value, label, is_default };
        if kind == "phone" { phones.push(point) } else { emails.push(point) }
    }
    let addresses = sqlx::query_as::<_, (i64, String, String, String, String, String)>(
        "SELECT id, label, street, city, postcode, country FROM addresses WHERE contact_id = ? ORDER BY id",
    )
    .bind(contact_id)
    .fetch_all(pool)
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
    let account = match account_id {
        Some(id) => account(pool, id).await?,
        None => None,
    };
    let contact = Contact { id: contact_id, first_name, last_name, language, phones, emails, addresses };
    Ok(CustomerCard { contact: Some(contact), account })
}

async fn account(pool: &SqlitePool, id: i64) -> AppResult<Option<Account>> {
    let row: Option<AccountRow> = sqlx::query_as(
        "SELECT a.name, a.city, a.country, a.phone, p.id AS primary_id, p.first_name, p.last_name
         FROM accounts a LEFT JOIN contacts p ON p.id = a.primary_contact_id WHERE a.id = ?",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| Account {
        id,
        name: r.name,
        city: r.city,
        country: r.country,
        phone: r.phone,
        primary_contact: r.primary_id.map(|id| ContactRef {
            id,
            name: format!("{} {}", r.first_name.unwrap_or_default(), r.last_name.unwrap_or_default()),
        }),
    }))
}

#[derive(sqlx::FromRow)]
struct AccountRow {
    name: String,
    city: String,
    country: String,
    phone: Option<String>,
    primary_id: Option<i64>,
    first_name: Option<String>,
    last_name: Option<String>,
}
