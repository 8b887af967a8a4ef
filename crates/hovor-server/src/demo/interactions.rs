//! Demo history and live work: cases, past interactions with transcripts, and active conversations
//! with their pre-chat survey, visitor details and self-service trail.

use crate::db::Db;
use rand::Rng;
use rand::rngs::StdRng;
use rand::seq::IndexedRandom;
use sqlx::Transaction;

use super::content::{LanguageContent, Topic};
use super::directory::{Customer, Directory};
use super::org::{Org, Queue, category_id};
use super::{LIGHT_EVENTS, Scale, TWIN_SEED, records, reseed};

const MINUTE: i64 = 60_000;
/// The returning customer's history is generated from its own seed, so it never shifts the rest.
const RETURNING_SEED: u64 = 0x5374_6173_746e;
const DAY: i64 = 24 * 60 * MINUTE;
const PRIORITIES: [&str; 4] = ["low", "normal", "high", "urgent"];
const CLOSED_STATUSES: [&str; 2] = ["resolved", "closed"];
const OPEN_STATUSES: [&str; 3] = ["new", "open", "pending"];

struct Writer<'t, 'c, 'o> {
    tx: &'t mut Transaction<'c, Db>,
    rng: &'t mut StdRng,
    org: &'o Org,
    next_case: u32,
}

pub async fn create(
    tx: &mut Transaction<'_, Db>,
    rng: &mut StdRng,
    scale: &Scale,
    org: &Org,
    directory: &Directory,
    now: i64,
) -> anyhow::Result<()> {
    let mut w = Writer { tx, rng, org, next_case: 1001 };
    for _ in 0..scale.past_interactions {
        let customer = directory.customers.choose(w.rng).ok_or_else(|| anyhow::anyhow!("no customers"))?;
        let started = now - w.rng.random_range(DAY..365 * DAY);
        w.past_interaction(customer, started, None).await?;
    }
    // The benchmark customers: exactly this many timeline entries, the live conversation's included.
    let live_messages = 3;
    w.history_of_exactly(&directory.heavy, scale.heavy_events - live_messages, now).await?;
    w.history_of_exactly(&directory.light, LIGHT_EVENTS - live_messages, now).await?;
    let saved = reseed(w.rng, RETURNING_SEED);
    let result = w.returning_history(directory, now).await;
    *w.rng = saved;
    result?;

    for (a, agent) in org.agents.iter().enumerate() {
        for n in 0..scale.active_per_agent {
            let customer = match (a, n) {
                (0, 0) => Some(&directory.heavy),
                (0, 1) => Some(&directory.light),
                // One unidentified web visitor, as a chat without a linked contact looks.
                (1, 1) => None,
                // The returning customer is back, with agent2. (The draw keeps the sequence of the rest.)
                (1, 0) => {
                    let _ = directory.customers.choose(w.rng);
                    Some(&directory.returning)
                }
                _ => Some(directory.customers.choose(w.rng).ok_or_else(|| anyhow::anyhow!("no customers"))?),
            };
            let channel = if n == 2 { "email" } else { "chat" };
            if a == 0 && n < 2 {
                // The benchmark customers: the same live conversation, started at the same time.
                let saved = reseed(w.rng, TWIN_SEED);
                let result =
                    w.active_conversation(agent.id, customer, directory, channel, now - 7 * MINUTE).await;
                *w.rng = saved;
                result?;
            } else {
                let started = now - (n as i64 + 1) * 7 * MINUTE;
                let id = w.active_conversation(agent.id, customer, directory, channel, started).await?;
                if customer.is_some_and(|c| c.id == directory.returning.id) {
                    records::tag(w.tx, id, "VIP", Some(agent.id), started).await?;
                }
            }
        }
    }
    Ok(())
}

impl<'o> Writer<'_, '_, 'o> {
    /// A queue serving the topic's category (any queue if none does).
    fn queue_for(&mut self, category: &str) -> anyhow::Result<&'o Queue> {
        let org: &'o Org = self.org;
        let serving: Vec<&'o Queue> =
            org.queues.iter().filter(|q| q.categories.contains(&category)).collect();
        serving.choose(self.rng).copied().or(org.queues.first()).ok_or_else(|| anyhow::anyhow!("no queues"))
    }

    async fn case(&mut self, customer: &Customer, topic: &Topic, at: i64, open: bool) -> anyhow::Result<i64> {
        let number = format!("CAS-{:05}", self.next_case);
        self.next_case += 1;
        let status = if open { OPEN_STATUSES.choose(self.rng) } else { CLOSED_STATUSES.choose(self.rng) };
        let id = sqlx::query_scalar(
            "INSERT INTO cases (number, contact_id, title, priority, status, created_at, description)
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        )
        .bind(number)
        .bind(customer.id)
        .bind(topic.subject)
        .bind(PRIORITIES.choose(self.rng).copied().unwrap_or("normal"))
        .bind(status.copied().unwrap_or("open"))
        .bind(at)
        // What the customer first wrote: enough to tell what the case is about.
        .bind(topic.opening.first().copied().unwrap_or_default())
        .fetch_one(&mut **self.tx)
        .await?;
        Ok(id)
    }

    /// One ended interaction with its transcript; returns its id.
    async fn past_interaction(
        &mut self,
        customer: &Customer,
        started: i64,
        shape: Option<(usize, &'static str)>,
    ) -> anyhow::Result<i64> {
        let topic = customer.language.topics.choose(self.rng).ok_or_else(|| anyhow::anyhow!("no topics"))?;
        let queue = self.queue_for(topic.category)?;
        let agent = queue.members.choose(self.rng).ok_or_else(|| anyhow::anyhow!("queue without agents"))?;
        let channel = match shape {
            Some((_, channel)) => channel,
            None => ["chat", "chat", "email", "voice"].choose(self.rng).copied().unwrap_or("chat"),
        };
        let case_id = if self.rng.random_bool(0.3) {
            Some(self.case(customer, topic, started, false).await?)
        } else {
            None
        };
        let length = shape.map_or_else(|| self.rng.random_range(4..=8), |(length, _)| length);
        let step = if channel == "email" { 3 * 60 * MINUTE } else { 2 * MINUTE };
        let ended = started + step * length as i64;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO conversations (queue_id, channel, contact_id, agent_id, case_id, status, subject, language,
                                        queued_at, started_at, ended_at)
             VALUES ($1, $2, $3, $4, $5, 'ended', $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(queue.id)
        .bind(channel)
        .bind(customer.id)
        .bind(agent.id)
        .bind(case_id)
        .bind((channel == "email").then_some(topic.subject))
        .bind(customer.language.code)
        .bind(started - self.rng.random_range(5_000..300_000))
        .bind(started)
        .bind(ended)
        .fetch_one(&mut **self.tx)
        .await?;
        self.transcript(id, customer, topic, &agent.name, started, step, length).await?;
        Ok(id)
    }

    /// A history of exactly `events` messages in chats and calls of up to 8 messages, one after another
    /// (never overlapping), the newest ending a day before `now`. The k-th interaction from the newest
    /// is generated from its own seed, so the two benchmark customers' recent histories read alike.
    async fn history_of_exactly(
        &mut self,
        customer: &Customer,
        events: usize,
        now: i64,
    ) -> anyhow::Result<()> {
        let interactions = events.div_ceil(8);
        let period = (400 * DAY) / interactions.max(1) as i64;
        let newest_start = now - DAY - 20 * MINUTE;
        // Oldest first, so message ids follow time; the oldest takes the remainder.
        for k in (0..interactions).rev() {
            let length = if k + 1 == interactions { events - 8 * (interactions - 1) } else { 8 };
            let channel = if k % 3 == 2 { "voice" } else { "chat" };
            let started = newest_start - k as i64 * period;
            let saved = reseed(self.rng, TWIN_SEED + k as u64);
            let result = self.past_interaction(customer, started, Some((length, channel))).await;
            *self.rng = saved;
            result?;
        }
        Ok(())
    }

    /// Customer and agent lines alternating: opening, replies and follow-ups, closing.
    #[allow(clippy::too_many_arguments)]
    async fn transcript(
        &mut self,
        conversation_id: i64,
        customer: &Customer,
        topic: &Topic,
        agent: &str,
        started: i64,
        step: i64,
        length: usize,
    ) -> anyhow::Result<()> {
        for n in 0..length {
            let inbound = n % 2 == 0;
            let lines = match (n, inbound) {
                (0, _) => topic.opening,
                (n, true) if n + 1 >= length => topic.closing,
                (_, true) => topic.customer,
                (_, false) => topic.agent,
            };
            let body = lines.choose(self.rng).copied().unwrap_or("…");
            let author = if inbound { customer.name.as_str() } else { agent };
            sqlx::query(
                "INSERT INTO messages (conversation_id, contact_id, direction, author, body, at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(conversation_id)
            .bind(customer.id)
            .bind(if inbound { "inbound" } else { "outbound" })
            .bind(author)
            .bind(body)
            .bind(started + step * n as i64 + self.rng.random_range(0..step / 2))
            .execute(&mut **self.tx)
            .await?;
        }
        Ok(())
    }

    async fn active_conversation(
        &mut self,
        agent_id: i64,
        customer: Option<&Customer>,
        directory: &Directory,
        channel: &str,
        started: i64,
    ) -> anyhow::Result<i64> {
        let language = customer.map_or(directory.customers[0].language, |c| c.language);
        let topic = language.topics.choose(self.rng).ok_or_else(|| anyhow::anyhow!("no topics"))?;
        let org: &'o Org = self.org;
        let queue = org
            .queues
            .iter()
            .filter(|q| q.members.iter().any(|m| m.id == agent_id))
            .find(|q| q.categories.contains(&topic.category))
            .or_else(|| org.queues.iter().find(|q| q.members.iter().any(|m| m.id == agent_id)))
            .ok_or_else(|| anyhow::anyhow!("agent without a queue"))?;
        let agent_name =
            queue.members.iter().find(|m| m.id == agent_id).map(|m| m.name.clone()).unwrap_or_default();
        let case_id = match customer {
            Some(c) => Some(self.case(c, topic, started, true).await?),
            None => None,
        };
        // The agent opened the case they work on: a case change on the customer's timeline.
        sqlx::query(
            "INSERT INTO audit_log (record, record_id, field, old_value, new_value, user_id, at)
             SELECT 'case', id, 'status', 'new', status, $1, $2 FROM cases WHERE id = $3 AND status <> 'new'",
        )
        .bind(agent_id)
        .bind(started + MINUTE / 2)
        .bind(case_id)
        .execute(&mut **self.tx)
        .await?;
        let city = language.cities.choose(self.rng).ok_or_else(|| anyhow::anyhow!("no cities"))?;
        let visitor = serde_json::json!({
            "authenticated": customer.is_some() && self.rng.random_bool(0.7),
            "browser": (["Chrome 141", "Firefox 144", "Safari 19", "Edge 141"].choose(self.rng)),
            "os": (["Windows 11", "macOS 16", "Android 16", "iOS 19"].choose(self.rng)),
            "location": format!("{}, {}", city.name, language.country),
            "language": language.code,
        });
        let details = serde_json::json!([
            {"key": "Customer tier", "value": (["Standard", "Gold", "Business"].choose(self.rng))},
            {"key": "Entry page", "value": (language.pages.choose(self.rng))},
            {"key": "Time zone", "value": city.time_zone},
        ]);
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO conversations (queue_id, channel, contact_id, agent_id, case_id, status, subject, language,
                                        queued_at, started_at, visitor, additional_details)
             VALUES ($1, $2, $3, $4, $5, 'active', $6, $7, $8, $9, $10, $11) RETURNING id",
        )
        .bind(queue.id)
        .bind(channel)
        .bind(customer.map(|c| c.id))
        .bind(agent_id)
        .bind(case_id)
        .bind((channel == "email").then_some(topic.subject))
        .bind(language.code)
        .bind(started - self.rng.random_range(20_000..240_000))
        .bind(started)
        .bind(visitor.to_string())
        .bind(details.to_string())
        .fetch_one(&mut **self.tx)
        .await?;
        // The agent accepted it when it started: their activity is open.
        sqlx::query(
            "INSERT INTO activities (conversation_id, agent_id, queue_id, accepted_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(agent_id)
        .bind(queue.id)
        .bind(started)
        .execute(&mut **self.tx)
        .await?;
        for key in [topic.category, "greeting", "closing"] {
            sqlx::query(
                "INSERT INTO conversation_categories (conversation_id, category_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            )
            .bind(id)
            .bind(category_id(&org.category_ids, key)?)
            .execute(&mut **self.tx)
            .await?;
        }
        for (question, answer) in survey_answers(language, self.rng) {
            sqlx::query("INSERT INTO survey_answers (conversation_id, question, answer) VALUES ($1, $2, $3)")
                .bind(id)
                .bind(question)
                .bind(answer)
                .execute(&mut **self.tx)
                .await?;
        }
        let trail: [(&str, &[&str]); 4] = [
            ("page_visited", language.pages),
            ("search_phrase", language.search_phrases),
            ("article_viewed", language.articles),
            ("custom_action", language.custom_actions),
        ];
        for k in 0..self.rng.random_range(3..=6) {
            let (kind, options) = trail[k % trail.len()];
            sqlx::query(
                "INSERT INTO self_service_actions (conversation_id, kind, detail, at) VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(kind)
            .bind(options.choose(self.rng).copied().unwrap_or("—"))
            .bind(started - (10 - k as i64) * MINUTE)
            .execute(&mut **self.tx)
            .await?;
        }
        let visitor_name = Customer { id: 0, name: "Visitor".to_owned(), language };
        let speaker = customer.unwrap_or(&visitor_name);
        self.transcript_live(id, customer.map(|c| c.id), speaker, topic, &agent_name, started).await?;
        Ok(id)
    }

    /// Opening, the agent's first reply, and the customer's latest question: three messages.
    async fn transcript_live(
        &mut self,
        id: i64,
        contact_id: Option<i64>,
        customer: &Customer,
        topic: &Topic,
        agent: &str,
        started: i64,
    ) -> anyhow::Result<()> {
        let lines = [
            ("inbound", customer.name.as_str(), topic.opening),
            ("outbound", agent, topic.agent),
            ("inbound", customer.name.as_str(), topic.customer),
        ];
        for (n, (direction, author, options)) in lines.into_iter().enumerate() {
            sqlx::query(
                "INSERT INTO messages (conversation_id, contact_id, direction, author, body, at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(contact_id)
            .bind(direction)
            .bind(author)
            .bind(options.choose(self.rng).copied().unwrap_or("…"))
            .bind(started + n as i64 * MINUTE)
            .execute(&mut **self.tx)
            .await?;
        }
        Ok(())
    }

    /// The returning customer: fourteen ended interactions across chat, email and voice over half a
    /// year (more than a History page), one of them a campaign call, emails with their sender and
    /// copies, a chat with its survey, tags, an operator note and notes; and her duplicate's one chat.
    async fn returning_history(&mut self, directory: &Directory, now: i64) -> anyhow::Result<()> {
        const CHANNELS: [&str; 14] = [
            "chat", "email", "voice", "chat", "email", "chat", "voice", "email", "chat", "voice", "chat",
            "email", "chat", "voice",
        ];
        const TAGS: [(usize, &str); 7] = [
            (0, "VIP"),
            (1, "Billing"),
            (3, "VIP"),
            (4, "Complaint"),
            (8, "Refund"),
            (10, "Callback"),
            (12, "VIP"),
        ];
        let customer = &directory.returning;
        for (k, channel) in CHANNELS.into_iter().enumerate() {
            let started = now - (CHANNELS.len() - k) as i64 * 12 * DAY - 3 * 60 * MINUTE;
            let id = self.past_interaction(customer, started, Some((6, channel))).await?;
            let (agent_id, queue_id): (i64, i64) =
                sqlx::query_as("SELECT agent_id, queue_id FROM conversations WHERE id = $1")
                    .bind(id)
                    .fetch_one(&mut **self.tx)
                    .await?;
            // Her transcripts offer suggestions in the History tab: the queue's categories.
            let org: &'o Org = self.org;
            let categories = org.queues.iter().find(|q| q.id == queue_id).map_or(&[][..], |q| q.categories);
            for key in categories.iter().chain(&["greeting", "closing"]) {
                sqlx::query(
                    "INSERT INTO conversation_categories (conversation_id, category_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                )
                .bind(id)
                .bind(category_id(&org.category_ids, key)?)
                .execute(&mut **self.tx)
                .await?;
            }
            if channel == "email" {
                let cc: &[&str] =
                    if k == 1 { &["petr.stastny@seznam.cz", "ucetni@pekarna-stastny.cz"] } else { &[] };
                sqlx::query("UPDATE conversations SET email_from = $1, email_cc = $2 WHERE id = $3")
                    .bind("bozena.stastna@seznam.cz")
                    .bind(serde_json::to_string(cc)?)
                    .bind(id)
                    .execute(&mut **self.tx)
                    .await?;
            }
            if k == 3 {
                for (question, answer) in survey_answers(customer.language, self.rng) {
                    sqlx::query(
                        "INSERT INTO survey_answers (conversation_id, question, answer) VALUES ($1, $2, $3)",
                    )
                    .bind(id)
                    .bind(question)
                    .bind(answer)
                    .execute(&mut **self.tx)
                    .await?;
                }
            }
            if k == 6 {
                // A call the company placed in a campaign: no attached data is shown for it.
                sqlx::query("UPDATE conversations SET direction = 'outbound', is_campaign = 1 WHERE id = $1")
                    .bind(id)
                    .execute(&mut **self.tx)
                    .await?;
            }
            if k == 4 {
                sqlx::query(
                    "UPDATE conversations SET operator_note = $1, operator_note_by = $2, operator_note_at = $3,
                                              operator_note_version = 2 WHERE id = $4",
                )
                .bind("Zákaznice si stěžovala na zpoždění technika; slíbili jsme zpětné volání do 16:00.")
                .bind(agent_id)
                .bind(started + 20 * MINUTE)
                .bind(id)
                .execute(&mut **self.tx)
                .await?;
                sqlx::query(
                    "INSERT INTO notes (contact_id, conversation_id, author_id, body, at) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(customer.id)
                .bind(id)
                .bind(agent_id)
                .bind("Volat raději odpoledne, dopoledne je v pekárně.")
                .bind(started + 25 * MINUTE)
                .execute(&mut **self.tx)
                .await?;
            }
            for (_, name) in TAGS.iter().filter(|(at, _)| *at == k) {
                records::tag(self.tx, id, name, Some(agent_id), started + MINUTE).await?;
            }
        }
        let started = now - 30 * DAY;
        self.past_interaction(&directory.duplicate, started, Some((4, "chat"))).await?;
        Ok(())
    }
}

/// A customer's answers to the demo's pre-chat survey, recorded as configured (in English) whatever the
/// customer's language: each desk shows them in its own language through the translations.
fn survey_answers(language: &LanguageContent, rng: &mut impl Rng) -> Vec<(&'static str, &'static str)> {
    let configured = super::content::ALL[0].survey;
    language
        .survey
        .iter()
        .zip(configured)
        .map(|(asked, q)| {
            let chosen = asked.answers.choose(rng).and_then(|a| asked.answers.iter().position(|b| b == a));
            (q.question, chosen.and_then(|i| q.answers.get(i)).copied().unwrap_or("—"))
        })
        .collect()
}
