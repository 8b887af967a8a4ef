//! Directory search: contacts and accounts found by their search keys, and the keys themselves.
//! A key can't be computed in SQL (folding is Unicode work), so every write that changes a name,
//! a detail or a title rewrites its record's key in the same transaction, and the start fills any
//! row that has none.

use std::collections::HashMap;

use crate::db::Conn;
use hovor_types::directory::{DIRECTORY_PAGE, DirectoryEntry, DirectoryPage, RecordKind, search_key};

use super::conversations::bad_value;
use crate::error::AppResult;

/// A record's key: its names, emails and identifiers as text, phones as digits.
fn record_key(names: [&str; 2], points: &[(String, String)]) -> String {
    let texts = names
        .into_iter()
        .chain(points.iter().filter(|(kind, _)| kind != "phone").map(|(_, value)| value.as_str()));
    let phones = points.iter().filter(|(kind, _)| kind == "phone").map(|(_, value)| value.as_str());
    search_key(texts, phones)
}

fn case_key(number: &str, title: &str) -> String {
    search_key([number, title], [])
}

pub async fn refresh_contact(conn: &mut Conn, id: i64) -> AppResult<()> {
    let (first, last): (String, String) =
        sqlx::query_as("SELECT first_name, last_name FROM contacts WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *conn)
            .await?;
    let points: Vec<(String, String)> =
        sqlx::query_as("SELECT kind, value FROM contact_points WHERE contact_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
    sqlx::query("UPDATE contacts SET search_key = $1 WHERE id = $2")
        .bind(record_key([&first, &last], &points))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn refresh_account(conn: &mut Conn, id: i64) -> AppResult<()> {
    let (name, city): (String, String) = sqlx::query_as("SELECT name, city FROM accounts WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    let points: Vec<(String, String)> =
        sqlx::query_as("SELECT kind, value FROM contact_points WHERE account_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(&mut *conn)
            .await?;
    sqlx::query("UPDATE accounts SET search_key = $1 WHERE id = $2")
        .bind(record_key([&name, &city], &points))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn refresh_case(conn: &mut Conn, id: i64) -> AppResult<()> {
    let (number, title): (String, String) = sqlx::query_as("SELECT number, title FROM cases WHERE id = $1")
        .bind(id)
        .fetch_one(&mut *conn)
        .await?;
    sqlx::query("UPDATE cases SET search_key = $1 WHERE id = $2")
        .bind(case_key(&number, &title))
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Computes the key of every contact, account and case that has none (rows written before keys
/// existed, or by the demo generator). Idempotent; cheap when every row has its key.
pub async fn fill_missing_keys(conn: &mut Conn) -> AppResult<()> {
    let contacts: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT id, first_name, last_name FROM contacts WHERE search_key = ''")
            .fetch_all(&mut *conn)
            .await?;
    if !contacts.is_empty() {
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT contact_id, kind, value FROM contact_points
             WHERE contact_id IN (SELECT id FROM contacts WHERE search_key = '') ORDER BY id",
        )
        .fetch_all(&mut *conn)
        .await?;
        let mut points: HashMap<i64, Vec<(String, String)>> = HashMap::new();
        for (contact_id, kind, value) in rows {
            points.entry(contact_id).or_default().push((kind, value));
        }
        for (id, first, last) in contacts {
            let key = record_key([&first, &last], points.get(&id).map_or(&[][..], Vec::as_slice));
            sqlx::query("UPDATE contacts SET search_key = $1 WHERE id = $2")
                .bind(key)
                .bind(id)
                .execute(&mut *conn)
                .await?;
        }
    }
    let accounts: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM accounts WHERE search_key = ''").fetch_all(&mut *conn).await?;
    for id in accounts {
        refresh_account(conn, id).await?;
    }
    let cases: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT id, number, title FROM cases WHERE search_key = ''")
            .fetch_all(&mut *conn)
            .await?;
    for (id, number, title) in cases {
        sqlx::query("UPDATE cases SET search_key = $1 WHERE id = $2")
            .bind(case_key(&number, &title))
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Contacts (not merged away) and accounts whose key contains every term (`?1`, a JSON array).
/// One fixed statement whatever the number of terms: `json_each` lists them.
macro_rules! found {
    () => {
        "WITH found AS (
             SELECT 'contact' AS kind, c.id, c.first_name || ' ' || c.last_name AS name, c.search_key AS sort_key,
                    c.account_id, NULL AS city
             FROM contacts c
             WHERE c.merged_into IS NULL
               AND NOT EXISTS (SELECT 1 FROM json_each($1) t WHERE instr(c.search_key, t.value) = 0)
             UNION ALL
             SELECT 'account', a.id, a.name, a.search_key, NULL, a.city
             FROM accounts a
             WHERE NOT EXISTS (SELECT 1 FROM json_each($1) t WHERE instr(a.search_key, t.value) = 0)
         ) "
    };
}

#[derive(sqlx::FromRow)]
struct EntryRow {
    kind: String,
    id: i64,
    name: String,
    city: Option<String>,
    email: Option<String>,
    phone: Option<String>,
    account: Option<String>,
}

/// One page of the records matching every term, ordered by their folded names.
pub async fn page(conn: &mut Conn, terms: &[String], page: u32) -> AppResult<DirectoryPage> {
    let terms = serde_json::to_string(terms).map_err(|e| crate::error::AppError::Internal(e.into()))?;
    let total: i64 = sqlx::query_scalar(concat!(found!(), "SELECT COUNT(*) FROM found"))
        .bind(&terms)
        .fetch_one(&mut *conn)
        .await?;
    let rows: Vec<EntryRow> = sqlx::query_as(concat!(
        found!(),
        "SELECT f.kind, f.id, f.name, f.city,
                (SELECT value FROM contact_points WHERE f.kind = 'contact' AND contact_id = f.id
                   AND kind = 'email' AND is_default = 1) AS email,
                (SELECT value FROM contact_points WHERE f.kind = 'contact' AND contact_id = f.id
                   AND kind = 'phone' AND is_default = 1) AS phone,
                (SELECT name FROM accounts WHERE id = f.account_id) AS account
         FROM (SELECT * FROM found ORDER BY sort_key, kind, id LIMIT $2 OFFSET $3) f
         ORDER BY f.sort_key, f.kind, f.id"
    ))
    .bind(&terms)
    .bind(i64::from(DIRECTORY_PAGE))
    .bind(i64::from(page) * i64::from(DIRECTORY_PAGE))
    .fetch_all(&mut *conn)
    .await?;
    let entries = rows
        .into_iter()
        .map(|r| {
            let kind = RecordKind::parse(&r.kind).ok_or_else(|| bad_value("kind", &r.kind))?;
            let detail = match kind {
                RecordKind::Contact => {
                    [r.email, r.phone].into_iter().flatten().collect::<Vec<_>>().join(" · ")
                }
                RecordKind::Account => r.city.unwrap_or_default(),
            };
            Ok(DirectoryEntry { kind, id: r.id, name: r.name, detail, account: r.account })
        })
        .collect::<AppResult<_>>()?;
    Ok(DirectoryPage { entries, page, total: u32::try_from(total).unwrap_or(u32::MAX) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contact_is_found_by_every_detail_but_phones_only_as_digits() {
        let points = vec![
            ("phone".to_owned(), "+420 602 123 456".to_owned()),
            ("email".to_owned(), "Jana@Example.cz".to_owned()),
            ("identifier".to_owned(), "C-10427".to_owned()),
        ];
        let key = record_key(["Jana", "Nováková"], &points);
        assert!(key.contains(" novakova "));
        assert!(key.contains("jana@example.cz"));
        assert!(key.contains("c-10427"));
        assert!(key.contains("420602123456"));
        assert!(!key.contains("+420"));
    }
}
