//! The Active Conversation: timeline and composer in the centre, the customer's context beside them.

mod bar;
pub use bar::Handling;
mod composer;
pub use composer::{COMPOSER_ID, idempotency_key};
mod timeline;

use hovor_types::conversation::Channel;
use leptos::prelude::*;

use crate::components::lazy::lazy_view;
use crate::features::collaboration::CollaborationPane;
use crate::features::email::{EmailDraft, email_thread};
use crate::i18n::{t, use_i18n};

use crate::features::case::CasePanel;
use crate::features::customer_card::CustomerCard;
use crate::features::responses::insert::provide_inserter;
use crate::features::responses::resources::ResourcesPane;
use crate::features::session_data::SessionPanel;
use crate::features::suggestions::Suggestions;
use crate::features::summary::SummaryPanel;
use crate::state::conversation::provide_open_conversation;
use crate::state::live::use_live;
use bar::{ConversationBar, ConversationFooter, use_handling};
use composer::Composer;
use timeline::Timeline;

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
    let is_email = Memo::new(move |_| {
        tasks
            .get()
            .and_then(Result::ok)
            .is_some_and(|t| t.iter().any(|t| t.id == id && t.channel == Channel::Email))
    });
    let email = EmailDraft::new(id);
    let timeline_tab = RwSignal::new(false);
    let i18n = use_i18n();
    let centre = move || {
        if !is_email.get() {
            return view! { <Timeline /> }.into_any();
        }
        view! {
            <div class=css::email_centre>
            <div class=css::tabs role="group">
                <button type="button" class="button" aria-pressed=move || (!timeline_tab.get()).to_string() data-testid="tab-emails" on:click=move |_| timeline_tab.set(false)>{t!(i18n, email.thread)}</button>
                <button type="button" class="button" aria-pressed=move || timeline_tab.get().to_string() data-testid="tab-timeline" on:click=move |_| timeline_tab.set(true)>{t!(i18n, timeline.title)}</button>
            </div>
            {move || if timeline_tab.get() { view! { <Timeline /> }.into_any() } else { lazy_view(move || email_thread(email)).into_any() }}
            </div>
        }
        .into_any()
    };
    let composer = move || {
        if is_email.get() {
            view! { <Composer email /> }.into_any()
        } else {
            view! { <Composer /> }.into_any()
        }
    };
    view! {
        <div class=css::layout data-testid="active-conversation" data-conversation=id>
            <section class=css::centre>
                <ConversationBar id handling />
                {centre}
                <ConversationFooter id handling>{composer}</ConversationFooter>
            </section>
            <div class=css::side>
                <CustomerCard id />
                <SessionPanel id />
                <SummaryPanel id />
                <CasePanel id />
                <Suggestions id />
                <ResourcesPane id />
                <CollaborationPane id />
            </div>
        </div>
    }
}
