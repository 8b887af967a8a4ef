//! Fans committed events out to the open streams, and ends the streams when the server shuts down.
//!
//! The outbox table stays the truth. The hub keeps the most recent committed events in memory, each
//! serialized once, so a thousand streams do not run a thousand queries per event. A stream reads from
//! memory while the events after its cursor are there without a gap, and from the table otherwise
//! (after a reconnect, or when an event's publisher has not reached the hub yet).

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, RwLock};

use tokio::sync::watch;

use hovor_types::event::EventEnvelope;
use hovor_types::voice::LineEnvelope;

use crate::error::{AppError, AppResult};

/// Who sees an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    Queue(i64),
    User(i64),
    /// The customer of this web-chat conversation, on their own stream.
    Customer(i64),
    /// The queue's members and the customer of the conversation.
    QueueAndCustomer {
        queue: i64,
        conversation: i64,
    },
    /// The phone pages listening on this line (`phone_lines.id`).
    Line(i64),
}

/// A stored event ready to send: its id, who sees it, and its `EventEnvelope` as JSON, serialized once.
#[derive(Debug, Clone)]
pub struct Published {
    pub id: i64,
    pub audience: Audience,
    pub json: Arc<str>,
}

impl Published {
    pub(crate) fn new(envelope: &EventEnvelope, audience: Audience) -> AppResult<Published> {
        Published::serialized(envelope.id, envelope, audience)
    }

    /// A line's news, which travels as a `LineEnvelope`.
    pub(crate) fn line(envelope: &LineEnvelope, line_id: i64) -> AppResult<Published> {
        Published::serialized(envelope.id, envelope, Audience::Line(line_id))
    }

    fn serialized(id: i64, envelope: &impl serde::Serialize, audience: Audience) -> AppResult<Published> {
        let json = serde_json::to_string(envelope).map_err(|e| AppError::Internal(e.into()))?;
        Ok(Published { id, audience, json: json.into() })
    }
}

/// Events kept in memory for streams that are slightly behind.
const RECENT: usize = 4096;

#[derive(Clone)]
pub struct Hub(Arc<Inner>);

struct Inner {
    latest: watch::Sender<i64>,
    shutdown: watch::Sender<bool>,
    recent: RwLock<BTreeMap<i64, Published>>,
}

impl Default for Hub {
    fn default() -> Self {
        Hub(Arc::new(Inner {
            latest: watch::channel(0).0,
            shutdown: watch::channel(false).0,
            recent: RwLock::new(BTreeMap::new()),
        }))
    }
}

/// Who a stream belongs to.
#[derive(Debug, Clone)]
pub enum Viewer {
    /// A signed-in user: events for their queues and for them.
    Agent { user_id: i64, queues: HashSet<i64> },
    /// A web-chat customer: the events of their conversation meant for them.
    Customer { conversation_id: i64 },
    /// A phone page on its line: the calls ringing it and those it takes part in as a number.
    Line { line_id: i64 },
}

impl Viewer {
    pub fn sees(&self, audience: Audience) -> bool {
        match (self, audience) {
            (
                Viewer::Agent { queues, .. },
                Audience::Queue(queue) | Audience::QueueAndCustomer { queue, .. },
            ) => queues.contains(&queue),
            (Viewer::Agent { user_id, .. }, Audience::User(user)) => user == *user_id,
            (
                Viewer::Customer { conversation_id },
                Audience::Customer(conversation) | Audience::QueueAndCustomer { conversation, .. },
            ) => conversation == *conversation_id,
            (Viewer::Line { line_id }, Audience::Line(line)) => line == *line_id,
            _ => false,
        }
    }
}

/// What the memory holds after a cursor.
pub enum Recent {
    /// Every event after the cursor up to `cursor` (the new one); those the viewer sees are in `events`.
    Events { events: Vec<Published>, cursor: i64 },
    /// Memory cannot answer without a gap: read the table.
    AskTheTable,
}

impl Hub {
    /// Call once the transaction that stored the event has committed.
    pub fn publish(&self, event: Published) {
        let id = event.id;
        if let Ok(mut recent) = self.0.recent.write() {
            recent.insert(id, event);
            while recent.len() > RECENT {
                recent.pop_first();
            }
        }
        self.seen(id);
    }

    /// The events after `cursor` for `viewer`, as far as memory holds them without a gap.
    pub fn after(&self, cursor: i64, viewer: &Viewer, limit: usize) -> Recent {
        let Ok(recent) = self.0.recent.read() else { return Recent::AskTheTable };
        let mut next = cursor + 1;
        let mut events = Vec::new();
        for (id, event) in recent.range(next..) {
            if *id != next {
                return Recent::AskTheTable; // a gap: that event is committed but not published yet
            }
            if viewer.sees(event.audience) {
                events.push(event.clone());
            }
            next += 1;
            if events.len() == limit {
                break;
            }
        }
        // Nothing in memory after the cursor while a newer event was published: the oldest are gone.
        if next == cursor + 1 && *self.0.latest.borrow() > cursor {
            return Recent::AskTheTable;
        }
        Recent::Events { events, cursor: next - 1 }
    }

    /// Raises the newest known id to `id`, an event known committed (read from the table): streams behind
    /// it that memory cannot serve then read the table instead of waiting for the next publish.
    pub fn seen(&self, id: i64) {
        self.0.latest.send_if_modified(|latest| {
            let newer = id > *latest;
            if newer {
                *latest = id;
            }
            newer
        });
    }

    pub fn subscribe(&self) -> watch::Receiver<i64> {
        self.0.latest.subscribe()
    }

    pub fn shutting_down(&self) -> watch::Receiver<bool> {
        self.0.shutdown.subscribe()
    }

    /// Ends every open stream so a graceful shutdown does not wait for them.
    pub fn shut_down(&self) {
        self.0.shutdown.send_replace(true);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: i64, queue: i64) -> Published {
        Published { id, audience: Audience::Queue(queue), json: format!("{{\"id\":{id}}}").into() }
    }

    fn ids(recent: Recent) -> Option<(Vec<i64>, i64)> {
        match recent {
            Recent::Events { events, cursor } => Some((events.iter().map(|e| e.id).collect(), cursor)),
            Recent::AskTheTable => None,
        }
    }

    #[test]
    fn reads_contiguous_events_and_skips_other_queues_without_losing_its_place() {
        let hub = Hub::default();
        let viewer = Viewer::Agent { user_id: 7, queues: [1].into_iter().collect() };
        for (id, queue) in [(1, 1), (2, 2), (3, 1)] {
            hub.publish(event(id, queue));
        }
        assert_eq!(ids(hub.after(0, &viewer, 10)), Some((vec![1, 3], 3)));
        assert_eq!(ids(hub.after(3, &viewer, 10)), Some((vec![], 3)), "nothing new");
        assert_eq!(ids(hub.after(1, &viewer, 1)), Some((vec![3], 3)), "queue 2's event is passed over");
    }

    #[test]
    fn a_gap_or_an_evicted_range_sends_the_stream_to_the_table() {
        let hub = Hub::default();
        let viewer = Viewer::Agent { user_id: 7, queues: [1].into_iter().collect() };
        hub.publish(event(1, 1));
        hub.publish(event(3, 1)); // 2 committed but not published yet
        assert!(
            ids(hub.after(0, &viewer, 10)).is_none(),
            "3 is published, so 2 is committed: the table has it"
        );
        assert!(ids(hub.after(1, &viewer, 10)).is_none(), "event 2 is missing from memory");
        hub.publish(event(2, 1));
        assert_eq!(ids(hub.after(1, &viewer, 10)), Some((vec![2, 3], 3)));

        let busy = Hub::default();
        for id in 1..=(RECENT as i64 + 10) {
            busy.publish(event(id, 1));
        }
        assert!(ids(busy.after(0, &viewer, 10)).is_none(), "the oldest events left memory");
    }

    #[test]
    fn after_a_restart_events_only_in_the_table_are_read_from_it() {
        let hub = Hub::default();
        let viewer = Viewer::Agent { user_id: 7, queues: [1].into_iter().collect() };
        assert_eq!(ids(hub.after(3, &viewer, 10)), Some((vec![], 3)), "an empty hub knows of nothing newer");
        hub.seen(5);
        assert!(ids(hub.after(3, &viewer, 10)).is_none(), "4 and 5 are in the table");
        hub.publish(event(6, 1));
        assert!(ids(hub.after(3, &viewer, 10)).is_none(), "memory starts at 6: 4 and 5 are not there");
        assert_eq!(ids(hub.after(5, &viewer, 10)), Some((vec![6], 6)));
    }
}
