//! The Active Conversation: timeline and composer in the centre, the customer's context beside them.

mod bar;
mod composer;
pub use composer::{COMPOSER_ID, open_with_composer_focused};
mod timeline;

use hovor_types::conversation::Channel;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::later::Later;
use crate::components::lazy::lazy_view;
use crate::features::call::call_pane;
use crate::features::email::{EmailDraft, email_centre};
use crate::features::responses::insert::provide_inserter;
use crate::features::side_panel::SidePanel;
use crate::features::supervision::supervision_strip;
use crate::state::conversation::provide_open_conversation;
use crate::state::handling::use_handling;
use crate::state::live::use_live;
use bar::{ConversationBar, ConversationFooter};
use composer::{chat_composer, email_composer};
pub use timeline::Timeline;

stylance::import_crate_style!(css, "src/features/conversation.module.css");

#[component]
pub fn ActiveConversation(id: i64) -> impl IntoView {
    let open = provide_open_conversation(id);
    // Events for this conversation reach it while it is on screen.
    let live = use_live();
    live.open.set(Some(open));
    on_cleanup(move || {
        if live.open.try_get_untracked().flatten().is_some_and(|o| o.id == id) {
            live.open.set(None);
        }
    });
    provide_inserter(id);
    let handling = use_handling(id);
    crate::state::focus::track_focus(id, handling);
    let tasks = live.tasks;
    // Opening it reads it: once the task list says there is something unread.
    Effect::new(move |done: Option<bool>| {
        if done == Some(true) {
            return true;
        }
        let task = tasks.with(|t| {
            t.as_ref().and_then(|t| t.as_ref().ok()).and_then(|t| t.iter().find(|t| t.id == id).cloned())
        });
        if let Some(task) = task.as_ref().filter(|t| live.attention.unread(t) > 0) {
            live.attention.read_all(task);
        }
        task.is_some()
    });
    let channel = Memo::new(move |_| {
        // A task list that failed to load knows nothing: the summary is asked, as for one not in it.
        tasks.get().map(|t| t.ok().and_then(|t| t.iter().find(|t| t.id == id).map(|t| t.channel)))
    });
    // Not in the task list (an invitee, a supervisor): the summary says what it is.
    let watched = RwSignal::new(None::<Channel>);
    Effect::new(move |_| {
        if channel.get() == Some(None) {
            spawn_local(async move {
                // Unreadable: the timeline shows why.
                let channel = crate::api::conversations::channel(id).await.unwrap_or(Channel::Chat);
                let _ = watched.try_set(Some(channel));
            });
        }
    });
    // Unknown until the task list (or the summary) says: neither the timeline nor the thread starts
    // loading only to be dropped.
    // Once known it stays: a task list reloading, or the conversation leaving it, changes nothing.
    let known = Memo::new(move |known: Option<&Option<Channel>>| {
        let now = match channel.get() {
            Some(Some(channel)) => Some(channel),
            Some(None) => watched.get(),
            None => None,
        };
        now.or(known.copied().flatten())
    });
    let email = EmailDraft::new(id);
    let centre = move || match known.get() {
        Some(Channel::Email) => lazy_view(move || email_centre(email)),
        Some(_) => view! { <Timeline /> }.into_any(),
        None => ().into_any(),
    };
    // A call has its control pane where a chat has its composer.
    let composer = move || match known.get() {
        Some(Channel::Email) => lazy_view(move || email_composer(email)),
        Some(Channel::Voice) => lazy_view(move || call_pane(id)),
        Some(Channel::Chat) => lazy_view(chat_composer),
        None => ().into_any(),
    };
    view! {
        <div class=css::layout data-testid="active-conversation" data-conversation=id>
            <section class=css::centre>
                <ConversationBar id handling />
                {centre}
                <ConversationFooter id handling>{lazy_view(move || supervision_strip(id))}{composer}</ConversationFooter>
            </section>
            // The conversation first; its customer's context a task later (a tablet's CPU).
            <div class=css::side>
                <Later>
                    <SidePanel id />
                </Later>
            </div>
        </div>
    }
}
