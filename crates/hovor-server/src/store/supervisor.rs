//! The supervisor page's figures: the queues a supervisor oversees (their own queues; every queue for
//! an administrator), counted from queue segments and activities, and those queues' agents.

use std::collections::HashMap;

use hovor_types::conversation::Channel;
use hovor_types::routing::{AgentState, IdleReason, default_capacity};
use hovor_types::supervisor::{
    AgentBoard, AgentConversation, ChannelLoad, QueueBoard, QueueCounts, RECENT_MS, SHORT_ABANDON_MS,
    SupervisorBoard, WAITING_LISTED, WaitingConversation, agents_by_state,
};

use crate::db::Conn;
use crate::error::AppResult;
use crate::store::conversations::bad_value;

/// The queues `$1` oversees: all of them when `$2` (an administrator), else their own.
macro_rules! overseen {
    () => {
        "($2 = 1 OR EXISTS (SELECT 1 FROM queue_members m WHERE m.queue_id = q.id AND m.user_id = $1))"
    };
}

/// Whether `supervisor` (an administrator when `admin`) oversees the queue.
pub async fn oversees_queue(conn: &mut Conn, supervisor: i64, admin: bool, queue: i64) -> AppResult<bool> {
    let sql = concat!("SELECT COUNT(*) FROM queues q WHERE q.id = $3 AND ", overseen!());
    let n: i64 = sqlx::query_scalar(sql)
        .bind(supervisor)
        .bind(i64::from(admin))
        .bind(queue)
        .fetch_one(&mut *conn)
        .await?;
    Ok(n > 0)
}

/// Whether `supervisor` (an administrator when `admin`) oversees an agent: they share a queue.
pub async fn oversees(conn: &mut Conn, supervisor: i64, admin: bool, agent: i64) -> AppResult<bool> {
    let sql = concat!(
        "SELECT COUNT(*) FROM queues q JOIN queue_members a ON a.queue_id = q.id AND a.user_id = $3 WHERE ",
        overseen!()
    );
    let shared: i64 = sqlx::query_scalar(sql)
        .bind(supervisor)
        .bind(i64::from(admin))
        .bind(agent)
        .fetch_one(&mut *conn)
        .await?;
    Ok(shared > 0)
}

/// The board at `now`; "today" from `today_from` (the supervisor's local midnight).
pub async fn board(
    conn: &mut Conn,
    supervisor: i64,
    admin: bool,
    today_from: i64,
    now: i64,
) -> AppResult<SupervisorBoard> {
    let sql = concat!(
        "SELECT q.id, q.name, q.sl_seconds FROM queues q WHERE ",
        overseen!(),
        " ORDER BY q.name, q.id"
    );
    let queues: Vec<(i64, String, i64)> =
        sqlx::query_as(sql).bind(supervisor).bind(i64::from(admin)).fetch_all(&mut *conn).await?;
    let ids: Vec<i64> = queues.iter().map(|q| q.0).collect();
    let live = live(conn).await?;
    let today = counts(conn, today_from).await?;
    let recent = counts(conn, now - RECENT_MS).await?;
    let agents = agents(conn, &ids).await?;
    let boards = queues
        .into_iter()
        .map(|(id, name, sl_seconds)| {
            let (waiting, ringing, oldest) = live.get(&id).copied().unwrap_or_default();
            let (available, busy, idle) =
                agents_by_state(agents.iter().filter(|a| a.queue_ids.contains(&id)));
            QueueBoard {
                queue_id: id,
                name,
                sl_seconds: u32::try_from(sl_seconds).unwrap_or(0),
                waiting,
                ringing,
                oldest_entered_at: oldest,
                available,
                busy,
                idle,
                today: today.get(&id).copied().unwrap_or_default().figures(),
                recent: recent.get(&id).copied().unwrap_or_default().figures(),
            }
        })
        .collect();
    let waiting = waiting(conn, &ids).await?;
    let monitoring = crate::store::monitoring::of_supervisor(conn, supervisor).await?;
    Ok(SupervisorBoard { queues: boards, agents, waiting, monitoring, at: now })
}

/// The conversations waiting in `queues`, the longest-waiting first, at most [`WAITING_LISTED`] per
/// queue.
async fn waiting(conn: &mut Conn, queues: &[i64]) -> AppResult<Vec<WaitingConversation>> {
    let ids = serde_json::to_string(queues).map_err(|e| crate::error::AppError::Internal(e.into()))?;
    let rows: Vec<WaitingRow> = sqlx::query_as(
        "SELECT c.id, c.queue_id, c.channel, c.customer_name, c.queued_at, o.agent_id
         FROM conversations c LEFT JOIN offers o ON o.conversation_id = c.id
         WHERE c.status = 'active' AND c.agent_id IS NULL AND c.customer_left_at IS NULL
           AND c.queue_id IN (SELECT CAST(value AS BIGINT) FROM json_each($1))
         ORDER BY c.queued_at, c.id",
    )
    .bind(ids)
    .fetch_all(&mut *conn)
    .await?;
    let mut listed: HashMap<i64, usize> = HashMap::new();
    let mut waiting = Vec::new();
    for (id, queue_id, channel, customer_name, entered_at, offered_to) in rows {
        let shown = listed.entry(queue_id).or_default();
        if *shown == WAITING_LISTED {
            continue;
        }
        *shown += 1;
        let channel = Channel::parse(&channel).ok_or_else(|| bad_value("channel", &channel))?;
        waiting.push(WaitingConversation {
            conversation_id: id,
            queue_id,
            channel,
            customer_name,
            entered_at,
            offered_to,
        });
    }
    Ok(waiting)
}

/// Per queue: waiting (not offered), ringing (offered) and when the longest wait began; read from the
/// conversations themselves, the truth of "now".
async fn live(conn: &mut Conn) -> AppResult<HashMap<i64, (u32, u32, Option<i64>)>> {
    let rows: Vec<(i64, i64, i64, Option<i64>)> = sqlx::query_as(
        "SELECT c.queue_id, CAST(SUM(CASE WHEN o.conversation_id IS NULL THEN 1 ELSE 0 END) AS BIGINT),
                CAST(SUM(CASE WHEN o.conversation_id IS NULL THEN 0 ELSE 1 END) AS BIGINT), MIN(c.queued_at)
         FROM conversations c LEFT JOIN offers o ON o.conversation_id = c.id
         WHERE c.status = 'active' AND c.agent_id IS NULL AND c.customer_left_at IS NULL
         GROUP BY c.queue_id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let count = |n: i64| u32::try_from(n).unwrap_or(0);
    Ok(rows
        .into_iter()
        .map(|(q, waiting, ringing, oldest)| (q, (count(waiting), count(ringing), oldest)))
        .collect())
}

type CountRow = (i64, i64, i64, i64, i64, i64, i64);

/// Per queue, what closed (and was handled) since `from`.
async fn counts(conn: &mut Conn, from: i64) -> AppResult<HashMap<i64, QueueCounts>> {
    let rows: Vec<CountRow> = sqlx::query_as(
        "SELECT s.queue_id,
                CAST(SUM(CASE WHEN s.outcome = 'answered' THEN 1 ELSE 0 END) AS BIGINT),
                CAST(SUM(CASE WHEN s.outcome = 'answered' AND s.answered_at - s.entered_at <= q.sl_seconds * 1000
                              THEN 1 ELSE 0 END) AS BIGINT),
                CAST(SUM(CASE WHEN s.outcome = 'abandoned' THEN 1 ELSE 0 END) AS BIGINT),
                CAST(SUM(CASE WHEN s.outcome = 'abandoned' AND s.left_at - s.entered_at < $2 THEN 1 ELSE 0 END) AS BIGINT),
                CAST(SUM(CASE WHEN s.outcome = 'answered' THEN s.answered_at - s.entered_at ELSE 0 END) AS BIGINT),
                CAST(SUM(s.ronas) AS BIGINT)
         FROM queue_segments s JOIN queues q ON q.id = s.queue_id
         WHERE s.left_at >= $1 OR (s.left_at IS NULL AND s.ronas > 0)
         GROUP BY s.queue_id",
    )
    .bind(from)
    .bind(SHORT_ABANDON_MS)
    .fetch_all(&mut *conn)
    .await?;
    let n = |v: i64| u32::try_from(v).unwrap_or(0);
    let mut counts: HashMap<i64, QueueCounts> = rows
        .into_iter()
        .map(|(q, answered, within, abandoned, short, wait, ronas)| {
            let counts = QueueCounts {
                answered: n(answered),
                answered_within: n(within),
                abandoned: n(abandoned),
                short_abandoned: n(short),
                answer_wait_ms: wait,
                ronas: n(ronas),
                ..Default::default()
            };
            (q, counts)
        })
        .collect();
    let handled: Vec<(i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT queue_id, COUNT(*), CAST(SUM(wrapped_up_at - accepted_at) AS BIGINT), CAST(SUM(focused_ms) AS BIGINT)
         FROM activities WHERE wrapped_up_at >= $1 GROUP BY queue_id",
    )
    .bind(from)
    .fetch_all(&mut *conn)
    .await?;
    for (q, handled, handle_ms, focused_ms) in handled {
        let c = counts.entry(q).or_default();
        c.handled = n(handled);
        c.handle_ms = handle_ms;
        c.focused_ms = focused_ms;
    }
    Ok(counts)
}

/// A waiting conversation: id, queue, channel, customer, entered, offered to.
type WaitingRow = (i64, i64, String, Option<String>, i64, Option<i64>);
type AgentRow = (i64, String, Option<String>, Option<String>, Option<i64>);
type WorkRow = (i64, i64, String, Option<String>, i64, i64);

/// The agents of `queues` with their state, load and conversations.
async fn agents(conn: &mut Conn, queues: &[i64]) -> AppResult<Vec<AgentBoard>> {
    let ids = serde_json::to_string(queues).map_err(|e| crate::error::AppError::Internal(e.into()))?;
    let membership: Vec<(i64, i64)> = sqlx::query_as(concat!(
        "SELECT m.user_id, m.queue_id FROM queue_members m JOIN users u ON u.id = m.user_id
         WHERE u.role = 'agent' AND m.queue_id IN ",
        "(SELECT CAST(value AS BIGINT) FROM json_each($1))"
    ))
    .bind(&ids)
    .fetch_all(&mut *conn)
    .await?;
    let mut queues_of: HashMap<i64, Vec<i64>> = HashMap::new();
    for (user, queue) in membership {
        queues_of.entry(user).or_default().push(queue);
    }
    let users = serde_json::to_string(&queues_of.keys().collect::<Vec<_>>())
        .map_err(|e| crate::error::AppError::Internal(e.into()))?;
    let rows: Vec<AgentRow> = sqlx::query_as(concat!(
        "SELECT u.id, u.display_name, s.state, s.idle_reason, s.since
         FROM users u LEFT JOIN agent_states s ON s.user_id = u.id WHERE u.id IN ",
        "(SELECT CAST(value AS BIGINT) FROM json_each($1))",
        " ORDER BY u.display_name, u.id"
    ))
    .bind(&users)
    .fetch_all(&mut *conn)
    .await?;
    let work: Vec<WorkRow> = sqlx::query_as(concat!(
        "SELECT a.agent_id, c.id, c.channel, COALESCE(p.first_name || ' ' || p.last_name, c.customer_name),
                a.accepted_at, a.queue_id
         FROM activities a JOIN conversations c ON c.id = a.conversation_id
         LEFT JOIN contacts p ON p.id = c.contact_id
         WHERE a.wrapped_up_at IS NULL AND a.agent_id IN ",
        "(SELECT CAST(value AS BIGINT) FROM json_each($1))",
        " ORDER BY a.accepted_at"
    ))
    .bind(&users)
    .fetch_all(&mut *conn)
    .await?;
    let capacity: Vec<(i64, String, i64)> = sqlx::query_as(concat!(
        "SELECT user_id, channel, capacity FROM agent_capacity WHERE user_id IN ",
        "(SELECT CAST(value AS BIGINT) FROM json_each($1))"
    ))
    .bind(&users)
    .fetch_all(&mut *conn)
    .await?;
    let mut conversations: HashMap<i64, Vec<AgentConversation>> = HashMap::new();
    for (agent, conversation_id, channel, customer_name, accepted_at, queue_id) in work {
        let channel = Channel::parse(&channel).ok_or_else(|| bad_value("channel", &channel))?;
        conversations.entry(agent).or_default().push(AgentConversation {
            conversation_id,
            channel,
            customer_name,
            accepted_at,
            queue_id,
        });
    }
    rows.into_iter()
        .map(|(id, name, state, reason, since)| {
            let state = match state.as_deref() {
                Some(s) => AgentState::parse(s).ok_or_else(|| bad_value("state", s))?,
                None => AgentState::Idle,
            };
            // No state yet: not signed in since the desk began keeping one.
            let idle_reason = match (state, reason.as_deref()) {
                (AgentState::Idle, Some(r)) => {
                    Some(IdleReason::parse(r).ok_or_else(|| bad_value("idle_reason", r))?)
                }
                (AgentState::Idle, None) => Some(IdleReason::SignedOut),
                _ => None,
            };
            let theirs = conversations.remove(&id).unwrap_or_default();
            let load = Channel::ALL
                .iter()
                .map(|&channel| ChannelLoad {
                    channel,
                    open: u32::try_from(theirs.iter().filter(|c| c.channel == channel).count()).unwrap_or(0),
                    capacity: capacity
                        .iter()
                        .find(|(user, c, _)| *user == id && c == channel.as_str())
                        .map_or(default_capacity(channel), |(_, _, n)| u32::try_from(*n).unwrap_or(0)),
                })
                .collect();
            Ok(AgentBoard {
                user_id: id,
                name,
                state,
                idle_reason,
                since,
                load,
                conversations: theirs,
                queue_ids: queues_of.remove(&id).unwrap_or_default(),
            })
        })
        .collect()
}
