//! The agents of the supervisor's queues: state and reason, time in state ticking, load per channel,
//! their conversations; Set Available, or Set Idle with a reason, each said back when done.

use hovor_types::routing::{AgentState, IdleReason};
use hovor_types::supervisor::AgentBoard;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::monitor::{Watched, watch};
use super::{Board, css};
use crate::api::supervisor as api;
use crate::components::form::api_text;
use crate::components::strings::fill;
use crate::components::typed::Typed;
use crate::features::agent_status::reason_label;
use crate::format;
use crate::i18n::{t, use_i18n};
use crate::state::clock::use_clock;
use crate::widgets::chips::ChannelBadge;

#[component]
pub fn AgentList(shared: Board) -> impl IntoView {
    let said = shared.said;
    let label = shared.words.agents.clone();
    let list_label = label.clone();
    // A row is drawn again only when its agent changed (state, load, conversations); the idle reason
    // chosen in it stays.
    let reasons = Typed::<i64, IdleReason>::default();
    view! {
        <section class=css::agents aria-label=list_label data-testid="supervisor-agents">
            <h3>{label.clone()}</h3>
            <p class=css::note role="status" data-testid="supervisor-said">{move || said.get()}</p>
            <ul class=css::agent_list>
                <For each=move || shared.agents.get() key=|a| a.clone() let:a>
                    <AgentRow a skew=shared.skew.get_untracked() shared=shared.clone() said reasons />
                </For>
            </ul>
        </section>
    }
}

#[component]
fn AgentRow(
    a: AgentBoard,
    skew: i64,
    shared: Board,
    said: RwSignal<Option<String>>,
    reasons: Typed<i64, IdleReason>,
) -> impl IntoView {
    let i18n = use_i18n();
    let clock = use_clock();
    let w = shared.words.clone();
    let since = a.since;
    let in_state = move || since.map(|since| format::stopwatch(((clock.get() + skew - since) / 1000).max(0)));
    let busy = RwSignal::new(false);
    let (id, name) = (a.user_id, a.name.clone());
    let reason = move || reasons.get(&id).unwrap_or(IdleReason::Break);
    let set = {
        let (w, name) = (w.clone(), name.clone());
        move |state: AgentState| {
            let idle_reason = (state == AgentState::Idle).then(|| untrack(reason));
            let (w, name) = (w.clone(), name.clone());
            busy.set(true);
            spawn_local(async move {
                match api::set_status(id, state, idle_reason).await {
                    Ok(_) => {
                        let state =
                            if state == AgentState::Available { w.available.clone() } else { w.idle.clone() };
                        said.set(Some(fill(&w.done, &[("name", &name), ("state", &state)])));
                        shared.board.refetch();
                    }
                    Err(e) => said.set(Some(api_text(i18n, &e, w.failed.clone()))),
                }
                busy.set(false);
            });
        }
    };
    let set_idle = set.clone();
    // Signing out takes a second tap: it ends every desk the agent has open.
    let confirming = RwSignal::new(false);
    let sign_out = {
        let (w, name) = (w.clone(), name.clone());
        move |_| {
            if !confirming.get_untracked() {
                confirming.set(true);
                return;
            }
            confirming.set(false);
            let (done, failed) = (fill(&w.signed_out, &[("name", &name)]), w.failed.clone());
            busy.set(true);
            spawn_local(async move {
                match api::sign_out(id).await {
                    Ok(()) => {
                        said.set(Some(done));
                        shared.board.refetch();
                    }
                    Err(e) => said.set(Some(api_text(i18n, &e, failed))),
                }
                busy.set(false);
            });
        }
    };
    let state_text = match (a.state, a.idle_reason) {
        (AgentState::Available, _) => t!(i18n, status.available).into_any(),
        (AgentState::Idle, Some(r)) => reason_label(r),
        (AgentState::Idle, None) => t!(i18n, status.idle).into_any(),
    };
    let loads = a
        .load
        .iter()
        .filter(|l| l.capacity > 0 || l.open > 0)
        .map(|l| {
            let channel = l.channel;
            view! { <span class=css::load data-channel=channel.as_str()><ChannelBadge channel />" "{l.open}"/"{l.capacity}</span> }
        })
        .collect_view();
    let conversations = if a.conversations.is_empty() {
        view! { <span class=css::muted>{w.no_conversations.clone()}</span> }.into_any()
    } else {
        a.conversations
            .iter()
            .map(|c| {
                let (channel, accepted) = (c.channel, c.accepted_at);
                let name = c.customer_name.clone().unwrap_or_default();
                let held = move || format::stopwatch(((clock.get() + skew - accepted) / 1000).max(0));
                let watched = Watched { conversation: c.clone(), agent_id: id, agent_name: a.name.clone() };
                let shared = shared.clone();
                view! {
                    <span class=css::conversation data-conversation=c.conversation_id><ChannelBadge channel />" "{name}" · "{held}</span>
                    <button type="button" class="button" data-testid="monitor-conversation" data-conversation=c.conversation_id
                        on:click=move |_| watch(&shared, watched.clone())>{w.monitor.clone()}</button>
                }
            })
            .collect_view()
            .into_any()
    };
    view! {
        <li class=css::agent data-testid="supervisor-agent" data-agent=id data-state=a.state.as_str()>
            <div class=css::agent_head>
                <strong>{name.clone()}</strong>
                <span class=css::state data-testid="agent-state">{state_text}</span>
                <span class=css::muted title=w.in_state.clone()>{in_state}</span>
            </div>
            <div class=css::agent_work>{loads}{conversations}</div>
            <div class=css::actions>
                <button type="button" class="button" data-testid="set-available" disabled=move || busy.get() || a.state == AgentState::Available
                    on:click={ let set = set.clone(); move |_| set(AgentState::Available) }>{w.set_available.clone()}</button>
                <select class=css::reason data-testid="idle-reason" aria-label=w.reason.clone() on:change=move |ev| {
                    if let Some(r) = IdleReason::parse(&event_target_value(&ev)) { reasons.set(id, r) }
                }>
                    {IdleReason::CHOSEN.into_iter().map(|r| view! {
                        <option value=r.as_str() selected=move || reason() == r>{reason_label(r)}</option>
                    }).collect_view()}
                </select>
                <button type="button" class="button" data-testid="set-idle" disabled=move || busy.get()
                    on:click=move |_| set_idle(AgentState::Idle)>{w.set_idle.clone()}</button>
                <button type="button" class="button" data-testid="sign-out-agent" data-confirming=move || confirming.get().to_string()
                    disabled=move || busy.get() on:click=sign_out>
                    {move || if confirming.get() { w.confirm_sign_out.clone() } else { w.sign_out.clone() }}</button>
            </div>
        </li>
    }
}
