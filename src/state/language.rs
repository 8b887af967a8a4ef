//! Remembers the agent's language choice in this browser. Without a choice, the browser's
//! preferred languages decide (leptos_i18n negotiates them against the four the app ships).

use leptos::prelude::*;

use crate::format::{LOCALES, tag};
use crate::i18n::use_i18n;

/// A preference, never personal data: with the alert choices and the keyboard shortcuts, all Hovor
/// keeps in localStorage.
const KEY: &str = "hovor.language";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// Applies a stored choice and stores every later change. Call once under the i18n provider.
/// Runs as an effect: the provider settles its own initial locale in an effect created before this one.
pub fn remember_language() {
    let i18n = use_i18n();
    Effect::new(move |applied: Option<()>| {
        let locale = i18n.get_locale();
        if applied.is_none() {
            let stored = storage().and_then(|s| s.get_item(KEY).ok().flatten());
            if let Some(choice) = stored.and_then(|v| LOCALES.into_iter().find(|l| tag(*l) == v)) {
                i18n.set_locale(choice);
            }
        } else if let Some(s) = storage() {
            let _ = s.set_item(KEY, tag(locale));
        }
    });
}
