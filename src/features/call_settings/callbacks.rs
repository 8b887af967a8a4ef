//! A queue's callbacks on the call settings page: how often a customer who does not answer is called
//! again, and whether agents may cancel a callback while it rings (WBX "End call for web callback").
//! Its words are the `call_settings` string pack, fetched with the page.

use hovor_types::callback::{QueueCallbacks, RETRY_ATTEMPTS, RETRY_MINUTES, check_queue_callbacks};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Deserialize;

use super::{css, said};
use crate::api::ApiError;
use crate::api::call_settings as api;
use crate::components::form::rule_words;
use crate::components::strings::{fill, load};
use crate::i18n::{t, use_i18n};
use crate::widgets::record::css as record;

#[derive(Deserialize)]
struct Words {
    title: String,
    attempts: String,
    retry_minutes: String,
    range: String,
    agent_may_cancel: String,
}

#[component]
pub fn CallbacksForm(queue: i64) -> impl IntoView {
    let words = load::<Words>("call_settings");
    move || words.get().flatten().map(|w| view! { <Form queue w /> })
}

#[component]
fn Form(queue: i64, w: std::sync::Arc<Words>) -> impl IntoView {
    let i18n = use_i18n();
    let stored = LocalResource::new(move || api::callbacks(queue));
    let attempts = RwSignal::new(String::new());
    let retry_minutes = RwSignal::new(String::new());
    let may_cancel = RwSignal::new(false);
    // The broken field and what is wrong with it.
    let error = RwSignal::new(None::<(&'static str, String)>);
    let status = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(Ok(s)) = stored.get() {
            attempts.set(s.attempts.to_string());
            retry_minutes.set(s.retry_minutes.to_string());
            may_cancel.set(s.agent_may_cancel);
        }
    });
    let error_of = move |field: &'static str| {
        move || error.with(|e| e.as_ref().filter(|(f, _)| *f == field).map(|(_, m)| m.clone()))
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        status.set(None);
        // Not a number at all reads as 0: "at least 1", beside the field.
        let number = |s: RwSignal<String>| s.get_untracked().trim().parse::<u32>().unwrap_or(0);
        let settings = QueueCallbacks {
            attempts: number(attempts),
            retry_minutes: number(retry_minutes),
            agent_may_cancel: may_cancel.get_untracked(),
        };
        let field = |name: &str| if name == "attempts" { "attempts" } else { "retry_minutes" };
        if let Err(e) = check_queue_callbacks(&settings) {
            error.set(Some((field(&e.field), rule_words(i18n, e.rule))));
            return;
        }
        error.set(None);
        spawn_local(async move {
            let saved = api::save_callbacks(queue, &settings).await.map(|_| ());
            match &saved {
                Err(ApiError::Validation { field: Some(f), rule: Some(rule), .. }) => {
                    error.set(Some((field(f), rule_words(i18n, *rule))))
                }
                _ => status.set(Some(said(i18n, &saved))),
            }
        });
    };
    let range = |r: &std::ops::RangeInclusive<u32>| {
        fill(&w.range, &[("min", &r.start().to_string()), ("max", &r.end().to_string())])
    };
    let number_field = move |label: String, hint: String, value: RwSignal<String>, field: &'static str| {
        let id = format!("callbacks-{field}-error");
        view! {
            <label class=css::field>
                <span>{label}" "<span class=record::muted>{hint}</span></span>
                <input type="text" inputmode="numeric" autocomplete="off" data-testid=format!("callbacks-{field}")
                    aria-describedby=id.clone() aria-invalid=move || error_of(field)().is_some().to_string()
                    prop:value=move || value.get()
                    on:input=move |ev| { value.set(event_target_value(&ev)); error.set(None); status.set(None); } />
                <span id=id class=record::error role="alert" data-testid=format!("callbacks-{field}-error")>{error_of(field)}</span>
            </label>
        }
    };
    view! {
        <form class=record::form data-testid="callback-settings" novalidate on:submit=save>
            <h3>{w.title.clone()}</h3>
            {number_field(w.attempts.clone(), range(&RETRY_ATTEMPTS), attempts, "attempts")}
            {number_field(w.retry_minutes.clone(), range(&RETRY_MINUTES), retry_minutes, "retry_minutes")}
            <label class=record::check>
                <input type="checkbox" data-testid="callbacks-may-cancel" prop:checked=move || may_cancel.get()
                    on:change=move |ev| { may_cancel.set(event_target_checked(&ev)); status.set(None); } />
                <span>{w.agent_may_cancel.clone()}</span>
            </label>
            <div class=record::actions>
                <button type="submit" class="button primary" data-testid="callbacks-save">{t!(i18n, call_settings.save)}</button>
                <span class=record::muted role="status" data-testid="callbacks-status">{move || status.get()}</span>
            </div>
        </form>
    }
}
