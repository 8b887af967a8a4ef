//! Retention: the administrator's rules (per queue and channel, anonymise or delete interactions that
//! ended more than N days ago), the runs that apply them, on a schedule every instance shares or when
//! an administrator asks, dry (counting only) or real, each kept as an audit entry.

use hovor_types::conversation::Channel;
use hovor_types::retention::{EVENTS_KEPT_DAYS, RetentionAction, RetentionRule, RetentionRun};

use super::anonymise::{self, Removed};
use super::conversations::bad_value;
use crate::db::{self, Conn, Flag, Pool};
use crate::error::AppResult;

/// Interactions handled per transaction: a run holds the writer lock for tens of milliseconds at a
/// time, so the desks' own writes never wait long behind it (docs/PERFORMANCE.md).
const BATCH: i64 = 25;
/// The least a run waits between batches, however quick the last one was.
const PAUSE_AT_LEAST: std::time::Duration = std::time::Duration::from_millis(25);

pub async fn rules(conn: &mut Conn) -> AppResult<Vec<RetentionRule>> {
    let rows: Vec<(i64, String, String, i64)> = sqlx::query_as(
        "SELECT queue_id, channel, action, after_days FROM retention_rules ORDER BY queue_id, channel",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|(queue_id, channel, action, after_days)| {
            Ok(RetentionRule {
                queue_id,
                channel: Channel::parse(&channel).ok_or_else(|| bad_value("channel", &channel))?,
                action: RetentionAction::parse(&action).ok_or_else(|| bad_value("action", &action))?,
                after_days: u32::try_from(after_days).unwrap_or(0),
            })
        })
        .collect()
}

/// The position of the first rule whose queue does not exist, read in one query.
pub async fn first_unknown_queue(conn: &mut Conn, rules: &[RetentionRule]) -> AppResult<Option<usize>> {
    let ids: Vec<i64> = rules.iter().map(|r| r.queue_id).collect();
    let ids = serde_json::to_string(&ids).map_err(|e| crate::error::AppError::Internal(e.into()))?;
    let known: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM queues WHERE id IN (SELECT CAST(value AS BIGINT) FROM json_each($1))",
    )
    .bind(ids)
    .fetch_all(&mut *conn)
    .await?;
    Ok(rules.iter().position(|r| !known.contains(&r.queue_id)))
}

/// Replaces every rule with `rules` (checked by the caller) inside the caller's transaction.
pub async fn set_rules(conn: &mut Conn, rules: &[RetentionRule]) -> AppResult<()> {
    sqlx::query("DELETE FROM retention_rules").execute(&mut *conn).await?;
    for rule in rules {
        sqlx::query(
            "INSERT INTO retention_rules (queue_id, channel, action, after_days) VALUES ($1, $2, $3, $4)",
        )
        .bind(rule.queue_id)
        .bind(rule.channel.as_str())
        .bind(rule.action.as_str())
        .bind(i64::from(rule.after_days))
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The interactions a rule applies to now: ended before its day, not yet anonymised when it
/// anonymises. `$1` queue, `$2` channel, `$3` the moment. What ended before it was queued before it
/// too: that condition walks `conversations(channel, queued_at, id)` instead of the whole table.
const DUE: &str = "FROM conversations c WHERE c.channel = $2 AND c.queued_at < $3 AND c.queue_id = $1
     AND c.status = 'ended' AND COALESCE(c.ended_at, c.queued_at) < $3";

fn due(rule: &RetentionRule, select: &str) -> String {
    let pending = if rule.action == RetentionAction::Anonymise { " AND c.anonymised_at IS NULL" } else { "" };
    format!("SELECT {select} {DUE}{pending}")
}

/// Applies every rule at `now` (or, dry, counts what it would do), removes the events no stream needs,
/// compacts what was removed and records the run. `user`: who asked; none for the schedule.
pub async fn run(
    pool: &Pool,
    dry_run: bool,
    user: Option<i64>,
    now: i64,
    recordings_dir: Option<&std::path::Path>,
) -> AppResult<RetentionRun> {
    let rules = rules(&mut *pool.acquire().await?).await?;
    let (mut anonymised, mut deleted) = (0_u64, 0_u64);
    for rule in &rules {
        let done = if dry_run {
            count(pool, rule, now).await?
        } else {
            apply(pool, rule, now, recordings_dir).await?
        };
        match rule.action {
            RetentionAction::Anonymise => anonymised += done,
            RetentionAction::Delete => deleted += done,
        }
    }
    let events = old_events(pool, dry_run, now).await?;
    if !dry_run {
        erase_if_pending(pool).await?;
    }
    let finished_at = db::now_ms().max(now);
    let mut tx = db::begin_write(pool).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO retention_runs (started_at, finished_at, dry_run, user_id, anonymised, deleted, events)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(now)
    .bind(finished_at)
    .bind(i64::from(dry_run))
    .bind(user)
    .bind(anonymised as i64)
    .bind(deleted as i64)
    .bind(events as i64)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::info!(id, dry_run, anonymised, deleted, events, "retention ran");
    Ok(runs(&mut *pool.acquire().await?, 1).await?.into_iter().find(|r| r.id == id).unwrap_or(RetentionRun {
        id,
        started_at: now,
        finished_at,
        dry_run,
        user: None,
        anonymised,
        deleted,
        events,
    }))
}

async fn count(pool: &Pool, rule: &RetentionRule, now: i64) -> AppResult<u64> {
    let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(due(rule, "COUNT(*)")))
        .bind(rule.queue_id)
        .bind(rule.channel.as_str())
        .bind(rule.due_before(now))
        .fetch_one(pool)
        .await?;
    Ok(u64::try_from(n).unwrap_or(0))
}

/// Anonymises or deletes the rule's due interactions, a batch per transaction.
async fn apply(
    pool: &Pool,
    rule: &RetentionRule,
    now: i64,
    recordings_dir: Option<&std::path::Path>,
) -> AppResult<u64> {
    let mut done = 0;
    loop {
        let held = std::time::Instant::now();
        let mut tx = db::begin_write(pool).await?;
        let ids: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "{} ORDER BY c.queued_at, c.id LIMIT $4",
            due(rule, "c.id")
        )))
        .bind(rule.queue_id)
        .bind(rule.channel.as_str())
        .bind(rule.due_before(now))
        .bind(BATCH)
        .fetch_all(&mut *tx)
        .await?;
        let mut removed = Removed::default();
        for &id in &ids {
            removed.recordings.extend(anonymise::strip(&mut tx, id, now).await?.recordings);
            if rule.action == RetentionAction::Delete {
                sqlx::query("DELETE FROM conversations WHERE id = $1").bind(id).execute(&mut *tx).await?;
            }
        }
        tx.commit().await?;
        removed.delete_files(recordings_dir);
        done += ids.len() as u64;
        if (ids.len() as i64) < BATCH {
            return Ok(done);
        }
        // SQLite's lock is not a queue: a writer waiting for it looks again only every so often,
        // and a loop that takes it straight back would starve the desks. Half the time is theirs.
        tokio::time::sleep(held.elapsed().max(PAUSE_AT_LEAST)).await;
    }
}

/// Events older than [`EVENTS_KEPT_DAYS`]: counted, or removed.
async fn old_events(pool: &Pool, dry_run: bool, now: i64) -> AppResult<u64> {
    let before = now - i64::from(EVENTS_KEPT_DAYS) * 86_400_000;
    if dry_run {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE at < $1")
            .bind(before)
            .fetch_one(pool)
            .await?;
        return Ok(u64::try_from(n).unwrap_or(0));
    }
    let mut tx = db::begin_write(pool).await?;
    let removed =
        sqlx::query("DELETE FROM events WHERE at < $1").bind(before).execute(&mut *tx).await?.rows_affected();
    if removed > 0 {
        anonymise::erase_pending(&mut tx).await?;
    }
    tx.commit().await?;
    Ok(removed)
}

/// Compacts the database files when rows were removed since the last time.
async fn erase_if_pending(pool: &Pool) -> AppResult<()> {
    let mut tx = db::begin_write(pool).await?;
    let Flag(pending) = sqlx::query_scalar("SELECT erase_pending = 1 FROM retention_schedule WHERE id = 1")
        .fetch_one(&mut *tx)
        .await?;
    sqlx::query("UPDATE retention_schedule SET erase_pending = 0 WHERE id = 1").execute(&mut *tx).await?;
    tx.commit().await?;
    if pending && !db::erase_removed(pool, db::Erase::Compact).await? {
        // Not finished (an older transaction, a busy log): the next run tries again.
        let mut tx = db::begin_write(pool).await?;
        anonymise::erase_pending(&mut tx).await?;
        tx.commit().await?;
    }
    Ok(())
}

/// Claims the scheduled run due at `now` for this instance: true for exactly one instance per round,
/// which then runs; the next round is `every_ms` later.
pub async fn claim(pool: &Pool, now: i64, every_ms: i64) -> AppResult<bool> {
    let claimed =
        sqlx::query("UPDATE retention_schedule SET next_run_at = $1 WHERE id = 1 AND next_run_at <= $2")
            .bind(now + every_ms)
            .bind(now)
            .execute(pool)
            .await?
            .rows_affected();
    Ok(claimed == 1)
}

#[derive(sqlx::FromRow)]
struct RunRow {
    id: i64,
    started_at: i64,
    finished_at: i64,
    dry_run: Flag,
    user_name: Option<String>,
    anonymised: i64,
    deleted: i64,
    events: i64,
}

/// The latest runs, newest first, at most `limit`.
pub async fn runs(conn: &mut Conn, limit: i64) -> AppResult<Vec<RetentionRun>> {
    let rows: Vec<RunRow> = sqlx::query_as(
        "SELECT r.id, r.started_at, r.finished_at, r.dry_run = 1 AS dry_run, u.display_name AS user_name,
                r.anonymised, r.deleted, r.events
         FROM retention_runs r LEFT JOIN users u ON u.id = r.user_id ORDER BY r.id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    let count = |n: i64| u64::try_from(n).unwrap_or(0);
    Ok(rows
        .into_iter()
        .map(|r| RetentionRun {
            id: r.id,
            started_at: r.started_at,
            finished_at: r.finished_at,
            dry_run: r.dry_run.0,
            user: r.user_name,
            anonymised: count(r.anonymised),
            deleted: count(r.deleted),
            events: count(r.events),
        })
        .collect())
}
