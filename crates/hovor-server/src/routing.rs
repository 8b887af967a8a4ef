//! The routing engine: conversations wait in their queue and are offered, one at a time, to an
//! available agent of the queue who has its skills and free capacity in its channel, longest-idle
//! first. An offer not answered by its deadline (RONA) returns to the queue and sets the agent Idle.
//!
//! Every routing change runs as one [`Work`]: the routing lock and an immediate transaction, the
//! change and its events, then an assignment pass, then commit and publish. One lock keeps two passes
//! from offering the same agent's last free slot twice.

pub mod agents;
mod assign;
pub mod lifecycle;
pub mod offers;
pub mod outbound;
pub mod presence;
mod timer;

use std::ops::{Deref, DerefMut};
use std::sync::Arc;

use tokio::sync::{Mutex, Notify, OwnedMutexGuard};

use crate::AppState;
use crate::change::Change;
use crate::error::AppResult;

pub use timer::{run_deadlines, tick};

/// An agent who declined or missed a conversation is not offered it again for this long.
pub const REFUSAL_MS: i64 = 60_000;

#[derive(Clone, Default)]
pub struct Routing {
    lock: Arc<Mutex<()>>,
    /// Wakes the deadline timer when offers change.
    wake: Arc<Notify>,
    /// Web-chat customers' open pages.
    pages: presence::Pages,
}

/// One routing change in progress: a [`Change`] made while holding the routing lock, so that
/// assignment decisions are taken one at a time.
pub struct Work {
    change: Change,
    _lock: OwnedMutexGuard<()>,
}

impl Deref for Work {
    type Target = Change;
    fn deref(&self) -> &Change {
        &self.change
    }
}

impl DerefMut for Work {
    fn deref_mut(&mut self) -> &mut Change {
        &mut self.change
    }
}

impl Work {
    pub async fn begin(state: &AppState) -> AppResult<Work> {
        let lock = state.routing.lock.clone().lock_owned().await;
        Ok(Work { change: Change::begin(state).await?, _lock: lock })
    }

    /// Offers what can be offered, commits, publishes every event of the change, and wakes the
    /// deadline timer (a new offer may expire before the one it sleeps towards).
    pub async fn finish(self, state: &AppState) -> AppResult<()> {
        self.finish_quietly(state).await?;
        state.routing.wake.notify_one();
        Ok(())
    }

    /// [`Work::finish`] without waking the timer: the timer's own tick.
    async fn finish_quietly(mut self, state: &AppState) -> AppResult<()> {
        assign::pass(&mut self).await?;
        self.change.commit(state).await
    }
}
