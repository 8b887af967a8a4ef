//! The callbacks pane's words, fetched with it (`locales/packs/callbacks/`).

use hovor_types::callback::CallbackState;
use hovor_types::error::Rule;
use leptos_i18n::I18nContext;
use serde::Deserialize;

use crate::components::form::rule_words;
use crate::i18n::Locale;

#[derive(Deserialize)]
pub struct CallbackStrings {
    pub schedule_tab: String,
    pub manage_tab: String,
    pub phone: String,
    pub name: String,
    pub date: String,
    pub start: String,
    pub end: String,
    pub time_zone: String,
    pub queue: String,
    pub assign_to: String,
    pub anyone: String,
    pub reason: String,
    pub schedule: String,
    pub save: String,
    pub cancel: String,
    pub editing: String,
    pub scheduled_for: String,
    pub saved: String,
    pub customer_time: String,
    pub your_time: String,
    pub none: String,
    pub edit: String,
    pub reschedule: String,
    pub move_to: String,
    pub next_day: String,
    pub moved_to: String,
    pub delete: String,
    pub confirm_delete: String,
    pub deleted: String,
    pub personal_for: String,
    pub from_conversation: String,
    pub state_scheduled: String,
    pub state_queued: String,
    pub state_placed: String,
    pub state_failed: String,
    pub no_queue: String,
    pub failure_no_answer: String,
    pub failure_window_closed: String,
    pub failure_cancelled: String,
    pub zone_unknown: String,
    pub failed: String,
}

impl CallbackStrings {
    pub fn state(&self, state: CallbackState) -> &str {
        match state {
            CallbackState::Scheduled => &self.state_scheduled,
            CallbackState::Queued => &self.state_queued,
            CallbackState::Placed => &self.state_placed,
            CallbackState::Failed => &self.state_failed,
        }
    }

    /// A broken rule of the form beside `field`, as every form says it; an unknown zone says what a
    /// zone looks like.
    pub fn rule(&self, i18n: I18nContext<Locale>, field: &str, rule: Rule) -> String {
        match rule {
            Rule::NotAnOption if field == "time_zone" => self.zone_unknown.clone(),
            rule => rule_words(i18n, rule),
        }
    }
}
