//! The retention schedule: every instance looks each minute whether a round is due, and the one whose
//! claim moves the shared `next_run_at` runs it (`store::retention::claim`), so several instances on
//! one database run each round once.

use std::time::Duration;

use crate::AppState;
use crate::store::retention;

/// How often an instance looks whether a round is due.
const LOOK_EVERY: Duration = Duration::from_secs(60);

/// Runs retention every `every_hours` until the hub shuts down.
pub async fn every(state: AppState, every_hours: u32) {
    let every_ms = i64::from(every_hours) * 3_600_000;
    let mut stop = state.hub.shutting_down();
    loop {
        let now = state.clock.now();
        match retention::claim(&state.pool, now, every_ms).await {
            Ok(true) => {
                let recordings = state.voice.as_ref().map(|v| v.recordings());
                if let Err(e) = retention::run(&state.pool, false, None, now, recordings).await {
                    tracing::warn!(error = ?e, "the scheduled retention run failed; the next round tries again");
                }
            }
            Ok(false) => {}
            Err(e) => tracing::warn!(error = ?e, "looking whether retention is due failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(LOOK_EVERY) => {}
            _ = stop.changed() => return,
        }
    }
}
