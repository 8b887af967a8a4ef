//! Auto-suggested responses, ranked on the server; Insert puts one into the composer to edit.

use hovor_types::response::SuggestedResponse;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::api::conversations as api;
use crate::components::pane::resource_pane;
use crate::features::conversation::COMPOSER_ID;
use crate::i18n::{t, t_string, use_i18n};
use crate::state::drafts::use_drafts;

stylance::import_crate_style!(css, "src/features/suggestions.module.css");

#[component]
pub fn Suggestions(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let suggestions = LocalResource::new(move || api::suggestions(id));
    let render = move |list: Vec<SuggestedResponse>| {
        if list.is_empty() {
            return view! { <p class=css::muted>{t!(i18n, suggestions.empty)}</p> }.into_any();
        }
        view! {
            <ol class=css::list>
                {list.into_iter().map(|r| view! { <Suggestion conversation=id response=r /> }).collect_view()}
            </ol>
        }
        .into_any()
    };
    resource_pane(ViewFn::from(move || t!(i18n, suggestions.title)), "suggestions", suggestions, render)
}

#[component]
fn Suggestion(conversation: i64, response: SuggestedResponse) -> impl IntoView {
    let i18n = use_i18n();
    let drafts = use_drafts();
    let title = response.title.clone();
    let body = response.body.clone();
    let insert = move |_| {
        drafts.insert(conversation, &body);
        if let Some(el) = document().get_element_by_id(COMPOSER_ID) {
            let _ = el.unchecked_into::<web_sys::HtmlElement>().focus();
        }
    };
    view! {
        <li class=css::item data-testid="suggestion">
            <div class=css::head>
                <span class=css::title>{response.title}</span>
                <button
                    type="button"
                    class="button"
                    data-testid="insert-suggestion"
                    aria-label=move || t_string!(i18n, suggestions.insert_label, title = title.clone()).to_string()
                    on:click=insert
                >
                    {t!(i18n, suggestions.insert)}
                </button>
            </div>
            <p class=css::body>{response.body}</p>
            <span class=css::category>{response.category}</span>
        </li>
    }
}
