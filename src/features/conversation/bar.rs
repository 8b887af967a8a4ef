//! Above the timeline: whether the customer is typing, and End for the agent handling the conversation.
//! Below it, once the conversation ended (or was transferred away), the wrap-up replaces the composer.

use leptos::prelude::*;

use crate::components::lazy::lazy_view;
use crate::features::transfer::TransferButton;
use crate::features::wrap_up::{EndButton, wrap_up_form};
use crate::i18n::{t, use_i18n};
use crate::state::conversation::use_open_conversation;
use crate::state::live::use_live;
use crate::state::routing::use_routing;

stylance::import_crate_style!(css, "src/features/conversation/bar.module.css");

/// Where the agent stands with the conversation on screen.
#[derive(Clone, Copy, PartialEq)]
pub enum Handling {
    /// Not (or no longer) in the agent's task list: read only.
    Watching,
    /// The agent handles it.
    Mine,
    /// A chat the agent writes in beside its owner: no End, transfer or wrap-up.
    Collaborating,
    WrapUp,
}

/// Follows the agent's task list: the conversation is theirs while it is there.
pub fn use_handling(id: i64) -> Signal<Handling> {
    let live = use_live();
    let open = use_open_conversation();
    let tasks = live.tasks;
    Signal::derive(move || {
        let task = tasks.get().and_then(Result::ok).and_then(|tasks| tasks.into_iter().find(|t| t.id == id));
        match task {
            None => Handling::Watching,
            Some(t) if t.collaborating => Handling::Collaborating,
            Some(t) if t.needs_wrap_up || open.ended.get() => Handling::WrapUp,
            Some(_) => Handling::Mine,
        }
    })
}

#[component]
pub fn ConversationBar(id: i64, handling: Signal<Handling>) -> impl IntoView {
    let i18n = use_i18n();
    let routing = use_routing();
    let now = RwSignal::new(js_sys::Date::now());
    if let Ok(handle) =
        set_interval_with_handle(move || now.set(js_sys::Date::now()), std::time::Duration::from_secs(2))
    {
        on_cleanup(move || handle.clear());
    }
    let typing = move || routing.customer_typing(id, now.get());
    view! {
        <div class=css::bar>
            <p class=css::typing aria-live="polite" data-testid="customer-typing">
                {move || typing().then_some(t!(i18n, conversation.customer_typing))}
            </p>
            {move || match handling.get() {
                Handling::Mine => view! {
                    <span class=css::actions><TransferButton id /><EndButton id /></span>
                }.into_any(),
                Handling::WrapUp => view! { <span class=css::ended data-testid="conversation-ended">{t!(i18n, wrap_up.ended)}</span> }.into_any(),
                Handling::Collaborating => view! { <span class=css::ended data-testid="collaborating">{t!(i18n, collab.collaborating)}</span> }.into_any(),
                Handling::Watching => ().into_any(),
            }}
        </div>
    }
}

/// The composer while the agent handles the conversation; the wrap-up once it is over.
#[component]
pub fn ConversationFooter(id: i64, handling: Signal<Handling>, children: ChildrenFn) -> impl IntoView {
    move || match handling.get() {
        Handling::WrapUp => lazy_view(move || wrap_up_form(id)).into_any(),
        _ => children().into_any(),
    }
}
