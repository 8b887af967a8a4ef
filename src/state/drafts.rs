//! The agent's unsent text per conversation: switching conversations or failing to send loses nothing.

use std::collections::HashMap;

use leptos::prelude::*;

#[derive(Clone, Copy)]
pub struct Drafts(RwSignal<HashMap<i64, String>>);

impl Drafts {
    pub fn get(self, conversation: i64) -> String {
        self.0.with(|d| d.get(&conversation).cloned().unwrap_or_default())
    }

    pub fn set(self, conversation: i64, text: String) {
        self.0.update(|d| {
            if text.is_empty() {
                d.remove(&conversation);
            } else {
                d.insert(conversation, text);
            }
        });
    }

    /// Adds a response to the draft: on its own when the draft is empty, else on a new line.
    pub fn insert(self, conversation: i64, text: &str) {
        let current = self.get(conversation);
        let joined = if current.trim().is_empty() {
            text.to_owned()
        } else {
            format!("{}\n{text}", current.trim_end())
        };
        self.set(conversation, joined);
    }
}

pub fn provide_drafts() {
    provide_context(Drafts(RwSignal::new(HashMap::new())));
}

pub fn use_drafts() -> Drafts {
    expect_context()
}
