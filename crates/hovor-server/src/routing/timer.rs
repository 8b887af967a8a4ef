//! Deadlines: offers that expire (RONA), refusals that lapse, chats their customers left and callback
//! windows that open. Sleeps until the next one, or until
//! a routing change wakes it, and runs at least every few seconds as a safety net.

use std::time::Duration;

use crate::AppState;
use crate::db::now_ms;

use super::{Work, offers, presence};

const AT_LEAST_EVERY: Duration = Duration::from_secs(5);

pub async fn run_deadlines(state: AppState) {
    let mut shutdown = state.hub.shutting_down();
    loop {
        if let Err(e) = tick(&state).await {
            tracing::warn!(error = ?e, "routing deadlines failed; trying again");
        }
        let wait = match next_deadline(&state).await {
            Ok(Some(at)) => Duration::from_millis((at - now_ms()).clamp(0, 5_000) as u64),
            _ => AT_LEAST_EVERY,
        };
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = state.routing.wake.notified() => {}
            _ = shutdown.changed() => return,
        }
    }
}

/// Expires the offers past their deadline, ends the chats their customers abandoned, opens the
/// callbacks whose window has started, and offers what waits (refusals may have lapsed).
pub async fn tick(state: &AppState) -> anyhow::Result<()> {
    let mut work = Work::begin(state).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    offers::expire(&mut work).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    presence::end_abandoned(&mut work).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    crate::callbacks::open_due(&mut work).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    work.finish_quietly(state).await.map_err(|e| anyhow::anyhow!("{e:?}"))
}

/// The earliest of the offers' deadlines, the moments waiting chats without their customer are given
/// up, and the next callback window.
async fn next_deadline(state: &AppState) -> anyhow::Result<Option<i64>> {
    let offer: Option<i64> =
        sqlx::query_scalar("SELECT MIN(expires_at) FROM offers").fetch_one(&state.pool).await?;
    let abandon: Option<i64> = sqlx::query_scalar(
        "SELECT MIN(c.customer_left_at + q.abandon_after_seconds * 1000)
         FROM conversations c JOIN queues q ON q.id = c.queue_id
         WHERE c.status = 'active' AND c.agent_id IS NULL AND c.customer_left_at IS NOT NULL",
    )
    .fetch_one(&state.pool)
    .await?;
    let callback = crate::callbacks::next_due(&state.pool).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    Ok(offer.into_iter().chain(abandon).chain(callback).min())
}
