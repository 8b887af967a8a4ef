//! Suggestions learn from agents: which standard response answered which customer message, sent as
//! inserted or edited first. A new message that nearly repeats one agents answered before (most of
//! its words, weighed as the ranking weighs them, are that message's words) raises the response they
//! chose, even when it shares no word with the response: customers ask the same thing in their own
//! words again and again. The messages are referenced, never copied, and nothing leaves the server.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use hovor_types::response::UsedResponse;
use hovor_types::text::terms;

use crate::db::{Conn, Flag, Pool};
use crate::error::AppResult;

/// How alike two messages must be to count as the same question: the share of their words (the
/// larger message's, by weight) they have in common.
const NEAR: f32 = 0.6;
/// A response the agent edited before sending answered the message less exactly.
const EDITED_WEIGHT: f32 = 0.5;
/// The most recent uses kept in memory.
const USES_MAX: i64 = 20_000;
/// A busy desk records uses all the time: they are read again at most this often.
const REBUILD_AFTER: Duration = Duration::from_secs(2);

/// One use: the response, the customer's text it answered, whether it was edited.
pub struct Use {
    pub response_id: i64,
    pub text: String,
    pub edited: bool,
}

/// A text's words as the ranking weighs them (stems; stop words and greetings light).
fn weighed(text: &str) -> HashMap<String, f32> {
    let mut words: HashMap<String, f32> = HashMap::new();
    for term in terms(text) {
        let w = words.entry(term.stem).or_default();
        *w = w.max(term.weight);
    }
    words
}

/// The customer messages agents answered, indexed by word.
pub struct Learned {
    /// Per use: the response, how much the use counts, the message's total word weight.
    uses: Vec<(i64, f32, f32)>,
    /// Word → (use, its weight in that message).
    postings: HashMap<String, Vec<(u32, f32)>>,
}

impl Learned {
    pub fn new(uses: &[Use]) -> Learned {
        let mut learned = Learned { uses: Vec::new(), postings: HashMap::new() };
        for (n, u) in uses.iter().enumerate() {
            let words = weighed(&u.text);
            let total: f32 = words.values().sum();
            let counts = if u.edited { EDITED_WEIGHT } else { 1.0 };
            learned.uses.push((u.response_id, counts, total));
            for (word, weight) in words {
                learned.postings.entry(word).or_default().push((n as u32, weight));
            }
        }
        learned
    }

    /// Response id → its share (0–1] of the votes of the earlier messages that `text` nearly repeats;
    /// empty when it repeats none.
    pub fn votes(&self, text: &str) -> HashMap<i64, f32> {
        let words = weighed(text);
        let total: f32 = words.values().sum();
        let mut shared: HashMap<u32, f32> = HashMap::new();
        for (word, weight) in &words {
            for (n, theirs) in self.postings.get(word).into_iter().flatten() {
                *shared.entry(*n).or_default() += weight.min(*theirs);
            }
        }
        let mut votes: HashMap<i64, f32> = HashMap::new();
        for (n, common) in shared {
            let (response, counts, their_total) = self.uses[n as usize];
            let alike = common / total.max(their_total).max(f32::EPSILON);
            if alike >= NEAR {
                *votes.entry(response).or_default() += alike * counts;
            }
        }
        let sum: f32 = votes.values().sum();
        votes.values_mut().for_each(|v| *v /= sum);
        votes
    }
}

/// Records that the agent's message answered the conversation's latest customer message with a
/// response. A response deleted meanwhile, a conversation without a customer message, or a retried
/// send records nothing.
pub async fn record(
    conn: &mut Conn,
    conversation_id: i64,
    user_id: i64,
    used: UsedResponse,
    at: i64,
) -> AppResult<()> {
    sqlx::query(
        "INSERT INTO response_uses (response_id, message_id, user_id, edited, at)
         SELECT r.id, m.id, $3, $4, $5 FROM responses r
         JOIN (SELECT id FROM messages WHERE conversation_id = $2 AND direction = 'inbound'
               ORDER BY at DESC, id DESC LIMIT 1) m ON TRUE
         WHERE r.id = $1
         ON CONFLICT DO NOTHING",
    )
    .bind(used.response_id)
    .bind(conversation_id)
    .bind(user_id)
    .bind(i64::from(used.edited))
    .bind(at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

struct Built {
    latest: i64,
    at: Instant,
    learned: Arc<Learned>,
}

/// The learned texts in memory, rebuilt when uses were recorded (at most every `REBUILD_AFTER`).
#[derive(Clone, Default)]
pub struct LearnedCache(Arc<tokio::sync::Mutex<Option<Built>>>);

impl LearnedCache {
    pub async fn current(&self, pool: &Pool) -> AppResult<Arc<Learned>> {
        let latest: i64 =
            sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM response_uses").fetch_one(pool).await?;
        let mut held = self.0.lock().await;
        if let Some(built) = held.as_ref().filter(|b| b.latest == latest || b.at.elapsed() < REBUILD_AFTER) {
            return Ok(built.learned.clone());
        }
        let learned = Arc::new(Learned::new(&load(pool).await?));
        *held = Some(Built { latest, at: Instant::now(), learned: learned.clone() });
        Ok(learned)
    }
}

async fn load(pool: &Pool) -> AppResult<Vec<Use>> {
    let rows: Vec<(i64, String, Option<String>, Flag)> = sqlx::query_as(
        "SELECT u.response_id, m.body, c.subject, u.edited FROM response_uses u
         JOIN messages m ON m.id = u.message_id JOIN conversations c ON c.id = m.conversation_id
         ORDER BY u.id DESC LIMIT $1",
    )
    .bind(USES_MAX)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(response_id, body, subject, Flag(edited))| Use {
            response_id,
            // As suggestions read an email: its subject with the body.
            text: subject.map_or(body.clone(), |s| format!("{s}\n{body}")),
            edited,
        })
        .collect())
}
