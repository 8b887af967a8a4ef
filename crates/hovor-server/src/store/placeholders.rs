//! The values a standard response's placeholders are filled with in one conversation
//! (`hovor_types::placeholder::KEYS`): only those that exist; a missing one is shown to the agent.

use std::collections::BTreeMap;

use crate::db::Pool;

use super::conversations::ConversationRow;
use crate::error::AppResult;

type Values = (
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

pub async fn values(
    pool: &Pool,
    c: &ConversationRow,
    agent_name: &str,
) -> AppResult<BTreeMap<String, String>> {
    let (first, last, email, phone, account, case_number, case_subject, queue): Values = sqlx::query_as(
        "SELECT k.first_name, k.last_name,
                (SELECT value FROM contact_points p WHERE p.contact_id = k.id AND p.kind = 'email' ORDER BY p.is_default DESC, p.id LIMIT 1),
                (SELECT value FROM contact_points p WHERE p.contact_id = k.id AND p.kind = 'phone' ORDER BY p.is_default DESC, p.id LIMIT 1),
                a.name, s.number, s.title, q.name
         FROM conversations c
         LEFT JOIN contacts k ON k.id = c.contact_id
         LEFT JOIN accounts a ON a.id = k.account_id
         LEFT JOIN cases s ON s.id = c.case_id
         LEFT JOIN queues q ON q.id = c.queue_id
         WHERE c.id = $1",
    )
    .bind(c.id)
    .fetch_one(pool)
    .await?;
    let name = match (&first, &last) {
        (Some(f), Some(l)) => Some(format!("{f} {l}").trim().to_owned()),
        _ => None,
    };
    let agent_first = agent_name.split_whitespace().next().map(str::to_owned);
    let pairs = [
        ("contact.first_name", first),
        ("contact.last_name", last),
        ("contact.name", name.or_else(|| c.customer_name.clone())),
        ("contact.email", email),
        ("contact.phone", phone),
        ("account.name", account),
        ("agent.name", Some(agent_name.to_owned())),
        ("agent.first_name", agent_first),
        ("case.number", case_number),
        ("case.subject", case_subject),
        ("conversation.subject", c.subject.clone()),
        ("queue.name", queue),
    ];
    Ok(pairs
        .into_iter()
        .filter_map(|(k, v)| v.map(|v| (k.to_owned(), v)).filter(|(_, v)| !v.trim().is_empty()))
        .collect())
}
