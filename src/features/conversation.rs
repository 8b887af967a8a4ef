//! The Active Conversation: timeline and composer in the centre, the customer's context beside them.

mod bar;
pub use bar::Handling;
mod composer;
pub use composer::COMPOSER_ID;
mod timeline;

use leptos::prelude::*;

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
    view! {
        <div class=css::layout data-testid="active-conversation" data-conversation=id>
            <section class=css::centre>
                <ConversationBar id handling />
                <Timeline />
                <ConversationFooter id handling><Composer /></ConversationFooter>
            </section>
            <div class=css::side>
                <CustomerCard id />
                <SessionPanel id />
                <SummaryPanel id />
                <CasePanel id />
                <Suggestions id />
                <ResourcesPane id />
            </div>
        </div>
    }
}
