//! What waits for the agent: each conversation's unread customer messages and since when its customer
//! has waited for a reply, kept live from the event stream on top of the task list's figures, and the
//! browser tab's title ("(3) Hovor": conversations ringing for the agent or with unread messages).

use std::collections::HashMap;

use hovor_types::conversation::TaskSummary;
use hovor_types::message::{Direction, Message};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::conversations as api;

#[derive(Clone, Copy)]
pub struct Attention {
    /// Newer than the task list's `unread`, per conversation.
    unread: RwSignal<HashMap<i64, u32>>,
    /// Newer than the task list's `waiting_since`, per conversation.
    waiting: RwSignal<HashMap<i64, Option<i64>>>,
}

impl Attention {
    pub fn new() -> Attention {
        Attention { unread: RwSignal::new(HashMap::new()), waiting: RwSignal::new(HashMap::new()) }
    }

    pub fn unread(self, task: &TaskSummary) -> u32 {
        self.unread.with(|u| u.get(&task.id).copied()).unwrap_or(task.unread)
    }

    pub fn waiting_since(self, task: &TaskSummary) -> Option<i64> {
        self.waiting.with(|w| w.get(&task.id).copied()).unwrap_or(task.waiting_since)
    }

    /// A message arrived in `task`, one of the agent's conversations; `seen`: it is on screen in a
    /// page the agent is looking at.
    pub fn message(self, message: &Message, task: &TaskSummary, seen: bool) {
        match message.direction {
            Direction::Inbound => {
                if seen {
                    self.read(task.id, Some(message.id));
                } else {
                    let unread = self.unread(task) + 1;
                    self.unread.update(|u| {
                        u.insert(task.id, unread);
                    });
                }
                if self.waiting_since(task).is_none() {
                    self.waiting.update(|w| {
                        w.insert(task.id, Some(message.at));
                    });
                }
            }
            // Answered: nobody waits.
            Direction::Outbound => self.waiting.update(|w| {
                w.insert(task.id, None);
            }),
        }
    }

    /// The agent has seen the conversation up to `message_id` (`None`: all of it).
    pub fn read(self, conversation: i64, message_id: Option<i64>) {
        self.unread.update(|u| {
            u.insert(conversation, 0);
        });
        spawn_local(async move {
            // Unmarked, the count comes back with the next task list; nothing else is lost.
            let _ = api::mark_read(conversation, message_id).await;
        });
    }

    /// The task list was loaded again: its figures are the newest.
    pub fn reset(self) {
        self.unread.update(HashMap::clear);
        self.waiting.update(HashMap::clear);
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
