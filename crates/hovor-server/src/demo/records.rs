//! Demo records: the company's tags with their colours and keyword rules, and the data that comes
//! with interactions (attached data) or that agents keep on them (custom data).

use crate::db::Db;
use sqlx::Transaction;

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

pub async fn tags(tx: &mut Transaction<'_, Db>, now: i64) -> anyhow::Result<()> {
    for (name, background, text) in TAGS {
        sqlx::query("INSERT INTO tags (name, background, text, created_at) VALUES ($1, $2, $3, $4)")
            .bind(name)
            .bind(background)
            .bind(text)
            .bind(now)
            .execute(&mut **tx)
            .await?;
    }
    for (keyword, tag) in RULES {
        sqlx::query("INSERT INTO tag_rules (keyword, tag_id) SELECT $1, id FROM tags WHERE name = $2")
            .bind(keyword)
            .bind(tag)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Tags the conversation with the company tag of this name, as an agent did.
pub async fn tag(
    tx: &mut Transaction<'_, Db>,
    conversation_id: i64,
    name: &str,
    agent_id: Option<i64>,
    at: i64,
) -> anyhow::Result<()> {
    sqlx::query(
        "INSERT INTO conversation_tags (conversation_id, tag_id, source, added_by, at)
         SELECT $1, id, 'company', $2, $3 FROM tags WHERE name = $4 ON CONFLICT DO NOTHING",
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
pub async fn session_data(tx: &mut Transaction<'_, Db>, contacts: &[i64]) -> anyhow::Result<()> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM conversations
         WHERE status = 'active' OR contact_id IN (SELECT CAST(value AS BIGINT) FROM json_each($1))",
    )
    .bind(serde_json::to_string(contacts)?)
    .fetch_all(&mut **tx)
    .await?;
    for id in ids {
        let pick = |options: &[&'static str]| options[id.rem_euclid(options.len() as i64) as usize];
        let attached = serde_json::json!([
            {"key": "Account number", "value": format!("ACC-{:06}", 100_000 + id * 7919 % 900_000)},
            {"key": "Service type", "value": pick(&["Fiber 1000", "Mobile Plus", "TV Basic"])},
        ]);
        let custom = serde_json::json!([
            {"key": "Plan", "value": pick(&["Standard", "Premium"])},
            {"key": "Preferred contact time", "value": pick(&["Mornings", "Afternoons", "Evenings"])},
        ]);
        sqlx::query("UPDATE conversations SET attached_data = $1, custom_data = $2 WHERE id = $3")
            .bind(attached.to_string())
            .bind(custom.to_string())
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}
