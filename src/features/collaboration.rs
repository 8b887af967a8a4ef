//! The Collaboration pane: for an email, invitations to colleagues to help draft the reply (the owner
//! sends, refreshes, deletes and inserts a proposal; an invitee accepts, declines and proposes); for a
//! chat, the colleagues writing in it. Drawn from the `collab` chunk when the agent opens its sub-pane.

mod pane;

use leptos::prelude::*;

use crate::components::lazy::{lazy_view, split_view};
use crate::components::pane::ready_pane;
use crate::i18n::{t, use_i18n};

stylance::import_crate_style!(
    #[allow(dead_code)]
    css,
    "src/features/collaboration/collaboration.module.css"
);

#[component]
pub fn CollaborationPane(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    ready_pane(
        ViewFn::from(move || t!(i18n, collab.title)),
        "collaboration",
        ViewFn::from(move || lazy_view(move || collaboration_view(id))),
    )
}

split_view!(collab, fn collaboration_view(id: i64) => view! { <pane::Collaboration id /> });
split_view!(collab, pub fn invitations_page() => view! { <pane::InvitationsPage /> });
