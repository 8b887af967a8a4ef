//! A demo contact center generated from a fixed seed: queues with skills, agents, customers in four
//! languages with their history and cases, standard responses, and live conversations for every agent.

mod content;
mod directory;
mod interactions;
mod org;
mod records;
mod translations;

use crate::db::Pool;
use rand::SeedableRng;
use rand::rngs::StdRng;

/// The password of every demo user.
pub const PASSWORD: &str = "hovor-demo";
/// The customer whose timeline holds `Scale::heavy_events` entries, for performance checks.
pub const HEAVY_CUSTOMER: (&str, &str) = ("Oleksandra", "Bondarenko-Heavy");
/// The customer whose timeline holds exactly `LIGHT_EVENTS` entries, the benchmark's baseline.
/// Same language as the heavy customer, so the two differ only in the number of events.
pub const LIGHT_CUSTOMER: (&str, &str) = ("Olha", "Kovalenko-Light");
pub const LIGHT_EVENTS: usize = 100;
/// A returning customer (agent2's first chat) with fourteen past interactions across channels, an
/// account, customer number C-10427 and mobile +420 602 123 456.
pub const RETURNING_CUSTOMER: (&str, &str) = ("Božena", "Šťastná");
/// Her duplicate, spelled without diacritics, with another email and one chat of its own.
pub const DUPLICATE_CUSTOMER: (&str, &str) = ("Bozena", "Stastna");

const SEED: u64 = 0x486f_766f_7220;
/// The two benchmark customers are generated from this seed alike, counted back from their newest
/// interaction, so what the desk shows of them is the same and only the depth of history differs.
const TWIN_SEED: u64 = 0x7477_696e;

/// Puts a generator seeded with `seed` in place of `rng` and returns the one it replaced,
/// for the caller to put back.
fn reseed(rng: &mut StdRng, seed: u64) -> StdRng {
    std::mem::replace(rng, StdRng::seed_from_u64(seed))
}

/// How big a contact center to generate.
#[derive(Debug, Clone)]
pub struct Scale {
    pub contacts: usize,
    pub accounts: usize,
    pub past_interactions: usize,
    pub active_per_agent: usize,
    pub heavy_events: usize,
}

impl Scale {
    /// The demo and the benchmarks.
    pub fn full() -> Scale {
        Scale {
            contacts: 300,
            accounts: 60,
            past_interactions: 3000,
            active_per_agent: 3,
            heavy_events: 10_000,
        }
    }

    /// Enough of everything for tests, quickly.
    pub fn small() -> Scale {
        Scale { contacts: 24, accounts: 6, past_interactions: 60, active_per_agent: 2, heavy_events: 300 }
    }
}

/// Fills the database when it has no users; returns whether it did.
/// Every message of an email interaction is an email of its thread: the customer's from their address to
/// the queue's mailbox, the agents' from the mailbox back, all delivered.
async fn email_threads(tx: &mut sqlx::Transaction<'_, crate::db::Db>) -> anyhow::Result<()> {
    sqlx::query(
        "UPDATE conversations SET mailbox = (SELECT address FROM mailboxes m WHERE m.queue_id = conversations.queue_id)
         WHERE channel = 'email'",
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query(
        "INSERT INTO emails (message_id, conversation_id, header_id, kind, from_name, from_address, to_addresses,
                             subject, text, status)
         SELECT m.id, m.conversation_id, 'demo-' || m.id || '@hovor.example',
                CASE m.direction WHEN 'inbound' THEN 'received' ELSE 'reply' END, m.author,
                CASE m.direction WHEN 'inbound' THEN x.customer ELSE c.mailbox END,
                json_array(CASE m.direction WHEN 'inbound' THEN c.mailbox ELSE x.customer END),
                COALESCE(c.subject, ''), m.body,
                CASE m.direction WHEN 'inbound' THEN 'received' ELSE 'sent' END
         FROM messages m JOIN conversations c ON c.id = m.conversation_id AND c.channel = 'email'
         JOIN (SELECT c2.id, COALESCE(c2.email_from,
                     (SELECT p.value FROM contact_points p WHERE p.contact_id = c2.contact_id AND p.kind = 'email'
                      ORDER BY p.is_default DESC, p.id LIMIT 1), 'customer@example.com') AS customer
               FROM conversations c2) x ON x.id = c.id
         WHERE c.mailbox IS NOT NULL",
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn fill_if_empty(pool: &Pool, scale: &Scale) -> anyhow::Result<bool> {
    // As the writer: of several instances starting together on one database, one fills it.
    let mut tx = crate::db::begin_write(pool).await?;
    let users: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users").fetch_one(&mut *tx).await?;
    if users > 0 {
        return Ok(false);
    }
    let mut rng = StdRng::seed_from_u64(SEED);
    let now = crate::db::now_ms();
    let org = org::create(&mut tx).await?;
    records::tags(&mut tx, now).await?;
    translations::create(&mut tx).await?;
    let directory = directory::create(&mut tx, &mut rng, scale).await?;
    interactions::create(&mut tx, &mut rng, scale, &org, &directory, now).await?;
    records::session_data(&mut tx, &[directory.returning.id, directory.duplicate.id]).await?;
    email_threads(&mut tx).await?;
    // Each agent has read their ongoing conversations so far: only what arrives from now on is unread.
    sqlx::query(
        "INSERT INTO conversation_reads (user_id, conversation_id, read_to)
         SELECT a.agent_id, a.conversation_id, MAX(m.id) FROM activities a
         JOIN messages m ON m.conversation_id = a.conversation_id
         WHERE a.wrapped_up_at IS NULL GROUP BY a.agent_id, a.conversation_id",
    )
    .execute(&mut *tx)
    .await?;
    crate::store::directory::fill_missing_keys(&mut tx)
        .await
        .map_err(|e| anyhow::anyhow!("search keys: {e:?}"))?;
    tx.commit().await?;
    Ok(true)
}
