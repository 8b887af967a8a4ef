//! Whether a web-chat customer is still there: their page holds the chat's event stream open. A
//! waiting chat whose customer has no page open is offered to nobody, and ends as abandoned once its
//! queue's `abandon_after_seconds` pass without the customer coming back (a reload is back in a second).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use crate::AppState;
use crate::error::AppResult;

use super::{Work, lifecycle, offers};

/// Open customer streams per conversation, in this process.
#[derive(Clone, Default)]
pub struct Pages(Arc<Mutex<HashMap<i64, usize>>>);

/// Held by a customer's open stream; dropping the last one of a conversation marks the customer gone.
pub struct Present {
    state: AppState,
    conversation_id: i64,
}

impl Present {
    /// The customer opened (or reopened) their page: the chat is theirs to wait in again.
    pub async fn arrive(state: &AppState, conversation_id: i64) -> AppResult<Present> {
        let first = {
            let mut pages = state.routing.pages.0.lock().unwrap_or_else(|e| e.into_inner());
            let open = pages.entry(conversation_id).or_default();
            *open += 1;
            *open == 1
        };
        if first {
            // In a routing change, so that it is ordered against `left` on this or another instance.
            let mut work = Work::begin(state).await?;
            let back = sqlx::query(
                "UPDATE conversations SET customer_left_at = NULL WHERE id = $1 AND customer_left_at IS NOT NULL",
            )
            .bind(conversation_id)
            .execute(&mut *work.tx)
            .await?;
            if back.rows_affected() > 0 {
                // Offer it again now that someone is there.
                work.finish(state).await?;
            }
        }
        Ok(Present { state: state.clone(), conversation_id })
    }
}

impl Drop for Present {
    fn drop(&mut self) {
        let last = {
            let mut pages = self.state.routing.pages.0.lock().unwrap_or_else(|e| e.into_inner());
            let open = pages.entry(self.conversation_id).or_default();
            *open = open.saturating_sub(1);
            let last = *open == 0;
            if last {
                pages.remove(&self.conversation_id);
            }
            last
        };
        // A shutdown drops every stream: the customers have not left, the server has.
        if last && !*self.state.hub.shutting_down().borrow() {
            let (state, id) = (self.state.clone(), self.conversation_id);
            tokio::spawn(async move {
                if let Err(e) = left(&state, id).await {
                    tracing::warn!(error = ?e, conversation = id, "could not record that the customer left");
                }
            });
        }
    }
}

/// The customer's last page went away: a chat still waiting is withdrawn from whoever it rings.
async fn left(state: &AppState, conversation_id: i64) -> AppResult<()> {
    let mut work = Work::begin(state).await?;
    if state.routing.pages.0.lock().unwrap_or_else(|e| e.into_inner()).contains_key(&conversation_id) {
        return Ok(()); // back already
    }
    let waiting = sqlx::query(
        "UPDATE conversations SET customer_left_at = $1
         WHERE id = $2 AND status = 'active' AND agent_id IS NULL AND channel = 'chat'",
    )
    .bind(work.now)
    .bind(conversation_id)
    .execute(&mut *work.tx)
    .await?;
    if waiting.rows_affected() > 0 {
        offers::cancel(&mut work, conversation_id).await?;
    }
    work.finish(state).await
}

/// Ends, as abandoned, the waiting chats whose customer left longer ago than their queue allows.
pub async fn end_abandoned(work: &mut Work) -> AppResult<()> {
    let gone: Vec<i64> = sqlx::query_scalar(
        "SELECT c.id FROM conversations c JOIN queues q ON q.id = c.queue_id
         WHERE c.status = 'active' AND c.agent_id IS NULL AND c.customer_left_at IS NOT NULL
           AND c.customer_left_at + q.abandon_after_seconds * 1000 <= $1",
    )
    .bind(work.now)
    .fetch_all(&mut *work.tx)
    .await?;
    for id in gone {
        sqlx::query("UPDATE conversations SET abandoned = 1 WHERE id = $1")
            .bind(id)
            .execute(&mut *work.tx)
            .await?;
        lifecycle::end(work, id, None).await?;
    }
    Ok(())
}
