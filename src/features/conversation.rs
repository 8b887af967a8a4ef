//! The Active Conversation: timeline and composer in the centre, the customer's context beside them.

mod composer;
pub use composer::COMPOSER_ID;
mod timeline;

use leptos::prelude::*;

use crate::features::case::CasePanel;
use crate::features::customer_card::CustomerCard;
use crate::features::suggestions::Suggestions;
use crate::features::summary::SummaryPanel;
use crate::state::conversation::provide_open_conversation;
use composer::Composer;
use timeline::Timeline;

stylance::import_crate_style!(css, "src/features/conversation.module.css");

#[component]
pub fn ActiveConversation(id: i64) -> impl IntoView {
    provide_open_conversation(id);
    view! {
        <div class=css::layout data-testid="active-conversation" data-conversation=id>
            <section class=css::centre>
                <Timeline />
                <Composer />
            </section>
            <div class=css::side>
                <CustomerCard id />
                <SummaryPanel id />
                <CasePanel id />
                <Suggestions id />
            </div>
        </div>
    }
}
