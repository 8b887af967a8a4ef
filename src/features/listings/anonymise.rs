//! Anonymise in an interaction's detail, for those `may_anonymise` allows: the button asks first,
//! saying what goes and what stays; Cancel (or Escape) is the default, and the answer is said.

use std::sync::Arc;

use hovor_types::error::Reason;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::css;
use super::strings::ListingWords;
use crate::api::ApiError;
use crate::api::listings as api;
use crate::components::strings::fill;
use crate::i18n::{t_string, use_i18n};

#[component]
pub fn Anonymise(
    interaction_id: i64,
    name: String,
    words: Arc<ListingWords>,
    on_done: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let asking = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let cancel_button = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if asking.get()
            && let Some(button) = cancel_button.get()
        {
            let _ = button.focus();
        }
    });
    let confirm = {
        let words = words.clone();
        move |_| {
            busy.set(true);
            problem.set(None);
            let words = words.clone();
            spawn_local(async move {
                match api::anonymise(interaction_id).await {
                    Ok(_) => {
                        asking.set(false);
                        on_done.run(());
                    }
                    Err(ApiError::Refused(Reason::NotEnded)) => {
                        problem.set(Some(words.anonymise_active.clone()))
                    }
                    Err(_) => problem.set(Some(t_string!(i18n, pane.error).to_string())),
                }
                busy.set(false);
            });
        }
    };
    let explain = fill(&words.anonymise_explain, &[("name", &name)]);
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        if ev.key() == "Escape" {
            // Escape leaves the question, not the detail.
            ev.stop_propagation();
            ev.prevent_default();
            asking.set(false);
        }
    };
    let (ask_words, confirm_words, cancel_words) =
        (words.anonymise.clone(), words.anonymise_confirm.clone(), words.cancel.clone());
    view! {
        <div class=css::anonymise data-testid="anonymise">
            <Show when=move || asking.get() fallback=move || view! {
                <button type="button" class="button" data-testid="anonymise-ask" on:click=move |_| asking.set(true)>
                    {ask_words.clone()}
                </button>
            }>
                <div role="alertdialog" aria-labelledby="anonymise-explain" class=css::confirm on:keydown=on_key>
                    <p id="anonymise-explain">{explain.clone()}</p>
                    <button type="button" class="button danger" data-testid="anonymise-confirm"
                        disabled=move || busy.get() on:click=confirm.clone()>{confirm_words.clone()}</button>" "
                    <button type="button" class="button" node_ref=cancel_button data-testid="anonymise-cancel"
                        on:click=move |_| asking.set(false)>{cancel_words.clone()}</button>
                </div>
            </Show>
            {move || problem.get().map(|p| view! { <p class=css::problem role="alert" data-testid="anonymise-problem">{p}</p> })}
        </div>
    }
}
