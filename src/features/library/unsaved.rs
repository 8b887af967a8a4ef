//! The open response form's unsaved edit, kept in this tab's sessionStorage so that reloading the page
//! finds it again. Library text only, never customer data; dropped when the edit is saved, cancelled or
//! discarded, and by the browser when the tab closes.

use hovor_types::response::StandardResponse;
use serde::{Deserialize, Serialize};

const KEY: &str = "hovor.library.unsaved";

/// The response form's fields in order: category id, language, title, shortcut, body, and the
/// customers' phrasings one per line.
pub type Values = [String; 6];

/// A response form's state: the record it edits (none for a new one), the version it was read at,
/// what it opened with and what is in its fields now.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Unsaved {
    pub id: Option<i64>,
    pub version: Option<i64>,
    pub opened: Values,
    pub values: Values,
}

impl Unsaved {
    pub fn new_response(category: i64, language: &str) -> Self {
        let opened = [
            category.to_string(),
            language.to_owned(),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ];
        Unsaved { id: None, version: None, values: opened.clone(), opened }
    }

    pub fn of(r: &StandardResponse) -> Self {
        let opened = [
            r.category_id.to_string(),
            r.language.clone(),
            r.title.clone(),
            r.shortcut.clone().unwrap_or_default(),
            r.body.clone(),
            r.phrases.join("\n"),
        ];
        Unsaved { id: Some(r.id), version: Some(r.version), values: opened.clone(), opened }
    }

    pub fn category(&self) -> Option<i64> {
        self.values[0].parse().ok()
    }
}

/// What is stored: the draft and whose it is, so another administrator signing in on this tab never
/// finds it.
#[derive(Serialize, Deserialize)]
struct Kept {
    user: i64,
    draft: Unsaved,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok().flatten()
}

pub fn keep(user: i64, draft: Unsaved) {
    if let (Some(s), Ok(json)) = (storage(), serde_json::to_string(&Kept { user, draft })) {
        let _ = s.set_item(KEY, &json);
    }
}

pub fn forget() {
    if let Some(s) = storage() {
        let _ = s.remove_item(KEY);
    }
}

/// `user`'s draft; anyone else's is dropped.
pub fn restore(user: i64) -> Option<Unsaved> {
    let json = storage()?.get_item(KEY).ok().flatten()?;
    match serde_json::from_str::<Kept>(&json) {
        Ok(kept) if kept.user == user => Some(kept.draft),
        _ => {
            forget();
            None
        }
    }
}
