//! One unit of work: a transaction and the events it emits. Every write opens a `Change`, the store's
//! writers write and emit into it, and `commit` makes the data durable before it hands the events to
//! the hub in order, so no stream sees an event whose data a reader could not find yet.

use std::ops::{Deref, DerefMut};

use crate::db::{Conn, Db};
use hovor_types::chat::ConversationStatus;
use hovor_types::event::ServerEvent;
use hovor_types::voice::LineNews;
use sqlx::Transaction;

use crate::AppState;
use crate::db::Backend;
use crate::error::AppResult;
use crate::hub::{Audience, Published};
use crate::store::events;

pub struct Change {
    pub tx: Transaction<'static, Db>,
    /// The change's moment, in milliseconds since the Unix epoch: one clock for all it writes.
    pub now: i64,
    events: Vec<Published>,
}

impl Change {
    /// Opens the transaction as the writer at once (`db::begin_write`).
    pub async fn begin(state: &AppState) -> AppResult<Change> {
        let tx = crate::db::begin_write(&state.pool).await?;
        Ok(Change { tx, now: state.clock.now(), events: Vec::new() })
    }

    /// Appends an event to the outbox in this change's transaction.
    pub async fn emit(&mut self, audience: Audience, event: ServerEvent) -> AppResult<()> {
        let published = events::append(&mut self.tx, audience, event).await?;
        self.events.push(published);
        Ok(())
    }

    /// Appends a line's news to the outbox in this change's transaction.
    pub async fn emit_line(&mut self, line_id: i64, news: LineNews) -> AppResult<()> {
        let published = events::append_line(&mut self.tx, line_id, news).await?;
        self.events.push(published);
        Ok(())
    }

    /// Tells the queue's desks and the conversation's customer where it now stands.
    pub async fn conversation_changed(
        &mut self,
        queue: i64,
        conversation_id: i64,
        status: ConversationStatus,
        agent_name: Option<String>,
    ) -> AppResult<()> {
        // Every status change passes here: the queue segments the supervisors' figures count follow it.
        crate::store::segments::follow(&mut self.tx, queue, conversation_id, status, self.now).await?;
        let event = ServerEvent::ConversationChanged { conversation_id, status, agent_name };
        self.emit(Audience::QueueAndCustomer { queue, conversation: conversation_id }, event).await
    }

    /// A change that is nothing but one event (typing, say).
    pub async fn event_only(state: &AppState, audience: Audience, event: ServerEvent) -> AppResult<()> {
        let mut change = Change::begin(state).await?;
        change.emit(audience, event).await?;
        change.commit(state).await
    }

    /// Commits, then hands the change's events to the streams in the order it emitted them. On SQLite
    /// (one process) they go to the hub at once. On PostgreSQL the commit notifies every instance, this
    /// one included, and each instance's `relay` publishes all events in id order: were this instance to
    /// publish its own at once, an event of another instance committed just before would be a gap in
    /// the hub, and every stream would read the table to fill it.
    pub async fn commit(mut self, state: &AppState) -> AppResult<()> {
        let postgres = Backend::of(&state.pool) == Backend::Postgres;
        if let Some(last) = self.events.last()
            && postgres
        {
            // Delivered at commit, in commit order, and never for a change that rolls back.
            sqlx::query("SELECT pg_notify($1, $2)")
                .bind(crate::relay::CHANNEL)
                .bind(last.id.to_string())
                .execute(&mut *self.tx)
                .await?;
        }
        self.tx.commit().await?;
        if !postgres {
            for event in self.events {
                state.hub.publish(event);
            }
        }
        Ok(())
    }
}

/// Readers and writers of the store take the connection; a change lends its transaction's.
impl Deref for Change {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        &self.tx
    }
}

impl DerefMut for Change {
    fn deref_mut(&mut self) -> &mut Conn {
        &mut self.tx
    }
}
