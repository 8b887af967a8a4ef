//! The desk's eye on calls it is not showing: a consult request ringing for this agent pops up with
//! who asks, Accept and Decline; and a call the agent has left (transferred, exited) lets go of the
//! headset, whichever page the agent is on.

use std::collections::HashMap;

use hovor_types::voice::{CallCommand, CallView, LegState};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use crate::api::voice as voice_api;
use crate::components::form::api_text;
use crate::components::icon::{Glyph, Icon};
use crate::i18n::{t, t_string, use_i18n};
use crate::state::live::use_live;

stylance::import_crate_style!(css, "src/features/call/watch.module.css");

/// The call's own values a consult request shows, beside who asks (WBX: at most 6).
const CONSULT_VALUES_SHOWN: usize = 6;

#[component]
pub fn CallWatch() -> impl IntoView {
    let live = use_live();
    let requests = RwSignal::new(Vec::<CallView>::new());
    let seen = StoredValue::new(HashMap::<i64, u32>::new());
    Effect::new(move |_| {
        let changes = live.call_changes.get();
        for (&id, &count) in &changes {
            if seen.with_value(|s| s.get(&id) == Some(&count)) {
                continue;
            }
            seen.update_value(|s| {
                s.insert(id, count);
            });
            spawn_local(async move {
                let view = voice_api::call(id).await.ok();
                let own = view.as_ref().and_then(CallView::own);
                if own.is_none() && live.audio.status_of(id).is_some() {
                    live.audio.hang_up(id);
                }
                // A consult ringing for this desk connects the headset now. Only a free headset: it
                // holds one call at a time.
                let ringing = own.is_some_and(|l| l.state == LegState::Ringing);
                if ringing && live.audio.status.get_untracked().is_none() {
                    spawn_local(super::preconnect(id, live.audio));
                }
                requests.try_update(|r| {
                    r.retain(|v| v.conversation_id != id);
                    if let Some(view) = view.filter(|v| v.consult_request().is_some()) {
                        r.push(view);
                    }
                });
            });
        }
    });
    view! {
        <Show when=move || requests.with(|r| !r.is_empty())>
            <ul class=css::stack data-testid="consult-requests">
                <For each=move || requests.get() key=|v| v.conversation_id let(view)>
                    <ConsultRequest view requests />
                </For>
            </ul>
        </Show>
    }
}

#[component]
fn ConsultRequest(view: CallView, requests: RwSignal<Vec<CallView>>) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let id = view.conversation_id;
    let from = view.consult_request().and_then(|l| view.name_of(l)).unwrap_or_default().to_owned();
    // WBX: the initiating agent's number and team come first among the values.
    let asker = view.consult_request().and_then(|l| view.agent_on(l)).cloned();
    let (number, team) = asker.map(|a| (a.number, a.team)).unwrap_or_default();
    let about_asker = view! {
        {number.map(|n| view! { <dt>{t!(i18n, call.agent_number)}</dt><dd data-testid="asker-number">{n}</dd> })}
        {team.map(|t| view! { <dt>{t!(i18n, call.agent_team)}</dt><dd data-testid="asker-team">{t}</dd> })}
    };
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let answer = move |command: CallCommand| {
        busy.set(true);
        let navigate = navigate.clone();
        let failed = t_string!(i18n, call.refused).to_string();
        let answering = command == CallCommand::Answer;
        spawn_local(async move {
            match voice_api::command(id, command).await {
                Ok(_) => {
                    requests.update(|r| r.retain(|v| v.conversation_id != id));
                    if answering {
                        navigate(&format!("/desk/{id}"), Default::default());
                    }
                }
                Err(e) => {
                    error.set(Some(api_text(i18n, &e, failed)));
                    busy.set(false);
                }
            }
        });
    };
    let (accept, decline) = (answer.clone(), answer);
    // WBX: at most 6 of the call's configured values, secure ones left out (never on a popover).
    let values = LocalResource::new(move || voice_api::call_data(id));
    let shown_values = move || {
        values.get().and_then(Result::ok).map(|values| {
            values
                .into_iter()
                .filter(|v| !v.variable.secure && !v.value.is_empty())
                .take(CONSULT_VALUES_SHOWN)
                .map(|v| view! { <dt>{v.variable.label}</dt><dd>{v.value}</dd> })
                .collect_view()
        })
    };
    view! {
        <li class=css::popover data-testid="consult-request" data-conversation=id role="alertdialog"
            aria-label=move || t_string!(i18n, call.request_title).to_string()>
            <p class=css::title><Icon glyph=Glyph::Phone />{t!(i18n, call.request_title)}</p>
            <p>{t!(i18n, call.request_from, name = from.clone())}</p>
            <dl class=css::values data-testid="consult-values">{about_asker}{shown_values}</dl>
            {move || error.get().map(|e| view! { <p class=css::problem role="alert">{e}</p> })}
            <div class=css::actions>
                <button class="button primary" data-testid="consult-accept" disabled=move || busy.get()
                    on:click=move |_| accept(CallCommand::Answer)>{t!(i18n, call.accept)}</button>
                <button class="button" data-testid="consult-decline" disabled=move || busy.get()
                    on:click=move |_| decline(CallCommand::Exit)>{t!(i18n, call.decline)}</button>
            </div>
        </li>
    }
}
