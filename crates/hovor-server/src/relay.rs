//! On PostgreSQL, the events committed by every Hovor instance on the database (this one included)
//! reach this instance's streams: every commit that emits events sends a NOTIFY carrying its last id
//! (`Change::commit`), and this task reads the table from where it stopped and publishes each event to
//! the local hub, in id order, one query for all the streams. The table stays the truth: a notification
//! lost with a dropped connection is made up by reading the table when the listener reconnects, and by
//! a read every `POLL_EVERY` regardless.

use std::time::Duration;

use sqlx::postgres::PgListener;

use crate::AppState;
use crate::store::events;

/// The NOTIFY channel.
pub const CHANNEL: &str = "hovor_events";
/// The safety net: the table is read this often even when no notification came.
const POLL_EVERY: Duration = Duration::from_secs(1);
const BATCH: i64 = 1000;

/// Starts the relay from the newest stored event; it runs until the hub shuts down. Only on PostgreSQL,
/// before the instance commits anything.
pub async fn start(state: &AppState, database_url: &str) -> anyhow::Result<()> {
    let (_, newest) = events::bounds(&state.pool).await.map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let listener = listen(database_url).await;
    tokio::spawn(run(state.clone(), database_url.to_owned(), newest, listener));
    Ok(())
}

async fn run(state: AppState, database_url: String, mut cursor: i64, mut listener: Option<PgListener>) {
    let mut shutdown = state.hub.shutting_down();
    loop {
        if listener.is_none() {
            listener = listen(&database_url).await;
        }
        let still_listening = tokio::select! {
            listening = notified(listener.as_mut()) => listening,
            _ = tokio::time::sleep(POLL_EVERY) => true,
            _ = shutdown.changed() => return,
        };
        if still_listening {
            // One read covers every notification already here.
            while listener.as_mut().and_then(PgListener::next_buffered).is_some() {}
        } else {
            listener = None;
        }
        cursor = catch_up(&state, cursor).await;
    }
}

/// Waits for a notification; false when the listener failed and must be replaced. `Ok(None)` from
/// `try_recv` means the connection dropped and came back: what it missed is in the table, read next.
async fn notified(listener: Option<&mut PgListener>) -> bool {
    let Some(listener) = listener else {
        return std::future::pending().await;
    };
    match listener.try_recv().await {
        Ok(_) => true,
        Err(e) => {
            tracing::warn!(error = %e, "event relay lost its listener; reconnecting");
            false
        }
    }
}

async fn listen(url: &str) -> Option<PgListener> {
    let mut listener = match PgListener::connect(url).await {
        Ok(listener) => listener,
        Err(e) => {
            tracing::warn!(error = %e, "event relay cannot connect; reading the table meanwhile");
            return None;
        }
    };
    match listener.listen(CHANNEL).await {
        Ok(()) => Some(listener),
        Err(e) => {
            tracing::warn!(error = %e, "event relay cannot listen; reading the table meanwhile");
            None
        }
    }
}

/// Publishes every event after `cursor`; returns the new cursor.
async fn catch_up(state: &AppState, mut cursor: i64) -> i64 {
    loop {
        match events::all_after(&state.pool, cursor, BATCH).await {
            Ok(batch) => {
                let full = batch.len() as i64 == BATCH;
                for event in batch {
                    cursor = event.id;
                    state.hub.publish(event);
                }
                if !full {
                    return cursor;
                }
            }
            Err(e) => {
                tracing::warn!(error = ?e, "event relay could not read the table; trying again");
                return cursor;
            }
        }
    }
}
