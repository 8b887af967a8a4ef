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
pub const USES_MAX: i64 = 20_000;
/// Of a word every message has, only the newest this many are compared: the cost of a suggestion stays
/// flat however much has been learned.
const CANDIDATES_PER_WORD: usize = 128;
/// The responses a near repeat raises at most.
const VOTES_MAX: usize = 10;
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

/// One customer message agents answered.
struct Answered {
    response_id: i64,
    /// How much it counts: less when the agent edited the response.
    counts: f32,
    /// Its words (as ids) with their weights.
    words: Vec<(u32, f32)>,
    total: f32,
}

/// The customer messages agents answered, indexed by word.
pub struct Learned {
    answered: Vec<Answered>,
    /// Word → its id.
    ids: HashMap<String, u32>,
    /// Word id → the messages that have it, newest first.
    postings: Vec<Vec<u32>>,
}

impl Learned {
    /// `uses`: newest first.
    pub fn new(uses: &[Use]) -> Learned {
        let mut learned = Learned { answered: Vec::new(), ids: HashMap::new(), postings: Vec::new() };
        for (n, u) in uses.iter().enumerate() {
            let mut words = Vec::new();
            for (word, weight) in weighed(&u.text) {
                let next = learned.ids.len() as u32;
                let id = *learned.ids.entry(word).or_insert(next);
                if id == next {
                    learned.postings.push(Vec::new());
                }
                learned.postings[id as usize].push(n as u32);
                words.push((id, weight));
            }
            let total = words.iter().map(|w| w.1).sum();
            let counts = if u.edited { EDITED_WEIGHT } else { 1.0 };
            learned.answered.push(Answered { response_id: u.response_id, counts, words, total });
        }
        learned
    }

    /// The responses agents chose for the earlier messages `text` nearly repeats, strongest first, each
    /// with its share (0–1] of the votes; empty when it repeats none.
    pub fn votes(&self, text: &str) -> Vec<(i64, f32)> {
        let words = weighed(text);
        let total: f32 = words.values().sum();
        let known: Vec<(u32, f32)> =
            words.iter().filter_map(|(w, weight)| self.ids.get(w).map(|id| (*id, *weight))).collect();
        // A near repeat shares `NEAR` of the weight, so it has one of the rarest words that weigh more
        // than the rest (a word no message has is the rarest): only messages with one of those, the
        // newest of each, are compared.
        let mut by_rarity: Vec<(usize, f32, u32)> = words
            .iter()
            .map(|(w, weight)| match self.ids.get(w) {
                Some(id) => (self.postings[*id as usize].len(), *weight, *id),
                None => (0, *weight, u32::MAX),
            })
            .collect();
        by_rarity.sort_by_key(|(df, _, id)| (*df, *id));
        let mut candidates: Vec<u32> = Vec::new();
        let mut covered = 0.0;
        for (_, weight, id) in by_rarity {
            if covered > total * (1.0 - NEAR) {
                break;
            }
            covered += weight;
            if let Some(list) = self.postings.get(id as usize) {
                candidates.extend(list.iter().take(CANDIDATES_PER_WORD));
            }
        }
        candidates.sort_unstable();
        candidates.dedup();
        let mut votes: HashMap<i64, f32> = HashMap::new();
        for n in candidates {
            let earlier = &self.answered[n as usize];
            let common: f32 = earlier
                .words
                .iter()
                .filter_map(|(id, theirs)| known.iter().find(|k| k.0 == *id).map(|k| k.1.min(*theirs)))
                .sum();
            let alike = common / total.max(earlier.total).max(f32::EPSILON);
            if alike >= NEAR {
                *votes.entry(earlier.response_id).or_default() += alike * earlier.counts;
            }
        }
        // The strongest few: a list shows ten.
        let mut strongest: Vec<(i64, f32)> = votes.into_iter().collect();
        strongest.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        strongest.truncate(VOTES_MAX);
        let sum: f32 = strongest.iter().map(|v| v.1).sum();
        strongest.into_iter().map(|(id, v)| (id, v / sum)).collect()
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

struct Held {
    /// The newest use it has read, and the removals counted then.
    latest: (i64, i64),
    at: Instant,
    learned: Arc<Learned>,
    rebuilding: bool,
}

/// The learned messages in memory. When uses were recorded (and at most every `REBUILD_AFTER`) they are
/// read again in the background; requests meanwhile rank with what was read before.
#[derive(Clone, Default)]
pub struct LearnedCache(Arc<std::sync::Mutex<Option<Held>>>);

impl LearnedCache {
    pub async fn current(&self, pool: &Pool) -> AppResult<Arc<Learned>> {
        // The newest use, and the count of removals: an anonymised message is forgotten too.
        let latest: (i64, i64) = sqlx::query_as(
            "SELECT (SELECT COALESCE(MAX(id), 0) FROM response_uses), (SELECT removals FROM retention_schedule)",
        )
        .fetch_one(pool)
        .await?;
        {
            let mut held = self.0.lock().expect("learned cache");
            if let Some(held) = held.as_mut() {
                let fresh = held.latest == latest || held.at.elapsed() < REBUILD_AFTER;
                if !fresh && !held.rebuilding {
                    held.rebuilding = true;
                    let (cache, pool) = (self.clone(), pool.clone());
                    tokio::spawn(async move { cache.rebuild(&pool, latest).await });
                }
                return Ok(held.learned.clone());
            }
        }
        let learned = build(pool).await?;
        *self.0.lock().expect("learned cache") =
            Some(Held { latest, at: Instant::now(), learned: learned.clone(), rebuilding: false });
        Ok(learned)
    }

    async fn rebuild(&self, pool: &Pool, latest: (i64, i64)) {
        let built = build(pool).await;
        let mut held = self.0.lock().expect("learned cache");
        match built {
            Ok(learned) => *held = Some(Held { latest, at: Instant::now(), learned, rebuilding: false }),
            Err(e) => {
                tracing::warn!(error = ?e, "reading agents' choices of responses failed");
                if let Some(held) = held.as_mut() {
                    held.rebuilding = false;
                }
            }
        }
    }
}

async fn build(pool: &Pool) -> AppResult<Arc<Learned>> {
    let uses = load(pool).await?;
    let learned = tokio::task::spawn_blocking(move || Learned::new(&uses))
        .await
        .map_err(|e| crate::error::AppError::Internal(e.into()))?;
    Ok(Arc::new(learned))
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
