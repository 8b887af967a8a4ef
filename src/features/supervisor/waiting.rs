//! The conversations waiting in the supervisor's queues, the longest first, each offered to a named
//! Available agent of its queue from here.

use hovor_types::routing::AgentState;
use hovor_types::supervisor::WaitingConversation;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::{Board, css};
use crate::api::supervisor as api;
use crate::components::form::api_text;
use crate::components::strings::fill;
use crate::format;
use crate::i18n::use_i18n;
use crate::state::clock::use_clock;
use crate::state::configured::ConfiguredText;
use crate::widgets::chips::ChannelBadge;

#[component]
pub fn WaitingList(shared: Board) -> impl IntoView {
    let w = shared.words.clone();
    let waiting = shared.waiting;
    let none = w.no_waiting.clone();
    view! {
        <section class=css::agents aria-label=w.waiting_list.clone() data-testid="supervisor-waiting">
            <h3>{w.waiting_list.clone()}</h3>
            <Show when=move || waiting.with(Vec::is_empty)>
                <p class=css::muted>{none.clone()}</p>
            </Show>
            <ul class=css::agent_list>
                <For each=move || waiting.get() key=|c| c.clone() let:c>
                    <WaitingRow c shared=shared.clone() />
                </For>
            </ul>
        </section>
    }
}

#[component]
fn WaitingRow(c: WaitingConversation, shared: Board) -> impl IntoView {
    let i18n = use_i18n();
    let clock = use_clock();
    let w = shared.words.clone();
    let (id, entered, channel, queue_id, offered_to) =
        (c.conversation_id, c.entered_at, c.channel, c.queue_id, c.offered_to);
    let skew = shared.skew;
    let waited = move || format::stopwatch(((clock.get() + skew.get() - entered) / 1000).max(0));
    let queue = shared.queues.with_untracked(|queues| {
        queues.iter().find(|q| q.queue_id == queue_id).map(|q| q.name.clone()).unwrap_or_default()
    });
    let agents = shared.agents;
    let ringing = offered_to
        .and_then(|user| {
            agents.with_untracked(|a| a.iter().find(|a| a.user_id == user).map(|a| a.name.clone()))
        })
        .map(|name| fill(&w.offered_to, &[("name", &name)]));
    // Whom it can be offered to follows the agents' states.
    let candidates = Memo::new(move |_| {
        agents.with(|agents| {
            agents
                .iter()
                .filter(|a| {
                    a.state == AgentState::Available
                        && a.queue_ids.contains(&queue_id)
                        && Some(a.user_id) != offered_to
                })
                .map(|a| (a.user_id, a.name.clone()))
                .collect::<Vec<_>>()
        })
    });
    let chosen = RwSignal::new(None::<i64>);
    let busy = RwSignal::new(false);
    // The chosen agent while they can still take it: the options follow the agents' states.
    let chosen_agent =
        move || chosen.get().filter(|agent| candidates.with(|c| c.iter().any(|(id, _)| id == agent)));
    let offer = {
        let w = w.clone();
        move |_| {
            let Some(agent) = untrack(chosen_agent) else { return };
            let name =
                candidates.with_untracked(|c| c.iter().find(|(id, _)| *id == agent).map(|(_, n)| n.clone()));
            let (said, failed) = (shared.said, w.failed.clone());
            let done = fill(&w.offered, &[("name", &name.unwrap_or_default())]);
            busy.set(true);
            spawn_local(async move {
                match api::offer(id, agent).await {
                    Ok(()) => said.set(Some(done)),
                    Err(e) => said.set(Some(api_text(i18n, &e, failed))),
                }
                busy.set(false);
            });
        }
    };
    view! {
        <li class=css::agent data-testid="waiting-conversation" data-conversation=id>
            <div class=css::agent_head>
                <ChannelBadge channel />
                <strong>{c.customer_name.clone().unwrap_or_default()}</strong>
                <span class=css::muted><ConfiguredText text=queue /></span>
                <span class=css::state data-testid="waited">{waited}</span>
                {ringing.map(|r| view! { <span class=css::muted>{r}</span> })}
            </div>
            <div class=css::actions>
                <select class=css::reason data-testid="offer-agent" aria-label=w.offer_to.clone()
                    on:change=move |ev| chosen.set(event_target_value(&ev).parse().ok())>
                    <option value="">{w.offer_to.clone()}</option>
                    {move || candidates.get().into_iter().map(|(id, name)| view! {
                        <option value=id selected=move || chosen.get() == Some(id)>{name}</option>
                    }).collect_view()}
                </select>
                <button type="button" class="button" data-testid="offer" disabled=move || busy.get() || chosen_agent().is_none()
                    on:click=offer>{w.offer.clone()}</button>
            </div>
        </li>
    }
}
