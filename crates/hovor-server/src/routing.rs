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

use std::sync::Arc;

use hovor_types::chat::ConversationStatus;
use hovor_types::event::ServerEvent;
use sqlx::{Sqlite, Transaction};
use tokio::sync::{Mutex, Notify, OwnedMutexGuard};

use crate::AppState;
use crate::db::now_ms;
use crate::error::AppResult;
use crate::store::events::{self, Audience, Published};

pub use timer::run_deadlines;

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

/// One routing change in progress.
pub struct Work {
    pub tx: Transaction<'static, Sqlite>,
    pub now: i64,
    events: Vec<Published>,
    _lock: OwnedMutexGuard<()>,
}

impl Work {
    pub async fn begin(state: &AppState) -> AppResult<Work> {
        let lock = state.routing.lock.clone().lock_owned().await;
        let tx = state.pool.begin_with("BEGIN IMMEDIATE").await?;
        Ok(Work { tx, now: now_ms(), events: Vec::new(), _lock: lock })
    }

    pub async fn emit(&mut self, audience: Audience, event: ServerEvent) -> AppResult<()> {
        let published = events::append(&mut self.tx, audience, event).await?;
        self.events.push(published);
        Ok(())
    }

    /// An event written in this change's transaction by other code (a keyword tag, say).
    pub fn published(&mut self, published: Published) {
        self.events.push(published);
    }

    /// Tells the queue's desks and the conversation's customer where it now stands.
    pub async fn conversation_changed(
        &mut self,
        queue: i64,
        conversation_id: i64,
        status: ConversationStatus,
        agent_name: Option<String>,
    ) -> AppResult<()> {
        let event = ServerEvent::ConversationChanged { conversation_id, status, agent_name };
        self.emit(Audience::QueueAndCustomer { queue, conversation: conversation_id }, event).await
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
        self.tx.commit().await?;
        for event in self.events {
            state.hub.publish(event);
        }
        Ok(())
    }
}
