//! What was typed or chosen in a field and not yet saved, by the item the field belongs to. It lives
//! above the views that are drawn again when their data reloads (another row saved, the linked records
//! changed, a pushed event), so a reload never throws away what the user entered.

use std::collections::HashMap;
use std::hash::Hash;

use leptos::prelude::*;

pub struct Typed<K: Send + Sync + 'static, V: Send + Sync + 'static = String>(RwSignal<HashMap<K, V>>);

impl<K: Send + Sync + 'static, V: Send + Sync + 'static> Clone for Typed<K, V> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<K: Send + Sync + 'static, V: Send + Sync + 'static> Copy for Typed<K, V> {}

impl<K: Eq + Hash + Send + Sync + 'static, V: Send + Sync + 'static> Default for Typed<K, V> {
    fn default() -> Self {
        Self(RwSignal::new(HashMap::new()))
    }
}

impl<K: Eq + Hash + Send + Sync + 'static, V: Clone + PartialEq + Send + Sync + 'static> Typed<K, V> {
    /// What was entered for `key`, if anything (tracked: for a field's value).
    pub fn get(self, key: &K) -> Option<V> {
        self.0.with(|t| t.get(key).cloned())
    }

    pub fn set(self, key: K, value: V) {
        self.0.update(|t| {
            t.insert(key, value);
        });
    }

    /// `value` was saved for `key`: the field shows the saved value again, unless it was changed since.
    pub fn saved(self, key: &K, value: &V) {
        let _ = self.0.try_update(|t| {
            if t.get(key) == Some(value) {
                t.remove(key);
            }
        });
    }
}

impl<K: Eq + Hash + Send + Sync + 'static> Typed<K> {
    /// What was typed for `key`, or `saved` when nothing was (tracked: for a field's value).
    pub fn or(self, key: &K, saved: &str) -> String {
        self.get(key).unwrap_or_else(|| saved.to_string())
    }
}
