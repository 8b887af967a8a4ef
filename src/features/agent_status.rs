//! The agent's state, chosen in the header: Available, or Idle with a reason. After an unanswered
//! offer (RONA) the server sets Idle and a prompt asks whether to become Available again.

use hovor_types::routing::{AgentState, IdleReason};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::routing as api;
use crate::components::lazy::{lazy_view, split_view};
use crate::i18n::{t, use_i18n};
use crate::state::routing::use_routing;

stylance::import_crate_style!(css, "src/features/agent_status.module.css");

fn choose(state: AgentState, reason: Option<IdleReason>) {
    let routing = use_routing();
    spawn_local(async move {
        match api::set_status(state, reason).await {
            Ok(status) => routing.status_seen(status),
            // The select already shows the choice: put back the state the server holds.
            Err(_) => routing.status.notify(),
        }
    });
}

/// The value of the select: `available` or `idle:<reason>`.
fn value_of(state: AgentState, reason: Option<IdleReason>) -> String {
    match (state, reason) {
        (AgentState::Available, _) => "available".to_owned(),
        (AgentState::Idle, Some(r)) => format!("idle:{}", r.as_str()),
        (AgentState::Idle, None) => "idle:".to_owned(),
    }
}

pub fn reason_label(reason: IdleReason) -> AnyView {
    let i18n = use_i18n();
    match reason {
        IdleReason::Break => t!(i18n, status.on_break).into_any(),
        IdleReason::Lunch => t!(i18n, status.lunch).into_any(),
        IdleReason::Meeting => t!(i18n, status.meeting).into_any(),
        IdleReason::Training => t!(i18n, status.training).into_any(),
        IdleReason::AfterWork => t!(i18n, status.after_work).into_any(),
        IdleReason::NoAnswer => t!(i18n, status.no_answer).into_any(),
        IdleReason::SignedOut => t!(i18n, status.signed_out).into_any(),
    }
}

#[component]
pub fn AgentStatusSelect() -> impl IntoView {
    let i18n = use_i18n();
    let routing = use_routing();
    let current = move || routing.status.get().map(|s| value_of(s.state, s.idle_reason)).unwrap_or_default();
    let available = move || routing.status.get().is_some_and(|s| s.state == AgentState::Available);
    // Reasons the server sets show while they apply, but cannot be chosen.
    let server_set = move || {
        routing
            .status
            .get()
            .and_then(|s| s.idle_reason)
            .filter(|r| !IdleReason::CHOSEN.contains(r))
            .map(|r| view! { <option value=value_of(AgentState::Idle, Some(r)) disabled=true>{reason_label(r)}</option> })
    };
    let on_change = move |ev| {
        let value = event_target_value(&ev);
        match value.strip_prefix("idle:").and_then(IdleReason::parse) {
            Some(reason) => choose(AgentState::Idle, Some(reason)),
            None => choose(AgentState::Available, None),
        }
    };
    view! {
        <label class=css::status data-available=move || available().to_string()>
            <span class=css::label>{t!(i18n, status.label)}</span>
            <select data-testid="agent-status" prop:value=current on:change=on_change>
                <option value="available">{t!(i18n, status.available)}</option>
                <optgroup label=move || crate::i18n::t_string!(i18n, status.idle).to_string()>
                    {IdleReason::CHOSEN
                        .into_iter()
                        .map(|r| view! { <option value=value_of(AgentState::Idle, Some(r))>{reason_label(r)}</option> })
                        .collect_view()}
                    {server_set}
                </optgroup>
            </select>
        </label>
    }
}

/// Shown after an offer went unanswered: the agent is Idle until they choose. Rare, so its view is in
/// the `handling` chunk.
#[component]
pub fn MissedOfferPrompt() -> impl IntoView {
    let routing = use_routing();
    move || routing.missed.get().then(|| lazy_view(missed_prompt))
}

split_view!(handling, fn missed_prompt() => view! { <MissedPrompt /> });

#[component]
fn MissedPrompt() -> impl IntoView {
    let i18n = use_i18n();
    let routing = use_routing();
    let answer = move |state: AgentState| {
        routing.missed.set(false);
        if state == AgentState::Available {
            choose(AgentState::Available, None);
        }
    };
    view! {
        <div class=css::prompt role="alertdialog" aria-labelledby="missed-title" aria-describedby="missed-text" data-testid="missed-offer">
            <h2 id="missed-title">{t!(i18n, status.missed_title)}</h2>
            <p id="missed-text">{t!(i18n, status.missed_text)}</p>
            <div class=css::actions>
                <button class="button primary" on:click=move |_| answer(AgentState::Available)>{t!(i18n, status.available)}</button>
                <button class="button" on:click=move |_| answer(AgentState::Idle)>{t!(i18n, status.stay_idle)}</button>
            </div>
        </div>
    }
}
