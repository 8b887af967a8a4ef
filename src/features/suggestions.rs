//! Auto-suggested responses, ranked on the server; Insert puts one into the composer to edit.

use hovor_types::response::SuggestedResponse;
use leptos::prelude::*;

use crate::api::conversations as api;
use crate::components::lazy::{lazy_view, split_view};
use crate::components::pane::resource_pane;
use crate::features::responses::insert::use_inserter;
use crate::i18n::{t, t_string, use_i18n};
use crate::state::configured::ConfiguredText;
use crate::state::conversation::use_open_conversation;
use crate::state::shortcuts::{Action, on_shortcut};

stylance::import_crate_style!(css, "src/features/suggestions.module.css");

/// Shown without scrolling; the rest are one click away.
pub const TOP: usize = 3;

#[component]
pub fn Suggestions(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let open = use_open_conversation();
    // Select category in the Resources pane changes what is suggested.
    let suggestions = LocalResource::new(move || {
        open.categories.track();
        api::suggestions(id)
    });
    // Alt+1…3 insert the top three.
    let inserter = use_inserter();
    for (n, action) in [Action::Suggestion1, Action::Suggestion2, Action::Suggestion3].into_iter().enumerate()
    {
        on_shortcut(action, move || {
            let response = suggestions
                .with_untracked(|s| s.as_ref().and_then(|s| s.as_ref().ok()).and_then(|s| s.get(n)).cloned());
            if let Some(response) = response {
                inserter.insert_response(&response, None);
            }
        });
    }
    let render = move |list: Vec<SuggestedResponse>| lazy_view(move || suggestion_list(list.clone()));
    resource_pane(ViewFn::from(move || t!(i18n, suggestions.title)), "suggestions", suggestions, render)
}

split_view!(panes, fn suggestion_list(list: Vec<SuggestedResponse>) => view! { <SuggestionList list /> });

#[component]
fn SuggestionList(list: Vec<SuggestedResponse>) -> impl IntoView {
    let i18n = use_i18n();
    if list.is_empty() {
        return view! { <p class=css::muted>{t!(i18n, suggestions.empty)}</p> }.into_any();
    }
    let count = list.len();
    let all = RwSignal::new(false);
    view! {
        <ol class=css::list id="suggestion-list" data-all=move || all.get().to_string()>
            {list.into_iter().enumerate().map(|(n, r)| view! { <Suggestion response=r rank=n + 1 /> }).collect_view()}
        </ol>
        {(count > TOP).then(|| view! {
            <button type="button" class="button quiet" data-testid="all-suggestions" aria-expanded=move || all.get().to_string()
                aria-controls="suggestion-list" on:click=move |_| all.update(|a| *a = !*a)>
                {move || if all.get() {
                    t!(i18n, suggestions.fewer, count = TOP).into_any()
                } else {
                    t!(i18n, suggestions.all, count = count).into_any()
                }}
            </button>
        })}
    }
    .into_any()
}

#[component]
fn Suggestion(response: SuggestedResponse, rank: usize) -> impl IntoView {
    let i18n = use_i18n();
    let inserter = use_inserter();
    let title = response.title.clone();
    let full = response.body.clone();
    let whole = response.clone();
    let insert = move |_| inserter.insert_response(&whole, None);
    view! {
        <li class=css::item data-testid="suggestion" data-rank=rank>
            <div class=css::head>
                <span class=css::title>{response.title}</span>
                <span class=css::category><ConfiguredText text=response.category /></span>
                {response.other_category.then(|| view! {
                    <span class=css::other data-testid="other-category">{t!(i18n, suggestions.other_category)}</span>
                })}
                <button
                    type="button"
                    class=format!("button {}", css::insert)
                    data-testid="insert-suggestion"
                    aria-label=move || t_string!(i18n, suggestions.insert_label, title = title.clone()).to_string()
                    on:click=insert
                >
                    {t!(i18n, suggestions.insert)}
                </button>
            </div>
            <p class=css::body title=full>{response.body}</p>
        </li>
    }
}
