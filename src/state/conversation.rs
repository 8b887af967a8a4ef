//! The open conversation's timeline: loaded entries, the window on screen, and messages still sending.

use hovor_types::conversation::Channel;
use hovor_types::message::Message;
use hovor_types::timeline::{TimelineCursor, TimelineEntry};
use leptos::prelude::*;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PendingState {
    Sending,
    /// Not delivered; retrying may work.
    Failed,
    /// Refused because the conversation has ended; retrying cannot help.
    Ended,
}

/// A message the agent sent that the server has not confirmed yet.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingMessage {
    /// Also the `Idempotency-Key`: a retry can never store it twice.
    pub key: String,
    pub body: String,
    pub state: PendingState,
}

#[derive(Clone, Copy)]
pub struct OpenConversation {
    pub id: i64,
    pub entries: RwSignal<Vec<TimelineEntry>>,
    /// Where the next older page starts; `None` once the beginning is loaded.
    pub older: RwSignal<Option<TimelineCursor>>,
    pub pending: RwSignal<Vec<PendingMessage>>,
    /// The conversation ended while on screen (by the customer or the agent).
    pub ended: RwSignal<bool>,
}

impl OpenConversation {
    pub fn new(id: i64) -> Self {
        OpenConversation {
            id,
            entries: RwSignal::new(Vec::new()),
            older: RwSignal::new(None),
            pending: RwSignal::new(Vec::new()),
            ended: RwSignal::new(false),
        }
    }

    /// The server confirmed a message we sent: its pending row goes, the message joins the timeline.
    pub fn confirm(self, key: &str, message: Message) {
        self.pending.update(|p| p.retain(|m| m.key != key));
        self.receive(message);
    }

    /// Adds a message to the timeline once, whichever way it arrives first: the send's answer or the
    /// event stream.
    pub fn receive(self, message: Message) {
        self.entries.update(|entries| {
            if entries.iter().any(|e| e.id == message.id) {
                return;
            }
            let (started, channel) = entries
                .iter()
                .rev()
                .find(|e| e.conversation_id == self.id)
                .map_or((message.at, Channel::Chat), |e| (e.interaction_started_at, e.channel));
            entries.push(TimelineEntry {
                id: message.id,
                conversation_id: message.conversation_id,
                channel,
                interaction_started_at: started,
                direction: message.direction,
                author: message.author,
                body: message.body,
                at: message.at,
            });
        });
    }

    pub fn set_pending_state(self, key: &str, state: PendingState) {
        self.pending.update(|p| {
            if let Some(m) = p.iter_mut().find(|m| m.key == key) {
                m.state = state;
            }
        });
    }
}

pub fn provide_open_conversation(id: i64) -> OpenConversation {
    let open = OpenConversation::new(id);
    provide_context(open);
    open
}

pub fn use_open_conversation() -> OpenConversation {
    expect_context()
}
