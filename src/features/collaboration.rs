//! The Collaboration pane: for an email, invitations to colleagues to help draft the reply (the owner
//! sends, refreshes, deletes and inserts a proposal; an invitee accepts, declines and proposes); for a
//! chat, the colleagues writing in it. Drawn from the `collab` chunk when the agent opens it.

mod pane;

use leptos::prelude::*;

use crate::components::lazy::{lazy_view, split_view};
use crate::components::pane::ready_pane;
use crate::i18n::{t, use_i18n};
use crate::state::live::use_live;

stylance::import_crate_style!(
    #[allow(dead_code)]
    css,
    "src/features/collaboration/collaboration.module.css"
);

#[component]
pub fn CollaborationPane(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let live = use_live();
    // Opened from the invitations page: shown at once.
    let expanded = RwSignal::new(live.collaborate.get_untracked() == Some(id));
    let content = ViewFn::from(move || {
        view! {
            <button
                type="button"
                class="button"
                data-testid="collaboration-toggle"
                aria-expanded=move || expanded.get().to_string()
                aria-controls="collaboration-body"
                on:click=move |_| expanded.update(|e| *e = !*e)
            >
                {move || if expanded.get() { t!(i18n, collab.hide).into_any() } else { t!(i18n, collab.show).into_any() }}
            </button>
            <div id="collaboration-body">
                <Show when=move || expanded.get()>{move || lazy_view(move || collaboration_view(id))}</Show>
            </div>
        }
    });
    ready_pane(ViewFn::from(move || t!(i18n, collab.title)), "collaboration", content)
}

split_view!(collab, fn collaboration_view(id: i64) => view! { <pane::Collaboration id /> });
split_view!(collab, pub fn invitations_page() => view! { <pane::InvitationsPage /> });
