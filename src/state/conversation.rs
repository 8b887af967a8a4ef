//! The open conversation's timeline: loaded entries, the window on screen, and messages still sending.

use hovor_types::conversation::Channel;
use hovor_types::message::Message;
use hovor_types::timeline::{EntryKind, TimelineCursor, TimelineEntry};
use leptos::prelude::*;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PendingState {
    Sending,
    /// Not delivered; retrying may work.
    Failed,
    /// Refused because the conversation has ended; retrying cannot help.
    Ended,
    /// Refused for another reason (not assigned to the sender); retrying cannot help either.
    Refused(hovor_types::error::Reason),
}

/// A message the agent sent that the server has not confirmed yet.
#[derive(Debug, Clone, PartialEq)]
pub struct PendingMessage {
    /// Also the `Idempotency-Key`: a retry can never store it twice.
    pub key: String,
    pub body: String,
    /// The standard response it was written from: a retry says so again.
    pub used_response: Option<hovor_types::response::UsedResponse>,
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
    /// Bumped when the linked contact, account or case changed: the panes that show them reload.
    pub records: RwSignal<u32>,
    /// Bumped when a category joined the conversation's auto-suggestions (Select category).
    pub categories: RwSignal<u32>,
    /// Bumped when the email thread changed (an email arrived, was sent or failed): it loads again.
    pub emails: RwSignal<u32>,
    /// Bumped when its invitations or collaborators changed: the Collaboration pane loads again.
    pub collaboration: RwSignal<u32>,
}

impl OpenConversation {
    pub fn new(id: i64) -> Self {
        OpenConversation {
            id,
            entries: RwSignal::new(Vec::new()),
            older: RwSignal::new(None),
            pending: RwSignal::new(Vec::new()),
            ended: RwSignal::new(false),
            categories: RwSignal::new(0),
            records: RwSignal::new(0),
            emails: RwSignal::new(0),
            collaboration: RwSignal::new(0),
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
        self.emails.update(|n| *n += 1);
        self.entries.update(|entries| {
            let key = message_key(message.id);
            if entries.iter().any(|e| e.key == key) {
                return;
            }
            let (started, channel) = entries
                .iter()
                .rev()
                .find(|e| e.conversation_id == self.id)
                .map_or((message.at, Channel::Chat), |e| (e.interaction_started_at, e.channel));
            entries.push(TimelineEntry {
                id: message.id,
                kind: EntryKind::Message,
                key,
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

    /// Shows a freshly loaded newest page. Messages of this conversation the stream brought while the
    /// page was on its way (newer than any of its messages here) stay below it instead of vanishing.
    /// Returns the number of entries now loaded.
    pub fn load_newest(self, page: Vec<TimelineEntry>) -> usize {
        let mine = |e: &TimelineEntry| e.kind == EntryKind::Message && e.conversation_id == self.id;
        let newest = page.iter().filter(|e| mine(e)).map(|e| e.id).max().unwrap_or(i64::MIN);
        let arrived: Vec<TimelineEntry> = self
            .entries
            .with_untracked(|entries| entries.iter().filter(|e| mine(e) && e.id > newest).cloned().collect());
        let mut entries = page;
        entries.extend(arrived);
        let len = entries.len();
        self.entries.set(entries);
        len
    }

    /// The linked records changed: the case, timeline and session panes load again.
    pub fn records_changed(self) {
        self.records.update(|n| *n += 1);
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

/// A message's timeline key (see `TimelineEntry::key`).
fn message_key(id: i64) -> i64 {
    EntryKind::Message.key(id)
}
