//! What waits for the agent: each conversation's unread customer messages and since when its customer
//! has waited for a reply, kept live from the event stream on top of the task list's figures, and the
//! browser tab's title ("(3) Hovor": conversations ringing for the agent or with unread messages).
//!
//! The task list counts its figures up to a message (`newest_message_id`); the stream adds only the
//! messages after it. So a list that loads while messages arrive counts each message once, whichever
//! comes first.

use std::collections::HashMap;

use hovor_types::conversation::TaskSummary;
use hovor_types::message::{Direction, Message};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::conversations as api;

/// What this page knows about one conversation beyond a task list.
#[derive(Clone, Default)]
struct Newer {
    /// The agent has seen it up to this message.
    read_to: Option<i64>,
    /// Messages the stream brought: (id, direction, when).
    messages: Vec<(i64, Direction, i64)>,
}

impl Newer {
    fn after(&self, counted_to: i64) -> impl Iterator<Item = &(i64, Direction, i64)> {
        self.messages.iter().filter(move |(id, ..)| *id > counted_to)
    }
}

#[derive(Clone, Copy)]
pub struct Attention {
    newer: RwSignal<HashMap<i64, Newer>>,
}

impl Attention {
    pub fn new() -> Attention {
        Attention { newer: RwSignal::new(HashMap::new()) }
    }

    pub fn unread(self, task: &TaskSummary) -> u32 {
        let counted_to = task.newest_message_id.unwrap_or(0);
        self.newer.with(|newer| {
            let Some(newer) = newer.get(&task.id) else { return task.unread };
            let read_to = newer.read_to.unwrap_or(0);
            let listed = if read_to >= counted_to { 0 } else { task.unread };
            let arrived =
                newer.after(counted_to).filter(|(id, d, _)| *d == Direction::Inbound && *id > read_to);
            listed + arrived.count() as u32
        })
    }

    pub fn waiting_since(self, task: &TaskSummary) -> Option<i64> {
        let counted_to = task.newest_message_id.unwrap_or(0);
        self.newer.with(|newer| {
            let Some(newer) = newer.get(&task.id) else { return task.waiting_since };
            let mut later: Vec<_> = newer.after(counted_to).collect();
            later.sort_by_key(|(id, ..)| *id);
            later.into_iter().fold(task.waiting_since, |since, (_, direction, at)| match direction {
                // Answered: nobody waits.
                Direction::Outbound => None,
                Direction::Inbound => since.or(Some(*at)),
            })
        })
    }

    /// A message arrived in one of the agent's conversations; `seen`: it is on screen in a page the
    /// agent is looking at.
    pub fn message(self, message: &Message, seen: bool) {
        self.newer.update(|newer| {
            let newer = newer.entry(message.conversation_id).or_default();
            if !newer.messages.iter().any(|(id, ..)| *id == message.id) {
                newer.messages.push((message.id, message.direction, message.at));
            }
        });
        if seen && message.direction == Direction::Inbound {
            self.read_to(message.conversation_id, Some(message.id), None);
        }
    }

    /// The agent has seen all of the conversation: what the task list and the stream know of it.
    pub fn read_all(self, task: &TaskSummary) {
        self.read_to(task.id, None, task.newest_message_id);
    }

    /// The agent has seen the conversation up to `message_id` (`None`: all of it, `listed` being the
    /// newest message the task list knows).
    fn read_to(self, conversation: i64, message_id: Option<i64>, listed: Option<i64>) {
        self.newer.update(|newer| {
            let newer = newer.entry(conversation).or_default();
            let streamed = newer.messages.iter().map(|(id, ..)| *id).max();
            let to = message_id.or(streamed.max(listed)).max(newer.read_to);
            newer.read_to = to;
        });
        spawn_local(async move {
            // Unmarked, the count comes back with the next task list; nothing else is lost.
            let _ = api::mark_read(conversation, message_id).await;
        });
    }

    /// A task list loaded: what it counts no longer needs keeping here.
    pub fn listed(self, tasks: &[TaskSummary]) {
        self.newer.update(|newer| {
            for task in tasks {
                if let (Some(newer), Some(counted_to)) = (newer.get_mut(&task.id), task.newest_message_id) {
                    newer.messages.retain(|(id, ..)| *id > counted_to);
                }
            }
        });
    }
}

impl Default for Attention {
    fn default() -> Self {
        Attention::new()
    }
}

/// The tab's title counts the conversations ringing for the agent and those with unread messages.
pub fn title_counts(waiting: impl Fn() -> usize + Send + Sync + 'static) {
    Effect::new(move |_| {
        let waiting = waiting();
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            document.set_title(&if waiting > 0 { format!("({waiting}) Hovor") } else { "Hovor".to_owned() });
        }
    });
    on_cleanup(|| {
        if let Some(document) = web_sys::window().and_then(|w| w.document()) {
            document.set_title("Hovor");
        }
    });
}

/// Whether the page is on screen (not a tab in the background or a minimised window).
pub fn page_seen() -> bool {
    web_sys::window().and_then(|w| w.document()).is_some_and(|d| !d.hidden())
}
