//! The right panel of the Active Conversation: the customer's compact card on top of every view, then
//! sub-panes switched by buttons (GEN's Customer records / Resources). Overview (summary, case and the
//! top suggestions) is what an agent needs while replying and fits a 1366×768 screen without scrolling;
//! the full customer record, the session data, Resources, Callbacks and Collaboration are one click away.
//!
//! A sub-pane is drawn the first time it is opened and then only hidden, so switching away loses no
//! half-typed note or unsaved edit, and opening a conversation fetches only what Overview shows.

use leptos::prelude::*;

use crate::features::callbacks::CallbacksPane;
use crate::features::case::CasePanel;
use crate::features::collaboration::CollaborationPane;
use crate::features::customer_card::CustomerCard;
use crate::features::responses::resources::ResourcesPane;
use crate::features::session_data::SessionPanel;
use crate::features::suggestions::Suggestions;
use crate::features::summary::SummaryPanel;
use crate::i18n::{t_string, use_i18n};
use crate::state::live::use_live;

stylance::import_crate_style!(css, "src/features/side_panel.module.css");

/// The sub-panes, in the order of their buttons.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Side {
    Overview,
    Customer,
    Session,
    Resources,
    Callbacks,
    Collaboration,
}

impl Side {
    pub const ALL: [Side; 6] = [
        Side::Overview,
        Side::Customer,
        Side::Session,
        Side::Resources,
        Side::Callbacks,
        Side::Collaboration,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Side::Overview => "overview",
            Side::Customer => "customer",
            Side::Session => "session",
            Side::Resources => "resources",
            Side::Callbacks => "callbacks",
            Side::Collaboration => "collaboration",
        }
    }
}

/// Which sub-pane the open conversation shows; the card's Edit and the keyboard switch it.
#[derive(Clone, Copy)]
pub struct SideView {
    pub shown: RwSignal<Side>,
    /// Each sub-pane once opened stays drawn (hidden while another is shown).
    opened: RwSignal<Vec<Side>>,
}

impl SideView {
    pub fn show(self, side: Side) {
        self.opened.update(|o| {
            if !o.contains(&side) {
                o.push(side);
            }
        });
        self.shown.set(side);
    }
}

pub fn use_side_view() -> SideView {
    expect_context()
}

#[component]
pub fn SidePanel(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    // Opened from the invitations page: the Collaboration pane at once.
    let first =
        if use_live().collaborate.get_untracked() == Some(id) { Side::Collaboration } else { Side::Overview };
    let side = SideView { shown: RwSignal::new(first), opened: RwSignal::new(vec![first]) };
    provide_context(side);
    let label = move |s: Side| match s {
        Side::Overview => t_string!(i18n, side.overview),
        Side::Customer => t_string!(i18n, side.customer),
        Side::Session => t_string!(i18n, side.session),
        Side::Resources => t_string!(i18n, side.resources),
        Side::Callbacks => t_string!(i18n, side.callbacks),
        Side::Collaboration => t_string!(i18n, side.collaboration),
    };
    let buttons = Side::ALL
        .into_iter()
        .map(|s| {
            view! {
                <button
                    type="button"
                    class=css::switch
                    data-testid=format!("side-{}", s.as_str())
                    aria-pressed=move || (side.shown.get() == s).to_string()
                    aria-controls=format!("side-{}-{id}", s.as_str())
                    on:click=move |_| side.show(s)
                >
                    {move || label(s)}
                </button>
            }
        })
        .collect_view();
    // Drawn on first opening, hidden (not dropped) afterwards.
    let sub = move |s: Side, content: ViewFn| {
        view! {
            <div
                class=css::sub
                id=format!("side-{}-{id}", s.as_str())
                data-side=s.as_str()
                hidden=move || side.shown.get() != s
            >
                // A memo: opening another sub-pane must not build this one again.
                {
                    let drawn = Memo::new(move |_| side.opened.with(|o| o.contains(&s)));
                    move || drawn.get().then(|| content.run())
                }
            </div>
        }
    };
    view! {
        <nav class=css::switches aria-label=move || t_string!(i18n, side.label)>{buttons}</nav>
        <CustomerCard id details=Signal::derive(move || side.shown.get() == Side::Customer) />
        {sub(Side::Overview, ViewFn::from(move || view! {
            <div class=css::overview>
                <div class=css::column>
                    <SummaryPanel id />
                    <CasePanel id />
                </div>
                <div class=css::column>
                    <Suggestions id />
                </div>
            </div>
        }))}
        {sub(Side::Session, ViewFn::from(move || view! { <SessionPanel id /> }))}
        {sub(Side::Resources, ViewFn::from(move || view! { <ResourcesPane id /> }))}
        {sub(Side::Callbacks, ViewFn::from(move || view! { <CallbacksPane id=id /> }))}
        {sub(Side::Collaboration, ViewFn::from(move || view! { <CollaborationPane id /> }))}
    }
}
