//! The Resources pane (GEN): Find responses, favourites (Add favourite; Remove only for a selected
//! favourite), Select category (joins this conversation's auto-suggestions), Insert at the cursor.

use std::time::Duration;

use hovor_types::response::{ResponseCategory, SuggestedResponse, tree_order};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::insert::use_inserter;
use crate::api::responses as api;
use crate::components::form::api_text;
use crate::components::lazy::{lazy_view, split_view};
use crate::components::pane::ready_pane;
use crate::i18n::{t, t_string, use_i18n};
use crate::state::configured::ConfiguredText;
use crate::state::conversation::use_open_conversation;

stylance::import_crate_style!(css, "src/features/responses/resources.module.css");

const DEBOUNCE_MS: u64 = 200;
const CATEGORIES_AFTER_MS: u64 = 1500;

/// Ready at once and drawn only when the agent opens it: opening a conversation already fetches and
/// draws six panes, and `#` in the composer and the suggestions cover most answers.
#[component]
pub fn ResourcesPane(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    ready_pane(
        ViewFn::from(move || t!(i18n, responses.resources)),
        "resources",
        ViewFn::from(move || lazy_view(move || resources_view(id))),
    )
}

split_view!(panes, fn resources_view(id: i64) => view! { <Resources id /> });

#[derive(Clone, Copy, PartialEq)]
enum Tab {
    Find,
    Favourites,
}

#[component]
fn Resources(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let inserter = use_inserter();
    let tab = RwSignal::new(Tab::Find);
    let query = RwSignal::new(String::new());
    let found = RwSignal::new(Vec::<SuggestedResponse>::new());
    let favourites = RwSignal::new(Vec::<SuggestedResponse>::new());
    let selected = RwSignal::new(None::<SuggestedResponse>);
    let status = RwSignal::new(None::<String>);
    let asked = StoredValue::new(0u32);

    let find = move |q: String| {
        let n = asked.get_value() + 1;
        asked.set_value(n);
        spawn_local(async move {
            gloo_timers::future::sleep(Duration::from_millis(DEBOUNCE_MS)).await;
            if asked.try_get_value() != Some(n) {
                return;
            }
            if let Ok(list) = api::search(id, &q).await
                && asked.try_get_value() == Some(n)
            {
                found.try_set(list);
            }
        });
    };
    let load_favourites = move || {
        spawn_local(async move {
            if let Ok(list) = api::favourites(id).await {
                favourites.try_set(list);
            }
        });
    };
    // Nothing is fetched until the agent types or opens Favourites: opening a conversation stays quick.
    let favourites_loaded = StoredValue::new(false);
    Effect::new(move |_| {
        if tab.get() == Tab::Favourites && !favourites_loaded.get_value() {
            favourites_loaded.set_value(true);
            load_favourites();
        }
    });

    let shown = move || if tab.get() == Tab::Find { found.get() } else { favourites.get() };
    let is_favourite = move || selected.with(|s| s.as_ref().is_some_and(|r| r.favourite));
    let set_favourite = move |on: bool| {
        let Some(r) = selected.get_untracked() else { return };
        spawn_local(async move {
            let done = if on { api::add_favourite(r.id).await } else { api::remove_favourite(r.id).await };
            match done {
                Ok(()) => {
                    let mark = |list: &mut Vec<SuggestedResponse>| {
                        list.iter_mut().filter(|x| x.id == r.id).for_each(|x| x.favourite = on)
                    };
                    found.try_update(mark);
                    selected.try_update(|s| {
                        if let Some(s) = s {
                            s.favourite = on
                        }
                    });
                    load_favourites();
                    status.try_set(None);
                }
                Err(e) => {
                    _ = status.try_set(Some(api_text(i18n, &e, t_string!(i18n, form.failed).to_string())))
                }
            }
        });
    };
    let insert = move |_| {
        if let Some(r) = selected.get_untracked() {
            inserter.insert_response(&r, None);
        }
    };

    view! {
        <div class=css::resources>
            <div class=css::tabs role="tablist" aria-label=move || t_string!(i18n, responses.resources).to_string()>
                <button type="button" role="tab" class=css::tab aria-selected=move || (tab.get() == Tab::Find).to_string()
                    on:click=move |_| tab.set(Tab::Find)>{t!(i18n, responses.find)}</button>
                <button type="button" role="tab" class=css::tab data-testid="favourites-tab"
                    aria-selected=move || (tab.get() == Tab::Favourites).to_string()
                    on:click=move |_| tab.set(Tab::Favourites)>{t!(i18n, responses.favourites)}</button>
            </div>
            <Show when=move || tab.get() == Tab::Find>
                <input
                    type="search"
                    class=css::search
                    data-testid="resources-find"
                    aria-label=move || t_string!(i18n, responses.find_label).to_string()
                    placeholder=move || t_string!(i18n, responses.find_label).to_string()
                    prop:value=move || query.get()
                    on:input=move |ev| {
                        let q = event_target_value(&ev);
                        query.set(q.clone());
                        find(q);
                    }
                />
            </Show>
            // A hint in place of an empty list: a listbox holds only options.
            {move || {
                if tab.get() == Tab::Find && query.with(|q| q.trim().is_empty()) {
                    Some(view! { <p class=css::muted>{t!(i18n, responses.type_to_find)}</p> }.into_any())
                } else if shown().is_empty() {
                    Some(view! { <p class=css::muted>{t!(i18n, responses.no_match)}</p> }.into_any())
                } else {
                    None
                }
            }}
            <ul class=css::list role="listbox" data-testid="resources-list"
                aria-label=move || t_string!(i18n, responses.resources).to_string()>
                {move || {
                    if tab.get() == Tab::Find && query.with(|q| q.trim().is_empty()) {
                        return ().into_any();
                    }
                    shown().into_iter().map(|r| {
                        let chosen = r.clone();
                        let by_key = r.clone();
                        let rid = r.id;
                        view! {
                            <li
                                role="option"
                                class=css::item
                                tabindex="0"
                                data-testid="resource"
                                aria-selected=move || selected.with(|s| s.as_ref().is_some_and(|s| s.id == rid)).to_string()
                                on:click=move |_| selected.set(Some(chosen.clone()))
                                on:keydown=move |ev: leptos::ev::KeyboardEvent| if ev.key() == "Enter" || ev.key() == " " {
                                    ev.prevent_default();
                                    selected.set(Some(by_key.clone()));
                                }
                            >
                                <span class=css::title>{r.favourite.then_some("★ ")}{r.title}</span>
                                <span class=css::meta><ConfiguredText text=r.category />{r.shortcut.map(|s| format!(" · #{s}"))}</span>
                            </li>
                        }
                    }).collect_view().into_any()
                }}
            </ul>
            <div class=css::actions>
                <button type="button" class="button primary" data-testid="resources-insert"
                    disabled=move || selected.with(Option::is_none) on:click=insert>{t!(i18n, responses.insert)}</button>
                <button type="button" class="button" data-testid="add-favourite"
                    disabled=move || selected.with(Option::is_none) || is_favourite()
                    on:click=move |_| set_favourite(true)>{t!(i18n, responses.add_favourite)}</button>
                <button type="button" class="button" data-testid="remove-favourite"
                    disabled=move || !is_favourite()
                    on:click=move |_| set_favourite(false)>{t!(i18n, responses.remove_favourite)}</button>
            </div>
            <SelectCategory id />
            <p class=css::status role="status">{move || status.get()}</p>
        </div>
    }
}

/// Adds a category (and those under it) to this conversation's auto-suggestions.
#[component]
fn SelectCategory(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let open = use_open_conversation();
    let chosen = RwSignal::new(String::new());
    let note = RwSignal::new(None::<String>);
    let categories = RwSignal::new(Vec::<(usize, ResponseCategory)>::new());
    let asked = StoredValue::new(false);
    // Loaded a moment after the conversation opened, or at once when the agent reaches the list first.
    let load = move || {
        // The timer may fire after the conversation was closed: then there is nothing to load into.
        if asked.try_get_value() != Some(false) {
            return;
        }
        asked.set_value(true);
        spawn_local(async move {
            match api::categories().await {
                Ok(list) => _ = categories.try_set(tree_order(&list)),
                Err(_) => _ = asked.try_set_value(false),
            }
        });
    };
    if let Ok(timer) = set_timeout_with_handle(load, Duration::from_millis(CATEGORIES_AFTER_MS)) {
        on_cleanup(move || timer.clear());
    }
    let add = move |_| {
        let Ok(category) = chosen.get_untracked().parse::<i64>() else { return };
        spawn_local(async move {
            match api::select_category(id, category).await {
                Ok(()) => {
                    open.categories.try_update(|n| *n += 1);
                    note.try_set(Some(t_string!(i18n, responses.category_added).to_string()));
                }
                Err(e) => {
                    _ = note.try_set(Some(api_text(i18n, &e, t_string!(i18n, form.failed).to_string())))
                }
            }
        });
    };
    view! {
        <div class=css::category>
            <label class=css::category_label>
                <span>{t!(i18n, responses.select_category)}</span>
                <select
                    data-testid="select-category"
                    on:focus=move |_| load()
                    on:pointerdown=move |_| load()
                    on:change=move |ev| { chosen.set(event_target_value(&ev)); note.set(None); }
                >
                    <option value="">{t!(i18n, responses.choose_category)}</option>
                    {move || categories.get().into_iter().map(|(depth, c)| view! {
                        <option value=c.id.to_string()>{"\u{2003}".repeat(depth)}<ConfiguredText text=c.name /></option>
                    }).collect_view()}
                </select>
            </label>
            <button type="button" class="button" data-testid="add-category" disabled=move || chosen.with(String::is_empty)
                on:click=add>{t!(i18n, responses.add_category)}</button>
            <p class=css::status role="status" data-testid="category-note">{move || note.get()}</p>
        </div>
    }
}
