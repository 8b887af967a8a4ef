//! Skills, queues, users and the standard responses library.

use std::collections::HashMap;

use sqlx::{Sqlite, Transaction};

use super::PASSWORD;
use super::content::{ALL, CATEGORIES};
use crate::auth::hash_password;

pub struct Queue {
    pub id: i64,
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

const QUEUES: [(&str, &[&str], &[&str]); 4] = [
    ("Billing and payments", &["Billing", "Czech", "English"], &["billing", "complaint"]),
    ("Technical support", &["Internet", "Mobile", "Devices"], &["technical", "account"]),
    ("Orders and delivery", &["E-shop", "Bulgarian", "Ukrainian"], &["delivery", "complaint"]),
    ("Sales and contracts", &["Contracts", "Retention", "English"], &["contract", "account"]),
];

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

pub async fn create(tx: &mut Transaction<'_, Sqlite>) -> anyhow::Result<Org> {
    let mut skill_ids: HashMap<&str, i64> = HashMap::new();
    let mut queues = Vec::new();
    for (name, skills, categories) in QUEUES {
        let queue_id: i64 = sqlx::query_scalar("INSERT INTO queues (name) VALUES (?) RETURNING id")
            .bind(name)
            .fetch_one(&mut **tx)
            .await?;
        for skill in skills {
            let skill_id = match skill_ids.get(skill) {
                Some(id) => *id,
                None => {
                    let id: i64 = sqlx::query_scalar("INSERT INTO skills (name) VALUES (?) RETURNING id")
                        .bind(skill)
                        .fetch_one(&mut **tx)
                        .await?;
                    skill_ids.insert(skill, id);
                    id
                }
            };
            sqlx::query("INSERT INTO queue_skills (queue_id, skill_id) VALUES (?, ?)")
                .bind(queue_id)
                .bind(skill_id)
                .execute(&mut **tx)
                .await?;
        }
        queues.push(Queue { id: queue_id, categories, members: Vec::new() });
    }

    let mut agents = Vec::new();
    let users =
        AGENTS.iter().enumerate().map(|(i, name)| (format!("agent{}", i + 1), *name, "agent")).chain([
            ("supervisor".to_owned(), "Martina Králová", "supervisor"),
            ("admin".to_owned(), "Hovor Admin", "admin"),
        ]);
    for (i, (username, name, role)) in users.enumerate() {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (username, display_name, role, password_hash) VALUES (?, ?, ?, ?) RETURNING id",
        )
        .bind(&username)
        .bind(name)
        .bind(role)
        .bind(hash_password(PASSWORD)?)
        .fetch_one(&mut **tx)
        .await?;
        let member = Member { id, name: name.to_owned() };
        // Agents work two neighbouring queues; the supervisor and the admin see every queue.
        let memberships: Vec<usize> =
            if role == "agent" { vec![i % 4, (i + 1) % 4] } else { (0..4).collect() };
        for q in memberships {
            sqlx::query("INSERT INTO queue_members (queue_id, user_id) VALUES (?, ?)")
                .bind(queues[q].id)
                .bind(id)
                .execute(&mut **tx)
                .await?;
            if role == "agent" {
                queues[q].members.push(member.clone());
            }
        }
        if role == "agent" {
            agents.push(member);
        }
    }

    let mut category_ids = HashMap::new();
    for (key, name) in CATEGORIES {
        let id: i64 =
            sqlx::query_scalar("INSERT INTO response_categories (key, name) VALUES (?, ?) RETURNING id")
                .bind(key)
                .bind(name)
                .fetch_one(&mut **tx)
                .await?;
        category_ids.insert(key, id);
    }
    for language in ALL {
        for r in language.responses {
            sqlx::query(
                "INSERT INTO responses (category_id, language, title, body, shortcut) VALUES (?, ?, ?, ?, ?)",
            )
            .bind(category_id(&category_ids, r.category)?)
            .bind(language.code)
            .bind(r.title)
            .bind(r.body)
            .bind(r.shortcut)
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(Org { queues, agents, category_ids })
}

pub fn category_id(ids: &HashMap<&'static str, i64>, key: &str) -> anyhow::Result<i64> {
    ids.get(key).copied().ok_or_else(|| anyhow::anyhow!("unknown response category {key:?}"))
}
