//! Whether a queue's agents are told when a supervisor monitors their conversation (their desk then
//! says who reads or listens along). Its words are the `call_settings` string pack.

use hovor_types::supervisor::QueueMonitoring;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde::Deserialize;

use super::said;
use crate::api::call_settings as api;
use crate::components::strings::load;
use crate::i18n::{t, use_i18n};
use crate::widgets::record::css as record;

#[derive(Deserialize)]
struct Words {
    monitoring_title: String,
    announce_monitoring: String,
}

#[component]
pub fn MonitoringForm(queue: i64) -> impl IntoView {
    let words = load::<Words>("call_settings");
    move || words.get().flatten().map(|w| view! { <Form queue w /> })
}

#[component]
fn Form(queue: i64, w: std::sync::Arc<Words>) -> impl IntoView {
    let i18n = use_i18n();
    let stored = LocalResource::new(move || api::monitoring(queue));
    let announce = RwSignal::new(true);
    let status = RwSignal::new(None::<String>);
    Effect::new(move |_| {
        if let Some(Ok(s)) = stored.get() {
            announce.set(s.announce);
        }
    });
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let settings = QueueMonitoring { announce: announce.get_untracked() };
        spawn_local(async move {
            let saved = api::save_monitoring(queue, &settings).await.map(|_| ());
            status.set(Some(said(i18n, &saved)));
        });
    };
    view! {
        <form class=record::form data-testid="monitoring-settings" on:submit=save>
            <h3>{w.monitoring_title.clone()}</h3>
            <label class=record::check>
                <input type="checkbox" data-testid="announce-monitoring" prop:checked=move || announce.get()
                    on:change=move |ev| { announce.set(event_target_checked(&ev)); status.set(None); } />
                <span>{w.announce_monitoring.clone()}</span>
            </label>
            <div class=record::actions>
                <button type="submit" class="button primary" data-testid="monitoring-save">{t!(i18n, call_settings.save)}</button>
                <span class=record::muted role="status" data-testid="monitoring-status">{move || status.get()}</span>
            </div>
        </form>
    }
}
