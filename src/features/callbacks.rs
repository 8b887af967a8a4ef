//! The Callbacks sub-pane (WBX "Schedule and manage callbacks", GEN Callback tab): schedule a callback
//! for the conversation's customer, personal to oneself or a teammate if wished, and manage the
//! customer's callbacks and one's own personal ones (Edit, Reschedule, Delete until the window starts).
//! Code and words come with the `callbacks` chunk and string pack, not in the desk's start.

mod form;
mod manage;
mod strings;

use std::sync::Arc;

use hovor_types::callback::Callback;
use leptos::prelude::*;

use crate::api::ApiError;
use crate::api::callbacks as api;
use crate::components::lazy::{lazy_view, split_view};
use crate::components::pane::ready_pane;
use crate::components::strings::load;
use crate::components::tabs::{Tab, Tabs};
use crate::i18n::{t, use_i18n};
use form::{Form, ScheduleForm};
use manage::ManageList;
use strings::CallbackStrings;

stylance::import_crate_style!(css, "src/features/callbacks.module.css");

/// The pane for the open conversation's customer; without one (the task list's "+"), for whoever the
/// agent types in, beside the agent's own personal callbacks.
#[component]
pub fn CallbacksPane(#[prop(optional)] id: Option<i64>) -> impl IntoView {
    lazy_view(move || callbacks_pane(id))
}

split_view!(callbacks, fn callbacks_pane(id: Option<i64>) => view! { <Callbacks id /> });

/// `/desk/callbacks`, from the task list's "+": a callback for a customer the agent is not connected to,
/// and the agent's personal callbacks.
#[component]
pub fn CallbacksRoute() -> impl IntoView {
    view! {
        <main class=css::page data-testid="callbacks-page">
            <CallbacksPane />
        </main>
    }
}

/// What the pane's parts share: the conversation, the list, the form (kept through a language switch)
/// and the last thing that happened.
#[derive(Clone, Copy)]
struct Shared {
    conversation: Option<i64>,
    list: LocalResource<Result<Vec<Callback>, ApiError>>,
    form: Form,
    tab: RwSignal<&'static str>,
    /// "Callback scheduled for …" and the like, announced politely.
    notice: RwSignal<Option<String>>,
}

#[component]
fn Callbacks(id: Option<i64>) -> impl IntoView {
    let i18n = use_i18n();
    let words = load::<CallbackStrings>("callbacks");
    let shared = Shared {
        conversation: id,
        list: LocalResource::new(move || api::list(id)),
        form: Form::new(id),
        tab: RwSignal::new("schedule"),
        notice: RwSignal::new(None),
    };
    let content = move || {
        match words.get() {
        None => view! { <p class=css::note role="status" data-testid="callbacks-loading">{t!(i18n, pane.loading)}</p> }
            .into_any(),
        Some(None) => view! {
            <p class=css::note role="alert">{t!(i18n, pane.error)}</p>
            <button type="button" class="button" on:click=move |_| words.refetch()>{t!(i18n, pane.retry)}</button>
        }
        .into_any(),
        Some(Some(s)) => drawn(shared, s).into_any(),
    }
    };
    ready_pane(ViewFn::from(move || t!(i18n, side.callbacks)), "callbacks", ViewFn::from(content))
}

fn drawn(shared: Shared, s: Arc<CallbackStrings>) -> impl IntoView {
    let count = move || shared.list.with(|l| l.as_ref().and_then(|l| l.as_ref().ok()).map_or(0, Vec::len));
    let manage_label = s.manage_tab.clone();
    let tabs = vec![
        Tab {
            id: "schedule",
            label: ViewFn::from({
                let label = s.schedule_tab.clone();
                move || label.clone()
            }),
        },
        Tab {
            id: "manage",
            label: ViewFn::from(move || {
                let label = manage_label.clone();
                move || format!("{label} ({})", count())
            }),
        },
    ];
    let panel_words = s.clone();
    view! {
        <p class=css::notice role="status" data-testid="callbacks-notice">{move || shared.notice.get()}</p>
        <Tabs name="callbacks" tabs selected=shared.tab>
            {
                let s = panel_words.clone();
                move || match shared.tab.get() {
                    "manage" => view! { <ManageList shared s=s.clone() /> }.into_any(),
                    _ => view! { <ScheduleForm shared s=s.clone() /> }.into_any(),
                }
            }
        </Tabs>
    }
}
