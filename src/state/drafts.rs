//! The agent's unsent text per conversation: switching conversations or failing to send loses nothing.
//! Each draft is also kept on the server (a moment after the last keystroke), so a reload, a crash or
//! another device finds it again; nothing of it is stored in the browser.

use std::collections::HashMap;
use std::time::Duration;

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::conversations as api;

/// Quiet time after the last keystroke before the draft is saved.
const SAVE_AFTER: Duration = Duration::from_millis(600);

#[derive(Clone, Copy)]
pub struct Drafts(RwSignal<HashMap<i64, String>>, StoredValue<HashMap<i64, u32>>);

impl Drafts {
    /// Loads the saved drafts once when the desk opens; what the agent typed since wins.
    fn restore(self) {
        spawn_local(async move {
            if let Ok(saved) = api::drafts().await {
                // A draft edited since, cleared ones included (an empty draft has no entry), is newer.
                let edited = self.1.with_value(|edits| edits.keys().copied().collect::<Vec<_>>());
                self.0.update(|d| {
                    for draft in saved.into_iter().filter(|s| !edited.contains(&s.conversation_id)) {
                        d.entry(draft.conversation_id).or_insert(draft.body);
                    }
                });
            }
        });
    }

    /// Saves the draft once the agent pauses; a newer edit cancels an older pending save.
    fn save_later(self, conversation: i64) {
        let Some(edit) = self.1.try_update_value(|edits| {
            let n = edits.entry(conversation).or_default();
            *n += 1;
            *n
        }) else {
            return;
        };
        spawn_local(async move {
            gloo_timers::future::sleep(SAVE_AFTER).await;
            if self.1.try_with_value(|edits| edits.get(&conversation) == Some(&edit)) != Some(true) {
                return;
            }
            let body = self.get_untracked(conversation);
            let _ = api::save_draft(conversation, body).await;
        });
    }

    /// Empty once the desk has closed (an answer arriving after sign-out).
    pub fn get_untracked(self, conversation: i64) -> String {
        self.0.try_with_untracked(|d| d.get(&conversation).cloned()).flatten().unwrap_or_default()
    }

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
        self.save_later(conversation);
    }
}

pub fn provide_drafts() {
    let drafts = Drafts(RwSignal::new(HashMap::new()), StoredValue::new(HashMap::new()));
    drafts.restore();
    provide_context(drafts);
}

pub fn use_drafts() -> Drafts {
    expect_context()
}
