//! Above the timeline: the conversation's header (customer, channel, queue, handle time, state, typing,
//! Transfer and End).
//! Below it, once the conversation ended (or was transferred away), the wrap-up replaces the composer.

use hovor_types::conversation::Channel;
use leptos::prelude::*;

use crate::components::avatar::Avatar;
use crate::components::lazy::lazy_view;
use crate::features::transfer::TransferButton;
use crate::features::wrap_up::{EndButton, wrap_up_form};
use crate::format;
use crate::i18n::{t, t_string, use_i18n};
use crate::state::clock::use_clock;
use crate::state::configured::ConfiguredText;
use crate::state::handling::Handling;
use crate::state::live::use_live;
use crate::state::routing::use_routing;
use crate::widgets::chips::ChannelBadge;

stylance::import_crate_style!(css, "src/features/conversation/bar.module.css");

/// The conversation's header: who (customer, channel, queue), how long it has been handled, where the
/// agent stands, whether the customer is typing, and Transfer and End while it is the agent's.
#[component]
pub fn ConversationBar(id: i64, handling: Signal<Handling>) -> impl IntoView {
    let i18n = use_i18n();
    let routing = use_routing();
    let live = use_live();
    let now = use_clock();
    let task = Memo::new(move |_| {
        live.tasks.with(|t| {
            t.as_ref().and_then(|t| t.as_ref().ok()).and_then(|t| t.iter().find(|t| t.id == id).cloned())
        })
    });
    let typing = move || routing.customer_typing(id, now.get() as f64);
    let is_call =
        Signal::derive(move || task.with(|t| t.as_ref().is_some_and(|t| t.channel == Channel::Voice)));
    let name = move || match task.with(|t| t.as_ref().map(|t| t.customer_name.clone())) {
        Some(Some(name)) => name.into_any(),
        Some(None) => t!(i18n, tasks.unknown_customer).into_any(),
        None => t!(i18n, conversation.title).into_any(),
    };
    let meta = move || {
        task.get().map(|t| {
            let started = t.started_at;
            view! {
                <ChannelBadge channel=t.channel />
                <span data-testid="header-queue"><ConfiguredText text=t.queue_name /></span>
                <time class=css::timer data-testid="handle-time" title=move || t_string!(i18n, conversation.handle_time).to_string()>
                    {move || format::stopwatch(((now.get() - started) / 1000).max(0))}
                </time>
            }
        })
    };
    let state = move || {
        match handling.get() {
        Handling::Mine => t!(i18n, conversation.state_active).into_any(),
        Handling::WrapUp => view! { <span class=css::ended data-testid="conversation-ended">{t!(i18n, wrap_up.ended)}</span> }.into_any(),
        Handling::Collaborating => view! { <span class=css::ended data-testid="collaborating">{t!(i18n, collab.collaborating)}</span> }.into_any(),
        Handling::Watching => t!(i18n, conversation.state_watching).into_any(),
    }
    };
    view! {
        <header class=css::bar data-testid="conversation-header">
            <div class=css::person>
                // Always there (a neutral "?" until the name is known), so the name never moves.
                <Avatar name=Signal::derive(move || {
                    task.with(|t| t.as_ref().and_then(|t| t.customer_name.clone())).unwrap_or_default()
                }) />
                <div class=css::who>
                    <h2 class=css::name data-testid="header-name">{name}</h2>
                    <p class=css::meta>
                        {meta}
                        <span class=css::state data-testid="conversation-state">{state}</span>
                        <span class=css::typing aria-live="polite" data-testid="customer-typing">
                            {move || typing().then_some(t!(i18n, conversation.customer_typing))}
                        </span>
                    </p>
                </div>
            </div>
            {move || (handling.get() == Handling::Mine).then(|| view! {
                <span class=css::actions><TransferButton id call=is_call /><EndButton id /></span>
            })}
        </header>
    }
}

/// The composer while the agent handles the conversation; the wrap-up once it is over. Someone only
/// watching it (a supervisor, an agent reading an earlier one) gets no composer: the server would
/// refuse what they wrote. While the task list is loading, the composer stays.
#[component]
pub fn ConversationFooter(id: i64, handling: Signal<Handling>, children: ChildrenFn) -> impl IntoView {
    let i18n = use_i18n();
    let live = use_live();
    let list_loaded = move || live.tasks.with(|t| matches!(t, Some(Ok(_))));
    move || match handling.get() {
        Handling::WrapUp => lazy_view(move || wrap_up_form(id)).into_any(),
        Handling::Watching if list_loaded() => view! {
            <p class=css::read_only data-testid="read-only">{t!(i18n, conversation.read_only)}</p>
        }
        .into_any(),
        _ => children().into_any(),
    }
}
