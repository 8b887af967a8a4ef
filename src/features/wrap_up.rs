//! The end of an agent's work on a conversation: End, then the wrap-up reason (searchable, at least
//! three characters) and Submit, before the conversation leaves the task list (WBX).

use hovor_types::wrap_up::check_reason_query;
use leptos::prelude::*;

use crate::components::form::{api_text, reason_words};
use crate::components::lazy::split_view;
use hovor_types::error::Reason;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;

use crate::api::{ApiError, routing as api};
use crate::components::icon::{Glyph, Icon};
use crate::features::conversation::open_with_composer_focused;
use crate::format;
use crate::i18n::{t, t_string, use_i18n};
use crate::state::clock::use_clock;
use crate::state::configured::ConfiguredText;
use crate::state::live::use_live;
use crate::state::shortcuts::{Action, on_shortcut};

stylance::import_crate_style!(css, "src/features/wrap_up.module.css");

/// End, asked twice: the first press asks "End this conversation?" in place, Yes ends it (focused, so
/// Enter confirms), Cancel or Escape goes back. Ending cannot be undone, so it is never one slip away.
#[component]
pub fn EndButton(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let live = use_live();
    let busy = RwSignal::new(false);
    let confirming = RwSignal::new(false);
    let yes = NodeRef::<leptos::html::Button>::new();
    let problem = RwSignal::new(None::<String>);
    let end = move |_| {
        busy.set(true);
        problem.set(None);
        let failed = t_string!(i18n, wrap_up.end_failed).to_string();
        spawn_local(async move {
            let result = api::end(id).await;
            busy.set(false);
            confirming.set(false);
            match result {
                // A call that will not end yet (on hold) goes on: the agent is told why.
                Err(ApiError::Refused(reason @ (Reason::CallOnHold | Reason::CallRefused))) => {
                    problem.set(Some(reason_words(i18n, reason)));
                }
                // Ended already (by the customer, or in another tab): the desk catches up.
                Ok(()) | Err(ApiError::Refused(_)) => live.work_changed(),
                Err(e) => problem.set(Some(api_text(i18n, &e, failed))),
            }
        });
    };
    Effect::new(move |_| {
        if confirming.get()
            && let Some(button) = yes.get()
        {
            let _ = button.focus();
        }
    });
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            confirming.set(false);
        }
    };
    // From the keyboard too: it asks first, with Yes focused.
    on_shortcut(Action::End, move || confirming.set(true));
    view! {
        <Show
            when=move || confirming.get()
            fallback=move || view! {
                <button class="button" data-testid="end-conversation" on:click=move |_| confirming.set(true)>
                    <Icon glyph=Glyph::End />
                    {t!(i18n, wrap_up.end)}
                </button>
                {move || problem.get().map(|p| view! { <span class=css::problem role="alert" data-testid="end-error">{p}</span> })}
            }
        >
            <span class=css::confirm role="group" aria-label=move || t_string!(i18n, wrap_up.end_confirm).to_string() on:keydown=on_key>
                <span class=css::question>{t!(i18n, wrap_up.end_confirm)}</span>
                <button class="button danger" data-testid="end-confirm" node_ref=yes disabled=move || busy.get() on:click=end>
                    {t!(i18n, wrap_up.end_confirm_yes)}
                </button>
                <button class="button" data-testid="end-cancel" on:click=move |_| confirming.set(false)>
                    {t!(i18n, wrap_up.end_confirm_no)}
                </button>
            </span>
        </Show>
    }
}

#[component]
pub fn WrapUpForm(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let live = use_live();
    let navigate = use_navigate();
    let query = RwSignal::new(String::new());
    // Only a valid query goes to the server, which searches ignoring case and diacritics.
    let valid = Memo::new(move |_| query.with(|q| check_reason_query(q).map(|q| q.map(str::to_owned)).ok()));
    let reasons = LocalResource::new(move || {
        let wanted = valid.get();
        async move {
            match wanted {
                Some(query) => api::wrap_up_reasons(id, query).await.ok(),
                None => None,
            }
        }
    });
    // Times itself from the end of the agent's part, as the header times the handling.
    let clock = use_clock();
    let since = Memo::new(move |_| {
        live.tasks.with(|t| {
            t.as_ref()
                .and_then(|t| t.as_ref().ok())
                .and_then(|t| t.iter().find(|t| t.id == id)?.wrap_up_since)
        })
    });
    let wrap_up_seconds = move || since.get().map(|at| ((clock.get() - at) / 1000).max(0));
    let chosen = RwSignal::new(None::<i64>);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    // Ended: the search takes the focus, unless the agent is busy in another field.
    let search = NodeRef::<leptos::html::Input>::new();
    Effect::new(move |_| {
        let idle = document().active_element().is_none_or(|el| el.tag_name() == "BODY");
        if let Some(input) = search.get().filter(|_| idle) {
            let _ = input.focus();
        }
    });
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(reason_id) = chosen.get_untracked() else {
            error.set(Some(t_string!(i18n, wrap_up.choose).to_string()));
            return;
        };
        busy.set(true);
        let navigate = navigate.clone();
        spawn_local(async move {
            match api::wrap_up(id, reason_id).await {
                Ok(()) => {
                    // On to the next conversation, its composer focused; none left: the empty desk.
                    let ids = live.task_ids();
                    let next = ids
                        .iter()
                        .position(|i| *i == id)
                        .and_then(|at| ids.get(at + 1).or_else(|| at.checked_sub(1).and_then(|p| ids.get(p))))
                        .copied();
                    live.work_changed();
                    match next {
                        Some(next) => open_with_composer_focused(next, navigate),
                        None => navigate("/desk", Default::default()),
                    }
                }
                Err(e) => error.set(Some(api_text(i18n, &e, t_string!(i18n, wrap_up.failed).to_string()))),
            }
            busy.set(false);
        });
    };
    let list = move || {
        if valid.get().is_none() {
            return view! { <p class=css::hint id="wrap-up-hint">{t!(i18n, wrap_up.too_short)}</p> }
                .into_any();
        }
        match reasons.get().flatten() {
            None => view! { <p class=css::hint id="wrap-up-hint">{t!(i18n, pane.loading)}</p> }.into_any(),
            Some(found) if found.is_empty() => view! { <p class=css::hint id="wrap-up-hint">{t!(i18n, wrap_up.none)}</p> }.into_any(),
            Some(found) => found
                .into_iter()
                .map(|r| {
                    let reason_id = r.id;
                    view! {
                        <label class=css::reason>
                            <input type="radio" name="wrap-up-reason" prop:checked=move || chosen.get() == Some(reason_id)
                                on:change=move |_| { chosen.set(Some(reason_id)); error.set(None); } />
                            <ConfiguredText text=r.label.clone() />
                        </label>
                    }
                })
                .collect_view()
                .into_any(),
        }
    };
    view! {
        <form class=css::form data-testid="wrap-up" on:submit=submit aria-labelledby="wrap-up-title">
            <h2 id="wrap-up-title" class=css::title>
                {t!(i18n, wrap_up.title)}
                {move || wrap_up_seconds().map(|seconds| view! {
                    " "<time class=css::timer data-testid="wrap-up-time" title=move || t_string!(i18n, wrap_up.time).to_string()>
                        {format::stopwatch(seconds)}
                    </time>
                })}
            </h2>
            <label class=css::search>
                <span>{t!(i18n, wrap_up.search)}</span>
                <input type="search" node_ref=search data-testid="wrap-up-search" prop:value=move || query.get() aria-describedby="wrap-up-hint"
                    on:input=move |ev| query.set(event_target_value(&ev)) />
            </label>
            <fieldset class=css::reasons>
                <legend class=css::legend>{t!(i18n, wrap_up.reasons)}</legend>
                {list}
            </fieldset>
            <p class=css::error role="alert">{move || error.get()}</p>
            <button type="submit" class="button primary" data-testid="submit-wrap-up" disabled=move || busy.get()>
                {t!(i18n, wrap_up.submit)}
            </button>
        </form>
    }
}

split_view!(handling, pub fn wrap_up_form(id: i64) => view! { <WrapUpForm id /> });
