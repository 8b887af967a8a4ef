//! Demo records: the company's tags with their colours and keyword rules, and the data that comes
//! with interactions (attached data) or that agents keep on them (custom data).

use sqlx::{Sqlite, Transaction};

/// The company's tags: name, background, text.
const TAGS: [(&str, &str, &str); 5] = [
    ("VIP", "#fdecc8", "#6b4300"),
    ("Complaint", "#fde2e1", "#7f1d1d"),
    ("Billing", "#dbeafe", "#1e3a8a"),
    ("Refund", "#dcf5e3", "#14532d"),
    ("Callback", "#ede9fe", "#4c1d95"),
];

/// Keywords in customer messages that tag the conversation, in the desk's languages.
const RULES: [(&str, &str); 9] = [
    ("reklamace", "Complaint"),
    ("complaint", "Complaint"),
    ("скарга", "Complaint"),
    ("refund", "Refund"),
    ("vrácení", "Refund"),
    ("повернення", "Refund"),
    ("faktura", "Billing"),
    ("invoice", "Billing"),
    ("рахунок", "Billing"),
];

pub async fn tags(tx: &mut Transaction<'_, Sqlite>, now: i64) -> anyhow::Result<()> {
    for (name, background, text) in TAGS {
        sqlx::query("INSERT INTO tags (name, background, text, created_at) VALUES (?, ?, ?, ?)")
            .bind(name)
            .bind(background)
            .bind(text)
            .bind(now)
            .execute(&mut **tx)
            .await?;
    }
    for (keyword, tag) in RULES {
        sqlx::query("INSERT INTO tag_rules (keyword, tag_id) SELECT ?, id FROM tags WHERE name = ?")
            .bind(keyword)
            .bind(tag)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Tags the conversation with the company tag of this name, as an agent did.
pub async fn tag(
    tx: &mut Transaction<'_, Sqlite>,
    conversation_id: i64,
    name: &str,
    agent_id: Option<i64>,
    at: i64,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT OR IGNORE INTO conversation_tags (conversation_id, tag_id, source, added_by, at)
         SELECT ?, id, 'company', ?, ? FROM tags WHERE name = ?",
    )
    .bind(conversation_id)
    .bind(agent_id)
    .bind(at)
    .bind(name)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Attached data (account number, service type) and custom data (plan, preferred contact time) on
/// every active conversation and on `contacts`' past ones, derived from the conversation's id.
pub async fn session_data(tx: &mut Transaction<'_, Sqlite>, contacts: &[i64]) -> anyhow::Result<()> {
    sqlx::query(
        "UPDATE conversations SET
             attached_data = json_array(
                 json_object('key', 'Account number', 'value', printf('ACC-%06d', 100000 + id * 7919 % 900000)),
                 json_object('key', 'Service type', 'value',
                     CASE id % 3 WHEN 0 THEN 'Fiber 1000' WHEN 1 THEN 'Mobile Plus' ELSE 'TV Basic' END)),
             custom_data = json_array(
                 json_object('key', 'Plan', 'value', CASE id % 2 WHEN 0 THEN 'Standard' ELSE 'Premium' END),
                 json_object('key', 'Preferred contact time', 'value',
                     CASE id % 3 WHEN 0 THEN 'Mornings' WHEN 1 THEN 'Afternoons' ELSE 'Evenings' END))
         WHERE status = 'active' OR contact_id IN (SELECT value FROM json_each(?))",
    )
    .bind(serde_json::to_string(contacts)?)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
