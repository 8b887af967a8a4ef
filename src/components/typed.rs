//! Text typed into a field and not yet saved, by the item the field belongs to. It lives above the
//! views that are drawn again when their data reloads (another row saved, the linked records changed),
//! so a reload never throws away what the agent typed.

use std::collections::HashMap;
use std::hash::Hash;

use leptos::prelude::*;

pub struct Typed<K: Send + Sync + 'static>(RwSignal<HashMap<K, String>>);

impl<K: Send + Sync + 'static> Clone for Typed<K> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<K: Send + Sync + 'static> Copy for Typed<K> {}

impl<K: Eq + Hash + Clone + Send + Sync + 'static> Default for Typed<K> {
    fn default() -> Self {
        Self(RwSignal::new(HashMap::new()))
    }
}

impl<K: Eq + Hash + Clone + Send + Sync + 'static> Typed<K> {
    /// What was typed for `key`, or `saved` when nothing was (tracked: for a field's value).
    pub fn or(self, key: &K, saved: &str) -> String {
        self.0.with(|t| t.get(key).cloned()).unwrap_or_else(|| saved.to_string())
    }

    pub fn set(self, key: K, text: String) {
        self.0.update(|t| {
            t.insert(key, text);
        });
    }

    /// `text` was saved for `key`: the field shows the saved value again, unless it was typed on since.
    pub fn saved(self, key: &K, text: &str) {
        let _ = self.0.try_update(|t| {
            if t.get(key).is_some_and(|typed| typed == text) {
                t.remove(key);
            }
        });
    }
}
