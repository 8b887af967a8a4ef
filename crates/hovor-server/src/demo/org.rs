//! Skills, queues, users and the standard responses library.

use std::collections::HashMap;

use crate::db::Db;
use sqlx::Transaction;

use super::PASSWORD;
use super::content::{ALL, CATEGORIES};
use crate::auth::hash_password;

pub struct Queue {
    pub id: i64,
    pub skills: Vec<i64>,
    /// The response categories its conversations are about.
    pub categories: &'static [&'static str],
    pub members: Vec<Member>,
}

#[derive(Clone)]
pub struct Member {
    pub id: i64,
    pub name: String,
}

pub struct Org {
    pub queues: Vec<Queue>,
    pub agents: Vec<Member>,
    pub category_ids: HashMap<&'static str, i64>,
}

const QUEUES: [(&str, &[&str], &[&str], &str); 4] = [
    (
        "Billing and payments",
        &["Billing", "Czech", "English"],
        &["billing", "complaint"],
        "billing@hovor.example",
    ),
    (
        "Technical support",
        &["Internet", "Mobile", "Devices"],
        &["technical", "account"],
        "support@hovor.example",
    ),
    (
        "Orders and delivery",
        &["E-shop", "Bulgarian", "Ukrainian"],
        &["delivery", "complaint"],
        "orders@hovor.example",
    ),
    (
        "Sales and contracts",
        &["Contracts", "Retention", "English"],
        &["contract", "account"],
        "sales@hovor.example",
    ),
];

const TEAMS: [&str; 2] = ["Vltava", "Morava"];

const AGENTS: [&str; 8] = [
    "Tereza Malá",
    "Petr Svoboda",
    "Ivan Petrov",
    "Oksana Koval",
    "Emily Carter",
    "Lucie Horáková",
    "Georgi Dimitrov",
    "Andriy Melnyk",
];

/// The number callers dial for the demo's `index`th queue: +420 800 100 101, …102, …
pub fn entry_number(index: usize) -> String {
    format!("420800100{}", 101 + index)
}

/// What every demo queue keeps on a call (WBX CAD variables): name, label, kind, secure.
const CALL_VARIABLES: [(&str, &str, &str, bool); 3] = [
    ("case_number", "Case number", "text", false),
    ("call_back_at", "Call back at", "date_time", false),
    ("card_last_digits", "Card's last 4 digits", "text", true),
];

async fn call_variables(tx: &mut Transaction<'_, Db>, queue_id: i64) -> anyhow::Result<()> {
    for (position, (name, label, kind, secure)) in CALL_VARIABLES.into_iter().enumerate() {
        sqlx::query(
            "INSERT INTO call_variables (queue_id, name, label, position, kind, editable, secure)
             VALUES ($1, $2, $3, $4, $5, 1, $6)",
        )
        .bind(queue_id)
        .bind(name)
        .bind(label)
        .bind(position as i64)
        .bind(kind)
        .bind(i64::from(secure))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

pub async fn create(tx: &mut Transaction<'_, Db>) -> anyhow::Result<Org> {
    let mut skill_ids: HashMap<&str, i64> = HashMap::new();
    let mut queues = Vec::new();
    for (index, (name, skills, categories, mailbox)) in QUEUES.into_iter().enumerate() {
        // Technical support records its calls (a pause lasts 30 s at most); the others do not.
        let queue_id: i64 = sqlx::query_scalar(
            "INSERT INTO queues (name, entry_number, record_calls, recording_pause_s) VALUES ($1, $2, $3, 30)
             RETURNING id",
        )
        .bind(name)
        .bind(entry_number(index))
        .bind(i64::from(index == 1))
        .fetch_one(&mut **tx)
        .await?;
        sqlx::query("INSERT INTO mailboxes (address, queue_id) VALUES ($1, $2)")
            .bind(mailbox)
            .bind(queue_id)
            .execute(&mut **tx)
            .await?;
        for skill in skills {
            let skill_id = match skill_ids.get(skill) {
                Some(id) => *id,
                None => {
                    let id: i64 = sqlx::query_scalar("INSERT INTO skills (name) VALUES ($1) RETURNING id")
                        .bind(skill)
                        .fetch_one(&mut **tx)
                        .await?;
                    skill_ids.insert(skill, id);
                    id
                }
            };
            sqlx::query("INSERT INTO queue_skills (queue_id, skill_id) VALUES ($1, $2)")
                .bind(queue_id)
                .bind(skill_id)
                .execute(&mut **tx)
                .await?;
        }
        routing_settings(tx, queue_id).await?;
        call_variables(tx, queue_id).await?;
        queues.push(Queue {
            id: queue_id,
            categories,
            members: Vec::new(),
            skills: skills.iter().map(|s| skill_ids[s]).collect(),
        });
    }

    let mut agents = Vec::new();
    let users =
        AGENTS.iter().enumerate().map(|(i, name)| (format!("agent{}", i + 1), *name, "agent")).chain([
            ("supervisor".to_owned(), "Martina Králová", "supervisor"),
            ("admin".to_owned(), "Hovor Admin", "admin"),
        ]);
    for (i, (username, name, role)) in users.enumerate() {
        // Each agent and the supervisor has an extension of their own and a team (named after rivers).
        let number = (role != "admin").then(|| format!("+420 800 100 {}", 201 + i));
        let team = (role == "agent").then_some(TEAMS[i % TEAMS.len()]);
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (username, display_name, role, password_hash, phone_number, team)
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(&username)
        .bind(name)
        .bind(role)
        .bind(hash_password(PASSWORD)?)
        .bind(number)
        .bind(team)
        .fetch_one(&mut **tx)
        .await?;
        let member = Member { id, name: name.to_owned() };
        // Agents work two neighbouring queues; the supervisor and the admin see every queue.
        let memberships: Vec<usize> =
            if role == "agent" { vec![i % 4, (i + 1) % 4] } else { (0..4).collect() };
        for q in memberships {
            sqlx::query("INSERT INTO queue_members (queue_id, user_id) VALUES ($1, $2)")
                .bind(queues[q].id)
                .bind(id)
                .execute(&mut **tx)
                .await?;
            if role == "agent" {
                queues[q].members.push(member.clone());
                // An agent has the skills of the queues they work.
                for skill in &queues[q].skills {
                    sqlx::query(
                        "INSERT INTO user_skills (user_id, skill_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                    )
                    .bind(id)
                    .bind(skill)
                    .execute(&mut **tx)
                    .await?;
                }
            }
        }
        if role == "agent" {
            agents.push(member);
        }
    }

    let mut category_ids = HashMap::new();
    for (key, name) in CATEGORIES {
        let id: i64 =
            sqlx::query_scalar("INSERT INTO response_categories (key, name) VALUES ($1, $2) RETURNING id")
                .bind(key)
                .bind(name)
                .fetch_one(&mut **tx)
                .await?;
        category_ids.insert(key, id);
    }
    for language in ALL {
        for r in language.responses {
            sqlx::query(
                "INSERT INTO responses (category_id, language, title, body, shortcut, phrases)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(category_id(&category_ids, r.category)?)
            .bind(language.code)
            .bind(r.title)
            .bind(r.body)
            .bind(r.shortcut)
            .bind(crate::store::responses::phrases_column(r.phrases))
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(Org { queues, agents, category_ids })
}

/// Every queue's pre-chat survey, wrap-up reasons and popover variables.
const SURVEY: [(&str, bool, &[&str]); 3] = [
    ("What can we help you with?", true, &[]),
    ("Customer or order number", false, &[]),
    ("Preferred language", true, &["Čeština", "English", "Български", "Українська"]),
];

const WRAP_UP_REASONS: [&str; 8] = [
    "Resolved on first contact",
    "Information provided",
    "Complaint registered",
    "Follow-up scheduled",
    "Transferred to specialist",
    "Customer left",
    "Duplicate request",
    "Not our customer",
];

const POPOVER_VARIABLES: &str = r#"[{"field":"customer_name"},{"field":"queue"},{"field":"wait_time"},{"field":"phone"},{"field":"first_answer"},{"field":"email","secure":true}]"#;

async fn routing_settings(tx: &mut Transaction<'_, Db>, queue_id: i64) -> anyhow::Result<()> {
    for (position, (label, required, options)) in SURVEY.iter().enumerate() {
        sqlx::query("INSERT INTO survey_questions (queue_id, position, label, required, options) VALUES ($1, $2, $3, $4, $5)")
            .bind(queue_id)
            .bind(position as i64)
            .bind(label)
            .bind(i64::from(*required))
            .bind(serde_json::to_string(options)?)
            .execute(&mut **tx)
            .await?;
    }
    for label in WRAP_UP_REASONS {
        sqlx::query("INSERT INTO wrap_up_reasons (queue_id, label) VALUES ($1, $2)")
            .bind(queue_id)
            .bind(label)
            .execute(&mut **tx)
            .await?;
    }
    sqlx::query("UPDATE queues SET popover_variables = $1 WHERE id = $2")
        .bind(POPOVER_VARIABLES)
        .bind(queue_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub fn category_id(ids: &HashMap<&'static str, i64>, key: &str) -> anyhow::Result<i64> {
    ids.get(key).copied().ok_or_else(|| anyhow::anyhow!("unknown response category {key:?}"))
}
